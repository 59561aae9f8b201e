package divergence

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/klplayground/klplay/core/fsum"
	"github.com/klplayground/klplay/core/input"
)

// The hot loops as they were before core/fastlog, with math.Log: the
// reference the benchmarks compare with and TestFastLogAgrees checks against.

func lnRef(x float64) float64 {
	if x < minNormal {
		return math.Log(x*0x1p54) - 54*math.Ln2
	}
	return math.Log(x)
}

func entropyRef(p []float64) float64 {
	var a fsum.Acc
	for len(p) > 0 {
		b := p[:min(len(p), block)]
		s := 0.0
		for _, pi := range b {
			if pi != 0 {
				s -= pi * lnRef(pi)
			}
		}
		a.Add(s)
		p = p[len(b):]
	}
	return max(a.Value(), 0)
}

func crossEntropyRef(p, q []float64) float64 {
	q = q[:len(p)]
	var a fsum.Acc
	for len(p) > 0 {
		n := min(len(p), block)
		bp, bq := p[:n], q[:n]
		s := 0.0
		for i, pi := range bp {
			if pi == 0 {
				continue
			}
			qi := bq[i]
			if qi == 0 {
				return math.Inf(1)
			}
			s -= pi * lnRef(qi)
		}
		a.Add(s)
		p, q = p[n:], q[n:]
	}
	return max(a.Value(), 0)
}

// klRef is kl before fastlog.
func klRef(p, q []float64) float64 {
	q = q[:len(p)]
	p0, q0 := p, q
	var a fsum.Acc
	mag := 0.0
	for len(p) > 0 {
		n := min(len(p), block)
		bp, bq := p[:n], q[:n]
		s, m := 0.0, 0.0
		for i, pi := range bp {
			if pi == 0 {
				continue
			}
			qi := bq[i]
			if qi == 0 {
				return math.Inf(1)
			}
			var t float64
			if r := pi / qi; r >= minNormal && r <= math.MaxFloat64 {
				t = pi * math.Log(r)
			} else {
				t = pi * (lnRef(pi) - lnRef(qi))
			}
			s += t
			m += math.Abs(t)
		}
		a.Add(s)
		mag += m
		p, q = p[n:], q[n:]
	}
	v := a.Value()
	if v < 1e-3*max(1, mag) {
		v = klAccurate(p0, q0)
	}
	return max(v, 0)
}

// probOKRef is probOK before it took four entries per iteration.
func probOKRef(p []float64) bool {
	if len(p) == 0 {
		return false
	}
	var a fsum.Acc
	for len(p) > 0 {
		b := p[:min(len(p), block)]
		s := 0.0
		for _, x := range b {
			if !(x >= 0 && x <= math.MaxFloat64) {
				return false
			}
			s += x
		}
		a.Add(s)
		p = p[len(b):]
	}
	return math.Abs(a.Value()-1) < input.NormTolerance-1e-12
}

// klBefore is KL(p, q, Options{Base: math.E}) for valid p, q as it was before fastlog:
// the same checks (probOK on each vector, input.LogBase) and klRef.
func klBefore(p, q []float64) (float64, error) {
	if len(p) != len(q) || !probOKRef(p) || !probOKRef(q) {
		return 0, errors.New("klBefore takes valid normalised vectors only")
	}
	k, err := input.LogBase(math.E)
	if err != nil {
		return 0, err
	}
	return k * klRef(p, q), nil
}

// TestFastLogAgrees checks the fastlog loops against their math.Log
// versions on vectors of every length up to 600 (odd tails, several
// blocks), with zeros, subnormal entries and zeros of q under positive p.
func TestFastLogAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for n := 1; n <= 600; n += 1 + n/16 {
		for _, zeros := range []float64{0, 0.1, 0.7} {
			p, q := randomProb(r, n, zeros), randomProb(r, n, 0)
			if n > 3 {
				p[n/2], q[n/3] = 3e-320, 1e-315 // subnormal cells
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{
				{"entropy", entropy(p), entropyRef(p)},
				{"crossEntropy", crossEntropy(p, q), crossEntropyRef(p, q)},
				{"kl", kl(p, q), klRef(p, q)},
				{"kl(q, p)", kl(q, p), klRef(q, p)},
				{"kl(p, p)", kl(p, p), klRef(p, p)},
				{"probOK(p)", b2f(probOK(p)), b2f(probOKRef(p))},
				{"probOK(q)", b2f(probOK(q)), b2f(probOKRef(q))},
			} {
				if c.got != c.want && relErr(c.got, c.want) > 1e-14 {
					t.Errorf("n = %d, zeros = %g: %s = %v, with math.Log %v", n, zeros, c.name, c.got, c.want)
				}
			}
		}
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
