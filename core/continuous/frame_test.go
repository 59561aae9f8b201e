package continuous

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

// labState decodes raw against the Continuous lab's schema and applies Rules,
// as session's Validate does once core/labs has registered them.
func labState(t *testing.T, raw map[string]any) (session.State, error) {
	t.Helper()
	lab, _ := session.Lab("continuous")
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

func errIs(err error, code input.Code, arg string) bool {
	var ie *input.Error
	if code == "" {
		return err == nil
	}
	return errors.As(err, &ie) && ie.Code == code && ie.Arg == arg
}

func TestFrame(t *testing.T) {
	// The default P = N(0, 1), Q = N(0.5, 1.1²):
	// KL = log(σ_q/σ_p) + (σ_p² + (μ_p − μ_q)²)/(2σ_q²) − ½.
	kl := math.Log(1.1) + (1+0.25)/(2*1.21) - 0.5
	cases := []struct {
		name string
		raw  map[string]any
		opts map[string]any
		keys []string
		kl   float64
	}{
		{"default", map[string]any{}, nil, nil, kl},
		{"bits, a grid of 11 points", map[string]any{"unit": "bits"}, map[string]any{"lo": -1.0, "hi": 1.0, "points": 11.0}, nil, kl / math.Ln2},
		{"with the check", map[string]any{}, map[string]any{"check": true}, []string{"check"}, kl},
	}
	base := []string{"autoHi", "autoLo", "crossEntropy", "discrete", "entropyP", "entropyQ", "handlesP", "handlesQ", "hi", "integrand",
		"kl", "lo", "mismatch", "p", "q", "reverseCrossEntropy", "reverseIntegrand", "reverseKL", "reverseMismatch", "xs"}
	for _, c := range cases {
		st, err := labState(t, c.raw)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Frame(st, session.NewOptions(c.opts))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		keys := slices.Sorted(slices.Values(append(slices.Clone(base), c.keys...)))
		if got := sortedKeys(f); !slices.Equal(got, keys) {
			t.Errorf("%s: keys %v", c.name, got)
		}
		r := f["kl"].(map[string]any)
		if !near(r["value"].(float64), c.kl, 1e-12) || r["method"] != "closed-form" {
			t.Errorf("%s: kl %v, want %v by the closed form", c.name, r, c.kl)
		}
		if c.opts["points"] != nil && (len(f["xs"].([]float64)) != 11 || f["lo"] != -1.0 || f["hi"] != 1.0) {
			t.Errorf("%s: grid %v on [%v, %v]", c.name, len(f["xs"].([]float64)), f["lo"], f["hi"])
		}
		h := f["handlesP"].(map[string]any)
		if m := h["mean"].([]float64); len(m) != 1 || m[0] != 0 {
			t.Errorf("%s: handles %v", c.name, h)
		}
		if ck, ok := f["check"].(map[string]any); ok {
			closed := ck["closed"].(map[string]any)
			mc := ck["mc"].([]any)
			if !near(closed["value"].(float64), kl, 1e-12) || len(mc) != 3 || mc[2].(map[string]any)["estimator"] != "k3" ||
				ck["samples"] != 10000 || ck["seed"] != 1.0 || ck["reps"] != SeriesReps || len(ck["bias"].([]any)) != 3 {
				t.Errorf("%s: check %v", c.name, ck)
			}
		}
	}
}

func TestFrameWithoutClosedFormAndErrors(t *testing.T) {
	st, _ := labState(t, map[string]any{"pFamily": "mixture", "p": []any{1.0, 0.0, 1.0, 3.0, 2.0, 0.5}, "qFamily": "uniform", "q": []any{-1.0, 1.0}})
	f, err := Frame(st, session.NewOptions(map[string]any{"check": true}))
	if err != nil {
		t.Fatal(err)
	}
	// Q's support misses most of P's: KL is infinite, the series is empty.
	if ck := f["check"].(map[string]any); !math.IsInf(ck["k3Expected"].(float64), 1) || len(ck["bias"].([]any)[0].([]float64)) != 0 {
		t.Errorf("check %v", ck)
	}
	def, _ := labState(t, map[string]any{})
	for _, c := range []struct {
		opts map[string]any
		code input.Code
		arg  string
	}{
		{map[string]any{"lo": "a"}, input.WrongType, "opts.lo"},
		{map[string]any{"hi": true}, input.WrongType, "opts.hi"},
		{map[string]any{"points": "9"}, input.WrongType, "opts.points"},
		{map[string]any{"points": -1.0}, input.OutOfRange, "n"},
		{map[string]any{"check": 1.0}, input.WrongType, "opts.check"},
	} {
		if _, err := Frame(def, session.NewOptions(c.opts)); !errIs(err, c.code, c.arg) {
			t.Errorf("%v: %v, want %s on %s", c.opts, err, c.code, c.arg)
		}
	}
	// Rules do not run in this package's tests: Frame reports a bad side itself.
	lab, _ := session.Lab("continuous")
	bad, _ := lab.Decode(map[string]any{"pFamily": "poisson", "p": []any{3.0}})
	if _, err := Frame(bad, session.Options{}); !errIs(err, input.Invalid, "state.qFamily") {
		t.Errorf("a mass function beside a density: %v", err)
	}
}

func TestRules(t *testing.T) {
	cases := []struct {
		state map[string]any
		code  input.Code
		arg   string
	}{
		{map[string]any{"pFamily": "normal", "p": []any{0.0, -1.0}}, input.OutOfRange, "state.p.sigma"},
		{map[string]any{"qFamily": "gamma", "q": []any{2.0}}, input.LengthMismatch, "state.q.params"},
		{map[string]any{"pFamily": "mixture", "p": []any{1.0, 0.0, 1.0, 1.0, 2.0, 0.0}}, input.OutOfRange, "state.p.components[1].sigma"},
		{map[string]any{"pFamily": "poisson", "p": []any{3.0}, "qFamily": "normal", "q": []any{0.0, 1.0}}, input.Invalid, "state.qFamily"},
		{map[string]any{"pFamily": "poisson", "p": []any{3.0}, "qFamily": "bernoulli", "q": []any{0.5}}, "", ""},
		{map[string]any{"pFamily": "mixture", "p": []any{1.0, 0.0, 1.0, 3.0, 2.0, 0.5}, "qFamily": "uniform", "q": []any{-1.0, 1.0}}, "", ""},
	}
	for i, c := range cases {
		if _, err := labState(t, c.state); !errIs(err, c.code, c.arg) {
			t.Errorf("case %d: %v, want %q on %q", i, err, c.code, c.arg)
		}
	}
}
