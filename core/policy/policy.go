// Package policy is the model of the trust-region lab: a softmax policy
// π_θ(a) = exp θ_a / Σ_b exp θ_b over 3 to 6 actions, an old policy π_old,
// one advantage A(a) per action, and four ways to improve the policy from
// π_old while keeping it close:
//
//	pg       plain policy gradient on the surrogate L(θ) = Σ_a π_old(a) r_a A_a = Σ_a π_θ(a) A_a,
//	         with r_a = π_θ(a)/π_old(a): θ ← θ + lr·∇L, ∇_j L = π_j (A_j − Σ_a π_a A_a)
//	ppo-clip gradient ascent on L_clip = Σ_a π_old(a) min(r_a A_a, clip(r_a, 1−ε, 1+ε) A_a),
//	         whose gradient drops the actions whose ratio has left the band in the
//	         direction their advantage pushes; a step that would lower L_clip is halved
//	ppo-kl   gradient ascent on L − β·KL(π_old‖π_θ), ∇_j KL = π_j − π_old,j, with
//	         β doubled when KL > 1.5δ and halved when KL < δ/1.5 after each update
//	trpo     the natural gradient F⁺∇L (F = diag π − ππᵀ, the Fisher of the
//	         softmax: (F⁺g)_j = g_j/π_j = A_j − Σ π A up to a constant), scaled to
//	         √(2δ / gᵀF⁺g), halved until KL(π_old‖π_new) ≤ δ and L improves, then
//	         lengthened by bisection back to the boundary KL = δ
//
// All expectations over actions are exact sums (no sampling), except the
// sampled KL: actions drawn from π_old and Schulman's k1, k2, k3 estimates of
// KL(π_old‖π) (package estimate) against the exact value.
//
// Every readout is computed from log-softmaxes (core/softmax): the log-ratio
// l_a = log π(a) − log π_old(a), the ratio r_a = exp l_a, the surrogate gain
// Σ π_old expm1(l) A and KL(π_old‖π) = Σ π_old h(l) with h(x) = eˣ − 1 − x.
// Each is exactly 0 at θ = θ_old, where every l_a is 0, rather than the
// difference of two rounded sums, and none takes the logarithm of an
// exponentiated probability.
//
// Bad input (fewer than 3 or more than 6 actions, mismatched lengths,
// non-finite numbers, ε, δ or lr out of range, an unknown method, …) is an
// *input.Error naming the argument, never a panic or NaN. Pure Go.
package policy

import (
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/klplayground/klplay/core/estimate"
	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/softmax"
)

// The limits of the model.
const (
	MinActions = 3
	MaxActions = 6
	MaxLogit   = 10  // logits are kept in [−MaxLogit, MaxLogit]
	MaxUpdates = 200 // most updates in one call
	MaxAdv     = 100 // |A| at most
)

// The methods.
const (
	PG      = "pg"
	PPOClip = "ppo-clip"
	PPOKL   = "ppo-kl"
	TRPO    = "trpo"
)

// Methods lists the methods in the order the lab shows them.
var Methods = []string{PG, PPOClip, PPOKL, TRPO}

// Problem is one lab state: old logits, advantages and the methods' settings.
type Problem struct {
	Old     []float64 // logits of π_old
	Adv     []float64 // advantages A(a)
	Epsilon float64   // PPO clip range ε ∈ (0, 1)
	Delta   float64   // trust-region size δ > 0 (TRPO's bound, PPO-KL's target)
	LR      float64   // step size of pg, ppo-clip and ppo-kl
	Beta0   float64   // PPO-KL's initial β (1 when 0)

	stopKL float64 // when > 0, run stops after the first step whose KL(π_old‖π) exceeds it
}

// Check validates the problem.
func (p *Problem) Check() error {
	n := len(p.Old)
	if n < MinActions || n > MaxActions {
		return input.Errorf(input.OutOfRange, "old", "has %d actions; there must be %d to %d", n, MinActions, MaxActions)
	}
	if len(p.Adv) != n {
		return input.Errorf(input.LengthMismatch, "adv", "has %d advantages for %d actions", len(p.Adv), n)
	}
	for i := range p.Old {
		if err := input.Finite("old["+strconv.Itoa(i)+"]", p.Old[i]); err != nil {
			return err
		}
		if math.Abs(p.Old[i]) > MaxLogit {
			return input.Errorf(input.OutOfRange, "old["+strconv.Itoa(i)+"]", "is %v; logits must lie in [−%d, %d]", p.Old[i], MaxLogit, MaxLogit)
		}
		if err := input.Finite("adv["+strconv.Itoa(i)+"]", p.Adv[i]); err != nil {
			return err
		}
		if math.Abs(p.Adv[i]) > MaxAdv {
			return input.Errorf(input.OutOfRange, "adv["+strconv.Itoa(i)+"]", "is %v; advantages must lie in [−%d, %d]", p.Adv[i], MaxAdv, MaxAdv)
		}
	}
	if !(p.Epsilon > 0 && p.Epsilon < 1) {
		return input.Errorf(input.OutOfRange, "epsilon", "is %v; it must lie in (0, 1)", p.Epsilon)
	}
	if !(p.Delta > 0 && p.Delta <= 10) {
		return input.Errorf(input.OutOfRange, "delta", "is %v; it must lie in (0, 10]", p.Delta)
	}
	if !(p.LR > 0 && p.LR <= 100) {
		return input.Errorf(input.OutOfRange, "lr", "is %v; it must lie in (0, 100]", p.LR)
	}
	if !(p.Beta0 >= 0 && p.Beta0 <= 1e6) {
		return input.Errorf(input.OutOfRange, "beta0", "is %v; it must lie in [0, 10⁶]", p.Beta0)
	}
	return nil
}

// Softmax returns π_a = exp θ_a / Σ_b exp θ_b, computed as
// exp(θ_a − max θ) / Σ_b exp(θ_b − max θ) (core/softmax.Softmax), so no
// exponential overflows; Σπ = 1 within a few ulps.
func Softmax(theta []float64) []float64 { return softmax.Softmax(theta) }

// KL returns KL(π_a ‖ π_b) = Σ_i π_a,i (log π_a,i − log π_b,i) for two logit
// vectors, from their log-softmaxes and summed as Σ_i π_a,i h(log π_b,i − log π_a,i)
// with h(x) = eˣ − 1 − x ≥ 0 (core/softmax.KL): never negative, exactly 0
// when the log-softmaxes agree, accurate when the policies are close, and
// finite where a probability underflows.
func KL(a, b []float64) float64 {
	return softmax.KL(softmax.LogSoftmax(a), softmax.LogSoftmax(b))
}

// Surrogate returns L(θ) = Σ_a π_θ(a) A_a (= Σ π_old r A).
func Surrogate(theta, adv []float64) float64 {
	pi := Softmax(theta)
	var s float64
	for i := range pi {
		s += pi[i] * adv[i]
	}
	return s
}

// Clip returns min(r·A, clip(r, 1−ε, 1+ε)·A), the PPO-clip objective of one action.
func Clip(r, a, eps float64) float64 {
	c := math.Min(1+eps, math.Max(1-eps, r))
	return math.Min(r*a, c*a)
}

// ClipSurrogate returns L_clip(θ) = Σ_a π_old(a) Clip(r_a, A_a, ε), with the
// ratio r_a = π_θ(a)/π_old(a) = exp(log π_θ(a) − log π_old(a)) from the
// log-softmaxes. Each term is computed as min(π_θ(a) A_a, π_old(a) clip(r_a) A_a),
// the same number, so that a ratio that overflows where π_old(a) underflows
// (logits far apart) still gives the finite π_θ(a) A_a.
func ClipSurrogate(theta, old, adv []float64, eps float64) float64 {
	pi, po, l := Softmax(theta), Softmax(old), logRatios(theta, softmax.LogSoftmax(old))
	var s float64
	for i := range po {
		c := math.Min(1+eps, math.Max(1-eps, math.Exp(l[i])))
		s += math.Min(pi[i]*adv[i], po[i]*c*adv[i])
	}
	return s
}

// logRatios returns log π_θ(a) − log π_old(a) from log π_old: exactly 0
// where θ = θ_old.
func logRatios(theta, logOld []float64) []float64 {
	l := softmax.LogSoftmax(theta)
	for i := range l {
		l[i] -= logOld[i]
	}
	return l
}

// gain returns L(θ) − L(θ_ref) = Σ_a π_ref(a) (r_a − 1)(A_a − b) from the log-ratios
// l_a = log π_θ(a) − log π_ref(a), with r_a − 1 = expm1(l_a) to full precision.
// Any baseline b leaves it unchanged (Σ π_ref (r − 1) = Σ π − Σ π_ref = 0);
// b = (max A + min A)/2 halves the largest |A − b| and makes the gain exactly 0
// for equal advantages. It is exactly 0 at θ = θ_ref too, where every l_a is
// 0; subtracting two rounded sums, L(θ) − L(θ_ref), would leave an ulp of L.
func gain(l, piRef, adv []float64) float64 {
	lo, hi := adv[0], adv[0]
	for _, a := range adv {
		lo, hi = min(lo, a), max(hi, a)
	}
	b := lo/2 + hi/2
	var s float64
	for i, x := range l {
		s += piRef[i] * math.Expm1(x) * (adv[i] - b)
	}
	return s
}

// clipGain returns L_clip(θ) − L_clip(θ_old) = Σ_a π_old(a) min((r_a − 1)A_a, (clip(r_a) − 1)A_a),
// since Clip(1, A, ε) = A, with r − 1 = expm1(l) and clip(r) − 1 = clamp(r − 1, −ε, ε):
// exactly 0 at θ = θ_old.
func clipGain(l, po, adv []float64, eps float64) float64 {
	var s float64
	for i, x := range l {
		u := math.Expm1(x)
		s += po[i] * math.Min(u*adv[i], math.Min(eps, math.Max(-eps, u))*adv[i])
	}
	return s
}

// surrogateGrad returns ∇_θ Σ_a π_a w_a = π ⊙ (w − Σ π w), with
// w_j − Σ_a π_a w_a written as Σ_a π_a (w_j − w_a) (Σπ = 1) so that it is
// exactly 0 when the weights are equal.
func surrogateGrad(pi, w []float64) []float64 {
	g := make([]float64, len(pi))
	for j := range pi {
		var c float64
		for a := range pi {
			c += pi[a] * (w[j] - w[a])
		}
		g[j] = pi[j] * c
	}
	return g
}

// Step is one update of a method: the policy after it and what it measured.
// Every readout is computed from the log-ratios log π − log π_old, so each is
// exactly 0 at θ = θ_old and after an update that does not move the policy.
type Step struct {
	Theta      []float64 // logits after the update
	Pi         []float64 // π after the update
	Ratio      []float64 // r_a = π(a)/π_old(a) = exp(log π(a) − log π_old(a)); exactly 1 at θ_old
	Gain       float64   // L(θ) − L(θ_old) = Σ π_old (r − 1) A
	ClipObj    float64   // L_clip(θ) − L_clip(θ_old) = Σ π_old min((r − 1)A, (clip(r) − 1)A)
	KL         float64   // KL(π_old ‖ π)
	Beta       float64   // PPO-KL's β used for the next update (0 for the others)
	Backtracks int       // halvings of the step in this update's line search (TRPO, PPO-clip; 0 for the others)
}

// Run applies `updates` updates of method from θ_old and returns the start
// (row 0, θ = θ_old) and one row per update. An update that is exactly zero
// leaves θ as it is (so the readouts stay exactly 0 when nothing moves);
// otherwise the new logits are shifted so that max θ + min θ = 0 (softmax is
// unchanged by a constant) and clamped to [−MaxLogit, MaxLogit]: a logit is
// clipped only when a step would widen the spread max θ − min θ beyond
// 2·MaxLogit, never merely because θ_old lies near the bound.
func (p *Problem) Run(method string, updates int) ([]Step, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	if updates < 0 || updates > MaxUpdates {
		return nil, input.Errorf(input.OutOfRange, "updates", "is %d; it must lie in [0, %d]", updates, MaxUpdates)
	}
	if err := checkMethod(method); err != nil {
		return nil, err
	}
	return p.run(method, updates), nil
}

// checkMethod is the error for a method that is not one of Methods.
func checkMethod(method string) error {
	switch method {
	case PG, PPOClip, PPOKL, TRPO:
		return nil
	}
	return input.Errorf(input.UnknownName, "method", "is %q; it must be pg, ppo-clip, ppo-kl or trpo", method)
}

// run is Run without the checks: the bandit's updates (Bandit.Train) call it
// on advantages estimated from samples, which may exceed MaxAdv when an
// action that π_old rarely takes was drawn.
func (p *Problem) run(method string, updates int) []Step {
	n := len(p.Old)
	po, lpo := Softmax(p.Old), softmax.LogSoftmax(p.Old)
	beta := p.Beta0
	if beta == 0 {
		beta = 1
	}
	row := func(theta []float64, bt int) Step {
		l := logRatios(theta, lpo)
		r := make([]float64, n)
		for i := range r {
			r[i] = math.Exp(l[i])
		}
		s := Step{Theta: theta, Pi: Softmax(theta), Ratio: r, Gain: gain(l, po, p.Adv),
			ClipObj: clipGain(l, po, p.Adv, p.Epsilon), KL: softmax.KL(lpo, softmax.LogSoftmax(theta)), Backtracks: bt}
		if method == PPOKL {
			s.Beta = beta
		}
		return s
	}
	theta := append([]float64(nil), p.Old...)
	out := []Step{row(theta, 0)}
	for u := 0; u < updates; u++ {
		pi := Softmax(theta)
		d := make([]float64, n)
		bt := 0
		switch method {
		case PG:
			d = scale(p.LR, surrogateGrad(pi, p.Adv))
		case PPOClip:
			d, bt = p.ppoClipStep(theta, pi, lpo, po)
		case PPOKL:
			g := surrogateGrad(pi, p.Adv)
			for i := range d {
				d[i] = p.LR * (g[i] - beta*(pi[i]-po[i]))
			}
		case TRPO:
			d, bt = p.trpoStep(theta, pi, lpo)
		}
		theta = move(theta, d)
		if method == PPOKL {
			kl := softmax.KL(lpo, softmax.LogSoftmax(theta))
			switch {
			case kl > 1.5*p.Delta:
				beta = math.Min(1e6, beta*2)
			case kl < p.Delta/1.5:
				beta = math.Max(1e-6, beta/2)
			}
		}
		out = append(out, row(theta, bt))
		if p.stopKL > 0 && out[len(out)-1].KL > p.stopKL {
			break
		}
	}
	return out
}

// ppoClipStep returns PPO-clip's step from θ (π = softmax θ) and its number
// of halvings: lr·∇L_clip, where only the actions whose unclipped term is
// active (not A > 0 with r > 1 + ε, nor A < 0 with r < 1 − ε) contribute
// A·∇π_a, halved (at most 30 times) until L_clip does not decrease. A fixed
// step much longer than the clip band overshoots it and can leave L_clip
// below its start; with the halvings every update keeps L_clip(θ) −
// L_clip(θ_old) non-decreasing, so it stays ≥ 0. If no halving helps, or the
// gradient is 0, the step is 0.
func (p *Problem) ppoClipStep(theta, pi, lpo, po []float64) ([]float64, int) {
	l := logRatios(theta, lpo)
	w := make([]float64, len(pi))
	for i := range w {
		u := math.Expm1(l[i])
		if !(p.Adv[i] > 0 && u > p.Epsilon) && !(p.Adv[i] < 0 && u < -p.Epsilon) {
			w[i] = p.Adv[i]
		}
	}
	cur := clipGain(l, po, p.Adv, p.Epsilon)
	d := scale(p.LR, surrogateGrad(pi, w))
	for bt := 0; bt <= 30; bt++ {
		if clipGain(logRatios(move(theta, d), lpo), po, p.Adv, p.Epsilon) >= cur {
			return d, bt
		}
		d = scale(0.5, d)
	}
	return make([]float64, len(pi)), 30
}

// scale returns c·v.
func scale(c float64, v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = c * x
	}
	return out
}

// trpoStep returns TRPO's step from θ (π = softmax θ) and its number of
// halvings. The natural gradient solves F x = ∇L with F = diag π − ππᵀ and
// ∇L = π ⊙ (A − Σ π A): x = A − Σ π A (up to a constant, which does not
// change the policy), and xᵀF x = gᵀF⁺g = Σ π x². The step α x starts at
// α₀ = √(2δ / Σ π x²), where the quadratic model of KL(π_old‖π) reaches δ.
// A step is admissible when KL(π_old‖π_new) ≤ δ and the surrogate improves
// on L(θ). α₀ is halved (at most 30 times) until the step is admissible, as
// in TRPO's backtracking line search; then, since a halving can throw away
// up to three quarters of the KL budget, α is refined by bisection between
// the admissible α and the rejected 2α to the largest admissible step within
// a relative 1e−12, on the trust region's boundary. If no step is
// admissible, or the gradient is 0, the step is 0.
func (p *Problem) trpoStep(theta, pi, lpo []float64) ([]float64, int) {
	n := len(theta)
	x := make([]float64, n)
	var gfg float64
	for i := range x {
		for a := range pi {
			x[i] += pi[a] * (p.Adv[i] - p.Adv[a])
		}
		gfg += pi[i] * x[i] * x[i]
	}
	if !(gfg > 1e-300) {
		return make([]float64, n), 0
	}
	lcur := softmax.LogSoftmax(theta)
	step := func(alpha float64) []float64 {
		d := make([]float64, n)
		for i := range d {
			d[i] = alpha * x[i]
		}
		return d
	}
	admissible := func(alpha float64) bool {
		next := move(theta, step(alpha))
		return softmax.KL(lpo, softmax.LogSoftmax(next)) <= p.Delta && gain(logRatios(next, lcur), pi, p.Adv) > 0
	}
	alpha := math.Sqrt(2 * p.Delta / gfg)
	bt := 0
	for ; !admissible(alpha); bt++ {
		if bt == 30 {
			return make([]float64, n), bt
		}
		alpha /= 2
	}
	if bt > 0 {
		lo, hi := alpha, 2*alpha
		for k := 0; k < 64 && hi-lo > 1e-12*lo; k++ {
			if m := lo + (hi-lo)/2; admissible(m) {
				lo = m
			} else {
				hi = m
			}
		}
		alpha = lo
	}
	return step(alpha), bt
}

// move returns θ + d shifted so that its largest and smallest entries are
// opposite and clamped to [−MaxLogit, MaxLogit], or a copy of θ itself when
// d is exactly 0.
func move(theta, d []float64) []float64 {
	t := append([]float64(nil), theta...)
	zero := true
	for i := range t {
		t[i] += d[i]
		zero = zero && d[i] == 0
	}
	if zero {
		return t
	}
	lo, hi := t[0], t[0]
	for _, v := range t {
		lo, hi = min(lo, v), max(hi, v)
	}
	c := lo/2 + hi/2
	for i := range t {
		t[i] = max(-MaxLogit, min(MaxLogit, t[i]-c))
	}
	return t
}

// Sampled holds the k1, k2, k3 estimates of KL(π_old ‖ π) from draws a ~ π_old.
type Sampled struct {
	Exact   float64
	Mean    [3]float64 // k1, k2, k3
	StdErr  [3]float64
	Counts  []float64 // how often each action was drawn
	Samples int
}

// SampleKL draws `samples` actions from π_old with a PCG seeded by seed and
// returns Schulman's three estimates of KL(π_old ‖ π_θ) from the log-ratios
// r = log π_θ(a) − log π_old(a), with their standard errors, and the exact KL.
func SampleKL(old, theta []float64, samples int, seed uint64) (Sampled, error) {
	if len(old) != len(theta) || len(old) == 0 {
		return Sampled{}, input.Errorf(input.LengthMismatch, "theta", "has %d entries for %d actions", len(theta), len(old))
	}
	if err := estimate.CheckSamples(samples); err != nil {
		return Sampled{}, err
	}
	lo, lt := softmax.LogSoftmax(old), softmax.LogSoftmax(theta)
	po := Softmax(old)
	cum := make([]float64, len(po))
	var c float64
	for i, p := range po {
		c += p
		cum[i] = c
	}
	rng := rand.New(rand.NewPCG(seed, 0x706f6c6963)) // "polic"
	r := make([]float64, samples)
	counts := make([]float64, len(po))
	for k := range r {
		u := rng.Float64() * c
		a := len(cum) - 1
		for i, v := range cum {
			if u < v {
				a = i
				break
			}
		}
		counts[a]++
		r[k] = lt[a] - lo[a]
	}
	s := Sampled{Exact: KL(old, theta), Counts: counts, Samples: samples}
	for i, e := range []string{"k1", "k2", "k3"} {
		m, se, err := estimate.FromLogRatios(r, e)
		if err != nil {
			return Sampled{}, err
		}
		s.Mean[i], s.StdErr[i] = m, se
	}
	return s, nil
}

// ClipCurve returns, at n ratios r evenly spaced on [0, rMax], the unclipped
// r·A and the clipped min(r·A, clip(r, 1−ε, 1+ε)·A): the PPO-clip figure.
func ClipCurve(a, eps, rMax float64, n int) (r, plain, clipped []float64) {
	r, plain, clipped = make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range r {
		x := rMax * float64(i) / float64(n-1)
		r[i], plain[i], clipped[i] = x, x*a, Clip(x, a, eps)
	}
	return r, plain, clipped
}

// SimplexGrid returns KL(π_old ‖ π) on an nx × ny grid over the bounding box
// of the probability triangle drawn with vertices (0, 0), (1, 0), (½, √3/2)
// for actions 0, 1, 2: the point (x, y) has π = (1 − x − y/√3, x − y/√3, 2y/√3).
// Row-major from the top row (y = √3/2) down, as d3-contour expects with its
// y axis pointing down. Outside the triangle (or on its edges, where KL is
// infinite) the value is `outside`. old must hold 3 logits.
func SimplexGrid(old []float64, nx, ny int, outside float64) ([]float64, error) {
	if len(old) != 3 {
		return nil, input.Errorf(input.LengthMismatch, "old", "has %d actions; the simplex needs exactly 3", len(old))
	}
	if nx < 2 || ny < 2 || nx*ny > 1_000_000 {
		return nil, input.Errorf(input.OutOfRange, "grid", "is %d × %d; each side needs at least 2 points and at most 10⁶ in all", nx, ny)
	}
	lpo := softmax.LogSoftmax(old)
	h := math.Sqrt(3) / 2
	out := make([]float64, nx*ny)
	lpi := make([]float64, 3)
	for j := 0; j < ny; j++ {
		y := h * (1 - float64(j)/float64(ny-1))
		for i := 0; i < nx; i++ {
			x := float64(i) / float64(nx-1)
			pi := FromSimplex(x, y)
			v := outside
			if pi[0] > 0 && pi[1] > 0 && pi[2] > 0 {
				for k := range pi {
					lpi[k] = math.Log(pi[k])
				}
				v = softmax.KL(lpo, lpi)
			}
			out[j*nx+i] = v
		}
	}
	return out, nil
}

// FromSimplex returns π = (1 − x − y/√3, x − y/√3, 2y/√3) for a point of the triangle.
func FromSimplex(x, y float64) [3]float64 {
	t := y / math.Sqrt(3)
	return [3]float64{1 - x - t, x - t, 2 * t}
}

// ToSimplex returns the point (x, y) = (π₁ + π₂/2, π₂·√3/2) of π.
func ToSimplex(pi []float64) (x, y float64) {
	return pi[1] + pi[2]/2, pi[2] * math.Sqrt(3) / 2
}
