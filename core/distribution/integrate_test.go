package distribution

import (
	"math"
	"testing"
)

func TestIntegrate(t *testing.T) {
	// ∫ exp(−x²/2) dx = √(2π); ∫ x² N(x; 1, 2²) dx = 1 + 4 = 5; a narrow bump far
	// from `around` is found when `also` points at it: ∫ N(x; 30, 0.01²) = 1.
	v, e, err := Integrate(func(x float64) float64 { return math.Exp(-x * x / 2) }, Normal{0, 1})
	if err != nil || math.Abs(v-math.Sqrt(2*math.Pi)) > 1e-13 || e > 1e-9 {
		t.Errorf("gaussian: %v ± %v, %v", v, e, err)
	}
	v, _, _ = Integrate(func(x float64) float64 { return x * x * Normal{1, 2}.Prob(x) }, Normal{1, 2})
	if math.Abs(v-5) > 1e-12 {
		t.Errorf("second moment: %v", v)
	}
	bump := Normal{30, 0.01}
	v, _, _ = Integrate(bump.Prob, Normal{0, 1}, bump)
	if math.Abs(v-1) > 1e-10 {
		t.Errorf("bump: %v", v)
	}
	if _, _, err := Integrate(func(float64) float64 { return math.Inf(1) }, Normal{0, 1}); err == nil {
		t.Error("infinite integrand: no error")
	}
	if _, _, err := Integrate(func(float64) float64 { return 1 }, Poisson{1}); err == nil {
		t.Error("discrete around: no error")
	}
	if _, _, err := Integrate(func(float64) float64 { return 1 }, Normal{0, -1}); err == nil {
		t.Error("bad around: no error")
	}
	if _, _, err := Integrate(func(float64) float64 { return 1 }, Normal{0, 1}, Normal{0, 0}); err == nil {
		t.Error("bad also: no error")
	}
}
