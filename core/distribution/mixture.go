package distribution

import (
	"math"
	"math/rand/v2"

	"github.com/klplayground/klplay/core/input"
)

// Mixture is a finite mixture of continuous distributions:
//
//	p(x) = Σᵢ wᵢ pᵢ(x),  log p(x) = log Σᵢ exp(log wᵢ + log pᵢ(x))
//
// computed as a log-sum-exp, so log p stays finite far in the tails where
// every pᵢ(x) underflows. Weights are ≥ 0 and sum to 1 within
// input.NormTolerance; there are 1 to MaxComponents components, none of them
// a mixture or discrete. Use a *Mixture (NewMixture or Parse).
type Mixture struct {
	Weights    []float64
	Components []Dist
	logW       []float64
}

// NewMixture returns the mixture Σ wᵢ pᵢ after checking it as Parse does.
func NewMixture(weights []float64, components []Dist) (*Mixture, error) {
	m := &Mixture{Weights: weights, Components: components}
	if err := m.check(""); err != nil {
		return nil, err
	}
	m.setLogW()
	return m, nil
}

func (m *Mixture) Family() string { return "mixture" }
func (m *Mixture) LogProb(x float64) float64 {
	return m.logProbOff(x, 0)
}

// logWeight returns log wᵢ, precomputed by NewMixture and Parse (and computed
// here for a struct literal, which is never modified, so that a Mixture is
// safe for concurrent use).
func (m *Mixture) logWeight(i int) float64 {
	if len(m.logW) == len(m.Weights) {
		return m.logW[i]
	}
	return math.Log(m.Weights[i])
}

func (m *Mixture) Prob(x float64) float64 { return math.Exp(m.LogProb(x)) }

// Rand picks a component with probability wᵢ and draws from it.
func (m *Mixture) Rand(r *rand.Rand) float64 {
	u := r.Float64()
	last := 0
	for i, w := range m.Weights {
		if w > 0 {
			last = i
		}
		if u < w {
			return m.Components[i].Rand(r)
		}
		u -= w
	}
	return m.Components[last].Rand(r)
}

// Mean returns Σ wᵢ μᵢ.
func (m *Mixture) Mean() float64 {
	s := 0.0
	for i, c := range m.Components {
		if m.Weights[i] > 0 {
			s += m.Weights[i] * c.Mean()
		}
	}
	return s
}

// Variance returns Σ wᵢ (σᵢ² + (μᵢ − μ)²), μ the mixture mean.
func (m *Mixture) Variance() float64 {
	mu, s := m.Mean(), 0.0
	for i, c := range m.Components {
		if m.Weights[i] > 0 {
			d := c.Mean() - mu
			s += m.Weights[i] * (c.Variance() + d*d)
		}
	}
	return s
}

// Support returns the smallest interval holding every component with a
// positive weight. The mixture's density may vanish on gaps inside it.
func (m *Mixture) Support() (lo, hi float64) {
	lo, hi = inf(), math.Inf(-1)
	for i, c := range m.Components {
		if m.Weights[i] > 0 {
			a, b := c.Support()
			lo, hi = math.Min(lo, a), math.Max(hi, b)
		}
	}
	return lo, hi
}
func (m *Mixture) Discrete() bool { return false }

// Entropy reports false: a mixture's entropy has no closed form.
func (m *Mixture) Entropy() (float64, bool) { return 0, false }
func (m *Mixture) Spec() Spec {
	w := make([]any, len(m.Weights))
	c := make([]any, len(m.Components))
	for i := range m.Weights {
		w[i] = m.Weights[i]
	}
	for i, d := range m.Components {
		c[i] = d.Spec()
	}
	return Spec{"family": "mixture", "weights": w, "components": c}
}
func (m *Mixture) scale() float64 {
	s := 0.0
	for i, c := range m.Components {
		if m.Weights[i] > 0 {
			s = math.Max(s, c.scale())
		}
	}
	return s
}
func (m *Mixture) landmarks(dst []float64) []float64 {
	for i, c := range m.Components {
		if m.Weights[i] > 0 {
			dst = c.landmarks(dst)
			lo, hi := c.Support()
			dst = append(dst, lo, hi)
		}
	}
	return dst
}
func (m *Mixture) moments() (moments, bool) { return moments{}, false }

func (m *Mixture) check(prefix string) error {
	switch {
	case len(m.Components) == 0:
		return input.Errorf(input.Empty, prefix+"components", "is empty; a mixture needs at least one component")
	case len(m.Components) > MaxComponents:
		return input.Errorf(input.TooLarge, prefix+"components", "has %d entries; at most %d are allowed", len(m.Components), MaxComponents)
	case len(m.Weights) != len(m.Components):
		return input.Errorf(input.LengthMismatch, prefix+"weights", "has %d entries but there are %d components", len(m.Weights), len(m.Components))
	}
	if _, err := input.Probabilities(prefix+"weights", m.Weights, false); err != nil {
		return err
	}
	for i, c := range m.Components {
		arg := idx(prefix+"components", i)
		switch c.(type) {
		case nil:
			return input.Errorf(input.Invalid, arg, "is missing")
		case *Mixture:
			return input.Errorf(input.Invalid, arg+".family", "is mixture; mixtures cannot be nested")
		}
		if c.Discrete() {
			return input.Errorf(input.Invalid, arg+".family", "is %s; mixture components must be continuous", c.Family())
		}
		if err := c.check(arg + "."); err != nil {
			return err
		}
	}
	return nil
}

func (m *Mixture) logProbOff(base, off float64) float64 {
	var buf [MaxComponents]float64
	v := buf[:0]
	n := min(len(m.Weights), len(m.Components))
	for i := 0; i < n; i++ {
		if m.Weights[i] > 0 {
			v = append(v, m.logWeight(i)+logProbAt(m.Components[i], base, off))
		}
	}
	return logSumExp(v)
}

func (m *Mixture) setLogW() {
	m.logW = make([]float64, len(m.Weights))
	for i, w := range m.Weights {
		m.logW[i] = math.Log(w)
	}
}
