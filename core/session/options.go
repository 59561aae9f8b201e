package session

import (
	"math"
	"slices"
	"strconv"

	"github.com/klplayground/klplay/core/input"
)

// maxNameChars bounds a string option that names something (a model slot):
// a longer one is an error, not a key kept in memory.
const maxNameChars = 256

// Options is the second argument of a lab function: how this call is to be
// answered (steps to take, arrays to add), which a link or a saved session
// does not keep. It holds a JavaScript object decoded by value: numbers as
// float64, arrays as []any (or []float64 for a Float64Array), objects as
// map[string]any, null as nil.
//
// The accessors read one field each. A missing or null field is the default;
// a field of another kind is an *input.Error naming it "opts.NAME" (or
// "opts.forward.mu" inside a nested object). Fields no accessor asks for are
// ignored. The zero Options is an empty object.
type Options struct {
	path   string // "opts", or the nested object's name; "" is "opts"
	values map[string]any
}

// NewOptions returns the options object with the given fields (nil: none).
func NewOptions(values map[string]any) Options { return Options{values: values} }

func (o Options) arg(name string) string {
	if o.path == "" {
		return "opts." + name
	}
	return o.path + "." + name
}

// Has reports whether the field is given and not null.
func (o Options) Has(name string) bool { return o.values[name] != nil }

// Number returns a number field, or def.
func (o Options) Number(name string, def float64) (float64, error) {
	v, ok := o.values[name]
	if !ok || v == nil {
		return def, nil
	}
	x, ok := v.(float64)
	if !ok {
		return 0, input.Errorf(input.WrongType, o.arg(name), "must be a number, not %s", describe(v))
	}
	return x, nil
}

// Count returns a whole-number field in [0, max], or def.
func (o Options) Count(name string, def, max int) (int, error) {
	x, err := o.Number(name, float64(def))
	if err != nil {
		return 0, err
	}
	if x != math.Trunc(x) || x < 0 || x > float64(max) {
		return 0, input.Errorf(input.OutOfRange, o.arg(name), "is %v; it must be a whole number from 0 to %d", x, max)
	}
	return int(x), nil
}

// Bool returns a boolean field, or false.
func (o Options) Bool(name string) (bool, error) {
	v, ok := o.values[name]
	if !ok || v == nil {
		return false, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, input.Errorf(input.WrongType, o.arg(name), "must be true or false, not %s", describe(v))
	}
	return b, nil
}

// String returns a string field of at most 256 bytes (a name), or def.
func (o Options) String(name, def string) (string, error) {
	s, ok, err := o.Text(name)
	if err != nil || !ok {
		return def, err
	}
	if len(s) > maxNameChars {
		return "", input.Errorf(input.TooLarge, o.arg(name), "is %d characters long; at most %d are accepted", len(s), maxNameChars)
	}
	return s, nil
}

// Text returns a string field of any length (pasted data); ok is false when
// the field is missing or null.
func (o Options) Text(name string) (s string, ok bool, err error) {
	v := o.values[name]
	if v == nil {
		return "", false, nil
	}
	if s, ok = v.(string); !ok {
		return "", false, input.Errorf(input.WrongType, o.arg(name), "must be a string, not %s", describe(v))
	}
	return s, true, nil
}

// Floats returns an array-of-numbers field as a new slice, or nil when it is
// missing or null (an empty array is an empty, non-nil slice).
func (o Options) Floats(name string) ([]float64, error) {
	switch v := o.values[name].(type) {
	case nil:
		return nil, nil
	case []float64:
		return slices.Clone(v), nil
	case []any:
		xs := make([]float64, len(v))
		for i, e := range v {
			x, ok := e.(float64)
			if !ok {
				return nil, input.Errorf(input.WrongType, o.arg(name)+"["+strconv.Itoa(i)+"]", "is %s; entries must be numbers", describe(e))
			}
			xs[i] = x
		}
		return xs, nil
	default:
		return nil, input.Errorf(input.WrongType, o.arg(name), "must be an array of numbers or a Float64Array, not %s", describe(v))
	}
}

// Object returns a nested object field as Options whose errors name
// "opts.NAME.FIELD"; a missing or null field is an empty object.
func (o Options) Object(name string) (Options, error) {
	v := o.values[name]
	m, ok := v.(map[string]any)
	if v != nil && !ok {
		return Options{}, input.Errorf(input.WrongType, o.arg(name), "must be an object, not %s", describe(v))
	}
	return Options{path: o.arg(name), values: m}, nil
}

// describe names a decoded value's kind for an error message, as the bridge
// names a JavaScript value's, without echoing its content.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case float64:
		return "the number " + strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return "a boolean"
	case []any, []float64:
		return "an array"
	}
	return "an object"
}
