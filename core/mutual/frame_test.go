package mutual

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

// labState decodes raw against the Mutual information lab's schema and
// applies Rules, as session's Validate does once core/labs has registered them.
func labState(raw map[string]any) (session.State, error) {
	lab, _ := session.Lab("mutual-information")
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

func TestFrames(t *testing.T) {
	// P(X, Y) = [[0.4, 0.1], [0.1, 0.4]]: uniform marginals, I = 0.8 log 1.6 + 0.2 log 0.4.
	mi := 0.8*math.Log(1.6) + 0.2*math.Log(0.4)
	table := map[string]any{"rows": 2.0, "cols": 2.0, "distribution": []any{0.4, 0.1, 0.1, 0.4}}
	for _, c := range []struct {
		unit string
		k    float64
	}{{"bits", 1 / math.Ln2}, {"nats", 1}} {
		raw := map[string]any{"unit": c.unit}
		for k, v := range table {
			raw[k] = v
		}
		st, err := labState(raw)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Frame(st, session.Options{})
		if err != nil {
			t.Fatal(err)
		}
		keys := []string{"converged", "encoder", "hx", "hxGivenY", "hxy", "hy", "hyGivenX", "iterations", "ity", "ixt", "mi", "optima", "product", "pt", "px", "py", "spread", "startDependent", "starts", "terms"}
		if got := sortedKeys(f); !slices.Equal(got, keys) {
			t.Errorf("%s: keys %v", c.unit, got)
		}
		if !near(f["mi"].(float64), mi*c.k, 1e-14) || !near(f["hx"].(float64), math.Ln2*c.k, 1e-14) {
			t.Errorf("%s: mi %v, hx %v", c.unit, f["mi"], f["hx"])
		}
		// Two clusters (the default) for two rows: p(t|x) has 2 × 2 entries.
		if enc := f["encoder"].([]float64); len(enc) != 4 || f["ity"].(float64) > f["mi"].(float64)*(1+1e-12) {
			t.Errorf("%s: encoder %v, I(T;Y) %v", c.unit, enc, f["ity"])
		}
		s, err := SweepFrame(st, session.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := sortedKeys(s); !slices.Equal(got, []string{"beta", "hx", "ity", "ixt", "ixy"}) {
			t.Errorf("%s: sweep keys %v", c.unit, got)
		}
		betas := s["beta"].([]float64)
		if len(betas) != sweepN || !near(betas[0], sweepLo, 1e-12) || !near(betas[sweepN-1], sweepHi, 1e-12) || !near(s["ixy"].(float64), mi*c.k, 1e-14) {
			t.Errorf("%s: sweep over %d β from %v, ixy %v", c.unit, len(betas), betas[0], s["ixy"])
		}
	}
	st, _ := labState(map[string]any{})
	if f, err := Frame(st, session.Options{}); err != nil || len(f["px"].([]float64)) != 4 {
		t.Errorf("the default 4 × 4 table: %v", err)
	}
	lab, _ := session.Lab("mutual-information")
	bad, _ := lab.Decode(map[string]any{"rows": 3.0})
	if _, err := Frame(bad, session.Options{}); err == nil {
		t.Error("16 cells for 3 × 4 gave a frame")
	}
	if _, err := SweepFrame(bad, session.Options{}); err == nil {
		t.Error("16 cells for 3 × 4 gave a sweep")
	}
}

func TestRules(t *testing.T) {
	cells := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = 1 / float64(n)
		}
		return out
	}
	cases := []struct {
		state map[string]any
		code  input.Code
		arg   string
	}{
		{map[string]any{}, "", ""},
		{map[string]any{"rows": 2.0, "cols": 3.0, "distribution": cells(6)}, "", ""},
		{map[string]any{"rows": 2.0, "cols": 3.0, "distribution": cells(8)}, input.LengthMismatch, "state.distribution"},
		{map[string]any{"rows": 3.0}, input.LengthMismatch, "state.distribution"},
		{map[string]any{"distribution": cells(4)}, input.LengthMismatch, "state.distribution"},
		{map[string]any{"rows": 8.0, "cols": 8.0, "distribution": cells(64)}, "", ""},
		{map[string]any{"rows": 9.0, "cols": 8.0, "distribution": cells(64)}, input.OutOfRange, "state.rows"},
	}
	for i, c := range cases {
		_, err := labState(c.state)
		var ie *input.Error
		if c.code == "" && err != nil || c.code != "" && (!errors.As(err, &ie) || ie.Code != c.code || ie.Arg != c.arg) {
			t.Errorf("case %d: %v, want %q on %q", i, err, c.code, c.arg)
		}
	}
}
