package vae

import (
	"math"
	"math/rand/v2"

	"github.com/klplayground/klplay/core/input"
)

// Streams of the seeded PCG generator: one per use, so that changing how many
// draws one use takes never moves another.
const (
	streamData  = 0xda7a
	streamInit  = 0x1417
	streamTrain = 0x7a17
	streamEval  = 0xe7a1
)

// Components returns how many components (moons, rings or clusters) a data set has.
func Components(data string) int {
	switch data {
	case Moons, Rings:
		return 2
	case Clusters:
		return 5
	}
	return 0
}

// Generate draws the toy data set `data` with n points (a flat slice x₀ y₀ x₁ y₁ …)
// and each point's component (which moon, ring or cluster it came from).
//
//	moons:    n/2 points (cos t, sin t), the rest (1 − cos t, ½ − sin t), t evenly spaced on [0, π]
//	rings:    n/2 points on the circle of radius 1, the rest on radius ½, angles evenly spaced
//	clusters: five equal groups at the vertices of a regular pentagon of radius 1
//
// Each coordinate then gets independent N(0, noise²) noise, the points are put
// in a random order (so any prefix is a uniform subsample), and each axis is
// standardised to mean 0 and variance 1 (divisor n). Everything follows from
// seed (PCG). n < 2, noise < 0 or an unknown name is an *input.Error.
func Generate(data string, n int, noise float64, seed uint64) (xs []float64, labels []int, err error) {
	if Components(data) == 0 {
		return nil, nil, input.Errorf(input.UnknownName, "data", "is %q; it must be moons, rings or clusters", data)
	}
	if n < 2 || n > 1_000_000 {
		return nil, nil, input.Errorf(input.OutOfRange, "n", "is %d; it must be in [2, 10⁶]", n)
	}
	if !(noise >= 0) || math.IsInf(noise, 1) {
		return nil, nil, input.Errorf(input.OutOfRange, "noise", "is %v; it must be a finite number ≥ 0", noise)
	}
	rng := rand.New(rand.NewPCG(seed, streamData))
	xs = make([]float64, 2*n)
	labels = make([]int, n)
	half := n / 2
	for i := 0; i < n; i++ {
		var x, y float64
		var c int
		switch data {
		case Moons:
			if i < half {
				t := math.Pi * float64(i) / float64(max(half-1, 1))
				x, y = math.Cos(t), math.Sin(t)
			} else {
				j, m := i-half, n-half
				t := math.Pi * float64(j) / float64(max(m-1, 1))
				x, y, c = 1-math.Cos(t), 0.5-math.Sin(t), 1
			}
		case Rings:
			r, j, m := 1.0, i, half
			if i >= half {
				r, j, m, c = 0.5, i-half, n-half, 1
			}
			t := 2 * math.Pi * float64(j) / float64(m)
			x, y = r*math.Cos(t), r*math.Sin(t)
		case Clusters:
			c = i * 5 / n
			t := math.Pi/2 + 2*math.Pi*float64(c)/5
			x, y = math.Cos(t), math.Sin(t)
		}
		xs[2*i] = x + noise*rng.NormFloat64()
		xs[2*i+1] = y + noise*rng.NormFloat64()
		labels[i] = c
	}
	for i := n - 1; i > 0; i-- {
		j := rng.IntN(i + 1)
		xs[2*i], xs[2*j] = xs[2*j], xs[2*i]
		xs[2*i+1], xs[2*j+1] = xs[2*j+1], xs[2*i+1]
		labels[i], labels[j] = labels[j], labels[i]
	}
	for d := 0; d < 2; d++ {
		var mean, ss float64
		for i := 0; i < n; i++ {
			mean += xs[2*i+d]
		}
		mean /= float64(n)
		for i := 0; i < n; i++ {
			v := xs[2*i+d] - mean
			ss += v * v
		}
		sd := math.Sqrt(ss / float64(n))
		if sd == 0 {
			sd = 1
		}
		for i := 0; i < n; i++ {
			xs[2*i+d] = (xs[2*i+d] - mean) / sd
		}
	}
	return xs, labels, nil
}
