//go:build js && wasm

package main

import (
	"math"
	"syscall/js"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/policy"
)

// trustRegionLab takes the trust-region lab's state
//
//	{old: [logits], adv: [advantages], method, epsilon, delta, lr, samples, seed, updates}
//
// and view options {update, contours, grid}, runs every method for `updates`
// updates from π_old and returns everything a frame draws:
//
//	{n, oldPi, methods: {pg|ppo-clip|ppo-kl|trpo: {pi (rows of n, flattened), gain,
//	 clipObj, kl, beta, backtracks, sx, sy (simplex coordinates; n = 3 only)}},
//	 current: {pi, ratio} (the selected method at update `update`),
//	 sampled: {exact, mean: [k1, k2, k3], stdErr: [...], counts, samples} (draws from π_old,
//	 KL(π_old‖π_current)),
//	 clip: {r, posPlain, posClipped, negPlain, negClipped} (A = +1 and A = −1),
//	 grid: {nx, ny, values} (KL from π_old over the simplex; n = 3 and contours: true)}
func trustRegionLab(a []js.Value) (any, error) {
	st, err := decodeOptions(arg(a, 0))
	if err != nil {
		return nil, err
	}
	view, err := decodeOptions(arg(a, 1))
	if err != nil {
		return nil, err
	}
	var p policy.Problem
	if p.Old, err = floats("old", st.field("old")); err != nil {
		return nil, err
	}
	if p.Adv, err = floats("adv", st.field("adv")); err != nil {
		return nil, err
	}
	method, err := st.str("method", policy.TRPO)
	if err != nil {
		return nil, err
	}
	if p.Epsilon, err = st.number("epsilon", 0.2); err != nil {
		return nil, err
	}
	if p.Delta, err = st.number("delta", 0.02); err != nil {
		return nil, err
	}
	if p.LR, err = st.number("lr", 1); err != nil {
		return nil, err
	}
	var ints [5]int
	names := [...]string{"samples", "seed", "updates", "update", "grid"}
	defs := [...]float64{100, 1, 20, 0, 61}
	for i, n := range names {
		src := st
		if i >= 3 {
			src = view
		}
		v, err := src.number(n, defs[i])
		if err != nil {
			return nil, err
		}
		if v != math.Trunc(v) || v < 0 || v > 1e9 {
			return nil, input.Errorf(input.OutOfRange, n, "is %v; it must be a whole number in [0, 10⁹]", v)
		}
		ints[i] = int(v)
	}
	contours, err := view.boolean("contours")
	if err != nil {
		return nil, err
	}
	if err := p.Check(); err != nil {
		return nil, err
	}
	n := len(p.Old)
	methods := map[string]any{}
	var cur policy.Step
	found := false
	for _, m := range policy.Methods {
		steps, err := p.Run(m, ints[2])
		if err != nil {
			return nil, err
		}
		k := len(steps)
		pi := make([]float64, 0, k*n)
		gain, clip, kl, beta, bt := make([]float64, k), make([]float64, k), make([]float64, k), make([]float64, k), make([]float64, k)
		sx, sy := make([]float64, 0, k), make([]float64, 0, k)
		for i, s := range steps {
			pi = append(pi, s.Pi...)
			gain[i], clip[i], kl[i], beta[i], bt[i] = s.Gain, s.ClipObj, s.KL, s.Beta, float64(s.Backtracks)
			if n == 3 {
				x, y := policy.ToSimplex(s.Pi)
				sx, sy = append(sx, x), append(sy, y)
			}
		}
		methods[m] = map[string]any{"pi": toFloat64Array(pi), "gain": toFloat64Array(gain), "clipObj": toFloat64Array(clip),
			"kl": toFloat64Array(kl), "beta": toFloat64Array(beta), "backtracks": toFloat64Array(bt),
			"sx": toFloat64Array(sx), "sy": toFloat64Array(sy)}
		if m == method {
			cur, found = steps[min(ints[3], k-1)], true
		}
	}
	if !found {
		_, err := p.Run(method, 0) // the core's error for an unknown method
		return nil, err
	}
	oldPi := policy.Softmax(p.Old)
	ratio := make([]float64, n)
	for i := range ratio {
		ratio[i] = cur.Pi[i] / oldPi[i]
	}
	smp, err := policy.SampleKL(p.Old, cur.Theta, max(1, ints[0]), uint64(ints[1]))
	if err != nil {
		return nil, err
	}
	r, pp, pc := policy.ClipCurve(1, p.Epsilon, 2, 201)
	_, np, nc := policy.ClipCurve(-1, p.Epsilon, 2, 201)
	out := map[string]any{
		"n": n, "oldPi": toFloat64Array(oldPi), "methods": methods,
		"current": map[string]any{"pi": toFloat64Array(cur.Pi), "ratio": toFloat64Array(ratio), "gain": cur.Gain, "kl": cur.KL, "clipObj": cur.ClipObj},
		"sampled": map[string]any{"exact": smp.Exact, "mean": toFloat64Array(smp.Mean[:]), "stdErr": toFloat64Array(smp.StdErr[:]),
			"counts": toFloat64Array(smp.Counts), "samples": smp.Samples},
		"clip": map[string]any{"r": toFloat64Array(r), "posPlain": toFloat64Array(pp), "posClipped": toFloat64Array(pc),
			"negPlain": toFloat64Array(np), "negClipped": toFloat64Array(nc)},
	}
	if n == 3 && contours {
		g := max(2, min(ints[4], 401))
		ny := int(math.Round(float64(g) * math.Sqrt(3) / 2))
		vals, err := policy.SimplexGrid(p.Old, g, ny, 50)
		if err != nil {
			return nil, err
		}
		out["grid"] = map[string]any{"nx": g, "ny": ny, "values": toFloat64Array(vals)}
	}
	return out, nil
}
