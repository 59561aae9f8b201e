package mle

import (
	"errors"
	"slices"
	"testing"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

// labState decodes raw against the MLE lab's schema and applies Rules, as
// session's Validate does once core/labs has registered them.
func labState(raw map[string]any) (session.State, error) {
	lab, _ := session.Lab("mle")
	st, err := lab.Decode(raw)
	if err != nil {
		return st, err
	}
	return st, Rules(st)
}

func codeArg(err error) (input.Code, string) {
	var ie *input.Error
	if errors.As(err, &ie) {
		return ie.Code, ie.Arg
	}
	return "", ""
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func TestStoreDataAndFrame(t *testing.T) {
	var s Store
	st, err := labState(map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.Data(st, session.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := sortedKeys(d); !slices.Equal(got, []string{"handle", "header", "integer", "max", "mean", "min", "n", "nonNegative", "positive", "std"}) {
		t.Errorf("data keys %v", got)
	}
	if d["handle"] != 1 || d["n"] != 500 || d["positive"] != true || d["integer"] != false {
		t.Errorf("the default sample of 500 gamma draws: %v", d)
	}
	f, err := s.Frame(st, session.NewOptions(map[string]any{"data": 1.0, "steps": 3.0, "study": true}))
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"binnedNLL", "closed", "curveX", "curveY", "gap", "h", "histDensity", "histEdges", "kind", "kl", "method", "model",
		"names", "nll", "params", "study", "theta", "truthX", "truthY"}
	if got := sortedKeys(f); !slices.Equal(got, keys) {
		t.Errorf("frame keys %v", got)
	}
	if f["model"] != "gamma" || f["kind"] != "truth" || len(f["histEdges"].([]float64)) != 31 || len(f["curveX"].([]float64)) != 240 {
		t.Errorf("model %v kind %v", f["model"], f["kind"])
	}
	// NLL − KL is H(P) plus the sampling error of the mean NLL.
	if !near(f["gap"].(float64), f["nll"].(float64)-f["kl"].(float64), 0) || f["closed"] == nil || f["study"] == nil {
		t.Errorf("gap %v, closed %v, study %v", f["gap"], f["closed"], f["study"])
	}
	if st := f["study"].(map[string]any); len(st["params"].([]any)) != 2 {
		t.Errorf("study %v", st)
	}
	// From a given θ, no closed form (an animation frame), the histogram as reference.
	bins, _ := labState(map[string]any{"reference": "bins", "model": "normal"})
	f, err = s.Frame(bins, session.NewOptions(map[string]any{"data": 1.0, "theta": []any{1.0, 0.0}, "closed": false}))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f["closed"]; ok || f["kind"] != "bins" || !slices.Equal(f["theta"].([]float64), []float64{1, 0}) {
		t.Errorf("closed %v, kind %v, theta %v", f["closed"], f["kind"], f["theta"])
	}

	// Pasted numbers: no truth, no study; the state's truth is ignored.
	p, err := s.Data(st, session.NewOptions(map[string]any{"text": "x\n1\n2\n2\n3\n5"}))
	if err != nil || p["handle"] != 2 || p["header"] != "x" || p["n"] != 5 || p["integer"] != true {
		t.Fatalf("pasted: %v %v", p, err)
	}
	f, err = s.Frame(st, session.NewOptions(map[string]any{"data": 2.0, "study": true}))
	if err != nil || f["truthX"] != nil || f["study"] != nil || f["kind"] == "truth" {
		t.Errorf("pasted frame: truth %v study %v kind %v (%v)", f["truthX"], f["study"], f["kind"], err)
	}

	for _, c := range []struct {
		opts map[string]any
		code input.Code
		arg  string
	}{
		{nil, input.Invalid, "opts.data"},
		{map[string]any{"data": 1.5}, input.Invalid, "opts.data"},
		{map[string]any{"data": 9.0}, input.Invalid, "opts.data"},
		{map[string]any{"data": "1"}, input.WrongType, "opts.data"},
		{map[string]any{"data": 1.0, "theta": 3.0}, input.WrongType, "opts.theta"},
		{map[string]any{"data": 1.0, "theta": []any{0.2, "x"}}, input.WrongType, "opts.theta[1]"},
		{map[string]any{"data": 1.0, "steps": -1.0}, input.OutOfRange, "opts.steps"},
		{map[string]any{"data": 1.0, "closed": "x"}, input.WrongType, "opts.closed"},
		{map[string]any{"data": 1.0, "study": "x"}, input.WrongType, "opts.study"},
	} {
		if code, arg := codeArg(frameErr(s.Frame(st, session.NewOptions(c.opts)))); code != c.code || arg != c.arg {
			t.Errorf("%v: %s on %s, want %s on %s", c.opts, code, arg, c.code, c.arg)
		}
	}
	for _, c := range []struct {
		opts map[string]any
		code input.Code
		arg  string
	}{
		{map[string]any{"text": 5.0}, input.WrongType, "opts.text"},
		{map[string]any{"text": ""}, input.Empty, "data"},
	} {
		if code, arg := codeArg(frameErr(s.Data(st, session.NewOptions(c.opts)))); code != c.code || arg != c.arg {
			t.Errorf("data %v: %s on %s, want %s on %s", c.opts, code, arg, c.code, c.arg)
		}
	}
}

func frameErr(_ map[string]any, err error) error { return err }

func TestStoreKeepsTheLastSets(t *testing.T) {
	var s Store
	st, _ := labState(map[string]any{"truth": "normal", "a": 0.0, "n": 10.0, "model": "normal"})
	for h := 1; h <= StoreSize+2; h++ {
		d, err := s.Data(st, session.Options{})
		if err != nil || d["handle"] != h {
			t.Fatalf("handle %v, want %d (%v)", d["handle"], h, err)
		}
	}
	if len(s.sets) != StoreSize || len(s.order) != StoreSize {
		t.Fatalf("%d sets kept, want %d", len(s.sets), StoreSize)
	}
	for h := 1; h <= StoreSize+2; h++ {
		_, err := s.Frame(st, session.NewOptions(map[string]any{"data": float64(h)}))
		if evicted := h <= 2; evicted != (err != nil) {
			t.Errorf("handle %d: %v", h, err)
		}
	}
}

func TestRules(t *testing.T) {
	if code, arg := codeArg(stateErr(labState(map[string]any{"truth": "gamma", "a": -1.0}))); code != input.OutOfRange || arg != "state.a" {
		t.Errorf("gamma a = −1: %s %s", code, arg)
	}
	if code, _ := codeArg(stateErr(labState(map[string]any{"truth": "poisson", "a": 40.0}))); code != "" {
		t.Errorf("poisson a = 40: %s", code)
	}
	if code, _ := codeArg(stateErr(labState(map[string]any{"truth": "normal", "a": 40.0}))); code != input.OutOfRange {
		t.Errorf("normal a = 40: %s", code)
	}
	if code, _ := codeArg(stateErr(labState(map[string]any{"truth": "mixture", "a": -1.0}))); code != input.OutOfRange {
		t.Errorf("mixture a = −1: %s", code)
	}
	// A rule between fields judges a missing field by its default: the
	// default truth is gamma, whose a is a positive rate.
	if _, err := labState(map[string]any{"a": -1.0}); err == nil {
		t.Error("a = −1 for the default gamma truth was accepted")
	}
}

func stateErr(_ session.State, err error) error { return err }
