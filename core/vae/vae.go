// Package vae is the model of the VAE lab: a variational autoencoder small
// enough to train in the browser, one minibatch at a time, with its backprop
// written out by hand (math and math/rand/v2 only).
//
// Data are 2-D toy sets (Generate), standardised to mean 0 and variance 1 on
// each axis. The latent z has 1 or 2 dimensions and the prior p(z) = N(0, I).
//
//	encoder  x ↦ (μ(x), log σ²(x))     q(z|x) = N(μ(x), diag σ²(x))
//	decoder  z ↦ x̂(z)                  p(x|z) = N(x̂(z), s²I), s = DecoderSD fixed
//
// each either affine (Linear) or with one hidden layer of Hidden tanh units
// (MLP). Training maximises the β-ELBO averaged over a minibatch,
//
//	L_β(x) = (1/K) Σₖ log p(x | zₖ) − β·KL(q(z|x) ‖ N(0, I)),   zₖ = μ(x) + σ(x)⊙εₖ, εₖ ~ N(0, I)
//	log p(x|z) = −log(2πs²) − ‖x − x̂(z)‖²/(2s²)                  (2-D x)
//	KL(q(z|x) ‖ N(0, I)) = ½ Σⱼ (μⱼ² + σⱼ² − 1 − log σⱼ²)          (closed form)
//
// by SGD or Adam on the exact gradient of this reparameterised estimate.
// log σ² is clamped to [MinLogVar, MaxLogVar] (its gradient is zero outside).
//
// The terms the lab reports (Terms, and Last: those recorded at the end of
// each epoch for the trace) are averages over the whole data set: KL
// in closed form, and the reconstruction term estimated with one draw εᵢ per
// point fixed for the whole run (common random numbers), so the reported ELBO
// = recon − KL moves only when the model does. ELBO here is the β = 1 bound;
// BetaELBO = recon − β·KL is the objective.
//
// Every run is reproducible: the data, the initial weights, the minibatch
// order and the draws follow from Config.Seed through separate PCG streams,
// and the result of n steps does not depend on how they are split into calls.
package vae

import (
	"math"
	"math/rand/v2"

	"github.com/klplayground/klplay/core/input"
)

// Clamp of the encoder's log-variance output.
const (
	MinLogVar = -16.0
	MaxLogVar = 10.0
	// MaxGradNorm bounds the Euclidean norm of an SGD step's gradient (Adam
	// normalises its steps itself).
	MaxGradNorm = 100.0
	// MaxHistory is how many trace points a Trainer keeps (the oldest are dropped).
	MaxHistory = 5000
)

const log2Pi = 1.8378770664093454835606594728112 // log 2π

// Terms are the ELBO's terms averaged over the data set, in nats per point.
type Terms struct {
	Recon    float64   // mean of log p(xᵢ | zᵢ), zᵢ = μ(xᵢ) + σ(xᵢ)⊙εᵢ with εᵢ fixed per point
	KL       float64   // mean of KL(q(z|xᵢ) ‖ N(0, I)), closed form
	ELBO     float64   // Recon − KL
	BetaELBO float64   // Recon − β·KL, the objective
	KLDims   []float64 // the KL's share of each latent dimension (they sum to KL)
}

// Point is one entry of the per-epoch trace: the terms after Epoch epochs
// (Step minibatch updates).
type Point struct {
	Epoch, Step     int
	Recon, KL, ELBO float64
}

// Trainer holds a VAE, its data and its optimiser's state between steps.
type Trainer struct {
	cfg     Config
	data    []float64
	labels  []int
	n       int
	enc     *net
	dec     *net
	params  []float64
	grad    []float64
	adamM   []float64
	adamV   []float64
	adamT   int
	rng     *rand.Rand
	perm    []int
	pos     int
	step    int
	epoch   int
	evalEps []float64
	eps     []float64
	gz      []float64 // ∂/∂(μ, log σ²) of one point
	gx      []float64 // ∂/∂x̂ of one draw
	zbuf    []float64
	history []Point
	last    Terms
	failed  bool
}

// New builds the data and a freshly initialised VAE for c (weights N(0, 1/fan-in),
// the rows giving log σ² scaled by 0.1, biases 0) and records the trace's
// epoch-0 point. A bad c is an *input.Error.
func New(c Config) (*Trainer, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	data, labels, err := Generate(c.Data, c.N, c.Noise, c.Seed)
	if err != nil {
		return nil, err
	}
	L := c.Latent
	t := &Trainer{cfg: c, data: data, labels: labels, n: c.N}
	if c.Arch == MLP {
		t.enc = newNet(0, 2, Hidden, 2*L)
	} else {
		t.enc = newNet(0, 2, 2*L)
	}
	off := t.enc.size()
	if c.Arch == MLP {
		t.dec = newNet(off, L, Hidden, 2)
	} else {
		t.dec = newNet(off, L, 2)
	}
	size := off + t.dec.size()
	t.params = make([]float64, size)
	t.grad = make([]float64, size)
	t.adamM = make([]float64, size)
	t.adamV = make([]float64, size)
	init := rand.New(rand.NewPCG(c.Seed, streamInit))
	for _, nt := range []*net{t.enc, t.dec} {
		for li, d := range nt.layers {
			sd := 1 / math.Sqrt(float64(d.in))
			for o := 0; o < d.out; o++ {
				scale := sd
				if nt == t.enc && li == len(nt.layers)-1 && o >= L {
					scale *= 0.1
				}
				for i := 0; i < d.in; i++ {
					t.params[d.off+o*d.in+i] = scale * init.NormFloat64()
				}
			}
		}
	}
	t.rng = rand.New(rand.NewPCG(c.Seed, streamTrain))
	t.perm = make([]int, t.n)
	for i := range t.perm {
		t.perm[i] = i
	}
	ev := rand.New(rand.NewPCG(c.Seed, streamEval))
	t.evalEps = make([]float64, t.n*L)
	for i := range t.evalEps {
		t.evalEps[i] = ev.NormFloat64()
	}
	t.gz = make([]float64, 2*L)
	t.gx = make([]float64, 2)
	t.zbuf = make([]float64, L)
	t.resizeEps()
	t.record()
	return t, nil
}

func (t *Trainer) resizeEps() {
	if need := Batch * t.cfg.Samples * t.cfg.Latent; len(t.eps) != need {
		t.eps = make([]float64, need)
	}
}

// Config returns the trainer's current configuration.
func (t *Trainer) Config() Config { return t.cfg }

// SetHyper takes K, β, the optimiser and the learning rate from c for the
// steps that follow. c must be valid and have the trainer's Key (the data and
// the architecture cannot change during a run).
func (t *Trainer) SetHyper(c Config) error {
	if err := c.Check(); err != nil {
		return err
	}
	if c.Key() != t.cfg.Key() {
		return input.Errorf(input.Invalid, "config", "describes another model (%s, not %s); build a new trainer", c.Key(), t.cfg.Key())
	}
	t.cfg = c
	t.resizeEps()
	return nil
}

// Data returns the standardised data (x₀ y₀ x₁ y₁ …) and each point's component.
// The slices are the trainer's own: do not modify them.
func (t *Trainer) Data() ([]float64, []int) { return t.data, t.labels }

// Params returns the number of weights and biases.
func (t *Trainer) Params() int { return len(t.params) }

// StepsPerEpoch is ⌈n / Batch⌉.
func (t *Trainer) StepsPerEpoch() int { return (t.n + Batch - 1) / Batch }

// Step and Epoch count the minibatch updates and the completed epochs so far.
func (t *Trainer) Step() int  { return t.step }
func (t *Trainer) Epoch() int { return t.epoch }

// History returns the trace so far, one Point per epoch from epoch 0 (at most
// the last MaxHistory).
func (t *Trainer) History() []Point { return t.history }

func (t *Trainer) record() {
	tm := t.Terms()
	t.last = tm
	if len(t.history) >= MaxHistory {
		t.history = append(t.history[:0], t.history[len(t.history)-MaxHistory+1:]...)
	}
	t.history = append(t.history, Point{Epoch: t.epoch, Step: t.step, Recon: tm.Recon, KL: tm.KL, ELBO: tm.ELBO})
}

// Advance takes `steps` minibatch updates (at most MaxSteps) and returns the
// trace points of the epochs completed meanwhile. A minibatch is the next
// Batch points of the epoch's random order (reshuffled at each epoch's start).
// When an update's gradient is not finite the parameters are left as they were,
// training stops, and this and every later call return an *input.Error
// blaming the learning rate.
func (t *Trainer) Advance(steps int) ([]Point, error) {
	if steps < 0 || steps > MaxSteps {
		return nil, input.Errorf(input.OutOfRange, "steps", "is %d; it must be in [0, %d]", steps, MaxSteps)
	}
	start := len(t.history)
	e0 := t.epoch
	for i := 0; i < steps && !t.failed; i++ {
		t.update()
	}
	if t.failed {
		return nil, input.Errorf(input.OutOfRange, "lr", "training diverged (a gradient was not finite); lower the learning rate and reset")
	}
	return t.newPoints(start, t.epoch-e0), nil
}

// AdvanceEpochs takes minibatch updates until `epochs` more epochs have been
// completed (a run stopped mid-epoch first finishes it), at most MaxSteps in all.
func (t *Trainer) AdvanceEpochs(epochs int) ([]Point, error) {
	if epochs < 0 || epochs*t.StepsPerEpoch() > MaxSteps {
		return nil, input.Errorf(input.OutOfRange, "epochs", "is %d; it must be in [0, %d]", epochs, MaxSteps/t.StepsPerEpoch())
	}
	start := len(t.history)
	target := t.epoch + epochs
	for t.epoch < target && !t.failed {
		t.update()
	}
	if t.failed {
		return nil, input.Errorf(input.OutOfRange, "lr", "training diverged (a gradient was not finite); lower the learning rate and reset")
	}
	return t.newPoints(start, epochs), nil
}

func (t *Trainer) newPoints(start, epochs int) []Point {
	if start+epochs > len(t.history) { // the history was trimmed meanwhile
		start = len(t.history) - min(epochs, len(t.history))
	}
	return append([]Point(nil), t.history[start:]...)
}

// update is one minibatch step.
func (t *Trainer) update() {
	if t.pos == 0 {
		for i := t.n - 1; i > 0; i-- {
			j := t.rng.IntN(i + 1)
			t.perm[i], t.perm[j] = t.perm[j], t.perm[i]
		}
	}
	end := min(t.pos+Batch, t.n)
	idx := t.perm[t.pos:end]
	eps := t.eps[:len(idx)*t.cfg.Samples*t.cfg.Latent]
	for i := range eps {
		eps[i] = t.rng.NormFloat64()
	}
	obj := t.objective(t.params, idx, eps)
	norm := 0.0
	for _, g := range t.grad {
		norm += g * g
	}
	if math.IsNaN(obj) || math.IsInf(obj, 0) || math.IsNaN(norm) || math.IsInf(norm, 0) {
		t.failed = true
		return
	}
	lr := t.cfg.LR
	switch t.cfg.Optimizer {
	case SGD:
		scale := lr
		if norm = math.Sqrt(norm); norm > MaxGradNorm {
			scale *= MaxGradNorm / norm
		}
		for i, g := range t.grad {
			t.params[i] += scale * g
		}
	default:
		const b1, b2, e = 0.9, 0.999, 1e-8
		t.adamT++
		c1 := 1 - math.Pow(b1, float64(t.adamT))
		c2 := 1 - math.Pow(b2, float64(t.adamT))
		for i, g := range t.grad {
			t.adamM[i] = b1*t.adamM[i] + (1-b1)*g
			t.adamV[i] = b2*t.adamV[i] + (1-b2)*g*g
			t.params[i] += lr * (t.adamM[i] / c1) / (math.Sqrt(t.adamV[i]/c2) + e)
		}
	}
	t.step++
	t.pos = end
	if t.pos >= t.n {
		t.pos = 0
		t.epoch++
		t.record()
	}
}

// encode runs the encoder on x and returns μ and the clamped log σ² (views into
// the encoder's buffers) and whether each log σ² was inside the clamp.
func (t *Trainer) encode(p, x []float64) (mu, lv []float64) {
	out := t.enc.forward(p, x)
	L := t.cfg.Latent
	mu, lv = out[:L], out[L:]
	for j := range lv {
		lv[j] = math.Min(MaxLogVar, math.Max(MinLogVar, lv[j]))
	}
	return mu, lv
}

// objective returns the minibatch mean of the reparameterised β-ELBO
//
//	J = (1/B) Σᵢ [ (1/K) Σₖ log p(xᵢ | μᵢ + σᵢ⊙εᵢₖ) − β·KL(q(z|xᵢ) ‖ N(0, I)) ]
//
// for the points idx and the draws eps (B·K·L numbers, point-major), and
// writes ∂J/∂θ into t.grad (backprop through the decoder, the
// reparameterisation and the encoder).
func (t *Trainer) objective(p []float64, idx []int, eps []float64) float64 {
	for i := range t.grad {
		t.grad[i] = 0
	}
	L, K, beta := t.cfg.Latent, t.cfg.Samples, t.cfg.Beta
	inv2s2 := 1 / (2 * DecoderSD * DecoderSD)
	logNorm := -log2Pi - 2*math.Log(DecoderSD) // −log(2πs²), two coordinates
	invB, invK := 1/float64(len(idx)), 1/float64(K)
	total := 0.0
	for b, i := range idx {
		x := t.data[2*i : 2*i+2]
		raw := t.enc.forward(p, x)
		mu, lv := raw[:L], raw[L:]
		for j := range t.gz {
			t.gz[j] = 0
		}
		kl := 0.0
		for j := 0; j < L; j++ {
			v := math.Min(MaxLogVar, math.Max(MinLogVar, lv[j]))
			kl += 0.5 * (mu[j]*mu[j] + math.Exp(v) - 1 - v)
		}
		recon := 0.0
		for k := 0; k < K; k++ {
			e := eps[(b*K+k)*L : (b*K+k+1)*L]
			for j := 0; j < L; j++ {
				v := math.Min(MaxLogVar, math.Max(MinLogVar, lv[j]))
				t.zbuf[j] = mu[j] + math.Exp(0.5*v)*e[j]
			}
			xh := t.dec.forward(p, t.zbuf)
			d0, d1 := x[0]-xh[0], x[1]-xh[1]
			recon += logNorm - (d0*d0+d1*d1)*inv2s2
			// ∂/∂x̂ of (1/B)(1/K) log p(x|z) = (x − x̂)/s² · (1/BK).
			w := 2 * inv2s2 * invB * invK
			t.gx[0], t.gx[1] = d0*w, d1*w
			gz := t.dec.backward(p, t.grad, t.gx)
			for j := 0; j < L; j++ {
				t.gz[j] += gz[j]
				if lv[j] > MinLogVar && lv[j] < MaxLogVar {
					t.gz[L+j] += gz[j] * e[j] * 0.5 * math.Exp(0.5*lv[j])
				}
			}
		}
		total += recon*invK - beta*kl
		for j := 0; j < L; j++ {
			t.gz[j] -= beta * mu[j] * invB
			if lv[j] > MinLogVar && lv[j] < MaxLogVar {
				t.gz[L+j] -= beta * 0.5 * (math.Exp(lv[j]) - 1) * invB
			}
		}
		t.enc.backward(p, t.grad, t.gz)
	}
	return total * invB
}

// KLNormal is KL(N(μ, diag e^lv) ‖ N(0, I)) = ½ Σⱼ (μⱼ² + e^{lvⱼ} − 1 − lvⱼ).
// μ and lv must have the same length (it panics otherwise, as a programming error).
func KLNormal(mu, lv []float64) float64 {
	if len(mu) != len(lv) {
		panic("vae.KLNormal: mu and lv differ in length")
	}
	s := 0.0
	for j := range mu {
		s += 0.5 * (mu[j]*mu[j] + math.Exp(lv[j]) - 1 - lv[j])
	}
	return s
}

// Terms evaluates the ELBO's terms over the whole data set at the current
// parameters (see the package doc).
func (t *Trainer) Terms() Terms {
	L := t.cfg.Latent
	klDims := make([]float64, L)
	inv2s2 := 1 / (2 * DecoderSD * DecoderSD)
	logNorm := -log2Pi - 2*math.Log(DecoderSD)
	var rs, ks float64
	for i := 0; i < t.n; i++ {
		x := t.data[2*i : 2*i+2]
		mu, lv := t.encode(t.params, x)
		e := t.evalEps[i*L : (i+1)*L]
		for j := 0; j < L; j++ {
			kj := 0.5 * (mu[j]*mu[j] + math.Exp(lv[j]) - 1 - lv[j])
			klDims[j] += kj
			ks += kj
			t.zbuf[j] = mu[j] + math.Exp(0.5*lv[j])*e[j]
		}
		xh := t.dec.forward(t.params, t.zbuf)
		d0, d1 := x[0]-xh[0], x[1]-xh[1]
		rs += logNorm - (d0*d0+d1*d1)*inv2s2
	}
	n := float64(t.n)
	for j := range klDims {
		klDims[j] /= n
	}
	tm := Terms{Recon: rs / n, KL: ks / n, KLDims: klDims}
	tm.ELBO = tm.Recon - tm.KL
	tm.BetaELBO = tm.Recon - t.cfg.Beta*tm.KL
	return tm
}

// Last returns the terms recorded at the end of the last completed epoch (at
// the start, before any step: the untrained model's), the same numbers as the
// trace's last Point, with BetaELBO for the current β. Between epochs it costs
// nothing, which is why the lab shows these rather than Terms every frame.
func (t *Trainer) Last() Terms {
	tm := t.last
	tm.KLDims = append([]float64(nil), tm.KLDims...)
	tm.BetaELBO = tm.Recon - t.cfg.Beta*tm.KL
	return tm
}

// Sample returns, for the first m points (a uniform subsample: the data are in
// random order) at the current parameters, their codes μ(x) (m·L numbers),
// their posterior log-variances (m·L) and their reconstructions x̂(μ(x)) (2m).
func (t *Trainer) Sample(m int) (codes, logvars, recon []float64) {
	m = max(0, min(m, t.n))
	L := t.cfg.Latent
	codes = make([]float64, m*L)
	logvars = make([]float64, m*L)
	recon = make([]float64, 2*m)
	for i := 0; i < m; i++ {
		mu, lv := t.encode(t.params, t.data[2*i:2*i+2])
		copy(codes[i*L:], mu)
		copy(logvars[i*L:], lv)
		xh := t.dec.forward(t.params, mu)
		recon[2*i], recon[2*i+1] = xh[0], xh[1]
	}
	return codes, logvars, recon
}

// Decode returns x̂(z) for one latent point z (Latent numbers).
func (t *Trainer) Decode(z []float64) ([2]float64, error) {
	if len(z) != t.cfg.Latent {
		return [2]float64{}, input.Errorf(input.LengthMismatch, "z", "has %d entries; the latent has %d dimensions", len(z), t.cfg.Latent)
	}
	xh := t.dec.forward(t.params, z)
	return [2]float64{xh[0], xh[1]}, nil
}

// Manifold decodes lines of latent space into data space, to draw the image
// of the prior: with a 1-D latent one line, z from −3 to 3 (61 points); with a
// 2-D latent the lines z₁ = c and z₂ = c for c ∈ {−2, −1, 0, 1, 2}, the other
// coordinate from −3 to 3 (31 points each). It returns the points (x, y pairs,
// line after line), the number of lines and the points per line.
func (t *Trainer) Manifold() (xy []float64, lines, per int) {
	if t.cfg.Latent == 1 {
		lines, per = 1, 61
	} else {
		lines, per = 10, 31
	}
	xy = make([]float64, 0, 2*lines*per)
	z := make([]float64, t.cfg.Latent)
	for l := 0; l < lines; l++ {
		for k := 0; k < per; k++ {
			s := -3 + 6*float64(k)/float64(per-1)
			if t.cfg.Latent == 1 {
				z[0] = s
			} else {
				c := float64(l%5 - 2)
				if l < 5 {
					z[0], z[1] = c, s
				} else {
					z[0], z[1] = s, c
				}
			}
			xh := t.dec.forward(t.params, z)
			xy = append(xy, xh[0], xh[1])
		}
	}
	return xy, lines, per
}
