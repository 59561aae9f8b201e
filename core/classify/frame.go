package classify

import (
	"math"
	"strconv"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

// Rules are the Cross-entropy lab's cross-field rules: one name per logit
// (when names are given), and the label and every example of the batch name
// a class, as whole numbers below the number k of logits.
//
// Errors: input.LengthMismatch naming "state.names"; input.OutOfRange naming
// "state.label" or "state.batch[j]".
func Rules(st session.State) error {
	k := len(st.Floats("logits"))
	if names := len(st.Strings("names")); names > 0 && names != k {
		return input.Errorf(input.LengthMismatch, "state.names", "has %d entries but there are %d logits", names, k)
	}
	class := func(arg string, x float64) error {
		if x != math.Trunc(x) || x < 0 || x >= float64(k) {
			return input.Errorf(input.OutOfRange, arg, "is %v; with %d classes it must be a whole number from 0 to %d", x, k, k-1)
		}
		return nil
	}
	if err := class("state.label", float64(st.Int("label"))); err != nil {
		return err
	}
	for i, x := range st.Floats("batch") {
		if err := class("state.batch["+strconv.Itoa(i)+"]", x); err != nil {
			return err
		}
	}
	return nil
}

// Frame is the Cross-entropy lab's answer for the state {names, logits,
// label, smoothing, mode: single|batch, batch, lr, unit} and the option
// steps (0..MaxSteps, default 0): Run with the state's example, or its
// batch's mean label in batch mode, after steps gradient steps (one call per
// animation frame while training), in the state's unit:
//
//	{logits, p, q, logQ, grad, losses, traceLoss, traceKL: []float64,
//	 gradNorm, entropyP, kl, crossEntropy, loss: float64}
//
// with H(P,Q) = H(P) + KL(P‖Q), loss = H(P,Q) and grad = q − p in nats per
// logit (see Result).
//
// Errors: those of Run; steps not a whole number in range ("opts.steps").
func Frame(st session.State, opts session.Options) (map[string]any, error) {
	s := State{
		Logits:    st.Floats("logits"),
		Label:     st.Int("label"),
		Smoothing: st.Number("smoothing"),
		Batch:     st.Enum("mode") == "batch",
		Base:      st.Base(),
		LR:        st.Number("lr"),
	}
	if s.Batch {
		s.Examples = st.Floats("batch")
	}
	var err error
	if s.Steps, err = opts.Count("steps", 0, MaxSteps); err != nil {
		return nil, err
	}
	r, err := Run(s)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"logits":       r.Logits,
		"p":            r.P,
		"q":            r.Q,
		"logQ":         r.LogQ,
		"grad":         r.Grad,
		"gradNorm":     r.GradNorm,
		"entropyP":     r.EntropyP,
		"kl":           r.KL,
		"crossEntropy": r.CrossEntropy,
		"loss":         r.Loss,
		"losses":       r.Losses,
		"traceLoss":    r.TraceLoss,
		"traceKL":      r.TraceKL,
	}, nil
}
