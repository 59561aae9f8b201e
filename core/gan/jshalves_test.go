package gan

import (
	"math"
	"testing"
)

// The uniform on [−1, 1] against its shift by |θ| ≤ 2: where both are ½,
// m = ½ and the integrand p log(p/m) is 0; on the length |θ| where only P
// has mass, p = ½ and m = ¼, so KL(P‖M) = |θ|·½·log 2 (and KL(Q‖M) the same,
// on Q's own length |θ|); log 2 from |θ| = 2 on.
func TestJSHalvesUniform(t *testing.T) {
	s := shape(t, "uniform")
	for _, th := range []float64{0, 0.25, 1, 1.5, -0.75, 2, 3.5} {
		a, b, err := s.JSHalves(th)
		if err != nil {
			t.Fatal(err)
		}
		want := math.Min(math.Abs(th), 2) / 2 * math.Ln2
		if !close(a, want, 1e-9) || !close(b, want, 1e-9) {
			t.Errorf("θ=%v: KL(P‖M) %v, KL(Q‖M) %v, want %v", th, a, b, want)
		}
	}
}

// For every shape, ½KL(P‖M) + ½KL(Q‖M) is the JS that At computes (another
// integrand, Pointwise's JS term), the halves are equal (the shapes are
// symmetric), log 2 once the supports are apart and 0 at θ = 0.
func TestJSHalvesAddUpToJS(t *testing.T) {
	for _, name := range ShapeNames() {
		s := shape(t, name)
		for _, th := range []float64{0, 1e-3, 0.2, 0.9, -1.3, 1.99, 2.5, 5} {
			a, b, err := s.JSHalves(th)
			if err != nil {
				t.Fatal(err)
			}
			d, _ := s.At(th)
			if th == 0 && (a != 0 || b != 0) {
				t.Errorf("%s θ=0: %v, %v", name, a, b)
			}
			if !close(0.5*a+0.5*b, d.JS, 1e-8) && math.Abs(0.5*a+0.5*b-d.JS) > 1e-13 {
				t.Errorf("%s θ=%v: ½(%v + %v) = %v, JS %v", name, th, a, b, 0.5*(a+b), d.JS)
			}
			if !close(a, b, 1e-8) && math.Abs(a-b) > 1e-13 {
				t.Errorf("%s θ=%v: KL(P‖M) %v ≠ KL(Q‖M) %v for a symmetric shape", name, th, a, b)
			}
			if name != "normal" && math.Abs(th) >= 2 && (a != math.Ln2 || b != math.Ln2) {
				t.Errorf("%s θ=%v (apart): %v, %v, want log 2", name, th, a, b)
			}
		}
	}
	if _, _, err := shape(t, "bump").JSHalves(math.NaN()); err == nil {
		t.Error("θ = NaN accepted")
	}
}
