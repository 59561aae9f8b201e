package policy

import (
	"math"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

// Rules are the Trust regions lab's cross-field rules: the old policy's
// logits and the advantages name the same actions.
//
// Errors: input.LengthMismatch naming "state.adv".
func Rules(st session.State) error {
	old, adv := len(st.Floats("old")), len(st.Floats("adv"))
	if old != adv {
		return input.Errorf(input.LengthMismatch, "state.adv", "has %d advantages for %d actions", adv, old)
	}
	return nil
}

// Frame is the Trust regions lab's answer for the state {old: [logits], adv:
// [advantages], method, epsilon, delta, lr, updates, samples, seed} and the
// options {update, contours, grid (default 61, at most 401)}: every method
// run for updates updates from π_old (Problem.Run), as
//
//	{n, oldPi, methods: {pg|ppo-clip|ppo-kl|trpo: {pi (rows of n, flattened),
//	 gain, clipObj, kl, beta, backtracks, sx, sy (simplex coordinates; n = 3
//	 only)}},
//	 current: {pi, ratio, gain, kl, clipObj} (the state's method at update
//	          update, clamped to the last),
//	 sampled: {exact, mean: [k1, k2, k3], stdErr, counts, samples} (samples
//	          draws from π_old estimating KL(π_old‖π_current), SampleKL),
//	 clip: {r, posPlain, posClipped, negPlain, negClipped} (the PPO surrogate
//	       r·A against clip(r, 1 − ε, 1 + ε)·A for A = +1 and A = −1)}
//
// and, for n = 3 with contours: true, grid: {nx, ny, values}, KL from π_old
// over the simplex (SimplexGrid).
//
// Errors: those of Problem.Check, Run, SampleKL and SimplexGrid; an option of
// the wrong type or out of range.
func Frame(st session.State, opts session.Options) (map[string]any, error) {
	p := Problem{Old: st.Floats("old"), Adv: st.Floats("adv"), Epsilon: st.Number("epsilon"), Delta: st.Number("delta"), LR: st.Number("lr")}
	method := st.Enum("method")
	update, err := opts.Count("update", 0, 1e9)
	if err != nil {
		return nil, err
	}
	grid, err := opts.Count("grid", 61, 401)
	if err != nil {
		return nil, err
	}
	contours, err := opts.Bool("contours")
	if err != nil {
		return nil, err
	}
	if err := p.Check(); err != nil {
		return nil, err
	}
	n := len(p.Old)
	methods := map[string]any{}
	var cur Step
	found := false
	for _, m := range Methods {
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
				x, y := ToSimplex(s.Pi)
				sx, sy = append(sx, x), append(sy, y)
			}
		}
		methods[m] = map[string]any{"pi": pi, "gain": gain, "clipObj": clip, "kl": kl, "beta": beta, "backtracks": bt, "sx": sx, "sy": sy}
		if m == method {
			cur, found = steps[min(update, k-1)], true
		}
	}
	if !found {
		_, err := p.Run(method, 0) // the core's error for an unknown method
		return nil, err
	}
	smp, err := SampleKL(p.Old, cur.Theta, st.Int("samples"), uint64(st.Int("seed")))
	if err != nil {
		return nil, err
	}
	r, pp, pc := ClipCurve(1, p.Epsilon, 2, 201)
	_, np, nc := ClipCurve(-1, p.Epsilon, 2, 201)
	out := map[string]any{
		"n": n, "oldPi": Softmax(p.Old), "methods": methods,
		"current": map[string]any{"pi": cur.Pi, "ratio": cur.Ratio, "gain": cur.Gain, "kl": cur.KL, "clipObj": cur.ClipObj},
		"sampled": map[string]any{"exact": smp.Exact, "mean": smp.Mean[:], "stdErr": smp.StdErr[:], "counts": smp.Counts, "samples": smp.Samples},
		"clip":    map[string]any{"r": r, "posPlain": pp, "posClipped": pc, "negPlain": np, "negClipped": nc},
	}
	if n == 3 && contours {
		g := max(2, grid)
		ny := int(math.Round(float64(g) * math.Sqrt(3) / 2))
		vals, err := SimplexGrid(p.Old, g, ny, 50)
		if err != nil {
			return nil, err
		}
		out["grid"] = map[string]any{"nx": g, "ny": ny, "values": vals}
	}
	return out, nil
}
