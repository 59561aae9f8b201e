//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/klplayground/klplay/core/labs"
	"github.com/klplayground/klplay/core/session"
)

// setLabs adds the lab functions of core/labs to the API. Each takes the
// lab's state and, for some, options; core computes the frame, and the
// bridge only decodes the two arguments and encodes the answer.
func setLabs(set func(string, handler)) {
	for _, l := range labs.New() {
		for _, f := range l.Functions {
			id, frame := l.ID, f.Frame
			set(f.Name, func(a []js.Value) (any, error) {
				st, err := labState(id, arg(a, 0))
				if err != nil {
					return nil, err
				}
				opts, err := optionsArg(arg(a, 1))
				if err != nil {
					return nil, err
				}
				fr, err := frame(st, opts)
				if err != nil {
					return nil, err
				}
				return encode(fr), nil
			})
		}
	}
}

// labState decodes the first argument of a lab function, the lab's state,
// against the lab's schema (core/session/labs/<id>.json): a missing field is
// its default, an unknown one, a wrong type or a value out of bounds is an
// error naming "state.<field>". Undefined or null is the default state.
func labState(id string, v js.Value) (session.State, error) {
	raw := map[string]any{}
	if !v.IsUndefined() && !v.IsNull() {
		m, err := object("state", v)
		if err != nil {
			return session.State{}, err
		}
		raw = m
	}
	lab, _ := session.Lab(id)
	return lab.Decode(raw)
}

// optionsArg decodes the options object of a call by value; undefined and
// null are no options, anything else but an object is wrong-type "opts".
func optionsArg(v js.Value) (session.Options, error) {
	switch typeOf(v) {
	case js.TypeUndefined, js.TypeNull:
		return session.Options{}, nil
	}
	m, err := object("opts", v)
	return session.NewOptions(m), err
}

// encode turns a frame into JavaScript values: a []float64 becomes a
// Float64Array in one copy, a map an object, a []any an array; numbers,
// strings, booleans and nil pass to js.ValueOf as they are.
func encode(v any) any {
	switch x := v.(type) {
	case []float64:
		return toFloat64Array(x)
	case map[string]any:
		o := jsObject.New()
		for k, e := range x {
			o.Set(k, encode(e))
		}
		return o
	case []any:
		a := jsArray.New(len(x))
		for i, e := range x {
			a.SetIndex(i, encode(e))
		}
		return a
	}
	return v
}
