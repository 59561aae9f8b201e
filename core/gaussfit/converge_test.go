package gaussfit

import (
	"math"
	"testing"

	"github.com/klplayground/klplay/core/session"
)

// Converge's count is the first step at which Converged holds along Run's
// path, and the fit there is the optimum to within the tolerance: forward on
// the moments, reverse on a mode (the lab's default target and start).
func TestConvergeCountsTheSteps(t *testing.T) {
	tg := target(t, 0.5, -3, 0.7, 0.5, 3, 0.9)
	start := Gaussian{-1, 0.7}
	for _, c := range []struct {
		d    Direction
		lr   float64
		want Gaussian // the optimum
		tol  float64  // how near the fit must be, in μ and σ
	}{
		{Forward, 0.1, tg.Moments(), 1e-4},
		{Forward, 0.5, tg.Moments(), 1e-4},
		// The left mode, pulled a little by the other: the converged fit of
		// 2000 steps at lr 0.5.
		{Reverse, 0.1, Gaussian{}, 1e-4},
		{Reverse, 0.5, Gaussian{}, 1e-4},
	} {
		n, ok, err := tg.Converge(start, c.d, c.lr, MaxStepsPerCall)
		if err != nil || !ok || n < 2 {
			t.Fatalf("dir %d lr %v: Converge = %d, %v, %v", c.d, c.lr, n, ok, err)
		}
		before, _ := tg.Run(start, c.d, c.lr, n-1)
		at, _ := tg.Run(start, c.d, c.lr, n)
		if tg.Converged(before.Q, c.d) || !tg.Converged(at.Q, c.d) {
			t.Errorf("dir %d lr %v: converged at %d? before %v, at %v", c.d, c.lr, n, tg.Converged(before.Q, c.d), tg.Converged(at.Q, c.d))
		}
		want := c.want
		if c.d == Reverse {
			long, _ := tg.Run(start, Reverse, 0.5, MaxStepsPerCall)
			want = long.Q
			if math.Abs(want.Mu+3) > 0.01 || math.Abs(want.Sigma-0.7) > 0.01 {
				t.Fatalf("the reverse optimum %+v is not the left mode N(−3, 0.7²)", want)
			}
		}
		if math.Abs(at.Q.Mu-want.Mu) > c.tol || math.Abs(at.Q.Sigma-want.Sigma) > c.tol {
			t.Errorf("dir %d lr %v: converged at %+v after %d steps, the optimum is %+v", c.d, c.lr, at.Q, n, want)
		}
	}
	// At the optimum already: 0 steps.
	if n, ok, _ := tg.Converge(tg.Moments(), Forward, 0.1, 10); n != 0 || !ok {
		t.Errorf("from the moments: %d, %v", n, ok)
	}
	// Smaller steps take longer to the same place: the forward μ error shrinks by (1 − lr) a step.
	n1, _, _ := tg.Converge(start, Forward, 0.1, MaxStepsPerCall)
	n2, _, _ := tg.Converge(start, Forward, 0.05, MaxStepsPerCall)
	if n2 < 2*n1-10 || n2 > 2*n1+20 {
		t.Errorf("lr 0.1: %d steps, lr 0.05: %d; want about twice as many", n1, n2)
	}
}

func TestConvergeGivesUp(t *testing.T) {
	// lr = 1 on three modes: the reverse fit overshoots back and forth.
	tg := target(t, 0.3, -4, 0.6, 0.4, 0, 0.8, 0.3, 4, 0.6)
	n, ok, err := tg.Converge(Gaussian{1.5, 0.5}, Reverse, 1, 500)
	if err != nil || ok || n != 500 {
		t.Errorf("Converge = %d, %v, %v; want 500, false", n, ok, err)
	}
	// Too few steps allowed is not converged either.
	if n, ok, _ := tg.Converge(Gaussian{1.5, 0.5}, Forward, 0.1, 5); ok || n != 5 {
		t.Errorf("5 steps: %d, %v", n, ok)
	}
	for _, c := range []struct {
		q   Gaussian
		lr  float64
		max int
		arg string
	}{
		{Gaussian{0, 1}, 0, 10, "lr"},
		{Gaussian{0, 1}, 0.1, MaxStepsPerCall + 1, "steps"},
		{Gaussian{0, 1}, 0.1, -1, "steps"},
		{Gaussian{0, 0.01}, 0.1, 10, "sigma"},
	} {
		if _, _, err := tg.Converge(c.q, Forward, c.lr, c.max); err == nil {
			t.Errorf("Converge(%+v, %v, %d) accepted; want an error on %s", c.q, c.lr, c.max, c.arg)
		} else if _, arg := codeArg(err); arg != c.arg {
			t.Errorf("Converge(%+v, %v, %d): %v, want an error on %s", c.q, c.lr, c.max, err, c.arg)
		}
	}
}

// A target narrower than the model's MinSigma: the fit ends on the bound with
// the gradient still pushing σ down, and that counts as converged.
func TestConvergedOnTheBound(t *testing.T) {
	tg := target(t, 1, 1, 0.01, 1, 1, 0.02)
	for _, d := range []Direction{Forward, Reverse} {
		n, ok, err := tg.Converge(Gaussian{0, 1}, d, 0.3, MaxStepsPerCall)
		if err != nil || !ok {
			t.Fatalf("dir %d: %d, %v, %v", d, n, ok, err)
		}
		tr, _ := tg.Run(Gaussian{0, 1}, d, 0.3, n)
		if tr.Q.Sigma != MinSigma || math.Abs(tr.Q.Mu-1) > 1e-4 || tr.Grad[1] <= 0 {
			t.Errorf("dir %d: ended at %+v (gradient %v), want σ on the bound, μ = 1, pushing down", d, tr.Q, tr.Grad)
		}
	}
}

func TestFrameConverged(t *testing.T) {
	var l Lab
	st, _ := labState(map[string]any{"startMu": 2.0})
	f, err := l.Frame(st, session.NewOptions(map[string]any{"converge": true, "steps": 3.0}))
	if err != nil {
		t.Fatal(err)
	}
	c := f["converged"].(map[string]any)
	tg := l.target
	for name, d := range map[string]Direction{"forward": Forward, "reverse": Reverse} {
		// From the state's start, not from where the 3 steps got to.
		n, _, _ := tg.Converge(Gaussian{2, 0.7}, d, 0.1, MaxStepsPerCall)
		if c[name] != float64(n) {
			t.Errorf("%s: converged %v, want %d", name, c[name], n)
		}
	}
	// Remembered for the same start and lr; a new lr is a new answer; null when it never converges.
	g, _ := l.Frame(st, session.NewOptions(map[string]any{"converge": true, "steps": 1.0, "forward": map[string]any{"mu": 0.0, "sigma": 1.0}}))
	if g["converged"].(map[string]any)["forward"] != c["forward"] {
		t.Errorf("same start, same lr: %v, then %v", c, g["converged"])
	}
	st3, _ := labState(map[string]any{"target": []any{0.3, -4.0, 0.6, 0.4, 0.0, 0.8, 0.3, 4.0, 0.6}, "startMu": 1.5, "startSigma": 0.5, "lr": 1.0})
	h, err := l.Frame(st3, session.NewOptions(map[string]any{"converge": true}))
	if err != nil {
		t.Fatal(err)
	}
	if hc := h["converged"].(map[string]any); hc["reverse"] != nil || hc["forward"] == nil {
		t.Errorf("three modes at lr 1: %v; want the reverse fit never to converge", hc)
	}
	if _, err := l.Frame(st, session.NewOptions(map[string]any{"converge": 1.0})); err == nil {
		t.Error("converge: 1 accepted")
	}
}
