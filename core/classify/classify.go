// Package classify is the model of the Cross-entropy lab: a classifier's logits
// turned into a predicted distribution Q by the softmax, a label P (one-hot,
// label-smoothed, or the mean label of a batch), the loss H(P, Q) =
// H(P) + KL(P‖Q) with its gradient q − p with respect to the logits, and plain
// gradient descent on the logits.
//
// Every quantity that involves Q is computed from the log-softmax,
// log q_i = z_i − LSE(z) (core/softmax), never as the logarithm of an
// exponentiated q_i: q_i rounds to 0 for z_i − max z below about −745, and
// its logarithm would then be −Inf although the loss is finite (logits
// (1000, 0) and class 1 have loss 1000). H(P) comes from core/divergence; it
// involves only the label.
//
// Bad input (no logits, NaN or infinite logits, a class out of range, a
// smoothing ε outside [0, 1], a learning rate ≤ 0, …) is an *input.Error
// naming the argument, never a panic or NaN. The package is pure Go.
package classify

import (
	"math"
	"strconv"

	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/fsum"
	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/softmax"
)

// The limits of the model.
const (
	MinClasses = 2    // fewest classes
	MaxClasses = 10   // most classes
	MaxLogit   = 15   // logits are kept in [−MaxLogit, MaxLogit]
	MaxBatch   = 16   // most examples in a batch
	MaxSteps   = 1000 // most gradient steps in one call
	MaxRate    = 100  // largest learning rate
	MaxInput   = 1e6  // logits beyond ±1e6 are refused (their differences could overflow)
)

// checkLogits checks that z has MinClasses..MaxClasses finite entries.
func checkLogits(z []float64) error {
	if len(z) == 0 {
		return input.Errorf(input.Empty, "logits", "is empty; a classifier needs at least %d classes", MinClasses)
	}
	if len(z) < MinClasses || len(z) > MaxClasses {
		return input.Errorf(input.OutOfRange, "logits", "has %d entries; it must have %d to %d, one per class", len(z), MinClasses, MaxClasses)
	}
	for i, x := range z {
		if err := input.InRange("logits["+strconv.Itoa(i)+"]", x, -MaxInput, MaxInput); err != nil {
			return err
		}
	}
	return nil
}

// Softmax returns q_i = exp(z_i) / Σ_j exp(z_j), computed stably as
// exp(z_i − m) / Σ_j exp(z_j − m) with m = max_j z_j (core/softmax.Softmax),
// so no exponential overflows. Σq = 1 to within a few ulps. Adding a constant
// to every logit leaves q unchanged. An entry underflows to 0 where z_i − m is
// below about −745; LogSoftmax gives its logarithm.
//
// Errors: z empty, with fewer than 2 or more than 10 entries, or with a NaN,
// infinite or larger than 1e6 in size entry (argument "logits[i]").
func Softmax(z []float64) ([]float64, error) {
	if err := checkLogits(z); err != nil {
		return nil, err
	}
	return softmax.Softmax(z), nil
}

// LogSoftmax returns log q_i = z_i − LSE(z) = (z_i − m) − log1p(Σ_{j≠k} exp(z_j − m))
// with m = z_k = max z (core/softmax.LogSoftmax): exact even where q_i
// underflows to 0 (it is then a large negative number, not −Inf):
// LogSoftmax(1000, 0) = (0, −1000). Errors are those of Softmax.
func LogSoftmax(z []float64) ([]float64, error) {
	if err := checkLogits(z); err != nil {
		return nil, err
	}
	return softmax.LogSoftmax(z), nil
}

// Label returns the label distribution of class c among k classes smoothed by ε,
//
//	p_i = (1 − ε)·[i = c] + ε/k,
//
// so ε = 0 is the one-hot label and ε = 1 the uniform distribution.
//
// Errors: k outside 2..10 ("classes"), c outside 0..k−1 ("label"), ε not in
// [0, 1] ("smoothing").
func Label(k, c int, eps float64) ([]float64, error) {
	return BatchLabel(k, []int{c}, eps)
}

// BatchLabel returns the mean label of a batch of examples with classes cs,
//
//	p̄_i = (1 − ε)·n_i/n + ε/k,   n_i = #{j : cs_j = i},
//
// the average of the examples' smoothed labels. Because cross-entropy is
// linear in P, the mean loss of one prediction Q over the batch is
// (1/n) Σ_j H(P_j, Q) = H(P̄, Q) = H(P̄) + KL(P̄‖Q), and its minimum over Q is
// H(P̄), reached at Q = P̄.
//
// Errors: k outside 2..10 ("classes"), cs empty or longer than 16 ("batch"),
// a class outside 0..k−1 ("batch[j]", or "label" for a batch of one), ε not in
// [0, 1] ("smoothing").
func BatchLabel(k int, cs []int, eps float64) ([]float64, error) {
	if k < MinClasses || k > MaxClasses {
		return nil, input.Errorf(input.OutOfRange, "classes", "is %d; it must be between %d and %d", k, MinClasses, MaxClasses)
	}
	if len(cs) == 0 {
		return nil, input.Errorf(input.Empty, "batch", "is empty; it needs at least one example")
	}
	if len(cs) > MaxBatch {
		return nil, input.Errorf(input.TooLarge, "batch", "has %d examples; at most %d are accepted", len(cs), MaxBatch)
	}
	if err := input.InRange("smoothing", eps, 0, 1); err != nil {
		return nil, err
	}
	p := make([]float64, k)
	w := (1 - eps) / float64(len(cs))
	for j, c := range cs {
		if c < 0 || c >= k {
			arg := "batch[" + strconv.Itoa(j) + "]"
			if len(cs) == 1 {
				arg = "label"
			}
			return nil, input.Errorf(input.OutOfRange, arg, "is class %d; with %d classes it must be between 0 and %d", c, k, k-1)
		}
		p[c] += w
	}
	for i := range p {
		p[i] += eps / float64(k)
	}
	return p, nil
}

// Eval is everything the lab shows for one pair of logits and label. The
// logarithmic fields are in the unit of the base passed to Evaluate; Grad is
// always the gradient of the loss in nats.
type Eval struct {
	Q            []float64 // softmax(z)
	LogQ         []float64 // log-softmax(z), in nats
	EntropyP     float64   // H(P) (divergence.Entropy)
	KL           float64   // KL(P‖Q) = Σ p_i (log p_i − log q_i), from the log-softmax
	CrossEntropy float64   // H(P, Q) = −Σ p_i log q_i = H(P) + KL(P‖Q), from the log-softmax
	Loss         float64   // the loss minimised by training: the same number as CrossEntropy
	Grad         []float64 // ∂H(P,Q)/∂z_i = q_i − p_i (sums to 0)
	GradNorm     float64   // √Σ (q_i − p_i)²
}

// Evaluate returns the softmax of z and the measures of the label p against it
// (see Eval): H(P) from core/divergence; from the log-softmax log q_i,
//
//	H(P, Q) = −Σ_i p_i log q_i,
//	KL(P‖Q) = Σ_i p_i (log p_i − log q_i) = Σ_i [p_i h(log q_i − log p_i) − p_i + q_i],  h(x) = eˣ − 1 − x
//
// (the second form, core/softmax.KL plus Σp − 1, has no cancellation between
// its terms and so keeps its relative accuracy as Q → P; Σq = 1 for a softmax);
// and the gradient of the cross-entropy with respect to the logits,
//
//	∂/∂z_i (−Σ_j p_j log q_j) = q_i − p_i,
//
// since ∂ log q_j / ∂z_i = [i = j] − q_i and Σ p_j = 1. Terms with p_i = 0
// contribute nothing to H(P, Q) whatever q_i. Every value is finite for any
// accepted logits: with z = (1000, 0) and the one-hot label of class 1 the
// loss and the KL are 1000 + log1p(e⁻¹⁰⁰⁰) = 1000 although q₁ rounds to 0.
// With a one-hot label on class c the loss is −log q_c. base is the
// logarithm base of the unit (e: nats; 2: bits).
//
// Errors: those of Softmax; p not a probability vector of the same length
// ("p"); a bad base.
func Evaluate(z, p []float64, base float64) (Eval, error) {
	if err := checkLogits(z); err != nil {
		return Eval{}, err
	}
	if _, err := input.Probabilities("p", p, false); err != nil {
		return Eval{}, err
	}
	if len(p) != len(z) {
		return Eval{}, input.Errorf(input.LengthMismatch, "p", "has %d entries but there are %d logits", len(p), len(z))
	}
	k, err := input.LogBase(base)
	if err != nil {
		return Eval{}, err
	}
	e := Eval{Q: softmax.Softmax(z), LogQ: softmax.LogSoftmax(z)}
	if e.EntropyP, err = divergence.Entropy(p, divergence.Options{Base: base}); err != nil {
		return Eval{}, err
	}
	e.CrossEntropy = k * loss(p, e.LogQ)
	e.Loss = e.CrossEntropy
	e.KL = k * kl(p, e.LogQ)
	e.Grad = make([]float64, len(z))
	var g2 float64
	for i := range z {
		e.Grad[i] = e.Q[i] - p[i]
		g2 += e.Grad[i] * e.Grad[i]
	}
	e.GradNorm = math.Sqrt(g2)
	return e, nil
}

// loss is H(P, Q) = −Σ p_i log q_i in nats from log q (0·log q = 0).
func loss(p, logQ []float64) float64 {
	s := 0.0
	for i, pi := range p {
		if pi != 0 {
			s -= pi * logQ[i]
		}
	}
	return max(s, 0)
}

// kl is KL(P‖Q) = Σ p_i log(p_i/q_i) in nats from log q: core/softmax.KL,
// which sums Σ [p log(p/q) − p + q], plus Σp − Σq = Σp − 1 (p is normalised
// only within 1e-9). Rounding below 0 is clamped.
func kl(p, logQ []float64) float64 {
	logP := make([]float64, len(p))
	var sp fsum.Acc
	sp.Add(-1)
	for i, pi := range p {
		logP[i] = math.Log(pi)
		sp.Add(pi)
	}
	return max(softmax.KL(logP, logQ)+sp.Value(), 0)
}

// Step is the state after one gradient step of Train.
type Step struct {
	Loss float64 // H(P, Q) after the step, in nats
	KL   float64 // KL(P‖Q) = Loss − H(P) after the step, in nats
}

// Train takes `steps` steps of gradient descent on the cross-entropy H(P, Q)
// with respect to the logits,
//
//	z ← z − η (softmax(z) − p),
//
// and returns the new logits and, for each step, the loss and its KL part
// after it (in nats, from the log-softmax as in Evaluate). The mean of the
// logits does not change (the gradient sums to 0) unless a logit meets its
// bound: no step takes a logit beyond ±MaxLogit, or further out than it
// already was (a logit typed in beyond the range moves only by its gradient,
// never jumps to the bound). With a one-hot label the loss falls towards 0
// without reaching it (q_c → 1 needs z_c − z_j → ∞); with a smoothed label or
// a mixed batch it stops at H(P) > 0, where Q = P.
//
// Errors: those of Evaluate, η not in (0, 100] ("lr"), steps not in 0..1000
// ("steps").
func Train(z, p []float64, lr float64, steps int) ([]float64, []Step, error) {
	if err := checkLogits(z); err != nil {
		return nil, nil, err
	}
	if _, err := input.Probabilities("p", p, false); err != nil {
		return nil, nil, err
	}
	if len(p) != len(z) {
		return nil, nil, input.Errorf(input.LengthMismatch, "p", "has %d entries but there are %d logits", len(p), len(z))
	}
	if err := input.Positive("lr", lr); err != nil {
		return nil, nil, err
	}
	if lr > MaxRate {
		return nil, nil, input.Errorf(input.OutOfRange, "lr", "is %v; it must be at most %v", lr, float64(MaxRate))
	}
	if steps < 0 || steps > MaxSteps {
		return nil, nil, input.Errorf(input.OutOfRange, "steps", "is %d; it must be between 0 and %d", steps, MaxSteps)
	}
	z = append([]float64(nil), z...)
	trace := make([]Step, steps)
	for t := range trace {
		q := softmax.Softmax(z)
		for i, zi := range z {
			z[i] = min(max(MaxLogit, zi), max(min(-MaxLogit, zi), zi-lr*(q[i]-p[i])))
		}
		lq := softmax.LogSoftmax(z)
		trace[t] = Step{Loss: loss(p, lq), KL: kl(p, lq)}
	}
	return z, trace, nil
}
