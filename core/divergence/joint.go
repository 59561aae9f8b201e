package divergence

import (
	"math"
	"strconv"

	"github.com/klplayground/klplay/core/fastlog"
	"github.com/klplayground/klplay/core/fsum"
	"github.com/klplayground/klplay/core/input"
)

// jointTable validates a joint probability table (rows are X, columns Y):
// at least one row and one column, rows of equal length, entries finite and
// ≥ 0, total 1 within input.NormTolerance unless normalize, which returns a
// scaled copy. It also returns the base factor.
func jointTable(joint [][]float64, o Options) ([][]float64, float64, error) {
	if len(joint) == 0 {
		return nil, 0, input.Errorf(input.Empty, "joint", "has no rows; a joint table needs at least one row and one column")
	}
	cols := len(joint[0])
	var total fsum.Acc
	for i, row := range joint {
		if len(row) != cols {
			if cols == 0 {
				return nil, 0, input.Errorf(input.Empty, "joint[0]", "is empty; a joint table needs at least one column")
			}
			return nil, 0, input.Errorf(input.Ragged, "joint["+strconv.Itoa(i)+"]", "has %d entries but joint[0] has %d; every row must have the same length", len(row), cols)
		}
		for _, x := range row {
			total.Add(x)
		}
	}
	if cols == 0 {
		return nil, 0, input.Errorf(input.Empty, "joint[0]", "is empty; a joint table needs at least one column")
	}
	s := total.Value()
	if s != s || math.IsInf(s, 0) || math.Signbit(s) || hasBadEntry(joint) {
		// Find the first bad entry and report it by name (Entries allocates
		// the name only on error).
		for i, row := range joint {
			if err := input.Entries("joint["+strconv.Itoa(i)+"]", row); err != nil {
				return nil, 0, err
			}
		}
	}
	k, err := input.LogBase(o.Base)
	if err != nil {
		return nil, 0, err
	}
	if o.Normalize {
		if s == 0 {
			return nil, 0, input.Errorf(input.NotNormalized, "joint", "sums to 0 and cannot be normalised")
		}
		if math.IsInf(s, 0) {
			return nil, 0, input.Errorf(input.NotFinite, "joint", "sums to more than the largest float and cannot be normalised")
		}
		out := make([][]float64, len(joint))
		for i, row := range joint {
			out[i] = make([]float64, cols)
			for j, x := range row {
				out[i][j] = x / s
			}
		}
		return out, k, nil
	}
	if math.Abs(s-1) > input.NormTolerance {
		return nil, 0, input.Errorf(input.NotNormalized, "joint", "sums to %.12g, not 1; pass normalize: true to rescale it", s)
	}
	return joint, k, nil
}

// hasBadEntry reports whether some entry is negative, NaN or ±Inf.
func hasBadEntry(joint [][]float64) bool {
	for _, row := range joint {
		for _, x := range row {
			if !(x >= 0 && x <= math.MaxFloat64) {
				return true
			}
		}
	}
	return false
}

// marginals returns the row sums px (X) and the column sums py (Y).
func marginals(joint [][]float64) (px, py []float64) {
	px = make([]float64, len(joint))
	py = make([]float64, len(joint[0]))
	cols := make([]fsum.Acc, len(py))
	for i, row := range joint {
		px[i] = fsum.Sum(row)
		for j, x := range row {
			cols[j].Add(x)
		}
	}
	for j := range cols {
		py[j] = cols[j].Value()
	}
	return px, py
}

// MutualInformation returns the mutual information of the joint table
// joint[i][j] = P(X = x_i, Y = y_j) (rows are X, columns are Y),
//
//	I(X; Y) = Σ_ij p_ij log(p_ij / (p_i· p_·j)) = KL(P_XY ‖ P_X ⊗ P_Y)
//	        = H(X) + H(Y) − H(X, Y),
//
// in the unit of o.Base. It is ≥ 0, 0 iff X and Y are independent, and at
// most min(H(X), H(Y)). Cells with p_ij = 0 contribute nothing; a cell with
// p_ij > 0 always has positive marginals, so I is finite. Products of tiny
// marginals are taken in log space. Near independence the sum is recomputed
// as a sum of non-negative terms (as KL does), which keeps its relative
// accuracy. Rounding below 0 is clamped to 0.
//
// Errors (*input.Error): no rows ("joint", input.Empty), an empty first row
// ("joint[0]", input.Empty), a row of a different length than joint[0]
// (input.Ragged, "joint[2]"), an entry negative, NaN or ±Inf
// (input.Negative / input.NotFinite, "joint[2][0]"), a total not 1 within
// 1e-9 without o.Normalize (input.NotNormalized, "joint"), a bad base.
func MutualInformation(joint [][]float64, o Options) (float64, error) {
	joint, k, err := jointTable(joint, o)
	if err != nil {
		return 0, err
	}
	px, py := marginals(joint)
	var a fsum.Acc
	mag := 0.0
	for i, row := range joint {
		for j, pij := range row {
			if pij == 0 {
				continue
			}
			t := pij * miLogRatio(pij, px[i], py[j])
			a.Add(t)
			mag += math.Abs(t)
		}
	}
	v := a.Value()
	if v < 1e-3*max(1, mag) {
		// Σ [q φ(p/q)] + Σ (p − q) over the cells with p > 0, q = px·py:
		// every φ term is ≥ 0, so there is no cancellation (as klAccurate).
		var b fsum.Acc
		for i, row := range joint {
			for j, pij := range row {
				if pij == 0 {
					continue
				}
				q := px[i] * py[j]
				if q >= minNormal {
					b.Add(klTerm(pij, q))
				} else {
					b.Add(pij*miLogRatio(pij, px[i], py[j]) - pij + q)
				}
				b.Add(pij)
				b.Add(-q)
			}
		}
		// A cell with p = 0 would add q·φ(0) + (0 − q) = 0: skipping it is exact.
		v = b.Value()
	}
	return k * max(v, 0), nil
}

// miLogRatio returns log(p/(x·y)) for p, x, y > 0 without forming x·y when it
// would underflow.
func miLogRatio(p, x, y float64) float64 {
	r := p / x / y
	if r >= minNormal && r <= math.MaxFloat64 {
		return fastlog.Split(r).Log()
	}
	return ln(p) - ln(x) - ln(y)
}

// JointEntropy returns the joint entropy of the table joint (rows X, columns
// Y),
//
//	H(X, Y) = −Σ_ij p_ij log p_ij,
//
// in the unit of o.Base, with 0·log 0 = 0. It lies in [0, log(rows·cols)].
// Errors are those of MutualInformation.
func JointEntropy(joint [][]float64, o Options) (float64, error) {
	joint, k, err := jointTable(joint, o)
	if err != nil {
		return 0, err
	}
	var a fsum.Acc
	for _, row := range joint {
		for _, x := range row {
			if x != 0 {
				a.Add(-x * ln(x))
			}
		}
	}
	return k * max(a.Value(), 0), nil
}

// ConditionalEntropy returns the conditional entropy of Y (the columns) given
// X (the rows) of the table joint,
//
//	H(Y | X) = H(X, Y) − H(X) = −Σ_ij p_ij log(p_ij / p_i·),
//
// where p_i· = Σ_j p_ij is the marginal of X (the row sums). For H(X | Y),
// pass the transposed table. It is computed from the second form, a sum of
// non-negative terms (p_ij ≤ p_i·), with 0·log 0 = 0; it lies in
// [0, H(Y)] and is 0 iff Y is a function of X. Errors are those of
// MutualInformation.
func ConditionalEntropy(joint [][]float64, o Options) (float64, error) {
	joint, k, err := jointTable(joint, o)
	if err != nil {
		return 0, err
	}
	var a fsum.Acc
	for _, row := range joint {
		px := fsum.Sum(row)
		for _, x := range row {
			if x != 0 {
				a.Add(-x * logRatioAcc(x, px))
			}
		}
	}
	return k * max(a.Value(), 0), nil
}
