package logistic

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/klplayground/klplay/core/input"
)

func near(a, b, tol float64) bool {
	return a == b || math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// randomSet is n points in the square with random classes and, with soft,
// random (Dirichlet-like) targets instead of one-hot ones.
func randomSet(rng *rand.Rand, n, k int, soft bool) ([]Point, []float64) {
	pts := make([]Point, n)
	t := make([]float64, n*k)
	for i := range pts {
		pts[i] = Point{X: (rng.Float64()*2 - 1) * Extent, Y: (rng.Float64()*2 - 1) * Extent, Class: rng.IntN(k)}
		if !soft {
			t[i*k+pts[i].Class] = 1
			continue
		}
		s := 0.0
		for c := range k {
			t[i*k+c] = -math.Log(1 - rng.Float64())
			s += t[i*k+c]
		}
		for c := range k {
			t[i*k+c] /= s
		}
	}
	return pts, t
}

func randomTheta(rng *rand.Rand, k int) []float64 {
	th := make([]float64, 3*k)
	for i := range th {
		th[i] = rng.NormFloat64() * 2
	}
	return th
}

// By hand: one point (1, 2) of class 0 and weights w_0 = (1, 0), w_1 = (0, 1),
// b = 0, so z = (1, 2), q_0 = 1/(1 + e), and the loss is
// −log q_0 = log(1 + e) = 1.31326168751822283… (mpmath).
func TestHandCase(t *testing.T) {
	th := []float64{1, 0, 0, 0, 1, 0}
	pts := []Point{{1, 2, 0}}
	e := Evaluate(th, pts, []float64{1, 0})
	if !near(e.Loss, 1.31326168751822283, 1e-15) || e.Floor != 0 || !near(e.Gap, e.Loss, 1e-15) {
		t.Errorf("loss %v floor %v gap %v", e.Loss, e.Floor, e.Gap)
	}
	q0 := 1 / (1 + math.E)
	if !near(e.Q[0], q0, 1e-15) || !near(e.Q[1], 1-q0, 1e-15) {
		t.Errorf("q %v", e.Q)
	}
	// ∂L/∂θ_0 = (q_0 − 1)(x, y, 1), ∂L/∂θ_1 = q_1 (x, y, 1).
	want := []float64{(q0 - 1) * 1, (q0 - 1) * 2, q0 - 1, (1 - q0) * 1, (1 - q0) * 2, 1 - q0}
	for i := range want {
		if !near(e.Grad[i], want[i], 1e-15) {
			t.Errorf("grad[%d] = %v, want %v", i, e.Grad[i], want[i])
		}
	}
	// Soft target (½, ½): H = log 2 and the KL is ½ log(½/q_0) + ½ log(½/q_1).
	s := Evaluate(th, pts, []float64{0.5, 0.5})
	kl := 0.5*math.Log(0.5/q0) + 0.5*math.Log(0.5/(1-q0))
	if !near(s.Floor, math.Ln2, 1e-15) || !near(s.Gap, kl, 1e-14) || !near(s.Loss, math.Ln2+kl, 1e-15) {
		t.Errorf("soft: %+v, want floor ln 2 and gap %v", s, kl)
	}
}

func TestZeroWeightsAreUniform(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, k := range []int{2, 3} {
		pts, tg := randomSet(rng, 7, k, true)
		e := Evaluate(make([]float64, 3*k), pts, tg)
		if !near(e.Loss, math.Log(float64(k)), 1e-15) {
			t.Errorf("k=%d: loss at θ = 0 is %v, want log %d", k, e.Loss, k)
		}
		for _, q := range e.Q {
			if !near(q, 1/float64(k), 1e-15) {
				t.Fatalf("q = %v at θ = 0", q)
			}
		}
	}
}

// Central differences, h = 1e-5: error O(h²) ≈ 1e-10 relative to the curvature.
func TestGradientByFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 40 {
		k := 2 + trial%2
		pts, tg := randomSet(rng, 1+rng.IntN(12), k, trial%4 < 2)
		th := randomTheta(rng, k)
		e := Evaluate(th, pts, tg)
		for j := range th {
			const h = 1e-5
			up, down := append([]float64(nil), th...), append([]float64(nil), th...)
			up[j] += h
			down[j] -= h
			fd := (Evaluate(up, pts, tg).Loss - Evaluate(down, pts, tg).Loss) / (2 * h)
			if math.Abs(fd-e.Grad[j]) > 1e-7*math.Max(1, math.Abs(fd)) {
				t.Fatalf("trial %d: ∂L/∂θ[%d] = %v, finite difference %v", trial, j, e.Grad[j], fd)
			}
		}
	}
}

func TestLossNeverBelowFloor(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 300 {
		k := 2 + trial%2
		pts, tg := randomSet(rng, 1+rng.IntN(MaxPoints), k, true)
		e := Evaluate(randomTheta(rng, k), pts, tg)
		if e.Loss < e.Floor || e.Gap < 0 || !near(e.Loss, e.Floor+e.Gap, 1e-14) {
			t.Fatalf("loss %v floor %v gap %v", e.Loss, e.Floor, e.Gap)
		}
		for i := range e.Terms {
			if e.Terms[i] < e.Entropy[i] {
				t.Fatalf("term %d: %v below its entropy %v", i, e.Terms[i], e.Entropy[i])
			}
		}
	}
}

// The terms are the plain cross-entropies −Σ_k p_k log q_k of Predict's q.
func TestTermsAreCrossEntropies(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 50 {
		k := 2 + trial%2
		pts, tg := randomSet(rng, 1+rng.IntN(10), k, trial%2 == 0)
		th := randomTheta(rng, k)
		e := Evaluate(th, pts, tg)
		mean := 0.0
		for i, p := range pts {
			q, _ := Predict(th, p.X, p.Y)
			ce := 0.0
			for c := range k {
				if tg[i*k+c] > 0 {
					ce -= tg[i*k+c] * math.Log(q[c])
				}
			}
			if !near(e.Terms[i], ce, 1e-12) {
				t.Fatalf("term %d = %v, −Σ p log q = %v", i, e.Terms[i], ce)
			}
			mean += ce / float64(len(pts))
		}
		if !near(e.Loss, mean, 1e-12) {
			t.Fatalf("loss %v, mean of terms %v", e.Loss, mean)
		}
	}
}

// The posterior of the Gaussian world, computed from the densities directly.
func bayes(w World, x, y float64) []float64 {
	mu := Means(w.K)
	p := make([]float64, w.K)
	s := 0.0
	for k, m := range mu {
		p[k] = math.Exp(-((x-m[0])*(x-m[0]) + (y-m[1])*(y-m[1])) / (2 * w.Spread * w.Spread))
		s += p[k]
	}
	for k := range p {
		p[k] /= s
	}
	return p
}

func TestTrueWeightsAreTheWorldsPosterior(t *testing.T) {
	for _, w := range []World{{2, 1}, {3, 1.2}, {3, 0.6}, {2, 2.5}} {
		th := w.TrueWeights()
		for _, x := range []float64{-3, -1, 0, 0.5, 2.5} {
			for _, y := range []float64{-2, 0, 1.5} {
				q, _ := Predict(th, x, y)
				want := bayes(w, x, y)
				for k := range q {
					if !near(q[k], want[k], 1e-13) {
						t.Errorf("%+v at (%v, %v): q = %v, Bayes %v", w, x, y, q, want)
					}
				}
			}
		}
	}
	// At the origin every class is equally likely (equal norms), so H = log K;
	// on the K = 2 boundary x = 0 too.
	for _, c := range []struct {
		w    World
		x, y float64
		h    float64
	}{{World{3, 1}, 0, 0, math.Log(3)}, {World{2, 0.7}, 0, 3, math.Ln2}} {
		pts := []Point{{c.x, c.y, 0}}
		e := Evaluate(c.w.TrueWeights(), pts, c.w.Targets(pts, true))
		if !near(e.Floor, c.h, 1e-15) || e.Gap > 1e-15 {
			t.Errorf("%+v: floor %v gap %v, want %v and 0", c.w, e.Floor, e.Gap, c.h)
		}
	}
}

// With the true labels the loss at θ* is the floor; elsewhere it is above it.
func TestFloorIsReachedAtTheTruth(t *testing.T) {
	for _, w := range []World{{2, 1}, {3, 1.2}} {
		pts := w.Sample(24, 9)
		tg := w.Targets(pts, true)
		e := Evaluate(w.TrueWeights(), pts, tg)
		if e.Gap > 1e-15 || !near(e.Loss, e.Floor, 1e-15) {
			t.Errorf("%+v: at θ* loss %v floor %v gap %v", w, e.Loss, e.Floor, e.Gap)
		}
		// The floor is the mean entropy of the Bayes posteriors.
		h := 0.0
		for _, p := range pts {
			for _, v := range bayes(w, p.X, p.Y) {
				h -= v * math.Log(v) / float64(len(pts))
			}
		}
		if !near(e.Floor, h, 1e-13) {
			t.Errorf("floor %v, mean entropy %v", e.Floor, h)
		}
		if e.Floor <= 0.01 {
			t.Errorf("floor %v: the classes should overlap", e.Floor)
		}
	}
}

func TestMaxEigen(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for range 200 {
		pts, _ := randomSet(rng, 1+rng.IntN(20), 2, false)
		lam := 2 / StepSize(pts)
		var s [3][3]float64
		for _, p := range pts {
			v := [3]float64{p.X, p.Y, 1}
			for a := range 3 {
				for b := range 3 {
					s[a][b] += v[a] * v[b] / float64(len(pts))
				}
			}
		}
		// Power iteration from a generic start converges to λ_max (S is PSD).
		v := [3]float64{1, 0.7, 0.3}
		var pw float64
		for range 3000 {
			var u [3]float64
			for a := range 3 {
				for b := range 3 {
					u[a] += s[a][b] * v[b]
				}
			}
			pw = math.Sqrt(u[0]*u[0] + u[1]*u[1] + u[2]*u[2])
			for a := range 3 {
				v[a] = u[a] / pw
			}
		}
		if !near(lam, pw, 1e-9) {
			t.Fatalf("λ_max %v, power iteration %v", lam, pw)
		}
	}
	if got := maxEigen3([3][3]float64{{2, 0, 0}, {0, 2, 0}, {0, 0, 2}}); got != 2 {
		t.Errorf("λ_max(2I) = %v", got)
	}
}

// Gradient descent at η = StepSize never raises the loss, and with the true
// labels it reaches the floor.
func TestDescent(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for trial := range 60 {
		k := 2 + trial%2
		pts, tg := randomSet(rng, 1+rng.IntN(MaxPoints), k, trial%3 == 0)
		th := randomTheta(rng, k)
		eta := StepSize(pts)
		path, losses := Descend(th, pts, tg, eta, 200)
		prev := Evaluate(th, pts, tg).Loss
		for s, l := range losses {
			if l > prev*(1+1e-14) {
				t.Fatalf("trial %d step %d: loss rose from %v to %v", trial, s+1, prev, l)
			}
			prev = l
		}
		if !near(losses[199], Evaluate(path[199], pts, tg).Loss, 1e-13) {
			t.Fatalf("trace %v vs Evaluate %v", losses[199], Evaluate(path[199], pts, tg).Loss)
		}
		// One step by hand: θ − η ∇L.
		g := Evaluate(th, pts, tg).Grad
		for j := range th {
			if !near(path[0][j], th[j]-eta*g[j], 1e-13) {
				t.Fatalf("first step θ[%d] = %v, want %v", j, path[0][j], th[j]-eta*g[j])
			}
		}
	}
	w := World{3, 1.2}
	pts := w.Sample(24, 1)
	tg := w.Targets(pts, true)
	_, losses := Descend(make([]float64, 9), pts, tg, StepSize(pts), MaxSteps)
	floor := Evaluate(w.TrueWeights(), pts, tg).Floor
	for _, l := range losses {
		if l < floor {
			t.Fatalf("loss %v below the floor %v", l, floor)
		}
	}
	if gap := losses[MaxSteps-1] - floor; gap > 1e-6 {
		t.Errorf("after %d steps the loss is %v above the floor", MaxSteps, gap)
	}
	if losses[0]-floor < 0.1 {
		t.Errorf("the first step is already at the floor: %v vs %v", losses[0], floor)
	}
}

// Descent keeps Σ_k w_k = 0 from θ = 0, and approaches the centred θ*.
func TestDescentApproachesTheCentredTruth(t *testing.T) {
	w := World{3, 1.2}
	pts := w.Sample(30, 2)
	const steps = 2000
	path, _ := Descend(make([]float64, 9), pts, w.Targets(pts, true), StepSize(pts), steps)
	th := path[steps-1]
	for j := range 3 {
		if s := th[j] + th[3+j] + th[6+j]; math.Abs(s) > 1e-12 {
			t.Errorf("Σ_k θ_k[%d] = %v", j, s)
		}
	}
	star := w.TrueWeights()
	for k := range 3 {
		for j := range 2 {
			if math.Abs(th[3*k+j]-star[3*k+j]) > 1e-4 {
				t.Errorf("θ[%d] = %v, θ* %v", 3*k+j, th[3*k+j], star[3*k+j])
			}
		}
		if math.Abs(th[3*k+2]) > 1e-4 {
			t.Errorf("b_%d = %v, centred θ* has 0", k, th[3*k+2])
		}
	}
}

func TestSurfaceAndField(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for trial := range 20 {
		k := 2 + trial%2
		pts, tg := randomSet(rng, 1+rng.IntN(15), k, trial%2 == 0)
		th := randomTheta(rng, k)
		c := trial % k
		const n = 7
		lo, hi := -3.0, 5.0
		s := Surface(th, pts, tg, c, n, lo, hi)
		d := (hi - lo) / (n - 1)
		for row := range n {
			for col := range n {
				at := append([]float64(nil), th...)
				at[3*c], at[3*c+1] = lo+float64(col)*d, hi-float64(row)*d
				if want := Evaluate(at, pts, tg).Loss; !near(s[row*n+col], want, 1e-13) {
					t.Fatalf("surface[%d,%d] = %v, Evaluate %v", row, col, s[row*n+col], want)
				}
			}
		}
		// Large weights: factors that overflow (the direct form) and products carried in pieces.
		big := append([]float64(nil), th...)
		for j := range big {
			big[j] *= 25
		}
		sb := Surface(big, pts, tg, c, n, -60, 60)
		db := 120.0 / (n - 1)
		for row := range n {
			for col := range n {
				at := append([]float64(nil), big...)
				at[3*c], at[3*c+1] = -60+float64(col)*db, 60-float64(row)*db
				if want := Evaluate(at, pts, tg).Loss; !near(sb[row*n+col], want, 1e-12) {
					t.Fatalf("large weights: surface[%d,%d] = %v, Evaluate %v", row, col, sb[row*n+col], want)
				}
			}
		}
		// Cell (row, col) of 4 has its centre at x = −4 + (col + ½)·2, y = 4 − (row + ½)·2;
		// the large weights overflow the factors and take the direct form.
		huge := []float64{300, 0, 0, -300, 0, 0, 0, 0, 0}[:3*k]
		for _, w := range [][]float64{th, big, huge} {
			f := Field(w, 4)
			for row := range 4 {
				for col := range 4 {
					q, _ := Predict(w, -4+(float64(col)+0.5)*2, 4-(float64(row)+0.5)*2)
					for j := range k {
						if math.Abs(f[(row*4+col)*k+j]-q[j]) > 1e-13 { // Predict rounds log q near 0 at large logits
							t.Fatalf("field %v, Predict %v", f[(row*4+col)*k:(row*4+col+1)*k], q)
						}
					}
				}
			}
		}
	}
}

func TestSample(t *testing.T) {
	w := World{3, 1.2}
	a, b := w.Sample(24, 5), w.Sample(24, 5)
	for i := range a {
		if a[i] != b[i] || a[i].Class != i%3 || math.Abs(a[i].X) > Extent || math.Round(a[i].X*100)/100 != a[i].X {
			t.Fatalf("point %d: %+v vs %+v", i, a[i], b[i])
		}
	}
	if _, err := Decode("points", Flat(a), 3); err != nil {
		t.Errorf("a sample does not decode: %v", err)
	}
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		flat []float64
		k    int
		code input.Code
		arg  string
	}{
		{[]float64{}, 2, input.Empty, "p"},
		{[]float64{1, 2}, 2, input.Invalid, "p"},
		{[]float64{1, 2, 0}, 4, input.OutOfRange, "classes"},
		{[]float64{1, 5, 0}, 2, input.OutOfRange, "p[1]"},
		{[]float64{math.NaN(), 0, 0}, 2, input.NotFinite, "p[0]"},
		{[]float64{0, 0, 2}, 2, input.OutOfRange, "p[2]"},
		{[]float64{0, 0, 0, 0, 0, 0.5}, 3, input.OutOfRange, "p[5]"},
		{[]float64{0, 0, math.Inf(1)}, 3, input.NotFinite, "p[2]"},
		{make([]float64, 3*(MaxPoints+1)), 2, input.TooLarge, "p"},
	}
	for _, c := range cases {
		_, err := Decode("p", c.flat, c.k)
		var ie *input.Error
		if !errors.As(err, &ie) || ie.Code != c.code || ie.Arg != c.arg {
			t.Errorf("Decode(%v, %d) = %v, want %s on %s", c.flat, c.k, err, c.code, c.arg)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(1.0, 2.0, 0.0, -4.0, 4.0, 1.0, 3, 2)
	f.Add(0.5, math.NaN(), 2.0, 0.0, 0.0, 7.0, 2, 5)
	f.Fuzz(func(t *testing.T, a, b, c, d, e, g float64, k, n int) {
		all := []float64{a, b, c, d, e, g}
		n = ((n % 7) + 7) % 7
		pts, err := Decode("points", all[:n], k)
		if err != nil {
			var ie *input.Error
			if !errors.As(err, &ie) || ie.Msg == "" {
				t.Fatalf("error %v is not an *input.Error", err)
			}
			return
		}
		back := Flat(pts)
		for i := range back {
			if back[i] != all[i] {
				t.Fatalf("Flat(Decode(%v)) = %v", all[:n], back)
			}
		}
		// A decoded set can be evaluated: finite loss ≥ floor.
		w := World{K: k, Spread: 1}
		tg := w.Targets(pts, true)
		ev := Evaluate(make([]float64, 3*k), pts, tg)
		if math.IsNaN(ev.Loss) || ev.Loss < ev.Floor {
			t.Fatalf("loss %v floor %v", ev.Loss, ev.Floor)
		}
	})
}
