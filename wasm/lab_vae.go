//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/klplayground/klplay/core/vae"
)

// vaeLab takes the VAE lab's state
//
//	{data: 'moons'|'rings'|'clusters', n, noise, seed, latent: 1|2, arch: 'linear'|'mlp',
//	 samples, beta, optimizer: 'adam'|'sgd', lr}
//
// and view options {reset, steps, epochs, show, slot, history}. The model lives
// in Go between calls, one per slot (a string, default "page"; at most four
// slots): it is built anew on reset or when the state's data set, n, noise,
// seed, latent size or architecture differ from its own; K, β, the optimiser
// and the learning rate apply from the next step on. The call then takes
// `steps` minibatch updates, or trains until `epochs` more epochs are complete,
// and returns everything a frame draws:
//
//	{built (a new model), step, epoch, stepsPerEpoch, batch, params,
//	 terms: {recon, kl, elbo, betaKl, betaElbo, klDims} (at the end of the last completed epoch),
//	 trace: {epoch, step, recon, kl, elbo} (the epochs completed by this call;
//	        every point so far when built or with history: true),
//	 data, labels (only when built or with history: true; the data as x,y pairs),
//	 codes (μ(x) of the first `show` points, default 200), logvars, recon (x̂(μ(x)), x,y pairs),
//	 manifold: {xy, lines, per} (decoded lines of latent space)}
//
// Every array is a Float64Array.
func vaeLab(a []js.Value) (any, error) {
	st, err := labState("vae", arg(a, 0))
	if err != nil {
		return nil, err
	}
	cfg := vae.Config{
		Data: st.Enum("data"), N: st.Int("n"), Noise: st.Number("noise"), Seed: uint64(st.Int("seed")),
		Latent: st.Int("latent"), Arch: st.Enum("arch"), Samples: st.Int("samples"), Beta: st.Number("beta"),
		Optimizer: st.Enum("optimizer"), LR: st.Number("lr"),
	}
	view, err := decodeOptions(arg(a, 1))
	if err != nil {
		return nil, err
	}
	var ints [3]int
	for i, n := range [...]string{"steps", "epochs", "show"} {
		if ints[i], err = view.count(n, [...]int{0, 0, 200}[i], vae.MaxSteps); err != nil {
			return nil, err
		}
	}
	reset, err := view.boolean("reset")
	if err != nil {
		return nil, err
	}
	history, err := view.boolean("history")
	if err != nil {
		return nil, err
	}
	slot, err := view.str("slot", "page")
	if err != nil {
		return nil, err
	}
	t, built, err := vaeTrainer(slot, cfg, reset)
	if err != nil {
		return nil, err
	}
	var more []vae.Point
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
		"built": built, "step": t.Step(), "epoch": t.Epoch(), "stepsPerEpoch": t.StepsPerEpoch(), "batch": vae.Batch, "params": t.Params(),
		"terms": map[string]any{"recon": tm.Recon, "kl": tm.KL, "elbo": tm.ELBO, "betaKl": cfg.Beta * tm.KL, "betaElbo": tm.BetaELBO,
			"klDims": toFloat64Array(tm.KLDims)},
		"trace": map[string]any{"epoch": toFloat64Array(tr[0]), "step": toFloat64Array(tr[1]), "recon": toFloat64Array(tr[2]),
			"kl": toFloat64Array(tr[3]), "elbo": toFloat64Array(tr[4])},
		"codes": toFloat64Array(codes), "logvars": toFloat64Array(logvars), "recon": toFloat64Array(recon),
		"manifold": map[string]any{"xy": toFloat64Array(xy), "lines": lines, "per": per},
	}
	if built || history {
		data, labels := t.Data()
		lf := make([]float64, len(labels))
		for i, l := range labels {
			lf[i] = float64(l)
		}
		out["data"] = toFloat64Array(data)
		out["labels"] = toFloat64Array(lf)
	}
	return out, nil
}

// vaeSlots keeps the models between calls: the page's, and a few more for
// tests and authors that want their own (least recently used dropped first).
var vaeSlots []struct {
	name string
	t    *vae.Trainer
}

const maxVAESlots = 4

// vaeTrainer returns the slot's model for cfg, building it when asked to, when
// there is none, or when cfg describes another model; built says which.
func vaeTrainer(slot string, cfg vae.Config, reset bool) (*vae.Trainer, bool, error) {
	for i, s := range vaeSlots {
		if s.name != slot {
			continue
		}
		vaeSlots = append(vaeSlots[:i], vaeSlots[i+1:]...)
		if !reset && s.t.Config().Key() == cfg.Key() {
			if err := s.t.SetHyper(cfg); err != nil {
				return nil, false, err
			}
			vaeSlots = append(vaeSlots, s)
			return s.t, false, nil
		}
		break
	}
	t, err := vae.New(cfg)
	if err != nil {
		return nil, false, err
	}
	if len(vaeSlots) >= maxVAESlots {
		vaeSlots = vaeSlots[1:]
	}
	vaeSlots = append(vaeSlots, struct {
		name string
		t    *vae.Trainer
	}{slot, t})
	return t, true, nil
}
