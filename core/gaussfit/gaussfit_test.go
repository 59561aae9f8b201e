package gaussfit

import (
	"errors"
	"math"
	"testing"

	"github.com/klplayground/klplay/core/continuous"
	"github.com/klplayground/klplay/core/distribution"
	"github.com/klplayground/klplay/core/input"
)

func target(t *testing.T, params ...float64) *Target {
	t.Helper()
	d, err := continuous.FromParams("target", "mixture", params)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := NewTarget(d.(*distribution.Mixture))
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// Reference values by mpmath (30 digits): quad of p log(p/q) and q log(q/p)
// with p = ½N(−2, 0.6²) + ½N(2, 0.8²), and mp.diff of those integrals in μ and
// log σ for the reverse gradient. The forward gradient at N(0.5, 1) by hand:
// m_p = 0, v_p = ½(0.36 + 4) + ½(0.64 + 4) = 4.5, so ∂μ = 0.5, ∂log σ = 1 − 4.75.
func TestObjectiveAgainstMpmath(t *testing.T) {
	tg := target(t, 1, -2, 0.6, 1, 2, 0.8)
	cases := []struct {
		q          Gaussian
		d          Direction
		kl, gm, gs float64
	}{
		{Gaussian{0.5, 1}, Forward, 1.55494754015617796779594314173, 0.5, -3.75},
		{Gaussian{0.5, 1}, Reverse, 1.43223567830761882231980379627, -0.565055847872288667630511546391, -1.65710304480673751413978702968},
		{Gaussian{2, 0.3}, Reverse, 1.24428889128062397959697061163, 0.000000423546168984263610084389678836, -0.85937537757647405087317344024},
	}
	for _, c := range cases {
		kl, g := tg.Objective(c.q, c.d)
		if !near(kl, c.kl, 1e-9) || !near(g[0], c.gm, 1e-8) || !near(g[1], c.gs, 1e-8) {
			t.Errorf("%+v dir %d: KL %v grad %v, want %v [%v %v]", c.q, c.d, kl, g, c.kl, c.gm, c.gs)
		}
	}
	// Both objectives agree with distribution's quadrature.
	r, _ := distribution.KL(tg.Mix, distribution.Normal{Mu: -1, Sigma: 2.5}, distribution.Options{Base: math.E})
	if kl, _ := tg.Objective(Gaussian{-1, 2.5}, Forward); !near(kl, r.Value, 1e-9) {
		t.Errorf("forward %v, distribution.KL %v", kl, r.Value)
	}
	r, _ = distribution.KL(distribution.Normal{Mu: 1, Sigma: 0.7}, tg.Mix, distribution.Options{Base: math.E})
	if kl, _ := tg.Objective(Gaussian{1, 0.7}, Reverse); !near(kl, r.Value, 1e-9) {
		t.Errorf("reverse %v, distribution.KL %v", kl, r.Value)
	}
	// Narrow modes (σ 0.1) under a wide q: the panels shrink with the narrowest σ;
	// the kinks of log p between modes limit the accuracy to about 1e-7 here.
	narrow := target(t, 1, -3, 0.1, 2, 3, 0.15, 1, 0, 0.1)
	for _, q := range []Gaussian{{0, 8}, {0.5, 3}, {-3, 0.1}} {
		r, _ = distribution.KL(distribution.Normal{Mu: q.Mu, Sigma: q.Sigma}, narrow.Mix, distribution.Options{Base: math.E})
		if kl, _ := narrow.Objective(q, Reverse); !near(kl, r.Value, 1e-7) {
			t.Errorf("narrow target, q %+v: reverse %v, distribution.KL %v", q, kl, r.Value)
		}
	}
}

// Forward KL converges to the moments; reverse KL finds the mode it starts
// nearest to.
func TestRunFindsTheModes(t *testing.T) {
	tg := target(t, 1, -2, 0.6, 1, 2, 0.8)
	m := tg.Moments()
	if !near(m.Mu, 0, 1e-15) || !near(m.Sigma, math.Sqrt(4.5), 1e-15) {
		t.Fatalf("moments %+v", m)
	}
	tr, err := tg.Run(Gaussian{3, 0.5}, Forward, 0.2, 200)
	if err != nil {
		t.Fatal(err)
	}
	if !near(tr.Q.Mu, m.Mu, 1e-9) || !near(tr.Q.Sigma, m.Sigma, 1e-9) || len(tr.Values) != 200 {
		t.Errorf("forward ended at %+v, want %+v", tr.Q, m)
	}
	for i := 1; i < len(tr.Values); i++ {
		if tr.Values[i] > tr.Values[i-1]+1e-12 {
			t.Fatalf("forward objective rose at step %d: %v → %v", i, tr.Values[i-1], tr.Values[i])
		}
	}
	// A symmetric target with well-separated modes: the start decides.
	sym := target(t, 1, -3, 0.7, 1, 3, 0.7)
	for _, c := range []struct{ start, mode, sigma float64 }{{0.5, 3, 0.7}, {-0.5, -3, 0.7}} {
		tr, err := sym.Run(Gaussian{c.start, 1}, Reverse, 0.2, 400)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(tr.Q.Mu-c.mode) > 0.05 || math.Abs(tr.Q.Sigma-c.sigma) > 0.05 || math.Abs(tr.Grad[0]) > 1e-4 {
			t.Errorf("reverse from %v ended at %+v (grad %v), want near N(%v, %v)", c.start, tr.Q, tr.Grad, c.mode, c.sigma)
		}
		// At a mode, KL(Q‖P) ≈ log 2: q covers one of two equal-weight, well-separated components.
		if math.Abs(tr.KL-math.Ln2) > 0.01 {
			t.Errorf("reverse KL at the mode %v, want about log 2", tr.KL)
		}
	}
	// Modes closer together (4 apart, σ 0.6 and 0.8): from N(0.5, 1) reverse KL
	// settles between them on a broad q, a local minimum (gradient 0, value above log 2).
	tr, _ = tg.Run(Gaussian{0.5, 1}, Reverse, 0.2, 600)
	if math.Abs(tr.Q.Mu) > 1 || tr.Q.Sigma < 1.5 || math.Abs(tr.Grad[0])+math.Abs(tr.Grad[1]) > 1e-6 || tr.KL < math.Ln2 {
		t.Errorf("broad local minimum: %+v KL %v grad %v", tr.Q, tr.KL, tr.Grad)
	}
	// lr = 1 forward: one natural step puts μ on the mean (σ follows geometrically).
	if tr, _ := tg.Run(Gaussian{0.5, 2}, Forward, 1, 1); !near(tr.Q.Mu, m.Mu, 1e-12) {
		t.Errorf("one natural step: %+v", tr.Q)
	}
}

func TestStepIsBounded(t *testing.T) {
	tg := target(t, 1, -2, 0.6, 1, 2, 0.8)
	for _, q0 := range []Gaussian{{19.9, 0.05}, {-19, 19}, {0, MinSigma}} {
		for _, d := range []Direction{Forward, Reverse} {
			q, _, _ := tg.Step(q0, d, 1)
			if q.Mu < -MaxAbsMu || q.Mu > MaxAbsMu || q.Sigma < MinSigma || q.Sigma > MaxSigma || math.IsNaN(q.Mu) || math.IsNaN(q.Sigma) {
				t.Errorf("step from %+v (dir %d) left the bounds: %+v", q0, d, q)
			}
			if math.Abs(q.Mu-q0.Mu) > 2*q0.Sigma+1e-12 {
				t.Errorf("step from %+v moved μ by more than 2σ: %+v", q0, q)
			}
		}
	}
}

func TestErrors(t *testing.T) {
	tg := target(t, 1, -2, 0.6, 1, 2, 0.8)
	cases := []struct {
		q     Gaussian
		lr    float64
		steps int
		arg   string
	}{
		{Gaussian{0, 1}, 0, 1, "lr"},
		{Gaussian{0, 1}, 2, 1, "lr"},
		{Gaussian{0, 1}, 0.1, -1, "steps"},
		{Gaussian{0, 1}, 0.1, MaxStepsPerCall + 1, "steps"},
		{Gaussian{30, 1}, 0.1, 1, "mu"},
		{Gaussian{0, 0}, 0.1, 1, "sigma"},
		{Gaussian{math.NaN(), 1}, 0.1, 1, "mu"},
	}
	for _, c := range cases {
		_, err := tg.Run(c.q, Forward, c.lr, c.steps)
		var e *input.Error
		if !errors.As(err, &e) || e.Arg != c.arg {
			t.Errorf("Run(%+v, %v, %d) = %v, want an error on %q", c.q, c.lr, c.steps, err, c.arg)
		}
	}
	if _, err := NewTarget(nil); err == nil {
		t.Error("nil target accepted")
	}
	m, _ := distribution.NewMixture([]float64{1}, []distribution.Dist{distribution.Laplace{Mu: 0, B: 1}})
	if _, err := NewTarget(m); err == nil {
		t.Error("a Laplace component accepted")
	}
	// H(½N(−2, 0.6²) + ½N(2, 0.8²)) is close to log 2 + the mean of the component entropies (modes barely overlap).
	want := math.Ln2 + 0.5*(0.5*math.Log(2*math.Pi*math.E*0.36)+0.5*math.Log(2*math.Pi*math.E*0.64))
	if h := tg.Entropy(); math.Abs(h-want) > 0.01 {
		t.Errorf("entropy %v, want about %v", h, want)
	}
}
