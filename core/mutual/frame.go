package mutual

import (
	"github.com/klplayground/klplay/core/bottleneck"
	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

// The sweep grid of the lab: β from 0.1 to 1000, 20 per decade.
const (
	sweepLo, sweepHi, sweepN = 0.1, 1000, 81
)

// Rules are the Mutual information lab's cross-field rules: the flat joint
// table has rows × cols cells.
//
// Errors: input.LengthMismatch naming "state.distribution".
func Rules(st session.State) error {
	rows, cols, cells := st.Int("rows"), st.Int("cols"), len(st.Floats("distribution"))
	if cells != rows*cols {
		return input.Errorf(input.LengthMismatch, "state.distribution", "has %d cells but rows × cols = %v × %v = %v", cells, rows, cols, rows*cols)
	}
	return nil
}

// problem reads the state {rows, cols, distribution: flat row-major P(X,Y),
// noise, unit, clusters, beta, seed} as the joint table and the bottleneck's
// options.
func problem(st session.State) ([][]float64, bottleneck.Options, error) {
	o := bottleneck.Options{Clusters: st.Int("clusters"), Beta: st.Number("beta"), Seed: uint64(st.Int("seed")), Base: st.Base()}
	joint, err := Table(st.Floats("distribution"), st.Int("rows"), st.Int("cols"), divergence.Options{Base: o.Base})
	return joint, o, err
}

// Frame is the Mutual information lab's answer for its state (it takes no
// options): Analyze of the joint table and the information bottleneck at
// the state's β with its clusters and seed (bottleneck.Solve), in the state's
// unit:
//
//	{hx, hy, hxy, hxGivenY, hyGivenX, mi, ixt, ity: float64, px, py,
//	 product, terms, encoder (p(t|x), flat rows × clusters), pt: []float64,
//	 iterations: int, converged: bool, starts: int, optima: int, spread,
//	 startDependent: bool}
//
// with I(X;Y) = KL(P_XY‖P_X ⊗ P_Y) = H(X) + H(Y) − H(X,Y) (see Report).
//
// Errors: those of Table, Analyze and bottleneck.Solve.
func Frame(st session.State, _ session.Options) (map[string]any, error) {
	joint, o, err := problem(st)
	if err != nil {
		return nil, err
	}
	r, err := Analyze(joint, divergence.Options{Base: o.Base})
	if err != nil {
		return nil, err
	}
	ib, err := bottleneck.Solve(joint, o)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"hx":         r.HX,
		"hy":         r.HY,
		"hxy":        r.HXY,
		"hxGivenY":   r.HXgivenY,
		"hyGivenX":   r.HYgivenX,
		"mi":         r.MI,
		"px":         r.PX,
		"py":         r.PY,
		"product":    r.Product,
		"terms":      r.Terms,
		"encoder":    Flat(ib.Encoder),
		"pt":         ib.PT,
		"ixt":        ib.IXT,
		"ity":        ib.ITY,
		"iterations": ib.Iterations,
		"converged":  ib.Converged,
		// Solve's several starts: how many, how many distinct optima they
		// reached, their spread in Lagrangian, and whether the answer depends on the start.
		"starts":         ib.Starts,
		"optima":         ib.Optima,
		"spread":         ib.Spread,
		"startDependent": ib.StartDependent,
	}, nil
}

// SweepFrame is the lab's information bottleneck curve for its state (whose
// beta it ignores; no options): bottleneck.Sweep over β from 0.1 to 1000, 81
// points evenly spaced in log β, in the state's unit:
//
//	{beta, ixt, ity: []float64 (one entry per β), ixy = I(X;Y), hx = H(X)}
//
// I(T;Y) ≤ I(X;Y) and I(X;T) ≤ H(X) bound the curve.
//
// Errors: those of Table and bottleneck.Sweep.
func SweepFrame(st session.State, _ session.Options) (map[string]any, error) {
	joint, o, err := problem(st)
	if err != nil {
		return nil, err
	}
	c, err := bottleneck.Sweep(joint, bottleneck.Betas(sweepLo, sweepHi, sweepN), o)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"beta": c.Beta,
		"ixt":  c.IXT,
		"ity":  c.ITY,
		"ixy":  c.IXY,
		"hx":   c.HX,
	}, nil
}
