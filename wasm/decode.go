//go:build js && wasm

package main

import (
	"strconv"
	"syscall/js"
	"unsafe"

	"github.com/klplayground/klplay/core/input"
)

// maxEntries bounds every array taken from JavaScript (10⁷ float64s = 80 MB).
const maxEntries = 10_000_000

// maxDepth bounds the nesting of objects decoded by value (distribution specs).
const maxDepth = 6

var (
	float64Array = js.Global().Get("Float64Array")
	uint8Array   = js.Global().Get("Uint8Array")
	arrayBuffer  = js.Global().Get("ArrayBuffer")
	jsArray      = js.Global().Get("Array")
	jsObject     = js.Global().Get("Object")
)

// typeBigInt is the type of a BigInt, which syscall/js has no name for: its
// Value.Type panics ("bad type flag") on one.
const typeBigInt js.Type = -1

// typeOf is v.Type(), or typeBigInt for a BigInt: every reader-supplied value
// is typed through it, so that a BigInt is reported as bad input by name
// instead of panicking the bridge.
func typeOf(v js.Value) (t js.Type) {
	defer func() {
		if recover() != nil {
			t = typeBigInt
		}
	}()
	return v.Type()
}

// floats decodes an Array of numbers or any typed array into a []float64.
// A Float64Array is copied in one CopyBytesToGo over a byte view of its buffer;
// other arrays are first converted by Float64Array.from in one call, and only when
// that yields NaN are the elements inspected to say which one is not a number.
func floats(name string, v js.Value) ([]float64, error) {
	if typeOf(v) != js.TypeObject {
		return nil, input.Errorf(input.WrongType, name, "must be an array of numbers or a Float64Array, not %s", describe(v))
	}
	isF64 := v.InstanceOf(float64Array)
	isArray := !isF64 && jsArray.Call("isArray", v).Bool()
	if !isF64 && !isArray && !arrayBuffer.Call("isView", v).Bool() {
		return nil, input.Errorf(input.WrongType, name, "must be an array of numbers or a Float64Array, not %s", describe(v))
	}
	n := v.Get("length").Int()
	if n > maxEntries {
		return nil, input.Errorf(input.TooLarge, name, "has %d entries; at most %d are accepted", n, maxEntries)
	}
	typed := v
	if !isF64 {
		// Float64Array.from turns "0.5" into 0.5 and null into 0; a reader who
		// passed those gets told, not a silently converted answer.
		if isArray && !allNumbers(v) {
			for i := 0; i < n; i++ {
				if e := v.Index(i); typeOf(e) != js.TypeNumber {
					return nil, input.Errorf(input.WrongType, name+"["+strconv.Itoa(i)+"]", "is %s; entries must be numbers", describe(e))
				}
			}
		}
		typed = float64Array.Call("from", v)
	}
	out := make([]float64, n)
	if n == 0 {
		return out, nil
	}
	bytes := unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), n*8)
	js.CopyBytesToGo(bytes, uint8Array.New(typed.Get("buffer"), typed.Get("byteOffset"), n*8))
	return out, nil
}

// allNumbersJS is the loader's check that every element of an Array is a number
// (web/klplay.js defines it): one call instead of one per element. Without the
// loader each element is inspected from Go.
var allNumbersJS = js.Global().Get("__klplayAllNumbers")

func allNumbers(v js.Value) bool {
	if allNumbersJS.Type() != js.TypeFunction {
		return false
	}
	return allNumbersJS.Invoke(v).Bool()
}

// table decodes an array of rows of numbers (a joint distribution).
func table(name string, v js.Value) ([][]float64, error) {
	if typeOf(v) != js.TypeObject || !jsArray.Call("isArray", v).Bool() {
		return nil, input.Errorf(input.WrongType, name, "must be an array of rows, not %s", describe(v))
	}
	n := v.Length()
	if n > 4096 {
		return nil, input.Errorf(input.TooLarge, name, "has %d rows; at most 4096 are accepted", n)
	}
	rows := make([][]float64, n)
	for i := range rows {
		r, err := floats(name+"["+strconv.Itoa(i)+"]", v.Index(i))
		if err != nil {
			return nil, err
		}
		rows[i] = r
	}
	return rows, nil
}

// toFloat64Array encodes xs as a new Float64Array in one copy.
func toFloat64Array(xs []float64) js.Value {
	a := float64Array.New(len(xs))
	if len(xs) > 0 {
		js.CopyBytesToJS(uint8Array.New(a.Get("buffer")), unsafe.Slice((*byte)(unsafe.Pointer(&xs[0])), len(xs)*8))
	}
	return a
}

// number decodes a required number.
func number(name string, v js.Value) (float64, error) {
	if typeOf(v) != js.TypeNumber {
		return 0, input.Errorf(input.WrongType, name, "must be a number, not %s", describe(v))
	}
	return v.Float(), nil
}

// str decodes a required string.
func str(name string, v js.Value) (string, error) {
	if typeOf(v) != js.TypeString {
		return "", input.Errorf(input.WrongType, name, "must be a string, not %s", describe(v))
	}
	s := v.String()
	if len(s) > 256 {
		return "", input.Errorf(input.TooLarge, name, "is %d characters long; at most 256 are accepted", len(s))
	}
	return s, nil
}

// value decodes a plain JavaScript value (number, string, boolean, array, typed
// array, object) into Go's any, as encoding/json would, bounded in depth and size.
func value(name string, v js.Value, depth int) (any, error) {
	if depth > maxDepth {
		return nil, input.Errorf(input.TooLarge, name, "is nested more than %d levels deep", maxDepth)
	}
	switch typeOf(v) {
	case js.TypeNumber:
		return v.Float(), nil
	case js.TypeString:
		return v.String(), nil
	case js.TypeBoolean:
		return v.Bool(), nil
	case js.TypeNull, js.TypeUndefined:
		return nil, nil
	case js.TypeObject:
		if jsArray.Call("isArray", v).Bool() || arrayBuffer.Call("isView", v).Bool() {
			n := v.Length()
			if n > 100_000 {
				return nil, input.Errorf(input.TooLarge, name, "has %d entries; at most 100000 are accepted", n)
			}
			if v.InstanceOf(float64Array) {
				return floats(name, v)
			}
			out := make([]any, n)
			for i := range out {
				e, err := value(name+"["+strconv.Itoa(i)+"]", v.Index(i), depth+1)
				if err != nil {
					return nil, err
				}
				out[i] = e
			}
			return out, nil
		}
		keys := jsObject.Call("keys", v)
		n := keys.Length()
		if n > 64 {
			return nil, input.Errorf(input.TooLarge, name, "has %d fields; at most 64 are accepted", n)
		}
		out := make(map[string]any, n)
		for i := 0; i < n; i++ {
			k := keys.Index(i).String()
			e, err := value(name+"."+k, v.Get(k), depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = e
		}
		return out, nil
	}
	return nil, input.Errorf(input.WrongType, name, "cannot be %s", describe(v))
}

// object decodes a required plain object by value.
func object(name string, v js.Value) (map[string]any, error) {
	if typeOf(v) != js.TypeObject || jsArray.Call("isArray", v).Bool() {
		return nil, input.Errorf(input.WrongType, name, "must be an object, not %s", describe(v))
	}
	m, err := value(name, v, 0)
	if err != nil {
		return nil, err
	}
	return m.(map[string]any), nil
}

// describe names a value's type for an error message, without echoing its content.
func describe(v js.Value) string {
	switch typeOf(v) {
	case js.TypeUndefined:
		return "undefined"
	case js.TypeNull:
		return "null"
	case js.TypeString:
		return "a string"
	case js.TypeNumber:
		return "the number " + strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case js.TypeBoolean:
		return "a boolean"
	case js.TypeFunction:
		return "a function"
	case js.TypeSymbol:
		return "a symbol"
	case typeBigInt:
		return "a BigInt"
	}
	if jsArray.Call("isArray", v).Bool() {
		return "an array"
	}
	return "an object"
}
