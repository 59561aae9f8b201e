package gan

import (
	"math"
	"testing"

	"github.com/klplayground/klplay/core/input"
)

func training(t *testing.T, s Shape, theta0 float64, k int) *Training {
	t.Helper()
	tr, err := s.NewTraining(theta0)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Advance(k); err != nil {
		t.Fatal(err)
	}
	return tr
}

func pathOf(tr *Training, name string) Path {
	for i, n := range TrainNames {
		if n == name {
			return tr.Paths[i]
		}
	}
	panic(name)
}

// Once the supports of a bounded shape are apart, JS is log 2 whatever θ is:
// its gradient is exactly 0 and the JS generator never moves, while W₁'s is
// ±1 and its generator walks towards P by η a step.
func TestTrainingJSStallsW1Moves(t *testing.T) {
	for _, name := range []string{"uniform", "triangular", "bump"} {
		s := shape(t, name)
		for _, th0 := range []float64{2, 2.5, 3.7, -3} {
			tr := training(t, s, th0, 12)
			js, w1 := pathOf(tr, "js"), pathOf(tr, "w1")
			sign := math.Copysign(1, th0)
			for k := 0; k <= 12; k++ {
				if js.Theta[k] != th0 || js.Grad[k] != 0 {
					t.Errorf("%s θ₀=%v step %d: JS θ %v grad %v, want θ₀ and 0", name, th0, k, js.Theta[k], js.Grad[k])
				}
				if want := th0 - sign*TrainRate*float64(k); !close(w1.Theta[k], want, 1e-13) || w1.Grad[k] != sign {
					t.Errorf("%s θ₀=%v step %d: W₁ θ %v grad %v, want %v and %v", name, th0, k, w1.Theta[k], w1.Grad[k], want, sign)
				}
			}
		}
	}
}

// KL and reverse KL of a bounded shape are +Inf for every θ ≠ 0 (and just
// beyond 0): no gradient (NaN) and no move. For the normal both are θ²/(2σ²),
// so the path is θ_k = θ₀(1 − η/σ²)^k.
func TestTrainingKL(t *testing.T) {
	tr := training(t, shape(t, "bump"), 1.2, 5)
	for _, n := range []string{"kl", "reverse-kl"} {
		p := pathOf(tr, n)
		for k := range p.Theta {
			if p.Theta[k] != 1.2 || !math.IsNaN(p.Grad[k]) {
				t.Errorf("bump %s step %d: θ %v grad %v, want 1.2 and NaN", n, k, p.Theta[k], p.Grad[k])
			}
		}
	}
	sg2 := NormalSigma * NormalSigma
	tr = training(t, shape(t, "normal"), 3, 15)
	for _, n := range []string{"kl", "reverse-kl"} {
		p := pathOf(tr, n)
		for k := range p.Theta {
			want := 3 * math.Pow(1-TrainRate/sg2, float64(k))
			if !close(p.Theta[k], want, 1e-9) || !close(p.Grad[k], p.Theta[k]/sg2, 1e-9) {
				t.Errorf("normal %s step %d: θ %v grad %v, want %v and %v", n, k, p.Theta[k], p.Grad[k], want, want/sg2)
			}
		}
	}
}

// Every trained gradient is the Slopes value of its divergence (the closed
// forms of W₁ and TV included), and each step is θ − η·gradient.
func TestTrainingFollowsSlopes(t *testing.T) {
	for _, name := range ShapeNames() {
		s := shape(t, name)
		tr := training(t, s, 1.3, 6)
		for i, n := range TrainNames {
			p := tr.Paths[i]
			for k := range p.Theta {
				sl, _ := s.Slopes(p.Theta[k])
				want := sl.Values()[indexOf(n)]
				if !(p.Grad[k] == want || math.IsNaN(want) && math.IsNaN(p.Grad[k]) || close(p.Grad[k], want, 1e-9)) {
					t.Errorf("%s %s step %d: grad %v, Slopes %v", name, n, k, p.Grad[k], want)
				}
				if k > 0 && !math.IsNaN(p.Grad[k-1]) && !close(p.Theta[k], p.Theta[k-1]-TrainRate*p.Grad[k-1], 1e-15) {
					t.Errorf("%s %s step %d: θ %v is not θ − η·grad", name, n, k, p.Theta[k])
				}
			}
		}
	}
}

func indexOf(n string) int {
	for k, m := range Names {
		if m == n {
			return k
		}
	}
	return -1
}

// For the normal, JS's gradient shrinks as Q moves off P but never vanishes;
// once they are 2 or more apart it is below W₁'s 1.
func TestTrainingNormalJSBelowW1(t *testing.T) {
	tr := training(t, shape(t, "normal"), 3, 10)
	js := pathOf(tr, "js")
	for k := range js.Grad {
		if !(js.Grad[k] > 0 && js.Grad[k] < 1) {
			t.Errorf("step %d: JS gradient %v, want in (0, 1)", k, js.Grad[k])
		}
	}
}

// A link's step replays the same numbers: two Trainings agree bit for bit, and
// growing in two stages is growing at once.
func TestTrainingReplays(t *testing.T) {
	s := shape(t, "triangular")
	a := training(t, s, 1.1, 30)
	b := training(t, s, 1.1, 12)
	if err := b.Advance(30); err != nil {
		t.Fatal(err)
	}
	if err := b.Advance(4); err != nil || b.Steps() != 30 {
		t.Fatalf("Advance to a smaller step: %v, %d steps", err, b.Steps())
	}
	for i := range a.Paths {
		for k := range a.Paths[i].Theta {
			if a.Paths[i].Theta[k] != b.Paths[i].Theta[k] {
				t.Fatalf("%s step %d differs", TrainNames[i], k)
			}
		}
	}
	for k := range a.Disc {
		if a.Disc[k] != b.Disc[k] {
			t.Fatalf("discriminator at step %d differs", k)
		}
	}
}

func TestTrainingErrors(t *testing.T) {
	s := shape(t, "bump")
	_, err := s.NewTraining(math.NaN())
	wantErr(t, "θ₀ NaN", err, input.NotFinite, "theta")
	_, err = s.NewTraining(7)
	wantErr(t, "θ₀ 7", err, input.OutOfRange, "theta")
	tr, _ := s.NewTraining(1)
	wantErr(t, "step too large", tr.Advance(MaxSteps+1), input.OutOfRange, "step")
	wantErr(t, "step negative", tr.Advance(-1), input.OutOfRange, "step")
}

// The objective at the optimal discriminator is 2·JS − log 4 (Goodfellow et
// al. 2014, Theorem 1): GANValue integrates log D* directly, At integrates the
// Jensen–Shannon generator, two different integrands.
func TestGANValueAtDStar(t *testing.T) {
	for _, name := range ShapeNames() {
		s := shape(t, name)
		for _, th := range []float64{0, 0.05, 0.7, 1.5, -1.9, 2, 3} {
			v, err := s.GANValue(th, func(x float64) float64 { return s.DStarLogit(th, x) })
			if err != nil {
				t.Fatal(err)
			}
			d, _ := s.At(th)
			want := GeneratorLoss(d.JS)
			if math.Abs(v-want) > 1e-9 {
				t.Errorf("%s θ=%v: V(D*) = %v, want 2·JS − log 4 = %v", name, th, v, want)
			}
			// Any other discriminator does worse: ½ everywhere gives −log 4.
			if h, _ := s.GANValue(th, func(float64) float64 { return 0 }); math.Abs(h+2*math.Ln2) > 1e-12 || h > v+1e-12 {
				t.Errorf("%s θ=%v: V(½) = %v, want −log 4 ≤ V(D*) = %v", name, th, h, v)
			}
		}
	}
	_, err := shape(t, "bump").GANValue(math.Inf(1), func(float64) float64 { return 0 })
	wantErr(t, "θ +Inf", err, input.NotFinite, "theta")
}

// For the normal the optimal logit is linear in x: gradient ascent on V over
// the quadratic family reaches D* itself, and V reaches 2·JS − log 4.
func TestDiscriminatorReachesDStar(t *testing.T) {
	s := shape(t, "normal")
	for _, th := range []float64{0.6, 1.5, -1} {
		tr, _ := s.NewTraining(th)
		w := tr.ascend([3]float64{}, th, 20000)
		tr.Disc[0] = w
		worst := 0.0
		for x := -2.0; x <= th+2; x += 0.01 {
			p, q := s.Prob(x), s.Prob(x-th)
			worst = math.Max(worst, math.Abs(tr.D(0, x)-p/(p+q)))
		}
		if worst > 1e-3 {
			t.Errorf("θ=%v: max |D − D*| = %v after 20000 steps, w = %v", th, worst, w)
		}
		d, _ := s.At(th)
		if v := tr.Value(0); math.Abs(v-GeneratorLoss(d.JS)) > 1e-5 || v > GeneratorLoss(d.JS)+1e-12 {
			t.Errorf("θ=%v: V(D_w) = %v, want just below 2·JS − log 4 = %v", th, v, GeneratorLoss(d.JS))
		}
	}
}

// The fixed rule's V of a learned discriminator is GANValue's, integrated
// adaptively to 1e-11.
func TestTrainingValueIsGANValue(t *testing.T) {
	for _, name := range ShapeNames() {
		s := shape(t, name)
		for _, th0 := range []float64{-0.4, 1.2, 2.5} {
			tr := training(t, s, th0, 30)
			for _, k := range []int{0, 1, 7, 30} {
				want, _ := s.GANValue(tr.Theta(k), func(x float64) float64 { return tr.logit(tr.Disc[k], x) })
				if got := tr.Value(k); math.Abs(got-want) > 1e-9 {
					t.Errorf("%s θ₀=%v step %d: Value %v, GANValue %v", name, th0, k, got, want)
				}
			}
		}
	}
}

// Where the family cannot express D* (the bounded shapes: D* jumps to 0 and
// 1), each ascent step still raises V towards V(D*), and once the supports
// are apart (Q fixed, since JS's gradient is 0) V(D_w) climbs to 0 = V(D*).
func TestDiscriminatorClimbs(t *testing.T) {
	for _, name := range []string{"uniform", "triangular", "bump"} {
		s := shape(t, name)
		for _, th0 := range []float64{1.2, 2.5} {
			tr := training(t, s, th0, 40)
			prev := math.Inf(-1)
			for k := 0; k <= 40; k++ {
				v := tr.Value(k)
				d, _ := s.At(tr.Theta(k))
				if v > GeneratorLoss(d.JS)+1e-12 {
					t.Errorf("%s θ₀=%v step %d: V(D_w) = %v above V(D*) = %v", name, th0, k, v, GeneratorLoss(d.JS))
				}
				if th0 > 2 && v < prev {
					t.Errorf("%s θ₀=%v step %d: V fell from %v to %v", name, th0, k, prev, v)
				}
				prev = v
			}
			if d, _ := s.At(tr.Theta(40)); th0 > 2 && GeneratorLoss(d.JS)-prev > 0.05 {
				t.Errorf("%s θ₀=%v: V(D_w) = %v after 40 steps, still far from V(D*) = %v", name, th0, prev, GeneratorLoss(d.JS))
			}
		}
	}
}
