package divergence

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

// labState decodes raw against the Divergence lab's schema and applies Rules,
// as session's Validate does once core/labs has registered them.
func labState(raw map[string]any) (session.State, error) {
	lab, _ := session.Lab("divergence")
	st, err := lab.Decode(raw)
	if err != nil {
		return st, err
	}
	return st, Rules(st)
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func TestFrameDefaultAndUnits(t *testing.T) {
	p := []float64{0.05, 0.15, 0.35, 0.3, 0.1, 0.05} // the schema's defaults
	q := []float64{0.1, 0.3, 0.3, 0.15, 0.1, 0.05}
	want := 0.0
	for i := range p {
		want += p[i] * math.Log(p[i]/q[i])
	}
	for _, c := range []struct {
		raw  map[string]any
		unit float64
	}{
		{map[string]any{}, 1},
		{map[string]any{"unit": "bits"}, 1 / math.Ln2},
	} {
		st, err := labState(c.raw)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Frame(st, session.Options{})
		if err != nil {
			t.Fatal(err)
		}
		keys := []string{"codeP", "codeQ", "crossEntropy", "entropyP", "entropyQ", "extraBits", "hellinger", "jensenShannon",
			"kl", "klPM", "klQM", "mixture", "reverseKL", "reverseTerms", "squaredHellinger", "terms", "totalVariation"}
		if got := sortedKeys(f); !slices.Equal(got, keys) {
			t.Fatalf("keys %v", got)
		}
		if kl := f["kl"].(float64); relErr(kl, want*c.unit) > 1e-14 {
			t.Errorf("kl %v, want %v", kl, want*c.unit)
		}
		if eb := f["extraBits"].(float64); relErr(eb, want/math.Ln2) > 1e-14 {
			t.Errorf("extraBits %v, want KL in bits whatever the unit", eb)
		}
		if h := f["entropyP"].(float64) + f["kl"].(float64); relErr(f["crossEntropy"].(float64), h) > 1e-14 {
			t.Errorf("H(P,Q) %v ≠ H(P) + KL %v", f["crossEntropy"], h)
		}
		// JS built from KL: M = (P + Q)/2 and JS = ½KL(P‖M) + ½KL(Q‖M), in the unit.
		m := f["mixture"].([]float64)
		klPM, klQM := 0.0, 0.0
		for i := range p {
			if want := (p[i] + q[i]) / 2; m[i] != want {
				t.Errorf("mixture[%d] %v, want %v", i, m[i], want)
			}
			klPM += p[i] * math.Log(p[i]/m[i])
			klQM += q[i] * math.Log(q[i]/m[i])
		}
		if relErr(f["klPM"].(float64), klPM*c.unit) > 1e-13 || relErr(f["klQM"].(float64), klQM*c.unit) > 1e-13 {
			t.Errorf("klPM %v, klQM %v, want %v, %v", f["klPM"], f["klQM"], klPM*c.unit, klQM*c.unit)
		}
		if js := 0.5*f["klPM"].(float64) + 0.5*f["klQM"].(float64); relErr(f["jensenShannon"].(float64), js) > 1e-14 {
			t.Errorf("JS %v ≠ ½klPM + ½klQM %v", f["jensenShannon"], js)
		}
		if terms := f["terms"].([]float64); len(terms) != 6 || relErr(terms[0], 0.05*math.Log(0.5)*c.unit) > 1e-14 {
			t.Errorf("terms %v", terms)
		}
	}
}

func TestRules(t *testing.T) {
	cases := []struct {
		raw  map[string]any
		code input.Code
		arg  string
	}{
		{map[string]any{"p": []any{0.5, 0.5}, "q": []any{0.5, 0.25, 0.25}}, input.LengthMismatch, "state.q"},
		{map[string]any{"p": []any{1.0, 0.0}, "q": []any{0.9, 0.1}, "names": []any{"dog"}}, input.LengthMismatch, "state.names"},
		{map[string]any{"p": []any{1.0, 0.0}, "q": []any{0.9, 0.1}, "names": []any{}}, "", ""},
		{map[string]any{"p": []any{1.0, 0.0}, "q": []any{0.9, 0.1}, "names": []any{"dog", "cat"}}, "", ""},
	}
	for i, c := range cases {
		_, err := labState(c.raw)
		var ie *input.Error
		if c.code == "" && err != nil || c.code != "" && (!errors.As(err, &ie) || ie.Code != c.code || ie.Arg != c.arg) {
			t.Errorf("case %d: %v, want %q on %q", i, err, c.code, c.arg)
		}
	}
	// Without the rules (a state decoded against the schema only), Frame
	// still answers with Compare's error, not a panic.
	lab, _ := session.Lab("divergence")
	st, _ := lab.Decode(map[string]any{"p": []any{0.5, 0.5}, "q": []any{0.5, 0.25, 0.25}})
	if _, err := Frame(st, session.Options{}); err == nil {
		t.Error("P and Q of different lengths gave a frame")
	}
}
