package gan

import (
	"math"

	"github.com/klplayground/klplay/core/input"
)

// Training the generator: gradient descent on the shift θ of Q under each of
// several divergences, from the same start θ₀ and at the same learning rate,
//
//	θ_{k+1} = θ_k − η·D'(θ_k),   D' = Slopes (the exact derivative, one-sided at kinks),
//
// clamped to [−MaxAbsTheta, MaxAbsTheta]. There is no randomness: the path
// of every divergence is a function of (shape, θ₀, k) alone, so a step index
// replays exactly.
//
// Convention for an infinite divergence (KL, reverse KL of a bounded shape,
// for every θ): its gradient is undefined, recorded as NaN, and θ stays where
// it is: gradient descent has nothing to follow.
//
// Alongside the generator of the original GAN (the JS path), a discriminator
//
//	D_w(x) = σ(w₀u² + w₁u + w₂),   u = (x − θ₀/2)/(|θ₀|/2 + 1),
//
// is learned by gradient ascent on the exact expected GAN objective against
// the current Q (DiscSteps steps of rate DiscRate per generator step, warm
// started, w = 0 at step 0):
//
//	V(w) = E_P[log D_w] + E_Q[log(1 − D_w)],
//	∂V/∂w = E_P[(1 − D_w)φ] − E_Q[D_w φ],   φ = (u², u, 1),
//
// the expectations by a fixed Gauss–Kronrod rule on P's support (E_Q[g] =
// E_P[g(· + θ)]). The feature u maps both supports into about [−1, 1], so
// |φ|² ≤ 3 there, V's Hessian is bounded by ½·E[|φ|²] ≤ 1.5 and the rate 1 <
// 2/1.5 makes every ascent step increase V. V is concave in w: its maximum
// over the family is approached; for the normal shape the optimal logit
// log p − log q = (θ² − 2θx)/(2σ²) is linear in x, so D_w reaches D* itself.
const (
	TrainRate = 0.1 // η, the generator's learning rate, the same for every divergence
	MaxSteps  = 100 // the generator steps a Training runs to at most
	DiscSteps = 15  // discriminator ascent steps per generator step
	DiscRate  = 1.0
)

// TrainNames are the divergences trained, as Names calls them.
var TrainNames = []string{"js", "kl", "reverse-kl", "tv", "w1"}

// Path is a generator's descent: Theta[k] is θ after k steps and Grad[k] the
// gradient dD/dθ at Theta[k] (NaN where D is infinite).
type Path struct{ Theta, Grad []float64 }

// Training holds the paths of every divergence of TrainNames and the
// discriminator learned against the JS path, grown step by step (Advance).
type Training struct {
	shape  Shape
	theta0 float64
	Paths  []Path       // in the order of TrainNames
	Disc   [][3]float64 // Disc[k]: the discriminator's w at step k
	// JSSlopes[k]: every slope at the JS path's θ_k (Slopes), which the JS
	// step uses and a frame at step k shows.
	JSSlopes []Divergences
	nodes    []float64 // the fixed rule's nodes on P's support
	wp       []float64 // its weights times p at the nodes
	centre   float64   // u = (x − centre)/scale
	scale    float64
}

// NewTraining starts a Training from θ₀ at step 0.
//
// Errors: those of At for θ₀ (argument "theta").
func (s Shape) NewTraining(theta0 float64) (*Training, error) {
	if err := checkTheta(theta0); err != nil {
		return nil, err
	}
	t := &Training{shape: s, theta0: theta0, Paths: make([]Path, len(TrainNames)), centre: theta0 / 2, scale: math.Abs(theta0)/2 + 1}
	for i, n := range TrainNames {
		t.Paths[i] = Path{Theta: []float64{theta0}, Grad: []float64{t.grad(n, theta0)}}
	}
	t.Disc = [][3]float64{{}}
	// Panels of width ½ (cut at the triangular's kink 0) or 2σ: the
	// integrands (1 − D)·φ·p are smooth on each.
	lo, hi, panels := -1.0, 1.0, 4
	if !s.Bounded() {
		lo, hi, panels = -8*NormalSigma, 8*NormalSigma, 8
	}
	for k := 0; k < panels; k++ {
		a := lo + (hi-lo)*float64(k)/float64(panels)
		b := lo + (hi-lo)*float64(k+1)/float64(panels)
		c, h := 0.5*(a+b), 0.5*(b-a)
		for j := 0; j < 15; j++ {
			i := min(j, 14-j)
			x := c - h*xgk[i]
			if j > 7 {
				x = c + h*xgk[i]
			}
			t.nodes = append(t.nodes, x)
			t.wp = append(t.wp, wgk[i]*h*s.Prob(x))
		}
	}
	return t, nil
}

// Steps returns the number of generator steps taken.
func (t *Training) Steps() int { return len(t.Disc) - 1 }

// Advance takes generator steps until Steps() = k (k ≤ MaxSteps; a smaller
// k takes none).
//
// Errors: k outside [0, MaxSteps] (input.OutOfRange, "step").
func (t *Training) Advance(k int) error {
	if k < 0 || k > MaxSteps {
		return input.Errorf(input.OutOfRange, "step", "is %d; it must be between 0 and %d", k, MaxSteps)
	}
	for t.Steps() < k {
		for i, n := range TrainNames {
			p := &t.Paths[i]
			th, g := p.Theta[len(p.Theta)-1], p.Grad[len(p.Grad)-1]
			if !math.IsNaN(g) {
				th = math.Max(-MaxAbsTheta, math.Min(MaxAbsTheta, th-TrainRate*g))
			}
			p.Theta = append(p.Theta, th)
			p.Grad = append(p.Grad, t.grad(n, th))
		}
		t.Disc = append(t.Disc, t.ascend(t.Disc[len(t.Disc)-1], t.Theta(t.Steps()+1), DiscSteps))
	}
	return nil
}

// ascend returns w after n ascent steps w ← w + DiscRate·∂V/∂w against Q at θ,
// with the features at the rule's nodes of P and of Q computed once.
func (t *Training) ascend(w [3]float64, theta float64, n int) [3]float64 {
	m := len(t.nodes)
	phi := make([][3]float64, 2*m)
	for i, x := range t.nodes {
		phi[i], phi[m+i] = t.features(x), t.features(x+theta)
	}
	for j := 0; j < n; j++ {
		var g [3]float64
		for i, f := range phi {
			d := 1 / (1 + math.Exp(-(w[0]*f[0] + w[1]*f[1] + w[2]*f[2])))
			r := 1 - d // the weight of φ in ∂V/∂w: 1 − D on P's side, −D on Q's
			if i >= m {
				r = -d
			}
			r *= t.wp[i%m]
			g[0] += r * f[0]
			g[1] += r * f[1]
			g[2] += r * f[2]
		}
		for k := range w {
			w[k] += DiscRate * g[k]
		}
	}
	return w
}

// grad is trainGrad, but for JS Slopes at θ is kept in JSSlopes.
func (t *Training) grad(name string, theta float64) float64 {
	if name != "js" {
		return t.shape.trainGrad(name, theta)
	}
	sl := t.shape.slopes(theta)
	t.JSSlopes = append(t.JSSlopes, sl)
	return sl.JS
}

// trainGrad returns dD/dθ of the named divergence at θ: Slopes, but for the
// closed forms W₁' = sign(θ), TV' = sign(θ)·p(|θ|/2⁺) and the normal's
// KL' = reverse KL' = θ/σ² (both are θ²/(2σ²)), and NaN without integrating
// for KL and reverse KL of a bounded shape (infinite for every θ).
func (s Shape) trainGrad(name string, theta float64) float64 {
	sign := 1.0
	if theta < 0 {
		sign = -1
	}
	switch name {
	case "w1":
		return sign
	case "tv":
		return scaleSlopes([7]float64{s.probRight(math.Abs(theta) / 2)}, sign)[0]
	case "kl", "reverse-kl":
		if s.Bounded() {
			return math.NaN()
		}
		return theta / (NormalSigma * NormalSigma)
	}
	v := s.slopes(theta).Values()
	for k, n := range Names {
		if n == name {
			return v[k]
		}
	}
	panic("gan: unknown trained divergence " + name)
}

// features returns φ(x) = (u², u, 1).
func (t *Training) features(x float64) [3]float64 {
	u := (x - t.centre) / t.scale
	return [3]float64{u * u, u, 1}
}

// logit returns w·φ(x).
func (t *Training) logit(w [3]float64, x float64) float64 {
	f := t.features(x)
	return w[0]*f[0] + w[1]*f[1] + w[2]*f[2]
}

// softplus returns log(1 + e^z) without overflow; +Inf at +Inf, 0 at −Inf.
func softplus(z float64) float64 {
	if math.IsInf(z, 1) {
		return z
	}
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

// Theta returns θ of the JS path at step k ≤ Steps(): where the original
// GAN's generator is.
func (t *Training) Theta(k int) float64 { return t.Paths[0].Theta[k] }

// D returns the learned discriminator D_w(x) = σ(w·φ(x)) of step k ≤ Steps().
func (t *Training) D(k int, x float64) float64 { return 1 / (1 + math.Exp(-t.logit(t.Disc[k], x))) }

// Value returns V of the learned discriminator of step k against Q at the JS
// path's θ,
//
//	V = −Σᵢ wᵢp(xᵢ)·[log(1 + e^−z(xᵢ)) + log(1 + e^z(xᵢ + θ))],
//
// by the fixed rule of the ascent: the integrands are smooth on each of its
// panels (p is a polynomial or the normal there, z a quadratic), so it agrees
// with GANValue to about 1e-10 (the tests check it) at a fraction of the cost.
func (t *Training) Value(k int) float64 {
	w, th, v := t.Disc[k], t.Theta(k), 0.0
	for i, x := range t.nodes {
		v -= t.wp[i] * (softplus(-t.logit(w, x)) + softplus(t.logit(w, x+th)))
	}
	return v
}

// GANValue returns the GAN objective of a discriminator D = σ(z), given by its
// logit z(x) = log(D/(1 − D)) (±Inf for D = 1 or 0), against Q = P shifted by θ,
//
//	V(D) = E_P[log D] + E_Q[log(1 − D)] = −∫ p·log(1 + e^−z) + q·log(1 + e^z) dx,
//
// each term 0 where its density is 0 (0·log 0 = 0), integrated over the union
// of the supports (the normal's: 12σ beyond both means) to about 1e-11
// relative. The logit keeps the digits that D itself would round away where
// D* = p/(p+q) is within ε of 1 (the normal's tails). V ≤ 0; at
// z* = log p − log q (D*) it is the maximum over all D, 2·JS − log 4
// (GeneratorLoss); −Inf if z = −Inf where p > 0 or +Inf where q > 0.
//
// Errors: those of At.
func (s Shape) GANValue(theta float64, z func(x float64) float64) (float64, error) {
	if err := checkTheta(theta); err != nil {
		return 0, err
	}
	lo, hi := math.Min(0, theta)-12*NormalSigma, math.Max(0, theta)+12*NormalSigma
	if s.Bounded() {
		lo, hi = math.Min(-1, theta-1), math.Max(1, theta+1)
	}
	breaks := s.landmarks(s.landmarks([]float64{theta / 2}, 0), theta)
	v := integrate(func(base, off float64, out []float64) {
		x := base + off
		p, q := s.Prob(x), s.Prob(x-theta)
		out[0] = 0
		if p == 0 && q == 0 {
			return
		}
		zx := z(x)
		if p > 0 {
			out[0] -= p * softplus(-zx)
		}
		if q > 0 {
			out[0] -= q * softplus(zx)
		}
	}, 1, lo, hi, breaks, nil, relTol, s.Bounded())
	return v[0], nil
}

// DStarLogit returns the optimal discriminator's logit log p(x) − log p(x − θ):
// +Inf where only P has mass, −Inf where only Q has, NaN where neither has.
func (s Shape) DStarLogit(theta, x float64) float64 { return s.LogProb(x) - s.LogProb(x-theta) }
