package elbo

import (
	"math"

	"github.com/klplayground/klplay/core/session"
)

// Lab answers the ELBO lab's calls. It keeps the last model built: while q
// moves (every animation frame) the model is unchanged, and building it takes
// two quadratures. The zero Lab is ready to use; it is not safe for
// concurrent use.
type Lab struct {
	kind           string
	x, w, b, sigma float64
	model          *Model
}

// Frame is the lab's answer for the state {model: linear|square, x, w, b,
// sigma, m, s, beta, gradient: reparam|exact, samples, lr, seed} and the
// options {steps, iter, calm, start, path, points (default 241), exactPath,
// exactM, exactS}: q = N(m, s²), the run's iterate after iter steps with calm
// as Converged left it, advanced up to steps steps of the β-ELBO (Advance;
// one call per animation frame while optimising; none once converged), then
//
//	{m, s, iter, calm, converged, gradLength (Model.GradLength at q),
//	 terms: {recon, klPrior, elbo, gap, logPx, betaElbo, method,
//	 errorEstimate} (of q after the steps), lo, hi, zs, prior, posterior, q,
//	 postMean, postSd, gaussian, modes,
//	 optimum: {m, s, recon, klPrior, betaElbo}} (Optimum, on q's side of m = 0)
//
// With exactPath: true also exact: {m, s, converged, ms, ss, elbo}: the same
// steps of the noise-free path (ExactPath) from its iterate (exactM, exactS).
// with log p(x) = ELBO + KL(q‖p(z|x)) (gap = KL(q‖p(z|x))) and ELBO = recon −
// klPrior (see Terms); with start: true also startTerms (q before the steps),
// with steps > 0 trace: {recon, klPrior, elbo, gap, logPx, estimate} (one
// entry per step), with path: true path: {beta, m, s, recon, klPrior}, the
// optimum for β = 0, 0.1, …, 4 (Model.BetaPath).
//
// Errors: those of New, Evaluate, Advance, Curves and Optimum; an option of
// the wrong type or out of range.
func (l *Lab) Frame(st session.State, opts session.Options) (map[string]any, error) {
	steps, err := opts.Count("steps", 0, 1e9)
	if err != nil {
		return nil, err
	}
	iter, err := opts.Count("iter", 0, 1e9)
	if err != nil {
		return nil, err
	}
	withPath, err := opts.Bool("path")
	if err != nil {
		return nil, err
	}
	points, err := opts.Number("points", 241)
	if err != nil {
		return nil, err
	}
	model, err := l.modelFor(st.Enum("model"), st.Number("x"), st.Number("w"), st.Number("b"), st.Number("sigma"))
	if err != nil {
		return nil, err
	}
	q := Q{M: st.Number("m"), S: st.Number("s")}
	beta := st.Number("beta")
	withStart, err := opts.Bool("start")
	if err != nil {
		return nil, err
	}
	var start Terms
	if withStart {
		if start, err = model.Evaluate(q, beta); err != nil {
			return nil, err
		}
	}
	run := Run{Beta: beta, LR: st.Number("lr"), Gradient: st.Enum("gradient"), Samples: st.Int("samples"), Seed: uint64(st.Int("seed"))}
	calm, err := opts.Count("calm", 0, 1e9)
	if err != nil {
		return nil, err
	}
	q, prog, tr, err := model.Advance(q, run, Progress{Iter: iter, Calm: calm}, steps)
	if err != nil {
		return nil, err
	}
	var exact map[string]any
	if withExact, err := opts.Bool("exactPath"); err != nil {
		return nil, err
	} else if withExact {
		em, err := opts.Number("exactM", q.M)
		if err != nil {
			return nil, err
		}
		es, err := opts.Number("exactS", q.S)
		if err != nil {
			return nil, err
		}
		eq, ep, ms, ss, elbo, err := model.ExactPath(Q{M: em, S: es}, run, Progress{Iter: iter}, steps)
		if err != nil {
			return nil, err
		}
		exact = map[string]any{"m": eq.M, "s": eq.S, "converged": ep.Converged, "ms": ms, "ss": ss, "elbo": elbo}
	}
	t := tr.Last
	if len(tr.ELBO) == 0 {
		if t, err = model.Evaluate(q, beta); err != nil {
			return nil, err
		}
	}
	lo, hi := model.Domain()
	zs, prior, post, qd, err := model.Curves(q, lo, hi, int(points))
	if err != nil {
		return nil, err
	}
	mean, sd, gaussian := model.Posterior()
	modes, _ := model.Modes()
	from := Q{M: math.Max(0, modes[len(modes)-1]), S: 0.5}
	// The best q on q's side: the square model's mirror image ties with it.
	opt, err := model.Optimum(beta, Q{M: q.M, S: 0.5})
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"m": q.M, "s": q.S,
		"terms": termsMap(t),
		"lo":    lo, "hi": hi,
		"zs": zs, "prior": prior, "posterior": post, "q": qd,
		"postMean": mean, "postSd": sd, "gaussian": gaussian, "modes": modes,
		"optimum": map[string]any{"m": opt.M, "s": opt.S, "recon": model.Recon(opt), "klPrior": KLPrior(opt),
			"betaElbo": model.Recon(opt) - beta*KLPrior(opt)},
		"iter": prog.Iter, "calm": prog.Calm, "converged": prog.Converged,
		"gradLength": model.GradLength(q, beta),
	}
	if exact != nil {
		out["exact"] = exact
	}
	if withStart {
		out["startTerms"] = termsMap(start)
	}
	if len(tr.ELBO) > 0 {
		out["trace"] = map[string]any{
			"recon": tr.Recon, "klPrior": tr.KLPrior, "elbo": tr.ELBO,
			"gap": tr.Gap, "logPx": tr.LogPX, "estimate": tr.Estimate, "m": tr.M, "s": tr.S,
		}
	}
	if withPath {
		betas := make([]float64, 41)
		for i := range betas {
			betas[i] = 0.1 * float64(i)
		}
		qs, recon, kl, err := model.BetaPath(betas, from)
		if err != nil {
			return nil, err
		}
		ms, ss := make([]float64, len(qs)), make([]float64, len(qs))
		for i, q := range qs {
			ms[i], ss[i] = q.M, q.S
		}
		out["path"] = map[string]any{"beta": betas, "m": ms, "s": ss, "recon": recon, "klPrior": kl}
	}
	return out, nil
}

func termsMap(t Terms) map[string]any {
	return map[string]any{
		"recon": t.Recon, "klPrior": t.KLPrior, "elbo": t.ELBO, "gap": t.Gap, "logPx": t.LogPX,
		"betaElbo": t.BetaELBO, "method": t.Method, "errorEstimate": t.ErrorEst,
	}
}

// modelFor returns the model of the given parameters, reusing the last one.
func (l *Lab) modelFor(kind string, x, w, b, sigma float64) (*Model, error) {
	if l.model != nil && l.kind == kind && l.x == x && l.w == w && l.b == b && l.sigma == sigma {
		return l.model, nil
	}
	m, err := New(kind, x, w, b, sigma)
	if err != nil {
		return nil, err
	}
	l.kind, l.x, l.w, l.b, l.sigma, l.model = kind, x, w, b, sigma, m
	return m, nil
}
