package divergence

import (
	"math"

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
}

// Compare validates p and q once and returns every measure of the first lab
// (see Comparison), each equal to what the dedicated function returns for the
// same arguments. Σ Terms = KL and Σ p_i·CodeQ_i − Σ p_i·CodeP_i = ExtraBits
// (up to rounding, when finite). Errors are those of KL. Compare allocates
// the four slices (and the normalised copies when o.Normalize).
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
	return c, nil
}

// codeLengths returns −log₂ x_i (+Inf at 0).
func codeLengths(x []float64) []float64 {
	out := make([]float64, len(x))
	for i, xi := range x {
		out[i] = 0 - math.Log2(xi) // 0 − x: +0, not −0, for x_i = 1
	}
	return out
}
