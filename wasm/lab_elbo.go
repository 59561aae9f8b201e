//go:build js && wasm

package main

import (
	"math"
	"syscall/js"

	"github.com/klplayground/klplay/core/elbo"
)

// elboLab takes the ELBO lab's state
//
//	{model: 'linear'|'square', x, w, b, sigma, m, s, beta, gradient: 'reparam'|'exact',
//	 samples, lr, seed}
//
// and view options {steps, iter, start, path, points}: it advances q `steps` gradient
// steps (the first being step number `iter`; one call per animation frame
// while optimising) and returns everything the frame draws:
//
//	{m, s, terms: {recon, klPrior, elbo, gap, logPx, betaElbo, method, errorEstimate},
//	 startTerms (the terms of q before the steps; only with start: true),
//	 trace: {recon, klPrior, elbo, gap, logPx, estimate} (one entry per step; only when steps > 0),
//	 lo, hi, zs, prior, posterior, q, postMean, postSd, gaussian, modes,
//	 optimum: {m, s, recon, klPrior},
//	 path: {beta, m, s, recon, klPrior} (only with path: true)}
//
// Every array is a Float64Array.
func elboLab(a []js.Value) (any, error) {
	st, err := labState("elbo", arg(a, 0))
	if err != nil {
		return nil, err
	}
	view, err := decodeOptions(arg(a, 1))
	if err != nil {
		return nil, err
	}
	steps, err := view.count("steps", 0, 1e9)
	if err != nil {
		return nil, err
	}
	iter, err := view.count("iter", 0, 1e9)
	if err != nil {
		return nil, err
	}
	withPath, err := view.boolean("path")
	if err != nil {
		return nil, err
	}
	points, err := view.number("points", 241)
	if err != nil {
		return nil, err
	}
	model, err := cachedModel(st.Enum("model"), st.Number("x"), st.Number("w"), st.Number("b"), st.Number("sigma"))
	if err != nil {
		return nil, err
	}
	q := elbo.Q{M: st.Number("m"), S: st.Number("s")}
	beta := st.Number("beta")
	withStart, err := view.boolean("start")
	if err != nil {
		return nil, err
	}
	var start elbo.Terms
	if withStart {
		if start, err = model.Evaluate(q, beta); err != nil {
			return nil, err
		}
	}
	run := elbo.Run{Beta: beta, LR: st.Number("lr"), Gradient: st.Enum("gradient"), Samples: st.Int("samples"), Seed: uint64(st.Int("seed"))}
	q, tr, err := model.Advance(q, run, iter, steps)
	if err != nil {
		return nil, err
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
	from := elbo.Q{M: math.Max(0, modes[len(modes)-1]), S: 0.5}
	opt, err := model.Optimum(beta, from)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"m": q.M, "s": q.S,
		"terms": termsJS(t),
		"lo":    lo, "hi": hi,
		"zs": toFloat64Array(zs), "prior": toFloat64Array(prior), "posterior": toFloat64Array(post), "q": toFloat64Array(qd),
		"postMean": mean, "postSd": sd, "gaussian": gaussian, "modes": toFloat64Array(modes),
		"optimum": map[string]any{"m": opt.M, "s": opt.S, "recon": model.Recon(opt), "klPrior": elbo.KLPrior(opt)},
	}
	if withStart {
		out["startTerms"] = termsJS(start)
	}
	if len(tr.ELBO) > 0 {
		out["trace"] = map[string]any{
			"recon": toFloat64Array(tr.Recon), "klPrior": toFloat64Array(tr.KLPrior), "elbo": toFloat64Array(tr.ELBO),
			"gap": toFloat64Array(tr.Gap), "logPx": toFloat64Array(tr.LogPX), "estimate": toFloat64Array(tr.Estimate),
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
		out["path"] = map[string]any{"beta": toFloat64Array(betas), "m": toFloat64Array(ms), "s": toFloat64Array(ss),
			"recon": toFloat64Array(recon), "klPrior": toFloat64Array(kl)}
	}
	return out, nil
}

func termsJS(t elbo.Terms) map[string]any {
	return map[string]any{
		"recon": t.Recon, "klPrior": t.KLPrior, "elbo": t.ELBO, "gap": t.Gap, "logPx": t.LogPX,
		"betaElbo": t.BetaELBO, "method": t.Method, "errorEstimate": t.ErrorEst,
	}
}

// lastModel keeps the last model built: while q moves (every animation frame)
// the model is unchanged, and building it costs two quadratures.
var lastModel struct {
	kind          string
	x, w, b, sigm float64
	m             *elbo.Model
}

func cachedModel(kind string, x, w, b, sigma float64) (*elbo.Model, error) {
	c := &lastModel
	if c.m != nil && c.kind == kind && c.x == x && c.w == w && c.b == b && c.sigm == sigma {
		return c.m, nil
	}
	m, err := elbo.New(kind, x, w, b, sigma)
	if err != nil {
		return nil, err
	}
	c.kind, c.x, c.w, c.b, c.sigm, c.m = kind, x, w, b, sigma, m
	return m, nil
}
