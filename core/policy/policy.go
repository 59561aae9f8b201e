// Package policy is the model of the trust-region lab: a softmax policy
// π_θ(a) = exp θ_a / Σ_b exp θ_b over 3 to 6 actions, an old policy π_old,
// one advantage A(a) per action, and four ways to improve the policy from
// π_old while keeping it close:
//
//	pg       plain policy gradient on the surrogate L(θ) = Σ_a π_old(a) r_a A_a = Σ_a π_θ(a) A_a,
//	         with r_a = π_θ(a)/π_old(a): θ ← θ + lr·∇L, ∇_j L = π_j (A_j − Σ_a π_a A_a)
//	ppo-clip gradient ascent on L_clip = Σ_a π_old(a) min(r_a A_a, clip(r_a, 1−ε, 1+ε) A_a),
//	         whose gradient drops the actions whose ratio has left the band in the
//	         direction their advantage pushes
//	ppo-kl   gradient ascent on L − β·KL(π_old‖π_θ), ∇_j KL = π_j − π_old,j, with
//	         β doubled when KL > 1.5δ and halved when KL < δ/1.5 after each update
//	trpo     the natural gradient F⁻¹∇L (F = diag π − ππᵀ, the Fisher of the
//	         softmax, whose pseudo-inverse gives (F⁺g)_j = g_j/π_j centred), scaled to
//	         √(2δ / gᵀF⁺g) and halved until KL(π_old‖π_new) ≤ δ and L improves
//
// All expectations over actions are exact sums (no sampling), except the
// sampled KL: actions drawn from π_old and Schulman's k1, k2, k3 estimates of
// KL(π_old‖π) (package estimate) against the exact value.
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

// Softmax returns π with π_a = exp(θ_a − max θ) / Σ_b exp(θ_b − max θ).
func Softmax(theta []float64) []float64 {
	m := math.Inf(-1)
	for _, t := range theta {
		m = math.Max(m, t)
	}
	out := make([]float64, len(theta))
	var s float64
	for i, t := range theta {
		out[i] = math.Exp(t - m)
		s += out[i]
	}
	for i := range out {
		out[i] /= s
	}
	return out
}

// logSoftmax returns log π_a = θ_a − log Σ exp θ_b.
func logSoftmax(theta []float64) []float64 {
	m := math.Inf(-1)
	for _, t := range theta {
		m = math.Max(m, t)
	}
	var s float64
	for _, t := range theta {
		s += math.Exp(t - m)
	}
	lse := m + math.Log(s)
	out := make([]float64, len(theta))
	for i, t := range theta {
		out[i] = t - lse
	}
	return out
}

// KL returns KL(π_a ‖ π_b) = Σ π_a (log π_a − log π_b) for two logit vectors,
// from log-softmaxes (exact where a probability underflows).
func KL(a, b []float64) float64 {
	la, lb := logSoftmax(a), logSoftmax(b)
	var s float64
	for i := range la {
		s += math.Exp(la[i]) * (la[i] - lb[i])
	}
	return math.Max(0, s)
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

// ClipSurrogate returns L_clip(θ) = Σ_a π_old(a) Clip(r_a, A_a, ε).
func ClipSurrogate(theta, old, adv []float64, eps float64) float64 {
	pi, po := Softmax(theta), Softmax(old)
	var s float64
	for i := range pi {
		s += po[i] * Clip(pi[i]/po[i], adv[i], eps)
	}
	return s
}

// surrogateGrad returns ∇_θ Σ_a π_a w_a = π ⊙ (w − Σ π w) for weights w.
func surrogateGrad(pi, w []float64) []float64 {
	var mean float64
	for i := range pi {
		mean += pi[i] * w[i]
	}
	g := make([]float64, len(pi))
	for i := range pi {
		g[i] = pi[i] * (w[i] - mean)
	}
	return g
}

// Step is one update of a method: the policy after it and what it measured.
type Step struct {
	Theta      []float64 // logits after the update
	Pi         []float64 // π after the update
	Gain       float64   // L(θ) − L(θ_old) = Σ (π − π_old) A
	ClipObj    float64   // L_clip(θ) − L_clip(θ_old)
	KL         float64   // KL(π_old ‖ π)
	Beta       float64   // PPO-KL's β used for the next update (0 for the others)
	Backtracks int       // TRPO's halvings (0 for the others)
}

// Run applies `updates` updates of method from θ_old and returns the start
// (row 0, θ = θ_old) and one row per update. Logits are clamped to
// [−MaxLogit, MaxLogit] and centred (softmax is unchanged by a constant).
func (p *Problem) Run(method string, updates int) ([]Step, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	if updates < 0 || updates > MaxUpdates {
		return nil, input.Errorf(input.OutOfRange, "updates", "is %d; it must lie in [0, %d]", updates, MaxUpdates)
	}
	switch method {
	case PG, PPOClip, PPOKL, TRPO:
	default:
		return nil, input.Errorf(input.UnknownName, "method", "is %q; it must be pg, ppo-clip, ppo-kl or trpo", method)
	}
	n := len(p.Old)
	po := Softmax(p.Old)
	l0 := Surrogate(p.Old, p.Adv)
	c0 := ClipSurrogate(p.Old, p.Old, p.Adv, p.Epsilon)
	beta := p.Beta0
	if beta == 0 {
		beta = 1
	}
	row := func(theta []float64, bt int) Step {
		pi := Softmax(theta)
		s := Step{Theta: theta, Pi: pi, Gain: Surrogate(theta, p.Adv) - l0, ClipObj: ClipSurrogate(theta, p.Old, p.Adv, p.Epsilon) - c0,
			KL: KL(p.Old, theta), Backtracks: bt}
		if method == PPOKL {
			s.Beta = beta
		}
		return s
	}
	theta := centre(append([]float64(nil), p.Old...))
	out := []Step{row(theta, 0)}
	for u := 0; u < updates; u++ {
		pi := Softmax(theta)
		next := make([]float64, n)
		bt := 0
		switch method {
		case PG:
			g := surrogateGrad(pi, p.Adv)
			for i := range next {
				next[i] = theta[i] + p.LR*g[i]
			}
		case PPOClip:
			// Only the actions whose unclipped term is active contribute A·∇π_a.
			w := make([]float64, n)
			for i := range w {
				r := pi[i] / po[i]
				if !(p.Adv[i] > 0 && r > 1+p.Epsilon) && !(p.Adv[i] < 0 && r < 1-p.Epsilon) {
					w[i] = p.Adv[i]
				}
			}
			g := surrogateGrad(pi, w)
			for i := range next {
				next[i] = theta[i] + p.LR*g[i]
			}
		case PPOKL:
			g := surrogateGrad(pi, p.Adv)
			for i := range next {
				next[i] = theta[i] + p.LR*(g[i]-beta*(pi[i]-po[i]))
			}
		case TRPO:
			g := surrogateGrad(pi, p.Adv)
			// F⁺g = g/π (centred); gᵀF⁺g = Σ g²/π.
			x := make([]float64, n)
			var gfg, mean float64
			for i := range x {
				x[i] = g[i] / pi[i]
				gfg += g[i] * x[i]
				mean += x[i]
			}
			mean /= float64(n)
			copy(next, theta)
			if gfg > 1e-300 {
				alpha := math.Sqrt(2 * p.Delta / gfg)
				cur := Surrogate(theta, p.Adv)
				accepted := false
				for ; bt < 30; bt++ {
					for i := range next {
						next[i] = theta[i] + alpha*(x[i]-mean)
					}
					clampLogits(next)
					if KL(p.Old, next) <= p.Delta && Surrogate(next, p.Adv) > cur {
						accepted = true
						break
					}
					alpha /= 2
				}
				if !accepted {
					copy(next, theta)
				}
			}
		}
		clampLogits(next)
		theta = centre(next)
		if method == PPOKL {
			kl := KL(p.Old, theta)
			switch {
			case kl > 1.5*p.Delta:
				beta = math.Min(1e6, beta*2)
			case kl < p.Delta/1.5:
				beta = math.Max(1e-6, beta/2)
			}
		}
		out = append(out, row(theta, bt))
	}
	return out, nil
}

func clampLogits(t []float64) {
	for i, v := range t {
		if math.IsNaN(v) {
			v = 0
		}
		t[i] = math.Max(-MaxLogit, math.Min(MaxLogit, v))
	}
}

func centre(t []float64) []float64 {
	var m float64
	for _, v := range t {
		m += v
	}
	m /= float64(len(t))
	for i := range t {
		t[i] -= m
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
	lo, lt := logSoftmax(old), logSoftmax(theta)
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
	po := Softmax(old)
	h := math.Sqrt(3) / 2
	out := make([]float64, nx*ny)
	for j := 0; j < ny; j++ {
		y := h * (1 - float64(j)/float64(ny-1))
		for i := 0; i < nx; i++ {
			x := float64(i) / float64(nx-1)
			pi := FromSimplex(x, y)
			v := outside
			if pi[0] > 0 && pi[1] > 0 && pi[2] > 0 {
				v = 0
				for k := range pi {
					v += po[k] * math.Log(po[k]/pi[k])
				}
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
