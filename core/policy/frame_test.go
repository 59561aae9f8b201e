package policy

import (
	"errors"
	"math"
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
		name  string
		raw   map[string]any
		opts  map[string]any
		grid  bool
		n, nx int
	}{
		{"default", map[string]any{}, nil, false, 3, 0},
		{"contours at update 3", map[string]any{}, map[string]any{"update": 3.0, "contours": true}, true, 3, 61},
		{"PPO-clip, update past the end, a small grid", map[string]any{"method": "ppo-clip"}, map[string]any{"update": 100.0, "contours": true, "grid": 1.0}, true, 3, 2},
		{"four actions: no simplex", map[string]any{"old": []any{0.0, 0.0, 0.0, 1.0}, "adv": []any{1.0, -1.0, 0.0, 0.5}, "method": "pg", "updates": 5.0},
			map[string]any{"update": 2.0, "contours": true}, false, 4, 0},
	}
	for _, c := range cases {
		st, err := labState(c.raw)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Frame(st, session.NewOptions(c.opts))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		keys := []string{"clip", "current", "methods", "n", "oldPi", "sampled"}
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
		old := st.Floats("old")
		near(t, c.name+": oldPi", f["oldPi"].([]float64)[0], Softmax(old)[0], 1e-15)
		if f["n"] != c.n || len(f["methods"].(map[string]any)) != len(Methods) {
			t.Errorf("%s: n %v, %d methods", c.name, f["n"], len(f["methods"].(map[string]any)))
		}
		// The current policy is the state's method at the update asked for (clamped to the last).
		p := Problem{Old: old, Adv: st.Floats("adv"), Epsilon: st.Number("epsilon"), Delta: st.Number("delta"), LR: st.Number("lr")}
		steps, _ := p.Run(st.Enum("method"), st.Int("updates"))
		u, _ := session.NewOptions(c.opts).Count("update", 0, 1e9)
		want := steps[min(u, len(steps)-1)]
		cur := f["current"].(map[string]any)
		if !slices.Equal(cur["pi"].([]float64), want.Pi) {
			t.Errorf("%s: current π %v, want %v", c.name, cur["pi"], want.Pi)
		}
		smp := f["sampled"].(map[string]any)
		near(t, c.name+": exact KL(π_old‖π)", smp["exact"].(float64), KL(old, want.Theta), 1e-15)
		if smp["samples"] != 100 || len(smp["mean"].([]float64)) != 3 {
			t.Errorf("%s: sampled %v", c.name, smp)
		}
		m := f["methods"].(map[string]any)["trpo"].(map[string]any)
		if sx := m["sx"].([]float64); (c.n == 3) != (len(sx) == len(m["gain"].([]float64))) {
			t.Errorf("%s: %d simplex points for %d steps", c.name, len(sx), len(m["gain"].([]float64)))
		}
		if g, ok := f["grid"].(map[string]any); ok && (g["nx"] != c.nx || g["ny"] != int(math.Round(float64(c.nx)*math.Sqrt(3)/2))) {
			t.Errorf("%s: grid %v × %v", c.name, g["nx"], g["ny"])
		}
	}
	st, _ := labState(map[string]any{})
	for _, opts := range []map[string]any{{"update": -1.0}, {"grid": 402.0}, {"contours": "yes"}} {
		var ie *input.Error
		if _, err := Frame(st, session.NewOptions(opts)); !errors.As(err, &ie) {
			t.Errorf("%v: %v", opts, err)
		}
	}
	lab, _ := session.Lab("trust-region")
	bad, _ := lab.Decode(map[string]any{"adv": []any{1.0, 0.0, -1.0, 2.0}})
	if _, err := Frame(bad, session.Options{}); err == nil {
		t.Error("4 advantages for 3 actions gave a frame")
	}
}

func TestRules(t *testing.T) {
	if _, err := labState(map[string]any{"old": []any{0.0, 0.0, 0.0}, "adv": []any{1.0, 0.0, -1.0}}); err != nil {
		t.Error(err)
	}
	_, err := labState(map[string]any{"old": []any{0.0, 0.0, 0.0}, "adv": []any{1.0, 0.0, -1.0, 2.0}})
	var ie *input.Error
	if !errors.As(err, &ie) || ie.Code != input.LengthMismatch || ie.Arg != "state.adv" {
		t.Errorf("mismatched lengths: %v", err)
	}
}
