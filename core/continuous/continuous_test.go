package continuous

import (
	"errors"
	"math"
	"testing"

	"github.com/klplayground/klplay/core/distribution"
	"github.com/klplayground/klplay/core/input"
)

func mustParams(t *testing.T, family string, params ...float64) distribution.Dist {
	t.Helper()
	d, err := FromParams("p", family, params)
	if err != nil {
		t.Fatalf("FromParams(%s, %v): %v", family, params, err)
	}
	return d
}

func near(a, b, rel float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))
}

// Reference values, each computed independently with mpmath (30 digits):
//
//	N(0,1)‖N(1,1.5):  log 1.5 + (1 + 1)/(2·1.5²) − ½   (the normal closed form, evaluated in mpmath)
//	mix‖N(0,2), mix = 0.3·N(−2,0.5) + 0.7·N(1,1):  mp.quad(p log(p/q), [−∞,−2,1,∞])
//	N(0,2)‖mix:                                        mp.quad(q log(q/p), …)
//	H(mix):                                            mp.quad(−p log p, …)
//	U(0,1)‖U(−1,2): log 3.
const (
	klN01N115   = 0.349909552552608801750834790461
	klMixN      = 0.187357695866649497641958859342
	klNMix      = 0.510820186085061249559825340975
	entropyMix  = 1.75910301789796844706657907941
	klUniUni    = 1.0986122886681098 // log 3
	entropyN01  = 1.4189385332046727 // ½ log(2πe)
	entropyN115 = 1.8244036413128370 // ½ log(2πe·2.25)
)

func TestComputeValues(t *testing.T) {
	mix := mustParams(t, "mixture", 3, -2, 0.5, 7, 1, 1) // relative weights 3:7
	cases := []struct {
		name          string
		p, q          distribution.Dist
		kl, rkl       float64
		klMeth, rMeth string
		hp, hq        float64 // NaN: not checked
		tol           float64
	}{
		{"normals", mustParams(t, "normal", 0, 1), mustParams(t, "normal", 1, 1.5), klN01N115, math.NaN(), "closed-form", "closed-form", entropyN01, entropyN115, 1e-12},
		{"mixture vs normal", mix, mustParams(t, "normal", 0, 2), klMixN, klNMix, "quadrature", "quadrature", entropyMix, math.NaN(), 1e-8},
		{"uniforms", mustParams(t, "uniform", 0, 1), mustParams(t, "uniform", -1, 2), klUniUni, math.Inf(1), "closed-form", "closed-form", 0, klUniUni, 1e-12},
	}
	for _, c := range cases {
		f, err := Compute(c.p, c.q, Options{Base: math.E})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !near(f.KL.Value, c.kl, c.tol) || f.KL.Method != c.klMeth {
			t.Errorf("%s: KL = %v, want %v (%s)", c.name, f.KL, c.kl, c.klMeth)
		}
		if !math.IsNaN(c.rkl) && (!near(f.ReverseKL.Value, c.rkl, c.tol) || f.ReverseKL.Method != c.rMeth) {
			t.Errorf("%s: reverse KL = %v, want %v (%s)", c.name, f.ReverseKL, c.rkl, c.rMeth)
		}
		if !near(f.EntropyP.Value, c.hp, c.tol) && !(c.hp == 0 && math.Abs(f.EntropyP.Value) < 1e-15) {
			t.Errorf("%s: H(P) = %v, want %v", c.name, f.EntropyP, c.hp)
		}
		if !math.IsNaN(c.hq) && !near(f.EntropyQ.Value, c.hq, c.tol) {
			t.Errorf("%s: H(Q) = %v, want %v", c.name, f.EntropyQ, c.hq)
		}
		// H(P,Q) = H(P) + KL(P‖Q).
		if !near(f.CrossEntropy.Value, f.EntropyP.Value+f.KL.Value, 1e-8) {
			t.Errorf("%s: H(P,Q) = %v, H(P) + KL = %v", c.name, f.CrossEntropy.Value, f.EntropyP.Value+f.KL.Value)
		}
		if len(f.Xs) != DefaultPoints || len(f.P) != DefaultPoints || len(f.Integrand) != DefaultPoints || len(f.ReverseIntegrand) != DefaultPoints {
			t.Errorf("%s: grid lengths %d %d %d", c.name, len(f.Xs), len(f.P), len(f.Integrand))
		}
	}
}

// The trapezoid rule over the frame's integrand approximates KL: the grid and
// the integrand agree with the number.
func TestIntegrandIntegratesToKL(t *testing.T) {
	p, q := mustParams(t, "normal", 0, 1), mustParams(t, "normal", 1, 1.5)
	f, err := Compute(p, q, Options{Base: math.E, Lo: -12, Hi: 12, Points: 4001})
	if err != nil {
		t.Fatal(err)
	}
	s := 0.0
	for i := 1; i < len(f.Xs); i++ {
		s += 0.5 * (f.Integrand[i] + f.Integrand[i-1]) * (f.Xs[i] - f.Xs[i-1])
	}
	if !near(s, klN01N115, 1e-5) {
		t.Errorf("∫ integrand = %v, KL = %v", s, klN01N115)
	}
	neg := false
	for _, v := range f.Integrand {
		neg = neg || v < 0
	}
	if !neg {
		t.Error("the integrand of N(0,1)‖N(1,1.5) has negative parts (where q > p); none found")
	}
}

func TestBits(t *testing.T) {
	p, q := mustParams(t, "normal", 0, 1), mustParams(t, "normal", 1, 1.5)
	nats, _ := Compute(p, q, Options{Base: math.E})
	bits, err := Compute(p, q, Options{Base: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !near(bits.KL.Value, nats.KL.Value/math.Ln2, 1e-14) || !near(bits.EntropyQ.Value, nats.EntropyQ.Value/math.Ln2, 1e-14) {
		t.Errorf("bits %v, nats %v", bits.KL, nats.KL)
	}
	if !near(bits.Integrand[200], nats.Integrand[200]/math.Ln2, 1e-14) {
		t.Errorf("integrand not scaled: %v vs %v", bits.Integrand[200], nats.Integrand[200])
	}
	if _, err := Compute(p, q, Options{Base: 1}); err == nil {
		t.Error("base 1 accepted")
	}
}

func TestMismatch(t *testing.T) {
	// Normal P, exponential Q: q = 0 < p on (−∞, 0): KL(P‖Q) = ∞, KL(Q‖P) finite.
	p, q := mustParams(t, "normal", 1, 1), mustParams(t, "exponential", 1)
	f, err := Compute(p, q, Options{Base: math.E})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsInf(f.KL.Value, 1) || math.IsInf(f.ReverseKL.Value, 0) || !math.IsInf(f.CrossEntropy.Value, 1) {
		t.Errorf("KL %v, reverse %v, H(P,Q) %v", f.KL, f.ReverseKL, f.CrossEntropy)
	}
	if len(f.Mismatch) != 2 || f.Mismatch[0] != f.Lo || f.Mismatch[1] != 0 {
		t.Errorf("mismatch %v, want [%v 0]", f.Mismatch, f.Lo)
	}
	if len(f.ReverseMismatch) != 0 {
		t.Errorf("reverse mismatch %v, want none", f.ReverseMismatch)
	}
	for i, x := range f.Xs {
		if x < 0 && !math.IsInf(f.Integrand[i], 1) {
			t.Fatalf("integrand at %v is %v, want +Inf", x, f.Integrand[i])
		}
	}
	// Uniform inside a wider uniform: both ends stick out in reverse.
	u1, u2 := mustParams(t, "uniform", 0, 1), mustParams(t, "uniform", -1, 2)
	f, _ = Compute(u1, u2, Options{Base: math.E, Lo: -2, Hi: 3})
	if len(f.Mismatch) != 0 || len(f.ReverseMismatch) != 4 || f.ReverseMismatch[0] != -1 || f.ReverseMismatch[1] != 0 || f.ReverseMismatch[2] != 1 || f.ReverseMismatch[3] != 2 {
		t.Errorf("uniform mismatch %v / %v", f.Mismatch, f.ReverseMismatch)
	}
	// Mass functions: Poisson P against Bernoulli Q: q = 0 at k ≥ 2.
	pp, qb := mustParams(t, "poisson", 2), mustParams(t, "bernoulli", 0.5)
	f, err = Compute(pp, qb, Options{Base: math.E})
	if err != nil {
		t.Fatal(err)
	}
	if !f.Discrete || !math.IsInf(f.KL.Value, 1) || len(f.Mismatch) == 0 || f.Mismatch[0] != 1.5 {
		t.Errorf("poisson‖bernoulli: discrete %v KL %v mismatch %v", f.Discrete, f.KL, f.Mismatch)
	}
	for _, x := range f.Xs {
		if x != math.Trunc(x) {
			t.Fatalf("mass-function grid has %v", x)
		}
	}
}

func TestRange(t *testing.T) {
	cases := []struct {
		p, q   distribution.Dist
		lo, hi float64
	}{
		// N(0,1) ∪ N(1,1.5): [−5, 7] padded by 5 % of 12.
		{mustParams(t, "normal", 0, 1), mustParams(t, "normal", 1, 1.5), -5.6, 7.6},
		// Beta on [0, 1] twice: the support, padded.
		{mustParams(t, "beta", 2, 2), mustParams(t, "beta", 0.5, 0.5), -0.05, 1.05},
		// Bernoulli: integers 0..1, widened by ½.
		{mustParams(t, "bernoulli", 0.3), mustParams(t, "bernoulli", 0.6), -0.5, 1.5},
	}
	for _, c := range cases {
		lo, hi := Range(c.p, c.q)
		if !near(lo, c.lo, 1e-12) || !near(hi, c.hi, 1e-12) {
			t.Errorf("Range(%v, %v) = [%v, %v], want [%v, %v]", c.p.Spec(), c.q.Spec(), lo, hi, c.lo, c.hi)
		}
	}
	// A lognormal ends at its 99.7 % quantile, not at mean + 4 sd.
	lo, hi := Range(mustParams(t, "lognormal", 0, 1), mustParams(t, "lognormal", 0, 1))
	if lo >= 0 || !near(hi, math.Exp(2.75)+0.05*math.Exp(2.75), 1e-12) {
		t.Errorf("lognormal range [%v, %v]", lo, hi)
	}
}

func TestHandles(t *testing.T) {
	mix := mustParams(t, "mixture", 1, -2, 0.5, 0, 3, 2, 1, 1, 1)
	f, err := Compute(mix, mustParams(t, "gamma", 4, 2), Options{Base: math.E})
	if err != nil {
		t.Fatal(err)
	}
	h := f.HandlesP
	if len(h.Mean) != 3 || h.Mean[1] != 3 || h.Sd[1] != 2 || h.Mean[2] != 1 {
		t.Errorf("mixture handles %+v", h)
	}
	if !near(h.AtMean[0], mix.Prob(-2), 1e-15) || !near(h.AtSd[2], mix.Prob(2), 1e-15) {
		t.Errorf("handle heights %+v", h)
	}
	// Gamma(4, 2): mean 2, sd 1.
	if g := f.HandlesQ; len(g.Mean) != 1 || !near(g.Mean[0], 2, 1e-15) || !near(g.Sd[0], 1, 1e-15) {
		t.Errorf("gamma handles %+v", g)
	}
}

func TestComputeErrors(t *testing.T) {
	n := mustParams(t, "normal", 0, 1)
	cases := []struct {
		p, q distribution.Dist
		o    Options
		arg  string
	}{
		{n, mustParams(t, "poisson", 1), Options{Base: math.E}, "q"},
		{n, n, Options{Base: math.E, Lo: 2, Hi: 1}, "hi"},
		{n, n, Options{Base: math.E, Lo: math.NaN(), Hi: 1}, "lo"},
		{n, n, Options{Base: math.E, Points: 1}, "n"},
		{mustParams(t, "poisson", 1), mustParams(t, "poisson", 1), Options{Base: math.E, Lo: 0, Hi: 1e6}, "hi"},
		{n, distribution.Normal{Mu: 0, Sigma: -1}, Options{Base: math.E}, "q.sigma"},
	}
	for _, c := range cases {
		_, err := Compute(c.p, c.q, c.o)
		var e *input.Error
		if !errors.As(err, &e) || e.Arg != c.arg {
			t.Errorf("Compute(%v, %v, %+v) = %v, want an error on %q", c.p.Family(), c.q.Family(), c.o, err, c.arg)
		}
	}
}

func TestFromParams(t *testing.T) {
	good := []struct {
		family string
		params []float64
		spec   distribution.Spec
	}{
		{"normal", []float64{1, 2}, distribution.Spec{"family": "normal", "mu": 1.0, "sigma": 2.0}},
		{"laplace", []float64{0, 1}, distribution.Spec{"family": "laplace", "mu": 0.0, "b": 1.0}},
		{"exponential", []float64{3}, distribution.Spec{"family": "exponential", "rate": 3.0}},
		{"gamma", []float64{2, 3}, distribution.Spec{"family": "gamma", "shape": 2.0, "rate": 3.0}},
		{"beta", []float64{2, 5}, distribution.Spec{"family": "beta", "alpha": 2.0, "beta": 5.0}},
		{"uniform", []float64{-1, 1}, distribution.Spec{"family": "uniform", "min": -1.0, "max": 1.0}},
		{"lognormal", []float64{0, 0.5}, distribution.Spec{"family": "lognormal", "mu": 0.0, "sigma": 0.5}},
		{"poisson", []float64{4}, distribution.Spec{"family": "poisson", "rate": 4.0}},
		{"bernoulli", []float64{0.25}, distribution.Spec{"family": "bernoulli", "p": 0.25}},
	}
	for _, g := range good {
		d, err := FromParams("p", g.family, g.params)
		if err != nil {
			t.Errorf("%s %v: %v", g.family, g.params, err)
			continue
		}
		s := d.Spec()
		for k, v := range g.spec {
			if s[k] != v {
				t.Errorf("%s: spec[%s] = %v, want %v", g.family, k, s[k], v)
			}
		}
		if len(ParamNames(g.family)) != len(g.params) {
			t.Errorf("ParamNames(%s) = %v", g.family, ParamNames(g.family))
		}
	}
	m, err := FromParams("p", "mixture", []float64{1, 0, 1, 3, 2, 0.5})
	if err != nil {
		t.Fatal(err)
	}
	mx := m.(*distribution.Mixture)
	if mx.Weights[0] != 0.25 || mx.Weights[1] != 0.75 || mx.Components[1].(distribution.Normal).Sigma != 0.5 {
		t.Errorf("mixture %+v", mx.Spec())
	}
	if ParamNames("mixture") != nil {
		t.Error("mixture has no fixed parameter names")
	}

	bad := []struct {
		family string
		params []float64
		arg    string
		code   input.Code
	}{
		{"cauchy", []float64{0, 1}, "q.family", input.UnknownFamily},
		{"normal", []float64{0}, "q.params", input.LengthMismatch},
		{"normal", []float64{0, 0}, "q.sigma", input.OutOfRange},
		{"normal", []float64{math.NaN(), 1}, "q.params[0]", input.NotFinite},
		{"uniform", []float64{1, 1}, "q.max", input.OutOfRange},
		{"bernoulli", []float64{1.5}, "q.p", input.OutOfRange},
		{"mixture", []float64{}, "q.params", input.LengthMismatch},
		{"mixture", []float64{1, 0}, "q.params", input.LengthMismatch},
		{"mixture", make([]float64, 15), "q.params", input.LengthMismatch},
		{"mixture", []float64{-1, 0, 1}, "q.weights[0]", input.Negative},
		{"mixture", []float64{0, 0, 1, 0, 1, 1}, "q.weights", input.Invalid},
		{"mixture", []float64{1, 0, 1, 1, 0, 0}, "q.components[1].sigma", input.OutOfRange},
		{"mixture", []float64{1e308, 0, 1, 1e308, 0, 1}, "q.weights", input.Invalid},
	}
	for _, b := range bad {
		_, err := FromParams("q", b.family, b.params)
		var e *input.Error
		if !errors.As(err, &e) || e.Arg != b.arg || e.Code != b.code {
			t.Errorf("FromParams(%s, %v) = %v, want %s on %q", b.family, b.params, err, b.code, b.arg)
		}
	}
	long := "a-family-name-that-is-far-too-long-to-echo"
	if _, err := FromParams("p", long, nil); err == nil || len(err.Error()) > 220 {
		t.Errorf("long family: %v", err)
	}
}

// FuzzFromParams: any family and parameters give a valid distribution or an
// *input.Error, never a panic; a valid one has a finite KL to itself of 0.
func FuzzFromParams(f *testing.F) {
	f.Add("normal", 0.0, 1.0, 0.0, 2)
	f.Add("mixture", 1.0, 0.0, 1.0, 3)
	f.Add("uniform", 1.0, 0.0, 1.0, 2)
	f.Add("bernoulli", 0.5, 0.0, 0.0, 1)
	f.Fuzz(func(t *testing.T, family string, a, b, c float64, n int) {
		params := []float64{a, b, c, a, b, c}
		if n < 0 {
			n = -n
		}
		params = params[:n%7]
		d, err := FromParams("p", family, params)
		if err != nil {
			var e *input.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *input.Error", err)
			}
			return
		}
		if math.Abs(a) > 1e6 || math.Abs(b) > 1e6 || math.Abs(c) > 1e6 {
			return
		}
		r, err := distribution.KL(d, d, distribution.Options{Base: math.E})
		if err != nil {
			t.Fatalf("KL(%v‖itself): %v", d.Spec(), err)
		}
		if math.Abs(r.Value) > 1e-6 {
			t.Fatalf("KL(%v‖itself) = %v", d.Spec(), r)
		}
	})
}

// The frame's curves agree with distribution.Grid and distribution.Integrand, edge cases
// included: an unbounded Gamma density at 0, and q = 0 < p.
func TestCurvesMatchDist(t *testing.T) {
	pairs := [][2]distribution.Dist{
		{mustParams(t, "gamma", 0.5, 1), mustParams(t, "exponential", 2)},
		{mustParams(t, "normal", 1, 1), mustParams(t, "exponential", 1)},
		{mustParams(t, "mixture", 1, -2, 0.5, 1, 2, 0.5), mustParams(t, "laplace", 0, 1)},
		{mustParams(t, "poisson", 3), mustParams(t, "bernoulli", 0.4)},
	}
	for _, pq := range pairs {
		p, q := pq[0], pq[1]
		f, err := Compute(p, q, Options{Base: math.E, Lo: -1, Hi: 6, Points: 57})
		if err != nil {
			t.Fatal(err)
		}
		_, gp, _ := distribution.Grid(p, -1, 6, 57)
		_, gq, _ := distribution.Grid(q, -1, 6, 57)
		in, _ := distribution.Integrand(p, q, f.Xs)
		rin, _ := distribution.Integrand(q, p, f.Xs)
		for i, x := range f.Xs {
			if !near(f.P[i], gp[i], 1e-15) || !near(f.Q[i], gq[i], 1e-15) || !near(f.Integrand[i], in[i], 1e-15) || !near(f.ReverseIntegrand[i], rin[i], 1e-15) {
				t.Fatalf("%s‖%s at %v: p %v/%v q %v/%v fwd %v/%v rev %v/%v", p.Family(), q.Family(), x, f.P[i], gp[i], f.Q[i], gq[i], f.Integrand[i], in[i], f.ReverseIntegrand[i], rin[i])
			}
		}
	}
}
