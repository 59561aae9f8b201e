package vae

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !(math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))) {
		t.Errorf("%s = %.17g, want %.17g (tol %g)", what, got, want, tol)
	}
}

func mustNew(t testing.TB, c Config) *Trainer {
	t.Helper()
	tr, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func code(err error) input.Code {
	var ie *input.Error
	if errors.As(err, &ie) {
		return ie.Code
	}
	return ""
}

// The whole backprop (decoder, reparameterisation, clamp-free log σ², KL,
// encoder) against central finite differences of the objective, for every
// parameter, both architectures, both latent sizes, K = 1 and 3 and two β.
func TestGradientFiniteDifferences(t *testing.T) {
	for _, arch := range []string{Linear, MLP} {
		for _, L := range []int{1, 2} {
			for _, K := range []int{1, 3} {
				for _, beta := range []float64{1, 2.5} {
					c := Default()
					c.Arch, c.Latent, c.Samples, c.Beta, c.N = arch, L, K, beta, 60
					tr := mustNew(t, c)
					rng := rand.New(rand.NewPCG(9, 9))
					for i := range tr.params {
						tr.params[i] += 0.3 * rng.NormFloat64()
					}
					idx := []int{3, 17, 0, 42, 59, 8, 21}
					eps := make([]float64, len(idx)*K*L)
					for i := range eps {
						eps[i] = rng.NormFloat64()
					}
					tr.objective(tr.params, idx, eps)
					analytic := append([]float64(nil), tr.grad...)
					p := append([]float64(nil), tr.params...)
					const h = 1e-5
					worst := 0.0
					for i := range p {
						orig := p[i]
						p[i] = orig + h
						fp := tr.objective(p, idx, eps)
						p[i] = orig - h
						fm := tr.objective(p, idx, eps)
						p[i] = orig
						fd := (fp - fm) / (2 * h)
						if d := math.Abs(fd-analytic[i]) / math.Max(1, math.Abs(fd)); d > worst {
							worst = d
						}
					}
					if worst > 1e-6 {
						t.Errorf("%s L=%d K=%d β=%v: worst relative gradient error %g", arch, L, K, beta, worst)
					}
				}
			}
		}
	}
}

// KL(N(μ, e^lv) ‖ N(0, 1)) against mpmath quadrature of ∫ q log(q/p) (30 digits).
func TestKLNormal(t *testing.T) {
	cases := []struct{ mu, lv, want float64 }{
		{0, 0, 0},
		{1.5, -1, 1.30893972058572116079776188508},
		{-0.7, 0.8, 0.45777046424623379841599920485},
		{0.3, -4, 1.55415781944436708681618993676},
	}
	for _, c := range cases {
		near(t, "KL", KLNormal([]float64{c.mu}, []float64{c.lv}), c.want, 1e-14)
	}
	// Independent dimensions add.
	near(t, "KL 2-D", KLNormal([]float64{1.5, -0.7}, []float64{-1, 0.8}), 1.30893972058572116079776188508+0.45777046424623379841599920485, 1e-14)
	defer func() {
		if recover() == nil {
			t.Error("KLNormal with different lengths did not panic")
		}
	}()
	KLNormal([]float64{1}, nil)
}

// ELBO = recon − KL exactly; the KL's dimensions add up to it; each term agrees
// with a direct evaluation through Decode and KLNormal.
func TestTermsIdentity(t *testing.T) {
	c := Default()
	c.Beta = 3
	tr := mustNew(t, c)
	if _, err := tr.Advance(25); err != nil {
		t.Fatal(err)
	}
	tr.AdvanceEpochs(1)
	tm := tr.Terms()
	if last := tr.Last(); last.ELBO != tm.ELBO || last.KLDims[1] != tm.KLDims[1] || last.BetaELBO != tm.BetaELBO {
		t.Errorf("Last %+v, Terms %+v at an epoch's end", last, tm)
	}
	codes, lvs, recon := tr.Sample(40)
	if tm.ELBO != tm.Recon-tm.KL || tm.BetaELBO != tm.Recon-3*tm.KL {
		t.Errorf("ELBO %v, recon %v, KL %v, β-ELBO %v", tm.ELBO, tm.Recon, tm.KL, tm.BetaELBO)
	}
	near(t, "Σ KL dims", tm.KLDims[0]+tm.KLDims[1], tm.KL, 1e-14)
	if len(codes) != 80 || len(lvs) != 80 || len(recon) != 80 {
		t.Fatalf("lengths %d %d %d", len(codes), len(lvs), len(recon))
	}
	// Direct: the mean over the data of the fixed-draw log-likelihood and the closed-form KL.
	var rs, ks float64
	for i := 0; i < tr.n; i++ {
		x := tr.data[2*i : 2*i+2]
		mu, lv := tr.encode(tr.params, x)
		mu, lv = append([]float64(nil), mu...), append([]float64(nil), lv...)
		ks += KLNormal(mu, lv)
		z := []float64{mu[0] + math.Exp(lv[0]/2)*tr.evalEps[2*i], mu[1] + math.Exp(lv[1]/2)*tr.evalEps[2*i+1]}
		xh, _ := tr.Decode(z)
		d := (x[0]-xh[0])*(x[0]-xh[0]) + (x[1]-xh[1])*(x[1]-xh[1])
		rs += -math.Log(2*math.Pi*DecoderSD*DecoderSD) - d/(2*DecoderSD*DecoderSD)
		if i < 40 {
			near(t, "code", codes[2*i], mu[0], 1e-15)
			xm, _ := tr.Decode(mu)
			near(t, "recon", recon[2*i+1], xm[1], 1e-15)
		}
	}
	near(t, "recon term", tm.Recon, rs/float64(tr.n), 1e-12)
	near(t, "KL term", tm.KL, ks/float64(tr.n), 1e-12)
	h := tr.History()
	if p := h[len(h)-1]; p.ELBO != tm.ELBO || p.KL != tm.KL || p.Recon != tm.Recon {
		t.Errorf("trace point %+v, terms %+v", p, tm)
	}
}

// The same seed gives the same run, however the steps are split into calls;
// another seed gives another.
func TestReproducible(t *testing.T) {
	c := Default()
	c.Samples = 2
	a, b := mustNew(t, c), mustNew(t, c)
	pa, err := a.Advance(37)
	if err != nil {
		t.Fatal(err)
	}
	var pb []Point
	for _, k := range []int{1, 9, 0, 27} {
		p, err := b.Advance(k)
		if err != nil {
			t.Fatal(err)
		}
		pb = append(pb, p...)
	}
	if a.Terms().ELBO != b.Terms().ELBO || a.Step() != 37 || b.Step() != 37 {
		t.Errorf("split runs differ: %v vs %v", a.Terms(), b.Terms())
	}
	for i := range a.params {
		if a.params[i] != b.params[i] {
			t.Fatalf("parameter %d differs", i)
		}
	}
	if len(pa) != 3 || len(pb) != 3 || pa[2] != pb[2] || pa[2].Epoch != 3 || pa[2].Step != 30 {
		t.Errorf("trace points %v vs %v", pa, pb)
	}
	if h := a.History(); len(h) != 4 || h[0].Epoch != 0 || h[0].Step != 0 {
		t.Errorf("history %v", h)
	}
	c.Seed = 2
	d := mustNew(t, c)
	d.Advance(37)
	if d.Terms().ELBO == a.Terms().ELBO {
		t.Error("another seed gave the same run")
	}
	// AdvanceEpochs finishes the current epoch first.
	e := mustNew(t, Default())
	e.Advance(3)
	pts, err := e.AdvanceEpochs(2)
	if err != nil || e.Epoch() != 2 || e.Step() != 20 || len(pts) != 2 {
		t.Errorf("AdvanceEpochs: epoch %d step %d, %d points, %v", e.Epoch(), e.Step(), len(pts), err)
	}
}

// Training raises the ELBO well above where it starts, for every data set and both architectures.
func TestTrainingImproves(t *testing.T) {
	for _, data := range []string{Moons, Rings, Clusters} {
		for _, arch := range []string{Linear, MLP} {
			c := Default()
			c.Data, c.Arch, c.N = data, arch, 300
			tr := mustNew(t, c)
			e0 := tr.Terms().ELBO
			if _, err := tr.AdvanceEpochs(120); err != nil {
				t.Fatal(err)
			}
			e1 := tr.Terms().ELBO
			if e1 < e0+1 {
				t.Errorf("%s %s: ELBO %v → %v", data, arch, e0, e1)
			}
			// The MLP with a 2-D latent beats the best it could do without the latent:
			// x̂ = the data mean, recon = −log 2πs² − 2/(2s²) (unit variances), KL = 0.
			if arch == MLP {
				if blind := -math.Log(2*math.Pi*DecoderSD*DecoderSD) - 1/(DecoderSD*DecoderSD); e1 < blind+2 {
					t.Errorf("%s: ELBO %v, no better than ignoring z (%v)", data, e1, blind)
				}
			}
			t.Logf("%s %s: ELBO %.3f → %.3f", data, arch, e0, e1)
		}
	}
	// SGD improves too.
	c := Default()
	c.Optimizer, c.LR = SGD, 0.02
	tr := mustNew(t, c)
	e0 := tr.Terms().ELBO
	tr.AdvanceEpochs(60)
	if e1 := tr.Terms().ELBO; e1 < e0+1 {
		t.Errorf("SGD: ELBO %v → %v", e0, e1)
	}
}

// β = 20 collapses the posterior: q(z|x) → N(0, I) for every x (KL per point
// → 0) and the decoder ignores z, answering the data mean (0, 0).
func TestPosteriorCollapse(t *testing.T) {
	for _, data := range []string{Moons, Clusters} {
		c := Default()
		c.Data, c.Beta = data, 20
		tr := mustNew(t, c)
		if _, err := tr.AdvanceEpochs(150); err != nil {
			t.Fatal(err)
		}
		tm := tr.Terms()
		_, _, recon := tr.Sample(100)
		if tm.KL > 0.05 {
			t.Errorf("%s: KL per point %v after 150 epochs at β = 20", data, tm.KL)
		}
		worst := 0.0
		for _, v := range recon {
			worst = math.Max(worst, math.Abs(v))
		}
		if worst > 0.1 {
			t.Errorf("%s: reconstructions up to %v from the data mean", data, worst)
		}
		t.Logf("%s β=20: KL %.4g, reconstructions within %.3g of the mean", data, tm.KL, worst)
		// At β = 1 the same run keeps information in z.
		c.Beta = 1
		one := mustNew(t, c)
		one.AdvanceEpochs(150)
		if kl := one.Terms().KL; kl < 1 {
			t.Errorf("%s: β = 1 KL %v, expected the latent in use", data, kl)
		}
	}
}

func TestGenerate(t *testing.T) {
	for _, data := range []string{Moons, Rings, Clusters} {
		xs, labels, err := Generate(data, 501, 0.1, 7)
		if err != nil {
			t.Fatal(err)
		}
		for d := 0; d < 2; d++ {
			var m, v float64
			for i := 0; i < 501; i++ {
				m += xs[2*i+d]
			}
			m /= 501
			for i := 0; i < 501; i++ {
				v += (xs[2*i+d] - m) * (xs[2*i+d] - m)
			}
			near(t, data+" mean", m, 0, 1e-13)
			near(t, data+" variance", v/501, 1, 1e-13)
		}
		counts := make([]int, Components(data))
		for _, l := range labels {
			counts[l]++
		}
		for _, k := range counts {
			if k < 100 {
				t.Errorf("%s: component sizes %v", data, counts)
			}
		}
		again, _, _ := Generate(data, 501, 0.1, 7)
		other, _, _ := Generate(data, 501, 0.1, 8)
		if again[10] != xs[10] || other[10] == xs[10] {
			t.Errorf("%s: seeds", data)
		}
	}
	// Without noise the rings are exact circles (radii in ratio 2 : 1 after standardising:
	// both axes share one scale by symmetry).
	xs, labels, _ := Generate(Rings, 400, 0, 1)
	for i := 0; i < 400; i++ {
		r := math.Hypot(xs[2*i], xs[2*i+1])
		want := math.Sqrt(16.0 / 5) // radii 1 and ½, equal counts: per-axis variance ½(1²/2) + ½(½²/2) = 5/16
		if labels[i] == 1 {
			want /= 2
		}
		near(t, "ring radius", r, want, 1e-9)
	}
	for _, bad := range []struct {
		data  string
		n     int
		noise float64
		code  input.Code
	}{{"spiral", 100, 0, input.UnknownName}, {Moons, 1, 0, input.OutOfRange}, {Moons, 100, -1, input.OutOfRange}, {Moons, 100, math.NaN(), input.OutOfRange}, {Moons, 100, math.Inf(1), input.OutOfRange}} {
		if _, _, err := Generate(bad.data, bad.n, bad.noise, 1); code(err) != bad.code {
			t.Errorf("Generate(%q, %d, %v): %v", bad.data, bad.n, bad.noise, err)
		}
	}
	if Components("x") != 0 {
		t.Error("Components of an unknown set")
	}
}

// TestDefaultIsTheSchema: the model's default configuration is the lab's
// schema's default state, so the page, a link and the bridge agree.
func TestDefaultIsTheSchema(t *testing.T) {
	lab, _ := session.Lab("vae")
	st, err := lab.Decode(map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Data: st.Enum("data"), N: st.Int("n"), Noise: st.Number("noise"), Seed: uint64(st.Int("seed")),
		Latent: st.Int("latent"), Arch: st.Enum("arch"), Samples: st.Int("samples"), Beta: st.Number("beta"),
		Optimizer: st.Enum("optimizer"), LR: st.Number("lr")}
	if Default() != want {
		t.Fatalf("Default() = %+v, the schema says %+v", Default(), want)
	}
}

func TestConfigCheck(t *testing.T) {
	c := Config{Data: Rings, N: 1000, Noise: 0.2, Seed: 42, Latent: 1, Arch: Linear, Samples: 4, Beta: 20, Optimizer: SGD, LR: 0.05}
	if err := c.Check(); err != nil {
		t.Fatal(err)
	}
	if c.Key() != "rings|1000|0.2|42|1|linear" {
		t.Errorf("key %q", c.Key())
	}
	bad := []struct {
		field  string
		change func(*Config)
		code   input.Code
	}{
		{"data", func(c *Config) { c.Data = "spiral" }, input.UnknownName},
		{"arch", func(c *Config) { c.Arch = "cnn" }, input.UnknownName},
		{"optimizer", func(c *Config) { c.Optimizer = "lbfgs" }, input.UnknownName},
		{"n", func(c *Config) { c.N = 10 }, input.OutOfRange},
		{"n", func(c *Config) { c.N = 2001 }, input.OutOfRange},
		{"latent", func(c *Config) { c.Latent = 3 }, input.OutOfRange},
		{"samples", func(c *Config) { c.Samples = 0 }, input.OutOfRange},
		{"samples", func(c *Config) { c.Samples = 65 }, input.OutOfRange},
		{"seed", func(c *Config) { c.Seed = 0 }, input.OutOfRange},
		{"noise", func(c *Config) { c.Noise = -0.1 }, input.OutOfRange},
		{"noise", func(c *Config) { c.Noise = math.NaN() }, input.OutOfRange},
		{"beta", func(c *Config) { c.Beta = 101 }, input.OutOfRange},
		{"beta", func(c *Config) { c.Beta = math.Inf(1) }, input.OutOfRange},
		{"lr", func(c *Config) { c.LR = 0 }, input.OutOfRange},
		{"lr", func(c *Config) { c.LR = 2 }, input.OutOfRange},
	}
	for _, b := range bad {
		c := Default()
		b.change(&c)
		var ie *input.Error
		if err := c.Check(); !errors.As(err, &ie) || ie.Code != b.code || ie.Arg != b.field {
			t.Errorf("%s: %v", b.field, err)
		}
	}
	if _, err := New(Config{}); code(err) == "" {
		t.Error("New(zero Config) succeeded")
	}
}

// FuzzConfig: any configuration is refused with an *input.Error or trains to
// finite terms; never a panic.
func FuzzConfig(f *testing.F) {
	f.Add("moons", 500, 0.08, uint64(1), 2, "mlp", 1, 1.0, "adam", 0.01)
	f.Add("clusters", 50, 0.5, uint64(999999), 1, "linear", 64, 100.0, "sgd", 1.0)
	f.Add("rings", 2000, 0.0, uint64(3), 1, "mlp", 2, 0.0, "sgd", 0.0001)
	f.Fuzz(func(t *testing.T, data string, n int, noise float64, seed uint64, latent int, arch string, samples int, beta float64, opt string, lr float64) {
		c := Config{Data: data, N: n, Noise: noise, Seed: seed, Latent: latent, Arch: arch, Samples: samples, Beta: beta, Optimizer: opt, LR: lr}
		if err := c.Check(); err != nil {
			if code(err) == "" {
				t.Fatalf("not an *input.Error: %v", err)
			}
			return
		}
		if c.N > 300 || c.Samples > 8 {
			return // valid, but slow to train inside a fuzzer
		}
		tr, err := New(c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Advance(3); err != nil {
			if code(err) != input.OutOfRange {
				t.Fatal(err)
			}
			return
		}
		tm := tr.Terms()
		if math.IsNaN(tm.ELBO) || math.IsInf(tm.ELBO, 0) || tm.KL < 0 {
			t.Fatalf("%+v: terms %+v", c, tm)
		}
	})
}

func TestErrorsAndEdges(t *testing.T) {
	tr := mustNew(t, Default())
	if _, err := tr.Advance(-1); code(err) != input.OutOfRange {
		t.Errorf("Advance(-1): %v", err)
	}
	if _, err := tr.Advance(MaxSteps + 1); code(err) != input.OutOfRange {
		t.Errorf("Advance(too many): %v", err)
	}
	if _, err := tr.AdvanceEpochs(-1); code(err) != input.OutOfRange {
		t.Errorf("AdvanceEpochs(-1): %v", err)
	}
	if _, err := tr.Decode([]float64{1}); code(err) != input.LengthMismatch {
		t.Errorf("Decode: %v", err)
	}
	c := Default()
	c.Beta, c.Samples, c.Optimizer, c.LR = 5, 3, SGD, 0.1
	if err := tr.SetHyper(c); err != nil || tr.Config() != c || len(tr.eps) != Batch*3*2 {
		t.Errorf("SetHyper: %v", err)
	}
	c.Seed = 5
	if err := tr.SetHyper(c); code(err) != input.Invalid {
		t.Errorf("SetHyper with another key: %v", err)
	}
	c.Seed, c.LR = 1, 7
	if err := tr.SetHyper(c); code(err) != input.OutOfRange {
		t.Errorf("SetHyper with a bad lr: %v", err)
	}
	if tr.Params() != 2*16+16+16*4+4+2*16+16+16*2+2 {
		t.Errorf("Params %d", tr.Params())
	}
	if xs, labels := tr.Data(); len(xs) != 1000 || len(labels) != 500 || tr.StepsPerEpoch() != 10 {
		t.Error("Data")
	}
	// The manifold: one line of 61 points for a 1-D latent, ten of 31 for 2-D; its
	// points are Decode's.
	xy, lines, per := tr.Manifold()
	if lines != 10 || per != 31 || len(xy) != 620 {
		t.Fatalf("manifold %d × %d, %d numbers", lines, per, len(xy))
	}
	p, _ := tr.Decode([]float64{-2, -3})
	if xy[0] != p[0] || xy[1] != p[1] {
		t.Error("manifold start")
	}
	c1 := Default()
	c1.Latent, c1.Arch = 1, Linear
	one := mustNew(t, c1)
	if xy, lines, per := one.Manifold(); lines != 1 || per != 61 || len(xy) != 122 {
		t.Error("1-D manifold")
	}
	// A gradient that is not finite stops training with an error naming the learning rate.
	tr.params[0] = math.NaN()
	if _, err := tr.Advance(1); code(err) != input.OutOfRange {
		t.Errorf("NaN weight: %v", err)
	}
	if _, err := tr.AdvanceEpochs(1); code(err) != input.OutOfRange {
		t.Errorf("after failure: %v", err)
	}
	// Sample clamps m.
	if codes, _, _ := one.Sample(10_000); len(codes) != 500 {
		t.Error("Sample(m > n)")
	}
	// History keeps at most MaxHistory points.
	h := mustNew(t, Config{Data: Moons, N: 50, Noise: 0, Seed: 1, Latent: 1, Arch: Linear, Samples: 1, Beta: 1, Optimizer: Adam, LR: 0.001})
	for i := 0; i < 6; i++ {
		if _, err := h.Advance(MaxSteps); err != nil {
			t.Fatal(err)
		}
	}
	if hs := h.History(); len(hs) != MaxHistory || hs[len(hs)-1].Epoch != 6*MaxSteps {
		t.Errorf("history %d points, last epoch %d", len(hs), hs[len(hs)-1].Epoch)
	}
}

// BenchmarkEpoch1000 is one epoch (20 minibatches of 50) on 1000 points with the
// default MLP, 2-D latent, K = 1, Adam, plus the epoch's trace point.
func BenchmarkEpoch1000(b *testing.B) {
	c := Default()
	c.N = 1000
	tr := mustNew(b, c)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tr.AdvanceEpochs(1); err != nil {
			b.Fatal(err)
		}
	}
}

func TestTanh(t *testing.T) {
	for _, x := range []float64{0, 1e-9, -3e-4, 0.000999, 0.001, 0.01, -0.3, 0.7, 1, -2.5, 10, 19.9, 20.1, -50, math.Inf(1)} {
		if got, want := tanh(x), math.Tanh(x); math.Abs(got-want) > 4e-16*math.Max(1e-3, math.Abs(want)) && math.Abs(got-want) > 1e-16 {
			t.Errorf("tanh(%v) = %v, want %v", x, got, want)
		}
	}
}
