package bottleneck

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/klplayground/klplay/core/divergence"
)

// Reference values (mpmath, 30 digits, from the definitions).
const (
	log3 = 1.09861228866810969139524523692
	// groups4: rows 0, 1 have p(y|x) = (.7, .2, .1), rows 2, 3 have
	// (.1, .3, .6), p(x) = (.1, .3, .25, .35): I(X;Y) and the entropy
	// h(0.4) of the two groups' masses.
	ixyGroups4 = 0.224055870156033853494434727429
	hGroups4   = 0.673011667009256435996719342489
	// bsc: p(x) = (½, ½) through a binary symmetric channel with crossover
	// 0.2: I(X;Y) = log 2 − h(0.2), and the critical β 1/(1 − 2·0.2)² of
	// the first split (Wu, Fischer, Chuang and Tegmark 2019).
	ixyBSC   = 0.192744757021757429884044182565
	betaCBSC = 2.77777777777777777777777777778
)

var (
	diag3   = [][]float64{{1.0 / 3, 0, 0}, {0, 1.0 / 3, 0}, {0, 0, 1.0 / 3}}
	groups4 = [][]float64{{0.07, 0.02, 0.01}, {0.21, 0.06, 0.03}, {0.025, 0.075, 0.15}, {0.035, 0.105, 0.21}}
	bsc     = [][]float64{{0.4, 0.1}, {0.1, 0.4}}
)

// informations computes I(X;T) and I(T;Y) (nats) of the encoder q for joint
// from their definitions, independently of the package's iteration.
func informations(joint, q [][]float64) (float64, float64) {
	nt := len(q[0])
	xt := make([][]float64, len(joint))
	ty := make([][]float64, nt)
	for t := range ty {
		ty[t] = make([]float64, len(joint[0]))
	}
	for x, row := range joint {
		px := 0.0
		for _, v := range row {
			px += v
		}
		xt[x] = make([]float64, nt)
		for t, w := range q[x] {
			xt[x][t] = px * w
			for y, v := range row {
				ty[t][y] += v * w
			}
		}
	}
	o := divergence.Options{Base: math.E, Normalize: true}
	ixt, err := divergence.MutualInformation(xt, o)
	if err != nil {
		panic(err)
	}
	ity, err := divergence.MutualInformation(ty, o)
	if err != nil {
		panic(err)
	}
	return ixt, ity
}

// plainIB is the textbook iteration (Tishby, Pereira and Bialek 1999),
// written again here as an independent reference: from q, p(t|x) ∝ p(t)
// exp(−β KL(p(y|x) ‖ p(y|t))) until no entry moves by more than 1e-11 or
// after 20000 updates. It returns L_β = I(X;T) − β I(T;Y) (nats).
func plainIB(joint, q [][]float64, beta float64) float64 {
	nx, ny, nt := len(joint), len(joint[0]), len(q[0])
	px := rowSums(joint)
	for range 20000 {
		pt := make([]float64, nt)
		pty := make([][]float64, nt)
		for t := range pty {
			pty[t] = make([]float64, ny)
		}
		for x := range nx {
			for t := range nt {
				pt[t] += px[x] * q[x][t]
				for y := range ny {
					pty[t][y] += joint[x][y] * q[x][t]
				}
			}
		}
		change := 0.0
		for x := range nx {
			if px[x] == 0 {
				continue
			}
			logits := make([]float64, nt)
			m := math.Inf(-1)
			for t := range nt {
				logits[t] = math.Inf(-1)
				if pt[t] == 0 {
					continue
				}
				kl := 0.0
				for y := range ny {
					if v := joint[x][y] / px[x]; v > 0 {
						kl += v * math.Log(v/(pty[t][y]/pt[t]))
					}
				}
				logits[t] = math.Log(pt[t]) - beta*kl
				m = math.Max(m, logits[t])
			}
			s := 0.0
			for t := range nt {
				logits[t] = math.Exp(logits[t] - m)
				s += logits[t]
			}
			for t := range nt {
				change = math.Max(change, math.Abs(logits[t]/s-q[x][t]))
				q[x][t] = logits[t] / s
			}
		}
		if change <= 1e-11 {
			break
		}
	}
	ixt, ity := informations(joint, q)
	return ixt - beta*ity
}

// lagrangianTol is how much two L_β (nats) may differ and still count as one
// optimum: optimumTol.
func lagrangianTol(joint [][]float64, beta float64) float64 {
	p, err := newProblem(joint)
	if err != nil {
		panic(err)
	}
	return p.optimumTol(beta)
}

// The 3 × 3 diagonal with uniform p(x) has Y = X, so I(T;Y) = I(X;T) and
// L_β = (1 − β) I(X;T): for β > 1 the optimum is a bijection, I(X;T) =
// I(T;Y) = log 3; for β < 1 it is I(X;T) = 0. Before, seed 2 lost a cluster
// at β ≈ 1.6 and stayed at h(1/3, 2/3) = 0.6365 up to β = 1000.
func TestDiagonalSweepEverySeed(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		c, err := Sweep(diag3, Betas(0.1, 1000, 81), Options{Base: math.E, Clusters: 3, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range c.Beta {
			switch {
			case math.Abs(b-1) < 1e-9: // L_1 = 0 for every encoder
			case b > 1 && (math.Abs(c.IXT[i]-log3) > 1e-9 || math.Abs(c.ITY[i]-log3) > 1e-9):
				t.Errorf("seed %d, β = %.4g: I(X;T) = %.10g, I(T;Y) = %.10g; want log 3", seed, b, c.IXT[i], c.ITY[i])
			case b < 1 && (c.IXT[i] > 1e-9 || c.ITY[i] > 1e-9):
				t.Errorf("seed %d, β = %.4g: I(X;T) = %.3g, I(T;Y) = %.3g; want 0", seed, b, c.IXT[i], c.ITY[i])
			}
		}
		r, err := Solve(diag3, Options{Base: math.E, Clusters: 3, Beta: 1.6, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(r.IXT-log3) > 1e-9 || r.StartDependent {
			t.Errorf("Solve, seed %d, β = 1.6: I(X;T) = %.10g, start dependent %v; want log 3, false", seed, r.IXT, r.StartDependent)
		}
	}
}

// Optima derived by hand: at large β the encoder keeps all of I(X;Y) when
// |T| is at least the number of distinct rows of p(y|x), and pays only the
// entropy of the groups of equal rows for it (rows with one p(y|x) get one
// p(t|x)); below β = 1 (and below the first critical β) it keeps nothing.
func TestHandDerivedOptima(t *testing.T) {
	for _, c := range []struct {
		name     string
		joint    [][]float64
		clusters int
		beta     float64
		ixt, ity float64
	}{
		{"diagonal, β = 1000", diag3, 3, 1000, log3, log3},
		{"diagonal, |T| = 6", diag3, 6, 1000, log3, log3},
		{"groups, |T| = 2", groups4, 2, 1000, hGroups4, ixyGroups4},
		{"groups, |T| = 4", groups4, 4, 1000, hGroups4, ixyGroups4},
		{"groups, |T| = 8", groups4, 8, 1000, hGroups4, ixyGroups4},
		{"BSC, β = 1000", bsc, 2, 1000, math.Ln2, ixyBSC},
		{"BSC, |T| = 5", bsc, 5, 1000, math.Ln2, ixyBSC},
		{"groups, β = 0", groups4, 4, 0, 0, 0},
		{"groups, β = 0.5", groups4, 4, 0.5, 0, 0},
		{"groups, β = 0.9", groups4, 4, 0.9, 0, 0},
		{"BSC, β = 0.9 βc", bsc, 2, 0.9 * betaCBSC, 0, 0},
		{"diagonal, β = 0.5", diag3, 3, 0.5, 0, 0},
	} {
		for seed := uint64(1); seed <= 5; seed++ {
			r, err := Solve(c.joint, Options{Base: math.E, Clusters: c.clusters, Beta: c.beta, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(r.IXT-c.ixt) > 1e-9 || math.Abs(r.ITY-c.ity) > 1e-9 {
				t.Errorf("%s, seed %d: I(X;T) = %.12g, I(T;Y) = %.12g; want %.12g, %.12g", c.name, seed, r.IXT, r.ITY, c.ixt, c.ity)
			}
		}
	}
	// Just above the critical β the trivial encoder is no longer optimal.
	r, err := Solve(bsc, Options{Base: math.E, Clusters: 2, Beta: 1.1 * betaCBSC, Seed: 1})
	if err != nil || r.IXT < 0.01 || r.ITY < 0.001 {
		t.Errorf("BSC, β = 1.1 βc: I(X;T) = %v, I(T;Y) = %v (%v); want > 0", r.IXT, r.ITY, err)
	}
}

// Solve is never worse than the best of many independent random starts of
// the textbook iteration.
func TestSolveBeatsRandomStarts(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	const starts = 20
	for k := 0; k < 24; k++ {
		nx, ny := 2+r.IntN(6), 2+r.IntN(6)
		if k%3 == 0 {
			nx, ny = 8, 8
		}
		j := randomJoint(r, nx, ny)
		nt := 2 + r.IntN(5)
		for _, beta := range []float64{2, 5, 20, 50, 300} {
			res, err := Solve(j, Options{Base: math.E, Clusters: nt, Beta: beta, Seed: uint64(k)})
			if err != nil {
				t.Fatal(err)
			}
			ixt, ity := informations(j, res.Encoder)
			got := ixt - beta*ity
			best := math.Inf(1)
			for range starts {
				best = math.Min(best, plainIB(j, randomEncoder(nx, nt, r, 1), beta))
			}
			if tol := lagrangianTol(j, beta); got > best+tol {
				t.Errorf("joint %d (%d×%d), |T| = %d, β = %v: L = %.9g, but a random start reaches %.9g", k, nx, ny, nt, beta, got, best)
			}
		}
	}
}

// No point of a sweep is dominated by an encoder the sweep found anywhere:
// at every β, the reported I(X;T) − β I(T;Y) is at most that of every
// encoder found at any β (each re-evaluated here from its p(t|x)).
func TestSweepPointsNotDominated(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for k := 0; k < 14; k++ {
		nx, ny := 2+r.IntN(6), 2+r.IntN(6)
		if k%4 == 0 {
			nx, ny = 8, 8
		}
		j := randomJoint(r, nx, ny)
		nt := 1 + r.IntN(7)
		c, found, err := sweep(j, Betas(0.1, 1000, 81), Options{Base: math.E, Clusters: nt, Seed: uint64(k)})
		if err != nil {
			t.Fatal(err)
		}
		type point struct{ ixt, ity float64 }
		pts := make([]point, len(found))
		for i, f := range found {
			pts[i].ixt, pts[i].ity = informations(j, f.q)
		}
		for i, b := range c.Beta {
			got := c.IXT[i] - b*c.ITY[i]
			tol := lagrangianTol(j, b)
			for n, q := range pts {
				if l := q.ixt - b*q.ity; l < got-tol {
					t.Fatalf("joint %d (%d×%d), |T| = %d, β = %.4g: the curve has L = %.9g, but encoder %d of %d found has %.9g", k, nx, ny, nt, b, got, n, len(pts), l)
				}
			}
		}
	}
}

// Result.Starts, Optima, Spread and StartDependent describe the starts: here
// four starts stopped after two updates, each also run alone (Init, the
// same cap), which gives the values they ended at.
func TestStartDependenceReport(t *testing.T) {
	p, err := newProblem(table4)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Clusters: 3, Beta: 5, Seed: 9, Starts: 4, MaxIter: 2, Base: 2}
	res, err := Solve(table4, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkOptions(&o, p.nx); err != nil {
		t.Fatal(err)
	}
	var vals []float64
	for _, q := range p.starts(o) {
		one := o
		one.Init, one.Starts = q, 1
		r1, err := Solve(table4, one)
		if err != nil {
			t.Fatal(err)
		}
		if r1.Starts != 1 || r1.Optima != 1 || r1.Spread != 0 || r1.StartDependent {
			t.Errorf("one start: %d starts, %d optima, spread %v, dependent %v", r1.Starts, r1.Optima, r1.Spread, r1.StartDependent)
		}
		vals = append(vals, r1.IXT-o.Beta*r1.ITY) // bits
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if res.Starts != 4 || res.Optima != 4 || !res.StartDependent || math.Abs(res.Spread-(hi-lo)) > 1e-12 {
		t.Errorf("%d starts, %d optima, spread %v, dependent %v; want 4, 4, %v, true", res.Starts, res.Optima, res.Spread, res.StartDependent, hi-lo)
	}
	if got := res.IXT - o.Beta*res.ITY; math.Abs(got-lo) > 1e-12 {
		t.Errorf("L = %v; want the best start's %v", got, lo)
	}
	// Problems with one optimum (up to relabelling the clusters) report one.
	for _, c := range []struct {
		joint    [][]float64
		clusters int
		beta     float64
	}{
		{diag3, 3, 50}, {table4, 1, 50}, {table4, 4, 0}, {groups4, 2, 1000}, {bsc, 2, 0.5},
	} {
		r, err := Solve(c.joint, Options{Base: math.E, Clusters: c.clusters, Beta: c.beta, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		if r.Starts != DefaultStarts || r.Optima != 1 || r.StartDependent || r.Spread > lagrangianTol(c.joint, c.beta) {
			t.Errorf("%v, |T| = %d, β = %v: %d starts, %d optima, spread %v, dependent %v", c.joint, c.clusters, c.beta, r.Starts, r.Optima, r.Spread, r.StartDependent)
		}
	}
}

// The class of the 8 × 8 tables at |T| = 4, β = 50, where one random start
// ended 4.2 nats above another: Solve is no worse than the textbook
// iteration from any of its starts, and says when its starts disagree.
func TestSolveBestOfItsStarts(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	dependent := 0
	for k := 0; k < 12; k++ {
		j := randomJoint(r, 8, 8)
		p, err := newProblem(j)
		if err != nil {
			t.Fatal(err)
		}
		o := Options{Base: math.E, Clusters: 4, Beta: 50, Seed: uint64(k)}
		res, err := Solve(j, o)
		if err != nil {
			t.Fatal(err)
		}
		got := res.IXT - o.Beta*res.ITY
		if err := checkOptions(&o, p.nx); err != nil {
			t.Fatal(err)
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, q := range p.starts(o) {
			l := plainIB(j, q, o.Beta)
			lo, hi = math.Min(lo, l), math.Max(hi, l)
		}
		tol := p.optimumTol(o.Beta)
		if got > lo+tol {
			t.Errorf("table %d: L = %.9g, but the iteration from one of its starts reaches %.9g", k, got, lo)
		}
		if res.StartDependent != (res.Optima > 1) || res.Optima < 1 || res.Optima > res.Starts || (res.Optima == 1) != (res.Spread <= float64(res.Starts-1)*tol) {
			t.Errorf("table %d: %d optima of %d starts, spread %v, dependent %v", k, res.Optima, res.Starts, res.Spread, res.StartDependent)
		}
		if res.StartDependent {
			dependent++
		}
	}
	if dependent == 0 {
		t.Errorf("no table of the class was start dependent")
	}
}
