// Package gan is the model of the GANs and f-divergences lab: a fixed density P
// and its copy Q shifted by θ,
//
//	q(x) = p(x − θ),
//
// with every divergence between them as a function of θ. When P has bounded
// support, the supports separate once |θ| ≥ the support's width: from there on
// the Jensen–Shannon divergence sits at log 2 (the generator of the original
// GAN gets no gradient), KL and χ² are +Inf from the first nudge away from
// θ = 0, and the Wasserstein-1 distance keeps growing as |θ|.
//
// Divergences are integrated on the overlap of the supports (where p, q > 0)
// by adaptive Gauss–Kronrod quadrature, on panels cut at the support ends, the
// modes and the crossing point θ/2; the mass of one density where the other
// is zero enters through the generator's limits f(0) and f'(∞) (see
// divergence.Pointwise), so that a divergence is +Inf exactly when the
// support is not covered and its generator grows faster than linearly.
package gan

import (
	"math"
	"strings"

	"github.com/klplayground/klplay/core/input"
)

// NormalSigma is the standard deviation of the "normal" shape.
const NormalSigma = 0.5

// MaxAbsTheta bounds the shift |θ| every function accepts.
const MaxAbsTheta = 6

// Shape is a density P, symmetric about 0.
type Shape struct{ kind int }

const (
	kindUniform = iota
	kindTriangular
	kindBump
	kindNormal
)

var shapeNames = []string{"uniform", "triangular", "bump", "normal"}

// ShapeNames returns the shapes ShapeNamed knows:
//
//	uniform     p(x) = ½ on [−1, 1]
//	triangular  p(x) = 1 − |x| on [−1, 1]
//	bump        p(x) = (15/16)(1 − x²)² on [−1, 1] (a Beta(3, 3) on [−1, 1])
//	normal      p(x) = N(x; 0, NormalSigma²), for contrast: support the whole line
func ShapeNames() []string { return append([]string(nil), shapeNames...) }

// ShapeNamed returns the shape called name. Errors: an unknown name
// (input.UnknownName, argument "shape").
func ShapeNamed(name string) (Shape, error) {
	for i, n := range shapeNames {
		if n == name {
			return Shape{i}, nil
		}
	}
	return Shape{}, input.Errorf(input.UnknownName, "shape", "%q is not a shape; known shapes: %s", name, strings.Join(shapeNames, ", "))
}

// Name returns the shape's name.
func (s Shape) Name() string { return shapeNames[s.kind] }

// Bounded reports whether the support is a bounded interval ([−1, 1]).
func (s Shape) Bounded() bool { return s.kind != kindNormal }

// Support returns the support of P: [−1, 1], or (−Inf, +Inf) for the normal.
func (s Shape) Support() (lo, hi float64) {
	if s.Bounded() {
		return -1, 1
	}
	return math.Inf(-1), math.Inf(1)
}

// Width returns the length of the support of a bounded shape (2): the shift
// at and beyond which P and Q have disjoint supports. For the normal it is +Inf.
func (s Shape) Width() float64 {
	if s.Bounded() {
		return 2
	}
	return math.Inf(1)
}

// LogProb returns log p(x); −Inf outside the support (the ends included,
// where every bounded shape but the uniform is 0).
func (s Shape) LogProb(x float64) float64 {
	switch s.kind {
	case kindNormal:
		z := x / NormalSigma
		return -0.5*z*z - math.Log(NormalSigma) - 0.5*math.Log(2*math.Pi)
	case kindUniform:
		if x < -1 || x > 1 {
			return math.Inf(-1)
		}
		return -math.Ln2
	}
	return math.Log(s.Prob(x))
}

// Prob returns p(x).
func (s Shape) Prob(x float64) float64 {
	switch s.kind {
	case kindUniform:
		if x < -1 || x > 1 {
			return 0
		}
		return 0.5
	case kindTriangular:
		return math.Max(0, 1-math.Abs(x))
	case kindBump:
		if x <= -1 || x >= 1 {
			return 0
		}
		v := (1 - x) * (1 + x)
		return 15.0 / 16 * v * v
	}
	return math.Exp(s.LogProb(x))
}

// CDF returns F(x) = P(X ≤ x).
//
//	uniform     (x + 1)/2
//	triangular  (1 + x)²/2 for x ≤ 0, 1 − (1 − x)²/2 for x > 0
//	bump        ½ + (15/16)(x − 2x³/3 + x⁵/5)
//	normal      ½ erfc(−x/(σ√2))
//
// clamped to [0, 1] outside the support. Bounded shapes are computed from the
// nearer end (see tail), so that F keeps its digits near −1 and 1 − F near 1.
func (s Shape) CDF(x float64) float64 {
	if s.kind == kindNormal {
		return 0.5 * math.Erfc(-x/(NormalSigma*math.Sqrt2))
	}
	if x <= 0 {
		return s.tail(x + 1)
	}
	return 1 - s.tail(1-x)
}

// tail returns the mass of a bounded shape within h of an end of its support,
// F(−1 + h), 0 for h ≤ 0 and clamped at h = 2:
//
//	uniform     h/2
//	triangular  h²/2                              (h ≤ 1; 1 − (2 − h)²/2 beyond)
//	bump        h³(20 − 15h + 3h²)/16 = (15/16)(4h³/3 − h⁴ + h⁵/5)   ((1 − x²)² = t²(2 − t)², t = 1 + x)
func (s Shape) tail(h float64) float64 {
	if h <= 0 {
		return 0
	}
	h = math.Min(h, 2)
	switch s.kind {
	case kindUniform:
		return h / 2
	case kindTriangular:
		if h <= 1 {
			return h * h / 2
		}
		return 1 - (2-h)*(2-h)/2
	}
	if h > 1 {
		return 1 - s.tail(2-h)
	}
	return h * h * h * (20 + h*(-15+3*h)) / 16
}

// Survival returns 1 − F(x) = F(−x) (every shape is symmetric), accurate in
// the right tail.
func (s Shape) Survival(x float64) float64 { return s.CDF(-x) }

// landmarks appends the points where p is not smooth or peaks: the ends of
// the support and the mode.
func (s Shape) landmarks(dst []float64, shift float64) []float64 {
	dst = append(dst, shift)
	if s.Bounded() {
		dst = append(dst, shift-1, shift+1)
	}
	return dst
}
