package input

import (
	"errors"
	"math"
	"testing"
)

func code(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func TestProbabilities(t *testing.T) {
	cases := []struct {
		name      string
		p         []float64
		normalize bool
		want      Code
		arg       string
	}{
		{"ok", []float64{0.25, 0.75}, false, "", ""},
		{"ok within tolerance", []float64{0.5, 0.5 + 5e-10}, false, "", ""},
		{"empty", nil, false, Empty, "p"},
		{"negative", []float64{1.5, -0.5}, false, Negative, "p[1]"},
		{"NaN", []float64{math.NaN(), 1}, false, NotFinite, "p[0]"},
		{"Inf", []float64{0, math.Inf(1)}, true, NotFinite, "p[1]"},
		{"not normalised", []float64{0.5, 0.6}, false, NotNormalized, "p"},
		{"zero sum with normalize", []float64{0, 0}, true, NotNormalized, "p"},
		{"overflowing sum", []float64{math.MaxFloat64, math.MaxFloat64}, true, NotFinite, "p"},
	}
	for _, c := range cases {
		_, err := Probabilities("p", c.p, c.normalize)
		if code(err) != c.want {
			t.Errorf("%s: error %v, want code %q", c.name, err, c.want)
		}
		var e *Error
		if errors.As(err, &e) && e.Arg != c.arg {
			t.Errorf("%s: arg %q, want %q", c.name, e.Arg, c.arg)
		}
	}
	got, err := Probabilities("p", []float64{1, 3}, true)
	if err != nil || got[0] != 0.25 || got[1] != 0.75 {
		t.Errorf("normalize [1 3] = %v, %v", got, err)
	}
}

func TestPair(t *testing.T) {
	if _, _, err := Pair([]float64{1}, []float64{0.5, 0.5}, false); code(err) != LengthMismatch {
		t.Errorf("length mismatch: %v", err)
	}
	if _, _, err := Pair([]float64{1}, []float64{2}, false); code(err) != NotNormalized {
		t.Errorf("q not normalised: %v", err)
	}
	if _, _, err := Pair([]float64{-1}, []float64{1}, false); code(err) != Negative {
		t.Errorf("p negative: %v", err)
	}
	if p, q, err := Pair([]float64{2}, []float64{4}, true); err != nil || p[0] != 1 || q[0] != 1 {
		t.Errorf("normalised pair: %v %v %v", p, q, err)
	}
}

func TestLogBase(t *testing.T) {
	if f, err := LogBase(math.E); err != nil || f != 1 {
		t.Errorf("LogBase(e) = %v, %v", f, err)
	}
	if f, err := LogBase(2); err != nil || f != 1/math.Ln2 {
		t.Errorf("LogBase(2) = %v, %v", f, err)
	}
	for _, b := range []float64{0, -2, 1, math.NaN(), math.Inf(1)} {
		if _, err := LogBase(b); code(err) != BadBase {
			t.Errorf("LogBase(%v): %v, want bad-base", b, err)
		}
	}
}

func TestScalarChecks(t *testing.T) {
	if Finite("x", 1) != nil || code(Finite("x", math.NaN())) != NotFinite {
		t.Error("Finite")
	}
	if Positive("sigma", 1) != nil || code(Positive("sigma", 0)) != OutOfRange || code(Positive("sigma", math.Inf(1))) != NotFinite {
		t.Error("Positive")
	}
	if InRange("p", 0.5, 0, 1) != nil || code(InRange("p", 2, 0, 1)) != OutOfRange || code(InRange("p", math.NaN(), 0, 1)) != NotFinite {
		t.Error("InRange")
	}
	if err := Errorf(Invalid, "q", "is %d", 3); err.Error() != "q: is 3" {
		t.Errorf("Error() = %q", err.Error())
	}
}

func FuzzProbabilities(f *testing.F) {
	f.Add(0.5, 0.5, 0.0, false)
	f.Add(-1.0, 2.0, 0.0, true)
	f.Add(math.Inf(1), 0.0, math.NaN(), true)
	f.Fuzz(func(t *testing.T, a, b, c float64, normalize bool) {
		p, err := Probabilities("p", []float64{a, b, c}, normalize)
		if err != nil {
			if code(err) == "" {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		var s float64
		for _, x := range p {
			if x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("accepted %v", p)
			}
			s += x
		}
		if math.Abs(s-1) > 1e-9 {
			t.Fatalf("accepted %v summing to %v", p, s)
		}
	})
}
