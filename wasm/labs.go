//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/klplayground/klplay/core/divergence"
)

// divergenceLab takes the Divergence lab's state {p, q, base} and returns
// everything one frame draws: the readouts and the chart arrays.
func divergenceLab(a []js.Value) (any, error) {
	state, err := decodeOptions(arg(a, 0))
	if err != nil {
		return nil, err
	}
	p, err := floats("p", state.field("p"))
	if err != nil {
		return nil, err
	}
	q, err := floats("q", state.field("q"))
	if err != nil {
		return nil, err
	}
	o, err := state.measure()
	if err != nil {
		return nil, err
	}
	c, err := divergence.Compare(p, q, o)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"entropyP":         c.EntropyP,
		"entropyQ":         c.EntropyQ,
		"crossEntropy":     c.CrossEntropy,
		"kl":               c.KL,
		"reverseKL":        c.ReverseKL,
		"jensenShannon":    c.JensenShannon,
		"totalVariation":   c.TotalVariation,
		"hellinger":        c.Hellinger,
		"squaredHellinger": c.SquaredHellinger,
		"extraBits":        c.ExtraBits,
		"terms":            toFloat64Array(c.Terms),
		"reverseTerms":     toFloat64Array(c.ReverseTerms),
		"codeP":            toFloat64Array(c.CodeP),
		"codeQ":            toFloat64Array(c.CodeQ),
	}, nil
}
