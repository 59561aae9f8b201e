package gan

import (
	"errors"
	"math"
	"testing"

	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/input"
)

func shape(t *testing.T, name string) Shape {
	t.Helper()
	s, err := ShapeNamed(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func close(got, want, rel float64) bool {
	if math.IsInf(want, 1) {
		return math.IsInf(got, 1)
	}
	return math.Abs(got-want) <= rel*math.Max(math.Abs(want), 1e-300)
}

func wantErr(t *testing.T, what string, err error, code input.Code, arg string) {
	t.Helper()
	var ie *input.Error
	if !errors.As(err, &ie) {
		t.Errorf("%s: error %v (%T), want *input.Error %s %q", what, err, err, code, arg)
		return
	}
	if ie.Code != code || ie.Arg != arg {
		t.Errorf("%s: error {%s %q %q}, want {%s %q}", what, ie.Code, ie.Arg, ie.Msg, code, arg)
	}
}

// Φ, the standard normal CDF.
func phi(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// The normal shift in closed form (σ = NormalSigma, equal variances):
// KL both ways θ²/(2σ²); χ² = e^{θ²/σ²} − 1; H² = 1 − e^{−θ²/(8σ²)} (the
// Bhattacharyya coefficient of two normals); TV = 2Φ(|θ|/(2σ)) − 1 (the
// densities cross at θ/2); W₁ = |θ|.
func TestNormalClosedForms(t *testing.T) {
	s := shape(t, "normal")
	sg := NormalSigma
	for _, th := range []float64{-3.5, -1, -0.2, 0.01, 0.3, 0.5, 1, 1.7, 2.5, 4, 6} {
		d, err := s.At(th)
		if err != nil {
			t.Fatal(err)
		}
		want := Divergences{
			KL:          th * th / (2 * sg * sg),
			ReverseKL:   th * th / (2 * sg * sg),
			Chi2:        math.Expm1(th * th / (sg * sg)),
			SqHellinger: -math.Expm1(-th * th / (8 * sg * sg)),
			TV:          2*phi(math.Abs(th)/(2*sg)) - 1,
			W1:          math.Abs(th),
			JS:          d.JS,
		}
		g, w := d.Values(), want.Values()
		for k := range g {
			if !close(g[k], w[k], 1e-9) {
				t.Errorf("normal θ=%v %s = %.17g, want %.17g", th, Names[k], g[k], w[k])
			}
		}
	}
}

// JS of the normal shift, TV, H² and others for the bounded shapes, by mpmath
// (mp.dps = 30, mpmath.quad on the same breakpoints: −1, 1, θ−1, θ+1, 0, θ,
// θ/2; for the normal on [−20, 20] cut at −θ, 0, θ/2, θ, 2θ), with the
// integrands written out from the definitions: js ½[p log(2p/(p+q)) + q
// log(2q/(p+q))], tv ½|p−q|, h² ½(√p−√q)², triangular (p−q)²/(p+q), amari
// α = ½: q[(p/q)^½ − 1 − ½(p/q − 1)]/(−¼) with the limits 2p (q = 0) and 2q (p = 0).
func TestAgainstMpmath(t *testing.T) {
	cases := []struct {
		shape                      string
		theta                      float64
		js, tv, h2, tri, amariHalf float64
	}{
		{"triangular", 0.5, 0.16884534049353778, 0.4375, 0.21190665562295176, 0.5524308499448052, 0.84762662249180706},
		{"triangular", 1, 0.44314718055994531, 0.75, 0.60730091830127585, 1.3333333333333333, 2.4292036732051034},
		{"triangular", 1.5, 0.63064718055994531, 0.9375, 0.90182522957531896, 1.8333333333333333, 3.6073009183012758},
		{"bump", 0.5, 0.18979303604921578, 0.4495849609375, 0.2353515625, 0.61655417519432142, 0.94140625},
		{"bump", 1, 0.48008613409868682, 0.79296875, 0.65625, 1.4403581826848766, 2.625},
		{"bump", -1.5, 0.65791363270191167, 0.9678955078125, 0.9404296875, 1.9102187921266795, 3.76171875},
		// Uniform: overlap 2 − |θ| where p = q; the rest is disjoint: JS = ½|θ| log 2, TV = H² = |θ|/2.
		{"uniform", 0.7, 0.35 * math.Ln2, 0.35, 0.35, 0.7, 4 * 0.35},
		{"normal", 0.5, 0.11142148218473618, math.NaN(), math.NaN(), 0.40810853126700063, math.NaN()},
		{"normal", 1, 0.33683082034683161, math.NaN(), math.NaN(), 1.1008009815866543, math.NaN()},
		{"normal", 2, 0.63272019373686698, math.NaN(), math.NaN(), 1.8628051824185224, math.NaN()},
	}
	for _, c := range cases {
		s := shape(t, c.shape)
		d, err := s.At(c.theta)
		if err != nil {
			t.Fatal(err)
		}
		f, err := s.FDivergences(c.theta, []string{"jensen-shannon", "total-variation", "squared-hellinger", "triangular", "amari-alpha"}, 0.5)
		if err != nil {
			t.Fatal(err)
		}
		for i, pair := range [][3]float64{{d.JS, f[0], c.js}, {d.TV, f[1], c.tv}, {d.SqHellinger, f[2], c.h2}, {f[3], f[3], c.tri}, {f[4], f[4], c.amariHalf}} {
			if math.IsNaN(pair[2]) {
				continue
			}
			if !close(pair[0], pair[2], 1e-10) || !close(pair[1], pair[2], 1e-10) {
				t.Errorf("%s θ=%v #%d: At %.17g, FDivergences %.17g, mpmath %.17g", c.shape, c.theta, i, pair[0], pair[1], pair[2])
			}
		}
	}
}

// Disjoint supports: JS is exactly log 2, TV and H² exactly 1, the generator's
// loss exactly 0; KL, reverse KL and χ² are +Inf from any θ ≠ 0 on.
func TestSeparation(t *testing.T) {
	for _, name := range []string{"uniform", "triangular", "bump"} {
		s := shape(t, name)
		for _, th := range []float64{2, 2.0001, 3, -4, 6} {
			d, _ := s.At(th)
			if d.JS != math.Ln2 || d.TV != 1 || d.SqHellinger != 1 || GeneratorLoss(d.JS) != 0 {
				t.Errorf("%s θ=%v: JS %v TV %v H² %v loss %v", name, th, d.JS, d.TV, d.SqHellinger, GeneratorLoss(d.JS))
			}
			sl, _ := s.Slopes(th)
			// From the separation on (θ = 2 included: the slope beyond it).
			if sl.JS != 0 || sl.TV != 0 || sl.SqHellinger != 0 {
				t.Errorf("%s θ=%v: JS slope %v, TV slope %v, H² slope %v; want 0 (the vanishing gradient)", name, th, sl.JS, sl.TV, sl.SqHellinger)
			}
			if want := math.Copysign(1, th); sl.W1 != want {
				t.Errorf("%s θ=%v: W₁ slope %v, want %v", name, th, sl.W1, want)
			}
		}
		if d, _ := s.At(1e-200); !math.IsInf(d.KL, 1) || !math.IsInf(d.Chi2, 1) {
			t.Errorf("%s θ=1e-200: KL %v, χ² %v; want +Inf", name, d.KL, d.Chi2)
		}
		for _, th := range []float64{1e-9, 0.3, -1, 1.999} {
			d, _ := s.At(th)
			if !math.IsInf(d.KL, 1) || !math.IsInf(d.ReverseKL, 1) || !math.IsInf(d.Chi2, 1) {
				t.Errorf("%s θ=%v: KL %v, reverse %v, χ² %v; want +Inf (support not covered)", name, th, d.KL, d.ReverseKL, d.Chi2)
			}
			if !(d.JS > 0 && d.JS < math.Ln2) {
				t.Errorf("%s θ=%v: JS %v not in (0, log 2)", name, th, d.JS)
			}
			sl, _ := s.Slopes(th)
			if !math.IsNaN(sl.KL) || !(sl.JS*th > 0) {
				t.Errorf("%s θ=%v: slopes KL %v (want NaN), JS %v (want the sign of θ)", name, th, sl.KL, sl.JS)
			}
		}
		d, _ := s.At(0)
		if d != (Divergences{}) {
			t.Errorf("%s θ=0: %+v, want all 0", name, d)
		}
	}
	// The normal never separates: JS stays below log 2, its slope positive.
	s := shape(t, "normal")
	d, _ := s.At(6)
	sl, _ := s.Slopes(3)
	if !(d.JS < math.Ln2) || !(sl.JS > 0) || math.IsInf(d.KL, 0) {
		t.Errorf("normal: JS(6) %v, slope at 3 %v, KL %v", d.JS, sl.JS, d.KL)
	}
}

// W₁ = |θ| for a pure shift, for every shape, computed from the CDFs.
func TestW1IsShift(t *testing.T) {
	for _, name := range ShapeNames() {
		s := shape(t, name)
		for _, th := range []float64{-6, -2.5, -1, -0.01, 0, 1e-6, 0.4, 1, 1.9, 2, 3.3, 5} {
			w, err := s.W1(th)
			if err != nil || !close(w, math.Abs(th), 1e-10) && math.Abs(w-math.Abs(th)) > 1e-15 {
				t.Errorf("%s: W₁(%v) = %.17g, %v", name, th, w, err)
			}
		}
	}
}

// The shapes are densities: the CDF is the integral of p, F(0) = ½, F(1) = 1
// for the bounded ones, and the survival function mirrors it.
func TestShapes(t *testing.T) {
	for _, name := range ShapeNames() {
		s := shape(t, name)
		if s.Name() != name {
			t.Errorf("Name %q", s.Name())
		}
		lo, hi := s.Support()
		if s.Bounded() != !math.IsInf(lo, 0) || s.Bounded() != !math.IsInf(hi, 0) || s.Bounded() != !math.IsInf(s.Width(), 0) {
			t.Errorf("%s: support %v %v, width %v", name, lo, hi, s.Width())
		}
		for _, x := range []float64{-2, -1, -0.6, -0.1, 0, 0.25, 0.9, 1, 1.5} {
			a := math.Max(-12, math.Max(lo, -12))
			v := integrate(func(b, o float64, out []float64) { out[0] = s.Prob(b + o) }, 1, a, x, []float64{-1, 0, 1}, nil, 1e-13, true)[0]
			if math.Abs(v-s.CDF(x)) > 1e-13 {
				t.Errorf("%s: ∫p to %v = %.17g, CDF %.17g", name, x, v, s.CDF(x))
			}
			if math.Abs(s.Survival(x)-(1-s.CDF(x))) > 1e-15 {
				t.Errorf("%s: survival at %v", name, x)
			}
			if lp := s.LogProb(x); !(math.Abs(math.Exp(lp)-s.Prob(x)) <= 1e-15) {
				t.Errorf("%s: exp(LogProb(%v)) = %v, Prob %v", name, x, math.Exp(lp), s.Prob(x))
			}
		}
		if s.CDF(0) != 0.5 {
			t.Errorf("%s: F(0) = %v", name, s.CDF(0))
		}
	}
	if n := ShapeNames(); len(n) != 4 || n[0] != "uniform" {
		t.Errorf("ShapeNames %v", n)
	}
	_, err := ShapeNamed("cauchy")
	wantErr(t, "unknown shape", err, input.UnknownName, "shape")
}

// Properties on a grid of θ: symmetry in θ, the bounds, the order
// TV² ≤ … (Le Cam: H² ≤ TV ≤ √(2H²)·…, here the simple H² ≤ TV ≤ √(H²(2 − H²))),
// Pinsker (TV ≤ √(KL/2)), JS ≤ TV·log 2, and growth with |θ|.
func TestProperties(t *testing.T) {
	for _, name := range ShapeNames() {
		s := shape(t, name)
		var prev Divergences
		for i := 0; i <= 60; i++ {
			th := 0.1 * float64(i)
			d, _ := s.At(th)
			m, _ := s.At(-th)
			for k, a := range d.Values() {
				if b := m.Values()[k]; !close(a, b, 1e-12) && math.Abs(a-b) > 1e-15 {
					t.Errorf("%s: %s(%v) = %v, at −θ %v", name, Names[k], th, a, b)
				}
			}
			if d.SqHellinger > d.TV+1e-12 || d.TV > math.Sqrt(d.SqHellinger*(2-d.SqHellinger))+1e-12 {
				t.Errorf("%s θ=%v: H² %v, TV %v break Le Cam's inequalities", name, th, d.SqHellinger, d.TV)
			}
			if d.TV > math.Sqrt(d.KL/2)+1e-12 || d.JS > d.TV*math.Ln2+1e-12 {
				t.Errorf("%s θ=%v: TV %v, KL %v, JS %v", name, th, d.TV, d.KL, d.JS)
			}
			a, b := d.Values(), prev.Values()
			for k := range a {
				if a[k] < 0 || math.IsNaN(a[k]) || (i > 0 && a[k] < b[k]-1e-12) {
					t.Errorf("%s θ=%v: %s = %v after %v", name, th, Names[k], a[k], b[k])
				}
			}
			prev = d
		}
	}
}

func TestSweep(t *testing.T) {
	for _, name := range ShapeNames() {
		s := shape(t, name)
		sw, err := s.Sweep(-4, 4, 161)
		if err != nil {
			t.Fatal(err)
		}
		if len(sw.Theta) != 161 || sw.Theta[0] != -4 || sw.Theta[160] != 4 || sw.Theta[80] != 0 {
			t.Fatalf("%s: grid %v … %v", name, sw.Theta[0], sw.Theta[160])
		}
		for _, i := range []int{3, 50, 80, 101, 140} {
			d, _ := s.At(sw.Theta[i])
			a := d.Values()
			for k := range a {
				if !close(sw.Curves[k][i], a[k], 1e-7) && math.Abs(sw.Curves[k][i]-a[k]) > 1e-12 {
					t.Errorf("%s: sweep %s(%v) = %v, At %v", name, Names[k], sw.Theta[i], sw.Curves[k][i], a[k])
				}
			}
		}
	}
	s := shape(t, "bump")
	_, err := s.Sweep(-4, 4, 1)
	wantErr(t, "n = 1", err, input.OutOfRange, "n")
	_, err = s.Sweep(1, 1, 10)
	wantErr(t, "lo = hi", err, input.OutOfRange, "hi")
	_, err = s.Sweep(-7, 1, 10)
	wantErr(t, "lo", err, input.OutOfRange, "lo")
	_, err = s.Sweep(0, math.NaN(), 10)
	wantErr(t, "hi NaN", err, input.NotFinite, "hi")
}

func TestDensities(t *testing.T) {
	s := shape(t, "triangular")
	p, q, d, err := s.Densities(1, []float64{-3, -0.5, 0.5, 1, 1.5, 2.5})
	if err != nil {
		t.Fatal(err)
	}
	// p: 0, ½, ½, 0, 0, 0; q = p(x − 1): 0, 0, ½, 1, ½, 0.
	wantP := []float64{0, 0.5, 0.5, 0, 0, 0}
	wantQ := []float64{0, 0, 0.5, 1, 0.5, 0}
	for i := range p {
		if math.Abs(p[i]-wantP[i]) > 1e-15 || math.Abs(q[i]-wantQ[i]) > 1e-15 {
			t.Errorf("x #%d: p %v q %v", i, p[i], q[i])
		}
	}
	if !math.IsNaN(d[0]) || d[1] != 1 || math.Abs(d[2]-0.5) > 1e-15 || d[3] != 0 || !math.IsNaN(d[5]) {
		t.Errorf("D* = %v", d)
	}
	n := shape(t, "normal")
	_, _, d, _ = n.Densities(0.8, []float64{0.4, -30, 40})
	if math.Abs(d[0]-0.5) > 1e-15 || !(d[1] > 0.999999) || !(d[2] < 1e-6) {
		t.Errorf("normal D* = %v", d)
	}
	_, _, _, err = s.Densities(0, make([]float64, MaxPoints+1))
	wantErr(t, "too many xs", err, input.TooLarge, "xs")
	_, _, _, err = s.Densities(0, []float64{0, math.Inf(1)})
	wantErr(t, "x = Inf", err, input.NotFinite, "xs[1]")
	_, _, _, err = s.Densities(9, nil)
	wantErr(t, "θ = 9", err, input.OutOfRange, "theta")
}

func TestGeneratorCurves(t *testing.T) {
	us := Grid(ULo, UHi, 9)
	c, err := GeneratorCurves([]string{"kl", "reverse-kl", "total-variation"}, 0.5, us)
	if err != nil {
		t.Fatal(err)
	}
	for j, u := range us {
		var want [3]float64
		if u > 0 {
			want = [3]float64{u * math.Log(u), -math.Log(u), 0.5 * math.Abs(u-1)}
		} else {
			want = [3]float64{0, math.Inf(1), 0.5}
		}
		for i := range want {
			if !close(c[i][j], want[i], 1e-14) && math.Abs(c[i][j]-want[i]) > 1e-15 {
				t.Errorf("curve %d at u=%v: %v, want %v", i, u, c[i][j], want[i])
			}
		}
	}
	_, err = GeneratorCurves([]string{"kl", "nope"}, 0.5, us)
	wantErr(t, "unknown generator", err, input.UnknownName, "names[1]")
	_, err = GeneratorCurves([]string{"kl"}, 0.5, []float64{-1})
	wantErr(t, "u < 0", err, input.OutOfRange, "us[0]")
	_, err = GeneratorCurves([]string{"amari-alpha"}, math.NaN(), us)
	wantErr(t, "α NaN", err, input.NotFinite, "alpha")
	_, err = GeneratorCurves(nil, 0, make([]float64, MaxPoints+1))
	wantErr(t, "too many us", err, input.TooLarge, "us")
}

// D_f by name agrees with At for the six named in Divergences, and every
// generator is +Inf exactly when its limits make it so on the uncovered mass.
func TestFDivergences(t *testing.T) {
	names := divergence.FDivergenceNames()
	for _, name := range ShapeNames() {
		s := shape(t, name)
		for _, th := range []float64{0, 0.6, 2.5} {
			f, err := s.FDivergences(th, names, 0.5)
			if err != nil {
				t.Fatal(err)
			}
			d, _ := s.At(th)
			for i, n := range names {
				var want float64
				switch n {
				case "kl":
					want = d.KL
				case "reverse-kl":
					want = d.ReverseKL
				case "jensen-shannon":
					want = d.JS
				case "total-variation":
					want = d.TV
				case "squared-hellinger":
					want = d.SqHellinger
				case "pearson-chi2":
					want = d.Chi2
				case "jeffreys":
					want = d.KL + d.ReverseKL
				default:
					if math.IsNaN(f[i]) || f[i] < 0 || (th == 0 && f[i] != 0) {
						t.Errorf("%s θ=%v %s = %v", name, th, n, f[i])
					}
					continue
				}
				if !close(f[i], want, 1e-9) && math.Abs(f[i]-want) > 1e-14 {
					t.Errorf("%s θ=%v %s = %.17g, At gives %.17g", name, th, n, f[i], want)
				}
			}
		}
	}
	s := shape(t, "bump")
	if f, _ := s.FDivergences(1, nil, 0); len(f) != 0 {
		t.Errorf("no names: %v", f)
	}
	_, err := s.FDivergences(1, []string{"kl", "x"}, 0)
	wantErr(t, "unknown name", err, input.UnknownName, "names[1]")
	_, err = s.FDivergences(1, []string{"kl"}, 3)
	wantErr(t, "α = 3", err, input.OutOfRange, "alpha")
	_, err = s.FDivergences(math.Inf(1), []string{"kl"}, 0)
	wantErr(t, "θ = Inf", err, input.NotFinite, "theta")
}

func TestCompute(t *testing.T) {
	fr, err := Compute(Request{Shape: "bump", Theta: 2.5, Names: []string{"jensen-shannon", "kl"}, Alpha: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if fr.Div.JS != math.Ln2 || fr.Loss != 0 || fr.F[0] != math.Ln2 || !math.IsInf(fr.F[1], 1) || fr.Div.W1 != 2.5 && math.Abs(fr.Div.W1-2.5) > 1e-12 {
		t.Errorf("frame %+v", fr.Div)
	}
	if len(fr.X) != PlotPoints || fr.X[0] != PlotLo || fr.X[PlotPoints-1] != PlotHi || len(fr.P) != PlotPoints || len(fr.D) != PlotPoints {
		t.Errorf("grid %d", len(fr.X))
	}
	fr, _ = Compute(Request{Shape: "normal", Theta: 0})
	if fr.Loss != -2*math.Ln2 || fr.Div != (Divergences{}) {
		t.Errorf("θ = 0: loss %v, %+v", fr.Loss, fr.Div)
	}
	_, err = Compute(Request{Shape: "x"})
	wantErr(t, "shape", err, input.UnknownName, "shape")
	_, err = Compute(Request{Shape: "bump", Theta: -6.5})
	wantErr(t, "theta", err, input.OutOfRange, "theta")
	_, err = Compute(Request{Shape: "bump", Names: make([]string, 15)})
	wantErr(t, "names", err, input.TooLarge, "names")
	_, err = Compute(Request{Shape: "bump", Names: []string{"kl"}, Alpha: -2})
	wantErr(t, "alpha", err, input.OutOfRange, "alpha")
	if _, err := (Shape{}).At(7); err == nil {
		t.Error("At(7) accepted")
	}
	if _, err := (Shape{}).Slopes(math.NaN()); err == nil {
		t.Error("Slopes(NaN) accepted")
	}
	if _, err := (Shape{}).W1(-7); err == nil {
		t.Error("W1(−7) accepted")
	}
	if itoa(0) != "0" || itoa(123) != "123" {
		t.Error("itoa")
	}
}

// FuzzCompute: any request is either refused with an *input.Error or gives
// finite-or-+Inf, non-negative numbers within their bounds, W₁ = |θ|.
func FuzzCompute(f *testing.F) {
	f.Add("bump", 1.0, "jensen-shannon", 0.5)
	f.Add("normal", -3.0, "pearson-chi2", 2.0)
	f.Add("uniform", 2.0, "neyman-chi2", -1.0)
	f.Add("triangular", 1e-300, "t-power", 0.0)
	f.Add("", math.NaN(), "", math.Inf(1))
	f.Fuzz(func(t *testing.T, shapeName string, theta float64, name string, alpha float64) {
		fr, err := Compute(Request{Shape: shapeName, Theta: theta, Names: []string{name, "kl"}, Alpha: alpha})
		if err != nil {
			var ie *input.Error
			if !errors.As(err, &ie) || ie.Msg == "" || ie.Arg == "" {
				t.Fatalf("error %v (%T) is not a complete *input.Error", err, err)
			}
			return
		}
		v := fr.Div.Values()
		for k, x := range v {
			if math.IsNaN(x) || x < 0 || math.IsInf(x, -1) {
				t.Fatalf("%s = %v", Names[k], x)
			}
		}
		if fr.Div.JS > math.Ln2 || fr.Div.TV > 1 || fr.Div.SqHellinger > 1 || math.Abs(fr.Div.W1-math.Abs(theta)) > 1e-9 {
			t.Fatalf("bounds: %+v at θ=%v", fr.Div, theta)
		}
		for _, x := range fr.F {
			if math.IsNaN(x) || x < 0 {
				t.Fatalf("D_f = %v", x)
			}
		}
		// Slopes: NaN exactly where the divergence is +Inf nearby (the bounded
		// shapes' KL, reverse KL, χ²), W₁'s ±1, TV's p(|θ|/2) ≤ max p ≤ 1.
		for k, x := range fr.Slopes.Values() {
			wantNaN := (k == 0 || k == 1 || k == 5) && shapeName != "normal"
			if math.IsNaN(x) != wantNaN || math.IsInf(x, 0) {
				t.Fatalf("%s slope %v at θ=%v (D = %v)", Names[k], x, theta, fr.Div.Values()[k])
			}
		}
		if math.Abs(fr.Slopes.W1) != 1 || !(math.Abs(fr.Slopes.TV) <= 1) {
			t.Fatalf("slopes %+v at θ=%v", fr.Slopes, theta)
		}
		for i := range fr.D {
			if d := fr.D[i]; !(math.IsNaN(d) || (d >= 0 && d <= 1)) {
				t.Fatalf("D*(%v) = %v", fr.X[i], d)
			}
		}
	})
}
