package divergence

import "github.com/klplayground/klplay/core/input"

// Pointwise returns the integrand of the f-divergence called name (see
// FDivergenceNames) for densities or masses that need not be normalised:
//
//	t(p, q) = q·f(p/q)     for p, q > 0,
//	t(0, q) = q·f(0)       (f(0) = lim_{u→0+} f(u), possibly +Inf),
//	t(p, 0) = p·f'(∞)      (f'(∞) = lim_{u→∞} f(u)/u, possibly +Inf),
//	t(0, 0) = 0,
//
// in nats, computed as the terms of FDivergence are (the same stable forms), so
// that D_f(P‖Q) = ∫ t(p(x), q(x)) dx for densities and Σ_i t(p_i, q_i) for
// masses. t is positively homogeneous: t(c·p, c·q) = c·t(p, q) for c > 0, which
// lets a caller rescale densities that would underflow. alpha is the parameter
// of amari-alpha and t-power (ignored for the other names); with α = 1 and
// α = 0, amari-alpha gives the self-normalised KL integrands p log(p/q) − p + q
// and q log(q/p) − q + p, which are ≥ 0.
//
// The arguments of t must be ≥ 0 and finite; t does not check them.
//
// Errors: an unknown name (input.UnknownName, argument "name"); a NaN or
// infinite alpha for a parametric name (input.NotFinite, argument "alpha").
func Pointwise(name string, alpha float64) (func(p, q float64) float64, error) {
	g, err := lookup(name)
	if err != nil {
		return nil, err
	}
	if g.param {
		if err := input.Finite("alpha", alpha); err != nil {
			return nil, err
		}
	}
	return func(p, q float64) float64 { return cellTerm(p, q, g, alpha) }, nil
}
