package classify

import (
	"math"
	"strconv"

	"github.com/klplayground/klplay/core/input"
)

// State is the Cross-entropy lab's state as the page sends it.
type State struct {
	Logits    []float64 // one logit per class (2..10)
	Label     int       // the class of the single example (Batch false)
	Batch     bool      // true: the label is the mean label of Examples
	Examples  []float64 // the batch's classes, whole numbers in 0..k−1 (Batch true)
	Smoothing float64   // ε in [0, 1]
	Base      float64   // unit of the logarithmic readouts: e (nats), 2 (bits)
	LR        float64   // learning rate of Train (used when Steps > 0)
	Steps     int       // gradient steps to take before evaluating (0..1000)
}

// Result is everything one frame of the lab draws. Logarithmic values are in
// the unit of State.Base; Grad is in nats per unit of logit.
type Result struct {
	Logits    []float64 // the logits after the steps (a copy of State.Logits when Steps = 0)
	P         []float64 // the label: smoothed one-hot, or the batch's mean label P̄
	Eval                // Q, H(P), KL(P‖Q), H(P,Q), the loss and the gradient at Logits
	TraceLoss []float64 // H(P, Q) after each step taken (len Steps)
	TraceKL   []float64 // KL(P‖Q) after each step taken
	Losses    []float64 // batch: each example's H(P_j, Q), whose mean is H(P̄, Q); single: [H(P, Q)]
}

// Run takes st.Steps gradient steps on the logits (Train) and evaluates the
// result (Evaluate) against the label: for a single example the smoothed
// one-hot label of st.Label (Label), for a batch the mean label of
// st.Examples (BatchLabel), whose cross-entropy is the mean of the examples'
// cross-entropies, returned in Losses.
//
// Errors: those of Label, BatchLabel, Evaluate and Train; an example that is
// not a whole number ("batch[j]").
func Run(st State) (Result, error) {
	if err := checkLogits(st.Logits); err != nil {
		return Result{}, err
	}
	k := len(st.Logits)
	cs := []int{st.Label}
	if st.Batch {
		if len(st.Examples) > MaxBatch {
			return Result{}, input.Errorf(input.TooLarge, "batch", "has %d examples; at most %d are accepted", len(st.Examples), MaxBatch)
		}
		cs = make([]int, len(st.Examples))
		for j, x := range st.Examples {
			if x != math.Trunc(x) || x < 0 || x >= float64(k) {
				return Result{}, input.Errorf(input.OutOfRange, "batch["+strconv.Itoa(j)+"]", "is %v; with %d classes it must be a whole number from 0 to %d", x, k, k-1)
			}
			cs[j] = int(x)
		}
	}
	p, err := BatchLabel(k, cs, st.Smoothing)
	if err != nil {
		return Result{}, err
	}
	unit, err := input.LogBase(st.Base)
	if err != nil {
		return Result{}, err
	}
	r := Result{P: p, Logits: append([]float64(nil), st.Logits...)}
	if st.Steps != 0 {
		z, trace, err := Train(st.Logits, p, st.LR, st.Steps)
		if err != nil {
			return Result{}, err
		}
		r.Logits = z
		r.TraceLoss = make([]float64, len(trace))
		r.TraceKL = make([]float64, len(trace))
		for i, s := range trace {
			r.TraceLoss[i] = unit * s.Loss
			r.TraceKL[i] = unit * s.KL
		}
	}
	if r.Eval, err = Evaluate(r.Logits, p, st.Base); err != nil {
		return Result{}, err
	}
	r.Losses = make([]float64, len(cs))
	for j, c := range cs {
		pj, _ := Label(k, c, st.Smoothing)
		r.Losses[j] = unit * loss(pj, r.LogQ)
	}
	return r, nil
}
