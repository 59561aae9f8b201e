package logistic

import (
	"math"
	"math/rand/v2"
)

// World is where the points come from: K classes with equal priors 1/K, and
// class k's points normal around Means(K)[k] with the same standard deviation
// Spread along each axis, N(μ_k, Spread² I). Its posterior is known exactly
// (see Posterior), so its labels' entropy, the aleatoric floor, is too.
type World struct {
	K      int     // 2 or 3 classes
	Spread float64 // σ > 0 of every class; larger σ, more overlap
}

// Means returns the class means: for K = 2, (−1.5, 0) and (1.5, 0); for
// K = 3, the corners of an equilateral triangle of circumradius 2 centred on
// the origin, at 90°, 210° and 330°. Every mean has the same norm, and the
// means sum to 0.
func Means(k int) [][2]float64 {
	if k == 2 {
		return [][2]float64{{-1.5, 0}, {1.5, 0}}
	}
	s := math.Sqrt(3)
	return [][2]float64{{0, 2}, {-s, -1}, {s, -1}}
}

// TrueWeights returns the weights θ* (length 3K) whose softmax is the
// world's posterior: by Bayes with equal priors and a shared isotropic
// covariance σ² I,
//
//	p(k|x) = exp(−‖x − μ_k‖²/2σ²) / Σ_j exp(−‖x − μ_j‖²/2σ²) = softmax_k(μ_k·x/σ² − ‖μ_k‖²/2σ²),
//
// the ‖x‖² term being common to every class. So w*_k = μ_k/σ² and
// b*_k = −‖μ_k‖²/2σ², and the model class contains the truth: with the true
// labels as targets the loss reaches its floor at θ* (and at θ* plus any
// vector added to every class's weights, which changes no softmax). Because
// the means sum to 0 and have equal norms, θ* minus its class mean is
// (μ_k/σ², 0): the minimiser gradient descent from 0 approaches, as descent
// keeps Σ_k w_k = 0 and Σ_k b_k = 0 (it is the only one in that subspace
// when the points' (x, y, 1) span R³, i.e. three of them are not on a line).
func (w World) TrueWeights() []float64 {
	mu := Means(w.K)
	s2 := w.Spread * w.Spread
	th := make([]float64, 3*w.K)
	for k, m := range mu {
		th[3*k] = m[0] / s2
		th[3*k+1] = m[1] / s2
		th[3*k+2] = -(m[0]*m[0] + m[1]*m[1]) / (2 * s2)
	}
	return th
}

// Targets returns the targets of the points, row i at [i·K, (i+1)·K): with
// trueLabels, the world's posterior p(·|x_i) at each point (Predict with
// TrueWeights), whatever the point's class; else the one-hot label of the
// point's class.
func (w World) Targets(pts []Point, trueLabels bool) []float64 {
	t := make([]float64, len(pts)*w.K)
	th := w.TrueWeights()
	for i, p := range pts {
		if !trueLabels {
			t[i*w.K+p.Class] = 1
			continue
		}
		q, _ := Predict(th, p.X, p.Y)
		copy(t[i*w.K:], q)
	}
	return t
}

// Sample draws n points from the world with the given seed: point i is of
// class i mod K, at μ_k + σ (g₁, g₂) with g standard normal (math/rand/v2's
// PCG, so a seed always gives the same points), clamped to the square
// [−Extent, Extent]² and rounded to 2 decimals so that a link holds them
// exactly. The rounding and clamping move where a point lies, not what its
// target is: Targets is the posterior at the point as it is.
func (w World) Sample(n int, seed uint64) []Point {
	rng := rand.New(rand.NewPCG(seed, 0x6c6f676974)) // "logit"
	mu := Means(w.K)
	pts := make([]Point, n)
	coord := func(m float64) float64 {
		v := min(Extent, max(-Extent, m+w.Spread*rng.NormFloat64()))
		return math.Round(v*100) / 100
	}
	for i := range pts {
		c := i % w.K
		pts[i] = Point{X: coord(mu[c][0]), Y: coord(mu[c][1]), Class: c}
	}
	return pts
}
