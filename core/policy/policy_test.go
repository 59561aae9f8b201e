package policy

import (
	"math"
	"math/rand/v2"
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
	// Equal advantages: nothing to gain, nobody moves (TRPO's gᵀF⁺g is 0).
	flat := &Problem{Old: []float64{0, 1, 2}, Adv: []float64{1, 1, 1}, Epsilon: 0.2, Delta: 0.01, LR: 1}
	for _, m := range Methods {
		s, _ := flat.Run(m, 3)
		if s[3].KL > 1e-20 {
			t.Errorf("%s moved with equal advantages: KL %g", m, s[3].KL)
		}
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
