//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/klplayground/klplay/core/distribution"
	"github.com/klplayground/klplay/core/divergence"
)

// version is the API version reported as klplay.version.
const version = "0.1.0"

// newAPI builds the table of functions that web/klplay.js turns into globalThis.klplay.
func newAPI() js.Value {
	api := js.Global().Get("Object").New()
	api.Set("version", version)
	api.Set("failure", failure)
	set := func(name string, h handler) { api.Set(name, guard(name, h)) }

	set("entropy", func(a []js.Value) (any, error) {
		p, o, err := vectorAndOptions(a, 0)
		if err != nil {
			return nil, err
		}
		return divergence.Entropy(p, o)
	})
	pairFn := func(f func(p, q []float64, o divergence.Options) (float64, error)) handler {
		return func(a []js.Value) (any, error) {
			p, q, o, err := pairAndOptions(a, 0)
			if err != nil {
				return nil, err
			}
			return f(p, q, o)
		}
	}
	set("crossEntropy", pairFn(divergence.CrossEntropy))
	set("kl", pairFn(divergence.KL))
	set("jensenShannon", pairFn(divergence.JensenShannon))
	set("fDivergence", func(a []js.Value) (any, error) {
		name, err := str("name", arg(a, 0))
		if err != nil {
			return nil, err
		}
		p, q, o, err := pairAndOptions(a, 1)
		if err != nil {
			return nil, err
		}
		return divergence.FDivergence(name, p, q, o)
	})
	set("renyi", func(a []js.Value) (any, error) {
		p, err := floats("p", arg(a, 0))
		if err != nil {
			return nil, err
		}
		q, err := floats("q", arg(a, 1))
		if err != nil {
			return nil, err
		}
		alpha, err := number("alpha", arg(a, 2))
		if err != nil {
			return nil, err
		}
		o, err := measureOptionsAt(a, 3)
		if err != nil {
			return nil, err
		}
		return divergence.Renyi(p, q, alpha, o)
	})
	set("mutualInformation", func(a []js.Value) (any, error) {
		joint, err := table("joint", arg(a, 0))
		if err != nil {
			return nil, err
		}
		o, err := measureOptionsAt(a, 1)
		if err != nil {
			return nil, err
		}
		return divergence.MutualInformation(joint, o)
	})
	set("klDist", func(a []js.Value) (any, error) {
		p, err := specArg("pSpec", arg(a, 0))
		if err != nil {
			return nil, err
		}
		q, err := specArg("qSpec", arg(a, 1))
		if err != nil {
			return nil, err
		}
		o, err := optionsArg(arg(a, 2))
		if err != nil {
			return nil, err
		}
		do, err := distribution.ParseOptions(o)
		if err != nil {
			return nil, err
		}
		r, err := distribution.KL(p, q, do)
		if err != nil {
			return nil, err
		}
		return encode(r.Frame()), nil
	})
	setLabs(set)
	api.Set("sessions", sessionsAPI())
	return api
}

func vectorAndOptions(a []js.Value, i int) ([]float64, divergence.Options, error) {
	p, err := floats("p", arg(a, i))
	if err != nil {
		return nil, divergence.Options{}, err
	}
	o, err := measureOptionsAt(a, i+1)
	return p, o, err
}

func pairAndOptions(a []js.Value, i int) ([]float64, []float64, divergence.Options, error) {
	p, err := floats("p", arg(a, i))
	if err != nil {
		return nil, nil, divergence.Options{}, err
	}
	q, err := floats("q", arg(a, i+1))
	if err != nil {
		return nil, nil, divergence.Options{}, err
	}
	o, err := measureOptionsAt(a, i+2)
	return p, q, o, err
}

func measureOptionsAt(a []js.Value, i int) (divergence.Options, error) {
	o, err := optionsArg(arg(a, i))
	if err != nil {
		return divergence.Options{}, err
	}
	return divergence.ParseOptions(o)
}

func specArg(name string, v js.Value) (distribution.Dist, error) {
	m, err := object(name, v)
	if err != nil {
		return nil, err
	}
	return distribution.Parse(m)
}
