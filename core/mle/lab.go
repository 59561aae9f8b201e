package mle

import (
	"math"

	"github.com/klplayground/klplay/core/distribution"
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
// their family's range (from core/distribution, e.g. "truth.sigma").
func Truth(family string, a, b float64) (distribution.Dist, error) {
	var spec distribution.Spec
	switch family {
	case "normal":
		spec = distribution.Spec{"family": "normal", "mu": a, "sigma": b}
	case "laplace":
		spec = distribution.Spec{"family": "laplace", "mu": a, "b": b}
	case "exponential":
		spec = distribution.Spec{"family": "exponential", "rate": a}
	case "gamma":
		spec = distribution.Spec{"family": "gamma", "shape": a, "rate": b}
	case "mixture":
		spec = distribution.Spec{"family": "mixture", "weights": []any{0.35, 0.65}, "components": []any{
			map[string]any{"family": "normal", "mu": -a, "sigma": b},
			map[string]any{"family": "normal", "mu": a, "sigma": b},
		}}
	case "poisson":
		spec = distribution.Spec{"family": "poisson", "rate": a}
	default:
		return nil, input.Errorf(input.UnknownFamily, "truth", "is %q; it must be normal, laplace, exponential, gamma, mixture or poisson", truncate(family))
	}
	d, err := distribution.Parse(spec)
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
func Sample(d distribution.Dist, n int, seed uint64) ([]float64, error) {
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
	Truth distribution.Dist // nil: use the histogram
	Bins  int               // 5..200
	// TruthH, when TruthHKnown, is H(Truth), computed once by the caller
	// (for a mixture it takes a quadrature) instead of at every call.
	TruthH      float64
	TruthHKnown bool
}

// Eval is the fit at one θ. NLL, H and BinnedNLL are in the same units
// (nats per value, of a density for continuous models), so that
// BinnedNLL = H + KL exactly and NLL − KL = H + (NLL − BinnedNLL).
type Eval struct {
	Params []float64 // the natural parameters (Model.Natural)
	NLL    float64   // −ℓ(θ) = −(1/n) Σ log p_θ(x_i), in nats
	KL     float64   // KL(P_data‖P_θ)
	// H is the entropy of the reference, independent of θ and of the family:
	// truth: the differential entropy H(P); bins: the differential entropy of
	// the histogram's density, H(bins) + log w = −Σ_j P_j log(P_j/w);
	// empirical: the discrete entropy H(f) of the values' frequencies.
	H         float64
	Kind      string  // "truth", "bins" or "empirical"
	Method    string  // how KL was computed: closed-form, quadrature, series, or "binned"/"exact"
	BinnedNLL float64 // H + KL: truth: the cross-entropy H(P, P_θ); bins: −(1/n) Σ log(Q_bin(x_i)/w); empirical: NLL
}

// Evaluate returns the fit's measures at θ against the reference:
//
//   - truth: KL(P‖P_θ) by core/distribution (closed form or quadrature) and H(P). The
//     mean NLL is the sample mean of −log p_θ, whose expectation is the
//     cross-entropy H(P) + KL(P‖P_θ): NLL − KL = H(P) + ε(θ), ε the sampling
//     error of that mean (zero mean, of order 1/√n, different at each θ).
//   - bins: the histogram's k equal bins of width w, P_j = n_j/n, and the
//     model's masses Q_j = F_θ(e_{j+1}) − F_θ(e_j), exact differences of the
//     family's CDF (see logMass); the model's mass outside the bins meets
//     P = 0 and adds nothing. KL = Σ_j P_j log(P_j/Q_j), H = H(bins) + log w.
//     BinnedNLL = −Σ_j P_j log(Q_j/w) = H + KL for every θ and family: the
//     NLL of the data when each density value is replaced by the model's
//     mean density over its bin. The density's own NLL differs from it by
//     r(θ) = (1/n) Σ_i log((Q_j(i)/w)/p_θ(x_i)), which depends on θ and on
//     the family and vanishes as the bins narrow: NLL − KL = H + r(θ).
//   - categorical models: the empirical frequencies f and q = softmax(θ):
//     NLL = H(f) + KL(f‖q) exactly.
//
// Errors: θ of the wrong length or not finite ("theta"), bins not in
// 5..200 ("bins"); a KL or entropy core/distribution cannot compute.
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
		if e.KL, err = divergence.KL(f, q, divergence.Options{Base: math.E, Normalize: true}); err != nil {
			return Eval{}, err
		}
		e.H, _ = divergence.Entropy(f, divergence.Options{Base: math.E, Normalize: true})
		e.Kind, e.Method, e.BinnedNLL = "empirical", "exact", e.H+e.KL
		return e, nil
	}
	if ref.Truth != nil && !ref.Truth.Discrete() {
		p, err := m.Dist(th)
		if err != nil {
			return Eval{}, err
		}
		r, err := distribution.KL(ref.Truth, p, distribution.Options{Base: math.E})
		if err != nil {
			return Eval{}, err
		}
		h := ref.TruthH
		if !ref.TruthHKnown {
			hr, err := distribution.Entropy(ref.Truth, distribution.Options{Base: math.E})
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
	n := float64(m.d.N)
	logW := math.Log((edges[k] - edges[0]) / float64(k))
	var kl, h float64
	for j, c := range counts {
		if c == 0 {
			continue
		}
		pj := c / n
		kl += pj * (math.Log(pj) - m.logMass(th, edges[j], edges[j+1]))
		h -= pj * math.Log(pj)
	}
	// Σ_j Q_j ≤ 1 makes KL ≥ 0; only rounding can take it below.
	e.KL, e.H = max(0, kl), h+logW
	e.Kind, e.Method, e.BinnedNLL = "bins", "binned", e.H+e.KL
	return e, nil
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
	return distribution.Grid(p, lo, hi, n)
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
func Study(family string, truth distribution.Dist, xs []float64) ([]StudyPoint, error) {
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
		r, err := distribution.KL(truth, p, distribution.Options{Base: math.E})
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
