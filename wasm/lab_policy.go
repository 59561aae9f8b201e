//go:build js && wasm

package main

import (
	"math"
	"syscall/js"

	"github.com/klplayground/klplay/core/policy"
)

// trustRegionLab takes the trust-region lab's state
//
//	{old: [logits], adv: [advantages], method, epsilon, delta, lr, updates, samples, seed}
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
	st, err := labState("trust-region", arg(a, 0))
	if err != nil {
		return nil, err
	}
	view, err := decodeOptions(arg(a, 1))
	if err != nil {
		return nil, err
	}
	p := policy.Problem{Old: st.Floats("old"), Adv: st.Floats("adv"), Epsilon: st.Number("epsilon"), Delta: st.Number("delta"), LR: st.Number("lr")}
	method := st.Enum("method")
	update, err := view.count("update", 0, 1e9)
	if err != nil {
		return nil, err
	}
	grid, err := view.count("grid", 61, 401)
	if err != nil {
		return nil, err
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
		steps, err := p.Run(m, st.Int("updates"))
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
			cur, found = steps[min(update, k-1)], true
		}
	}
	if !found {
		_, err := p.Run(method, 0) // the core's error for an unknown method
		return nil, err
	}
	oldPi := policy.Softmax(p.Old)
	smp, err := policy.SampleKL(p.Old, cur.Theta, st.Int("samples"), uint64(st.Int("seed")))
	if err != nil {
		return nil, err
	}
	r, pp, pc := policy.ClipCurve(1, p.Epsilon, 2, 201)
	_, np, nc := policy.ClipCurve(-1, p.Epsilon, 2, 201)
	out := map[string]any{
		"n": n, "oldPi": toFloat64Array(oldPi), "methods": methods,
		"current": map[string]any{"pi": toFloat64Array(cur.Pi), "ratio": toFloat64Array(cur.Ratio), "gain": cur.Gain, "kl": cur.KL, "clipObj": cur.ClipObj},
		"sampled": map[string]any{"exact": smp.Exact, "mean": toFloat64Array(smp.Mean[:]), "stdErr": toFloat64Array(smp.StdErr[:]),
			"counts": toFloat64Array(smp.Counts), "samples": smp.Samples},
		"clip": map[string]any{"r": toFloat64Array(r), "posPlain": toFloat64Array(pp), "posClipped": toFloat64Array(pc),
			"negPlain": toFloat64Array(np), "negClipped": toFloat64Array(nc)},
	}
	if n == 3 && contours {
		g := max(2, grid)
		ny := int(math.Round(float64(g) * math.Sqrt(3) / 2))
		vals, err := policy.SimplexGrid(p.Old, g, ny, 50)
		if err != nil {
			return nil, err
		}
		out["grid"] = map[string]any{"nx": g, "ny": ny, "values": toFloat64Array(vals)}
	}
	return out, nil
}
