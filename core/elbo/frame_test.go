package elbo

import (
	"errors"
	"slices"
	"testing"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

func labState(t *testing.T, raw map[string]any) session.State {
	t.Helper()
	lab, _ := session.Lab("elbo")
	st, err := lab.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestFrame(t *testing.T) {
	base := []string{"calm", "converged", "gaussian", "gradLength", "iter", "hi", "lo", "m", "modes", "optimum", "postMean", "postSd", "posterior", "prior", "q", "s", "terms", "zs"}
	cases := []struct {
		name  string
		raw   map[string]any
		opts  map[string]any
		extra []string
	}{
		{"default", map[string]any{}, nil, nil},
		{"three steps with the path", map[string]any{}, map[string]any{"steps": 3.0, "path": true, "start": true, "points": 51.0},
			[]string{"path", "startTerms", "trace"}},
		{"square model, exact gradients", map[string]any{"model": "square", "x": 0.8, "gradient": "exact", "beta": 0.5},
			map[string]any{"steps": 4.0, "iter": 2.0}, []string{"trace"}},
	}
	var l Lab
	for _, c := range cases {
		st := labState(t, c.raw)
		f, err := l.Frame(st, session.NewOptions(c.opts))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		keys := slices.Sorted(slices.Values(append(slices.Clone(base), c.extra...)))
		got := make([]string, 0, len(f))
		for k := range f {
			got = append(got, k)
		}
		if slices.Sort(got); !slices.Equal(got, keys) {
			t.Errorf("%s: keys %v", c.name, got)
		}
		tm := f["terms"].(map[string]any)
		elbo, logPx := tm["elbo"].(float64), tm["logPx"].(float64)
		near(t, c.name+": ELBO = recon − KL(q‖p(z))", elbo, tm["recon"].(float64)-tm["klPrior"].(float64), 1e-12)
		near(t, c.name+": log p(x) = ELBO + gap", logPx, elbo+tm["gap"].(float64), 1e-12)
		q := Q{M: f["m"].(float64), S: f["s"].(float64)}
		want, err := l.model.Evaluate(q, st.Number("beta"))
		if err != nil {
			t.Fatal(err)
		}
		near(t, c.name+": the terms are q's after the steps", elbo, want.ELBO, 1e-12)
		if c.opts == nil && (q != Q{M: -1.5, S: 0.4}) {
			t.Errorf("default q %v", q)
		}
		if tr, ok := f["trace"].(map[string]any); ok && len(tr["elbo"].([]float64)) != int(c.opts["steps"].(float64)) {
			t.Errorf("%s: trace %v", c.name, tr)
		}
		if p, ok := f["path"].(map[string]any); ok && (len(p["beta"].([]float64)) != 41 || len(p["m"].([]float64)) != 41) {
			t.Errorf("%s: path %v", c.name, p)
		}
		if n := c.opts["points"]; n != nil && len(f["zs"].([]float64)) != int(n.(float64)) {
			t.Errorf("%s: %d points", c.name, len(f["zs"].([]float64)))
		}
	}

	// The model is kept while only q moves.
	st := labState(t, map[string]any{"m": 0.5})
	m := l.model
	if _, err := l.Frame(st, session.Options{}); err != nil || l.model == m {
		t.Errorf("another model: %v", err)
	}
	m = l.model
	if _, err := l.Frame(labState(t, map[string]any{"m": 1.0}), session.Options{}); err != nil || l.model != m {
		t.Errorf("the same model was built again: %v", err)
	}
	for _, opts := range []map[string]any{{"steps": -1.0}, {"iter": 0.5}, {"path": "y"}, {"points": "a"}, {"start": 1.0}, {"points": 1.0}} {
		var ie *input.Error
		if _, err := l.Frame(st, session.NewOptions(opts)); !errors.As(err, &ie) {
			t.Errorf("%v: %v", opts, err)
		}
	}
}
