package policy

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/klplayground/klplay/core/input"
)

// TestTrueReturn: J = Σ π μ, known values and its bounds.
func TestTrueReturn(t *testing.T) {
	near(t, "J(uniform, 1 2 3)", TrueReturn([]float64{0, 0, 0}, []float64{1, 2, 3}), 2, 1e-15)
	// π = (e, 1, 1)/(e + 2) on (1, 0, 0): J = e/(e + 2).
	near(t, "J(1 0 0 logits)", TrueReturn([]float64{1, 0, 0}, []float64{1, 0, 0}), math.E/(math.E+2), 1e-15)
	for _, th := range [][]float64{{10, -10, 0}, {-3, 2, 0.5, 1}} {
		mean := []float64{-1, 0.5, 2, 0}[:len(th)]
		if j := TrueReturn(th, mean); j < slices.Min(mean) || j > slices.Max(mean) {
			t.Errorf("J %v outside [min μ, max μ]", j)
		}
	}
}

// TestAdvantagesUnbiased enumerates every batch of N = 3 draws from π_old
// over 3 actions. The rewards' noise has mean 0 and Advantages is linear in
// the rewards, so E[ĝ] over the noise is ĝ at R = μ; the expectation over
// the 27 batches of ĝ_j = S_j/N must be the exact gradient
// π_j (μ_j − J). The sample-mean baseline alone (Â_i = R_i − R̄) is biased
// by the factor (N − 1)/N, which this test catches.
func TestAdvantagesUnbiased(t *testing.T) {
	po := Softmax([]float64{0.7, -0.2, 0.1})
	mean := []float64{1, -0.5, 2}
	const N = 3
	var j float64
	for a := range po {
		j += po[a] * mean[a]
	}
	exp := make([]float64, 3)
	for x := range 27 {
		acts := []int{x % 3, x / 3 % 3, x / 9}
		w := po[acts[0]] * po[acts[1]] * po[acts[2]]
		rw := []float64{mean[acts[0]], mean[acts[1]], mean[acts[2]]}
		adv, sums, err := Advantages(po, acts, rw)
		if err != nil {
			t.Fatal(err)
		}
		var total float64
		for a := range sums {
			total += sums[a]
			exp[a] += w * sums[a] / N
			// Ã_a = S_a/(N π_old(a)): the surrogate's per-action advantage.
			near(t, "Ã", adv[a]*N*po[a], sums[a], 1e-14)
		}
		if math.Abs(total) > 1e-14 {
			t.Errorf("batch %v: Σ S = %v, want 0", acts, total)
		}
	}
	for a := range exp {
		near(t, "E[ĝ]", exp[a], po[a]*(mean[a]-j), 1e-14)
	}
}

// TestAdvantagesSurrogate: Σ_a π_θ(a) Ã_a is the sampled surrogate
// (1/N) Σ_i r_θ(a_i) Â_i, and an action that was not drawn has Ã = 0.
func TestAdvantagesSurrogate(t *testing.T) {
	old := []float64{0.3, -0.4, 0, 1}
	po := Softmax(old)
	acts := []int{0, 0, 2, 3, 0, 3}
	rw := []float64{1.5, -0.2, 0.7, 2, 0.1, -1}
	adv, _, err := Advantages(po, acts, rw)
	if err != nil {
		t.Fatal(err)
	}
	if adv[1] != 0 {
		t.Errorf("action 1 was not drawn but Ã = %v", adv[1])
	}
	theta := []float64{1, 0.2, -0.5, 0.4}
	pi := Softmax(theta)
	var total float64
	for _, r := range rw {
		total += r
	}
	var want float64
	for i, a := range acts {
		ahat := rw[i] - (total-rw[i])/float64(len(rw)-1)
		want += pi[a] / po[a] * ahat / float64(len(acts))
	}
	near(t, "Σ π Ã", Surrogate(theta, adv), want, 1e-14)
	for _, c := range []struct {
		acts []int
		rw   []float64
		arg  string
	}{
		{[]int{0}, []float64{1}, "actions"},
		{[]int{0, 1}, []float64{1}, "rewards"},
		{[]int{0, 4}, []float64{1, 2}, "actions[1]"},
		{[]int{0, 1}, []float64{1, math.NaN()}, "rewards[1]"},
	} {
		var ie *input.Error
		if _, _, err := Advantages(po, c.acts, c.rw); !errors.As(err, &ie) || ie.Arg != c.arg {
			t.Errorf("%v %v: %v, want an error naming %s", c.acts, c.rw, err, c.arg)
		}
	}
}

func defaultBandit(seed uint64) Bandit {
	return Bandit{Start: []float64{2, 0.5, -2.5}, Mean: []float64{0.5, 0, 1}, Noise: 0.3, Samples: 10, Seed: seed,
		Epsilon: 0.2, Delta: 0.05, LR: 100, PPOLR: 0.3}
}

// TestTrain: TRPO's KL(π_old‖π) ≤ δ on every update of every seed; each
// row's true gain is the change of J; the first batch is the same for every
// method; a run is a function of the seed.
func TestTrain(t *testing.T) {
	for seed := uint64(1); seed <= 100; seed++ {
		for _, b := range []Bandit{defaultBandit(seed), {Start: []float64{0, 0, 0, 0, 0, 0}, Mean: []float64{1, 0, 0, 0, 0, 0}, Noise: 2, Samples: 10, Seed: seed, Epsilon: 0.2, Delta: 0.01, LR: 100, PPOLR: 0.3}} {
			first := map[string][]float64{}
			for _, m := range Methods {
				us, err := b.Train(m, 30)
				if err != nil {
					t.Fatal(err)
				}
				if len(us) != 31 || us[0].KL != 0 || us[0].Return != TrueReturn(b.Start, b.Mean) {
					t.Fatalf("%s: %d rows, row 0 %+v", m, len(us), us[0])
				}
				first[m] = us[1].Counts
				for k := 1; k < len(us); k++ {
					u := us[k]
					if m == TRPO && !(u.KL <= b.Delta) {
						t.Fatalf("seed %d: TRPO update %d has KL %v > δ %v", seed, k, u.KL, b.Delta)
					}
					near(t, "true gain", u.TrueGain, u.Return-us[k-1].Return, 1e-12)
					near(t, "KL", u.KL, KL(us[k-1].Theta, u.Theta), 1e-12)
					var n float64
					for _, c := range u.Counts {
						n += c
					}
					if n != float64(b.Samples) {
						t.Fatalf("%s update %d: %v draws", m, k, n)
					}
				}
			}
			for _, m := range Methods {
				if !slices.Equal(first[m], first[PG]) {
					t.Fatalf("seed %d: %s's first batch %v differs from PG's %v", seed, m, first[m], first[PG])
				}
			}
		}
	}
	b := defaultBandit(7)
	x, _ := b.Train(PPOKL, 20)
	y, _ := b.Train(PPOKL, 20)
	b.Seed = 8
	z, _ := b.Train(PPOKL, 20)
	same := func(a, b []Update) bool {
		return slices.EqualFunc(a, b, func(u, v Update) bool { return slices.Equal(u.Theta, v.Theta) && u.Beta == v.Beta })
	}
	if !same(x, y) || same(x, z) {
		t.Errorf("seed 7 twice equal %v; seeds 7 and 8 equal %v", same(x, y), same(x, z))
	}
	// A shorter run is the prefix of a longer one: update 20 of 20 is update 20 of 50.
	b7 := defaultBandit(7)
	w, _ := b7.Train(PPOKL, 50)
	if !same(x, w[:21]) {
		t.Error("20 updates are not the first 20 of 50")
	}
}

// TestTrainKLEstimates: with many draws the batch's k1 and k3 estimate
// KL(π_old‖π) within a few standard errors.
func TestTrainKLEstimates(t *testing.T) {
	b := defaultBandit(3)
	b.Samples, b.LR = 10000, 1
	us, err := b.Train(PG, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us[1:] {
		for _, i := range []int{0, 2} {
			if math.Abs(u.KLEst[i]-u.KL) > 5*u.KLStdErr[i]+1e-12 {
				t.Errorf("k%d = %v ± %v, exact %v", i+1, u.KLEst[i], u.KLStdErr[i], u.KL)
			}
		}
	}
}

func TestBanditErrors(t *testing.T) {
	for _, c := range []struct {
		mod func(*Bandit)
		arg string
	}{
		{func(b *Bandit) { b.Start = []float64{0, 0} }, "start"},
		{func(b *Bandit) { b.Mean = []float64{0, 0} }, "mean"},
		{func(b *Bandit) { b.Mean[1] = math.Inf(1) }, "mean[1]"},
		{func(b *Bandit) { b.Mean[1] = 6 }, "mean[1]"},
		{func(b *Bandit) { b.Start[2] = 11 }, "start[2]"},
		{func(b *Bandit) { b.Noise = -1 }, "noise"},
		{func(b *Bandit) { b.Samples = 1 }, "samples"},
		{func(b *Bandit) { b.PPOLR = 0 }, "ppoLr"},
		{func(b *Bandit) { b.Delta = 0 }, "delta"},
	} {
		b := defaultBandit(1)
		b.Start, b.Mean = slices.Clone(b.Start), slices.Clone(b.Mean)
		c.mod(&b)
		var ie *input.Error
		if _, err := b.Train(TRPO, 5); !errors.As(err, &ie) || ie.Arg != c.arg {
			t.Errorf("%s: %v", c.arg, err)
		}
	}
	b := defaultBandit(1)
	var ie *input.Error
	if _, err := b.Train("sgd", 5); !errors.As(err, &ie) || ie.Arg != "method" {
		t.Errorf("unknown method: %v", err)
	}
	if _, err := b.Train(PG, MaxUpdates+1); !errors.As(err, &ie) || ie.Arg != "updates" {
		t.Errorf("too many updates: %v", err)
	}
}

// shipped are the lab's presets as the page ships them.
type shipped struct {
	Label, Promise string
	St             struct {
		Start, Mean                      []float64
		Noise, Epsilon, Delta, LR, PPOLR float64
		Samples, Updates, Seed           int
	}
}

func loadPresets(t *testing.T) []shipped {
	raw, err := os.ReadFile("../../web/labs/trust-region/presets.json")
	if err != nil {
		t.Fatal(err)
	}
	var ps []shipped
	if err := json.Unmarshal(raw, &ps); err != nil {
		t.Fatal(err)
	}
	return ps
}

// TestPresets: on its shipped seed every preset keeps its promise (PG ends
// below TRPO, or below its own start, after stepping far outside δ on its
// first update with data), while TRPO keeps KL ≤ δ and ends above its
// start; over 400 seeds the test reports how often each holds and asks for
// at least the fractions the lab's prose states.
func TestPresets(t *testing.T) {
	ps := loadPresets(t)
	if len(ps) < 2 {
		t.Fatalf("%d presets", len(ps))
	}
	floor := map[string]float64{"below-trpo": 0.85, "below-start": 0.4}
	for _, p := range ps {
		run := func(seed int) (promise, trpoUp, ppoUp bool, pgKL float64) {
			s := p.St
			b := Bandit{Start: s.Start, Mean: s.Mean, Noise: s.Noise, Samples: s.Samples, Seed: uint64(seed), Epsilon: s.Epsilon, Delta: s.Delta, LR: s.LR, PPOLR: s.PPOLR}
			res := map[string][]Update{}
			for _, m := range Methods {
				us, err := b.Train(m, s.Updates)
				if err != nil {
					t.Fatal(err)
				}
				res[m] = us
			}
			pg, tr := res[PG], res[TRPO]
			end := s.Updates
			j0 := pg[0].Return
			switch p.Promise {
			case "below-trpo":
				promise = pg[end].Return < tr[end].Return
			case "below-start":
				promise = pg[end].Return < j0
			default:
				t.Fatalf("%s: unknown promise %q", p.Label, p.Promise)
			}
			for _, u := range pg {
				pgKL = max(pgKL, u.KL)
			}
			for _, u := range tr {
				if u.KL > s.Delta {
					t.Fatalf("%s seed %d: TRPO KL %v > δ", p.Label, seed, u.KL)
				}
			}
			return promise, tr[end].Return > j0, res[PPOClip][end].Return > j0 && res[PPOKL][end].Return > j0, pgKL
		}
		promise, up, ppo, pgKL := run(p.St.Seed)
		if !promise || !up || !ppo || !(pgKL > 10*p.St.Delta) {
			t.Errorf("%s, shipped seed %d: promise %v, TRPO rises %v, both PPOs rise %v, PG's largest KL %v", p.Label, p.St.Seed, promise, up, ppo, pgKL)
		}
		const seeds = 400
		var nPromise, nUp, nPPO int
		for seed := 1; seed <= seeds; seed++ {
			a, b, c, _ := run(seed)
			nPromise, nUp, nPPO = nPromise+b2i(a), nUp+b2i(b), nPPO+b2i(c)
		}
		f := float64(nPromise) / seeds
		t.Logf("%s: over %d seeds PG keeps the promise %q in %.0f%%, TRPO ends above its start in %.0f%%, both PPOs in %.0f%%",
			p.Label, seeds, p.Promise, 100*f, 100*float64(nUp)/seeds, 100*float64(nPPO)/seeds)
		if f < floor[p.Promise] || float64(nUp)/seeds < 0.9 {
			t.Errorf("%s: promise in %.0f%% of seeds (at least %.0f%% wanted), TRPO up in %d", p.Label, 100*f, 100*floor[p.Promise], nUp)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
