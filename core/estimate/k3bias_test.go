package estimate

import (
	"math"
	"math/rand/v2"
	"testing"
)

// uniform is U(lo, hi), for pairs where Q has mass outside P's support.
type uniform struct{ lo, hi float64 }

func (u uniform) LogProb(x float64) float64 {
	if x < u.lo || x > u.hi {
		return math.Inf(-1)
	}
	return -math.Log(u.hi - u.lo)
}
func (u uniform) Rand(r *rand.Rand) float64 { return u.lo + (u.hi-u.lo)*r.Float64() }

// k3's mean is KL − (1 − Q(supp P)), not KL, when Q has mass where p = 0;
// k1 stays unbiased. References: U(0,1)‖U(−1,2) has KL = log 3 and
// Q(supp P) = 1/3, every r = −log 3, so k3 = 1/3 − 1 + log 3 exactly;
// Exp(1)‖N(1, 2²) has KL = 0.73708571376461805120 (mpmath quad of
// e⁻ˣ(−x − log N(x; 1, 4))) and Q(supp P) = Φ(½) = 0.69146246127401310364.
func TestK3BiasOutsideSupport(t *testing.T) {
	cases := []struct {
		name       string
		p, q       Sampler
		kl, qSuppP float64
	}{
		{"uniform in wider uniform", uniform{0, 1}, uniform{-1, 2}, math.Log(3), 1.0 / 3},
		{"exponential vs normal", halfLine{}, normal{1, 2}, 0.73708571376461805120, 0.69146246127401310364},
		{"normal vs normal", normal{0, 1}, normal{0.5, 1.1}, math.Log(1.1) + 1.25/2.42 - 0.5, 1},
	}
	for _, c := range cases {
		want := c.kl - (1 - c.qSuppP)
		m, se, err := MonteCarlo(c.p, c.q, 200000, 5, "k3")
		if err != nil || math.Abs(m-want) > 4*se+1e-12 {
			t.Errorf("%s: k3 = %v ± %v (%v), want KL − (1 − Q(supp P)) = %v", c.name, m, se, err, want)
		}
		if c.qSuppP < 1 && !(math.Abs(m-c.kl) > 10*se) {
			t.Errorf("%s: k3 = %v ± %v is not clearly off KL = %v", c.name, m, se, c.kl)
		}
		m1, se1, _ := MonteCarlo(c.p, c.q, 200000, 5, "k1")
		if math.Abs(m1-c.kl) > 4*se1+1e-12 {
			t.Errorf("%s: k1 = %v ± %v, want KL = %v", c.name, m1, se1, c.kl)
		}
	}
}
