//go:build js && wasm

// Command wasm is the bridge between the page and core/: it decodes JavaScript
// values, calls core, and encodes the answer. No mathematics lives here.
//
// On start it hands its table of functions to globalThis.__klplayReady (set by
// web/klplay.js, which turns error records into thrown Errors) or, where no loader
// is waiting, leaves it on globalThis.klplayRaw.
package main

import "syscall/js"

func main() {
	raw := newAPI()
	if ready := js.Global().Get("__klplayReady"); ready.Type() == js.TypeFunction {
		ready.Invoke(raw)
	} else {
		js.Global().Set("klplayRaw", raw)
	}
	select {}
}
