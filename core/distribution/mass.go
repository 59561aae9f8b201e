package distribution

import (
	"math"
	"slices"

	"github.com/klplayground/klplay/core/fsum"
	"gonum.org/v1/gonum/mathext"
)

// MassOutside returns the probability Q gives to the points where P has none,
//
//	1 − Q(supp P) = ∫_{p(x)=0} q(x) dx   or   Σ_{k: p(k)=0} q(k),
//
// computed as that sum of tail and gap probabilities (never as 1 − Q(supp P),
// which would lose a small mass to cancellation). It is exact to rounding:
// the complement of P's support is a finite union of intervals (a mixture's
// support is the union of its positive-weight components' supports, gaps
// included), and Q's mass on an interval comes from its CDF or survival
// function, a mixture's as the weighted sum of its components'. It is 0 when
// supp Q ⊆ supp P, which includes every pair of full-support families
// (normal, laplace, normal mixtures) and equal supports.
//
// For mass functions it is Σ q(k) over the k where p(k) = 0: a finite sum for
// a Bernoulli or categorical P, plus Q(X ≥ n) beyond P's n atoms (for a
// Poisson Q the regularized incomplete gamma P(n, λ)); a Poisson P charges
// every integer k ≥ 0, where every discrete Q lives, so it gives 0.
//
// It is why Schulman's k3 is biased when it is not 0: E_P[q/p] = Q(supp P),
// so E_P[(q/p − 1) − log(q/p)] = KL(P‖Q) − MassOutside(p, q).
//
// Errors (*input.Error): a nil or invalid P or Q; one a density and the other
// a mass function (input.Invalid, "q").
func MassOutside(p, q Dist) (float64, error) {
	if err := checkPair(p, q); err != nil {
		return 0, err
	}
	if p.Discrete() {
		return discreteOutside(p, q), nil
	}
	var acc fsum.Acc
	for _, g := range gaps(p) {
		acc.Add(intervalMass(q, g[0], g[1]))
	}
	return acc.Value(), nil
}

// gaps returns the complement of P's support as disjoint open intervals
// (lo, hi), ends possibly infinite: before, between and after the merged
// supports of P (of its positive-weight components for a mixture).
func gaps(p Dist) [][2]float64 {
	var spans [][2]float64
	for _, c := range parts(p) {
		lo, hi := c.Support()
		spans = append(spans, [2]float64{lo, hi})
	}
	slices.SortFunc(spans, func(a, b [2]float64) int { return cmpFloat(a[0], b[0]) })
	out := [][2]float64{}
	end := math.Inf(-1)
	for _, s := range spans {
		if s[0] > end {
			out = append(out, [2]float64{end, s[0]})
		}
		end = math.Max(end, s[1])
	}
	if !math.IsInf(end, 1) {
		out = append(out, [2]float64{end, math.Inf(1)})
	}
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// intervalMass is Q((lo, hi)) for a density Q: a mixture's weighted sum of
// its components' masses; otherwise the interval clipped to Q's support (so
// that an interval outside it gives exactly 0) and the difference of the
// CDFs, or of the survival functions in the upper half where the CDFs would
// cancel.
func intervalMass(q Dist, lo, hi float64) float64 {
	if m, ok := q.(*Mixture); ok {
		var acc fsum.Acc
		for i, c := range m.Components {
			if m.Weights[i] > 0 {
				acc.Add(m.Weights[i] * intervalMass(c, lo, hi))
			}
		}
		return acc.Value()
	}
	qlo, qhi := q.Support()
	lo, hi = math.Max(lo, qlo), math.Min(hi, qhi)
	if !(hi > lo) {
		return 0
	}
	flo, slo := cdf(q, lo)
	fhi, shi := cdf(q, hi)
	if fhi <= 0.5 {
		return math.Max(0, fhi-flo)
	}
	return math.Max(0, slo-shi)
}

// cdf returns F(x) = Q(X ≤ x) and the survival function S(x) = 1 − F(x),
// each computed directly so that neither loses a small tail, for the
// non-mixture densities of this package.
func cdf(q Dist, x float64) (f, s float64) {
	switch q := q.(type) {
	case Normal:
		return normalCDF((x - q.Mu) / q.Sigma)
	case LogNormal:
		if x <= 0 {
			return 0, 1
		}
		return normalCDF((math.Log(x) - q.Mu) / q.Sigma)
	case Laplace:
		// F = ½e^z for z < 0 and 1 − ½e^−z above, z = (x − μ)/b.
		z := (x - q.Mu) / q.B
		if z < 0 {
			t := 0.5 * math.Exp(z)
			return t, 1 - t
		}
		t := 0.5 * math.Exp(-z)
		return 1 - t, t
	case Exponential:
		if x <= 0 {
			return 0, 1
		}
		return -math.Expm1(-q.Rate * x), math.Exp(-q.Rate * x)
	case Gamma:
		if x <= 0 {
			return 0, 1
		}
		return mathext.GammaIncReg(q.Shape, q.Rate*x), mathext.GammaIncRegComp(q.Shape, q.Rate*x)
	case Beta:
		switch {
		case x <= 0:
			return 0, 1
		case x >= 1:
			return 1, 0
		}
		return mathext.RegIncBeta(q.Alpha, q.Beta, x), mathext.RegIncBeta(q.Beta, q.Alpha, 1-x)
	case Uniform:
		w := q.Max - q.Min
		x = math.Min(math.Max(x, q.Min), q.Max)
		return (x - q.Min) / w, (q.Max - x) / w
	}
	panic("distribution: cdf of " + q.Family())
}

// normalCDF returns Φ(z) and 1 − Φ(z) = Φ(−z) from erfc, accurate in both tails.
func normalCDF(z float64) (f, s float64) {
	return 0.5 * math.Erfc(-z/math.Sqrt2), 0.5 * math.Erfc(z/math.Sqrt2)
}

// discreteOutside is Σ q(k) over the integers k ≥ 0 where p(k) = 0.
func discreteOutside(p, q Dist) float64 {
	n, finite := finiteSupport(p)
	if !finite {
		return 0 // a Poisson P: p(k) > 0 at every k ≥ 0
	}
	var acc fsum.Acc
	for k := 0; k < n; k++ {
		if math.IsInf(p.LogProb(float64(k)), -1) {
			acc.Add(q.Prob(float64(k)))
		}
	}
	// Q's mass at k ≥ n, where P has no atoms.
	switch q := q.(type) {
	case Poisson:
		acc.Add(mathext.GammaIncReg(float64(n), q.Rate)) // Q(X ≥ n) = P(n, λ), n ≥ 1
	default:
		m, _ := finiteSupport(q)
		for k := n; k < m; k++ {
			acc.Add(q.Prob(float64(k)))
		}
	}
	return acc.Value()
}
