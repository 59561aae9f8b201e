package fastlog

import (
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"testing"
)

const refPrec = 160

var bigLn2 = bigLog1(new(big.Float).SetPrec(refPrec).SetFloat64(2))

// bigLog1 returns log m = 2 atanh((m − 1)/(m + 1)) for m in [1, 2] to about
// refPrec bits.
func bigLog1(m *big.Float) *big.Float {
	one := new(big.Float).SetPrec(refPrec).SetFloat64(1)
	t := new(big.Float).SetPrec(refPrec).Sub(m, one)
	d := new(big.Float).SetPrec(refPrec).Add(m, one)
	t.Quo(t, d)
	t2 := new(big.Float).SetPrec(refPrec).Mul(t, t)
	sum := new(big.Float).SetPrec(refPrec)
	pow := new(big.Float).SetPrec(refPrec).Set(t)
	term := new(big.Float).SetPrec(refPrec)
	k := new(big.Float).SetPrec(refPrec)
	for j := 1; ; j += 2 {
		term.Quo(pow, k.SetInt64(int64(j)))
		sum.Add(sum, term)
		if term.Sign() == 0 || term.MantExp(nil)-sum.MantExp(nil) < -refPrec-4 {
			break
		}
		pow.Mul(pow, t2)
	}
	return sum.Add(sum, sum)
}

// refLog returns log x for finite x > 0 to about refPrec bits.
func refLog(x float64) *big.Float {
	fr, e := math.Frexp(x) // x = fr·2^e, fr ∈ [0.5, 1)
	m := new(big.Float).SetPrec(refPrec).SetFloat64(2 * fr)
	r := new(big.Float).SetPrec(refPrec).SetInt64(int64(e - 1))
	r.Mul(r, bigLn2)
	return r.Add(r, bigLog1(m))
}

// ulpErr returns |got − log x| in units of the last place of log x.
func ulpErr(got, x float64) float64 {
	ref := refLog(x)
	if ref.Sign() == 0 {
		return math.Abs(got) * 0x1p52 // log 1 = 0: any nonzero result is wrong
	}
	d := new(big.Float).SetPrec(refPrec).Sub(new(big.Float).SetPrec(refPrec).SetFloat64(got), ref)
	// ulp of ref: 2^(exponent − 53) with ref = mant·2^exp, mant ∈ [0.5, 1).
	e := ref.MantExp(nil)
	d.SetMantExp(d, 53-e)
	f, _ := d.Float64()
	return math.Abs(f)
}

// ulpDist returns the number of floats between a and b (both finite, same sign).
func ulpDist(a, b float64) uint64 {
	ia, ib := int64(math.Float64bits(a)), int64(math.Float64bits(b))
	if a < 0 {
		ia = -(ia &^ math.MinInt64)
	}
	if b < 0 {
		ib = -(ib &^ math.MinInt64)
	}
	if ia > ib {
		return uint64(ia - ib)
	}
	return uint64(ib - ia)
}

// inputs returns n test arguments: positive normal floats with uniformly
// random bit patterns (every exponent equally likely), uniform values in
// (0, 1) as probabilities are, and values within 2^−6 of 1.
func inputs(r *rand.Rand, n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		switch i % 4 {
		case 0, 1:
			xs[i] = math.Float64frombits(0x0010000000000000 + r.Uint64N(0x7FF0000000000000-0x0010000000000000))
		case 2:
			xs[i] = 1 - r.Float64()
		default:
			xs[i] = 1 + (r.Float64()-0.5)*0x1p-5
		}
	}
	return xs
}

func edgeCases() []float64 {
	xs := []float64{
		1, math.Nextafter(1, 2), math.Nextafter(1, 0), 1 + 0x1p-30, 1 - 0x1p-30,
		1 + 0x1p-9, 1 - 0x1p-10, 1 + 0x1p-8, 1 - 0x1p-9, 1 + 3*0x1p-8, 1 - 3*0x1p-9,
		2, 0.5, math.E, 10, 0.1, math.Sqrt2, math.Sqrt2 / 2,
		math.MaxFloat64, 0x1p1023, 0x1p-1022, math.Nextafter(0x1p-1022, 1),
		0x1p-1022 * (1 - 0x1p-52), // largest subnormal
		math.SmallestNonzeroFloat64, 2 * math.SmallestNonzeroFloat64, 3e-320, 1e-310,
		0x1.5fp-1, math.Nextafter(0x1.5fp-1, 0), 0x1.5fp0, math.Nextafter(0x1.5fp0, 0),
	}
	for e := -1074; e <= 1023; e++ {
		xs = append(xs, math.Ldexp(1, e))
	}
	// Both ends and the centre of every table entry, in every binade near 1.
	for i := range uint64(n) {
		for _, b := range []uint64{off + i<<shift, off + i<<shift + 1<<(shift-1), off + (i+1)<<shift - 1} {
			z := math.Float64frombits(b)
			xs = append(xs, z, 2*z, z/2, math.Ldexp(z, 700), math.Ldexp(z, -700))
		}
	}
	return xs
}

func TestSpecialCases(t *testing.T) {
	for _, c := range []struct{ x, want float64 }{
		{math.Inf(1), math.Inf(1)},
		{0, math.Inf(-1)},
		{math.Copysign(0, -1), math.Inf(-1)},
		{-1, math.NaN()},
		{-math.SmallestNonzeroFloat64, math.NaN()},
		{math.Inf(-1), math.NaN()},
		{math.NaN(), math.NaN()},
		{1, 0},
	} {
		got := Log(c.x)
		if got != c.want && !(math.IsNaN(got) && math.IsNaN(c.want)) {
			t.Errorf("Log(%g) = %g, want %g", c.x, got, c.want)
		}
		if m := math.Log(c.x); got != m && !(math.IsNaN(got) && math.IsNaN(m)) {
			t.Errorf("Log(%g) = %g, math.Log = %g", c.x, got, m)
		}
	}
	if got := Log(1); math.Signbit(got) {
		t.Errorf("Log(1) = −0, want +0")
	}
	if got, want := Log(math.E), 1.0; got != want {
		t.Errorf("Log(e) = %v, want %v", got, want)
	}
}

// TestEdgeCasesExact checks the edge cases against the 160-bit reference
// (every result within 0.52 ulp) and against math.Log (for normal x, within
// 1 ulp), and that Log(2^e) is e·log 2 correctly rounded.
func TestEdgeCasesExact(t *testing.T) {
	worst, worstX := 0.0, 0.0
	for _, x := range edgeCases() {
		got := Log(x)
		if e := ulpErr(got, x); e > worst {
			worst, worstX = e, x
		}
		if x >= 0x1p-1022 {
			if d := ulpDist(got, math.Log(x)); d > 1 {
				t.Errorf("Log(%v) = %v, math.Log = %v: %d ulp apart", x, got, math.Log(x), d)
			}
			if s := Split(x).Log(); s != got {
				t.Errorf("Split(%v).Log() = %v ≠ Log = %v", x, s, got)
			}
		}
	}
	t.Logf("edge cases: max error %.4f ulp at x = %v", worst, worstX)
	if worst > 0.52 {
		t.Errorf("max error %.4f ulp at x = %v, want ≤ 0.52", worst, worstX)
	}
	// Powers of two: log 2^e = e·log 2, correctly rounded.
	for e := -1074; e <= 1023; e++ {
		x := math.Ldexp(1, e)
		want, _ := new(big.Float).SetPrec(refPrec).Mul(new(big.Float).SetInt64(int64(e)), bigLn2).Float64()
		if got := Log(x); got != want {
			t.Errorf("Log(2^%d) = %v, want %v", e, got, want)
		}
	}
}

// TestAgainstReference compares Log with the 160-bit reference on random
// inputs over the whole positive range (subnormals included): the error must
// stay within 0.52 ulp.
func TestAgainstReference(t *testing.T) {
	nx := 200000
	if testing.Short() {
		nx = 20000
	}
	r := rand.New(rand.NewPCG(3, 4))
	xs := inputs(r, nx)
	for i := 0; i < nx/20; i++ { // subnormals
		xs = append(xs, math.Float64frombits(1+r.Uint64N(0x0010000000000000-1)))
	}
	worst, worstX, sum := 0.0, 0.0, 0.0
	wrong := 0 // not correctly rounded
	for _, x := range xs {
		e := ulpErr(Log(x), x)
		sum += e
		if e > 0.5 {
			wrong++
		}
		if e > worst {
			worst, worstX = e, x
		}
	}
	t.Logf("%d inputs: max error %.4f ulp at x = %v, mean %.4f ulp, %d (%.3f%%) not correctly rounded",
		len(xs), worst, worstX, sum/float64(len(xs)), wrong, 100*float64(wrong)/float64(len(xs)))
	if worst > 0.52 {
		t.Errorf("max error %.4f ulp at x = %v, want ≤ 0.52", worst, worstX)
	}
}

// TestAgainstMathLog checks, on millions of random positive normal inputs,
// that Log is within 1 ulp of math.Log (the assembly routine on amd64, the
// portable Go code in wasm), within 2.3e-16 relative, and within 2e-16
// absolute for |x − 1| < 2^−6.
func TestAgainstMathLog(t *testing.T) {
	nx := 4_000_000
	if testing.Short() {
		nx = 400_000
	}
	r := rand.New(rand.NewPCG(5, 6))
	xs := inputs(r, nx)
	var hist [3]int
	maxRel, maxAbs1 := 0.0, 0.0
	for _, x := range xs {
		got, want := Log(x), math.Log(x)
		d := ulpDist(got, want)
		if d > 1 {
			t.Fatalf("Log(%v) = %v, math.Log = %v: %d ulp apart", x, got, want, d)
		}
		hist[d]++
		if want != 0 {
			maxRel = max(maxRel, math.Abs(got-want)/math.Abs(want))
		}
		if math.Abs(x-1) < 0x1p-6 {
			maxAbs1 = max(maxAbs1, math.Abs(got-want))
		}
	}
	t.Logf("%d inputs: %d equal to math.Log, %d 1 ulp apart; max relative difference %.3g, max absolute difference near 1 %.3g",
		len(xs), hist[0], hist[1], maxRel, maxAbs1)
	if maxRel > 2.3e-16 || maxAbs1 > 2e-16 {
		t.Errorf("max relative difference %.3g (want ≤ 2.3e-16), absolute near 1 %.3g (want ≤ 2e-16)", maxRel, maxAbs1)
	}
}

// TestTable checks the generated table: every property logBits relies on.
func TestTable(t *testing.T) {
	if off != 0x3FE5F00000000000 || math.Float64frombits(off+80<<shift+1<<(shift-1)) != 1 {
		t.Fatalf("off = %#x: entry 80 is not centred on 1", off)
	}
	if math.Float64bits(ln2Hi)&(1<<21-1) != 0 {
		t.Errorf("ln2Hi has more than 32 significant bits")
	}
	if got, _ := new(big.Float).SetPrec(refPrec).Sub(bigLn2, big.NewFloat(ln2Hi)).Float64(); got != ln2Lo {
		t.Errorf("ln2Lo = %v, want %v", ln2Lo, got)
	}
	for i, e := range tab {
		if m := math.Float64bits(e.invc)&(1<<52-1) | 1<<52; 53-bits.TrailingZeros64(m) > 9 {
			t.Errorf("entry %d: invc = %v has more than 9 significant bits", i, e.invc)
		}
		c := math.Float64frombits(off + uint64(i)<<shift + 1<<(shift-1))
		eps := new(big.Float).SetPrec(refPrec).Mul(big.NewFloat(c), big.NewFloat(e.invc))
		eps.Sub(eps, big.NewFloat(1))
		if eps.Cmp(big.NewFloat(e.eps)) != 0 {
			t.Errorf("entry %d: eps = %v, want c·invc − 1 = %v", i, e.eps, eps)
		}
		if e.hi != math.Round(e.hi*0x1p42)*0x1p-42 {
			t.Errorf("entry %d: hi = %v is not a multiple of 2^−42", i, e.hi)
		}
		// hi + lo = −log(invc) within 2^−96.
		want := new(big.Float).SetPrec(refPrec).Neg(refLog(e.invc))
		d := want.Sub(want, big.NewFloat(e.hi))
		d.Sub(d, big.NewFloat(e.lo))
		if f, _ := d.Float64(); math.Abs(f) > 0x1p-96 {
			t.Errorf("entry %d: hi + lo errs by %g", i, f)
		}
		// s is exact at both ends of the entry, and |s| ≤ maxS ≤ |hi| (Fast2Sum).
		for _, b := range []uint64{off + uint64(i)<<shift, off + uint64(i+1)<<shift - 1} {
			z := math.Float64frombits(b)
			s := (z-c)*e.invc + e.eps
			ex := new(big.Float).SetPrec(refPrec).Mul(big.NewFloat(z), big.NewFloat(e.invc))
			ex.Sub(ex, big.NewFloat(1))
			if ex.Cmp(big.NewFloat(s)) != 0 {
				t.Errorf("entry %d, z = %v: s = %v is not z·invc − 1 = %v", i, z, s, ex)
			}
			if math.Abs(s) > maxS || (e.hi != 0 && math.Abs(s) > math.Abs(e.hi)) {
				t.Errorf("entry %d: |s| = %v exceeds maxS or |hi| = %v", i, s, e.hi)
			}
		}
	}
}

func FuzzLog(f *testing.F) {
	for _, x := range []float64{1, 0.5, 2, 1e-300, 5e-324, 1.7e308, 0, -1, math.Nextafter(1, 2), 0.9999} {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x float64) {
		got := Log(x)
		switch {
		case math.IsNaN(x) || x < 0:
			if !math.IsNaN(got) {
				t.Fatalf("Log(%v) = %v, want NaN", x, got)
			}
		case x == 0:
			if !math.IsInf(got, -1) {
				t.Fatalf("Log(0) = %v, want −Inf", got)
			}
		case math.IsInf(x, 1):
			if !math.IsInf(got, 1) {
				t.Fatalf("Log(+Inf) = %v", got)
			}
		default:
			if e := ulpErr(got, x); e > 0.52 {
				t.Fatalf("Log(%v) = %v: error %.4f ulp", x, got, e)
			}
			if x >= 0x1p-1022 {
				if d := ulpDist(got, math.Log(x)); d > 1 {
					t.Fatalf("Log(%v) = %v, math.Log = %v: %d ulp apart", x, got, math.Log(x), d)
				}
			}
		}
	})
}

var sink float64

// BenchmarkLog compares math.Log, Log and Split(x).Log() on 4096 quotients of
// exponential variates. The loops are in functions of their own: calls
// written directly in a b.Loop body are not inlined.
func BenchmarkLog(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	xs := make([]float64, 4096)
	for i := range xs {
		xs[i] = r.ExpFloat64() / r.ExpFloat64()
	}
	b.Run("math.Log", func(b *testing.B) {
		for b.Loop() {
			sink = sumMathLog(xs)
		}
	})
	b.Run("Log", func(b *testing.B) {
		for b.Loop() {
			sink = sumLog(xs)
		}
	})
	b.Run("Split.Log", func(b *testing.B) {
		for b.Loop() {
			sink = sumSplitLog(xs)
		}
	})
}

func sumMathLog(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += math.Log(x)
	}
	return s
}

func sumLog(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += Log(x)
	}
	return s
}

func sumSplitLog(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += Split(x).Log()
	}
	return s
}
