package contrastive

import (
	"math"
	"slices"
	"testing"

	"github.com/klplayground/klplay/core/session"
)

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func trained(t *testing.T, rho float64, k, steps int) *Run {
	t.Helper()
	r, err := NewRun(rho, k, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Advance(steps); err != nil {
		t.Fatal(err)
	}
	return r
}

// With log K well above I, both bounds climb from the zero critic to I.
func TestTrainingApproachesTheTruth(t *testing.T) {
	const rho = 0.9
	mi, _ := TrueMI(rho)
	r := trained(t, rho, 64, 500)
	if first, last := mean(r.NCE[:20]), mean(r.NCE[450:]); !(first < mi-0.2 && math.Abs(last-mi) < 0.04) {
		t.Errorf("InfoNCE: first 20 batches %v, last 50 %v, I %v", first, last, mi)
	}
	_, nwj := r.Critics(500)
	if e, _ := ExpectedNWJ(nwj, rho); math.Abs(e-mi) > 0.02 {
		t.Errorf("NWJ's trained critic: expected bound %v, I %v", e, mi)
	}
	if last := mean(r.NWJ[400:]); math.Abs(last-mi) > 0.05 {
		t.Errorf("NWJ: last 100 batches %v, I %v", last, mi)
	}
	// The NWJ estimates scatter more than InfoNCE's.
	sd := func(xs []float64) float64 {
		m, s := mean(xs), 0.0
		for _, x := range xs {
			s += (x - m) * (x - m)
		}
		return math.Sqrt(s / float64(len(xs)))
	}
	if a, b := sd(r.NCE[400:]), sd(r.NWJ[400:]); !(b > a) {
		t.Errorf("spread of the last 100: InfoNCE %v, NWJ %v", a, b)
	}
}

// With log K below I, InfoNCE stays under log K on every batch however long
// it trains; a K above e^I takes it much closer to I.
func TestInfoNCECapInTraining(t *testing.T) {
	const rho = 0.98
	mi, _ := TrueMI(rho)
	small := trained(t, rho, 4, 500)
	for i, v := range small.NCE {
		if v > math.Log(4) {
			t.Fatalf("update %d: InfoNCE %v > log 4", i+1, v)
		}
	}
	large := trained(t, rho, 64, 500)
	gapSmall, gapLarge := mi-mean(small.NCE[450:]), mi-mean(large.NCE[450:])
	if !(gapLarge < gapSmall/2) {
		t.Errorf("I − InfoNCE: %v at K = 4 (log K = %v), %v at K = 64 (I = %v)", gapSmall, math.Log(4), gapLarge, mi)
	}
}

// ρ = 0: I = 0, and InfoNCE's per-batch values stay ≤ log K while the critic
// stays near zero.
func TestTrainingIndependent(t *testing.T) {
	r := trained(t, 0, 32, 300)
	nce, _ := r.Critics(300)
	if m := mean(r.NCE[200:]); math.Abs(m) > 0.03 || math.Abs(nce.A) > 0.3 {
		t.Errorf("ρ = 0: InfoNCE %v, critic %+v", m, nce)
	}
}

// The run is deterministic, a grown run's prefix is the shorter run, and each
// recorded estimate is the bound of the critic before the update on its batch.
func TestRunIsReplayable(t *testing.T) {
	a, b := trained(t, 0.7, 8, 60), trained(t, 0.7, 8, 25)
	if !slices.Equal(a.NCE[:25], b.NCE) || !slices.Equal(a.NWJ[:25], b.NWJ) || !slices.Equal(a.CriticNWJ[:25], b.CriticNWJ) {
		t.Error("a run of 60 updates does not begin with the run of 25")
	}
	nce, nwj := a.Critics(41)
	batch, _ := NewBatch(0.7, 8, 1, 42)
	v1, _, _ := InfoNCE(nce, batch)
	v2, _, _ := NWJ(nwj, batch)
	e, _ := ExpectedNWJ(nwj, 0.7)
	if a.NCE[41] != v1 || a.NWJ[41] != v2 || a.NWJMean[41] != e {
		t.Errorf("update 42: recorded %v %v %v, recomputed %v %v %v", a.NCE[41], a.NWJ[41], a.NWJMean[41], v1, v2, e)
	}
	c, _ := NewRun(0.7, 8, 2)
	_ = c.Advance(25)
	if slices.Equal(c.NCE, b.NCE) {
		t.Error("seeds 1 and 2 gave the same run")
	}
}

// ascend clips the step and ignores a non-finite gradient.
func TestAscend(t *testing.T) {
	c := Critic{A: 1}
	if got := ascend(c, Critic{A: 3, C: 4}); got != (Critic{A: 1 + Rate*3, C: Rate * 4}) {
		t.Errorf("‖g‖ = 5: %+v", got)
	}
	if got := ascend(c, Critic{D: 50}); !near(got.D, Rate*MaxGrad, 1e-15) || got.A != 1 {
		t.Errorf("‖g‖ = 50: %+v", got)
	}
	if got := ascend(c, Critic{B: math.Inf(-1)}); got != c {
		t.Errorf("infinite gradient: %+v", got)
	}
}

func labState(t *testing.T, raw map[string]any) session.State {
	t.Helper()
	lab, _ := session.Lab("mutual-information")
	st, err := lab.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestFrame(t *testing.T) {
	var l Lab
	raw := map[string]any{"rho": 0.6, "batch": 8.0, "trainSeed": 3.0, "trainStep": 40.0, "unit": "bits"}
	f, err := l.Frame(labState(t, raw), session.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := NewRun(0.6, 8, 3)
	_ = r.Advance(40)
	nce := f["nce"].([]float64)
	if len(nce) != 40 || !near(nce[39], r.NCE[39]/math.Ln2, 1e-15) || !near(f["nwj"].([]float64)[7], r.NWJ[7]/math.Ln2, 1e-15) {
		t.Errorf("nce %d values, last %v vs %v", len(nce), nce[len(nce)-1], r.NCE[39]/math.Ln2)
	}
	if !near(f["trueMI"].(float64), math.Log(1.25)/math.Ln2, 1e-15) || f["logK"].(float64) != 3 || f["step"].(float64) != 40 {
		t.Errorf("trueMI %v, logK %v, step %v", f["trueMI"], f["logK"], f["step"])
	}
	opt := f["critics"].(map[string]any)["optimal"].(map[string]any)
	if !near(opt["a"].(float64), 0.6/0.64, 1e-15) {
		t.Errorf("optimal a %v", opt["a"])
	}
	// Back to step 10 (the kept run), then a fresh Lab at step 10: the same frame.
	raw["trainStep"] = 10.0
	back, _ := l.Frame(labState(t, raw), session.Options{})
	var fresh Lab
	again, _ := fresh.Frame(labState(t, raw), session.Options{})
	if !slices.Equal(back["nce"].([]float64), again["nce"].([]float64)) || back["expectedNWJ"] != again["expectedNWJ"] {
		t.Error("step 10 after step 40 differs from a fresh step 10")
	}
	// The schema's default unit is bits; nats gives log K = log 8.
	raw["unit"] = "nats"
	nats, _ := l.Frame(labState(t, raw), session.Options{})
	if !near(nats["logK"].(float64), math.Log(8), 1e-15) {
		t.Errorf("nats: logK %v", nats["logK"])
	}
	lab, _ := session.Lab("mutual-information")
	if _, err := lab.Decode(map[string]any{"rho": 1.0}); err == nil {
		t.Error("the schema accepts ρ = 1")
	}
}
