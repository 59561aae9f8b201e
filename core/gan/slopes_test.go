package gan

import (
	"math"
	"testing"

	"github.com/klplayground/klplay/core/distribution"
)

// slopeClose compares a slope with its reference: relative 1e-9, and 1e-15
// absolute for the slopes that are 0 or nearly so (θ = 0, the separation).
func slopeClose(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Abs(want)+1e-15
}

// signOf is sign(θ) with sign(0) = +1, the convention of Slopes at θ = 0.
func signOf(th float64) float64 {
	if th < 0 {
		return -1
	}
	return 1
}

// Slopes against references derived independently of Slopes' formulas. The
// JS, TV and H² slopes of every shape are one-sided or central finite
// differences of the divergences themselves, integrated from their
// definitions by mpmath at 50 digits (testdata/slopes_mpmath.py): central
// (h = 1e-15) where D is smooth around θ, one-sided on the side away from 0
// at the kinks θ = 0 (h = 1e-20) and |θ| = 2; values below 1e-18 (the
// O(h) residue of the forward difference at 0) are written 0. The table
// spans θ = 0, 1e-9, ±1e-6, the bulk, the separation (2 ∓ 1e-6, ±2) and far
// beyond it. For the normal only JS is tabled; the others are closed forms
// (σ = NormalSigma):
//
//	KL' = reverse KL' = θ/σ²,   χ²' = (2θ/σ²)·e^{θ²/σ²},   H²' = (θ/(4σ²))·e^{−θ²/(8σ²)},
//	TV' = sign(θ)·φ(|θ|/(2σ))/σ   (TV = 2Φ(|θ|/(2σ)) − 1),
//
// and W₁' = sign(θ) for every shape (W₁ = |θ|). KL, reverse KL and χ² of a
// bounded shape are +Inf at every θ ≠ 0, so their slopes are NaN.
//
// The uniform's are exact: D = (|θ|/2)(f(0) + f'(∞)) for |θ| < 2, so JS' =
// ½ log 2 and TV' = H²' = ½ up to separation; the bump's TV' is p(θ/2) =
// (15/16)(1 − θ²/4)², 0.93749999999953125 at θ = 1e-6 (the example of the
// bug report, which the central difference across 0 gave as 0.009375, and
// W₁' as 0.0100).
func TestSlopesTable(t *testing.T) {
	cases := []struct {
		shape      string
		theta      float64
		js, tv, h2 float64
	}{
		{"uniform", 0, 0.34657359027997264, 0.5, 0.5},
		{"uniform", 1e-9, 0.34657359027997264, 0.5, 0.5},
		{"uniform", 1e-6, 0.34657359027997264, 0.5, 0.5},
		{"uniform", -1e-6, -0.34657359027997264, -0.5, -0.5},
		{"uniform", 0.3, 0.34657359027997264, 0.5, 0.5},
		{"uniform", -0.7, -0.34657359027997264, -0.5, -0.5},
		{"uniform", 1, 0.34657359027997264, 0.5, 0.5},
		{"uniform", 1.5, 0.34657359027997264, 0.5, 0.5},
		{"uniform", 1.999999, 0.34657359027997264, 0.5, 0.5},
		{"uniform", 2, 0, 0, 0},
		{"uniform", -2, 0, 0, 0},
		{"uniform", 2.000001, 0, 0, 0},
		{"uniform", 3, 0, 0, 0},
		{"uniform", -5, 0, 0, 0},
		{"triangular", 0, 0, 1, 0},
		{"triangular", 1e-9, 1.1208206508503096e-08, 0.9999999995, 1.1554780098783068e-08},
		{"triangular", 1e-6, 7.754328619262047e-06, 0.9999995, 8.10090220954201e-06},
		{"triangular", -1e-6, -7.754328619262047e-06, -0.9999995, -8.10090220954201e-06},
		{"triangular", 0.3, 0.410190158308216, 0.85, 0.5137702001750986},
		{"triangular", -0.7, -0.5666637229421781, -0.65, -0.800182098430972},
		{"triangular", 1, 0.5, 0.5, 0.7853981633974483},
		{"triangular", 1.5, 0.25, 0.25, 0.39269908169872414},
		{"triangular", 1.999999, 5e-07, 5e-07, 7.853981633974483e-07},
		{"triangular", 2, 0, 0, 0},
		{"triangular", -2, 0, 0, 0},
		{"triangular", 2.000001, 0, 0, 0},
		{"triangular", 3, 0, 0, 0},
		{"triangular", -5, 0, 0, 0},
		{"bump", 0, 0, 0.9375, 0},
		{"bump", 1e-9, 2.499999995179757e-09, 0.9375, 2.499999998125e-09},
		{"bump", 1e-6, 2.4999951798088442e-06, 0.93749999999953125, 2.499998125e-06},
		{"bump", -1e-6, -2.4999951798088442e-06, -0.93749999999953125, -2.499998125e-06},
		{"bump", 0.3, 0.4701449152632671, 0.895787109375, 0.582515625},
		{"bump", -0.7, -0.6047874384263618, -0.721880859375, -0.868765625},
		{"bump", 1, 0.5070338723407566, 0.52734375, 0.78125},
		{"bump", 1.5, 0.19347140588195152, 0.179443359375, 0.322265625},
		{"bump", 1.999999, 1.0702424877404976e-12, 9.374995312500587e-13, 1.8749987500001564e-12},
		{"bump", 2, 0, 0, 0},
		{"bump", -2, 0, 0, 0},
		{"bump", 2.000001, 0, 0, 0},
		{"bump", 3, 0, 0, 0},
		{"bump", -5, 0, 0, 0},
		// The normal: JS only (the rest below from closed forms).
		{"normal", 0, 0, 0, 0},
		{"normal", 1e-9, 1e-09, 0, 0},
		{"normal", 1e-6, 9.99999999999e-07, 0, 0},
		{"normal", -1e-6, -9.99999999999e-07, 0, 0},
		{"normal", 0.3, 0.275131241655953, 0, 0},
		{"normal", -0.7, -0.45848181664827775, 0, 0},
		{"normal", 1, 0.44959950920667285, 0, 0},
		{"normal", 2, 0.13719481758147764, 0, 0},
		{"normal", 4, 0.00039287473607279406, 0, 0},
		{"normal", -6, -1.8483272657128695e-08, 0, 0},
	}
	sg := NormalSigma
	for _, c := range cases {
		s := shape(t, c.shape)
		got, err := s.Slopes(c.theta)
		if err != nil {
			t.Fatal(err)
		}
		th := c.theta
		want := Divergences{JS: c.js, TV: c.tv, SqHellinger: c.h2, W1: signOf(th), KL: math.NaN(), ReverseKL: math.NaN(), Chi2: math.NaN()}
		if !s.Bounded() {
			want.KL = th / (sg * sg)
			want.ReverseKL = want.KL
			want.Chi2 = 2 * th / (sg * sg) * math.Exp(th*th/(sg*sg))
			want.SqHellinger = th / (4 * sg * sg) * math.Exp(-th*th/(8*sg*sg))
			z := math.Abs(th) / (2 * sg)
			want.TV = signOf(th) * math.Exp(-z*z/2) / math.Sqrt(2*math.Pi) / sg
		}
		g, w := got.Values(), want.Values()
		for k := range g {
			if math.IsNaN(w[k]) != math.IsNaN(g[k]) || !math.IsNaN(w[k]) && !slopeClose(g[k], w[k]) {
				t.Errorf("%s θ=%v: %s slope %.17g, want %.17g", c.shape, th, Names[k], g[k], w[k])
			}
		}
	}
}

// A property of the class: wherever D is smooth (every θ but 0 and the
// separation), Slopes is the derivative of what At reports, checked by
// Richardson-extrapolated central differences of At that stay on one side of
// every kink (h = 1e-3 and 5e-4; error O(h⁴)).
func TestSlopesAreDerivativesOfAt(t *testing.T) {
	for _, name := range ShapeNames() {
		s := shape(t, name)
		for th := -5.9; th < 6; th += 0.2 {
			if math.Abs(math.Abs(th)-2) < 0.01 || math.Abs(th) < 0.05 {
				continue
			}
			sl, _ := s.Slopes(th)
			diff := func(h float64) [7]float64 {
				a, _ := s.At(th + h)
				b, _ := s.At(th - h)
				var d [7]float64
				for k := range d {
					d[k] = (a.Values()[k] - b.Values()[k]) / (2 * h)
				}
				return d
			}
			d1, d2 := diff(1e-3), diff(5e-4)
			for k, got := range sl.Values() {
				want := (4*d2[k] - d1[k]) / 3
				if math.IsNaN(want) { // +Inf − +Inf: the bounded KL, reverse KL, χ²
					if !math.IsNaN(got) {
						t.Errorf("%s θ=%.1f: %s slope %v, want NaN", name, th, Names[k], got)
					}
					continue
				}
				if math.Abs(got-want) > 1e-6*math.Abs(want)+1e-8 {
					t.Errorf("%s θ=%.1f: %s slope %.12g, differences of At give %.12g", name, th, Names[k], got, want)
				}
			}
		}
	}
}

// The rule shared with core/distribution: the 15-point Kronrod rule integrates x^k on
// [−1, 1] exactly for k ≤ 22 (2/(k + 1) for even k, 0 for odd), and its
// embedded 7-point Gauss rule for k ≤ 13, where the error estimate from
// |K − G| vanishes; at even k ≥ 14 it does not (odd powers both rules
// integrate to 0 by symmetry).
func TestKronrodRule(t *testing.T) {
	xk, wk, wg4 := distribution.GaussKronrod15()
	if xk != xgk || wk != wgk || wg4 != wg {
		t.Fatal("gan's rule is not distribution's")
	}
	for k := 0; k <= 22; k++ {
		in := &integrator{f: func(base, off float64, out []float64) { out[0] = math.Pow(base+off, float64(k)) }, m: 1, panels: [][2]float64{{-1, 1}}, buf: make([]float64, 15)}
		sg := in.rule(0, 0, 1)
		want := 0.0
		if k%2 == 0 {
			want = 2 / float64(k+1)
		}
		if math.Abs(sg.val[0]-want) > 1e-15 {
			t.Errorf("∫x^%d = %.17g, want %.17g", k, sg.val[0], want)
		}
		if gaussExact := sg.err[0] < 1e-14; gaussExact != (k <= 13 || k%2 == 1) {
			t.Errorf("x^%d: Kronrod − Gauss estimate %g", k, sg.err[0])
		}
	}
}
