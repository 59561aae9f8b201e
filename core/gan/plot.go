package gan

import (
	"math"

	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/input"
)

// MaxPoints bounds the grids of Sweep, Densities and GeneratorCurves.
const MaxPoints = 4001

// Sweep holds every divergence on a grid of shifts: Curves[k][i] is the
// divergence Names[k] at Theta[i].
type Sweep struct {
	Theta  []float64
	Curves [7][]float64
}

// Sweep returns every divergence at n evenly spaced θ from lo to hi (both
// included). Every shape is symmetric about 0, so D(−θ) = D(θ): a value at −θ
// (within 1e-12) is reused for θ when both are on the grid; beyond the separation of a
// bounded shape (|θ| ≥ Width) nothing is integrated but W₁.
//
// Errors: n outside 2…MaxPoints (input.OutOfRange, "n"); lo ≥ hi, or an end
// that At would refuse (argument "lo" or "hi").
func (s Shape) Sweep(lo, hi float64, n int) (Sweep, error) {
	if err := input.InRange("lo", lo, -MaxAbsTheta, MaxAbsTheta); err != nil {
		return Sweep{}, err
	}
	if err := input.InRange("hi", hi, -MaxAbsTheta, MaxAbsTheta); err != nil {
		return Sweep{}, err
	}
	if !(hi > lo) {
		return Sweep{}, input.Errorf(input.OutOfRange, "hi", "is %v; it must be above lo (%v)", hi, lo)
	}
	if n < 2 || n > MaxPoints {
		return Sweep{}, input.Errorf(input.OutOfRange, "n", "is %d; it must be between 2 and %d", n, MaxPoints)
	}
	sw := Sweep{Theta: Grid(lo, hi, n)}
	for k := range sw.Curves {
		sw.Curves[k] = make([]float64, n)
	}
	seen := make(map[int64][7]float64, n) // by |θ| in units of 1e-12 (grids are symmetric up to rounding)
	for i, t := range sw.Theta {
		key := int64(math.Round(math.Abs(t) * 1e12))
		v, ok := seen[key]
		if !ok {
			v = s.at(math.Abs(t), sweepTol).Values()
			seen[key] = v
		}
		for k := range v {
			sw.Curves[k][i] = v[k]
		}
	}
	return sw, nil
}

// Densities returns p(x), q(x) = p(x − θ) and the optimal discriminator
//
//	D*(x) = p(x) / (p(x) + q(x)) = 1 / (1 + e^(log q − log p))
//
// at each x; D* is NaN where p = q = 0 (outside both supports), 1 where only P
// has mass, 0 where only Q has.
//
// Errors: those of At; more than MaxPoints xs (input.TooLarge, "xs"); a
// non-finite x (input.NotFinite, "xs[i]").
func (s Shape) Densities(theta float64, xs []float64) (p, q, d []float64, err error) {
	if err := checkTheta(theta); err != nil {
		return nil, nil, nil, err
	}
	if len(xs) > MaxPoints {
		return nil, nil, nil, input.Errorf(input.TooLarge, "xs", "has %d points; at most %d are accepted", len(xs), MaxPoints)
	}
	p, q, d = make([]float64, len(xs)), make([]float64, len(xs)), make([]float64, len(xs))
	for i, x := range xs {
		if err := input.Finite("xs["+itoa(i)+"]", x); err != nil {
			return nil, nil, nil, err
		}
		if s.Bounded() {
			p[i], q[i] = s.Prob(x), s.Prob(x-theta)
			if p[i]+q[i] > 0 {
				d[i] = p[i] / (p[i] + q[i])
			} else {
				d[i] = math.NaN()
			}
			continue
		}
		lp, lq := s.logPair(x, theta)
		p[i], q[i] = math.Exp(lp), math.Exp(lq)
		d[i] = 1 / (1 + math.Exp(lq-lp))
	}
	return p, q, d, nil
}

// GeneratorCurves returns f(u) of each named generator (see
// divergence.GeneratorAlpha: f(0) is the limit, possibly +Inf) at each u ≥ 0,
// α the parameter of amari-alpha and t-power.
//
// Errors: an unknown name ("names[i]"); a u that is negative or not finite
// ("us[i]"); more than MaxPoints us ("us"); a non-finite α ("alpha").
func GeneratorCurves(names []string, alpha float64, us []float64) ([][]float64, error) {
	if len(us) > MaxPoints {
		return nil, input.Errorf(input.TooLarge, "us", "has %d points; at most %d are accepted", len(us), MaxPoints)
	}
	out := make([][]float64, len(names))
	for i, n := range names {
		if _, err := divergence.Pointwise(n, alpha); err != nil {
			if e, ok := err.(*input.Error); ok && e.Arg == "name" {
				return nil, input.Errorf(input.UnknownName, "names["+itoa(i)+"]", "%q is not an f-divergence", n)
			}
			return nil, err
		}
		out[i] = make([]float64, len(us))
		for j, u := range us {
			v, err := divergence.GeneratorAlpha(n, u, alpha)
			if err != nil {
				return nil, input.Errorf(input.OutOfRange, "us["+itoa(j)+"]", "is %v; u must be finite and ≥ 0", u)
			}
			out[i][j] = v
		}
	}
	return out, nil
}
