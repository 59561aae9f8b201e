package distribution

import (
	"container/heap"
	"math"

	"github.com/klplayground/klplay/core/fsum"
)

// Adaptive Gauss–Kronrod quadrature over a distribution's support.
//
// The support of P is cut at its ends, at the landmarks of P and Q (means,
// modes, kinks, jumps, the ends of mixture components) and split into pieces.
// Infinite tails are mapped onto [0, 1) by x = c ± s·t/(1−t); a piece that
// touches a finite end a of the support is mapped by x = a + w·exp(−t/(1−t)),
// which turns an endpoint singularity x^(α−1) (a Gamma or Beta with shape < 1)
// into an exponential decay. Each piece is integrated with the 15-point Kronrod
// rule and its embedded 7-point Gauss rule; the segment with the largest error
// estimate is bisected until the total estimate is below the tolerance
// (QUADPACK's QAG strategy, with its error estimate
// resasc·min(1, (200|K−G|/resasc)^1.5) and round-off floor 50ε·∫|f|).

const (
	quadRelTol  = 1e-10
	quadAbsTol  = 1e-15
	quadMaxSegs = 2000
)

// Kronrod 15-point abscissae (decreasing, the last is 0) and weights, and the
// Gauss 7-point weights for the abscissae xgk[1], xgk[3], xgk[5], xgk[7].
var (
	xgk = [8]float64{
		0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
		0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
		0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
		0.207784955007898467600689403773245, 0,
	}
	wgk = [8]float64{
		0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
		0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
		0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
		0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
	}
	wg = [4]float64{
		0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
		0.381830050505118944950369775488975, 0.417959183673469387755102040816327,
	}
)

// GaussKronrod15 returns the 15-point Kronrod rule on [−1, 1] and its embedded
// 7-point Gauss rule (QUADPACK's qk15), the tables this package integrates with:
//
//	∫_{−1}^{1} f ≈ K = wk[7]·f(0) + Σ_{j<7} wk[j]·(f(−xk[j]) + f(xk[j]))
//	             ≈ G = wg[3]·f(0) + Σ_{i<3} wg[i]·(f(−xk[2i+1]) + f(xk[2i+1]))
//
// xk is decreasing with xk[7] = 0; the Gauss nodes are xk[1], xk[3], xk[5],
// xk[7]. K is exact for polynomials of degree ≤ 22, G for degree ≤ 13; |K − G|
// is the usual error estimate. The arrays are copies.
func GaussKronrod15() (xk, wk [8]float64, wg4 [4]float64) { return xgk, wgk, wg }

type pieceKind int

const (
	linear    pieceKind = iota // x = t on [a, b]
	rightTail                  // x = c + s·t/(1−t), t ∈ [0,1)
	leftTail                   // x = c − s·t/(1−t)
	expLeft                    // x = a + (b−a)·exp(−t/(1−t)): a is a finite end of the support
	expRight                   // x = b − (b−a)·exp(−t/(1−t)): b is a finite end
)

type piece struct {
	kind    pieceKind
	a, b, s float64 // for the tails a = b = c
}

// integrand is a function of x = base + off, passed in two parts so that a
// point just inside a finite end b of a support (x = b − e with e below b's
// rounding) keeps its distance to the end; see logProbAt.
type integrand func(base, off float64) float64

// value returns f(x(t))·|dx/dt| for the piece's map; 0 where the map has run
// out of floating-point range (a contribution below rounding) or where f is 0.
func (pc *piece) value(f integrand, t float64) float64 {
	var base, off, jac float64
	switch pc.kind {
	case linear:
		return f(t, 0)
	case rightTail, leftTail:
		om := 1 - t
		v := t / om
		jac = pc.s / (om * om)
		base, off = pc.a, pc.s*v
		if pc.kind == leftTail {
			off = -off
		}
		if math.IsInf(base+off, 0) || math.IsInf(jac, 0) {
			return 0
		}
	case expLeft, expRight:
		om := 1 - t
		w := pc.b - pc.a
		e := w * math.Exp(-t/om)
		jac = e / (om * om)
		if e == 0 || jac == 0 || math.IsInf(jac, 0) || e >= w {
			return 0
		}
		if pc.kind == expLeft {
			base, off = pc.a, e
		} else {
			base, off = pc.b, -e
		}
	}
	y := f(base, off)
	if y == 0 {
		return 0
	}
	return y * jac
}

// offsetLogProb is implemented by distributions that can evaluate log p(b+off)
// more precisely than LogProb(b+off) near a finite end b of their support
// (a Beta near 1, where 1 − e rounds to 1 for e < 1.1e-16 although a Beta
// with β < 1 has noticeable mass there).
type offsetLogProb interface {
	logProbOff(base, off float64) float64
}

// logProbAt returns log p(base + off).
func logProbAt(d Dist, base, off float64) float64 {
	if off == 0 {
		return d.LogProb(base)
	}
	if o, ok := d.(offsetLogProb); ok {
		return o.logProbOff(base, off)
	}
	return d.LogProb(base + off)
}
func (pc *piece) domain() (lo, hi float64) {
	if pc.kind == linear {
		return pc.a, pc.b
	}
	return 0, 1
}

// gk15 applies the Gauss–Kronrod 15/7 pair to g on [a, b]. It returns the
// Kronrod value, the error estimate, ∫|g| (for the round-off floor) and
// whether g was ±Inf or NaN at a node.
func gk15(g func(float64) float64, a, b float64) (val, errEst, absVal float64, bad bool) {
	c, h := 0.5*(a+b), 0.5*(b-a)
	var fv1, fv2 [7]float64
	fc := g(c)
	resg := fc * wg[3]
	resk := fc * wgk[7]
	resabs := math.Abs(resk)
	for j := 0; j < 7; j++ {
		dx := h * xgk[j]
		f1, f2 := g(c-dx), g(c+dx)
		fv1[j], fv2[j] = f1, f2
		resk += wgk[j] * (f1 + f2)
		resabs += wgk[j] * (math.Abs(f1) + math.Abs(f2))
		if j%2 == 1 {
			resg += wg[j/2] * (f1 + f2)
		}
	}
	if math.IsInf(resk, 0) || math.IsNaN(resk) || math.IsInf(resabs, 0) {
		return resk, 0, 0, true
	}
	reskh := resk * 0.5
	resasc := wgk[7] * math.Abs(fc-reskh)
	for j := 0; j < 7; j++ {
		resasc += wgk[j] * (math.Abs(fv1[j]-reskh) + math.Abs(fv2[j]-reskh))
	}
	ah := math.Abs(h)
	val, resabs, resasc = resk*h, resabs*ah, resasc*ah
	errEst = math.Abs((resk - resg) * h)
	if resasc != 0 && errEst != 0 {
		errEst = resasc * math.Min(1, math.Pow(200*errEst/resasc, 1.5))
	}
	const eps = 2.220446049250313e-16
	if resabs > math.SmallestNonzeroFloat64/(50*eps) {
		errEst = math.Max(50*eps*resabs, errEst)
	}
	return val, errEst, resabs, false
}

type segment struct {
	a, b, val, err, abs float64
	piece               int
}

type segHeap []segment

func (h segHeap) Len() int           { return len(h) }
func (h segHeap) Less(i, j int) bool { return h[i].err > h[j].err }
func (h segHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *segHeap) Push(x any)        { *h = append(*h, x.(segment)) }
func (h *segHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// quadResult is the outcome of an integration.
type quadResult struct {
	value, err float64
	inf        bool // the integrand was +Inf at a node: the integral is +Inf
	nan        bool // it was NaN or −Inf at a node
}

// integrate returns ∫ f over p's support, placing breakpoints at the
// landmarks of p and of others.
func integrate(p Dist, others []Dist, f integrand) quadResult {
	pieces := buildPieces(p, others)
	h := make(segHeap, 0, 64)
	var done []segment
	eval := func(pi int, a, b float64) (segment, quadResult, bool) {
		pc := &pieces[pi]
		v, e, abs, bad := gk15(func(t float64) float64 { return pc.value(f, t) }, a, b)
		if bad {
			if math.IsInf(v, 1) {
				return segment{}, quadResult{value: v, inf: true}, false
			}
			return segment{}, quadResult{value: math.NaN(), nan: true}, false
		}
		return segment{a: a, b: b, val: v, err: e, abs: abs, piece: pi}, quadResult{}, true
	}
	for i := range pieces {
		lo, hi := pieces[i].domain()
		mid := lo + (hi-lo)/2
		for _, ab := range [2][2]float64{{lo, mid}, {mid, hi}} {
			s, r, ok := eval(i, ab[0], ab[1])
			if !ok {
				return r
			}
			h = append(h, s)
		}
	}
	heap.Init(&h)
	total := func() (v, e, abs float64) {
		var va, ea, aa fsum.Acc
		for _, s := range h {
			va.Add(s.val)
			ea.Add(s.err)
			aa.Add(s.abs)
		}
		for _, s := range done {
			va.Add(s.val)
			ea.Add(s.err)
			aa.Add(s.abs)
		}
		return va.Value(), ea.Value(), aa.Value()
	}
	for {
		v, e, abs := total()
		tol := math.Max(quadAbsTol, quadRelTol*math.Abs(v))
		tol = math.Max(tol, 50*2.220446049250313e-16*abs)
		if e <= tol || len(h) == 0 || len(h)+len(done) >= quadMaxSegs {
			return quadResult{value: v, err: e}
		}
		s := heap.Pop(&h).(segment)
		mid := s.a + (s.b-s.a)/2
		if !(mid > s.a && mid < s.b) {
			done = append(done, s) // too narrow to split further
			continue
		}
		left, r, ok := eval(s.piece, s.a, mid)
		if !ok {
			return r
		}
		right, r, ok := eval(s.piece, mid, s.b)
		if !ok {
			return r
		}
		heap.Push(&h, left)
		heap.Push(&h, right)
	}
}

// buildPieces cuts p's support at the landmarks of p and others.
func buildPieces(p Dist, others []Dist) []piece {
	lo, hi := p.Support()
	pts := p.landmarks(make([]float64, 0, 32))
	// A ladder c ± s·2ᵏ around the centre of each part of p, so that no piece
	// next to a narrow peak is so wide that all its nodes miss the peak's flank.
	for _, c := range parts(p) {
		m, s := c.Mean(), c.scale()
		if math.IsInf(m, 0) || math.IsNaN(m) || !(s > 0) || math.IsInf(s, 0) {
			continue
		}
		for k := 1; k <= 64; k *= 2 {
			pts = append(pts, m-float64(k)*s, m+float64(k)*s)
		}
	}
	for _, q := range others {
		pts = q.landmarks(pts)
		a, b := q.Support()
		pts = append(pts, a, b)
	}
	interior := pts[:0]
	for _, x := range pts {
		if x > lo && x < hi {
			interior = append(interior, x)
		}
	}
	interior = sortedUnique(interior)
	if len(interior) == 0 {
		switch {
		case !math.IsInf(lo, 0) && !math.IsInf(hi, 0):
			interior = append(interior, lo+(hi-lo)/2)
		case !math.IsInf(lo, 0):
			interior = append(interior, lo+1)
		case !math.IsInf(hi, 0):
			interior = append(interior, hi-1)
		default:
			interior = append(interior, 0)
		}
	}
	nodes := make([]float64, 0, len(interior)+2)
	nodes = append(nodes, lo)
	nodes = append(nodes, interior...)
	nodes = append(nodes, hi)
	s := p.scale()
	if !(s > 0) || math.IsInf(s, 0) {
		s = 1
	}
	var out []piece
	for i := 0; i+1 < len(nodes); i++ {
		a, b := nodes[i], nodes[i+1]
		switch {
		case math.IsInf(a, -1):
			out = append(out, piece{kind: leftTail, a: b, b: b, s: s})
		case math.IsInf(b, 1):
			out = append(out, piece{kind: rightTail, a: a, b: a, s: s})
		case i == 0:
			out = append(out, piece{kind: expLeft, a: a, b: b})
		case i+2 == len(nodes):
			out = append(out, piece{kind: expRight, a: a, b: b})
		default:
			out = append(out, piece{kind: linear, a: a, b: b})
		}
	}
	return out
}

// parts returns the components of a mixture with positive weight, or d.
func parts(d Dist) []Dist {
	m, ok := d.(*Mixture)
	if !ok {
		return []Dist{d}
	}
	var out []Dist
	for i, c := range m.Components {
		if m.Weights[i] > 0 {
			out = append(out, c)
		}
	}
	return out
}
