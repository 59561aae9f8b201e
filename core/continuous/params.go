package continuous

import (
	"math"
	"strconv"

	"github.com/klplayground/klplay/core/distribution"
	"github.com/klplayground/klplay/core/input"
)

// MaxComponents is the largest number of components of a lab mixture.
const MaxComponents = 4

// Families lists the families the lab offers, in the order the page shows
// them. Mixtures are mixtures of normals; categorical P and Q are the
// Divergence lab's subject and are not offered here.
var Families = []string{"normal", "laplace", "exponential", "gamma", "beta", "uniform", "lognormal", "mixture", "poisson", "bernoulli"}

// paramNames gives, for each family except mixture, the spec keys its flat
// parameter list fills, in order.
var paramNames = map[string][]string{
	"normal":      {"mu", "sigma"},
	"laplace":     {"mu", "b"},
	"exponential": {"rate"},
	"gamma":       {"shape", "rate"},
	"beta":        {"alpha", "beta"},
	"uniform":     {"min", "max"},
	"lognormal":   {"mu", "sigma"},
	"poisson":     {"rate"},
	"bernoulli":   {"p"},
}

// ParamNames returns the spec keys of family's flat parameter list ("mu",
// "sigma" for a normal); for "mixture" it returns nil (see FromParams).
func ParamNames(family string) []string { return paramNames[family] }

// FromParams builds a distribution from the lab's flat description: a family
// name and its parameters in the order of ParamNames (normal: μ, σ; gamma:
// shape, rate; uniform: min, max; …). A "mixture" takes triples
// (w₁, μ₁, σ₁, w₂, μ₂, σ₂, …) for 1 to MaxComponents normal components; its
// weights are relative (w ≥ 0, Σw > 0) and are divided by their sum, so a
// URL's rounded weights still describe a valid mixture.
//
// Errors (*input.Error): an unknown family (input.UnknownFamily, arg + ".family");
// the wrong number of parameters (input.LengthMismatch, arg + ".params"); a
// parameter outside its family's domain, named by its spec key
// (arg + ".sigma", arg + ".components[1].sigma", as distribution.Parse names them); a
// mixture whose weights are negative or all zero (arg + ".weights").
func FromParams(arg, family string, params []float64) (distribution.Dist, error) {
	for i, x := range params {
		if err := input.Finite(arg+".params["+strconv.Itoa(i)+"]", x); err != nil {
			return nil, err
		}
	}
	if family == "mixture" {
		return mixture(arg, params)
	}
	names, ok := paramNames[family]
	if !ok {
		return nil, input.Errorf(input.UnknownFamily, arg+".family", "is %q; the lab's families are normal, laplace, exponential, gamma, beta, uniform, lognormal, mixture, poisson and bernoulli", clip(family))
	}
	if len(params) != len(names) {
		return nil, input.Errorf(input.LengthMismatch, arg+".params", "has %d numbers; a %s takes %d", len(params), family, len(names))
	}
	spec := distribution.Spec{"family": family}
	for i, k := range names {
		spec[k] = params[i]
	}
	d, err := distribution.Parse(spec)
	return d, prefix(err, arg+".")
}

func mixture(arg string, params []float64) (distribution.Dist, error) {
	if len(params) == 0 || len(params)%3 != 0 || len(params) > 3*MaxComponents {
		return nil, input.Errorf(input.LengthMismatch, arg+".params", "has %d numbers; a mixture takes 3 per component (weight, μ, σ) for 1 to %d components", len(params), MaxComponents)
	}
	k := len(params) / 3
	w := make([]float64, k)
	comps := make([]distribution.Dist, k)
	sum := 0.0
	for i := 0; i < k; i++ {
		w[i] = params[3*i]
		if w[i] < 0 {
			return nil, input.Errorf(input.Negative, arg+".weights["+strconv.Itoa(i)+"]", "is %v; weights cannot be negative", w[i])
		}
		sum += w[i]
		c := distribution.Normal{Mu: params[3*i+1], Sigma: params[3*i+2]}
		if err := input.Positive(arg+".components["+strconv.Itoa(i)+"].sigma", c.Sigma); err != nil {
			return nil, err
		}
		comps[i] = c
	}
	if !(sum > 0) || math.IsInf(sum, 0) {
		return nil, input.Errorf(input.Invalid, arg+".weights", "sum to %v; at least one weight must be positive", sum)
	}
	for i := range w {
		w[i] /= sum
	}
	// Dividing by the sum leaves it within a few ulps of 1, inside distribution's tolerance.
	m, err := distribution.NewMixture(w, comps)
	return m, prefix(err, arg+".")
}

func prefix(err error, p string) error {
	if e, ok := err.(*input.Error); ok && e != nil {
		return &input.Error{Code: e.Code, Arg: p + e.Arg, Msg: e.Msg}
	}
	return err
}

func clip(s string) string {
	if r := []rune(s); len(r) > 24 {
		return string(r[:24]) + "…"
	}
	return s
}
