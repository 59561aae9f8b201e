package distribution

import (
	"math"
	"sort"
	"strings"

	"github.com/klplayground/klplay/core/input"
)

// Families lists the family names Parse accepts, in the order the page shows
// them. "mvnormal-diag" is parsed by ParseMVNormalDiag (and KLSpec).
var Families = []string{
	"normal", "laplace", "exponential", "gamma", "beta", "uniform", "lognormal",
	"poisson", "bernoulli", "categorical", "mixture", "mvnormal-diag",
}

// Parse builds a univariate distribution from its spec and checks it:
//
//	normal {mu, sigma}        σ > 0
//	laplace {mu, b}           b > 0
//	exponential {rate}        λ > 0
//	gamma {shape, rate}       k > 0, θ > 0
//	beta {alpha, beta}        α > 0, β > 0
//	uniform {min, max}        min < max, max − min finite
//	lognormal {mu, sigma}     σ > 0
//	poisson {rate}            0 < λ ≤ MaxPoissonRate
//	bernoulli {p}             0 ≤ p ≤ 1
//	categorical {p: [...]}    1 to MaxCategories entries ≥ 0 summing to 1 ± 1e-9
//	mixture {weights: [...], components: [spec, ...]}
//	                          1 to MaxComponents continuous, non-mixture components;
//	                          weights ≥ 0 summing to 1 ± 1e-9
//
// Numbers may be any Go integer or float type; arrays may be
// []any or []float64, components []any or []Spec. Keys other than these are
// ignored. Errors are *input.Error:
//
//   - input.WrongType when "family" or a parameter is missing or not a number
//     (or an array, or a spec), naming it: "sigma", "p[2]", "components[1].mu";
//   - input.UnknownFamily for an unknown family (arg "family");
//   - input.NotFinite for NaN or ±Inf;
//   - input.OutOfRange for a parameter outside its domain;
//   - input.Empty, input.TooLarge, input.Negative, input.NotNormalized,
//     input.LengthMismatch for the arrays;
//   - input.Invalid for a nested mixture, a discrete component, or an
//     "mvnormal-diag" spec (which is not univariate).
//
// Parse never panics, whatever the map holds.
func Parse(spec Spec) (Dist, error) { return parse(spec, "", false) }

func parse(spec Spec, prefix string, component bool) (Dist, error) {
	fam, err := familyOf(spec, prefix)
	if err != nil {
		return nil, err
	}
	rd := reader{spec: spec, prefix: prefix}
	var d Dist
	switch fam {
	case "normal":
		d = Normal{Mu: rd.num("mu"), Sigma: rd.num("sigma")}
	case "laplace":
		d = Laplace{Mu: rd.num("mu"), B: rd.num("b")}
	case "exponential":
		d = Exponential{Rate: rd.num("rate")}
	case "gamma":
		d = Gamma{Shape: rd.num("shape"), Rate: rd.num("rate")}
	case "beta":
		d = Beta{Alpha: rd.num("alpha"), Beta: rd.num("beta")}
	case "uniform":
		d = Uniform{Min: rd.num("min"), Max: rd.num("max")}
	case "lognormal":
		d = LogNormal{Mu: rd.num("mu"), Sigma: rd.num("sigma")}
	case "poisson":
		d = Poisson{Rate: rd.num("rate")}
	case "bernoulli":
		d = Bernoulli{P: rd.num("p")}
	case "categorical":
		d = Categorical{P: rd.nums("p", MaxCategories)}
	case "mixture":
		if component {
			return nil, input.Errorf(input.Invalid, prefix+"family", "is mixture; mixtures cannot be nested")
		}
		return parseMixture(spec, prefix)
	case "mvnormal-diag":
		return nil, input.Errorf(input.Invalid, prefix+"family", "is mvnormal-diag, a multivariate distribution; it can only be compared with another mvnormal-diag")
	default:
		return nil, input.Errorf(input.UnknownFamily, prefix+"family", "is %q; the families are %s", fam, strings.Join(Families, ", "))
	}
	if rd.err != nil {
		return nil, rd.err
	}
	if component && d.Discrete() {
		return nil, input.Errorf(input.Invalid, prefix+"family", "is %s; mixture components must be continuous", fam)
	}
	if err := d.check(prefix); err != nil {
		return nil, err
	}
	return d, nil
}

func parseMixture(spec Spec, prefix string) (Dist, error) {
	rd := reader{spec: spec, prefix: prefix}
	w := rd.nums("weights", MaxComponents)
	if rd.err != nil {
		return nil, rd.err
	}
	raw, ok := spec["components"]
	if !ok {
		return nil, input.Errorf(input.WrongType, prefix+"components", "is missing; a mixture needs an array of component specs")
	}
	var comps []any
	switch v := raw.(type) {
	case []any:
		comps = v
	case []Spec:
		comps = make([]any, len(v))
		for i := range v {
			comps[i] = v[i]
		}
	default:
		return nil, input.Errorf(input.WrongType, prefix+"components", "is %s; it must be an array of component specs", typeName(raw))
	}
	switch {
	case len(comps) == 0:
		return nil, input.Errorf(input.Empty, prefix+"components", "is empty; a mixture needs at least one component")
	case len(comps) > MaxComponents:
		return nil, input.Errorf(input.TooLarge, prefix+"components", "has %d entries; at most %d are allowed", len(comps), MaxComponents)
	}
	m := &Mixture{Weights: w, Components: make([]Dist, len(comps))}
	for i, c := range comps {
		arg := idx(prefix+"components", i)
		cs, ok := c.(Spec)
		if !ok {
			return nil, input.Errorf(input.WrongType, arg, "is %s; it must be a distribution spec", typeName(c))
		}
		d, err := parse(cs, arg+".", true)
		if err != nil {
			return nil, err
		}
		m.Components[i] = d
	}
	if err := m.check(prefix); err != nil {
		return nil, err
	}
	m.setLogW()
	return m, nil
}

func familyOf(spec Spec, prefix string) (string, error) {
	raw, ok := spec["family"]
	if !ok {
		return "", input.Errorf(input.WrongType, prefix+"family", "is missing; a distribution spec needs a family such as \"normal\"")
	}
	fam, ok := raw.(string)
	if !ok {
		return "", input.Errorf(input.WrongType, prefix+"family", "is %s; it must be a string such as \"normal\"", typeName(raw))
	}
	return fam, nil
}

// reader reads parameters from a spec, keeping the first error.
type reader struct {
	spec   Spec
	prefix string
	err    error
}

func (r *reader) num(key string) float64 {
	if r.err != nil {
		return 0
	}
	raw, ok := r.spec[key]
	if !ok {
		r.err = input.Errorf(input.WrongType, r.prefix+key, "is missing; it must be a number")
		return 0
	}
	x, ok := toFloat(raw)
	if !ok {
		r.err = input.Errorf(input.WrongType, r.prefix+key, "is %s; it must be a number", typeName(raw))
		return 0
	}
	if err := input.Finite(r.prefix+key, x); err != nil {
		r.err = err
	}
	return x
}

func (r *reader) nums(key string, max int) []float64 {
	if r.err != nil {
		return nil
	}
	arg := r.prefix + key
	raw, ok := r.spec[key]
	if !ok {
		r.err = input.Errorf(input.WrongType, arg, "is missing; it must be an array of numbers")
		return nil
	}
	var out []float64
	switch v := raw.(type) {
	case []float64:
		if len(v) <= max {
			out = append([]float64(nil), v...)
		}
	case []any:
		if len(v) <= max {
			out = make([]float64, len(v))
			for i, e := range v {
				x, ok := toFloat(e)
				if !ok {
					r.err = input.Errorf(input.WrongType, idx(arg, i), "is %s; it must be a number", typeName(e))
					return nil
				}
				out[i] = x
			}
		}
	default:
		r.err = input.Errorf(input.WrongType, arg, "is %s; it must be an array of numbers", typeName(raw))
		return nil
	}
	if n := lenOf(raw); n > max {
		r.err = input.Errorf(input.TooLarge, arg, "has %d entries; at most %d are allowed", n, max)
		return nil
	}
	if len(out) == 0 {
		r.err = input.Errorf(input.Empty, arg, "is empty; it needs at least one entry")
		return nil
	}
	for i, x := range out {
		if err := input.Finite(idx(arg, i), x); err != nil {
			r.err = err
			return nil
		}
	}
	return out
}

func lenOf(v any) int {
	switch v := v.(type) {
	case []float64:
		return len(v)
	case []any:
		return len(v)
	}
	return 0
}

// toFloat converts the number types a decoder may produce to float64.
func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	}
	return 0, false
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case []any, []float64, []Spec:
		return "an array"
	case Spec:
		return "an object"
	}
	if _, ok := toFloat(v); ok {
		return "a number"
	}
	return "a value of the wrong type"
}

// sortedUnique sorts xs and removes duplicates and non-finite values, in place.
func sortedUnique(xs []float64) []float64 {
	out := xs[:0]
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			out = append(out, x)
		}
	}
	sort.Float64s(out)
	j := 0
	for i, x := range out {
		if i == 0 || x != out[j-1] {
			out[j] = x
			j++
		}
	}
	return out[:j]
}
