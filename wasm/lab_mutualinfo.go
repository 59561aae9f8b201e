//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/klplayground/klplay/core/bottleneck"
	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/mutual"
)

// Sweep grid of the Mutual information lab: β from 0.1 to 1000, 20 per decade.
const (
	sweepLo, sweepHi, sweepN = 0.1, 1000, 81
)

// miState decodes the Mutual information lab's state {rows, cols,
// distribution: flat row-major P(X,Y), noise, unit, clusters, beta, seed} into
// the joint table and the bottleneck's options.
func miState(a []js.Value) ([][]float64, bottleneck.Options, error) {
	st, err := labState("mutual-information", arg(a, 0))
	if err != nil {
		return nil, bottleneck.Options{}, err
	}
	o := bottleneck.Options{Clusters: st.Int("clusters"), Beta: st.Number("beta"), Seed: uint64(st.Int("seed")), Base: st.Base()}
	joint, err := mutual.Table(st.Floats("distribution"), st.Int("rows"), st.Int("cols"), divergence.Options{Base: o.Base})
	return joint, o, err
}

// mutualInformationLab returns everything one frame of the Mutual information
// lab draws: {hx, hy, hxy, hxGivenY, hyGivenX, mi, px, py, product, terms,
// encoder (flat rows × clusters), pt, ixt, ity, iterations, converged,
// starts, optima, spread, startDependent}, the
// informations in the state's unit.
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
		// Solve's several starts: how many, how many distinct optima they
		// reached, their spread in Lagrangian, and whether the answer depends on the start.
		"starts":         ib.Starts,
		"optima":         ib.Optima,
		"spread":         ib.Spread,
		"startDependent": ib.StartDependent,
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
