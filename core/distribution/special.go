package distribution

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

const (
	eulerGamma = 0.57721566490153286060651209008240243 // γ = −ψ(1)
	logSqrt2Pi = 0.91893853320467274178032973640561764 // ½ log 2π
	ln2        = math.Ln2
)

// lgamma returns log|Γ(x)|.
func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// lbeta returns log B(a, b) for a, b > 0.
func lbeta(a, b float64) float64 { return mathext.Lbeta(a, b) }

// digamma returns ψ(x) = d/dx log Γ(x) for x > 0 to about 1e-15 relative:
// the recurrence ψ(x) = ψ(x+1) − 1/x up to x ≥ 10, then the asymptotic series
// ψ(x) ~ log x − 1/(2x) − Σ B₂ₙ/(2n x²ⁿ) with seven terms (DLMF 5.5.2, 5.11.2).
func digamma(x float64) float64 {
	switch {
	case math.IsNaN(x) || x <= 0:
		return math.NaN()
	case math.IsInf(x, 1):
		return x
	}
	var r float64
	for x < 10 {
		r -= 1 / x
		x++
	}
	f := 1 / (x * x)
	t := f * (-1.0/12 + f*(1.0/120+f*(-1.0/252+f*(1.0/240+f*(-1.0/132+f*(691.0/32760+f*(-1.0/12)))))))
	return r + math.Log(x) - 0.5/x + t
}

// umlog1p returns u − log(1+u) ≥ 0 for u > −1 without the cancellation of the
// direct formula near u = 0 (where it is u²/2 − u³/3 + …).
func umlog1p(u float64) float64 {
	if math.IsInf(u, 1) {
		return u
	}
	if math.Abs(u) < 0.1 {
		// Alternating series Σ_{n≥2} (−1)ⁿ uⁿ/n; |u| < 0.1 needs ≤ 16 terms for 1e-17.
		s, pw := 0.0, u
		for n := 2; n < 40; n++ {
			pw *= -u
			term := -pw / float64(n) // (−1)ⁿ uⁿ / n
			s += term
			if math.Abs(term) <= 1e-18*math.Abs(s) {
				break
			}
		}
		return s
	}
	return u - math.Log1p(u)
}

// expm1mx returns eᵗ − 1 − t accurately near t = 0 (t²/2 + t³/6 + …).
func expm1mx(t float64) float64 {
	if math.Abs(t) < 0.1 {
		s, term := 0.0, t
		for n := 2; n < 40; n++ {
			term *= t / float64(n)
			s += term
			if math.Abs(term) <= 1e-18*math.Abs(s) {
				break
			}
		}
		return s
	}
	return math.Expm1(t) - t
}

// xlogx returns x log x with 0 log 0 = 0.
func xlogx(x float64) float64 {
	if x == 0 {
		return 0
	}
	return x * math.Log(x)
}

// logSumExp returns log Σ exp(v[i]) without overflow or needless underflow;
// it is −Inf when every v[i] is −Inf.
func logSumExp(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		if x > m {
			m = x
		}
	}
	if math.IsInf(m, 0) {
		return m
	}
	s := 0.0
	for _, x := range v {
		s += math.Exp(x - m)
	}
	return m + math.Log(s)
}
