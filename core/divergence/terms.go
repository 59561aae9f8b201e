package divergence

import "github.com/klplayground/klplay/core/input"

// Terms returns the pointwise terms of a measure, one per category, for the
// charts; they sum (up to rounding, and to the clamping of the measure) to the
// measure. Names and terms, in the unit of o.Base where the measure is a
// logarithm:
//
//	"entropy"            −p_i log p_i                 (q is ignored and may be nil)
//	"cross-entropy"      −p_i log q_i                 (+Inf where q_i = 0 < p_i)
//	"kl"                 p_i log(p_i/q_i)             (+Inf where q_i = 0 < p_i; may be negative)
//	"reverse-kl"         q_i log(q_i/p_i)             (+Inf where p_i = 0 < q_i)
//	"js" (= "jensen-shannon")  ½[p_i log(p_i/m_i) + q_i log(q_i/m_i)] ≥ 0, m = (p+q)/2
//	"total-variation"    ½|p_i − q_i|
//	"squared-hellinger"  ½(√p_i − √q_i)²
//	"pearson-chi2"       (p_i − q_i)²/q_i
//	"neyman-chi2"        (p_i − q_i)²/p_i
//
// and, for every other name of FDivergenceNames, q_i f(p_i/q_i) with the
// limits FDivergence uses (parametric generators at DefaultAlpha). Every
// category with p_i = q_i = 0 has term 0. Terms allocates the result.
//
// Errors: an unknown name (input.UnknownName, argument "name"), and those of
// KL (for "entropy", those of Entropy).
func Terms(name string, p, q []float64, o Options) ([]float64, error) {
	switch name {
	case "entropy":
		p, k, err := single("p", p, o)
		if err != nil {
			return nil, err
		}
		out := make([]float64, len(p))
		for i, pi := range p {
			if pi != 0 {
				out[i] = 0 - k*pi*ln(pi)
			}
		}
		return out, nil
	case "cross-entropy":
		p, q, k, err := pair(p, q, o)
		if err != nil {
			return nil, err
		}
		out := make([]float64, len(p))
		for i, pi := range p {
			switch {
			case pi == 0:
			case q[i] == 0:
				out[i] = inf
			default:
				out[i] = 0 - k*pi*ln(q[i])
			}
		}
		return out, nil
	case "js":
		name = "jensen-shannon"
	}
	g, err := lookup(name)
	if err != nil {
		return nil, input.Errorf(input.UnknownName, "name", "%q has no pointwise terms; known names: entropy, cross-entropy, js and the f-divergences", name)
	}
	p, q, k, err := pair(p, q, o)
	if err != nil {
		return nil, err
	}
	if !g.log {
		k = 1
	}
	return termsOf(g, p, q, DefaultAlpha, k), nil
}

// termsOf returns k·(q_i f(p_i/q_i)) for every category.
func termsOf(g *generator, p, q []float64, a, k float64) []float64 {
	out := make([]float64, len(p))
	for i, pi := range p {
		out[i] = k * cellTerm(pi, q[i], g, a)
	}
	return out
}
