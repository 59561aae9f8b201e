package distribution

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/klplayground/klplay/core/input"
)

func TestGrid(t *testing.T) {
	xs, pdf, err := Grid(Normal{0, 1}, -1, 1, 3)
	if err != nil || len(xs) != 3 || xs[0] != -1 || xs[1] != 0 || xs[2] != 1 {
		t.Fatalf("Grid = %v %v %v", xs, pdf, err)
	}
	if math.Abs(pdf[1]-1/math.Sqrt(2*math.Pi)) > 1e-16 || pdf[0] != pdf[2] {
		t.Errorf("pdf %v", pdf)
	}
	xs, pdf, err = Grid(Poisson{2}, -0.5, 3.5, 100)
	if err != nil || len(xs) != 4 || xs[0] != 0 || xs[3] != 3 || math.Abs(pdf[0]-math.Exp(-2)) > 1e-17 {
		t.Errorf("discrete Grid = %v %v %v", xs, pdf, err)
	}
	for _, c := range []struct {
		d      Dist
		lo, hi float64
		n      int
		code   input.Code
		arg    string
	}{
		{nil, 0, 1, 10, input.Invalid, "p"},
		{Normal{0, 1}, math.NaN(), 1, 10, input.NotFinite, "lo"},
		{Normal{0, 1}, 0, math.Inf(1), 10, input.NotFinite, "hi"},
		{Normal{0, 1}, 1, 1, 10, input.OutOfRange, "hi"},
		{Normal{0, 1}, 0, 1, 1, input.OutOfRange, "n"},
		{Normal{0, 1}, 0, 1, MaxGrid + 1, input.TooLarge, "n"},
		{Poisson{1}, 0, 1e7, 10, input.TooLarge, "hi"},
	} {
		_, _, err := Grid(c.d, c.lo, c.hi, c.n)
		var e *input.Error
		if !errors.As(err, &e) || e.Code != c.code || e.Arg != c.arg {
			t.Errorf("Grid(%v, %v, %v, %v): %v, want %s on %q", c.d, c.lo, c.hi, c.n, err, c.code, c.arg)
		}
	}
}

func TestIntegrand(t *testing.T) {
	p, q := Normal{0, 1}, Normal{1, 2}
	xs := []float64{-1, 0, 2.5, math.NaN()}
	got, err := Integrand(p, q, xs)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range xs[:3] {
		want := p.Prob(x) * math.Log(p.Prob(x)/q.Prob(x))
		if math.Abs(got[i]-want) > 1e-15 {
			t.Errorf("Integrand(%v) = %v, want %v", x, got[i], want)
		}
	}
	if !math.IsNaN(got[3]) {
		t.Errorf("NaN in: %v", got[3])
	}
	// 0 where p = 0, +Inf where q = 0 < p, finite in a mixture's far tail.
	got, _ = Integrand(Uniform{0, 1}, Uniform{0.5, 2}, []float64{-1, 0.25, 0.75})
	if got[0] != 0 || !math.IsInf(got[1], 1) || math.Abs(got[2]-math.Log(1.5)) > 1e-15 {
		t.Errorf("supports: %v", got)
	}
	got, _ = Integrand(Normal{0, 2.1}, bimodal, []float64{30})
	if math.IsInf(got[0], 0) || math.IsNaN(got[0]) || got[0] <= 0 {
		t.Errorf("mixture tail: %v", got)
	}
	// The integrand integrates to KL (trapezoid on a fine grid).
	xs, _, _ = Grid(p, -12, 12, 24001)
	f, _ := Integrand(p, q, xs)
	s := 0.0
	for i := 1; i < len(xs); i++ {
		s += (f[i] + f[i-1]) / 2 * (xs[i] - xs[i-1])
	}
	if math.Abs(s-0.4431471805599453) > 1e-6 {
		t.Errorf("∫ integrand = %v", s)
	}
	if _, err := Integrand(nil, q, xs); err == nil {
		t.Error("nil p")
	}
	if _, err := Integrand(p, Normal{0, -1}, xs); err == nil {
		t.Error("bad q")
	}
}

func TestMVNormalDiag(t *testing.T) {
	p, err := ParseMVNormalDiag(Spec{"family": "mvnormal-diag", "mu": []any{0.0, 1.0}, "sigma": []any{1.0, 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	q := &MVNormalDiag{Mu: []float64{1, 1}, Sigma: []float64{2, 0.5}}
	// The sum of the coordinates: KL(N(0,1)‖N(1,2)) + KL(N(1,½)‖N(1,½)).
	v, err := KLMVNormalDiag(p, q)
	if err != nil || relDiff(v, 0.4431471805599453) > 1e-15 {
		t.Errorf("KL = %v %v", v, err)
	}
	r, err := KLSpec(p.Spec(), q.Spec(), Options{Base: math.E})
	if err != nil || r.Value != v || r.Method != MethodClosedForm {
		t.Errorf("KLSpec = %v %v", r, err)
	}
	mc, err := KLSpec(p.Spec(), q.Spec(), Options{Base: math.E, Method: MethodMonteCarlo, Samples: 20000})
	if err != nil || math.Abs(mc.Value-v) > 4*mc.StdErr || mc.Samples != 20000 {
		t.Errorf("MC = %v %v", mc, err)
	}
	if h := p.Entropy(); relDiff(h, 2*(0.5+logSqrt2Pi)+math.Log(0.5)) > 1e-15 {
		t.Errorf("H = %v", h)
	}
	if p.Dim() != 2 || p.Family() != "mvnormal-diag" || p.Mean()[1] != 1 || p.Variance()[1] != 0.25 {
		t.Error("accessors")
	}
	z := p.Rand(rand.New(rand.NewPCG(1, 1)), nil)
	if len(z) != 2 || math.IsNaN(p.LogProb(z)) || !math.IsNaN(p.LogProb([]float64{1})) {
		t.Errorf("Rand/LogProb %v", z)
	}
	if lp := p.LogProb([]float64{0, 1}); relDiff(lp, -2*logSqrt2Pi-math.Log(0.5)) > 1e-15 {
		t.Errorf("LogProb = %v", lp)
	}
	b, _ := json.Marshal(p.Spec())
	var back Spec
	_ = json.Unmarshal(b, &back)
	if p2, err := ParseMVNormalDiag(back); err != nil || p2.Mu[1] != 1 || p2.Sigma[1] != 0.5 {
		t.Errorf("round trip %v", err)
	}
	for _, c := range []struct {
		p, q Spec
		o    Options
		code input.Code
		arg  string
	}{
		{p.Spec(), Spec{"family": "normal", "mu": 0.0, "sigma": 1.0}, Options{Base: math.E}, input.Invalid, "q"},
		{p.Spec(), Spec{"family": "mvnormal-diag", "mu": []any{0.0}, "sigma": []any{1.0}}, Options{Base: math.E}, input.LengthMismatch, "q"},
		{p.Spec(), Spec{"family": "mvnormal-diag", "mu": []any{0.0, 1.0}, "sigma": []any{1.0}}, Options{Base: math.E}, input.LengthMismatch, "q.sigma"},
		{Spec{"family": "mvnormal-diag", "mu": []any{0.0}, "sigma": []any{-1.0}}, p.Spec(), Options{Base: math.E}, input.OutOfRange, "p.sigma[0]"},
		{Spec{"family": "mvnormal-diag", "mu": []any{}, "sigma": []any{}}, p.Spec(), Options{Base: math.E}, input.Empty, "p.mu"},
		{Spec{"family": "mvnormal-diag", "sigma": []any{1.0}}, p.Spec(), Options{Base: math.E}, input.WrongType, "p.mu"},
		{p.Spec(), q.Spec(), Options{Base: math.E, Method: MethodQuadrature}, input.UnknownName, "method"},
		{p.Spec(), q.Spec(), Options{Base: math.E, Estimator: "k9"}, input.UnknownName, "estimator"},
		{Spec{"family": "normal", "mu": 0.0, "sigma": 1.0}, Spec{"family": "normal", "mu": 0.0}, Options{Base: math.E}, input.WrongType, "q.sigma"},
		{Spec{"family": "normal"}, Spec{"family": "normal", "mu": 0.0, "sigma": 1.0}, Options{Base: math.E}, input.WrongType, "p.mu"},
	} {
		_, err := KLSpec(c.p, c.q, c.o)
		var e *input.Error
		if !errors.As(err, &e) || e.Code != c.code || e.Arg != c.arg {
			t.Errorf("KLSpec(%v, %v): %v, want %s on %q", c.p, c.q, err, c.code, c.arg)
		}
	}
	if _, err := ParseMVNormalDiag(Spec{"family": "normal"}); !isCode(err, input.Invalid) {
		t.Errorf("wrong family: %v", err)
	}
	if _, err := ParseMVNormalDiag(Spec{}); !isCode(err, input.WrongType) {
		t.Errorf("no family: %v", err)
	}
	if _, err := KLMVNormalDiag(nil, q); !isCode(err, input.Invalid) {
		t.Errorf("nil: %v", err)
	}
	if _, err := KLMVNormalDiag(p, nil); !isCode(err, input.Invalid) {
		t.Errorf("nil: %v", err)
	}
	big := &MVNormalDiag{Mu: make([]float64, MaxDim+1), Sigma: make([]float64, MaxDim+1)}
	if _, err := KLMVNormalDiag(big, big); !isCode(err, input.TooLarge) {
		t.Errorf("too large: %v", err)
	}
	if _, err := KLMVNormalDiag(&MVNormalDiag{Mu: []float64{math.NaN()}, Sigma: []float64{1}}, q); !isCode(err, input.NotFinite) {
		t.Errorf("NaN: %v", err)
	}
	if _, err := KLMV(p, q, Options{Base: math.E, Method: "x"}); !isCode(err, input.UnknownName) {
		t.Errorf("method: %v", err)
	}
	if _, err := KLMV(p, nil, Options{Base: math.E}); !isCode(err, input.Invalid) {
		t.Errorf("nil: %v", err)
	}
}

func TestKLSpecUnivariate(t *testing.T) {
	r, err := KLSpec(Spec{"family": "normal", "mu": 0.0, "sigma": 1.0}, Spec{"family": "normal", "mu": 1.0, "sigma": 2.0}, Options{Base: math.E})
	if err != nil || relDiff(r.Value, 0.4431471805599453) > 1e-15 {
		t.Errorf("%v %v", r, err)
	}
	if s := r.String(); s != "0.44314718055994529 (closed-form)" {
		t.Errorf("String = %q", s)
	}
	r, _ = KL(Normal{0, 1}, Normal{1, 2}, Options{Base: math.E, Method: MethodMonteCarlo, Samples: 10})
	if s := r.String(); s == "" {
		t.Error("String")
	}
	r, _ = KL(Normal{0, 1}, Normal{1, 2}, Options{Base: math.E, Method: MethodMonteCarlo, Samples: 1})
	if !math.IsInf(r.StdErr, 1) {
		t.Errorf("one sample: %v", r)
	}
}

// FuzzParse decodes arbitrary JSON into a Spec: Parse must not panic, and
// either fail with an *input.Error or return a valid distribution whose
// LogProb is not NaN at a few points and whose KL to itself is 0.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"family":"normal","mu":0,"sigma":1}`,
		`{"family":"gamma","shape":0.5,"rate":2}`,
		`{"family":"categorical","p":[0.5,0.5]}`,
		`{"family":"mixture","weights":[0.5,0.5],"components":[{"family":"normal","mu":-2,"sigma":0.6},{"family":"beta","alpha":2,"beta":3}]}`,
		`{"family":"mixture","weights":[1],"components":[{"family":"mixture","weights":[1],"components":[]}]}`,
		`{"family":"uniform","min":-1e308,"max":1e308}`,
		`{"family":"poisson","rate":1e8}`,
		`{"family":"mvnormal-diag","mu":[0],"sigma":[1]}`,
		`[]`, `null`, `{"family":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var spec Spec
		if json.Unmarshal(b, &spec) != nil {
			return
		}
		d, err := Parse(spec)
		if err != nil {
			var e *input.Error
			if !errors.As(err, &e) || e.Arg == "" || e.Msg == "" {
				t.Fatalf("error %v is not a named *input.Error", err)
			}
			return
		}
		for _, x := range []float64{-1, 0, 0.5, 1, 2.5, 1e6, d.Mean()} {
			if math.IsNaN(d.LogProb(x)) && !math.IsNaN(x) {
				t.Fatalf("%v: LogProb(%v) is NaN", d.Spec(), x)
			}
		}
		r, err := KL(d, d, Options{Base: math.E})
		if err != nil || r.Value != 0 {
			t.Fatalf("%v: KL to itself %v %v", d.Spec(), r, err)
		}
	})
}

// FuzzKL builds two distributions of fuzzed families and parameters: KL
// must not panic and must return a value ≥ 0 (possibly +Inf), never NaN,
// or an *input.Error.
func FuzzKL(f *testing.F) {
	f.Add(uint8(0), 0.0, 1.0, uint8(0), 1.0, 2.0, uint8(0))
	f.Add(uint8(3), 0.5, 2.0, uint8(6), 0.0, 1.0, uint8(1))
	f.Add(uint8(4), 0.2, 0.3, uint8(4), 5.0, 0.1, uint8(1))
	f.Add(uint8(10), 0.0, 2.1, uint8(0), 0.0, 2.1, uint8(0))
	f.Add(uint8(7), 3.0, 0.0, uint8(7), 1e-300, 0.0, uint8(2))
	f.Fuzz(func(t *testing.T, fp uint8, a1, a2 float64, fq uint8, b1, b2 float64, m uint8) {
		p, q := fuzzDist(fp, a1, a2), fuzzDist(fq, b1, b2)
		method := []string{"", MethodQuadrature, MethodSeries, MethodClosedForm, MethodMonteCarlo}[int(m)%5]
		o := Options{Base: math.E, Method: method, Samples: 200}
		r, err := KL(p, q, o)
		if err != nil {
			var e *input.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *input.Error", err)
			}
			return
		}
		if math.IsNaN(r.Value) || (r.Value < 0 && method != MethodMonteCarlo) {
			t.Fatalf("KL(%v‖%v) by %q = %v", p.Spec(), q.Spec(), method, r)
		}
		if _, err := CrossEntropy(p, q, o); err != nil && !isCode(err, input.UnknownName) && !isCode(err, input.OutOfRange) {
			t.Fatalf("CrossEntropy: %v", err)
		}
	})
}

func fuzzDist(fam uint8, a, b float64) Dist {
	switch fam % 11 {
	case 0:
		return Normal{a, b}
	case 1:
		return Laplace{a, b}
	case 2:
		return Exponential{a}
	case 3:
		return Gamma{a, b}
	case 4:
		return Beta{a, b}
	case 5:
		return Uniform{a, b}
	case 6:
		return LogNormal{a, b}
	case 7:
		return Poisson{a}
	case 8:
		return Bernoulli{a}
	case 9:
		return Categorical{P: []float64{a, b}}
	}
	return &Mixture{Weights: []float64{0.5, 0.5}, Components: []Dist{Normal{a, b}, Gamma{b, a}}}
}

func BenchmarkKLQuadratureMixture(b *testing.B) {
	p := Normal{0, 2.1}
	for b.Loop() {
		if _, err := KL(p, bimodal, Options{Base: math.E}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKLClosedFormNormal(b *testing.B) {
	p, q := Normal{0, 1}, Normal{1, 2}
	for b.Loop() {
		if _, err := KL(p, q, Options{Base: math.E}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKLQuadratureGammaLogNormal(b *testing.B) {
	p, q := Gamma{3, 2}, LogNormal{0, 1}
	for b.Loop() {
		KL(p, q, Options{Base: math.E})
	}
}

func BenchmarkKLMonteCarloNormal(b *testing.B) {
	p, q := Normal{0, 1}, Normal{1, 2}
	for b.Loop() {
		KL(p, q, Options{Base: math.E, Method: MethodMonteCarlo})
	}
}

func BenchmarkParseMixture(b *testing.B) {
	var spec Spec
	_ = json.Unmarshal([]byte(`{"family":"mixture","weights":[0.5,0.5],"components":[{"family":"normal","mu":-2,"sigma":0.6},{"family":"normal","mu":2,"sigma":0.6}]}`), &spec)
	for b.Loop() {
		Parse(spec)
	}
}

// TestConcurrentUse: distributions are read-only once built, so one mixture
// may serve several goroutines (run with -race).
func TestConcurrentUse(t *testing.T) {
	lit := &Mixture{Weights: []float64{0.5, 0.5}, Components: []Dist{Normal{-2, 0.6}, Normal{2, 0.6}}}
	done := make(chan float64)
	for i := 0; i < 4; i++ {
		go func() {
			a, _ := KL(Normal{0, 2.1}, bimodal, Options{Base: math.E})
			b, _ := KL(Normal{0, 2.1}, lit, Options{Base: math.E})
			done <- a.Value - b.Value
		}()
	}
	for i := 0; i < 4; i++ {
		if d := <-done; d != 0 {
			t.Errorf("literal and parsed mixtures differ by %v", d)
		}
	}
}
