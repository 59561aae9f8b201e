package divergence

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/klplayground/klplay/core/input"
)

// The values below are worked by hand from KL(X‖M) = Σ x_i log(x_i/m_i).
func TestJensenShannonPartsKnownValues(t *testing.T) {
	ln := math.Log
	cases := []struct {
		name       string
		p, q, m    []float64
		o          Options
		klPM, klQM float64
	}{
		// Disjoint supports: M = [½, ½] and each KL is log 2 (1 bit).
		{"disjoint", []float64{1, 0}, []float64{0, 1}, []float64{0.5, 0.5}, nat, math.Ln2, math.Ln2},
		{"disjoint bits", []float64{1, 0}, []float64{0, 1}, []float64{0.5, 0.5}, Options{Base: 2}, 1, 1},
		// M = [¾, ¼]: KL(P‖M) = log(4/3); KL(Q‖M) = ½log(⅔) + ½log 2 = ½log(4/3).
		{"point vs uniform", []float64{1, 0}, []float64{0.5, 0.5}, []float64{0.75, 0.25}, nat, ln(4.0 / 3), 0.5 * ln(4.0/3)},
		// M = [.7, .3]: KL(P‖M) = ½log(5/7) + ½log(5/3) = ½log(25/21); KL(Q‖M) = .9 log(9/7) + .1 log(1/3).
		{"half vs .9", []float64{0.5, 0.5}, []float64{0.9, 0.1}, []float64{0.7, 0.3}, nat, 0.5 * ln(25.0/21), 0.9*ln(9.0/7) - 0.1*ln(3)},
		// Zeros: a category empty in both is skipped, one empty in Q gives P's
		// mass twice M's there. M = [½, ¼, ¼, 0]: each KL is ½log 2.
		{"zeros", []float64{0.5, 0.5, 0, 0}, []float64{0.5, 0, 0.5, 0}, []float64{0.5, 0.25, 0.25, 0}, nat, 0.5 * math.Ln2, 0.5 * math.Ln2},
		// P = Q: M = P and both are 0.
		{"equal", []float64{0.2, 0.3, 0.5}, []float64{0.2, 0.3, 0.5}, []float64{0.2, 0.3, 0.5}, nat, 0, 0},
	}
	for _, c := range cases {
		m, a, b, err := JensenShannonParts(c.p, c.q, c.o)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for i := range m {
			if math.Abs(m[i]-c.m[i]) > 1e-16 {
				t.Errorf("%s: m = %v, want %v", c.name, m, c.m)
				break
			}
		}
		if relErr(a, c.klPM) > 1e-14 || relErr(b, c.klQM) > 1e-14 {
			t.Errorf("%s: KL(P‖M) = %v, KL(Q‖M) = %v; want %v, %v", c.name, a, b, c.klPM, c.klQM)
		}
		js, _ := JensenShannon(c.p, c.q, c.o)
		if relErr(0.5*a+0.5*b, js) > 1e-14 {
			t.Errorf("%s: ½KL(P‖M) + ½KL(Q‖M) = %v, JS = %v", c.name, 0.5*a+0.5*b, js)
		}
	}
}

// JS = ½KL(P‖M) + ½KL(Q‖M) on random pairs, each half is KL to the mixture
// as KL computes it, the halves swap with P and Q, and both lie in [0, log 2].
func TestJensenShannonPartsProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 2))
	for trial := 0; trial < 2000; trial++ {
		n := 2 + r.IntN(40)
		p, q := randomProb(r, n, 0.3), randomProb(r, n, 0.3)
		m, a, b, err := JensenShannonParts(p, q, nat)
		if err != nil {
			t.Fatal(err)
		}
		js, _ := JensenShannon(p, q, nat)
		if relErr(0.5*(a+b), js) > 1e-12 {
			t.Fatalf("n=%d: ½(%v + %v) ≠ JS %v", n, a, b, js)
		}
		if a < 0 || b < 0 || a > math.Ln2 || b > math.Ln2 {
			t.Fatalf("halves %v, %v outside [0, log 2]", a, b)
		}
		want, _ := KL(p, m, Options{Base: math.E, Normalize: true})
		if relErr(a, want) > 1e-12 && math.Abs(a-want) > 1e-15 {
			t.Fatalf("KL(P‖M) %v, KL(p, m) %v", a, want)
		}
		_, a2, b2, _ := JensenShannonParts(q, p, nat)
		if a2 != b || b2 != a {
			t.Fatalf("swapping P and Q gave %v, %v for %v, %v", a2, b2, b, a)
		}
	}
}

// Near P = Q, for P = [½+e, ½−e] and Q = [½, ½]: with m = [(1+e)/2, (1−e)/2],
// d = [e/(1+e), −e/(1−e)] and φ(x) = Σ_{j≥2} (−x)^j/(j(j−1)),
//
//	KL(P‖M) = Σ_j (−1)^j S_j/(j(j−1)),  KL(Q‖M) = Σ_j S_j/(j(j−1)),
//	S_j = Σ_i m_i d_i^j = (e^j/2)[(1+e)^(1−j) + (−1)^j (1−e)^(1−j)],
//
// a series in e summed here term by term. Computed as KL(P‖M) with M rounded,
// the digits of p − m would be lost.
func TestJensenShannonPartsNearlyEqual(t *testing.T) {
	for _, e0 := range []float64{1e-3, 1e-6, 1e-8} {
		p1 := 0.5 + e0
		e := p1 - 0.5 // exact
		p := []float64{p1, 1 - p1}
		q := []float64{0.5, 0.5}
		_, a, b, err := JensenShannonParts(p, q, nat)
		if err != nil {
			t.Fatal(err)
		}
		wantA, wantB := 0.0, 0.0
		for j := 40; j >= 2; j-- { // smallest terms first
			jf := float64(j)
			s := math.Pow(e, jf) / 2 * (math.Pow(1+e, 1-jf) + math.Pow(-1, jf)*math.Pow(1-e, 1-jf))
			wantA += math.Pow(-1, jf) * s / (jf * (jf - 1))
			wantB += s / (jf * (jf - 1))
		}
		if relErr(a, wantA) > 1e-13 || relErr(b, wantB) > 1e-13 {
			t.Errorf("e=%g: KL(P‖M) %v, KL(Q‖M) %v, want %v, %v", e, a, b, wantA, wantB)
		}
	}
}

func TestJensenShannonPartsErrors(t *testing.T) {
	var ie *input.Error
	if _, _, _, err := JensenShannonParts([]float64{0.5, 0.5}, []float64{1}, nat); !errors.As(err, &ie) || ie.Code != input.LengthMismatch {
		t.Errorf("lengths: %v", err)
	}
	if _, _, _, err := JensenShannonParts([]float64{0.5, -0.5, 1}, []float64{0.2, 0.3, 0.5}, nat); !errors.As(err, &ie) || ie.Code != input.Negative {
		t.Errorf("negative: %v", err)
	}
	// Not normalised is an error unless asked to normalise.
	if _, _, _, err := JensenShannonParts([]float64{2, 0}, []float64{0, 2}, nat); !errors.As(err, &ie) || ie.Code != input.NotNormalized {
		t.Errorf("not normalised: %v", err)
	}
	if _, a, b, err := JensenShannonParts([]float64{2, 0}, []float64{0, 2}, Options{Base: math.E, Normalize: true}); err != nil || a != math.Ln2 || b != math.Ln2 {
		t.Errorf("normalised disjoint: %v, %v, %v", a, b, err)
	}
}
