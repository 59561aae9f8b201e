package policy

import (
	"errors"
	"slices"
	"testing"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

// labState decodes raw against the Trust regions lab's schema and applies
// Rules, as session's Validate does once core/labs has registered them.
func labState(raw map[string]any) (session.State, error) {
	lab, _ := session.Lab("trust-region")
	st, err := lab.Decode(raw)
	if err != nil {
		return st, err
	}
	return st, Rules(st)
}

func TestFrame(t *testing.T) {
	cases := []struct {
		name string
		raw  map[string]any
		opts map[string]any
		grid bool
		n, k int
	}{
		{"default", map[string]any{}, nil, false, 3, 0},
		{"contours at update 3", map[string]any{"k": 3.0}, map[string]any{"contours": true}, true, 3, 3},
		{"PPO-clip, k past the end, a small grid", map[string]any{"method": "ppo-clip", "updates": 5.0, "k": 100.0}, map[string]any{"contours": true, "grid": 1.0}, true, 3, 5},
		{"four actions: no simplex", map[string]any{"start": []any{0.0, 0.0, 0.0, 1.0}, "mean": []any{1.0, -1.0, 0.0, 0.5}, "method": "pg", "updates": 5.0, "k": 2.0},
			map[string]any{"contours": true}, false, 4, 2},
	}
	l := &Lab{}
	for _, c := range cases {
		st, err := labState(c.raw)
		if err != nil {
			t.Fatal(err)
		}
		f, err := l.Frame(st, session.NewOptions(c.opts))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		keys := []string{"best", "clip", "current", "methods", "n", "sampled", "worst"}
		if c.grid {
			keys = append(keys, "grid")
			slices.Sort(keys)
		}
		got := make([]string, 0, len(f))
		for k := range f {
			got = append(got, k)
		}
		if slices.Sort(got); !slices.Equal(got, keys) {
			t.Errorf("%s: keys %v", c.name, got)
		}
		b := bandit(st)
		us, _ := b.Train(st.Enum("method"), st.Int("updates"))
		cur := f["current"].(map[string]any)
		if cur["k"] != c.k || !slices.Equal(cur["pi"].([]float64), us[c.k].Pi) || !slices.Equal(cur["oldPi"].([]float64), us[max(0, c.k-1)].Pi) {
			t.Errorf("%s: current k %v π %v, want update %d %v", c.name, cur["k"], cur["pi"], c.k, us[c.k].Pi)
		}
		near(t, c.name+": J", cur["ret"].(float64), TrueReturn(us[c.k].Theta, b.Mean), 1e-15)
		if f["n"] != c.n || f["best"] != slices.Max(b.Mean) || f["worst"] != slices.Min(b.Mean) {
			t.Errorf("%s: n %v best %v worst %v", c.name, f["n"], f["best"], f["worst"])
		}
		smp := f["sampled"].(map[string]any)
		if want := map[bool]int{true: b.Samples, false: 0}[c.k > 0]; smp["samples"] != want || smp["exact"] != us[c.k].KL {
			t.Errorf("%s: sampled %v", c.name, smp)
		}
		m := f["methods"].(map[string]any)["trpo"].(map[string]any)
		if sx := m["sx"].([]float64); (c.n == 3) != (len(sx) == len(m["ret"].([]float64))) {
			t.Errorf("%s: %d simplex points for %d updates", c.name, len(sx), len(m["ret"].([]float64)))
		}
		if g, ok := f["grid"].(map[string]any); ok {
			// KL from the π_old of the update shown: 0 there, so the grid's minimum is small.
			if vals := g["values"].([]float64); g["nx"].(int) > 10 && slices.Min(vals) > 0.01 || len(vals) != g["nx"].(int)*g["ny"].(int) {
				t.Errorf("%s: grid minimum %v", c.name, slices.Min(vals))
			}
		}
	}
	st, _ := labState(map[string]any{})
	for _, opts := range []map[string]any{{"grid": 402.0}, {"contours": "yes"}} {
		var ie *input.Error
		if _, err := l.Frame(st, session.NewOptions(opts)); !errors.As(err, &ie) {
			t.Errorf("%v: %v", opts, err)
		}
	}
	lab, _ := session.Lab("trust-region")
	bad, _ := lab.Decode(map[string]any{"mean": []any{1.0, 0.0, -1.0, 2.0}})
	if _, err := l.Frame(bad, session.Options{}); err == nil {
		t.Error("4 mean rewards for 3 actions gave a frame")
	}
}

// TestFrameCache: a frame from the cache is the frame a fresh Lab computes,
// and a change of any setting (here the seed, then the noise) retrains.
func TestFrameCache(t *testing.T) {
	l := &Lab{}
	for _, raw := range []map[string]any{{"k": 4.0}, {"k": 4.0, "seed": 2.0}, {"k": 4.0, "seed": 2.0, "noise": 1.0}, {"k": 4.0}} {
		st, _ := labState(raw)
		a, err := l.Frame(st, session.Options{})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := (&Lab{}).Frame(st, session.Options{})
		pa, pb := a["current"].(map[string]any)["pi"].([]float64), b["current"].(map[string]any)["pi"].([]float64)
		if !slices.Equal(pa, pb) {
			t.Errorf("%v: cached π %v, fresh %v", raw, pa, pb)
		}
	}
}

func TestRules(t *testing.T) {
	if _, err := labState(map[string]any{"start": []any{0.0, 0.0, 0.0}, "mean": []any{1.0, 0.0, -1.0}}); err != nil {
		t.Error(err)
	}
	_, err := labState(map[string]any{"start": []any{0.0, 0.0, 0.0}, "mean": []any{1.0, 0.0, -1.0, 2.0}})
	var ie *input.Error
	if !errors.As(err, &ie) || ie.Code != input.LengthMismatch || ie.Arg != "state.mean" {
		t.Errorf("mismatched lengths: %v", err)
	}
}
