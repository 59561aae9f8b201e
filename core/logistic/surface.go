package logistic

import "math"

// Surface returns the loss L over an n×n grid of the two weights of class c,
// (w_c,x, w_c,y) = (u, v), with every other weight held at θ: value
// [row·n + col] at u = lo + col·d, v = hi − row·d, d = (hi − lo)/(n − 1), so
// row 0 is the top (largest v) as an image is drawn. Per point, with
// z_c = u x_i + v y_i + b_c and o_i = LSE_{k≠c} z_ik (fixed over the grid),
//
//	H(p_i, q_i) = LSE(z_i) − Σ_k p_ik z_ik,   LSE(z_i) = max(z_c, o_i) + log1p(exp(−|z_c − o_i|)),
//
// one exp and one log1p per point and cell, and each term is kept ≥ H(p_i)
// as in Descend (rounding only), so the surface's minimum over the grid is
// never below the floor. The grid's values agree with Evaluate at the same
// weights to rounding. n ≥ 2, lo < hi, and c < K; inputs are not checked
// (Frame checks them).
func Surface(theta []float64, pts []Point, targets []float64, c, n int, lo, hi float64) []float64 {
	k := len(theta) / 3
	h := entropies(targets, k)
	other := make([]float64, len(pts)) // o_i
	fixed := make([]float64, len(pts)) // −Σ_{k≠c} p_ik z_ik − p_ic b_c
	z := make([]float64, k)
	for i, pt := range pts {
		logits(theta, pt.X, pt.Y, z)
		m := math.Inf(-1)
		for j, v := range z {
			if j != c {
				m = max(m, v)
			}
		}
		s := 0.0
		for j, v := range z {
			if j != c {
				s += math.Exp(v - m)
				fixed[i] -= targets[i*k+j] * v
			}
		}
		other[i] = m + math.Log(s)
		fixed[i] -= targets[i*k+c] * theta[3*c+2]
	}
	out := make([]float64, n*n)
	d := (hi - lo) / float64(n-1)
	bc := theta[3*c+2]
	for row := range n {
		v := hi - float64(row)*d
		for col := range n {
			u := lo + float64(col)*d
			s := 0.0
			for i, pt := range pts {
				zc := u*pt.X + v*pt.Y + bc
				lse := max(zc, other[i]) + math.Log1p(math.Exp(-math.Abs(zc-other[i])))
				pc := targets[i*k+c]
				s += max(lse+fixed[i]-pc*(u*pt.X+v*pt.Y), h[i])
			}
			out[row*n+col] = s / float64(len(pts))
		}
	}
	return out
}

// Field returns q(k|x) over an n×n grid of cell centres covering
// [−Extent, Extent]², at [(row·n + col)·K + k] for the point
// x = −Extent + (col + ½)·2·Extent/n, y = Extent − (row + ½)·2·Extent/n (row 0
// at the top), for shading the plane by the model's prediction.
func Field(theta []float64, n int) []float64 {
	k := len(theta) / 3
	out := make([]float64, n*n*k)
	z := make([]float64, k)
	lq := make([]float64, k)
	cell := 2 * float64(Extent) / float64(n)
	for row := range n {
		y := Extent - (float64(row)+0.5)*cell
		for col := range n {
			x := -Extent + (float64(col)+0.5)*cell
			logits(theta, x, y, z)
			logSoftmaxInto(z, lq)
			for j, l := range lq {
				out[(row*n+col)*k+j] = math.Exp(l)
			}
		}
	}
	return out
}
