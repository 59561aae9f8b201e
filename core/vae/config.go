package vae

import (
	"strconv"

	"github.com/klplayground/klplay/core/input"
)

// The data sets.
const (
	Moons    = "moons"    // two interleaved half circles
	Rings    = "rings"    // two concentric circles, radii 1 and ½
	Clusters = "clusters" // five Gaussian blobs on a circle
)

// The architectures of the encoder and of the decoder.
const (
	Linear = "linear" // one affine map
	MLP    = "mlp"    // one hidden layer of Hidden tanh units
)

// The optimisers.
const (
	SGD  = "sgd"  // θ ← θ + lr·g (gradient ascent on the β-ELBO)
	Adam = "adam" // Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-8), bias-corrected
)

// Sizes and bounds (the lab's schema core/session/labs/vae.json uses the same numbers).
const (
	Hidden     = 16   // hidden units of the MLP encoder and decoder
	Batch      = 50   // points per minibatch (the last one of an epoch may be smaller)
	DecoderSD  = 0.3  // the decoder's fixed standard deviation s: p(x|z) = N(x̂(z), s²I)
	MinN       = 50   // fewest data points
	MaxN       = 2000 // most data points
	MaxNoise   = 0.5  // largest noise standard deviation (before standardising)
	MaxSamples = 64   // most reparameterisation draws K per point
	MaxBeta    = 100  // largest β
	MinLR      = 1e-4 // smallest learning rate
	MaxLR      = 1.0  // largest learning rate
	MaxSeed    = 1_000_000
	MaxSteps   = 10_000 // most minibatch steps in one call of Advance
)

// Config is everything that defines a training run. Data, N, Noise, Seed,
// Latent and Arch define the model and its data (see Config.Key); Samples,
// Beta, Optimizer and LR may change between steps of one run.
type Config struct {
	Data      string  // Moons, Rings or Clusters
	N         int     // number of data points, MinN..MaxN
	Noise     float64 // standard deviation of the Gaussian noise added to each coordinate, 0..MaxNoise
	Seed      uint64  // 1..MaxSeed: the data, the initial weights and every draw follow from it
	Latent    int     // dimension of z: 1 or 2
	Arch      string  // Linear or MLP
	Samples   int     // K, reparameterisation draws per point and step, 1..MaxSamples
	Beta      float64 // weight of KL(q(z|x)‖N(0,I)), 0..MaxBeta
	Optimizer string  // SGD or Adam
	LR        float64 // learning rate, MinLR..MaxLR
}

// Default is the lab's starting configuration.
func Default() Config {
	return Config{Data: Moons, N: 500, Noise: 0.08, Seed: 1, Latent: 2, Arch: MLP, Samples: 1, Beta: 1, Optimizer: Adam, LR: 0.01}
}

// Key names the model a configuration trains: two configurations with the
// same key start from the same data and weights.
func (c Config) Key() string {
	return c.Data + "|" + strconv.Itoa(c.N) + "|" + strconv.FormatFloat(c.Noise, 'g', -1, 64) + "|" +
		strconv.FormatUint(c.Seed, 10) + "|" + strconv.Itoa(c.Latent) + "|" + c.Arch
}

// Check returns an *input.Error naming the first field out of its range.
func (c Config) Check() error {
	switch c.Data {
	case Moons, Rings, Clusters:
	default:
		return input.Errorf(input.UnknownName, "data", "is %q; it must be moons, rings or clusters", c.Data)
	}
	if c.Arch != Linear && c.Arch != MLP {
		return input.Errorf(input.UnknownName, "arch", "is %q; it must be linear or mlp", c.Arch)
	}
	if c.Optimizer != SGD && c.Optimizer != Adam {
		return input.Errorf(input.UnknownName, "optimizer", "is %q; it must be sgd or adam", c.Optimizer)
	}
	if c.N < MinN || c.N > MaxN {
		return input.Errorf(input.OutOfRange, "n", "is %d; it must be in [%d, %d]", c.N, MinN, MaxN)
	}
	if c.Latent != 1 && c.Latent != 2 {
		return input.Errorf(input.OutOfRange, "latent", "is %d; it must be 1 or 2", c.Latent)
	}
	if c.Samples < 1 || c.Samples > MaxSamples {
		return input.Errorf(input.OutOfRange, "samples", "is %d; it must be in [1, %d]", c.Samples, MaxSamples)
	}
	if c.Seed < 1 || c.Seed > MaxSeed {
		return input.Errorf(input.OutOfRange, "seed", "is %d; it must be in [1, %d]", c.Seed, MaxSeed)
	}
	if !(c.Noise >= 0 && c.Noise <= MaxNoise) {
		return input.Errorf(input.OutOfRange, "noise", "is %v; it must be in [0, %v]", c.Noise, MaxNoise)
	}
	if !(c.Beta >= 0 && c.Beta <= MaxBeta) {
		return input.Errorf(input.OutOfRange, "beta", "is %v; it must be in [0, %v]", c.Beta, MaxBeta)
	}
	if !(c.LR >= MinLR && c.LR <= MaxLR) {
		return input.Errorf(input.OutOfRange, "lr", "is %v; it must be in [%v, %v]", c.LR, MinLR, MaxLR)
	}
	return nil
}
