// Package logistic is the model of the Cross-entropy lab's "Q depends on the
// input" panel: multinomial logistic (softmax) regression on points of the
// plane with K = 2 or 3 classes,
//
//	q(y = k | x) = softmax(W x + b)_k = exp(w_k·x + b_k) / Σ_j exp(w_j·x + b_j),
//
// its loss over a data set of N points with targets p_i (a distribution over
// the K classes for each point),
//
//	L(W, b) = (1/N) Σ_i H(p_i, q(·|x_i)) = (1/N) Σ_i H(p_i) + (1/N) Σ_i KL(p_i ‖ q(·|x_i)),
//
// which for one-hot targets p_i = [y = y_i] is (1/N) Σ_i −log q(y_i|x_i), the
// average KL from the one-hot labels (their entropy is 0), and its gradient,
// full-batch gradient descent with a step size that provably never raises the
// loss, the loss surface over two chosen weights, and the "world" the points
// come from: class-conditional Gaussians whose exact posterior p(y|x) is the
// target of the "true label" mode. With those targets the first sum, the
// average entropy of the true labels H(Y|X) over the points, is a floor no
// model can go below (aleatoric, irreducible uncertainty); the second, the
// average KL, is what training can remove (epistemic, reducible). The floor
// holds for the true labels only: with the points' one-hot classes as targets
// the floor is 0, and on a finite sample the loss can fall below the world's
// H(Y|X), since the model then fits the labels that were drawn rather than
// their probabilities (overfitting); their expected loss, averaged over the
// draws of the labels, is the true-label loss and does not.
//
// Weights are one vector θ of length 3K: θ[3k], θ[3k+1] are w_k (the x and y
// weights of class k) and θ[3k+2] is b_k. Every log q is computed as
// z_k − LSE(z) with the maximum subtracted first, never as the log of an
// exponentiated q, so no term overflows or becomes −Inf. Bad input is an
// *input.Error naming the argument. The package is pure Go.
package logistic

import (
	"math"

	"github.com/klplayground/klplay/core/softmax"
)

// The limits of the model.
const (
	MinClasses = 2   // fewest classes
	MaxClasses = 3   // most classes
	MaxPoints  = 40  // most points in a data set
	Extent     = 4   // points lie in the square [−Extent, Extent]²
	MaxSteps   = 500 // most gradient steps from the start (a drag replays them all)
)

// Point is one labelled point of the plane: its features (X, Y) and its class.
type Point struct {
	X, Y  float64
	Class int
}

// logits returns z_k = w_k·x + b_k for the k classes of θ (len θ = 3k) at (x, y).
func logits(theta []float64, x, y float64, z []float64) {
	for k := range z {
		z[k] = theta[3*k]*x + theta[3*k+1]*y + theta[3*k+2]
	}
}

// logSoftmaxInto writes log q_k = z_k − LSE(z) into lq, with LSE(z)
// computed as m + log Σ exp(z_k − m) and m = max z (one term is exp 0 = 1,
// so the sum is in [1, K] and its log never underflows or overflows).
func logSoftmaxInto(z, lq []float64) {
	m := z[0]
	for _, v := range z[1:] {
		m = max(m, v)
	}
	s := 0.0
	for _, v := range z {
		s += math.Exp(v - m)
	}
	lse := m + math.Log(s)
	for k, v := range z {
		lq[k] = v - lse
	}
}

// Predict returns q(·|x) = softmax(W x + b) at the point (x, y) for weights θ
// of length 3K, and its logarithm log q_k = z_k − LSE(z) (exact where q_k
// underflows to 0). θ = 0 gives the uniform q_k = 1/K everywhere. Panics if
// len θ is not a multiple of 3 (callers check θ first).
func Predict(theta []float64, x, y float64) (q, logQ []float64) {
	k := len(theta) / 3
	z := make([]float64, k)
	logQ = make([]float64, k)
	logits(theta, x, y, z)
	logSoftmaxInto(z, logQ)
	q = make([]float64, k)
	for i, l := range logQ {
		q[i] = math.Exp(l)
	}
	return q, logQ
}

// Eval is the loss of weights θ on a data set with targets, term by term.
// Every value is in nats.
type Eval struct {
	Loss     float64   // L = (1/N) Σ_i Terms[i]
	Floor    float64   // (1/N) Σ_i H(p_i): the part no weights can remove
	Gap      float64   // (1/N) Σ_i KL(p_i ‖ q_i) ≥ 0: the part training can remove
	Terms    []float64 // H(p_i, q_i) = H(p_i) + KL(p_i ‖ q_i); −log q(y_i|x_i) for one-hot p_i
	Entropy  []float64 // H(p_i) (0 for a one-hot target)
	Q        []float64 // q(k|x_i) at [i·K + k]
	Grad     []float64 // ∂L/∂θ, length 3K
	GradNorm float64   // ‖∂L/∂θ‖₂
}

// Evaluate returns the loss of θ (length 3K) on the points with targets p
// (targets[i·K + k] = p_i(k), each row a distribution) and its gradient:
//
//	L = (1/N) Σ_i Σ_k −p_ik log q_ik,   q_i = softmax(z_i),  z_ik = w_k·x_i + b_k,
//	∂L/∂w_k = (1/N) Σ_i (q_ik − p_ik) x_i,   ∂L/∂b_k = (1/N) Σ_i (q_ik − p_ik),
//
// since ∂(−Σ_j p_j log q_j)/∂z_k = q_k − p_k when Σ_j p_j = 1. Each term is
// summed as H(p_i) + KL(p_i‖q_i), the KL by core/softmax.KL, whose summands
// are each ≥ 0: so Terms[i] ≥ Entropy[i] and Loss ≥ Floor hold exactly in
// floating point, not only in exact arithmetic (Gibbs' inequality), and
// Loss = Floor + Gap up to one rounding. With one-hot targets Floor = 0 and
// Terms[i] = −log q(y_i|x_i) = KL(onehot(y_i) ‖ q_i). The gradient of the
// class weights sums to 0 over the classes (Σ_k (q_ik − p_ik) = 0), so
// descent from θ = 0 keeps Σ_k w_k = 0 and Σ_k b_k = 0.
//
// The inputs are not checked here: Fit and Frame check them (see Decode);
// N = 0 gives NaN.
func Evaluate(theta []float64, pts []Point, targets []float64) Eval {
	k := len(theta) / 3
	n := len(pts)
	e := Eval{Terms: make([]float64, n), Entropy: entropies(targets, k), Q: make([]float64, n*k), Grad: make([]float64, 3*k)}
	z := make([]float64, k)
	lq := make([]float64, k)
	lp := make([]float64, k)
	for i, pt := range pts {
		logits(theta, pt.X, pt.Y, z)
		logSoftmaxInto(z, lq)
		p := targets[i*k : (i+1)*k]
		for c, pc := range p {
			lp[c] = math.Log(pc) // −Inf for p = 0: softmax.KL's term is then q
		}
		e.Terms[i] = e.Entropy[i] + softmax.KL(lp, lq)
		for c := range k {
			qc := math.Exp(lq[c])
			e.Q[i*k+c] = qc
			d := (qc - p[c]) / float64(n)
			e.Grad[3*c] += d * pt.X
			e.Grad[3*c+1] += d * pt.Y
			e.Grad[3*c+2] += d
		}
	}
	for i := range pts {
		e.Loss += e.Terms[i]
		e.Floor += e.Entropy[i]
		e.Gap += e.Terms[i] - e.Entropy[i]
	}
	e.Loss /= float64(n)
	e.Floor /= float64(n)
	e.Gap = max(e.Gap/float64(n), 0)
	g2 := 0.0
	for _, g := range e.Grad {
		g2 += g * g
	}
	e.GradNorm = math.Sqrt(g2)
	return e
}

// StepSize returns η = 1/Λ with Λ = ½ λ_max(S), S = (1/N) Σ_i x̃_i x̃_iᵀ and
// x̃_i = (x_i, y_i, 1): the inverse of a bound on the curvature of L. The
// Hessian of L is (1/N) Σ_i (diag q_i − q_i q_iᵀ) ⊗ x̃_i x̃_iᵀ, and
// diag q − q qᵀ ≼ ½ I for every distribution q (Böhning 1992), so the Hessian
// is ≼ Λ I whatever the weights and the targets. A gradient step of size 1/Λ
// then lowers the loss by at least ‖∇L‖²/(2Λ) and never raises it. λ_max of
// the 3×3 matrix S is found in closed form (the trigonometric solution of its
// characteristic cubic). S has λ_max ≥ 1 (its corner entry is 1 and λ_max
// bounds every diagonal entry), so η ≤ 2. Points must be non-empty.
func StepSize(pts []Point) float64 {
	var s [3][3]float64
	for _, p := range pts {
		v := [3]float64{p.X, p.Y, 1}
		for a := range 3 {
			for b := range 3 {
				s[a][b] += v[a] * v[b]
			}
		}
	}
	n := float64(len(pts))
	for a := range 3 {
		for b := range 3 {
			s[a][b] /= n
		}
	}
	return 2 / maxEigen3(s)
}

// maxEigen3 returns the largest eigenvalue of a symmetric 3×3 matrix: with
// q = tr(A)/3, B = (A − qI)/r, r = √(tr((A − qI)²)/6), the eigenvalues are
// q + 2r cos(φ + 2πj/3) with φ = arccos(det(B)/2)/3, the largest at j = 0.
// A multiple of I (r = 0) gives q.
func maxEigen3(a [3][3]float64) float64 {
	q := (a[0][0] + a[1][1] + a[2][2]) / 3
	p1 := a[0][1]*a[0][1] + a[0][2]*a[0][2] + a[1][2]*a[1][2]
	p2 := (a[0][0]-q)*(a[0][0]-q) + (a[1][1]-q)*(a[1][1]-q) + (a[2][2]-q)*(a[2][2]-q) + 2*p1
	r := math.Sqrt(p2 / 6)
	if r == 0 {
		return q
	}
	var b [3][3]float64
	for i := range 3 {
		for j := range 3 {
			b[i][j] = a[i][j] / r
		}
		b[i][i] -= q / r
	}
	det := b[0][0]*(b[1][1]*b[2][2]-b[1][2]*b[2][1]) - b[0][1]*(b[1][0]*b[2][2]-b[1][2]*b[2][0]) + b[0][2]*(b[1][0]*b[2][1]-b[1][1]*b[2][0])
	phi := math.Acos(min(1, max(-1, det/2))) / 3
	return q + 2*r*math.Cos(phi)
}

// Descend takes `steps` full-batch gradient steps θ ← θ − η ∇L(θ) from θ on the
// points with their targets and returns the weights after each step
// (path[t] after step t+1, each a fresh slice of length 3K) and the loss
// after each (in nats). The loss of each step is Σ_i max(H(p_i, q_i), H(p_i))/N
// with H(p_i, q_i) = −Σ_k p_ik (z_ik − LSE(z_i)): the max only removes
// rounding (Gibbs' inequality makes H(p,q) ≥ H(p)), so the trace never dips
// below the floor. The loss after a step comes from the same pass over the
// points as the next step's gradient, so a step costs K − 1 exponentials and
// one logarithm per point. It is deterministic: the same inputs give the same
// bits, and steps taken in two calls (from the first call's last weights) are
// the steps of one call. With η = StepSize(pts) the loss never increases from
// step to step. Inputs are not checked here (Frame checks them).
func Descend(theta []float64, pts []Point, targets []float64, eta float64, steps int) (path [][]float64, losses []float64) {
	k := len(theta) / 3
	n := float64(len(pts))
	th := append([]float64(nil), theta...)
	g := make([]float64, 3*k)
	h := entropies(targets, k)
	path = make([][]float64, steps)
	losses = make([]float64, steps)
	for t := range steps {
		clear(g)
		l := pass(th, pts, targets, h, g)
		if t > 0 {
			losses[t-1] = l
		}
		for j := range th {
			th[j] -= eta * g[j] / n
		}
		path[t] = append([]float64(nil), th...)
	}
	if steps > 0 {
		losses[steps-1] = pass(th, pts, targets, h, nil)
	}
	return path, losses
}

// pass returns (1/N) Σ_i max(−Σ_k p_ik log q_ik, H(p_i)) at θ, with
// log q_ik = z_ik − m_i − log s_i, s_i = Σ_k exp(z_ik − m_i), m_i = max_k z_ik,
// and, when g is not nil, adds N·∂L/∂θ = Σ_i (q_ik − p_ik)(x_i, y_i, 1) to g,
// with q_ik = exp(z_ik − m_i)/s_i.
func pass(theta []float64, pts []Point, targets, h, g []float64) float64 {
	k := len(theta) / 3
	var zb, eb [MaxClasses]float64
	z, e := zb[:k], eb[:k]
	sum := 0.0
	for i, pt := range pts {
		logits(theta, pt.X, pt.Y, z)
		top := 0
		for c, v := range z {
			if v > z[top] {
				top = c
			}
		}
		m := z[top]
		s := 0.0
		for c, v := range z {
			e[c] = 1 // exp(0) at the maximum: one exponential fewer
			if c != top {
				e[c] = math.Exp(v - m)
			}
			s += e[c]
		}
		lse := m + math.Log(s)
		ce := 0.0
		for c, v := range z {
			p := targets[i*k+c]
			if p > 0 {
				ce -= p * (v - lse)
			}
			if g != nil {
				d := e[c]/s - p
				g[3*c] += d * pt.X
				g[3*c+1] += d * pt.Y
				g[3*c+2] += d
			}
		}
		sum += max(ce, h[i])
	}
	return sum / float64(len(pts))
}

// entropies returns H(p_i) = −Σ_k p_ik log p_ik (0·log 0 = 0) for each row of targets.
func entropies(targets []float64, k int) []float64 {
	h := make([]float64, len(targets)/k)
	for i := range h {
		for _, p := range targets[i*k : (i+1)*k] {
			if p > 0 {
				h[i] -= p * math.Log(p)
			}
		}
		h[i] = max(h[i], 0)
	}
	return h
}
