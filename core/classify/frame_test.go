package classify

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

// labState decodes raw against the Cross-entropy lab's schema and applies
// Rules, as session's Validate does once core/labs has registered them.
func labState(raw map[string]any) (session.State, error) {
	lab, _ := session.Lab("cross-entropy")
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

func TestFrame(t *testing.T) {
	keys := []string{"crossEntropy", "entropyP", "grad", "gradNorm", "kl", "logQ", "logits", "loss", "losses", "p", "q", "traceKL", "traceLoss"}
	cases := []struct {
		name  string
		raw   map[string]any
		steps float64
		loss  float64 // H(P, Q) before any step
		trace int
	}{
		// The default logits [log 9, 0] give Q = (0.9, 0.1); the label is class 0.
		{"default", map[string]any{}, 0, -math.Log(0.9), 0},
		{"bits", map[string]any{"unit": "bits"}, 0, -math.Log2(0.9), 0},
		{"three steps", map[string]any{}, 3, -math.Log(0.9), 3},
		// A batch of classes 0, 0, 1, 0: P̄ = (¾, ¼), H(P̄, Q) = −¾ log 0.9 − ¼ log 0.1.
		{"batch", map[string]any{"mode": "batch"}, 0, -0.75*math.Log(0.9) - 0.25*math.Log(0.1), 0},
	}
	for _, c := range cases {
		st, err := labState(c.raw)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Frame(st, session.NewOptions(map[string]any{"steps": c.steps}))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := make([]string, 0, len(f))
		for k := range f {
			got = append(got, k)
		}
		if slices.Sort(got); !slices.Equal(got, keys) {
			t.Errorf("%s: keys %v", c.name, got)
		}
		if tr := f["traceLoss"].([]float64); len(tr) != c.trace {
			t.Errorf("%s: %d trace points", c.name, len(tr))
		}
		if c.steps == 0 && !near(f["loss"].(float64), c.loss, 1e-14) {
			t.Errorf("%s: loss %v, want %v", c.name, f["loss"], c.loss)
		}
		if c.steps > 0 && f["loss"].(float64) >= c.loss {
			t.Errorf("%s: three steps did not lower the loss: %v", c.name, f["loss"])
		}
	}
	st, _ := labState(map[string]any{})
	for _, steps := range []any{1.5, 1001.0, "3"} {
		if _, err := Frame(st, session.NewOptions(map[string]any{"steps": steps})); err == nil {
			t.Errorf("steps %v: no error", steps)
		}
	}
	lab, _ := session.Lab("cross-entropy")
	bad, _ := lab.Decode(map[string]any{"mode": "batch", "batch": []any{0.0, 5.0}})
	if code, arg := codeArg(frameErr(Frame(bad, session.Options{}))); code != input.OutOfRange || arg != "batch[1]" {
		t.Errorf("a class past the logits, without the rules: %s on %s", code, arg)
	}
}

func frameErr(_ map[string]any, err error) error { return err }

func TestRules(t *testing.T) {
	cases := []struct {
		state map[string]any
		code  input.Code
		arg   string
	}{
		{map[string]any{"logits": []any{1.0, 2.0, 3.0}, "names": []any{"a", "b"}}, input.LengthMismatch, "state.names"},
		{map[string]any{"logits": []any{1.0, 2.0}, "label": 2.0}, input.OutOfRange, "state.label"},
		{map[string]any{"label": 1.0, "batch": []any{0.0, 1.5}}, input.OutOfRange, "state.batch[1]"},
		{map[string]any{"logits": []any{1.0, 2.0, 3.0}, "batch": []any{0.0, 3.0}, "names": []any{}}, input.OutOfRange, "state.batch[1]"},
		{map[string]any{"logits": []any{1.0, 2.0, 3.0}, "batch": []any{0.0, 2.0}, "label": 2.0, "names": []any{"a", "b", "c"}}, "", ""},
	}
	for i, c := range cases {
		_, err := labState(c.state)
		if code, arg := codeArg(err); code != c.code || arg != c.arg {
			t.Errorf("case %d: got %s on %q, want %s on %q", i, code, arg, c.code, c.arg)
		}
	}
}

// TestRulesSeeTheDefaults: a rule between fields judges a missing field by
// its default, as the lab will use it.
func TestRulesSeeTheDefaults(t *testing.T) {
	// The default logits have 2 classes: label 1 is fine, label 2 is not.
	if _, err := labState(map[string]any{"label": 1.0}); err != nil {
		t.Error(err)
	}
	if _, err := labState(map[string]any{"label": 2.0}); err == nil {
		t.Error("label 2 with the 2 default classes was accepted")
	}
}
