package logistic

import (
	"math"
	"slices"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

// The grids of a frame.
const (
	FieldN   = 32 // cells per side of the prediction shading
	SurfaceN = 25 // nodes per side of the loss surface

	SampleSize = 24      // points of a fresh sample (opts.sample)
	MaxSeed    = 1000000 // largest seed of a sample
)

// Rules are the cross-field rules of the points panel's state: the points
// decode (Decode) for the state's number of classes, pointClasses.
//
// Errors: those of Decode, naming "state.points" or "state.points[j]".
func Rules(st session.State) error {
	_, err := Decode("state.points", st.Floats("points"), st.Int("pointClasses"))
	return err
}

// Lab answers the panel's frames. It keeps the descent path of the last data
// set, so that the frame of step t+1 after step t takes one gradient step, not
// t+1; the answer is the same bits either way (Descend is deterministic and
// replays step by step). Not safe for concurrent use.
type Lab struct {
	key    string
	eta    float64
	path   [][]float64 // θ after step t at [t], path[0] = 0
	losses []float64   // the loss after step t at [t], in nats
}

// Frame is the points panel's answer for the Cross-entropy lab's state
// {points, pointClasses, spread, pointLabels: true|onehot, fitStep, unit}:
// the model after fitStep steps of gradient descent (step size StepSize) from
// θ = 0, where q is uniform and the loss is log K, on the state's points with
// the world's posterior as targets (pointLabels true) or their classes'
// one-hot labels:
//
//	{weights, trueWeights, terms, entropy, q, targets, trace, pathU, pathV,
//	 surface, field: []float64, loss, floor, gap, gradNorm, stepSize,
//	 surfaceLo, surfaceHi: float64, step, classes, fieldN, surfaceN: int}
//
// terms[i] = H(p_i, q_i) (−log q(y_i|x_i) for one-hot targets), entropy[i] =
// H(p_i), loss = mean of terms = floor + gap, floor = mean of entropy,
// trace[t] the loss after step t (t = 0..fitStep), pathU/pathV the weights
// (w_0,x, w_0,y) after each step, surface the loss over those two weights
// (Surface, class 0, on [surfaceLo, surfaceHi]², the others at the current
// weights) and field the prediction over the plane (Field). Logarithmic
// values are in the state's unit; gradNorm is in nats.
//
// With the option sample = s (1..MaxSeed), the frame also holds sample: a
// fresh data set of SampleSize points drawn from the state's world with seed s
// (World.Sample), in the flat form of the state's points, for the page to
// adopt.
//
// Errors: those of Decode; fitStep beyond MaxSteps ("state.fitStep"); sample
// not a whole number in 0..MaxSeed ("opts.sample").
func (l *Lab) Frame(st session.State, opts session.Options) (map[string]any, error) {
	k := st.Int("pointClasses")
	pts, err := Decode("state.points", st.Floats("points"), k)
	if err != nil {
		return nil, err
	}
	step := st.Int("fitStep")
	if step < 0 || step > MaxSteps {
		return nil, input.Errorf(input.OutOfRange, "state.fitStep", "is %d; it must be between 0 and %d", step, MaxSteps)
	}
	unit, err := input.LogBase(st.Base())
	if err != nil {
		return nil, err
	}
	w := World{K: k, Spread: st.Number("spread")}
	if err := input.Positive("state.spread", w.Spread); err != nil {
		return nil, err
	}
	seed, err := opts.Count("sample", 0, MaxSeed)
	if err != nil {
		return nil, err
	}
	trueLabels := st.Enum("pointLabels") == "true"
	targets := w.Targets(pts, trueLabels)
	l.extend(pts, targets, w, trueLabels, step)

	theta := l.path[step]
	e := Evaluate(theta, pts, targets)
	scale := func(xs []float64) []float64 {
		out := make([]float64, len(xs))
		for i, x := range xs {
			out[i] = unit * x
		}
		return out
	}
	pathU, pathV := make([]float64, step+1), make([]float64, step+1)
	reach := 0.0
	for t, th := range l.path[:step+1] {
		pathU[t], pathV[t] = th[0], th[1]
		reach = max(reach, math.Abs(th[0]), math.Abs(th[1]))
	}
	half := surfaceHalf(reach)
	f := map[string]any{
		"weights":     slices.Clone(theta),
		"trueWeights": w.TrueWeights(),
		"terms":       scale(e.Terms),
		"entropy":     scale(e.Entropy),
		"q":           e.Q,
		"targets":     targets,
		"trace":       scale(l.losses[:step+1]),
		"pathU":       pathU,
		"pathV":       pathV,
		"surface":     scale(Surface(theta, pts, targets, 0, SurfaceN, -half, half)),
		"field":       Field(theta, FieldN),
		"loss":        unit * e.Loss,
		"floor":       unit * e.Floor,
		"gap":         unit * e.Gap,
		"gradNorm":    e.GradNorm,
		"stepSize":    l.eta,
		"surfaceLo":   -half,
		"surfaceHi":   half,
		"step":        step,
		"classes":     k,
		"fieldN":      FieldN,
		"surfaceN":    SurfaceN,
	}
	if seed > 0 {
		f["sample"] = Flat(w.Sample(SampleSize, uint64(seed)))
	}
	return f, nil
}

// extend makes l.path and l.losses reach step for this data set, starting
// afresh when the data set, its targets or the world changed.
func (l *Lab) extend(pts []Point, targets []float64, w World, trueLabels bool, step int) {
	key := dataKey(pts, w, trueLabels)
	if key != l.key {
		l.key = key
		l.eta = StepSize(pts)
		zero := make([]float64, 3*w.K)
		l.path = [][]float64{zero}
		l.losses = []float64{pass(zero, pts, targets, entropies(targets, w.K), nil)}
	}
	if have := len(l.path) - 1; step > have {
		path, losses := Descend(l.path[have], pts, targets, l.eta, step-have)
		l.path = append(l.path, path...)
		l.losses = append(l.losses, losses...)
	}
}

// dataKey is the exact identity of a data set and its targets.
func dataKey(pts []Point, w World, trueLabels bool) string {
	b := make([]byte, 0, 8*(3*len(pts)+2)+1)
	add := func(x float64) {
		u := math.Float64bits(x)
		for s := 0; s < 64; s += 8 {
			b = append(b, byte(u>>s))
		}
	}
	for _, p := range pts {
		add(p.X)
		add(p.Y)
		add(float64(p.Class))
	}
	add(float64(w.K))
	add(w.Spread)
	if trueLabels {
		b = append(b, 1)
	}
	return string(b)
}

// surfaceHalf is the half-width of the surface's square: the first of 2, 3,
// 4, 6, 8, 12, … at least 1.15 times the largest weight reached, so the
// current weights and their path always lie inside it.
func surfaceHalf(reach float64) float64 {
	h := 2.0
	for i := 0; h < 1.15*reach; i++ {
		if i%2 == 0 {
			h *= 1.5
		} else {
			h *= 4.0 / 3
		}
	}
	return h
}
