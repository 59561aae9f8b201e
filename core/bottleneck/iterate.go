package bottleneck

import (
	"math"

	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/fastlog"
)

// problem is a validated joint with what the iteration needs.
type problem struct {
	nx, ny int
	px, py []float64
	suppY  [][]int     // the y with p(x,y) > 0, for each x
	suppJ  [][]float64 // p(x, y) at those y
	suppC  [][]float64 // p(y|x) at those y
	negH   []float64   // Σ_y p(y|x) log p(y|x) = −H(Y | X = x)
	hx     float64     // H(X), nats
	ixy    float64     // I(X; Y), nats
	phiY   float64     // Σ_y p(y) log p(y)
}

// newProblem validates joint and derives what the iteration needs.
func newProblem(joint [][]float64) (*problem, error) {
	ixy, err := divergence.MutualInformation(joint, divergence.Options{Base: math.E})
	if err != nil {
		return nil, err
	}
	p := &problem{nx: len(joint), ny: len(joint[0]), ixy: ixy}
	p.px = make([]float64, p.nx)
	p.py = make([]float64, p.ny)
	p.suppY = make([][]int, p.nx)
	p.suppJ = make([][]float64, p.nx)
	p.suppC = make([][]float64, p.nx)
	p.negH = make([]float64, p.nx)
	for x, row := range joint {
		s := 0.0
		for y, v := range row {
			s += v
			p.py[y] += v
		}
		p.px[x] = s
		for y, v := range row {
			if v > 0 {
				c := v / s
				p.suppY[x] = append(p.suppY[x], y)
				p.suppJ[x] = append(p.suppJ[x], v)
				p.suppC[x] = append(p.suppC[x], c)
				p.negH[x] += c * ln(c)
			}
		}
	}
	for _, v := range p.py {
		p.phiY += phi(v)
	}
	p.hx, err = divergence.Entropy(p.px, divergence.Options{Base: math.E, Normalize: true})
	return p, err
}

// work holds the marginals of the current encoder, their logarithms, and
// the scratch space of the iteration, for an nx × nt encoder.
type work struct {
	pt, logPt   []float64   // p(t)
	pty, logPty [][]float64 // p(t, y)
	logits      []float64
	q1, q2, qs  [][]float64 // two updates and their extrapolation
	lq          [][]float64 // log p(t|x) of the encoder being iterated
	l1, l2, ls  [][]float64 // and of q1, q2, qs
}

func (p *problem) newWork(nt int) *work {
	mat := func(n, m int) [][]float64 {
		a := make([][]float64, n)
		for i := range a {
			a[i] = make([]float64, m)
		}
		return a
	}
	return &work{
		pt: make([]float64, nt), logPt: make([]float64, nt), pty: mat(nt, p.ny), logPty: mat(nt, p.ny),
		logits: make([]float64, nt),
		q1:     mat(p.nx, nt), q2: mat(p.nx, nt), qs: mat(p.nx, nt),
		lq: mat(p.nx, nt), l1: mat(p.nx, nt), l2: mat(p.nx, nt), ls: mat(p.nx, nt),
	}
}

// Extrapolation in run: not before squaremAfter updates (a run that
// converges in a few needs none), with a step length |α| of at most maxStep.
const (
	squaremAfter = 4
	maxStep      = 64
)

// run iterates the bottleneck equations from q (modified in place) until an
// update moves no entry of p(t|x) by more than tol or maxIter updates were
// made, and leaves the marginals of the final q in w. After the first
// squaremAfter updates, each pair of updates
// q → q1 → q2 is extrapolated in the logarithms of p(t|x) (SQUAREM, Varadhan
// and Roland 2008: log q − 2α r + α² v with r = log q1 − log q, v = log q2 −
// 2 log q1 + log q, α = −‖r‖/‖v‖), which turns the slow linear convergence
// near a critical β into a few steps. The extrapolation, updated once more,
// replaces q2 only if its L_β is no higher, so that L_β never rises: every
// update lowers it (it is an alternating minimisation).
func (p *problem) run(q [][]float64, beta, tol float64, maxIter int, w *work) (int, bool) {
	p.marginals(q, w)
	for it := 0; it < maxIter; {
		copyInto(w.q1, q)
		change := p.update(w.q1, w.l1, beta, w)
		p.marginals(w.q1, w)
		it++
		if change <= tol || it == maxIter {
			copyInto(q, w.q1)
			return it, change <= tol
		}
		copyInto(w.q2, w.q1)
		change = p.update(w.q2, w.l2, beta, w)
		p.marginals(w.q2, w)
		it++
		if change <= tol || it == maxIter {
			copyInto(q, w.q2)
			return it, change <= tol
		}
		if it > squaremAfter && extrapolate(w.qs, w.ls, w.lq, w.l1, w.l2) {
			l2 := p.lagrangian(w.q2, w.l2, beta, w)
			p.marginals(w.qs, w)
			p.update(w.qs, w.ls, beta, w)
			p.marginals(w.qs, w)
			it++
			if p.lagrangian(w.qs, w.ls, beta, w) <= l2 {
				copyInto(q, w.qs)
				copyInto(w.lq, w.ls)
				continue
			}
			p.marginals(w.q2, w)
		}
		copyInto(q, w.q2)
		copyInto(w.lq, w.l2)
	}
	return maxIter, false
}

// extrapolate sets qs and its logarithms ls to the SQUAREM extrapolation
// from the logarithms l0 → l1 → l2 (see run) and reports whether it differs
// from q2 (α < −1). An entry that is 0 in any of the three takes q2's value.
func extrapolate(qs, ls, l0, l1, l2 [][]float64) bool {
	rr, vv := 0.0, 0.0
	for x, row := range l0 {
		for t, a := range row {
			b, c := l1[x][t], l2[x][t]
			if !math.IsInf(a+b+c, -1) {
				r, v := b-a, c-2*b+a
				rr += r * r
				vv += v * v
			}
		}
	}
	if vv == 0 || rr <= vv {
		return false
	}
	alpha := -min(math.Sqrt(rr/vv), maxStep)
	for x, row := range l0 {
		m := math.Inf(-1)
		out := ls[x]
		for t, a := range row {
			b, c := l1[x][t], l2[x][t]
			out[t] = c
			if !math.IsInf(a+b+c, -1) {
				out[t] = a - 2*alpha*(b-a) + alpha*alpha*(c-2*b+a)
			}
			m = max(m, out[t])
		}
		s := 0.0
		for t, l := range out {
			e := math.Exp(l - m)
			qs[x][t] = e
			s += e
		}
		lse := m + ln(s)
		for t := range out {
			qs[x][t] /= s
			out[t] -= lse
		}
	}
	return true
}

func copyInto(dst, src [][]float64) {
	for x := range src {
		copy(dst[x], src[x])
	}
}

// lagrangian returns L_β (nats) of q, with logarithms lq and marginals in w:
// by the decomposition in search.go, Σ_x p(x) Σ_t p(t|x) log p(t|x) +
// (β − 1) Σ_t φ(p(t)) − β Σ_{t,y} φ(p(t,y)) + β Σ_y φ(p(y)).
func (p *problem) lagrangian(q, lq [][]float64, beta float64, w *work) float64 {
	rows := 0.0
	for x, row := range q {
		for t, v := range row {
			if v > 0 {
				rows += p.px[x] * v * lq[x][t]
			}
		}
	}
	ts, tys := 0.0, 0.0
	for t, pt := range w.pt {
		if pt == 0 {
			continue
		}
		ts += pt * w.logPt[t]
		for y, v := range w.pty[t] {
			if v > 0 {
				tys += v * w.logPty[t][y]
			}
		}
	}
	return rows + (beta-1)*ts - beta*tys + beta*p.phiY
}

// update sets every row of q to p(t) exp(−β KL(p(y|x) ‖ p(y|t))), normalised,
// from the marginals in w, and lq to its logarithms; it returns the largest
// change of an entry. Up to a constant of the row, which the normalisation
// removes, the exponent is
//
//	(1 − β) log p(t) + β Σ_y p(y|x) log p(t, y),
//
// −∞ where p(t) = 0 or p(t, y) = 0 < p(y|x).
func (p *problem) update(q, lq [][]float64, beta float64, w *work) float64 {
	change := 0.0
	for x, row := range q {
		if p.px[x] == 0 {
			for t, pt := range w.pt {
				change = max(change, math.Abs(pt-row[t]))
				row[t], lq[x][t] = pt, w.logPt[t]
			}
			continue
		}
		ys, cs := p.suppY[x], p.suppC[x]
		lx := lq[x]
		best := math.Inf(-1)
		for t := range row {
			l := w.logPt[t]
			if beta > 0 && w.pt[t] > 0 {
				lp := w.logPty[t]
				s := 0.0
				for k, y := range ys {
					s += cs[k] * lp[y]
				}
				l = (1-beta)*l + beta*s
			}
			lx[t] = l
			best = max(best, l)
		}
		if math.IsInf(best, -1) {
			// Cannot happen for a row in use; keep it as it is.
			for t, v := range row {
				lx[t] = ln(v)
			}
			continue
		}
		s := 0.0
		for t, l := range lx {
			e := math.Exp(l - best)
			w.logits[t] = e
			s += e
		}
		lse := best + ln(s)
		for t, e := range w.logits {
			v := e / s
			if d := math.Abs(v - row[t]); d > change {
				change = d
			}
			row[t] = v
			lx[t] -= lse
		}
	}
	return change
}

// kl returns KL(p(y|x) ‖ p(y|t)) in nats from the marginals in w, +Inf
// where p(y|t) = 0 < p(y|x); t must have p(t) > 0.
func (p *problem) kl(x, t int, w *work) float64 {
	s := p.negH[x] + w.logPt[t]
	for k, y := range p.suppY[x] {
		s -= p.suppC[x][k] * w.logPty[t][y]
	}
	return max(s, 0)
}

// marginals sets p(t) and p(t, y) = Σ_x p(x, y) p(t|x) in w from the
// encoder q, and their logarithms (−∞ for 0; log p(t, y) only where
// p(t) > 0).
func (p *problem) marginals(q [][]float64, w *work) {
	for t := range w.pt {
		w.pt[t] = 0
		clear(w.pty[t])
	}
	for x, row := range q {
		px, ys, js := p.px[x], p.suppY[x], p.suppJ[x]
		if px == 0 {
			continue
		}
		for t, v := range row {
			if v == 0 {
				continue
			}
			w.pt[t] += px * v
			pty := w.pty[t]
			for k, y := range ys {
				pty[y] += js[k] * v
			}
		}
	}
	for t, pt := range w.pt {
		w.logPt[t] = ln(pt)
		if pt > 0 {
			lp := w.logPty[t]
			for y, v := range w.pty[t] {
				if v >= fastlog.MinNormal && v <= math.MaxFloat64 {
					lp[y] = fastlog.Split(v).Log() // inlined: the hot loop
				} else {
					lp[y] = fastlog.Log(v)
				}
			}
		}
	}
}

// decoders returns p(y|t) = p(t, y)/p(t) of the marginals in w (a row of
// zeros where p(t) = 0).
func (p *problem) decoders(w *work) [][]float64 {
	d := make([][]float64, len(w.pt))
	for t, pt := range w.pt {
		d[t] = make([]float64, p.ny)
		if pt > 0 {
			for y, v := range w.pty[t] {
				d[t][y] = v / pt
			}
		}
	}
	return d
}

// informations returns I(X; T) and I(T; Y) in nats of the encoder q whose
// marginals are in w.
func (p *problem) informations(q [][]float64, w *work) (float64, float64) {
	ixt := 0.0
	for x, row := range q {
		if p.px[x] == 0 {
			continue
		}
		for t, v := range row {
			if v > 0 {
				ixt += p.px[x] * v * ln(v/w.pt[t])
			}
		}
	}
	ity := 0.0
	for t, pt := range w.pt {
		for y, v := range w.pty[t] {
			if v > 0 {
				ity += v * ln(v/pt/p.py[y])
			}
		}
	}
	return math.Max(ixt, 0), math.Max(ity, 0)
}

// result reports the encoder q in the unit of o.Base.
func (p *problem) result(q [][]float64, o Options) (Result, error) {
	nt := o.Clusters
	w := p.newWork(nt)
	p.marginals(q, w)
	xt := make([][]float64, p.nx) // p(x, t)
	for x := range xt {
		xt[x] = make([]float64, nt)
		for t, v := range q[x] {
			xt[x][t] = p.px[x] * v
		}
	}
	mo := divergence.Options{Base: o.Base, Normalize: true}
	ixt, err := divergence.MutualInformation(xt, mo)
	if err != nil {
		return Result{}, err
	}
	ity, err := divergence.MutualInformation(w.pty, mo)
	if err != nil {
		return Result{}, err
	}
	return Result{Encoder: q, PT: w.pt, Decoder: p.decoders(w), IXT: ixt, ITY: ity}, nil
}

// ln is the natural logarithm of fastlog, faster than math.Log in
// WebAssembly and as accurate.
func ln(x float64) float64 {
	if x >= fastlog.MinNormal && x <= math.MaxFloat64 {
		return fastlog.Split(x).Log()
	}
	return fastlog.Log(x)
}
