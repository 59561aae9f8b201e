package divergence

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/klplayground/klplay/core/fastlog"
	"gonum.org/v1/gonum/stat"
)

// benchPair returns two random normalised vectors of length n with no zeros.
func benchPair(n int) (p, q []float64) {
	r := rand.New(rand.NewPCG(1, 2))
	return randomProb(r, n, 0), randomProb(r, n, 0)
}

// BenchmarkKL compares KL (validation included) with KL as it was before
// core/fastlog (mathlog: klBefore), the loop alone (novalidate) and as it was
// (novalidate-mathlog: klRef), and gonum's stat.KullbackLeibler (no
// validation, two logarithms per element).
func BenchmarkKL(b *testing.B) {
	for _, n := range []int{1000, 100000, 1000000} {
		p, q := benchPair(n)
		b.Run(fmt.Sprintf("klplay/n=%d", n), func(b *testing.B) {
			b.SetBytes(int64(16 * n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := KL(p, q, Options{Base: math.E}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("klplay-mathlog/n=%d", n), func(b *testing.B) {
			b.SetBytes(int64(16 * n))
			for b.Loop() {
				if _, err := klBefore(p, q); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("klplay-novalidate/n=%d", n), func(b *testing.B) {
			b.SetBytes(int64(16 * n))
			for b.Loop() {
				kl(p, q)
			}
		})
		b.Run(fmt.Sprintf("klplay-novalidate-mathlog/n=%d", n), func(b *testing.B) {
			b.SetBytes(int64(16 * n))
			for b.Loop() {
				klRef(p, q)
			}
		})
		b.Run(fmt.Sprintf("gonum/n=%d", n), func(b *testing.B) {
			b.SetBytes(int64(16 * n))
			for b.Loop() {
				stat.KullbackLeibler(p, q)
			}
		})
	}
}

func BenchmarkCompare(b *testing.B) {
	p, q := benchPair(100000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compare(p, q, Options{Base: math.E}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenyi(b *testing.B) {
	p, q := benchPair(100000)
	for b.Loop() {
		if _, err := Renyi(p, q, 0.7, Options{Base: math.E}); err != nil {
			b.Fatal(err)
		}
	}
}

var sink float64

// BenchmarkLog compares math.Log with fastlog.Log (a call) and with
// fastlog.Split(x).Log() (inlined, as the hot loops use it) on the same 1000
// arguments, the quotients p_i/q_i of benchPair. The loops are in functions
// of their own: calls written directly in a b.Loop body are not inlined.
func BenchmarkLog(b *testing.B) {
	p, q := benchPair(1000)
	xs := make([]float64, len(p))
	for i := range xs {
		xs[i] = p[i] / q[i]
	}
	b.Run("math.Log", func(b *testing.B) {
		for b.Loop() {
			sink = sumMathLog(xs)
		}
	})
	b.Run("fastlog.Log", func(b *testing.B) {
		for b.Loop() {
			sink = sumFastLog(xs)
		}
	})
	b.Run("fastlog.Split.Log", func(b *testing.B) {
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

func sumFastLog(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += fastlog.Log(x)
	}
	return s
}

func sumSplitLog(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += fastlog.Split(x).Log()
	}
	return s
}

// BenchmarkEntropy compares entropy and crossEntropy with their loops as
// they were with math.Log (mathlog), at n = 10⁶.
func BenchmarkEntropy(b *testing.B) {
	p, q := benchPair(1000000)
	b.Run("entropy", func(b *testing.B) {
		for b.Loop() {
			sink = entropy(p)
		}
	})
	b.Run("entropy-mathlog", func(b *testing.B) {
		for b.Loop() {
			sink = entropyRef(p)
		}
	})
	b.Run("crossEntropy", func(b *testing.B) {
		for b.Loop() {
			sink = crossEntropy(p, q)
		}
	})
	b.Run("crossEntropy-mathlog", func(b *testing.B) {
		for b.Loop() {
			sink = crossEntropyRef(p, q)
		}
	})
}
