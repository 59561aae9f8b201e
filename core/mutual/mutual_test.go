package mutual

import (
	"errors"
	"math"
	"testing"

	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/input"
)

func near(a, b, rel float64) bool {
	return a == b || math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))
}

func code(err error) input.Code {
	var ie *input.Error
	if errors.As(err, &ie) {
		return ie.Code
	}
	return ""
}

// The lab's default table (rows X, columns Y).
var table4 = []float64{
	0.16, 0.06, 0.02, 0.01,
	0.12, 0.08, 0.03, 0.02,
	0.02, 0.04, 0.12, 0.07,
	0.01, 0.02, 0.08, 0.14,
}

// Reference values: mpmath at 30 digits (python3, mp.dps = 30), from the
// definitions over the exact decimals of table4, in bits.
func TestAnalyzeReference(t *testing.T) {
	j, err := Table(table4, 4, 4, divergence.Options{Base: math.E})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Analyze(j, divergence.Options{Base: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"I", r.MI, 0.411040636055915960654528145187},
		{"H(X)", r.HX, 2},
		{"H(Y)", r.HY, 1.98231466696056225395261959604},
		{"H(X,Y)", r.HXY, 3.57127403090464629329809145086},
		{"H(X|Y)", r.HXgivenY, 1.58895936394408403934547185481},
		{"H(Y|X)", r.HYgivenX, 1.57127403090464629329809145086},
		{"term(0,0)", r.Terms[0], 0.167328590338099966591020224132},
		{"term(0,3)", r.Terms[3], -0.0258496250072115618145373894395},
	} {
		if !near(c.got, c.want, 1e-13) {
			t.Errorf("%s = %.17g, want %.17g", c.name, c.got, c.want)
		}
	}
	// I(X;Y) is KL(joint ‖ product), and the terms sum to it.
	kl, err := divergence.KL(table4, r.Product, divergence.Options{Base: 2})
	if err != nil || !near(kl, r.MI, 1e-12) {
		t.Errorf("KL(joint‖product) = %v (%v), I = %v", kl, err, r.MI)
	}
	s := 0.0
	for _, v := range r.Terms {
		s += v
	}
	if !near(s, r.MI, 1e-12) {
		t.Errorf("Σ terms = %v, I = %v", s, r.MI)
	}
	if !near(r.PX[0], 0.25, 1e-15) || !near(r.PY[0], 0.31, 1e-15) || !near(r.Product[1], 0.25*0.2, 1e-15) {
		t.Errorf("marginals %v %v product %v", r.PX, r.PY, r.Product[:2])
	}
}

// A binary symmetric channel with uniform input and crossover 0.1:
// I = 1 − h(0.1) bits = 0.531004406410718778746410669617 (mpmath).
func TestBinarySymmetricChannel(t *testing.T) {
	j, _ := Table([]float64{0.45, 0.05, 0.05, 0.45}, 2, 2, divergence.Options{Base: math.E})
	r, err := Analyze(j, divergence.Options{Base: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !near(r.MI, 0.531004406410718778746410669617, 1e-14) {
		t.Errorf("I = %.17g", r.MI)
	}
}

func TestIdentities(t *testing.T) {
	for _, flat := range [][]float64{
		table4,
		{0.25, 0.25, 0.25, 0.25},        // independent: I = 0
		{0.5, 0, 0, 0.5},                // deterministic: I = H(X) = ln 2 nats
		{0.2, 0, 0.3, 0, 0.1, 0.4},      // 3 × 2 with zeros
		{1},                             // a single cell
		{0, 0.5, 0, 0, 0.5, 0, 0, 0, 0}, // a row and columns of zeros
	} {
		n := len(flat)
		rows, cols := 2, n/2
		switch n {
		case 1:
			rows, cols = 1, 1
		case 9:
			rows, cols = 3, 3
		}
		j, err := Table(flat, rows, cols, divergence.Options{Base: math.E})
		if err != nil {
			t.Fatal(err)
		}
		r, err := Analyze(j, divergence.Options{Base: math.E})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(r.HX+r.HYgivenX-r.HXY) > 1e-12 || math.Abs(r.HY+r.HXgivenY-r.HXY) > 1e-12 ||
			math.Abs(r.HX-r.HXgivenY-r.MI) > 1e-12 || math.Abs(r.HY-r.HYgivenX-r.MI) > 1e-12 {
			t.Errorf("%v: identities fail: %+v", flat, r)
		}
		if r.MI < 0 || r.MI > math.Min(r.HX, r.HY)+1e-12 {
			t.Errorf("%v: I = %v outside [0, min(H(X), H(Y))]", flat, r.MI)
		}
	}
}

func TestNormalizeAndUnderflow(t *testing.T) {
	j, err := Table([]float64{2, 1, 1, 0}, 2, 2, divergence.Options{Base: math.E, Normalize: true})
	if err != nil {
		t.Fatal(err)
	}
	if !near(j[0][0], 0.5, 1e-15) {
		t.Errorf("normalised %v", j)
	}
	r, err := Analyze([][]float64{{2, 1}, {1, 0}}, divergence.Options{Base: math.E, Normalize: true})
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := Analyze(j, divergence.Options{Base: math.E})
	if !near(r.MI, r2.MI, 1e-15) || !near(r.Terms[0], r2.Terms[0], 1e-15) {
		t.Errorf("normalize: %v vs %v", r.MI, r2.MI)
	}
	// Marginals whose product underflows: the term stays finite (log space).
	tiny := 1e-200
	r, err = Analyze([][]float64{{tiny, 0}, {0, 1 - tiny}}, divergence.Options{Base: math.E})
	if err != nil {
		t.Fatal(err)
	}
	want := tiny * (-math.Log(tiny)) // p log(p/(p·p)) = −p log p
	if !near(r.Terms[0], want, 1e-12) || math.IsInf(r.Terms[0], 0) {
		t.Errorf("term = %v, want %v", r.Terms[0], want)
	}
	if got := Flat(j); len(got) != 4 || got[3] != 0 {
		t.Errorf("Flat = %v", got)
	}
}

func TestTableErrors(t *testing.T) {
	for _, c := range []struct {
		flat       []float64
		rows, cols int
		o          divergence.Options
		code       input.Code
		arg        string
	}{
		{[]float64{1}, 0, 1, divergence.Options{Base: math.E}, input.OutOfRange, "rows"},
		{[]float64{1}, 1, -1, divergence.Options{Base: math.E}, input.OutOfRange, "cols"},
		{[]float64{1}, 5000, 1, divergence.Options{Base: math.E}, input.TooLarge, "distribution"},
		{[]float64{1}, 70, 70, divergence.Options{Base: math.E}, input.TooLarge, "distribution"},
		{[]float64{0.5, 0.5}, 2, 2, divergence.Options{Base: math.E}, input.LengthMismatch, "distribution"},
		{[]float64{0.5, 0.6}, 1, 2, divergence.Options{Base: math.E}, input.NotNormalized, "distribution"},
		{[]float64{1.5, -0.5}, 1, 2, divergence.Options{Base: math.E}, input.Negative, "distribution[1]"},
		{[]float64{math.NaN(), 1}, 2, 1, divergence.Options{Base: math.E}, input.NotFinite, "distribution[0]"},
		{[]float64{0, 0}, 2, 1, divergence.Options{Base: math.E, Normalize: true}, input.NotNormalized, "distribution"},
		{[]float64{0.5, 0.5}, 2, 1, divergence.Options{Base: 1}, input.BadBase, "base"},
	} {
		_, err := Table(c.flat, c.rows, c.cols, c.o)
		var ie *input.Error
		if !errors.As(err, &ie) || ie.Code != c.code || ie.Arg != c.arg {
			t.Errorf("Table(%v, %d, %d) = %v; want %s on %s", c.flat, c.rows, c.cols, err, c.code, c.arg)
		}
	}
	if _, err := Analyze(nil, divergence.Options{Base: math.E}); code(err) != input.Empty {
		t.Errorf("Analyze(nil) = %v", err)
	}
	if _, err := Analyze([][]float64{{1}}, divergence.Options{Base: -2}); code(err) != input.BadBase {
		t.Errorf("bad base: %v", err)
	}
}

// FuzzTable: the decoder never panics; what it accepts has the stated shape,
// and Analyze on it returns finite, consistent numbers.
func FuzzTable(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4}, uint8(2), uint8(2), false)
	f.Add([]byte{0, 0, 9}, uint8(1), uint8(3), true)
	f.Add([]byte{}, uint8(0), uint8(0), false)
	f.Fuzz(func(t *testing.T, raw []byte, rows, cols uint8, norm bool) {
		flat := make([]float64, len(raw))
		s := 0.0
		for i, b := range raw {
			flat[i] = float64(b)
			if b == 255 {
				flat[i] = math.NaN()
			}
			if b == 254 {
				flat[i] = -1
			}
			s += flat[i]
		}
		if !norm && s > 0 {
			for i := range flat {
				flat[i] /= s
			}
		}
		j, err := Table(flat, int(rows), int(cols), divergence.Options{Base: math.E, Normalize: norm})
		if err != nil {
			if code(err) == "" {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if len(j) != int(rows) || len(j[0]) != int(cols) {
			t.Fatalf("shape %d × %d, want %d × %d", len(j), len(j[0]), rows, cols)
		}
		r, err := Analyze(j, divergence.Options{Base: 2})
		if err != nil {
			t.Fatalf("Analyze of an accepted table: %v", err)
		}
		for _, v := range []float64{r.MI, r.HX, r.HY, r.HXY, r.HXgivenY, r.HYgivenX} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				t.Fatalf("bad value %v in %+v", v, r)
			}
		}
		if math.Abs(r.HX-r.HXgivenY-r.MI) > 1e-9 {
			t.Fatalf("H(X) − H(X|Y) = %v ≠ I = %v", r.HX-r.HXgivenY, r.MI)
		}
	})
}
