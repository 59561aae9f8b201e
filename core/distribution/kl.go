package distribution

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/klplayground/klplay/core/estimate"
	"github.com/klplayground/klplay/core/input"
)

// The methods KL and its relatives can use, as Result.Method reports them.
const (
	MethodAuto       = "auto"
	MethodClosedForm = "closed-form"
	MethodQuadrature = "quadrature"
	MethodSeries     = "series"
	MethodMonteCarlo = "monte-carlo"
)

// Default Monte Carlo settings.
const (
	DefaultSamples = 10000
	DefaultSeed    = 1
)

// Options say how to compute a divergence. The zero value means: automatic
// method, natural logarithms, and for Monte Carlo 10000 samples, seed 1 and
// the k3 estimator.
type Options struct {
	// Method is "" or "auto", "closed-form", "quadrature", "series" or
	// "monte-carlo". Auto takes the closed form when the pair has one, else
	// the series for mass functions, else quadrature.
	Method string
	// Samples is the Monte Carlo sample size, 1 to MaxSamples; 0 means
	// DefaultSamples.
	Samples int
	// Seed seeds the PCG generator of Monte Carlo; 0 means DefaultSeed.
	Seed uint64
	// Estimator is "k1", "k2", "k3" or "" (k3); see package estimate.
	Estimator string
	// Base is the logarithm base of the result: e for nats, 2 for bits (0 is not a base: input.LogBase).
	Base float64
}

// Result is a divergence (or entropy) and how it was obtained.
type Result struct {
	Value float64 // +Inf when the divergence is infinite
	// Method is the method that produced Value: "closed-form", "quadrature",
	// "series" or "monte-carlo" (never "auto").
	Method string
	// ErrorEstimate bounds |Value − exact|: the quadrature's or series'
	// absolute error estimate, the Monte Carlo standard error, 0 for a
	// closed form (exact to rounding).
	ErrorEstimate float64
	// StdErr is the Monte Carlo standard error (0 for the other methods).
	StdErr float64
	// Samples is the Monte Carlo sample size (0 for the other methods).
	Samples int
}

type opts struct {
	Options
	est    estimate.Estimator
	factor float64
}

func checkOptions(o Options) (opts, error) {
	r := opts{Options: o}
	switch o.Method {
	case "", MethodAuto:
		r.Method = MethodAuto
	case MethodClosedForm, MethodQuadrature, MethodSeries, MethodMonteCarlo:
	default:
		return r, input.Errorf(input.UnknownName, "method", "is %q; the methods are auto, closed-form, quadrature, series and monte-carlo", o.Method)
	}
	switch {
	case o.Samples == 0:
		r.Samples = DefaultSamples
	default:
		if err := estimate.CheckSamples(o.Samples); err != nil {
			return r, err
		}
	}
	if o.Seed == 0 {
		r.Seed = DefaultSeed
	}
	var err error
	if r.est, err = estimate.ParseEstimator(o.Estimator); err != nil {
		return r, err
	}
	if r.factor, err = input.LogBase(o.Base); err != nil {
		return r, err
	}
	return r, nil
}

func (o opts) scaled(r Result) Result {
	if o.factor != 1 {
		r.Value *= o.factor
		r.ErrorEstimate *= o.factor
		r.StdErr *= o.factor
	}
	return r
}

func checkDist(arg string, d Dist) error {
	if d == nil {
		return input.Errorf(input.Invalid, arg, "is missing")
	}
	if m, ok := d.(*Mixture); ok && m == nil {
		return input.Errorf(input.Invalid, arg, "is missing")
	}
	return prefixErr(d.check(""), arg+".")
}

func checkPair(p, q Dist) error {
	if err := checkDist("p", p); err != nil {
		return err
	}
	if err := checkDist("q", q); err != nil {
		return err
	}
	if p.Discrete() != q.Discrete() {
		kind := func(d Dist) string {
			if d.Discrete() {
				return "a mass function"
			}
			return "a density"
		}
		return input.Errorf(input.Invalid, "q", "is %s (%s) but p is %s (%s); both must be discrete or both continuous", kind(q), q.Family(), kind(p), p.Family())
	}
	return nil
}

// prefixErr puts prefix before the argument name of an *input.Error.
func prefixErr(err error, prefix string) error {
	if e, ok := err.(*input.Error); ok && e != nil {
		return &input.Error{Code: e.Code, Arg: prefix + e.Arg, Msg: e.Msg}
	}
	return err
}

func pairName(p, q Dist) string { return p.Family() + "‖" + q.Family() }

// KL returns the Kullback–Leibler divergence of Q from P,
//
//	KL(P‖Q) = ∫ p(x) log(p(x)/q(x)) dx   or   Σ_k p(k) log(p(k)/q(k)),
//
// in nats (or in Options.Base). It is ≥ 0, 0 iff P = Q, and +Inf when q's
// support does not cover p's (normal‖exponential, uniform[0,2]‖uniform[0,1],
// bernoulli(0.5)‖bernoulli(0), poisson‖categorical) — by every method.
//
// Methods:
//
//   - closed-form: every same-family pair (normal, laplace, exponential, gamma,
//     beta, uniform, lognormal, poisson, bernoulli, categorical), any pair of
//     bernoulli/categorical P with a discrete Q (a finite sum), and the
//     cross-family pairs listed in ClosedFormPairs. Exact to about 1e-12
//     relative, ErrorEstimate 0.
//   - series: any discrete pair; exact for finite P, a Poisson P summed until
//     the terms are below 1e-18 of the sum, with a geometric bound on the rest.
//   - quadrature: any continuous pair (mixtures included): adaptive
//     Gauss–Kronrod on p(x)(log p(x) − log q(x)) from log-densities, over
//     p's whole support (infinite tails mapped onto finite intervals), to
//     about 1e-10 relative; ErrorEstimate is its error estimate.
//   - monte-carlo: any pair: estimate.MonteCarlo with Options.Samples draws
//     from P, the seed and the estimator; ErrorEstimate = StdErr.
//
// Errors (*input.Error): a nil or invalid P or Q (arg "p.sigma", …); a
// discrete distribution compared with a continuous one (input.Invalid, "q");
// an unknown method, or a method that does not apply to the pair
// (input.UnknownName, "method": "no closed form for gamma‖lognormal; use
// quadrature"); bad samples, estimator or base.
func KL(p, q Dist, o Options) (Result, error) {
	op, err := checkOptions(o)
	if err != nil {
		return Result{}, err
	}
	if err := checkPair(p, q); err != nil {
		return Result{}, err
	}
	r, err := kl(p, q, op)
	if err != nil {
		return Result{}, err
	}
	if math.IsNaN(r.Value) {
		return Result{}, input.Errorf(input.OutOfRange, "q", "the parameters of %s are too extreme for a finite answer", pairName(p, q))
	}
	return op.scaled(r), nil
}

func kl(p, q Dist, o opts) (Result, error) {
	if err := methodApplies(p, q, o.Method); err != nil {
		return Result{}, err
	}
	if !covers(p, q) {
		m := o.Method
		if m == MethodAuto {
			m = MethodClosedForm
		}
		return Result{Value: math.Inf(1), Method: m}, nil
	}
	switch o.Method {
	case MethodAuto, MethodClosedForm:
		if v, ok := closedKL(p, q); ok {
			return Result{Value: v, Method: MethodClosedForm}, nil
		}
		if o.Method == MethodClosedForm {
			alt := MethodQuadrature
			if p.Discrete() {
				alt = MethodSeries
			}
			return Result{}, input.Errorf(input.UnknownName, "method", "no closed form for %s; use %s", pairName(p, q), alt)
		}
		if p.Discrete() {
			return seriesKL(p, q), nil
		}
		return quadKL(p, q), nil
	case MethodSeries:
		return seriesKL(p, q), nil
	case MethodQuadrature:
		return quadKL(p, q), nil
	}
	mean, se, err := estimate.MonteCarlo(p, q, o.Samples, o.Seed, string(o.est))
	if err != nil {
		return Result{}, err
	}
	return Result{Value: mean, Method: MethodMonteCarlo, ErrorEstimate: se, StdErr: se, Samples: o.Samples}, nil
}

func methodApplies(p, q Dist, method string) error {
	switch {
	case method == MethodQuadrature && p.Discrete():
		return input.Errorf(input.UnknownName, "method", "quadrature is for densities; %s are mass functions, use series", pairName(p, q))
	case method == MethodSeries && !p.Discrete():
		return input.Errorf(input.UnknownName, "method", "series is for mass functions; %s are densities, use quadrature", pairName(p, q))
	}
	return nil
}

func seriesKL(p, q Dist) Result {
	f := func(k, lp float64) float64 { return lp - q.LogProb(k) }
	if n, ok := finiteSupport(p); ok {
		v, _ := finiteSum(p, n, f)
		return Result{Value: math.Max(0, v), Method: MethodSeries}
	}
	v, e := poissonSeries(p.(Poisson), f)
	return Result{Value: math.Max(0, v), Method: MethodSeries, ErrorEstimate: e}
}

// weighted returns the integrand p(x)·h(log p(x), log q(x)) (q may be nil):
// 0 where p(x) = 0 or where log p is infinite (an unbounded density at a
// single point), +Inf where q(x) = 0 < p(x), 0 where q is unbounded at a point.
func weighted(p, q Dist, h func(lp, lq float64) float64) integrand {
	return func(b, off float64) float64 {
		lp := logProbAt(p, b, off)
		if math.IsInf(lp, 0) || math.IsNaN(lp) {
			return 0
		}
		px := math.Exp(lp)
		if px == 0 {
			return 0
		}
		var lq float64
		if q != nil {
			lq = logProbAt(q, b, off)
			switch {
			case math.IsInf(lq, -1):
				return math.Inf(1)
			case math.IsInf(lq, 1):
				return 0
			}
		}
		return px * h(lp, lq)
	}
}

func klIntegrand(p, q Dist) integrand {
	return weighted(p, q, func(lp, lq float64) float64 { return lp - lq })
}

func quadKL(p, q Dist) Result {
	r := integrate(p, []Dist{q}, klIntegrand(p, q))
	switch {
	case r.inf:
		return Result{Value: math.Inf(1), Method: MethodQuadrature}
	case r.nan:
		return Result{Value: math.NaN(), Method: MethodQuadrature}
	}
	return Result{Value: math.Max(0, r.value), Method: MethodQuadrature, ErrorEstimate: r.err}
}

// ClosedFormPairs lists the cross-family pairs "p‖q" with a closed-form KL
// (besides every same-family pair and bernoulli/categorical P against any
// discrete Q). Each is E_p[−log q] − H(P) from moments of P; pairs whose
// supports do not nest (normal‖exponential, …) are +Inf instead.
var ClosedFormPairs = []string{
	"normal‖laplace", "laplace‖normal",
	"exponential‖normal", "exponential‖laplace", "exponential‖gamma", "exponential‖lognormal",
	"gamma‖normal", "gamma‖exponential",
	"beta‖normal", "beta‖exponential", "beta‖gamma", "beta‖uniform",
	"uniform‖normal", "uniform‖laplace", "uniform‖exponential", "uniform‖gamma", "uniform‖beta", "uniform‖lognormal",
	"lognormal‖normal", "lognormal‖exponential", "lognormal‖gamma",
}

// CrossEntropy returns H(P,Q) = −E_p[log q(X)] = H(P) + KL(P‖Q), +Inf where
// KL is. When H(P) is known (Dist.Entropy) the KL part follows o exactly as
// in KL and the result reports its method; otherwise (a mixture P) it is the
// quadrature of −∫ p log q, or with Method "monte-carlo" the sample mean of
// −log q(xᵢ), xᵢ ~ P, with its standard error. Errors as for KL;
// "closed-form" for a mixture P is an input.UnknownName error.
func CrossEntropy(p, q Dist, o Options) (Result, error) {
	op, err := checkOptions(o)
	if err != nil {
		return Result{}, err
	}
	if err := checkPair(p, q); err != nil {
		return Result{}, err
	}
	if err := methodApplies(p, q, op.Method); err != nil {
		return Result{}, err
	}
	if h, ok := p.Entropy(); ok {
		r, err := kl(p, q, op)
		if err != nil {
			return Result{}, err
		}
		r.Value += h
		return op.scaled(r), nil
	}
	if !covers(p, q) {
		return op.scaled(Result{Value: math.Inf(1), Method: orClosed(op.Method)}), nil
	}
	negLogQ := func(x float64) float64 { return -q.LogProb(x) }
	switch op.Method {
	case MethodClosedForm:
		return Result{}, input.Errorf(input.UnknownName, "method", "no closed form for the cross-entropy of %s; use quadrature", pairName(p, q))
	case MethodMonteCarlo:
		return op.scaled(mcMean(p, negLogQ, op)), nil
	}
	r := integrate(p, []Dist{q}, weighted(p, q, func(_, lq float64) float64 { return -lq }))
	if r.inf {
		return op.scaled(Result{Value: math.Inf(1), Method: MethodQuadrature}), nil
	}
	return op.scaled(Result{Value: r.value, Method: MethodQuadrature, ErrorEstimate: r.err}), nil
}

func orClosed(m string) string {
	if m == MethodAuto {
		return MethodClosedForm
	}
	return m
}

// Entropy returns the entropy H(P) = −E[log p(X)] of d (differential
// entropy for a density, which may be negative). Auto uses the closed form
// (Dist.Entropy; reported as "series" for a Poisson), else quadrature of
// −∫ p log p; "quadrature" and "series" force those, "monte-carlo" returns
// the sample mean of −log p(xᵢ) with its standard error.
func Entropy(d Dist, o Options) (Result, error) {
	op, err := checkOptions(o)
	if err != nil {
		return Result{}, err
	}
	if err := checkDist("p", d); err != nil {
		return Result{}, err
	}
	if err := methodApplies(d, d, op.Method); err != nil {
		return Result{}, err
	}
	neg := func(x float64) float64 { return -d.LogProb(x) }
	switch op.Method {
	case MethodMonteCarlo:
		return op.scaled(mcMean(d, neg, op)), nil
	case MethodQuadrature:
		// handled below
	case MethodSeries:
		if n, ok := finiteSupport(d); ok {
			v, _ := finiteSum(d, n, func(k, lp float64) float64 { return -lp })
			return op.scaled(Result{Value: v, Method: MethodSeries}), nil
		}
		v, e := poissonSeries(d.(Poisson), func(k, lp float64) float64 { return -lp })
		return op.scaled(Result{Value: v, Method: MethodSeries, ErrorEstimate: e}), nil
	default:
		if h, ok := d.Entropy(); ok {
			m := MethodClosedForm
			if _, isPois := d.(Poisson); isPois {
				m = MethodSeries
			}
			return op.scaled(Result{Value: h, Method: m}), nil
		}
		if op.Method == MethodClosedForm {
			return Result{}, input.Errorf(input.UnknownName, "method", "no closed form for the entropy of a %s; use quadrature", d.Family())
		}
	}
	r := integrate(d, nil, weighted(d, nil, func(lp, _ float64) float64 { return -lp }))
	return op.scaled(Result{Value: r.value, Method: MethodQuadrature, ErrorEstimate: r.err}), nil
}

// mcMean returns the mean of f(xᵢ) over xᵢ ~ p with its standard error.
func mcMean(p Dist, f func(float64) float64, o opts) Result {
	r := estimate.NewRand(o.Seed)
	var mean, m2 float64
	for i := 1; i <= o.Samples; i++ {
		v := f(p.Rand(r))
		if math.IsInf(v, 1) {
			return Result{Value: v, Method: MethodMonteCarlo, Samples: o.Samples}
		}
		d := v - mean
		mean += d / float64(i)
		m2 += d * (v - mean)
	}
	se := math.Inf(1)
	if o.Samples > 1 {
		se = math.Sqrt(m2 / float64(o.Samples-1) / float64(o.Samples))
	}
	return Result{Value: mean, Method: MethodMonteCarlo, ErrorEstimate: se, StdErr: se, Samples: o.Samples}
}

// KLSpec parses two specs and returns KL(P‖Q) as KL does, also for a pair of
// "mvnormal-diag" specs (closed form, or Monte Carlo with draws of the
// whole vector). It is the entry point of the JavaScript klDist call. Spec
// errors name the side: "p.sigma", "q.components[1].mu"; mixing
// mvnormal-diag with a univariate family is an input.Invalid error on "q".
func KLSpec(pSpec, qSpec Spec, o Options) (Result, error) {
	pmv, qmv := isMV(pSpec), isMV(qSpec)
	if pmv || qmv {
		if pmv != qmv {
			return Result{}, input.Errorf(input.Invalid, "q", "one of p and q is mvnormal-diag and the other is not; both must be")
		}
		p, err := ParseMVNormalDiag(pSpec)
		if err != nil {
			return Result{}, prefixErr(err, "p.")
		}
		q, err := ParseMVNormalDiag(qSpec)
		if err != nil {
			return Result{}, prefixErr(err, "q.")
		}
		return KLMV(p, q, o)
	}
	p, err := Parse(pSpec)
	if err != nil {
		return Result{}, prefixErr(err, "p.")
	}
	q, err := Parse(qSpec)
	if err != nil {
		return Result{}, prefixErr(err, "q.")
	}
	return KL(p, q, o)
}

func isMV(s Spec) bool {
	f, _ := s["family"].(string)
	return f == "mvnormal-diag"
}

// KLMV returns KL(P‖Q) between diagonal multivariate normals: the closed form
// of KLMVNormalDiag ("auto", "closed-form"), or a Monte Carlo estimate
// ("monte-carlo") from vector draws z ~ P with r = log q(z) − log p(z).
// "quadrature" and "series" are input.UnknownName errors.
func KLMV(p, q *MVNormalDiag, o Options) (Result, error) {
	op, err := checkOptions(o)
	if err != nil {
		return Result{}, err
	}
	if err := checkMV(p, q); err != nil {
		return Result{}, err
	}
	switch op.Method {
	case MethodAuto, MethodClosedForm:
		v, _ := KLMVNormalDiag(p, q)
		return op.scaled(Result{Value: v, Method: MethodClosedForm}), nil
	case MethodMonteCarlo:
		buf := make([]float64, p.Dim())
		mean, se, err := estimate.Run(op.Samples, op.Seed, string(op.est), func(r *rand.Rand) float64 {
			z := p.Rand(r, buf)
			return q.LogProb(z) - p.LogProb(z)
		})
		if err != nil {
			return Result{}, err
		}
		return op.scaled(Result{Value: mean, Method: MethodMonteCarlo, ErrorEstimate: se, StdErr: se, Samples: op.Samples}), nil
	}
	return Result{}, input.Errorf(input.UnknownName, "method", "%s does not apply to mvnormal-diag; use closed-form or monte-carlo", op.Method)
}

// String formats a result for logs and test failures.
func (r Result) String() string {
	s := fmt.Sprintf("%.17g (%s", r.Value, r.Method)
	if r.ErrorEstimate != 0 {
		s += fmt.Sprintf(", ±%.3g", r.ErrorEstimate)
	}
	if r.Samples != 0 {
		s += fmt.Sprintf(", n=%d", r.Samples)
	}
	return s + ")"
}
