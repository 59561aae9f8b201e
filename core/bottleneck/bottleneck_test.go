package bottleneck

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/input"
)

func near(a, b, rel float64) bool {
	return a == b || math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))
}

func code(err error) (input.Code, string) {
	var ie *input.Error
	if errors.As(err, &ie) {
		return ie.Code, ie.Arg
	}
	return "", ""
}

// The Mutual information lab's default table: rows 0 and 1 (and 2 and 3)
// predict Y alike, so two clusters keep most of I(X;Y).
var table4 = [][]float64{
	{0.16, 0.06, 0.02, 0.01},
	{0.12, 0.08, 0.03, 0.02},
	{0.02, 0.04, 0.12, 0.07},
	{0.01, 0.02, 0.08, 0.14},
}

// Reference values (mpmath, 30 digits, from the definitions): I(X;Y) of
// table4 in bits, and I(T;Y) of the hard clustering {0,1}, {2,3}, the table
// [[.28 .14 .05 .03] [.03 .06 .20 .21]].
const (
	ixyTable4   = 0.411040636055915960654528145187
	ityMerged01 = 0.370611727041950272747735115797
)

func randomJoint(r *rand.Rand, nx, ny int) [][]float64 {
	j := make([][]float64, nx)
	s := 0.0
	for x := range j {
		j[x] = make([]float64, ny)
		for y := range j[x] {
			if r.Float64() < 0.2 {
				continue
			}
			j[x][y] = r.ExpFloat64()
			s += j[x][y]
		}
	}
	if s == 0 {
		j[0][0], s = 1, 1
	}
	for x := range j {
		for y := range j[x] {
			j[x][y] /= s
		}
	}
	return j
}

func TestSmallBetaForgetsX(t *testing.T) {
	for _, beta := range []float64{0, 1e-3, 0.1, 0.5} {
		r, err := Solve(table4, Options{Clusters: 3, Beta: beta, Seed: 7, Base: 2})
		if err != nil {
			t.Fatal(err)
		}
		if r.IXT > 1e-9 || r.ITY > 1e-9 {
			t.Errorf("β = %v: I(X;T) = %v, I(T;Y) = %v; want ≈ 0", beta, r.IXT, r.ITY)
		}
		if !r.Converged {
			t.Errorf("β = %v did not converge in %d iterations", beta, r.Iterations)
		}
		// Every row is p(t).
		for x := range r.Encoder {
			for tt := range r.PT {
				if math.Abs(r.Encoder[x][tt]-r.PT[tt]) > 1e-8 {
					t.Fatalf("β = %v: p(t|x) = %v, p(t) = %v", beta, r.Encoder[x], r.PT)
				}
			}
		}
	}
}

func TestLargeBetaKeepsEverything(t *testing.T) {
	// |T| = |X| = 4: the sweep's last point reaches I(X;Y) and H(X).
	c, err := Sweep(table4, Betas(0.1, 1000, 61), Options{Clusters: 4, Seed: 1, Base: 2})
	if err != nil {
		t.Fatal(err)
	}
	last := len(c.Beta) - 1
	if !near(c.IXY, ixyTable4, 1e-13) || c.HX != 2 {
		t.Errorf("bounds I(X;Y) = %v, H(X) = %v", c.IXY, c.HX)
	}
	if !near(c.ITY[last], ixyTable4, 1e-6) || !near(c.IXT[last], 2, 1e-6) {
		t.Errorf("β = 1000: I(T;Y) = %v, I(X;T) = %v; want I(X;Y) = %v, H(X) = 2", c.ITY[last], c.IXT[last], ixyTable4)
	}
	// Two clusters: the best hard partition merges rows {0,1} and {2,3}.
	c2, err := Sweep(table4, Betas(0.1, 1000, 61), Options{Clusters: 2, Seed: 1, Base: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !near(c2.ITY[last], ityMerged01, 1e-6) || !near(c2.IXT[last], 1, 1e-6) {
		t.Errorf("|T| = 2, β = 1000: I(T;Y) = %v, I(X;T) = %v; want %v and 1", c2.ITY[last], c2.IXT[last], ityMerged01)
	}
	// Solve alone from a random start at large β, on a joint with distinct
	// rows and |T| > |X|, reaches I(X;Y) too.
	j := [][]float64{{0.3, 0.05}, {0.05, 0.3}, {0.15, 0.15}}
	ixy, _ := divergence.MutualInformation(j, divergence.Options{Base: math.E})
	hits := 0
	for seed := uint64(1); seed <= 10; seed++ {
		r, err := Solve(j, Options{Base: math.E, Clusters: 6, Beta: 500, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		if near(r.ITY, ixy, 1e-6) {
			hits++
		}
	}
	if hits < 8 {
		t.Errorf("only %d of 10 random starts at β = 500 reached I(X;Y)", hits)
	}
}

func TestDataProcessingOnRandomJoints(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 200; k++ {
		nx, ny, nt := 1+r.IntN(8), 1+r.IntN(8), 1+r.IntN(8)
		j := randomJoint(r, nx, ny)
		ixy, _ := divergence.MutualInformation(j, divergence.Options{Base: math.E})
		hx, _ := divergence.Entropy(rowSums(j), divergence.Options{Base: math.E, Normalize: true})
		beta := math.Exp(r.Float64()*9 - 2)
		res, err := Solve(j, Options{Base: math.E, Clusters: nt, Beta: beta, Seed: uint64(k)})
		if err != nil {
			t.Fatal(err)
		}
		const eps = 1e-12
		if res.ITY > ixy+eps || res.ITY > res.IXT+eps || res.IXT > hx+eps || res.IXT > math.Log(float64(nt))+eps || res.ITY < 0 || res.IXT < 0 {
			t.Fatalf("%d×%d, |T| = %d, β = %v: I(X;T) = %v, I(T;Y) = %v, I(X;Y) = %v, H(X) = %v", nx, ny, nt, beta, res.IXT, res.ITY, ixy, hx)
		}
		for x, row := range res.Encoder {
			s := 0.0
			for _, v := range row {
				s += v
			}
			if math.Abs(s-1) > 1e-12 {
				t.Fatalf("row %d of p(t|x) sums to %v", x, s)
			}
		}
	}
}

func rowSums(j [][]float64) []float64 {
	out := make([]float64, len(j))
	for i, row := range j {
		for _, v := range row {
			out[i] += v
		}
	}
	return out
}

func TestSweepCurve(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for k := 0; k < 20; k++ {
		nx, ny := 2+r.IntN(7), 2+r.IntN(7)
		j := randomJoint(r, nx, ny)
		c, err := Sweep(j, Betas(0.1, 1000, 41), Options{Clusters: 1 + r.IntN(8), Seed: uint64(k), Base: 2})
		if err != nil {
			t.Fatal(err)
		}
		for i := range c.Beta {
			if c.ITY[i] > c.IXY+1e-12 || c.ITY[i] > c.IXT[i]+1e-12 || c.IXT[i] > c.HX+1e-12 {
				t.Fatalf("point %d: I(X;T) = %v, I(T;Y) = %v, I(X;Y) = %v, H(X) = %v", i, c.IXT[i], c.ITY[i], c.IXY, c.HX)
			}
		}
		// Annealed, the curve starts at 0 and, β growing, I(T;Y) never drops by more than a hair.
		if c.IXT[0] > 1e-9 {
			t.Errorf("β = 0.1: I(X;T) = %v", c.IXT[0])
		}
		for i := 1; i < len(c.Beta); i++ {
			if c.ITY[i] < c.ITY[i-1]-1e-6 {
				t.Errorf("joint %d: I(T;Y) fell from %v to %v at β = %v", k, c.ITY[i-1], c.ITY[i], c.Beta[i])
			}
		}
	}
}

func TestReproducible(t *testing.T) {
	o := Options{Base: math.E, Clusters: 3, Beta: 6, Seed: 42}
	a, _ := Solve(table4, o)
	b, _ := Solve(table4, o)
	for x := range a.Encoder {
		for tt := range a.Encoder[x] {
			if a.Encoder[x][tt] != b.Encoder[x][tt] {
				t.Fatalf("seed 42 gave two encoders")
			}
		}
	}
	if a.IXT != b.IXT || a.ITY != b.ITY || a.Iterations != b.Iterations {
		t.Errorf("seed 42: %v/%v vs %v/%v", a.IXT, a.ITY, b.IXT, b.ITY)
	}
	o.Seed = 43
	c, _ := Solve(table4, o)
	if c.Encoder[0][0] == a.Encoder[0][0] && c.Encoder[1][1] == a.Encoder[1][1] {
		t.Errorf("seeds 42 and 43 gave the same encoder")
	}
	s1, _ := Sweep(table4, Betas(1, 100, 20), Options{Base: math.E, Clusters: 3, Seed: 5})
	s2, _ := Sweep(table4, Betas(1, 100, 20), Options{Base: math.E, Clusters: 3, Seed: 5})
	for i := range s1.ITY {
		if s1.ITY[i] != s2.ITY[i] || s1.IXT[i] != s2.IXT[i] {
			t.Fatalf("sweep with seed 5 differs at %d", i)
		}
	}
}

func TestEdgeCases(t *testing.T) {
	// |T| = 1 keeps nothing.
	r, err := Solve(table4, Options{Base: math.E, Clusters: 1, Beta: 100})
	if err != nil || r.IXT != 0 || r.ITY != 0 {
		t.Errorf("|T| = 1: %v %v %v", r.IXT, r.ITY, err)
	}
	// A row with p(x) = 0 follows p(t); the iteration cap stops early and says so.
	j := [][]float64{{0.5, 0}, {0, 0}, {0, 0.5}}
	r, err = Solve(j, Options{Base: math.E, Clusters: 2, Beta: 3, Seed: 1, MaxIter: 1, Starts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Iterations != 1 || r.Converged {
		t.Errorf("MaxIter 1: %d iterations, converged %v", r.Iterations, r.Converged)
	}
	r, _ = Solve(j, Options{Base: math.E, Clusters: 2, Beta: 50, Seed: 1})
	for tt := range r.PT {
		if math.Abs(r.Encoder[1][tt]-r.PT[tt]) > 1e-12 {
			t.Errorf("empty row: p(t|x) = %v, p(t) = %v", r.Encoder[1], r.PT)
		}
	}
	// A warm start that is already a fixed point: one step, converged.
	init := [][]float64{{1, 0}, {0.5, 0.5}, {0, 1}}
	r, err = Solve(j, Options{Base: math.E, Clusters: 2, Beta: 50, Init: init})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Converged || !near(r.IXT, math.Ln2, 1e-12) || !near(r.ITY, math.Ln2, 1e-12) {
		t.Errorf("warm start: %+v", r)
	}
	if r.Decoder[0][0] != 1 || r.Decoder[1][1] != 1 {
		t.Errorf("decoder %v", r.Decoder)
	}
	if got := Betas(2, 8, 1); len(got) != 1 || got[0] != 2 {
		t.Errorf("Betas(2, 8, 1) = %v", got)
	}
	if got := Betas(1, 100, 3); !near(got[1], 10, 1e-15) || got[2] != 100 {
		t.Errorf("Betas(1, 100, 3) = %v", got)
	}
	c, err := Sweep(j, []float64{1, 2}, Options{Clusters: 2, Init: init, Base: 2})
	if err != nil || !near(c.ITY[1], 1, 1e-9) {
		t.Errorf("sweep from a warm start: %+v %v", c, err)
	}
}

func TestErrors(t *testing.T) {
	good := Options{Base: math.E, Clusters: 2, Beta: 1}
	for _, c := range []struct {
		joint [][]float64
		o     Options
		code  input.Code
		arg   string
	}{
		{nil, good, input.Empty, "joint"},
		{[][]float64{{0.5, 0.6}}, good, input.NotNormalized, "joint"},
		{table4, Options{Base: math.E, Clusters: 0, Beta: 1}, input.OutOfRange, "clusters"},
		{table4, Options{Base: math.E, Clusters: 65, Beta: 1}, input.OutOfRange, "clusters"},
		{table4, Options{Base: math.E, Clusters: 2, Beta: -1}, input.OutOfRange, "beta"},
		{table4, Options{Base: math.E, Clusters: 2, Beta: math.NaN()}, input.NotFinite, "beta"},
		{table4, Options{Base: math.E, Clusters: 2, Beta: 1, Starts: -1}, input.OutOfRange, "starts"},
		{table4, Options{Base: math.E, Clusters: 2, Beta: 1, Starts: MaxStarts + 1}, input.OutOfRange, "starts"},
		{table4, Options{Base: math.E, Clusters: 2, Beta: 1, Tol: 2}, input.OutOfRange, "tol"},
		{table4, Options{Base: math.E, Clusters: 2, Beta: 1, MaxIter: -3}, input.OutOfRange, "maxIter"},
		{table4, Options{Clusters: 2, Beta: 1, Base: 1}, input.BadBase, "base"},
		{table4, Options{Base: math.E, Clusters: 2, Beta: 1, Init: [][]float64{{1, 0}}}, input.LengthMismatch, "init"},
		{table4, Options{Base: math.E, Clusters: 2, Beta: 1, Init: [][]float64{{1, 0}, {1, 0}, {1}, {1, 0}}}, input.LengthMismatch, "init[2]"},
		{table4, Options{Base: math.E, Clusters: 2, Beta: 1, Init: [][]float64{{1, 0}, {1, 0}, {0, 0}, {1, 0}}}, input.NotNormalized, "init[2]"},
		{table4, Options{Base: math.E, Clusters: 2, Beta: 1, Init: [][]float64{{1, -1}, {1, 0}, {0, 1}, {1, 0}}}, input.Negative, "init[0][1]"},
	} {
		_, err := Solve(c.joint, c.o)
		if gc, ga := code(err); gc != c.code || ga != c.arg {
			t.Errorf("Solve(%v): %v; want %s on %s", c.o, err, c.code, c.arg)
		}
	}
	for _, c := range []struct {
		betas []float64
		o     Options
		code  input.Code
		arg   string
	}{
		{nil, good, input.Empty, "betas"},
		{make([]float64, MaxSweep+1), good, input.TooLarge, "betas"},
		{[]float64{1, math.Inf(1)}, good, input.NotFinite, "betas[1]"},
		{[]float64{1, 2e6}, good, input.OutOfRange, "betas[1]"},
		{[]float64{2, 1}, good, input.Invalid, "betas[1]"},
		{[]float64{1}, Options{Base: math.E, Clusters: 0}, input.OutOfRange, "clusters"},
		{[]float64{1}, Options{Clusters: 1, Base: -1}, input.BadBase, "base"},
	} {
		_, err := Sweep(table4, c.betas, c.o)
		if gc, ga := code(err); gc != c.code || ga != c.arg {
			t.Errorf("Sweep(%v): %v; want %s on %s", c.betas, err, c.code, c.arg)
		}
	}
	if _, err := Sweep([][]float64{{}}, []float64{1}, good); err == nil {
		t.Errorf("Sweep of an empty table succeeded")
	}
}

func BenchmarkSolve(b *testing.B) {
	for b.Loop() {
		_, _ = Solve(table4, Options{Base: math.E, Clusters: 4, Beta: 5, Seed: 1})
	}
}

func BenchmarkSweep(b *testing.B) {
	betas := Betas(0.1, 1000, 81)
	for b.Loop() {
		_, _ = Sweep(table4, betas, Options{Base: math.E, Clusters: 4, Seed: 1})
	}
}

// The lab's largest case: an 8 × 8 table, |T| = 8, at βs across the range
// (Solve once at each of 0.5, 2, 5, 20, 200 per op).
func BenchmarkSolve8x8(b *testing.B) {
	j := randomJoint(rand.New(rand.NewPCG(5, 6)), 8, 8)
	for b.Loop() {
		for _, beta := range []float64{0.5, 2, 5, 20, 200} {
			_, _ = Solve(j, Options{Base: math.E, Clusters: 8, Beta: beta, Seed: 1})
		}
	}
}

func BenchmarkSweep8x8(b *testing.B) {
	j := randomJoint(rand.New(rand.NewPCG(5, 6)), 8, 8)
	betas := Betas(0.1, 1000, 81)
	for b.Loop() {
		_, _ = Sweep(j, betas, Options{Base: math.E, Clusters: 8, Seed: 1})
	}
}
