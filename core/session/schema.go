package session

import (
	"math"
	"sort"
	"strconv"

	"github.com/klplayground/klplay/core/fsum"
	"github.com/klplayground/klplay/core/input"
)

// Kind is the type of one field of a lab's state.
type Kind string

// The field kinds, named as the page's schema names them (web/lib/schema.js).
const (
	Number       Kind = "number"       // a finite float in [Min, Max]
	Integer      Kind = "int"          // a whole number in [Min, Max]
	Boolean      Kind = "bool"         // true or false
	Enum         Kind = "enum"         // one of Values
	Distribution Kind = "distribution" // MinLen..MaxLen probabilities in [0, 1] summing to 1 within 1e-6
	Labels       Kind = "labels"       // at most MaxLen strings of at most MaxChars characters
	Numbers      Kind = "numbers"      // MinLen..MaxLen finite numbers, each in [Min, Max]
)

// Field describes one field of a lab's state. The page builds its controls and
// its URL hash from the same description (klplay.labs()), so a saved session, a
// shared link and the controls agree on what a valid state is.
type Field struct {
	Name     string    `json:"name"`
	Kind     Kind      `json:"type"`
	Default  any       `json:"default"`
	Min      float64   `json:"min,omitempty"`
	Max      float64   `json:"max,omitempty"`
	Range    []float64 `json:"range,omitempty"` // the span the page's controls offer, inside [Min, Max]; empty: [Min, Max]
	MinLen   int       `json:"minLength,omitempty"`
	MaxLen   int       `json:"maxLength,omitempty"`
	MaxChars int       `json:"maxChars,omitempty"`
	Values   []string  `json:"values,omitempty"`
}

// Schema is the list of fields of one lab's state.
type Schema []Field

// Validate checks that state holds exactly the schema's fields (missing fields
// are allowed and mean the default; unknown fields are an error, so that a typo
// in a hand-edited file is reported rather than silently dropped) and that each
// value has its field's kind and range. Errors name the field as "state.NAME";
// with several faults, the first field in schema order is reported, then the
// first unknown field in sorted order, so the same state always gets the same
// error.
func (s Schema) Validate(state map[string]any) error {
	for i := range s {
		if v, ok := state[s[i].Name]; ok {
			if err := s[i].check("state."+s[i].Name, v); err != nil {
				return err
			}
		}
	}
	var unknown []string
	for k := range state {
		if s.field(k) == nil {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return input.Errorf(input.Invalid, "state."+unknown[0], "is not a field of this lab")
	}
	return nil
}

func (s Schema) field(name string) *Field {
	for i := range s {
		if s[i].Name == name {
			return &s[i]
		}
	}
	return nil
}

func (f *Field) check(arg string, v any) error {
	switch f.Kind {
	case Number, Integer:
		x, ok := v.(float64)
		if !ok {
			return input.Errorf(input.WrongType, arg, "must be a number")
		}
		return f.checkNumber(arg, x)
	case Boolean:
		if _, ok := v.(bool); !ok {
			return input.Errorf(input.WrongType, arg, "must be true or false")
		}
	case Enum:
		s, ok := v.(string)
		if !ok {
			return input.Errorf(input.WrongType, arg, "must be a string")
		}
		for _, allowed := range f.Values {
			if s == allowed {
				return nil
			}
		}
		return input.Errorf(input.UnknownName, arg, "is %q; it must be one of %v", truncate(s, 40), f.Values)
	case Distribution, Labels, Numbers:
		if fs, isFloats := v.([]float64); isFloats {
			v = floatsAsAny(fs)
		}
		xs, ok := v.([]any)
		if !ok {
			return input.Errorf(input.WrongType, arg, "must be an array")
		}
		if len(xs) < f.MinLen || len(xs) > f.MaxLen {
			return input.Errorf(input.OutOfRange, arg, "has %d entries; it must have %d to %d", len(xs), f.MinLen, f.MaxLen)
		}
		var sum fsum.Acc
		for i, e := range xs {
			ea := arg + "[" + strconv.Itoa(i) + "]"
			if f.Kind == Labels {
				s, ok := e.(string)
				if !ok {
					return input.Errorf(input.WrongType, ea, "must be a string")
				}
				if len([]rune(s)) > f.MaxChars {
					return input.Errorf(input.TooLarge, ea, "is longer than %d characters", f.MaxChars)
				}
				continue
			}
			x, ok := e.(float64)
			if !ok {
				return input.Errorf(input.WrongType, ea, "must be a number")
			}
			lo, hi := 0.0, 1.0
			if f.Kind == Numbers {
				lo, hi = f.Min, f.Max
			}
			if err := input.InRange(ea, x, lo, hi); err != nil {
				return err
			}
			sum.Add(x)
		}
		// A state passes through URLs and files with six decimals, hence 1e-6.
		if f.Kind == Distribution && math.Abs(sum.Value()-1) > 1e-6 {
			return input.Errorf(input.NotNormalized, arg, "sums to %.9g, not 1", sum.Value())
		}
	default:
		return input.Errorf(input.Invalid, arg, "has an unknown kind %q in the lab's schema", f.Kind)
	}
	return nil
}

func (f *Field) checkNumber(arg string, x float64) error {
	if err := input.InRange(arg, x, f.Min, f.Max); err != nil {
		return err
	}
	if f.Kind == Integer && x != math.Trunc(x) {
		return input.Errorf(input.OutOfRange, arg, "is %v; it must be a whole number", x)
	}
	return nil
}

func floatsAsAny(fs []float64) []any {
	out := make([]any, len(fs))
	for i, x := range fs {
		out[i] = x
	}
	return out
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
