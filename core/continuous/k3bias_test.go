package continuous

import (
	"math"
	"testing"
)

type labPair struct {
	name        string
	pFam        string
	p           []float64
	qFam        string
	q           []float64
	qSuppP      float64 // Q(supp P), derived by hand
	kl          float64 // KL(P‖Q) in nats, independent of the package; 0 when not needed
	finiteVarK3 bool    // E_P[(q/p)²] < ∞, so the Monte Carlo test applies
}

// The pairs, with Q(supp P) by hand (Φ the normal CDF; decimals from mpmath
// at 40 digits) and, where the Monte Carlo test needs it, KL by a closed form
// or mpmath quadrature.
var labPairs = []labPair{
	// P covers a third of Q's width: KL = log 3, Q(supp P) = 1/3, and every
	// log-ratio is log(1/3), so k3 is the constant 1/3 − 1 + log 3.
	{"uniform in wider uniform", "uniform", []float64{0, 1}, "uniform", []float64{-1, 2}, 1.0 / 3, math.Log(3), true},
	{"beta vs normal", "beta", []float64{2, 3}, "normal", []float64{0.5, 0.25}, 0.9544997361036415855994, 0, false}, // 1 − 2Φ(−2)
	// Φ(½); KL = ∫ e⁻ˣ(−x − log N(x; 1, 2²)) dx by mpmath quad.
	{"exponential vs normal", "exponential", []float64{1}, "normal", []float64{1, 2}, 0.6914624612740131036377, 0.7370857137646180511976, true},
	{"gamma vs laplace", "gamma", []float64{2, 1}, "laplace", []float64{1, 0.5}, 0.9323323583816936540530, 0, false}, // 1 − ½e⁻²
	// Shape 0.8 keeps q/p bounded at 0 (and b < 2 in the tail), so k3 has a variance.
	{"gamma(0.8) vs laplace", "gamma", []float64{0.8, 1}, "laplace", []float64{1, 0.5}, 0.9323323583816936540530, 0, true},
	// ½[Φ(3.5) − Φ(−1.5)] + ½[Φ(½) − Φ(−2)]
	{"uniform vs normal mixture", "uniform", []float64{0, 1}, "mixture", []float64{1, 0.3, 0.2, 1, 0.8, 0.4}, 0.8008362494889701526983, 0, true},
	{"exponential vs normal mixture", "exponential", []float64{1}, "mixture", []float64{1, 0, 1, 1, 3, 1}, 0.7493250509841849527367, 0, true}, // 1 − ½·½ − ½Φ(−3)
	{"bernoulli(1) vs bernoulli", "bernoulli", []float64{1}, "bernoulli", []float64{0.3}, 0.3, math.Log(1 / 0.3), true},
	// supp Q ⊆ supp P: Q(supp P) = 1 and k3 is unbiased.
	{"normal mixture vs normal", "mixture", []float64{1, -2, 0.6, 1, 2, 0.6}, "normal", []float64{0, 2.2}, 1, 0, false},
	{"normal vs laplace", "normal", []float64{0, 1}, "laplace", []float64{0.5, 1}, 1, 0, false},
	{"beta vs beta", "beta", []float64{2, 3}, "beta", []float64{0.5, 0.5}, 1, 0, false},
	{"gamma vs lognormal", "gamma", []float64{3, 1.5}, "lognormal", []float64{0.6, 0.5}, 1, 0, false},
	{"exponential vs gamma", "exponential", []float64{1}, "gamma", []float64{2, 3}, 1, 0, false},
	{"uniform vs beta", "uniform", []float64{0, 1}, "beta", []float64{2, 2}, 1, 2 - math.Log(6), true}, // KL = −log 6 + 2
	{"close normals", "normal", []float64{0, 1}, "normal", []float64{0.5, 1.1}, 1, klN01N0511, true},
	{"poisson vs poisson", "poisson", []float64{3}, "poisson", []float64{5}, 1, 3*math.Log(0.6) + 2, true},
	{"wider uniform vs uniform", "uniform", []float64{-1, 2}, "uniform", []float64{0, 1}, 1, math.Inf(1), false}, // KL = ∞
}

// KL(N(0,1)‖N(0.5,1.1²)) = log 1.1 + (1 + 0.25)/(2·1.21) − ½.
var klN01N0511 = math.Log(1.1) + 1.25/2.42 - 0.5

func (c labPair) check(t *testing.T, samples int, base float64) *CheckResult {
	t.Helper()
	r, err := Check(mustParams(t, c.pFam, c.p...), mustParams(t, c.qFam, c.q...), samples, 11, base)
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	return r
}

// Check's QMassOutside is 1 − Q(supp P), and K3Expected is the reference
// minus it, converted to the base.
func TestCheckQMassOutside(t *testing.T) {
	for _, c := range labPairs {
		for _, base := range []float64{math.E, 2} {
			r := c.check(t, 10, base)
			want := 1 - c.qSuppP
			if got := r.QMassOutside; got != want && math.Abs(got-want) > 1e-13 {
				t.Errorf("%s: QMassOutside = %.17g, want 1 − %.17g = %.17g", c.name, got, c.qSuppP, want)
			}
			factor := 1.0
			if base == 2 {
				factor = 1 / math.Ln2
			}
			wantK3 := r.Reference - want*factor
			if math.IsInf(r.Reference, 1) {
				if !math.IsInf(r.K3Expected, 1) {
					t.Errorf("%s: K3Expected = %v with KL = ∞", c.name, r.K3Expected)
				}
			} else if math.Abs(r.K3Expected-wantK3) > 1e-12 {
				t.Errorf("%s base %v: K3Expected = %.17g, want %.17g", c.name, base, r.K3Expected, wantK3)
			}
			if c.kl != 0 && !near(r.Reference, c.kl*factor, 1e-8) {
				t.Errorf("%s base %v: reference %.17g, want %.17g", c.name, base, r.Reference, c.kl*factor)
			}
		}
	}
}

// The k3 sample mean converges to KL − (1 − Q(supp P)), not to KL, when Q
// has mass outside P's support, and to KL when it has none; k1 converges to
// KL either way. The bias series shows the same constant offset at every n.
func TestK3ConvergesToExpected(t *testing.T) {
	const samples = 100000
	reps := math.Sqrt(float64(SeriesReps))
	for _, c := range labPairs {
		if !c.finiteVarK3 {
			continue
		}
		r := c.check(t, samples, math.E)
		out := 1 - c.qSuppP
		want := r.Reference - out
		k1, k3 := r.MC[0], r.MC[2]
		if math.Abs(k3.Mean-want) > 4*k3.StdErr+1e-12 {
			t.Errorf("%s: k3 = %v ± %v, want KL − mass outside = %v", c.name, k3.Mean, k3.StdErr, want)
		}
		if out > 0 && !(math.Abs(k3.Mean-r.Reference) > 10*k3.StdErr) {
			t.Errorf("%s: k3 = %v ± %v is not clearly below KL = %v", c.name, k3.Mean, k3.StdErr, r.Reference)
		}
		if math.Abs(k1.Mean-r.Reference) > 4*k1.StdErr+1e-12 {
			t.Errorf("%s: k1 = %v ± %v, want KL = %v", c.name, k1.Mean, k1.StdErr, r.Reference)
		}
		for j, n := range r.Ns {
			if b, s := r.Bias[2][j], r.Spread[2][j]; math.Abs(b-(r.K3Expected-r.Reference)) > 4*s/reps+1e-12 {
				t.Errorf("%s n=%v: k3 bias %v ± %v, want %v", c.name, n, b, s/reps, r.K3Expected-r.Reference)
			}
		}
	}
}
