package mle

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/klplayground/klplay/core/distribution"
	"github.com/klplayground/klplay/core/input"
)

func errOf(err error) (input.Code, string) {
	var ie *input.Error
	if errors.As(err, &ie) {
		return ie.Code, ie.Msg
	}
	return "", ""
}

func near(a, b, tol float64) bool { return a == b || math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

func TestParseData(t *testing.T) {
	good := []struct {
		text   string
		want   []float64
		header string
	}{
		{"1, 2.5\n3e2;4\n", []float64{1, 2.5, 300, 4}, ""},
		{"height_cm\n170\n\n182.5\r\n", []float64{170, 182.5}, "height_cm"},
		{"a,b\n1,2\n3,4", []float64{1, 2, 3, 4}, "a,b"},
		{"# a comment\n-1\t+2 # two\n.5", []float64{-1, 2, 0.5}, ""},
		{"1,,2,;3", []float64{1, 2, 3}, ""},
	}
	for _, g := range good {
		xs, h, err := ParseData(g.text)
		if err != nil || h != g.header || len(xs) != len(g.want) {
			t.Errorf("%q: %v %q %v", g.text, xs, h, err)
			continue
		}
		for i := range xs {
			if xs[i] != g.want[i] {
				t.Errorf("%q: %v", g.text, xs)
			}
		}
	}
	bad := []struct {
		text string
		code input.Code
		msg  string
	}{
		{"", input.Empty, "is empty"},
		{"  \n\t\n", input.Empty, "is empty"},
		{"# nothing", input.Empty, "holds no numbers"},
		{"1, x\n", input.WrongType, `line 1, column 4: "x" is not a number`},
		{"1\n2\nabc def", input.WrongType, `line 3, column 1: "abc" is not a number`},
		{"1,NaN", input.NotFinite, `line 1, column 3: "NaN" is not a finite number`},
		{"2\n  1e999", input.NotFinite, `line 2, column 3: "1e999" is not a finite number`},
		{"1\nInf", input.NotFinite, "line 2, column 1"},
		{"1,é\n2,ü", input.WrongType, `line 1, column 3: "é" is not a number`},
		{"1\n2,ü", input.WrongType, `line 2, column 3: "ü" is not a number`},
		{"1\n\xff", input.WrongType, "line 2, column 1"},
		{"12,34\nthis is a very long word indeed", input.WrongType, `"this" is not a number`},
		{"1\nsupercalifragilisticexpialidocious", input.WrongType, `"supercalifragilistic…"`},
	}
	for _, b := range bad {
		_, _, err := ParseData(b.text)
		code, msg := errOf(err)
		if code != b.code || !strings.Contains(msg, b.msg) {
			t.Errorf("%q: got %s %q, want %s containing %q", b.text, code, msg, b.code, b.msg)
		}
	}
	// Exactly 10⁶ values are accepted; one more is refused.
	big := strings.Repeat("1\n", MaxValues)
	if xs, _, err := ParseData(big); err != nil || len(xs) != MaxValues {
		t.Errorf("10⁶ values: %d, %v", len(xs), err)
	}
	if _, _, err := ParseData(big + "2"); func() input.Code { c, _ := errOf(err); return c }() != input.TooLarge {
		t.Errorf("10⁶ + 1 values: %v", err)
	}
	if _, _, err := ParseData(strings.Repeat(" ", MaxTextBytes+1)); func() input.Code { c, _ := errOf(err); return c }() != input.TooLarge {
		t.Errorf("huge text: %v", err)
	}
}

func FuzzParseData(f *testing.F) {
	for _, s := range []string{"1,2,3", "h\n1\n2", "1e999", "x", "", "# c\n1;2\t3", "\xff\xfe", "1,,\n,2", "-0.5e-3 .5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		xs, _, err := ParseData(text)
		if err != nil {
			if code, msg := errOf(err); code == "" || msg == "" {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if len(xs) == 0 || len(xs) > MaxValues {
			t.Fatalf("%d values", len(xs))
		}
		parts := make([]string, len(xs))
		for i, x := range xs {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("value %v", x)
			}
			parts[i] = strconv.FormatFloat(x, 'g', -1, 64)
		}
		// What was read, written back out, reads back the same.
		ys, _, err := ParseData(strings.Join(parts, "\n"))
		if err != nil || len(ys) != len(xs) {
			t.Fatalf("round trip: %v", err)
		}
		for i := range xs {
			if xs[i] != ys[i] {
				t.Fatalf("round trip %v vs %v", xs, ys)
			}
		}
		// And the data set built from it never panics.
		if d, err := NewData(xs); err == nil {
			for _, fam := range []string{Normal, Laplace, Exponential, Gamma, Mixture, Categorical} {
				m, err := NewModel(fam, d)
				if err != nil {
					continue
				}
				th, _, err := m.Ascend(m.Init(), 0.5, 3)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := m.Evaluate(th, Reference{Bins: 10}); err != nil {
					if c, _ := errOf(err); c == "" {
						t.Fatalf("untyped %v", err)
					}
				}
			}
		}
	})
}

func data(t *testing.T, xs ...float64) *Data {
	t.Helper()
	d, err := NewData(xs)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func model(t *testing.T, fam string, d *Data) *Model {
	t.Helper()
	m, err := NewModel(fam, d)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The closed forms on small data sets, worked by hand (gamma: mpmath findroot
// of log k − ψ(k) = log x̄ − mean log x at 30 digits).
func TestClosedForms(t *testing.T) {
	d := data(t, 4, 1, 3, 2)
	if d.Mean != 2.5 || d.Var != 1.25 || d.Median() != 2.5 || d.Min != 1 || d.Max != 4 {
		t.Errorf("%+v", d)
	}
	cases := []struct {
		fam  string
		d    *Data
		want []float64
		tol  float64
	}{
		{Normal, d, []float64{2.5, math.Sqrt(1.25)}, 1e-15},
		{Laplace, data(t, 1, 2, 3, 4, 10), []float64{3, 2.2}, 1e-15},
		{Exponential, data(t, 1, 2, 3), []float64{0.5}, 1e-15},
		{Categorical, data(t, 0, 0, 1, 2), []float64{0.5, 0.25, 0.25}, 1e-15},
		{Gamma, data(t, 0.5, 1, 2, 4), []float64{1.92277098722800783368, 1.02547785985493751130}, 1e-9},
	}
	for _, c := range cases {
		m := model(t, c.fam, c.d)
		th, method, ok := m.ClosedForm()
		if !ok || method == "" {
			t.Errorf("%s: no closed form", c.fam)
			continue
		}
		got := m.Natural(th)
		for i := range c.want {
			if !near(got[i], c.want[i], c.tol) {
				t.Errorf("%s: %v, want %v", c.fam, got, c.want)
			}
		}
		// Gradient ascent from the rough start reaches the same point.
		th2, lls, err := m.Ascend(m.Init(), 0.5, MaxSteps)
		if err != nil {
			t.Fatal(err)
		}
		fit := m.Natural(th2)
		for i := range c.want {
			if math.Abs(fit[i]-c.want[i]) > 1e-5*math.Max(1, c.want[i]) {
				t.Errorf("%s: ascent %v, closed form %v", c.fam, fit, c.want)
			}
		}
		llc, _ := m.LogLik(th)
		if lls[len(lls)-1] > llc+1e-9 {
			t.Errorf("%s: ascent beat the MLE: %v > %v", c.fam, lls[len(lls)-1], llc)
		}
	}
	if _, _, ok := model(t, Mixture, d).ClosedForm(); ok {
		t.Error("mixture has no closed form")
	}
	if _, _, ok := model(t, Normal, data(t, 3, 3)).ClosedForm(); ok {
		t.Error("no spread: σ = 0 is no fit")
	}
	if _, _, ok := model(t, Laplace, data(t, 3, 3)).ClosedForm(); ok {
		t.Error("no spread: b = 0 is no fit")
	}
	if _, _, ok := model(t, Gamma, data(t, 3, 3)).ClosedForm(); ok {
		t.Error("no spread: k = ∞ is no fit")
	}
}

// LogLik equals (1/n) Σ log p_θ(x) from core/distribution, and its gradient matches
// central differences, for every family.
func TestLogLikAndGradient(t *testing.T) {
	cont := data(t, 0.3, 1.7, 2.2, 0.9, 5.1, 3.3, 0.05, 2.8)
	disc := data(t, 0, 1, 1, 2, 4, 1, 0)
	thetas := map[string][]float64{
		Normal:      {1.1, 0.2},
		Laplace:     {2.0, -0.3}, // μ between data points: |x − μ| is smooth there
		Exponential: {-0.4},
		Gamma:       {0.3, -0.2},
		Mixture:     {0.4, 0.8, -0.5, 3.0, 0.1},
		Categorical: {0.1, -0.2, 0.5, 0, 1.2},
	}
	for fam, th := range thetas {
		d := cont
		if fam == Categorical {
			d = disc
		}
		m := model(t, fam, d)
		ll, g := m.LogLik(th)
		p, err := m.Dist(th)
		if err != nil {
			t.Fatal(err)
		}
		direct := 0.0
		for _, x := range d.X {
			direct += p.LogProb(x)
		}
		direct /= float64(d.N)
		if !near(ll, direct, 1e-12) {
			t.Errorf("%s: ℓ %v, Σ log p / n %v", fam, ll, direct)
		}
		for i := range th {
			h := 1e-6
			a := append([]float64(nil), th...)
			b := append([]float64(nil), th...)
			a[i] += h
			b[i] -= h
			la, _ := m.LogLik(a)
			lb, _ := m.LogLik(b)
			if fd := (la - lb) / (2 * h); math.Abs(fd-g[i]) > 1e-6 {
				t.Errorf("%s: ∂θ%d = %v, finite difference %v", fam, i, g[i], fd)
			}
		}
	}
}

func TestEvaluateIdentities(t *testing.T) {
	// Categorical: NLL = H(f) + KL(f‖q) exactly.
	m := model(t, Categorical, data(t, 0, 1, 1, 2, 2, 2))
	e, err := m.Evaluate([]float64{0.3, 0, -0.2}, Reference{})
	if err != nil {
		t.Fatal(err)
	}
	if !near(e.NLL, e.H+e.KL, 1e-14) || e.Kind != "empirical" || e.KL <= 0 {
		t.Errorf("%+v", e)
	}
	// At the MLE, KL to the empirical distribution is 0.
	th, _, _ := m.ClosedForm()
	e, _ = m.Evaluate(th, Reference{})
	if e.KL > 1e-14 || !near(e.NLL, e.H, 1e-14) {
		t.Errorf("at the MLE %+v", e)
	}

	// Truth N(0, 1), model N(μ, σ): KL = log σ + (1 + μ²)/(2σ²) − ½, H = ½ log 2πe.
	truth := distribution.Normal{Mu: 0, Sigma: 1}
	xs, _ := Sample(truth, 5000, 7)
	mn := model(t, Normal, data(t, xs...))
	e, err = mn.Evaluate([]float64{0.5, math.Log(2)}, Reference{Truth: truth})
	if err != nil {
		t.Fatal(err)
	}
	wantKL := math.Log(2) + 1.25/8 - 0.5
	if !near(e.KL, wantKL, 1e-14) || !near(e.H, 0.5*math.Log(2*math.Pi*math.E), 1e-14) || e.Kind != "truth" || e.Method != distribution.MethodClosedForm {
		t.Errorf("%+v, want KL %v", e, wantKL)
	}
	// The mean NLL is the sample estimate of H + KL: close for n = 5000.
	if math.Abs(e.NLL-(e.H+e.KL)) > 0.05 {
		t.Errorf("NLL %v vs H + KL %v", e.NLL, e.H+e.KL)
	}
	// The gap NLL − KL barely moves while θ moves a lot.
	e2, _ := mn.Evaluate([]float64{-1, math.Log(0.7)}, Reference{Truth: truth})
	if math.Abs((e.NLL-e.KL)-(e2.NLL-e2.KL)) > 0.05 || math.Abs(e.KL-e2.KL) < 0.3 {
		t.Errorf("gap %v vs %v (KL %v vs %v)", e.NLL-e.KL, e2.NLL-e2.KL, e.KL, e2.KL)
	}

	// Bins: −Σ p log(q/w) = H + KL exactly, and the density's NLL is close
	// to it when the bins are narrow next to σ (here w ≈ 0.19σ).
	eb, err := mn.Evaluate([]float64{0.2, 0}, Reference{Bins: 40})
	if err != nil {
		t.Fatal(err)
	}
	if eb.Kind != "bins" || math.Abs(eb.NLL-eb.BinnedNLL) > 0.01 {
		t.Errorf("bins %+v", eb)
	}
	if _, err := mn.Evaluate([]float64{0, 0}, Reference{Bins: 2}); err == nil {
		t.Error("2 bins accepted")
	}
	// A mixture against a mixture truth goes through quadrature.
	mix, _ := Truth("mixture", 2, 0.7)
	xs, _ = Sample(mix, 3000, 1)
	mm := model(t, Mixture, data(t, xs...))
	th2, _, _ := mm.Ascend(mm.Init(), 0.5, 1500)
	em, err := mm.Evaluate(th2, Reference{Truth: mix})
	if err != nil || em.KL > 0.01 || em.Method != distribution.MethodQuadrature {
		t.Errorf("mixture fit %+v %v (params %v)", em, err, mm.Natural(th2))
	}
}

func TestSampleStudyAndHistogram(t *testing.T) {
	truth, err := Truth("gamma", 2, 1.5)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := Sample(truth, 1000, 42)
	b, _ := Sample(truth, 100, 42)
	for i := range b {
		if a[i] != b[i] {
			t.Fatal("the first m values are the sample of size m")
		}
	}
	pts, err := Study(Gamma, truth, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 7 || pts[0].N != 10 || pts[6].N != 1000 {
		t.Fatalf("%+v", pts)
	}
	// Well specified: KL at n = 1000 is small (E ≈ d/2n = 0.001) and far below n = 10.
	if pts[6].KL > 0.01 || pts[6].KL > pts[0].KL {
		t.Errorf("KL %v at 10, %v at 1000", pts[0].KL, pts[6].KL)
	}
	if math.Abs(pts[6].Params[0]-2) > 0.3 {
		t.Errorf("shape %v", pts[6].Params)
	}
	// Misspecified: a normal fitted to gamma data levels off above 0.
	pn, _ := Study(Normal, truth, a)
	if pn[len(pn)-1].KL < 0.02 {
		t.Errorf("normal to gamma: %+v", pn[len(pn)-1])
	}
	if p, _ := Study(Mixture, truth, a); p != nil {
		t.Error("mixture has no study")
	}
	// Histogram: counts add up; integer data get one bin per value.
	d := data(t, a...)
	edges, counts, dens := d.Histogram(20)
	total, area := 0.0, 0.0
	for j := range counts {
		total += counts[j]
		area += dens[j] * (edges[j+1] - edges[j])
	}
	if total != 1000 || !near(area, 1, 1e-12) || len(edges) != 21 {
		t.Errorf("total %v area %v", total, area)
	}
	di := data(t, 0, 1, 1, 3)
	edges, counts, _ = di.Histogram(20)
	if len(counts) != 4 || counts[1] != 2 || counts[2] != 0 || edges[0] != -0.5 {
		t.Errorf("integer histogram %v %v", edges, counts)
	}
	_, counts, _ = data(t, 5.5, 5.5, 5.5).Histogram(10)
	if counts[0]+counts[9]+counts[4]+counts[5] != 3 {
		t.Errorf("constant data %v", counts)
	}
}

func TestErrors(t *testing.T) {
	d := data(t, -1, 0, 2.5)
	type c struct {
		name string
		err  error
		code input.Code
	}
	_, e1 := NewData(nil)
	_, e2 := NewData([]float64{1})
	_, e3 := NewData([]float64{1, math.NaN()})
	_, e4 := NewData(make([]float64, MaxValues+1))
	_, e5 := NewModel("cauchy", d)
	_, e6 := NewModel(Exponential, d)
	_, e7 := NewModel(Gamma, data(t, 0, 1))
	_, e8 := NewModel(Categorical, d)
	_, e9 := NewModel(Exponential, data(t, 0, 0))
	m := model(t, Normal, d)
	_, _, e10 := m.Ascend([]float64{0}, 0.1, 1)
	_, _, e11 := m.Ascend([]float64{0, math.Inf(1)}, 0.1, 1)
	_, _, e12 := m.Ascend([]float64{0, 0}, 0, 1)
	_, _, e13 := m.Ascend([]float64{0, 0}, 11, 1)
	_, _, e14 := m.Ascend([]float64{0, 0}, 0.1, MaxSteps+1)
	_, e15 := Truth("zipf", 1, 1)
	_, e16 := Truth("normal", 0, -1)
	_, e17 := Sample(distribution.Normal{Mu: 0, Sigma: 1}, 1, 0)
	_, e18 := m.Evaluate([]float64{0}, Reference{Bins: 10})
	_, _, e19 := m.Curve([]float64{0}, 0, 1, 10)
	for _, x := range []c{
		{"nil data", e1, input.Empty}, {"one value", e2, input.OutOfRange}, {"nan", e3, input.NotFinite},
		{"too many", e4, input.TooLarge}, {"family", e5, input.UnknownFamily}, {"exp negative", e6, input.OutOfRange},
		{"gamma zero", e7, input.OutOfRange}, {"categorical negative", e8, input.OutOfRange}, {"exp zeros", e9, input.OutOfRange},
		{"theta length", e10, input.LengthMismatch}, {"theta inf", e11, input.NotFinite}, {"lr 0", e12, input.OutOfRange},
		{"lr big", e13, input.OutOfRange}, {"steps", e14, input.OutOfRange}, {"truth family", e15, input.UnknownFamily},
		{"truth sigma", e16, input.OutOfRange}, {"n", e17, input.OutOfRange}, {"evaluate theta", e18, input.LengthMismatch},
		{"curve theta", e19, input.LengthMismatch},
	} {
		if code, _ := errOf(x.err); code != x.code {
			t.Errorf("%s: %v, want %s", x.name, x.err, x.code)
		}
	}
	var ie *input.Error
	if errors.As(e16, &ie); ie == nil || !strings.HasPrefix(ie.Arg, "truth.") {
		t.Errorf("truth error names %v", e16)
	}
}

func TestCurveNamesAndRange(t *testing.T) {
	d := data(t, 0, 1, 1, 2)
	for _, fam := range []string{Normal, Laplace, Exponential, Mixture, Categorical} {
		m := model(t, fam, d)
		if len(m.Names()) != len(m.Natural(m.Init())) || m.Len() != len(m.Init()) {
			t.Errorf("%s: names %v", fam, m.Names())
		}
		lo, hi := m.Range()
		xs, ys, err := m.Curve(m.Init(), lo, hi, 50)
		if err != nil || len(xs) != len(ys) || lo >= hi {
			t.Errorf("%s: curve %v %v", fam, err, lo)
		}
	}
	if model(t, Categorical, data(t, 0, 1, 12)).Names()[12] != "q₁₂" {
		t.Error("subscripts")
	}
	if lo, _ := model(t, Exponential, data(t, 0, 5)).Range(); lo != 0 {
		t.Errorf("exponential range starts at %v", lo)
	}
}

func TestReferenceEntropyGiven(t *testing.T) {
	truth := distribution.Normal{Mu: 0, Sigma: 1}
	xs, _ := Sample(truth, 200, 3)
	m := model(t, Normal, data(t, xs...))
	e1, _ := m.Evaluate([]float64{0.1, 0}, Reference{Truth: truth})
	e2, _ := m.Evaluate([]float64{0.1, 0}, Reference{Truth: truth, TruthH: e1.H, TruthHKnown: true})
	if e1.H != e2.H || e1.KL != e2.KL {
		t.Errorf("%+v vs %+v", e1, e2)
	}
	if !near(trigamma(1), math.Pi*math.Pi/6, 1e-12) || !near(trigamma(0.5), math.Pi*math.Pi/2, 1e-12) || !near(trigamma(10), 0.105166335681685746122, 1e-14) /* mpmath psi(1, 10) */ || !near(trigamma(6.5), 0.16628453574995823764, 1e-14) {
		t.Errorf("trigamma %v %v %v", trigamma(1), trigamma(0.5), trigamma(10))
	}
}

// TestCategoricalExtremeLogits: the categorical log-likelihood comes from the
// log-softmax, so a value whose q underflows to 0 still has its finite log q.
// Data 0, 0, 0, 1 and θ = (0, −800): log q = (−log(1 + e^−800), −800 − log(1 + e^−800)),
// so ℓ = ¾·0 + ¼·(−800) = −200 to double precision (e^−800 is below every ulp).
func TestCategoricalExtremeLogits(t *testing.T) {
	d, err := NewData([]float64{0, 0, 0, 1})
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(Categorical, d)
	if err != nil {
		t.Fatal(err)
	}
	ll, g := m.LogLik([]float64{0, -800})
	if ll != -200 {
		t.Errorf("ℓ = %v, want −200", ll)
	}
	if g[0] != -0.25 || g[1] != 0.25 {
		t.Errorf("∇ℓ = %v, want (f − q) = (−¼, ¼)", g)
	}
}
