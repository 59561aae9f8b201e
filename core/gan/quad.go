package gan

import (
	"math"
	"sort"

	"github.com/klplayground/klplay/core/distribution"
)

// Vector-valued adaptive Gauss–Kronrod quadrature: several integrands that
// share their expensive part (the two log-densities at a node) are integrated
// together on the same segments.
//
// [lo, hi] is cut at the breakpoints into panels. On each panel [a, b] the
// variable is changed to x = a + (b − a)·s(t), s(t) = t²(3 − 2t), t ∈ [0, 1],
// dx = 6(b − a)·t(1 − t) dt: the kinks, support ends and square-root or
// logarithmic end behaviour all sit at panel ends, and the substitution
// flattens them (an endpoint behaviour (x − a)^γ becomes t^(2γ+1)). Each
// segment is integrated with the 15-point Kronrod rule and its embedded
// 7-point Gauss rule (QUADPACK's error estimate); the segment with the largest
// error for the component furthest from its tolerance is bisected until every
// component meets max(absTol, relTol·|value|), or maxSegs segments are used.

const (
	relTol   = 1e-11 // At, FDivergences
	sweepTol = 1e-8  // Sweep: curves for drawing
	absTol   = 1e-15
	maxSegs  = 600
)

// The 15-point Kronrod rule and its embedded 7-point Gauss rule on [−1, 1],
// shared with core/distribution (see distribution.GaussKronrod15 for the layout).
var xgk, wgk, wg = distribution.GaussKronrod15()

// vecFunc writes the m integrands at x = base + off into out (len m): base
// is the nearer end of the node's panel and off the signed distance from it,
// which keeps its digits where x cannot (next to a support end, where an
// integrand may have an integrable singularity).
type vecFunc func(base, off float64, out []float64)

type seg struct {
	panel    int
	t0, t1   float64
	val, err []float64
	abs      []float64
}

type integrator struct {
	f      vecFunc
	m      int
	panels [][2]float64
	smooth bool      // use the substitution s(t); else x = a + (b − a)·t
	buf    []float64 // scratch: 15 node values × m
}

// integrate returns ∫_lo^hi f over the panels cut at breaks (those strictly
// inside (lo, hi)) to the relative tolerance rtol; skip[k] true leaves component k out of the stopping rule
// (its value is still returned). lo ≥ hi gives zeros.
func integrate(f vecFunc, m int, lo, hi float64, breaks []float64, skip []bool, rtol float64, smooth bool) []float64 {
	v, _ := integrateAbs(f, m, lo, hi, breaks, skip, rtol, smooth)
	return v
}

// integrateAbs is integrate that also returns the estimates of ∫|f|, which
// set the round-off floor 50ε·∫|f| of each component's accuracy.
func integrateAbs(f vecFunc, m int, lo, hi float64, breaks []float64, skip []bool, rtol float64, smooth bool) (out, absOut []float64) {
	out, absOut = make([]float64, m), make([]float64, m)
	if !(hi > lo) {
		return out, absOut
	}
	pts := []float64{lo}
	bs := append([]float64(nil), breaks...)
	sort.Float64s(bs)
	for _, b := range bs {
		if b > pts[len(pts)-1] && b < hi && (b-pts[len(pts)-1]) > 1e-13*(hi-lo) {
			pts = append(pts, b)
		}
	}
	if hi-pts[len(pts)-1] <= 1e-13*(hi-lo) && len(pts) > 1 {
		pts = pts[:len(pts)-1]
	}
	pts = append(pts, hi)
	in := &integrator{f: f, m: m, smooth: smooth, buf: make([]float64, 15*m)}
	for i := 0; i+1 < len(pts); i++ {
		in.panels = append(in.panels, [2]float64{pts[i], pts[i+1]})
	}
	segs := make([]seg, 0, 4*len(in.panels))
	for p := range in.panels {
		segs = append(segs, in.rule(p, 0, 0.5), in.rule(p, 0.5, 1))
	}
	val, errs, abs := make([]float64, m), make([]float64, m), make([]float64, m)
	for {
		for k := range val {
			val[k], errs[k], abs[k] = 0, 0, 0
		}
		for i := range segs {
			for k := 0; k < m; k++ {
				val[k] += segs[i].val[k]
				errs[k] += segs[i].err[k]
				abs[k] += segs[i].abs[k]
			}
		}
		worst, ratio := -1, 1.0
		for k := 0; k < m; k++ {
			if skip != nil && skip[k] {
				continue
			}
			tol := math.Max(absTol, rtol*math.Abs(val[k]))
			tol = math.Max(tol, 50*eps*abs[k])
			if r := errs[k] / tol; r > ratio || math.IsNaN(r) {
				worst, ratio = k, r
			}
		}
		if worst < 0 || len(segs) >= maxSegs {
			break
		}
		j := 0
		for i := range segs {
			if segs[i].err[worst] > segs[j].err[worst] {
				j = i
			}
		}
		s := segs[j]
		mid := 0.5 * (s.t0 + s.t1)
		if !(mid > s.t0 && mid < s.t1) {
			break
		}
		segs[j] = in.rule(s.panel, s.t0, mid)
		segs = append(segs, in.rule(s.panel, mid, s.t1))
	}
	copy(out, val)
	copy(absOut, abs)
	return out, absOut
}

const eps = 2.220446049250313e-16

// rule applies the 15/7 pair on [t0, t1] of panel p.
func (in *integrator) rule(p int, t0, t1 float64) seg {
	m := in.m
	a, b := in.panels[p][0], in.panels[p][1]
	w := b - a
	c, h := 0.5*(t0+t1), 0.5*(t1-t0)
	// Node j (0…14): t = c − h·xgk[j] for j < 8 (j = 7 is the centre), c + h·xgk[14−j]
	// after; u = 1 − t is computed from 1 − c (exact in the right half, where c
	// is a dyadic ≥ ½), so that t and u keep their digits at the panel's ends.
	// The map is symmetric, 1 − s(t) = s(u): a node in the right half is
	// placed from b.
	for j := 0; j < 15; j++ {
		d := h * xgk[min(j, 14-j)]
		if j < 8 {
			d = -d
		}
		t, u := c+d, (1-c)-d
		base, off, jac := a, w*t, w
		if in.smooth {
			off, jac = w*t*t*(3-2*t), 6*w*t*u
		}
		if t > 0.5 {
			base, off = b, -w*u
			if in.smooth {
				off = -w * u * u * (3 - 2*u)
			}
		}
		row := in.buf[j*m : (j+1)*m]
		if jac == 0 {
			for k := range row {
				row[k] = 0
			}
			continue
		}
		in.f(base, off, row)
		for k := range row {
			if row[k] != 0 {
				row[k] *= jac
			}
		}
	}
	s := seg{panel: p, t0: t0, t1: t1, val: make([]float64, m), err: make([]float64, m), abs: make([]float64, m)}
	for k := 0; k < m; k++ {
		fc := in.buf[7*m+k]
		resk := fc * wgk[7]
		resg := fc * wg[3]
		resabs := math.Abs(resk)
		for j := 0; j < 7; j++ {
			f1, f2 := in.buf[j*m+k], in.buf[(14-j)*m+k]
			resk += wgk[j] * (f1 + f2)
			resabs += wgk[j] * (math.Abs(f1) + math.Abs(f2))
			if j%2 == 1 {
				resg += wg[j/2] * (f1 + f2)
			}
		}
		reskh := 0.5 * resk
		resasc := wgk[7] * math.Abs(fc-reskh)
		for j := 0; j < 7; j++ {
			resasc += wgk[j] * (math.Abs(in.buf[j*m+k]-reskh) + math.Abs(in.buf[(14-j)*m+k]-reskh))
		}
		e := math.Abs((resk - resg) * h)
		resasc *= h
		if resasc != 0 && e != 0 {
			e = resasc * math.Min(1, math.Pow(200*e/resasc, 1.5))
		}
		s.val[k], s.err[k], s.abs[k] = resk*h, e, resabs*h
	}
	return s
}
