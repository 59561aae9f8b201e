package divergence

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/klplayground/klplay/core/input"
)

var nat = Options{Base: math.E}

type measure func(p, q []float64, o Options) (float64, error)

var measures = map[string]measure{
	"CrossEntropy":             CrossEntropy,
	"KL":                       KL,
	"ReverseKL":                ReverseKL,
	"Jeffreys":                 Jeffreys,
	"JensenShannon":            JensenShannon,
	"JensenShannonDistance":    JensenShannonDistance,
	"TotalVariation":           TotalVariation,
	"SquaredHellinger":         SquaredHellinger,
	"Hellinger":                Hellinger,
	"BhattacharyyaCoefficient": BhattacharyyaCoefficient,
	"BhattacharyyaDistance":    BhattacharyyaDistance,
	"PearsonChi2":              PearsonChi2,
	"NeymanChi2":               NeymanChi2,
	"Renyi(0.5)": func(p, q []float64, o Options) (float64, error) {
		return Renyi(p, q, 0.5, o)
	},
	"Entropy(p)": func(p, _ []float64, o Options) (float64, error) { return Entropy(p, o) },
}

// mustF returns v, panicking (which fails the test with a trace) on error.
func mustF(v float64, err error) float64 {
	if err != nil {
		panic(err)
	}
	return v
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.IsInf(want, 0) || math.IsNaN(want) {
		if got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
		return
	}
	if e := relErr(got, want); !(e <= tol) {
		t.Errorf("%s = %.17g, want %.17g (relative error %.3g > %.3g)", what, got, want, e, tol)
	}
}

// Reference values, each derived by hand in closed form; the float64
// expressions evaluate those closed forms (a few ulps from the exact value).
func TestKnownValues(t *testing.T) {
	p := []float64{0.5, 0.5}
	q := []float64{0.9, 0.1}
	pt := []float64{1, 0}
	ln := math.Log
	cases := []struct {
		name string
		got  func() (float64, error)
		want float64
	}{
		// KL([1,0]‖[0.9,0.1]) = 1·ln(1/0.9) (the 0·ln(0/0.1) term is 0).
		{"KL([1,0],[.9,.1])", func() (float64, error) { return KL(pt, q, nat) }, 0.10536051565782628},
		// KL([.5,.5]‖[.9,.1]) = ½ln(.5/.9) + ½ln(.5/.1) = ½ln(25/9) = ln(5/3).
		{"KL(p,q)", func() (float64, error) { return KL(p, q, nat) }, 0.5108256237659907},
		// In bits: ln(5/3)/ln 2 = log2(5/3).
		{"KL(p,q) bits", func() (float64, error) { return KL(p, q, Options{Base: 2}) }, math.Log2(5.0 / 3)},
		// In hartleys: log10(5/3).
		{"KL(p,q) base 10", func() (float64, error) { return KL(p, q, Options{Base: 10}) }, math.Log10(5.0 / 3)},
		// KL(q‖p) = .9 ln(1.8) + .1 ln(.2).
		{"ReverseKL(p,q)", func() (float64, error) { return ReverseKL(p, q, nat) }, 0.9*ln(1.8) + 0.1*ln(0.2)},
		// J = KL + reverse KL = ln(5/3) + .9 ln 1.8 + .1 ln .2.
		{"Jeffreys(p,q)", func() (float64, error) { return Jeffreys(p, q, nat) }, ln(5.0/3) + 0.9*ln(1.8) + 0.1*ln(0.2)},
		// H([.5,.5]) = ln 2; = 1 bit.
		{"Entropy(p)", func() (float64, error) { return Entropy(p, nat) }, math.Ln2},
		{"Entropy(p) bits", func() (float64, error) { return Entropy(p, Options{Base: 2}) }, 1},
		// H(uniform over 4) = 2 bits exactly.
		{"Entropy(uniform4) bits", func() (float64, error) { return Entropy([]float64{.25, .25, .25, .25}, Options{Base: 2}) }, 2},
		// H(point mass) = 0.
		{"Entropy([0,1,0])", func() (float64, error) { return Entropy([]float64{0, 1, 0}, nat) }, 0},
		// H(P,Q) = −½ln .9 − ½ln .1 = ½ln(1/.09) = ln(10/3).
		{"CrossEntropy(p,q)", func() (float64, error) { return CrossEntropy(p, q, nat) }, 1.2039728043259361},
		// JS([1,0],[.5,.5]): M = [.75,.25]; ½ln(4/3) + ½(½ln(2/3) + ½ln 2) = ¾ ln(4/3).
		{"JS([1,0],[.5,.5])", func() (float64, error) { return JensenShannon(pt, p, nat) }, 0.75 * ln(4.0/3)},
		// JS(p,q): M = [.7,.3].
		{"JS(p,q)", func() (float64, error) { return JensenShannon(p, q, nat) }, 0.5*(0.5*ln(.5/.7)+0.5*ln(.5/.3)) + 0.5*(0.9*ln(.9/.7)+0.1*ln(.1/.3))},
		// Disjoint supports: JS = ln 2, 1 bit; distance 1 in bits.
		{"JS disjoint", func() (float64, error) { return JensenShannon([]float64{1, 0}, []float64{0, 1}, nat) }, math.Ln2},
		{"JS disjoint bits", func() (float64, error) {
			return JensenShannon([]float64{.5, .5, 0}, []float64{0, 0, 1}, Options{Base: 2})
		}, 1},
		{"JSD disjoint bits", func() (float64, error) {
			return JensenShannonDistance([]float64{1, 0}, []float64{0, 1}, Options{Base: 2})
		}, 1},
		// TV = ½(.4 + .4).
		{"TV(p,q)", func() (float64, error) { return TotalVariation(p, q, nat) }, 0.4},
		// BC = √.45 + √.05 = 4√.05 = 2/√5; H² = 1 − 2/√5; D_B = ½ ln(5/4).
		{"BC(p,q)", func() (float64, error) { return BhattacharyyaCoefficient(p, q, nat) }, 2 / math.Sqrt(5)},
		{"H²(p,q)", func() (float64, error) { return SquaredHellinger(p, q, nat) }, 0.10557280900008412},
		{"H(p,q)", func() (float64, error) { return Hellinger(p, q, nat) }, math.Sqrt(0.10557280900008412)},
		{"D_B(p,q)", func() (float64, error) { return BhattacharyyaDistance(p, q, nat) }, 0.5 * ln(1.25)},
		// Pearson: .16/.9 + .16/.1 = 16/9; Neyman: .16/.5 + .16/.5 = .64.
		{"PearsonChi2(p,q)", func() (float64, error) { return PearsonChi2(p, q, nat) }, 16.0 / 9},
		{"NeymanChi2(p,q)", func() (float64, error) { return NeymanChi2(p, q, nat) }, 0.64},
		// Rényi: D_2 = ln(.25/.9 + .25/.1) = ln(25/9); D_½ = −2 ln BC = ln(5/4);
		// D_3 = ½ ln(.125/.81 + .125/.01); D_∞ = ln max(.5/.9, .5/.1) = ln 5;
		// D_0 = −ln Σ_{p>0} q = −ln 1 = 0; for [1,0]: −ln .9.
		{"Renyi 2", func() (float64, error) { return Renyi(p, q, 2, nat) }, 2 * ln(5.0/3)},
		{"Renyi 1/2", func() (float64, error) { return Renyi(p, q, 0.5, nat) }, ln(1.25)},
		{"Renyi 3", func() (float64, error) { return Renyi(p, q, 3, nat) }, 0.5 * ln(0.125/0.81+0.125/0.01)},
		{"Renyi Inf", func() (float64, error) { return Renyi(p, q, math.Inf(1), nat) }, ln(5)},
		{"Renyi 0", func() (float64, error) { return Renyi(p, q, 0, nat) }, 0},
		{"Renyi 0 [1,0]", func() (float64, error) { return Renyi(pt, q, 0, nat) }, -ln(0.9)},
		{"Renyi 1", func() (float64, error) { return Renyi(p, q, 1, nat) }, ln(5.0 / 3)},
		{"Renyi 2 bits", func() (float64, error) { return Renyi(p, q, 2, Options{Base: 2}) }, 2 * math.Log2(5.0/3)},
		// Normalize: [1,1] and [9,1] become p and q.
		{"KL normalize", func() (float64, error) {
			return KL([]float64{1, 1}, []float64{9, 1}, Options{Base: math.E, Normalize: true})
		}, ln(5.0 / 3)},
		// f-divergences with closed forms on (p, q):
		// triangular Σ(p−q)²/(p+q) = .16/1.4 + .16/.6.
		{"f triangular", func() (float64, error) { return FDivergence("triangular", p, q, nat) }, .16/1.4 + .16/.6},
		// amari-alpha(½) = 4·H² = 4(1 − 2/√5).
		{"f amari-alpha", func() (float64, error) { return FDivergence("amari-alpha", p, q, nat) }, 4 * (1 - 2/math.Sqrt(5))},
		// t-power(½) = |½·(−½)|·amari(½) = H².
		{"f t-power", func() (float64, error) { return FDivergence("t-power", p, q, nat) }, 1 - 2/math.Sqrt(5)},
		// log1p-abs: cell 1 p<q: (q−p)·q/p = .4·1.8 = .72; cell 2 p≥q: .4.
		{"f log1p-abs", func() (float64, error) { return FDivergence("log1p-abs", p, q, nat) }, 1.12},
		// modified-gan: Σ q ln((p+q)/(2p)) = .9 ln 1.4 + .1 ln .6.
		{"f modified-gan", func() (float64, error) { return FDivergence("modified-gan", p, q, nat) }, 0.9*ln(1.4) + 0.1*ln(0.6)},
		// arithmetic-geometric = KL(M‖P) + KL(M‖Q), M = [.7,.3].
		{"f arithmetic-geometric", func() (float64, error) { return FDivergence("arithmetic-geometric", p, q, nat) }, .7*ln(.7/.5) + .3*ln(.3/.5) + .7*ln(.7/.9) + .3*ln(.3/.1)},
		// jeffreys in bits: (ln(5/3) + .9 ln 1.8 + .1 ln .2)/ln 2.
		{"f jeffreys bits", func() (float64, error) { return FDivergence("jeffreys", p, q, Options{Base: 2}) }, (ln(5.0/3) + 0.9*ln(1.8) + 0.1*ln(0.2)) / math.Ln2},
		// total-variation ignores the base.
		{"f total-variation base 2", func() (float64, error) { return FDivergence("total-variation", p, q, Options{Base: 2}) }, 0.4},
	}
	for _, c := range cases {
		got, err := c.got()
		if err != nil {
			t.Errorf("%s: unexpected error %v", c.name, err)
			continue
		}
		near(t, c.name, got, c.want, 2e-15)
	}
}

// Binary symmetric channel with flip probability 0.1 and uniform input:
// I = ln 2 − H_b(0.1), H(Y|X) = H_b(0.1), H(X,Y) = ln 2 + H_b(0.1).
func TestJointKnownValues(t *testing.T) {
	hb := -0.1*math.Log(0.1) - 0.9*math.Log(0.9)
	bsc := [][]float64{{.45, .05}, {.05, .45}}
	near(t, "MI(bsc)", mustF(MutualInformation(bsc, nat)), math.Ln2-hb, 1e-14)
	near(t, "H(Y|X)(bsc)", mustF(ConditionalEntropy(bsc, nat)), hb, 1e-14)
	near(t, "H(X,Y)(bsc)", mustF(JointEntropy(bsc, nat)), math.Ln2+hb, 1e-14)

	// Y = X: I = H(X) = ln 2 (1 bit).
	near(t, "MI(copy) bits", mustF(MutualInformation([][]float64{{.5, 0}, {0, .5}}, Options{Base: 2})), 1, 1e-15)
	// Independent: exactly 0.
	near(t, "MI(indep)", mustF(MutualInformation([][]float64{{.25, .25}, {.25, .25}}, nat)), 0, 0)

	// [[.5,.25],[0,.25]] in bits: H(X,Y) = 1.5; H(X) = H(.75,.25);
	// H(Y|X) = 1.5 − H(X); I = H(Y) − H(Y|X) with H(Y) = H(.5,.5) = 1.
	a := [][]float64{{.5, .25}, {0, .25}}
	hx := -(.75*math.Log2(.75) + .25*math.Log2(.25))
	bits := Options{Base: 2}
	near(t, "H(X,Y)(a)", mustF(JointEntropy(a, bits)), 1.5, 1e-15)
	near(t, "H(Y|X)(a)", mustF(ConditionalEntropy(a, bits)), 1.5-hx, 1e-14)
	near(t, "MI(a)", mustF(MutualInformation(a, bits)), 1-(1.5-hx), 1e-14)

	// Normalize: counts.
	near(t, "MI(counts)", mustF(MutualInformation([][]float64{{9, 1}, {1, 9}}, Options{Base: math.E, Normalize: true})), math.Ln2-hb, 1e-14)

	// A near-independent table: p_ij = px_i·py_j·(1 ± δ) with an exact
	// 2×2 perturbation; MI = Σ p ln(p/(px py)) with exact marginals
	// (px = py = ½): cells ¼(1+e), ¼(1−e) → MI = ½[(1+e)ln(1+e) + (1−e)ln(1−e)]
	// = Σ_k e^{2k}/(2k(2k−1)) = e²/2 + e⁴/12 + …, e = 2^-20.
	e := math.Ldexp(1, -20)
	ni := [][]float64{{.25 * (1 + e), .25 * (1 - e)}, {.25 * (1 - e), .25 * (1 + e)}}
	near(t, "MI(near-indep)", mustF(MutualInformation(ni, nat)), e*e/2+e*e*e*e/12, 1e-13)
}

func TestEdgeCases(t *testing.T) {
	inf := math.Inf(1)
	p := []float64{0.5, 0.5, 0}
	q := []float64{1, 0, 0}
	// q = 0 < p: infinite where the measure is; finite for the bounded ones.
	wantPQ := map[string]float64{
		"CrossEntropy":             inf,
		"KL":                       inf,
		"ReverseKL":                math.Ln2, // 1·ln(1/.5)
		"Jeffreys":                 inf,
		"JensenShannon":            0.5*(0.5*math.Log(.5/.75)+0.5*math.Log(2)) + 0.5*math.Log(1/.75),
		"TotalVariation":           0.5,
		"SquaredHellinger":         1 - math.Sqrt(.5),
		"BhattacharyyaCoefficient": math.Sqrt(.5),
		"BhattacharyyaDistance":    0.5 * math.Ln2,
		"PearsonChi2":              inf,
		"NeymanChi2":               .25/.5 + .25/.5, // (−.5)²/.5 + (.5)²/.5
		"Renyi(0.5)":               math.Ln2,        // −2 ln √.5
		"Entropy(p)":               math.Ln2,
	}
	for name, want := range wantPQ {
		got, err := measures[name](p, q, nat)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		near(t, name+"(p,q with q=0<p)", got, want, 1e-15)
	}
	// Disjoint supports.
	a, b := []float64{1, 0}, []float64{0, 1}
	wantDisjoint := map[string]float64{
		"KL": inf, "ReverseKL": inf, "Jeffreys": inf, "CrossEntropy": inf,
		"JensenShannon": math.Ln2, "JensenShannonDistance": math.Sqrt(math.Ln2),
		"TotalVariation": 1, "SquaredHellinger": 1, "Hellinger": 1,
		"BhattacharyyaCoefficient": 0, "BhattacharyyaDistance": inf,
		"PearsonChi2": inf, "NeymanChi2": inf, "Renyi(0.5)": inf,
	}
	for name, want := range wantDisjoint {
		got, err := measures[name](a, b, nat)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		near(t, name+"(disjoint)", got, want, 1e-15)
	}
	for _, alpha := range []float64{0, 0.3, 1, 2, inf} {
		near(t, "Renyi disjoint", mustF(Renyi(a, b, alpha, nat)), inf, 0)
	}
	// α < 1 ignores q = 0 < p cells: Σ p^α q^(1−α) = ½^α·1 → D = α ln 2/(1−α)... for
	// p = [.5,.5,0], q = [1,0,0]: D_α = ln(.5^α)/(α−1) = α ln 2/(1−α).
	near(t, "Renyi(.3) partial support", mustF(Renyi(p, q, 0.3, nat)), 0.3*math.Ln2/0.7, 1e-14)
	near(t, "Renyi(0) partial support", mustF(Renyi(p, q, 0, nat)), 0, 0)
	near(t, "Renyi(2) partial support", mustF(Renyi(p, q, 2, nat)), inf, 0)
	near(t, "Renyi(Inf) partial support", mustF(Renyi(p, q, inf, nat)), inf, 0)
	near(t, "Renyi(0) reverse", mustF(Renyi(q, p, 0, nat)), math.Ln2, 1e-15)

	// f-divergences on disjoint supports: the f(0) and f'(∞) limits.
	wantF := map[string]float64{
		"kl": inf, "reverse-kl": inf, "jeffreys": inf, "jensen-shannon": math.Ln2,
		"total-variation": 1, "squared-hellinger": 1, "pearson-chi2": inf, "neyman-chi2": inf,
		"triangular": 2, "amari-alpha": 4, "t-power": 1, "log1p-abs": inf,
		"modified-gan": inf, "arithmetic-geometric": inf,
	}
	for _, name := range FDivergenceNames() {
		want, ok := wantF[name]
		if !ok {
			t.Errorf("no disjoint-support expectation for %q", name)
			continue
		}
		near(t, "f "+name+"(disjoint)", mustF(FDivergence(name, a, b, nat)), want, 1e-15)
	}

	// Tiny probabilities: no underflow or overflow in the ratios.
	tiny := 5e-324 // 2^-1074, the smallest subnormal
	near(t, "KL subnormal ratio", mustF(KL([]float64{1, tiny}, []float64{tiny, 1}, nat)), 1074*math.Ln2, 1e-15)
	near(t, "KL 1e-300", mustF(KL([]float64{1, 1e-300}, []float64{1e-300, 1}, nat)), 300*math.Ln10-1e-300*300*math.Ln10, 1e-15)
	near(t, "Entropy 1e-300", mustF(Entropy([]float64{1e-300, 1}, nat)), 300*math.Ln10*1e-300, 1e-14)
	near(t, "CrossEntropy 1e-300", mustF(CrossEntropy([]float64{1, 0}, []float64{1e-300, 1}, nat)), 300*math.Ln10, 1e-15)
	near(t, "JS nearly disjoint", mustF(JensenShannon([]float64{1e-300, 1}, []float64{1, 1e-300}, nat)), math.Ln2, 1e-15)
	near(t, "BC tiny", mustF(BhattacharyyaCoefficient([]float64{1e-300, 1}, []float64{1, 1e-300}, nat)), 2e-150, 1e-15)
	near(t, "D_B tiny", mustF(BhattacharyyaDistance([]float64{1e-300, 1}, []float64{1, 1e-300}, nat)), -math.Log(2e-150), 1e-15)
	near(t, "Pearson tiny", mustF(PearsonChi2([]float64{2e-300, 1}, []float64{1e-300, 1}, nat)), 1e-300, 1e-15)
	near(t, "Renyi(2) tiny", mustF(Renyi([]float64{1e-300, 1}, []float64{1, 1e-300}, 2, nat)), 300*math.Ln10, 1e-12)
	near(t, "Renyi(.5) tiny", mustF(Renyi([]float64{1e-300, 1}, []float64{1, 1e-300}, 0.5, nat)), -2*math.Log(2e-150), 1e-15)
	near(t, "Renyi(1e300)", mustF(Renyi([]float64{.5, .5}, []float64{.9, .1}, 1e300, nat)), math.Log(5), 1e-15)
	near(t, "Renyi(1e-300)", mustF(Renyi([]float64{.5, .5}, []float64{.9, .1}, 1e-300, nat)), 0, 1e-15)
	near(t, "MI tiny marginals", mustF(MutualInformation([][]float64{{1e-200, 0}, {0, 1}}, nat)), 1e-200*200*math.Ln10, 1e-14)

	// P ≈ Q: the sums of signed terms cancel; the results keep their digits.
	// p = [½+e, ½−e], q = [½, ½], x = 2e: KL = Σ_k x^{2k}/(2k(2k−1)).
	e := math.Ldexp(1, -20)
	x := 2 * e
	pp, qq := []float64{.5 + e, .5 - e}, []float64{.5, .5}
	near(t, "KL(P≈Q)", mustF(KL(pp, qq, nat)), x*x/2+x*x*x*x/12, 1e-14)
	// Rényi 2: ln Σ p²/q = ln(1 + χ²), χ² = 2e²/.5 = 4e².
	near(t, "Renyi2(P≈Q)", mustF(Renyi(pp, qq, 2, nat)), math.Log1p(4*e*e), 1e-13)
	near(t, "Pearson(P≈Q)", mustF(PearsonChi2(pp, qq, nat)), 4*e*e, 1e-15)
	// JS(P, Q) = ½KL(P‖M) + ½KL(Q‖M) with M = [½+e/2, ½−e/2] exact.
	m := []float64{.5 + e/2, .5 - e/2}
	js := 0.5*mustF(KL(pp, m, nat)) + 0.5*mustF(KL(qq, m, nat))
	near(t, "JS(P≈Q)", mustF(JensenShannon(pp, qq, nat)), js, 1e-13)
	// H² = ½Σ(√p − √q)² — compare with 1 − BC evaluated in extended form:
	// √(½±e) = √½·√(1±2e); H² = ½·½[(√(1+x)−1)² + (√(1−x)−1)²].
	s1 := func(v float64) float64 { return v / (math.Sqrt(1+v) + 1) } // √(1+v) − 1 without cancellation
	h2 := 0.25 * (s1(x)*s1(x) + s1(-x)*s1(-x))
	near(t, "H²(P≈Q)", mustF(SquaredHellinger(pp, qq, nat)), h2, 1e-13)
	near(t, "D_B(P≈Q)", mustF(BhattacharyyaDistance(pp, qq, nat)), -math.Log1p(-h2), 1e-13)

	// Identical distributions: every divergence is exactly 0 (BC = 1).
	r := rand.New(rand.NewPCG(3, 4))
	same := randomProb(r, 50, 0.2)
	for name, f := range measures {
		if name == "Entropy(p)" || name == "CrossEntropy" {
			continue
		}
		want := 0.0
		if name == "BhattacharyyaCoefficient" {
			want = 1
		}
		near(t, name+"(P,P)", mustF(f(same, same, nat)), want, 1e-15)
	}
	for _, name := range FDivergenceNames() {
		if v := mustF(FDivergence(name, same, same, nat)); math.Abs(v) > 1e-15 {
			t.Errorf("f %s(P,P) = %v, want 0", name, v)
		}
	}
	for _, alpha := range []float64{0, 0.5, 1, 2, inf} {
		if v := mustF(Renyi(same, same, alpha, nat)); math.Abs(v) > 1e-15 {
			t.Errorf("Renyi(%v)(P,P) = %v, want 0", alpha, v)
		}
	}
}

// n = 10⁶: a geometric P (p_i ∝ r^i) against the uniform Q. With
// c = (1−r)/(1−r^n), E_P[i] = r/(1−r) − n r^n/(1−r^n):
// KL(P‖U) = ln n + ln c + E_P[i]·ln r, and H(P) = −ln c − E_P[i]·ln r.
func TestLargeN(t *testing.T) {
	if testing.Short() {
		t.Skip("n = 10⁶")
	}
	const n = 1000000
	r := 1 - 1e-5
	lr := math.Log1p(-1e-5)
	rn := math.Exp(n * lr)        // r^n
	c := 1e-5 / -math.Expm1(n*lr) // (1−r)/(1−r^n)
	ei := r/1e-5 - n*rn/-math.Expm1(n*lr)
	p := make([]float64, n)
	u := make([]float64, n)
	for i := range p {
		p[i] = c * math.Exp(float64(i)*lr)
		u[i] = 1.0 / n
	}
	wantKL := math.Log(n) + math.Log(c) + ei*lr
	wantH := -math.Log(c) - ei*lr
	near(t, "KL(geometric‖uniform)", mustF(KL(p, u, nat)), wantKL, 1e-12)
	near(t, "H(geometric)", mustF(Entropy(p, nat)), wantH, 1e-12)
	near(t, "H(P,U)", mustF(CrossEntropy(p, u, nat)), math.Log(n), 1e-12)
	near(t, "H(uniform 10⁶)", mustF(Entropy(u, nat)), math.Log(n), 1e-12)
	near(t, "KL(U‖U)", mustF(KL(u, u, nat)), 0, 0)
	c2, err := Compare(p, u, nat)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "Compare KL", c2.KL, wantKL, 1e-12)
}

// sumOf returns the compensated sum of finite xs.
func sumOf(xs []float64) float64 {
	var s, comp float64
	for _, x := range xs {
		t := s + x
		if math.Abs(s) >= math.Abs(x) {
			comp += (s - t) + x
		} else {
			comp += (x - t) + s
		}
		s = t
	}
	return s + comp
}

func TestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := range 300 {
		n := 1 + r.IntN(40)
		zp, zq := 0.0, 0.0
		if trial%3 == 1 {
			zp = 0.3
		}
		if trial%3 == 2 {
			zq = 0.3
		}
		p, q := randomProb(r, n, zp), randomProb(r, n, zq)
		o := Options{Base: math.E}
		if trial%4 == 3 {
			o.Base = 2
		}
		klv := mustF(KL(p, q, o))
		rkl := mustF(ReverseKL(p, q, o))
		hp := mustF(Entropy(p, o))
		hpq := mustF(CrossEntropy(p, q, o))
		js := mustF(JensenShannon(p, q, o))
		// Gibbs.
		if klv < 0 || rkl < 0 {
			t.Fatalf("KL < 0: %v %v", klv, rkl)
		}
		// H(P,Q) = H(P) + KL(P‖Q).
		if !math.IsInf(klv, 1) {
			near(t, "H(P,Q) = H(P) + KL", hpq, hp+klv, 1e-13)
		} else if !math.IsInf(hpq, 1) {
			t.Errorf("KL = +Inf but H(P,Q) = %v", hpq)
		}
		// KL(Q‖P) = KL with swapped arguments.
		near(t, "ReverseKL", rkl, mustF(KL(q, p, o)), 0)
		// Jeffreys = KL + reverse KL.
		if !math.IsInf(klv+rkl, 1) {
			near(t, "Jeffreys", mustF(Jeffreys(p, q, o)), klv+rkl, 1e-13)
		}
		// JS in [0, log 2], = ½KL(P‖M) + ½KL(Q‖M).
		lim := math.Ln2
		if o.Base == 2 {
			lim = 1
		}
		if js < 0 || js > lim {
			t.Errorf("JS = %v outside [0, %v]", js, lim)
		}
		m := make([]float64, n)
		for i := range m {
			m[i] = (p[i] + q[i]) / 2
		}
		near(t, "JS = ½KL(P‖M)+½KL(Q‖M)", js, 0.5*mustF(KL(p, m, o))+0.5*mustF(KL(q, m, o)), 1e-12)
		near(t, "JSD", mustF(JensenShannonDistance(p, q, o)), math.Sqrt(js), 1e-15)
		// Hellinger family.
		h2 := mustF(SquaredHellinger(p, q, o))
		bcv := mustF(BhattacharyyaCoefficient(p, q, o))
		near(t, "H² = 1 − BC", h2, 1-bcv, 1e-12)
		near(t, "Hellinger", mustF(Hellinger(p, q, o)), math.Sqrt(h2), 1e-15)
		db := mustF(BhattacharyyaDistance(p, q, o))
		if bcv > 0 {
			k := 1.0
			if o.Base == 2 {
				k = 1 / math.Ln2
			}
			near(t, "D_B = −ln BC", db, -k*math.Log(bcv), 1e-12)
			near(t, "D_B = ½ D_½", db, 0.5*mustF(Renyi(p, q, 0.5, o)), 1e-12)
		}
		// TV bounds: TV ≥ H², and Pinsker TV ≤ √(KL/2) (in nats).
		tv := mustF(TotalVariation(p, q, o))
		if tv < h2-1e-15 || tv > 1 {
			t.Errorf("TV = %v, H² = %v", tv, h2)
		}
		if o.Base == 0 && tv > math.Sqrt(klv/2)+1e-12 {
			t.Errorf("Pinsker fails: TV %v, KL %v", tv, klv)
		}
		// Neyman(P,Q) = Pearson(Q,P).
		near(t, "Neyman = Pearson swapped", mustF(NeymanChi2(p, q, o)), mustF(PearsonChi2(q, p, o)), 0)

		checkRenyi(t, p, q, o, klv)
		checkFDivergences(t, p, q, o)
		checkTerms(t, p, q, o)
		checkCompare(t, p, q, o)
	}
}

func checkRenyi(t *testing.T, p, q []float64, o Options, klv float64) {
	t.Helper()
	// Monotone non-decreasing in α.
	alphas := []float64{0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999999, 1, 1.000001, 1.01, 1.5, 2, 3, 5, 10, 50, 1e3, 1e6, math.Inf(1)}
	prev := -1.0
	for _, a := range alphas {
		v := mustF(Renyi(p, q, a, o))
		if v < 0 || math.IsNaN(v) {
			t.Fatalf("Renyi(%v) = %v", a, v)
		}
		if v < prev*(1-1e-12)-1e-15 {
			t.Errorf("Renyi not monotone: D(%v) = %.17g < previous %.17g", a, v, prev)
		}
		prev = v
	}
	// → KL as α → 1 from both sides: |D_α − KL| ≤ C|α − 1| (the slope is
	// Var_P(log p/q)/2, bounded here).
	if math.IsInf(klv, 1) {
		return
	}
	for _, d := range []float64{1e-3, 1e-5, 1e-8, 1e-11, 1e-14} {
		lo := mustF(Renyi(p, q, 1-d, o))
		hi := mustF(Renyi(p, q, 1+d, o))
		tol := d*1e3*(1+klv) + 1e-13*(klv+1e-300)
		if math.Abs(lo-klv) > tol || math.Abs(hi-klv) > tol || lo > klv+1e-13*klv || hi < klv-1e-13*klv {
			t.Errorf("Renyi(1∓%g) = %.17g, %.17g; KL = %.17g", d, lo, hi, klv)
		}
	}
}

func checkFDivergences(t *testing.T, p, q []float64, o Options) {
	t.Helper()
	dedicated := map[string]measure{
		"kl": KL, "reverse-kl": ReverseKL, "jeffreys": Jeffreys, "jensen-shannon": JensenShannon,
		"total-variation": TotalVariation, "squared-hellinger": SquaredHellinger,
		"pearson-chi2": PearsonChi2, "neyman-chi2": NeymanChi2,
	}
	for name, f := range dedicated {
		near(t, "FDivergence "+name+" = dedicated", mustF(FDivergence(name, p, q, o)), mustF(f(p, q, o)), 0)
	}
	// Against the generator: Σ q f(p/q) over cells with q > 0, plus the
	// f'(∞) limit (p·lim f(u)/u, estimated with u = 1e30) where q = 0.
	k := 1.0
	if o.Base == 2 {
		k = 1 / math.Ln2
	}
	for _, name := range FDivergenceNames() {
		g, _ := lookup(name)
		want, scale := 0.0, 0.0
		infinite := false
		for i := range p {
			var t0 float64
			switch {
			case q[i] > 0:
				f, err := Generator(name, p[i]/q[i])
				if err != nil {
					t.Fatal(err)
				}
				t0 = q[i] * f
			case p[i] > 0:
				f, _ := Generator(name, 1e30)
				t0 = p[i] * f / 1e30
				if g.slope(DefaultAlpha) == math.Inf(1) {
					t0 = math.Inf(1)
				}
			}
			if math.IsInf(t0, 1) {
				infinite = true
			}
			want += t0
			scale += math.Abs(t0)
		}
		if g.log {
			want *= k
			scale *= k
		}
		got := mustF(FDivergence(name, p, q, o))
		if infinite {
			if !math.IsInf(got, 1) {
				t.Errorf("f %s = %v, want +Inf", name, got)
			}
			continue
		}
		if math.Abs(got-want) > 1e-9*(scale+1e-300) && math.Abs(got-min(want, g.hi*k)) > 1e-9*(scale+1e-300) {
			t.Errorf("f %s = %.17g, Σ q f(p/q) = %.17g", name, got, want)
		}
	}
	// amari-alpha(α) = expm1((α−1)·D_α)/(α(α−1)) (Rényi), t-power(t) = |t(t−1)|·amari(t).
	for _, a := range []float64{-0.5, 0.2, 0.5, 0.9, 0.999999, 1, 1.000001, 2, 3} {
		am := mustF(FDivergenceAlpha("amari-alpha", p, q, a, o))
		tp := mustF(FDivergenceAlpha("t-power", p, q, a, o))
		if am < 0 || tp < 0 {
			t.Fatalf("amari/t-power(%v) negative: %v %v", a, am, tp)
		}
		if !math.IsInf(am, 1) {
			near(t, "t-power = |t(t−1)| amari", tp, math.Abs(a*(a-1))*am, 1e-13)
		}
		if a > 0 && a != 1 {
			d := mustF(Renyi(p, q, a, Options{Base: math.E}))
			want := math.Expm1((a-1)*d) / (a * (a - 1))
			if !(math.IsInf(want, 1) && math.IsInf(am, 1)) && math.Abs(am-want) > 1e-9*(1+want) {
				t.Errorf("amari(%v) = %.17g, from Rényi %.17g", a, am, want)
			}
		}
	}
	near(t, "amari(1) = KL", mustF(FDivergenceAlpha("amari-alpha", p, q, 1, o)), mustF(KL(p, q, Options{Base: math.E})), 1e-12)
	near(t, "amari(0) = reverse KL", mustF(FDivergenceAlpha("amari-alpha", p, q, 0, o)), mustF(ReverseKL(p, q, Options{Base: math.E})), 1e-12)
}

func checkTerms(t *testing.T, p, q []float64, o Options) {
	t.Helper()
	names := append([]string{"entropy", "cross-entropy", "js"}, FDivergenceNames()...)
	for _, name := range names {
		terms, err := Terms(name, p, q, o)
		if err != nil {
			t.Fatal(err)
		}
		var want float64
		switch name {
		case "entropy":
			want = mustF(Entropy(p, o))
		case "cross-entropy":
			want = mustF(CrossEntropy(p, q, o))
		case "js":
			want = mustF(JensenShannon(p, q, o))
		default:
			want = mustF(FDivergence(name, p, q, o))
		}
		hasInf := false
		abs := 0.0
		for _, x := range terms {
			if math.IsNaN(x) {
				t.Fatalf("Terms(%s) has NaN: %v", name, terms)
			}
			if math.IsInf(x, 1) {
				hasInf = true
			}
			abs += math.Abs(x)
		}
		if hasInf != math.IsInf(want, 1) {
			t.Errorf("Terms(%s) infinite = %v, measure %v", name, hasInf, want)
			continue
		}
		if hasInf {
			continue
		}
		if got := sumOf(terms); math.Abs(got-want) > 1e-13*(abs+1e-300) {
			t.Errorf("Σ Terms(%s) = %.17g, measure %.17g", name, got, want)
		}
	}
}

func checkCompare(t *testing.T, p, q []float64, o Options) {
	t.Helper()
	c, err := Compare(p, q, o)
	if err != nil {
		t.Fatal(err)
	}
	eq := func(what string, got float64, f measure) {
		near(t, "Compare."+what, got, mustF(f(p, q, o)), 0)
	}
	eq("EntropyP", c.EntropyP, measures["Entropy(p)"])
	eq("EntropyQ", c.EntropyQ, func(_, q []float64, o Options) (float64, error) { return Entropy(q, o) })
	eq("CrossEntropy", c.CrossEntropy, CrossEntropy)
	eq("KL", c.KL, KL)
	eq("ReverseKL", c.ReverseKL, ReverseKL)
	eq("JensenShannon", c.JensenShannon, JensenShannon)
	eq("TotalVariation", c.TotalVariation, TotalVariation)
	eq("Hellinger", c.Hellinger, Hellinger)
	eq("SquaredHellinger", c.SquaredHellinger, SquaredHellinger)
	eq("ExtraBits", c.ExtraBits, func(p, q []float64, o Options) (float64, error) {
		o.Base = 2
		return KL(p, q, o)
	})
	kt, _ := Terms("kl", p, q, o)
	rt, _ := Terms("reverse-kl", p, q, o)
	for i := range p {
		if c.Terms[i] != kt[i] || c.ReverseTerms[i] != rt[i] {
			t.Fatalf("Compare terms differ from Terms at %d", i)
		}
		if c.CodeP[i] != -math.Log2(p[i]) || c.CodeQ[i] != -math.Log2(q[i]) || math.Signbit(c.CodeP[i]) {
			t.Fatalf("code lengths at %d: %v %v", i, c.CodeP[i], c.CodeQ[i])
		}
	}
	// Expected extra bits: Σ p (CodeQ − CodeP) = KL in bits.
	if !math.IsInf(c.ExtraBits, 1) {
		var d []float64
		for i := range p {
			if p[i] > 0 {
				d = append(d, p[i]*(c.CodeQ[i]-c.CodeP[i]))
			}
		}
		if got := sumOf(d); math.Abs(got-c.ExtraBits) > 1e-12*(1+c.ExtraBits) {
			t.Errorf("Σ p(CodeQ − CodeP) = %v, ExtraBits %v", got, c.ExtraBits)
		}
	}
}

// MI = KL(joint ‖ px ⊗ py) = H(X) + H(Y) − H(X,Y); H(Y|X) = H(X,Y) − H(X).
func TestJointProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for trial := range 200 {
		rows, cols := 1+r.IntN(6), 1+r.IntN(6)
		flat := randomProb(r, rows*cols, float64(trial%3)*0.2)
		joint := make([][]float64, rows)
		for i := range joint {
			joint[i] = flat[i*cols : (i+1)*cols]
		}
		px, py := marginals(joint)
		prod := make([]float64, 0, rows*cols)
		for i := range rows {
			for j := range cols {
				prod = append(prod, px[i]*py[j])
			}
		}
		mi := mustF(MutualInformation(joint, nat))
		hxy := mustF(JointEntropy(joint, nat))
		hyx := mustF(ConditionalEntropy(joint, nat))
		hx := mustF(Entropy(px, Options{Base: math.E, Normalize: true}))
		hy := mustF(Entropy(py, Options{Base: math.E, Normalize: true}))
		klv := mustF(KL(flat, prod, Options{Base: math.E, Normalize: true}))
		scale := 1 + hxy
		if math.Abs(mi-klv) > 1e-13*scale {
			t.Errorf("MI = %.17g, KL(joint‖product) = %.17g", mi, klv)
		}
		if math.Abs(mi-(hx+hy-hxy)) > 1e-13*scale {
			t.Errorf("MI = %.17g, H(X)+H(Y)−H(X,Y) = %.17g", mi, hx+hy-hxy)
		}
		if math.Abs(hyx-(hxy-hx)) > 1e-13*scale {
			t.Errorf("H(Y|X) = %.17g, H(X,Y)−H(X) = %.17g", hyx, hxy-hx)
		}
		if mi < 0 || mi > min(hx, hy)+1e-13 {
			t.Errorf("MI = %v outside [0, min(H(X),H(Y))]", mi)
		}
	}
}

func TestGenerator(t *testing.T) {
	ln := math.Log
	cases := []struct {
		name    string
		u, want float64
	}{
		{"kl", 2, 2 * ln(2)}, {"kl", 0, 0},
		{"reverse-kl", 2, -ln(2)}, {"reverse-kl", 0, math.Inf(1)},
		{"jeffreys", 3, 2 * ln(3)},
		{"jensen-shannon", 3, 0.5 * (3*ln(3) - 4*ln(2))}, {"jensen-shannon", 0, math.Ln2 / 2},
		{"total-variation", 3, 1}, {"total-variation", 0, 0.5},
		{"squared-hellinger", 4, 0.5}, {"squared-hellinger", 0, 0.5},
		{"pearson-chi2", 3, 4}, {"pearson-chi2", 0, 1},
		{"neyman-chi2", 2, 0.5}, {"neyman-chi2", 0, math.Inf(1)},
		{"triangular", 3, 1}, {"triangular", 0, 1},
		{"amari-alpha", 4, (2 - 1 - 0.5*3) / (0.5 * -0.5)}, {"amari-alpha", 0, 2},
		{"t-power", 4, -(2 - 1 - 0.5*3)}, {"t-power", 0, 0.5},
		{"log1p-abs", 4, 3}, {"log1p-abs", 0.25, 3}, {"log1p-abs", 0, math.Inf(1)},
		{"modified-gan", 3, ln(4) - ln(3) + 1 - ln(2)}, {"modified-gan", 0, math.Inf(1)},
		{"arithmetic-geometric", 4, 5 * ln(5.0/4)}, {"arithmetic-geometric", 0, math.Inf(1)},
	}
	for _, c := range cases {
		got, err := Generator(c.name, c.u)
		if err != nil {
			t.Errorf("%s(%v): %v", c.name, c.u, err)
			continue
		}
		near(t, c.name+" f(u)", got, c.want, 1e-15)
	}
	// f(1) = 0 for every generator, and f ≥ 0 for the self-normalised ones.
	for _, name := range FDivergenceNames() {
		if v, _ := Generator(name, 1); v != 0 {
			t.Errorf("%s: f(1) = %v", name, v)
		}
	}
	// Parametric: α = 2 amari is ½(u−1)² … (u² − 1 − 2(u−1))/2 = (u−1)²/2.
	v, err := GeneratorAlpha("amari-alpha", 3, 2)
	near(t, "amari α=2 f(3)", mustF(v, err), 2, 1e-15)
	v, err = GeneratorAlpha("t-power", 3, 2)
	near(t, "t-power t=2 f(3)", mustF(v, err), 4, 1e-15)
	v, err = GeneratorAlpha("amari-alpha", 3, 1)
	near(t, "amari α=1 f(3)", mustF(v, err), 3*ln(3)-2, 1e-15)
	v, err = GeneratorAlpha("amari-alpha", 3, 0)
	near(t, "amari α=0 f(3)", mustF(v, err), -ln(3)+2, 1e-15)
	// Continuity of amari-alpha across α = 1 and α = 0.
	for _, a := range []float64{1 - 1e-9, 1 + 1e-9} {
		v, err = GeneratorAlpha("amari-alpha", 3, a)
		near(t, "amari α≈1", mustF(v, err), 3*ln(3)-2, 1e-8)
	}
	for _, a := range []float64{-1e-9, 1e-9} {
		v, err = GeneratorAlpha("amari-alpha", 3, a)
		near(t, "amari α≈0", mustF(v, err), -ln(3)+2, 1e-8)
	}
	// Large arguments do not overflow needlessly.
	v, err = GeneratorAlpha("amari-alpha", 1e200, 1.5)
	near(t, "amari α=1.5 f(1e200)", mustF(v, err), (1e300-1-1.5*(1e200-1))/0.75, 1e-13)
	v, err = Generator("modified-gan", 1e-300)
	near(t, "modified-gan f(1e-300)", mustF(v, err), ln(1+1e-300)-ln(1e-300)+0.5*(1e-300-1)-ln(2), 1e-15)
	v, err = Generator("arithmetic-geometric", 1e-300)
	near(t, "arith-geo f(1e-300)", mustF(v, err), ln(0.5)+150*math.Ln10, 1e-15)
	// The parameter is ignored for non-parametric names.
	if _, err := GeneratorAlpha("kl", 1, math.NaN()); err != nil {
		t.Errorf("kl with NaN alpha: %v", err)
	}
	if _, err := FDivergenceAlpha("kl", []float64{1}, []float64{1}, math.NaN(), nat); err != nil {
		t.Errorf("FDivergenceAlpha kl with NaN alpha: %v", err)
	}
}

func TestNames(t *testing.T) {
	names := FDivergenceNames()
	want := []string{"kl", "reverse-kl", "jeffreys", "jensen-shannon", "total-variation",
		"squared-hellinger", "pearson-chi2", "neyman-chi2", "triangular", "amari-alpha",
		"t-power", "log1p-abs", "modified-gan", "arithmetic-geometric"}
	if len(names) != len(want) {
		t.Fatalf("names %v", names)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Errorf("names[%d] = %q, want %q", i, names[i], want[i])
		}
	}
	names[0] = "changed"
	if FDivergenceNames()[0] != "kl" {
		t.Error("FDivergenceNames shares its slice")
	}
	for _, g := range generators {
		if g.formula == "" {
			t.Errorf("%s has no formula", g.name)
		}
	}
	// Terms for entropy ignores q.
	terms, err := Terms("entropy", []float64{.5, .5}, nil, Options{Base: 2})
	if err != nil || terms[0] != 0.5 || terms[1] != 0.5 {
		t.Errorf("entropy terms = %v, %v", terms, err)
	}
	terms, err = Terms("cross-entropy", []float64{1, 0}, []float64{0.5, 0.5}, Options{Base: 2})
	if err != nil || terms[0] != 1 || terms[1] != 0 || math.Signbit(terms[1]) {
		t.Errorf("cross-entropy terms = %v, %v", terms, err)
	}
	terms, _ = Terms("cross-entropy", []float64{.5, .5}, []float64{1, 0}, nat)
	if !math.IsInf(terms[1], 1) {
		t.Errorf("cross-entropy term with q=0<p = %v", terms[1])
	}
}

func wantErr(t *testing.T, what string, err error, code input.Code, arg string) {
	t.Helper()
	var ie *input.Error
	if !errors.As(err, &ie) {
		t.Errorf("%s: error %v (%T), want *input.Error %s %q", what, err, err, code, arg)
		return
	}
	if ie.Code != code || ie.Arg != arg {
		t.Errorf("%s: error {%s %q %q}, want {%s %q}", what, ie.Code, ie.Arg, ie.Msg, code, arg)
	}
	if ie.Msg == "" {
		t.Errorf("%s: empty message", what)
	}
}

func TestErrors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	good := []float64{.5, .5}
	cases := []struct {
		name string
		p, q []float64
		o    Options
		code input.Code
		arg  string
	}{
		{"empty p", nil, good, nat, input.Empty, "p"},
		{"empty q", good, []float64{}, nat, input.Empty, "q"},
		{"NaN p", []float64{.5, nan}, good, nat, input.NotFinite, "p[1]"},
		{"Inf q", good, []float64{inf, .5}, nat, input.NotFinite, "q[0]"},
		{"-Inf p", []float64{.5, .5, math.Inf(-1)}, []float64{.5, .5, 0}, nat, input.NotFinite, "p[2]"},
		{"negative q", []float64{.5, .5, 0, 0}, []float64{.5, .5, .5, -.5}, nat, input.Negative, "q[3]"},
		{"negative p normalize", []float64{1, -1}, good, Options{Base: math.E, Normalize: true}, input.Negative, "p[1]"},
		{"length", good, []float64{.5, .25, .25}, nat, input.LengthMismatch, "q"},
		{"not normalized p", []float64{.5, .6}, good, nat, input.NotNormalized, "p"},
		{"not normalized q", good, []float64{.5, .5 + 2e-9}, nat, input.NotNormalized, "q"},
		{"zero sum normalize", []float64{0, 0}, good, Options{Base: math.E, Normalize: true}, input.NotNormalized, "p"},
		{"overflow normalize", []float64{1e308, 1e308}, good, Options{Base: math.E, Normalize: true}, input.NotFinite, "p"},
		{"base 1", good, good, Options{Base: 1}, input.BadBase, "base"},
		{"base -2", good, good, Options{Base: -2}, input.BadBase, "base"},
		{"base NaN", good, good, Options{Base: nan}, input.BadBase, "base"},
		{"base Inf", good, good, Options{Base: inf}, input.BadBase, "base"},
	}
	for _, c := range cases {
		for name, f := range measures {
			if name == "Entropy(p)" && (c.arg == "q" || len(c.arg) > 1 && c.arg[0] == 'q') {
				continue
			}
			_, err := f(c.p, c.q, c.o)
			wantErr(t, c.name+" "+name, err, c.code, c.arg)
		}
		_, err := FDivergence("triangular", c.p, c.q, c.o)
		wantErr(t, c.name+" FDivergence", err, c.code, c.arg)
		_, err = Terms("kl", c.p, c.q, c.o)
		wantErr(t, c.name+" Terms", err, c.code, c.arg)
		_, err = Compare(c.p, c.q, c.o)
		wantErr(t, c.name+" Compare", err, c.code, c.arg)
		_, err = Renyi(c.p, c.q, 2, c.o)
		wantErr(t, c.name+" Renyi", err, c.code, c.arg)
	}
	// Within the tolerance is fine.
	if _, err := KL([]float64{.5, .5 + 5e-10}, good, nat); err != nil {
		t.Errorf("Σ − 1 = 5e-10: %v", err)
	}
	// Entropy and Terms("entropy") validate p only.
	_, err := Entropy([]float64{2}, nat)
	wantErr(t, "Entropy", err, input.NotNormalized, "p")
	_, err = Entropy([]float64{1}, Options{Base: 0.0})
	wantErr(t, "Entropy, base 0", err, input.BadBase, "base")
	_, err = Entropy([]float64{1}, Options{Base: 1})
	wantErr(t, "Entropy base", err, input.BadBase, "base")
	_, err = Terms("entropy", []float64{-1, 2}, nil, nat)
	wantErr(t, "Terms entropy", err, input.Negative, "p[0]")
	_, err = Terms("cross-entropy", good, []float64{1}, nat)
	wantErr(t, "Terms cross-entropy", err, input.LengthMismatch, "q")

	// Rényi order.
	for _, a := range []float64{-1, -1e-300, nan, math.Inf(-1)} {
		_, err := Renyi(good, good, a, nat)
		wantErr(t, "Renyi alpha", err, input.OutOfRange, "alpha")
	}
	// Unknown names.
	_, err = FDivergence("kullback", good, good, nat)
	wantErr(t, "FDivergence name", err, input.UnknownName, "name")
	_, err = FDivergenceAlpha("", good, good, 1, nat)
	wantErr(t, "FDivergenceAlpha name", err, input.UnknownName, "name")
	_, err = Generator("nope", 1)
	wantErr(t, "Generator name", err, input.UnknownName, "name")
	_, err = Terms("nope", good, good, nat)
	wantErr(t, "Terms name", err, input.UnknownName, "name")
	// Parameters.
	_, err = FDivergenceAlpha("amari-alpha", good, good, nan, nat)
	wantErr(t, "amari alpha NaN", err, input.NotFinite, "alpha")
	_, err = FDivergenceAlpha("t-power", good, good, inf, nat)
	wantErr(t, "t-power t Inf", err, input.NotFinite, "alpha")
	_, err = GeneratorAlpha("amari-alpha", 1, nan)
	wantErr(t, "GeneratorAlpha NaN", err, input.NotFinite, "alpha")
	_, err = Generator("kl", -1)
	wantErr(t, "Generator u<0", err, input.OutOfRange, "u")
	_, err = Generator("kl", nan)
	wantErr(t, "Generator u NaN", err, input.NotFinite, "u")
	_, err = Generator("kl", inf)
	wantErr(t, "Generator u Inf", err, input.NotFinite, "u")
	// JS distance propagates errors.
	_, err = JensenShannonDistance(nil, good, nat)
	wantErr(t, "JSD", err, input.Empty, "p")
}

func TestJointErrors(t *testing.T) {
	nan := math.NaN()
	joints := []struct {
		name  string
		joint [][]float64
		o     Options
		code  input.Code
		arg   string
	}{
		{"no rows", nil, nat, input.Empty, "joint"},
		{"empty row", [][]float64{{}}, nat, input.Empty, "joint[0]"},
		{"empty first row", [][]float64{{}, {1}}, nat, input.Empty, "joint[0]"},
		{"ragged", [][]float64{{.25, .25}, {.25, .25}, {0}}, nat, input.Ragged, "joint[2]"},
		{"ragged longer", [][]float64{{.5}, {.25, .25}}, nat, input.Ragged, "joint[1]"},
		{"NaN", [][]float64{{.5, 0}, {nan, .5}}, nat, input.NotFinite, "joint[1][0]"},
		{"negative", [][]float64{{.5, -.5}, {.5, .5}}, nat, input.Negative, "joint[0][1]"},
		{"Inf", [][]float64{{math.Inf(1), 0}}, nat, input.NotFinite, "joint[0][0]"},
		{"not normalized", [][]float64{{.5, .5}, {.5, .5}}, nat, input.NotNormalized, "joint"},
		{"zero normalize", [][]float64{{0, 0}}, Options{Base: math.E, Normalize: true}, input.NotNormalized, "joint"},
		{"overflow normalize", [][]float64{{1e308, 1e308}}, Options{Base: math.E, Normalize: true}, input.NotFinite, "joint"},
		{"base", [][]float64{{1}}, Options{Base: 1}, input.BadBase, "base"},
	}
	fs := map[string]func([][]float64, Options) (float64, error){
		"MutualInformation": MutualInformation, "JointEntropy": JointEntropy, "ConditionalEntropy": ConditionalEntropy,
	}
	for _, c := range joints {
		for name, f := range fs {
			_, err := f(c.joint, c.o)
			wantErr(t, c.name+" "+name, err, c.code, c.arg)
		}
	}
}

// TestNoAllocs checks the hot paths allocate nothing on valid input.
func TestNoAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	p, q := randomProb(r, 1000, 0), randomProb(r, 1000, 0)
	for name, f := range map[string]func(){
		"KL":           func() { _, _ = KL(p, q, nat) },
		"Entropy":      func() { _, _ = Entropy(p, nat) },
		"CrossEntropy": func() { _, _ = CrossEntropy(p, q, Options{Base: 2}) },
	} {
		if a := testing.AllocsPerRun(10, f); a != 0 {
			t.Errorf("%s allocates %v times", name, a)
		}
	}
}

// The fast validator defers to core/input near the tolerance, so the
// decision is input's.
func TestValidationBoundary(t *testing.T) {
	for _, d := range []float64{1e-9 - 1e-13, 1e-9 + 1e-13, 1e-9, -1e-9 + 1e-13, -1e-9 - 1e-13} {
		p := []float64{0.5, 0.5 + d}
		_, errInput := input.Probabilities("p", p, false)
		_, err := Entropy(p, nat)
		if (err == nil) != (errInput == nil) {
			t.Errorf("Σ − 1 = %g: Entropy err %v, input err %v", d, err, errInput)
		}
	}
}

// P ≈ Q for the power-type measures: p = [½+e, ½−e], q = [½, ½], x = 2e.
// amari-alpha(α) = ½[(1+x)^α + (1−x)^α − 2]/(α(α−1))
//
//	= Σ_{k even ≥ 2} C(α,k) x^k/(α(α−1)) = x²/2 + (α−2)(α−3)x⁴/24 + …
//
// and Rényi D_α = ln(½[(1+x)^α + (1−x)^α])/(α−1) = ln1p(α(α−1)·amari)/(α−1).
func TestNearlyEqualPower(t *testing.T) {
	e := math.Ldexp(1, -20)
	x := 2 * e
	p, q := []float64{.5 + e, .5 - e}, []float64{.5, .5}
	for _, a := range []float64{-1, 0.5, 0.999, 1.000001, 2, 3, 7} {
		am := x*x/2 + (a-2)*(a-3)*x*x*x*x/24
		near(t, "amari(P≈Q)", mustF(FDivergenceAlpha("amari-alpha", p, q, a, nat)), am, 1e-13)
		if a > 0 {
			d := math.Log1p(a*(a-1)*am) / (a - 1)
			near(t, "Renyi(P≈Q)", mustF(Renyi(p, q, a, nat)), d, 1e-12)
		}
	}
	klv := mustF(KL(p, q, nat))
	for _, d := range []float64{1e-4, 1e-8, 1e-12} {
		// D_α = KL + (α−1)·Var_P(ln p/q)/2 + O((α−1)²); Var ≈ x² here.
		near(t, "Renyi(1−d)(P≈Q)", mustF(Renyi(p, q, 1-d, nat)), klv-d*x*x/2, 1e-9)
		near(t, "Renyi(1+d)(P≈Q)", mustF(Renyi(p, q, 1+d, nat)), klv+d*x*x/2, 1e-9)
	}
}

func TestFallbackPaths(t *testing.T) {
	tiny := 5e-324
	// MI with subnormal marginals: p/(px·py) overflows; I = −tiny·ln tiny.
	mi := mustF(MutualInformation([][]float64{{tiny, 0}, {0, 1}}, nat))
	if math.IsNaN(mi) || mi < 0 || mi > 1e-320 {
		t.Errorf("MI with subnormal marginals = %v", mi)
	}
	h := mustF(ConditionalEntropy([][]float64{{tiny, .5}, {0, .5}}, nat))
	if math.IsNaN(h) || h < 0 || h > 1e-320 {
		t.Errorf("H(Y|X) with a subnormal cell = %v", h)
	}
	// amari-alpha α = 3 with u = 1e200: q·u³ = p³/q² = 1e300 is finite
	// although exp(2·ln u) overflows: (1e300 − q − 3(p − q))/6.
	near(t, "amari(3) huge ratio", mustF(FDivergenceAlpha("amari-alpha", []float64{1e-100, 1}, []float64{1e-300, 1}, 3, nat)), 1e300/6, 1e-13)
	// Cross-entropy and entropy of subnormal probabilities use a correct log.
	near(t, "CrossEntropy subnormal q", mustF(CrossEntropy([]float64{1, 0}, []float64{1e-310, 1}, nat)), 310*math.Ln10, 1e-14)
	near(t, "ln(5e-324)", ln(tiny), -1074*math.Ln2, 1e-15)
	near(t, "Renyi(.5) subnormal", mustF(Renyi([]float64{1, tiny}, []float64{tiny, 1}, 0.5, nat)), -2*math.Log(2*math.Sqrt(tiny)), 1e-14)
	near(t, "Renyi(∞) subnormal", mustF(Renyi([]float64{1, tiny}, []float64{tiny, 1}, math.Inf(1), nat)), 1074*math.Ln2, 1e-15)
}

// Short vectors, the labs' size, get every term to full relative accuracy: KL
// within an ulp of mpmath's value (50 digits, of the binary inputs), in nats
// and in bits. With one log(p/q) per term, KL([1,0]‖[0.9,0.1]) read
// 0.15200309344505006 bits, four ulps high.
func TestShortKLToTheUlp(t *testing.T) {
	cases := []struct {
		p, q       []float64
		nats, bits float64
	}{
		{[]float64{1, 0}, []float64{0.9, 0.1}, 0.10536051565782627656, 0.15200309344504994937},
		{[]float64{0.5, 0.5}, []float64{0.9, 0.1}, 0.51082562376599064311, 0.73696559416620610858},
		{[]float64{0.3, 0.7}, []float64{0.35, 0.65}, 0.0056303765594277616696, 0.00812291634062389573},
		{[]float64{0.25, 0.25, 0.5}, []float64{0.2, 0.3, 0.5}, 0.010205498630063777763, 0.014723422263392121898},
		{[]float64{0.1, 0.2, 0.3, 0.4}, []float64{0.4, 0.3, 0.2, 0.1}, 0.45643481914678362868, 0.65849625007211562512},
	}
	ulps := func(got, want float64) float64 {
		return math.Abs(got-want) / (math.Nextafter(want, math.Inf(1)) - want)
	}
	for _, c := range cases {
		for _, u := range []struct {
			o    Options
			want float64
		}{{nat, c.nats}, {Options{Base: 2}, c.bits}} {
			got, err := KL(c.p, c.q, u.o)
			if err != nil {
				t.Fatal(err)
			}
			if e := ulps(got, u.want); e > 1 {
				t.Errorf("KL(%v‖%v), base %v = %.17g, want %.17g (%.1f ulps)", c.p, c.q, u.o.Base, got, u.want, e)
			}
		}
	}
	if got, _ := KL([]float64{1, 0}, []float64{0.9, 0.1}, Options{Base: 2}); got != 0.15200309344504995 {
		t.Errorf("the dog-vs-cat example reads %.17g bits, want 0.15200309344504995", got)
	}
}
