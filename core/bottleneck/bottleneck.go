// Package bottleneck computes the information bottleneck of a small discrete
// joint distribution p(x, y): a stochastic encoder p(t|x) onto |T| clusters
// that keeps as much information about Y as it can for the information it
// keeps about X, by minimising I(X; T) − β I(T; Y). It iterates the
// self-consistent equations of Tishby, Pereira and Bialek (1999),
//
//	p(t|x) ∝ p(t) exp(−β KL(p(y|x) ‖ p(y|t))),
//	p(t)   = Σ_x p(x) p(t|x),
//	p(y|t) = Σ_x p(y|x) p(x|t) = Σ_x p(x,y) p(t|x) / p(t),
//
// from a seeded random encoder (Solve), and traces the bottleneck curve
// I(T; Y) against I(X; T) by sweeping β upwards with warm starts (Sweep).
// Along the curve 0 ≤ I(T; Y) ≤ min(I(X; T), I(X; Y)) (the data-processing
// inequality for the chain T ← X → Y) and I(X; T) ≤ min(H(X), log |T|).
//
// β multiplies a KL divergence in nats whatever unit the results are given in.
package bottleneck

import (
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/klplayground/klplay/core/divergence"
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
)

// Options configures Solve and Sweep.
type Options struct {
	// Clusters is |T|, from 1 to MaxClusters.
	Clusters int
	// Beta is the trade-off β ≥ 0 (at most MaxBeta) used by Solve; Sweep
	// takes its βs as an argument and ignores it.
	Beta float64
	// Seed seeds the random initial encoder (math/rand/v2 PCG).
	Seed uint64
	// Tol stops the iteration once no entry of p(t|x) moves by more than
	// Tol in one step (0 means DefaultTol).
	Tol float64
	// MaxIter caps the iterations (0 means DefaultMaxIter, at most MaxIterLimit).
	MaxIter int
	// Init, when not nil, is the starting encoder p(t|x) (one row per x of
	// |T| non-negative weights, each row rescaled to sum to 1) instead of a
	// random one: a warm start.
	Init [][]float64
	// Base is the unit of the informations: 0 or e for nats, 2 for bits.
	Base float64
}

// Result is one solution of the bottleneck equations.
type Result struct {
	Encoder    [][]float64 // p(t|x): one row per x, one column per t; rows sum to 1
	PT         []float64   // p(t)
	Decoder    [][]float64 // p(y|t): one row per t (all zeros where p(t) = 0)
	IXT        float64     // I(X; T) = Σ_x p(x) Σ_t p(t|x) log(p(t|x)/p(t))
	ITY        float64     // I(T; Y) of p(t, y) = Σ_x p(x,y) p(t|x)
	Iterations int         // updates made
	Converged  bool        // whether the last update moved p(t|x) by ≤ Tol
}

// problem is a validated joint with what the iteration needs.
type problem struct {
	nx, ny int
	joint  [][]float64
	px     []float64
	logPyx [][]float64 // log p(y|x) where p(x,y) > 0
	pyx    [][]float64 // p(y|x)
}

func newProblem(joint [][]float64) (*problem, float64, error) {
	ixy, err := divergence.MutualInformation(joint, divergence.Options{})
	if err != nil {
		return nil, 0, err
	}
	p := &problem{nx: len(joint), ny: len(joint[0]), joint: joint}
	p.px = make([]float64, p.nx)
	p.pyx = make([][]float64, p.nx)
	p.logPyx = make([][]float64, p.nx)
	for x, row := range joint {
		s := 0.0
		for _, v := range row {
			s += v
		}
		p.px[x] = s
		p.pyx[x] = make([]float64, p.ny)
		p.logPyx[x] = make([]float64, p.ny)
		if s == 0 {
			continue
		}
		for y, v := range row {
			if v > 0 {
				p.pyx[x][y] = v / s
				p.logPyx[x][y] = math.Log(v / s)
			}
		}
	}
	return p, ixy, nil
}

func checkOptions(o *Options, nx int) error {
	if o.Clusters < 1 || o.Clusters > MaxClusters {
		return input.Errorf(input.OutOfRange, "clusters", "is %d; |T| must be a whole number from 1 to %d", o.Clusters, MaxClusters)
	}
	if err := input.InRange("beta", o.Beta, 0, MaxBeta); err != nil {
		return err
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

// Solve iterates the bottleneck equations for the joint table joint (rows X,
// columns Y, summing to 1) at trade-off o.Beta with o.Clusters clusters, from
// o.Init or else from a random encoder drawn with o.Seed (each row
// proportional to independent Exp(1) draws), until p(t|x) moves by at most
// o.Tol or o.MaxIter updates were made. The same joint, options and seed give
// the same result. The iteration settles on a fixed point of the equations,
// which may be a local optimum of I(X;T) − β I(T;Y) (two x's sharing a cluster
// at large β, say); Sweep's annealing finds better ones.
//
// Edge cases: at β = 0 every row becomes p(t), so I(X; T) = 0; a row with
// p(x) = 0 carries no information and is set to p(t); a cluster whose p(t)
// reaches 0 stays empty; |T| = 1 gives I(X; T) = I(T; Y) = 0.
//
// Errors (*input.Error): those of divergence.MutualInformation for the
// joint ("joint"), Clusters outside 1..MaxClusters ("clusters"), Beta
// negative, not finite or above MaxBeta ("beta"), Tol outside [0, 1]
// ("tol"), MaxIter outside 1..MaxIterLimit ("maxIter"), a bad Base, an Init
// of the wrong shape or with a bad row ("init", "init[2]").
func Solve(joint [][]float64, o Options) (Result, error) {
	p, _, err := newProblem(joint)
	if err != nil {
		return Result{}, err
	}
	if err := checkOptions(&o, p.nx); err != nil {
		return Result{}, err
	}
	var q [][]float64
	if o.Init != nil {
		q = make([][]float64, p.nx)
		for x, row := range o.Init {
			q[x], _ = input.Probabilities("init", row, true)
		}
	} else {
		q = randomEncoder(p.nx, o.Clusters, rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)))
	}
	return p.solve(q, o)
}

// randomEncoder draws rows proportional to independent Exp(1) variables
// (uniform on the simplex).
func randomEncoder(nx, nt int, r *rand.Rand) [][]float64 {
	q := make([][]float64, nx)
	for x := range q {
		q[x] = make([]float64, nt)
		s := 0.0
		for t := range q[x] {
			q[x][t] = r.ExpFloat64() + 1e-12
			s += q[x][t]
		}
		for t := range q[x] {
			q[x][t] /= s
		}
	}
	return q
}

// solve runs the iteration from q (modified in place).
func (p *problem) solve(q [][]float64, o Options) (Result, error) {
	nt := o.Clusters
	pt := make([]float64, nt)
	pyt := make([][]float64, nt)
	logPyt := make([][]float64, nt)
	for t := range pyt {
		pyt[t] = make([]float64, p.ny)
		logPyt[t] = make([]float64, p.ny)
	}
	logits := make([]float64, nt)
	res := Result{}
	p.marginals(q, pt, pyt)
	for it := 0; it < o.MaxIter; it++ {
		for t := range pyt {
			for y, v := range pyt[t] {
				logPyt[t][y] = math.Log(v) // −Inf where p(y|t) = 0
			}
		}
		change := 0.0
		for x := range q {
			if p.px[x] == 0 {
				for t := range q[x] {
					change = math.Max(change, math.Abs(pt[t]-q[x][t]))
					q[x][t] = pt[t]
				}
				continue
			}
			best := math.Inf(-1)
			for t := range logits {
				l := math.Inf(-1)
				if pt[t] > 0 {
					l = math.Log(pt[t])
					if o.Beta > 0 {
						l -= o.Beta * p.kl(x, logPyt[t])
					}
				}
				logits[t] = l
				best = math.Max(best, l)
			}
			if math.IsInf(best, -1) {
				continue // cannot happen for a row in use; keep it as it is
			}
			s := 0.0
			for t, l := range logits {
				logits[t] = math.Exp(l - best)
				s += logits[t]
			}
			for t := range q[x] {
				v := logits[t] / s
				change = math.Max(change, math.Abs(v-q[x][t]))
				q[x][t] = v
			}
		}
		res.Iterations = it + 1
		p.marginals(q, pt, pyt)
		if change <= o.Tol {
			res.Converged = true
			break
		}
	}
	out, err := p.finish(q, pt, pyt, o)
	out.Iterations, out.Converged = res.Iterations, res.Converged
	return out, err
}

// kl returns KL(p(y|x) ‖ p(y|t)) in nats, +Inf where p(y|t) = 0 < p(y|x).
func (p *problem) kl(x int, logPyt []float64) float64 {
	s := 0.0
	for y, v := range p.pyx[x] {
		if v > 0 {
			s += v * (p.logPyx[x][y] - logPyt[y])
		}
	}
	return math.Max(s, 0)
}

// marginals sets p(t) and p(y|t) from the encoder q.
func (p *problem) marginals(q [][]float64, pt []float64, pyt [][]float64) {
	for t := range pt {
		pt[t] = 0
		for y := range pyt[t] {
			pyt[t][y] = 0
		}
	}
	for x, row := range p.joint {
		for t, w := range q[x] {
			if w == 0 {
				continue
			}
			pt[t] += p.px[x] * w
			for y, v := range row {
				pyt[t][y] += v * w
			}
		}
	}
	for t := range pt {
		if pt[t] > 0 {
			for y := range pyt[t] {
				pyt[t][y] /= pt[t]
			}
		}
	}
}

// finish computes the informations of the encoder q.
func (p *problem) finish(q [][]float64, pt []float64, pyt [][]float64, o Options) (Result, error) {
	nt := o.Clusters
	xt := make([][]float64, p.nx) // p(x, t)
	ty := make([][]float64, nt)   // p(t, y)
	for t := range ty {
		ty[t] = make([]float64, p.ny)
	}
	for x, row := range p.joint {
		xt[x] = make([]float64, nt)
		for t, w := range q[x] {
			xt[x][t] = p.px[x] * w
			for y, v := range row {
				ty[t][y] += v * w
			}
		}
	}
	mo := divergence.Options{Base: o.Base, Normalize: true}
	ixt, err := divergence.MutualInformation(xt, mo)
	if err != nil {
		return Result{}, err
	}
	ity, err := divergence.MutualInformation(ty, mo)
	if err != nil {
		return Result{}, err
	}
	ptc := append([]float64(nil), pt...)
	dec := make([][]float64, nt)
	for t := range dec {
		dec[t] = append([]float64(nil), pyt[t]...)
	}
	return Result{Encoder: q, PT: ptc, Decoder: dec, IXT: ixt, ITY: ity}, nil
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

// Sweep traces the bottleneck curve: Solve at betas[0] from the seeded
// random encoder (or o.Init), then at each following β starting from the
// previous encoder nudged by a seeded multiplicative perturbation of 1 %
// (deterministic annealing: without the nudge, clusters that coincide below a
// critical β could never split above it). Warm starts keep the curve on one
// branch of solutions, so it rises smoothly from (0, 0) towards
// (min(H(X), log|T|), I(X; Y)) as β grows. o.Beta is ignored.
//
// Errors: those of Solve; betas empty (input.Empty, "betas"), longer than
// MaxSweep (input.TooLarge), with an entry negative, not finite or above
// MaxBeta ("betas[3]", input.OutOfRange / input.NotFinite) or not ascending
// ("betas[3]", input.Invalid).
func Sweep(joint [][]float64, betas []float64, o Options) (Curve, error) {
	p, ixy, err := newProblem(joint)
	if err != nil {
		return Curve{}, err
	}
	if len(betas) == 0 {
		return Curve{}, input.Errorf(input.Empty, "betas", "is empty; a sweep needs at least one β")
	}
	if len(betas) > MaxSweep {
		return Curve{}, input.Errorf(input.TooLarge, "betas", "has %d entries; at most %d are accepted", len(betas), MaxSweep)
	}
	for i, b := range betas {
		arg := "betas[" + strconv.Itoa(i) + "]"
		if err := input.InRange(arg, b, 0, MaxBeta); err != nil {
			return Curve{}, err
		}
		if i > 0 && b < betas[i-1] {
			return Curve{}, input.Errorf(input.Invalid, arg, "is %v, below the β before it; the βs must be ascending", b)
		}
	}
	o.Beta = betas[0]
	if err := checkOptions(&o, p.nx); err != nil {
		return Curve{}, err
	}
	k, _ := input.LogBase(o.Base)
	px := append([]float64(nil), p.px...)
	hx, err := divergence.Entropy(px, divergence.Options{Base: o.Base, Normalize: true})
	if err != nil {
		return Curve{}, err
	}
	c := Curve{Beta: append([]float64(nil), betas...), IXY: k * ixy, HX: hx}
	c.IXT = make([]float64, len(betas))
	c.ITY = make([]float64, len(betas))
	c.Iters = make([]int, len(betas))
	r := rand.New(rand.NewPCG(o.Seed, o.Seed^0x5851f42d4c957f2d))
	var q [][]float64
	if o.Init != nil {
		q = make([][]float64, p.nx)
		for x, row := range o.Init {
			q[x], _ = input.Probabilities("init", row, true)
		}
	} else {
		q = randomEncoder(p.nx, o.Clusters, r)
	}
	for i, b := range betas {
		if i > 0 {
			nudge(q, r, 0.01)
		}
		o.Beta = b
		res, err := p.solve(q, o)
		if err != nil {
			return Curve{}, err
		}
		q = res.Encoder
		c.IXT[i], c.ITY[i], c.Iters[i] = res.IXT, res.ITY, res.Iterations
	}
	return c, nil
}

// nudge multiplies every entry of q by 1 + eps·u, u uniform on [−1, 1), and
// renormalises the rows; entries that are 0 get a floor of 1e-12 first so a
// cluster emptied at small β can be re-entered.
func nudge(q [][]float64, r *rand.Rand, eps float64) {
	for _, row := range q {
		s := 0.0
		for t := range row {
			row[t] = (row[t] + 1e-12) * (1 + eps*(2*r.Float64()-1))
			s += row[t]
		}
		for t := range row {
			row[t] /= s
		}
	}
}
