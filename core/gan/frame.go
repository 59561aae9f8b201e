package gan

import (
	"strconv"

	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

// Rules are the GANs lab's cross-field rules: the generators shown are
// f-divergences (divergence.FDivergenceNames) and the curves hidden are
// divergences of the lab (Names), each at most once.
//
// Errors: input.UnknownName or input.Invalid (given twice) naming
// "state.gens[i]" or "state.hide[i]".
func Rules(st session.State) error {
	for _, c := range []struct {
		key   string
		known []string
	}{{"gens", divergence.FDivergenceNames()}, {"hide", Names}} {
		seen := map[string]bool{}
		for i, s := range st.Strings(c.key) {
			arg := "state." + c.key + "[" + strconv.Itoa(i) + "]"
			ok := false
			for _, k := range c.known {
				ok = ok || k == s
			}
			if !ok {
				return input.Errorf(input.UnknownName, arg, "%q is not one of the lab's names", s)
			}
			if seen[s] {
				return input.Errorf(input.Invalid, arg, "%q is given twice", s)
			}
			seen[s] = true
		}
	}
	return nil
}

// Lab answers the GANs lab's calls. It keeps the sweep over θ of each shape
// (a few hundred integrations, the same for every call), computed on first
// use: at most one per shape. The zero Lab is ready to use; it is not safe
// for concurrent use.
type Lab struct {
	sweeps map[string]Sweep
	run    *Training // the last training run, grown as the step rises
	runKey string
}

// Frame is the lab's answer for the state {shape, theta, step, gens: [names],
// alpha, hide} and the options {sweep, curves}: the generators trained from
// θ₀ = theta for step steps (Training), and P of the shape and Q = P shifted
// by the JS generator's θ at that step, at = Training.Theta(step) (= theta at
// step 0) (Compute, with every f-divergence of divergence.FDivergenceNames), as
//
//	{at, div: {kl, reverse-kl, js, tv, hellinger2, chi2, w1}, slopes: {the same
//	 keys: ∂/∂θ, NaN where infinite}, loss (2·JS − log 4), f: {name: D_f},
//	 klPM, klQM (KL(P‖M), KL(Q‖M): JS = ½klPM + ½klQM, see JSHalves),
//	 xs, p, q, m ((p + q)/2), d (D* = p/(p + q)), dlearn (the learned
//	 discriminator): []float64,
//	 train: {step, rate, value (V of the learned D), theta: {js, kl,
//	 reverse-kl, tv, w1: []float64, steps 0…step}, grad: {the same keys}}}
//
// A run is kept and grown while the shape and θ₀ stay, so that Play's next
// step costs one generator step; a shared link at step k replays k steps.
//
// With sweep: true it adds sweep: {theta, kl, reverse-kl, …: []float64}, every
// divergence over θ ∈ [−ThetaMax, ThetaMax] (SweepPoints points); with
// curves: true, generators: {us, name: []float64}, the generator f(u) of each
// of gens at alpha on UPoints points of [ULo, UHi].
//
// Errors: those of Compute, Shape.Sweep and GeneratorCurves; an option of the
// wrong type.
func (l *Lab) Frame(st session.State, opts session.Options) (map[string]any, error) {
	r := Request{Shape: st.Enum("shape"), Theta: st.Number("theta"), Alpha: st.Number("alpha"), Names: divergence.FDivergenceNames()}
	gens := st.Strings("gens")
	step := st.Int("step")
	tr, err := l.training(r.Shape, r.Theta, step)
	if err != nil {
		return nil, err
	}
	r.Theta, r.Slopes = tr.Theta(step), &tr.JSSlopes[step]
	fr, err := Compute(r)
	if err != nil {
		return nil, err
	}
	named := func(d Divergences) map[string]any {
		m := map[string]any{}
		for k, v := range d.Values() {
			m[Names[k]] = v
		}
		return m
	}
	f := map[string]any{}
	for i, n := range r.Names {
		f[n] = fr.F[i]
	}
	out := map[string]any{
		"div":    named(fr.Div),
		"slopes": named(fr.Slopes),
		"loss":   fr.Loss,
		"f":      f,
		"xs":     fr.X,
		"p":      fr.P,
		"q":      fr.Q,
		"d":      fr.D,
		"at":     r.Theta,
		"klPM":   fr.KLPM,
		"klQM":   fr.KLQM,
	}
	m, dl := make([]float64, len(fr.X)), make([]float64, len(fr.X))
	for i, x := range fr.X {
		m[i] = 0.5 * (fr.P[i] + fr.Q[i])
		dl[i] = tr.D(step, x)
	}
	out["m"], out["dlearn"] = m, dl
	ths, grads := map[string]any{}, map[string]any{}
	for i, n := range TrainNames {
		ths[n] = tr.Paths[i].Theta[:step+1]
		grads[n] = tr.Paths[i].Grad[:step+1]
	}
	out["train"] = map[string]any{"step": float64(step), "rate": TrainRate, "value": tr.Value(step), "theta": ths, "grad": grads}
	if want, err := opts.Bool("sweep"); err != nil {
		return nil, err
	} else if want {
		sw, err := l.sweep(r.Shape)
		if err != nil {
			return nil, err
		}
		m := map[string]any{"theta": sw.Theta}
		for k, c := range sw.Curves {
			m[Names[k]] = c
		}
		out["sweep"] = m
	}
	if want, err := opts.Bool("curves"); err != nil {
		return nil, err
	} else if want {
		us := Grid(ULo, UHi, UPoints)
		cs, err := GeneratorCurves(gens, r.Alpha, us)
		if err != nil {
			return nil, err
		}
		m := map[string]any{"us": us}
		for i, n := range gens {
			m[n] = cs[i]
		}
		out["generators"] = m
	}
	return out, nil
}

// sweep returns the sweep of the named shape, computing it on first use.
func (l *Lab) sweep(shape string) (Sweep, error) {
	if sw, ok := l.sweeps[shape]; ok {
		return sw, nil
	}
	s, err := ShapeNamed(shape)
	if err != nil {
		return Sweep{}, err
	}
	sw, err := s.Sweep(-ThetaMax, ThetaMax, SweepPoints)
	if err != nil {
		return Sweep{}, err
	}
	if l.sweeps == nil {
		l.sweeps = map[string]Sweep{}
	}
	l.sweeps[shape] = sw
	return sw, nil
}

// training returns the run of the shape from θ₀ grown to step k: the kept one
// when shape and θ₀ match, a new one otherwise.
func (l *Lab) training(shape string, theta0 float64, k int) (*Training, error) {
	key := shape + "|" + strconv.FormatFloat(theta0, 'g', -1, 64)
	if l.run == nil || l.runKey != key {
		s, err := ShapeNamed(shape)
		if err != nil {
			return nil, err
		}
		tr, err := s.NewTraining(theta0)
		if err != nil {
			return nil, err
		}
		l.run, l.runKey = tr, key
	}
	return l.run, l.run.Advance(k)
}
