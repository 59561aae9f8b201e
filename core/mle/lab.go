package mle

import (
	"math"

	"github.com/klplayground/klplay/core/dist"
	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/estimate"
	"github.com/klplayground/klplay/core/input"
)

// Truth returns the data-generating distributions the lab offers, from two
// parameters a and b:
//
//	normal N(a, b), laplace(a, b), exponential(rate a), gamma(shape a, rate b),
//	mixture 0.35 N(−a, b) + 0.65 N(a, b), poisson(rate a)
//
// Errors: an unknown family (input.UnknownFamily, "truth"); parameters out of
// their family's range (from core/dist, e.g. "truth.sigma").
func Truth(family string, a, b float64) (dist.Dist, error) {
	var spec dist.Spec
	switch family {
	case "normal":
		spec = dist.Spec{"family": "normal", "mu": a, "sigma": b}
	case "laplace":
		spec = dist.Spec{"family": "laplace", "mu": a, "b": b}
	case "exponential":
		spec = dist.Spec{"family": "exponential", "rate": a}
	case "gamma":
		spec = dist.Spec{"family": "gamma", "shape": a, "rate": b}
	case "mixture":
		spec = dist.Spec{"family": "mixture", "weights": []any{0.35, 0.65}, "components": []any{
			map[string]any{"family": "normal", "mu": -a, "sigma": b},
			map[string]any{"family": "normal", "mu": a, "sigma": b},
		}}
	case "poisson":
		spec = dist.Spec{"family": "poisson", "rate": a}
	default:
		return nil, input.Errorf(input.UnknownFamily, "truth", "is %q; it must be normal, laplace, exponential, gamma, mixture or poisson", truncate(family))
	}
	d, err := dist.Parse(spec)
	if err != nil {
		var ie *input.Error
		if e, ok := err.(*input.Error); ok {
			ie = &input.Error{Code: e.Code, Arg: "truth." + e.Arg, Msg: e.Msg}
			return nil, ie
		}
		return nil, err
	}
	return d, nil
}

// Sample draws n values from d with the seeded generator of core/estimate:
// the same (d, n, seed) always gives the same values, and the first m values
// of a sample of size n are the sample of size m. Errors: n not in
// MinValues..MaxValues ("n").
func Sample(d dist.Dist, n int, seed uint64) ([]float64, error) {
	if n < MinValues || n > MaxValues {
		return nil, input.Errorf(input.OutOfRange, "n", "is %d; it must be between %d and %d", n, MinValues, MaxValues)
	}
	r := estimate.NewRand(seed)
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = d.Rand(r)
	}
	return xs, nil
}

// Reference is the P_data the divergence is measured from: the true
// distribution when the data were sampled from a density and the model is a
// density (Truth), else the data's histogram with Bins bins (categorical
// models: the data's exact frequencies).
type Reference struct {
	Truth dist.Dist // nil: use the histogram
	Bins  int       // 5..200
	// TruthH, when TruthHKnown, is H(Truth), computed once by the caller
	// (for a mixture it takes a quadrature) instead of at every call.
	TruthH      float64
	TruthHKnown bool
}

// Eval is the fit at one θ.
type Eval struct {
	Params    []float64 // the natural parameters (Model.Natural)
	NLL       float64   // −ℓ(θ) = −(1/n) Σ log p_θ(x_i), in nats
	KL        float64   // KL(P_data‖P_θ)
	H         float64   // H(P_data): the entropy of the reference (differential for the truth)
	Kind      string    // "truth", "bins" or "empirical"
	Method    string    // how KL was computed: closed-form, quadrature, series, or "binned"/"exact"
	BinnedNLL float64   // bins and empirical: −Σ_j p_j log q_j = H + KL exactly; truth: H + KL
}

// Evaluate returns the fit's measures at θ against the reference:
//
//   - truth: KL(P‖P_θ) by core/dist (closed form or quadrature) and H(P). The
//     mean NLL estimates the cross-entropy H(P, P_θ) = H(P) + KL(P‖P_θ), so
//     NLL − KL stays near the constant H(P) as θ moves.
//   - bins: P_data_j = n_j/n over the histogram's bins, Q_j = P_θ(bin j) (by
//     Simpson's rule on 8 panels per bin) plus one bin for the mass outside,
//     KL = Σ P_j log(P_j/Q_j) and H = −Σ P_j log P_j by core/divergence.
//     −Σ P_j log Q_j = H + KL exactly; the density's NLL is about that plus
//     log(bin width), so NLL − KL is again nearly constant.
//   - categorical models: the empirical frequencies f and q = softmax(θ):
//     NLL = H(f) + KL(f‖q) exactly.
func (m *Model) Evaluate(th []float64, ref Reference) (Eval, error) {
	if err := m.CheckTheta(th); err != nil {
		return Eval{}, err
	}
	ll, _ := m.LogLik(th)
	e := Eval{Params: m.Natural(th), NLL: -ll}
	if m.Family == Categorical {
		f := make([]float64, m.k)
		for v := range f {
			if v < len(m.d.Counts) {
				f[v] = m.d.Counts[v] / float64(m.d.N)
			}
		}
		q := e.Params
		var err error
		if e.KL, err = divergence.KL(f, q, divergence.Options{Normalize: true}); err != nil {
			return Eval{}, err
		}
		e.H, _ = divergence.Entropy(f, divergence.Options{Normalize: true})
		e.Kind, e.Method, e.BinnedNLL = "empirical", "exact", e.H+e.KL
		return e, nil
	}
	p, err := m.Dist(th)
	if err != nil {
		return Eval{}, err
	}
	if ref.Truth != nil && !ref.Truth.Discrete() {
		r, err := dist.KL(ref.Truth, p, dist.Options{})
		if err != nil {
			return Eval{}, err
		}
		h := ref.TruthH
		if !ref.TruthHKnown {
			hr, err := dist.Entropy(ref.Truth, dist.Options{})
			if err != nil {
				return Eval{}, err
			}
			h = hr.Value
		}
		e.KL, e.H, e.Kind, e.Method = r.Value, h, "truth", r.Method
		e.BinnedNLL = e.H + e.KL
		return e, nil
	}
	if ref.Bins < 5 || ref.Bins > 200 {
		return Eval{}, input.Errorf(input.OutOfRange, "bins", "is %d; it must be between 5 and 200", ref.Bins)
	}
	edges, counts, _ := m.d.Histogram(ref.Bins)
	k := len(counts)
	pj := make([]float64, k+1)
	qj := make([]float64, k+1)
	inside := 0.0
	for j := 0; j < k; j++ {
		pj[j] = counts[j] / float64(m.d.N)
		qj[j] = simpson(p, edges[j], edges[j+1])
		inside += qj[j]
	}
	if inside > 1 {
		for j := range qj {
			qj[j] /= inside
		}
		inside = 1
	}
	qj[k] = 1 - inside
	if qj[k] < 0 {
		qj[k] = 0
	}
	if e.KL, err = divergence.KL(pj, qj, divergence.Options{Normalize: true}); err != nil {
		return Eval{}, err
	}
	e.H, _ = divergence.Entropy(pj, divergence.Options{Normalize: true})
	e.Kind, e.Method, e.BinnedNLL = "bins", "binned", e.H+e.KL
	return e, nil
}

// simpson returns ∫_a^b p(x) dx by Simpson's rule on 8 panels.
func simpson(p dist.Dist, a, b float64) float64 {
	const n = 8
	h := (b - a) / n
	s := p.Prob(a) + p.Prob(b)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * p.Prob(a+float64(i)*h)
	}
	return max(0, s*h/3)
}

// Curve returns P_θ's density on n points over [lo, hi] (or, for a
// categorical model, its masses at 0..k−1, with xs those values).
func (m *Model) Curve(th []float64, lo, hi float64, n int) (xs, ys []float64, err error) {
	if err := m.CheckTheta(th); err != nil {
		return nil, nil, err
	}
	if m.Family == Categorical {
		q := m.Natural(th)
		xs = make([]float64, len(q))
		for i := range xs {
			xs[i] = float64(i)
		}
		return xs, q, nil
	}
	p, err := m.Dist(th)
	if err != nil {
		return nil, nil, err
	}
	return dist.Grid(p, lo, hi, n)
}

// StudyPoint is one sample size of Study.
type StudyPoint struct {
	N      int
	Params []float64 // the MLE from the first N values
	KL     float64   // KL(truth‖P_θ̂)
}

// Study fits the model by its closed form (or the gamma's numerical MLE) to
// the first m values of xs for m = 10, 20, 50, 100, … up to min(len(xs),
// 10⁵), and measures KL(truth‖P_θ̂) for each. For a well-specified model
// with d parameters the KL falls like d/(2m); for a misspecified one it
// levels off at the smallest KL the family can reach. It returns nil for a
// mixture (no closed form), a categorical model, or a discrete truth.
func Study(family string, truth dist.Dist, xs []float64) ([]StudyPoint, error) {
	if family == Mixture || family == Categorical || truth == nil || truth.Discrete() {
		return nil, nil
	}
	var out []StudyPoint
	limit := min(len(xs), 100_000)
	for _, m := range studySizes(limit) {
		d, err := NewData(xs[:m])
		if err != nil {
			return nil, err
		}
		mod, err := NewModel(family, d)
		if err != nil {
			return nil, err
		}
		th, _, ok := mod.ClosedForm()
		if !ok {
			continue
		}
		p, err := mod.Dist(th)
		if err != nil {
			continue
		}
		r, err := dist.KL(truth, p, dist.Options{})
		if err != nil {
			continue
		}
		out = append(out, StudyPoint{N: m, Params: mod.Natural(th), KL: r.Value})
	}
	return out, nil
}

func studySizes(limit int) []int {
	var out []int
	for dec := 10; dec <= limit; dec *= 10 {
		for _, f := range []int{1, 2, 5} {
			if m := dec * f; m <= limit {
				out = append(out, m)
			}
		}
	}
	if len(out) == 0 || out[len(out)-1] != limit {
		out = append(out, limit)
	}
	return out
}

// Range returns the interval the lab plots: the data's range widened by 8 %
// on each side (and clipped at 0 for data ≥ 0 that a positive family fits).
func (m *Model) Range() (lo, hi float64) {
	d := m.d
	w := d.Max - d.Min
	if w == 0 {
		w = 1
	}
	lo, hi = d.Min-0.08*w, d.Max+0.08*w
	if (m.Family == Exponential || m.Family == Gamma) && lo < 0 {
		lo = 0
	}
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		lo, hi = d.Min, d.Max
	}
	return lo, hi
}
