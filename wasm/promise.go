//go:build js && wasm

package main

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"syscall/js"
	"time"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

// Error codes of the sessions API beside core/session's (not-found, conflict,
// corrupt, storage) and core's input codes that report a bad argument.
const (
	codeBlocked  input.Code = "blocked"  // the database could not be opened in time (another tab)
	codeInternal input.Code = "internal" // a bug in the bridge (a recovered panic)
)

// opTimeout bounds every asynchronous operation of the sessions API.
const opTimeout = 20 * time.Second

var (
	jsPromise = js.Global().Get("Promise")
	jsError   = js.Global().Get("Error")
	jsJSON    = js.Global().Get("JSON")
)

// asyncWork is the part of a call that waits: it runs in a goroutine.
type asyncWork = func(ctx context.Context) (js.Value, error)

// asyncHandler decodes its arguments synchronously (inside the js.FuncOf
// callback, so the caller's objects are read as they are at the call) and
// returns the work to do, which runs in a goroutine: IndexedDB answers through
// events, and waiting for them inside the callback would deadlock. When err is
// not nil the call rejects with it and work is not run.
type asyncHandler func(args []js.Value) (work asyncWork, err error)

// asyncFunc wraps h as a JavaScript function that always returns a Promise.
// The Promise resolves with the work's value, or rejects with a real Error whose
// name is "KlplayError" and whose code, arg and message follow the synchronous
// functions' errors. Neither an error nor a panic escapes into JavaScript, and the
// shared failure object is never returned: web/klplay.js does not unwrap
// promises, so a rejection must carry its own Error.
//
// Not inlined: one copy of the wrapper serves every registered function
// (inlined, each registration carried its own 2 KB copy in the wasm).
//
//go:noinline
func asyncFunc(name string, h asyncHandler) js.Func {
	return js.FuncOf(func(this js.Value, args []js.Value) any {
		var resolve, reject js.Value
		executor := js.FuncOf(func(_ js.Value, a []js.Value) any {
			resolve, reject = a[0], a[1]
			return nil
		})
		p := jsPromise.New(executor) // the executor runs synchronously, inside New
		executor.Release()

		work, err := decodeSafely(name, h, args)
		if err != nil {
			reject.Invoke(errorValue(name, err))
			return p
		}
		go func() {
			v, err := runSafely(name, work)
			if err != nil {
				reject.Invoke(errorValue(name, err))
				return
			}
			resolve.Invoke(v)
		}()
		return p
	})
}

func decodeSafely(name string, h asyncHandler, args []js.Value) (work asyncWork, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = panicError(name, r)
		}
	}()
	return h(args)
}

func runSafely(name string, work asyncWork) (v js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = panicError(name, r)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	v, err = work(ctx)
	if err == nil {
		// A library wait that ended because ctx expired can return (undefined, nil).
		err = session.CheckContext(ctx)
	}
	return v, err
}

func panicError(name string, r any) error {
	println("klplay:", name, "panicked:", fmt.Sprint(r), "\n", string(debug.Stack()))
	return &input.Error{Code: codeInternal, Msg: fmt.Sprintf("internal error: %v", r)}
}

// errorValue builds the JavaScript Error for err: code and arg as properties,
// the message prefixed by the function's name as the synchronous functions do.
func errorValue(name string, err error) js.Value {
	code, arg, msg := string(codeInternal), name, err.Error()
	var ie *input.Error
	if errors.As(err, &ie) {
		code, arg, msg = string(ie.Code), ie.Arg, ie.Error()
		if ie.Arg == "" {
			arg, msg = name, ie.Msg
		}
	}
	e := jsError.New(name + ": " + msg)
	e.Set("name", "KlplayError")
	e.Set("code", code)
	e.Set("arg", arg)
	return e
}

// parseJSON turns JSON produced by Go into a plain JavaScript value in one call.
func parseJSON(b []byte) js.Value {
	return jsJSON.Call("parse", string(b))
}

// toJSON returns JSON.stringify(v), or nil when v is undefined. A value that
// JSON cannot hold (a BigInt, a cycle) is an error, not a panic.
func toJSON(v js.Value) (b []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot be read as JSON: %v", r)
		}
	}()
	if v.IsUndefined() {
		return nil, nil
	}
	s := jsJSON.Call("stringify", v)
	if typeOf(s) != js.TypeString {
		return nil, fmt.Errorf("cannot be read as JSON (it is %s)", describe(v))
	}
	return []byte(s.String()), nil
}
