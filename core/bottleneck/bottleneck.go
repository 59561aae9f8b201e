// Package bottleneck computes the information bottleneck of a small discrete
// joint distribution p(x, y): a stochastic encoder p(t|x) onto |T| clusters
// that keeps as much information about Y as it can for the information it
// keeps about X, by minimising the Lagrangian
//
//	L_β(p(t|x)) = I(X; T) − β I(T; Y).
//
// It iterates the self-consistent equations of Tishby, Pereira and Bialek
// (1999),
//
//	p(t|x) ∝ p(t) exp(−β KL(p(y|x) ‖ p(y|t))),
//	p(t)   = Σ_x p(x) p(t|x),
//	p(y|t) = Σ_x p(y|x) p(x|t) = Σ_x p(x,y) p(t|x) / p(t),
//
// none of whose updates raises L_β (it is an alternating minimisation), to
// a fixed point that may be only a local optimum: at large β a row is pinned
// to whichever cluster it starts nearest, and a cluster whose p(t) fell to
// 0 has the average decoder and is never chosen again. So the iteration is
// combined with two moves it cannot make, each kept only when it lowers
// L_β: moving a row whole into another cluster, an empty one included
// (sequential IB), and freeing a cluster (an empty one, or by merging the
// two that cost least to merge) to split the most heterogeneous cluster
// into it. Solve runs from several seeded starts and keeps the best, and
// says when they disagree; Sweep traces the bottleneck curve I(T; Y)
// against I(X; T) over a range of β, keeping at each β the lowest L_β of
// all the encoders it found at any β.
//
// Along the curve 0 ≤ I(T; Y) ≤ min(I(X; T), I(X; Y)) (the data-processing
// inequality for the chain T ← X → Y) and I(X; T) ≤ min(H(X), log |T|).
// For β ≤ 1 the optimum is I(X; T) = 0 (L_β ≥ (1 − β) I(X; T) ≥ 0).
//
// β multiplies a KL divergence in nats whatever unit the results are given
// in; the Lagrangian in the unit of the results, I(X;T) − β I(T;Y) of the
// results, is the nats value times the unit's factor.
package bottleneck

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/klplayground/klplay/core/input"
)

// Limits and defaults.
const (
	MaxClusters    = 64
	DefaultTol     = 1e-9
	DefaultMaxIter = 500
	MaxIterLimit   = 100_000
	MaxBeta        = 1e6
	MaxSweep       = 1000 // points in one sweep
	DefaultStarts  = 6
	MaxStarts      = 64
)

// freshStride is how many βs apart Sweep tries Solve's fresh starts.
const freshStride = 10

// Options configures Solve and Sweep.
type Options struct {
	// Clusters is |T|, from 1 to MaxClusters.
	Clusters int
	// Beta is the trade-off β ≥ 0 (at most MaxBeta) used by Solve; Sweep
	// takes its βs as an argument and ignores it.
	Beta float64
	// Seed seeds the random initial encoders (math/rand/v2 PCG).
	Seed uint64
	// Starts is the number of seeded random starts Solve tries, and Sweep
	// at every tenth β above 1 (0 means DefaultStarts, at most MaxStarts).
	Starts int
	// Tol stops the iteration once no entry of p(t|x) moves by more than
	// Tol in one step (0 means DefaultTol).
	Tol float64
	// MaxIter caps the updates made from one start (0 means
	// DefaultMaxIter, at most MaxIterLimit).
	MaxIter int
	// Init, when not nil, is the starting encoder p(t|x) (one row per x of
	// |T| non-negative weights, each row rescaled to sum to 1) instead of
	// the random ones: a warm start, the only start Solve then tries.
	Init [][]float64
	// Base is the unit of the informations: e for nats, 2 for bits.
	Base float64
}

// Result is one solution of the bottleneck equations.
type Result struct {
	Encoder    [][]float64 // p(t|x): one row per x, one column per t; rows sum to 1
	PT         []float64   // p(t)
	Decoder    [][]float64 // p(y|t): one row per t (all zeros where p(t) = 0)
	IXT        float64     // I(X; T) = Σ_x p(x) Σ_t p(t|x) log(p(t|x)/p(t))
	ITY        float64     // I(T; Y) of p(t, y) = Σ_x p(x,y) p(t|x)
	Iterations int         // updates made, over all starts
	Converged  bool        // whether the kept start's last update moved p(t|x) by ≤ Tol

	// Starts is the number of starts tried. Optima is the number of
	// distinct values of L_β = I(X;T) − β I(T;Y) they ended at: sorted, two
	// neighbours more than 10⁻⁶ (1 + H(X) + β I(X;Y)) nats apart (a
	// millionth of the range of L_β) begin a new value. Spread is the
	// largest of those values minus the smallest, in the unit of the
	// informations. StartDependent is Optima > 1: other starts end at
	// other encoders, and the one returned is only the best of Starts.
	Starts         int
	Optima         int
	Spread         float64
	StartDependent bool
}

func checkOptions(o *Options, nx int) error {
	if o.Clusters < 1 || o.Clusters > MaxClusters {
		return input.Errorf(input.OutOfRange, "clusters", "is %d; |T| must be a whole number from 1 to %d", o.Clusters, MaxClusters)
	}
	if err := input.InRange("beta", o.Beta, 0, MaxBeta); err != nil {
		return err
	}
	if o.Starts == 0 {
		o.Starts = DefaultStarts
	}
	if o.Starts < 1 || o.Starts > MaxStarts {
		return input.Errorf(input.OutOfRange, "starts", "is %d; it must be from 1 to %d", o.Starts, MaxStarts)
	}
	if o.Tol == 0 {
		o.Tol = DefaultTol
	}
	if err := input.InRange("tol", o.Tol, 0, 1); err != nil {
		return err
	}
	if o.MaxIter == 0 {
		o.MaxIter = DefaultMaxIter
	}
	if o.MaxIter < 1 || o.MaxIter > MaxIterLimit {
		return input.Errorf(input.OutOfRange, "maxIter", "is %d; it must be from 1 to %d", o.MaxIter, MaxIterLimit)
	}
	if _, err := input.LogBase(o.Base); err != nil {
		return err
	}
	if o.Init != nil {
		if len(o.Init) != nx {
			return input.Errorf(input.LengthMismatch, "init", "has %d rows but the joint has %d", len(o.Init), nx)
		}
		for x, row := range o.Init {
			arg := "init[" + strconv.Itoa(x) + "]"
			if len(row) != o.Clusters {
				return input.Errorf(input.LengthMismatch, arg, "has %d entries but there are %d clusters", len(row), o.Clusters)
			}
			if _, err := input.Probabilities(arg, row, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// initEncoder returns o.Init with its rows normalised (checked by checkOptions).
func initEncoder(o Options) [][]float64 {
	q := make([][]float64, len(o.Init))
	for x, row := range o.Init {
		q[x], _ = input.Probabilities("init", row, true)
	}
	return q
}

// Solve minimises L_β = I(X;T) − β I(T;Y) for the joint table joint (rows
// X, columns Y, summing to 1) at β = o.Beta with o.Clusters clusters, from
// o.Init alone or else from o.Starts random encoders drawn with o.Seed
// (alternately rows proportional to independent Exp(1) draws, uniform on the
// simplex, and to their fourth powers, nearly hard partitions). Each start
// is iterated until p(t|x) moves by at most max(o.Tol, 10⁻⁶) (or 100
// updates), then improved by moving rows between clusters while that lowers
// L_β; the best is iterated on until p(t|x) moves by at most o.Tol or it
// has had o.MaxIter updates, trying again to move rows and to revive or
// re-split a cluster. The same joint, options and seed give the same
// result. Result.Starts, Optima, Spread and StartDependent say whether the
// starts agreed; when they did not (two x's sharing a cluster at large β
// in one, not in another, say), the encoder returned is the best of them.
//
// Edge cases: at β = 0 every row becomes p(t), so I(X; T) = 0; a row with
// p(x) = 0 carries no information and is set to p(t); |T| = 1 gives
// I(X; T) = I(T; Y) = 0.
//
// Errors (*input.Error): those of divergence.MutualInformation for the
// joint ("joint"), Clusters outside 1..MaxClusters ("clusters"), Beta
// negative, not finite or above MaxBeta ("beta"), Starts outside
// 0..MaxStarts ("starts"), Tol outside [0, 1] ("tol"), MaxIter outside
// 1..MaxIterLimit ("maxIter"), a bad Base, an Init of the wrong shape or
// with a bad row ("init", "init[2]").
func Solve(joint [][]float64, o Options) (Result, error) {
	p, err := newProblem(joint)
	if err != nil {
		return Result{}, err
	}
	if err := checkOptions(&o, p.nx); err != nil {
		return Result{}, err
	}
	starts := [][][]float64{initEncoder(o)}
	if o.Init == nil {
		starts = p.starts(o)
	}
	m := p.solveFrom(starts, o.Beta, o, p.newWork(o.Clusters))
	res, err := p.result(m.best.q, o)
	if err != nil {
		return Result{}, err
	}
	k, _ := input.LogBase(o.Base)
	res.Iterations, res.Converged = m.iters, m.best.converged
	res.Starts = len(starts)
	res.Optima, res.Spread = distinct(m.vals, p.optimumTol(o.Beta))
	res.Spread *= k
	res.StartDependent = res.Optima > 1
	return res, nil
}

// Every start is first iterated to screenTol, or for screenMaxIter updates:
// L_β, whose error is of the order of the square of the encoder's, is then
// well within optimumTol, and only the best start is iterated on to o.Tol.
const (
	screenTol     = 1e-6
	screenMaxIter = 100
)

// multi is the outcome of several starts at one β.
type multi struct {
	best  *fit
	vals  []float64 // L_β of each start (nats)
	iters int
	found []*fit
}

// solveFrom descends from every start (modified in place) at beta, without
// reviving clusters, to screenTol, and then from the best, reviving them, to
// o.Tol (or from every start to o.Tol, reviving, if o.Tol ≥ screenTol).
func (p *problem) solveFrom(starts [][][]float64, beta float64, o Options, w *work) multi {
	tol, screen := max(o.Tol, screenTol), o.MaxIter
	if tol > o.Tol {
		screen = min(screen, screenMaxIter)
	}
	var m multi
	at := 0
	for i, q := range starts {
		f := p.descend(q, beta, tol, screen, tol == o.Tol, w)
		m.iters += f.iters
		m.vals = append(m.vals, f.l)
		m.found = append(m.found, f)
		if m.best == nil || f.l < m.best.l {
			m.best, at = f, i
		}
	}
	left := o.MaxIter - m.best.iters
	if tol > o.Tol && left == 0 {
		m.best.converged = false // only to screenTol
	}
	if tol > o.Tol && left > 0 {
		f := p.descend(copyEncoder(m.best.q), beta, o.Tol, left, true, w)
		m.iters += f.iters
		f.iters += m.best.iters
		m.vals[at] = f.l
		m.best = f
		m.found = append(m.found, f)
	}
	return m
}

// optimumTol is how far apart two values of L_β (nats) must be to count as
// different optima: a millionth of the range H(X) + β I(X;Y) of L_β (plus
// 10⁻⁶), far above what stopping at screenTol leaves, far below what a
// different partition of the rows costs.
func (p *problem) optimumTol(beta float64) float64 {
	return 1e-6 * (1 + p.hx + beta*p.ixy)
}

// distinct returns the number of groups of vals whose consecutive sorted
// values are within tol, and max − min.
func distinct(vals []float64, tol float64) (int, float64) {
	s := slices.Clone(vals)
	slices.Sort(s)
	n := 1
	for i := 1; i < len(s); i++ {
		if s[i]-s[i-1] > tol {
			n++
		}
	}
	return n, s[len(s)-1] - s[0]
}

// Curve is the bottleneck curve traced by Sweep, one point per β, with the
// bounds that frame it (in the unit of the options' base).
type Curve struct {
	Beta     []float64 // the βs, ascending
	IXT, ITY []float64 // I(X; T) and I(T; Y) at each β
	Iters    []int     // iterations spent at each β
	IXY      float64   // I(X; Y): the ceiling of I(T; Y)
	HX       float64   // H(X): the ceiling of I(X; T) (with log |T|)
}

// Betas returns n values from lo to hi spaced evenly on a log scale
// (lo, hi > 0, n ≥ 2; n = 1 gives [lo]).
func Betas(lo, hi float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		if n == 1 {
			out[i] = lo
			continue
		}
		out[i] = lo * math.Pow(hi/lo, float64(i)/float64(n-1))
	}
	if n > 1 {
		out[n-1] = hi
	}
	return out
}

// Sweep traces the bottleneck curve: at each β of betas, the encoder with
// the lowest L_β = I(X;T) − β I(T;Y) it finds. It anneals β upwards (betas[0]
// from the seeded random encoder or o.Init, each later β from the encoder
// kept at the β before, nudged by a seeded multiplicative perturbation of
// 1 % so that clusters that coincide below a critical β can split above
// it), and tries the o.Starts fresh starts of Solve (not with o.Init) at
// every tenth β from the last down to β = 1; each batch of starts is solved
// as in Solve. Then every encoder found, at any β, is a candidate at every
// β: where one has a lower L_β than the point kept (by more than a
// millionth of the range of L_β, as for Result.Optima), the iteration
// continues from it there, until no candidate is lower anywhere. So no
// point of the curve is dominated by another encoder the sweep found, a
// branch found at one β is carried to the βs where it wins, and I(T;Y)
// does not fall as β grows but for that tolerance (for β < β', L_β(a) ≤
// L_β(b) and L_β'(b) ≤ L_β'(a) give (β' − β)(I_b(T;Y) − I_a(T;Y)) ≥ 0
// for the points a at β and b at β'). The curve rises from
// (0, 0) towards (min(H(X), log|T|), I(X; Y)). o.Beta is ignored.
//
// Errors: those of Solve; betas empty (input.Empty, "betas"), longer than
// MaxSweep (input.TooLarge), with an entry negative, not finite or above
// MaxBeta ("betas[3]", input.OutOfRange / input.NotFinite) or not ascending
// ("betas[3]", input.Invalid).
func Sweep(joint [][]float64, betas []float64, o Options) (Curve, error) {
	c, _, err := sweep(joint, betas, o)
	return c, err
}

// sweep is Sweep, also returning every encoder it found (for the tests).
func sweep(joint [][]float64, betas []float64, o Options) (Curve, []*fit, error) {
	p, err := newProblem(joint)
	if err != nil {
		return Curve{}, nil, err
	}
	if len(betas) == 0 {
		return Curve{}, nil, input.Errorf(input.Empty, "betas", "is empty; a sweep needs at least one β")
	}
	if len(betas) > MaxSweep {
		return Curve{}, nil, input.Errorf(input.TooLarge, "betas", "has %d entries; at most %d are accepted", len(betas), MaxSweep)
	}
	for i, b := range betas {
		arg := "betas[" + strconv.Itoa(i) + "]"
		if err := input.InRange(arg, b, 0, MaxBeta); err != nil {
			return Curve{}, nil, err
		}
		if i > 0 && b < betas[i-1] {
			return Curve{}, nil, input.Errorf(input.Invalid, arg, "is %v, below the β before it; the βs must be ascending", b)
		}
	}
	o.Beta = betas[0]
	if err := checkOptions(&o, p.nx); err != nil {
		return Curve{}, nil, err
	}
	k, _ := input.LogBase(o.Base)
	n := len(betas)
	c := Curve{Beta: append([]float64(nil), betas...), IXY: k * p.ixy, HX: k * p.hx}
	c.IXT = make([]float64, n)
	c.ITY = make([]float64, n)
	c.Iters = make([]int, n)
	w := p.newWork(o.Clusters)
	kept := make([]*fit, n)
	var found []*fit
	// try solves at betas[i] from starts and keeps the result if it is lower.
	try := func(i int, starts ...[][]float64) {
		m := p.solveFrom(starts, betas[i], o, w)
		c.Iters[i] += m.iters
		found = append(found, m.found...)
		if kept[i] == nil || m.best.l < kept[i].l {
			kept[i] = m.best
		}
	}
	r := rand.New(rand.NewPCG(o.Seed, o.Seed^0x5851f42d4c957f2d))
	if o.Init != nil {
		try(0, initEncoder(o))
	} else {
		try(0, randomEncoder(p.nx, o.Clusters, r, 1))
	}
	for i := 1; i < n; i++ {
		try(i, nudge(kept[i-1].q, r))
	}
	if o.Init == nil {
		starts := p.starts(o)
		for i := n - 1; i >= 0 && betas[i] > 1; i -= freshStride {
			fresh := make([][][]float64, len(starts))
			for k, q := range starts {
				fresh[k] = copyEncoder(q)
			}
			try(i, fresh...)
		}
	}
	// Every encoder found is a candidate at every β: where one is lower than
	// the point kept, iterate from it there (which can only lower it
	// further). Passes alternate in direction, so that a branch found at one
	// β is carried as far as it wins either way; they end with one that
	// finds nothing, so that nothing found since is left unchecked.
	for pass := 0; pass < n; pass++ {
		changed := false
		for k := range betas {
			i := k
			if pass%2 == 1 {
				i = n - 1 - k
			}
			b := betas[i]
			var best *fit
			for _, f := range found {
				if best == nil || f.ixt-b*f.ity < best.ixt-b*best.ity {
					best = f
				}
			}
			if best.ixt-b*best.ity < kept[i].l-p.optimumTol(b) {
				try(i, copyEncoder(best.q))
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	for i := range betas {
		res, err := p.result(kept[i].q, o)
		if err != nil {
			return Curve{}, nil, err
		}
		c.IXT[i], c.ITY[i] = res.IXT, res.ITY
	}
	return c, found, nil
}
