//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/klplayground/klplay/core/continuous"
	"github.com/klplayground/klplay/core/dist"
)

// continuousLab takes the Continuous lab's state {pFamily, p: [params],
// qFamily, q: [params], integrand, unit, samples, seed} and view options {lo,
// hi, points, check}, and returns everything one frame draws, in the state's
// unit: {discrete, lo, hi, autoLo, autoHi, xs, p, q, integrand,
// reverseIntegrand, kl, reverseKL, crossEntropy, reverseCrossEntropy,
// entropyP, entropyQ (each {value, method, errorEstimate}), mismatch,
// reverseMismatch, handlesP, handlesQ ({mean, sd, atMean, atSd})}. With
// check: true it adds `check`, the three-way check (Monte Carlo draws: call
// it only when P, Q, samples or seed change).
func continuousLab(a []js.Value) (any, error) {
	st, err := labState("continuous", arg(a, 0))
	if err != nil {
		return nil, err
	}
	view, err := decodeOptions(arg(a, 1))
	if err != nil {
		return nil, err
	}
	p, err := continuous.FromParams("state.p", st.Enum("pFamily"), st.Floats("p"))
	if err != nil {
		return nil, err
	}
	q, err := continuous.FromParams("state.q", st.Enum("qFamily"), st.Floats("q"))
	if err != nil {
		return nil, err
	}
	o := continuous.Options{Base: st.Base()}
	if o.Lo, err = view.number("lo", 0); err != nil {
		return nil, err
	}
	if o.Hi, err = view.number("hi", 0); err != nil {
		return nil, err
	}
	points, err := view.number("points", 0)
	if err != nil {
		return nil, err
	}
	o.Points = int(points)
	f, err := continuous.Compute(p, q, o)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"discrete":            f.Discrete,
		"lo":                  f.Lo,
		"hi":                  f.Hi,
		"autoLo":              f.AutoLo,
		"autoHi":              f.AutoHi,
		"xs":                  toFloat64Array(f.Xs),
		"p":                   toFloat64Array(f.P),
		"q":                   toFloat64Array(f.Q),
		"integrand":           toFloat64Array(f.Integrand),
		"reverseIntegrand":    toFloat64Array(f.ReverseIntegrand),
		"kl":                  result(f.KL),
		"reverseKL":           result(f.ReverseKL),
		"crossEntropy":        result(f.CrossEntropy),
		"reverseCrossEntropy": result(f.ReverseCrossEntropy),
		"entropyP":            result(f.EntropyP),
		"entropyQ":            result(f.EntropyQ),
		"mismatch":            toFloat64Array(f.Mismatch),
		"reverseMismatch":     toFloat64Array(f.ReverseMismatch),
		"handlesP":            handlesJS(f.HandlesP),
		"handlesQ":            handlesJS(f.HandlesQ),
	}
	check, err := view.boolean("check")
	if err != nil {
		return nil, err
	}
	if check {
		c, err := continuous.Check(p, q, st.Int("samples"), uint64(st.Int("seed")), o.Base)
		if err != nil {
			return nil, err
		}
		mc := make([]any, len(c.MC))
		for i, e := range c.MC {
			mc[i] = map[string]any{"estimator": string(continuous.Estimators[i]), "mean": e.Mean, "stdErr": e.StdErr}
		}
		bias, spread := make([]any, 3), make([]any, 3)
		for i := range bias {
			bias[i], spread[i] = toFloat64Array(c.Bias[i]), toFloat64Array(c.Spread[i])
		}
		ck := map[string]any{
			"numeric":   result(c.Numeric),
			"reference": c.Reference,
			"mc":        mc,
			"samples":   c.Samples,
			"seed":      float64(c.Seed),
			"ns":        toFloat64Array(c.Ns),
			"reps":      continuous.SeriesReps,
			"bias":      bias,
			"spread":    spread,
			// 1 − Q(supp P), and E[k3] = KL − that mass (k3's bias where Q has mass P lacks).
			"qMassOutside": c.QMassOutside,
			"k3Expected":   c.K3Expected,
		}
		if c.HasClosed {
			ck["closed"] = result(c.Closed)
		}
		out["check"] = ck
	}
	return out, nil
}

func result(r dist.Result) map[string]any {
	return map[string]any{"value": r.Value, "method": r.Method, "errorEstimate": r.ErrorEstimate}
}

func handlesJS(h continuous.Handles) map[string]any {
	return map[string]any{"mean": toFloat64Array(h.Mean), "sd": toFloat64Array(h.Sd), "atMean": toFloat64Array(h.AtMean), "atSd": toFloat64Array(h.AtSd)}
}
