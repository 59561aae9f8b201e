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

// probRight returns p(x⁺) = lim_{y↓x} p(y): p(x) but at the jumps of the
// uniform, where it is the value on the right.
func (s Shape) probRight(x float64) float64 {
	if s.kind == kindUniform {
		if x >= -1 && x < 1 {
			return 0.5
		}
		return 0
	}
	return s.Prob(x)
}

// score returns (log p)'(x) = p'(x)/p(x) inside the support, where p is
// differentiable, and 0 outside it:
//
//	uniform 0,   triangular −sign(x)/(1 − |x|),   bump −4x/(1 − x²),   normal −x/σ²
func (s Shape) score(x float64) float64 {
	switch s.kind {
	case kindNormal:
		return -x / (NormalSigma * NormalSigma)
	case kindUniform:
		return 0
	}
	if !(x > -1 && x < 1) {
		return 0
	}
	if s.kind == kindTriangular {
		return -math.Copysign(1, x) / (1 - math.Abs(x))
	}
	return -4 * x / ((1 - x) * (1 + x))
}

// nearLeftEnd returns p((−1 + d)⁺) and the score (log p)'(−1 + d) of a
// bounded shape for 0 ≤ d ≤ 1, from the distance d to the left end of the
// support, which −1 + d would round away (at d = 0 the score is +Inf, but
// the uniform's 0):
//
//	uniform ½, 0;   triangular d, 1/d;   bump (15/16)·v², 4(1 − d)/v with v = d(2 − d) = 1 − x²
func (s Shape) nearLeftEnd(d float64) (p, score float64) {
	switch s.kind {
	case kindTriangular:
		return d, 1 / d
	case kindBump:
		v := d * (2 - d)
		return 15.0 / 16 * v * v, 4 * (1 - d) / v
	}
	return 0.5, 0
}

// nearEnd reports whether a point at distance u from an end of a bounded
// shape's support is taken from u (pairNearEnd): for u < ½, where the point
// itself would lose digits of u.
func (s Shape) nearEnd(u float64) bool { return s.Bounded() && u > 0 && u < 0.5 }

// pairNearEnd returns p and the score (log p)' of a bounded shape at the
// points −1 + u and −1 + u + a (0 < u ≤ 1, 0 ≤ a), from their distances to
// the left end of the support, which the points themselves would round
// away, and pn − pf. Where u + a ≤ 1 the difference is taken without
// cancellation: with v(u) = u(2 − u) = 1 − x²,
//
//	pn − pf = −a (triangular),   (15/16)(v(u) − v(u + a))(v(u) + v(u + a)), v(u) − v(u + a) = −a(2 − a − 2u) (bump);
//
// beyond, the far point is taken at distance 2 − a − u from the right end (p is
// symmetric), and 0 outside the support.
func (s Shape) pairNearEnd(u, a float64) (pn, pf, diff, scoreN, scoreF float64) {
	pn, scoreN = s.nearLeftEnd(u)
	if u+a > 1 {
		if r := (2 - a) - u; r > 0 {
			pf, scoreF = s.nearLeftEnd(r)
			scoreF = -scoreF
		}
		return pn, pf, pn - pf, scoreN, scoreF
	}
	pf, scoreF = s.nearLeftEnd(u + a)
	switch s.kind {
	case kindTriangular:
		diff = -a
	case kindBump:
		diff = -15.0 / 16 * a * (2 - a - 2*u) * (u*(2-u) + (u+a)*(2-a-u))
	}
	return pn, pf, diff, scoreN, scoreF
}

// qMinusP returns p(x − θ) − p(x) of a bounded shape for θ ≥ 0, without the
// cancellation of the difference (of order θ for small θ) where both points
// are inside the support:
//
//	triangular |x| − |x − θ|:  θ (x ≥ θ), −θ (x ≤ 0), 2x − θ between
//	bump       (15/16)·θ(2x − θ)·((1 − x²) + (1 − (x − θ)²))
//
// and by subtraction elsewhere (the uniform's values are exact).
func (s Shape) qMinusP(x, theta float64) float64 {
	y := x - theta
	if !(x > -1 && x < 1 && y > -1 && y < 1) || s.kind == kindUniform {
		return s.Prob(y) - s.Prob(x)
	}
	if s.kind == kindTriangular {
		switch {
		case x >= theta:
			return theta
		case x <= 0:
			return -theta
		}
		return 2*x - theta
	}
	return 15.0 / 16 * theta * (2*x - theta) * ((1-x)*(1+x) + (1-y)*(1+y))
}
