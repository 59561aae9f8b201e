package softmax

import (
	"math"
	"math/rand/v2"
	"testing"
)

var (
	inf = math.Inf(1)
	nan = math.NaN()
)

// same reports whether got is want within rel relative error (or both NaN,
// or equal, which covers the infinities and exact zeros).
func same(got, want, rel float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return got == want || math.Abs(got-want) <= rel*math.Abs(want)
}

// The references below were computed with mpmath at 60 digits (python3,
// mp.dps = 60) from the definitions LSE(z) = log Σ exp z_i, log q_i = z_i − LSE(z),
// q_i = exp(z_i − LSE(z)), evaluated at the float64 inputs; closed forms where noted.

func TestLogSumExp(t *testing.T) {
	cases := []struct {
		z    []float64
		want float64
	}{
		{nil, -inf},
		{[]float64{0}, 0},
		{[]float64{0, 0}, math.Ln2},
		{[]float64{1, 2, 3}, 3.4076059644443803045},
		{[]float64{0.5, -0.25, 3.75, -2, 1}, 3.8670721063159275699},
		{[]float64{1000, 0}, 1000},                     // 1000 + log1p(e⁻¹⁰⁰⁰)
		{[]float64{1000, 1000}, 1000.6931471805599453}, // 1000 + log 2
		{[]float64{0, -40}, 4.2483542552915889863e-18}, // log1p(e⁻⁴⁰): log(1 + e⁻⁴⁰) would give 0
		{[]float64{-1e308, 1e308}, 1e308},              // z_i − m overflows to −Inf: e^−Inf = 0
		{[]float64{-inf, 0}, 0},
		{[]float64{-inf, -inf}, -inf},
		{[]float64{0, inf}, inf},
		{[]float64{inf, -inf}, inf},
		{[]float64{0, nan}, nan},
		{[]float64{inf, nan}, nan},
	}
	for _, c := range cases {
		if got := LogSumExp(c.z); !same(got, c.want, 2e-16) {
			t.Errorf("LogSumExp(%v) = %.17g, want %.17g", c.z, got, c.want)
		}
	}
}

func TestLogSoftmaxSoftmax(t *testing.T) {
	l2 := -math.Ln2
	cases := []struct {
		z, logQ, q []float64
	}{
		{nil, []float64{}, []float64{}},
		{[]float64{1, 2, 3},
			[]float64{-2.4076059644443803045, -1.4076059644443803045, -0.40760596444438030448},
			[]float64{0.090030573170380457998, 0.24472847105479765247, 0.66524095577482188953}},
		{[]float64{0.5, -0.25, 3.75, -2, 1},
			[]float64{-3.3670721063159275699, -4.1170721063159275699, -0.11707210631592756985, -5.8670721063159275699, -2.8670721063159275699},
			[]float64{0.034490474093053560567, 0.016292146349738986115, 0.88952105076499241849, 0.0028311505184659185645, 0.056865178273749116266}},
		// q₂ = 1 − 9.36e−14: its log is still accurate, −9.3576e−14.
		{[]float64{-30, 0, 30},
			[]float64{-60.000000000000093576, -30.000000000000093576, -9.3576229688406124305e-14},
			[]float64{8.7565107626957009372e-27, 9.3576229688392989538e-14, 0.99999999999990642377}},
		// q₁ = e⁻¹⁰⁰⁰ underflows to 0, its log does not.
		{[]float64{1000, 0}, []float64{0, -1000}, []float64{1, 0}},
		// m = 1000 cancels before the log1p: −log 2 to the last digit.
		{[]float64{1000, 1000}, []float64{l2, l2}, []float64{0.5, 0.5}},
		{[]float64{-inf, 0, 0}, []float64{-inf, l2, l2}, []float64{0, 0.5, 0.5}},
		{[]float64{-inf, -inf}, []float64{nan, nan}, []float64{nan, nan}},
		{[]float64{inf, 0}, []float64{nan, nan}, []float64{nan, nan}},
		{[]float64{0, nan, 1}, []float64{nan, nan, nan}, []float64{nan, nan, nan}},
	}
	for _, c := range cases {
		lq, q := LogSoftmax(c.z), Softmax(c.z)
		if len(lq) != len(c.z) || len(q) != len(c.z) || lq == nil || q == nil {
			t.Fatalf("%v: lengths %d, %d", c.z, len(lq), len(q))
		}
		for i := range c.z {
			if !same(lq[i], c.logQ[i], 4e-16) {
				t.Errorf("LogSoftmax(%v)[%d] = %.17g, want %.17g", c.z, i, lq[i], c.logQ[i])
			}
			if !same(q[i], c.q[i], 4e-16) {
				t.Errorf("Softmax(%v)[%d] = %.17g, want %.17g", c.z, i, q[i], c.q[i])
			}
		}
	}
	// Subnormal probabilities (mpmath): e^−740 = 84.8 × 2⁻¹⁰⁷⁴ rounds to
	// 85 × 2⁻¹⁰⁷⁴ = 4.2e−322, e^−745.2 = 0.47 × 2⁻¹⁰⁷⁴ to 0.
	if q := Softmax([]float64{0, -740, -745.2}); q[0] != 1 || q[1] != 4.2e-322 || q[2] != 0 {
		t.Errorf("Softmax(0, −740, −745.2) = %v", q)
	}
}

func randomLogits(rng *rand.Rand) []float64 {
	z := make([]float64, 2+rng.IntN(9))
	scale := []float64{1e-3, 1, 10, 100, 1000}[rng.IntN(5)]
	for i := range z {
		z[i] = scale * rng.NormFloat64()
	}
	return z
}

func TestProperties(t *testing.T) {
	const eps = 0x1p-52
	rng := rand.New(rand.NewPCG(3, 5))
	for range 2000 {
		z := randomLogits(rng)
		q, lq := Softmax(z), LogSoftmax(z)
		s := 0.0
		for i := range q {
			if !(q[i] >= 0 && q[i] <= 1) || !(lq[i] <= 0) {
				t.Fatalf("z %v: q %v, log q %v", z, q, lq)
			}
			s += q[i]
			// log-softmax = log of softmax where q_i is a normal number; log q_i
			// has the absolute error ε·|z_i − max z| of its first subtraction.
			if q[i] >= 0x1p-1022 {
				if d := math.Abs(math.Log(q[i]) - lq[i]); d > 4*eps*(1+math.Abs(lq[i])) {
					t.Errorf("z %v: log q_%d = %.17g, log-softmax %.17g", z, i, math.Log(q[i]), lq[i])
				}
			}
		}
		if math.Abs(s-1) > float64(len(z))*eps {
			t.Errorf("Σ softmax(%v) = %.17g", z, s)
		}
		// The log-softmax is normalised: its log-sum-exp is 0.
		if l := LogSumExp(lq); math.Abs(l) > float64(len(z))*eps {
			t.Errorf("LSE(log-softmax(%v)) = %g", z, l)
		}
		// max z ≤ LSE ≤ max z + log n.
		m, l := math.Inf(-1), LogSumExp(z)
		for _, x := range z {
			m = max(m, x)
		}
		if l < m || l > m+math.Log(float64(len(z)))*(1+eps)+eps*math.Abs(m) {
			t.Errorf("LSE(%v) = %v outside [max, max + log n]", z, l)
		}
		// Shift invariance, exact when the shift is exact: z rounded to
		// multiples of 2⁻²⁰ plus an integer c keeps every difference z_i − z_j.
		c := float64(rng.IntN(2_000_001) - 1_000_000)
		zr, zs := make([]float64, len(z)), make([]float64, len(z))
		for i := range z {
			zr[i] = math.Round(z[i]*0x1p20) / 0x1p20
			zs[i] = zr[i] + c
		}
		qr, qs := Softmax(zr), Softmax(zs)
		lr, ls := LogSoftmax(zr), LogSoftmax(zs)
		for i := range zr {
			if qr[i] != qs[i] || lr[i] != ls[i] {
				t.Fatalf("shift %v changed softmax(%v): %v vs %v", c, zr, lr, ls)
			}
		}
		if d := LogSumExp(zs) - (LogSumExp(zr) + c); math.Abs(d) > 2*eps*math.Abs(LogSumExp(zs)) {
			t.Errorf("LSE(z + %v) − LSE(z) − c = %g", c, d)
		}
		// KL: 0 against itself, ≥ 0, and the shift does not change it.
		z2 := randomLogits(rng)[:1]
		z2 = append(z2, z[1:]...)
		l2 := LogSoftmax(z2)
		if KL(lq, lq) != 0 || KL(lr, ls) != 0 {
			t.Fatalf("KL(P‖P) ≠ 0 for %v", z)
		}
		if k := KL(lq, l2); !(k >= 0) {
			t.Errorf("KL = %v for %v, %v", k, z, z2)
		}
	}
}

func TestKL(t *testing.T) {
	u := LogSoftmax([]float64{0, 0, 0})
	z := []float64{0.3, -1.2, 0.7, 2.0}
	cases := []struct {
		name         string
		logP, logQ   []float64
		want, relTol float64
	}{
		// Closed form: KL(uniform ‖ (1, 2, 3)/6) = ⅓ log(4/3).
		{"uniform", u, LogSoftmax([]float64{0, math.Log(2), math.Log(3)}), math.Log(4.0/3) / 3, 1e-15},
		// P ≈ (1, e⁻¹⁰⁰⁰), Q ≈ (e⁻¹⁰⁰⁰, 1): 1000·tanh 500 = 1000. log(softmax) would give NaN.
		{"extreme", LogSoftmax([]float64{1000, 0}), LogSoftmax([]float64{0, 1000}), 1000, 1e-16},
		// One-hot P on the class whose q = e⁻¹⁰⁰⁰: −log q₁ = 1000 + log1p(e⁻¹⁰⁰⁰) = 1000.
		{"one-hot", []float64{math.Inf(-1), 0}, LogSoftmax([]float64{1000, 0}), 1000, 1e-16},
		// One-hot on the likely class: log1p(e⁻¹⁰⁰⁰) = 5e−435 underflows to 0.
		{"one-hot likely", []float64{0, math.Inf(-1)}, LogSoftmax([]float64{1000, 0}), 0, 0},
		// p > 0 where q = 0.
		{"q = 0", []float64{math.Log(0.5), math.Log(0.5)}, []float64{0, math.Inf(-1)}, inf, 0},
		{"both 0", []float64{0, math.Inf(-1)}, []float64{0, math.Inf(-1)}, 0, 0},
		{"nan", []float64{0, nan}, []float64{0, 0}, nan, 0},
		{"+inf", []float64{0, -1}, []float64{inf, 0}, nan, 0},
		// Close policies (mpmath, at the float64 logits 0.3001, −1.2002, 0.70005,
		// 2.00003 and those with 1e−7): the plain Σ p(log p − log q) keeps only
		// about 1e−16 absolute accuracy, 10% of the second value.
		{"close", LogSoftmax(z), LogSoftmax([]float64{0.3001, -1.2002, 0.70005, 2.00003}), 1.0387218102098378605e-9, 1e-11},
		{"closer", LogSoftmax(z), LogSoftmax([]float64{0.3000001, -1.2000001999999999, 0.70000005, 2.00000003}), 1.0387759723868940443e-15, 1e-8},
	}
	for _, c := range cases {
		if got := KL(c.logP, c.logQ); !same(got, c.want, c.relTol) {
			t.Errorf("%s: KL = %.17g, want %.17g", c.name, got, c.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("KL of different lengths did not panic")
		}
	}()
	KL(u, u[:2])
}

func TestExpm1mx(t *testing.T) {
	// mpmath, 60 digits, exp(x) − 1 − x at the float64 x.
	cases := []struct{ x, want float64 }{
		{0, 0},
		{1e-10, 5.000000000166667031e-21},
		{-1e-5, 4.9999833333750007347e-11},
		{0.5, 0.14872127070012814685},
		{-0.5, 0.1065306597126334236},
		{1, 0.71828182845904523536},
		{-1, 0.3678794411714423216},
		{-0.999, 0.36724750461366292065},
		{1.5, 1.9816890703380648226},
		{-3, 2.049787068367863943},
		{50, 5.184705528587072464e21},
		{-inf, inf},
		{inf, inf},
		{nan, nan},
	}
	for _, c := range cases {
		if got := expm1mx(c.x); !same(got, c.want, 4e-16) {
			t.Errorf("h(%v) = %.17g, want %.17g", c.x, got, c.want)
		}
	}
}
