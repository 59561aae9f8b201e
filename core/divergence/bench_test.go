package divergence

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// benchPair returns two random normalised vectors of length n with no zeros.
func benchPair(n int) (p, q []float64) {
	r := rand.New(rand.NewPCG(1, 2))
	return randomProb(r, n, 0), randomProb(r, n, 0)
}

// BenchmarkKL compares KL (validation included) with gonum's
// stat.KullbackLeibler (no validation, two logarithms per element).
func BenchmarkKL(b *testing.B) {
	for _, n := range []int{1000, 100000, 1000000} {
		p, q := benchPair(n)
		b.Run(fmt.Sprintf("klplay/n=%d", n), func(b *testing.B) {
			b.SetBytes(int64(16 * n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := KL(p, q, Options{}); err != nil {
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
		if _, err := Compare(p, q, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenyi(b *testing.B) {
	p, q := benchPair(100000)
	for b.Loop() {
		if _, err := Renyi(p, q, 0.7, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
