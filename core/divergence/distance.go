package divergence

import (
	"math"

	"github.com/klplayground/klplay/core/fsum"
)

// TotalVariation returns the total variation distance
//
//	TV(P, Q) = ½ Σ_i |p_i − q_i| = max_A |P(A) − Q(A)|,
//
// a metric in [0, 1]: 0 iff P = Q, 1 iff the supports are disjoint. It is not
// a logarithm: o.Base does not apply (it is still checked). Zeros need no
// special case. The result is clamped to [0, 1]. Errors are those of KL.
func TotalVariation(p, q []float64, o Options) (float64, error) {
	p, q, _, err := pair(p, q, o)
	if err != nil {
		return 0, err
	}
	return sumTerms(p, q, genTV, 0), nil
}

// SquaredHellinger returns the squared Hellinger distance
//
//	H²(P, Q) = ½ Σ_i (√p_i − √q_i)² = 1 − Σ_i √(p_i q_i) = 1 − BC(P, Q),
//
// in [0, 1]: 0 iff P = Q, 1 iff the supports are disjoint. This is the
// convention with the ½ (scipy, Wikipedia); some texts omit it and get values
// in [0, 2]. It is computed from the first form, a sum of non-negative terms,
// which stays accurate when P ≈ Q, and clamped to [0, 1]. o.Base does not
// apply. Errors are those of KL.
func SquaredHellinger(p, q []float64, o Options) (float64, error) {
	p, q, _, err := pair(p, q, o)
	if err != nil {
		return 0, err
	}
	return sumTerms(p, q, genSqHellinger, 0), nil
}

// Hellinger returns the Hellinger distance H(P, Q) = √H²(P, Q) (see
// SquaredHellinger), a metric in [0, 1]. o.Base does not apply. Errors are
// those of KL.
func Hellinger(p, q []float64, o Options) (float64, error) {
	h2, err := SquaredHellinger(p, q, o)
	if err != nil {
		return 0, err
	}
	return math.Sqrt(h2), nil
}

// BhattacharyyaCoefficient returns the Bhattacharyya coefficient
//
//	BC(P, Q) = Σ_i √(p_i q_i) = 1 − H²(P, Q),
//
// the overlap of P and Q in [0, 1]: 1 iff P = Q, 0 iff the supports are
// disjoint. Each term is √p_i·√q_i, so products of tiny probabilities do not
// underflow. The result is clamped to [0, 1]. o.Base does not apply. Errors
// are those of KL.
func BhattacharyyaCoefficient(p, q []float64, o Options) (float64, error) {
	p, q, _, err := pair(p, q, o)
	if err != nil {
		return 0, err
	}
	return bc(p, q), nil
}

func bc(p, q []float64) float64 {
	q = q[:len(p)]
	var a fsum.Acc
	for i, pi := range p {
		a.Add(math.Sqrt(pi) * math.Sqrt(q[i]))
	}
	return clamp(a.Value(), 0, 1)
}

// BhattacharyyaDistance returns the Bhattacharyya distance
//
//	D_B(P, Q) = −log BC(P, Q) = −log Σ_i √(p_i q_i),
//
// in the unit of o.Base (it is a logarithm). It is 0 iff P = Q and +Inf iff
// the supports are disjoint (BC = 0). It is not a metric (no triangle
// inequality). When BC ≥ ½ it is computed as −log1p(−H²) from the accurate
// squared Hellinger distance, so it keeps its relative accuracy when P ≈ Q;
// it equals ½ Rényi divergence of order ½. Errors are those of KL.
func BhattacharyyaDistance(p, q []float64, o Options) (float64, error) {
	p, q, k, err := pair(p, q, o)
	if err != nil {
		return 0, err
	}
	c := bc(p, q)
	if c >= 0.5 {
		return k * -math.Log1p(-sumTerms(p, q, genSqHellinger, 0)), nil
	}
	if c == 0 {
		return inf, nil
	}
	return k * -ln(c), nil
}

// PearsonChi2 returns Pearson's χ² divergence
//
//	χ²_P(P‖Q) = Σ_i (p_i − q_i)² / q_i,
//
// the f-divergence of (u − 1)². Conventions: cells with p_i = q_i = 0 are 0
// (0/0 := 0); q_i = 0 < p_i gives +Inf. Each term is computed as
// d·(d/q) with d = p − q, so it neither underflows for tiny probabilities
// nor overflows needlessly. It is not a logarithm: o.Base does not apply.
// Errors are those of KL.
func PearsonChi2(p, q []float64, o Options) (float64, error) {
	p, q, _, err := pair(p, q, o)
	if err != nil {
		return 0, err
	}
	return sumTerms(p, q, genPearson, 0), nil
}

// NeymanChi2 returns Neyman's χ² divergence
//
//	χ²_N(P‖Q) = Σ_i (p_i − q_i)² / p_i = χ²_P(Q‖P),
//
// with 0/0 := 0 and +Inf when p_i = 0 < q_i. It is not a logarithm: o.Base
// does not apply. Errors are those of KL.
func NeymanChi2(p, q []float64, o Options) (float64, error) {
	p, q, _, err := pair(p, q, o)
	if err != nil {
		return 0, err
	}
	return sumTerms(p, q, genNeyman, 0), nil
}
