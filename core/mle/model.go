package mle

import (
	"math"

	"github.com/klplayground/klplay/core/distribution"
	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/softmax"
	"gonum.org/v1/gonum/mathext"
)

// The model families, as the lab names them.
const (
	Normal      = "normal"      // θ = (μ, log σ)
	Laplace     = "laplace"     // θ = (μ, log b)
	Exponential = "exponential" // θ = (log λ)
	Gamma       = "gamma"       // θ = (log k, log β) (shape k, rate β)
	Mixture     = "mixture"     // θ = (logit w, μ₁, log σ₁, μ₂, log σ₂): w N(μ₁, σ₁) + (1 − w) N(μ₂, σ₂)
	Categorical = "categorical" // θ = logits z over the values 0..k−1; q = softmax(z)
)

// Model is a family fitted to one data set. Its parameters θ are
// unconstrained (logs of scales and rates, logits of weights), so gradient
// ascent never leaves the parameter space.
type Model struct {
	Family string
	d      *Data
	k      int // categorical: number of categories
}

// NewModel checks that the family can describe the data: exponential and
// gamma need positive data (exponential: ≥ 0), categorical whole numbers in
// 0..MaxCategories−1. Errors: an unknown family (input.UnknownFamily,
// "model"), data the family cannot describe (input.OutOfRange, "model").
func NewModel(family string, d *Data) (*Model, error) {
	m := &Model{Family: family, d: d}
	switch family {
	case Normal, Laplace, Mixture:
	case Exponential:
		if !d.NonNeg {
			return nil, input.Errorf(input.OutOfRange, "model", "exponential needs data ≥ 0, but the smallest value is %v", d.Min)
		}
		if d.Max == 0 {
			return nil, input.Errorf(input.OutOfRange, "model", "exponential needs some data > 0, but every value is 0")
		}
	case Gamma:
		if !d.Positive {
			return nil, input.Errorf(input.OutOfRange, "model", "gamma needs data > 0, but the smallest value is %v", d.Min)
		}
	case Categorical:
		if !d.Integer {
			return nil, input.Errorf(input.OutOfRange, "model", "categorical needs whole numbers from 0 to %d (counts, classes)", MaxCategories-1)
		}
		m.k = len(d.Counts)
		if m.k < 2 {
			m.k = 2
		}
	default:
		return nil, input.Errorf(input.UnknownFamily, "model", "is %q; it must be normal, laplace, exponential, gamma, mixture or categorical", truncate(family))
	}
	return m, nil
}

func truncate(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}

// Len returns the number of parameters.
func (m *Model) Len() int {
	switch m.Family {
	case Exponential:
		return 1
	case Normal, Laplace, Gamma:
		return 2
	case Mixture:
		return 5
	}
	return m.k
}

// Names returns the natural parameters' names, in the order of Natural.
func (m *Model) Names() []string {
	switch m.Family {
	case Normal:
		return []string{"μ", "σ"}
	case Laplace:
		return []string{"μ", "b"}
	case Exponential:
		return []string{"λ"}
	case Gamma:
		return []string{"k", "β"}
	case Mixture:
		return []string{"w", "μ₁", "σ₁", "μ₂", "σ₂"}
	}
	out := make([]string, m.k)
	for i := range out {
		out[i] = "q" + subscript(i)
	}
	return out
}

func subscript(i int) string {
	digits := []rune("₀₁₂₃₄₅₆₇₈₉")
	s := []rune{}
	for {
		s = append([]rune{digits[i%10]}, s...)
		i /= 10
		if i == 0 {
			return string(s)
		}
	}
}

// Init returns a deliberately rough starting point, so the fit has somewhere
// to travel: a location 1.5 standard deviations off, scales too narrow, a
// rate three times too small, an exponential-shaped gamma, two mixture
// components side by side near the middle, a uniform categorical.
func (m *Model) Init() []float64 {
	d := m.d
	s := d.Std()
	switch m.Family {
	case Normal, Laplace:
		return []float64{d.Mean + 1.5*s, math.Log(0.4 * s)}
	case Exponential:
		return []float64{math.Log(0.3 / d.Mean)}
	case Gamma:
		return []float64{0, math.Log(1 / d.Mean)}
	case Mixture:
		return []float64{0, d.Mean - 0.3*s, math.Log(0.5 * s), d.Mean + 0.2*s, math.Log(0.5 * s)}
	}
	return make([]float64, m.k)
}

// Natural returns the natural parameters of θ (see the family constants).
func (m *Model) Natural(th []float64) []float64 {
	switch m.Family {
	case Normal, Laplace:
		return []float64{th[0], math.Exp(th[1])}
	case Exponential:
		return []float64{math.Exp(th[0])}
	case Gamma:
		return []float64{math.Exp(th[0]), math.Exp(th[1])}
	case Mixture:
		return []float64{sigmoid(th[0]), th[1], math.Exp(th[2]), th[3], math.Exp(th[4])}
	}
	return softmax.Softmax(th)
}

// Dist returns P_θ as a core/distribution distribution.
func (m *Model) Dist(th []float64) (distribution.Dist, error) {
	v := m.Natural(th)
	switch m.Family {
	case Normal:
		return distribution.Normal{Mu: v[0], Sigma: v[1]}, nil
	case Laplace:
		return distribution.Laplace{Mu: v[0], B: v[1]}, nil
	case Exponential:
		return distribution.Exponential{Rate: v[0]}, nil
	case Gamma:
		return distribution.Gamma{Shape: v[0], Rate: v[1]}, nil
	case Mixture:
		return distribution.NewMixture([]float64{v[0], 1 - v[0]}, []distribution.Dist{distribution.Normal{Mu: v[1], Sigma: v[2]}, distribution.Normal{Mu: v[3], Sigma: v[4]}})
	}
	return distribution.Categorical{P: v}, nil
}

func sigmoid(t float64) float64 {
	if t >= 0 {
		return 1 / (1 + math.Exp(-t))
	}
	e := math.Exp(t)
	return e / (1 + e)
}

const halfLog2Pi = 0.91893853320467274178 // ½ log 2π

// LogLik returns the mean log-likelihood ℓ(θ) = (1/n) Σ log p_θ(x_i) and its
// gradient with respect to θ:
//
//	normal:      ℓ = −log σ − ½log 2π − (V + (x̄ − μ)²)/(2σ²)
//	             ∂μ = (x̄ − μ)/σ²,  ∂log σ = (V + (x̄ − μ)²)/σ² − 1
//	laplace:     ℓ = −log 2b − A(μ)/b, A(μ) = (1/n)Σ|x − μ|
//	             ∂μ = (1/b)(1/n)Σ sign(x − μ),  ∂log b = A(μ)/b − 1
//	exponential: ℓ = log λ − λx̄,  ∂log λ = 1 − λx̄
//	gamma:       ℓ = k log β − log Γ(k) + (k − 1)(1/n)Σ log x − βx̄
//	             ∂log k = k(log β − ψ(k) + (1/n)Σ log x),  ∂log β = k − βx̄
//	mixture:     ℓ = (1/n)Σ log(w N(x; μ₁, σ₁) + (1 − w) N(x; μ₂, σ₂)), with
//	             responsibilities γ = w N₁/p: ∂logit w = mean(γ − w),
//	             ∂μ₁ = mean(γ(x − μ₁))/σ₁², ∂log σ₁ = mean(γ((x − μ₁)²/σ₁² − 1)),
//	             and the same for component 2 with 1 − γ
//	categorical: ℓ = Σ_v f_v log q_v (f: the values' frequencies), ∂z = f − q
//
// V is the data's variance. For more than MixturePoints values the mixture
// sums over MixturePoints equal bins (centre, count) instead of the values.
// ℓ is −Inf where a value has zero density (never for the parameterisation
// above with data the family accepts).
func (m *Model) LogLik(th []float64) (float64, []float64) {
	d := m.d
	g := make([]float64, len(th))
	switch m.Family {
	case Normal:
		mu, sigma := th[0], math.Exp(th[1])
		s2 := sigma * sigma
		e := d.Mean - mu
		sq := d.Var + e*e
		g[0] = e / s2
		g[1] = sq/s2 - 1
		return -th[1] - halfLog2Pi - sq/(2*s2), g
	case Laplace:
		mu, b := th[0], math.Exp(th[1])
		a, sign := d.absDev(mu)
		g[0] = sign / b
		g[1] = a/b - 1
		return -math.Ln2 - th[1] - a/b, g
	case Exponential:
		lam := math.Exp(th[0])
		g[0] = 1 - lam*d.Mean
		return th[0] - lam*d.Mean, g
	case Gamma:
		k, beta := math.Exp(th[0]), math.Exp(th[1])
		lg, _ := math.Lgamma(k)
		g[0] = k * (th[1] - mathext.Digamma(k) + d.MeanLog)
		g[1] = k - beta*d.Mean
		return k*th[1] - lg + (k-1)*d.MeanLog - beta*d.Mean, g
	case Mixture:
		return m.mixture(th, g)
	}
	logQ := softmax.LogSoftmax(th) // log q from the logits: finite where q itself underflows
	ll := 0.0
	n := float64(d.N)
	for v := range g {
		f := 0.0
		if v < len(d.Counts) {
			f = d.Counts[v] / n
		}
		if f > 0 {
			ll += f * logQ[v]
		}
		g[v] = f - math.Exp(logQ[v])
	}
	return ll, g
}

func (m *Model) mixture(th, g []float64) (float64, []float64) {
	d := m.d
	w := sigmoid(th[0])
	lw1, lw2 := logSigmoid(th[0]), logSigmoid(-th[0])
	mu1, s1 := th[1], math.Exp(th[2])
	mu2, s2 := th[3], math.Exp(th[4])
	var ll, tot, gw, gm1, gs1, gm2, gs2 float64
	for i, x := range d.points {
		c := 1.0
		if d.weights != nil {
			c = d.weights[i]
			if c == 0 {
				continue
			}
		}
		z1, z2 := (x-mu1)/s1, (x-mu2)/s2
		a := lw1 - th[2] - z1*z1/2
		b := lw2 - th[4] - z2*z2/2
		lse := softmax.LogSumExp([]float64{a, b})
		gam := math.Exp(a - lse)
		ll += c * (lse - halfLog2Pi)
		tot += c
		gw += c * (gam - w)
		gm1 += c * gam * z1 / s1
		gs1 += c * gam * (z1*z1 - 1)
		gm2 += c * (1 - gam) * z2 / s2
		gs2 += c * (1 - gam) * (z2*z2 - 1)
	}
	g[0], g[1], g[2], g[3], g[4] = gw/tot, gm1/tot, gs1/tot, gm2/tot, gs2/tot
	return ll / tot, g
}

// logSigmoid returns log(1/(1 + e^−t)) without overflow.
func logSigmoid(t float64) float64 {
	if t >= 0 {
		return -math.Log1p(math.Exp(-t))
	}
	return t - math.Log1p(math.Exp(t))
}

// Ascend takes `steps` steps of natural-gradient ascent on ℓ,
//
//	θ ← θ + clip(η · F(θ)⁻¹ ∇ℓ(θ)),
//
// the gradient preconditioned by the Fisher information F of one
// observation (exactly for normal, laplace, exponential and gamma; for the
// mixture the EM-like diagonal σⱼ²/π̂ⱼ, 1/(2π̂ⱼ) and 1/(w(1 − w)) with π̂ⱼ the
// mean responsibility; for the categorical the diagonal 1/q). Steps then do
// not depend on the data's scale or the parameterisation, so one η suits
// every family; η = 1 is a Fisher-scoring (Newton-like) step, smaller η
// animates the path. clip limits each coordinate's change to 1 (for
// locations, one standard deviation of the data), so a bad start cannot
// overshoot to infinity. The Laplace log-likelihood has a kink at every data
// point: a step of μ that would cross the median, where the slope changes
// sign, stops at the median. It returns the new θ and ℓ after each step.
//
// Errors: η not in (0, 10] ("lr"), steps not in 0..MaxSteps ("steps"), θ of
// the wrong length or not finite ("theta").
func (m *Model) Ascend(th []float64, lr float64, steps int) ([]float64, []float64, error) {
	if err := m.CheckTheta(th); err != nil {
		return nil, nil, err
	}
	if err := input.Positive("lr", lr); err != nil {
		return nil, nil, err
	}
	if lr > 10 {
		return nil, nil, input.Errorf(input.OutOfRange, "lr", "is %v; it must be at most 10", lr)
	}
	if steps < 0 || steps > MaxSteps {
		return nil, nil, input.Errorf(input.OutOfRange, "steps", "is %d; it must be between 0 and %d", steps, MaxSteps)
	}
	th = append([]float64(nil), th...)
	lls := make([]float64, steps)
	loc := m.locations()
	s := m.d.Std()
	for t := range lls {
		_, g := m.LogLik(th)
		dir := m.natural(th, g)
		for i := range th {
			step := lr * dir[i]
			lim := 1.0
			if loc[i] {
				lim = s
			}
			th[i] += max(-lim, min(lim, step))
		}
		if m.Family == Laplace {
			// Stop at the kink instead of jumping over it.
			_, before := m.d.absDev(th[0] - max(-s, min(s, lr*dir[0])))
			if _, after := m.d.absDev(th[0]); before*after < 0 {
				th[0] = m.d.Median()
			}
		}
		m.clampTheta(th)
		lls[t], _ = m.LogLik(th)
	}
	return th, lls, nil
}

// natural returns F⁻¹g for the preconditioner described at Ascend.
func (m *Model) natural(th, g []float64) []float64 {
	out := make([]float64, len(g))
	switch m.Family {
	case Normal: // F = diag(1/σ², 2)
		s := math.Exp(th[1])
		out[0], out[1] = s*s*g[0], g[1]/2
	case Laplace: // F = diag(1/b², 1)
		b := math.Exp(th[1])
		out[0], out[1] = b*b*g[0], g[1]
	case Exponential: // F = 1
		out[0] = g[0]
	case Gamma: // F = [[k²ψ′(k), −k], [−k, k]] in (log k, log β)
		k := math.Exp(th[0])
		a, b, c := k*k*trigamma(k), -k, k
		det := a*c - b*b
		if det <= 0 {
			copy(out, g)
			return out
		}
		out[0] = (c*g[0] - b*g[1]) / det
		out[1] = (a*g[1] - b*g[0]) / det
	case Mixture:
		w := sigmoid(th[0])
		pi1 := w + g[0] // mean responsibility π̂₁ = w + ∂logit w
		pi1 = max(1e-3, min(1-1e-3, pi1))
		pi2 := 1 - pi1
		s1, s2 := math.Exp(th[2]), math.Exp(th[4])
		out[0] = g[0] / max(1e-3, w*(1-w))
		out[1] = s1 * s1 / pi1 * g[1]
		out[2] = g[2] / (2 * pi1)
		out[3] = s2 * s2 / pi2 * g[3]
		out[4] = g[4] / (2 * pi2)
	default: // categorical: diag(1/q), so the step is f/q − 1
		q := softmax.Softmax(th)
		for i := range g {
			f := g[i] + q[i]
			switch {
			case q[i] > 0:
				out[i] = f/q[i] - 1
			case f > 0:
				out[i] = 1e3 // clipped to 1 by Ascend
			default:
				out[i] = -1 // never seen: its logit falls steadily to the clamp
			}
		}
	}
	return out
}

// trigamma returns ψ′(x) for x > 0: the recurrence ψ′(x) = ψ′(x + 1) + 1/x²
// up to x ≥ 10, then the asymptotic series 1/x + 1/(2x²) + Σ B₂ⱼ/x^(2j+1)
// to j = 6, accurate to about 1e-15 relative.
func trigamma(x float64) float64 {
	s := 0.0
	for x < 10 {
		s += 1 / (x * x)
		x++
	}
	r := 1 / x
	r2 := r * r
	return s + r + r2/2 + r*r2*(1.0/6-r2*(1.0/30-r2*(1.0/42-r2*(1.0/30-r2*(5.0/66-r2*691.0/2730)))))
}

// MaxSteps is the most gradient steps one call takes.
const MaxSteps = 2000

func (m *Model) locations() []bool {
	loc := make([]bool, m.Len())
	switch m.Family {
	case Normal, Laplace:
		loc[0] = true
	case Mixture:
		loc[1], loc[3] = true, true
	}
	return loc
}

// clampTheta keeps log-scales and logits within ±40 of the data's scale, so
// no density degenerates to a spike or a flat line whose log-likelihood
// overflows.
func (m *Model) clampTheta(th []float64) {
	ls := math.Log(m.d.Std())
	c := func(i int, centre float64) { th[i] = max(centre-40, min(centre+40, th[i])) }
	switch m.Family {
	case Normal, Laplace:
		c(1, ls)
	case Exponential:
		c(0, -ls)
	case Gamma:
		c(0, 0)
		c(1, -ls)
	case Mixture:
		c(0, 0)
		c(2, ls)
		c(4, ls)
	default:
		for i := range th {
			c(i, 0)
		}
	}
}

// CheckTheta checks that θ has Len() finite entries.
func (m *Model) CheckTheta(th []float64) error {
	if len(th) != m.Len() {
		return input.Errorf(input.LengthMismatch, "theta", "has %d entries; a %s model has %d parameters", len(th), m.Family, m.Len())
	}
	for _, x := range th {
		if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1e150 {
			return input.Errorf(input.NotFinite, "theta", "has the entry %v; parameters must be finite", x)
		}
	}
	return nil
}

// ClosedForm returns the maximum-likelihood θ where it has a formula:
//
//	normal:      μ = x̄, σ² = (1/n)Σ(x − x̄)²  (the biased variance)
//	laplace:     μ = median, b = (1/n)Σ|x − median|
//	exponential: λ = 1/x̄
//	categorical: q_v = n_v / n
//	gamma:       no closed form: β = k/x̄ and log k − ψ(k) = log x̄ − (1/n)Σ log x,
//	             solved for k by bisection (method "numerical")
//
// method is "closed-form", "numerical" or "" (mixture: none; the likelihood
// can have several local maxima). ok is false when there is no answer: a
// mixture, or data without spread (σ or b would be 0). A categorical value
// never seen has q_v = 0, whose logit is −Inf; it is returned as −745 (e^−745
// rounds to the smallest subnormal).
func (m *Model) ClosedForm() (th []float64, method string, ok bool) {
	d := m.d
	switch m.Family {
	case Normal:
		if d.Var <= 0 {
			return nil, "closed-form", false
		}
		return []float64{d.Mean, 0.5 * math.Log(d.Var)}, "closed-form", true
	case Laplace:
		med := d.Median()
		a, _ := d.absDev(med)
		if a <= 0 {
			return nil, "closed-form", false
		}
		return []float64{med, math.Log(a)}, "closed-form", true
	case Exponential:
		return []float64{-math.Log(d.Mean)}, "closed-form", true
	case Gamma:
		c := math.Log(d.Mean) - d.MeanLog // ≥ 0 by Jensen; 0 iff no spread
		if !(c > 1e-12) {
			return nil, "numerical", false
		}
		// f(k) = log k − ψ(k) decreases from +∞ to 0: bisect on log k.
		lo, hi := -30.0, 40.0
		for range 200 {
			mid := (lo + hi) / 2
			k := math.Exp(mid)
			if math.Log(k)-mathext.Digamma(k) > c {
				lo = mid
			} else {
				hi = mid
			}
		}
		k := math.Exp((lo + hi) / 2)
		return []float64{math.Log(k), math.Log(k / d.Mean)}, "numerical", true
	case Categorical:
		th = make([]float64, m.k)
		for v := range th {
			th[v] = -745
			if v < len(d.Counts) && d.Counts[v] > 0 {
				th[v] = math.Log(d.Counts[v] / float64(d.N))
			}
		}
		return th, "closed-form", true
	}
	return nil, "", false
}
