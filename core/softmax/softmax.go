// Package softmax is the softmax, the log-softmax and the log-sum-exp of a
// vector of logits, and the KL divergence between two distributions given by
// their log-probabilities: the one copy of these functions for the packages
// that model a categorical distribution by logits (classify, policy, mle).
//
// Every log-probability is computed in log space, log q_i = z_i − LSE(z),
// never as the logarithm of an exponentiated value, so it stays exact where
// q_i itself rounds to 1 or underflows to 0: for z = (1000, 0),
// log q = (−log1p(e⁻¹⁰⁰⁰), −1000 − log1p(e⁻¹⁰⁰⁰)) = (0, −1000) in float64,
// while log(softmax(z)) = (0, −Inf).
//
// The functions take any float64 values and do not fail: the edge cases
// (empty input, −Inf, +Inf and NaN entries) have the defined results stated
// in each doc comment. Validating logits is the callers' job. The package is
// pure Go.
package softmax

import (
	"math"

	"github.com/klplayground/klplay/core/fsum"
)

// scan returns the first index k of the largest entry of z and
// s = Σ_{i≠k} exp(z_i − z_k), or k = −1 when z is empty, holds a NaN or its
// largest entry is ±Inf (then s is meaningless).
func scan(z []float64) (k int, s float64) {
	k = -1
	m := math.Inf(-1)
	for i, x := range z {
		if x != x {
			return -1, 0
		}
		if x > m || k < 0 {
			k, m = i, x
		}
	}
	if k < 0 || math.IsInf(m, 0) {
		return -1, 0
	}
	for i, x := range z {
		if i != k {
			s += math.Exp(x - m)
		}
	}
	return k, s
}

// LogSumExp returns the log-sum-exp of z,
//
//	LSE(z) = log Σ_i exp z_i = m + log1p(Σ_{i≠k} exp(z_i − m)),
//
// with m = z_k = max z: no exponential overflows, the largest term is exactly
// 1 and is left out of the sum, and log1p keeps the digits of a sum much
// smaller than 1 (LSE(0, −40) = 4.25e−18, not 0). max z ≤ LSE(z) ≤ max z + log n,
// and LSE(z + c) = LSE(z) + c.
//
// Edge cases: an empty z gives −Inf (the log of an empty sum); −Inf entries
// contribute nothing, and all −Inf gives −Inf; a +Inf entry gives +Inf; a NaN
// entry gives NaN.
func LogSumExp(z []float64) float64 {
	k, s := scan(z)
	if k < 0 {
		return edge(z)
	}
	return z[k] + math.Log1p(s)
}

// edge returns LogSumExp of an input that scan refused: NaN if an entry is
// NaN, else the largest entry (−Inf for an empty z or all −Inf, +Inf if an
// entry is +Inf).
func edge(z []float64) float64 {
	m := math.Inf(-1)
	for _, x := range z {
		if x != x {
			return math.NaN()
		}
		m = max(m, x)
	}
	return m
}

// LogSoftmax returns the log-softmax of z, the logarithms of Softmax(z),
//
//	log q_i = z_i − LSE(z) = (z_i − m) − log1p(Σ_{j≠k} exp(z_j − m)),
//
// with m = z_k = max z, grouped so that the large m cancels exactly first
// (LogSoftmax(1000, 1000) is −log 2 to the last digit). Every entry is ≤ 0,
// log-sum-exp of the result is 0, and LogSoftmax(z + c) = LogSoftmax(z).
// Where q_i underflows the entry is still finite: LogSoftmax(1000, 0) =
// (0, −1000).
//
// Edge cases: an empty z gives an empty slice; a −Inf entry gives −Inf
// (q_i = 0) as long as another entry is finite; if every entry is −Inf
// (0/0), an entry is +Inf (∞/∞ when there are several, or several limits) or
// an entry is NaN, every entry of the result is NaN.
func LogSoftmax(z []float64) []float64 {
	out := make([]float64, len(z))
	k, s := scan(z)
	if k < 0 {
		fillNaN(out)
		return out
	}
	m, l := z[k], math.Log1p(s)
	for i, x := range z {
		out[i] = (x - m) - l
	}
	return out
}

// Softmax returns the softmax of z,
//
//	q_i = exp z_i / Σ_j exp z_j = exp(z_i − m) / (1 + Σ_{j≠k} exp(z_j − m)),
//
// with m = z_k = max z, so no exponential overflows. Each q_i is within a few
// ulps of the exact value, lies in [0, 1] and Σq = 1 within a few ulps;
// Softmax(z + c) = Softmax(z). An entry underflows to 0 when z_i − max z is
// below about −745: take logarithms with LogSoftmax, never as log(q_i).
//
// Edge cases: an empty z gives an empty slice; a −Inf entry gives 0 as long
// as another entry is finite; if every entry is −Inf, an entry is +Inf or an
// entry is NaN, every entry of the result is NaN (as for LogSoftmax).
func Softmax(z []float64) []float64 {
	out := make([]float64, len(z))
	k, s := scan(z)
	if k < 0 {
		fillNaN(out)
		return out
	}
	m, d := z[k], 1+s
	for i, x := range z {
		out[i] = math.Exp(x-m) / d
	}
	return out
}

func fillNaN(v []float64) {
	for i := range v {
		v[i] = math.NaN()
	}
}

// KL returns the Kullback–Leibler divergence KL(P‖Q) = Σ_i p_i (log p_i − log q_i)
// of two distributions given by their log-probabilities, p_i = exp logP_i and
// q_i = exp logQ_i (two LogSoftmax results, for instance). It sums
//
//	t_i = p_i (log p_i − log q_i) − p_i + q_i = p_i·h(log q_i − log p_i),   h(x) = eˣ − 1 − x,
//
// whose total is KL(P‖Q) + Σq − Σp, which is KL(P‖Q) because both sum to 1.
// Each t_i is ≥ 0 and computed to full relative accuracy (h by its Taylor
// series where |x| ≤ 1, where eˣ − 1 − x would cancel), so the result is
// never negative, is exactly 0 when logP = logQ, and keeps its relative
// accuracy when P and Q are close, where the terms p_i(log p_i − log q_i)
// cancel. A common rounding error c in every log q_i (from the log-sum-exp)
// changes the sum by only Σ (q_i − p_i)·c ≈ 0, where the plain sum would
// change by c. For P not normalised, add Σp − Σq to get Σ p_i log(p_i/q_i).
//
// Edge cases: a term with logP_i = −Inf (p_i = 0) is q_i; one with
// logQ_i = −Inf < logP_i is +Inf, and the result is then +Inf; a NaN or +Inf
// entry makes the result NaN. Panics if the lengths differ.
func KL(logP, logQ []float64) float64 {
	if len(logP) != len(logQ) {
		panic("softmax: KL of vectors of different lengths")
	}
	var a fsum.Acc
	for i, lp := range logP {
		t := klTerm(lp, logQ[i])
		if math.IsInf(t, 1) {
			return t
		}
		a.Add(t)
	}
	return a.Value()
}

// klTerm returns p log(p/q) − p + q for p = exp lp, q = exp lq.
func klTerm(lp, lq float64) float64 {
	switch {
	case lp != lp || lq != lq || math.IsInf(lp, 1) || math.IsInf(lq, 1):
		return math.NaN()
	case lp == lq:
		return 0
	case math.IsInf(lp, -1):
		return math.Exp(lq)
	case math.IsInf(lq, -1):
		return math.Inf(1)
	}
	x := lq - lp
	if x > 1 {
		// q > e·p: q − p(1 + x) loses at most two bits, and e^x may overflow.
		return math.Exp(lq) - math.Exp(lp)*(1+x)
	}
	return math.Exp(lp) * expm1mx(x)
}

// expm1mx returns h(x) = eˣ − 1 − x ≥ 0 to full relative accuracy: by its
// Taylor series Σ_{k≥2} xᵏ/k! where |x| ≤ 1 (h(x) ≈ x²/2 there, and
// eˣ − 1 − x would lose every digit as x → 0), else as expm1(x) − x, which
// loses at most two bits. h(−Inf) = h(+Inf) = +Inf, h(NaN) = NaN.
func expm1mx(x float64) float64 {
	if !(math.Abs(x) <= 1) {
		if math.IsInf(x, 0) {
			return math.Inf(1)
		}
		return math.Expm1(x) - x
	}
	// Terms xᵏ/k! for k ≥ 2; |x| ≤ 1 makes each term smaller than the last
	// by a factor k + 1 or more, so 2⁻⁵⁶ of the sum is reached by k = 20.
	t, s := x*x/2, 0.0
	for k := 3; t != 0 && k <= 24; k++ {
		s += t
		if math.Abs(t) <= 0x1p-56*math.Abs(s) {
			break
		}
		t *= x / float64(k)
	}
	return s
}
