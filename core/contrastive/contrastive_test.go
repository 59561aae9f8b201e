package contrastive

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/klplayground/klplay/core/input"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

func code(err error) input.Code {
	var e *input.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func TestTrueMI(t *testing.T) {
	cases := []struct{ rho, want float64 }{
		{0, 0},
		{0.6, math.Log(1.25)},       // 1 − 0.36 = 0.64 = 0.8²
		{-0.6, math.Log(1.25)},      // symmetric in ρ
		{math.Sqrt(0.75), math.Ln2}, // 1 − ρ² = 1/4
		{1e-9, 0.5e-18},             // ρ²/2 for small ρ, kept by log1p
		{1, math.Inf(1)}, {-1, math.Inf(1)},
	}
	for _, c := range cases {
		got, err := TrueMI(c.rho)
		if err != nil || !(got == c.want || near(got, c.want, 1e-15) || (c.want != 0 && math.Abs(got/c.want-1) < 1e-9)) {
			t.Errorf("TrueMI(%v) = %v, %v; want %v", c.rho, got, err, c.want)
		}
	}
	for _, rho := range []float64{1.5, -2, math.NaN(), math.Inf(1)} {
		if _, err := TrueMI(rho); err == nil {
			t.Errorf("TrueMI(%v): no error", rho)
		}
	}
}

// The optimal critic against log p(x,y) − log p(x) − log p(y) written from the
// bivariate normal density itself.
func TestOptimalIsTheLogDensityRatio(t *testing.T) {
	for _, rho := range []float64{0, 0.3, -0.7, 0.9, 0.99} {
		c, err := Optimal(rho)
		if err != nil {
			t.Fatal(err)
		}
		r := 1 - rho*rho
		for _, p := range [][2]float64{{0, 0}, {1, 1}, {-1.5, 0.4}, {2.2, -3}, {0.1, 2}} {
			x, y := p[0], p[1]
			joint := -math.Log(2*math.Pi*math.Sqrt(r)) - (x*x-2*rho*x*y+y*y)/(2*r)
			marg := -math.Log(2*math.Pi) - (x*x+y*y)/2
			if got, want := c.At(x, y), joint-marg; !near(got, want, 1e-12) {
				t.Errorf("ρ %v at (%v, %v): f* %v, log ratio %v", rho, x, y, got, want)
			}
		}
		if mi, _ := TrueMI(rho); !near(c.D, mi, 1e-15) {
			t.Errorf("ρ %v: D %v, I %v", rho, c.D, mi)
		}
	}
	if c, _ := Optimal(0); c != (Critic{}) {
		t.Errorf("ρ = 0: %+v, want the zero critic", c)
	}
	for _, rho := range []float64{1, -1, 1.1, math.NaN()} {
		if _, err := Optimal(rho); err == nil {
			t.Errorf("Optimal(%v): no error", rho)
		}
	}
}

// ExpectedNWJ's Gaussian integral against a quadrature of E_{p(x)p(y)}[e^f]
// on a grid, and the bound's value at the NWJ optimum.
func TestExpectedNWJ(t *testing.T) {
	for _, rho := range []float64{0, 0.5, -0.8, 0.95} {
		c, _ := Optimal(rho)
		c.D++
		mi, _ := TrueMI(rho)
		if got, _ := ExpectedNWJ(c, rho); !near(got, mi, 1e-12) {
			t.Errorf("ρ %v: NWJ at its optimum %v, I %v", rho, got, mi)
		}
		// The optimum is a maximum: every nudge lowers the bound.
		for i := range 4 {
			var d Critic
			*[]*float64{&d.A, &d.B, &d.C, &d.D}[i] = 1e-3
			for _, s := range []float64{1, -1} {
				if v, _ := ExpectedNWJ(c.add(s, d), rho); v >= mi {
					t.Errorf("ρ %v: nudge %d·%v raised NWJ to %v ≥ %v", rho, i, s, v, mi)
				}
			}
		}
	}
	// Quadrature: E_p[f] and E_q[e^f] by the midpoint rule on [−12, 12]².
	c, rho := Critic{A: 0.4, B: -0.3, C: 0.2, D: 0.1}, 0.6
	const n, lo, hi = 1200, -12.0, 12.0
	h := (hi - lo) / n
	var ep, eq float64
	r := 1 - rho*rho
	for i := range n {
		x := lo + (float64(i)+0.5)*h
		for j := range n {
			y := lo + (float64(j)+0.5)*h
			pxy := math.Exp(-(x*x-2*rho*x*y+y*y)/(2*r)) / (2 * math.Pi * math.Sqrt(r))
			q := math.Exp(-(x*x+y*y)/2) / (2 * math.Pi)
			ep += pxy * c.At(x, y) * h * h
			eq += q * math.Exp(c.At(x, y)) * h * h
		}
	}
	if got, want := mustNWJ(t, c, rho), ep-eq/math.E; !near(got, want, 1e-9) {
		t.Errorf("closed form %v, quadrature %v", got, want)
	}
	if got := mustNWJ(t, Critic{}, 0.3); !near(got, -1/math.E, 1e-15) {
		t.Errorf("zero critic: %v, want −1/e", got)
	}
	// 1 − 2B ≤ 0 or Δ ≤ 0: E_q[e^f] diverges.
	for _, c := range []Critic{{B: 0.5}, {A: 1.01}, {A: 0.9, B: 0.2, C: 0.2}} {
		if got := mustNWJ(t, c, 0.5); !math.IsInf(got, -1) {
			t.Errorf("%+v: %v, want −Inf", c, got)
		}
	}
	if _, err := ExpectedNWJ(Critic{A: math.NaN()}, 0.5); code(err) != input.NotFinite {
		t.Errorf("NaN critic: %v", err)
	}
}

func mustNWJ(t *testing.T, c Critic, rho float64) float64 {
	t.Helper()
	v, err := ExpectedNWJ(c, rho)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The NWJ bound is a lower bound for every critic: ExpectedNWJ ≤ I(X;Y).
func TestExpectedNWJIsALowerBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for range 2000 {
		rho := 2*rng.Float64() - 1
		c := Critic{4 * rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64(), 2 * rng.NormFloat64()}
		mi, _ := TrueMI(rho)
		if v := mustNWJ(t, c, rho); v > mi+1e-12*(1+math.Abs(mi)) {
			t.Fatalf("ρ %v, %+v: NWJ %v > I %v", rho, c, v, mi)
		}
	}
}

// Unbiased at a fixed critic: the mean over many batches meets the closed
// form within four standard errors, for K = 2 (two mismatched pairs) and 7.
func TestNWJBatchIsUnbiased(t *testing.T) {
	c, rho := Critic{A: 0.5, B: -0.1, C: -0.2, D: 0.3}, 0.6
	want := mustNWJ(t, c, rho)
	for _, k := range []int{2, 7} {
		const n = 20000
		var sum, sq float64
		for i := range n {
			b, err := NewBatch(rho, k, 3, uint64(i))
			if err != nil {
				t.Fatal(err)
			}
			v, _, err := NWJ(c, b)
			if err != nil {
				t.Fatal(err)
			}
			sum += v
			sq += v * v
		}
		mean := sum / n
		se := math.Sqrt((sq/n - mean*mean) / n)
		if math.Abs(mean-want) > 4*se {
			t.Errorf("K %d: Monte Carlo mean %v ± %v, closed form %v", k, mean, se, want)
		}
	}
}

// NewBatch: the sample moments of a large batch, and determinism.
func TestNewBatch(t *testing.T) {
	var sx, sy, sxy, sxx, syy, n float64
	for index := range uint64(25) {
		b, err := NewBatch(0.7, MaxBatch, 11, index)
		if err != nil {
			t.Fatal(err)
		}
		for i := range b.X {
			sx, sy, sxy, sxx, syy = sx+b.X[i], sy+b.Y[i], sxy+b.X[i]*b.Y[i], sxx+b.X[i]*b.X[i], syy+b.Y[i]*b.Y[i]
		}
		n += float64(len(b.X))
	}
	// n = 102400: standard errors are about 1/√n ≈ 0.003; five of them.
	if math.Abs(sx/n) > 0.016 || math.Abs(sy/n) > 0.016 || math.Abs(sxx/n-1) > 0.025 || math.Abs(syy/n-1) > 0.025 || math.Abs(sxy/n-0.7) > 0.02 {
		t.Errorf("moments: mean %v %v, E x² %v, E y² %v, E xy %v", sx/n, sy/n, sxx/n, syy/n, sxy/n)
	}
	b, _ := NewBatch(0.7, MaxBatch, 11, 1)
	small, _ := NewBatch(0.7, 5, 11, 1)
	for i := range small.X {
		if small.X[i] != b.X[i] || small.Y[i] != b.Y[i] {
			t.Fatalf("pair %d differs between K = 5 and K = %d", i, len(b.X))
		}
	}
	if one, _ := NewBatch(1, 3, 1, 1); one.X[0] != one.Y[0] {
		t.Errorf("ρ = 1: y %v ≠ x %v", one.Y[0], one.X[0])
	}
	for _, c := range []struct {
		rho  float64
		k    int
		code input.Code
		arg  string
	}{{0.5, 0, input.OutOfRange, "batch"}, {0.5, MaxBatch + 1, input.OutOfRange, "batch"}, {1.2, 3, input.OutOfRange, "rho"}, {math.NaN(), 3, input.NotFinite, "rho"}} {
		_, err := NewBatch(c.rho, c.k, 1, 1)
		var e *input.Error
		if !errors.As(err, &e) || e.Code != c.code || e.Arg != c.arg {
			t.Errorf("NewBatch(%v, %d): %v", c.rho, c.k, err)
		}
	}
}

// naiveNCE is InfoNCE written straight from its formula (no shifts).
func naiveNCE(c Critic, b Batch) float64 {
	k := float64(len(b.X))
	var s float64
	for i, x := range b.X {
		var z float64
		for _, y := range b.Y {
			z += math.Exp(c.At(x, y))
		}
		s += math.Log(math.Exp(c.At(x, b.Y[i])) / (z / k))
	}
	return s / k
}

func TestInfoNCEAgainstTheFormula(t *testing.T) {
	b, _ := NewBatch(0.8, 9, 5, 2)
	for _, c := range []Critic{{}, {A: 1.3, B: -0.4, C: -0.6, D: 2}, {A: -2, C: 0.5}} {
		got, _, err := InfoNCE(c, b)
		if want := naiveNCE(c, b); err != nil || !near(got, want, 1e-13) {
			t.Errorf("%+v: %v, formula %v (%v)", c, got, want, err)
		}
	}
	if v, _, _ := InfoNCE(Critic{}, b); v != 0 {
		t.Errorf("the zero critic gives %v, want 0 (every pair scores alike)", v)
	}
}

// InfoNCE ≤ log K on every batch, for every critic, even where the naive
// formula overflows; K = 1 gives exactly 0.
func TestInfoNCECappedAtLogK(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	scales := []float64{0.1, 1, 10, 1000}
	for trial := range 3000 {
		rho := []float64{0, 0.5, -0.9, 0.99, 0.999999}[trial%5]
		k := 1 + rng.IntN(40)
		s := scales[trial%len(scales)]
		c := Critic{s * rng.NormFloat64(), s * rng.NormFloat64(), s * rng.NormFloat64(), s * rng.NormFloat64()}
		if trial%7 == 0 {
			c = Optimal999(rho)
		}
		b, err := NewBatch(rho, k, uint64(trial), 0)
		if err != nil {
			t.Fatal(err)
		}
		v, g, err := InfoNCE(c, b)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v > math.Log(float64(k)) {
			t.Fatalf("ρ %v K %d %+v: %v (%v) > log K %v", rho, k, c, v, err, math.Log(float64(k)))
		}
		if !g.finite() || g.B != 0 || g.D != 0 {
			t.Fatalf("ρ %v K %d %+v: gradient %+v", rho, k, c, g)
		}
		if k == 1 && (v != 0 || g != (Critic{})) {
			t.Fatalf("K = 1: %v, %+v; want 0 and no gradient", v, g)
		}
	}
}

// Optimal999 is the optimal critic, clamping |ρ| to 0.999999 where it is infinite.
func Optimal999(rho float64) Critic {
	c, _ := Optimal(math.Max(-0.999999, math.Min(0.999999, rho)))
	return c
}

// Overflow: with A = 800 the naive formula is NaN; the shifted one is finite
// and agrees with log K + mean of −log Σ_j e^{dᵢⱼ} evaluated by hand for K = 2.
func TestInfoNCEOverflow(t *testing.T) {
	b := Batch{X: []float64{1, -1}, Y: []float64{1, 2}}
	c := Critic{A: 800}
	if n := naiveNCE(c, b); !math.IsNaN(n) {
		t.Fatalf("the naive formula gave %v; the test needs it to overflow", n)
	}
	// d₁₂ = 800·1·(2 − 1) = 800, d₂₁ = 800·(−1)·(1 − 2) = 800: each term −log(1 + e^{800}) = −800 − log1p(e^{−800}).
	got, _, err := InfoNCE(c, b)
	if want := math.Ln2 - 800; err != nil || !near(got, want, 1e-15) {
		t.Errorf("%v (%v), want %v", got, err, want)
	}
}

// Gradients against central differences of the value.
func TestGradients(t *testing.T) {
	b, _ := NewBatch(0.7, 6, 9, 4)
	crit := []Critic{{}, {A: 0.8, B: -0.3, C: -0.4, D: 0.5}, {A: -1.5, B: 0.2, C: 0.1, D: -1}}
	for _, bound := range []struct {
		name string
		f    func(Critic, Batch) (float64, Critic, error)
	}{{"InfoNCE", InfoNCE}, {"NWJ", NWJ}} {
		for _, c := range crit {
			_, g, err := bound.f(c, b)
			if err != nil {
				t.Fatal(err)
			}
			gs := [4]float64{g.A, g.B, g.C, g.D}
			for i := range 4 {
				const h = 1e-6
				var d Critic
				*[]*float64{&d.A, &d.B, &d.C, &d.D}[i] = h
				up, _, _ := bound.f(c.add(1, d), b)
				down, _, _ := bound.f(c.add(-1, d), b)
				if fd := (up - down) / (2 * h); math.Abs(fd-gs[i]) > 1e-7*math.Max(1, math.Abs(fd)) {
					t.Errorf("%s %+v: ∂/∂θ%d = %v, differences %v", bound.name, c, i, gs[i], fd)
				}
			}
		}
	}
}

func TestErrors(t *testing.T) {
	b, _ := NewBatch(0.5, 3, 1, 1)
	cases := []struct {
		name string
		c    Critic
		b    Batch
		code input.Code
	}{
		{"empty", Critic{}, Batch{}, input.Empty},
		{"ragged", Critic{}, Batch{X: []float64{1, 2}, Y: []float64{1}}, input.LengthMismatch},
		{"NaN pair", Critic{}, Batch{X: []float64{1, math.NaN()}, Y: []float64{1, 2}}, input.NotFinite},
		{"Inf critic", Critic{C: math.Inf(1)}, b, input.NotFinite},
	}
	for _, c := range cases {
		if _, _, err := InfoNCE(c.c, c.b); code(err) != c.code {
			t.Errorf("InfoNCE %s: %v", c.name, err)
		}
		if _, _, err := NWJ(c.c, c.b); code(err) != c.code {
			t.Errorf("NWJ %s: %v", c.name, err)
		}
	}
	one, _ := NewBatch(0.5, 1, 1, 1)
	if _, _, err := NWJ(Critic{}, one); code(err) != input.OutOfRange {
		t.Errorf("NWJ with K = 1: %v", err)
	}
	for _, c := range []struct {
		rho float64
		k   int
	}{{1, 4}, {0.5, 1}, {0.5, MaxBatch + 1}, {math.NaN(), 4}} {
		if _, err := NewRun(c.rho, c.k, 1); err == nil {
			t.Errorf("NewRun(%v, %d): no error", c.rho, c.k)
		}
	}
	r, _ := NewRun(0.5, 4, 1)
	if err := r.Advance(-1); code(err) != input.OutOfRange {
		t.Errorf("Advance(−1): %v", err)
	}
}

func FuzzBounds(f *testing.F) {
	f.Add(0.9, 8, uint64(1), 4.7, -2.1, -2.1, 0.8)
	f.Add(0.0, 1, uint64(2), 0.0, 0.0, 0.0, 0.0)
	f.Add(-0.999, 3, uint64(3), 1e3, -1e3, 5e2, 1e300)
	f.Add(0.5, 4, uint64(4), 1e200, -1e200, -1e200, 0.0)
	f.Add(0.5, 4, uint64(5), 0.0, -1e200, -1e200, 1e200)
	f.Fuzz(func(t *testing.T, rho float64, k int, seed uint64, a, b, c, d float64) {
		k = k % 64
		batch, err := NewBatch(rho, k, seed, 0)
		if err != nil {
			return
		}
		cr := Critic{a, b, c, d}
		v, _, err := InfoNCE(cr, batch)
		if err == nil && (math.IsNaN(v) || v > math.Log(float64(k))) {
			t.Fatalf("InfoNCE %v > log %d", v, k)
		}
		_, _, _ = NWJ(cr, batch)
		if e, err := ExpectedNWJ(cr, rho); err == nil {
			if math.IsNaN(e) {
				t.Fatalf("ExpectedNWJ(%+v, %v) is NaN", cr, rho)
			}
			if mi, _ := TrueMI(rho); e > mi+1e-9*(1+math.Abs(mi)+math.Abs(a)+math.Abs(b)+math.Abs(c)+math.Abs(d)) {
				t.Fatalf("ExpectedNWJ %v > I %v", e, mi)
			}
		}
	})
}

// A critic with coefficients of 1e154 and more is finite: its squares
// overflow, its norm and its bound do not.
func TestHugeFiniteCritic(t *testing.T) {
	huge := Critic{A: 3e200, B: -4e200}
	if n := huge.norm(); !near(n, 5e200, 2e-16) {
		t.Errorf("norm of (3e200, −4e200, 0, 0) = %v, want 5e200 to an ulp", n)
	}
	if v, err := ExpectedNWJ(huge, 0.5); err != nil || !math.IsInf(v, -1) {
		t.Errorf("ExpectedNWJ(huge critic) = %v, %v; want −Inf (e^f is not integrable), no error", v, err)
	}
	// M = [[1 + 2e200, −1e200], [−1e200, 1 + 2e200]] is positive definite: the bound is
	// Aρ + B + C + D less a term of e^{−1}/√Δ ≈ 2e−201, so (ρ − 2)·1e200.
	for _, rho := range []float64{0.5, -0.3} {
		if v, err := ExpectedNWJ(Critic{A: 1e200, B: -1e200, C: -1e200}, rho); err != nil || !near(v, (rho-2)*1e200, 1e-15) {
			t.Errorf("ρ %v: ExpectedNWJ of (1e200, −1e200, −1e200, 0) = %v, %v; want %v", rho, v, err, (rho-2)*1e200)
		}
	}
	// e^{D−1} for D = 1e200 outweighs everything: −Inf, not ∞/∞.
	if v, err := ExpectedNWJ(Critic{B: -1e200, C: -1e200, D: 1e200}, 0.5); err != nil || !math.IsInf(v, -1) {
		t.Errorf("ExpectedNWJ of (0, −1e200, −1e200, 1e200) = %v, %v; want −Inf", v, err)
	}
	if _, err := ExpectedNWJ(Critic{A: math.Inf(1)}, 0.5); err == nil {
		t.Error("ExpectedNWJ of an infinite coefficient: no error")
	}
	// A huge gradient is clipped to MaxGrad, not dropped; an infinite one is no step.
	c := Critic{A: 0.1}
	if got, want := ascend(c, Critic{A: 1e300}), c.A+Rate*MaxGrad; !near(got.A, want, 1e-15) || got.B != 0 || got.C != 0 || got.D != 0 {
		t.Errorf("ascend with a gradient of 1e300: %+v, want A = %v", got, want)
	}
	if got := ascend(c, Critic{A: math.Inf(1)}); got != c {
		t.Errorf("ascend with an infinite gradient moved the critic to %+v", got)
	}
	for _, k := range []Critic{{A: 1, B: 2, C: 2, D: 4}, {A: 1e-170, B: 1e-170}, {}} {
		if got, want := k.norm(), math.Sqrt(k.A*k.A+k.B*k.B+k.C*k.C+k.D*k.D); got != want {
			t.Errorf("norm(%+v) = %v, want %v (the plain formula where nothing overflows)", k, got, want)
		}
	}
}
