// Package gaussfit is the model of the Forward vs reverse KL lab: one Gaussian
// q = N(μ, σ²) fitted to a target p (a mixture of normals) by minimising
// either
//
//	KL(P‖Q) = ∫ p log(p/q)   (forward: mode covering, moment matching), or
//	KL(Q‖P) = ∫ q log(q/p)   (reverse: mode seeking)
//
// by natural-gradient steps on (μ, log σ). Gradients are exact: the forward
// one in closed form from the target's moments, the reverse one by
// Gauss–Legendre quadrature over μ ± 10σ (no sampling, so every run is
// reproducible and the traces are smooth).
package gaussfit

import (
	"math"

	"github.com/klplayground/klplay/core/distribution"
	"github.com/klplayground/klplay/core/input"
)

// Bounds of the model's parameters: steps are clamped into them.
const (
	MinSigma = 0.05
	MaxSigma = 20
	MaxAbsMu = 20
)

// MaxStepsPerCall bounds Run's steps, and Converge's.
const MaxStepsPerCall = 2000

// Tol is Converged's tolerance: a full natural-gradient step (lr = 1) would
// move μ by less than Tol·σ and σ by less than a fraction Tol of itself.
const Tol = 1e-5

// Gaussian is the model q = N(Mu, Sigma²).
type Gaussian struct{ Mu, Sigma float64 }

// Direction selects the objective.
type Direction int

const (
	Forward Direction = iota // KL(P‖Q)
	Reverse                  // KL(Q‖P)
)

// Target is p: a mixture of normals with its moments precomputed.
type Target struct {
	Mix        *distribution.Mixture
	mean, vari float64
	minSigma   float64 // the narrowest component's σ
	entropy    float64 // H(P), by distribution.Entropy's quadrature
}

// NewTarget wraps a mixture whose components are all normal. Errors: a nil
// mixture or a component that is not a distribution.Normal (input.Invalid on "target").
func NewTarget(m *distribution.Mixture) (*Target, error) {
	if m == nil {
		return nil, input.Errorf(input.Invalid, "target", "is missing")
	}
	t := &Target{Mix: m, minSigma: math.Inf(1)}
	comps := make([]distribution.Normal, len(m.Components))
	for i, c := range m.Components {
		n, ok := c.(distribution.Normal)
		if !ok {
			return nil, input.Errorf(input.Invalid, "target", "component %d is a %s; the target is a mixture of normals", i, c.Family())
		}
		comps[i] = n
		t.minSigma = math.Min(t.minSigma, n.Sigma)
		t.mean += m.Weights[i] * n.Mu
	}
	// Σ wᵢ(σᵢ² + (μᵢ − m)²) about the mean, not E[X²] − m², which cancels
	// when the modes sit far from 0 compared with the spread.
	for i, n := range comps {
		d := n.Mu - t.mean
		t.vari += m.Weights[i] * (n.Sigma*n.Sigma + d*d)
	}
	h, err := distribution.Entropy(m, distribution.Options{Base: math.E})
	if err != nil {
		return nil, err
	}
	t.entropy = h.Value
	return t, nil
}

// Moments returns the target's mean and standard deviation,
//
//	m = Σ wᵢ μᵢ,   σ² = Σ wᵢ (σᵢ² + (μᵢ − m)²),
//
// the minimiser of KL(P‖Q) over Gaussians Q (moment matching): the forward
// gradient of Objective is 0 there, and the forward Run ends there (on
// σ = MinSigma when σ is below that bound, the optimum within the bounds).
func (t *Target) Moments() Gaussian { return Gaussian{t.mean, math.Sqrt(t.vari)} }

// Entropy returns H(P) in nats.
func (t *Target) Entropy() float64 { return t.entropy }

// Objective returns KL in nats and its gradient with respect to (μ, log σ).
//
// Forward, in closed form from the target's mean m_p and variance v_p:
//
//	KL(P‖Q) = log σ + ½ log 2π + (v_p + (m_p − μ)²)/(2σ²) − H(P)
//	∂/∂μ = (μ − m_p)/σ²,   ∂/∂log σ = 1 − (v_p + (m_p − μ)²)/σ²
//
// Reverse, by 8-point Gauss–Legendre on panels over μ ± 10σ no wider than the
// target's narrowest σ (∂ of ∫q = 1 vanishes, so only the score terms remain):
//
//	KL(Q‖P) = ∫ q (log q − log p)
//	∂/∂μ = ∫ q · (x − μ)/σ² · (log q − log p),   ∂/∂log σ = ∫ q · ((x − μ)²/σ² − 1) · (log q − log p)
func (t *Target) Objective(q Gaussian, d Direction) (kl float64, grad [2]float64) {
	s2 := q.Sigma * q.Sigma
	if d == Forward {
		dm := t.mean - q.Mu
		e := t.vari + dm*dm
		kl = math.Log(q.Sigma) + 0.5*math.Log(2*math.Pi) + e/(2*s2) - t.entropy
		return math.Max(kl, 0), [2]float64{-dm / s2, 1 - e/s2}
	}
	// Panels no wider than the narrowest component of p (log p bends on that
	// scale between modes), between 24 and 1000 of them over μ ± 10σ.
	const half = 10.0
	panels := int(math.Ceil(2 * half * q.Sigma / t.minSigma))
	panels = max(24, min(1000, panels))
	lo := q.Mu - half*q.Sigma
	w := 2 * half * q.Sigma / float64(panels)
	var v, gm, gs float64
	for k := 0; k < panels; k++ {
		a := lo + float64(k)*w
		for j, node := range glNodes {
			x := a + 0.5*w*(1+node)
			z := (x - q.Mu) / q.Sigma
			lq := -0.5*z*z - math.Log(q.Sigma) - 0.5*math.Log(2*math.Pi)
			r := lq - t.Mix.LogProb(x)
			c := 0.5 * w * glWeights[j] * math.Exp(lq) * r
			v += c
			gm += c * z / q.Sigma
			gs += c * (z*z - 1)
		}
	}
	return math.Max(v, 0), [2]float64{gm, gs}
}

// Step is one natural-gradient step of size lr on (μ, log σ): the Fisher
// information of N(μ, σ²) in these coordinates is diag(1/σ², 2), so
//
//	μ ← μ − lr·σ²·∂/∂μ,   log σ ← log σ − lr·½·∂/∂log σ,
//
// each change capped at 2σ (μ) and 0.5 (log σ) per step, and the result
// clamped to |μ| ≤ MaxAbsMu, MinSigma ≤ σ ≤ MaxSigma. For the forward
// objective with lr = 1 one step puts μ on the target's mean. It returns the new q
// and the objective and gradient at the old one.
func (t *Target) Step(q Gaussian, d Direction, lr float64) (next Gaussian, kl float64, grad [2]float64) {
	kl, grad = t.Objective(q, d)
	return stepFrom(q, grad, lr), kl, grad
}

// stepFrom is Step's update of q given the gradient at q.
func stepFrom(q Gaussian, grad [2]float64, lr float64) Gaussian {
	dm := clamp(-lr*q.Sigma*q.Sigma*grad[0], -2*q.Sigma, 2*q.Sigma)
	dl := clamp(-lr*0.5*grad[1], -0.5, 0.5)
	return Gaussian{Mu: clamp(q.Mu+dm, -MaxAbsMu, MaxAbsMu), Sigma: clamp(q.Sigma*math.Exp(dl), MinSigma, MaxSigma)}
}

// Trace is the result of Run: the model after the steps and the objective
// before each step (Values[i] at the start of step i), then at the end.
type Trace struct {
	Q      Gaussian
	Values []float64
	KL     float64    // the objective at Q
	Grad   [2]float64 // its gradient at Q
}

// Run takes steps natural-gradient steps from q. Errors (*input.Error): lr
// not in (0, 1] ("lr"), steps outside 0…MaxStepsPerCall ("steps"), a q
// outside the bounds ("mu", "sigma").
func (t *Target) Run(q Gaussian, d Direction, lr float64, steps int) (Trace, error) {
	if err := checkRun(q, lr, steps); err != nil {
		return Trace{}, err
	}
	tr := Trace{Values: make([]float64, 0, steps)}
	for i := 0; i < steps; i++ {
		var v float64
		q, v, _ = t.Step(q, d, lr)
		tr.Values = append(tr.Values, v)
	}
	tr.Q = q
	tr.KL, tr.Grad = t.Objective(q, d)
	return tr, nil
}

// checkRun is Run's and Converge's check of their arguments.
func checkRun(q Gaussian, lr float64, steps int) error {
	if err := input.InRange("lr", lr, 1e-6, 1); err != nil {
		return err
	}
	if steps < 0 || steps > MaxStepsPerCall {
		return input.Errorf(input.OutOfRange, "steps", "is %d; it must be between 0 and %d", steps, MaxStepsPerCall)
	}
	if err := input.InRange("mu", q.Mu, -MaxAbsMu, MaxAbsMu); err != nil {
		return err
	}
	return input.InRange("sigma", q.Sigma, MinSigma, MaxSigma)
}

// Converged reports whether q is a stationary point of the objective to within
// Tol: with g the gradient of Objective, the natural-gradient step of size 1,
//
//	|σ²·∂/∂μ| ≤ Tol·σ   and   |½·∂/∂log σ| ≤ Tol,
//
// which for the forward objective says μ is within Tol·σ of the target's mean
// and log σ within about Tol of its optimum (the step is then the distance to
// the optimum, in μ and log σ). On a bound (σ = MinSigma or MaxSigma, |μ| =
// MaxAbsMu) a gradient pushing q further out does not count against it, since
// Step can move no further that way.
func (t *Target) Converged(q Gaussian, d Direction) bool {
	_, g := t.Objective(q, d)
	return converged(q, g)
}

// converged is Converged given the gradient g at q.
func converged(q Gaussian, g [2]float64) bool {
	dm, dl := q.Sigma*q.Sigma*g[0], 0.5*g[1]
	if (q.Mu >= MaxAbsMu && dm < 0) || (q.Mu <= -MaxAbsMu && dm > 0) {
		dm = 0
	}
	if (q.Sigma <= MinSigma && dl > 0) || (q.Sigma >= MaxSigma && dl < 0) {
		dl = 0
	}
	return math.Abs(dm) <= Tol*q.Sigma && math.Abs(dl) <= Tol
}

// Converge returns the number of natural-gradient steps of size lr from q
// after which the fit has Converged (0 when q already has), and ok false, with
// steps = max, when it has not within max steps (an lr large enough to
// oscillate, say). Errors: those of Run, with max as "steps".
func (t *Target) Converge(q Gaussian, d Direction, lr float64, max int) (steps int, ok bool, err error) {
	if err := checkRun(q, lr, max); err != nil {
		return 0, false, err
	}
	for ; ; steps++ {
		_, g := t.Objective(q, d)
		if converged(q, g) {
			return steps, true, nil
		}
		if steps == max {
			return max, false, nil
		}
		q = stepFrom(q, g, lr)
	}
}

func clamp(x, lo, hi float64) float64 { return math.Min(hi, math.Max(lo, x)) }

// 8-point Gauss–Legendre nodes and weights on [−1, 1].
var (
	glNodes   = [8]float64{-0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498, 0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363}
	glWeights = [8]float64{0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620, 0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763}
)
