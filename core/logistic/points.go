package logistic

import (
	"math"
	"strconv"

	"github.com/klplayground/klplay/core/input"
)

// Decode reads a data set from its flat form [x₀, y₀, c₀, x₁, y₁, c₁, …], as
// the lab's state holds it (field "points"), for k classes. arg names the
// argument in errors ("state.points", say); entries are named arg[j].
//
// Errors: k not 2 or 3 ("classes"); no entries (input.Empty); a length that
// is not a multiple of 3 (input.Invalid); more than MaxPoints points
// (input.TooLarge); a NaN or infinite entry (input.NotFinite); a coordinate
// outside [−Extent, Extent] or a class that is not a whole number in 0..k−1
// (input.OutOfRange).
func Decode(arg string, flat []float64, k int) ([]Point, error) {
	if k < MinClasses || k > MaxClasses {
		return nil, input.Errorf(input.OutOfRange, "classes", "is %d; it must be %d or %d", k, MinClasses, MaxClasses)
	}
	if len(flat) == 0 {
		return nil, input.Errorf(input.Empty, arg, "is empty; it needs at least one point (x, y, class)")
	}
	if len(flat)%3 != 0 {
		return nil, input.Errorf(input.Invalid, arg, "has %d entries; it must be triples x, y, class", len(flat))
	}
	if len(flat)/3 > MaxPoints {
		return nil, input.Errorf(input.TooLarge, arg, "has %d points; at most %d are accepted", len(flat)/3, MaxPoints)
	}
	pts := make([]Point, len(flat)/3)
	for i := range pts {
		for j := range 2 {
			if err := input.InRange(arg+"["+strconv.Itoa(3*i+j)+"]", flat[3*i+j], -Extent, Extent); err != nil {
				return nil, err
			}
		}
		c := flat[3*i+2]
		ca := arg + "[" + strconv.Itoa(3*i+2) + "]"
		if err := input.Finite(ca, c); err != nil {
			return nil, err
		}
		if c != math.Trunc(c) || c < 0 || c >= float64(k) {
			return nil, input.Errorf(input.OutOfRange, ca, "is class %v of point %d; with %d classes it must be a whole number from 0 to %d", c, i+1, k, k-1)
		}
		pts[i] = Point{X: flat[3*i], Y: flat[3*i+1], Class: int(c)}
	}
	return pts, nil
}

// Flat is the inverse of Decode: [x₀, y₀, c₀, …].
func Flat(pts []Point) []float64 {
	out := make([]float64, 0, 3*len(pts))
	for _, p := range pts {
		out = append(out, p.X, p.Y, float64(p.Class))
	}
	return out
}
