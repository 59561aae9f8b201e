package divergence

import (
	"math"

	"github.com/klplayground/klplay/core/fastlog"
	"github.com/klplayground/klplay/core/fsum"
)

// Entropy returns the Shannon entropy of the probability vector p,
//
//	H(P) = −Σ_i p_i log p_i,
//
// in the unit of o.Base (nats by default). Entries with p_i = 0 contribute
// nothing (0·log 0 = 0). The result lies in [0, log n]; it is 0 for a point
// mass and log n for the uniform vector of length n. Rounding below 0 is
// clamped to 0.
//
// Errors (*input.Error): p empty (input.Empty), an entry negative, NaN or
// ±Inf (input.Negative, input.NotFinite; argument "p[i]"), Σp not 1 within
// 1e-9 without o.Normalize (input.NotNormalized), a bad base (input.BadBase).
// Entropy does not allocate unless o.Normalize is set.
func Entropy(p []float64, o Options) (float64, error) {
	p, k, err := single("p", p, o)
	if err != nil {
		return 0, err
	}
	return k * entropy(p), nil
}

func entropy(p []float64) float64 {
	var a fsum.Acc
	for len(p) > 0 {
		b := p[:min(len(p), block)]
		s := 0.0
		// As in kl: pairs of normal entries in a loop without calls, then,
		// from the first entry that is not normal (0 or subnormal), one at
		// a time.
		i := 0
		for ; i < len(b)-1; i += 2 {
			p1, p2 := b[i], b[i+1]
			if !(p1 >= minNormal && p2 >= minNormal) { // entries are finite
				break
			}
			s -= p1*fastlog.Split(p1).Log() + p2*fastlog.Split(p2).Log()
		}
		for ; i < len(b); i++ {
			if pi := b[i]; pi >= minNormal {
				s -= pi * fastlog.Split(pi).Log()
			} else if pi != 0 {
				s -= pi * ln(pi)
			}
		}
		a.Add(s)
		p = p[len(b):]
	}
	return max(a.Value(), 0)
}

// CrossEntropy returns the cross-entropy of q relative to p,
//
//	H(P, Q) = −Σ_i p_i log q_i = H(P) + KL(P‖Q),
//
// the expected code length (in the unit of o.Base) of a code built for Q when
// the data follow P. Entries with p_i = 0 contribute nothing, whatever q_i;
// p_i > 0 with q_i = 0 gives +Inf. The result is ≥ H(P) ≥ 0 (clamped at 0
// after rounding).
//
// Errors are those of KL. CrossEntropy does not allocate unless o.Normalize.
func CrossEntropy(p, q []float64, o Options) (float64, error) {
	p, q, k, err := pair(p, q, o)
	if err != nil {
		return 0, err
	}
	return k * crossEntropy(p, q), nil
}

func crossEntropy(p, q []float64) float64 {
	q = q[:len(p)]
	var a fsum.Acc
	for len(p) > 0 {
		n := min(len(p), block)
		bp, bq := p[:n], q[:n]
		s := 0.0
		// As in kl. A normal q_i has a finite log, so p_i = 0 needs no test
		// there (0·log q_i = 0).
		i := 0
		for ; i < len(bp)-1 && i < len(bq)-1; i += 2 {
			q1, q2 := bq[i], bq[i+1]
			if !(q1 >= minNormal && q2 >= minNormal) {
				break
			}
			s -= bp[i]*fastlog.Split(q1).Log() + bp[i+1]*fastlog.Split(q2).Log()
		}
		for ; i < len(bp) && i < len(bq); i++ {
			pi, qi := bp[i], bq[i]
			switch {
			case qi >= minNormal:
				s -= pi * fastlog.Split(qi).Log()
			case pi == 0:
			case qi == 0:
				return math.Inf(1)
			default:
				s -= pi * ln(qi)
			}
		}
		a.Add(s)
		p, q = p[n:], q[n:]
	}
	return max(a.Value(), 0)
}

// KL returns the Kullback–Leibler divergence (relative entropy) of P from Q,
//
//	KL(P‖Q) = Σ_i p_i log(p_i / q_i),
//
// in the unit of o.Base (nats by default; base 2 gives the expected number of
// extra bits paid for coding P with a code built for Q).
//
// Conventions and edge cases: terms with p_i = 0 are 0 whatever q_i
// (0·log(0/q) = 0, also for q_i = 0); p_i > 0 with q_i = 0 makes the result
// +Inf (never NaN). KL ≥ 0 with equality iff P = Q (Gibbs' inequality);
// rounding below 0 is clamped to 0. KL is not symmetric: see ReverseKL and
// Jeffreys.
//
// Accuracy: up to 64 categories (every lab's size) each term is computed to
// full relative accuracy, log1p((p_i−q_i)/q_i) where p_i and q_i are within a
// factor of 2, and the result is within about an ulp of the exact value of the
// binary inputs. Longer vectors take one logarithm per term, log(p_i/q_i), or
// log p_i − log q_i when the quotient would overflow or underflow, so
// probabilities down to 1e-300 and below are handled; the logarithm is
// fastlog's (within about 0.51 ulp, like math.Log's portable code but without
// a division), and the rounding of the quotient costs up to an ulp of each
// term's logarithm. Either way the sum is compensated. When the sum is much smaller than its terms (P ≈ Q) it is
// recomputed as Σ q_i φ(p_i/q_i) with
// φ(u) = u log u − u + 1 ≥ 0 plus Σp − Σq, which has no cancellation, so the
// result keeps about 1e-15 relative accuracy even for KL ≈ 1e-20.
//
// Errors (*input.Error): p or q empty (input.Empty), an entry negative, NaN or
// ±Inf (input.Negative, input.NotFinite; argument "p[i]" or "q[i]"), different
// lengths (input.LengthMismatch), a vector not summing to 1 within 1e-9
// without o.Normalize (input.NotNormalized), a bad base (input.BadBase).
// Validation is a separate pass; KL does not allocate unless o.Normalize.
func KL(p, q []float64, o Options) (float64, error) {
	p, q, k, err := pair(p, q, o)
	if err != nil {
		return 0, err
	}
	return k * kl(p, q), nil
}

// block is the length of the runs the hot loops sum plainly before adding
// the run's sum to a compensated accumulator. A plain sum of 256 terms errs by
// at most 256ε·Σ|t| ≈ 3e-14·Σ|t|, usually far less, and keeps the loop free
// of the compensated update (which costs more than the logarithm).
const block = 256

// kl is KL in nats for validated p, q of the same length (klShort up to shortKL).
//
// Each block is summed by two loops. The first takes two cells at a time and
// has no call: as long as both quotients p_i/q_i are normal floats it takes
// their logarithms with the inlined fastlog.Split(r).Log(). At the first
// pair with another quotient (p = 0 gives 0 or NaN, q = 0 < p gives +Inf,
// and a quotient can overflow or underflow) the second loop takes over for
// the rest of the block, one cell at a time, with klCell for the unusual
// ones. In WebAssembly an iteration of a Go loop has a high fixed cost, and a
// call in the loop body makes every iteration dearer; the first loop is about
// 1.25 times as fast as the second, and kl about 5.5 times as fast as it was
// with math.Log (BenchmarkKL).
func kl(p, q []float64) float64 {
	q = q[:len(p)]
	if len(p) <= shortKL {
		return klShort(p, q)
	}
	p0, q0 := p, q
	var a fsum.Acc
	mag := 0.0 // Σ|terms|, to detect cancellation
	for len(p) > 0 {
		n := min(len(p), block)
		bp, bq := p[:n], q[:n]
		s, m := 0.0, 0.0
		i := 0
		for ; i < len(bp)-1 && i < len(bq)-1; i += 2 {
			p1, q1, p2, q2 := bp[i], bq[i], bp[i+1], bq[i+1]
			r1, r2 := p1/q1, p2/q2
			if !(r1 >= minNormal && r1 <= math.MaxFloat64 && r2 >= minNormal && r2 <= math.MaxFloat64) {
				break
			}
			t1 := p1 * fastlog.Split(r1).Log()
			t2 := p2 * fastlog.Split(r2).Log()
			s += t1 + t2
			m += math.Abs(t1) + math.Abs(t2)
		}
		for ; i < len(bp) && i < len(bq); i++ {
			pi, qi := bp[i], bq[i]
			if r := pi / qi; r >= minNormal && r <= math.MaxFloat64 {
				t := pi * fastlog.Split(r).Log()
				s += t
				m += math.Abs(t)
				continue
			}
			t, inf := klCell(pi, qi)
			if inf {
				return math.Inf(1)
			}
			s += t
			m += math.Abs(t)
		}
		a.Add(s)
		mag += m
		p, q = p[n:], q[n:]
	}
	v := a.Value()
	// The one-log sum errs by a few ε·max(1, Σ|t|); when that could be more
	// than about 1e-13 of the result, recompute without cancellation.
	if v < 1e-3*max(1, mag) {
		v = klAccurate(p0, q0)
	}
	return max(v, 0)
}

// shortKL is the length up to which kl takes each term's logarithm as
// logRatioAcc does: for p and q within a factor of 2, log1p((p−q)/q) loses
// nothing to the rounding of p/q, which in log(p/q) costs up to an ulp of the
// quotient (KL([1,0]‖[0.9,0.1]) would read 0.15200309344505006 bits, not
// 0.15200309344504995). Every lab's vectors are this short (at most 32
// categories); longer ones take the fast one-log loops (BenchmarkKL), which
// the log1p and the compensated sum per term would slow several times over.
const shortKL = 64

// klShort is kl for short p, q: every term to full relative accuracy, the sum
// compensated, and recomputed without cancellation when P ≈ Q as kl does.
func klShort(p, q []float64) float64 {
	var a fsum.Acc
	mag := 0.0
	for i, pi := range p {
		if pi == 0 {
			continue
		}
		qi := q[i]
		if qi == 0 {
			return math.Inf(1)
		}
		t := pi * logRatioAcc(pi, qi)
		a.Add(t)
		mag += math.Abs(t)
	}
	v := a.Value()
	if v < 1e-3*max(1, mag) {
		v = klAccurate(p, q)
	}
	return max(v, 0)
}

// klCell returns the KL term p·log(p/q) of one cell of validated input, and
// inf = true when it is +Inf (p > 0 = q). A cell with p = 0 is 0.
func klCell(p, q float64) (t float64, inf bool) {
	if p == 0 {
		return 0, false
	}
	if q == 0 {
		return 0, true
	}
	return p * logRatio(p, q), false
}

// klAccurate returns Σ_i [q_i φ(p_i/q_i)] + Σ_i (p_i − q_i) = KL(P‖Q) for
// p, q with no p_i > 0 where q_i = 0. Every φ term is ≥ 0 and computed to
// full relative accuracy; cells with p_i = 0 contribute q_i·φ(0) − q_i = 0.
func klAccurate(p, q []float64) float64 {
	var a fsum.Acc
	for i, pi := range p {
		if pi == 0 {
			continue
		}
		qi := q[i]
		a.Add(klTerm(pi, qi))
		a.Add(pi)
		a.Add(-qi)
	}
	return a.Value()
}

// ReverseKL returns the reverse Kullback–Leibler divergence
//
//	KL(Q‖P) = Σ_i q_i log(q_i / p_i),
//
// the "mode-seeking" direction. It is KL with the arguments swapped: +Inf as
// soon as q_i > 0 where p_i = 0; terms with q_i = 0 are 0. Units, accuracy and
// errors are those of KL (arguments are still named "p" and "q" as passed).
func ReverseKL(p, q []float64, o Options) (float64, error) {
	p, q, k, err := pair(p, q, o)
	if err != nil {
		return 0, err
	}
	return k * kl(q, p), nil
}

// Jeffreys returns the Jeffreys divergence, the symmetrised KL,
//
//	J(P, Q) = KL(P‖Q) + KL(Q‖P) = Σ_i (p_i − q_i) log(p_i / q_i),
//
// in the unit of o.Base. Every term is ≥ 0. It is +Inf when either support
// does not cover the other (p_i > 0 = q_i or q_i > 0 = p_i); cells where both
// are 0 contribute nothing. Errors are those of KL.
func Jeffreys(p, q []float64, o Options) (float64, error) {
	p, q, k, err := pair(p, q, o)
	if err != nil {
		return 0, err
	}
	return k * sumTerms(p, q, genJeffreys, 0), nil
}

// JensenShannon returns the Jensen–Shannon divergence
//
//	JS(P, Q) = ½ KL(P‖M) + ½ KL(Q‖M),  M = (P + Q)/2,
//
// in the unit of o.Base. It is symmetric, always finite and lies in
// [0, log 2] (1 bit in base 2, ln 2 nats by default): 0 iff P = Q, log 2 iff P
// and Q have disjoint supports. This is the divergence itself, not its square
// root (see JensenShannonDistance; scipy's jensenshannon returns the root).
//
// It is computed as Σ_i m_i·ψ((p_i − q_i)/(p_i + q_i)) with
// ψ(x) = ½[(1+x)log(1+x) + (1−x)log(1−x)] ≥ 0, a sum of non-negative terms
// that keeps its relative accuracy when P ≈ Q. The result is clamped to
// [0, log 2]. Errors are those of KL.
func JensenShannon(p, q []float64, o Options) (float64, error) {
	p, q, k, err := pair(p, q, o)
	if err != nil {
		return 0, err
	}
	return k * sumTerms(p, q, genJS, 0), nil
}

// JensenShannonDistance returns the Jensen–Shannon distance √JS(P, Q), a
// metric on probability vectors, where JS is JensenShannon in the unit of
// o.Base (so it lies in [0, √log 2]; [0, 1] in base 2). JS is clamped at 0
// before the square root. Errors are those of KL.
func JensenShannonDistance(p, q []float64, o Options) (float64, error) {
	js, err := JensenShannon(p, q, o)
	if err != nil {
		return 0, err
	}
	return math.Sqrt(max(js, 0)), nil
}
