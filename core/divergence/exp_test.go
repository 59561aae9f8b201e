package divergence

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/klplayground/klplay/core/fastlog"
	"github.com/klplayground/klplay/core/fsum"
)

func klTwoLogs(p, q []float64) float64 {
	q = q[:len(p)]
	var a fsum.Acc
	mag := 0.0
	for len(p) > 0 {
		n := min(len(p), block)
		bp, bq := p[:n], q[:n]
		s, m := 0.0, 0.0
		for i, pi := range bp {
			qi := bq[i]
			if pi >= minNormal && qi >= minNormal {
				t := pi * (fastlog.Split(pi).Log() - fastlog.Split(qi).Log())
				s += t
				m += math.Abs(t)
				continue
			}
			if pi == 0 {
				continue
			}
			if qi == 0 {
				return math.Inf(1)
			}
			t := pi * (ln(pi) - ln(qi))
			s += t
			m += math.Abs(t)
		}
		a.Add(s)
		mag += m
		p, q = p[n:], q[n:]
	}
	return a.Value() + mag*0
}

func klUnroll2(p, q []float64) float64 {
	q = q[:len(p)]
	var a fsum.Acc
	mag := 0.0
	for len(p) > 0 {
		n := min(len(p), block)
		bp, bq := p[:n], q[:n]
		s0, s1, m0, m1 := 0.0, 0.0, 0.0, 0.0
		i := 0
		for ; i+1 < len(bp) && i+1 < len(bq); i += 2 {
			p0, q0, p1, q1 := bp[i], bq[i], bp[i+1], bq[i+1]
			r0, r1 := p0/q0, p1/q1
			if r0 >= minNormal && r0 <= math.MaxFloat64 && r1 >= minNormal && r1 <= math.MaxFloat64 {
				t0 := p0 * fastlog.Split(r0).Log()
				t1 := p1 * fastlog.Split(r1).Log()
				s0 += t0
				s1 += t1
				m0 += math.Abs(t0)
				m1 += math.Abs(t1)
				continue
			}
			t0 := p0 * logRatio(p0, q0)
			t1 := p1 * logRatio(p1, q1)
			s0 += t0
			s1 += t1
			m0 += math.Abs(t0)
			m1 += math.Abs(t1)
		}
		a.Add(s0 + s1)
		mag += m0 + m1
		p, q = p[n:], q[n:]
	}
	return a.Value() + mag*0
}

func BenchmarkKLVariants(b *testing.B) {
	for range 8 {
		n := 1000000
		p, q := benchPair(n)
		b.Run(fmt.Sprintf("one-log/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				kl(p, q)
			}
		})
		b.Run(fmt.Sprintf("loop1/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				klLoop1(p, q)
			}
		})
		b.Run(fmt.Sprintf("break/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				klBreak(p, q)
			}
		})
		b.Run(fmt.Sprintf("resume/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				klResume(p, q)
			}
		})
		b.Run(fmt.Sprintf("max2/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				klMax2(p, q)
			}
		})
		b.Run(fmt.Sprintf("max4/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				klMax4(p, q)
			}
		})
		b.Run(fmt.Sprintf("two-logs/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				klTwoLogs(p, q)
			}
		})
		b.Run(fmt.Sprintf("unroll2/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				klUnroll2(p, q)
			}
		})
		b.Run(fmt.Sprintf("unroll4/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				klUnroll4(p, q)
			}
		})
		b.Run(fmt.Sprintf("unroll2one/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				klUnroll2one(p, q)
			}
		})
		b.Run(fmt.Sprintf("mathlog/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				klRef(p, q)
			}
		})
	}
}

func klUnroll4(p, q []float64) float64 {
	q = q[:len(p)]
	var a fsum.Acc
	mag := 0.0
	for len(p) > 0 {
		n := min(len(p), block)
		bp, bq := p[:n], q[:n]
		s0, s1, m0, m1 := 0.0, 0.0, 0.0, 0.0
		i := 0
		for ; i+3 < len(bp) && i+3 < len(bq); i += 4 {
			p0, q0, p1, q1 := bp[i], bq[i], bp[i+1], bq[i+1]
			p2, q2, p3, q3 := bp[i+2], bq[i+2], bp[i+3], bq[i+3]
			r0, r1, r2, r3 := p0/q0, p1/q1, p2/q2, p3/q3
			if r0 >= minNormal && r0 <= math.MaxFloat64 && r1 >= minNormal && r1 <= math.MaxFloat64 &&
				r2 >= minNormal && r2 <= math.MaxFloat64 && r3 >= minNormal && r3 <= math.MaxFloat64 {
				t0 := p0 * fastlog.Split(r0).Log()
				t1 := p1 * fastlog.Split(r1).Log()
				t2 := p2 * fastlog.Split(r2).Log()
				t3 := p3 * fastlog.Split(r3).Log()
				s0 += t0 + t2
				s1 += t1 + t3
				m0 += math.Abs(t0) + math.Abs(t2)
				m1 += math.Abs(t1) + math.Abs(t3)
				continue
			}
		}
		a.Add(s0 + s1)
		mag += m0 + m1
		p, q = p[n:], q[n:]
	}
	return a.Value() + mag*0
}

func klUnroll2one(p, q []float64) float64 {
	q = q[:len(p)]
	var a fsum.Acc
	mag := 0.0
	for len(p) > 0 {
		n := min(len(p), block)
		bp, bq := p[:n], q[:n]
		s, m := 0.0, 0.0
		i := 0
		for ; i+1 < len(bp) && i+1 < len(bq); i += 2 {
			p0, q0, p1, q1 := bp[i], bq[i], bp[i+1], bq[i+1]
			r0, r1 := p0/q0, p1/q1
			if r0 >= minNormal && r0 <= math.MaxFloat64 && r1 >= minNormal && r1 <= math.MaxFloat64 {
				t0 := p0 * fastlog.Split(r0).Log()
				t1 := p1 * fastlog.Split(r1).Log()
				s += t0 + t1
				m += math.Abs(t0) + math.Abs(t1)
				continue
			}
		}
		a.Add(s)
		mag += m
		p, q = p[n:], q[n:]
	}
	return a.Value() + mag*0
}

func klOneAcc2(p, q []float64) float64 {
	q = q[:len(p)]
	var a fsum.Acc
	mag := 0.0
	for len(p) > 0 {
		n := min(len(p), block)
		bp, bq := p[:n], q[:n]
		s0, s1, m0, m1 := 0.0, 0.0, 0.0, 0.0
		for i, pi := range bp {
			qi := bq[i]
			if r := pi / qi; r >= minNormal && r <= math.MaxFloat64 {
				t := pi * fastlog.Split(r).Log()
				if i&1 == 0 {
					s0 += t
					m0 += math.Abs(t)
				} else {
					s1 += t
					m1 += math.Abs(t)
				}
				continue
			}
		}
		a.Add(s0 + s1)
		mag += m0 + m1
		p, q = p[n:], q[n:]
	}
	return a.Value() + mag*0
}

// klLoop1 is kl without unrolling in nats for validated p, q of the same length.
func klLoop1(p, q []float64) float64 {
	q = q[:len(p)]
	p0, q0 := p, q
	var a fsum.Acc
	mag := 0.0 // Σ|terms|, to detect cancellation
	for len(p) > 0 {
		n := min(len(p), block)
		bp, bq := p[:n], q[:n]
		s, m := 0.0, 0.0
		for i, pi := range bp {
			qi := bq[i]
			// One test sends every unusual cell to the slow branch: p = 0
			// gives r = 0 or NaN, q = 0 < p gives +Inf, and a quotient
			// that overflows or underflows is not normal.
			if r := pi / qi; r >= minNormal && r <= math.MaxFloat64 {
				t := pi * fastlog.Split(r).Log()
				s += t
				m += math.Abs(t)
				continue
			}
			if pi == 0 {
				continue
			}
			if qi == 0 {
				return math.Inf(1)
			}
			t := pi * (ln(pi) - ln(qi))
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


func klBreak(p, q []float64) float64 {
	q = q[:len(p)]
	p0, q0 := p, q
	var a fsum.Acc
	mag := 0.0
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
		for ; i < len(bp); i++ {
			t, inf := klCell(bp[i], bq[i])
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
	if v < 1e-3*max(1, mag) {
		v = klAccurate(p0, q0)
	}
	return max(v, 0)
}

func klResume(p, q []float64) float64 {
	q = q[:len(p)]
	p0, q0 := p, q
	var a fsum.Acc
	mag := 0.0
	for len(p) > 0 {
		n := min(len(p), block)
		bp, bq := p[:n], q[:n]
		s, m := 0.0, 0.0
		i := 0
		for {
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
			if i >= len(bp) || i >= len(bq) {
				break
			}
			t, inf := klCell(bp[i], bq[i])
			if inf {
				return math.Inf(1)
			}
			s += t
			m += math.Abs(t)
			i++
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

const nb = 0x0010000000000000
const ib = 0x7FF0000000000000 - nb

func klMax2(p, q []float64) float64 {
	q = q[:len(p)]
	p0, q0 := p, q
	var a fsum.Acc
	mag := 0.0
	for len(p) > 0 {
		n := min(len(p), block)
		bp, bq := p[:n], q[:n]
		s, m := 0.0, 0.0
		for len(bp) > 0 {
			i := 0
			for ; i < len(bp)-1 && i < len(bq)-1; i += 2 {
				p1, q1, p2, q2 := bp[i], bq[i], bp[i+1], bq[i+1]
				r1, r2 := p1/q1, p2/q2
				if max(math.Float64bits(r1)-nb, math.Float64bits(r2)-nb) >= ib {
					break
				}
				t1 := p1 * fastlog.Split(r1).Log()
				t2 := p2 * fastlog.Split(r2).Log()
				s += t1 + t2
				m += math.Abs(t1) + math.Abs(t2)
			}
			if i >= len(bp) || i >= len(bq) {
				break
			}
			t, inf := klCell(bp[i], bq[i])
			if inf {
				return math.Inf(1)
			}
			s += t
			m += math.Abs(t)
			bp, bq = bp[i+1:], bq[i+1:]
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

func klMax4(p, q []float64) float64 {
	q = q[:len(p)]
	p0, q0 := p, q
	var a fsum.Acc
	mag := 0.0
	for len(p) > 0 {
		n := min(len(p), block)
		bp, bq := p[:n], q[:n]
		s, m := 0.0, 0.0
		for len(bp) > 0 {
			i := 0
			for ; i < len(bp)-3 && i < len(bq)-3; i += 4 {
				p1, q1, p2, q2 := bp[i], bq[i], bp[i+1], bq[i+1]
				p3, q3, p4, q4 := bp[i+2], bq[i+2], bp[i+3], bq[i+3]
				r1, r2, r3, r4 := p1/q1, p2/q2, p3/q3, p4/q4
				if max(math.Float64bits(r1)-nb, math.Float64bits(r2)-nb, math.Float64bits(r3)-nb, math.Float64bits(r4)-nb) >= ib {
					break
				}
				t1 := p1 * fastlog.Split(r1).Log()
				t2 := p2 * fastlog.Split(r2).Log()
				t3 := p3 * fastlog.Split(r3).Log()
				t4 := p4 * fastlog.Split(r4).Log()
				s += (t1 + t2) + (t3 + t4)
				m += (math.Abs(t1) + math.Abs(t2)) + (math.Abs(t3) + math.Abs(t4))
			}
			if i >= len(bp) || i >= len(bq) {
				break
			}
			t, inf := klCell(bp[i], bq[i])
			if inf {
				return math.Inf(1)
			}
			s += t
			m += math.Abs(t)
			bp, bq = bp[i+1:], bq[i+1:]
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

func BenchmarkKLSparse(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	p, q := randomProb(r, 1000000, 0.1), randomProb(r, 1000000, 0)
	for range 6 {
		b.Run("final", func(b *testing.B) {
			for b.Loop() {
				kl(p, q)
			}
		})
		b.Run("break", func(b *testing.B) {
			for b.Loop() {
				klBreak(p, q)
			}
		})
		b.Run("loop1", func(b *testing.B) {
			for b.Loop() {
				klLoop1(p, q)
			}
		})
		b.Run("mathlog", func(b *testing.B) {
			for b.Loop() {
				klRef(p, q)
			}
		})
	}
}
