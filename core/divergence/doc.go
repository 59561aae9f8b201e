// Package divergence computes the discrete information measures of the
// playground: entropy, cross-entropy, the Kullback–Leibler divergence and its
// relatives (reverse KL, Jeffreys, Jensen–Shannon, total variation, Hellinger,
// Bhattacharyya, Pearson and Neyman χ², Rényi, the Csiszár f-divergences) and
// the measures of a joint table (mutual information, joint and conditional
// entropy), plus the pointwise terms the charts draw.
//
// Every function takes plain []float64 probability vectors, as gonum's stat
// package does, but checks its input and returns an *input.Error (from
// core/input) instead of NaN or a panic. The conventions, shared by every
// function, are:
//
//   - 0·log 0 = 0 and 0·log(0/q) = 0: a category with p_i = 0 contributes
//     nothing to KL, entropy or cross-entropy.
//   - p_i > 0 where q_i = 0 makes KL(P‖Q), cross-entropy, Jeffreys, Pearson χ²
//     and Rényi of order α ≥ 1 equal to +Inf, never NaN.
//   - Entries must be finite and ≥ 0 (codes input.NotFinite, input.Negative,
//     with the argument named "p[3]"), vectors non-empty (input.Empty) and of
//     equal length (input.LengthMismatch, argument "q"), and each vector must
//     sum to 1 within input.NormTolerance (input.NotNormalized) unless
//     Options.Normalize asks for p/Σp and q/Σq. Inputs are never renormalised
//     silently.
//   - Logarithmic measures are reported in the unit of Options.Base (nats by
//     default, bits for base 2): the value in nats is multiplied by 1/ln(base).
//     Total variation, Hellinger, the Bhattacharyya coefficient, the χ²
//     divergences and the power-type f-divergences are not logarithms; the
//     base does not apply to them and is only checked.
//   - Measures that are non-negative, or bounded, in exact arithmetic are
//     clamped to their range after rounding (KL ≥ 0, JS ≤ log 2, TV ≤ 1, …), so
//     a reader never sees −1e-17. For inputs that are normalised only within
//     the tolerance 1e-9 the clamp can hide a true value down to about −1e-9.
//
// Sums use compensated (Neumaier) summation from core/fsum, so results stay
// within about 1e-15 relative of the exact value of the given floats for 10⁶
// entries. Ratios p/q that would overflow or underflow are taken as
// log p − log q, so probabilities down to the smallest subnormal work. Where a
// measure is a small difference of large terms (KL, Jensen–Shannon, mutual
// information of nearly equal distributions) it is computed, or recomputed,
// as a sum of non-negative terms, which keeps its relative accuracy.
//
// The package is pure Go (no syscall/js) and builds for GOOS=js GOARCH=wasm.
package divergence

import (
	"math"

	"github.com/klplayground/klplay/core/fsum"
	"github.com/klplayground/klplay/core/input"
)

// Options are the options shared by every measure.
type Options struct {
	// Base is the logarithm base of the result's unit: e gives nats, 2 bits,
	// 10 hartleys. There is no default: the zero value is base 0, which like
	// any base ≤ 0, = 1 or not finite is an input.BadBase error (input.LogBase),
	// checked even for the measures it does not apply to.
	Base float64
	// Normalize scales each input to sum to 1 before use. Without it a vector
	// with |Σ − 1| > input.NormTolerance is an input.NotNormalized error.
	Normalize bool
}

// pair validates p and q and returns them (normalised copies when
// o.Normalize) with the base factor 1/ln(base). The common case, two valid
// normalised vectors, is checked by one fast pass over each (probOK); any
// doubt goes to input.Pair, which makes the canonical error.
func pair(p, q []float64, o Options) ([]float64, []float64, float64, error) {
	if o.Normalize || len(p) != len(q) || !probOK(p) || !probOK(q) {
		var err error
		if p, q, err = input.Pair(p, q, o.Normalize); err != nil {
			return nil, nil, 0, err
		}
	}
	k, err := input.LogBase(o.Base)
	if err != nil {
		return nil, nil, 0, err
	}
	return p, q, k, nil
}

// single validates one vector named arg and returns it with the base factor.
func single(arg string, p []float64, o Options) ([]float64, float64, error) {
	if o.Normalize || !probOK(p) {
		var err error
		if p, err = input.Probabilities(arg, p, o.Normalize); err != nil {
			return nil, 0, err
		}
	}
	k, err := input.LogBase(o.Base)
	if err != nil {
		return nil, 0, err
	}
	return p, k, nil
}

// probOK reports whether p certainly passes input.Probabilities without
// normalisation: non-empty, every entry finite and ≥ 0, and Σp within
// input.NormTolerance of 1 by a margin (1e-12) larger than the difference
// between this blocked sum and input's compensated one. It is about three
// times faster than input.Probabilities; false means "ask input", not
// "invalid".
func probOK(p []float64) bool {
	if len(p) == 0 {
		return false
	}
	var a fsum.Acc
	for len(p) > 0 {
		b := p[:min(len(p), block)]
		s := 0.0
		// Four entries per iteration (loop iterations are dear in
		// WebAssembly). x is finite and ≥ +0 iff its bits are below those of
		// +Inf; the OR of four such patterns can reach them only when an
		// entry is ≥ 2, which no valid vector has, so the test is exact for
		// valid input and merely asks input otherwise.
		i := 0
		for ; i < len(b)-3; i += 4 {
			x1, x2, x3, x4 := b[i], b[i+1], b[i+2], b[i+3]
			if math.Float64bits(x1)|math.Float64bits(x2)|math.Float64bits(x3)|math.Float64bits(x4) >= infBits {
				return false
			}
			s += (x1 + x2) + (x3 + x4)
		}
		for ; i < len(b); i++ {
			x := b[i]
			if math.Float64bits(x) >= infBits {
				return false
			}
			s += x
		}
		a.Add(s)
		p = p[len(b):]
	}
	return math.Abs(a.Value()-1) < input.NormTolerance-1e-12
}

// infBits is the bit pattern of +Inf: a float64 is finite and ≥ +0 iff its
// bits are below it.
const infBits = 0x7FF0000000000000
