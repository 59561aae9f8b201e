package classify

import (
	"errors"
	"math"
	"testing"

	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/input"
)

func near(a, b, rel float64) bool {
	return a == b || math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))
}

func code(err error) input.Code {
	var ie *input.Error
	if errors.As(err, &ie) {
		return ie.Code
	}
	return ""
}

// The reference values below were computed with mpmath at 30 digits
// (python3, mp.dps = 30), from the definitions, not from this package.
func TestDogVsCat(t *testing.T) {
	z := []float64{math.Log(9), 0} // softmax = [0.9, 0.1], the seeds' example
	p, err := Label(2, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Evaluate(z, p, math.E)
	if err != nil {
		t.Fatal(err)
	}
	if !near(e.Q[0], 0.9, 1e-15) || !near(e.Q[1], 0.1, 1e-14) {
		t.Errorf("q = %v", e.Q)
	}
	const want = 0.105360515657826301227500980839 // −log 0.9
	for name, v := range map[string]float64{"loss": e.Loss, "kl": e.KL, "ce": e.CrossEntropy} {
		if !near(v, want, 1e-14) {
			t.Errorf("%s = %v, want %v", name, v, want)
		}
	}
	if e.EntropyP != 0 {
		t.Errorf("H(P) = %v for a one-hot label", e.EntropyP)
	}
	if !near(e.Grad[0], -0.1, 1e-14) || !near(e.Grad[1], 0.1, 1e-14) {
		t.Errorf("grad = %v", e.Grad)
	}
	bits, _ := Evaluate(z, p, 2)
	if !near(bits.Loss, 0.15200309344504995, 1e-14) || !near(bits.KL, 0.15200309344504995, 1e-14) {
		t.Errorf("bits: %+v", bits)
	}
}

func TestSmoothedAndThreeClasses(t *testing.T) {
	z := []float64{math.Log(9), 0}
	p, _ := Label(2, 0, 0.1) // [0.95, 0.05]
	e, err := Evaluate(z, p, math.E)
	if err != nil {
		t.Fatal(err)
	}
	// mpmath: H = 0.198515243345872556…, KL = 0.0167065011787647139…, CE = 0.215221744524637270…
	if !near(e.EntropyP, 0.198515243345872556, 1e-14) || !near(e.KL, 0.0167065011787647139, 1e-12) ||
		!near(e.CrossEntropy, 0.215221744524637270, 1e-14) || !near(e.Loss, 0.215221744524637270, 1e-14) {
		t.Errorf("%+v", e)
	}
	q, _ := Softmax([]float64{1, 2, 3})
	wantQ := []float64{0.0900305731703804579980221014845, 0.244728471054797652472959618341, 0.665240955774821889529018280175}
	for i := range q {
		if !near(q[i], wantQ[i], 1e-15) {
			t.Errorf("softmax[%d] = %v, want %v", i, q[i], wantQ[i])
		}
	}
	p3, _ := Label(3, 2, 0.3) // [0.1, 0.1, 0.8]
	e3, _ := Evaluate([]float64{1, 2, 3}, p3, math.E)
	if !near(e3.EntropyP, 0.639031859650176941, 1e-14) || !near(e3.KL, 0.0685741047942033631, 1e-13) {
		t.Errorf("3 classes: %+v", e3)
	}
}

func TestBatch(t *testing.T) {
	// dog, dog, cat, dog against Q = [0.9, 0.1]: P̄ = [0.75, 0.25].
	p, err := BatchLabel(2, []int{0, 0, 1, 0}, 0)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := Evaluate([]float64{math.Log(9), 0}, p, math.E)
	// mpmath: mean of the four −log q_c = H(P̄, Q) = 0.654666659991881146…; H(P̄) = 0.562335144618808350…
	if !near(e.CrossEntropy, 0.654666659991881146925, 1e-14) || !near(e.EntropyP, 0.562335144618808350288, 1e-14) {
		t.Errorf("%+v", e)
	}
	// The mean of per-example cross-entropies equals H(P̄, Q) (linearity), with smoothing too.
	cs := []int{2, 0, 2, 1, 2}
	z := []float64{0.3, -1, 2}
	pb, _ := BatchLabel(3, cs, 0.2)
	eb, _ := Evaluate(z, pb, math.E)
	mean := 0.0
	for _, c := range cs {
		pc, _ := Label(3, c, 0.2)
		ec, _ := Evaluate(z, pc, math.E)
		mean += ec.CrossEntropy / float64(len(cs))
	}
	if !near(mean, eb.CrossEntropy, 1e-14) {
		t.Errorf("mean %v vs H(P̄,Q) %v", mean, eb.CrossEntropy)
	}
}

func TestProperties(t *testing.T) {
	cases := [][]float64{{0, 0}, {1, -2, 0.5}, {-15, 15}, {3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, {1000, 0}, {-1e6, 1e6}}
	for _, z := range cases {
		q, err := Softmax(z)
		if err != nil {
			t.Fatal(err)
		}
		s := 0.0
		for _, x := range q {
			if math.IsNaN(x) || x < 0 || x > 1 {
				t.Fatalf("softmax(%v) = %v", z, q)
			}
			s += x
		}
		if math.Abs(s-1) > 1e-14 {
			t.Errorf("Σ softmax(%v) = %v", z, s)
		}
		// Shift invariance.
		sh := make([]float64, len(z))
		for i := range z {
			sh[i] = z[i] + 7
		}
		if math.Abs(z[0]) < 1e5 {
			q2, _ := Softmax(sh)
			for i := range q {
				if math.Abs(q[i]-q2[i]) > 1e-14 {
					t.Errorf("shift changed softmax(%v)", z)
				}
			}
		}
		lq, _ := LogSoftmax(z)
		for i := range lq {
			if math.IsNaN(lq[i]) || math.IsInf(lq[i], 0) || lq[i] > 0 {
				t.Errorf("logsoftmax(%v) = %v", z, lq)
			}
		}
	}
	// Exact log q where q underflows: log-softmax([1000, 0])[1] = −1000 − log(1 + e⁻¹⁰⁰⁰) = −1000.
	lq, _ := LogSoftmax([]float64{1000, 0})
	if lq[1] != -1000 || lq[0] != 0 {
		t.Errorf("%v", lq)
	}

	// CE = H + KL, loss = CE, Σ grad = 0, and the gradient matches finite differences.
	z := []float64{0.4, -1.3, 2.2, 0.1}
	p, _ := Label(4, 1, 0.15)
	e, _ := Evaluate(z, p, math.E)
	if !near(e.CrossEntropy, e.EntropyP+e.KL, 1e-14) || !near(e.Loss, e.CrossEntropy, 1e-14) {
		t.Errorf("identity: %+v", e)
	}
	sum := 0.0
	for i := range z {
		sum += e.Grad[i]
		h := 1e-6
		zp := append([]float64(nil), z...)
		zm := append([]float64(nil), z...)
		zp[i] += h
		zm[i] -= h
		ep, _ := Evaluate(zp, p, math.E)
		em, _ := Evaluate(zm, p, math.E)
		fd := (ep.Loss - em.Loss) / (2 * h)
		if math.Abs(fd-e.Grad[i]) > 1e-8 {
			t.Errorf("grad[%d] = %v, finite difference %v", i, e.Grad[i], fd)
		}
	}
	if math.Abs(sum) > 1e-15 {
		t.Errorf("Σ grad = %v", sum)
	}
	// Where q is far from underflow, divergence's functions of P and Q agree.
	o := divergence.Options{Base: math.E}
	ce, _ := divergence.CrossEntropy(p, e.Q, o)
	kl, _ := divergence.KL(p, e.Q, o)
	if !near(ce, e.CrossEntropy, 1e-14) || !near(kl, e.KL, 1e-13) {
		t.Errorf("H(P,Q) %v vs %v, KL %v vs %v", ce, e.CrossEntropy, kl, e.KL)
	}
}

// TestExtremeLogits pins the values where q underflows to 0 or rounds to 1,
// so that log(softmax) would be −Inf or 0. References: mpmath at 60 digits
// (python3) from log q_i = z_i − log Σ exp z_j at the float64 inputs and
// labels, and by hand: log q = (−log1p(e⁻¹⁰⁰⁰), −1000 − log1p(e⁻¹⁰⁰⁰)) = (0, −1000)
// in float64.
func TestExtremeLogits(t *testing.T) {
	z := []float64{1000, 0}
	cases := []struct {
		name             string
		z                []float64
		label            int
		eps, base        float64
		h, kl, ce, relCE float64
	}{
		// One-hot on the class with q = e⁻¹⁰⁰⁰: loss = KL = 1000 + log1p(e⁻¹⁰⁰⁰) = 1000.
		{"one-hot", z, 1, 0, math.E, 0, 1000, 1000, 0},
		// ε = 0.1: P = (0.05, 0.95) (as float64, 0.9 + 0.05 = 0.9500000000000001);
		// H(P, Q) = 0.95·1000 + log1p(e⁻¹⁰⁰⁰) = 950.0000000000000666, H(P) by mpmath.
		{"smoothed", z, 1, 0.1, math.E, 0.1985152433458724987694, 949.8014847566541941146, 950.0000000000000666134, 1e-15},
		{"smoothed bits", z, 1, 0.1, 2, 0.1985152433458724987694 / math.Ln2, 1370.273891887399377049, 1370.560288844515333095, 1e-15},
		// The likely class: loss = log1p(e⁻¹⁰⁰⁰) = 5e−435, 0 in float64.
		{"one-hot likely", z, 0, 0, math.E, 0, 0, 0, 0},
		// q₀ rounds to 1, but loss = KL = log1p(e⁻⁴⁰) = 4.2484e−18, not 0.
		{"q rounds to 1", []float64{40, 0}, 0, 0, math.E, 0, 4.248354255291588986305e-18, 4.248354255291588986305e-18, 1e-15},
		// The largest logits accepted.
		{"±1e6", []float64{-MaxInput, MaxInput}, 0, 0, math.E, 0, 2e6, 2e6, 0},
	}
	for _, c := range cases {
		p, _ := Label(len(c.z), c.label, c.eps)
		e, err := Evaluate(c.z, p, c.base)
		if err != nil {
			t.Fatal(err)
		}
		if !near(e.EntropyP, c.h, 1e-14) || !near(e.KL, c.kl, max(c.relCE, 1e-16)) ||
			!near(e.CrossEntropy, c.ce, c.relCE) || e.Loss != e.CrossEntropy {
			t.Errorf("%s: H %.17g KL %.17g H(P,Q) %.17g loss %.17g; want %.17g %.17g %.17g",
				c.name, e.EntropyP, e.KL, e.CrossEntropy, e.Loss, c.h, c.kl, c.ce)
		}
	}
	// The gradient is q − p = (1, −1) for the one-hot label of class 1.
	e, _ := Evaluate(z, []float64{0, 1}, math.E)
	if e.Grad[0] != 1 || e.Grad[1] != -1 || e.LogQ[0] != 0 || e.LogQ[1] != -1000 || e.Q[1] != 0 {
		t.Errorf("%+v", e)
	}

	// A batch against z = (1000, 0, −1000): the examples' losses are
	// −log q_c = (0, 1000, 2000) (the first is log1p(e⁻¹⁰⁰⁰ + e⁻²⁰⁰⁰) = 0 in
	// float64) and their mean 1000 is H(P̄, Q) with P̄ = (¼, ½, ¼), H(P̄) = 1.5 log 2.
	r, err := Run(State{Base: math.E, Logits: []float64{1000, 0, -1000}, Batch: true, Examples: []float64{0, 1, 2, 1}})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0, 1000, 2000, 1000}
	for j := range want {
		if r.Losses[j] != want[j] {
			t.Errorf("batch losses %v, want %v", r.Losses, want)
		}
	}
	if r.CrossEntropy != 1000 || !near(r.EntropyP, 1.5*math.Ln2, 1e-15) || !near(r.KL, 998.9602792291600820359, 1e-15) {
		t.Errorf("batch: %+v", r.Eval)
	}

	// Training from there moves the logits by the gradient, not to the bound:
	// z ← z − (1, −1) each step, loss (998, 996, 994) = 1000 − 2t + log1p(e^−(1000−2t)).
	z3, tr, err := Train(z, []float64{0, 1}, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	if z3[0] != 997 || z3[1] != 3 {
		t.Errorf("logits after 3 steps %v, want [997 3]", z3)
	}
	for i, s := range tr {
		if w := float64(998 - 2*i); s.Loss != w || s.KL != w {
			t.Errorf("step %d: %+v, want loss = KL = %v", i+1, s, w)
		}
	}
}

// TestKLNearZero: when Q is close to a smoothed P, the KL part is the small
// difference of H(P, Q) and H(P) and keeps its digits. P = (0.95, 0.05) as
// float64 ((0.9 + 0.05, 0.05), Σp = 1 + 6.9e−17), z = (log 19 + 1e−6, 0) as
// float64; KL = 2.381938181059237256e−14 (mpmath, 60 digits, Σ p log(p/q)).
// 1 − Σp alone is 0.3% of it.
func TestKLNearZero(t *testing.T) {
	p, _ := Label(2, 0, 0.1)
	z := []float64{math.Log(0.95/0.05) + 1e-6, 0}
	e, err := Evaluate(z, p, math.E)
	if err != nil {
		t.Fatal(err)
	}
	if !near(e.KL, 2.381938181059237256203e-14, 1e-8) {
		t.Errorf("KL = %.17g, want 2.381938181059237e-14", e.KL)
	}
	if !near(e.CrossEntropy, 0.1985152433458963181512, 1e-15) {
		t.Errorf("H(P, Q) = %.17g", e.CrossEntropy)
	}
}

func TestTrain(t *testing.T) {
	z := []float64{math.Log(9), 0}
	p, _ := Label(2, 0, 0)
	z1, tr, err := Train(z, p, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	// One step: grad = [−0.1, 0.1] → z = [log 9 + 0.1, −0.1]; loss = log(1 + e^−0.2/9)
	// = 0.0870672854624423471583… (mpmath).
	if !near(z1[0], math.Log(9)+0.1, 1e-15) || !near(z1[1], -0.1, 1e-15) || !near(tr[0].Loss, 0.0870672854624423471583, 1e-13) {
		t.Errorf("z1 %v, trace %+v", z1, tr)
	}
	if z[0] != math.Log(9) {
		t.Error("Train changed its input")
	}
	// One-hot: the loss falls monotonically towards 0 and equals its KL part.
	_, tr, _ = Train(z, p, 1, 500)
	for i := 1; i < len(tr); i++ {
		if tr[i].Loss > tr[i-1].Loss || !near(tr[i].Loss, tr[i].KL, 1e-9) {
			t.Fatalf("step %d: %+v after %+v", i, tr[i], tr[i-1])
		}
	}
	if last := tr[len(tr)-1].Loss; last <= 0 || last > 0.01 {
		t.Errorf("one-hot loss after 500 steps %v", last)
	}
	// Smoothed: the loss stops at H(P) > 0 and KL → 0; the mean logit is unchanged.
	ps, _ := Label(3, 0, 0.2)
	z3 := []float64{-1, 2, 0.5}
	zs, tr, _ := Train(z3, ps, 2, 400)
	h, _ := divergence.Entropy(ps, divergence.Options{Base: math.E})
	last := tr[len(tr)-1]
	if math.Abs(last.Loss-h) > 1e-10 || last.KL > 1e-10 || h <= 0 {
		t.Errorf("smoothed end %+v, H(P) %v", last, h)
	}
	if math.Abs((zs[0]+zs[1]+zs[2])-(z3[0]+z3[1]+z3[2])) > 1e-12 {
		t.Errorf("mean moved: %v", zs)
	}
	q, _ := Softmax(zs)
	for i := range q {
		if math.Abs(q[i]-ps[i]) > 1e-6 {
			t.Errorf("q %v, p %v", q, ps)
		}
	}
	// Logits are clamped.
	zc, _, _ := Train([]float64{14.9, -14.9}, p, 100, 1000)
	if zc[0] > MaxLogit || zc[1] < -MaxLogit {
		t.Errorf("clamp: %v", zc)
	}
}

func TestErrors(t *testing.T) {
	p2 := []float64{1, 0}
	cases := []struct {
		name string
		err  error
		code input.Code
	}{
		{"empty", func() error { _, err := Softmax(nil); return err }(), input.Empty},
		{"one", func() error { _, err := Softmax([]float64{1}); return err }(), input.OutOfRange},
		{"eleven", func() error { _, err := LogSoftmax(make([]float64, 11)); return err }(), input.OutOfRange},
		{"nan", func() error { _, err := Softmax([]float64{0, math.NaN()}); return err }(), input.NotFinite},
		{"huge", func() error { _, err := Softmax([]float64{2e6, 0}); return err }(), input.OutOfRange},
		{"inf", func() error { _, err := Evaluate([]float64{math.Inf(1), 0}, p2, math.E); return err }(), input.NotFinite},
		{"classes", func() error { _, err := Label(1, 0, 0); return err }(), input.OutOfRange},
		{"label", func() error { _, err := Label(2, 2, 0); return err }(), input.OutOfRange},
		{"negative label", func() error { _, err := BatchLabel(3, []int{0, -1}, 0); return err }(), input.OutOfRange},
		{"smoothing", func() error { _, err := Label(2, 0, 1.5); return err }(), input.OutOfRange},
		{"smoothing nan", func() error { _, err := Label(2, 0, math.NaN()); return err }(), input.NotFinite},
		{"batch empty", func() error { _, err := BatchLabel(2, nil, 0); return err }(), input.Empty},
		{"batch big", func() error { _, err := BatchLabel(2, make([]int, 17), 0); return err }(), input.TooLarge},
		{"p length", func() error { _, err := Evaluate([]float64{0, 0, 0}, p2, math.E); return err }(), input.LengthMismatch},
		{"p sum", func() error { _, err := Evaluate([]float64{0, 0}, []float64{0.5, 0.6}, math.E); return err }(), input.NotNormalized},
		{"base", func() error { _, err := Evaluate([]float64{0, 0}, p2, 1); return err }(), input.BadBase},
		{"bad logits", func() error { _, err := Evaluate(nil, p2, math.E); return err }(), input.Empty},
		{"lr", func() error { _, _, err := Train([]float64{0, 0}, p2, 0, 1); return err }(), input.OutOfRange},
		{"lr big", func() error { _, _, err := Train([]float64{0, 0}, p2, 101, 1); return err }(), input.OutOfRange},
		{"steps", func() error { _, _, err := Train([]float64{0, 0}, p2, 1, 1001); return err }(), input.OutOfRange},
		{"train p", func() error { _, _, err := Train([]float64{0, 0}, []float64{1}, 1, 1); return err }(), input.LengthMismatch},
		{"train p sum", func() error { _, _, err := Train([]float64{0, 0}, []float64{1, 1}, 1, 1); return err }(), input.NotNormalized},
		{"train logits", func() error { _, _, err := Train([]float64{0}, p2, 1, 1); return err }(), input.OutOfRange},
	}
	for _, c := range cases {
		if got := code(c.err); got != c.code {
			t.Errorf("%s: code %q (%v), want %q", c.name, got, c.err, c.code)
		}
	}
}

// FuzzEvaluateTrain: any logits, label, smoothing and rate either give an
// *input.Error or finite numbers that satisfy H(P,Q) = H(P) + KL(P‖Q).
func FuzzEvaluateTrain(f *testing.F) {
	f.Add(math.Log(9), 0.0, 0.0, 0, 0.0, 1.0, 3)
	f.Add(1e6, -1e6, 5.0, 2, 0.5, 100.0, 10)
	f.Add(math.NaN(), 0.0, 0.0, 1, 2.0, -1.0, -1)
	f.Fuzz(func(t *testing.T, a, b, c float64, label int, eps, lr float64, steps int) {
		z := []float64{a, b, c}
		p, err := Label(3, label, eps)
		if err != nil {
			if code(err) == "" {
				t.Fatalf("untyped %v", err)
			}
			return
		}
		e, err := Evaluate(z, p, math.E)
		if err != nil {
			if code(err) == "" {
				t.Fatalf("untyped %v", err)
			}
			return
		}
		for _, v := range []float64{e.Loss, e.KL, e.CrossEntropy, e.EntropyP, e.GradNorm} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				t.Fatalf("%v %v: %+v", z, p, e)
			}
		}
		if math.Abs(e.CrossEntropy-e.EntropyP-e.KL) > 1e-9*(1+e.CrossEntropy) {
			t.Fatalf("identity %+v", e)
		}
		if steps > 50 {
			steps %= 50
		}
		z2, tr, err := Train(z, p, lr, steps)
		if err != nil {
			if code(err) == "" {
				t.Fatalf("untyped %v", err)
			}
			return
		}
		for _, x := range z2 {
			if math.IsNaN(x) || math.Abs(x) > MaxLogit && math.Abs(x) > math.Abs(a)+math.Abs(b)+math.Abs(c) {
				t.Fatalf("z2 %v", z2)
			}
		}
		for _, s := range tr {
			if math.IsNaN(s.Loss) || math.IsNaN(s.KL) || math.IsInf(s.Loss, 0) || math.IsInf(s.KL, 0) || s.KL < 0 {
				t.Fatalf("trace %+v", tr)
			}
		}
	})
}

func TestRun(t *testing.T) {
	st := State{Logits: []float64{math.Log(9), 0}, Batch: true, Examples: []float64{0, 0, 1, 0}, Base: 2}
	r, err := Run(st)
	if err != nil {
		t.Fatal(err)
	}
	// Bits: −log₂ 0.9 = 0.15200309344504995, −log₂ 0.1 = 3.321928094887362 (mpmath); the mean is H(P̄, Q).
	if !near(r.Losses[0], 0.15200309344504995, 1e-14) || !near(r.Losses[2], 3.321928094887362, 1e-14) {
		t.Errorf("losses %v", r.Losses)
	}
	mean := (3*r.Losses[0] + r.Losses[2]) / 4
	if !near(mean, r.CrossEntropy, 1e-14) || !near(r.P[0], 0.75, 1e-15) {
		t.Errorf("mean %v vs %v, P̄ %v", mean, r.CrossEntropy, r.P)
	}
	if r.TraceLoss != nil || r.Logits[0] != math.Log(9) {
		t.Errorf("no steps asked: %+v", r)
	}
	// Training the batch: Q → P̄ and the loss → H(P̄) (in bits).
	st.Steps, st.LR = 1000, 5
	r, _ = Run(st)
	if len(r.TraceLoss) != 1000 || math.Abs(r.TraceLoss[999]-r.EntropyP) > 1e-9 || math.Abs(r.Q[0]-0.75) > 1e-9 {
		t.Errorf("after training: loss %v, H %v, q %v", r.TraceLoss[999], r.EntropyP, r.Q)
	}
	if !near(r.TraceLoss[999], r.CrossEntropy, 1e-12) {
		t.Errorf("the trace's last point %v is the readout %v", r.TraceLoss[999], r.CrossEntropy)
	}
	// Single example.
	r, _ = Run(State{Base: math.E, Logits: []float64{0, 0, 0}, Label: 1, Smoothing: 0.3})
	if len(r.Losses) != 1 || !near(r.Losses[0], r.CrossEntropy, 1e-14) {
		t.Errorf("single: %+v", r)
	}
	bad := []struct {
		st   State
		code input.Code
	}{
		{State{Base: math.E, Logits: []float64{0}}, input.OutOfRange},
		{State{Base: math.E, Logits: []float64{0, 0}, Batch: true, Examples: []float64{0.5}}, input.OutOfRange},
		{State{Base: math.E, Logits: []float64{0, 0}, Batch: true, Examples: []float64{2}}, input.OutOfRange},
		{State{Base: math.E, Logits: []float64{0, 0}, Batch: true, Examples: make([]float64, 17)}, input.TooLarge},
		{State{Base: math.E, Logits: []float64{0, 0}, Batch: true}, input.Empty},
		{State{Base: math.E, Logits: []float64{0, 0}, Label: 3}, input.OutOfRange},
		{State{Logits: []float64{0, 0}, Base: -1}, input.BadBase},
		{State{Base: math.E, Logits: []float64{0, 0}, Steps: 1}, input.OutOfRange},
	}
	for i, b := range bad {
		if _, err := Run(b.st); code(err) != b.code {
			t.Errorf("case %d: %v, want %s", i, err, b.code)
		}
	}
}
