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
		vals = integrate(func(base, off float64, out []float64) {
			x := base + off
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

// jsHalfTerms are the self-normalised integrands of KL(P‖M) and KL(Q‖M),
// M = (P + Q)/2: x·log(x/m) − x + m for x = p and x = q, ≥ 0 and positively
// homogeneous like fdivs' terms. Over the whole line ∫(m − p) = ∫(m − q) = 0,
// so each integrates to the KL itself; on the mass outside the other's support
// the limits are p(log 2 − ½) (only P) and m = q/2 (only Q) for the first.
var jsHalfTerms = func() [2]func(p, q float64) float64 {
	kl := mainTerms[0] // KL's self-normalised integrand
	return [2]func(p, q float64) float64{
		func(p, q float64) float64 { return kl(p, 0.5*(p+q)) },
		func(p, q float64) float64 { return kl(q, 0.5*(p+q)) },
	}
}()

// JSHalves returns the two Kullback–Leibler divergences to the mixture
// M = (P + Q)/2 that the Jensen–Shannon divergence averages,
//
//	KL(P‖M) = ∫ p log(2p/(p + q)) dx,   KL(Q‖M) = ∫ q log(2q/(p + q)) dx,   JS = ½ KL(P‖M) + ½ KL(Q‖M),
//
// for P (the shape) and Q = P shifted by θ, in nats. Both are finite and in
// [0, log 2] for every θ (M covers both supports): 0 at θ = 0, log 2 once the
// supports are disjoint (|θ| ≥ Width). As every shape is symmetric about 0,
// the reflection x ↦ θ − x takes P to Q and M to itself, so the two are
// equal here; each is computed by its own integrand, in the quadrature of
// At's divergences (about 1e-10 relative, as At).
//
// Errors: those of At.
func (s Shape) JSHalves(theta float64) (klPM, klQM float64, err error) {
	if err := checkTheta(theta); err != nil {
		return 0, 0, err
	}
	klPM, klQM = jsHalves(s.fdivs(theta, frameTerms, relTol))
	return klPM, klQM, nil
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
	v := integrate(func(base, off float64, out []float64) {
		x := base + off
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
	return s.divergences(s.fdivs(theta, mainTerms[:], rtol), theta, rtol)
}

// frameTerms are mainTerms and then jsHalfTerms: a frame integrates them in one pass.
var frameTerms = append(append([]func(p, q float64) float64(nil), mainTerms[:]...), jsHalfTerms[:]...)

// atWithHalves is at together with JSHalves, the eight integrands in one
// adaptive quadrature (about half the cost of two).
func (s Shape) atWithHalves(theta, rtol float64) (d Divergences, klPM, klQM float64) {
	f := s.fdivs(theta, frameTerms, rtol)
	klPM, klQM = jsHalves(f)
	return s.divergences(f[:6], theta, rtol), klPM, klQM
}

// jsHalves are KL(P‖M) and KL(Q‖M) from the integrals of frameTerms, clamped to log 2.
func jsHalves(f []float64) (klPM, klQM float64) {
	return math.Min(f[6], math.Ln2), math.Min(f[7], math.Ln2)
}

// divergences are the Divergences from the six integrals of mainTerms, clamped to their bounds, and W₁.
func (s Shape) divergences(f []float64, theta, rtol float64) Divergences {
	var v [7]float64
	copy(v[:6], f)
	v[2] = math.Min(v[2], math.Ln2)
	v[3] = math.Min(v[3], 1)
	v[4] = math.Min(v[4], 1)
	v[6] = s.w1(theta, rtol)
	return fromValues(v)
}

// Slopes returns the derivative in θ of every divergence: the gradient a
// generator that moves Q by θ would follow. Every divergence here is even,
// D(θ) = D(|θ|), and some have kinks: at θ = 0 (TV and W₁; JS and H² of the
// uniform) and at the separation |θ| = Width of a bounded shape (TV, JS and
// H² of the uniform). There the slope is the one-sided derivative on the side
// away from 0, the right one for θ ≥ 0 and the left one for θ < 0:
//
//	slope(θ) = sign(θ)·D'(a⁺),   a = |θ|,   D'(a⁺) = lim_{h↓0} (D(a + h) − D(a))/h,   sign(0) = +1,
//
// which is dD/dθ wherever D is differentiable (so W₁'s slope is +1 at
// θ = 0, the bump's TV slope p(0) = 15/16). With q(x) = p(x − θ),
// ∂q/∂θ = −p'(x − θ), each f-divergence D = ∫ g(p, q) dx, g = q f(p/q):
//
//	W₁   sign(θ)              F_P − F_Q has the sign of θ everywhere, and ∫ q = 1
//	TV   sign(θ)·p(a/2⁺)      TV = 2F(a/2) − 1, as p is symmetric and unimodal
//	rest sign(θ)·[∫_O ∂g/∂q·(−p'(x − a)) dx + (f(0) + f'(∞))·p_a − g(p_a, p(−1⁺))],   p_a = p((a − 1)⁺)
//
// ∂g/∂q = KL 1 − p/q, reverse KL log(q/p), JS ½ log(2q/(p + q)),
// H² ½(1 − √(p/q)), χ² 1 − p²/q², integrated over the overlap O of the
// supports; the last two terms are for a bounded shape, whose overlap
// [a − 1, 1] loses its left end at unit rate while the uncovered masses
// P(q = 0) = Q(p = 0), weighted f'(∞) and f(0), grow at the rate p_a
// (0 for a ≥ Width; for the uniform, whose p jumps, they are all there is:
// D = (a/2)(f(0) + f'(∞)) up to separation). Accuracy: about 1e-10
// relative, small shifts included (a → 0, where D' = O(a)). A slope is NaN
// where the divergence is +Inf just beyond a: KL, reverse KL and χ² of a
// bounded shape, for every θ (at θ = 0 too, where D jumps from 0 to +Inf).
//
// Errors: those of At.
func (s Shape) Slopes(theta float64) (Divergences, error) {
	if err := checkTheta(theta); err != nil {
		return Divergences{}, err
	}
	return s.slopes(theta), nil
}

// slopeTerms are q·∂g/∂q of the integrands g(p, q) = q f(p/q) of KL,
// reverse KL, JS, H² and χ² (the fields of Divergences they go to); the
// slope's integrand is this times (∂q/∂θ)/q = −(log p)'(x − θ). Each comes in
// two exact forms, as the same divergence has the generators f and
// f(u) + f(0)(u − 1), g + f(0)(p − q) (∫(p − q) = 0, and the shift moves
// between the limits of the uncovered masses, which are equal): term, which
// vanishes where p = q and suits small shifts, and shifted = term − f(0)·q,
// which vanishes where p = 0 and suits large ones (reverse KL, f(0) = +Inf,
// has none). slopes keeps the one with less cancellation (the smaller ∫|·|,
// which sets the quadrature's round-off floor).
//
// term takes d = q − p, computed without cancellation (it is O(θ) for small
// θ). Both are written so that they keep their digits and do not overflow
// for the normal's rescaled p and q, whose ratio reaches e^±504 on the
// quadrature's range.
var slopeTerms = [5]struct {
	field   int
	term    func(p, q, d float64) float64
	shifted func(p, q float64) float64
}{
	{0, func(p, q, d float64) float64 { return d },
		func(p, q float64) float64 { return -p }},
	{1, func(p, q, d float64) float64 { return q * logRatio(q, p, d) }, nil},
	{2, func(p, q, d float64) float64 { return 0.5 * q * logRatio(2*q, p+q, d) },
		func(p, q float64) float64 { return -0.5 * q * math.Log1p(p/q) }},
	{4, func(p, q, d float64) float64 { return 0.5 * math.Sqrt(q) * d / (math.Sqrt(q) + math.Sqrt(p)) },
		func(p, q float64) float64 { return -0.5 * math.Sqrt(p*q) }},
	{5, func(p, q, d float64) float64 { return d * ((q + p) / q) },
		func(p, q float64) float64 { return -p * (p / q) }},
}

// logRatio returns log(a/b) for a, b ≥ 0 with a − b = d: log1p(d/b) near
// a = b, where it is small, and a difference of logarithms elsewhere.
func logRatio(a, b, d float64) float64 {
	if u := d / b; math.Abs(u) < 0.5 {
		return math.Log1p(u)
	}
	return math.Log(a) - math.Log(b)
}

func (s Shape) slopes(theta float64) Divergences {
	a, sign := math.Abs(theta), 1.0
	if theta < 0 {
		sign = -1
	}
	var v [7]float64
	v[3], v[6] = s.probRight(a/2), 1
	// A divergence that is +Inf just beyond a has no slope: its generator's
	// limits are infinite on the mass outside the other support.
	n := len(slopeTerms)
	pOut, qOut := s.outside(math.Max(a, math.SmallestNonzeroFloat64))
	skip := make([]bool, 2*n)
	for i, t := range slopeTerms {
		g := mainTerms[t.field]
		skip[i] = math.IsInf(g(pOut, 0)+g(0, qOut), 1)
		skip[n+i] = skip[i] || t.shifted == nil
	}
	lo, hi, breaks := s.overlap(a)
	if s.Bounded() {
		// Where both densities vanish at ends a apart (Q's left end a − 1
		// and P's −1, P's right end 1 and Q's 1 + a), p/q changes on every
		// scale from a to 1 next to them: cuts at distances a·2ᵏ resolve
		// small shifts.
		for h := a; h > 0 && h < 0.5; h *= 2 {
			breaks = append(breaks, a-1+h, 1-h)
		}
	}
	ints, abs := make([]float64, 2*n), make([]float64, 2*n)
	if a > 0 && hi > lo { // at θ = 0, p = q and every term is 0
		ints, abs = integrateAbs(func(base, off float64, out []float64) {
			x := base + off
			var p, q, d, z, e float64
			switch {
			case !s.Bounded():
				var c float64
				p, q, c = scaled(s.logPair(x, a))
				// log q − log p = (x² − (x − a)²)/(2σ²) = a(2x − a)/(2σ²).
				d = p * math.Expm1(a*(2*x-a)/(2*NormalSigma*NormalSigma))
				z, e = -s.score(x-a), math.Exp(c)
			case s.nearEnd(base - lo + off):
				// Next to Q's left end (q = 0 at lo): the distances to it and to
				// P's keep their digits where x does not; there H²'s integrand
				// of the triangular grows as 1/√(x − lo).
				var zq float64
				q, p, d, zq, _ = s.pairNearEnd(base-lo+off, a)
				z, e = -zq, 1
			case s.nearEnd((1 - base) - off):
				// Next to P's right end 1, mirrored (p is symmetric).
				var zq float64
				p, q, d, _, zq = s.pairNearEnd((1-base)-off, a)
				z, d, e = zq, -d, 1
			default:
				p, q, d, e = s.Prob(x), s.Prob(x-a), s.qMinusP(x, a), 1
				z = -s.score(x - a)
			}
			for i, t := range slopeTerms {
				out[i], out[n+i] = 0, 0
				if q == 0 || z == 0 {
					continue
				}
				if !skip[i] {
					out[i] = t.term(p, q, d) * z * e
				}
				if !skip[n+i] {
					out[n+i] = t.shifted(p, q) * z * e
				}
			}
		}, 2*n, lo, hi, breaks, skip, relTol, s.Bounded())
	}
	for i, t := range slopeTerms {
		if skip[i] {
			v[t.field] = math.NaN()
			continue
		}
		g := mainTerms[t.field]
		k, c := i, 0.0
		if !skip[n+i] && abs[n+i] < abs[i] {
			k, c = n+i, g(0, 1)
		}
		v[t.field] = ints[k]
		if s.Bounded() && hi > lo {
			// The overlap [a − 1, 1] loses its left end at unit rate, and the
			// uncovered masses P(q = 0) = Q(p = 0) grow at the rate p(a − 1),
			// = p(1 − a) (p is symmetric): their terms f'(∞)·p and f(0)·q,
			// and g of the shifted generator is g + c·(p − q).
			pl, _ := s.nearLeftEnd(math.Min(a, 2-a))
			ql, _ := s.nearLeftEnd(0)
			v[t.field] += (g(0, 1)+g(1, 0))*pl - g(pl, ql) - c*(pl-ql)
		}
	}
	return fromValues(scaleSlopes(v, sign))
}

// scaleSlopes multiplies the slopes of D(|θ|) by sign(θ), keeping 0 as +0.
func scaleSlopes(v [7]float64, sign float64) [7]float64 {
	for k := range v {
		if v[k] != 0 {
			v[k] *= sign
		}
	}
	return v
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
