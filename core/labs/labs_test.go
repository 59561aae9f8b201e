package labs

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/jsontext"
	"github.com/klplayground/klplay/core/session"
)

// The labs whose state has cross-field rules (before they moved out of
// core/session, each had a check there), with a state that passes the schema
// and breaks the rules.
var broken = map[string]struct {
	state map[string]any
	code  input.Code
	arg   string
}{
	"continuous":         {map[string]any{"pFamily": "poisson", "p": []any{3.0}}, input.Invalid, "state.qFamily"},
	"cross-entropy":      {map[string]any{"label": 2.0}, input.OutOfRange, "state.label"},
	"divergence":         {map[string]any{"p": []any{0.5, 0.5}, "q": []any{0.5, 0.25, 0.25}}, input.LengthMismatch, "state.q"},
	"fit":                {map[string]any{"target": []any{0.5, -2.0, 1.0, 0.5, 2.0, 1.0, 1.0, 1.0}}, input.LengthMismatch, "state.target"},
	"gan":                {map[string]any{"gens": []any{"kl", "kl"}}, input.Invalid, "state.gens[1]"},
	"mle":                {map[string]any{"truth": "gamma", "a": -1.0}, input.OutOfRange, "state.a"},
	"mutual-information": {map[string]any{"rows": 3.0}, input.LengthMismatch, "state.distribution"},
	"trust-region":       {map[string]any{"mean": []any{1.0, 0.0, -1.0, 2.0}}, input.LengthMismatch, "state.mean"},
}

// The lab functions of the JavaScript API (README, "The lab functions").
var jsNames = []string{
	"continuousLab", "crossEntropyLab", "crossEntropyPoints", "divergenceLab", "elboLab", "fitLab", "ganLab", "mleData", "mleLab",
	"mutualInformationLab", "mutualInformationSweep", "mutualInformationTrain", "trustRegionLab", "vaeLab",
}

func TestTableCoversEverySchema(t *testing.T) {
	table := New()
	var ids, names []string
	for _, l := range table {
		ids = append(ids, l.ID)
		if _, ok := session.Lab(l.ID); !ok {
			t.Errorf("%s: no schema", l.ID)
		}
		if (l.Rules != nil) != (broken[l.ID].arg != "") {
			t.Errorf("%s: rules %v, want rules: %v", l.ID, l.Rules != nil, broken[l.ID].arg != "")
		}
		if len(l.Functions) == 0 {
			t.Errorf("%s: no function", l.ID)
		}
		for _, f := range l.Functions {
			if f.Frame == nil {
				t.Errorf("%s.%s: no frame", l.ID, f.Name)
			}
			names = append(names, f.Name)
		}
	}
	var schemas []string
	for _, l := range session.Labs() {
		schemas = append(schemas, l.ID)
	}
	if !slices.Equal(ids, schemas) {
		t.Errorf("table %v, schemas %v", ids, schemas)
	}
	if slices.Sort(names); !slices.Equal(names, jsNames) {
		t.Errorf("functions %v, want %v", names, jsNames)
	}
}

// TestRulesAreRegistered: session validates every lab's state, a saved
// session's included, with the lab's rules.
func TestRulesAreRegistered(t *testing.T) {
	for id, b := range broken {
		lab, _ := session.Lab(id)
		err := lab.Validate(b.state)
		var ie *input.Error
		if !errors.As(err, &ie) || ie.Code != b.code || ie.Arg != b.arg {
			t.Errorf("%s: %v, want %s on %s", id, err, b.code, b.arg)
		}
		if err := lab.Validate(map[string]any{}); err != nil {
			t.Errorf("%s: the defaults are refused: %v", id, err)
		}
	}
	s := session.Session{
		ID: "s-1", Name: "dog vs cat", Lab: "divergence",
		State:   map[string]any{"p": []any{1.0, 0.0}, "q": []any{0.9, 0.1}, "unit": "bits", "names": []any{"dog", "cat"}},
		Created: 1.7e12, Updated: 1.7e12 + 5, Version: session.Version,
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		field string
		value any
		arg   string
	}{
		{"q", []any{0.5, 0.25, 0.25}, "state.q"},
		{"names", []any{"dog"}, "state.names"},
	} {
		bad := s
		bad.State = map[string]any{}
		for k, v := range s.State {
			bad.State[k] = v
		}
		bad.State[c.field] = c.value
		var ie *input.Error
		if err := bad.Validate(); !errors.As(err, &ie) || ie.Code != input.LengthMismatch || ie.Arg != c.arg {
			t.Errorf("a session with %s = %v: %v", c.field, c.value, err)
		}
	}
}

// TestEveryFunctionAnswersTheDefaults: each lab function gives a frame for
// the lab's default state, a tree of the types the bridge encodes.
func TestEveryFunctionAnswersTheDefaults(t *testing.T) {
	for _, l := range New() {
		lab, _ := session.Lab(l.ID)
		st, err := lab.Decode(map[string]any{})
		if err != nil {
			t.Fatal(err)
		}
		handle := 0
		for _, f := range l.Functions {
			opts := map[string]any{"data": float64(handle)} // mleLab's data set, from mleData before it
			fr, err := f.Frame(st, session.NewOptions(opts))
			if err != nil {
				t.Errorf("%s: %v", f.Name, err)
				continue
			}
			if h, ok := fr["handle"].(int); ok {
				handle = h
			}
			if len(fr) == 0 {
				t.Errorf("%s: an empty frame", f.Name)
			}
			if err := encodable(f.Name, fr); err != nil {
				t.Error(err)
			}
		}
	}
}

func encodable(path string, v any) error {
	switch x := v.(type) {
	case nil, bool, int, float64, string, []float64:
		return nil
	case map[string]any:
		for k, e := range x {
			if err := encodable(path+"."+k, e); err != nil {
				return err
			}
		}
		return nil
	case []any:
		for i, e := range x {
			if err := encodable(fmt.Sprintf("%s[%d]", path, i), e); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("%s is a %T, which the bridge does not encode", path, v)
}

func TestTablesHaveTheirOwnCaches(t *testing.T) {
	a, b := New(), New()
	mleData := func(table []Lab) FrameFunc {
		for _, l := range table {
			if l.ID == "mle" {
				return l.Functions[0].Frame
			}
		}
		return nil
	}
	st, _ := session.Lab("mle")
	def, _ := st.Decode(map[string]any{})
	for _, table := range [][]Lab{a, a, b} {
		if _, err := mleData(table)(def, session.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	fr, _ := mleData(b)(def, session.Options{})
	if fr["handle"] != 2 {
		t.Errorf("the second table's second data set has handle %v, want 2", fr["handle"])
	}
}

// FuzzRules: any JSON state decodes, with every lab's rules, to a State or to
// an *input.Error; a rule never panics on a state the schema let through.
func FuzzRules(f *testing.F) {
	f.Add(`{}`)
	f.Add(`{"p": [0.5, 0.5], "q": [0.25, 0.75], "names": ["a"], "unit": "bits"}`)
	f.Add(`{"logits": [1000, 0], "label": 1, "batch": [0, 1]}`)
	f.Add(`{"rows": 2, "cols": 2, "distribution": [0.25, 0.25, 0.25, 0.25]}`)
	f.Add(`{"pFamily": "mixture", "p": [1, 0, 1], "target": [0.5, -1, 1, 0.5, 1, 1]}`)
	f.Add(`{"truth": "poisson", "a": 0.05, "gens": ["kl", "kl"], "old": [0, 0, 0], "adv": [1, 2]}`)
	f.Fuzz(func(t *testing.T, text string) {
		v, err := jsontext.Parse([]byte(text))
		if err != nil {
			return
		}
		raw, ok := v.(map[string]any)
		if !ok {
			return
		}
		for _, l := range session.Labs() {
			var ie *input.Error
			if _, err := l.Decode(raw); err != nil && !errors.As(err, &ie) {
				t.Fatalf("%s: not an *input.Error: %v", l.ID, err)
			}
		}
	})
}
