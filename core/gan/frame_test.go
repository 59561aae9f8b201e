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
	if got := sortedKeys(f); !slices.Equal(got, []string{"d", "div", "f", "loss", "p", "q", "slopes", "xs"}) {
		t.Errorf("keys %v", got)
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
