package gan

import (
	"math"

	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/input"
)

// The lab's plot grid of x (the densities and D*) and of u (the generators).
const (
	PlotLo     = -5.5
	PlotHi     = 5.5
	PlotPoints = 441
	ULo        = 0.0
	UHi        = 4.0
	UPoints    = 201
	// The lab's θ range and the grid of its sweep (step 1/30).
	ThetaMax    = 4.0
	SweepPoints = 241
)

// Request is one update of the lab: the shape of P, the shift θ of Q, the
// f-divergences of the f-divergence view and their parameter α.
type Request struct {
	Shape string
	Theta float64
	Names []string // f-divergence names; empty: none
	Alpha float64  // for amari-alpha and t-power, in [−1, 2]
	// Slopes, if not nil, are the Slopes at Theta, already computed (by a
	// Training), which Compute then takes as they are.
	Slopes *Divergences
}

// Frame is everything the lab draws for one Request.
type Frame struct {
	Div    Divergences // every divergence at θ
	Slopes Divergences // their derivatives in θ (Slopes)
	Loss   float64     // the GAN generator's objective at D*: 2·JS − log 4
	F      []float64   // D_f for each of Request.Names
	X      []float64   // PlotPoints evenly spaced x in [PlotLo, PlotHi]
	P, Q   []float64   // p(x), q(x)
	D      []float64   // D*(x) = p/(p + q), NaN where both are 0
	KLPM   float64     // KL(P‖M), M = (P + Q)/2 (JSHalves)
	KLQM   float64     // KL(Q‖M); JS = ½KLPM + ½KLQM
}

// Compute validates r and returns its Frame.
//
// Errors (*input.Error): an unknown shape ("shape"), θ outside
// [−MaxAbsTheta, MaxAbsTheta] or not finite ("theta"), an unknown name
// ("names[i]"), more names than FDivergenceNames has ("names"), α outside
// [−1, 2] ("alpha").
func Compute(r Request) (Frame, error) {
	s, err := ShapeNamed(r.Shape)
	if err != nil {
		return Frame{}, err
	}
	if err := checkTheta(r.Theta); err != nil {
		return Frame{}, err
	}
	if n := len(divergence.FDivergenceNames()); len(r.Names) > n {
		return Frame{}, input.Errorf(input.TooLarge, "names", "has %d entries; there are only %d f-divergences", len(r.Names), n)
	}
	fr := Frame{X: Grid(PlotLo, PlotHi, PlotPoints)}
	fr.Div, fr.KLPM, fr.KLQM = s.atWithHalves(r.Theta, relTol)
	// The generators of Div are not integrated twice: their values are Div's
	// (the same integrals, up to the quadrature's 1e-11), Jeffreys is KL + reverse KL.
	known := map[string]float64{
		"kl": fr.Div.KL, "reverse-kl": fr.Div.ReverseKL, "jeffreys": fr.Div.KL + fr.Div.ReverseKL,
		"jensen-shannon": fr.Div.JS, "total-variation": fr.Div.TV, "squared-hellinger": fr.Div.SqHellinger, "pearson-chi2": fr.Div.Chi2,
	}
	var rest []string
	for _, n := range r.Names {
		if _, ok := known[n]; !ok {
			rest = append(rest, n)
		}
	}
	f, err := s.FDivergences(r.Theta, rest, r.Alpha)
	if err != nil {
		return Frame{}, err
	}
	fr.F = make([]float64, len(r.Names))
	for i, j := 0, 0; i < len(r.Names); i++ {
		if v, ok := known[r.Names[i]]; ok {
			fr.F[i] = v
		} else {
			fr.F[i], j = f[j], j+1
		}
	}
	if r.Slopes != nil {
		fr.Slopes = *r.Slopes
	} else {
		fr.Slopes, _ = s.Slopes(r.Theta)
	}
	fr.Loss = GeneratorLoss(fr.Div.JS)
	fr.P, fr.Q, fr.D, _ = s.Densities(r.Theta, fr.X)
	return fr, nil
}

// Grid returns n ≥ 2 evenly spaced points from lo to hi, both included.
func Grid(lo, hi float64, n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = lo + (hi-lo)*float64(i)/float64(n-1)
		if math.Abs(xs[i]) < 1e-12*(hi-lo) {
			xs[i] = 0
		}
	}
	xs[n-1] = hi
	return xs
}
