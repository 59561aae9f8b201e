package continuous

import (
	"github.com/klplayground/klplay/core/distribution"
	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

// Rules are the Continuous lab's cross-field rules: each side's parameters
// suit its family (FromParams decides), and P and Q are both densities or
// both mass functions.
//
// Errors: those of FromParams, naming "state.p…" or "state.q…"; a density
// beside a mass function (input.Invalid, "state.qFamily").
func Rules(st session.State) error {
	_, _, err := sides(st)
	return err
}

// sides returns the state's P and Q.
func sides(st session.State) (p, q distribution.Dist, err error) {
	if p, err = FromParams("state.p", st.Enum("pFamily"), st.Floats("p")); err != nil {
		return nil, nil, err
	}
	if q, err = FromParams("state.q", st.Enum("qFamily"), st.Floats("q")); err != nil {
		return nil, nil, err
	}
	if p.Discrete() != q.Discrete() {
		return nil, nil, input.Errorf(input.Invalid, "state.qFamily", "is a %s but P is a %s; both must be densities or both mass functions", kindName(q), kindName(p))
	}
	return p, q, nil
}

func kindName(d distribution.Dist) string {
	if d.Discrete() {
		return "mass function"
	}
	return "density"
}

// Frame is the Continuous lab's answer for the state {pFamily, p, qFamily,
// q, integrand, unit, samples, seed} and the options {lo, hi, points} (the
// plot grid, as Options; 0 is automatic) and check: Compute(P, Q) in the
// state's unit,
//
//	{discrete, lo, hi, autoLo, autoHi, xs, p, q, integrand, reverseIntegrand,
//	 kl, reverseKL, crossEntropy, reverseCrossEntropy, entropyP, entropyQ:
//	 {value, method, errorEstimate}, mismatch, reverseMismatch,
//	 handlesP, handlesQ: {mean, sd, atMean, atSd}}
//
// and with check: true also check, the three-way check of Check with the
// state's samples and seed: {closed (when the pair has one), numeric:
// {value, method, errorEstimate}, reference, mc: [{estimator, mean, stdErr}]
// for k1, k2, k3, samples, seed, ns, reps, bias, spread: [3][]float64,
// qMassOutside = 1 − Q(supp P), k3Expected = KL − that mass}. The check
// draws tens of thousands of samples: ask for it only when P, Q, samples or
// seed change.
//
// Errors: those of FromParams, Compute and Check; an option of the wrong type.
func Frame(st session.State, opts session.Options) (map[string]any, error) {
	p, q, err := sides(st)
	if err != nil {
		return nil, err
	}
	o := Options{Base: st.Base()}
	if o.Lo, err = opts.Number("lo", 0); err != nil {
		return nil, err
	}
	if o.Hi, err = opts.Number("hi", 0); err != nil {
		return nil, err
	}
	points, err := opts.Number("points", 0)
	if err != nil {
		return nil, err
	}
	o.Points = int(points)
	f, err := Compute(p, q, o)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"discrete":            f.Discrete,
		"lo":                  f.Lo,
		"hi":                  f.Hi,
		"autoLo":              f.AutoLo,
		"autoHi":              f.AutoHi,
		"xs":                  f.Xs,
		"p":                   f.P,
		"q":                   f.Q,
		"integrand":           f.Integrand,
		"reverseIntegrand":    f.ReverseIntegrand,
		"kl":                  result(f.KL),
		"reverseKL":           result(f.ReverseKL),
		"crossEntropy":        result(f.CrossEntropy),
		"reverseCrossEntropy": result(f.ReverseCrossEntropy),
		"entropyP":            result(f.EntropyP),
		"entropyQ":            result(f.EntropyQ),
		"mismatch":            f.Mismatch,
		"reverseMismatch":     f.ReverseMismatch,
		"handlesP":            handleMap(f.HandlesP),
		"handlesQ":            handleMap(f.HandlesQ),
	}
	check, err := opts.Bool("check")
	if err != nil || !check {
		return out, err
	}
	c, err := Check(p, q, st.Int("samples"), uint64(st.Int("seed")), o.Base)
	if err != nil {
		return nil, err
	}
	mc := make([]any, len(c.MC))
	for i, e := range c.MC {
		mc[i] = map[string]any{"estimator": string(Estimators[i]), "mean": e.Mean, "stdErr": e.StdErr}
	}
	bias, spread := make([]any, len(c.Bias)), make([]any, len(c.Spread))
	for i := range bias {
		bias[i], spread[i] = c.Bias[i], c.Spread[i]
	}
	ck := map[string]any{
		"numeric":      result(c.Numeric),
		"reference":    c.Reference,
		"mc":           mc,
		"samples":      c.Samples,
		"seed":         float64(c.Seed),
		"ns":           c.Ns,
		"reps":         SeriesReps,
		"bias":         bias,
		"spread":       spread,
		"qMassOutside": c.QMassOutside,
		"k3Expected":   c.K3Expected,
	}
	if c.HasClosed {
		ck["closed"] = result(c.Closed)
	}
	out["check"] = ck
	return out, nil
}

func result(r distribution.Result) map[string]any {
	return map[string]any{"value": r.Value, "method": r.Method, "errorEstimate": r.ErrorEstimate}
}

func handleMap(h Handles) map[string]any {
	return map[string]any{"mean": h.Mean, "sd": h.Sd, "atMean": h.AtMean, "atSd": h.AtSd}
}
