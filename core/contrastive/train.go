package contrastive

import (
	"math"

	"github.com/klplayground/klplay/core/input"
)

// Training constants: the step size of gradient ascent and the largest
// gradient norm a step uses (a larger gradient is scaled down to it). NWJ's
// gradient carries e^f, which is heavy-tailed when the critic is near its
// optimum at large |ρ|; clipping keeps one unlucky batch from throwing the
// critic far away.
const (
	Rate     = 0.2
	MaxGrad  = 5.0
	MaxSteps = 100000
)

// Run trains two critics from the zero critic, one by gradient ascent on
// InfoNCE and one on NWJ, on the same fresh batches: batch t (t = 1, 2, …)
// is NewBatch(ρ, K, seed, t). At update t each bound is evaluated on batch t
// with its critic as it stood before the update (the per-batch estimate),
// and the critic moves by
//
//	θ ← θ + Rate · g · min(1, MaxGrad/‖g‖),  g = ∂Î/∂θ on batch t.
//
// A step whose gradient is not finite (NWJ's e^f overflowed) leaves the
// critic where it is. The run is deterministic in (ρ, K, seed).
//
// As |ρ| → 1 the optimal critic's A and −B grow like 1/(1 − ρ²) (about 25 at
// ρ = 0.98), so at this fixed rate the critics need more steps to get there;
// at ρ = 0 the optimum is the zero critic the run starts from, and training
// only adds the noise of the batches.
type Run struct {
	Rho  float64
	K    int
	Seed uint64

	// Per update t = 1 … Steps(), at index t − 1: the per-batch estimates
	// (nats), ExpectedNWJ of the NWJ critic the estimate used, and the
	// critics after the update.
	NCE, NWJ, NWJMean []float64
	CriticNCE         []Critic
	CriticNWJ         []Critic
}

// NewRun returns an empty run for correlation ρ and batch size K.
//
// Errors: input.OutOfRange naming "rho" unless |ρ| < 1, or "batch" outside
// [2, MaxBatch] (NWJ needs two pairs); NotFinite for NaN.
func NewRun(rho float64, k int, seed uint64) (*Run, error) {
	if _, err := Optimal(rho); err != nil {
		return nil, err
	}
	if err := checkBatch(rho, k); err != nil {
		return nil, err
	}
	if k < 2 {
		return nil, input.Errorf(input.OutOfRange, "batch", "is 1; training needs at least 2 pairs per batch (NWJ contrasts mismatched pairs)")
	}
	return &Run{Rho: rho, K: k, Seed: seed}, nil
}

// Steps is the number of updates done.
func (r *Run) Steps() int { return len(r.NCE) }

// Critics are the two critics after n updates (the zero critic at n = 0).
func (r *Run) Critics(n int) (nce, nwj Critic) {
	if n == 0 {
		return Critic{}, Critic{}
	}
	return r.CriticNCE[n-1], r.CriticNWJ[n-1]
}

// Advance runs updates until Steps() ≥ n.
//
// Errors: input.OutOfRange naming "step" for n outside [0, MaxSteps].
func (r *Run) Advance(n int) error {
	if n < 0 || n > MaxSteps {
		return input.Errorf(input.OutOfRange, "step", "is %d; it must be between 0 and %d", n, MaxSteps)
	}
	for t := r.Steps(); t < n; t++ {
		nce, nwj := r.Critics(t)
		b, err := NewBatch(r.Rho, r.K, r.Seed, uint64(t+1))
		if err != nil {
			return err
		}
		vNCE, gNCE, err := InfoNCE(nce, b)
		if err != nil {
			return err
		}
		vNWJ, gNWJ, err := NWJ(nwj, b)
		if err != nil {
			return err
		}
		mean, err := ExpectedNWJ(nwj, r.Rho)
		if err != nil {
			return err
		}
		r.NCE, r.NWJ, r.NWJMean = append(r.NCE, vNCE), append(r.NWJ, vNWJ), append(r.NWJMean, mean)
		r.CriticNCE, r.CriticNWJ = append(r.CriticNCE, ascend(nce, gNCE)), append(r.CriticNWJ, ascend(nwj, gNWJ))
	}
	return nil
}

// ascend is one clipped gradient-ascent step; a non-finite gradient is no step.
func ascend(c, g Critic) Critic {
	n := g.norm()
	if math.IsNaN(n) || math.IsInf(n, 0) {
		return c
	}
	s := Rate
	if n > MaxGrad {
		s *= MaxGrad / n
	}
	return c.add(s, g)
}
