// Package continuous is the model of the Continuous lab: two distributions P
// and Q of any univariate family (or both mass functions), drawn on a grid,
// with the signed integrand p(x) log(p(x)/q(x)) whose area is KL(P‖Q); KL in
// both directions, the cross-entropies and entropies, each with the method
// that produced it (package distribution); the regions where one support does not
// cover the other; and a three-way check of the divergence — closed form,
// quadrature (or series) and Monte Carlo with Schulman's k1, k2, k3
// estimators — with the bias and spread of each estimator as the sample count
// grows.
//
// Compute is cheap (a few hundred density evaluations and the quadratures) and
// is meant to run on every update; Check draws tens of thousands of samples
// and is meant to run only when its inputs change.
package continuous

import (
	"math"

	"github.com/klplayground/klplay/core/distribution"
	"github.com/klplayground/klplay/core/input"
)

// DefaultPoints is the number of grid points of a density plot: about two
// pixels apart on a desktop chart, and cheap enough for every drag event.
const DefaultPoints = 241

// MaxIntegers bounds the grid of a mass function (one point per integer).
const MaxIntegers = 5000

// Options of Compute. The zero value means: the automatic plot range (Range),
// DefaultPoints grid points and natural logarithms.
type Options struct {
	Lo, Hi float64 // the plot range; Lo = Hi = 0 means Range(p, q)
	Points int     // grid points for densities (2 to distribution.MaxGrid); 0 means DefaultPoints
	Base   float64 // logarithm base of every divergence and entropy: e (nats), 2 (bits)
}

// Handles are the points a reader drags: for each component (one for a plain
// family), its mean and standard deviation, and the density (or mass at the
// nearest integer) of the whole distribution at the mean and at mean + sd.
type Handles struct {
	Mean, Sd, AtMean, AtSd []float64
}

// Comparison is everything one update of the lab draws.
type Comparison struct {
	Discrete       bool
	Lo, Hi         float64 // the range of Xs
	AutoLo, AutoHi float64 // Range(p, q): where the page should look
	Xs             []float64
	P, Q           []float64 // densities (or masses) at Xs
	// Integrand is p(x) log(p(x)/q(x)) at Xs in the chosen base (+Inf where
	// q = 0 < p); ReverseIntegrand is q(x) log(q(x)/p(x)).
	Integrand, ReverseIntegrand []float64

	KL, ReverseKL                     distribution.Result // KL(P‖Q), KL(Q‖P)
	CrossEntropy, ReverseCrossEntropy distribution.Result // H(P,Q), H(Q,P)
	EntropyP, EntropyQ                distribution.Result

	// Mismatch holds intervals [a₀, b₀, a₁, b₁, …] inside [Lo, Hi] where
	// q = 0 < p (they make KL(P‖Q) infinite); ReverseMismatch where p = 0 < q.
	// For mass functions the intervals are [k − ½, k + ½] around each integer.
	Mismatch, ReverseMismatch []float64

	HandlesP, HandlesQ Handles
}

// Compute returns the frame for P and Q:
//
//	KL(P‖Q) = ∫ p log(p/q) dx,   H(P,Q) = −∫ p log q dx = H(P) + KL(P‖Q),
//
// each by distribution's automatic method (closed form when the pair has one, else
// quadrature for densities and series for mass functions), the densities and
// integrands on an even grid of opts.Points points over [Lo, Hi] (every
// integer there for mass functions), and the support mismatch intervals.
//
// Errors (*input.Error): an invalid P or Q; P a density and Q a mass function
// or the reverse (input.Invalid, "q"); a bad base; Lo, Hi not finite or
// Hi ≤ Lo ("hi"); too many grid points ("n") or integers ("hi").
func Compute(p, q distribution.Dist, o Options) (*Comparison, error) {
	factor, err := input.LogBase(o.Base)
	if err != nil {
		return nil, err
	}
	kl, err := distribution.KL(p, q, distribution.Options{Base: o.Base})
	if err != nil {
		return nil, err
	}
	f := &Comparison{KL: kl, Discrete: p.Discrete()}
	f.AutoLo, f.AutoHi = Range(p, q)
	f.Lo, f.Hi = o.Lo, o.Hi
	if f.Lo == 0 && f.Hi == 0 {
		f.Lo, f.Hi = f.AutoLo, f.AutoHi
	}
	if f.Discrete && math.Floor(f.Hi)-math.Ceil(f.Lo)+1 > MaxIntegers {
		return nil, input.Errorf(input.TooLarge, "hi", "the range [%g, %g] holds more than %d integers", f.Lo, f.Hi, MaxIntegers)
	}
	n := o.Points
	if n == 0 {
		n = DefaultPoints
	}
	if f.Xs, _, err = distribution.Grid(p, f.Lo, f.Hi, n); err != nil {
		return nil, err
	}
	f.P, f.Q, f.Integrand, f.ReverseIntegrand = curves(p, q, f.Xs, factor)

	do := distribution.Options{Base: o.Base}
	// P and Q are valid and of one kind (KL checked), so these cannot fail.
	f.ReverseKL, _ = distribution.KL(q, p, do)
	f.EntropyP, _ = distribution.Entropy(p, do)
	f.EntropyQ, _ = distribution.Entropy(q, do)
	f.CrossEntropy = cross(p, q, f.EntropyP, f.KL, do)
	f.ReverseCrossEntropy = cross(q, p, f.EntropyQ, f.ReverseKL, do)

	f.Mismatch = mismatch(p, q, f)
	f.ReverseMismatch = mismatch(q, p, f)
	f.HandlesP = handles(p)
	f.HandlesQ = handles(q)
	return f, nil
}

// curves evaluates log p and log q once per point and returns p, q and the
// two integrands (in units of factor), with distribution.Integrand's conventions: 0
// where the weighting density is 0 or unbounded at a point, +Inf where the
// other density is 0 (but not the weighting one).
func curves(p, q distribution.Dist, xs []float64, factor float64) (pp, qq, fwd, rev []float64) {
	n := len(xs)
	pp, qq, fwd, rev = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i, x := range xs {
		lp, lq := p.LogProb(x), q.LogProb(x)
		pp[i], qq[i] = math.Exp(lp), math.Exp(lq)
		fwd[i] = term(pp[i], lp, lq) * factor
		rev[i] = term(qq[i], lq, lp) * factor
	}
	return pp, qq, fwd, rev
}

// term is a·(la − lb) for a = exp(la), with 0·log 0 = 0 and a > 0 = b giving +Inf.
func term(a, la, lb float64) float64 {
	switch {
	case a == 0 || math.IsInf(la, 1) || math.IsNaN(la):
		return 0
	case math.IsInf(lb, -1):
		return math.Inf(1)
	case math.IsInf(lb, 1):
		return 0
	}
	return a * (la - lb)
}

// cross is H(P,Q) = H(P) + KL(P‖Q): exact when both parts are, and otherwise
// as accurate as the quadratures behind them, without a third integral. Its
// method is the less exact of the two parts'.
func cross(p, q distribution.Dist, h, kl distribution.Result, o distribution.Options) distribution.Result {
	if h.Method == distribution.MethodClosedForm && kl.Method == distribution.MethodClosedForm || math.IsInf(kl.Value, 1) {
		r, _ := distribution.CrossEntropy(p, q, o)
		return r
	}
	m := kl.Method
	if m == distribution.MethodClosedForm {
		m = h.Method
	}
	return distribution.Result{Value: h.Value + kl.Value, Method: m, ErrorEstimate: h.ErrorEstimate + kl.ErrorEstimate}
}

// Range returns a plot range that shows both distributions: the union over
// P, Q (and each mixture component) of mean ± 4 standard deviations, clipped
// to the support, widened to include a bounded support's ends, and padded by
// 5 %. For mass functions the ends are integers, at least one apart, widened
// by ½ so the outermost stems are not on the frame.
func Range(p, q distribution.Dist) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, d := range []distribution.Dist{p, q} {
		for _, c := range parts(d) {
			a, b := span(c)
			lo, hi = math.Min(lo, a), math.Max(hi, b)
		}
	}
	if p.Discrete() {
		lo, hi = math.Floor(lo), math.Ceil(hi)
		if hi-lo < 1 {
			hi = lo + 1
		}
		return lo - 0.5, hi + 0.5
	}
	if !(hi > lo) {
		lo, hi = lo-1, hi+1
	}
	pad := 0.05 * (hi - lo)
	return lo - pad, hi + pad
}

// span is mean ± 4 sd clipped to the support, plus finite support ends.
func span(d distribution.Dist) (lo, hi float64) {
	m, sd := d.Mean(), math.Sqrt(d.Variance())
	slo, shi := d.Support()
	lo, hi = m-4*sd, m+4*sd
	if math.IsInf(sd, 0) || math.IsNaN(sd) || math.IsInf(m, 0) {
		lo, hi = slo, shi
	}
	if !math.IsInf(slo, 0) {
		lo = slo
	}
	if !math.IsInf(shi, 0) {
		hi = shi
	}
	if ln, ok := d.(distribution.LogNormal); ok {
		// The lognormal's right tail is long: show up to its 99.7 % quantile.
		hi = math.Exp(ln.Mu + 2.75*ln.Sigma)
	}
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) || math.IsNaN(lo) || math.IsNaN(hi) {
		lo, hi = m-1, m+1
	}
	return lo, hi
}

func parts(d distribution.Dist) []distribution.Dist {
	if m, ok := d.(*distribution.Mixture); ok {
		out := make([]distribution.Dist, 0, len(m.Components))
		for i, c := range m.Components {
			if m.Weights[i] > 0 {
				out = append(out, c)
			}
		}
		return out
	}
	return []distribution.Dist{d}
}

// mismatch returns the intervals within [f.Lo, f.Hi] where a > 0 = b.
func mismatch(a, b distribution.Dist, f *Comparison) []float64 {
	out := []float64{}
	if f.Discrete {
		for _, x := range f.Xs {
			if a.Prob(x) > 0 && b.Prob(x) == 0 {
				out = append(out, x-0.5, x+0.5)
			}
		}
		return out
	}
	alo, ahi := a.Support()
	blo, bhi := b.Support()
	add := func(lo, hi float64) {
		lo, hi = math.Max(lo, f.Lo), math.Min(hi, f.Hi)
		if hi > lo {
			out = append(out, lo, hi)
		}
	}
	if alo < blo {
		add(alo, math.Min(ahi, blo))
	}
	if ahi > bhi {
		add(math.Max(alo, bhi), ahi)
	}
	return out
}

func handles(d distribution.Dist) Handles {
	var h Handles
	at := func(x float64) float64 {
		if d.Discrete() {
			x = math.Round(x)
		}
		v := d.Prob(x)
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return 0
		}
		return v
	}
	for _, c := range comps(d) {
		m, sd := c.Mean(), math.Sqrt(c.Variance())
		h.Mean = append(h.Mean, m)
		h.Sd = append(h.Sd, sd)
		h.AtMean = append(h.AtMean, at(m))
		h.AtSd = append(h.AtSd, at(m+sd))
	}
	return h
}

// comps is every component of a mixture (zero weights included, so that the
// page's handles line up with its parameter list), or d itself.
func comps(d distribution.Dist) []distribution.Dist {
	if m, ok := d.(*distribution.Mixture); ok {
		return m.Components
	}
	return []distribution.Dist{d}
}
