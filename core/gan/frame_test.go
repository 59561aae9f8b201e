package gan

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

// labState decodes raw against the GANs lab's schema and applies Rules, as
// session's Validate does once core/labs has registered them.
func labState(raw map[string]any) (session.State, error) {
	lab, _ := session.Lab("gan")
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

func TestFrame(t *testing.T) {
	var l Lab
	st, err := labState(map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := l.Frame(st, session.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := sortedKeys(f); !slices.Equal(got, []string{"at", "d", "div", "dlearn", "f", "klPM", "klQM", "loss", "m", "p", "q", "slopes", "train", "xs"}) {
		t.Errorf("keys %v", got)
	}
	if js := 0.5*f["klPM"].(float64) + 0.5*f["klQM"].(float64); !close(js, f["div"].(map[string]any)["js"].(float64), 1e-8) {
		t.Errorf("½klPM + ½klQM = %v, JS %v", js, f["div"].(map[string]any)["js"])
	}
	div := f["div"].(map[string]any)
	if got := sortedKeys(div); !slices.Equal(got, slices.Sorted(slices.Values(Names))) {
		t.Errorf("div keys %v", got)
	}
	// W₁ of a shift by θ is |θ|; the default θ is 1.2. The GAN loss at D* is 2·JS − log 4.
	if !close(div["w1"].(float64), 1.2, 1e-12) || !close(f["loss"].(float64), 2*div["js"].(float64)-math.Log(4), 1e-12) {
		t.Errorf("w1 %v, loss %v", div["w1"], f["loss"])
	}
	fd := f["f"].(map[string]any)
	if len(fd) != len(divergence.FDivergenceNames()) || fd["kl"] != div["kl"] {
		t.Errorf("f-divergences %v", fd)
	}
	if xs := f["xs"].([]float64); len(xs) != PlotPoints || len(f["d"].([]float64)) != PlotPoints {
		t.Errorf("%d plot points", len(xs))
	}

	// Disjoint supports: JS saturates at log 2.
	apart, _ := labState(map[string]any{"shape": "uniform", "theta": 3.0, "gens": []any{"kl", "t-power"}, "alpha": 1.5})
	f, err = l.Frame(apart, session.NewOptions(map[string]any{"sweep": true, "curves": true}))
	if err != nil {
		t.Fatal(err)
	}
	if js := f["div"].(map[string]any)["js"].(float64); !close(js, math.Ln2, 1e-12) {
		t.Errorf("JS of disjoint supports %v, want log 2", js)
	}
	sw := f["sweep"].(map[string]any)
	if got := sortedKeys(sw); len(got) != len(Names)+1 || len(sw["theta"].([]float64)) != SweepPoints {
		t.Errorf("sweep keys %v", got)
	}
	gens := f["generators"].(map[string]any)
	if got := sortedKeys(gens); !slices.Equal(got, []string{"kl", "t-power", "us"}) || len(gens["us"].([]float64)) != UPoints {
		t.Errorf("generators %v", got)
	}
	cached := &l.sweeps["uniform"].Theta[0]
	if f, _ = l.Frame(apart, session.NewOptions(map[string]any{"sweep": true})); &f["sweep"].(map[string]any)["theta"].([]float64)[0] != cached || len(l.sweeps) != 1 {
		t.Error("the shape's sweep was computed again")
	}

	for _, opts := range []map[string]any{{"sweep": "no"}, {"curves": 0.0}} {
		var ie *input.Error
		if _, err := l.Frame(st, session.NewOptions(opts)); !errors.As(err, &ie) || ie.Code != input.WrongType {
			t.Errorf("%v: %v", opts, err)
		}
	}
	if _, err := l.training("cauchy", 1, 0); err == nil {
		t.Error("a training of an unknown shape")
	}
	if _, err := l.sweep("cauchy"); err == nil {
		t.Error("a sweep of an unknown shape")
	}
}

func TestRules(t *testing.T) {
	good := map[string]any{"shape": "normal", "theta": -2.5, "gens": []any{"kl", "t-power"}, "alpha": 1.5, "hide": []any{"chi2", "w1"}}
	if _, err := labState(good); err != nil {
		t.Error(err)
	}
	for _, bad := range []map[string]any{
		{"gens": []any{"kl", "nope"}},
		{"gens": []any{"kl", "kl"}},
		{"hide": []any{"kl", "jensen-shannon"}},
		{"hide": []any{1.0}},
	} {
		if _, err := labState(bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
	if _, err := labState(map[string]any{"shape": "cauchy", "theta": 0.0, "gens": []any{}, "alpha": 0.5, "hide": []any{}}); err == nil {
		t.Error("unknown shape accepted")
	}
}

// The step of the state replays the training: the frame at step k shows the
// JS generator's θ_k, the same whether the run was grown step by step (Play)
// or opened at k (a shared link), and M = (P + Q)/2 there.
func TestFrameTraining(t *testing.T) {
	var played, linked Lab
	var f map[string]any
	for k := 0; k <= 20; k++ {
		st, err := labState(map[string]any{"shape": "normal", "theta": 2.5, "step": float64(k)})
		if err != nil {
			t.Fatal(err)
		}
		if f, err = played.Frame(st, session.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	st, _ := labState(map[string]any{"shape": "normal", "theta": 2.5, "step": 20.0})
	g, err := linked.Frame(st, session.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := shape(t, "normal")
	tr := training(t, s, 2.5, 20)
	for _, fr := range []map[string]any{f, g} {
		tn := fr["train"].(map[string]any)
		js := tn["theta"].(map[string]any)["js"].([]float64)
		if fr["at"] != tr.Theta(20) || len(js) != 21 || js[20] != tr.Theta(20) || js[20] == 2.5 || tn["value"] != tr.Value(20) {
			t.Errorf("at %v, JS path %v, value %v; want θ₂₀ = %v, V %v", fr["at"], js, tn["value"], tr.Theta(20), tr.Value(20))
		}
		if w1 := tn["theta"].(map[string]any)["w1"].([]float64); !close(w1[20], 0.5, 1e-12) {
			t.Errorf("W₁ generator at %v after 20 steps of 0.1 from 2.5, want 0.5", w1[20])
		}
		p, q, m, dl := fr["p"].([]float64), fr["q"].([]float64), fr["m"].([]float64), fr["dlearn"].([]float64)
		xs := fr["xs"].([]float64)
		for i := range m {
			if m[i] != 0.5*(p[i]+q[i]) || dl[i] != tr.D(20, xs[i]) {
				t.Fatalf("x = %v: m %v, p %v, q %v, learned D %v", xs[i], m[i], p[i], q[i], dl[i])
			}
		}
	}
	if d := g["div"].(map[string]any); !close(d["w1"].(float64), tr.Theta(20), 1e-10) {
		t.Errorf("the divergences are not at the JS generator's θ: W₁ %v", d["w1"])
	}
	want, _ := s.Slopes(tr.Theta(20))
	if sl := g["slopes"].(map[string]any); sl["js"] != want.JS || sl["hellinger2"] != want.SqHellinger {
		t.Errorf("slopes %v, want those at θ₂₀: %+v", sl, want)
	}
}
