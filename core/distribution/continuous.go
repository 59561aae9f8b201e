package distribution

import (
	"math"
	"math/rand/v2"

	"github.com/klplayground/klplay/core/input"
)

// Normal is the normal distribution N(Mu, Sigma²); Sigma is the standard
// deviation.
//
//	log p(x) = −(x−μ)²/(2σ²) − log σ − ½ log 2π,  H = ½ log(2πeσ²)
type Normal struct{ Mu, Sigma float64 }

func (d Normal) Family() string { return "normal" }
func (d Normal) LogProb(x float64) float64 {
	z := (x - d.Mu) / d.Sigma
	return -0.5*z*z - math.Log(d.Sigma) - logSqrt2Pi
}
func (d Normal) Prob(x float64) float64    { return math.Exp(d.LogProb(x)) }
func (d Normal) Rand(r *rand.Rand) float64 { return d.Mu + d.Sigma*r.NormFloat64() }
func (d Normal) Mean() float64             { return d.Mu }
func (d Normal) Variance() float64         { return d.Sigma * d.Sigma }
func (d Normal) Support() (lo, hi float64) { return math.Inf(-1), inf() }
func (d Normal) Discrete() bool            { return false }
func (d Normal) Entropy() (float64, bool)  { return 0.5 + logSqrt2Pi + math.Log(d.Sigma), true }
func (d Normal) Spec() Spec                { return Spec{"family": "normal", "mu": d.Mu, "sigma": d.Sigma} }
func (d Normal) scale() float64            { return d.Sigma }
func (d Normal) check(prefix string) error {
	return firstErr(finite(prefix, "mu", d.Mu), positive(prefix, "sigma", d.Sigma))
}
func (d Normal) landmarks(dst []float64) []float64 {
	return append(dst, d.Mu, d.Mu-d.Sigma, d.Mu+d.Sigma, d.Mu-4*d.Sigma, d.Mu+4*d.Sigma)
}
func (d Normal) moments() (moments, bool) {
	return moments{mean: d.Mu, variance: d.Sigma * d.Sigma, absdev: func(m float64) float64 {
		// E|X−m| for X ~ N(μ,σ²), the folded-normal mean:
		// σ√(2/π) exp(−δ²/(2σ²)) + δ erf(δ/(σ√2)), δ = μ − m.
		dl := d.Mu - m
		z := dl / d.Sigma
		return d.Sigma*math.Sqrt(2/math.Pi)*math.Exp(-z*z/2) + dl*math.Erf(z/math.Sqrt2)
	}}, true
}

// Laplace is the Laplace (double exponential) distribution with location Mu
// and scale B.
//
//	log p(x) = −|x−μ|/b − log 2b,  Var = 2b²,  H = 1 + log 2b
type Laplace struct{ Mu, B float64 }

func (d Laplace) Family() string { return "laplace" }
func (d Laplace) LogProb(x float64) float64 {
	return -math.Abs(x-d.Mu)/d.B - math.Log(2*d.B)
}
func (d Laplace) Prob(x float64) float64 { return math.Exp(d.LogProb(x)) }

// Rand returns μ + b(E₁ − E₂), the difference of two standard exponentials
// being standard Laplace.
func (d Laplace) Rand(r *rand.Rand) float64 { return d.Mu + d.B*(r.ExpFloat64()-r.ExpFloat64()) }
func (d Laplace) Mean() float64             { return d.Mu }
func (d Laplace) Variance() float64         { return 2 * d.B * d.B }
func (d Laplace) Support() (lo, hi float64) { return math.Inf(-1), inf() }
func (d Laplace) Discrete() bool            { return false }
func (d Laplace) Entropy() (float64, bool)  { return 1 + math.Log(2*d.B), true }
func (d Laplace) Spec() Spec                { return Spec{"family": "laplace", "mu": d.Mu, "b": d.B} }
func (d Laplace) scale() float64            { return d.B }
func (d Laplace) check(prefix string) error {
	return firstErr(finite(prefix, "mu", d.Mu), positive(prefix, "b", d.B))
}
func (d Laplace) landmarks(dst []float64) []float64 {
	return append(dst, d.Mu, d.Mu-d.B, d.Mu+d.B, d.Mu-6*d.B, d.Mu+6*d.B)
}
func (d Laplace) moments() (moments, bool) {
	return moments{mean: d.Mu, variance: 2 * d.B * d.B, absdev: func(m float64) float64 {
		// E|X−m| = |μ−m| + b·exp(−|μ−m|/b).
		a := math.Abs(d.Mu - m)
		return a + d.B*math.Exp(-a/d.B)
	}}, true
}

// Exponential is the exponential distribution with rate Rate (mean 1/Rate) on
// [0, ∞).
//
//	log p(x) = log λ − λx (x ≥ 0),  H = 1 − log λ
type Exponential struct{ Rate float64 }

func (d Exponential) Family() string { return "exponential" }
func (d Exponential) LogProb(x float64) float64 {
	if x < 0 || math.IsInf(x, 1) {
		return math.Inf(-1)
	}
	return math.Log(d.Rate) - d.Rate*x
}
func (d Exponential) Prob(x float64) float64 { return math.Exp(d.LogProb(x)) }
func (d Exponential) Rand(r *rand.Rand) float64 {
	return clampOpen(r.ExpFloat64()/d.Rate, 0, inf())
}
func (d Exponential) Mean() float64             { return 1 / d.Rate }
func (d Exponential) Variance() float64         { return 1 / (d.Rate * d.Rate) }
func (d Exponential) Support() (lo, hi float64) { return 0, inf() }
func (d Exponential) Discrete() bool            { return false }
func (d Exponential) Entropy() (float64, bool)  { return 1 - math.Log(d.Rate), true }
func (d Exponential) Spec() Spec                { return Spec{"family": "exponential", "rate": d.Rate} }
func (d Exponential) scale() float64            { return 1 / d.Rate }
func (d Exponential) check(prefix string) error { return positive(prefix, "rate", d.Rate) }
func (d Exponential) landmarks(dst []float64) []float64 {
	return append(dst, 0, 1/d.Rate, 5/d.Rate)
}
func (d Exponential) moments() (moments, bool) {
	m := 1 / d.Rate
	return moments{mean: m, variance: m * m,
		hasLog: true, elog: -eulerGamma - math.Log(d.Rate), // E log X = −γ − log λ
		hasVarLog: true, varlog: math.Pi * math.Pi / 6, // Var log X = ψ′(1) = π²/6
		absdev: func(a float64) float64 {
			// E|X−a| = 1/λ − a for a ≤ 0, a − 1/λ + 2e^{−λa}/λ for a > 0.
			if a <= 0 {
				return m - a
			}
			return a - m + 2*math.Exp(-d.Rate*a)*m
		}}, true
}

// Gamma is the gamma distribution with shape Shape (k) and rate Rate (θ) on
// [0, ∞).
//
//	log p(x) = k log θ − log Γ(k) + (k−1) log x − θx,
//	H = k − log θ + log Γ(k) + (1−k) ψ(k)
type Gamma struct{ Shape, Rate float64 }

func (d Gamma) Family() string { return "gamma" }
func (d Gamma) LogProb(x float64) float64 {
	switch {
	case x < 0 || math.IsInf(x, 1):
		return math.Inf(-1)
	case x == 0:
		return powEnd(d.Shape, d.Shape*math.Log(d.Rate)-lgamma(d.Shape))
	}
	return d.Shape*math.Log(d.Rate) - lgamma(d.Shape) + (d.Shape-1)*math.Log(x) - d.Rate*x
}

// powEnd is the log-density at an end of the support where it behaves like
// x^(a−1): +Inf for a < 1, c for a = 1, −Inf for a > 1.
func powEnd(a, c float64) float64 {
	switch {
	case a < 1:
		return inf()
	case a == 1:
		return c
	}
	return math.Inf(-1)
}
func (d Gamma) Prob(x float64) float64 { return math.Exp(d.LogProb(x)) }

// Rand uses Marsaglia and Tsang's method in log space (so that shapes ≪ 1
// do not underflow before the clamp into (0, ∞)).
func (d Gamma) Rand(r *rand.Rand) float64 {
	return clampOpen(math.Exp(logGammaRand(r, d.Shape)-math.Log(d.Rate)), 0, inf())
}
func (d Gamma) Mean() float64             { return d.Shape / d.Rate }
func (d Gamma) Variance() float64         { return d.Shape / (d.Rate * d.Rate) }
func (d Gamma) Support() (lo, hi float64) { return 0, inf() }
func (d Gamma) Discrete() bool            { return false }
func (d Gamma) Entropy() (float64, bool) {
	k := d.Shape
	return k - math.Log(d.Rate) + lgamma(k) + (1-k)*digamma(k), true
}
func (d Gamma) Spec() Spec { return Spec{"family": "gamma", "shape": d.Shape, "rate": d.Rate} }
func (d Gamma) scale() float64 {
	return math.Sqrt(d.Shape) / d.Rate
}
func (d Gamma) check(prefix string) error {
	return firstErr(positive(prefix, "shape", d.Shape), positive(prefix, "rate", d.Rate))
}
func (d Gamma) landmarks(dst []float64) []float64 {
	m, s := d.Shape/d.Rate, math.Sqrt(d.Shape)/d.Rate
	dst = append(dst, 0, m, m+s, m+5*s)
	if d.Shape > 1 {
		dst = append(dst, (d.Shape-1)/d.Rate)
	}
	if m-2*s > 0 {
		dst = append(dst, m-2*s)
	}
	return dst
}
func (d Gamma) moments() (moments, bool) {
	return moments{mean: d.Shape / d.Rate, variance: d.Shape / (d.Rate * d.Rate),
		hasLog: true, elog: digamma(d.Shape) - math.Log(d.Rate)}, true // E log X = ψ(k) − log θ
}

// logGammaRand returns log G for G ~ Gamma(a, 1): Marsaglia and Tsang (2000)
// for a ≥ 1, and G = G′·U^(1/a) with G′ ~ Gamma(a+1) for a < 1.
func logGammaRand(r *rand.Rand, a float64) float64 {
	if a < 1 {
		u := r.Float64()
		for u == 0 {
			u = r.Float64()
		}
		return logGammaRand(r, a+1) + math.Log(u)/a
	}
	dd := a - 1.0/3
	c := 1 / math.Sqrt(9*dd)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u == 0 {
			continue
		}
		if math.Log(u) < 0.5*x*x+dd-dd*v+dd*math.Log(v) {
			return math.Log(dd) + math.Log(v)
		}
	}
}

// Beta is the beta distribution with shapes Alpha and Beta on [0, 1].
//
//	log p(x) = (α−1) log x + (β−1) log(1−x) − log B(α,β),
//	H = log B(α,β) − (α−1)ψ(α) − (β−1)ψ(β) + (α+β−2)ψ(α+β)
type Beta struct{ Alpha, Beta float64 }

func (d Beta) Family() string { return "beta" }
func (d Beta) LogProb(x float64) float64 {
	switch {
	case x < 0 || x > 1:
		return math.Inf(-1)
	case x == 0:
		return powEnd(d.Alpha, -lbeta(d.Alpha, d.Beta))
	case x == 1:
		return powEnd(d.Beta, -lbeta(d.Alpha, d.Beta))
	}
	return (d.Alpha-1)*math.Log(x) + (d.Beta-1)*math.Log1p(-x) - lbeta(d.Alpha, d.Beta)
}
func (d Beta) Prob(x float64) float64 { return math.Exp(d.LogProb(x)) }

// Rand returns X/(X+Y) for independent X ~ Gamma(α), Y ~ Gamma(β), computed
// from their logarithms.
func (d Beta) Rand(r *rand.Rand) float64 {
	lx, ly := logGammaRand(r, d.Alpha), logGammaRand(r, d.Beta)
	return clampOpen(1/(1+math.Exp(ly-lx)), 0, 1)
}
func (d Beta) Mean() float64 { return d.Alpha / (d.Alpha + d.Beta) }
func (d Beta) Variance() float64 {
	s := d.Alpha + d.Beta
	return d.Alpha * d.Beta / (s * s * (s + 1))
}
func (d Beta) Support() (lo, hi float64) { return 0, 1 }
func (d Beta) Discrete() bool            { return false }
func (d Beta) Entropy() (float64, bool) {
	a, b := d.Alpha, d.Beta
	return lbeta(a, b) - (a-1)*digamma(a) - (b-1)*digamma(b) + (a+b-2)*digamma(a+b), true
}
func (d Beta) Spec() Spec     { return Spec{"family": "beta", "alpha": d.Alpha, "beta": d.Beta} }
func (d Beta) scale() float64 { return math.Sqrt(d.Variance()) }
func (d Beta) check(prefix string) error {
	return firstErr(positive(prefix, "alpha", d.Alpha), positive(prefix, "beta", d.Beta))
}
func (d Beta) landmarks(dst []float64) []float64 {
	dst = append(dst, 0, 1, d.Mean())
	if d.Alpha > 1 && d.Beta > 1 {
		dst = append(dst, (d.Alpha-1)/(d.Alpha+d.Beta-2))
	}
	return dst
}
func (d Beta) moments() (moments, bool) {
	s := digamma(d.Alpha + d.Beta)
	return moments{mean: d.Mean(), variance: d.Variance(),
		hasLog: true, elog: digamma(d.Alpha) - s, // E log X = ψ(α) − ψ(α+β)
		hasLog1m: true, elog1m: digamma(d.Beta) - s}, true
}

// Uniform is the continuous uniform distribution on [Min, Max].
//
//	log p(x) = −log(max−min) on [min, max],  H = log(max−min)
type Uniform struct{ Min, Max float64 }

func (d Uniform) Family() string { return "uniform" }
func (d Uniform) LogProb(x float64) float64 {
	if x < d.Min || x > d.Max {
		return math.Inf(-1)
	}
	return -math.Log(d.Max - d.Min)
}
func (d Uniform) Prob(x float64) float64 { return math.Exp(d.LogProb(x)) }
func (d Uniform) Rand(r *rand.Rand) float64 {
	return clampOpen(d.Min+(d.Max-d.Min)*r.Float64(), d.Min, d.Max)
}
func (d Uniform) Mean() float64 { return d.Min + (d.Max-d.Min)/2 }
func (d Uniform) Variance() float64 {
	w := d.Max - d.Min
	return w * w / 12
}
func (d Uniform) Support() (lo, hi float64) { return d.Min, d.Max }
func (d Uniform) Discrete() bool            { return false }
func (d Uniform) Entropy() (float64, bool)  { return math.Log(d.Max - d.Min), true }
func (d Uniform) Spec() Spec                { return Spec{"family": "uniform", "min": d.Min, "max": d.Max} }
func (d Uniform) scale() float64            { return d.Max - d.Min }
func (d Uniform) check(prefix string) error {
	if err := firstErr(finite(prefix, "min", d.Min), finite(prefix, "max", d.Max)); err != nil {
		return err
	}
	if !(d.Max > d.Min) || math.IsInf(d.Max-d.Min, 0) {
		return input.Errorf(input.OutOfRange, prefix+"max", "is %v; it must be greater than min (%v) and max − min finite", d.Max, d.Min)
	}
	return nil
}
func (d Uniform) landmarks(dst []float64) []float64 {
	return append(dst, d.Min, d.Max, d.Mean())
}

// moments of U[a,b]: E log X = (b log b − a log a)/(b−a) − 1 for a ≥ 0, and
// E (log X)² = [x((log x)² − 2 log x + 2)]ₐᵇ/(b−a); E log(1−X) likewise for b ≤ 1.
func (d Uniform) moments() (moments, bool) {
	a, b := d.Min, d.Max
	w := b - a
	m := moments{mean: d.Mean(), variance: d.Variance(), absdev: func(c float64) float64 {
		switch {
		case c <= a:
			return d.Mean() - c
		case c >= b:
			return c - d.Mean()
		}
		return ((c-a)*(c-a) + (b-c)*(b-c)) / (2 * w)
	}}
	if a >= 0 {
		m.hasLog = true
		m.elog = (xlogx(b)-xlogx(a))/w - 1
		sq := func(x float64) float64 {
			if x == 0 {
				return 0
			}
			l := math.Log(x)
			return x * (l*l - 2*l + 2)
		}
		m.hasVarLog = true
		m.varlog = math.Max(0, (sq(b)-sq(a))/w-m.elog*m.elog)
	}
	if b <= 1 {
		m.hasLog1m = true
		m.elog1m = (xlogx(1-a)-xlogx(1-b))/w - 1
	}
	return m, true
}

// LogNormal is the log-normal distribution: log X ~ N(Mu, Sigma²).
//
//	log p(x) = −(log x − μ)²/(2σ²) − log σ − ½ log 2π − log x (x > 0),
//	H = μ + ½ log(2πeσ²)
type LogNormal struct{ Mu, Sigma float64 }

func (d LogNormal) Family() string { return "lognormal" }
func (d LogNormal) LogProb(x float64) float64 {
	if x <= 0 || math.IsInf(x, 1) {
		return math.Inf(-1)
	}
	lx := math.Log(x)
	z := (lx - d.Mu) / d.Sigma
	return -0.5*z*z - math.Log(d.Sigma) - logSqrt2Pi - lx
}
func (d LogNormal) Prob(x float64) float64 { return math.Exp(d.LogProb(x)) }
func (d LogNormal) Rand(r *rand.Rand) float64 {
	return clampOpen(math.Exp(d.Mu+d.Sigma*r.NormFloat64()), 0, inf())
}
func (d LogNormal) Mean() float64 { return math.Exp(d.Mu + d.Sigma*d.Sigma/2) }
func (d LogNormal) Variance() float64 {
	s2 := d.Sigma * d.Sigma
	return math.Expm1(s2) * math.Exp(2*d.Mu+s2)
}
func (d LogNormal) Support() (lo, hi float64) { return 0, inf() }
func (d LogNormal) Discrete() bool            { return false }
func (d LogNormal) Entropy() (float64, bool) {
	return d.Mu + 0.5 + logSqrt2Pi + math.Log(d.Sigma), true
}
func (d LogNormal) Spec() Spec { return Spec{"family": "lognormal", "mu": d.Mu, "sigma": d.Sigma} }
func (d LogNormal) scale() float64 {
	return math.Exp(d.Mu) * math.Max(d.Sigma, math.Expm1(d.Sigma))
}
func (d LogNormal) check(prefix string) error {
	return firstErr(finite(prefix, "mu", d.Mu), positive(prefix, "sigma", d.Sigma))
}
func (d LogNormal) landmarks(dst []float64) []float64 {
	dst = append(dst, 0)
	for _, z := range [...]float64{-3, -1, 0, 1, 3} {
		if x := math.Exp(d.Mu + z*d.Sigma); x > 0 && !math.IsInf(x, 0) {
			dst = append(dst, x)
		}
	}
	if x := math.Exp(d.Mu - d.Sigma*d.Sigma); x > 0 && !math.IsInf(x, 0) {
		dst = append(dst, x) // the mode
	}
	return dst
}
func (d LogNormal) moments() (moments, bool) {
	return moments{mean: d.Mean(), variance: d.Variance(),
		hasLog: true, elog: d.Mu, hasVarLog: true, varlog: d.Sigma * d.Sigma}, true
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func finite(prefix, name string, x float64) error { return input.Finite(prefix+name, x) }

func positive(prefix, name string, x float64) error { return input.Positive(prefix+name, x) }

// logProbOff evaluates log p(1 − e) as (α−1) log1p(−e) + (β−1) log e − log B
// when base = 1, keeping the distance e to 1 that 1 − e would round away.
func (d Beta) logProbOff(base, off float64) float64 {
	if base == 1 && off < 0 && off > -1 {
		return (d.Alpha-1)*math.Log1p(off) + (d.Beta-1)*math.Log(-off) - lbeta(d.Alpha, d.Beta)
	}
	return d.LogProb(base + off)
}
