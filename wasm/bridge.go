//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"runtime/debug"
	"syscall/js"

	"github.com/klplayground/klplay/core/input"
)

// failure is the one object every function returns in place of a result when it
// fails; web/klplay.js recognises it by identity and throws an Error with its
// code, arg and message. Go cannot throw into JavaScript itself: a panic that
// escapes a js.FuncOf callback kills the runtime.
var failure = js.Global().Get("Object").New()

// handler is a bridge function: decode args, call core, encode the result.
type handler func(args []js.Value) (any, error)

// guard wraps h so that neither an error nor a panic escapes into JavaScript.
//
// Not inlined: one copy of the wrapper serves every registered function
// (inlined, each registration carried its own 2 KB copy in the wasm).
//
//go:noinline
func guard(name string, h handler) js.Func {
	return js.FuncOf(func(this js.Value, args []js.Value) (result any) {
		defer func() {
			if r := recover(); r != nil {
				setFailure("internal", name, fmt.Sprintf("internal error in %s: %v", name, r))
				println("klplay:", name, "panicked:", fmt.Sprint(r), "\n", string(debug.Stack()))
				result = failure
			}
		}()
		v, err := h(args)
		if err != nil {
			var ie *input.Error
			if errors.As(err, &ie) {
				setFailure(string(ie.Code), ie.Arg, name+": "+ie.Error())
			} else {
				setFailure("internal", name, name+": "+err.Error())
			}
			return failure
		}
		return v
	})
}

func setFailure(code, arg, msg string) {
	failure.Set("code", code)
	failure.Set("arg", arg)
	failure.Set("message", msg)
}

// arg returns args[i], or undefined when the caller passed fewer arguments.
func arg(args []js.Value, i int) js.Value {
	if i < len(args) {
		return args[i]
	}
	return js.Undefined()
}
