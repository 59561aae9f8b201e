//go:build js && wasm

package main

import (
	"math"
	"syscall/js"

	"github.com/klplayground/klplay/core/continuous"
	"github.com/klplayground/klplay/core/dist"
	"github.com/klplayground/klplay/core/gaussfit"
)

// fitPoints is the plot grid of the Forward vs reverse lab, over a fixed range
// that holds every target the schema allows.
const (
	fitPoints = 241
	fitLo     = -10.0
	fitHi     = 10.0
)

// The last target, so that its entropy (one quadrature) is not recomputed on
// every animation frame. Handlers run one at a time on the JS event loop.
var fitCache struct {
	key    []float64
	target *gaussfit.Target
}

// fitLab takes the Forward vs reverse lab's state {target: [w, μ, σ, …],
// startMu, startSigma, lr, speed, show} and the fits to advance {forward: {mu,
// sigma}, reverse: {mu, sigma}, steps} (missing fits start at the start
// point), takes `steps` natural-gradient steps on each objective, and returns
// {forward, reverse: {mu, sigma, kl, grad: [dμ, dlogσ], values: Float64Array
// (the objective before each step)}, moments: {mu, sigma}, entropyP,
// xs, p, qForward, qReverse, qStart, handles: {mean, atMean, sd}}.
func fitLab(a []js.Value) (any, error) {
	st, err := labState("fit", arg(a, 0))
	if err != nil {
		return nil, err
	}
	run, err := decodeOptions(arg(a, 1))
	if err != nil {
		return nil, err
	}
	t, err := fitTarget(st.Floats("target"))
	if err != nil {
		return nil, err
	}
	start := gaussfit.Gaussian{Mu: st.Number("startMu"), Sigma: st.Number("startSigma")}
	lr := st.Number("lr")
	steps, err := run.number("steps", 0)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	curves := map[string][]float64{}
	for _, side := range []struct {
		name string
		dir  gaussfit.Direction
	}{{"forward", gaussfit.Forward}, {"reverse", gaussfit.Reverse}} {
		q := start
		if o := run.field(side.name); typeOf(o) == js.TypeObject {
			g, err := decodeOptions(o)
			if err != nil {
				return nil, err
			}
			if q.Mu, err = g.number("mu", start.Mu); err != nil {
				return nil, err
			}
			if q.Sigma, err = g.number("sigma", start.Sigma); err != nil {
				return nil, err
			}
		}
		tr, err := t.Run(q, side.dir, lr, int(steps))
		if err != nil {
			return nil, err
		}
		out[side.name] = map[string]any{
			"mu": tr.Q.Mu, "sigma": tr.Q.Sigma, "kl": tr.KL,
			"grad":   toFloat64Array(tr.Grad[:]),
			"values": toFloat64Array(tr.Values),
		}
		curves[side.name] = density(dist.Normal{Mu: tr.Q.Mu, Sigma: tr.Q.Sigma})
	}
	xs, p, _ := dist.Grid(t.Mix, fitLo, fitHi, fitPoints)
	m := t.Moments()
	h := continuous.Handles{}
	for _, c := range t.Mix.Components {
		n := c.(dist.Normal)
		h.Mean = append(h.Mean, n.Mu)
		h.Sd = append(h.Sd, n.Sigma)
		h.AtMean = append(h.AtMean, t.Mix.Prob(n.Mu))
	}
	out["moments"] = map[string]any{"mu": m.Mu, "sigma": m.Sigma}
	out["entropyP"] = t.Entropy()
	out["xs"] = toFloat64Array(xs)
	out["p"] = toFloat64Array(p)
	out["qForward"] = toFloat64Array(curves["forward"])
	out["qReverse"] = toFloat64Array(curves["reverse"])
	out["qStart"] = toFloat64Array(density(dist.Normal{Mu: start.Mu, Sigma: start.Sigma}))
	out["handles"] = map[string]any{"mean": toFloat64Array(h.Mean), "sd": toFloat64Array(h.Sd), "atMean": toFloat64Array(h.AtMean)}
	return out, nil
}

func fitTarget(params []float64) (*gaussfit.Target, error) {
	if fitCache.target != nil && len(fitCache.key) == len(params) {
		same := true
		for i := range params {
			same = same && params[i] == fitCache.key[i]
		}
		if same {
			return fitCache.target, nil
		}
	}
	d, err := continuous.FromParams("target", "mixture", params)
	if err != nil {
		return nil, err
	}
	t, err := gaussfit.NewTarget(d.(*dist.Mixture))
	if err != nil {
		return nil, err
	}
	fitCache.key, fitCache.target = append([]float64(nil), params...), t
	return t, nil
}

func density(d dist.Dist) []float64 {
	_, p, err := dist.Grid(d, fitLo, fitHi, fitPoints)
	if err != nil {
		return make([]float64, fitPoints)
	}
	for i, v := range p {
		if math.IsNaN(v) {
			p[i] = 0
		}
	}
	return p
}
