// Package mutual is the model of the Mutual information lab: a joint table
// P(X, Y) handed over flat (row-major, rows are X, columns are Y), its
// marginals, the product of the marginals P(X)P(Y), the pointwise terms of
//
//	I(X; Y) = KL(P_XY ‖ P_X ⊗ P_Y) = Σ_xy p(x,y) log(p(x,y) / (p(x) p(y))),
//
// and the entropies drawn around it: H(X), H(Y), H(X,Y), H(X|Y), H(Y|X).
// The measures themselves come from core/divergence.
package mutual

import (
	"math"

	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/fsum"
	"github.com/klplayground/klplay/core/input"
)

// MaxCells bounds the size of a table (rows·cols) the package accepts.
const MaxCells = 4096

// Table decodes a flat, row-major joint table of rows × cols cells into rows
// (views into flat, not copies, unless o.Normalize rescales): table[i][j] =
// flat[i·cols + j] = P(X = x_i, Y = y_j).
//
// Errors (*input.Error): rows or cols below 1 (input.OutOfRange, "rows" /
// "cols"); more than MaxCells cells (input.TooLarge, "distribution"); a length
// other than rows·cols (input.LengthMismatch, "distribution"); an entry
// negative, NaN or ±Inf (input.Negative / input.NotFinite,
// "distribution[7]"); a total not 1 within input.NormTolerance unless
// o.Normalize (input.NotNormalized, "distribution"); a bad o.Base.
func Table(flat []float64, rows, cols int, o divergence.Options) ([][]float64, error) {
	if rows < 1 {
		return nil, input.Errorf(input.OutOfRange, "rows", "is %d; a joint table needs at least one row", rows)
	}
	if cols < 1 {
		return nil, input.Errorf(input.OutOfRange, "cols", "is %d; a joint table needs at least one column", cols)
	}
	if rows > MaxCells || cols > MaxCells || rows*cols > MaxCells {
		return nil, input.Errorf(input.TooLarge, "distribution", "would have %d × %d cells; at most %d are accepted", rows, cols, MaxCells)
	}
	if len(flat) != rows*cols {
		return nil, input.Errorf(input.LengthMismatch, "distribution", "has %d entries but rows × cols = %d × %d = %d", len(flat), rows, cols, rows*cols)
	}
	if _, err := input.LogBase(o.Base); err != nil {
		return nil, err
	}
	p, err := input.Probabilities("distribution", flat, o.Normalize)
	if err != nil {
		return nil, err
	}
	out := make([][]float64, rows)
	for i := range out {
		out[i] = p[i*cols : (i+1)*cols : (i+1)*cols]
	}
	return out, nil
}

// Report holds every number the Mutual information lab draws for one table,
// in the unit of the options' base (probabilities are unitless).
type Report struct {
	HX, HY   float64 // H(X) = −Σ p(x) log p(x), H(Y)
	HXY      float64 // H(X, Y) = −Σ p(x,y) log p(x,y)
	HXgivenY float64 // H(X | Y) = H(X, Y) − H(Y)
	HYgivenX float64 // H(Y | X) = H(X, Y) − H(X)
	MI       float64 // I(X; Y) = KL(P_XY ‖ P_X P_Y) = H(X) + H(Y) − H(X, Y)
	PX, PY   []float64
	Product  []float64 // p(x) p(y), flat and row-major like the input
	Terms    []float64 // p(x,y) log(p(x,y) / (p(x) p(y))), flat; 0 where p(x,y) = 0
}

// Analyze returns the Report of the joint table joint (rows X, columns Y; see
// Table for a flat one). Every entropy is computed by core/divergence from its
// own definition, each a sum of non-negative terms, so H(X|Y), H(Y|X) and I
// are each accurate and ≥ 0; the identities H(X,Y) = H(X) + H(Y|X) and
// I = H(X) − H(X|Y) hold up to rounding. A term p log(p/(p(x)p(y))) is
// negative where the cell is less likely than independence predicts; the terms
// sum to I (before I's clamping at 0). Products of tiny marginals are taken in
// log space, so a cell with p > 0 always has a finite term.
//
// Errors are those of divergence.MutualInformation.
func Analyze(joint [][]float64, o divergence.Options) (Report, error) {
	var r Report
	var err error
	if r.MI, err = divergence.MutualInformation(joint, o); err != nil {
		return r, err
	}
	if o.Normalize {
		// Validated above; from here on work with the rescaled table.
		joint, _ = normalise(joint)
		o.Normalize = false
	}
	k, _ := input.LogBase(o.Base)
	rows, cols := len(joint), len(joint[0])
	r.PX = make([]float64, rows)
	r.PY = make([]float64, cols)
	colAcc := make([]fsum.Acc, cols)
	t := make([][]float64, cols)
	for j := range t {
		t[j] = make([]float64, rows)
	}
	for i, row := range joint {
		r.PX[i] = fsum.Sum(row)
		for j, x := range row {
			colAcc[j].Add(x)
			t[j][i] = x
		}
	}
	for j := range colAcc {
		r.PY[j] = colAcc[j].Value()
	}
	if r.HX, err = divergence.Entropy(r.PX, divergence.Options{Base: o.Base, Normalize: true}); err != nil {
		return r, err
	}
	if r.HY, err = divergence.Entropy(r.PY, divergence.Options{Base: o.Base, Normalize: true}); err != nil {
		return r, err
	}
	// The table was validated by MutualInformation, so these cannot fail.
	r.HXY, _ = divergence.JointEntropy(joint, o)
	r.HYgivenX, _ = divergence.ConditionalEntropy(joint, o)
	r.HXgivenY, _ = divergence.ConditionalEntropy(t, o)
	r.Product = make([]float64, rows*cols)
	r.Terms = make([]float64, rows*cols)
	for i, row := range joint {
		for j, p := range row {
			r.Product[i*cols+j] = r.PX[i] * r.PY[j]
			if p > 0 {
				r.Terms[i*cols+j] = k * p * logRatio(p, r.PX[i], r.PY[j])
			}
		}
	}
	return r, nil
}

// logRatio returns log(p/(x·y)) for p, x, y > 0 without forming x·y when it
// would underflow.
func logRatio(p, x, y float64) float64 {
	r := p / x / y
	if r >= 0x1p-1022 && r <= math.MaxFloat64 {
		return math.Log(r)
	}
	return math.Log(p) - math.Log(x) - math.Log(y)
}

// normalise returns joint / Σ joint (the caller has checked Σ > 0).
func normalise(joint [][]float64) ([][]float64, float64) {
	var a fsum.Acc
	for _, row := range joint {
		for _, x := range row {
			a.Add(x)
		}
	}
	s := a.Value()
	out := make([][]float64, len(joint))
	for i, row := range joint {
		out[i] = make([]float64, len(row))
		for j, x := range row {
			out[i][j] = x / s
		}
	}
	return out, s
}

// Flat returns the row-major concatenation of a table's rows.
func Flat(table [][]float64) []float64 {
	n := 0
	for _, row := range table {
		n += len(row)
	}
	out := make([]float64, 0, n)
	for _, row := range table {
		out = append(out, row...)
	}
	return out
}
