//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/session"
)

// labState decodes the first argument of a lab function, the lab's state,
// against the lab's schema (core/session/labs/<id>.json): a missing field is
// its default, an unknown one, a wrong type or a value out of bounds is an
// error naming "state.<field>". Undefined or null is the default state.
func labState(id string, v js.Value) (session.State, error) {
	raw := map[string]any{}
	if !v.IsUndefined() && !v.IsNull() {
		m, err := object("state", v)
		if err != nil {
			return session.State{}, err
		}
		raw = m
	}
	lab, _ := session.Lab(id)
	return lab.Decode(raw)
}

// divergenceLab takes the Divergence lab's state {p, q, unit, names} and
// returns everything one frame draws: the readouts (in the state's unit) and
// the chart arrays.
func divergenceLab(a []js.Value) (any, error) {
	st, err := labState("divergence", arg(a, 0))
	if err != nil {
		return nil, err
	}
	c, err := divergence.Compare(st.Floats("p"), st.Floats("q"), divergence.Options{Base: st.Base()})
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
