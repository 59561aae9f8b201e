//go:build js && wasm

// The floor `make bench` measures the playground against: the smallest page a
// Go-in-wasm KL can be, built with the same Go and flags and served by the same
// server with the same compression. It computes one KL, Σ p log(p/q), with the
// standard library only (the floor is Go's runtime, not the project's packages),
// appends an SVG bar and the number to the page, then marks the page ready the
// way the playground does (performance mark 'klplay:ready', body[data-ready]).
package main

import (
	"math"
	"strconv"
	"syscall/js"
)

func main() {
	p := []float64{0.5, 0.5}
	q := []float64{0.9, 0.1}
	kl := 0.0
	for i := range p {
		kl += p[i] * math.Log(p[i]/q[i])
	}
	doc := js.Global().Get("document")
	body := doc.Get("body")
	text := strconv.FormatFloat(kl, 'g', 17, 64)
	const ns = "http://www.w3.org/2000/svg"
	svg := doc.Call("createElementNS", ns, "svg")
	svg.Call("setAttribute", "width", "200")
	svg.Call("setAttribute", "height", "20")
	bar := doc.Call("createElementNS", ns, "rect")
	bar.Call("setAttribute", "width", strconv.FormatFloat(200*kl, 'f', 1, 64))
	bar.Call("setAttribute", "height", "20")
	svg.Call("appendChild", bar)
	body.Call("appendChild", svg)
	out := doc.Call("createElement", "p")
	out.Set("textContent", "KL(P‖Q) = "+text)
	body.Call("appendChild", out)
	js.Global().Get("performance").Call("mark", "klplay:ready")
	body.Get("dataset").Set("ready", "true")
}
