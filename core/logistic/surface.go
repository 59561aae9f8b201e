package logistic

import "math"

// Surface returns the loss L over an n×n grid of the two weights of class c,
// (w_c,x, w_c,y) = (u, v), with every other weight held at θ: value
// [row·n + col] at u = lo + col·d, v = hi − row·d, d = (hi − lo)/(n − 1), so
// row 0 is the top (largest v) as an image is drawn. Per point, with
// z_c = u x_i + v y_i + b_c and o_i = LSE_{k≠c} z_ik (fixed over the grid),
//
//	H(p_i, q_i) = LSE(z_i) − Σ_k p_ik z_ik = o_i + log(1 + r_i) − Σ_k p_ik z_ik,   r_i = exp(z_c − o_i),
//
// and r_i = exp(u x_i)·exp(v y_i + b_c − o_i) is a product of two factors
// computed once per column and once per row, so a cell costs one
// multiplication per point and one logarithm in all: the log of the product
// Π_i (1 + r_i), carried in pieces below 10³⁰⁰. A point whose r_i is not a
// finite number below 10¹⁰⁰ (a factor overflowed, or 0·∞) takes the direct
// form max(t, 0) + log1p(exp(−|t|)), t = z_c − o_i. The linear part
// Σ_i (o_i − Σ_k p_ik z_ik) is a·1 − u Σ p_ic x_i − v Σ p_ic y_i with its
// constant summed once. Each value is kept ≥ the floor (1/N) Σ H(p_i), which
// only removes rounding. The grid's values agree with Evaluate at the same
// weights to rounding. n ≥ 2, lo < hi, c < K and points non-empty; inputs are
// not checked (Frame checks them).
func Surface(theta []float64, pts []Point, targets []float64, c, n int, lo, hi float64) []float64 {
	k := len(theta) / 3
	np := len(pts)
	floor := 0.0
	for _, h := range entropies(targets, k) {
		floor += h
	}
	floor /= float64(np)
	d := (hi - lo) / float64(n-1)
	us, vs := make([]float64, n), make([]float64, n)
	for j := range n {
		us[j] = lo + float64(j)*d
		vs[j] = hi - float64(j)*d
	}
	bc := theta[3*c+2]
	other := make([]float64, np)
	eu, ev := make([]float64, np*n), make([]float64, np*n)
	var base, sx, sy float64
	z := make([]float64, k)
	for i, pt := range pts {
		logits(theta, pt.X, pt.Y, z)
		m := math.Inf(-1)
		for j, v := range z {
			if j != c {
				m = max(m, v)
			}
		}
		s, fixed := 0.0, 0.0
		for j, v := range z {
			if j != c {
				s += math.Exp(v - m)
				fixed -= targets[i*k+j] * v
			}
		}
		other[i] = m + math.Log(s)
		pc := targets[i*k+c]
		base += other[i] + fixed - pc*bc
		sx += pc * pt.X
		sy += pc * pt.Y
		for j := range n {
			eu[i*n+j] = math.Exp(us[j] * pt.X)
			ev[i*n+j] = math.Exp(vs[j]*pt.Y + bc - other[i])
		}
	}
	out := make([]float64, n*n)
	for row := range n {
		v := vs[row]
		for col := range n {
			u := us[col]
			lg, prod := 0.0, 1.0
			for i, pt := range pts {
				r := eu[i*n+col] * ev[i*n+row]
				if !(r < 1e100) {
					t := u*pt.X + v*pt.Y + bc - other[i]
					lg += max(t, 0) + math.Log1p(math.Exp(-math.Abs(t)))
					continue
				}
				if prod *= 1 + r; prod > 1e200 {
					lg += math.Log(prod)
					prod = 1
				}
			}
			out[row*n+col] = max((base-u*sx-v*sy+lg+math.Log(prod))/float64(np), floor)
		}
	}
	return out
}

// Field returns q(k|x) over an n×n grid of cell centres covering
// [−Extent, Extent]², at [(row·n + col)·K + k] for the point
// x = −Extent + (col + ½)·2·Extent/n, y = Extent − (row + ½)·2·Extent/n (row 0
// at the top), for shading the plane by the model's prediction. A cell's
// exp(z_k) is exp(w_k,x x)·exp(w_k,y y + b_k), factors computed once per
// column and per row, and q_k = exp(z_k)/Σ_j exp(z_j); where that sum is not a
// finite positive number (a factor overflowed or underflowed) the cell takes
// the max-shifted log-softmax instead.
func Field(theta []float64, n int) []float64 {
	k := len(theta) / 3
	out := make([]float64, n*n*k)
	cell := 2 * float64(Extent) / float64(n)
	ex, ey := make([]float64, k*n), make([]float64, k*n)
	for j := range n {
		x := -Extent + (float64(j)+0.5)*cell
		y := Extent - (float64(j)+0.5)*cell
		for c := range k {
			ex[c*n+j] = math.Exp(theta[3*c] * x)
			ey[c*n+j] = math.Exp(theta[3*c+1]*y + theta[3*c+2])
		}
	}
	z := make([]float64, k)
	lq := make([]float64, k)
	for row := range n {
		for col := range n {
			q := out[(row*n+col)*k : (row*n+col+1)*k]
			s := 0.0
			for c := range k {
				q[c] = ex[c*n+col] * ey[c*n+row]
				s += q[c]
			}
			if s > 0 && s <= math.MaxFloat64 {
				for c := range k {
					q[c] /= s
				}
				continue
			}
			x := -Extent + (float64(col)+0.5)*cell
			y := Extent - (float64(row)+0.5)*cell
			logits(theta, x, y, z)
			logSoftmaxInto(z, lq)
			for c, l := range lq {
				q[c] = math.Exp(l)
			}
		}
	}
	return out
}
