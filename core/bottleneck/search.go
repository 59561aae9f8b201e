package bottleneck

import (
	"math"
	"math/rand/v2"

	"github.com/klplayground/klplay/core/fastlog"
)

// starts returns the o.Starts encoders Solve starts from, drawn with o.Seed:
// alternately rows proportional to independent Exp(1) draws (uniform on the
// simplex; the first is the one start of earlier versions) and rows
// proportional to their fourth powers (near the vertices: nearly hard
// partitions of X, in basins the soft starts tend to miss, such as a
// branch that coexists with the trivial solution).
func (p *problem) starts(o Options) [][][]float64 {
	r := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	s := make([][][]float64, o.Starts)
	for i := range s {
		s[i] = randomEncoder(p.nx, o.Clusters, r, 1+3*float64(i%2))
	}
	return s
}

// randomEncoder draws rows proportional to E^a for independent E ~ Exp(1).
func randomEncoder(nx, nt int, r *rand.Rand, a float64) [][]float64 {
	q := make([][]float64, nx)
	for x := range q {
		q[x] = make([]float64, nt)
		s := 0.0
		for t := range q[x] {
			v := r.ExpFloat64() + 1e-12
			if a != 1 {
				v = math.Pow(v, a)
			}
			q[x][t] = v
			s += v
		}
		for t := range q[x] {
			q[x][t] /= s
		}
	}
	return q
}

func copyEncoder(q [][]float64) [][]float64 {
	c := make([][]float64, len(q))
	for x := range q {
		c[x] = append([]float64(nil), q[x]...)
	}
	return c
}

// nudge returns q with every entry multiplied by 1 + 0.01·u, u uniform on
// [−1, 1), and the rows renormalised; entries that are 0 get a floor of
// 1e-12 first so that an emptied cluster can be re-entered.
func nudge(q [][]float64, r *rand.Rand) [][]float64 {
	c := copyEncoder(q)
	for _, row := range c {
		s := 0.0
		for t := range row {
			row[t] = (row[t] + 1e-12) * (1 + 0.01*(2*r.Float64()-1))
			s += row[t]
		}
		for t := range row {
			row[t] /= s
		}
	}
	return c
}

// fit is an encoder with its informations (nats) and its Lagrangian at the
// β it was found for.
type fit struct {
	q         [][]float64
	ixt, ity  float64
	l         float64
	iters     int
	converged bool
}

// fitOf evaluates the encoder q.
func (p *problem) fitOf(q [][]float64, beta float64, w *work) *fit {
	p.marginals(q, w)
	ixt, ity := p.informations(q, w)
	return &fit{q: q, ixt: ixt, ity: ity, l: ixt - beta*ity}
}

// descend iterates from q (modified in place) at beta, then, while that
// lowers L_β, moves rows between clusters (moves) or, if revive is set,
// revives a wasted cluster (split), and iterates again; maxIter caps the
// updates of all its iterations together.
func (p *problem) descend(q [][]float64, beta, tol float64, maxIter int, revive bool, w *work) *fit {
	it, conv := p.run(q, beta, tol, maxIter, w)
	f := p.fitOf(q, beta, w)
	f.iters, f.converged = it, conv
	if beta <= 1 {
		// L_β ≥ (1 − β) I(X;T) ≥ 0 = L_β(any encoder with I(X;T) = 0): no
		// move can beat what the iteration reaches.
		return f
	}
	eps := 1e-10 * (1 + p.hx + beta*p.ixy)
	for f.iters < maxIter {
		c := p.moves(f.q, beta, eps)
		if c == nil && revive {
			c = p.split(f.q, beta, w)
		}
		if c == nil {
			break
		}
		it, conv := p.run(c, beta, tol, maxIter-f.iters, w)
		g := p.fitOf(c, beta, w)
		f.iters += it
		if g.l >= f.l-eps {
			break
		}
		g.iters, g.converged = f.iters, conv
		f = g
	}
	return f
}

// The Lagrangian as a sum over rows and clusters. With φ(u) = u log u,
//
//	I(X;T) = Σ_x p(x) Σ_t φ(p(t|x)) − Σ_t φ(p(t)),
//	I(T;Y) = Σ_t Σ_y φ(p(t,y)) − Σ_t φ(p(t)) − Σ_y φ(p(y)),
//
// so L_β = Σ_x p(x) Σ_t φ(p(t|x)) + Σ_t C_t + β Σ_y φ(p(y)) with the
// cluster cost C_t = (β − 1) φ(p(t)) − β Σ_y φ(p(t,y)). Moving one row
// changes only its own term and the costs of the clusters it leaves and
// joins, which makes every single-row move cheap to evaluate exactly.

func phi(u float64) float64 {
	switch {
	case u >= fastlog.MinNormal && u <= math.MaxFloat64:
		return u * fastlog.Split(u).Log()
	case u <= 0:
		return 0
	}
	return u * fastlog.Log(u)
}

// moves returns a copy of q in which, row by row, each x was moved whole
// into the one cluster (an empty one included) that lowers L_β the most,
// when some cluster lowers it by more than eps; nil when no row moved. This
// is the sequential step of sequential IB (Slonim, Friedman and Tishby
// 2002): the iteration cannot take it, since at large β a row's p(t|x) is
// pinned to its cluster, and moving a row into an empty cluster is how an
// emptied cluster comes back. Only p(t) and the p(t, y) with p(x, y) > 0
// change, so each move is priced from those terms alone.
func (p *problem) moves(q [][]float64, beta, eps float64) [][]float64 {
	nt := len(q[0])
	c := copyEncoder(q)
	g := ledger{beta: beta, pt: make([]float64, nt), phiPt: make([]float64, nt), pty: make([][]float64, nt), phiPty: make([][]float64, nt)}
	for t := range g.pty {
		g.pty[t] = make([]float64, p.ny)
		g.phiPty[t] = make([]float64, p.ny)
	}
	for x, row := range c {
		for t, v := range row {
			g.pt[t] += p.px[x] * v
			for k, y := range p.suppY[x] {
				g.pty[t][y] += p.suppJ[x][k] * v
			}
		}
	}
	for t := range g.pt {
		g.phiPt[t] = phi(g.pt[t])
		for y, v := range g.pty[t] {
			g.phiPty[t][y] = phi(v)
		}
	}
	rem := make([]float64, nt)
	moved := false
	for x, row := range c {
		px, ys, js := p.px[x], p.suppY[x], p.suppJ[x]
		if px == 0 {
			continue
		}
		out := 0.0 // the change of L_β from taking row x out
		for t, v := range row {
			rem[t] = 0
			if v > 0 {
				rem[t] = g.change(t, ys, js, px, v, 0)
				out += rem[t] - px*phi(v)
			}
		}
		best, bestD := -1, -eps
		for b, v := range row {
			if d := out - rem[b] + g.change(b, ys, js, px, v, 1); d < bestD {
				best, bestD = b, d
			}
		}
		if best < 0 {
			continue
		}
		moved = true
		for t, v := range row {
			a := 0.0
			if t == best {
				a = 1
			}
			if v != a {
				g.set(t, ys, js, px, v, a)
				row[t] = a
			}
		}
	}
	if !moved {
		return nil
	}
	return c
}

// ledger holds p(t), p(t, y) and their φ for moves.
type ledger struct {
	beta        float64
	pt, phiPt   []float64
	pty, phiPty [][]float64
}

// change returns the change of (β − 1) φ(p(t)) − β Σ_y φ(p(t, y)) when a
// row of mass px and joint entries js at ys gives up its share v of cluster
// t and takes a share a instead.
func (g *ledger) change(t int, ys []int, js []float64, px, v, a float64) float64 {
	s := 0.0
	for k, y := range ys {
		s += phi(max(g.pty[t][y]+js[k]*(a-v), 0)) - g.phiPty[t][y]
	}
	return (g.beta-1)*(phi(max(g.pt[t]+px*(a-v), 0))-g.phiPt[t]) - g.beta*s
}

// set applies that change.
func (g *ledger) set(t int, ys []int, js []float64, px, v, a float64) {
	g.pt[t] = max(g.pt[t]+px*(a-v), 0)
	g.phiPt[t] = phi(g.pt[t])
	for k, y := range ys {
		g.pty[t][y] = max(g.pty[t][y]+js[k]*(a-v), 0)
		g.phiPty[t][y] = phi(g.pty[t][y])
	}
}

// emptyShare is the largest p(t|x) of a cluster that split counts as empty.
const emptyShare = 1e-9

// split returns a copy of q in which a freed cluster e takes over a row of
// the most heterogeneous cluster s, the one with the largest distortion
// D_s = Σ_x p(x) p(s|x) KL(p(y|x) ‖ p(y|s)): the row x that adds the most to
// D_s moves its share of s to e. The freed cluster is an empty one if there
// is one, else the one of the two clusters whose merger raises L_β the
// least (by mergeCost; two clusters with one decoder merge at no cost, or a
// gain). This is the split-and-merge move of Ueda et al. (2000) for
// mixtures; it reaches partitions that single-row moves cannot (two rows
// trading places) and revives a cluster that died. It returns nil when
// |T| = 1 or every cluster's rows agree. It overwrites w.
func (p *problem) split(q [][]float64, beta float64, w *work) [][]float64 {
	nt := len(q[0])
	if nt < 2 {
		return nil
	}
	c := copyEncoder(q)
	e := -1
	for t := 0; t < nt && e < 0; t++ {
		m := 0.0
		for x := range c {
			m = max(m, c[x][t])
		}
		if m <= emptyShare {
			e = t
		}
	}
	if e < 0 {
		p.marginals(c, w)
		a, best := -1, math.Inf(1)
		for t := range nt {
			for u := t + 1; u < nt; u++ {
				if d := p.mergeCost(c, t, u, beta, w); d < best {
					a, e, best = t, u, d
				}
			}
		}
		for x := range c {
			c[x][a] += c[x][e]
			c[x][e] = 0
		}
	}
	p.marginals(c, w)
	s, xs, worst := -1, -1, 0.0
	for t := range w.pt {
		d, xt, xw := 0.0, -1, 0.0
		for x := range c {
			if c[x][t] == 0 || p.px[x] == 0 {
				continue
			}
			v := p.px[x] * c[x][t] * p.kl(x, t, w)
			if math.IsInf(v, 0) || math.IsNaN(v) {
				continue
			}
			d += v
			if v > xw {
				xt, xw = x, v
			}
		}
		if d > worst {
			s, xs, worst = t, xt, d
		}
	}
	if s < 0 || worst <= 1e-12 {
		return nil
	}
	c[xs][e] += c[xs][s]
	c[xs][s] = 0
	return c
}

// mergeCost returns the change of L_β when clusters a and b of q, whose
// marginals are in w, become one: by the decomposition above,
//
//	Σ_x p(x) [φ(q_a + q_b) − φ(q_a) − φ(q_b)] + (β − 1) [φ(p_a + p_b) − φ(p_a) − φ(p_b)]
//	− β Σ_y [φ(p_ay + p_by) − φ(p_ay) − φ(p_by)]
//
// with q_t = p(t|x), p_t = p(t), p_ty = p(t, y).
func (p *problem) mergeCost(q [][]float64, a, b int, beta float64, w *work) float64 {
	d := func(u, v float64) float64 { return phi(u+v) - phi(u) - phi(v) }
	rows := 0.0
	for x, row := range q {
		rows += p.px[x] * d(row[a], row[b])
	}
	ty := 0.0
	for y, v := range w.pty[a] {
		ty += d(v, w.pty[b][y])
	}
	return rows + (beta-1)*d(w.pt[a], w.pt[b]) - beta*ty
}
