package divergence

import (
	"math"

	"github.com/klplayground/klplay/core/fsum"
	"github.com/klplayground/klplay/core/input"
)

// Comparison holds everything the first lab shows for a pair (P, Q). The
// logarithmic fields are in the unit of the Options.Base passed to Compare;
// TotalVariation, Hellinger and SquaredHellinger are unitless; CodeP, CodeQ
// and ExtraBits are in bits whatever the base.
type Comparison struct {
	EntropyP         float64 // H(P) (Entropy)
	EntropyQ         float64 // H(Q)
	CrossEntropy     float64 // H(P, Q) = H(P) + KL(P‖Q) (CrossEntropy)
	KL               float64 // KL(P‖Q) (KL)
	ReverseKL        float64 // KL(Q‖P) (ReverseKL)
	JensenShannon    float64 // JS(P, Q) in [0, log 2] (JensenShannon)
	TotalVariation   float64 // ½Σ|p − q| (TotalVariation)
	Hellinger        float64 // √H² (Hellinger)
	SquaredHellinger float64 // 1 − Σ√(pq) (SquaredHellinger)

	Terms        []float64 // p_i log(p_i/q_i) in the base; 0 where p_i = 0; +Inf where q_i = 0 < p_i
	ReverseTerms []float64 // q_i log(q_i/p_i) in the base; 0 where q_i = 0; +Inf where p_i = 0 < q_i
	CodeP        []float64 // −log₂ p_i: the optimal code length of category i in bits under P (+Inf where p_i = 0)
	CodeQ        []float64 // −log₂ q_i in bits (+Inf where q_i = 0)
	ExtraBits    float64   // KL(P‖Q) in bits: the expected extra bits per symbol of a code built for Q used on P

	// JS built from KL: M = (P + Q)/2 and the two divergences to it, so that
	// JensenShannon = ½ KLPM + ½ KLQM (see JensenShannonParts).
	Mixture []float64 // m_i = (p_i + q_i)/2
	KLPM    float64   // KL(P‖M) in the base, in [0, log 2]
	KLQM    float64   // KL(Q‖M) in the base, in [0, log 2]
}

// Compare validates p and q once and returns every measure of the first lab
// (see Comparison), each equal to what the dedicated function returns for the
// same arguments. Σ Terms = KL and Σ p_i·CodeQ_i − Σ p_i·CodeP_i = ExtraBits
// (up to rounding, when finite). Errors are those of KL. Compare allocates
// the five slices (and the normalised copies when o.Normalize).
func Compare(p, q []float64, o Options) (Comparison, error) {
	p, q, k, err := pair(p, q, o)
	if err != nil {
		return Comparison{}, err
	}
	klNats := kl(p, q)
	bits, _ := input.LogBase(2) // the factor KL(…, Options{Base: 2}) uses
	c := Comparison{
		EntropyP:         k * entropy(p),
		EntropyQ:         k * entropy(q),
		CrossEntropy:     k * crossEntropy(p, q),
		KL:               k * klNats,
		ReverseKL:        k * kl(q, p),
		JensenShannon:    k * sumTerms(p, q, genJS, 0),
		TotalVariation:   sumTerms(p, q, genTV, 0),
		SquaredHellinger: sumTerms(p, q, genSqHellinger, 0),
		Terms:            termsOf(genKL, p, q, 0, k),
		ReverseTerms:     termsOf(genReverseKL, p, q, 0, k),
		CodeP:            codeLengths(p),
		CodeQ:            codeLengths(q),
		ExtraBits:        bits * klNats,
	}
	c.Hellinger = math.Sqrt(c.SquaredHellinger)
	c.Mixture, c.KLPM, c.KLQM = jsParts(p, q)
	c.KLPM *= k
	c.KLQM *= k
	return c, nil
}

// JensenShannonParts returns the mixture M = (P + Q)/2 and the two
// Kullback–Leibler divergences to it,
//
//	KL(P‖M) = Σ_i p_i log(2p_i/(p_i + q_i)),  KL(Q‖M) = Σ_i q_i log(2q_i/(p_i + q_i)),
//
// in the unit of o.Base, of which the Jensen–Shannon divergence is the mean:
// JS(P, Q) = ½ KL(P‖M) + ½ KL(Q‖M). Both are always finite, since m_i ≥ p_i/2
// and m_i ≥ q_i/2 (M covers both supports), and lie in [0, log 2]: 0 iff
// P = Q, log 2 each iff the supports are disjoint (then m_i = p_i/2 wherever
// p_i > 0). A category with p_i = 0 adds nothing to KL(P‖M) (0 · log 0 = 0).
// The two are not equal in general; only their mean is symmetric in P and Q.
// Errors are those of KL.
func JensenShannonParts(p, q []float64, o Options) (m []float64, klPM, klQM float64, err error) {
	p, q, k, err := pair(p, q, o)
	if err != nil {
		return nil, 0, 0, err
	}
	m, klPM, klQM = jsParts(p, q)
	return m, k * klPM, k * klQM, nil
}

// jsParts is JensenShannonParts in nats for validated p, q of the same length.
// With d_i = (p_i − q_i)/(p_i + q_i), p_i/m_i = 1 + d_i and q_i/m_i = 1 − d_i,
// so, as klAccurate does,
//
//	KL(P‖M) = Σ_i m_i φ(d_i) + ½ Σ_i (p_i − q_i),  KL(Q‖M) = Σ_i m_i φ(−d_i) + ½ Σ_i (q_i − p_i),
//
// with φ(x) = (1+x)log(1+x) − x ≥ 0: sums of non-negative terms, each to full
// relative accuracy (p − q is exact when p ≈ q), plus a compensated
// correction for a P or Q summing to 1 only within the 1e-9 tolerance. The
// mean of the two is Σ m_i ψ(d_i), JensenShannon's own sum, since ψ is the
// even part of φ. Cells with p_i = q_i = 0 are skipped; each value is clamped
// to [0, log 2].
func jsParts(p, q []float64) (m []float64, klPM, klQM float64) {
	m = make([]float64, len(p))
	var a, b fsum.Acc
	for i, pi := range p {
		qi := q[i]
		s := pi + qi
		m[i] = 0.5 * s
		if s == 0 {
			continue
		}
		d := (pi - qi) / s
		a.Add(m[i] * phi(d))
		b.Add(m[i] * phi(-d))
		a.Add(0.5 * pi)
		a.Add(-0.5 * qi)
		b.Add(0.5 * qi)
		b.Add(-0.5 * pi)
	}
	return m, clamp(a.Value(), 0, math.Ln2), clamp(b.Value(), 0, math.Ln2)
}

// codeLengths returns −log₂ x_i (+Inf at 0).
func codeLengths(x []float64) []float64 {
	out := make([]float64, len(x))
	for i, xi := range x {
		out[i] = 0 - math.Log2(xi) // 0 − x: +0, not −0, for x_i = 1
	}
	return out
}
