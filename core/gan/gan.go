package gan

import (
	"math"

	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/input"
)

// Divergences holds every divergence between P and Q = P shifted by θ, in nats
// where the divergence is a logarithm.
type Divergences struct {
	KL          float64 // KL(P‖Q) = ∫ p log(p/q)
	ReverseKL   float64 // KL(Q‖P) = ∫ q log(q/p)
	JS          float64 // JS(P‖Q) = ½KL(P‖M) + ½KL(Q‖M), M = (P + Q)/2; in [0, log 2]
	TV          float64 // TV(P, Q) = ½∫|p − q|; in [0, 1]
	SqHellinger float64 // H²(P, Q) = ½∫(√p − √q)² = 1 − ∫√(pq); in [0, 1]
	Chi2        float64 // χ²(P‖Q) = ∫ (p − q)²/q
	W1          float64 // W₁(P, Q) = ∫|F_P − F_Q|
}

// Names are the keys of the Divergences fields, in order, as the page and
// the sweep name them.
var Names = []string{"kl", "reverse-kl", "js", "tv", "hellinger2", "chi2", "w1"}

// Values returns the fields in the order of Names.
func (d Divergences) Values() [7]float64 {
	return [7]float64{d.KL, d.ReverseKL, d.JS, d.TV, d.SqHellinger, d.Chi2, d.W1}
}

func fromValues(v [7]float64) Divergences {
	return Divergences{v[0], v[1], v[2], v[3], v[4], v[5], v[6]}
}

// The six f-divergences of Divergences as divergence.Pointwise integrands.
// KL and reverse KL use their self-normalised generators (amari-alpha at α = 1
// and α = 0): u log u − u + 1 and −log u + u − 1, whose integrands are ≥ 0;
// they give the same divergence, since ∫(p − q) over the overlap is balanced by
// the generators' limits on the mass outside it.
var mainTerms = func() [6]func(p, q float64) float64 {
	spec := [6]struct {
		name  string
		alpha float64
	}{{"amari-alpha", 1}, {"amari-alpha", 0}, {"jensen-shannon", 0}, {"total-variation", 0}, {"squared-hellinger", 0}, {"pearson-chi2", 0}}
	var out [6]func(p, q float64) float64
	for i, s := range spec {
		f, err := divergence.Pointwise(s.name, s.alpha)
		if err != nil {
			panic(err)
		}
		out[i] = f
	}
	return out
}()

func checkTheta(theta float64) error {
	return input.InRange("theta", theta, -MaxAbsTheta, MaxAbsTheta)
}

// overlap returns the interval on which both p and q = p(· − θ) are positive
// (for the normal: where the integrands of the f-divergences, whose bulk lies
// between −θ and 2θ for the generators here, are above e^−72 of their peak),
// and the breakpoints inside it: the support ends, the modes 0 and θ, the
// crossing point θ/2 (where |p − q| has its kink) and −θ, 2θ.
func (s Shape) overlap(theta float64) (lo, hi float64, breaks []float64) {
	breaks = s.landmarks(s.landmarks(nil, 0), theta)
	breaks = append(breaks, theta/2, -theta, 2*theta)
	if s.Bounded() {
		return math.Max(-1, theta-1), math.Min(1, theta+1), breaks
	}
	a := math.Abs(theta)
	return -2*a - 12*NormalSigma, 2*a + 12*NormalSigma, breaks
}

// outside returns P(q = 0), the mass of P where Q has none, and Q(p = 0). For
// a bounded shape both are the mass of P within |θ| of one end of its
// support (the shapes are symmetric), computed from that end so that it keeps
// its digits for small θ; they are never 0 for θ ≠ 0 (the uncovered interval
// has positive length and p > 0 inside its support), even where the mass
// underflows, so that KL is +Inf for every θ ≠ 0.
func (s Shape) outside(theta float64) (pOut, qOut float64) {
	if !s.Bounded() || theta == 0 {
		return 0, 0
	}
	m := math.Max(s.tail(math.Abs(theta)), math.SmallestNonzeroFloat64)
	return m, m
}

// logPair writes the log-densities at x of P and Q.
func (s Shape) logPair(x, theta float64) (lp, lq float64) {
	return s.LogProb(x), s.LogProb(x - theta)
}

// scaled returns p and q rescaled by e^−c, c = max(log p, log q), so that
// neither underflows while their ratio is representable; the caller multiplies
// a homogeneous integrand by e^c.
func scaled(lp, lq float64) (p, q, c float64) {
	c = math.Max(lp, lq)
	if math.IsInf(c, -1) {
		return 0, 0, 0
	}
	return math.Exp(lp - c), math.Exp(lq - c), c
}

// fdivs integrates the integrands terms over the overlap and adds their limits
// on the mass outside it: for each generator f,
//
//	D_f = ∫_{p,q>0} q f(p/q) dx + f(0)·Q(p = 0) + f'(∞)·P(q = 0),
//
// skipping the integral when the limits already make D_f = +Inf.
func (s Shape) fdivs(theta float64, terms []func(p, q float64) float64, rtol float64) []float64 {
	m := len(terms)
	pOut, qOut := s.outside(theta)
	extra := make([]float64, m)
	skip := make([]bool, m)
	for k, t := range terms {
		extra[k] = t(pOut, 0) + t(0, qOut)
		skip[k] = math.IsInf(extra[k], 1)
	}
	lo, hi, breaks := s.overlap(theta)
	var vals []float64
	if theta == 0 {
		vals = make([]float64, m) // p = q: every integrand is 0
	} else {
		vals = integrate(func(x float64, out []float64) {
			var p, q, e float64
			if s.Bounded() {
				p, q, e = s.Prob(x), s.Prob(x-theta), 1
			} else {
				var c float64
				p, q, c = scaled(s.logPair(x, theta))
				e = math.Exp(c)
			}
			for k, t := range terms {
				if skip[k] || (p == 0 && q == 0) {
					out[k] = 0
					continue
				}
				out[k] = t(p, q) * e
			}
		}, m, lo, hi, breaks, skip, rtol, s.Bounded())
	}
	for k := range vals {
		if skip[k] {
			vals[k] = math.Inf(1)
			continue
		}
		vals[k] = math.Max(0, vals[k]+extra[k])
	}
	return vals
}

// W1 returns the Wasserstein-1 distance between P and Q = P shifted by θ,
//
//	W₁(P, Q) = ∫ |F_P(x) − F_Q(x)| dx,   F_Q(x) = F_P(x − θ),
//
// integrated over the union of the supports (for the normal, 12σ beyond the
// two means), the difference taken of survival functions right of θ/2 so that
// it keeps its digits in the right tail. For a pure shift W₁ = |θ|, which the
// tests use; the computation does not assume it.
func (s Shape) W1(theta float64) (float64, error) {
	if err := checkTheta(theta); err != nil {
		return 0, err
	}
	return s.w1(theta, relTol), nil
}

func (s Shape) w1(theta, rtol float64) float64 {
	if theta == 0 {
		return 0
	}
	var lo, hi float64
	if s.Bounded() {
		lo, hi = math.Min(-1, theta-1), math.Max(1, theta+1)
	} else {
		lo, hi = math.Min(0, theta)-12*NormalSigma, math.Max(0, theta)+12*NormalSigma
	}
	breaks := s.landmarks(s.landmarks([]float64{theta / 2}, 0), theta)
	v := integrate(func(x float64, out []float64) {
		if x < theta/2 {
			out[0] = math.Abs(s.CDF(x) - s.CDF(x-theta))
		} else {
			out[0] = math.Abs(s.Survival(x-theta) - s.Survival(x))
		}
	}, 1, lo, hi, breaks, nil, rtol, s.Bounded())
	return v[0]
}

// At returns every divergence between P (the shape) and Q = P shifted by θ.
// KL, reverse KL and χ² are +Inf as soon as one support does not cover the
// other (for a bounded shape: every θ ≠ 0); JS is log 2, TV and H² are 1 once
// the supports are disjoint (|θ| ≥ Width). Accuracy: about 1e-10 relative
// (adaptive quadrature to 1e-11).
//
// Errors: θ not finite or |θ| > MaxAbsTheta (input.OutOfRange or
// input.NotFinite, argument "theta").
func (s Shape) At(theta float64) (Divergences, error) {
	if err := checkTheta(theta); err != nil {
		return Divergences{}, err
	}
	return s.at(theta, relTol), nil
}

func (s Shape) at(theta, rtol float64) Divergences {
	f := s.fdivs(theta, mainTerms[:], rtol)
	var v [7]float64
	copy(v[:6], f)
	v[2] = math.Min(v[2], math.Ln2)
	v[3] = math.Min(v[3], 1)
	v[4] = math.Min(v[4], 1)
	v[6] = s.w1(theta, rtol)
	return fromValues(v)
}

// SlopeStep is the step h of the central differences of Slopes.
const SlopeStep = 1e-4

// Slopes returns the derivative of every divergence with respect to θ, by the
// central difference (D(θ + h) − D(θ − h))/(2h), h = SlopeStep (one-sided at
// ±MaxAbsTheta). This is the gradient a generator that moves Q by θ would
// follow. Where a divergence is +Inf on either side its slope is NaN; at a
// kink (W₁ at θ = 0, the separation point of a bounded shape) the difference
// averages the two one-sided slopes.
//
// Errors: those of At.
func (s Shape) Slopes(theta float64) (Divergences, error) {
	if err := checkTheta(theta); err != nil {
		return Divergences{}, err
	}
	lo, hi := math.Max(-MaxAbsTheta, theta-SlopeStep), math.Min(MaxAbsTheta, theta+SlopeStep)
	a, b := s.at(lo, relTol).Values(), s.at(hi, relTol).Values()
	var out [7]float64
	for k := range out {
		if math.IsInf(a[k], 0) || math.IsInf(b[k], 0) {
			out[k] = math.NaN()
			continue
		}
		out[k] = (b[k] - a[k]) / (hi - lo)
	}
	return fromValues(out), nil
}

// GeneratorLoss returns the original GAN's generator objective at the optimal
// discriminator D* = p/(p+q) (Goodfellow et al. 2014, Theorem 1),
//
//	C(G) = E_P[log D*] + E_Q[log(1 − D*)] = 2·JS(P‖Q) − log 4,
//
// from JS in nats: −log 4 when Q = P, 0 once the supports are disjoint.
func GeneratorLoss(js float64) float64 { return 2*js - 2*math.Ln2 }

// FDivergences returns D_f(P‖Q) = E_Q[f(p/q)] = ∫ q f(p/q) dx, with the limits
// of divergence.Pointwise where one density is 0, for each generator name
// (divergence.FDivergenceNames), α the parameter of amari-alpha and t-power.
//
// Errors: those of At; an unknown name (input.UnknownName, "names[i]"); α not
// in [−1, 2] (input.OutOfRange, "alpha"), which keeps the integrands of the
// normal shape inside the quadrature's range.
func (s Shape) FDivergences(theta float64, names []string, alpha float64) ([]float64, error) {
	if err := checkTheta(theta); err != nil {
		return nil, err
	}
	if err := input.InRange("alpha", alpha, -1, 2); err != nil {
		return nil, err
	}
	terms := make([]func(p, q float64) float64, len(names))
	for i, n := range names {
		f, err := divergence.Pointwise(n, alpha)
		if err != nil {
			return nil, input.Errorf(input.UnknownName, "names["+itoa(i)+"]", "%q is not an f-divergence", n)
		}
		terms[i] = f
	}
	if len(terms) == 0 {
		return []float64{}, nil
	}
	out := s.fdivs(theta, terms, relTol)
	// The bounded f-divergences of FDivergence (JS, TV, H², triangular) are clamped to their bounds there too.
	for i, n := range names {
		switch n {
		case "jensen-shannon":
			out[i] = math.Min(out[i], math.Ln2)
		case "total-variation", "squared-hellinger":
			out[i] = math.Min(out[i], 1)
		case "triangular":
			out[i] = math.Min(out[i], 2)
		}
	}
	return out, nil
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
