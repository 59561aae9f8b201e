package policy

import (
	"math"
	"strconv"
	"strings"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
	"github.com/klplayground/klplay/core/softmax"
)

// Rules are the Trust regions lab's cross-field rules: the start policy's
// logits and the mean rewards name the same actions.
//
// Errors: input.LengthMismatch naming "state.mean".
func Rules(st session.State) error {
	start, mean := len(st.Floats("start")), len(st.Floats("mean"))
	if start != mean {
		return input.Errorf(input.LengthMismatch, "state.mean", "has %d mean rewards for %d actions", mean, start)
	}
	return nil
}

// Lab caches the last training runs: the frames of one animation differ only
// in the update shown (k) and the method chosen, so a frame while playing
// costs a lookup rather than four runs of up to 100 sampled updates.
type Lab struct {
	key  string
	runs map[string][]Update
}

// bandit reads the lab's state.
func bandit(st session.State) Bandit {
	return Bandit{Start: st.Floats("start"), Mean: st.Floats("mean"), Noise: st.Number("noise"), Samples: st.Int("samples"),
		Seed: uint64(st.Int("seed")), Epsilon: st.Number("epsilon"), Delta: st.Number("delta"), LR: st.Number("lr"), PPOLR: st.Number("ppoLr")}
}

// runKey is everything a run depends on, exactly (strconv's shortest form
// round-trips every float64).
func runKey(b Bandit, updates int) string {
	var s strings.Builder
	for _, xs := range [][]float64{b.Start, b.Mean, {b.Noise, b.Epsilon, b.Delta, b.LR, b.PPOLR}} {
		for _, x := range xs {
			s.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
			s.WriteByte(',')
		}
		s.WriteByte('|')
	}
	s.WriteString(strconv.Itoa(b.Samples) + "|" + strconv.FormatUint(b.Seed, 10) + "|" + strconv.Itoa(updates))
	return s.String()
}

// Frame is the Trust regions lab's answer for the state {start: [logits],
// mean: [μ], noise, samples, method, epsilon, delta, lr, ppoLr, updates,
// seed, k} and the options {contours, grid (default 61, at most 401)}:
// every method trained for updates updates from π_0 (Bandit.Train, cached),
// as
//
//	{n, best, worst (max and min μ), methods: {pg|ppo-clip|ppo-kl|trpo: {pi
//	 (rows of n, flattened), ret (true return J), gain (estimated surrogate
//	 gain), trueGain, kl (KL(π_old‖π) of each update), beta, backtracks, sx,
//	 sy (simplex coordinates; n = 3 only)}},
//	 current: {k, pi, oldPi, ratio, ret, gain, trueGain, kl, beta,
//	          backtracks, counts, adv} (the state's method at update k,
//	          clamped to updates; at k = 0 oldPi = pi = π_0 and the batch is empty),
//	 sampled: {exact, mean: [k1, k2, k3], stdErr, samples} (KL(π_old‖π)
//	          estimated from update k's batch; samples 0 at k = 0),
//	 clip: {r, posPlain, posClipped, negPlain, negClipped} (the PPO surrogate
//	       r·A against clip(r, 1 − ε, 1 + ε)·A for A = +1 and A = −1)}
//
// and, for n = 3 with contours: true, grid: {nx, ny, values}, KL from update
// k's π_old over the simplex (SimplexGrid).
//
// Errors: those of Bandit.Check, Train and SimplexGrid; an option of the
// wrong type or out of range.
func (l *Lab) Frame(st session.State, opts session.Options) (map[string]any, error) {
	grid, err := opts.Count("grid", 61, 401)
	if err != nil {
		return nil, err
	}
	contours, err := opts.Bool("contours")
	if err != nil {
		return nil, err
	}
	b := bandit(st)
	if err := b.Check(); err != nil {
		return nil, err
	}
	method := st.Enum("method")
	if err := checkMethod(method); err != nil {
		return nil, err
	}
	updates := st.Int("updates")
	if key := runKey(b, updates); key != l.key {
		runs := map[string][]Update{}
		for _, m := range Methods {
			if runs[m], err = b.Train(m, updates); err != nil {
				return nil, err
			}
		}
		l.key, l.runs = key, runs
	}
	n := len(b.Start)
	methods := map[string]any{}
	for _, m := range Methods {
		us := l.runs[m]
		k := len(us)
		pi := make([]float64, 0, k*n)
		ret, gain, tg, kl, beta, bt := make([]float64, k), make([]float64, k), make([]float64, k), make([]float64, k), make([]float64, k), make([]float64, k)
		sx, sy := make([]float64, 0, k), make([]float64, 0, k)
		for i, u := range us {
			pi = append(pi, u.Pi...)
			ret[i], gain[i], tg[i], kl[i], beta[i], bt[i] = u.Return, u.Gain, u.TrueGain, u.KL, u.Beta, float64(u.Backtracks)
			if n == 3 {
				x, y := ToSimplex(u.Pi)
				sx, sy = append(sx, x), append(sy, y)
			}
		}
		methods[m] = map[string]any{"pi": pi, "ret": ret, "gain": gain, "trueGain": tg, "kl": kl, "beta": beta, "backtracks": bt, "sx": sx, "sy": sy}
	}
	us := l.runs[method]
	k := min(st.Int("k"), len(us)-1)
	cur, old := us[k], us[max(0, k-1)]
	l2 := logRatios(cur.Theta, softmax.LogSoftmax(old.Theta))
	ratio := make([]float64, n)
	for i := range ratio {
		ratio[i] = math.Exp(l2[i])
	}
	samples := 0
	if k > 0 {
		samples = b.Samples
	}
	r, pp, pc := ClipCurve(1, b.Epsilon, 2, 201)
	_, np, nc := ClipCurve(-1, b.Epsilon, 2, 201)
	lo, hi := b.Mean[0], b.Mean[0]
	for _, m := range b.Mean {
		lo, hi = min(lo, m), max(hi, m)
	}
	out := map[string]any{
		"n": n, "best": hi, "worst": lo, "methods": methods,
		"current": map[string]any{"k": k, "pi": cur.Pi, "oldPi": old.Pi, "ratio": ratio, "ret": cur.Return, "gain": cur.Gain, "trueGain": cur.TrueGain,
			"kl": cur.KL, "beta": cur.Beta, "backtracks": cur.Backtracks, "counts": cur.Counts, "adv": cur.Adv},
		"sampled": map[string]any{"exact": cur.KL, "mean": cur.KLEst[:], "stdErr": cur.KLStdErr[:], "samples": samples},
		"clip":    map[string]any{"r": r, "posPlain": pp, "posClipped": pc, "negPlain": np, "negClipped": nc},
	}
	if n == 3 && contours {
		g := max(2, grid)
		ny := int(math.Round(float64(g) * math.Sqrt(3) / 2))
		vals, err := SimplexGrid(old.Theta, g, ny, 50)
		if err != nil {
			return nil, err
		}
		out["grid"] = map[string]any{"nx": g, "ny": ny, "values": vals}
	}
	return out, nil
}
