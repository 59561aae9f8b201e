package distribution

import (
	"math"

	"github.com/klplayground/klplay/core/input"
)

// Integrate returns ∫ f(x) dx over the support of `around` with the package's
// adaptive Gauss–Kronrod quadrature (15/7 points, QUADPACK's QAG strategy,
// relative tolerance 1e-10; see quad.go) and its error estimate. `around` and
// `also` say where f lives: the support of `around` is cut at the landmarks of
// both, with a ladder c ± s·2ᵏ around each part of `around` (each component of
// a mixture), and its infinite tails are mapped onto [0, 1). f need not be a
// density; it should decay at least as fast as `around` in the tails.
//
// Errors: a discrete or invalid `around` or `also` is an *input.Error; so is an f that is
// ±Inf or NaN at a node (code not-finite, argument "f").
func Integrate(f func(x float64) float64, around Dist, also ...Dist) (value, errEst float64, err error) {
	if err := checkDist("around", around); err != nil {
		return 0, 0, err
	}
	if around.Discrete() {
		return 0, 0, input.Errorf(input.Invalid, "around", "is a mass function (%s); Integrate needs a density", around.Family())
	}
	for _, d := range also {
		if err := checkDist("also", d); err != nil {
			return 0, 0, err
		}
	}
	r := integrate(around, also, func(base, off float64) float64 { return f(base + off) })
	if r.inf || r.nan || math.IsNaN(r.value) || math.IsInf(r.value, 0) {
		return 0, 0, input.Errorf(input.NotFinite, "f", "is infinite or not a number somewhere in the range; its integral cannot be computed")
	}
	return r.value, r.err, nil
}
