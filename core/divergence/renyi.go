package divergence

import (
	"math"

	"github.com/klplayground/klplay/core/fsum"
	"github.com/klplayground/klplay/core/input"
)

// Renyi returns the Rényi divergence of order α ≥ 0,
//
//	D_α(P‖Q) = 1/(α − 1) · log Σ_i p_i^α q_i^(1−α),
//
// in the unit of o.Base, with its limits at the special orders:
//
//	α = 0:    −log Σ_{i: p_i > 0} q_i        (−log of the mass Q puts on P's support)
//	α = 1:    KL(P‖Q)                        (the limit α → 1)
//	α = +Inf: log max_{i: p_i > 0} p_i/q_i   (pass math.Inf(1))
//
// D_α is non-negative and non-decreasing in α; D_½ = 2·BhattacharyyaDistance.
// Zeros: cells with p_i = 0 contribute nothing. For α ≥ 1 (and α = +Inf) a
// cell with q_i = 0 < p_i makes D_α = +Inf; for α < 1 such a cell contributes
// 0 to the sum, and D_α = +Inf only when the supports are disjoint.
//
// Accuracy: the sum is taken in log space with a log-sum-exp shifted by the
// extreme log-ratio, so huge α (1e300) or tiny probabilities do not overflow.
// When the sum is close to 1 (α near 1, or P ≈ Q) it is instead computed as
// log1p(Σ p_i·expm1((α−1)·log(p_i/q_i)))/(α − 1), which tends to KL as α → 1
// continuously from both sides; in that form Σp is taken to be 1 (a deviation
// within the normalisation tolerance is treated as rounding). |α − 1| < 1e-100
// returns KL.
//
// Errors: α negative or NaN (input.OutOfRange, argument "alpha"), and those
// of KL.
func Renyi(p, q []float64, alpha float64, o Options) (float64, error) {
	p, q, k, err := pair(p, q, o)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(alpha) || alpha < 0 {
		return 0, input.Errorf(input.OutOfRange, "alpha", "is %v; the Rényi order must be ≥ 0 (math.Inf(1) for the max-divergence)", alpha)
	}
	return k * renyi(p, q, alpha), nil
}

// renyi is D_α in nats for validated input.
func renyi(p, q []float64, alpha float64) float64 {
	q = q[:len(p)]
	beta := alpha - 1
	switch {
	case alpha == 0:
		return renyi0(p, q)
	case math.IsInf(alpha, 1):
		return renyiInf(p, q)
	case math.Abs(beta) < 1e-100:
		return kl(p, q)
	}
	// m: the largest (β > 0) or smallest (β < 0) log-ratio over the cells that
	// contribute, so that every β(l_i − m) ≤ 0.
	m := math.NaN()
	for i, pi := range p {
		if pi == 0 {
			continue
		}
		qi := q[i]
		if qi == 0 {
			if beta > 0 {
				return inf
			}
			continue // p^α·0^(1−α) = 0 for α < 1
		}
		l := logRatio(pi, qi)
		if m != m || (beta > 0 && l > m) || (beta < 0 && l < m) {
			m = l
		}
	}
	if m != m {
		return inf // α < 1 and disjoint supports: log 0 / (α − 1)
	}
	var s fsum.Acc
	for i, pi := range p {
		if pi == 0 || q[i] == 0 {
			continue
		}
		s.Add(pi * math.Exp(beta*(logRatio(pi, q[i])-m)))
	}
	lse := ln(s.Value()) // log Σ p e^{β(l−m)} ≤ log Σp ≈ 0
	if total := beta*m + lse; math.Abs(total) > 0.5 {
		return max(m+lse/beta, 0)
	}
	// Σ p e^{βl} ∈ [e^-½, e^½]: use log1p of S = Σ p·expm1(βl), which has no
	// cancellation in the log and is continuous as β → 0. Each p·expm1(βl)
	// is gAlpha(p, q, α) + β(p − q), and gAlpha is accurate when p ≈ q, so S
	// keeps its relative accuracy when P ≈ Q too.
	var g, d fsum.Acc
	for i, pi := range p {
		if pi == 0 {
			continue
		}
		qi := q[i]
		if qi == 0 {
			g.Add(-pi) // β < 0 here: p·(0 − 1)
			continue
		}
		g.Add(gAlpha(pi, qi, alpha))
		d.Add(pi)
		d.Add(-qi)
	}
	return max(math.Log1p(g.Value()+beta*d.Value())/beta, 0)
}

// renyi0 is −log Σ_{p_i>0} q_i, computed as −log1p(−Σ_{p_i=0} q_i) when that
// mass is small (treating Σq as 1) so that it keeps its relative accuracy.
func renyi0(p, q []float64) float64 {
	var in, out fsum.Acc
	for i, pi := range p {
		if pi > 0 {
			in.Add(q[i])
		} else {
			out.Add(q[i])
		}
	}
	switch s := in.Value(); {
	case s == 0:
		return inf
	case out.Value() < 0.5:
		return max(-math.Log1p(-out.Value()), 0)
	default:
		return max(-ln(s), 0)
	}
}

// renyiInf is log max_{p_i>0} p_i/q_i (+Inf if some q_i = 0 < p_i).
func renyiInf(p, q []float64) float64 {
	m := math.Inf(-1)
	for i, pi := range p {
		if pi == 0 {
			continue
		}
		if q[i] == 0 {
			return inf
		}
		m = max(m, logRatioAcc(pi, q[i]))
	}
	return max(m, 0)
}
