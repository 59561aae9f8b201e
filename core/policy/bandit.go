package policy

import (
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/klplayground/klplay/core/estimate"
	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/softmax"
)

// Limits of the bandit.
const (
	MaxMean    = 5     // |μ_a| at most
	MaxNoise   = 5     // σ at most
	MinSamples = 2     // the leave-one-out baseline needs a second draw
	MaxSamples = 10000 // N at most
	Epochs     = 10    // gradient steps per batch of PPO-clip and PPO-KL; PG and TRPO take one
	StopKL     = 1.5   // PPO stops a batch's epochs once KL(π_old‖π) > StopKL·δ
)

// Bandit is the trust-region lab's setting: a softmax policy over 3 to 6
// actions whose action a pays a reward R = μ_a + σ·z, z ~ N(0, 1). Nothing
// is known exactly but the policy: each update draws Samples actions from
// the current policy π_old, estimates advantages from their rewards
// (Advantages), improves the policy on that batch with a method, and the next
// update draws afresh from the new policy. The true return J(π) = Σ_a π(a) μ_a
// (TrueReturn) is what the reader wants raised; no method sees it.
type Bandit struct {
	Start   []float64 // logits of π_0
	Mean    []float64 // true mean rewards μ_a
	Noise   float64   // reward noise σ ≥ 0
	Samples int       // N, actions drawn per update
	Seed    uint64
	Epsilon float64 // PPO clip range ε ∈ (0, 1)
	Delta   float64 // δ: TRPO's bound, PPO-KL's target
	LR      float64 // PG's step size: one gradient step per batch
	PPOLR   float64 // step size of each of PPO-clip's and PPO-KL's Epochs steps per batch
}

// Check validates the bandit.
func (b *Bandit) Check() error {
	n := len(b.Start)
	if n < MinActions || n > MaxActions {
		return input.Errorf(input.OutOfRange, "start", "has %d actions; there must be %d to %d", n, MinActions, MaxActions)
	}
	if len(b.Mean) != n {
		return input.Errorf(input.LengthMismatch, "mean", "has %d mean rewards for %d actions", len(b.Mean), n)
	}
	for i := range n {
		if err := input.Finite("start["+strconv.Itoa(i)+"]", b.Start[i]); err != nil {
			return err
		}
		if math.Abs(b.Start[i]) > MaxLogit {
			return input.Errorf(input.OutOfRange, "start["+strconv.Itoa(i)+"]", "is %v; logits must lie in [−%d, %d]", b.Start[i], MaxLogit, MaxLogit)
		}
		if err := input.Finite("mean["+strconv.Itoa(i)+"]", b.Mean[i]); err != nil {
			return err
		}
		if math.Abs(b.Mean[i]) > MaxMean {
			return input.Errorf(input.OutOfRange, "mean["+strconv.Itoa(i)+"]", "is %v; mean rewards must lie in [−%d, %d]", b.Mean[i], MaxMean, MaxMean)
		}
	}
	if !(b.Noise >= 0 && b.Noise <= MaxNoise) {
		return input.Errorf(input.OutOfRange, "noise", "is %v; it must lie in [0, %d]", b.Noise, MaxNoise)
	}
	if b.Samples < MinSamples || b.Samples > MaxSamples {
		return input.Errorf(input.OutOfRange, "samples", "is %d; it must lie in [%d, %d]", b.Samples, MinSamples, MaxSamples)
	}
	p := Problem{Old: b.Start, Adv: make([]float64, n), Epsilon: b.Epsilon, Delta: b.Delta, LR: b.LR}
	if err := p.Check(); err != nil {
		return err
	}
	if !(b.PPOLR > 0 && b.PPOLR <= 100) {
		return input.Errorf(input.OutOfRange, "ppoLr", "is %v; it must lie in (0, 100]", b.PPOLR)
	}
	return nil
}

// TrueReturn returns J(π_θ) = Σ_a π_θ(a) μ_a, the expected reward of the
// policy, exactly (no sampling). It lies between min μ and max μ.
func TrueReturn(theta, mean []float64) float64 {
	pi := Softmax(theta)
	var s float64
	for i := range pi {
		s += pi[i] * mean[i]
	}
	return s
}

// Advantages returns the per-action advantage estimate Ã of a batch of N ≥ 2
// actions a_i drawn from π_old with rewards R_i, and the sums S_a:
//
//	Â_i = R_i − b_i,  b_i = (Σ_j R_j − R_i)/(N − 1)   (leave-one-out baseline; Â_i = N/(N−1)·(R_i − R̄))
//	S_a = Σ_{i: a_i = a} Â_i,   Ã_a = S_a / (N π_old(a))   (0 when a was not drawn)
//
// so that the sampled surrogate (1/N) Σ_i r_θ(a_i) Â_i, with r_θ = π_θ/π_old,
// equals Σ_a π_θ(a) Ã_a = Σ_a π_old(a) r_θ(a) Ã_a: the surrogate of Problem
// with advantages Ã. Its gradient at θ_old, ĝ_j = S_j/N (Σ_a S_a = 0), is
// the REINFORCE estimate (1/N) Σ_i Â_i ∇_j log π(a_i); because b_i does not
// depend on draw i, E[ĝ_j] = ∇_j J = π_old(j)(μ_j − J(π_old)) exactly:
// unbiased, for every N ≥ 2. An action π_old rarely takes but that was drawn
// has a large Ã (its weight 1/(N π_old)): the surrogate is an honest guide only
// near π_old.
//
// Errors: fewer than 2 draws, rewards and actions of different lengths, an
// action out of range or a non-finite reward.
func Advantages(po []float64, actions []int, rewards []float64) (adv, sums []float64, err error) {
	n := len(actions)
	if n < MinSamples {
		return nil, nil, input.Errorf(input.OutOfRange, "actions", "has %d draws; the baseline needs at least %d", n, MinSamples)
	}
	if len(rewards) != n {
		return nil, nil, input.Errorf(input.LengthMismatch, "rewards", "has %d rewards for %d actions", len(rewards), n)
	}
	var total float64
	for i, r := range rewards {
		if err := input.Finite("rewards["+strconv.Itoa(i)+"]", r); err != nil {
			return nil, nil, err
		}
		if a := actions[i]; a < 0 || a >= len(po) {
			return nil, nil, input.Errorf(input.OutOfRange, "actions["+strconv.Itoa(i)+"]", "is %d; there are %d actions", a, len(po))
		}
		total += r
	}
	sums = make([]float64, len(po))
	for i, r := range rewards {
		sums[actions[i]] += r - (total-r)/float64(n-1)
	}
	adv = make([]float64, len(po))
	for a, s := range sums {
		if s != 0 {
			adv[a] = s / (float64(n) * po[a])
		}
	}
	return adv, sums, nil
}

// draw returns an action drawn from π by inversion of its running sum.
func draw(rng *rand.Rand, cum []float64) int {
	u := rng.Float64() * cum[len(cum)-1]
	for i, v := range cum {
		if u < v {
			return i
		}
	}
	return len(cum) - 1
}

// Update is one update of the bandit: the policy after it and what it measured.
type Update struct {
	Theta      []float64  // logits after the update
	Pi         []float64  // π after the update
	Return     float64    // J(π) = Σ π μ, the true return
	Gain       float64    // the batch's estimated surrogate gain L̂(θ) − L̂(θ_old) = Σ π_old (r − 1) Ã
	TrueGain   float64    // J(π) − J(π_old)
	KL         float64    // KL(π_old ‖ π), π_old the policy that drew the batch
	Beta       float64    // PPO-KL's β for the next update (0 for the others)
	Backtracks int        // TRPO's halvings in its line search (0 for the others)
	Counts     []float64  // how often each action was drawn in the batch
	Adv        []float64  // Ã, the batch's advantage estimates
	KLEst      [3]float64 // k1, k2, k3 estimates of KL(π_old‖π) from the batch's actions
	KLStdErr   [3]float64
}

// Train runs `updates` updates of method from π_0 and returns the start (row
// 0: θ_0, J(π_0), everything else 0) and one row per update. Update k draws N
// actions from π_{k−1} with rewards μ_a + σz, estimates Ã (Advantages), and
// then moves θ on that batch's surrogate Σ π_{k−1} r Ã (Problem with Old =
// θ_{k−1}, Adv = Ã): one pg step of size LR, as plain policy gradient
// takes; up to Epochs steps of size PPOLR of ppo-clip or ppo-kl, which reuse
// the batch as PPO does, stopping early after the step that takes KL(π_old‖π)
// past StopKL·δ (the "target KL" of common PPO implementations; PPO-KL's β
// also carried from update to update); or one trpo step, whose line search keeps
// KL(π_{k−1} ‖ π_k) ≤ δ on every update. Each method has its own PCG seeded
// by Seed, so all four see the same first batch and a run is a function of
// the seed alone.
func (b *Bandit) Train(method string, updates int) ([]Update, error) {
	if err := b.Check(); err != nil {
		return nil, err
	}
	if err := checkMethod(method); err != nil {
		return nil, err
	}
	if updates < 0 || updates > MaxUpdates {
		return nil, input.Errorf(input.OutOfRange, "updates", "is %d; it must lie in [0, %d]", updates, MaxUpdates)
	}
	n := len(b.Start)
	rng := rand.New(rand.NewPCG(b.Seed, 0x62616e646974)) // "bandit"
	theta := append([]float64(nil), b.Start...)
	out := []Update{{Theta: theta, Pi: Softmax(theta), Return: TrueReturn(theta, b.Mean), Counts: make([]float64, n), Adv: make([]float64, n)}}
	beta := 1.0
	actions, rewards, cum := make([]int, b.Samples), make([]float64, b.Samples), make([]float64, n)
	for range updates {
		po := Softmax(theta)
		var c float64
		for i, p := range po {
			c += p
			cum[i] = c
		}
		counts := make([]float64, n)
		for i := range actions {
			a := draw(rng, cum)
			actions[i], rewards[i] = a, b.Mean[a]+b.Noise*rng.NormFloat64()
			counts[a]++
		}
		adv, _, err := Advantages(po, actions, rewards)
		if err != nil {
			return nil, err
		}
		p := Problem{Old: theta, Adv: adv, Epsilon: b.Epsilon, Delta: b.Delta, LR: b.LR, Beta0: beta}
		epochs := 1
		if method == PPOClip || method == PPOKL {
			p.LR, epochs, p.stopKL = b.PPOLR, Epochs, StopKL*b.Delta
		}
		steps := p.run(method, epochs)
		last := steps[len(steps)-1]
		if method == PPOKL {
			// PPO's rule, once per batch: β doubles when KL > 1.5δ, halves when KL < δ/1.5.
			switch {
			case last.KL > 1.5*b.Delta:
				beta = math.Min(1e6, beta*2)
			case last.KL < b.Delta/1.5:
				beta = math.Max(1e-6, beta/2)
			}
		}
		u := Update{Theta: last.Theta, Pi: last.Pi, Return: TrueReturn(last.Theta, b.Mean), Gain: last.Gain, KL: last.KL,
			Counts: counts, Adv: adv}
		// J(π) − J(π_old) = Σ_a π_old(a) (r_a − 1) μ_a: the surrogate's gain with μ for the advantages, exactly 0 when π does not move.
		u.TrueGain = gain(logRatios(last.Theta, softmax.LogSoftmax(theta)), po, b.Mean)
		if method == PPOKL {
			u.Beta = beta
		}
		for _, s := range steps {
			u.Backtracks += s.Backtracks
		}
		if method != TRPO {
			u.Backtracks = 0
		}
		lo, lt := softmax.LogSoftmax(theta), softmax.LogSoftmax(last.Theta)
		lr := make([]float64, len(actions))
		for i, a := range actions {
			lr[i] = lt[a] - lo[a]
		}
		for i, e := range []string{"k1", "k2", "k3"} {
			u.KLEst[i], u.KLStdErr[i], err = estimate.FromLogRatios(lr, e)
			if err != nil {
				return nil, err
			}
		}
		out = append(out, u)
		theta = last.Theta
	}
	return out, nil
}
