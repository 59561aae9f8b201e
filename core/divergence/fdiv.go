package divergence

import (
	"math"
	"strings"

	"github.com/klplayground/klplay/core/fsum"
	"github.com/klplayground/klplay/core/input"
)

// DefaultAlpha is the parameter FDivergence, Generator and Terms use for the
// parametric f-divergences "amari-alpha" (α) and "t-power" (t). At 0.5 both
// are multiples of the squared Hellinger distance.
const DefaultAlpha = 0.5

// generator describes a Csiszár function f (convex, f(1) = 0) and how to
// evaluate D_f(P‖Q) = Σ_i q_i f(p_i/q_i) term by term.
type generator struct {
	name    string
	formula string
	log     bool    // built from logarithms: the base applies
	param   bool    // takes the parameter α (or t)
	hi      float64 // upper bound of D_f on normalised input (+Inf if none)
	// term returns q·f(p/q) for p, q > 0, computed stably from p and q.
	term func(p, q, a float64) float64
	// f0 returns f(0) = lim_{u→0+} f(u): the term of a cell with p = 0 < q is q·f0.
	f0 func(a float64) float64
	// slope returns f'(∞) = lim_{u→∞} f(u)/u: the term of a cell with q = 0 < p is p·slope.
	slope func(a float64) float64
}

func konst(c float64) func(float64) float64 { return func(float64) float64 { return c } }

var inf = math.Inf(1)

var (
	genKL = &generator{
		name: "kl", formula: "f(u) = u log u", log: true, hi: inf,
		term:  func(p, q, _ float64) float64 { return p * logRatioAcc(p, q) },
		f0:    konst(0),
		slope: konst(inf),
	}
	genReverseKL = &generator{
		name: "reverse-kl", formula: "f(u) = −log u", log: true, hi: inf,
		term:  func(p, q, _ float64) float64 { return q * logRatioAcc(q, p) },
		f0:    konst(inf),
		slope: konst(0),
	}
	genJeffreys = &generator{
		name: "jeffreys", formula: "f(u) = (u − 1) log u", log: true, hi: inf,
		term:  func(p, q, _ float64) float64 { return (p - q) * logRatioAcc(p, q) },
		f0:    konst(inf),
		slope: konst(inf),
	}
	genJS = &generator{
		name: "jensen-shannon", formula: "f(u) = ½[u log u − (u + 1) log((u + 1)/2)]", log: true, hi: math.Ln2,
		term:  func(p, q, _ float64) float64 { return jsTerm(p, q) },
		f0:    konst(math.Ln2 / 2),
		slope: konst(math.Ln2 / 2),
	}
	genTV = &generator{
		name: "total-variation", formula: "f(u) = ½|u − 1|", hi: 1,
		term:  func(p, q, _ float64) float64 { return 0.5 * math.Abs(p-q) },
		f0:    konst(0.5),
		slope: konst(0.5),
	}
	genSqHellinger = &generator{
		name: "squared-hellinger", formula: "f(u) = ½(√u − 1)²", hi: 1,
		term: func(p, q, _ float64) float64 {
			// √p − √q = (p − q)/(√p + √q): no cancellation when p ≈ q.
			d := (p - q) / (math.Sqrt(p) + math.Sqrt(q))
			return 0.5 * d * d
		},
		f0:    konst(0.5),
		slope: konst(0.5),
	}
	genPearson = &generator{
		name: "pearson-chi2", formula: "f(u) = (u − 1)²", hi: inf,
		term: func(p, q, _ float64) float64 {
			d := p - q
			return d * (d / q)
		},
		f0:    konst(1),
		slope: konst(inf),
	}
	genNeyman = &generator{
		name: "neyman-chi2", formula: "f(u) = (1 − u)²/u", hi: inf,
		term: func(p, q, _ float64) float64 {
			d := p - q
			return d * (d / p)
		},
		f0:    konst(inf),
		slope: konst(1),
	}
	genTriangular = &generator{
		name: "triangular", formula: "f(u) = (u − 1)²/(u + 1)", hi: 2,
		term: func(p, q, _ float64) float64 {
			d := p - q
			return d * (d / (p + q))
		},
		f0:    konst(1),
		slope: konst(1),
	}
	genAmari = &generator{
		name: "amari-alpha", formula: "f(u) = [u^α − 1 − α(u − 1)]/(α(α − 1)); α = 1: u log u − u + 1; α = 0: −log u + u − 1", param: true, hi: inf,
		term: amariTerm,
		f0: func(a float64) float64 {
			if a > 0 {
				return 1 / a
			}
			return inf
		},
		slope: func(a float64) float64 {
			if a < 1 {
				return 1 / (1 - a)
			}
			return inf
		},
	}
	genTPower = &generator{
		name: "t-power", formula: "f(u) = s[u^t − 1 − t(u − 1)], s = −1 for 0 < t < 1, else +1", param: true, hi: inf,
		term: func(p, q, t float64) float64 {
			if t == 0 || t == 1 {
				return 0
			}
			return math.Abs(t*(t-1)) * amariTerm(p, q, t)
		},
		f0: func(t float64) float64 {
			switch {
			case t == 0 || t == 1:
				return 0
			case t > 0:
				return math.Abs(t - 1)
			}
			return inf
		},
		slope: func(t float64) float64 {
			switch {
			case t == 1:
				return 0
			case t > 1:
				return inf
			}
			return math.Abs(t)
		},
	}
	genLog1pAbs = &generator{
		name: "log1p-abs", formula: "f(u) = u^sign(u − 1) − 1 = max(u, 1/u) − 1", hi: inf,
		term: func(p, q, _ float64) float64 {
			if p >= q {
				return p - q
			}
			return (q - p) * (q / p)
		},
		f0:    konst(inf),
		slope: konst(1),
	}
	genModifiedGAN = &generator{
		name: "modified-gan", formula: "f(u) = log(1 + u) − log u + ½(u − 1) − log 2", log: true, hi: inf,
		term: func(p, q, _ float64) float64 {
			// q·log((p+q)/(2p)) + ½(p − q) = p[(1+2y)·log1p(y) − y], y = (q−p)/(2p).
			y := (q - p) / (2 * p)
			if y > 1e290 {
				return q*(ln(p+q)-ln(2*p)) + 0.5*(p-q)
			}
			return p * ((1+2*y)*math.Log1p(y) - y)
		},
		f0:    konst(inf),
		slope: konst(0.5),
	}
	genArithGeo = &generator{
		name: "arithmetic-geometric", formula: "f(u) = (1 + u) log((1 + u)/(2√u))", log: true, hi: inf,
		term: func(p, q, _ float64) float64 {
			// (p+q)/(2√(pq)) = cosh(½ log(p/q)).
			return (p + q) * logCosh(0.5*logRatioAcc(p, q))
		},
		f0:    konst(inf),
		slope: konst(inf),
	}
)

// generators lists the f-divergences in the order FDivergenceNames reports.
var generators = []*generator{
	genKL, genReverseKL, genJeffreys, genJS, genTV, genSqHellinger, genPearson,
	genNeyman, genTriangular, genAmari, genTPower, genLog1pAbs, genModifiedGAN, genArithGeo,
}

func lookup(name string) (*generator, error) {
	for _, g := range generators {
		if g.name == name {
			return g, nil
		}
	}
	return nil, input.Errorf(input.UnknownName, "name", "%q is not an f-divergence; known names: %s", name, strings.Join(FDivergenceNames(), ", "))
}

// amariTerm returns q·f_α(p/q) for the self-normalised Amari α-function,
// f_α(u) = [u^α − 1 − α(u − 1)]/(α(α − 1)), for p, q > 0: gAlpha divided by
// α(α − 1), with the limits α = 1 (q·φ(p/q), KL's kernel) and α = 0
// (p·φ(q/p), reverse KL's). gAlpha carries the factor α(α − 1) to full
// relative accuracy, so the quotient is continuous across α = 0 and α = 1.
func amariTerm(p, q, a float64) float64 {
	switch a {
	case 1:
		return klTerm(p, q)
	case 0:
		return klTerm(q, p)
	}
	return gAlpha(p, q, a) / a / (a - 1)
}

// gAlpha returns q·[u^α − 1 − α(u − 1)], u = p/q, for p, q > 0: the
// non-negative (for α ∉ (0, 1); non-positive inside) kernel shared by the
// Amari, t-power and Rényi computations. Near u = 1 it is the binomial series
// q·Σ_{k≥2} C(α, k)(u − 1)^k, free of cancellation; elsewhere
// p·expm1((α−1)L) − (α−1)(p − q) with L = log(p/q), or, for |α| < ½,
// q·expm1(αL) − α(p − q), the form whose two parts both carry the factor that
// vanishes; exp(·) of a large argument is taken in log space when its product
// with p or q is still finite.
func gAlpha(p, q, a float64) float64 {
	if p == q {
		return 0
	}
	if p >= 0.5*q && p <= 2*q {
		x := (p - q) / q // p − q is exact here
		if math.Abs(x) < 0.1 && math.Abs((a-1)*x) < 0.2 {
			// term_{k+1}/term_k = (α − k)/(k + 1)·x, below 0.2 in modulus.
			term := (a * x) * ((a - 1) * x) / 2 // C(α, 2)·x², no overflow for huge α
			sum := term
			for k := 2; k < 60 && math.Abs(term) > 1e-17*math.Abs(sum); k++ {
				term *= (a - float64(k)) / float64(k+1) * x
				sum += term
			}
			return q * sum
		}
	}
	L := logRatioAcc(p, q)
	if math.Abs(a) < 0.5 {
		return wExpm1(q, a*L) - a*(p-q)
	}
	return wExpm1(p, (a-1)*L) - (a-1)*(p-q)
}

// wExpm1 returns w·expm1(x) for w > 0 without the intermediate overflow of
// exp(x) when w·exp(x) is finite.
func wExpm1(w, x float64) float64 {
	if x > 700 {
		return math.Exp(ln(w)+x) - w
	}
	return w * math.Expm1(x)
}

// sumTerms returns D_f(P‖Q) = Σ_i q_i f(p_i/q_i) in nats for validated p, q,
// with the limits q·f(0) for p = 0 < q and p·f'(∞) for q = 0 < p, 0 where both
// are 0, clamped to [0, g.hi]. It stops at the first +Inf term.
func sumTerms(p, q []float64, g *generator, a float64) float64 {
	q = q[:len(p)]
	var s fsum.Acc
	for i, pi := range p {
		t := cellTerm(pi, q[i], g, a)
		if math.IsInf(t, 1) {
			return inf
		}
		s.Add(t)
	}
	return clamp(s.Value(), 0, g.hi)
}

// cellTerm returns the contribution q·f(p/q) of one cell, in nats.
func cellTerm(p, q float64, g *generator, a float64) float64 {
	switch {
	case p == 0 && q == 0:
		return 0
	case p == 0:
		return q * g.f0(a)
	case q == 0:
		return p * g.slope(a)
	}
	return g.term(p, q, a)
}

// FDivergenceNames returns the names FDivergence, Generator and Terms know, in
// a fixed order: kl, reverse-kl, jeffreys, jensen-shannon, total-variation,
// squared-hellinger, pearson-chi2, neyman-chi2, triangular, amari-alpha,
// t-power, log1p-abs, modified-gan, arithmetic-geometric.
func FDivergenceNames() []string {
	names := make([]string, len(generators))
	for i, g := range generators {
		names[i] = g.name
	}
	return names
}

// FDivergence returns the Csiszár f-divergence
//
//	D_f(P‖Q) = Σ_i q_i f(p_i / q_i)
//
// for the generator f called name (see FDivergenceNames; the functions are
// those of TensorFlow Probability's tfp.vi Csiszár functions, with the changes
// noted below). Cells where q_i = 0 take the limits: q_i = 0 < p_i contributes
// p_i·f'(∞) with f'(∞) = lim_{u→∞} f(u)/u (+Inf for kl, jeffreys, pearson-chi2,
// arithmetic-geometric and amari-alpha with α ≥ 1; finite for the others:
// ½ for total-variation and squared-hellinger, ½ log 2 for jensen-shannon,
// 1 for neyman-chi2, triangular and log1p-abs); p_i = 0 < q_i contributes
// q_i·f(0), which is +Inf for reverse-kl, jeffreys, neyman-chi2, log1p-abs,
// modified-gan and arithmetic-geometric; cells where both are 0 contribute 0.
//
// The generators, each convex with f(1) = 0:
//
//	kl                    u log u                          = KL
//	reverse-kl            −log u                           = ReverseKL
//	jeffreys              (u − 1) log u                    = Jeffreys (tfp halves it; here it is KL + reverse KL)
//	jensen-shannon        ½[u log u − (u+1) log((u+1)/2)]  = JensenShannon (tfp's function halved, so the value is JS ∈ [0, log 2])
//	total-variation       ½|u − 1|                         = TotalVariation
//	squared-hellinger     ½(√u − 1)²                       = SquaredHellinger = 1 − Σ√(pq) (tfp omits the ½)
//	pearson-chi2          (u − 1)²                         = PearsonChi2
//	neyman-chi2           (1 − u)²/u                       = NeymanChi2
//	triangular            (u − 1)²/(u + 1)                 Σ (p−q)²/(p+q), in [0, 2]
//	amari-alpha           [u^α − 1 − α(u−1)]/(α(α−1))      (self-normalised; α = 1 gives KL, α = 0 reverse KL)
//	t-power               s[u^t − 1 − t(u − 1)]            s = −1 for 0 < t < 1, else +1 (self-normalised) = |t(t−1)|·amari-alpha(t)
//	log1p-abs             u^sign(u−1) − 1                  = max(u, 1/u) − 1
//	modified-gan          log(1+u) − log u + ½(u−1) − log 2 (tfp's self-normalised function minus log 2, so that f(1) = 0)
//	arithmetic-geometric  (1 + u) log((1 + u)/(2√u))       = KL(M‖P) + KL(M‖Q), M = (P+Q)/2
//
// The parametric generators amari-alpha and t-power use DefaultAlpha here;
// FDivergenceAlpha takes the parameter. The self-normalised forms
// (f'(1) = 0) give the same divergence as tfp's default forms on normalised
// input, and make every term ≥ 0.
//
// Units: o.Base applies to the generators built from logarithms (kl,
// reverse-kl, jeffreys, jensen-shannon, modified-gan, arithmetic-geometric);
// the others are not logarithms and ignore it. For the names with a dedicated
// function FDivergence returns exactly what that function returns. Results
// are clamped to [0, bound] (bound log 2, 1, 1, 2 for jensen-shannon,
// total-variation, squared-hellinger, triangular).
//
// Errors: an unknown name (input.UnknownName, argument "name"), and those of
// KL.
func FDivergence(name string, p, q []float64, o Options) (float64, error) {
	return FDivergenceAlpha(name, p, q, DefaultAlpha, o)
}

// FDivergenceAlpha is FDivergence with the parameter of the parametric
// generators: α for "amari-alpha", t for "t-power"; any finite real is
// allowed. For the other names alpha is ignored (not even checked), so a
// control can pass it always. A NaN or infinite alpha for a parametric name is
// an input.NotFinite error naming "alpha".
func FDivergenceAlpha(name string, p, q []float64, alpha float64, o Options) (float64, error) {
	g, err := lookup(name)
	if err != nil {
		return 0, err
	}
	p, q, k, err := pair(p, q, o)
	if err != nil {
		return 0, err
	}
	if g.param {
		if err := input.Finite("alpha", alpha); err != nil {
			return 0, err
		}
	}
	v := fdiv(g, p, q, alpha)
	if g.log {
		v *= k
	}
	return v, nil
}

// fdiv returns D_f in nats, using the dedicated algorithm where one exists.
func fdiv(g *generator, p, q []float64, a float64) float64 {
	switch g {
	case genKL:
		return kl(p, q)
	case genReverseKL:
		return kl(q, p)
	}
	return sumTerms(p, q, g, a)
}

// Generator returns the value f(u) of the Csiszár function called name (see
// FDivergence for the list) at u ≥ 0, for drawing it. f(0) is the limit
// lim_{u→0+} f(u), which may be +Inf. Values are in nats (the base does not
// apply here). Parametric generators use DefaultAlpha; see GeneratorAlpha.
//
// Errors: an unknown name (input.UnknownName); u negative, NaN or +Inf
// (input.OutOfRange or input.NotFinite, argument "u").
func Generator(name string, u float64) (float64, error) {
	return GeneratorAlpha(name, u, DefaultAlpha)
}

// GeneratorAlpha is Generator with the parameter α (or t) of the parametric
// generators; it is ignored for the others.
func GeneratorAlpha(name string, u, alpha float64) (float64, error) {
	g, err := lookup(name)
	if err != nil {
		return 0, err
	}
	if err := input.Finite("u", u); err != nil {
		return 0, err
	}
	if u < 0 {
		return 0, input.Errorf(input.OutOfRange, "u", "is %v; the generator is defined for u ≥ 0", u)
	}
	if g.param {
		if err := input.Finite("alpha", alpha); err != nil {
			return 0, err
		}
	}
	if u == 0 {
		return g.f0(alpha), nil
	}
	return g.term(u, 1, alpha), nil
}
