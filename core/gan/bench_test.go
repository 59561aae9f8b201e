package gan

import (
	"testing"

	"github.com/klplayground/klplay/core/divergence"
)

// One update of the lab (the work of one frame): every divergence, its slope,
// every named D_f and the plot grid.
func BenchmarkCompute(b *testing.B) {
	for _, shape := range ShapeNames() {
		b.Run(shape, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := Compute(Request{Shape: shape, Theta: 1.3 + 0.01*float64(i%10), Names: divergence.FDivergenceNames(), Alpha: 0.5}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The sweep the page asks for once per shape.
func BenchmarkSweep(b *testing.B) {
	s, _ := ShapeNamed("normal")
	for i := 0; i < b.N; i++ {
		s.Sweep(-ThetaMax, ThetaMax, SweepPoints)
	}
}
