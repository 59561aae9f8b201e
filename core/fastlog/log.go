// Package fastlog is a table-driven natural logarithm in pure Go, faster than
// math.Log where math.Log is the portable Go code (GOARCH=wasm) and as
// accurate: about 0.5 ulp, without a division.
//
// Algorithm. For a positive normal x, write x = 2^k·z with z in
// [0x1.5fp-1, 0x1.5fp0) ≈ [0.686, 1.371), and split that range into 128
// entries of equal width in the bit pattern, so that 1 is the centre of
// entry 80. Entry i has a centre c (a short float, c = 1 for entry 80), an
// approximation invc of 1/c with at most 9 significant bits, ε = c·invc − 1
// (exact) and −log(invc) as hi + lo. Then
//
//	log x = k·log 2 − log(invc) + log1p(s),  s = z·invc − 1 = (z − c)·invc + ε,
//
// and every operation that forms s is exact: z − c by Sterbenz's lemma, and
// (z − c)·invc because z − c has at most 44 significant bits and invc at most
// 9, and the sum because the generator checked that it fits in 53 bits.
// |s| < maxS ≈ 2^−7.6, and log1p(s) = s + s²·P(s) with P the Taylor
// polynomial of degree 5 (−1/2 + s/3 − … + s⁵/7), whose truncation error is
// below |s|⁸/8 < 2^−63.5. The constant part k·ln2Hi + hi is exact (both
// multiples of 2^−42, |k| ≤ 1075), s is added to it with Fast2Sum, and the
// small parts (k·ln2Lo, lo, s²·P(s), the rounding error of the addition) are
// added last, so the result is the rounded value of an approximation
// accurate to about 0.01 ulp: the error is at most about 0.51 ulp (0.5093
// is the largest the tests found). Near x = 1 (entry 80: c = 1, invc = 1)
// it is log1p(x − 1) with x − 1 exact, so the relative accuracy holds there
// too (Log(1) = 0 exactly).
//
// Log's results differ from math.Log's portable Go code (an fdlibm
// derivative with an error below 1 ulp) by at most 1 ulp; they are the
// correctly rounded logarithm for the vast majority of inputs. The tests
// check both claims on millions of inputs and against a 160-bit reference.
package fastlog

import "math"

//go:generate go run gen_table.go

const (
	tableBits = 7
	n         = 1 << tableBits
	shift     = 52 - tableBits
	// off is the bit pattern of the start of the reduced range, 1 − 2^−9
	// − 80 entry widths: entries are [off + i·2^45, off + (i+1)·2^45).
	off = 0x3FF0000000000000 - 80<<shift - 1<<(shift-1)

	// ln2Hi is log 2 rounded to 32 significant bits (fdlibm's value), so
	// k·ln2Hi is exact and a multiple of 2^−32 for |k| < 2^21; ln2Lo is in
	// table.go.
	ln2Hi = 0x1.62e42feep-01

	// The Taylor coefficients of (log1p(s) − s)/s².
	c2 = -1.0 / 2
	c3 = 1.0 / 3
	c4 = -1.0 / 4
	c5 = 1.0 / 5
	c6 = -1.0 / 6
	c7 = 1.0 / 7
)

type entry struct {
	invc, eps, hi, lo float64
}

// Log returns the natural logarithm of x, with the special cases of
// math.Log: Log(+Inf) = +Inf, Log(±0) = −Inf, Log(x < 0) = NaN,
// Log(NaN) = NaN. Subnormal x get the same accuracy (unlike math.Log on
// amd64, which returns about −709.09 for all of them). The error is at most
// about 0.51 ulp; see the package documentation for the formula.
//
// Log is too large for the compiler to inline, and a call costs as much as
// the logarithm in WebAssembly; loops that take one logarithm per element
// should write Split(x).Log() for positive normal x instead.
func Log(x float64) float64 {
	if x >= MinNormal && x <= math.MaxFloat64 {
		return Split(x).Log()
	}
	return special(x)
}

// MinNormal is the smallest positive normal float64, 2^−1022: Split takes
// x in [MinNormal, math.MaxFloat64].
const MinNormal = 0x1p-1022

// Parts is the reduced argument of Log: x = 2^k·(1 + s)/invc with |s| < 2^−7.5,
// where invc comes from the table entry.
type Parts struct {
	s, k float64
	e    *entry
}

// Split reduces a positive normal finite x (MinNormal ≤ x ≤ math.MaxFloat64)
// for Log: Split(x).Log() equals Log(x) for such x, and both calls are
// inlined, which Log is not. For other x the result is meaningless: test
// first (a NaN, zero, subnormal, negative or infinite x fails
// x >= MinNormal && x <= math.MaxFloat64).
func Split(x float64) Parts {
	ix := math.Float64bits(x)
	tmp := ix - off
	iz := ix - tmp&(0xFFF<<52) // z = x/2^k in [0x1.5fp-1, 0x1.5fp0)
	e := &tab[(tmp>>shift)%n]
	// c = z's bit pattern rounded to the centre of its entry; then
	// s = (z − c)·invc + ε = z·invc − 1, every operation exact.
	c := math.Float64frombits((iz + 1<<(shift-1)) &^ (1<<shift - 1))
	return Parts{(math.Float64frombits(iz)-c)*e.invc + e.eps, float64(int64(tmp) >> 52), e}
}

// Log returns log x = k·log 2 − log(invc) + log1p(s) for the x that p was
// split from, to within about 0.51 ulp.
func (p Parts) Log() float64 {
	s := p.s
	w := p.k*ln2Hi + p.e.hi // exact: both multiples of 2^−42, |w| < 2^10
	hi := w + s
	s2 := s * s
	// w − hi + s is the rounding error of hi, exactly (Fast2Sum: |w| ≥ |s|
	// or w = 0); log1p(s) − s = s²·(−1/2 + s/3 − s²/4 + s³/5 − s⁴/6 + s⁵/7)
	// − s⁸/8 + ….
	return hi + (w - hi + s + (p.k*ln2Lo + p.e.lo) + s2*(c2+s*c3+s2*(c4+s*c5)+s2*s2*(c6+s*c7)))
}

// special returns Log(x) for x that is not a positive normal finite number.
func special(x float64) float64 {
	switch {
	case x != x || x > math.MaxFloat64:
		return x // NaN, +Inf
	case x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	}
	// Subnormal: x·2^52 is normal, exactly.
	p := Split(x * 0x1p52)
	p.k -= 52
	return p.Log()
}
