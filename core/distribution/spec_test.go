package distribution

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/klplayground/klplay/core/input"
)

func decode(t testing.TB, s string) Spec {
	t.Helper()
	var m Spec
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestParseValid(t *testing.T) {
	cases := []struct {
		json string
		want Dist
	}{
		{`{"family":"normal","mu":0,"sigma":1}`, Normal{0, 1}},
		{`{"family":"laplace","mu":-1,"b":2}`, Laplace{-1, 2}},
		{`{"family":"exponential","rate":3}`, Exponential{3}},
		{`{"family":"gamma","shape":2,"rate":0.5}`, Gamma{2, 0.5}},
		{`{"family":"beta","alpha":0.5,"beta":2}`, Beta{0.5, 2}},
		{`{"family":"uniform","min":-1,"max":1}`, Uniform{-1, 1}},
		{`{"family":"lognormal","mu":0,"sigma":0.5}`, LogNormal{0, 0.5}},
		{`{"family":"poisson","rate":4}`, Poisson{4}},
		{`{"family":"bernoulli","p":0}`, Bernoulli{0}},
		{`{"family":"bernoulli","p":1,"label":"ignored"}`, Bernoulli{1}},
		{`{"family":"categorical","p":[0.25,0.75]}`, Categorical{P: []float64{0.25, 0.75}}},
	}
	for _, c := range cases {
		d, err := Parse(decode(t, c.json))
		if err != nil {
			t.Errorf("%s: %v", c.json, err)
			continue
		}
		if !reflect.DeepEqual(d, c.want) {
			t.Errorf("%s: got %#v", c.json, d)
		}
		// Spec round-trips through Parse and through JSON.
		back, err := Parse(d.Spec())
		if err != nil || !reflect.DeepEqual(back, d) {
			t.Errorf("%s: Spec round trip %#v, %v", c.json, back, err)
		}
		b, _ := json.Marshal(d.Spec())
		back, err = Parse(decode(t, string(b)))
		if err != nil || !reflect.DeepEqual(back, d) {
			t.Errorf("%s: JSON round trip %s %v", c.json, b, err)
		}
	}
	// A mixture, with Go-typed values: []float64, ints, []Spec.
	m, err := Parse(Spec{
		"family":  "mixture",
		"weights": []float64{0.25, 0.75},
		"components": []Spec{
			{"family": "normal", "mu": int64(-2), "sigma": float32(0.5)},
			{"family": "gamma", "shape": int64(2), "rate": uint8(1)},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := mix([]float64{0.25, 0.75}, Normal{-2, 0.5}, Gamma{2, 1})
	if !reflect.DeepEqual(m, want) {
		t.Errorf("mixture %#v", m)
	}
	b, _ := json.Marshal(m.Spec())
	back, err := Parse(decode(t, string(b)))
	if err != nil || !reflect.DeepEqual(back, m) {
		t.Errorf("mixture JSON round trip %s: %v", b, err)
	}
}

func TestParseErrors(t *testing.T) {
	big := make([]any, MaxCategories+1)
	for i := range big {
		big[i] = 1.0 / float64(len(big))
	}
	comps := make([]any, MaxComponents+1)
	ws := make([]any, MaxComponents+1)
	for i := range comps {
		comps[i] = Spec{"family": "normal", "mu": 0.0, "sigma": 1.0}
		ws[i] = 1.0 / float64(len(comps))
	}
	cases := []struct {
		spec Spec
		code input.Code
		arg  string
	}{
		{nil, input.WrongType, "family"},
		{Spec{}, input.WrongType, "family"},
		{Spec{"family": 3.0}, input.WrongType, "family"},
		{Spec{"family": "cauchy"}, input.UnknownFamily, "family"},
		{Spec{"family": "Normal", "mu": 0.0, "sigma": 1.0}, input.UnknownFamily, "family"},
		{Spec{"family": "normal", "mu": 0.0}, input.WrongType, "sigma"},
		{Spec{"family": "normal", "mu": "0", "sigma": 1.0}, input.WrongType, "mu"},
		{Spec{"family": "normal", "mu": true, "sigma": 1.0}, input.WrongType, "mu"},
		{Spec{"family": "normal", "mu": nil, "sigma": 1.0}, input.WrongType, "mu"},
		{Spec{"family": "normal", "mu": []any{1.0}, "sigma": 1.0}, input.WrongType, "mu"},
		{Spec{"family": "normal", "mu": Spec{}, "sigma": 1.0}, input.WrongType, "mu"},
		{Spec{"family": "normal", "mu": struct{}{}, "sigma": 1.0}, input.WrongType, "mu"},
		{Spec{"family": "normal", "mu": "1", "sigma": 1.0}, input.WrongType, "mu"},
		{Spec{"family": "normal", "mu": math.NaN(), "sigma": 1.0}, input.NotFinite, "mu"},
		{Spec{"family": "normal", "mu": 0.0, "sigma": math.Inf(1)}, input.NotFinite, "sigma"},
		{Spec{"family": "normal", "mu": 0.0, "sigma": 0.0}, input.OutOfRange, "sigma"},
		{Spec{"family": "normal", "mu": 0.0, "sigma": -1}, input.OutOfRange, "sigma"},
		{Spec{"family": "laplace", "mu": 0.0, "b": 0.0}, input.OutOfRange, "b"},
		{Spec{"family": "exponential", "rate": -1.0}, input.OutOfRange, "rate"},
		{Spec{"family": "gamma", "shape": 0.0, "rate": 1.0}, input.OutOfRange, "shape"},
		{Spec{"family": "gamma", "shape": 1.0, "rate": 0.0}, input.OutOfRange, "rate"},
		{Spec{"family": "beta", "alpha": 1.0, "beta": -1.0}, input.OutOfRange, "beta"},
		{Spec{"family": "beta", "alpha": 0.0, "beta": 1.0}, input.OutOfRange, "alpha"},
		{Spec{"family": "uniform", "min": 1.0, "max": 1.0}, input.OutOfRange, "max"},
		{Spec{"family": "uniform", "min": 2.0, "max": 1.0}, input.OutOfRange, "max"},
		{Spec{"family": "uniform", "min": -1e308, "max": 1e308}, input.OutOfRange, "max"},
		{Spec{"family": "uniform", "min": math.Inf(-1), "max": 1.0}, input.NotFinite, "min"},
		{Spec{"family": "lognormal", "mu": 0.0, "sigma": 0.0}, input.OutOfRange, "sigma"},
		{Spec{"family": "poisson", "rate": 0.0}, input.OutOfRange, "rate"},
		{Spec{"family": "poisson", "rate": 2 * MaxPoissonRate}, input.OutOfRange, "rate"},
		{Spec{"family": "bernoulli", "p": 1.5}, input.OutOfRange, "p"},
		{Spec{"family": "bernoulli", "p": -0.1}, input.OutOfRange, "p"},
		{Spec{"family": "categorical", "p": []any{}}, input.Empty, "p"},
		{Spec{"family": "categorical", "p": 0.5}, input.WrongType, "p"},
		{Spec{"family": "categorical"}, input.WrongType, "p"},
		{Spec{"family": "categorical", "p": []any{0.5, "x"}}, input.WrongType, "p[1]"},
		{Spec{"family": "categorical", "p": []any{0.5, 0.6}}, input.NotNormalized, "p"},
		{Spec{"family": "categorical", "p": []any{1.5, -0.5}}, input.Negative, "p[1]"},
		{Spec{"family": "categorical", "p": []float64{0.5, math.NaN()}}, input.NotFinite, "p[1]"},
		{Spec{"family": "categorical", "p": big}, input.TooLarge, "p"},
		{Spec{"family": "categorical", "p": make([]float64, MaxCategories+1)}, input.TooLarge, "p"},
		{Spec{"family": "mixture", "components": []any{}}, input.WrongType, "weights"},
		{Spec{"family": "mixture", "weights": []any{1.0}}, input.WrongType, "components"},
		{Spec{"family": "mixture", "weights": []any{1.0}, "components": "x"}, input.WrongType, "components"},
		{Spec{"family": "mixture", "weights": []any{1.0}, "components": []any{}}, input.Empty, "components"},
		{Spec{"family": "mixture", "weights": ws, "components": comps}, input.TooLarge, "weights"},
		{Spec{"family": "mixture", "weights": []any{1.0}, "components": comps}, input.TooLarge, "components"},
		{Spec{"family": "mixture", "weights": []any{1.0}, "components": []any{3.0}}, input.WrongType, "components[0]"},
		{Spec{"family": "mixture", "weights": []any{0.5, 0.5}, "components": []any{
			Spec{"family": "normal", "mu": 0.0, "sigma": 1.0}, Spec{"family": "normal", "sigma": 1.0}}}, input.WrongType, "components[1].mu"},
		{Spec{"family": "mixture", "weights": []any{0.5, 0.5}, "components": []any{
			Spec{"family": "normal", "mu": 0.0, "sigma": 1.0}, Spec{"family": "normal", "mu": 0.0, "sigma": -1.0}}}, input.OutOfRange, "components[1].sigma"},
		{Spec{"family": "mixture", "weights": []any{1.0}, "components": []any{
			Spec{"family": "mixture", "weights": []any{1.0}, "components": []any{}}}}, input.Invalid, "components[0].family"},
		{Spec{"family": "mixture", "weights": []any{1.0}, "components": []any{Spec{"family": "poisson", "rate": 1.0}}}, input.Invalid, "components[0].family"},
		{Spec{"family": "mixture", "weights": []any{1.0}, "components": []any{Spec{"family": "zeta"}}}, input.UnknownFamily, "components[0].family"},
		{Spec{"family": "mixture", "weights": []any{0.5, 0.5}, "components": []any{Spec{"family": "exponential", "rate": 1.0}}}, input.LengthMismatch, "weights"},
		{Spec{"family": "mixture", "weights": []any{0.7, 0.7}, "components": []any{
			Spec{"family": "exponential", "rate": 1.0}, Spec{"family": "exponential", "rate": 2.0}}}, input.NotNormalized, "weights"},
		{Spec{"family": "mixture", "weights": []any{1.5, -0.5}, "components": []any{
			Spec{"family": "exponential", "rate": 1.0}, Spec{"family": "exponential", "rate": 2.0}}}, input.Negative, "weights[1]"},
		{Spec{"family": "mvnormal-diag", "mu": []any{0.0}, "sigma": []any{1.0}}, input.Invalid, "family"},
	}
	for _, c := range cases {
		d, err := Parse(c.spec)
		var e *input.Error
		if !errors.As(err, &e) || e.Code != c.code || e.Arg != c.arg {
			t.Errorf("Parse(%v) = %v, %v; want %s on %q", c.spec, d, err, c.code, c.arg)
		} else if e.Msg == "" {
			t.Errorf("Parse(%v): empty message", c.spec)
		}
	}
}

func TestNewMixtureErrors(t *testing.T) {
	cases := []struct {
		w    []float64
		c    []Dist
		code input.Code
		arg  string
	}{
		{nil, nil, input.Empty, "components"},
		{[]float64{1}, []Dist{nil}, input.Invalid, "components[0]"},
		{[]float64{1}, []Dist{bimodal}, input.Invalid, "components[0].family"},
		{[]float64{1}, []Dist{Bernoulli{0.5}}, input.Invalid, "components[0].family"},
		{[]float64{1}, []Dist{Normal{0, 0}}, input.OutOfRange, "components[0].sigma"},
		{make([]float64, 17), make([]Dist, 17), input.TooLarge, "components"},
	}
	for _, c := range cases {
		_, err := NewMixture(c.w, c.c)
		var e *input.Error
		if !errors.As(err, &e) || e.Code != c.code || e.Arg != c.arg {
			t.Errorf("NewMixture(%v, %v) = %v; want %s on %q", c.w, c.c, err, c.code, c.arg)
		}
	}
}

// TestDistMethods checks Mean and Variance against sample moments, that
// samples lie in the support with finite LogProb, and the densities
// integrate (sum) to 1.
func TestDistMethods(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, d := range append(append([]Dist{}, zoo...), discreteZoo...) {
		lo, hi := d.Support()
		n := 40000
		var s, s2 float64
		for i := 0; i < n; i++ {
			x := d.Rand(r)
			if x < lo || x > hi || math.IsInf(d.LogProb(x), 0) || math.IsNaN(d.LogProb(x)) {
				t.Fatalf("%v: sample %v (log p %v) outside [%v, %v]", d.Spec(), x, d.LogProb(x), lo, hi)
			}
			s += x
			s2 += x * x
		}
		mean := s / float64(n)
		v := d.Variance()
		if se := math.Sqrt(v / float64(n)); math.Abs(mean-d.Mean()) > 5*se+1e-12 {
			t.Errorf("%v: sample mean %v, Mean %v (se %v)", d.Spec(), mean, d.Mean(), se)
		}
		if sv := s2/float64(n) - mean*mean; d.Family() != "lognormal" && math.Abs(sv-v) > 0.1*v+1e-12 {
			t.Errorf("%v: sample variance %v, Variance %v", d.Spec(), sv, v)
		}
		// Total probability.
		var total float64
		if n, ok := finiteSupport(d); ok {
			total, _ = finiteSum(d, n, func(k, lp float64) float64 { return 1 })
		} else if p, ok := d.(Poisson); ok {
			total, _ = poissonSeries(p, func(k, lp float64) float64 { return 1 })
		} else {
			total = integrate(d, nil, weighted(d, nil, func(_, _ float64) float64 { return 1 })).value
		}
		if math.Abs(total-1) > 1e-10 {
			t.Errorf("%v: total probability %.17g", d.Spec(), total)
		}
		if d.Prob(lo-1) != 0 && !math.IsInf(lo, -1) {
			t.Errorf("%v: Prob below the support = %v", d.Spec(), d.Prob(lo-1))
		}
		if d.LogProb(math.Inf(1)) != math.Inf(-1) {
			t.Errorf("%v: LogProb(+Inf) = %v", d.Spec(), d.LogProb(math.Inf(1)))
		}
	}
	// Large Poisson rates use PTRS.
	for _, lam := range []float64{15, 1000} {
		d := Poisson{lam}
		var s float64
		for i := 0; i < 20000; i++ {
			s += d.Rand(r)
		}
		if m := s / 20000; math.Abs(m-lam) > 5*math.Sqrt(lam/20000) {
			t.Errorf("Poisson(%v) sample mean %v", lam, m)
		}
	}
}

func TestLogProbEdges(t *testing.T) {
	inf := math.Inf(1)
	cases := []struct {
		d    Dist
		x    float64
		want float64
	}{
		{Gamma{0.5, 1}, 0, inf}, {Gamma{1, 2}, 0, math.Log(2)}, {Gamma{2, 1}, 0, -inf}, {Gamma{2, 1}, -1, -inf},
		{Beta{0.5, 2}, 0, inf}, {Beta{2, 0.5}, 1, inf}, {Beta{1, 1}, 1, 0}, {Beta{2, 2}, 0, -inf}, {Beta{2, 2}, 1.5, -inf},
		{Exponential{2}, 0, math.Log(2)}, {Exponential{2}, -1, -inf},
		{Uniform{0, 2}, 2, -math.Ln2}, {Uniform{0, 2}, 2.1, -inf},
		{LogNormal{0, 1}, 0, -inf}, {LogNormal{0, 1}, 1, -logSqrt2Pi},
		{Poisson{2}, 1.5, -inf}, {Poisson{2}, -1, -inf}, {Poisson{2}, 0, -2},
		{Bernoulli{0}, 1, -inf}, {Bernoulli{0}, 0, 0}, {Bernoulli{0.5}, 0.5, -inf},
		{Categorical{P: []float64{0.5, 0.5}}, 2, -inf}, {Categorical{P: []float64{0.5, 0.5}}, 0.5, -inf},
		{Categorical{P: []float64{0, 1}}, 0, -inf},
	}
	for _, c := range cases {
		if got := c.d.LogProb(c.x); got != c.want && math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%v.LogProb(%v) = %v, want %v", c.d.Spec(), c.x, got, c.want)
		}
	}
	// Beta near 1 keeps the distance to 1 that 1 − e loses.
	b := Beta{2, 0.5}
	if got, want := logProbAt(b, 1, -1e-20), 0.5*math.Log(1e20)-lbeta(2, 0.5); math.Abs(got-want) > 1e-12 {
		t.Errorf("beta near 1: %v, want %v", got, want)
	}
	if got := b.logProbOff(0, 0.5); got != b.LogProb(0.5) {
		t.Errorf("beta logProbOff elsewhere: %v", got)
	}
	if (&Mixture{Weights: []float64{1}, Components: []Dist{b}}).logProbOff(1, -1e-20) != logProbAt(b, 1, -1e-20) {
		t.Errorf("mixture logProbOff")
	}
}

func TestDigamma(t *testing.T) {
	// mpmath.digamma at 40 digits; ψ(1) = −γ; ψ(½) = −γ − 2 log 2.
	cases := [][2]float64{
		{1, -0.57721566490153286}, {0.5, -1.9635100260214235}, {2.5, 0.70315664064524319},
		{0.3, -3.5025242222001330}, {12.7, 2.5017155664193376}, {1e-8, -100000000.57721566},
	}
	for _, c := range cases {
		if got := digamma(c[0]); relDiff(got, c[1]) > 2e-15 {
			t.Errorf("ψ(%v) = %.17g, want %.17g", c[0], got, c[1])
		}
	}
	if !math.IsNaN(digamma(-1)) || !math.IsInf(digamma(math.Inf(1)), 1) {
		t.Error("ψ special cases")
	}
	// u − log1p(u) and eᵗ − 1 − t: within the rounding of the direct formulas
	// (about ε|u|), and the leading terms u²/2, t²/2 near 0 where those cancel.
	for _, u := range []float64{-0.05, 0.09, 0.5, -0.9, 3, 1e-3} {
		if got, want := umlog1p(u), u-math.Log1p(u); math.Abs(got-want) > 4e-16*math.Max(1, math.Abs(u)) {
			t.Errorf("umlog1p(%v) = %v, want %v", u, got, want)
		}
		if got, want := expm1mx(u), math.Expm1(u)-u; math.Abs(got-want) > 4e-16*math.Max(1, math.Abs(u)) {
			t.Errorf("expm1mx(%v) = %v, want %v", u, got, want)
		}
	}
	for _, u := range []float64{1e-9, -1e-9, 1e-30} {
		if got, want := umlog1p(u), u*u/2-u*u*u/3; relDiff(got, want) > 1e-15 {
			t.Errorf("umlog1p(%v) = %v, want %v", u, got, want)
		}
		if got, want := expm1mx(u), u*u/2+u*u*u/6; relDiff(got, want) > 1e-15 {
			t.Errorf("expm1mx(%v) = %v, want %v", u, got, want)
		}
	}
	if !math.IsInf(umlog1p(math.Inf(1)), 1) {
		t.Error("umlog1p(Inf)")
	}
	if logSumExp([]float64{math.Inf(-1), math.Inf(-1)}) != math.Inf(-1) {
		t.Error("logSumExp of −Inf")
	}
}
