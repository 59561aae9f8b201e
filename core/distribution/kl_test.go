package distribution

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/klplayground/klplay/core/input"
)

func mix(w []float64, c ...Dist) *Mixture {
	m, err := NewMixture(w, c)
	if err != nil {
		panic(err)
	}
	return m
}

// bimodal is the target of the forward/reverse KL lab: ½N(−2,0.6²) + ½N(2,0.6²).
var bimodal = mix([]float64{0.5, 0.5}, Normal{-2, 0.6}, Normal{2, 0.6})

func relDiff(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / math.Max(math.Abs(a), math.Abs(b))
}

// TestKLKnownValues compares KL with values derived by hand from the textbook
// formulas and evaluated to 40 digits with mpmath 1.3.0 (the "mpmath" column
// of the comments); the mixture and gamma‖lognormal values are mpmath.quad
// integrals of p(log p − log q) at 40 digits, independent of this package.
func TestKLKnownValues(t *testing.T) {
	cat := Categorical{P: []float64{0.1, 0.2, 0.7}}
	uni3 := Categorical{P: []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}}
	cases := []struct {
		name   string
		p, q   Dist
		want   float64
		method string
		tol    float64
	}{
		// log(σq/σp) + (σp² + (μp−μq)²)/(2σq²) − ½ = log 2 + 2/8 − ½.
		{"normal", Normal{0, 1}, Normal{1, 2}, 0.4431471805599453, MethodClosedForm, 1e-15},
		// Same for the logs.
		{"lognormal", LogNormal{0, 1}, LogNormal{1, 2}, 0.4431471805599453, MethodClosedForm, 1e-15},
		// log(s) + 1/(2s²) − ½ with s = 1+1e-6: 9.999983333355833e-13 (mpmath).
		{"normal near-identical", Normal{0, 1}, Normal{0, 1 + 1e-6}, 9.999983333355833e-13, MethodClosedForm, 1e-9},
		// log(λ1/λ2) + λ2/λ1 − 1 = 1 − log 2.
		{"exponential", Exponential{1}, Exponential{2}, 0.30685281944005469, MethodClosedForm, 1e-15},
		// log(bq/bp) + |Δμ|/bq + (bp/bq)e^{−|Δμ|/bp} − 1 = log 2 + ½ + e⁻¹/2 − 1.
		{"laplace", Laplace{0, 1}, Laplace{1, 2}, 0.37708690114566647, MethodClosedForm, 1e-15},
		// (kp−kq)ψ(kp) − lnΓ(kp) + lnΓ(kq) + kq ln(θp/θq) + kp(θq−θp)/θp = 1 + γ − 2 ln 2.
		{"gamma", Gamma{2, 1}, Gamma{3, 2}, 0.19092130378164224, MethodClosedForm, 1e-14},
		// KL(Beta(2,2)‖U(0,1)) = −H(Beta(2,2)) = ln 6 − 5/3.
		{"beta", Beta{2, 2}, Beta{1, 1}, 0.12509280256138833, MethodClosedForm, 1e-14},
		{"beta‖uniform", Beta{2, 2}, Uniform{0, 1}, 0.12509280256138833, MethodClosedForm, 1e-14},
		// log((max_q−min_q)/(max_p−min_p)) = log 3.
		{"uniform", Uniform{0, 1}, Uniform{-1, 2}, 1.0986122886681098, MethodClosedForm, 1e-15},
		// λp log(λp/λq) + λq − λp = 1 + 2 log(2/3).
		{"poisson", Poisson{2}, Poisson{3}, 0.18906978378367124, MethodClosedForm, 1e-14},
		// ½ log(½/¼) + ½ log(½/¾) = ½ log(4/3).
		{"bernoulli", Bernoulli{0.5}, Bernoulli{0.25}, 0.14384103622589046, MethodClosedForm, 1e-15},
		// log 3 − H(0.1, 0.2, 0.7).
		{"categorical", cat, uni3, math.Log(3) + 0.1*math.Log(0.1) + 0.2*math.Log(0.2) + 0.7*math.Log(0.7), MethodClosedForm, 1e-14},
		{"bernoulli‖categorical", Bernoulli{0.5}, Categorical{P: []float64{0.75, 0.25}}, 0.14384103622589046, MethodClosedForm, 1e-15},
		// −H(Bern(p)) + λ − p log λ (log 0! = log 1! = 0) with p = ½, λ = 1: 1 − log 2.
		{"bernoulli‖poisson", Bernoulli{0.5}, Poisson{1}, 0.30685281944005469, MethodClosedForm, 1e-15},
		// −k log(θ/λ) + θ/λ + lnΓ(k) + kγ − (1+γ) = γ for k = 2, θ = λ = 1.
		{"exponential‖gamma", Exponential{1}, Gamma{2, 1}, 0.57721566490153286, MethodClosedForm, 1e-15},
		// −log(b−a) + ½ log 2π + ((b−a)²/12 + ((a+b)/2 − μ)²)/(2σ²).
		{"uniform‖normal", Uniform{0, 1}, Normal{0, 1}, 1.0856051998713394, MethodClosedForm, 1e-15},
		// −log(b−a) − log λ + λ(a+b)/2.
		{"uniform‖exponential", Uniform{0, 1}, Exponential{1}, 0.5, MethodClosedForm, 1e-15},
		{"beta‖exponential", Beta{1, 1}, Exponential{1}, 0.5, MethodClosedForm, 1e-15},
		// −½ log 2πe + log 2b + E|X|/b, E|X| = √(2/π).
		{"normal‖laplace", Normal{0, 1}, Laplace{0, 1}, 0.072093208158137924, MethodClosedForm, 1e-13},
		// −1 − log 2b + ½ log 2πσ² + (2b² + Δ²)/(2σ²) = ½ log 2π − log 2.
		{"laplace‖normal", Laplace{0, 1}, Normal{0, 1}, 0.22579135264472743, MethodClosedForm, 1e-15},
		// −H(LN(0,2)) + ½ log 2π + E[X²]/2, E[X²] = e⁸ (mpmath).
		{"lognormal‖normal", LogNormal{0, 2}, Normal{0, 1}, 1489.2858463403042, MethodClosedForm, 1e-14},
		// mpmath.quad, 40 digits.
		{"normal‖bimodal mixture", Normal{0, 2.1}, bimodal, 1.2842213973425221, MethodQuadrature, 1e-12},
		{"gamma‖lognormal", Gamma{3, 2}, LogNormal{0, 1}, 0.21797800273651655, MethodQuadrature, 1e-12},
		// Supports that do not nest.
		{"normal‖exponential", Normal{0, 1}, Exponential{1}, math.Inf(1), MethodClosedForm, 0},
		{"uniform[0,2]‖uniform[0,1]", Uniform{0, 2}, Uniform{0, 1}, math.Inf(1), MethodClosedForm, 0},
		{"bernoulli‖bernoulli(0)", Bernoulli{0.5}, Bernoulli{0}, math.Inf(1), MethodClosedForm, 0},
		{"bernoulli(0)‖bernoulli(0)", Bernoulli{0}, Bernoulli{0}, 0, MethodClosedForm, 0},
		{"poisson‖categorical", Poisson{1}, cat, math.Inf(1), MethodClosedForm, 0},
		{"categorical‖bernoulli", cat, Bernoulli{0.5}, math.Inf(1), MethodClosedForm, 0},
		{"gamma‖beta", Gamma{2, 1}, Beta{2, 2}, math.Inf(1), MethodClosedForm, 0},
		{"laplace‖mixture of exponentials", Laplace{0, 1}, mix([]float64{1}, Exponential{1}), math.Inf(1), MethodClosedForm, 0},
		{"uniform‖gapped mixture", Uniform{0, 3}, mix([]float64{0.5, 0.5}, Uniform{0, 1}, Uniform{2, 3}), math.Inf(1), MethodQuadrature, 0},
	}
	for _, c := range cases {
		r, err := KL(c.p, c.q, Options{Base: math.E})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if r.Method != c.method {
			t.Errorf("%s: method %s, want %s", c.name, r.Method, c.method)
		}
		if math.IsInf(c.want, 1) || c.want == 0 {
			if r.Value != c.want {
				t.Errorf("%s: KL = %v, want %v", c.name, r.Value, c.want)
			}
			continue
		}
		if d := relDiff(r.Value, c.want); d > c.tol {
			t.Errorf("%s: KL = %.17g, want %.17g (rel %.2g > %.0g)", c.name, r.Value, c.want, d, c.tol)
		}
	}
}

// zoo holds distributions of every family with a range of parameters,
// including shapes < 1 (unbounded densities), narrow and wide scales.
var zoo = []Dist{
	Normal{0, 1}, Normal{1, 2}, Normal{-3, 0.05}, Normal{0.3, 1.0000001},
	Laplace{0, 1}, Laplace{1, 0.5}, Laplace{-2, 3},
	Exponential{1}, Exponential{0.2}, Exponential{7},
	Gamma{2, 1}, Gamma{0.5, 1}, Gamma{9, 3}, Gamma{0.2, 0.1}, Gamma{1, 1},
	Beta{2, 3}, Beta{0.5, 0.5}, Beta{0.3, 4}, Beta{5, 1}, Beta{1, 1},
	Uniform{0, 1}, Uniform{-1, 2}, Uniform{0.2, 0.7}, Uniform{0, 5},
	LogNormal{0, 1}, LogNormal{1, 0.3}, LogNormal{-1, 1.5},
	bimodal,
	mix([]float64{0.3, 0.7}, Laplace{0, 1}, Gamma{2, 2}),
	mix([]float64{0.2, 0.3, 0.5}, Uniform{0, 1}, Beta{2, 5}, Exponential{3}),
}

var discreteZoo = []Dist{
	Poisson{0.5}, Poisson{3}, Poisson{40}, Poisson{3.0000001},
	Bernoulli{0.3}, Bernoulli{0}, Bernoulli{1},
	Categorical{P: []float64{0.2, 0.5, 0.3}}, Categorical{P: []float64{0.6, 0.4}}, Categorical{P: []float64{0, 0.25, 0.75, 0}},
}

// TestClosedFormMatchesQuadrature checks every pair of the zoo that has a
// closed form against forced quadrature (1e-8 relative, or 1e-12 absolute for
// tiny values) and checks the quadrature's own error estimate.
func TestClosedFormMatchesQuadrature(t *testing.T) {
	pairs := map[string]bool{}
	for _, p := range zoo {
		for _, q := range zoo {
			if !covers(p, q) {
				continue
			}
			want, ok := closedKL(p, q)
			if !ok {
				continue
			}
			pairs[pairName(p, q)] = true
			r, err := KL(p, q, Options{Base: math.E, Method: MethodQuadrature})
			if err != nil {
				t.Fatal(err)
			}
			tag := fmt.Sprintf("%v‖%v", p.Spec(), q.Spec())
			if math.Abs(r.Value-want) > math.Max(1e-8*math.Abs(want), 1e-12) {
				t.Errorf("%s: closed %.17g, quadrature %v (rel %.2g)", tag, want, r, relDiff(want, r.Value))
			}
			if r.ErrorEstimate > math.Max(1e-8*math.Abs(want), 1e-12) {
				t.Errorf("%s: quadrature error estimate %.3g", tag, r.ErrorEstimate)
			}
		}
	}
	// Every cross-family pair that claims a closed form is exercised.
	for _, name := range ClosedFormPairs {
		if !pairs[name] {
			t.Errorf("closed-form pair %s is not covered by the zoo", name)
		}
	}
	t.Logf("%d family pairs with a closed form checked", len(pairs))
}

// TestKLProperties checks KL ≥ 0 and KL(P‖P) = 0 for every method that applies.
func TestKLProperties(t *testing.T) {
	all := append(append([]Dist{}, zoo...), discreteZoo...)
	for _, p := range all {
		for _, m := range []string{"", MethodQuadrature, MethodSeries} {
			if methodApplies(p, p, m) != nil {
				continue
			}
			r, err := KL(p, p, Options{Base: math.E, Method: m})
			if err != nil {
				t.Fatal(err)
			}
			if r.Value != 0 {
				t.Errorf("KL(%v‖itself) by %q = %v, want 0", p.Spec(), m, r)
			}
		}
		for _, q := range all {
			if p.Discrete() != q.Discrete() {
				if _, err := KL(p, q, Options{Base: math.E}); !isCode(err, input.Invalid) {
					t.Errorf("%s: discrete vs continuous gave %v", pairName(p, q), err)
				}
				continue
			}
			r, err := KL(p, q, Options{Base: math.E})
			if err != nil {
				t.Fatalf("%s: %v", pairName(p, q), err)
			}
			if !(r.Value >= 0) {
				t.Errorf("KL(%v‖%v) = %v", p.Spec(), q.Spec(), r)
			}
		}
	}
}

func isCode(err error, c input.Code) bool {
	var e *input.Error
	return errors.As(err, &e) && e.Code == c
}

// TestSeriesMatchesClosedForm forces the series for Poisson pairs and finite
// distributions and compares it with the closed forms.
func TestSeriesMatchesClosedForm(t *testing.T) {
	for _, p := range discreteZoo {
		for _, q := range discreteZoo {
			want, err := KL(p, q, Options{Base: math.E, Method: MethodClosedForm})
			if err != nil {
				t.Fatal(err)
			}
			got, err := KL(p, q, Options{Base: math.E, Method: MethodSeries})
			if err != nil {
				t.Fatal(err)
			}
			if got.Method != MethodSeries {
				t.Errorf("method %s", got.Method)
			}
			if math.IsInf(want.Value, 1) != math.IsInf(got.Value, 1) ||
				math.Abs(got.Value-want.Value) > math.Max(1e-12*want.Value, 1e-15) {
				t.Errorf("%v‖%v: series %v, closed %v", p.Spec(), q.Spec(), got, want)
			}
			if got.ErrorEstimate > 1e-12*math.Max(want.Value, 1) {
				t.Errorf("%v‖%v: series error estimate %v", p.Spec(), q.Spec(), got.ErrorEstimate)
			}
		}
	}
	// A large rate sums from the mode outwards: KL(Poi(1e6)‖Poi(1e6+1000)).
	p, q := Poisson{1e6}, Poisson{1e6 + 1000}
	s, _ := KL(p, q, Options{Base: math.E, Method: MethodSeries})
	c, _ := KL(p, q, Options{Base: math.E})
	if relDiff(s.Value, c.Value) > 1e-9 {
		t.Errorf("Poisson 1e6: series %v, closed %v", s, c)
	}
}

// TestEntropy compares the closed-form entropies with quadrature of −∫ p log p
// (densities) and with the series (mass functions), and checks known values.
func TestEntropy(t *testing.T) {
	for _, d := range append(append([]Dist{}, zoo...), discreteZoo...) {
		h, ok := d.Entropy()
		forced := MethodQuadrature
		if d.Discrete() {
			forced = MethodSeries
		}
		r, err := Entropy(d, Options{Base: math.E, Method: forced})
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			auto, err := Entropy(d, Options{Base: math.E})
			if err != nil || auto.Method != MethodQuadrature || auto.Value != r.Value {
				t.Errorf("%v: auto entropy %v %v", d.Spec(), auto, err)
			}
			continue
		}
		if math.Abs(r.Value-h) > math.Max(1e-8*math.Abs(h), 1e-12) {
			t.Errorf("%v: H closed %.17g, %s %v", d.Spec(), h, forced, r)
		}
	}
	// Known values: H(N(0,1)) = ½ log 2πe; H(Exp(1)) = 1; H(U(0,5)) = log 5;
	// H(Gamma(1,1)) = 1; H(mixture) = 1.6000190332530316 (mpmath.quad).
	known := []struct {
		d    Dist
		want float64
	}{
		{Normal{0, 1}, 1.4189385332046727}, {Exponential{1}, 1}, {Uniform{0, 5}, math.Log(5)},
		{Gamma{1, 1}, 1}, {bimodal, 1.6000190332530316}, {Bernoulli{0.5}, math.Ln2},
	}
	for _, k := range known {
		r, err := Entropy(k.d, Options{Base: math.E})
		if err != nil || relDiff(r.Value, k.want) > 1e-12 {
			t.Errorf("H(%v) = %v, want %.17g (%v)", k.d.Spec(), r, k.want, err)
		}
	}
	// In bits and by Monte Carlo.
	r, _ := Entropy(Bernoulli{0.5}, Options{Base: 2})
	if math.Abs(r.Value-1) > 1e-15 {
		t.Errorf("H(Bern(½)) in bits = %v", r)
	}
	mc, _ := Entropy(bimodal, Options{Base: math.E, Method: MethodMonteCarlo, Samples: 20000, Seed: 3})
	if math.Abs(mc.Value-1.6000190332530316) > 4*mc.StdErr {
		t.Errorf("MC entropy %v", mc)
	}
	if _, err := Entropy(bimodal, Options{Base: math.E, Method: MethodClosedForm}); !isCode(err, input.UnknownName) {
		t.Errorf("closed-form mixture entropy: %v", err)
	}
	if _, err := Entropy(Poisson{2}, Options{Base: math.E, Method: MethodQuadrature}); !isCode(err, input.UnknownName) {
		t.Errorf("quadrature Poisson entropy: %v", err)
	}
	if r, _ := Entropy(Poisson{2}, Options{Base: math.E}); r.Method != MethodSeries {
		t.Errorf("Poisson entropy method %s", r.Method)
	}
	if _, err := Entropy(nil, Options{Base: math.E}); !isCode(err, input.Invalid) {
		t.Errorf("nil: %v", err)
	}
	if _, err := Entropy(Normal{0, 1}, Options{Base: math.E, Method: "x"}); !isCode(err, input.UnknownName) {
		t.Errorf("bad method: %v", err)
	}
}

// TestMonteCarlo checks that k1 and k3 estimates fall within 4 standard
// errors of the exact KL, that runs are reproducible, and the options.
func TestMonteCarlo(t *testing.T) {
	pairs := [][2]Dist{
		{Normal{0, 1}, Normal{1, 2}},
		{Gamma{2, 1}, Gamma{3, 2}},
		{Normal{0, 2.1}, bimodal},
		{Beta{2, 3}, Uniform{0, 1}},
		{Poisson{3}, Poisson{4}},
		{Categorical{P: []float64{0.2, 0.5, 0.3}}, Categorical{P: []float64{0.3, 0.3, 0.4}}},
	}
	for _, pq := range pairs {
		exact, err := KL(pq[0], pq[1], Options{Base: math.E})
		if err != nil {
			t.Fatal(err)
		}
		for _, est := range []string{"k1", "k3", ""} {
			o := Options{Base: math.E, Method: MethodMonteCarlo, Samples: 20000, Seed: 7, Estimator: est}
			r, err := KL(pq[0], pq[1], o)
			if err != nil {
				t.Fatal(err)
			}
			if r.Samples != 20000 || r.StdErr <= 0 || r.ErrorEstimate != r.StdErr {
				t.Errorf("%s %s: %v", pairName(pq[0], pq[1]), est, r)
			}
			if math.Abs(r.Value-exact.Value) > 4*r.StdErr {
				t.Errorf("%s %s: MC %v, exact %v", pairName(pq[0], pq[1]), est, r, exact)
			}
			again, _ := KL(pq[0], pq[1], o)
			if again != r {
				t.Errorf("not reproducible: %v vs %v", r, again)
			}
		}
	}
	// Defaults: 10000 samples, seed 1, k3.
	r, err := KL(Normal{0, 1}, Normal{1, 2}, Options{Base: math.E, Method: MethodMonteCarlo})
	if err != nil || r.Samples != DefaultSamples {
		t.Errorf("defaults: %v %v", r, err)
	}
	r1, _ := KL(Normal{0, 1}, Normal{1, 2}, Options{Base: math.E, Method: MethodMonteCarlo, Seed: 1, Estimator: "k3", Samples: DefaultSamples})
	if r != r1 {
		t.Errorf("defaults differ from seed 1, k3: %v %v", r, r1)
	}
	// Infinite KL is found by the support check before sampling.
	if r, _ := KL(Normal{0, 1}, Exponential{1}, Options{Base: math.E, Method: MethodMonteCarlo}); !math.IsInf(r.Value, 1) || r.Method != MethodMonteCarlo {
		t.Errorf("MC normal‖exponential = %v", r)
	}
	// A draw in a gap of a mixture proves KL = +Inf.
	gap := mix([]float64{0.5, 0.5}, Uniform{0, 1}, Uniform{2, 3})
	if r, _ := KL(Uniform{0, 3}, gap, Options{Base: math.E, Method: MethodMonteCarlo}); !math.IsInf(r.Value, 1) {
		t.Errorf("MC into a gap = %v", r)
	}
}

func TestCrossEntropy(t *testing.T) {
	// H(P,Q) = H(P) + KL(P‖Q).
	p, q := Normal{0, 1}, Normal{1, 2}
	r, err := CrossEntropy(p, q, Options{Base: math.E})
	want := 1.4189385332046727 + 0.4431471805599453
	if err != nil || relDiff(r.Value, want) > 1e-15 || r.Method != MethodClosedForm {
		t.Errorf("H(N(0,1), N(1,2)) = %v (%v), want %v", r, err, want)
	}
	// Mixture P: quadrature of −∫p log q equals H(P) + KL by separate quadratures.
	r, err = CrossEntropy(bimodal, Normal{0, 2.1}, Options{Base: math.E})
	h, _ := Entropy(bimodal, Options{Base: math.E})
	k, _ := KL(bimodal, Normal{0, 2.1}, Options{Base: math.E})
	if err != nil || r.Method != MethodQuadrature || relDiff(r.Value, h.Value+k.Value) > 1e-9 {
		t.Errorf("H(mix, N) = %v, H+KL = %v (%v)", r, h.Value+k.Value, err)
	}
	mc, _ := CrossEntropy(bimodal, Normal{0, 2.1}, Options{Base: math.E, Method: MethodMonteCarlo, Samples: 20000})
	if math.Abs(mc.Value-r.Value) > 4*mc.StdErr {
		t.Errorf("MC cross-entropy %v vs %v", mc, r)
	}
	if _, err := CrossEntropy(bimodal, Normal{0, 1}, Options{Base: math.E, Method: MethodClosedForm}); !isCode(err, input.UnknownName) {
		t.Errorf("closed-form: %v", err)
	}
	if r, _ := CrossEntropy(bimodal, Exponential{1}, Options{Base: math.E}); !math.IsInf(r.Value, 1) {
		t.Errorf("support: %v", r)
	}
	if r, _ := CrossEntropy(Uniform{0, 3}, mix([]float64{0.5, 0.5}, Uniform{0, 1}, Uniform{2, 3}), Options{Base: math.E}); !math.IsInf(r.Value, 1) {
		t.Errorf("gap: %v", r)
	}
	if r, _ := CrossEntropy(Normal{0, 1}, Exponential{1}, Options{Base: math.E}); !math.IsInf(r.Value, 1) {
		t.Errorf("support: %v", r)
	}
	// Discrete, in bits: H(Bern(½), Bern(¼)) = 1 + KL/ln 2.
	r, _ = CrossEntropy(Bernoulli{0.5}, Bernoulli{0.25}, Options{Base: 2})
	if relDiff(r.Value, 1+0.14384103622589046/math.Ln2) > 1e-15 {
		t.Errorf("bits: %v", r)
	}
	for _, c := range []struct {
		p, q Dist
		o    Options
		code input.Code
	}{
		{nil, q, Options{Base: math.E}, input.Invalid},
		{p, Poisson{1}, Options{Base: math.E}, input.Invalid},
		{p, q, Options{Base: math.E, Method: "nope"}, input.UnknownName},
		{p, q, Options{Base: math.E, Method: MethodSeries}, input.UnknownName},
		{bimodal, q, Options{Base: math.E, Method: MethodSeries}, input.UnknownName},
		{p, q, Options{Base: 1}, input.BadBase},
	} {
		if _, err := CrossEntropy(c.p, c.q, c.o); !isCode(err, c.code) {
			t.Errorf("CrossEntropy(%v, %v, %+v): %v, want %s", c.p, c.q, c.o, err, c.code)
		}
	}
}

func TestKLErrors(t *testing.T) {
	n := Normal{0, 1}
	cases := []struct {
		name string
		p, q Dist
		o    Options
		code input.Code
		arg  string
	}{
		{"method", n, n, Options{Base: math.E, Method: "simpson"}, input.UnknownName, "method"},
		{"estimator", n, n, Options{Base: math.E, Estimator: "k4"}, input.UnknownName, "estimator"},
		{"samples<0", n, n, Options{Base: math.E, Samples: -1}, input.OutOfRange, "samples"},
		{"samples>max", n, n, Options{Base: math.E, Samples: MaxSamples + 1}, input.TooLarge, "samples"},
		{"base", n, n, Options{Base: -2}, input.BadBase, "base"},
		{"nil p", nil, n, Options{Base: math.E}, input.Invalid, "p"},
		{"nil q", n, nil, Options{Base: math.E}, input.Invalid, "q"},
		{"nil mixture", (*Mixture)(nil), n, Options{Base: math.E}, input.Invalid, "p"},
		{"bad sigma", Normal{0, -1}, n, Options{Base: math.E}, input.OutOfRange, "p.sigma"},
		{"bad q", n, Laplace{math.NaN(), 1}, Options{Base: math.E}, input.NotFinite, "q.mu"},
		{"discrete vs continuous", Poisson{1}, n, Options{Base: math.E}, input.Invalid, "q"},
		{"no closed form", Gamma{2, 1}, LogNormal{0, 1}, Options{Base: math.E, Method: MethodClosedForm}, input.UnknownName, "method"},
		{"no closed form mixture", bimodal, n, Options{Base: math.E, Method: MethodClosedForm}, input.UnknownName, "method"},
		{"quadrature on discrete", Poisson{1}, Poisson{2}, Options{Base: math.E, Method: MethodQuadrature}, input.UnknownName, "method"},
		{"series on continuous", n, n, Options{Base: math.E, Method: MethodSeries}, input.UnknownName, "method"},
		{"too extreme", Beta{1e-300, 1e-20}, Beta{1e300, 0.5}, Options{Base: math.E}, input.OutOfRange, "q"},
	}
	for _, c := range cases {
		_, err := KL(c.p, c.q, c.o)
		var e *input.Error
		if !errors.As(err, &e) || e.Code != c.code || e.Arg != c.arg {
			t.Errorf("%s: got %v, want %s on %q", c.name, err, c.code, c.arg)
		}
	}
	// The message names the pair and the alternative.
	_, err := KL(Gamma{2, 1}, LogNormal{0, 1}, Options{Base: math.E, Method: MethodClosedForm})
	if err == nil || err.Error() != "method: no closed form for gamma‖lognormal; use quadrature" {
		t.Errorf("message: %v", err)
	}
	_, err = KL(Poisson{1}, Categorical{P: []float64{1}}, Options{Base: math.E, Method: MethodClosedForm})
	if err != nil {
		t.Errorf("poisson‖categorical closed form (+Inf): %v", err)
	}
}

func TestKLBase(t *testing.T) {
	r, err := KL(Bernoulli{0.5}, Bernoulli{0.25}, Options{Base: 2})
	if err != nil || relDiff(r.Value, 0.14384103622589046/math.Ln2) > 1e-15 {
		t.Errorf("bits: %v %v", r, err)
	}
	r, _ = KL(Normal{0, 2.1}, bimodal, Options{Base: 2})
	if relDiff(r.Value, 1.2842213973425221/math.Ln2) > 1e-12 || r.ErrorEstimate == 0 {
		t.Errorf("bits quadrature: %v", r)
	}
}

// TestQuadratureHardCases covers unbounded densities at both ends of [0,1],
// mass pressed within 1e-16 of 1 (Beta with β = 0.1), heavy tails, narrow
// peaks far from q, and a q with a kink and a jump inside p's support.
func TestQuadratureHardCases(t *testing.T) {
	cases := [][2]Dist{
		{Beta{0.1, 0.2}, Uniform{0, 1}},
		{Beta{0.5, 0.05}, Beta{2, 2}},
		{Gamma{0.1, 1}, Exponential{1}},
		{LogNormal{0, 2}, Normal{0, 1}},
		{Normal{50, 0.01}, Normal{0, 1}},
		{Uniform{0.1, 0.4}, Beta{0.5, 0.5}},
		{Exponential{1}, LogNormal{3, 0.2}},
	}
	for _, c := range cases {
		want, ok := closedKL(c[0], c[1])
		if !ok {
			t.Fatalf("%s has no closed form", pairName(c[0], c[1]))
		}
		r, err := KL(c[0], c[1], Options{Base: math.E, Method: MethodQuadrature})
		if err != nil || math.Abs(r.Value-want) > 1e-8*want {
			t.Errorf("%v‖%v: quadrature %v, closed %.17g (rel %.2g) %v", c[0].Spec(), c[1].Spec(), r, want, relDiff(r.Value, want), err)
		}
	}
	// A q with a jump (uniform component) and a kink (Laplace) inside p's support.
	q := mix([]float64{0.5, 0.5}, Uniform{-1, 1}, Laplace{0.5, 1})
	r, err := KL(Normal{0, 1}, q, Options{Base: math.E})
	mc, _ := KL(Normal{0, 1}, q, Options{Base: math.E, Method: MethodMonteCarlo, Samples: 200000, Estimator: "k1"})
	if err != nil || math.Abs(r.Value-mc.Value) > 4*mc.StdErr || r.ErrorEstimate > 1e-9 {
		t.Errorf("normal‖(uniform+laplace): %v, MC %v", r, mc)
	}
}
