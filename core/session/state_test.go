package session

import (
	"errors"
	"math"
	"testing"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/jsontext"
)

func mustLab(t *testing.T, id string) *LabInfo {
	t.Helper()
	l, ok := Lab(id)
	if !ok {
		t.Fatalf("no lab %q", id)
	}
	return l
}

func TestDecodeFillsEveryDefault(t *testing.T) {
	for _, l := range Labs() {
		st, err := l.Decode(map[string]any{})
		if err != nil {
			t.Fatalf("%s: the default state is refused: %v", l.ID, err)
		}
		for _, f := range l.Fields {
			got, _ := jsontext.Marshal(st.values[f.Name])
			want, _ := jsontext.Marshal(f.Default)
			if string(got) != string(want) {
				t.Errorf("%s.%s = %v, want the default %v", l.ID, f.Name, got, f.Default)
			}
		}
	}
}

func TestStateAccessors(t *testing.T) {
	st, err := mustLab(t, "elbo").Decode(map[string]any{"model": "square", "x": 0.8, "samples": 7.0})
	if err != nil {
		t.Fatal(err)
	}
	if st.Enum("model") != "square" || st.Number("x") != 0.8 || st.Int("samples") != 7 {
		t.Errorf("given fields: %v %v %v", st.Enum("model"), st.Number("x"), st.Int("samples"))
	}
	if st.Number("sigma") != 0.7 || st.Number("m") != -1.5 || st.Int("seed") != 1 || st.Enum("gradient") != "reparam" {
		t.Errorf("defaults: σ %v m %v seed %v gradient %v", st.Number("sigma"), st.Number("m"), st.Int("seed"), st.Enum("gradient"))
	}
	if st.Base() != math.E {
		t.Errorf("a lab without a unit answers in nats, got base %v", st.Base())
	}

	gan, _ := mustLab(t, "gan").Decode(map[string]any{"gens": []any{"kl", "jensen-shannon"}})
	if g := gan.Strings("gens"); len(g) != 2 || g[1] != "jensen-shannon" {
		t.Errorf("gens %v", g)
	}

	// A distribution that passes the schema (|Σ − 1| ≤ 1e-6) comes out summing to 1.
	div, err := mustLab(t, "divergence").Decode(map[string]any{"p": []any{0.3333335, 0.3333335, 0.3333335}, "q": []float64{0.5, 0.25, 0.25}, "unit": "bits"})
	if err != nil {
		t.Fatal(err)
	}
	p := div.Floats("p")
	if s := p[0] + p[1] + p[2]; math.Abs(s-1) > 1e-15 || math.Abs(p[0]-1.0/3) > 1e-15 {
		t.Errorf("p = %v (Σ %v)", p, s)
	}
	if q := div.Floats("q"); q[0] != 0.5 || q[2] != 0.25 {
		t.Errorf("a Float64Array field: %v", q)
	}
	if div.Base() != 2 {
		t.Errorf("unit bits: base %v", div.Base())
	}
	p[0] = 9
	if div.Floats("p")[0] == 9 {
		t.Error("Floats shares its slice with the state")
	}
}

func TestStateAccessorsPanicOnAWrongName(t *testing.T) {
	st, _ := mustLab(t, "divergence").Decode(map[string]any{})
	for name, f := range map[string]func(){
		"unknown field": func() { st.Number("nope") },
		"wrong kind":    func() { st.Number("unit") },
		"int of a list": func() { st.Int("p") },
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

func TestDecodeErrorsAreDeterministic(t *testing.T) {
	l := mustLab(t, "cross-entropy")
	// Several faults at once: the first field in schema order is named, every time.
	state := map[string]any{"zeta": 1.0, "alpha": 2.0, "lr": 0.0, "label": 0.5, "unit": "hartleys"}
	for i := 0; i < 50; i++ {
		err := l.Validate(state)
		var ie *input.Error
		if !errors.As(err, &ie) || ie.Arg != "state.label" || ie.Code != input.OutOfRange {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	for i := 0; i < 50; i++ {
		err := l.Validate(map[string]any{"zeta": 1.0, "alpha": 2.0})
		var ie *input.Error
		if !errors.As(err, &ie) || ie.Arg != "state.alpha" || ie.Code != input.Invalid {
			t.Fatalf("unknown fields, run %d: %v", i, err)
		}
	}
}

func TestRangeLiesWithinTheBounds(t *testing.T) {
	seen := false
	for _, l := range Labs() {
		for _, f := range l.Fields {
			if f.Range == nil {
				continue
			}
			seen = true
			if len(f.Range) != 2 || f.Range[0] < f.Min || f.Range[1] > f.Max || f.Range[0] >= f.Range[1] {
				t.Errorf("%s.%s: range %v outside [%v, %v]", l.ID, f.Name, f.Range, f.Min, f.Max)
			}
		}
	}
	if !seen {
		t.Error("no field has a range")
	}
	if _, err := parseLab([]byte(`{"id": "x", "fields": [{"name": "a", "type": "number", "range": [1]}]}`)); err == nil {
		t.Error("a range of one number was accepted")
	}
}

// FuzzLabDecode: any JSON state decodes for every lab to a State whose every
// field can be read, or to an *input.Error; never a panic.
func FuzzLabDecode(f *testing.F) {
	f.Add(`{}`)
	f.Add(`{"p": [0.5, 0.5], "q": [0.25, 0.75], "unit": "bits"}`)
	f.Add(`{"logits": [1000, 0], "label": 1, "batch": [0, 1]}`)
	f.Add(`{"rows": 2, "cols": 2, "distribution": [0.25, 0.25, 0.25, 0.25]}`)
	f.Add(`{"pFamily": "mixture", "p": [1, 0, 1], "target": [0.5, -1, 1, 0.5, 1, 1]}`)
	f.Fuzz(func(t *testing.T, text string) {
		v, err := jsontext.Parse([]byte(text))
		if err != nil {
			return
		}
		raw, ok := v.(map[string]any)
		if !ok {
			return
		}
		for _, l := range Labs() {
			st, err := l.Decode(raw)
			if err != nil {
				var ie *input.Error
				if !errors.As(err, &ie) {
					t.Fatalf("%s: not an *input.Error: %v", l.ID, err)
				}
				continue
			}
			for _, fd := range l.Fields {
				switch fd.Kind {
				case Number:
					st.Number(fd.Name)
				case Integer:
					st.Int(fd.Name)
				case Boolean:
					st.Bool(fd.Name)
				case Enum:
					st.Enum(fd.Name)
				case Labels:
					st.Strings(fd.Name)
				case Numbers, Distribution:
					for _, x := range st.Floats(fd.Name) {
						if math.IsNaN(x) || math.IsInf(x, 0) {
							t.Fatalf("%s.%s: %v", l.ID, fd.Name, x)
						}
					}
				}
			}
		}
	})
}
