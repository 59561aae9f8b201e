package divergence

import (
	"math"
	"math/rand/v2"
)

// randomProb returns a random probability vector of length n; a fraction
// zeros of its entries are exactly 0 (at least one entry stays positive).
func randomProb(r *rand.Rand, n int, zeros float64) []float64 {
	p := make([]float64, n)
	s := 0.0
	for i := range p {
		if r.Float64() < zeros {
			continue
		}
		p[i] = r.ExpFloat64()
		s += p[i]
	}
	if s == 0 {
		p[r.IntN(n)] = 1
		return p
	}
	for i := range p {
		p[i] /= s
	}
	return p
}

// relErr returns |got − want| / |want| (|got − want| when want = 0).
func relErr(got, want float64) float64 {
	if got == want {
		return 0
	}
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}
