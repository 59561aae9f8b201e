//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/klplayground/klplay/core/classify"
)

// crossEntropyLab takes the Cross-entropy lab's state {names, logits, label,
// smoothing, mode: 'single'|'batch', batch: [classes], lr, unit} and view
// options {steps}; it advances the logits `steps` gradient steps (0 for a
// plain update; one call per animation frame while training) and returns
// everything the frame draws, in the state's unit: {logits, p, q, logQ, grad,
// gradNorm, entropyP, kl, crossEntropy, loss, losses, traceLoss, traceKL}.
func crossEntropyLab(a []js.Value) (any, error) {
	state, err := labState("cross-entropy", arg(a, 0))
	if err != nil {
		return nil, err
	}
	view, err := decodeOptions(arg(a, 1))
	if err != nil {
		return nil, err
	}
	st := classify.State{
		Logits:    state.Floats("logits"),
		Label:     state.Int("label"),
		Smoothing: state.Number("smoothing"),
		Batch:     state.Enum("mode") == "batch",
		Base:      state.Base(),
		LR:        state.Number("lr"),
	}
	if st.Batch {
		st.Examples = state.Floats("batch")
	}
	if st.Steps, err = view.count("steps", 0, classify.MaxSteps); err != nil {
		return nil, err
	}
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
