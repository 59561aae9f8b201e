package divergence

import (
	"math"

	"github.com/klplayground/klplay/core/session"
)

// ParseOptions reads the options object of a measure call, {base, normalize}:
// base is e when missing (nats), any number given is the base as it is (0
// included, which Options then reports as input.BadBase), normalize is false
// when missing. Errors: a field of the wrong type, naming "opts.base" or
// "opts.normalize".
func ParseOptions(o session.Options) (Options, error) {
	base, err := o.Number("base", math.E)
	if err != nil {
		return Options{}, err
	}
	norm, err := o.Bool("normalize")
	return Options{Base: base, Normalize: norm}, err
}
