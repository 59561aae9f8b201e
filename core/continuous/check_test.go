package continuous

import (
	"math"
	"testing"

	"github.com/klplayground/klplay/core/distribution"
)

func TestCheckAgreesWithDist(t *testing.T) {
	p, q := mustParams(t, "normal", 0, 1), mustParams(t, "normal", 1, 1.5)
	c, err := Check(p, q, 20000, 7, math.E)
	if err != nil {
		t.Fatal(err)
	}
	if !c.HasClosed || !near(c.Closed.Value, klN01N115, 1e-12) || c.Closed.Method != "closed-form" {
		t.Errorf("closed %v", c.Closed)
	}
	if c.Numeric.Method != "quadrature" || !near(c.Numeric.Value, klN01N115, 1e-8) {
		t.Errorf("quadrature %v", c.Numeric)
	}
	if c.Reference != c.Closed.Value {
		t.Errorf("reference %v", c.Reference)
	}
	// Each MC estimate is exactly distribution.KL's Monte Carlo with the same seed.
	for e, est := range Estimators {
		r, err := distribution.KL(p, q, distribution.Options{Base: math.E, Method: "monte-carlo", Samples: 20000, Seed: 7, Estimator: string(est)})
		if err != nil {
			t.Fatal(err)
		}
		if c.MC[e].Mean != r.Value || c.MC[e].StdErr != r.StdErr {
			t.Errorf("%s: %v ± %v, distribution.KL %v", est, c.MC[e].Mean, c.MC[e].StdErr, r)
		}
	}
	// k1 and k3 are within 4 standard errors of the truth; k3's standard error is smaller than k1's.
	for _, e := range []int{0, 2} {
		if math.Abs(c.MC[e].Mean-klN01N115) > 4*c.MC[e].StdErr {
			t.Errorf("%s = %v ± %v, truth %v", Estimators[e], c.MC[e].Mean, c.MC[e].StdErr, klN01N115)
		}
	}
	// Q is wider than √2·P here, so q/p has infinite variance under P and so
	// does k3 = q/p − 1 − log(q/p): its standard error is the larger one.
	if !(c.MC[2].StdErr > c.MC[0].StdErr) {
		t.Errorf("k3 se %v not above k1 se %v", c.MC[2].StdErr, c.MC[0].StdErr)
	}
	// The same seed gives the same answer.
	c2, _ := Check(p, q, 20000, 7, math.E)
	if c2.MC != c.MC || c2.Bias[0][2] != c.Bias[0][2] {
		t.Error("Check is not reproducible")
	}
}

// The series shows what the estimators are: k1 and k3 unbiased (bias within a
// few standard errors of the replication mean), k2 biased by a constant that
// does not shrink with n, spreads falling like 1/√n, and k3 less spread than k1
// (for this close pair; see TestCheckAgreesWithDist for one where it is not).
func TestCheckSeries(t *testing.T) {
	// N(0,1)‖N(0.5,1.1), by mpmath quad: KL = 0.11183910542415956811854740592,
	// E[r²/2] = 0.09916089801707186393703691517 (what k2 estimates),
	// Var k1 = 0.1858, Var k3 = 0.0963 per draw.
	const kl, ek2 = 0.11183910542415956811854740592, 0.09916089801707186393703691517
	p, q := mustParams(t, "normal", 0, 1), mustParams(t, "normal", 0.5, 1.1)
	c, err := Check(p, q, 1000, 3, math.E)
	if err != nil {
		t.Fatal(err)
	}
	k := len(SeriesNs)
	if len(c.Ns) != k || len(c.Bias[0]) != k || len(c.Spread[2]) != k {
		t.Fatalf("series lengths %d %d %d", len(c.Ns), len(c.Bias[0]), len(c.Spread[2]))
	}
	reps := math.Sqrt(float64(SeriesReps))
	for j := range c.Ns {
		for _, e := range []int{0, 2} {
			if math.Abs(c.Bias[e][j]) > 4*c.Spread[e][j]/reps {
				t.Errorf("n=%v %s bias %v, spread %v", c.Ns[j], Estimators[e], c.Bias[e][j], c.Spread[e][j])
			}
		}
		if c.Spread[2][j] >= c.Spread[0][j] {
			t.Errorf("n=%v: k3 spread %v ≥ k1 spread %v", c.Ns[j], c.Spread[2][j], c.Spread[0][j])
		}
	}
	if !near(c.Reference, kl, 1e-12) {
		t.Errorf("reference %v", c.Reference)
	}
	last := k - 1
	if math.Abs(c.Bias[1][last]-(ek2-kl)) > 4*c.Spread[1][last]/reps {
		t.Errorf("k2 bias %v, want about %v", c.Bias[1][last], ek2-kl)
	}
	if c.Spread[1][last] >= c.Spread[0][last] {
		t.Errorf("k2 spread %v ≥ k1 spread %v", c.Spread[1][last], c.Spread[0][last])
	}
	if r := c.Spread[0][0] / c.Spread[0][last]; r < 6 || r > 14 {
		t.Errorf("k1 spread ratio n=10 / n=1000 = %v, want about 10", r)
	}
}

func TestCheckInfiniteAndDiscrete(t *testing.T) {
	c, err := Check(mustParams(t, "normal", 0, 1), mustParams(t, "exponential", 1), 1000, 1, math.E)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsInf(c.Reference, 1) || len(c.Ns) != 0 {
		t.Errorf("reference %v, Ns %v", c.Reference, c.Ns)
	}
	for e := range c.MC {
		if !math.IsInf(c.MC[e].Mean, 1) {
			t.Errorf("%s = %v, want +Inf", Estimators[e], c.MC[e].Mean)
		}
	}
	// Poisson(3)‖Poisson(5): closed form λp log(λp/λq) + λq − λp = 3 log 0.6 + 2; series agrees.
	c, err = Check(mustParams(t, "poisson", 3), mustParams(t, "poisson", 5), 1000, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := (3*math.Log(0.6) + 2) / math.Ln2
	if !c.HasClosed || !near(c.Closed.Value, want, 1e-12) || c.Numeric.Method != "series" || !near(c.Numeric.Value, want, 1e-10) {
		t.Errorf("poisson: closed %v numeric %v, want %v bits", c.Closed, c.Numeric, want)
	}
	// A mixture: no closed form; the reference is the quadrature.
	mix := mustParams(t, "mixture", 3, -2, 0.5, 7, 1, 1)
	c, err = Check(mix, mustParams(t, "normal", 0, 2), 500, 1, math.E)
	if err != nil {
		t.Fatal(err)
	}
	if c.HasClosed || c.Numeric.Method != "quadrature" || !near(c.Reference, klMixN, 1e-8) {
		t.Errorf("mixture: %+v", c)
	}
}

func TestCheckErrors(t *testing.T) {
	n := mustParams(t, "normal", 0, 1)
	if _, err := Check(n, n, 0, 1, math.E); err == nil {
		t.Error("0 samples accepted")
	}
	if _, err := Check(n, n, 10, 1, -1); err == nil {
		t.Error("base −1 accepted")
	}
	if _, err := Check(n, mustParams(t, "poisson", 1), 10, 1, math.E); err == nil {
		t.Error("density vs mass function accepted")
	}
	if c, err := Check(n, n, 1, 0, math.E); err != nil || c.Seed != distribution.DefaultSeed || !math.IsInf(c.MC[0].StdErr, 1) {
		t.Errorf("one sample: %+v %v", c, err)
	}
}
