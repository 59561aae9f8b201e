//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/gan"
)

// The sweeps over θ ∈ [−ThetaMax, ThetaMax], one per shape, computed on first
// use (a few hundred integrations). Handlers run one at a time on the JS event loop.
var ganSweeps = map[string]gan.Sweep{}

// ganLab takes the GANs lab's state {shape, theta, gens: [names], alpha,
// hide} and options {sweep, curves} and returns everything one frame draws:
//
//	{div: {kl, reverse-kl, js, tv, hellinger2, chi2, w1}, slopes: {same keys,
//	 ∂/∂θ, NaN where infinite}, loss (2·JS − log 4), f: {<name>: D_f} for every
//	 named f-divergence, xs, p, q, d (D*): Float64Array}
//
// With sweep: true it adds sweep: {theta, kl, reverse-kl, …: Float64Array}
// for the shape (cached here); with curves: true, generators: {us, <name>:
// Float64Array} for each of gens at alpha.
func ganLab(a []js.Value) (any, error) {
	st, err := labState("gan", arg(a, 0))
	if err != nil {
		return nil, err
	}
	opts, err := decodeOptions(arg(a, 1))
	if err != nil {
		return nil, err
	}
	r := gan.Request{Shape: st.Enum("shape"), Theta: st.Number("theta"), Alpha: st.Number("alpha")}
	gens := st.Strings("gens")
	r.Names = divergence.FDivergenceNames()
	fr, err := gan.Compute(r)
	if err != nil {
		return nil, err
	}
	named := func(d gan.Divergences) map[string]any {
		m := map[string]any{}
		for k, v := range d.Values() {
			m[gan.Names[k]] = v
		}
		return m
	}
	f := map[string]any{}
	for i, n := range r.Names {
		f[n] = fr.F[i]
	}
	out := map[string]any{
		"div":    named(fr.Div),
		"slopes": named(fr.Slopes),
		"loss":   fr.Loss,
		"f":      f,
		"xs":     toFloat64Array(fr.X),
		"p":      toFloat64Array(fr.P),
		"q":      toFloat64Array(fr.Q),
		"d":      toFloat64Array(fr.D),
	}
	if want, err := opts.boolean("sweep"); err != nil {
		return nil, err
	} else if want {
		sw, ok := ganSweeps[r.Shape]
		if !ok {
			s, _ := gan.ShapeNamed(r.Shape)
			if sw, err = s.Sweep(-gan.ThetaMax, gan.ThetaMax, gan.SweepPoints); err != nil {
				return nil, err
			}
			ganSweeps[r.Shape] = sw
		}
		m := map[string]any{"theta": toFloat64Array(sw.Theta)}
		for k, c := range sw.Curves {
			m[gan.Names[k]] = toFloat64Array(c)
		}
		out["sweep"] = m
	}
	if want, err := opts.boolean("curves"); err != nil {
		return nil, err
	} else if want {
		us := gan.Grid(gan.ULo, gan.UHi, gan.UPoints)
		cs, err := gan.GeneratorCurves(gens, r.Alpha, us)
		if err != nil {
			return nil, err
		}
		m := map[string]any{"us": toFloat64Array(us)}
		for i, n := range gens {
			m[n] = toFloat64Array(cs[i])
		}
		out["generators"] = m
	}
	return out, nil
}
