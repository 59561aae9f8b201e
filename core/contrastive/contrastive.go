// Package contrastive estimates the mutual information of a correlated
// Gaussian pair with two variational lower bounds, the way self-supervised
// learning does: a critic f(x, y) scores pairs, and training it on batches
// of K pairs pushes a lower bound on I(X;Y) up towards the truth.
//
// The pair is standard bivariate normal with correlation ρ:
//
//	X = Z₁,  Y = ρ Z₁ + √(1 − ρ²) Z₂,  Z₁, Z₂ ~ N(0, 1) independent,
//	I(X;Y) = −½ log(1 − ρ²)  (nats).
//
// The critic is the quadratic family
//
//	f(x, y) = A·x·y + B·x² + C·y² + D,
//
// which holds the optimum of both bounds: log p(x,y)/(p(x)p(y)) is quadratic
// (see Optimal).
//
// InfoNCE (van den Oord et al. 2018; Poole et al. 2019) on a batch
// (x₁, y₁) … (x_K, y_K) of pairs drawn from p(x, y):
//
//	Î_NCE = (1/K) Σ_i log( e^{f(xᵢ,yᵢ)} / ((1/K) Σ_j e^{f(xᵢ,yⱼ)}) ),
//
// whose expectation is ≤ I(X;Y) for every critic, and which is ≤ log K on
// every batch: each term is log K minus the log of a sum that holds its own
// numerator. NWJ (Nguyen, Wainwright and Jordan 2010; the f-GAN KL bound,
// MINE-f):
//
//	I(X;Y) ≥ E_p[f] − e^{−1} E_{p(x)p(y)}[e^f],
//
// estimated without bias on a batch from the K matched pairs and the
// K(K − 1) mismatched pairs (xᵢ, yⱼ), i ≠ j, which are draws from p(x)p(y).
// It is not capped, but its variance grows like e^{I}.
package contrastive

import (
	"math"
	"math/rand/v2"

	"github.com/klplayground/klplay/core/input"
)

// MaxBatch is the largest batch the package accepts: a bound costs K² critic
// evaluations.
const MaxBatch = 4096

// Critic is the quadratic critic f(x, y) = A·x·y + B·x² + C·y² + D. It also
// serves as the gradient of a bound with respect to (A, B, C, D).
type Critic struct{ A, B, C, D float64 }

// At is f(x, y) = A·x·y + B·x² + C·y² + D.
func (c Critic) At(x, y float64) float64 { return c.A*x*y + c.B*x*x + c.C*y*y + c.D }

func (c Critic) add(s float64, g Critic) Critic {
	return Critic{c.A + s*g.A, c.B + s*g.B, c.C + s*g.C, c.D + s*g.D}
}

// norm is √(A² + B² + C² + D²), scaled by the largest |coefficient| where the
// squares would overflow (any coefficient of 1e154 or more), so that it is
// finite for every finite critic short of 2⁻¹ of the largest float64; NaN
// if a coefficient is NaN, +Inf if one is infinite.
func (c Critic) norm() float64 {
	if s := c.A*c.A + c.B*c.B + c.C*c.C + c.D*c.D; !math.IsInf(s, 1) {
		return math.Sqrt(s)
	}
	m := max(math.Abs(c.A), math.Abs(c.B), math.Abs(c.C), math.Abs(c.D))
	if math.IsInf(m, 1) || math.IsNaN(m) {
		return m
	}
	a, b, cc, d := c.A/m, c.B/m, c.C/m, c.D/m
	return m * math.Sqrt(a*a+b*b+cc*cc+d*d)
}

// nonFinite returns the first coefficient that is NaN or infinite, if any.
func (c Critic) nonFinite() (float64, bool) {
	for _, v := range [...]float64{c.A, c.B, c.C, c.D} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return v, true
		}
	}
	return 0, false
}

// finite reports whether all four coefficients are finite.
func (c Critic) finite() bool {
	_, bad := c.nonFinite()
	return !bad
}

// TrueMI is I(X;Y) = −½ log(1 − ρ²) in nats of the standard bivariate normal
// with correlation ρ, computed as −½ log1p(−ρ²) so that it keeps its digits
// for small ρ (I ≈ ρ²/2). It is 0 at ρ = 0 and +Inf at |ρ| = 1 (Y is then a
// function of X).
//
// Errors: input.OutOfRange naming "rho" outside [−1, 1]; NotFinite for NaN.
func TrueMI(rho float64) (float64, error) {
	if err := input.InRange("rho", rho, -1, 1); err != nil {
		return 0, err
	}
	return -0.5 * math.Log1p(-rho*rho), nil
}

// Optimal is the critic log p(x,y)/(p(x)p(y)) = log p(y|x)/p(y) for
// correlation ρ, with r = 1 − ρ²:
//
//	A = ρ/r,  B = C = −ρ²/(2r),  D = −½ log r = I(X;Y).
//
// It maximises InfoNCE (as does f + g(x) for any g; InfoNCE cannot see B nor
// D, which cancel between numerator and denominator), and Optimal + 1 (D
// raised by one) maximises NWJ, where the bound then equals I(X;Y) exactly.
// At ρ = 0 it is the zero critic; as |ρ| → 1, A and −B grow like 1/(1 − ρ²).
//
// Errors: input.OutOfRange naming "rho" unless |ρ| < 1; NotFinite for NaN.
func Optimal(rho float64) (Critic, error) {
	if err := input.InRange("rho", rho, -1, 1); err != nil {
		return Critic{}, err
	}
	if rho == 1 || rho == -1 {
		return Critic{}, input.Errorf(input.OutOfRange, "rho", "is %v; the optimal critic needs |rho| < 1 (it is infinite at ±1)", rho)
	}
	r := 1 - rho*rho
	return Critic{A: rho / r, B: -rho * rho / (2 * r), C: -rho * rho / (2 * r), D: -0.5 * math.Log1p(-rho*rho)}, nil
}

// Batch is K pairs (X[i], Y[i]) drawn from the bivariate normal.
type Batch struct{ X, Y []float64 }

// NewBatch draws K pairs with correlation ρ from the PCG stream (seed, index):
// X = Z₁, Y = ρ Z₁ + √(1 − ρ²) Z₂. The same (ρ, K, seed, index) gives the
// same batch, and a larger K extends a smaller one's pairs.
//
// Errors: input.OutOfRange naming "rho" outside [−1, 1] or "batch" outside
// [1, MaxBatch]; NotFinite for NaN.
func NewBatch(rho float64, k int, seed, index uint64) (Batch, error) {
	if err := checkBatch(rho, k); err != nil {
		return Batch{}, err
	}
	rng := rand.New(rand.NewPCG(seed, index))
	s := math.Sqrt((1 - rho) * (1 + rho))
	b := Batch{X: make([]float64, k), Y: make([]float64, k)}
	for i := range k {
		z1, z2 := rng.NormFloat64(), rng.NormFloat64()
		b.X[i], b.Y[i] = z1, rho*z1+s*z2
	}
	return b, nil
}

func checkBatch(rho float64, k int) error {
	if err := input.InRange("rho", rho, -1, 1); err != nil {
		return err
	}
	if k < 1 || k > MaxBatch {
		return input.Errorf(input.OutOfRange, "batch", "is %d; it must be between 1 and %d", k, MaxBatch)
	}
	return nil
}

// InfoNCE is the bound on one batch and its gradient in (A, B, C, D):
//
//	Î = log K + (1/K) Σ_i tᵢ,  tᵢ = f(xᵢ,yᵢ) − log Σ_j e^{f(xᵢ,yⱼ)},
//	∂Î/∂θ = (1/K) Σ_i ( φ(xᵢ,yᵢ) − Σ_j wᵢⱼ φ(xᵢ,yⱼ) ),  wᵢⱼ = softmax_j f(xᵢ,yⱼ),
//
// with φ(x, y) = (xy, x², y², 1). B and D cancel in tᵢ, so their gradient
// is 0. Each tᵢ is computed from the differences dᵢⱼ = f(xᵢ,yⱼ) − f(xᵢ,yᵢ)
// as −log1p(Σ_{j≠i} e^{dᵢⱼ}) when every dᵢⱼ ≤ 0, else as −(m + log Σ_j
// e^{dᵢⱼ − m}) with m = maxⱼ dᵢⱼ > 0: no exponential overflows, and both
// forms are ≤ 0 in floating point, so Î ≤ log K holds exactly on every
// batch. K = 1 gives Î = 0 = log 1 for every critic (gradient 0): a batch of
// one pair has nothing to contrast.
//
// Errors: input.Empty for an empty batch, LengthMismatch for X and Y of
// different lengths, NotFinite for a non-finite critic or pair.
func InfoNCE(c Critic, b Batch) (float64, Critic, error) {
	if err := checkUse(c, b); err != nil {
		return 0, Critic{}, err
	}
	k := len(b.X)
	d := make([]float64, k)
	var sum float64
	var g Critic
	for i, x := range b.X {
		fii := c.At(x, b.Y[i])
		m := math.Inf(-1)
		for j, y := range b.Y {
			d[j] = c.At(x, y) - fii
			if j != i {
				m = math.Max(m, d[j])
			}
		}
		// e^{dᵢⱼ − s} in d, with the shift s = max(m, 0).
		s := math.Max(m, 0)
		var rest float64
		for j := range d {
			if j != i {
				d[j] = math.Exp(d[j] - s)
				rest += d[j]
			}
		}
		d[i] = math.Exp(-s)
		z := d[i] + rest
		if s == 0 {
			sum -= math.Log1p(rest)
		} else {
			sum -= s + math.Log(z) // z ≥ 1: the largest term is e⁰
		}
		// φ(xᵢ,yᵢ) − Σ_j wᵢⱼ φ(xᵢ,yⱼ), wᵢⱼ = e^{dᵢⱼ − s}/z.
		yi := b.Y[i]
		for j, y := range b.Y {
			w := d[j] / z
			g.A -= w * x * y
			g.C -= w * y * y
		}
		g.A += x * yi
		g.C += yi * yi
	}
	kf := float64(k)
	return math.Log(kf) + sum/kf, Critic{A: g.A / kf, C: g.C / kf}, nil
}

// NWJ is the bound on one batch and its gradient in (A, B, C, D):
//
//	Î = (1/K) Σ_i f(xᵢ,yᵢ) − e^{−1} (1/(K(K−1))) Σ_{i≠j} e^{f(xᵢ,yⱼ)},
//	∂Î/∂θ = (1/K) Σ_i φ(xᵢ,yᵢ) − e^{−1} (1/(K(K−1))) Σ_{i≠j} e^{f(xᵢ,yⱼ)} φ(xᵢ,yⱼ),
//
// with φ(x, y) = (xy, x², y², 1). Its expectation over batches is Expected-
// NWJ(c, ρ) exactly, for every K ≥ 2: the matched pairs are draws from
// p(x, y) and the mismatched ones from p(x)p(y). The sum of exponentials is
// taken as e^{M−1} Σ e^{fᵢⱼ−M} with M the largest fᵢⱼ, so it overflows only
// when the answer itself does (Î = −Inf once M exceeds about 710).
//
// Errors: input.OutOfRange naming "batch" for K = 1 (no mismatched pair),
// besides InfoNCE's.
func NWJ(c Critic, b Batch) (float64, Critic, error) {
	if err := checkUse(c, b); err != nil {
		return 0, Critic{}, err
	}
	k := len(b.X)
	if k < 2 {
		return 0, Critic{}, input.Errorf(input.OutOfRange, "batch", "has 1 pair; NWJ needs at least 2 (the mismatched pairs estimate p(x)p(y))")
	}
	var pos Critic   // Σ_i φ(xᵢ,yᵢ), the features of the matched pairs (D's slot counts them)
	var mean float64 // Σ_i f(xᵢ,yᵢ), divided by K below
	big := math.Inf(-1)
	for i, x := range b.X {
		y := b.Y[i]
		mean += c.At(x, y)
		pos = pos.add(1, Critic{x * y, x * x, y * y, 1})
		for j, y := range b.Y {
			if j != i {
				big = math.Max(big, c.At(x, y))
			}
		}
	}
	var z float64
	var neg Critic
	for i, x := range b.X {
		for j, y := range b.Y {
			if j == i {
				continue
			}
			w := math.Exp(c.At(x, y) - big)
			z += w
			neg = neg.add(w, Critic{x * y, x * x, y * y, 1})
		}
	}
	kf, pairs := float64(k), float64(k*(k-1))
	scale := math.Exp(big-1) / pairs
	value := mean/kf - scale*z
	grad := pos.add(-kf*scale, neg)
	return value, Critic{grad.A / kf, grad.B / kf, grad.C / kf, grad.D / kf}, nil
}

func checkUse(c Critic, b Batch) error {
	if len(b.X) == 0 {
		return input.Errorf(input.Empty, "batch", "is empty; it needs at least one pair")
	}
	if len(b.X) != len(b.Y) {
		return input.Errorf(input.LengthMismatch, "batch", "has %d x values and %d y values", len(b.X), len(b.Y))
	}
	if len(b.X) > MaxBatch {
		return input.Errorf(input.OutOfRange, "batch", "has %d pairs; at most %d are accepted", len(b.X), MaxBatch)
	}
	if v, bad := c.nonFinite(); bad {
		return input.Errorf(input.NotFinite, "critic", "has a coefficient %v; all four must be finite", v)
	}
	for i := range b.X {
		if math.IsNaN(b.X[i]) || math.IsInf(b.X[i], 0) || math.IsNaN(b.Y[i]) || math.IsInf(b.Y[i], 0) {
			return input.Errorf(input.NotFinite, "batch", "pair %d is (%v, %v); pairs must be finite", i, b.X[i], b.Y[i])
		}
	}
	return nil
}

// ExpectedNWJ is the NWJ bound of critic c in expectation, in closed form:
//
//	E_p[f] − e^{−1} E_{p(x)p(y)}[e^f] = Aρ + B + C + D − e^{D−1} / √Δ,
//	Δ = (1 − 2B)(1 − 2C) − A²,
//
// since E_p[xy] = ρ, E[x²] = E[y²] = 1, and for independent standard normals
// E[e^{Axy + Bx² + Cy²}] = ∫∫ e^{−½ zᵀMz}/(2π) dz = 1/√det M with
// M = [[1 − 2B, −A], [−A, 1 − 2C]], when M is positive definite
// (1 − 2B > 0 and Δ > 0). Otherwise the integral diverges and the answer is
// −Inf. At Optimal(ρ) + 1 it is I(X;Y).
//
// Errors: input.OutOfRange naming "rho" outside [−1, 1]; NotFinite for NaN
// or a non-finite critic.
func ExpectedNWJ(c Critic, rho float64) (float64, error) {
	if err := input.InRange("rho", rho, -1, 1); err != nil {
		return 0, err
	}
	if !c.finite() {
		return 0, input.Errorf(input.NotFinite, "critic", "has a coefficient that is not finite")
	}
	a, b := 1-2*c.B, 1-2*c.C
	mean := c.A*rho + c.B + c.C + c.D
	if ab, aa := a*b, c.A*c.A; !math.IsInf(ab, 0) && !math.IsInf(aa, 0) {
		delta := ab - aa
		if a <= 0 || delta <= 0 {
			return math.Inf(-1), nil
		}
		return mean - math.Exp(c.D-1)/math.Sqrt(delta), nil
	}
	// Coefficients of 1e154 or more: Δ = ab(1 − r²) with r = A/√(ab), in logs.
	if a <= 0 || b <= 0 {
		return math.Inf(-1), nil
	}
	r := c.A / (math.Sqrt(a) * math.Sqrt(b))
	if !(math.Abs(r) < 1) {
		return math.Inf(-1), nil
	}
	t := math.Exp(c.D - 1 - 0.5*(math.Log(a)+math.Log(b)+math.Log1p(-r*r)))
	if math.IsInf(t, 1) {
		// e^{D−1}/√Δ beyond the largest float64; A·ρ + B + C ≤ 0 when M is positive definite, so the bound is below −10³⁰⁸.
		return math.Inf(-1), nil
	}
	return mean - t, nil
}
