package session

import (
	"errors"
	"strings"
	"testing"

	"github.com/klplayground/klplay/core/input"
)

func TestOptionsAccessors(t *testing.T) {
	o := NewOptions(map[string]any{
		"steps": 3.0, "lr": 0.5, "check": true, "slot": "mine", "text": strings.Repeat("1\n", 300),
		"theta": []any{0.5, -1.0}, "typed": []float64{1, 2}, "empty": []any{},
		"forward": map[string]any{"mu": 2.0}, "none": nil,
	})
	if n, err := o.Count("steps", 0, 10); n != 3 || err != nil {
		t.Errorf("Count: %v %v", n, err)
	}
	if n, err := o.Count("none", 7, 10); n != 7 || err != nil {
		t.Errorf("Count of null: %v %v, want the default", n, err)
	}
	if x, err := o.Number("lr", 1); x != 0.5 || err != nil {
		t.Errorf("Number: %v %v", x, err)
	}
	if x, err := o.Number("missing", 241); x != 241 || err != nil {
		t.Errorf("Number missing: %v %v", x, err)
	}
	if b, err := o.Bool("check"); !b || err != nil {
		t.Errorf("Bool: %v %v", b, err)
	}
	if b, err := o.Bool("missing"); b || err != nil {
		t.Errorf("Bool missing: %v %v", b, err)
	}
	if s, err := o.String("slot", "page"); s != "mine" || err != nil {
		t.Errorf("String: %q %v", s, err)
	}
	if s, err := o.String("missing", "page"); s != "page" || err != nil {
		t.Errorf("String missing: %q %v", s, err)
	}
	if s, ok, err := o.Text("text"); len(s) != 600 || !ok || err != nil {
		t.Errorf("Text (longer than a name): %d %v %v", len(s), ok, err)
	}
	if _, ok, err := o.Text("none"); ok || err != nil {
		t.Errorf("Text of null: %v %v", ok, err)
	}
	if xs, err := o.Floats("theta"); len(xs) != 2 || xs[1] != -1 || err != nil {
		t.Errorf("Floats: %v %v", xs, err)
	}
	typed, _ := o.Floats("typed")
	typed[0] = 9
	if again, _ := o.Floats("typed"); again[0] != 1 {
		t.Error("Floats shares its slice with the options")
	}
	if xs, err := o.Floats("empty"); xs == nil || len(xs) != 0 || err != nil {
		t.Errorf("Floats of []: %v %v, want an empty non-nil slice", xs, err)
	}
	if xs, err := o.Floats("missing"); xs != nil || err != nil {
		t.Errorf("Floats missing: %v %v, want nil", xs, err)
	}
	fw, err := o.Object("forward")
	if mu, _ := fw.Number("mu", 0); mu != 2 || err != nil {
		t.Errorf("Object: mu %v %v", mu, err)
	}
	if sigma, _ := fw.Number("sigma", 0.7); sigma != 0.7 {
		t.Errorf("Object: a missing nested field is %v, want the default", sigma)
	}
	if rv, err := o.Object("reverse"); err != nil || rv.Has("mu") {
		t.Errorf("Object missing: %v", err)
	}
	if !o.Has("check") || o.Has("none") || o.Has("missing") {
		t.Error("Has")
	}
	var zero Options
	if n, err := zero.Count("steps", 4, 10); n != 4 || err != nil {
		t.Errorf("the zero Options: %v %v", n, err)
	}
}

func TestOptionsErrorsNameTheField(t *testing.T) {
	o := NewOptions(map[string]any{
		"s": "3", "half": 1.5, "neg": -1.0, "big": 11.0, "n": 2.0, "arr": []any{1.0}, "obj": map[string]any{"mu": true},
		"long": strings.Repeat("x", 257), "mixed": []any{0.5, nil}, "flag": false,
	})
	cases := []struct {
		name string
		err  error
		code input.Code
		arg  string
		msg  string
	}{
		{"number of a string", second(o.Number("s", 0)), input.WrongType, "opts.s", "must be a number, not a string"},
		{"count of a fraction", second(o.Count("half", 0, 10)), input.OutOfRange, "opts.half", "is 1.5; it must be a whole number from 0 to 10"},
		{"count below 0", second(o.Count("neg", 0, 10)), input.OutOfRange, "opts.neg", "is -1; it must be a whole number from 0 to 10"},
		{"count above max", second(o.Count("big", 0, 10)), input.OutOfRange, "opts.big", "is 11; it must be a whole number from 0 to 10"},
		{"count of a string", second(o.Count("s", 0, 10)), input.WrongType, "opts.s", "must be a number, not a string"},
		{"bool of a number", second(o.Bool("n")), input.WrongType, "opts.n", "must be true or false, not the number 2"},
		{"string of an array", second(o.String("arr", "")), input.WrongType, "opts.arr", "must be a string, not an array"},
		{"long string", second(o.String("long", "")), input.TooLarge, "opts.long", "is 257 characters long; at most 256 are accepted"},
		{"text of a boolean", third(o.Text("flag")), input.WrongType, "opts.flag", "must be a string, not a boolean"},
		{"floats of an object", second(o.Floats("obj")), input.WrongType, "opts.obj", "must be an array of numbers or a Float64Array, not an object"},
		{"floats with a null", second(o.Floats("mixed")), input.WrongType, "opts.mixed[1]", "is null; entries must be numbers"},
		{"object of a number", second(o.Object("n")), input.WrongType, "opts.n", "must be an object, not the number 2"},
	}
	nested, _ := o.Object("obj")
	_, err := nested.Number("mu", 0)
	cases = append(cases, struct {
		name string
		err  error
		code input.Code
		arg  string
		msg  string
	}{"nested", err, input.WrongType, "opts.obj.mu", "must be a number, not a boolean"})
	for _, c := range cases {
		var ie *input.Error
		if !errors.As(c.err, &ie) || ie.Code != c.code || ie.Arg != c.arg || ie.Msg != c.msg {
			t.Errorf("%s: %v, want %s on %s: %s", c.name, c.err, c.code, c.arg, c.msg)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func third[T, U any](_ T, _ U, err error) error { return err }

func TestRegisterRules(t *testing.T) {
	l := mustLab(t, "elbo") // a lab whose schema says everything
	if l.rules != nil {
		t.Fatal("elbo has rules registered")
	}
	defer func() { l.rules = nil }()
	var seen State
	RegisterRules("elbo", func(st State) error {
		seen = st
		if st.Number("x") == 5.5 {
			return input.Errorf(input.Invalid, "state.x", "is the one value the rule refuses")
		}
		return nil
	})
	if err := l.Validate(map[string]any{"x": 5.5}); err == nil {
		t.Error("the registered rule did not run")
	}
	if err := l.Validate(map[string]any{"x": 7.0}); err == nil {
		t.Error("the schema's bound did not come first")
	}
	if seen.Number("x") != 5.5 {
		t.Error("the rule ran on a state the schema refused")
	}
	if st, err := l.Decode(map[string]any{}); err != nil || seen.Number("sigma") != 0.7 || st.Number("sigma") != 0.7 {
		t.Errorf("the rule sees the defaults: %v", err)
	}
	for name, f := range map[string]func(){
		"a second registration": func() { RegisterRules("elbo", func(State) error { return nil }) },
		"an unknown lab":        func() { RegisterRules("alchemy", func(State) error { return nil }) },
		"nil rules":             func() { RegisterRules("vae", nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
