// Package estimate holds Monte Carlo estimators of the Kullback–Leibler
// divergence KL(P‖Q) from samples x ~ P, after Schulman, "Approximating KL
// Divergence" (2020). With the log-ratio r = log q(x) − log p(x) of a sample,
//
//	k1 = −r                 unbiased; high variance; single terms are negative
//	                        wherever q(x) > p(x)
//	k2 = r²/2               biased: its mean E_P[½ log²(q/p)] (the f-divergence
//	                        with f(u) = ½ log² u) agrees with KL only to second
//	                        order as Q → P; low variance when Q ≈ P; every
//	                        term ≥ 0
//	k3 = (eʳ − 1) − r       E_P[eʳ] = E_P[q/p] = Q(supp P), so its mean is
//	                        KL − (1 − Q(supp P)): unbiased only when Q puts no
//	                        mass where p = 0 (supp Q ⊆ supp P), and otherwise
//	                        low by exactly that mass, at every sample size; low
//	                        variance when Q ≈ P, infinite when ∫ q²/p = ∞ (Q
//	                        much wider than P: a normal Q more than √2 times
//	                        a normal P's width); every term ≥ 0 because
//	                        eʳ ≥ 1 + r
//
// For example P = Uniform(0, 1), Q = Uniform(−1, 2): KL = log 3 ≈ 1.099, but
// Q(supp P) = 1/3 and every draw has r = −log 3, so k3 is 1/3 − 1 + log 3 ≈
// 0.432 however many samples are drawn.
//
// The estimate is the sample mean of the terms and its standard error is the
// sample standard deviation over √n. Samples are drawn with math/rand/v2's PCG
// seeded from the caller's seed, so the same seed reproduces the same estimate.
//
// The package knows nothing of distribution families: MonteCarlo takes any
// pair with LogProb and Rand (package distribution's Dist has both), so distribution can use
// it without an import cycle.
package estimate

import (
	"math"
	"math/rand/v2"

	"github.com/klplayground/klplay/core/input"
)

// Estimator names one of Schulman's KL estimators.
type Estimator string

// The estimators.
const (
	K1 Estimator = "k1" // −r
	K2 Estimator = "k2" // r²/2
	K3 Estimator = "k3" // (eʳ − 1) − r
)

// Default is the estimator used when none is named.
const Default = K3

// MaxSamples is the largest sample size MonteCarlo and Run accept.
const MaxSamples = 10_000_000

// ParseEstimator returns the estimator called name ("k1", "k2", "k3"; "" means
// Default), or an input.UnknownName error on "estimator".
func ParseEstimator(name string) (Estimator, error) {
	switch e := Estimator(name); e {
	case "":
		return Default, nil
	case K1, K2, K3:
		return e, nil
	}
	return "", input.Errorf(input.UnknownName, "estimator", "is %q; the estimators are k1, k2 and k3", name)
}

// Term returns the estimator's term for the log-ratio r = log q(x) − log p(x):
// −r, r²/2 or eʳ − 1 − r (summed as r²/2 + r³/6 + … for |r| < 0.1, where
// expm1(r) − r would cancel, so that nearly equal p and q keep their digits). r = −Inf (q(x) = 0 < p(x)) gives +Inf for every estimator;
// r = NaN gives NaN.
func (e Estimator) Term(r float64) float64 {
	switch e {
	case K1:
		return -r
	case K2:
		return r * r / 2
	}
	switch {
	case math.IsInf(r, -1):
		return math.Inf(1)
	case math.Abs(r) < 0.1:
		s, term := 0.0, r
		for n := 2; n < 40; n++ {
			term *= r / float64(n)
			s += term
			if math.Abs(term) <= 1e-18*math.Abs(s) {
				break
			}
		}
		return s
	}
	return math.Expm1(r) - r
}

// Accumulator collects estimator terms and returns their mean and standard
// error. It keeps running moments (Welford's update), not the terms, so 10⁷
// samples need no memory. The zero value is not usable; use NewAccumulator.
type Accumulator struct {
	e        Estimator
	n        int
	mean, m2 float64
	inf      bool
	nan      bool
}

// NewAccumulator returns an empty accumulator for estimator e.
func NewAccumulator(e Estimator) *Accumulator { return &Accumulator{e: e} }

// Add adds the term of log-ratio r.
func (a *Accumulator) Add(r float64) {
	t := a.e.Term(r)
	a.n++
	switch {
	case math.IsNaN(t):
		a.nan = true
		return
	case math.IsInf(t, 1):
		a.inf = true
		return
	case math.IsInf(t, -1): // k1 with r = +Inf: p(x) = 0 at a draw from p
		a.nan = true
		return
	}
	d := t - a.mean
	a.mean += d / float64(a.n)
	a.m2 += d * (t - a.mean)
}

// N returns the number of terms added.
func (a *Accumulator) N() int { return a.n }

// Result returns the mean of the terms and its standard error
// s/√n, s² = Σ(tᵢ − t̄)²/(n−1). Conventions: with one term the standard error
// is +Inf (unknown); if any term was +Inf (a draw where q = 0 < p, which
// proves KL = +Inf) the mean is +Inf and the standard error 0; with no terms,
// or a term that was NaN, it returns an input.Invalid error.
func (a *Accumulator) Result() (mean, stderr float64, err error) {
	switch {
	case a.n == 0:
		return 0, 0, input.Errorf(input.Empty, "samples", "is empty; the estimate needs at least one sample")
	case a.nan:
		return 0, 0, input.Errorf(input.Invalid, "samples", "contain a log-ratio that is NaN (a draw outside both supports)")
	case a.inf:
		return math.Inf(1), 0, nil
	case a.n == 1:
		return a.mean, math.Inf(1), nil
	}
	return a.mean, math.Sqrt(a.m2 / float64(a.n-1) / float64(a.n)), nil
}

// FromLogRatios returns the estimate and its standard error from log-ratios
// r[i] = log q(xᵢ) − log p(xᵢ) already computed at samples xᵢ ~ P, with the
// conventions of Accumulator.Result. An empty r is an input.Empty error on
// "r"; an unknown estimator an input.UnknownName error on "estimator".
func FromLogRatios(r []float64, estimator string) (mean, stderr float64, err error) {
	e, err := ParseEstimator(estimator)
	if err != nil {
		return 0, 0, err
	}
	if len(r) == 0 {
		return 0, 0, input.Errorf(input.Empty, "r", "is empty; it needs at least one log-ratio")
	}
	a := NewAccumulator(e)
	for _, x := range r {
		a.Add(x)
	}
	return a.Result()
}

// Sampler is what MonteCarlo needs of a distribution: its log-density (or
// log-mass) and a way to draw from it.
type Sampler interface {
	LogProb(x float64) float64
	Rand(r *rand.Rand) float64
}

// NewRand returns the generator every estimate uses: math/rand/v2's PCG
// seeded with (seed, a fixed stream constant).
func NewRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x6b6c706c6179)) // "klplay"
}

// MonteCarlo estimates KL(P‖Q) from samples x₁…xₙ ~ P drawn with NewRand(seed):
// the mean of the estimator's terms at rᵢ = log q(xᵢ) − log p(xᵢ), and its
// standard error. samples must be between 1 and MaxSamples (input.OutOfRange
// or input.TooLarge on "samples"); estimator is "k1", "k2", "k3" or "" (k3).
// The same arguments always give the same answer. k1 is unbiased; k2 and, when
// Q has mass where p = 0, k3 are not (see the package comment).
func MonteCarlo(p, q Sampler, samples int, seed uint64, estimator string) (mean, stderr float64, err error) {
	return Run(samples, seed, estimator, func(r *rand.Rand) float64 {
		x := p.Rand(r)
		return q.LogProb(x) - p.LogProb(x)
	})
}

// Run is MonteCarlo for any sampler: logRatio draws one sample with r and
// returns its log-ratio log q(x) − log p(x). The multivariate lab models use
// it with vector samples.
func Run(samples int, seed uint64, estimator string, logRatio func(r *rand.Rand) float64) (mean, stderr float64, err error) {
	e, err := ParseEstimator(estimator)
	if err != nil {
		return 0, 0, err
	}
	if err := CheckSamples(samples); err != nil {
		return 0, 0, err
	}
	r := NewRand(seed)
	a := NewAccumulator(e)
	for i := 0; i < samples; i++ {
		a.Add(logRatio(r))
		if a.inf {
			break // one draw with q = 0 < p settles it
		}
	}
	return a.Result()
}

// CheckSamples checks a sample size: 1 ≤ n ≤ MaxSamples.
func CheckSamples(n int) error {
	switch {
	case n < 1:
		return input.Errorf(input.OutOfRange, "samples", "is %d; it must be at least 1", n)
	case n > MaxSamples:
		return input.Errorf(input.TooLarge, "samples", "is %d; at most %d are allowed", n, MaxSamples)
	}
	return nil
}
