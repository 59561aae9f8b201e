package distribution

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/klplayground/klplay/core/input"
)

// MassOutside against 1 − Q(supp P) derived by hand; the decimals are
// mpmath at 40 digits of the closed forms in the comments (Φ the normal CDF).
func TestMassOutside(t *testing.T) {
	cases := []struct {
		name string
		p, q Dist
		want float64
	}{
		// Q(supp P) = 1/3: Q spreads over three units, P covers one.
		{"uniform in wider uniform", Uniform{0, 1}, Uniform{-1, 2}, 2.0 / 3},
		{"uniform overlapping uniform", Uniform{0, 1}, Uniform{0.5, 3}, 0.8},                  // Q(supp P) = 0.5/2.5
		{"beta vs normal", Beta{2, 3}, Normal{0.5, 0.25}, 0.045500263896358414401},            // 2Φ(−2)
		{"beta vs narrow normal", Beta{2, 2}, Normal{0.5, 0.05}, 1.5239706048321052132e-23},   // 2Φ(−10): no cancellation
		{"exponential vs normal", Exponential{1}, Normal{1, 2}, 0.30853753872598689636},       // Φ(−½)
		{"gamma vs laplace", Gamma{2, 1}, Laplace{1, 0.5}, 0.067667641618306345947},           // ½e⁻²
		{"gamma vs left laplace", Gamma{2, 1}, Laplace{-1, 1}, 0.8160602794142788392},         // 1 − ½e⁻¹
		{"uniform vs lognormal", Uniform{1, math.E}, LogNormal{0, 1}, 0.65865525393145705141}, // Φ(0) + 1 − Φ(1)
		{"uniform vs gamma", Uniform{0, 2}, Gamma{3, 2}, 0.23810330555354434382},              // Q(X > 2) = 13e⁻⁴
		{"uniform vs beta", Uniform{0, 0.5}, Beta{2, 3}, 0.3125},                              // 1 − I½(2,3) = 5/16
		{"uniform vs exponential", Uniform{0, 1}, Exponential{2}, 0.13533528323661269189},     // e⁻²
		// Mixtures: Q's mass is the weighted sum; P's support has gaps.
		{"beta vs normal mixture", Beta{2, 2}, mix([]float64{0.3, 0.7}, Normal{0, 1}, Normal{0.5, 0.1}),
			0.1975969774916377463}, // 0.3(Φ(0) + Φ(−1)) + 0.7·2Φ(−5)
		{"uniform mixture with a gap", mix([]float64{0.5, 0.5}, Uniform{0, 1}, Uniform{2, 3}), Uniform{0, 4}, 0.5}, // (1,2) and (3,4)
		{"exponential vs mixed mixture", Exponential{1}, mix([]float64{0.4, 0.6}, Gamma{2, 1}, Normal{1, 2}),
			0.18512252323559213782}, // 0.4·0 + 0.6Φ(−½)
		{"zero-weight component ignored", mix([]float64{1, 0}, Uniform{0, 1}, Uniform{5, 6}), Uniform{0, 2}, 0.5},
		// supp Q ⊆ supp P: nothing outside, Q(supp P) = 1.
		{"normal vs laplace", Normal{0, 1}, Laplace{3, 2}, 0},
		{"normal mixture vs normal", mix([]float64{0.5, 0.5}, Normal{-2, 0.6}, Normal{2, 0.6}), Normal{0, 2.2}, 0},
		{"normal vs normal mixture", Normal{0, 1}, mix([]float64{0.5, 0.5}, Normal{-2, 0.6}, Normal{2, 0.6}), 0},
		{"beta vs beta", Beta{2, 3}, Beta{0.5, 0.5}, 0},
		{"gamma vs lognormal", Gamma{3, 1.5}, LogNormal{0.6, 0.5}, 0},
		{"exponential vs gamma", Exponential{1}, Gamma{2, 3}, 0},
		{"uniform vs beta on [0,1]", Uniform{0, 1}, Beta{2, 5}, 0},
		{"wider uniform vs uniform", Uniform{-1, 2}, Uniform{0, 1}, 0},
		{"normal vs uniform", Normal{0, 1}, Uniform{-1, 1}, 0},
		{"normal vs exponential", Normal{0, 1}, Exponential{1}, 0},
		// Mass functions.
		{"bernoulli(1) vs bernoulli", Bernoulli{1}, Bernoulli{0.3}, 0.7},
		{"bernoulli(0) vs bernoulli", Bernoulli{0}, Bernoulli{0.3}, 0.3},
		{"bernoulli vs poisson", Bernoulli{0.5}, Poisson{2}, 0.59399415029016192432},                                    // 1 − 3e⁻²
		{"categorical with a hole vs poisson", Categorical{[]float64{0.5, 0, 0.5}}, Poisson{1}, 0.44818083824283651761}, // q(1) + Q(X ≥ 3) = 1 − 1.5e⁻¹
		{"categorical vs longer categorical", Categorical{[]float64{0.2, 0.8}}, Categorical{[]float64{0.1, 0.2, 0.7}}, 0.7},
		{"bernoulli vs bernoulli", Bernoulli{0.4}, Bernoulli{0.9}, 0},
		{"poisson vs poisson", Poisson{3}, Poisson{5}, 0},
		{"poisson vs categorical", Poisson{3}, Categorical{[]float64{0.5, 0.5}}, 0},
	}
	for _, c := range cases {
		got, err := MassOutside(c.p, c.q)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got != c.want && !(math.Abs(got-c.want) <= 1e-13*c.want) {
			t.Errorf("%s: MassOutside = %.17g, want %.17g", c.name, got, c.want)
		}
	}
}

// cdf of every continuous family against mpmath (40 digits) of its closed
// form: Φ, ½e^z, 1 − e^−λx, the regularized incomplete gamma and beta
// functions, (x − a)/(b − a); both F and S to 1e-13 relative, so that each
// tail keeps its digits.
func TestCDF(t *testing.T) {
	cases := []struct {
		d       Dist
		x, f, s float64
	}{
		{Normal{1, 2}, -3, 0.0227501319481792072, 0.9772498680518207928},
		{Normal{1, 2}, 1, 0.5, 0.5},
		{Normal{1, 2}, 9, 0.99996832875816688008, 0.000031671241833119921254},
		{Normal{1, 2}, -15, 6.2209605742717841235e-16, 0.9999999999999993779},
		{LogNormal{0.3, 0.8}, 0.2, 0.0084979275152336064512, 0.99150207248476639355},
		{LogNormal{0.3, 0.8}, 1.5, 0.5524411692750834628, 0.4475588307249165372},
		{LogNormal{0.3, 0.8}, 20, 0.99962370237555069149, 0.00037629762444930851359},
		{LogNormal{0.3, 0.8}, -1, 0, 1},
		{Laplace{-1, 0.7}, -5, 0.0016492528779695458415, 0.99835074712203045416},
		{Laplace{-1, 0.7}, -1, 0.5, 0.5},
		{Laplace{-1, 0.7}, 0.5, 0.94134041695287461337, 0.058659583047125386631},
		{Laplace{-1, 0.7}, 12, 0.99999999569967722017, 4.3003227798251637819e-9},
		{Exponential{1.5}, 0.01, 0.014888060396937338525, 0.98511193960306266148},
		{Exponential{1.5}, 1, 0.77686983985157017107, 0.22313016014842982893},
		{Exponential{1.5}, 30, 0.99999999999999999997, 2.8625185805493936445e-20},
		{Exponential{1.5}, -1, 0, 1},
		{Gamma{2.5, 1.2}, 0.1, 0.0013781432359293096469, 0.99862185676407069035},
		{Gamma{2.5, 1.2}, 2, 0.55922703191333704554, 0.44077296808666295446},
		{Gamma{2.5, 1.2}, 40, 0.99999999999999999963, 3.6778174384969124178e-19},
		{Gamma{2.5, 1.2}, 0, 0, 1},
		{Beta{0.7, 3}, 1e-6, 0.00014480459130730378595, 0.99985519540869269621},
		{Beta{0.7, 3}, 0.1, 0.42138942460985252741, 0.57861057539014747259},
		{Beta{0.7, 3}, 0.9, 0.99945178162457496129, 0.00054821837542503870644},
		{Beta{0.7, 3}, 0, 0, 1},
		{Beta{0.7, 3}, 1, 1, 0},
		{Uniform{-2, 5}, -2, 0, 1},
		{Uniform{-2, 5}, 0.1, 0.3, 0.7},
		{Uniform{-2, 5}, 5, 1, 0},
		{Uniform{-2, 5}, 7, 1, 0},
	}
	near := func(got, want float64) bool { return got == want || math.Abs(got-want) <= 1e-13*math.Abs(want) }
	for _, c := range cases {
		if f, s := cdf(c.d, c.x); !near(f, c.f) || !near(s, c.s) {
			t.Errorf("%s at %v: F = %.17g, S = %.17g; want %.17g, %.17g", c.d.Family(), c.x, f, s, c.f, c.s)
		}
	}
}

func TestMassOutsideErrors(t *testing.T) {
	var e *input.Error
	if _, err := MassOutside(Normal{0, 1}, Poisson{2}); !errors.As(err, &e) || e.Code != input.Invalid || e.Arg != "q" {
		t.Errorf("density vs mass function: %v", err)
	}
	if _, err := MassOutside(Normal{0, -1}, Normal{0, 1}); !errors.As(err, &e) || e.Arg != "p.sigma" {
		t.Errorf("invalid p: %v", err)
	}
	if _, err := MassOutside(Normal{0, 1}, nil); !errors.As(err, &e) || e.Arg != "q" {
		t.Errorf("nil q: %v", err)
	}
}

// Q(supp P) = E_P[q/p]: the Monte Carlo mean of q/p over draws from P agrees
// with 1 − MassOutside, the identity behind k3's bias.
func TestMassOutsideIsMeanRatio(t *testing.T) {
	pairs := [][2]Dist{
		{Exponential{1}, Normal{1, 2}},
		{Uniform{0, 1}, Uniform{-1, 2}},
		{Uniform{0, 2}, Gamma{3, 2}},
		{Normal{0, 1}, Normal{0.5, 1.1}},
	}
	for _, pq := range pairs {
		p, q := pq[0], pq[1]
		out, err := MassOutside(p, q)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(3, 4))
		const n = 200000
		var sum, sum2 float64
		for i := 0; i < n; i++ {
			x := p.Rand(r)
			v := math.Exp(q.LogProb(x) - p.LogProb(x))
			sum += v
			sum2 += v * v
		}
		mean := sum / n
		se := math.Sqrt((sum2/n - mean*mean) / n)
		if math.Abs(mean-(1-out)) > 4*se+1e-12 {
			t.Errorf("%s‖%s: mean q/p = %v ± %v, 1 − MassOutside = %v", p.Family(), q.Family(), mean, se, 1-out)
		}
	}
}
