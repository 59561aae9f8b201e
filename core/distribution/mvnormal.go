package distribution

import (
	"math"
	"math/rand/v2"

	"github.com/klplayground/klplay/core/fsum"
	"github.com/klplayground/klplay/core/input"
)

// MVNormalDiag is the multivariate normal N(Mu, diag(Sigma²)) with
// independent coordinates; Sigma holds standard deviations. It is the
// posterior and prior family of the VAE lab. Spec:
//
//	{"family": "mvnormal-diag", "mu": [...], "sigma": [...]}
type MVNormalDiag struct{ Mu, Sigma []float64 }

// ParseMVNormalDiag builds an MVNormalDiag from its spec: mu and sigma are
// arrays of the same length (1 to MaxDim), finite, with every sigma > 0.
// Errors are *input.Error as for Parse ("sigma[2]", input.LengthMismatch on
// "sigma", input.UnknownFamily or input.Invalid when the family is not
// "mvnormal-diag").
func ParseMVNormalDiag(spec Spec) (*MVNormalDiag, error) {
	fam, err := familyOf(spec, "")
	if err != nil {
		return nil, err
	}
	if fam != "mvnormal-diag" {
		return nil, input.Errorf(input.Invalid, "family", "is %q; expected \"mvnormal-diag\"", fam)
	}
	rd := reader{spec: spec}
	d := &MVNormalDiag{Mu: rd.nums("mu", MaxDim), Sigma: rd.nums("sigma", MaxDim)}
	if rd.err != nil {
		return nil, rd.err
	}
	if err := d.check(""); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *MVNormalDiag) check(prefix string) error {
	switch {
	case len(d.Mu) == 0:
		return input.Errorf(input.Empty, prefix+"mu", "is empty; it needs at least one entry")
	case len(d.Mu) > MaxDim:
		return input.Errorf(input.TooLarge, prefix+"mu", "has %d entries; at most %d are allowed", len(d.Mu), MaxDim)
	case len(d.Sigma) != len(d.Mu):
		return input.Errorf(input.LengthMismatch, prefix+"sigma", "has %d entries but mu has %d", len(d.Sigma), len(d.Mu))
	}
	for i := range d.Mu {
		if err := input.Finite(idx(prefix+"mu", i), d.Mu[i]); err != nil {
			return err
		}
		if err := input.Positive(idx(prefix+"sigma", i), d.Sigma[i]); err != nil {
			return err
		}
	}
	return nil
}

// Family returns "mvnormal-diag".
func (d *MVNormalDiag) Family() string { return "mvnormal-diag" }

// Dim returns the dimension.
func (d *MVNormalDiag) Dim() int { return len(d.Mu) }

// LogProb returns log p(x) = Σᵢ [−(xᵢ−μᵢ)²/(2σᵢ²) − log σᵢ − ½ log 2π];
// it is NaN when len(x) ≠ Dim().
func (d *MVNormalDiag) LogProb(x []float64) float64 {
	if len(x) != len(d.Mu) {
		return math.NaN()
	}
	var a fsum.Acc
	for i, xi := range x {
		z := (xi - d.Mu[i]) / d.Sigma[i]
		a.Add(-0.5*z*z - math.Log(d.Sigma[i]) - logSqrt2Pi)
	}
	return a.Value()
}

// Rand draws a sample into dst (allocated when nil or too short) and returns
// it: xᵢ = μᵢ + σᵢ zᵢ with zᵢ standard normal.
func (d *MVNormalDiag) Rand(r *rand.Rand, dst []float64) []float64 {
	if len(dst) < len(d.Mu) {
		dst = make([]float64, len(d.Mu))
	}
	dst = dst[:len(d.Mu)]
	for i := range dst {
		dst[i] = d.Mu[i] + d.Sigma[i]*r.NormFloat64()
	}
	return dst
}

// Mean returns a copy of μ.
func (d *MVNormalDiag) Mean() []float64 { return append([]float64(nil), d.Mu...) }

// Variance returns the diagonal of the covariance, σᵢ².
func (d *MVNormalDiag) Variance() []float64 {
	v := make([]float64, len(d.Sigma))
	for i, s := range d.Sigma {
		v[i] = s * s
	}
	return v
}

// Entropy returns H = Σᵢ ½ log(2πe σᵢ²).
func (d *MVNormalDiag) Entropy() float64 {
	var a fsum.Acc
	for _, s := range d.Sigma {
		a.Add(0.5 + logSqrt2Pi + math.Log(s))
	}
	return a.Value()
}

// Spec returns the spec of d.
func (d *MVNormalDiag) Spec() Spec {
	mu, sg := make([]any, len(d.Mu)), make([]any, len(d.Sigma))
	for i := range d.Mu {
		mu[i], sg[i] = d.Mu[i], d.Sigma[i]
	}
	return Spec{"family": "mvnormal-diag", "mu": mu, "sigma": sg}
}

// KLMVNormalDiag returns the closed form
//
//	KL(P‖Q) = Σᵢ [log(σqᵢ/σpᵢ) + (σpᵢ² + (μpᵢ − μqᵢ)²)/(2σqᵢ²) − ½],
//
// the sum of the coordinates' normal‖normal divergences (each computed
// without cancellation near σp = σq). Both are checked; a dimension mismatch
// is an input.LengthMismatch error on "q".
func KLMVNormalDiag(p, q *MVNormalDiag) (float64, error) {
	if err := checkMV(p, q); err != nil {
		return 0, err
	}
	var a fsum.Acc
	for i := range p.Mu {
		a.Add(klNormal(p.Mu[i], p.Sigma[i], q.Mu[i], q.Sigma[i]))
	}
	return a.Value(), nil
}

func checkMV(p, q *MVNormalDiag) error {
	if p == nil {
		return input.Errorf(input.Invalid, "p", "is missing")
	}
	if q == nil {
		return input.Errorf(input.Invalid, "q", "is missing")
	}
	if err := p.check("p."); err != nil {
		return err
	}
	if err := q.check("q."); err != nil {
		return err
	}
	if len(p.Mu) != len(q.Mu) {
		return input.Errorf(input.LengthMismatch, "q", "has dimension %d but p has %d; they must be equal", len(q.Mu), len(p.Mu))
	}
	return nil
}
