package divergence

import (
	"math"

	"github.com/klplayground/klplay/core/fastlog"
)

// minNormal is the smallest positive normal float64.
const minNormal = 0x1p-1022

// ln returns the natural logarithm of x ≥ 0, correct for subnormal x too:
// fastlog.Log, within about 0.51 ulp. (Go's math.Log on amd64, an assembly
// routine, returns about −709.09 for every subnormal argument; math.Log(5e-324)
// should be −744.44.) Loops that take a logarithm per element inline
// fastlog.Split(x).Log() for normal x instead, which saves a call.
func ln(x float64) float64 {
	return fastlog.Log(x)
}

// logRatio returns log(p/q) for p, q > 0 with a single logarithm when p/q is
// a normal, finite float, and as log p − log q when the quotient would
// overflow or underflow (p = 1, q = 1e-310, or p = 1e-300, q = 1e10).
func logRatio(p, q float64) float64 {
	r := p / q
	if r >= minNormal && r <= math.MaxFloat64 {
		return fastlog.Split(r).Log()
	}
	return ln(p) - ln(q)
}

// logRatioAcc is logRatio with full relative accuracy when p ≈ q: for
// q/2 ≤ p ≤ 2q the difference p − q is exact (Sterbenz) and log1p((p−q)/q)
// keeps the digits that log(p/q) loses.
func logRatioAcc(p, q float64) float64 {
	if p >= 0.5*q && p <= 2*q {
		return math.Log1p((p - q) / q)
	}
	return logRatio(p, q)
}

// phi returns φ(1+x) = (1+x)·log(1+x) − x for x ≥ −1, the generalised-KL
// generator u log u − u + 1 at u = 1+x. It is ≥ 0 and computed without
// cancellation: a Taylor series x²·Σ_j (−x)^j/((j+1)(j+2)) for |x| < 0.1.
func phi(x float64) float64 {
	if math.Abs(x) < 0.1 {
		// 20 terms: the first omitted is below 0.1²⁰/462 relative.
		c := 0.0
		for j := 19; j >= 0; j-- {
			c = c*(-x) + 1/float64((j+1)*(j+2))
		}
		return x * x * c
	}
	if x == -1 {
		return 1
	}
	return (1+x)*math.Log1p(x) - x
}

// klTerm returns q·φ(p/q) = p·log(p/q) − p + q for p, q > 0: the
// non-negative term of the generalised KL divergence, to full relative
// accuracy.
func klTerm(p, q float64) float64 {
	if p >= 0.5*q && p <= 2*q {
		return q * phi((p-q)/q) // p − q is exact here
	}
	return p*logRatio(p, q) - (p - q)
}

// psi returns ψ(x) = ½[(1+x)·log(1+x) + (1−x)·log(1−x)] for |x| ≤ 1, the
// even part of φ: ψ(x) = Σ_{k≥1} x^{2k}/(2k(2k−1)) ≥ 0, ψ(±1) = log 2.
// A Jensen–Shannon term is (p+q)/2 · ψ((p−q)/(p+q)).
func psi(x float64) float64 {
	x = math.Abs(x)
	if x < 0.1 {
		// 10 terms of the series in x²: the first omitted is below 0.01¹⁰.
		y := x * x
		c := 0.0
		for k := 10; k >= 1; k-- {
			c = c*y + 1/float64(2*k*(2*k-1))
		}
		return y * c
	}
	if x >= 1 {
		return math.Ln2
	}
	return 0.5 * ((1+x)*math.Log1p(x) + (1-x)*math.Log1p(-x))
}

// jsTerm returns ½[p·log(p/m) + q·log(q/m)], m = (p+q)/2, for p + q > 0:
// the non-negative pointwise Jensen–Shannon term in nats.
func jsTerm(p, q float64) float64 {
	s := p + q
	return 0.5 * s * psi((p-q)/s)
}

// logCosh returns log(cosh(z)) without overflow and without cancellation
// near 0 (where it is 2·sinh²(z/2) inside a log1p).
func logCosh(z float64) float64 {
	z = math.Abs(z)
	if z > 20 {
		return z - math.Ln2 + math.Log1p(math.Exp(-2*z))
	}
	s := math.Sinh(z / 2)
	return math.Log1p(2 * s * s)
}

// clamp returns x limited to [lo, hi]; NaN stays NaN.
func clamp(x, lo, hi float64) float64 {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}
