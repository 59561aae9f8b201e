package gaussfit

import "testing"

func BenchmarkNewTarget(b *testing.B) {
	for i := 0; i < b.N; i++ {
		target(&testing.T{}, 0.5, -3, 0.7, 0.5, 3, 0.9)
	}
}

func BenchmarkReverseObjective(b *testing.B) {
	tg := target(&testing.T{}, 0.5, -3, 0.7, 0.5, 3, 0.9)
	for i := 0; i < b.N; i++ {
		tg.Objective(Gaussian{-1, 0.7}, Reverse)
	}
}
