package distribution

import (
	"math"
	"math/rand/v2"
)

// Spec is a distribution as the page describes it: a JSON-like object with a
// "family" string and that family's parameters, e.g.
//
//	{"family": "normal", "mu": 0, "sigma": 1}
//	{"family": "categorical", "p": [0.2, 0.8]}
//	{"family": "mixture", "weights": [0.5, 0.5], "components": [{…}, {…}]}
//
// It is an alias of map[string]any, so the maps the bridge builds from
// JavaScript objects are Specs as they are, and the Specs returned by
// Dist.Spec contain only float64, string, []any and map[string]any values.
type Spec = map[string]any

// Size limits on reader input. Larger inputs are input.TooLarge errors.
const (
	MaxCategories  = 10000      // entries of a categorical p
	MaxComponents  = 16         // components of a mixture
	MaxDim         = 10000      // dimension of an mvnormal-diag
	MaxSamples     = 10_000_000 // Monte Carlo samples
	MaxPoissonRate = 1e8        // a Poisson rate (the series sums O(√rate) terms)
)

// Dist is a univariate probability distribution: a density (Discrete false) or
// a mass function on the integers (Discrete true). The implementations are the
// types of this package; build them with Parse or as struct literals, which KL
// and the other functions validate before use.
type Dist interface {
	// Family returns the family name as in specs: "normal", "poisson", ….
	Family() string
	// LogProb returns log p(x): the log-density, or for a discrete
	// distribution the log-mass (−Inf at non-integers). It is −Inf outside
	// the support, +Inf where a density is unbounded (a Gamma with shape < 1
	// at 0), and NaN only for x = NaN.
	LogProb(x float64) float64
	// Prob returns p(x) = exp(LogProb(x)).
	Prob(x float64) float64
	// Rand draws one value using r, which the caller seeds; the draws of a
	// continuous distribution are clamped into the open support, so that
	// LogProb of a draw is finite even when the exact draw would underflow.
	Rand(r *rand.Rand) float64
	// Mean returns E[X]; it may be +Inf when it overflows (a lognormal with a
	// large σ).
	Mean() float64
	// Variance returns Var[X], possibly +Inf on overflow.
	Variance() float64
	// Support returns the smallest closed interval holding all the
	// probability: (−Inf, +Inf) for a normal, (0, +Inf) for a Poisson, (0, k−1)
	// for a categorical with k entries.
	Support() (lo, hi float64)
	// Discrete reports whether the distribution has a mass function on the
	// integers rather than a density.
	Discrete() bool
	// Entropy returns the (differential, for densities) entropy
	// H(P) = −E[log p(X)] in nats and true when it is known exactly: a
	// closed form, or for a Poisson a series summed to rounding error. A
	// mixture reports false; use the package function Entropy.
	Entropy() (h float64, ok bool)
	// Spec returns the distribution as a spec that Parse accepts.
	Spec() Spec

	check(prefix string) error         // validate the parameters
	landmarks(dst []float64) []float64 // points where the density changes character
	scale() float64                    // a typical width, for mapping tails
	moments() (m moments, ok bool)     // what cross-entropies with other families need
}

// moments are the expectations under P that closed-form cross-entropies need.
type moments struct {
	mean, variance float64
	hasLog         bool    // E[log X] known (X > 0 a.s.)
	elog           float64 // E[log X]
	hasVarLog      bool
	varlog         float64 // Var[log X]
	hasLog1m       bool    // E[log(1−X)] known (X < 1 a.s.)
	elog1m         float64
	absdev         func(m float64) float64 // E|X − m|, nil when unknown
}

func inf() float64 { return math.Inf(1) }

// clampOpen moves x into the open interval (lo, hi) when rounding put it on an
// end or beyond; lo and hi may be infinite.
func clampOpen(x, lo, hi float64) float64 {
	if x <= lo {
		return math.Nextafter(lo, hi)
	}
	if x >= hi {
		return math.Nextafter(hi, lo)
	}
	return x
}

func isInt(x float64) bool { return x == math.Trunc(x) && !math.IsInf(x, 0) }
