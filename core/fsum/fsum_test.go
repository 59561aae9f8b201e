package fsum

import (
	"math"
	"testing"
)

func TestSumKnownValues(t *testing.T) {
	cases := []struct {
		name string
		xs   []float64
		want float64
	}{
		{"empty", nil, 0},
		{"one", []float64{0.5}, 0.5},
		// 1 + 1e100 + 1 − 1e100 is 2 exactly; a plain sum gives 0.
		{"cancellation", []float64{1, 1e100, 1, -1e100}, 2},
		{"inf", []float64{1, math.Inf(1)}, math.Inf(1)},
		{"neg inf", []float64{math.Inf(-1), 3}, math.Inf(-1)},
	}
	for _, c := range cases {
		if got := Sum(c.xs); got != c.want {
			t.Errorf("%s: Sum = %v, want %v", c.name, got, c.want)
		}
	}
	if got := Sum([]float64{math.Inf(1), math.Inf(-1)}); !math.IsNaN(got) {
		t.Errorf("Inf − Inf = %v, want NaN", got)
	}
}

func TestSumManySmallTerms(t *testing.T) {
	// 10⁶ copies of 0.1 sum to 100000.00000000001 in exact arithmetic on the
	// binary value of 0.1; the naive loop is off by about 1.3e-6.
	n := 1000000
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = 0.1
	}
	got := Sum(xs)
	want := 100000.00000000000555 // n × float64(0.1), exactly rounded
	if math.Abs(got-want) > 1e-10 {
		t.Errorf("Sum = %.17g, want %.17g", got, want)
	}
}
