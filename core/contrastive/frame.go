package contrastive

import (
	"math"

	"github.com/klplayground/klplay/core/session"
)

// Lab answers the Mutual information lab's training calls. It keeps the last
// run, grown as the step rises, so that Play's next frame costs one update
// and going back costs none. The zero Lab is ready to use; it is not safe for
// concurrent use.
type Lab struct {
	run *Run
}

// Frame is the training section's answer for the Mutual information lab's
// state fields {rho, batch, trainSeed, trainStep, unit} (it takes no
// options): the run of (ρ, K = batch, seed) after trainStep updates, in the
// state's unit (bits or nats):
//
//	{trueMI (−½ log(1 − ρ²)), logK, step: float64,
//	 nce, nwj (per-batch estimates of updates 1 … step), nwjMean (ExpectedNWJ
//	 of the critic each NWJ estimate used): []float64,
//	 expectedNWJ (ExpectedNWJ of the current NWJ critic),
//	 critics: {nce, nwj, optimal: {a, b, c, d}}}
//
// The critics' coefficients are those of f in nats (optimal is Optimal(ρ),
// whose D is I(X;Y) in nats; NWJ's optimum has D one higher). A shared link
// at step n replays n updates from the seed.
//
// Errors: those of NewRun and Run.Advance.
func (l *Lab) Frame(st session.State, _ session.Options) (map[string]any, error) {
	rho, k, seed, step := st.Number("rho"), st.Int("batch"), uint64(st.Int("trainSeed")), st.Int("trainStep")
	if l.run == nil || l.run.Rho != rho || l.run.K != k || l.run.Seed != seed {
		r, err := NewRun(rho, k, seed)
		if err != nil {
			return nil, err
		}
		l.run = r
	}
	r := l.run
	if err := r.Advance(step); err != nil {
		return nil, err
	}
	ln := math.Log(st.Base())
	scaled := func(xs []float64) []float64 {
		out := make([]float64, len(xs))
		for i, x := range xs {
			out[i] = x / ln
		}
		return out
	}
	truth, _ := TrueMI(rho)
	opt, _ := Optimal(rho)
	nce, nwj := r.Critics(step)
	expected, _ := ExpectedNWJ(nwj, rho)
	coef := func(c Critic) map[string]any { return map[string]any{"a": c.A, "b": c.B, "c": c.C, "d": c.D} }
	return map[string]any{
		"trueMI":      truth / ln,
		"logK":        math.Log(float64(k)) / ln,
		"step":        float64(step),
		"nce":         scaled(r.NCE[:step]),
		"nwj":         scaled(r.NWJ[:step]),
		"nwjMean":     scaled(r.NWJMean[:step]),
		"expectedNWJ": expected / ln,
		"critics":     map[string]any{"nce": coef(nce), "nwj": coef(nwj), "optimal": coef(opt)},
	}, nil
}
