package distribution

import (
	"math"

	"github.com/klplayground/klplay/core/session"
)

// ParseOptions reads the options object of a call between distributions,
// {base, method, estimator, samples, seed}: base is e when missing (nats),
// method "auto", estimator "" (k3), samples and seed 0 (their defaults, see
// Options). Values are taken as given and checked where they are used (KL,
// Entropy). Errors: a field of the wrong type, naming "opts.<field>".
func ParseOptions(o session.Options) (Options, error) {
	d := Options{}
	var err error
	if d.Base, err = o.Number("base", math.E); err != nil {
		return d, err
	}
	if d.Method, err = o.String("method", "auto"); err != nil {
		return d, err
	}
	if d.Estimator, err = o.String("estimator", ""); err != nil {
		return d, err
	}
	samples, err := o.Number("samples", 0)
	if err != nil {
		return d, err
	}
	seed, err := o.Number("seed", 0)
	d.Samples, d.Seed = int(samples), uint64(seed)
	return d, err
}

// Frame is the result as the JavaScript API returns it: {value, method,
// errorEstimate, stdErr, samples}.
func (r Result) Frame() map[string]any {
	return map[string]any{
		"value":         r.Value,
		"method":        r.Method,
		"errorEstimate": r.ErrorEstimate,
		"stdErr":        r.StdErr,
		"samples":       r.Samples,
	}
}
