package distribution

import (
	"math"

	"github.com/klplayground/klplay/core/fsum"
)

// closedKL returns KL(p‖q) in closed form when the pair has one. The caller
// has already checked that q's support covers p's (else KL = +Inf).
//
// Same-family pairs use the textbook formulas, rearranged so that nearly equal
// parameters do not cancel (u − log(1+u) and eᵗ − 1 − t by series near 0).
// Cross-family pairs use KL = E_p[−log q] − H(P) with the expectations under P
// that q's log-density needs (see crossMoments).
func closedKL(p, q Dist) (float64, bool) {
	switch p := p.(type) {
	case Normal:
		if q, ok := q.(Normal); ok {
			return klNormal(p.Mu, p.Sigma, q.Mu, q.Sigma), true
		}
	case LogNormal:
		// log X is normal under both, and KL is invariant under x ↦ log x.
		if q, ok := q.(LogNormal); ok {
			return klNormal(p.Mu, p.Sigma, q.Mu, q.Sigma), true
		}
	case Laplace:
		if q, ok := q.(Laplace); ok {
			// log(b_q/b_p) + |μp−μq|/b_q + (b_p/b_q) e^{−|μp−μq|/b_p} − 1
			//   = [r − 1 − log r] + r(e^{−t} − 1 + t),  r = b_p/b_q, t = |μp−μq|/b_p
			// (Gil, Alajaji and Linder 2013).
			v := rm1mlog(p.B, q.B)
			dl := math.Abs(p.Mu - q.Mu)
			switch t := dl / p.B; {
			case t == 0:
			case t <= 1:
				if e := expm1mx(-t); e != 0 {
					v += p.B / q.B * e
				}
			default: // r(e^{−t} − 1 + t) = |Δμ|/b_q + r·expm1(−t), finite when r under- or t overflows
				v += dl/q.B + p.B/q.B*math.Expm1(-t)
			}
			return v, true
		}
	case Exponential:
		if q, ok := q.(Exponential); ok {
			// log(λp/λq) + λq/λp − 1 = r − 1 − log r, r = λq/λp.
			return rm1mlog(q.Rate, p.Rate), true
		}
	case Gamma:
		if q, ok := q.(Gamma); ok {
			return klGamma(p.Shape, p.Rate, q.Shape, q.Rate), true
		}
	case Beta:
		if q, ok := q.(Beta); ok {
			// log B(αq,βq) − log B(αp,βp) + (αp−αq)ψ(αp) + (βp−βq)ψ(βp)
			//   + (αq−αp+βq−βp)ψ(αp+βp)
			var a fsum.Acc
			a.Add(lbeta(q.Alpha, q.Beta))
			a.Add(-lbeta(p.Alpha, p.Beta))
			a.Add((p.Alpha - q.Alpha) * digamma(p.Alpha))
			a.Add((p.Beta - q.Beta) * digamma(p.Beta))
			a.Add((q.Alpha - p.Alpha + q.Beta - p.Beta) * digamma(p.Alpha+p.Beta))
			return a.Value(), true
		}
	case Uniform:
		if q, ok := q.(Uniform); ok {
			// log((max_q − min_q)/(max_p − min_p)) when [min_p,max_p] ⊆ [min_q,max_q].
			wp, wq := p.Max-p.Min, q.Max-q.Min
			if wp == wq {
				return 0, true
			}
			return math.Log(wq) - math.Log(wp), true
		}
	case Poisson:
		if q, ok := q.(Poisson); ok {
			// λp log(λp/λq) + λq − λp = λp (r − 1 − log r), r = λq/λp.
			return p.Rate * rm1mlog(q.Rate, p.Rate), true
		}
	}
	if n, ok := finiteSupport(p); ok && q.Discrete() {
		v, _ := finiteSum(p, n, func(k, lp float64) float64 { return lp - q.LogProb(k) })
		return v, true
	}
	h, okH := p.Entropy()
	m, okM := p.moments()
	if !okH || !okM {
		return 0, false
	}
	ce, ok := crossMoments(m, q)
	if !ok {
		return 0, false
	}
	return math.Max(0, ce-h), true
}

// klNormal returns KL(N(mp,sp²)‖N(mq,sq²)) = ½[r² − 1 − log r²] + (mp−mq)²/(2sq²),
// r = sp/sq, with r² − 1 = ((sp−sq)/sq)((sp+sq)/sq) kept exact near r = 1.
func klNormal(mp, sp, mq, sq float64) float64 {
	d := (mp - mq) / sq
	u := ((sp - sq) / sq) * ((sp + sq) / sq)
	var g float64
	if math.Abs(u) < 0.5 {
		g = umlog1p(u)
	} else {
		r := sp / sq
		g = r*r - 1 - 2*(math.Log(sp)-math.Log(sq))
	}
	return 0.5*g + 0.5*d*d
}

// rm1mlog returns r − 1 − log r ≥ 0 for r = num/den > 0, exact near r = 1 and
// finite when r under- or overflows.
func rm1mlog(num, den float64) float64 {
	u := (num - den) / den
	if math.Abs(u) < 0.5 {
		return umlog1p(u)
	}
	return num/den - 1 - (math.Log(num) - math.Log(den))
}

// klGamma returns KL(Gamma(kp,θp)‖Gamma(kq,θq)) (shape, rate):
//
//	(kp−kq)ψ(kp) − log Γ(kp) + log Γ(kq) + kq log(θp/θq) + kp(θq−θp)/θp
//
// with the rate terms rearranged as kq(r − 1 − log r) + (kp−kq)(r − 1), r = θq/θp.
func klGamma(kp, tp, kq, tq float64) float64 {
	var a fsum.Acc
	a.Add((kp - kq) * digamma(kp))
	a.Add(-lgamma(kp))
	a.Add(lgamma(kq))
	if math.IsInf(tq/tp, 1) {
		return math.Inf(1) // kp(θq/θp) dominates every other term
	}
	a.Add(kq * rm1mlog(tq, tp))
	if kp != kq {
		a.Add((kp - kq) * ((tq - tp) / tp))
	}
	return a.Value()
}

// crossMoments returns the cross-entropy E_p[−log q(X)] from the moments m of P
// when q's family needs only moments that P has in closed form:
//
//	normal(μ,σ):      ½ log 2π + log σ + (Var X + (E X − μ)²)/(2σ²)
//	laplace(μ,b):     log 2b + E|X − μ|/b
//	exponential(λ):   −log λ + λ E X
//	gamma(k,θ):       −k log θ + log Γ(k) − (k−1) E log X + θ E X
//	beta(α,β):        log B(α,β) − (α−1) E log X − (β−1) E log(1−X)
//	uniform(a,b):     log(b − a)
//	lognormal(μ,σ):   E log X + ½ log 2π + log σ + (Var log X + (E log X − μ)²)/(2σ²)
func crossMoments(m moments, q Dist) (float64, bool) {
	switch q := q.(type) {
	case Normal:
		return logSqrt2Pi + math.Log(q.Sigma) + halfSq(m.variance, m.mean-q.Mu, q.Sigma), true
	case Laplace:
		if m.absdev == nil {
			return 0, false
		}
		return math.Log(2*q.B) + m.absdev(q.Mu)/q.B, true
	case Exponential:
		return -math.Log(q.Rate) + q.Rate*m.mean, true
	case Gamma:
		if !m.hasLog {
			return 0, false
		}
		v := -q.Shape*math.Log(q.Rate) + lgamma(q.Shape) + q.Rate*m.mean
		if q.Shape != 1 {
			v -= (q.Shape - 1) * m.elog
		}
		return v, true
	case Beta:
		if !m.hasLog || !m.hasLog1m {
			return 0, false
		}
		v := lbeta(q.Alpha, q.Beta)
		if q.Alpha != 1 {
			v -= (q.Alpha - 1) * m.elog
		}
		if q.Beta != 1 {
			v -= (q.Beta - 1) * m.elog1m
		}
		return v, true
	case Uniform:
		return math.Log(q.Max - q.Min), true
	case LogNormal:
		if !m.hasLog || !m.hasVarLog {
			return 0, false
		}
		return m.elog + logSqrt2Pi + math.Log(q.Sigma) + halfSq(m.varlog, m.elog-q.Mu, q.Sigma), true
	}
	return 0, false
}

// finiteSum returns Σ_{k<n} p(k) f(k, log p(k)) with 0·f = 0, and whether a
// term was +Inf.
func finiteSum(p Dist, n int, f func(k, lp float64) float64) (float64, bool) {
	var a fsum.Acc
	for k := 0; k < n; k++ {
		lp := p.LogProb(float64(k))
		pk := math.Exp(lp)
		if pk == 0 {
			continue
		}
		t := pk * f(float64(k), lp)
		if math.IsInf(t, 1) {
			return t, true
		}
		a.Add(t)
	}
	return a.Value(), false
}

// covers reports whether q's support covers p's, the condition for a finite
// KL(P‖Q). For densities it compares the support intervals (a mixture's gaps
// are found by quadrature); for mass functions, a Poisson P needs a Poisson Q
// (finite P are checked term by term by their sums).
func covers(p, q Dist) bool {
	plo, phi := p.Support()
	qlo, qhi := q.Support()
	if p.Discrete() {
		if _, finite := finiteSupport(p); finite {
			return true
		}
		return math.IsInf(qhi, 1)
	}
	return qlo <= plo && qhi >= phi
}

// halfSq returns (v + d²)/(2σ²), scaled so that it does not overflow early.
func halfSq(v, d, sigma float64) float64 {
	z := d / sigma
	return 0.5 * ((v/sigma)/sigma + z*z)
}
