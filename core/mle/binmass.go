package mle

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// logMass returns log P_θ([a, b)) for a continuous family, as a difference of
// the family's CDF F or survival function S = 1 − F, never a quadrature:
//
//	normal:      Φ(z_b) − Φ(z_a), z = (x − μ)/σ
//	laplace:     F(x) = ½e^u for u = (x − μ)/b < 0, 1 − ½e^−u for u ≥ 0
//	exponential: e^−λa − e^−λb (a clipped at 0)
//	gamma:       P(k, βb) − P(k, βa), P the regularised lower incomplete gamma
//	mixture:     w P₁([a, b)) + (1 − w) P₂([a, b))
//
// Each difference is taken where both its terms are tail probabilities:
// S(a) − S(b) right of the centre (μ, or the gamma's mean k/β), F(b) − F(a)
// left of it, and 1 − F(a) − S(b) for a bin across it (for the normal,
// erf + erf); a bin across the Laplace kink is exact. The relative error is
// then about 1e-16 × (tail beyond the bin)/(mass), large only for a bin far
// narrower than the distribution's scale; laplace and exponential, by expm1,
// have none. Tails are kept as logs, so a bin 1000 standard deviations out
// has a finite log mass. A bin outside the support, or with b ≤ a, has log
// mass −Inf.
func (m *Model) logMass(th []float64, a, b float64) float64 {
	if !(a < b) {
		return math.Inf(-1)
	}
	switch m.Family {
	case Normal:
		s := math.Exp(th[1])
		return logNormalMass((a-th[0])/s, (b-th[0])/s)
	case Laplace:
		s := math.Exp(th[1])
		return logLaplaceMass((a-th[0])/s, (b-th[0])/s, (b-a)/s)
	case Exponential:
		if b <= 0 {
			return math.Inf(-1)
		}
		lam := math.Exp(th[0])
		a = max(a, 0)
		return -lam*a + math.Log(-math.Expm1(-lam*(b-a)))
	case Gamma:
		if b <= 0 {
			return math.Inf(-1)
		}
		k, beta := math.Exp(th[0]), math.Exp(th[1])
		return logGammaMass(k, beta*max(a, 0), beta*b)
	case Mixture:
		s1, s2 := math.Exp(th[2]), math.Exp(th[4])
		l1 := logSigmoid(th[0]) + logNormalMass((a-th[1])/s1, (b-th[1])/s1)
		l2 := logSigmoid(-th[0]) + logNormalMass((a-th[3])/s2, (b-th[3])/s2)
		return logAddExp(l1, l2)
	}
	return math.NaN()
}

// logNormalMass returns log(Φ(zb) − Φ(za)) for za < zb.
func logNormalMass(za, zb float64) float64 {
	switch {
	case za < 0 && zb > 0: // straddles 0: erf of each side, both positive
		return math.Log(0.5 * (math.Erf(zb/math.Sqrt2) + math.Erf(-za/math.Sqrt2)))
	case zb <= 0: // left of 0: mirror
		za, zb = -zb, -za
	}
	if zb <= 1 { // near 0, erf keeps the digits erfc would lose
		return math.Log(0.5 * (math.Erf(zb/math.Sqrt2) - math.Erf(za/math.Sqrt2)))
	}
	la := logNormalSF(za)
	return la + log1mExp(logNormalSF(zb)-la)
}

// logNormalSF returns log(1 − Φ(z)) for z ≥ 0: by erfc up to z = 35 (where it
// is 1e-268), beyond by the continued fraction of Mills' ratio
// R(z) = (1 − Φ(z))/φ(z) = 1/(z + 1/(z + 2/(z + 3/(z + …)))), evaluated from
// depth 40 back (at z ≥ 35 its error is far below 1e-17).
func logNormalSF(z float64) float64 {
	if z < 35 {
		return math.Log(0.5 * math.Erfc(z/math.Sqrt2))
	}
	f := z
	for i := 40; i >= 1; i-- {
		f = z + float64(i)/f
	}
	return -z*z/2 - halfLog2Pi - math.Log(f)
}

// logLaplaceMass returns log(F(b) − F(a)) for the standard Laplace CDF, with
// ua, ub the standardised ends and d = ub − ua computed from the raw ends.
func logLaplaceMass(ua, ub, d float64) float64 {
	switch {
	case ua >= 0: // ½e^−ua − ½e^−ub
		return -math.Ln2 - ua + math.Log(-math.Expm1(-d))
	case ub <= 0: // ½e^ub − ½e^ua
		return -math.Ln2 + ub + math.Log(-math.Expm1(-d))
	}
	// Across the kink: 1 − ½e^ua − ½e^−ub = −½(expm1(ua) + expm1(−ub)).
	return math.Log(-0.5 * (math.Expm1(ua) + math.Expm1(-ub)))
}

// logGammaMass returns log(P(k, xb) − P(k, xa)) for 0 ≤ xa < xb.
func logGammaMass(k, xa, xb float64) float64 {
	switch {
	case xb <= k:
		lb := logGammaP(k, xb)
		return lb + log1mExp(logGammaP(k, xa)-lb)
	case xa >= k:
		la := logGammaQ(k, xa)
		return la + log1mExp(logGammaQ(k, xb)-la)
	}
	return math.Log1p(-(math.Exp(logGammaP(k, xa)) + math.Exp(logGammaQ(k, xb))))
}

// temmeShape is the shape from which the incomplete gamma is taken from
// Temme's uniform expansion: gonum's series and continued fraction stop after
// 2000 terms, too few for shapes above about 1e5 beyond 4.5 standard
// deviations, and there two terms of the expansion are good to about 1e-13.
const temmeShape = 1e5

// logGammaP returns log P(k, x) for 0 ≤ x ≤ k (the lower tail).
func logGammaP(k, x float64) float64 {
	if x == 0 {
		return math.Inf(-1)
	}
	if k >= temmeShape {
		return logTemme(k, x, -1)
	}
	if v := mathext.GammaIncReg(k, x); v > 1e-280 {
		return math.Log(v)
	}
	// Underflow: P = xᵏe^−x/Γ(k+1) Σₙ xⁿ/((k+1)…(k+n)) (DLMF 8.11.4), in logs.
	// x ≤ k < 1e5 far in the tail: the terms fall by x/(k+n) < 1 at once.
	s, t := 1.0, 1.0
	for n := 1.0; n < 1e6 && t > 1e-17*s; n++ {
		t *= x / (k + n)
		s += t
	}
	lg, _ := math.Lgamma(k + 1)
	return k*math.Log(x) - x - lg + math.Log(s)
}

// logGammaQ returns log Q(k, x) = log(1 − P(k, x)) for x ≥ k (the upper tail).
func logGammaQ(k, x float64) float64 {
	if math.IsInf(x, 1) {
		return math.Inf(-1)
	}
	if k >= temmeShape {
		return logTemme(k, x, 1)
	}
	if v := mathext.GammaIncRegComp(k, x); v > 1e-280 {
		return math.Log(v)
	}
	// Underflow: Q = xᵏe^−x/Γ(k) · 1/(x+1−k− 1(1−k)/(x+3−k− 2(2−k)/(x+5−k− …)))
	// (DLMF 8.9.2) by Lentz's method; x ≫ k here, so it converges at once.
	const tiny = 1e-300
	bn := x + 1 - k
	c, d := 1/tiny, 1/bn
	h := d
	for i := 1.0; i < 1e6; i++ {
		an := -i * (i - k)
		bn += 2
		d = an*d + bn
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = bn + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-16 {
			break
		}
	}
	lg, _ := math.Lgamma(k)
	return k*math.Log(x) - x - lg + math.Log(h)
}

// logTemme returns log Q(k, x) (side +1, x ≥ k) or log P(k, x) (side −1,
// x ≤ k) by Temme's uniform expansion (DLMF 8.12.3–8.12.4, 8.12.8):
//
//	Q = ½erfc(η√(k/2)) + R,  P = ½erfc(−η√(k/2)) − R,
//	R ≈ e^(−kη²/2)/√(2πk) (c₀(η) + c₁(η)/k),  ½η² = λ − 1 − log λ,  λ = x/k,
//
// with η of the sign of λ − 1. The factor e^(−kη²/2) is kept out of the
// bracket, ½erfc(y) = e^(−y²) ½erfcx(y), so the log never underflows.
func logTemme(k, x float64, side float64) float64 {
	t := (x - k) / k // exact difference: x/k − 1 would lose t's digits near the mean
	e2 := halfEta2(t, x/k)
	eta := math.Copysign(math.Sqrt(2*e2), t)
	c0, c1 := temmeC(eta, t)
	y := side * eta * math.Sqrt(k/2) // ≥ 0 on the tail side
	br := 0.5*erfcx(y) + side*(c0+c1/k)/math.Sqrt(2*math.Pi*k)
	return -k*e2 + math.Log(br)
}

// temmeC returns Temme's c₀(η) = 1/(λ−1) − 1/η and
// c₁(η) = 1/η³ − 1/(λ−1)³ − 1/(λ−1)² − 1/(12(λ−1)), t = λ − 1, by their
// Taylor series near η = 0 (where the closed forms cancel), coefficients
// derived with mpmath at 50 digits.
func temmeC(eta, t float64) (c0, c1 float64) {
	if math.Abs(eta) < 0.01 {
		c0 = -1.0/3 + eta*(1.0/12+eta*(-2.0/135+eta*(1.0/864+eta*(1.0/2835))))
		c1 = -1.0/540 + eta*(-1.0/288+eta*(1.0/378+eta*(-77.0/77760+eta*(1.0/4860))))
		return c0, c1
	}
	c0 = 1/t - 1/eta
	c1 = 1/(eta*eta*eta) - 1/(t*t*t) - 1/(t*t) - 1/(12*t)
	return c0, c1
}

// erfcx returns e^(y²) erfc(y) for y ≥ 0: directly up to y = 25, beyond by
// the asymptotic series 1/(y√π) Σₙ (−1)ⁿ (2n−1)!!/(2y²)ⁿ (12 terms, error
// below 1e-30 there).
func erfcx(y float64) float64 {
	if y < 25 {
		return math.Exp(y*y) * math.Erfc(y)
	}
	u := 1 / (2 * y * y)
	s, t := 1.0, 1.0
	for n := 1; n <= 12; n++ {
		t *= -float64(2*n-1) * u
		s += t
	}
	return s / (y * math.SqrtPi)
}

// halfEta2 returns ½η² = λ − 1 − log λ ≥ 0 for λ = x/k and t = λ − 1 (both
// passed, each computed from x and k with one rounding): by the series
// Σ_{n≥2} (−1)ⁿ tⁿ/n for |t| < 0.1, where the direct formula cancels.
func halfEta2(t, lambda float64) float64 {
	if math.Abs(t) >= 0.1 {
		return t - math.Log(lambda)
	}
	s, pw := 0.0, t
	for n := 2; n < 40; n++ {
		pw *= -t
		s -= pw / float64(n)
	}
	return s
}

// log1mExp returns log(1 − e^d) for d ≤ 0 (−Inf at d = 0), choosing expm1 or
// log1p by the size of d (Mächler's rule).
func log1mExp(d float64) float64 {
	if d > -math.Ln2 {
		return math.Log(-math.Expm1(d))
	}
	return math.Log1p(-math.Exp(d))
}

// logAddExp returns log(e^a + e^b).
func logAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(a, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}
