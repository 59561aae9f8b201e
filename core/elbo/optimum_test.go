package elbo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// betaELBO is the β-ELBO written afresh from the moments of q = N(m, s²),
// E z² = m² + s², E z⁴ = m⁴ + 6m²s² + 3s⁴ (not from Recon's algebra):
// −½ log 2πσ² − E_q[(y − w g(z))²]/(2σ²) − β(½(m² + s² − 1) − log s).
func betaELBO(kind string, x, w, b, sigma, beta, m, s float64) float64 {
	y, m2, s2 := x-b, m*m, s*s
	var e float64
	if kind == Linear {
		e = y*y - 2*w*y*m + w*w*(m2+s2)
	} else {
		e = y*y - 2*w*y*(m2+s2) + w*w*(m2*m2+6*m2*s2+3*s2*s2)
	}
	return -0.5*math.Log(2*math.Pi*sigma*sigma) - e/(2*sigma*sigma) - beta*(0.5*(m2+s2-1)-math.Log(s))
}

// gridMax is an independent global search of f(m, ρ = log s) over the box
// [MinM, MaxM] × [log MinS, log MaxS]: an n×n grid, then every grid point
// that is at least as good as its 8 neighbours is refined by a compass search
// (steps halved down to 1e-12) kept in the box. It returns the best value.
func gridMax(f func(m, rho float64) float64, n int) float64 {
	rlo, rhi := math.Log(MinS), math.Log(MaxS)
	hm, hr := (MaxM-MinM)/float64(n-1), (rhi-rlo)/float64(n-1)
	g := make([][]float64, n)
	for i := range g {
		g[i] = make([]float64, n)
		for j := range g[i] {
			g[i][j] = f(MinM+float64(i)*hm, rlo+float64(j)*hr)
		}
	}
	best := math.Inf(-1)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			local := true
			for di := -1; di <= 1 && local; di++ {
				for dj := -1; dj <= 1; dj++ {
					if a, c := i+di, j+dj; a >= 0 && a < n && c >= 0 && c < n && g[a][c] > g[i][j] {
						local = false
						break
					}
				}
			}
			if !local {
				continue
			}
			m, r, v := MinM+float64(i)*hm, rlo+float64(j)*hr, g[i][j]
			for sm, sr := hm, hr; sm > 1e-12; {
				moved := false
				for _, d := range [][2]float64{{sm, 0}, {-sm, 0}, {0, sr}, {0, -sr}} {
					mm, rr := math.Min(MaxM, math.Max(MinM, m+d[0])), math.Min(rhi, math.Max(rlo, r+d[1]))
					if fv := f(mm, rr); fv > v {
						m, r, v, moved = mm, rr, fv, true
					}
				}
				if !moved {
					sm, sr = sm/2, sr/2
				}
			}
			best = math.Max(best, v)
		}
	}
	return best
}

// kkt checks that the gradient of the β-ELBO at q vanishes in each coordinate
// not on a bound and points out of the box on a bound, to 1e-9 of the size of
// the terms that make it up (so the check is relative to the problem's scale).
func kkt(t *testing.T, what string, md *Model, q Q, beta float64) {
	t.Helper()
	y, w, v := md.X-md.B, md.W, md.Sigma*md.Sigma
	gm, gr := md.Grad(q, beta)
	am, as := math.Abs(q.M), q.S
	scaleM := 1 + (2*math.Abs(w*y)*am+6*w*w*am*(am*am+as*as))/v + beta*am
	scaleR := 1 + as*((2*math.Abs(w*y)*as+4*w*w*as*(am*am+as*as))/v+beta*(as+1/as))
	if md.Kind == Linear {
		scaleM = 1 + (math.Abs(w*y)+w*w*am)/v + beta*am
		scaleR = 1 + as*(w*w*as/v+beta*(as+1/as))
	}
	const tol = 1e-9
	switch {
	case q.M == MaxM && gm >= -tol*scaleM, q.M == MinM && gm <= tol*scaleM, math.Abs(gm) <= tol*scaleM:
	default:
		t.Errorf("%s: q %+v, ∂m = %g (scale %g)", what, q, gm, scaleM)
	}
	switch {
	case q.S == MaxS && gr >= -tol*scaleR, q.S == MinS && gr <= tol*scaleR, math.Abs(gr) <= tol*scaleR:
	default:
		t.Errorf("%s: q %+v, ∂ρ = %g (scale %g)", what, q, gr, scaleR)
	}
}

// The square model's global optimum against references computed
// independently with mpmath at 40 digits (python3): the closed-form β-ELBO
// (betaELBO above, in mpmath) on a 241×241 grid over m ∈ [−6, 6],
// log s ∈ [log 0.005, log 5]; each grid local maximum refined by cyclic
// golden-section searches on each axis and then Newton's method on the
// gradient (mp.diff derivatives, to |∇| < 1e-25, a coordinate on its bound
// held there); the best kept. |m| is given (the model is symmetric in m).
// Whatever the start (m = 0, the posterior mode, the lab's old answer for the
// first row, far away), Optimum returns that maximum.
func TestSquareOptimumReference(t *testing.T) {
	cases := []struct {
		x, w, b, sigma, beta float64
		m, s, f              float64
	}{
		// The lab's report: a start on the mode stopped at m = 0.7215, s = 0.2630, −1.1350.
		{0.8, 1, 0, 0.6, 0.4, 0, 0.56401403582757575, -1.1044258464290181},
		{0.8, 1, 0, 0.6, 1, 0, 0.60760699339392524, -1.2273184075933704},
		{2, 1, 0, 0.5, 1, 1.3300407582018415, 0.18796416460048139, -2.8810242545979429},
		{2, 1, 0, 0.5, 3, 0, 0.84628549071850784, -5.6488397247658098},
		{2, 1, 0, 0.5, 0.2, 1.3985086772498824, 0.079944730192769985, -0.93031546687314119},
		{3, -1, 1, 1, 0.5, 0, 0.31343637655834206, -3.4845406331698632},
		{1.2, 0.7, -0.3, 0.4, 0.2, 1.4445525849237772, 0.08845320989594168, -0.70091958458725913},
		{-1.5, -2, 0.5, 0.8, 2, 0, 0.64036061819914247, -3.1358305541311105},
		{1, 1, 0, 0.5, 0, 0.99996249929684863, 0.005, -0.22599134514472743}, // s on MinS
		{5, 2, -1, 0.3, 8, 1.6919941183356038, 0.12537397858370585, -28.179542561959373},
		{0.5, 1.5, 0, 0.2, 0.7, 0.54362612626081827, 0.10260238132026629, -1.0376056694919319},
		{40, 1, 0, 1, 1, 6, 0.085422117520917994, -29.37900888959954}, // m on MaxM
		{0.6, 1, 0, 0.4, 1.6, 0, 0.54744733988920654, -1.2495747887806392},
	}
	for _, c := range cases {
		md := mustNew(t, Square, c.x, c.w, c.b, c.sigma)
		modes, _ := md.Modes()
		starts := []Q{{0, 0.5}, {modes[len(modes)-1], 0.5}, {-modes[len(modes)-1], 0.3}, {0.7215, 0.2630}, {-5, 4}, {0.01, MinS}}
		for _, from := range starts {
			q, err := md.Optimum(c.beta, from)
			if err != nil {
				t.Fatal(err)
			}
			what := "optimum of " + fmtCase(c.x, c.w, c.b, c.sigma, c.beta)
			near(t, what+" |m|", math.Abs(q.M), c.m, 1e-9)
			near(t, what+" s", q.S, c.s, 1e-9)
			tm, _ := md.Evaluate(q, c.beta)
			near(t, what+" β-ELBO", tm.BetaELBO, c.f, 1e-13)
			if q.M != 0 && (q.M > 0) != (from.M >= 0) {
				t.Errorf("%s from %+v: m = %v has the other sign", what, from, q.M)
			}
			kkt(t, what, md, q, c.beta)
		}
	}
	// The β path, from the start the lab uses, passes through the same optimum.
	md := mustNew(t, Square, 0.8, 1, 0, 0.6)
	qs, recon, kl, err := md.BetaPath([]float64{0, 0.2, 0.4, 1}, Q{0.6325, 0.5})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "path m at β = 0.4", qs[2].M, 0, 1e-12)
	near(t, "path s at β = 0.4", qs[2].S, 0.56401403582757575, 1e-9)
	near(t, "path β-ELBO at β = 0.4", recon[2]-0.4*kl[2], -1.1044258464290181, 1e-13)
	near(t, "path s at β = 1", qs[3].S, 0.60760699339392524, 1e-9)
}

func fmtCase(x, w, b, sigma, beta float64) string {
	return fmt.Sprintf("(x, w, b, σ, β) = (%.6g, %.6g, %.6g, %.6g, %.6g)", x, w, b, sigma, beta)
}

// For random models of both kinds and random β, Optimum's β-ELBO is at least
// the independent grid search's (less 1e-9 relative), whatever the start, and
// satisfies the first-order conditions for the box.
func TestOptimumGlobalProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	var worst float64
	for i := 0; i < 160; i++ {
		kind := []string{Square, Square, Square, Linear}[i%4]
		// The lab's ranges; every 8th model beyond them (the API's wider ones).
		x, w, b := -4+10*rng.Float64(), -3+6*rng.Float64(), -3+6*rng.Float64()
		sigma, beta := 0.1+2.9*rng.Float64(), 4*rng.Float64()
		if i%8 == 7 {
			x, w, sigma, beta = 60*rng.Float64()-10, 20*rng.Float64()-10, math.Exp(-4.6+6*rng.Float64()), MaxBeta*rng.Float64()
		}
		if i%10 == 0 {
			beta = 0
		}
		md := mustNew(t, kind, x, w, b, sigma)
		ref := gridMax(func(m, rho float64) float64 { return betaELBO(kind, x, w, b, sigma, beta, m, math.Exp(rho)) }, 121)
		what := kind + " " + fmtCase(x, w, b, sigma, beta)
		for _, from := range []Q{{0, 1}, {-2, 0.1}, {3, 0.02}} {
			q, err := md.Optimum(beta, from)
			if err != nil {
				t.Fatal(err)
			}
			if q.M < MinM || q.M > MaxM || q.S < MinS || q.S > MaxS {
				t.Fatalf("%s: %+v outside the box", what, q)
			}
			got := betaELBO(kind, x, w, b, sigma, beta, q.M, q.S)
			if got < ref-1e-9*math.Max(1, math.Abs(ref)) {
				t.Errorf("%s from %+v: β-ELBO %.15g at %+v, the grid found %.15g", what, from, got, q, ref)
			}
			worst = math.Max(worst, (got-ref)/math.Max(1, math.Abs(ref)))
			kkt(t, what, md, q, beta)
		}
	}
	// The grid is a real competitor: it comes within 1e-7 of every optimum.
	t.Logf("largest lead of Optimum over the grid: %g relative", worst)
	if worst > 1e-7 {
		t.Errorf("the grid search trails an optimum by %g relative", worst)
	}
}

// The β path is globally best at every β (against the grid search), and so
// its KL to the prior and its reconstruction never increase with β.
func TestBetaPathGlobalProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	betas := make([]float64, 41)
	for i := range betas {
		betas[i] = 0.1 * float64(i)
	}
	for i := 0; i < 40; i++ {
		kind := []string{Square, Linear}[i%2]
		x, w, b, sigma := -4+10*rng.Float64(), -3+6*rng.Float64(), -3+6*rng.Float64(), 0.1+2.9*rng.Float64() // the lab's ranges
		md := mustNew(t, kind, x, w, b, sigma)
		modes, _ := md.Modes()
		qs, recon, kl, err := md.BetaPath(betas, Q{math.Max(0, modes[len(modes)-1]), 0.5})
		if err != nil {
			t.Fatal(err)
		}
		what := kind + " " + fmtCase(x, w, b, sigma, math.NaN())
		for j := 1; j < len(betas); j++ {
			if kl[j] > kl[j-1]+1e-9*math.Max(1, kl[j-1]) || recon[j] > recon[j-1]+1e-9*math.Max(1, math.Abs(recon[j-1])) {
				t.Errorf("%s: at β = %v KL %v → %v, recon %v → %v", what, betas[j], kl[j-1], kl[j], recon[j-1], recon[j])
			}
		}
		if i >= 8 { // the grid on a few models: 41 searches each
			continue
		}
		for j, beta := range betas {
			ref := gridMax(func(m, rho float64) float64 { return betaELBO(kind, x, w, b, sigma, beta, m, math.Exp(rho)) }, 81)
			if got := recon[j] - beta*kl[j]; got < ref-1e-9*math.Max(1, math.Abs(ref)) {
				t.Errorf("%s β = %v: path β-ELBO %.15g at %+v, the grid found %.15g", what, beta, got, qs[j], ref)
			}
		}
	}
}

func TestQuadRoots(t *testing.T) {
	cases := []struct {
		a, b, c float64
		want    []float64
	}{
		{1, -3, 2, []float64{2, 1}},                   // (v − 2)(v − 1)
		{2, 0, -8, []float64{-2, 2}},                  // 2(v² − 4)
		{1, 1, 1, nil},                                // no real root
		{1, 0, 0, []float64{0}},                       // v² = 0
		{3, -4.2, 3 * 0.7 * 0.7, []float64{0.7, 0.7}}, // 3(v − 0.7)²: b² − 4ac rounds to −3.6e-15
		{6, 1e6, 1, []float64{-166666.66666566666667, -1.000000000006e-6}}, // the small root without cancellation (mpmath)
	}
	for _, c := range cases {
		got := quadRoots(c.a, c.b, c.c)
		if len(got) != len(c.want) {
			t.Errorf("quadRoots(%v, %v, %v) = %v, want %v", c.a, c.b, c.c, got, c.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-14*math.Abs(c.want[i]) {
				t.Errorf("quadRoots(%v, %v, %v)[%d] = %.17g, want %.17g", c.a, c.b, c.c, i, got[i], c.want[i])
			}
		}
	}
	// With w = 0 the square model's β-ELBO is −β·KL(q‖p(z)) plus a constant:
	// its optimum is the prior for β > 0 and any q (the start is kept) for β = 0.
	md := mustNew(t, Square, 1.3, 0, 0.2, 0.8)
	if q, _ := md.Optimum(0.5, Q{2, 0.3}); q != (Q{0, 1}) {
		t.Errorf("w = 0, β = 0.5: %+v, want the prior", q)
	}
	if q, _ := md.Optimum(0, Q{2, 0.3}); q != (Q{2, 0.3}) {
		t.Errorf("w = 0, β = 0: %+v, want the start", q)
	}
}
