//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/klplayground/klplay/core/classify"
	"github.com/klplayground/klplay/core/input"
)

// crossEntropyLab takes the Cross-entropy lab's state
//
//	{logits, label, smoothing, mode: 'single'|'batch', batch: [classes], base, lr, steps}
//
// advances the logits `steps` gradient steps (0 for a plain update; one call
// per animation frame while training) and returns everything the frame draws:
// {logits, p, q, logQ, grad, gradNorm, entropyP, kl, crossEntropy, loss,
// losses, traceLoss, traceKL}.
func crossEntropyLab(a []js.Value) (any, error) {
	state, err := decodeOptions(arg(a, 0))
	if err != nil {
		return nil, err
	}
	var st classify.State
	if st.Logits, err = floats("logits", state.field("logits")); err != nil {
		return nil, err
	}
	label, err := state.number("label", 0)
	if err != nil {
		return nil, err
	}
	if label != float64(int(label)) {
		return nil, input.Errorf(input.OutOfRange, "label", "is %v; it must be a whole number", label)
	}
	st.Label = int(label)
	if st.Smoothing, err = state.number("smoothing", 0); err != nil {
		return nil, err
	}
	mode, err := state.str("mode", "single")
	if err != nil {
		return nil, err
	}
	switch mode {
	case "single":
	case "batch":
		st.Batch = true
		if st.Examples, err = floats("batch", state.field("batch")); err != nil {
			return nil, err
		}
	default:
		return nil, input.Errorf(input.UnknownName, "mode", "is %q; it must be single or batch", mode)
	}
	if st.Base, err = state.number("base", 0); err != nil {
		return nil, err
	}
	if st.LR, err = state.number("lr", 1); err != nil {
		return nil, err
	}
	steps, err := state.number("steps", 0)
	if err != nil {
		return nil, err
	}
	if steps != float64(int(steps)) || steps < 0 || steps > classify.MaxSteps {
		return nil, input.Errorf(input.OutOfRange, "steps", "is %v; it must be a whole number from 0 to %d", steps, classify.MaxSteps)
	}
	st.Steps = int(steps)
	r, err := classify.Run(st)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"logits":       toFloat64Array(r.Logits),
		"p":            toFloat64Array(r.P),
		"q":            toFloat64Array(r.Q),
		"logQ":         toFloat64Array(r.LogQ),
		"grad":         toFloat64Array(r.Grad),
		"gradNorm":     r.GradNorm,
		"entropyP":     r.EntropyP,
		"kl":           r.KL,
		"crossEntropy": r.CrossEntropy,
		"loss":         r.Loss,
		"losses":       toFloat64Array(r.Losses),
		"traceLoss":    toFloat64Array(r.TraceLoss),
		"traceKL":      toFloat64Array(r.TraceKL),
	}, nil
}
