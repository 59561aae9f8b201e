package gaussfit

import (
	"math"
	"slices"

	"github.com/klplayground/klplay/core/continuous"
	"github.com/klplayground/klplay/core/distribution"
	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

// The plot grid of the lab, over a fixed range that holds every target the
// schema allows.
const (
	plotPoints = 241
	plotLo     = -10.0
	plotHi     = 10.0
)

// Rules are the Forward vs reverse lab's cross-field rules: the target is a
// mixture of normals given as (weight, μ, σ) triples that
// continuous.FromParams accepts.
//
// Errors: input.LengthMismatch naming "state.target" when the count is not a
// multiple of 3; those of continuous.FromParams, naming "state.target…".
func Rules(st session.State) error {
	xs := st.Floats("target")
	if len(xs)%3 != 0 {
		return input.Errorf(input.LengthMismatch, "state.target", "has %d numbers; it needs 3 per component (weight, μ, σ)", len(xs))
	}
	_, err := continuous.FromParams("state.target", "mixture", xs)
	return err
}

// Lab answers the Forward vs reverse lab's calls. It keeps the last target,
// whose entropy (one quadrature) every animation frame would otherwise
// recompute. The zero Lab is ready to use; it is not safe for concurrent use.
type Lab struct {
	key    []float64
	target *Target
	conv   convergence
}

// convergence is the last answer to Frame's converge option, for its key.
type convergence struct {
	key  [3]float64 // startMu, startSigma, lr (the target is Lab.key)
	t    *Target
	outs map[string]any
}

// Frame is the lab's answer for the state {target: [w, μ, σ, …], startMu,
// startSigma, lr, speed, show} and the options {forward, reverse: {mu,
// sigma}} (the fits to continue; a missing fit or field is the start) and
// steps: steps natural-gradient steps of learning rate lr on each objective,
// KL(P‖Q) for forward and KL(Q‖P) for reverse (Target.Run), as
//
//	{forward, reverse: {mu, sigma, kl, grad: [∂μ, ∂log σ], values (the
//	 objective before each step)}, moments: {mu, sigma} (of P: forward KL's
//	 optimum), scores: {forward, reverse: {forward, reverse}} (each fit's
//	 KL(P‖Q) and KL(Q‖P)), entropyP, xs, p, qForward, qReverse, qStart (densities on
//	 241 points over [−10, 10]), handles: {mean, sd, atMean} (per component)}
//
// With the option converge: true it also returns converged: {forward,
// reverse}, the number of steps from the state's start after which each fit
// has converged (Target.Converge, within MaxStepsPerCall steps; null when it
// has not), computed once per target, start and lr and then remembered.
//
// Errors: those of Target.Run; an option of the wrong type.
func (l *Lab) Frame(st session.State, opts session.Options) (map[string]any, error) {
	t, err := l.targetFor(st.Floats("target"))
	if err != nil {
		return nil, err
	}
	start := Gaussian{Mu: st.Number("startMu"), Sigma: st.Number("startSigma")}
	lr := st.Number("lr")
	steps, err := opts.Number("steps", 0)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	curves := map[string][]float64{}
	fits := map[Direction]Gaussian{}
	for _, side := range []struct {
		name string
		dir  Direction
	}{{"forward", Forward}, {"reverse", Reverse}} {
		fit, err := opts.Object(side.name)
		if err != nil {
			return nil, err
		}
		q := start
		if q.Mu, err = fit.Number("mu", start.Mu); err != nil {
			return nil, err
		}
		if q.Sigma, err = fit.Number("sigma", start.Sigma); err != nil {
			return nil, err
		}
		tr, err := t.Run(q, side.dir, lr, int(steps))
		if err != nil {
			return nil, err
		}
		out[side.name] = map[string]any{
			"mu": tr.Q.Mu, "sigma": tr.Q.Sigma, "kl": tr.KL,
			"grad":   tr.Grad[:],
			"values": tr.Values,
		}
		curves[side.name] = density(distribution.Normal{Mu: tr.Q.Mu, Sigma: tr.Q.Sigma})
		fits[side.dir] = tr.Q
	}
	out["scores"] = scores(t, fits)
	conv, err := opts.Bool("converge")
	if err != nil {
		return nil, err
	}
	if conv {
		if out["converged"], err = l.converged(t, start, lr); err != nil {
			return nil, err
		}
	}
	xs, p, _ := distribution.Grid(t.Mix, plotLo, plotHi, plotPoints)
	m := t.Moments()
	var mean, sd, atMean []float64
	for _, c := range t.Mix.Components {
		n := c.(distribution.Normal)
		mean, sd, atMean = append(mean, n.Mu), append(sd, n.Sigma), append(atMean, t.Mix.Prob(n.Mu))
	}
	out["moments"] = map[string]any{"mu": m.Mu, "sigma": m.Sigma}
	out["entropyP"] = t.Entropy()
	out["xs"] = xs
	out["p"] = p
	out["qForward"] = curves["forward"]
	out["qReverse"] = curves["reverse"]
	out["qStart"] = density(distribution.Normal{Mu: start.Mu, Sigma: start.Sigma})
	out["handles"] = map[string]any{"mean": mean, "sd": sd, "atMean": atMean}
	return out, nil
}

// scores is each fit scored under both objectives, {forward, reverse: {forward:
// KL(P‖Q), reverse: KL(Q‖P)}} (outer key: the fit; inner: the objective). Once
// converged, the mode-covering fit wins the forward column (the moments are
// KL(P‖Q)'s only minimum); the mode-seeking fit is a local minimum of KL(Q‖P)
// and usually wins the reverse column, but not always: on a mode of weight w it
// scores about −log w, above the covering fit when w is small.
func scores(t *Target, fits map[Direction]Gaussian) map[string]any {
	out := map[string]any{}
	for name, d := range map[string]Direction{"forward": Forward, "reverse": Reverse} {
		fwd, _ := t.Objective(fits[d], Forward)
		rev, _ := t.Objective(fits[d], Reverse)
		out[name] = map[string]any{"forward": fwd, "reverse": rev}
	}
	return out
}

// converged is Frame's converged answer for the start and lr, reusing the last one.
func (l *Lab) converged(t *Target, start Gaussian, lr float64) (map[string]any, error) {
	key := [3]float64{start.Mu, start.Sigma, lr}
	if l.conv.t == t && l.conv.key == key {
		return l.conv.outs, nil
	}
	outs := map[string]any{}
	for name, d := range map[string]Direction{"forward": Forward, "reverse": Reverse} {
		n, ok, err := t.Converge(start, d, lr, MaxStepsPerCall)
		if err != nil {
			return nil, err
		}
		outs[name] = nil
		if ok {
			outs[name] = float64(n)
		}
	}
	l.conv = convergence{key, t, outs}
	return outs, nil
}

// targetFor returns the target of the mixture params, reusing the last one.
func (l *Lab) targetFor(params []float64) (*Target, error) {
	if l.target != nil && slices.Equal(l.key, params) {
		return l.target, nil
	}
	d, err := continuous.FromParams("target", "mixture", params)
	if err != nil {
		return nil, err
	}
	t, err := NewTarget(d.(*distribution.Mixture))
	if err != nil {
		return nil, err
	}
	l.key, l.target = slices.Clone(params), t
	return t, nil
}

// density is d on the plot grid, 0 where it is not a number.
func density(d distribution.Dist) []float64 {
	_, p, err := distribution.Grid(d, plotLo, plotHi, plotPoints)
	if err != nil {
		return make([]float64, plotPoints)
	}
	for i, v := range p {
		if math.IsNaN(v) {
			p[i] = 0
		}
	}
	return p
}
