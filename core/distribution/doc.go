// Package distribution holds the probability distributions of the playground and the
// Kullback–Leibler divergence between them:
//
//	KL(P‖Q) = ∫ p(x) log(p(x)/q(x)) dx        (densities)
//	KL(P‖Q) = Σ_k p(k) log(p(k)/q(k))          (mass functions)
//
// A distribution is built from a spec, the plain object the page sends
// ({family: "normal", mu: 0, sigma: 1}), by Parse, which checks every parameter
// and reports what is wrong as an *input.Error naming it. KL then chooses how to
// compute the divergence: a closed form when the pair has one (every same-family
// pair and many cross-family pairs), an exact or truncated sum for mass functions
// ("series"), adaptive Gauss–Kronrod quadrature for other densities (mixtures
// included), or a seeded Monte Carlo estimate with one of Schulman's estimators
// (package estimate). Every answer says which method produced it and how
// accurate it is.
//
// Conventions, shared with the rest of the core:
//
//   - Logarithms are natural (nats) unless Options.Base says otherwise.
//   - 0·log 0 = 0: where p(x) = 0 the integrand is 0, whatever q is.
//   - Where q(x) = 0 < p(x) on a set of positive p-probability (q's support does
//     not cover p's), KL and cross-entropy are +Inf, never NaN.
//   - Densities are handled in log space: LogProb, never log(Prob), and a
//     mixture's log-density is a log-sum-exp, so tails that underflow in linear
//     space still give finite terms.
//   - Nothing panics on reader input: bad specs and options are errors.
//
// The package depends on math and gonum's mathext only (not stat/distuv, which
// would pull mat and lapack into the WebAssembly build). Digamma is computed
// here: mathext.Digamma is accurate to about 1e-10, short of the 1e-12 the
// closed forms promise.
package distribution
