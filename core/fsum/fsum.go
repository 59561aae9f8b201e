// Package fsum adds floating-point numbers with Neumaier's compensated summation,
// so that sums of 10⁶ probabilities keep their last digits.
//
// A plain running sum of n terms loses up to n·ε relative accuracy; the compensated
// sum loses about 2ε, independent of n, for any ordering of the terms.
package fsum

// Acc accumulates a compensated sum. The zero value is an empty sum.
type Acc struct {
	sum, comp float64
}

// Add adds x to the sum, carrying the rounding error of the addition in a
// second accumulator (Neumaier's variant of Kahan summation, which also handles
// terms larger than the running sum).
func (a *Acc) Add(x float64) {
	t := a.sum + x
	if abs(a.sum) >= abs(x) {
		a.comp += (a.sum - t) + x
	} else {
		a.comp += (x - t) + a.sum
	}
	a.sum = t
}

// Value returns the compensated sum Σ x. If any term was ±Inf or NaN the
// result is that of plain IEEE addition (Inf, or NaN for Inf − Inf).
func (a *Acc) Value() float64 {
	v := a.sum + a.comp
	if v != v && a.sum == a.sum {
		return a.sum
	}
	if isInf(a.sum) {
		return a.sum
	}
	return v
}

// Sum returns the compensated sum Σ xs[i]; the sum of no terms is 0.
func Sum(xs []float64) float64 {
	var a Acc
	for _, x := range xs {
		a.Add(x)
	}
	return a.Value()
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func isInf(x float64) bool { return x > 1.7976931348623157e308 || x < -1.7976931348623157e308 }
