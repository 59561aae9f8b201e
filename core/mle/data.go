// Package mle is the model of the Maximum-likelihood lab: a data set (sampled
// from a known distribution, or the reader's numbers decoded from text),
// parametric model families fitted to it by gradient ascent on the mean
// log-likelihood and, where one exists, by the closed-form MLE, and the
// measures that show the fit minimising KL(P_data‖P_θ): the mean negative
// log-likelihood, the divergence from the truth or from the data's histogram,
// and the entropy H(P_data) that separates them (see Model.Evaluate for the
// exact identity with each reference).
//
// Every function checks its input and returns an *input.Error (core/input)
// naming the argument, never a panic or NaN. The package is pure Go.
package mle

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/klplayground/klplay/core/input"
)

// Limits on data.
const (
	MaxValues    = 1_000_000 // most values in a data set
	MaxTextBytes = 64 << 20  // longest text ParseData reads (64 MiB)
	MinValues    = 2         // fewest values a fit needs
)

// ParseData decodes the reader's numbers: decimal or scientific numbers
// separated by commas, semicolons, tabs, spaces or line breaks (one CSV
// column, several columns, or one long line are all read as one flat list,
// row by row). A first line with no number in it (a CSV header such as
// "height_cm") is skipped, and reported in header. Empty fields and blank
// lines are ignored; "#" starts a comment that runs to the end of its line.
//
// Errors (*input.Error, argument "data"): empty input or no numbers at all
// (input.Empty); a field that is not a number, with its line and column
// (counted in characters from 1) and the field itself, cut to 20 characters
// (input.WrongType); NaN, ±Inf or a number beyond ±1.8e308 (input.NotFinite,
// also with line and column); more than MaxValues values or MaxTextBytes bytes
// (input.TooLarge). Invalid UTF-8 is reported like any other non-number.
func ParseData(text string) (xs []float64, header string, err error) {
	if len(text) > MaxTextBytes {
		return nil, "", input.Errorf(input.TooLarge, "data", "is %d bytes long; at most %d MB of text is read", len(text), MaxTextBytes>>20)
	}
	if strings.TrimSpace(text) == "" {
		return nil, "", input.Errorf(input.Empty, "data", "is empty; paste or load some numbers")
	}
	xs = make([]float64, 0, min(len(text)/2+1, 1<<16))
	line := 0
	sawContent := false // a line with a field was read: no header can follow
	for len(text) > 0 {
		line++
		var ln string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			ln, text = text[:i], text[i+1:]
		} else {
			ln, text = text, ""
		}
		full := ln
		if i := strings.IndexByte(ln, '#'); i >= 0 {
			ln = ln[:i]
		}
		for pos := 0; pos < len(ln); {
			for pos < len(ln) && isSep(ln[pos]) {
				pos++
			}
			end := pos
			for end < len(ln) && !isSep(ln[end]) {
				end++
			}
			if end == pos {
				break
			}
			field := ln[pos:end]
			x, perr := strconv.ParseFloat(field, 64)
			if perr != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				if perr != nil && !sawContent && !hasNumber(ln) {
					header = strings.TrimSpace(full)
					if len(header) > 60 {
						header = header[:60]
					}
					break
				}
				col := utf8.RuneCountInString(full[:pos]) + 1
				if perr != nil && !isRange(perr) {
					return nil, "", input.Errorf(input.WrongType, "data", "line %d, column %d: %q is not a number", line, col, clip(field))
				}
				return nil, "", input.Errorf(input.NotFinite, "data", "line %d, column %d: %q is not a finite number", line, col, clip(field))
			}
			if len(xs) == MaxValues {
				return nil, "", input.Errorf(input.TooLarge, "data", "has more than %d values (line %d); at most %d are accepted", MaxValues, line, MaxValues)
			}
			xs = append(xs, x)
			pos = end
		}
		if strings.TrimLeft(ln, ",; \t\r\v\f") != "" {
			sawContent = true
		}
	}
	if len(xs) == 0 {
		return nil, "", input.Errorf(input.Empty, "data", "holds no numbers")
	}
	return xs, header, nil
}

func isSep(c byte) bool {
	return c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// hasNumber reports whether any field of ln parses as a number.
func hasNumber(ln string) bool {
	for _, f := range strings.FieldsFunc(ln, func(r rune) bool { return r < utf8.RuneSelf && isSep(byte(r)) }) {
		if _, err := strconv.ParseFloat(f, 64); err == nil {
			return true
		}
	}
	return false
}

func clip(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "�")
	}
	if utf8.RuneCountInString(s) > 20 {
		r := []rune(s)
		return string(r[:20]) + "…"
	}
	return s
}

// Data is a data set prepared for fitting: the values sorted, with the
// summaries the models' likelihoods need, so that a gradient step costs O(1)
// (normal, exponential, gamma), O(log n) (laplace), O(k) (categorical) or
// O(min(n, MixturePoints)) (mixture) whatever the size of the data.
type Data struct {
	X        []float64 // sorted ascending
	N        int
	Mean     float64 // x̄
	Var      float64 // (1/n) Σ (x − x̄)², two-pass
	Min, Max float64
	MeanLog  float64   // (1/n) Σ log x, when Positive
	Positive bool      // every x > 0
	NonNeg   bool      // every x ≥ 0
	Integer  bool      // every x a whole number in [0, MaxCategories)
	Counts   []float64 // Integer: Counts[v] = #{x = v}
	prefix   []float64 // prefix[i] = Σ_{j<i} X[j]
	// The mixture's likelihood runs over (points, weights): the values
	// themselves, or for more than MixturePoints values, the centres of
	// MixturePoints equal bins with their counts.
	points, weights []float64
}

// MaxCategories is the largest number of categories (values 0..k−1) of
// integer data.
const MaxCategories = 1000

// MixturePoints is the resolution of the mixture's likelihood for large data.
const MixturePoints = 4096

// NewData checks xs (MinValues..MaxValues finite values) and prepares it. xs
// is copied.
func NewData(xs []float64) (*Data, error) {
	if len(xs) == 0 {
		return nil, input.Errorf(input.Empty, "data", "is empty; it needs at least %d values", MinValues)
	}
	if len(xs) < MinValues {
		return nil, input.Errorf(input.OutOfRange, "data", "has %d value; a fit needs at least %d", len(xs), MinValues)
	}
	if len(xs) > MaxValues {
		return nil, input.Errorf(input.TooLarge, "data", "has %d values; at most %d are accepted", len(xs), MaxValues)
	}
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1e150 {
			return nil, input.Errorf(input.NotFinite, "data["+strconv.Itoa(i)+"]", "is %v; values must be finite numbers of size at most 1e150", x)
		}
	}
	d := &Data{X: append([]float64(nil), xs...), N: len(xs)}
	sort.Float64s(d.X)
	d.Min, d.Max = d.X[0], d.X[d.N-1]
	d.prefix = make([]float64, d.N+1)
	for i, x := range d.X {
		d.prefix[i+1] = d.prefix[i] + x
	}
	n := float64(d.N)
	d.Mean = d.prefix[d.N] / n
	var v, c float64
	for _, x := range d.X {
		e := x - d.Mean
		v += e * e
		c += e
	}
	d.Var = (v - c*c/n) / n
	d.Positive, d.NonNeg = d.Min > 0, d.Min >= 0
	if d.Positive {
		var s float64
		for _, x := range d.X {
			s += math.Log(x)
		}
		d.MeanLog = s / n
	}
	d.Integer = d.NonNeg && d.Max < MaxCategories
	for _, x := range d.X {
		if x != math.Trunc(x) {
			d.Integer = false
			break
		}
	}
	if d.Integer {
		d.Counts = make([]float64, int(d.Max)+1)
		for _, x := range d.X {
			d.Counts[int(x)]++
		}
	}
	if d.N <= MixturePoints || d.Max == d.Min {
		d.points = d.X
		d.weights = nil
	} else {
		d.points = make([]float64, MixturePoints)
		d.weights = make([]float64, MixturePoints)
		w := (d.Max - d.Min) / MixturePoints
		for j := range d.points {
			d.points[j] = d.Min + (float64(j)+0.5)*w
		}
		for _, x := range d.X {
			j := min(MixturePoints-1, int((x-d.Min)/w))
			d.weights[j]++
		}
	}
	return d, nil
}

// Std returns √Var, or 1 when every value is the same (so scales stay > 0).
func (d *Data) Std() float64 {
	if d.Var > 0 {
		return math.Sqrt(d.Var)
	}
	return 1
}

// Median returns the sample median (the mean of the two middle values for
// even n).
func (d *Data) Median() float64 {
	if d.N%2 == 1 {
		return d.X[d.N/2]
	}
	return (d.X[d.N/2-1] + d.X[d.N/2]) / 2
}

// absDev returns (1/n) Σ |x − m| and (#{x > m} − #{x < m}) / n in O(log n).
func (d *Data) absDev(m float64) (a, sign float64) {
	lo := sort.SearchFloat64s(d.X, m) // X[:lo] < m
	hi := lo
	for hi < d.N && d.X[hi] == m {
		hi++
	}
	left := m*float64(lo) - d.prefix[lo]
	right := (d.prefix[d.N] - d.prefix[hi]) - m*float64(d.N-hi)
	n := float64(d.N)
	return max(0, (left+right)/n), float64(d.N-hi-lo) / n
}

// Histogram returns k equal bins over [Min, Max] (a bin of width 1 around
// the value when all values are equal): edges (k+1), counts and densities
// count/(n·width). Integer data with at most 100 categories get one bin per
// value v, [v − ½, v + ½).
func (d *Data) Histogram(k int) (edges, counts, density []float64) {
	lo, hi := d.Min, d.Max
	if d.Integer && len(d.Counts) <= 100 {
		k = len(d.Counts)
		lo, hi = -0.5, float64(k)-0.5
	} else if hi == lo {
		lo, hi = lo-0.5, hi+0.5
	}
	w := (hi - lo) / float64(k)
	edges = make([]float64, k+1)
	for j := range edges {
		edges[j] = lo + float64(j)*w
	}
	edges[k] = hi
	counts = make([]float64, k)
	density = make([]float64, k)
	prev := 0
	for j := 1; j <= k; j++ {
		i := d.N
		if j < k {
			i = sort.SearchFloat64s(d.X, edges[j]) // X[:i] < edges[j]
		}
		counts[j-1] = float64(i - prev)
		density[j-1] = counts[j-1] / (float64(d.N) * w)
		prev = i
	}
	return edges, counts, density
}
