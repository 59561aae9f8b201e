package policy

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !(math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))) {
		t.Errorf("%s = %.15g, want %.15g", what, got, want)
	}
}

func prob() *Problem {
	return &Problem{Old: []float64{0.5, 0, -0.5}, Adv: []float64{1, -0.5, 0.3}, Epsilon: 0.2, Delta: 0.02, LR: 1}
}

func TestSoftmaxKL(t *testing.T) {
	p := Softmax([]float64{0, 0, 0})
	for _, v := range p {
		near(t, "uniform", v, 1.0/3, 1e-15)
	}
	// By hand: softmax(0, log 2, log 3) = (1/6, 2/6, 3/6); KL(uniform ‖ that) = Σ ⅓ log(⅓/qᵢ)
	// = ⅓ (log 2 + log 1 + log(2/3)) = ⅓ log(4/3).
	near(t, "KL", KL([]float64{0, 0, 0}, []float64{0, math.Log(2), math.Log(3)}), math.Log(4.0/3)/3, 1e-15)
	if KL([]float64{1, 2, 3}, []float64{11, 12, 13}) > 1e-15 {
		t.Error("softmax is shift invariant: KL should be 0")
	}
	// Large logits do not overflow.
	p = Softmax([]float64{800, 0, 0})
	if p[0] != 1 || math.IsNaN(p[1]) {
		t.Errorf("softmax(800, 0, 0) = %v", p)
	}
	near(t, "surrogate", Surrogate([]float64{0, math.Log(2), math.Log(3)}, []float64{6, 0, 2}), 1+1, 1e-15)
}

func TestGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for k := 0; k < 50; k++ {
		n := 3 + k%4
		th, adv := make([]float64, n), make([]float64, n)
		for i := range th {
			th[i], adv[i] = rng.NormFloat64(), rng.NormFloat64()
		}
		g := surrogateGrad(Softmax(th), adv)
		for i := range th {
			h := 1e-6
			a, b := append([]float64(nil), th...), append([]float64(nil), th...)
			a[i] += h
			b[i] -= h
			near(t, "∇L", g[i], (Surrogate(a, adv)-Surrogate(b, adv))/(2*h), 1e-7)
		}
		// The Fisher F = diag π − ππᵀ maps F⁺g = g/π back to g.
		pi := Softmax(th)
		var px float64
		for i := range pi {
			px += pi[i] * g[i] / pi[i]
		}
		for i := range pi {
			near(t, "F F⁺g", pi[i]*g[i]/pi[i]-pi[i]*px, g[i], 1e-12)
		}
	}
}

func TestClip(t *testing.T) {
	// A > 0: the objective is flat beyond 1 + ε; A < 0: flat below 1 − ε (values by hand).
	near(t, "A>0, r=1.5", Clip(1.5, 2, 0.2), 2.4, 1e-15)
	near(t, "A>0, r=0.5", Clip(0.5, 2, 0.2), 1, 1e-15)
	near(t, "A<0, r=0.5", Clip(0.5, -2, 0.2), -1.6, 1e-15)
	near(t, "A<0, r=1.5", Clip(1.5, -2, 0.2), -3, 1e-15)
	r, plain, clipped := ClipCurve(1, 0.2, 2, 5)
	if r[4] != 2 || plain[4] != 2 || clipped[4] != 1.2 || clipped[1] != 0.5 {
		t.Errorf("ClipCurve: %v %v %v", r, plain, clipped)
	}
}

func TestMethods(t *testing.T) {
	p := prob()
	for _, m := range Methods {
		steps, err := p.Run(m, 40)
		if err != nil {
			t.Fatal(err)
		}
		if len(steps) != 41 || steps[0].KL != 0 || steps[0].Gain != 0 {
			t.Fatalf("%s: start row %+v", m, steps[0])
		}
		if steps[40].Gain <= 0 {
			t.Errorf("%s: no improvement, gain %g", m, steps[40].Gain)
		}
		var s float64
		for _, v := range steps[40].Pi {
			s += v
		}
		near(t, m+" Σπ", s, 1, 1e-12)
	}
	// TRPO never leaves the trust region, and its first step lands near its edge.
	tr, _ := p.Run(TRPO, 30)
	for i, s := range tr {
		if s.KL > p.Delta*(1+1e-12) {
			t.Errorf("trpo update %d: KL %g > δ", i, s.KL)
		}
	}
	if tr[1].KL < 0.5*p.Delta {
		t.Errorf("trpo first step KL %g, far inside δ = %g", tr[1].KL, p.Delta)
	}
	// Plain PG with a large step leaves it.
	pg, _ := (&Problem{Old: p.Old, Adv: p.Adv, Epsilon: 0.2, Delta: 0.02, LR: 3}).Run(PG, 10)
	if pg[10].KL < p.Delta {
		t.Errorf("pg KL %g stayed inside δ", pg[10].KL)
	}
	// PPO-clip: the clipped objective can gain at most ε Σ π_old |A|.
	po := Softmax(p.Old)
	var bound float64
	for i := range po {
		bound += p.Epsilon * po[i] * math.Abs(p.Adv[i])
	}
	cl, _ := (&Problem{Old: p.Old, Adv: p.Adv, Epsilon: 0.2, Delta: 0.02, LR: 3}).Run(PPOClip, 200)
	for _, s := range cl {
		if s.ClipObj > bound+1e-12 {
			t.Fatalf("clip objective %g above its bound %g", s.ClipObj, bound)
		}
	}
	// and it stops: the last updates do not move the policy.
	if d := math.Abs(cl[200].Gain - cl[199].Gain); d > 1e-9 {
		t.Errorf("ppo-clip still moving: %g", d)
	}
	// PPO-KL: a step that overshoots doubles β.
	kl, _ := (&Problem{Old: p.Old, Adv: p.Adv, Epsilon: 0.2, Delta: 0.001, LR: 3, Beta0: 1}).Run(PPOKL, 3)
	if kl[1].Beta != 2 || kl[0].Beta != 1 {
		t.Errorf("β did not double: %v %v", kl[0].Beta, kl[1].Beta)
	}
	kl, _ = (&Problem{Old: p.Old, Adv: p.Adv, Epsilon: 0.2, Delta: 5, LR: 0.01, Beta0: 1}).Run(PPOKL, 1)
	if kl[1].Beta != 0.5 {
		t.Errorf("β did not halve: %v", kl[1].Beta)
	}
}

func TestSampleKL(t *testing.T) {
	old := []float64{0.5, 0, -0.5}
	theta := []float64{1, -0.2, -0.9}
	s, err := SampleKL(old, theta, 200000, 7)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "exact", s.Exact, KL(old, theta), 0)
	for i, name := range []string{"k1", "k3"} { // unbiased
		j := []int{0, 2}[i]
		if math.Abs(s.Mean[j]-s.Exact) > 5*s.StdErr[j] {
			t.Errorf("%s = %g ± %g, exact %g", name, s.Mean[j], s.StdErr[j], s.Exact)
		}
	}
	if s.StdErr[2] >= s.StdErr[0] {
		t.Errorf("k3 should be quieter than k1 here: %g vs %g", s.StdErr[2], s.StdErr[0])
	}
	po := Softmax(old)
	for i, c := range s.Counts {
		near(t, "frequency", c/200000, po[i], 0.01)
	}
	again, _ := SampleKL(old, theta, 200000, 7)
	if again.Mean != s.Mean {
		t.Error("same seed, different estimate")
	}
	if _, err := SampleKL(old, theta[:2], 10, 1); err == nil {
		t.Error("length mismatch: no error")
	}
	if _, err := SampleKL(old, theta, 0, 1); err == nil {
		t.Error("0 samples: no error")
	}
}

func TestSimplex(t *testing.T) {
	x, y := ToSimplex([]float64{0.2, 0.3, 0.5})
	p := FromSimplex(x, y)
	near(t, "π0", p[0], 0.2, 1e-15)
	near(t, "π1", p[1], 0.3, 1e-15)
	near(t, "π2", p[2], 0.5, 1e-15)
	g, err := SimplexGrid([]float64{0, 0, 0}, 3, 3, 99)
	if err != nil {
		t.Fatal(err)
	}
	// Top row: only the apex (½, √3/2) is inside — on the edge, so `outside`;
	// the bottom row lies on an edge too; the middle row's centre (½, √3/4) has π = (¼, ¼, ½).
	want := math.Log(1.0/3)*1.0/3*3 - (math.Log(0.25)+math.Log(0.25)+math.Log(0.5))/3
	near(t, "centre", g[4], want, 1e-14)
	if g[0] != 99 || g[1] != 99 || g[7] != 99 {
		t.Errorf("edges and outside: %v", g)
	}
	if _, err := SimplexGrid([]float64{0, 0}, 3, 3, 0); err == nil {
		t.Error("2 actions: no error")
	}
	if _, err := SimplexGrid([]float64{0, 0, 0}, 1, 3, 0); err == nil {
		t.Error("1 column: no error")
	}
}

func TestErrors(t *testing.T) {
	good := *prob()
	bad := []func(p *Problem){
		func(p *Problem) { p.Old = []float64{0, 0}; p.Adv = []float64{1, 1} },
		func(p *Problem) { p.Old = make([]float64, 7); p.Adv = make([]float64, 7) },
		func(p *Problem) { p.Adv = []float64{1, 2} },
		func(p *Problem) { p.Old = []float64{math.NaN(), 0, 0} },
		func(p *Problem) { p.Old = []float64{11, 0, 0} },
		func(p *Problem) { p.Adv = []float64{math.Inf(1), 0, 0} },
		func(p *Problem) { p.Adv = []float64{101, 0, 0} },
		func(p *Problem) { p.Epsilon = 0 },
		func(p *Problem) { p.Epsilon = 1 },
		func(p *Problem) { p.Delta = 0 },
		func(p *Problem) { p.LR = -1 },
		func(p *Problem) { p.Beta0 = math.NaN() },
	}
	for i, f := range bad {
		p := good
		p.Old, p.Adv = append([]float64(nil), good.Old...), append([]float64(nil), good.Adv...)
		f(&p)
		if _, err := p.Run(PG, 1); err == nil {
			t.Errorf("case %d: no error", i)
		}
	}
	if _, err := good.Run("sgd", 1); err == nil {
		t.Error("unknown method: no error")
	}
	if _, err := good.Run(PG, MaxUpdates+1); err == nil {
		t.Error("too many updates: no error")
	}
}

// FuzzRun: any numbers give an error or finite policies that sum to 1.
func FuzzRun(f *testing.F) {
	f.Add(0.5, 0.0, -0.5, 1.0, -0.5, 0.3, 0.2, 0.02, 1.0, uint8(3))
	f.Add(10.0, -10.0, 0.0, 100.0, -100.0, 0.0, 0.99, 10.0, 100.0, uint8(2))
	f.Fuzz(func(t *testing.T, o0, o1, o2, a0, a1, a2, eps, delta, lr float64, m uint8) {
		p := &Problem{Old: []float64{o0, o1, o2}, Adv: []float64{a0, a1, a2}, Epsilon: eps, Delta: delta, LR: lr}
		steps, err := p.Run(Methods[int(m)%4], 5)
		if err != nil {
			return
		}
		for _, s := range steps {
			var sum float64
			for _, v := range s.Pi {
				sum += v
			}
			if math.IsNaN(sum) || math.Abs(sum-1) > 1e-9 || math.IsNaN(s.KL) || math.IsNaN(s.Gain) {
				t.Fatalf("bad step %+v", s)
			}
		}
	})
}

// presets are the lab's three presets (web/labs/trust-region/lab.js); the
// five-action one showed a surrogate gain of 5.55e−17 at θ = θ_old when θ_old
// was centred before the readouts were taken.
var presets = []*Problem{
	{Old: []float64{0.4, 0, -0.4}, Adv: []float64{-0.5, 1, 0.3}},
	{Old: []float64{1.5, 0, -1.5}, Adv: []float64{0, -0.2, 1.5}},
	{Old: []float64{0.5, 0.2, 0, -0.3, -0.6}, Adv: []float64{0.2, -1, 0.8, 0.1, -0.4}},
}

// TestExactZeros: every readout that is mathematically 0 is exactly 0: at
// θ = θ_old, and at every update of a step that is exactly zero (equal
// advantages, for which the gradient Σ_a π_a (A_j − A_a) is 0 term by term).
// θ_old = (10, −10, −10) used to be centred to (13.3, −6.7, −6.7) and then
// clamped, so a zero step moved the policy (KL 4.8e−7).
func TestExactZeros(t *testing.T) {
	for _, pr := range presets {
		p := *pr
		p.Epsilon, p.Delta, p.LR = 0.2, 0.02, 1
		for _, m := range Methods {
			s, err := p.Run(m, 3)
			if err != nil {
				t.Fatal(err)
			}
			s0 := s[0]
			if s0.Gain != 0 || s0.ClipObj != 0 || s0.KL != 0 || !slices.Equal(s0.Pi, Softmax(p.Old)) || !slices.Equal(s0.Theta, p.Old) {
				t.Errorf("%v %s: start row %+v", p.Old, m, s0)
			}
			for _, r := range s0.Ratio {
				if r != 1 {
					t.Errorf("%v %s: ratio %v at θ_old", p.Old, m, s0.Ratio)
				}
			}
		}
	}
	flat := []*Problem{
		{Old: []float64{0, 1, 2}, Adv: []float64{1, 1, 1}},
		{Old: []float64{10, -10, -10}, Adv: []float64{-3, -3, -3}},
		{Old: []float64{0.5, 0.2, 0, -0.3, -0.6}, Adv: []float64{0.7, 0.7, 0.7, 0.7, 0.7}},
		{Old: []float64{-10, 10, 3, -2, 9.5, -7}, Adv: []float64{100, 100, 100, 100, 100, 100}},
	}
	for _, p := range flat {
		p.Epsilon, p.Delta, p.LR = 0.2, 0.01, 100
		for _, m := range Methods {
			s, _ := p.Run(m, 5)
			for i, st := range s {
				if st.Gain != 0 || st.ClipObj != 0 || st.KL != 0 || !slices.Equal(st.Theta, p.Old) {
					t.Errorf("%v %s: moved with equal advantages at update %d: %+v", p.Old, m, i, st)
				}
			}
		}
	}
}

// The references are mpmath at 50 digits (python3) from the definitions
// L = Σ π A, L_clip = Σ π_old min(rA, clip(r)A), KL = Σ π_old log(π_old/π),
// r = π/π_old, at the float64 logits.
func TestReadouts(t *testing.T) {
	old, adv := []float64{0.4, 0, -0.4}, []float64{-0.5, 1, 0.3}
	lpo, po := logRatios(old, make([]float64, 3)), Softmax(old)
	cases := []struct {
		theta          []float64
		gain, clip, kl float64
		ratio          []float64
		relGain, relKL float64
	}{
		{[]float64{0.7, -0.2, -0.5}, -0.14574665234232671129, -0.14574665234232671129, 0.026847941029200725843,
			[]float64{1.2411838927716807745, 0.75281608530750204534, 0.83199044414140712422}, 1e-14, 1e-14},
		// A step of 1e−9: each log-ratio carries the ~1e−16 rounding of its
		// log-softmaxes, about 1e−7 of its size, and so do the gain and the KL.
		{[]float64{0.40000000100000005, -2e-09, -0.399999999}, -8.1215660204045867631e-10, -8.1215660204045867631e-10, 9.7304694823519505566e-19,
			[]float64{1.0000000009487231828, 0.99999999794872315719, 1.0000000009487231828}, 1e-6, 1e-6},
		{[]float64{-3, 2, 1.5}, 0.58661267687596226662, 0.12314479699416701034, 1.8958016635571527414,
			[]float64{0.0088528857672280170522, 1.9600857107870105104, 1.7735588936776972231}, 1e-14, 1e-14},
	}
	for _, c := range cases {
		l := logRatios(c.theta, lpo)
		near(t, "gain", gain(l, po, adv), c.gain, c.relGain*math.Abs(c.gain))
		near(t, "clip gain", clipGain(l, po, adv, 0.2), c.clip, c.relGain*math.Abs(c.clip))
		near(t, "ClipSurrogate − L(θ_old)", ClipSurrogate(c.theta, old, adv, 0.2)-Surrogate(old, adv), c.clip, 1e-14)
		near(t, "KL", KL(old, c.theta), c.kl, c.relKL*c.kl)
		for i, x := range l {
			near(t, "ratio", math.Exp(x), c.ratio[i], 1e-15)
		}
	}
	// Logits far apart: π_old = (1, e⁻¹⁰⁰⁰, e⁻¹⁰⁰⁰), π = (e⁻¹⁰⁰⁰, 1, e⁻¹⁰⁰⁰).
	// r₁ = e¹⁰⁰⁰ overflows, and π_old r₁ A₁ was 0·(−Inf) = NaN; the term is
	// π₁A₁ = −2, the others round to 0 (mpmath). KL = 1000·(1 − 2e⁻¹⁰⁰⁰) = 1000.
	far, away := []float64{1000, 0, 0}, []float64{0, 1000, 0}
	if v := ClipSurrogate(away, far, []float64{1, -2, 0.5}, 0.2); v != -2 {
		t.Errorf("ClipSurrogate with extreme logits = %v, want −2", v)
	}
	if v := KL(far, away); v != 1000 {
		t.Errorf("KL with extreme logits = %v, want 1000", v)
	}
}

// bestGain returns the largest surrogate gain Σ (π − π_old) A over the whole
// constraint set {π : KL(π_old‖π) ≤ δ}, derived independently of TRPO: the
// Lagrange conditions A_a + λ π_old(a)/π_a = μ give π_a ∝ π_old(a)/(μ − A_a),
// μ > max A, written as π_a ∝ π_old(a)/(1 + s(max A − A_a)) with s ≥ 0
// (s = 0 is π_old); KL grows with s, so s is found by bisection on KL = δ.
func bestGain(po, adv []float64, delta float64) float64 {
	amax := slices.Max(adv)
	pi := func(s float64) []float64 {
		q := make([]float64, len(po))
		var z float64
		for i := range q {
			q[i] = po[i] / (1 + s*(amax-adv[i]))
			z += q[i]
		}
		for i := range q {
			q[i] /= z
		}
		return q
	}
	lo, hi := 0.0, 1.0
	for klDirect(po, pi(hi)) <= delta && hi < 1e300 {
		lo, hi = hi, 2*hi
	}
	for range 200 {
		if m := lo + (hi-lo)/2; klDirect(po, pi(m)) <= delta {
			lo = m
		} else {
			hi = m
		}
	}
	var g float64
	for i, q := range pi(lo) {
		g += (q - po[i]) * adv[i]
	}
	return g
}

// klDirect is Σ p log(p/q), the definition, for the references.
func klDirect(p, q []float64) float64 {
	var s float64
	for i := range p {
		s += p[i] * math.Log(p[i]/q[i])
	}
	return s
}

func randomProblem(rng *rand.Rand, logit, adv float64) *Problem {
	n := MinActions + rng.IntN(MaxActions-MinActions+1)
	p := &Problem{Old: make([]float64, n), Adv: make([]float64, n), Epsilon: 0.01 + 0.98*rng.Float64(), LR: math.Pow(10, -2+4*rng.Float64())}
	for i := range p.Old {
		p.Old[i], p.Adv[i] = logit*(2*rng.Float64()-1), adv*(2*rng.Float64()-1)
	}
	return p
}

// TestTRPOOptimal: TRPO's first update never leaves the trust region, and it
// is as good as the best point of the region found by a random search over
// its boundary (and as the exact optimum bestGain): exactly so along its own
// direction, and up to the O(√δ) gap between the natural gradient's
// exponential tilt π_old e^{αA} and the optimum π_old/(μ − A) over the whole
// region. That gap measured at most 20√δ on 3000 problems of the lab's range
// (logits and advantages in [−5, 5]), and grows with δ: for the five-action
// preset at δ = 1 TRPO gets 83% of the optimum. A halving line search that
// stops at KL ≈ δ/4 loses half the gain at any δ.
func TestTRPOOptimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for k := range 150 {
		p := randomProblem(rng, 5, 5)
		p.Delta = []float64{1e-6, 1e-5, 1e-4, 0.02, 0.3}[k%5]
		s, err := p.Run(TRPO, 1)
		if err != nil {
			t.Fatal(err)
		}
		tr := s[1]
		po := Softmax(p.Old)
		best := bestGain(po, p.Adv, p.Delta)
		// klDirect carries an absolute error of ~1e−16 (a common rounding of
		// log q shifts it by that), 1e−10 of δ = 1e−6.
		if tr.KL > p.Delta*(1+1e-12) || klDirect(po, tr.Pi) > p.Delta*(1+1e-9) || !(tr.Gain > 0) || tr.Gain > best*(1+1e-9) {
			t.Fatalf("%+v: KL %g (δ %g), gain %g, optimum %g", p, tr.KL, p.Delta, tr.Gain, best)
		}
		if tr.Backtracks > 0 && tr.KL < p.Delta*(1-1e-9) {
			t.Errorf("%+v: after %d halvings KL %g is inside δ = %g", p, tr.Backtracks, tr.KL, p.Delta)
		}
		// Along its direction θ_old + αA (the same policies as the natural
		// gradient's), no α ≤ TRPO's first α₀ = √(2δ/Var A) in the region does better.
		var mean, v float64
		for i := range po {
			mean += po[i] * p.Adv[i]
		}
		for i := range po {
			v += po[i] * (p.Adv[i] - mean) * (p.Adv[i] - mean)
		}
		a0 := math.Sqrt(2 * p.Delta / v)
		th := make([]float64, len(p.Old))
		at := func(dir []float64, a float64) (kl, g float64) {
			for i := range th {
				th[i] = p.Old[i] + a*dir[i]
			}
			return klDirect(po, Softmax(th)), Surrogate(th, p.Adv) - Surrogate(p.Old, p.Adv)
		}
		for j := 1; j <= 200; j++ {
			if kl, g := at(p.Adv, a0*float64(j)/200); kl <= p.Delta && g > tr.Gain*(1+1e-9)+1e-15 {
				t.Fatalf("%+v: α = %g·α₀ gains %g > TRPO's %g", p, float64(j)/200, g, tr.Gain)
			}
		}
		// Random search: random directions, each followed to the boundary
		// KL = δ (KL is convex along a line and 0 at θ_old).
		var search float64
		dir := make([]float64, len(p.Old))
		for range 300 {
			for i := range dir {
				dir[i] = rng.NormFloat64()
			}
			lo, hi := 0.0, 1.0
			for kl, _ := at(dir, hi); kl <= p.Delta && hi < 1e3; kl, _ = at(dir, hi) {
				lo, hi = hi, 2*hi
			}
			for range 60 {
				if m := lo + (hi-lo)/2; func() bool { kl, _ := at(dir, m); return kl <= p.Delta }() {
					lo = m
				} else {
					hi = m
				}
			}
			_, g := at(dir, lo)
			search = max(search, g)
		}
		if search > best*(1+1e-9)+1e-15 {
			t.Fatalf("%+v: the search found %g above the optimum %g", p, search, best)
		}
		if p.Delta <= 1e-4 {
			tol := 25 * math.Sqrt(p.Delta)
			if tr.Gain < search*(1-tol) || tr.Gain < best*(1-tol) {
				t.Errorf("%+v δ %g: TRPO gain %g, search %g, optimum %g", p, p.Delta, tr.Gain, search, best)
			}
		}
	}
}

// TestPPOClipMonotone: PPO-clip's clipped objective never falls below its
// value at the previous update, so at the result it is ≥ its value at the
// start (0). The first case is one where the fixed step lr·∇L_clip
// overshot the band [1 − ε, 1 + ε] and the objective ended at −0.039.
func TestPPOClipMonotone(t *testing.T) {
	first := &Problem{Old: []float64{-1.9164097856286988, 2.724579440380407, 2.6880156119064855, -3.107185016711341, -1.776434684647671},
		Adv: []float64{-0.7955897376803067, -1.1509129676621335, -2.5820022873026804, -2.441602362414008, -0.44606947982950373},
		LR:  0.23508765950109003, Epsilon: 0.015654796459163674}
	rng := rand.New(rand.NewPCG(21, 22))
	problems := []*Problem{first}
	for k := range 400 {
		if k%2 == 0 {
			problems = append(problems, randomProblem(rng, 5, 5))
		} else {
			problems = append(problems, randomProblem(rng, MaxLogit, MaxAdv))
		}
	}
	for _, p := range problems {
		p.Delta = 0.02
		s, err := p.Run(PPOClip, 100)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(s); i++ {
			if s[i].ClipObj < s[i-1].ClipObj {
				t.Fatalf("%+v: L_clip fell from %g to %g at update %d", p, s[i-1].ClipObj, s[i].ClipObj, i)
			}
		}
		if s[len(s)-1].ClipObj < 0 {
			t.Errorf("%+v: L_clip ended at %g below its start", p, s[len(s)-1].ClipObj)
		}
		// The ratios are exp(log π − log π_old): π/π_old within rounding.
		po := Softmax(p.Old)
		for _, st := range s {
			for i := range po {
				near(t, "ratio", st.Ratio[i], st.Pi[i]/po[i], 1e-13)
			}
		}
	}
	if s, _ := first.Run(PPOClip, 1); s[1].ClipObj <= 0 || s[1].Backtracks == 0 {
		t.Errorf("the overshooting step was not shortened: %+v", s[1])
	}
}

// TestEdgeOfRange: θ_old at the clamp, (10, −10, −10), is not clipped by a
// step that keeps the spread of the logits within 2·MaxLogit: PG's first step
// from it moves θ by its gradient lr·π_j (A_j − Σ π A) only (the old code
// centred θ_old to (13.3, −6.7, −6.7) and clipped θ₀ to 10, a jump of 3.3).
// A step that widens the spread beyond 2·MaxLogit is clipped.
func TestEdgeOfRange(t *testing.T) {
	p := &Problem{Old: []float64{10, -10, -10}, Adv: []float64{0, 1, 0}, Epsilon: 0.2, Delta: 0.02, LR: 100}
	s, _ := p.Run(PG, 50)
	po := Softmax(p.Old)
	la := po[0]*p.Adv[0] + po[1]*p.Adv[1] + po[2]*p.Adv[2]
	want := make([]float64, 3)
	for i := range want {
		want[i] = p.Old[i] + p.LR*po[i]*(p.Adv[i]-la)
	}
	for i := range want {
		near(t, "θ − θ₀ after one step", s[1].Theta[i]-s[1].Theta[0], want[i]-want[0], 1e-14)
	}
	for _, st := range s {
		if slices.Max(st.Theta)-slices.Min(st.Theta) > 2*MaxLogit+1e-12 {
			t.Errorf("spread %v", st.Theta)
		}
	}
	wide := &Problem{Old: []float64{10, -10, -10}, Adv: []float64{1, 0, 0}, Epsilon: 0.2, Delta: 0.02, LR: 100}
	s, _ = wide.Run(PG, 3)
	for _, st := range s {
		if d := slices.Max(st.Theta) - slices.Min(st.Theta); d > 2*MaxLogit {
			t.Errorf("spread %v > 20: %v", d, st.Theta)
		}
	}
}
