//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/klplayground/klplay/core/bottleneck"
	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/mutual"
)

// Sweep grid of the Mutual information lab: β from 0.1 to 1000, 20 per decade.
const (
	sweepLo, sweepHi, sweepN = 0.1, 1000, 81
)

// miState decodes the Mutual information lab's state
//
//	{distribution: flat row-major P(X,Y), rows, cols, clusters, beta, seed, base}
//
// into the joint table and the bottleneck's options.
func miState(a []js.Value) ([][]float64, bottleneck.Options, error) {
	var o bottleneck.Options
	state, err := decodeOptions(arg(a, 0))
	if err != nil {
		return nil, o, err
	}
	flat, err := floats("distribution", state.field("distribution"))
	if err != nil {
		return nil, o, err
	}
	whole := func(name string, def float64) (int, error) {
		v, err := state.number(name, def)
		if err != nil {
			return 0, err
		}
		if v != float64(int(v)) || v < 0 || v > 1e9 {
			return 0, input.Errorf(input.OutOfRange, name, "is %v; it must be a whole number ≥ 0", v)
		}
		return int(v), nil
	}
	rows, err := whole("rows", 0)
	if err != nil {
		return nil, o, err
	}
	cols, err := whole("cols", 0)
	if err != nil {
		return nil, o, err
	}
	if o.Clusters, err = whole("clusters", 2); err != nil {
		return nil, o, err
	}
	seed, err := whole("seed", 1)
	if err != nil {
		return nil, o, err
	}
	o.Seed = uint64(seed)
	if o.Beta, err = state.number("beta", 1); err != nil {
		return nil, o, err
	}
	m, err := state.measure()
	if err != nil {
		return nil, o, err
	}
	o.Base = m.Base
	joint, err := mutual.Table(flat, rows, cols, divergence.Options{Base: m.Base})
	return joint, o, err
}

// mutualInformationLab returns everything one frame of the Mutual information
// lab draws: {hx, hy, hxy, hxGivenY, hyGivenX, mi, px, py, product, terms,
// encoder (flat rows × clusters), pt, ixt, ity, iterations, converged}, the
// informations in the unit of base.
func mutualInformationLab(a []js.Value) (any, error) {
	joint, o, err := miState(a)
	if err != nil {
		return nil, err
	}
	r, err := mutual.Analyze(joint, divergence.Options{Base: o.Base})
	if err != nil {
		return nil, err
	}
	ib, err := bottleneck.Solve(joint, o)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"hx":         r.HX,
		"hy":         r.HY,
		"hxy":        r.HXY,
		"hxGivenY":   r.HXgivenY,
		"hyGivenX":   r.HYgivenX,
		"mi":         r.MI,
		"px":         toFloat64Array(r.PX),
		"py":         toFloat64Array(r.PY),
		"product":    toFloat64Array(r.Product),
		"terms":      toFloat64Array(r.Terms),
		"encoder":    toFloat64Array(mutual.Flat(ib.Encoder)),
		"pt":         toFloat64Array(ib.PT),
		"ixt":        ib.IXT,
		"ity":        ib.ITY,
		"iterations": ib.Iterations,
		"converged":  ib.Converged,
	}, nil
}

// mutualInformationSweep traces the bottleneck curve for the lab's state
// (its beta is ignored): {beta, ixt, ity (Float64Arrays, one entry per β,
// β from 0.1 to 1000 on a log grid), ixy, hx}.
func mutualInformationSweep(a []js.Value) (any, error) {
	joint, o, err := miState(a)
	if err != nil {
		return nil, err
	}
	c, err := bottleneck.Sweep(joint, bottleneck.Betas(sweepLo, sweepHi, sweepN), o)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"beta": toFloat64Array(c.Beta),
		"ixt":  toFloat64Array(c.IXT),
		"ity":  toFloat64Array(c.ITY),
		"ixy":  c.IXY,
		"hx":   c.HX,
	}, nil
}
