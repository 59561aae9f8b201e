package divergence

import (
	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

// Rules are the Divergence lab's cross-field rules: Q, and the category
// names when there are any, have one entry per category of P.
//
// Errors: input.LengthMismatch naming "state.q" or "state.names".
func Rules(st session.State) error {
	n := len(st.Floats("p"))
	if q := len(st.Floats("q")); q != n {
		return input.Errorf(input.LengthMismatch, "state.q", "has %d entries but state.p has %d", q, n)
	}
	if names := len(st.Strings("names")); names != 0 && names != n {
		return input.Errorf(input.LengthMismatch, "state.names", "has %d entries but state.p has %d", names, n)
	}
	return nil
}

// Frame is the Divergence lab's answer for the state {p, q, unit, names}
// (it takes no options): Compare(p, q) in the state's unit, as
//
//	{entropyP, entropyQ, crossEntropy, kl, reverseKL, jensenShannon,
//	 totalVariation, hellinger, squaredHellinger, extraBits: float64,
//	 klPM, klQM: float64,
//	 terms, reverseTerms, codeP, codeQ, mixture: []float64}
//
// with H(P,Q) = H(P) + KL(P‖Q), terms summing to KL, the code lengths
// −log₂ p_i, −log₂ q_i in bits whatever the unit, and JS built from KL: the
// mixture M = (P + Q)/2 and klPM = KL(P‖M), klQM = KL(Q‖M) with
// jensenShannon = ½ klPM + ½ klQM (see Comparison, JensenShannonParts).
//
// Errors: those of Compare.
func Frame(st session.State, _ session.Options) (map[string]any, error) {
	c, err := Compare(st.Floats("p"), st.Floats("q"), Options{Base: st.Base()})
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"entropyP":         c.EntropyP,
		"entropyQ":         c.EntropyQ,
		"crossEntropy":     c.CrossEntropy,
		"kl":               c.KL,
		"reverseKL":        c.ReverseKL,
		"jensenShannon":    c.JensenShannon,
		"totalVariation":   c.TotalVariation,
		"hellinger":        c.Hellinger,
		"squaredHellinger": c.SquaredHellinger,
		"extraBits":        c.ExtraBits,
		"terms":            c.Terms,
		"reverseTerms":     c.ReverseTerms,
		"codeP":            c.CodeP,
		"codeQ":            c.CodeQ,
		"mixture":          c.Mixture,
		"klPM":             c.KLPM,
		"klQM":             c.KLQM,
	}, nil
}
