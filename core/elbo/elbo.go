// Package elbo is the model of the ELBO lab: one latent variable z with the
// prior p(z) = N(0, 1), one observation x with likelihood p(x|z), and a
// Gaussian approximation q(z) = N(m, s²) of the posterior p(z|x). It computes
// the terms of the two identities
//
//	log p(x) = ELBO(q) + KL(q ‖ p(z|x))
//	ELBO(q)  = E_q[log p(x|z)] − KL(q ‖ p(z))
//
// exactly (closed forms where they exist, adaptive quadrature on log
// densities where they do not), and optimises q by gradient ascent on the
// β-ELBO E_q[log p(x|z)] − β·KL(q‖p(z)), with exact gradients or with the
// reparameterisation trick (z = m + s·ε, ε ~ N(0, 1), K draws per step).
// Optimum and BetaPath give the β-ELBO's global maximum over the bounds of q,
// in closed form (linear) or over every stationary branch (square).
//
// Two likelihoods, with y = x − b:
//
//	linear: x | z ~ N(w·z + b, σ²)   posterior Gaussian, log p(x) in closed form
//	square: x | z ~ N(w·z² + b, σ²)  posterior bimodal when y/w > σ²/(2w²);
//	                                 log p(x) and KL(q‖p(z|x)) by quadrature
//
// In both, E_q[log p(x|z)] and KL(q‖p(z)) have closed forms (moments of a
// normal up to the fourth), so the ELBO is exact; for the square model the
// evidence and the gap are integrals that distribution.Integrate computes to a
// relative 1e-10, so the identity holds to about 1e-10.
//
// Bad input (σ ≤ 0, a non-finite parameter, s ≤ 0, β < 0, an unknown model
// or gradient, …) is an *input.Error naming the argument, never a panic or
// NaN. The package is pure Go.
package elbo

import (
	"math"
	"math/rand/v2"

	"github.com/klplayground/klplay/core/distribution"
	"github.com/klplayground/klplay/core/input"
)

// Bounds of the variational parameters: gradient steps are clamped to them
// (and the lab's schema uses the same numbers).
const (
	MinM, MaxM = -6.0, 6.0
	MinS, MaxS = 0.005, 5.0
	MaxSamples = 1000 // most reparameterisation draws per step
	MaxSteps   = 3000 // most gradient steps in one call: a shared link's whole run, replayed at once
	MaxBeta    = 100  // largest β
)

// The likelihoods.
const (
	Linear = "linear" // x | z ~ N(w·z + b, σ²)
	Square = "square" // x | z ~ N(w·z² + b, σ²)
)

// The gradient estimators.
const (
	Exact   = "exact"   // the gradient of the closed-form β-ELBO
	Reparam = "reparam" // K-sample reparameterisation estimate of the reconstruction gradient
)

const (
	log2Pi = 1.8378770664093454835606594728112 // log 2π
	// Method names, as in core/distribution.
	MethodClosed     = distribution.MethodClosedForm
	MethodQuadrature = distribution.MethodQuadrature
)

// Model is a latent-variable model: p(z) = N(0, 1) and the likelihood Kind
// with weight W, offset B and noise Sigma, for one observation X.
type Model struct {
	Kind        string
	X, W, B     float64
	Sigma       float64
	logPX       float64 // cached by Prepare
	logPXErr    float64
	modes       []float64
	widths      []float64
	postMean    float64
	postSD      float64
	modeNormals []distribution.Dist
}

// Q is the variational distribution N(M, S²).
type Q struct{ M, S float64 }

// Terms are the parts of the two identities for one q, in nats:
// LogPX = ELBO + Gap and ELBO = Recon − KLPrior; BetaELBO = Recon − β·KLPrior.
type Terms struct {
	Recon    float64 // E_q[log p(x|z)], closed form
	KLPrior  float64 // KL(q ‖ p(z)), closed form
	ELBO     float64 // Recon − KLPrior
	Gap      float64 // KL(q ‖ p(z|x)): closed form (linear) or quadrature (square)
	LogPX    float64 // log p(x): closed form (linear) or quadrature (square)
	BetaELBO float64 // Recon − β·KLPrior
	Method   string  // how Gap and LogPX were computed
	ErrorEst float64 // the quadrature's error estimate for Gap + LogPX (0 for closed forms)
}

// New checks a model and prepares it: the evidence log p(x), the posterior
// modes and, for the linear model, the exact posterior N(μ, τ²) with
// τ² = 1/(1 + w²/σ²) and μ = τ²·w·(x − b)/σ².
func New(kind string, x, w, b, sigma float64) (*Model, error) {
	m := &Model{Kind: kind, X: x, W: w, B: b, Sigma: sigma}
	if err := m.check(); err != nil {
		return nil, err
	}
	if err := m.prepare(); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Model) check() error {
	if m.Kind != Linear && m.Kind != Square {
		return input.Errorf(input.UnknownName, "model", "is %q; it must be linear or square", m.Kind)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"x", m.X}, {"w", m.W}, {"b", m.B}} {
		if err := input.Finite(f.name, f.v); err != nil {
			return err
		}
		if math.Abs(f.v) > 1e3 {
			return input.Errorf(input.OutOfRange, f.name, "is %v; it must lie in [−1000, 1000]", f.v)
		}
	}
	if err := input.Positive("sigma", m.Sigma); err != nil {
		return err
	}
	if m.Sigma < 1e-3 || m.Sigma > 1e3 {
		return input.Errorf(input.OutOfRange, "sigma", "is %v; it must lie in [0.001, 1000]", m.Sigma)
	}
	return nil
}

// LogLik returns log p(x|z) = −½ log 2πσ² − (x − b − w·g(z))²/(2σ²) with
// g(z) = z (linear) or z² (square).
func (m *Model) LogLik(z float64) float64 {
	g := z
	if m.Kind == Square {
		g = z * z
	}
	r := (m.X - m.B - m.W*g) / m.Sigma
	return -0.5*log2Pi - math.Log(m.Sigma) - 0.5*r*r
}

// LogPrior returns log N(z; 0, 1).
func LogPrior(z float64) float64 { return -0.5*log2Pi - 0.5*z*z }

// LogJoint returns log p(z) + log p(x|z).
func (m *Model) LogJoint(z float64) float64 { return LogPrior(z) + m.LogLik(z) }

// LogPosterior returns log p(z|x) = log p(z, x) − log p(x).
func (m *Model) LogPosterior(z float64) float64 { return m.LogJoint(z) - m.logPX }

// LogPX returns the evidence log p(x) and its error estimate (0 when exact).
func (m *Model) LogPX() (float64, float64) { return m.logPX, m.logPXErr }

// Modes returns the posterior's modes and the widths of its Laplace
// approximations there (1/√(−∂² log p(z, x)/∂z²)).
func (m *Model) Modes() (modes, widths []float64) { return m.modes, m.widths }

// Posterior returns, for the linear model, the exact posterior's mean and
// standard deviation and true; for the square model its mean (0 by
// symmetry) and standard deviation from quadrature, and false.
func (m *Model) Posterior() (mean, sd float64, gaussian bool) {
	return m.postMean, m.postSD, m.Kind == Linear
}

func (m *Model) prepare() error {
	y, w, s2 := m.X-m.B, m.W, m.Sigma*m.Sigma
	if m.Kind == Linear {
		prec := 1 + w*w/s2
		m.postSD = math.Sqrt(1 / prec)
		m.postMean = w * y / s2 / prec
		// x ~ N(b, w² + σ²).
		v := w*w + s2
		m.logPX = -0.5*(log2Pi+math.Log(v)) - 0.5*y*y/v
		m.modes, m.widths = []float64{m.postMean}, []float64{m.postSD}
		return nil
	}
	// Square: ∂/∂z log p(z,x) = z·(−1 + 2w(y − w z²)/σ²) vanishes at 0 and at
	// z² = y/w − σ²/(2w²) when that is positive.
	cands := []float64{0}
	if w != 0 {
		if z2 := y/w - s2/(2*w*w); z2 > 0 {
			z := math.Sqrt(z2)
			cands = []float64{-z, z}
		}
	}
	m.modes, m.widths = m.modes[:0], m.widths[:0]
	for _, z := range cands {
		curv := 1 - 2*w*(y-3*w*z*z)/s2 // −∂² log p(z, x)
		width := 1.0
		if curv > 0 {
			width = 1 / math.Sqrt(curv)
		}
		width = math.Min(3, math.Max(1e-4, width))
		m.modes = append(m.modes, z)
		m.widths = append(m.widths, width)
	}
	comps := make([]distribution.Dist, len(m.modes))
	weights := make([]float64, len(m.modes))
	for i, z := range m.modes {
		comps[i] = distribution.Normal{Mu: z, Sigma: m.widths[i]}
		weights[i] = 1 / float64(len(m.modes))
	}
	m.modeNormals = comps
	mix, err := distribution.NewMixture(weights, comps)
	if err != nil {
		return err
	}
	// log p(x) = M + log ∫ exp(log p(z, x) − M) dz, M the largest log joint at a mode.
	top := math.Inf(-1)
	for _, z := range m.modes {
		top = math.Max(top, m.LogJoint(z))
	}
	v, e, err := distribution.Integrate(func(z float64) float64 { return math.Exp(m.LogJoint(z) - top) }, mix, distribution.Normal{Mu: 0, Sigma: 1})
	if err != nil {
		return err
	}
	if !(v > 0) {
		return input.Errorf(input.Invalid, "x", "is so unlikely under this model that its evidence underflows")
	}
	m.logPX, m.logPXErr = top+math.Log(v), e/v
	// Posterior spread (its mean is 0 by symmetry).
	m2, _, err := distribution.Integrate(func(z float64) float64 { return z * z * math.Exp(m.LogPosterior(z)) }, mix, distribution.Normal{Mu: 0, Sigma: 1})
	if err != nil {
		return err
	}
	m.postMean, m.postSD = 0, math.Sqrt(m2)
	return nil
}

// CheckQ checks that q = N(M, S²) is usable: M finite, S > 0 and finite.
func CheckQ(q Q) error {
	if err := input.Finite("m", q.M); err != nil {
		return err
	}
	if err := input.Positive("s", q.S); err != nil {
		return err
	}
	return nil
}

// Recon returns E_q[log p(x|z)] = −½ log 2πσ² − E_q[(y − w·g(z))²]/(2σ²),
// with E_q[(y − w z)²] = (y − w m)² + w² s² (linear) and
// E_q[(y − w z²)²] = (y − w(m² + s²))² + w²(4m²s² + 2s⁴) (square).
func (m *Model) Recon(q Q) float64 {
	y, w := m.X-m.B, m.W
	var e float64
	if m.Kind == Linear {
		d := y - w*q.M
		e = d*d + w*w*q.S*q.S
	} else {
		s2 := q.S * q.S
		d := y - w*(q.M*q.M+s2)
		e = d*d + w*w*(4*q.M*q.M*s2+2*s2*s2)
	}
	return -0.5*log2Pi - math.Log(m.Sigma) - 0.5*e/(m.Sigma*m.Sigma)
}

// KLPrior returns KL(N(m, s²) ‖ N(0, 1)) = ½(m² + s² − 1) − log s.
func KLPrior(q Q) float64 {
	return KLNormal(q.M, q.S, 0, 1)
}

// KLNormal returns KL(N(m1, s1²) ‖ N(m2, s2²)) =
// log(s2/s1) + (s1² + (m1 − m2)²)/(2 s2²) − ½, written as
// ½(expm1(2t) − 2t) + (m1 − m2)²/(2 s2²) with t = log(s1/s2), which keeps
// its accuracy when q is close to the posterior.
func KLNormal(m1, s1, m2, s2 float64) float64 {
	t := math.Log(s1 / s2)
	d := (m1 - m2) / s2
	return 0.5*(math.Expm1(2*t)-2*t) + 0.5*d*d
}

// Evaluate returns the terms of both identities for q, with the β-ELBO
// Recon − β·KLPrior. For the linear model every term is a closed form and
// Gap = KL(q ‖ N(μ, τ²)); for the square model
// Gap = ∫ q(z) (log q(z) − log p(z, x)) dz + log p(x) by quadrature.
func (m *Model) Evaluate(q Q, beta float64) (Terms, error) {
	if err := CheckQ(q); err != nil {
		return Terms{}, err
	}
	if err := checkBeta(beta); err != nil {
		return Terms{}, err
	}
	t := Terms{Recon: m.Recon(q), KLPrior: KLPrior(q), LogPX: m.logPX, Method: MethodClosed}
	t.ELBO = t.Recon - t.KLPrior
	t.BetaELBO = t.Recon - beta*t.KLPrior
	if m.Kind == Linear {
		t.Gap = KLNormal(q.M, q.S, m.postMean, m.postSD)
		return t, nil
	}
	qd := distribution.Normal{Mu: q.M, Sigma: q.S}
	lz := math.Log(q.S) + 0.5*log2Pi
	gap, e, err := distribution.Integrate(func(z float64) float64 {
		u := (z - q.M) / q.S
		lq := -0.5*u*u - lz
		return math.Exp(lq) * (lq - m.LogJoint(z) + m.logPX)
	}, qd, m.modeNormals...)
	if err != nil {
		return Terms{}, err
	}
	t.Gap = math.Max(0, gap)
	t.Method = MethodQuadrature
	t.ErrorEst = e + m.logPXErr
	return t, nil
}

func checkBeta(beta float64) error {
	if err := input.Finite("beta", beta); err != nil {
		return err
	}
	if beta < 0 || beta > MaxBeta {
		return input.Errorf(input.OutOfRange, "beta", "is %v; it must lie in [0, %d]", beta, MaxBeta)
	}
	return nil
}

// Grad returns the exact gradient of the β-ELBO with respect to m and
// ρ = log s: ∂/∂m [Recon − β KL] and s·∂/∂s [Recon − β KL], where
// ∂KL/∂m = m, ∂KL/∂s = s − 1/s and, with A = y − w(m² + s²) for the square model,
//
//	linear: ∂Recon/∂m = w(y − w m)/σ²,          ∂Recon/∂s = −w² s/σ²
//	square: ∂Recon/∂m = (2wmA − 4w²m s²)/σ²,    ∂Recon/∂s = (2wsA − 4w²s(m² + s²))/σ²
func (m *Model) Grad(q Q, beta float64) (dm, drho float64) {
	y, w, s2 := m.X-m.B, m.W, m.Sigma*m.Sigma
	var gm, gs float64
	if m.Kind == Linear {
		gm = w * (y - w*q.M) / s2
		gs = -w * w * q.S / s2
	} else {
		a := y - w*(q.M*q.M+q.S*q.S)
		gm = (2*w*q.M*a - 4*w*w*q.M*q.S*q.S) / s2
		gs = (2*w*q.S*a - 4*w*w*q.S*(q.M*q.M+q.S*q.S)) / s2
	}
	gm -= beta * q.M
	gs -= beta * (q.S - 1/q.S)
	return gm, q.S * gs
}

// dLogLik returns ∂/∂z log p(x|z): w(y − w z)/σ² (linear) or
// 2wz(y − w z²)/σ² (square).
func (m *Model) dLogLik(z float64) float64 {
	y, w, s2 := m.X-m.B, m.W, m.Sigma*m.Sigma
	if m.Kind == Linear {
		return w * (y - w*z) / s2
	}
	return 2 * w * z * (y - w*z*z) / s2
}

// ReparamGrad returns the reparameterisation estimate of the β-ELBO's
// gradient with respect to (m, ρ = log s) from the draws eps (z = m + s·ε):
//
//	∂m ≈ (1/K) Σ ∂z log p(x|z_k) − β m
//	∂ρ ≈ s·[(1/K) Σ ∂z log p(x|z_k)·ε_k − β(s − 1/s)]
//
// (the KL to the prior is taken exactly, as in a VAE), and the matching
// estimate of the ELBO, (1/K) Σ log p(x|z_k) − KL(q‖p(z)).
func (m *Model) ReparamGrad(q Q, beta float64, eps []float64) (dm, drho, estimate float64) {
	var gm, gs, ll float64
	for _, e := range eps {
		z := q.M + q.S*e
		g := m.dLogLik(z)
		gm += g
		gs += g * e
		ll += m.LogLik(z)
	}
	k := float64(len(eps))
	gm, gs, ll = gm/k, gs/k, ll/k
	gm -= beta * q.M
	gs -= beta * (q.S - 1/q.S)
	return gm, q.S * gs, ll - KLPrior(q)
}

// Run describes an optimisation: natural-gradient ascent on the β-ELBO in
// (m, log s) (see Step) with base learning rate LR, Gradient Exact or Reparam
// with Samples draws per step, the draws of step t coming from a PCG seeded
// with (Seed, t), so a run is reproducible step by step whatever the number of
// steps per call.
type Run struct {
	Beta     float64
	LR       float64
	Gradient string
	Samples  int
	Seed     uint64
}

// Convergence and step-size constants (see Step, Rate and Converged).
const (
	ExactTol   = 1e-6 // Converged: the exact gradient's length, exact runs
	NoisyTol   = 0.05 // Converged: the same length, held CalmSteps steps, noisy runs
	CalmSteps  = 50   // consecutive steps a noisy run must stay below NoisyTol
	DecaySteps = 100  // τ of the noisy runs' Robbins–Monro rate η·τ/(τ + t)
	MaxFisher  = 1.0  // longest step, in the Fisher metric (KL(q_new‖q) ≈ ½)
)

func (r Run) check() error {
	if err := checkBeta(r.Beta); err != nil {
		return err
	}
	if err := input.Finite("lr", r.LR); err != nil {
		return err
	}
	if r.LR <= 0 || r.LR > 10 {
		return input.Errorf(input.OutOfRange, "lr", "is %v; it must lie in (0, 10]", r.LR)
	}
	if r.Gradient != Exact && r.Gradient != Reparam {
		return input.Errorf(input.UnknownName, "gradient", "is %q; it must be exact or reparam", r.Gradient)
	}
	if r.Gradient == Reparam && (r.Samples < 1 || r.Samples > MaxSamples) {
		return input.Errorf(input.OutOfRange, "samples", "is %d; it must lie in [1, %d]", r.Samples, MaxSamples)
	}
	return nil
}

// Rate returns the step size of step t (0-based):
//
//	η_t = LR / max(1, β)                 exact gradients
//	η_t = LR / max(1, β) · τ/(τ + t)     noisy gradients, τ = DecaySteps
//
// Why: near the optimum of the linear model the β-ELBO's Hessian in
// (m, log s) is exactly −β times the Fisher matrix of q (at q*, s*²(w²/σ² + β)
// = β, and likewise in log s), so a natural step of size η contracts the
// error by 1 − ηβ; dividing by max(1, β) keeps that factor in [0, 1) for every
// LR ≤ 1 and β ≤ 4 (the slider ranges), where a plain gradient step's factor
// depends on s*² and diverges for small s* (the square model's posterior
// modes are narrow: that is how plain steps threw q to the bounds). A constant
// step with noisy gradients leaves q jittering for ever at a spread ∝ √η; the
// Robbins–Monro decay (Σ η_t = ∞, Σ η_t² < ∞) lets a noisy run converge.
func (r Run) Rate(t int) float64 {
	eta := r.LR / math.Max(1, r.Beta)
	if r.Gradient == Reparam {
		eta *= DecaySteps / (DecaySteps + float64(t))
	}
	return eta
}

// Step returns q after one natural-gradient ascent step of size eta along the
// gradient (dm, dρ) of the β-ELBO in (m, ρ = log s). The Fisher information of
// N(m, s²) in (m, log s) is F = diag(1/s², 2), so the step is
//
//	Δm = eta·s²·dm,  Δρ = eta·dρ/2,
//
// shortened, if its Fisher length √(Δm²/s² + 2Δρ²) exceeds MaxFisher, to that
// length (a trust region: far from the optimum, e.g. s = 5 against s* = 0.5, a
// full step would overshoot), then clamped to the box [MinM, MaxM] × [MinS, MaxS]
// (NaN components fall back to m = 0, s = 1).
func Step(q Q, dm, drho, eta float64) Q {
	am, ar := eta*q.S*q.S*dm, eta*drho/2
	if l := math.Sqrt(am*am/(q.S*q.S) + 2*ar*ar); l > MaxFisher {
		am, ar = am*MaxFisher/l, ar*MaxFisher/l
	}
	return clampQ(Q{M: q.M + am, S: q.S * math.Exp(ar)})
}

// GradLength returns the length of the exact natural step per unit of learning
// rate: √(gᵀF⁻¹g)/max(1, β) = √(s²·dm² + dρ²/2)/max(1, β), with (dm, dρ) = Grad
// projected on the box (a component that pushes q out through a bound it sits
// on counts as 0). It is 0 exactly at a stationary point of the β-ELBO within
// the box, and near a maximum it is about the Fisher distance to it, so the
// β-ELBO's shortfall is about ½·β·GradLength².
func (m *Model) GradLength(q Q, beta float64) float64 {
	dm, dr := m.Grad(q, beta)
	if (q.M >= MaxM && dm > 0) || (q.M <= MinM && dm < 0) {
		dm = 0
	}
	if (q.S >= MaxS && dr > 0) || (q.S <= MinS && dr < 0) {
		dr = 0
	}
	return math.Sqrt(q.S*q.S*dm*dm+dr*dr/2) / math.Max(1, beta)
}

// Progress is where a run stands: Iter steps taken, the last Calm of them with
// GradLength below the tolerance, and whether it has converged.
type Progress struct {
	Iter, Calm int
	Converged  bool
}

// Converged updates p with q, the iterate after p.Iter steps, and reports
// convergence. Exact gradients: GradLength(q) < ExactTol. Noisy gradients:
// GradLength < NoisyTol at each of the last CalmSteps iterates — one lucky
// iterate near the optimum is not enough; the run must have settled, which the
// decaying rate guarantees eventually.
func (m *Model) Converged(q Q, r Run, p Progress) Progress {
	tol, need := ExactTol, 1
	if r.Gradient == Reparam {
		tol, need = NoisyTol, CalmSteps
	}
	if m.GradLength(q, r.Beta) < tol {
		p.Calm++
	} else {
		p.Calm = 0
	}
	p.Converged = p.Calm >= need
	return p
}

// Trace is one row per step: the terms after the step and the noisy ELBO
// estimate the step used (equal to the ELBO for exact gradients).
type Trace struct {
	M, S, Recon, KLPrior, ELBO, Gap, LogPX, BetaELBO, Estimate []float64
	Last                                                       Terms // the terms after the last step
}

func (t *Trace) add(q Q, tm Terms, est float64) {
	t.M = append(t.M, q.M)
	t.S = append(t.S, q.S)
	t.Recon = append(t.Recon, tm.Recon)
	t.KLPrior = append(t.KLPrior, tm.KLPrior)
	t.ELBO = append(t.ELBO, tm.ELBO)
	t.Gap = append(t.Gap, tm.Gap)
	t.LogPX = append(t.LogPX, tm.LogPX)
	t.BetaELBO = append(t.BetaELBO, tm.BetaELBO)
	t.Estimate = append(t.Estimate, est)
	t.Last = tm
}

func (m *Model) checkAdvance(q Q, r Run, p Progress, steps int) error {
	if err := CheckQ(q); err != nil {
		return err
	}
	if err := r.check(); err != nil {
		return err
	}
	if p.Iter < 0 || p.Calm < 0 {
		return input.Errorf(input.OutOfRange, "iter", "is %d (calm %d); both must be ≥ 0", p.Iter, p.Calm)
	}
	if steps < 0 || steps > MaxSteps {
		return input.Errorf(input.OutOfRange, "steps", "is %d; it must lie in [0, %d]", steps, MaxSteps)
	}
	return nil
}

// step takes step number t from q: the gradient (exact, or the
// reparameterisation estimate from draws seeded with (Seed, t)), then Step
// with Rate(t). It returns the new q and the ELBO estimate the step used.
func (m *Model) step(q Q, r Run, t int, eps []float64) (Q, float64) {
	var dm, drho, est float64
	if r.Gradient == Exact {
		dm, drho = m.Grad(q, r.Beta)
		est = m.Recon(q) - KLPrior(q)
	} else {
		rng := rand.New(rand.NewPCG(r.Seed, uint64(t)))
		for i := range eps {
			eps[i] = rng.NormFloat64()
		}
		dm, drho, est = m.ReparamGrad(q, r.Beta, eps)
	}
	return Step(q, dm, drho, r.Rate(t)), est
}

// Advance takes up to `steps` steps from q, where the run stands at p (q is
// its iterate after p.Iter steps, p.Calm as Converged left it), and returns
// the final q, the new progress and one trace row per step taken. It stops
// early, without stepping, once the run has converged (Converged is checked
// at q before each step), so a converged run stays where it stopped. The
// p.Calm that Advance returned already counts q; q is checked again (the same
// answer) so that a fresh run, Progress{}, needs no separate first check.
func (m *Model) Advance(q Q, r Run, p Progress, steps int) (Q, Progress, Trace, error) {
	var tr Trace
	if err := m.checkAdvance(q, r, p, steps); err != nil {
		return q, p, tr, err
	}
	eps := make([]float64, r.Samples)
	p = m.Converged(q, r, Progress{Iter: p.Iter, Calm: max(0, p.Calm-1)})
	for n := 0; n < steps && !p.Converged; n++ {
		var est float64
		q, est = m.step(q, r, p.Iter, eps)
		tm, err := m.Evaluate(q, r.Beta)
		if err != nil {
			return q, p, tr, err
		}
		tr.add(q, tm, est)
		p = m.Converged(q, r, Progress{Iter: p.Iter + 1, Calm: p.Calm})
	}
	return q, p, tr, nil
}

// ExactPath is Advance with exact gradients and no quadrature: the path, with
// the same LR and β, that the noisy run would follow without noise. It returns
// the final q, its progress, and per step taken m, s and the ELBO (closed form).
func (m *Model) ExactPath(q Q, r Run, p Progress, steps int) (Q, Progress, []float64, []float64, []float64, error) {
	r.Gradient = Exact
	if err := m.checkAdvance(q, r, p, steps); err != nil {
		return q, p, nil, nil, nil, err
	}
	var ms, ss, elbo []float64
	p = m.Converged(q, r, Progress{Iter: p.Iter})
	for n := 0; n < steps && !p.Converged; n++ {
		q, _ = m.step(q, r, p.Iter, nil)
		ms, ss, elbo = append(ms, q.M), append(ss, q.S), append(elbo, m.Recon(q)-KLPrior(q))
		p = m.Converged(q, r, Progress{Iter: p.Iter + 1})
	}
	return q, p, ms, ss, elbo, nil
}

func clampQ(q Q) Q {
	if math.IsNaN(q.M) {
		q.M = 0
	}
	if math.IsNaN(q.S) {
		q.S = 1
	}
	q.M = math.Min(MaxM, math.Max(MinM, q.M))
	q.S = math.Min(MaxS, math.Max(MinS, q.S))
	return q
}

// Optimum returns a q that maximises the β-ELBO f(m, s) = Recon − β·KLPrior
// over the whole box m ∈ [MinM, MaxM], s ∈ [MinS, MaxS]: the global maximum,
// not a local one, whatever `from` is.
//
// Linear model: f is separable and concave in m and in s, so the maximiser is
// the closed form m* = w y/(w² + βσ²), s*² = βσ²/(w² + βσ²) (the exact
// posterior at β = 1), each clamped to its bounds (β = 0 puts s on MinS).
//
// Square model: f depends on m only through u = m², and at fixed v = s² it
// is a concave quadratic in u, maximised at
// u*(v) = clamp(y/w − 3v − βσ²/(2w²), 0, MaxM²). What is left is the profile
// g(v) = f(√u*(v), √v), continuously differentiable on [MinS², MaxS²]; its
// maximum is at an end of that interval or where g′(v) = 0, and on each piece
// of u* the equation σ²v·g′(v) = 0 is a quadratic in v:
//
//	u* = 0 or MaxM² (=: U):  3w²v² − (wy − 3w²U − βσ²/2)·v − βσ²/2 = 0
//	u* interior:            6w²v² + (βσ² − 2wy)·v + βσ²/2 = 0
//
// Optimum evaluates f at the two ends and at every root of the three
// quadratics in range and keeps the best, so it visits every branch: q at
// the symmetric point m = 0 and q on either posterior mode. The result is
// the global maximum up to rounding.
//
// `from` only chooses among equally good q: the square model is symmetric in
// m, and the sign of m* is that of from.M (m* ≥ 0 when from.M ≥ 0); when
// nothing is fitted (w = 0 and β = 0, f constant) from, clamped, is returned.
func (m *Model) Optimum(beta float64, from Q) (Q, error) {
	if err := checkBeta(beta); err != nil {
		return Q{}, err
	}
	if err := CheckQ(from); err != nil {
		return Q{}, err
	}
	y, w, s2 := m.X-m.B, m.W, m.Sigma*m.Sigma
	if w == 0 && beta == 0 {
		return clampQ(from), nil
	}
	if m.Kind == Linear {
		den := w*w + beta*s2
		return clampQ(Q{M: w * y / den, S: math.Sqrt(beta * s2 / den)}), nil
	}
	if w == 0 { // f = const − β·KLPrior: the prior.
		return Q{M: 0, S: 1}, nil
	}
	const uMax = MaxM * MaxM
	vMin, vMax := MinS*MinS, MaxS*MaxS
	h := beta * s2 / 2
	uStar := func(v float64) float64 { return math.Min(uMax, math.Max(0, (w*y-3*w*w*v-h)/(w*w))) }
	roots := quadRoots(6*w*w, 2*h-2*w*y, h)
	for _, u := range []float64{0, uMax} {
		roots = append(roots, quadRoots(3*w*w, -(w*y-3*w*w*u-h), -h)...)
	}
	cands := []float64{MinS, MaxS} // candidate s, the ends exact
	for _, v := range roots {
		if v > vMin && v < vMax {
			cands = append(cands, math.Sqrt(v))
		}
	}
	best, bestF := Q{}, math.Inf(-1)
	for _, s := range cands {
		q := Q{M: math.Sqrt(uStar(s * s)), S: s}
		if f := m.Recon(q) - beta*KLPrior(q); f > bestF {
			best, bestF = q, f
		}
	}
	if from.M < 0 && best.M > 0 {
		best.M = -best.M
	}
	return best, nil
}

// quadRoots returns the real roots of a·v² + b·v + c = 0 (a ≠ 0), computed
// without cancellation; a discriminant negative only by rounding counts as 0,
// so a double root is not lost.
func quadRoots(a, b, c float64) []float64 {
	d := b*b - 4*a*c
	if d < 0 {
		if d < -1e-12*(b*b+math.Abs(4*a*c)) {
			return nil
		}
		d = 0
	}
	q := -0.5 * (b + math.Copysign(math.Sqrt(d), b))
	if q == 0 {
		return []float64{0}
	}
	return []float64{q / a, c / q}
}

// BetaPath returns the global optimum of the β-ELBO (Optimum) for each β in
// betas, and the reconstruction and KL terms there: the rate–distortion
// trade-off. Each β's optimum is found afresh over the whole box; `from`, and
// then each previous optimum, only chooses among equally good q (the sign of
// m, the q kept when w = 0 and β = 0). Because every point is a global
// optimum, KL(q‖p(z)) and E_q[log p(x|z)] are non-increasing in β (from the
// optimality of q at β₁ against q at β₂ and vice versa); q may jump between
// branches where two maxima tie.
func (m *Model) BetaPath(betas []float64, from Q) (qs []Q, recon, kl []float64, err error) {
	q := from
	for _, b := range betas {
		if q, err = m.Optimum(b, q); err != nil {
			return nil, nil, nil, err
		}
		qs = append(qs, q)
		recon = append(recon, m.Recon(q))
		kl = append(kl, KLPrior(q))
	}
	return qs, recon, kl, nil
}

// Curves returns n points z on [lo, hi] and, at each, the prior, the
// posterior and q's densities: what the lab draws.
func (m *Model) Curves(q Q, lo, hi float64, n int) (zs, prior, post, qd []float64, err error) {
	if err := CheckQ(q); err != nil {
		return nil, nil, nil, nil, err
	}
	if !(hi > lo) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return nil, nil, nil, nil, input.Errorf(input.OutOfRange, "hi", "must be finite and above lo")
	}
	if n < 2 || n > 10000 {
		return nil, nil, nil, nil, input.Errorf(input.OutOfRange, "points", "is %d; it must lie in [2, 10000]", n)
	}
	zs, prior, post, qd = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	lz := math.Log(q.S) + 0.5*log2Pi
	for i := range zs {
		z := lo + (hi-lo)*float64(i)/float64(n-1)
		zs[i] = z
		prior[i] = math.Exp(LogPrior(z))
		post[i] = math.Exp(m.LogPosterior(z))
		u := (z - q.M) / q.S
		qd[i] = math.Exp(-0.5*u*u - lz)
	}
	return zs, prior, post, qd, nil
}

// Domain returns a range of z that shows the prior and the posterior:
// [−4, 4] widened to 4 Laplace widths around each posterior mode, within [−8, 8].
func (m *Model) Domain() (lo, hi float64) {
	lo, hi = -4, 4
	for i, z := range m.modes {
		lo = math.Min(lo, z-4*m.widths[i])
		hi = math.Max(hi, z+4*m.widths[i])
	}
	return math.Max(-8, lo), math.Min(8, hi)
}
