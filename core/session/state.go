package session

import (
	"math"

	"github.com/klplayground/klplay/core/fsum"
)

// State is one lab's state decoded against the lab's schema: every field of
// the schema is present (a missing one at its default), each of its kind and
// within its bounds, and the lab's registered cross-field rules hold. The lab
// frames (core/labs) read the state from a State and from nothing else, so a
// function called with {p, q, unit: "bits"} answers in bits, and a field left
// out means exactly what the schema's default says.
//
// The accessors panic when asked for a field the schema does not have, or as a
// kind it does not have: that is a bug in the caller, not bad input.
type State struct {
	lab    *LabInfo
	values map[string]any
}

// Decode validates raw as Validate does and returns it as a State. Unknown
// fields are an error (code invalid), so a misspelt field is reported, not
// silently replaced by its default. Errors name the field as "state.NAME".
// The schema is checked first, then the lab's registered rules (RegisterRules).
func (l *LabInfo) Decode(raw map[string]any) (State, error) {
	if err := l.Fields.Validate(raw); err != nil {
		return State{}, err
	}
	values := make(map[string]any, len(l.Fields))
	for _, f := range l.Fields {
		if v, ok := raw[f.Name]; ok {
			if fs, isFloats := v.([]float64); isFloats {
				v = floatsAsAny(fs) // one shape for the cross-field rules and the accessors
			}
			values[f.Name] = v
		} else {
			values[f.Name] = f.Default
		}
	}
	st := State{lab: l, values: values}
	if l.rules != nil {
		if err := l.rules(st); err != nil {
			return State{}, err
		}
	}
	return st, nil
}

// Validate checks a state against the lab's schema and its registered
// cross-field rules; a missing field means its default, for the rules too.
func (l *LabInfo) Validate(state map[string]any) error {
	_, err := l.Decode(state)
	return err
}

func (s State) get(name string, kinds ...Kind) any {
	f := s.lab.field(name)
	for _, k := range kinds {
		if f != nil && f.Kind == k {
			return s.values[name]
		}
	}
	panic("session: lab " + s.lab.ID + " has no field " + name + " of the kind asked for")
}

// Number returns a number field.
func (s State) Number(name string) float64 { return s.get(name, Number).(float64) }

// Int returns an int field.
func (s State) Int(name string) int { return int(s.get(name, Integer).(float64)) }

// Bool returns a bool field.
func (s State) Bool(name string) bool { return s.get(name, Boolean).(bool) }

// Enum returns an enum field: one of the field's values.
func (s State) Enum(name string) string { return s.get(name, Enum).(string) }

// Floats returns a numbers or distribution field as a new slice. A
// distribution is rescaled to sum to 1: the schema accepts |Σ − 1| ≤ 1e-6
// (a state passes through links and files with six decimals), the measures
// of the core accept 1e-9, and the two must not disagree about one state.
func (s State) Floats(name string) []float64 {
	v := s.get(name, Numbers, Distribution)
	list := v.([]any)
	xs := make([]float64, len(list))
	for i, e := range list {
		xs[i] = e.(float64)
	}
	if s.lab.field(name).Kind == Distribution {
		sum := fsum.Sum(xs)
		for i := range xs {
			xs[i] /= sum
		}
	}
	return xs
}

// Strings returns a labels field.
func (s State) Strings(name string) []string {
	v := s.get(name, Labels).([]any)
	out := make([]string, len(v))
	for i, e := range v {
		out[i] = e.(string)
	}
	return out
}

// Base is the logarithm base of the state's unit field: 2 for "bits", e for
// "nats". A lab whose schema has no unit field answers in nats.
func (s State) Base() float64 {
	if s.values["unit"] == "bits" {
		return 2
	}
	return math.E
}

func (l *LabInfo) field(name string) *Field { return l.Fields.field(name) }
