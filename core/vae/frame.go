package vae

import "github.com/klplayground/klplay/core/session"

// MaxSlots is the number of models a Lab keeps.
const MaxSlots = 4

// Lab answers the VAE lab's calls. A model lives between calls in a named
// slot: the page's, and a few more for tests and authors that want their
// own; past MaxSlots the least recently used is dropped. The zero Lab is
// ready to use; it is not safe for concurrent use.
type Lab struct {
	slots []slot // least recently used first
}

type slot struct {
	name string
	t    *Trainer
}

// Frame is the lab's answer for the state {data: moons|rings|clusters, n,
// noise, seed, latent: 1|2, arch: linear|mlp, samples, beta, optimizer:
// adam|sgd, lr} and the options {reset, steps, epochs, show (default 200),
// slot (default "page"), history}. The slot's model is built anew on reset or
// when the state's data set, n, noise, seed, latent size or architecture
// differ from its own (Config.Key); K, β, the optimiser and the learning rate
// apply from the next step on. The call then takes steps minibatch updates,
// or trains until epochs more epochs are complete, and returns
//
//	{built (a new model), step, epoch, stepsPerEpoch, batch, params,
//	 terms: {recon, kl, elbo, betaKl, betaElbo, klDims} (at the end of the
//	        last completed epoch; betaKl = β·KL),
//	 trace: {epoch, step, recon, kl, elbo} (the epochs completed by this
//	        call; every point so far when built or with history: true),
//	 codes (μ(x) of the first show points), logvars, recon (x̂(μ(x)), x,y pairs),
//	 manifold: {xy, lines, per} (decoded lines of latent space)}
//
// and, when built or with history: true, data (x,y pairs) and labels.
//
// Errors: those of New, SetHyper, Advance and AdvanceEpochs; an option of
// the wrong type or out of range (steps, epochs and show: 0..MaxSteps).
func (l *Lab) Frame(st session.State, opts session.Options) (map[string]any, error) {
	cfg := Config{
		Data: st.Enum("data"), N: st.Int("n"), Noise: st.Number("noise"), Seed: uint64(st.Int("seed")),
		Latent: st.Int("latent"), Arch: st.Enum("arch"), Samples: st.Int("samples"), Beta: st.Number("beta"),
		Optimizer: st.Enum("optimizer"), LR: st.Number("lr"),
	}
	var ints [3]int
	for i, n := range [...]string{"steps", "epochs", "show"} {
		var err error
		if ints[i], err = opts.Count(n, [...]int{0, 0, 200}[i], MaxSteps); err != nil {
			return nil, err
		}
	}
	reset, err := opts.Bool("reset")
	if err != nil {
		return nil, err
	}
	history, err := opts.Bool("history")
	if err != nil {
		return nil, err
	}
	name, err := opts.String("slot", "page")
	if err != nil {
		return nil, err
	}
	t, built, err := l.trainer(name, cfg, reset)
	if err != nil {
		return nil, err
	}
	var more []Point
	if ints[1] > 0 {
		more, err = t.AdvanceEpochs(ints[1])
	} else {
		more, err = t.Advance(ints[0])
	}
	if err != nil {
		return nil, err
	}
	pts := more
	if built || history {
		pts = t.History()
	}
	tm := t.Last()
	codes, logvars, recon := t.Sample(ints[2])
	xy, lines, per := t.Manifold()
	tr := [5][]float64{}
	for i := range tr {
		tr[i] = make([]float64, len(pts))
	}
	for i, p := range pts {
		tr[0][i], tr[1][i], tr[2][i], tr[3][i], tr[4][i] = float64(p.Epoch), float64(p.Step), p.Recon, p.KL, p.ELBO
	}
	out := map[string]any{
		"built": built, "step": t.Step(), "epoch": t.Epoch(), "stepsPerEpoch": t.StepsPerEpoch(), "batch": Batch, "params": t.Params(),
		"terms": map[string]any{"recon": tm.Recon, "kl": tm.KL, "elbo": tm.ELBO, "betaKl": cfg.Beta * tm.KL, "betaElbo": tm.BetaELBO,
			"klDims": tm.KLDims},
		"trace": map[string]any{"epoch": tr[0], "step": tr[1], "recon": tr[2], "kl": tr[3], "elbo": tr[4]},
		"codes": codes, "logvars": logvars, "recon": recon,
		"manifold": map[string]any{"xy": xy, "lines": lines, "per": per},
	}
	if built || history {
		data, labels := t.Data()
		lf := make([]float64, len(labels))
		for i, c := range labels {
			lf[i] = float64(c)
		}
		out["data"] = data
		out["labels"] = lf
	}
	return out, nil
}

// trainer returns the named slot's model for cfg, building it when asked to,
// when there is none, or when cfg describes another model; built says which.
// The slot becomes the most recently used.
func (l *Lab) trainer(name string, cfg Config, reset bool) (t *Trainer, built bool, err error) {
	for i, s := range l.slots {
		if s.name != name {
			continue
		}
		l.slots = append(l.slots[:i], l.slots[i+1:]...)
		if !reset && s.t.Config().Key() == cfg.Key() {
			if err := s.t.SetHyper(cfg); err != nil {
				return nil, false, err
			}
			l.slots = append(l.slots, s)
			return s.t, false, nil
		}
		break
	}
	if t, err = New(cfg); err != nil {
		return nil, false, err
	}
	if len(l.slots) >= MaxSlots {
		l.slots = l.slots[1:]
	}
	l.slots = append(l.slots, slot{name, t})
	return t, true, nil
}
