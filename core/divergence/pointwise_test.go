package divergence

import (
	"math"
	"testing"

	"github.com/klplayground/klplay/core/input"
)

func TestPointwise(t *testing.T) {
	// Summing the pointwise terms over normalised masses gives FDivergence.
	p := []float64{0.5, 0.3, 0.2, 0}
	q := []float64{0.1, 0.2, 0.3, 0.4}
	for _, name := range FDivergenceNames() {
		f, err := Pointwise(name, DefaultAlpha)
		if err != nil {
			t.Fatal(err)
		}
		var s float64
		for i := range p {
			s += f(p[i], q[i])
		}
		want, _ := FDivergence(name, p, q, Options{Base: math.E})
		if !(math.IsInf(want, 1) && math.IsInf(s, 1)) && math.Abs(s-want) > 1e-14*math.Max(1, want) {
			t.Errorf("%s: Σ terms = %v, FDivergence = %v", name, s, want)
		}
		// Homogeneity, and the limits.
		if a, b := f(3*0.3, 3*0.2), 3*f(0.3, 0.2); math.Abs(a-b) > 1e-15 {
			t.Errorf("%s: t(3p, 3q) = %v, 3 t(p, q) = %v", name, a, b)
		}
		if f(0, 0) != 0 {
			t.Errorf("%s: t(0, 0) = %v", name, f(0, 0))
		}
		f0, _ := Generator(name, 0)
		if got := f(0, 2); got != 2*f0 {
			t.Errorf("%s: t(0, 2) = %v, want 2·f(0) = %v", name, got, 2*f0)
		}
	}
	// f'(∞): ½ log 2 for Jensen–Shannon, +Inf for KL, 1 for reverse KL in its self-normalised form.
	js, _ := Pointwise("jensen-shannon", 0)
	kl, _ := Pointwise("kl", 0)
	rkl, _ := Pointwise("amari-alpha", 0)
	if js(2, 0) != math.Ln2 || !math.IsInf(kl(1, 0), 1) || rkl(0.25, 0) != 0.25 {
		t.Errorf("limits: js %v, kl %v, reverse %v", js(2, 0), kl(1, 0), rkl(0.25, 0))
	}
	_, err := Pointwise("nope", 0)
	wantErr(t, "unknown name", err, input.UnknownName, "name")
	_, err = Pointwise("t-power", math.NaN())
	wantErr(t, "NaN alpha", err, input.NotFinite, "alpha")
}
