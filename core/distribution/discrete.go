package distribution

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/klplayground/klplay/core/fsum"
	"github.com/klplayground/klplay/core/input"
)

// Poisson is the Poisson distribution with rate (mean) Rate on 0, 1, 2, ….
//
//	log p(k) = k log λ − λ − log k!
//
// Its entropy has no closed form; Entropy sums −Σ p(k) log p(k) over the
// k where the terms are not negligible.
type Poisson struct{ Rate float64 }

func (d Poisson) Family() string { return "poisson" }
func (d Poisson) LogProb(x float64) float64 {
	if x < 0 || !isInt(x) {
		return math.Inf(-1)
	}
	return x*math.Log(d.Rate) - d.Rate - lgamma(x+1)
}
func (d Poisson) Prob(x float64) float64 { return math.Exp(d.LogProb(x)) }

// Rand uses inversion by multiplication for λ < 10 and Hörmann's transformed
// rejection (PTRS, 1993) above.
func (d Poisson) Rand(r *rand.Rand) float64 {
	lam := d.Rate
	if lam < 10 {
		l, k, p := math.Exp(-lam), 0.0, 1.0
		for {
			p *= r.Float64()
			if p <= l {
				return k
			}
			k++
		}
	}
	slam, llam := math.Sqrt(lam), math.Log(lam)
	b := 0.931 + 2.53*slam
	a := -0.059 + 0.02483*b
	invAlpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		u := r.Float64() - 0.5
		v := r.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + lam + 0.43)
		if us >= 0.07 && v <= vr {
			return k
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		if math.Log(v)+math.Log(invAlpha)-math.Log(a/(us*us)+b) <= -lam+k*llam-lgamma(k+1) {
			return k
		}
	}
}
func (d Poisson) Mean() float64             { return d.Rate }
func (d Poisson) Variance() float64         { return d.Rate }
func (d Poisson) Support() (lo, hi float64) { return 0, inf() }
func (d Poisson) Discrete() bool            { return true }
func (d Poisson) Entropy() (float64, bool) {
	h, _ := poissonSeries(d, func(k, lp float64) float64 { return -lp })
	return h, true
}
func (d Poisson) Spec() Spec     { return Spec{"family": "poisson", "rate": d.Rate} }
func (d Poisson) scale() float64 { return math.Sqrt(d.Rate) }
func (d Poisson) check(prefix string) error {
	if err := positive(prefix, "rate", d.Rate); err != nil {
		return err
	}
	if d.Rate > MaxPoissonRate {
		return input.Errorf(input.OutOfRange, prefix+"rate", "is %v; it must be at most %g", d.Rate, MaxPoissonRate)
	}
	return nil
}
func (d Poisson) landmarks(dst []float64) []float64 { return append(dst, d.Rate) }
func (d Poisson) moments() (moments, bool)          { return moments{}, false }

// Bernoulli is the Bernoulli distribution on {0, 1} with P(1) = P.
//
//	H = −p log p − (1−p) log(1−p)
type Bernoulli struct{ P float64 }

func (d Bernoulli) Family() string { return "bernoulli" }
func (d Bernoulli) LogProb(x float64) float64 {
	switch x {
	case 0:
		return math.Log1p(-d.P)
	case 1:
		return math.Log(d.P)
	}
	return math.Inf(-1)
}
func (d Bernoulli) Prob(x float64) float64 { return math.Exp(d.LogProb(x)) }
func (d Bernoulli) Rand(r *rand.Rand) float64 {
	if r.Float64() < d.P {
		return 1
	}
	return 0
}
func (d Bernoulli) Mean() float64             { return d.P }
func (d Bernoulli) Variance() float64         { return d.P * (1 - d.P) }
func (d Bernoulli) Support() (lo, hi float64) { return 0, 1 }
func (d Bernoulli) Discrete() bool            { return true }
func (d Bernoulli) Entropy() (float64, bool)  { return -xlogx(d.P) - xlogx(1-d.P), true }
func (d Bernoulli) Spec() Spec                { return Spec{"family": "bernoulli", "p": d.P} }
func (d Bernoulli) scale() float64            { return 1 }
func (d Bernoulli) check(prefix string) error { return input.InRange(prefix+"p", d.P, 0, 1) }
func (d Bernoulli) landmarks(dst []float64) []float64 {
	return append(dst, 0, 1)
}
func (d Bernoulli) moments() (moments, bool) { return moments{}, false }

// Categorical is the distribution on 0, 1, …, len(P)−1 with P(k) = P[k]; P
// must sum to 1 within input.NormTolerance.
//
//	H = −Σ p_k log p_k (0 log 0 = 0)
type Categorical struct{ P []float64 }

func (d Categorical) Family() string { return "categorical" }
func (d Categorical) LogProb(x float64) float64 {
	if x < 0 || !isInt(x) || x >= float64(len(d.P)) {
		return math.Inf(-1)
	}
	return math.Log(d.P[int(x)])
}
func (d Categorical) Prob(x float64) float64 { return math.Exp(d.LogProb(x)) }
func (d Categorical) Rand(r *rand.Rand) float64 {
	u := r.Float64()
	last := 0
	for k, p := range d.P {
		if p > 0 {
			last = k
		}
		if u < p {
			return float64(k)
		}
		u -= p
	}
	return float64(last) // u landed in the rounding slack above Σp
}
func (d Categorical) Mean() float64 {
	var a fsum.Acc
	for k, p := range d.P {
		a.Add(float64(k) * p)
	}
	return a.Value()
}
func (d Categorical) Variance() float64 {
	m := d.Mean()
	var a fsum.Acc
	for k, p := range d.P {
		a.Add((float64(k) - m) * (float64(k) - m) * p)
	}
	return a.Value()
}
func (d Categorical) Support() (lo, hi float64) { return 0, float64(len(d.P) - 1) }
func (d Categorical) Discrete() bool            { return true }
func (d Categorical) Entropy() (float64, bool) {
	var a fsum.Acc
	for _, p := range d.P {
		a.Add(-xlogx(p))
	}
	return a.Value(), true
}
func (d Categorical) Spec() Spec {
	p := make([]any, len(d.P))
	for i, x := range d.P {
		p[i] = x
	}
	return Spec{"family": "categorical", "p": p}
}
func (d Categorical) scale() float64 { return 1 }
func (d Categorical) check(prefix string) error {
	if len(d.P) > MaxCategories {
		return input.Errorf(input.TooLarge, prefix+"p", "has %d entries; at most %d are allowed", len(d.P), MaxCategories)
	}
	_, err := input.Probabilities(prefix+"p", d.P, false)
	return err
}
func (d Categorical) landmarks(dst []float64) []float64 { return dst }
func (d Categorical) moments() (moments, bool)          { return moments{}, false }

// poissonSeries returns Σ_k p(k) f(k, log p(k)) over the k where p(k) is not
// negligible, with an estimate of the truncation error. It walks up and down
// from the mode until the terms and the remaining Poisson mass are below
// 1e-18 of the sum, and bounds each tail by a geometric series with the ratio
// of successive probabilities.
func poissonSeries(d Poisson, f func(k, lp float64) float64) (sum, errEst float64) {
	lam := d.Rate
	mode := math.Floor(lam)
	var acc fsum.Acc
	term := func(k float64) (t, lp float64) {
		lp = d.LogProb(k)
		p := math.Exp(lp)
		if p == 0 {
			return 0, lp
		}
		return p * f(k, lp), lp
	}
	negligible := func(t, lp float64) bool {
		s := math.Abs(acc.Value())
		return math.Abs(t) <= 1e-18*s+1e-300 && lp < math.Log(1e-18)
	}
	// Upwards: for k > λ the ratio p(k+1)/p(k) = λ/(k+1) < 1.
	for k := mode; ; k++ {
		t, lp := term(k)
		acc.Add(t)
		if k > lam+1 && negligible(t, lp) {
			rho := lam / (k + 1)
			errEst += 2 * math.Abs(t) * rho / (1 - rho)
			break
		}
		if math.IsInf(t, 0) || math.IsNaN(t) {
			return t, 0
		}
	}
	// Downwards: for k < λ the ratio p(k−1)/p(k) = k/λ < 1.
	for k := mode - 1; k >= 0; k-- {
		t, lp := term(k)
		acc.Add(t)
		if math.IsInf(t, 0) || math.IsNaN(t) {
			return t, 0
		}
		if k < lam-1 && negligible(t, lp) {
			rho := k / lam
			errEst += 2 * math.Abs(t) * rho / (1 - rho)
			break
		}
	}
	return acc.Value(), errEst
}

// finiteSupport reports whether d is a discrete distribution with finitely
// many atoms, and how many (0, 1, …, n−1).
func finiteSupport(d Dist) (n int, ok bool) {
	switch d := d.(type) {
	case Bernoulli:
		return 2, true
	case Categorical:
		return len(d.P), true
	}
	return 0, false
}

func idx(name string, i int) string { return fmt.Sprintf("%s[%d]", name, i) }
