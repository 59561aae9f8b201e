package distribution

import (
	"math"

	"github.com/klplayground/klplay/core/input"
)

// MaxGrid is the largest number of points Grid returns.
const MaxGrid = 1_000_000

// Grid returns points xs in [lo, hi] and the density (or mass) p(x) there, for
// plotting. For a density the n points are evenly spaced with xs[0] = lo and
// xs[n−1] = hi. For a mass function xs are the integers in [lo, hi] (n is
// ignored; at most MaxGrid of them). Errors (*input.Error): lo or hi not
// finite, hi ≤ lo ("hi"), n < 2 or > MaxGrid ("n"), or an invalid d ("p").
func Grid(d Dist, lo, hi float64, n int) (xs, pdf []float64, err error) {
	if err := checkDist("p", d); err != nil {
		return nil, nil, err
	}
	if err := firstErr(input.Finite("lo", lo), input.Finite("hi", hi)); err != nil {
		return nil, nil, err
	}
	if !(hi > lo) {
		return nil, nil, input.Errorf(input.OutOfRange, "hi", "is %v; it must be greater than lo (%v)", hi, lo)
	}
	if d.Discrete() {
		a, b := math.Ceil(lo), math.Floor(hi)
		if b-a+1 > MaxGrid {
			return nil, nil, input.Errorf(input.TooLarge, "hi", "gives %g integers; at most %d are allowed", b-a+1, MaxGrid)
		}
		for k := a; k <= b; k++ {
			xs = append(xs, k)
			pdf = append(pdf, d.Prob(k))
		}
		return xs, pdf, nil
	}
	switch {
	case n < 2:
		return nil, nil, input.Errorf(input.OutOfRange, "n", "is %d; it must be at least 2", n)
	case n > MaxGrid:
		return nil, nil, input.Errorf(input.TooLarge, "n", "is %d; at most %d are allowed", n, MaxGrid)
	}
	xs, pdf = make([]float64, n), make([]float64, n)
	step := (hi - lo) / float64(n-1)
	for i := range xs {
		x := lo + float64(i)*step
		if i == n-1 {
			x = hi
		}
		xs[i], pdf[i] = x, d.Prob(x)
	}
	return xs, pdf, nil
}

// Integrand returns the pointwise KL terms p(x) log(p(x)/q(x)) at xs, computed
// as p(x)(log p(x) − log q(x)) from log-densities: 0 where p(x) = 0 (0 log 0 =
// 0, whatever q is), +Inf where q(x) = 0 < p(x), NaN where x is NaN, and 0 at
// a single point where p or q is unbounded (a Gamma with shape < 1 at 0). Its
// integral (or sum) over p's support is KL(P‖Q). Errors: an invalid p or q.
func Integrand(p, q Dist, xs []float64) ([]float64, error) {
	if err := checkDist("p", p); err != nil {
		return nil, err
	}
	if err := checkDist("q", q); err != nil {
		return nil, err
	}
	f := klIntegrand(p, q)
	out := make([]float64, len(xs))
	for i, x := range xs {
		if math.IsNaN(x) {
			out[i] = x
			continue
		}
		out[i] = f(x, 0)
	}
	return out, nil
}
