package continuous

import (
	"math"

	"github.com/klplayground/klplay/core/distribution"
	"github.com/klplayground/klplay/core/estimate"
	"github.com/klplayground/klplay/core/input"
)

// Estimators are the Monte Carlo estimators Check runs, in the order of its
// arrays.
var Estimators = [3]estimate.Estimator{estimate.K1, estimate.K2, estimate.K3}

// SeriesNs are the sample counts of Check's bias-and-spread series, and
// SeriesReps the number of independent replications at each.
var (
	SeriesNs   = []int{10, 30, 100, 300, 1000}
	SeriesReps = 64
)

// Estimate is one Monte Carlo estimate: the mean of the estimator's terms and
// its standard error.
type Estimate struct {
	Mean, StdErr float64
}

// CheckResult is the three-way check of KL(P‖Q).
type CheckResult struct {
	// Closed is the closed form when the pair has one (HasClosed).
	Closed    distribution.Result
	HasClosed bool
	// Numeric is the quadrature (densities) or series (mass functions).
	Numeric distribution.Result
	// Reference is the value the bias is measured from: the closed form if
	// there is one, else Numeric.
	Reference float64
	// QMassOutside is 1 − Q(supp P), the probability Q gives to where p = 0
	// (distribution.MassOutside): a probability, whatever the base. No draw from P
	// lands there, so k3 misses it: E_P[k3] = KL(P‖Q) − QMassOutside.
	QMassOutside float64
	// K3Expected is what k3 converges to, Reference − QMassOutside (the mass
	// converted to the base: × 1/ln 2 in bits); it equals Reference when
	// QMassOutside = 0, and is +Inf when Reference is.
	K3Expected float64
	// MC holds k1, k2, k3 from the same Samples draws x ~ P (seeded by
	// Seed), each equal to distribution.KL with Method "monte-carlo" and that
	// estimator.
	MC      [3]Estimate
	Samples int
	Seed    uint64
	// Ns are SeriesNs; Bias[e][i] is the mean over SeriesReps replications of
	// estimator e at Ns[i] samples minus Reference, Spread[e][i] their
	// standard deviation. Empty when Reference is infinite.
	Ns           []float64
	Bias, Spread [3][]float64
}

// Check runs the three-way check of KL(P‖Q): the closed form (if any), the
// quadrature or series, and the Monte Carlo estimates
//
//	k1 = mean(−rᵢ),  k2 = mean(rᵢ²/2),  k3 = mean((e^rᵢ − 1) − rᵢ),  rᵢ = log q(xᵢ) − log p(xᵢ), xᵢ ~ P,
//
// from one set of draws (estimate.NewRand(seed)), each with its standard error;
// then, for each n in SeriesNs, the bias and standard deviation of the three
// estimators over SeriesReps independent replications of n draws (the draws
// for the smaller n are prefixes of those for the largest, from a generator
// seeded with seed + 1).
//
// k1 is unbiased, so its bias is noise of size spread/√reps. k3 is unbiased
// only when Q puts no mass outside P's support: E_P[e^r] = Q(supp P), so
// E_P[k3] = KL − (1 − Q(supp P)) = K3Expected, and its bias is
// K3Expected − Reference (−QMassOutside in nats) at every n, never shrinking.
// k2 estimates E_P[r²/2], which is not KL (the two agree only to second order
// as Q → P), so its bias does not shrink as n grows either.
//
// When KL(P‖Q) = +Inf every estimate is +Inf (a draw with q = 0 < p proves
// it), K3Expected is +Inf and the series is empty. Values are in base (0 or
// e: nats), except QMassOutside, a probability.
// Errors: those of distribution.KL, and samples outside 1…estimate.MaxSamples.
func Check(p, q distribution.Dist, samples int, seed uint64, base float64) (*CheckResult, error) {
	if err := estimate.CheckSamples(samples); err != nil {
		return nil, err
	}
	factor, err := input.LogBase(base)
	if err != nil {
		return nil, err
	}
	if seed == 0 {
		seed = distribution.DefaultSeed
	}
	do := distribution.Options{Base: base}
	c := &CheckResult{Samples: samples, Seed: seed}
	if c.Numeric, err = distribution.KL(p, q, do); err != nil {
		return nil, err
	}
	if c.Numeric.Method == distribution.MethodClosedForm {
		c.Closed, c.HasClosed = c.Numeric, true
		do.Method = distribution.MethodQuadrature
		if p.Discrete() {
			do.Method = distribution.MethodSeries
		}
		c.Numeric, _ = distribution.KL(p, q, do)
	}
	c.Reference = c.Numeric.Value
	if c.HasClosed {
		c.Reference = c.Closed.Value
	}
	// P and Q are valid and of one kind (KL checked), so this cannot fail.
	c.QMassOutside, _ = distribution.MassOutside(p, q)
	c.K3Expected = c.Reference - c.QMassOutside*factor

	r := estimate.NewRand(seed)
	var acc [3]*estimate.Accumulator
	for e := range acc {
		acc[e] = estimate.NewAccumulator(Estimators[e])
	}
	for i := 0; i < samples; i++ {
		x := p.Rand(r)
		lr := q.LogProb(x) - p.LogProb(x)
		for _, a := range acc {
			a.Add(lr)
		}
		if math.IsInf(lr, -1) {
			break // one draw where q = 0 < p settles it: every estimate is +Inf
		}
	}
	for e, a := range acc {
		m, se, err := a.Result()
		if err != nil {
			return nil, err
		}
		c.MC[e] = Estimate{Mean: m * factor, StdErr: se * factor}
	}

	c.Ns = make([]float64, len(SeriesNs))
	for i, n := range SeriesNs {
		c.Ns[i] = float64(n)
	}
	if math.IsInf(c.Reference, 1) {
		c.Ns = c.Ns[:0]
		return c, nil
	}
	series(c, p, q, seed, factor)
	return c, nil
}

// series fills Bias and Spread (Welford over the replications).
func series(c *CheckResult, p, q distribution.Dist, seed uint64, factor float64) {
	k := len(SeriesNs)
	var mean, m2 [3][]float64
	for e := range mean {
		mean[e], m2[e] = make([]float64, k), make([]float64, k)
	}
	r := estimate.NewRand(seed + 1)
	nmax := SeriesNs[k-1]
	for rep := 1; rep <= SeriesReps; rep++ {
		var sum [3]float64
		j := 0
		for i := 1; i <= nmax; i++ {
			x := p.Rand(r)
			lr := q.LogProb(x) - p.LogProb(x)
			for e, est := range Estimators {
				sum[e] += est.Term(lr)
			}
			if i == SeriesNs[j] {
				for e := range sum {
					v := sum[e] / float64(i) * factor
					d := v - mean[e][j]
					mean[e][j] += d / float64(rep)
					m2[e][j] += d * (v - mean[e][j])
				}
				j++
			}
		}
	}
	for e := range mean {
		c.Bias[e] = make([]float64, k)
		c.Spread[e] = make([]float64, k)
		for j := range mean[e] {
			c.Bias[e][j] = mean[e][j] - c.Reference
			c.Spread[e][j] = math.Sqrt(m2[e][j] / float64(SeriesReps-1))
		}
	}
}
