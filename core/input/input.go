// Package input validates the numbers readers hand to the core and reports what is
// wrong with them as typed errors that name the offending argument.
//
// Every exported function of core/ that takes reader-supplied values returns an
// *Error rather than NaN or a panic; the bridge passes Code and the message on to
// JavaScript unchanged.
package input

import (
	"fmt"
	"math"

	"github.com/klplayground/klplay/core/fsum"
)

// Code classifies an input error. The strings are part of the JavaScript API
// (the `code` property of thrown errors) and must not change.
type Code string

// The error codes.
const (
	Empty          Code = "empty"           // an array with no entries
	LengthMismatch Code = "length-mismatch" // two arrays that must align do not
	Negative       Code = "negative"        // a probability or mass below zero
	NotFinite      Code = "not-finite"      // NaN or ±Inf where a finite number is needed
	NotNormalized  Code = "not-normalized"  // |Σp − 1| > NormTolerance without normalize
	Ragged         Code = "ragged"          // a table whose rows differ in length
	BadBase        Code = "bad-base"        // a logarithm base ≤ 0, = 1 or not finite
	OutOfRange     Code = "out-of-range"    // a parameter outside its domain (α < 0, σ ≤ 0, …)
	UnknownName    Code = "unknown-name"    // an f-divergence, estimator or method not known
	UnknownFamily  Code = "unknown-family"  // a distribution family not known
	WrongType      Code = "wrong-type"      // a value of the wrong type (a string for a number, …)
	TooLarge       Code = "too-large"       // more entries than the core accepts
	Invalid        Code = "invalid"         // anything else that makes the input unusable
)

// NormTolerance is how far Σp may be from 1 before a vector counts as not normalised.
const NormTolerance = 1e-9

// Error is a problem with one argument.
type Error struct {
	Code Code   // what kind of problem
	Arg  string // the argument at fault, as the API names it: "p", "q[3]", "sigma"
	Msg  string // a sentence for a person
}

func (e *Error) Error() string { return e.Arg + ": " + e.Msg }

// Errorf returns an *Error for argument arg with a formatted message.
func Errorf(code Code, arg, format string, a ...any) *Error {
	return &Error{Code: code, Arg: arg, Msg: fmt.Sprintf(format, a...)}
}

// Entries checks that xs is non-empty and that every entry is finite and ≥ 0.
// It is the check for masses before any normalisation question.
func Entries(arg string, xs []float64) error {
	if len(xs) == 0 {
		return Errorf(Empty, arg, "is empty; it needs at least one entry")
	}
	for i, x := range xs {
		switch {
		case math.IsNaN(x) || math.IsInf(x, 0):
			return Errorf(NotFinite, fmt.Sprintf("%s[%d]", arg, i), "is %v; entries must be finite numbers", x)
		case x < 0:
			return Errorf(Negative, fmt.Sprintf("%s[%d]", arg, i), "is %v; probabilities cannot be negative", x)
		}
	}
	return nil
}

// Probabilities checks that p is a probability vector: non-empty, finite, ≥ 0 and
// summing to 1 within NormTolerance (compensated sum). With normalize it instead
// returns p / Σp (a new slice), which needs Σp > 0. Without normalize it returns p
// itself: inputs are never renormalised silently.
func Probabilities(arg string, p []float64, normalize bool) ([]float64, error) {
	if err := Entries(arg, p); err != nil {
		return nil, err
	}
	s := fsum.Sum(p)
	if normalize {
		if s == 0 {
			return nil, Errorf(NotNormalized, arg, "sums to 0 and cannot be normalised")
		}
		if math.IsInf(s, 0) {
			return nil, Errorf(NotFinite, arg, "sums to more than the largest float and cannot be normalised")
		}
		out := make([]float64, len(p))
		for i, x := range p {
			out[i] = x / s
		}
		return out, nil
	}
	if math.Abs(s-1) > NormTolerance {
		return nil, Errorf(NotNormalized, arg, "sums to %.12g, not 1; pass normalize: true to rescale it", s)
	}
	return p, nil
}

// Pair checks p and q as probability vectors of the same length.
func Pair(p, q []float64, normalize bool) ([]float64, []float64, error) {
	p, err := Probabilities("p", p, normalize)
	if err != nil {
		return nil, nil, err
	}
	q, err = Probabilities("q", q, normalize)
	if err != nil {
		return nil, nil, err
	}
	if len(p) != len(q) {
		return nil, nil, Errorf(LengthMismatch, "q", "has %d entries but p has %d; they must have the same length", len(q), len(p))
	}
	return p, q, nil
}

// LogBase returns the factor 1/ln(b) that converts nats to units of base b:
// exactly 1 for b = e. A base that is not finite, ≤ 0 (0 included: the zero
// value of an Options is not a base) or equal to 1 is an error.
func LogBase(b float64) (float64, error) {
	switch {
	case b == math.E:
		return 1, nil
	case math.IsNaN(b) || math.IsInf(b, 0):
		return 0, Errorf(BadBase, "base", "is %v; the logarithm base must be a finite number > 0 and ≠ 1", b)
	case b <= 0 || b == 1:
		return 0, Errorf(BadBase, "base", "is %v; the logarithm base must be > 0 and ≠ 1", b)
	}
	return 1 / math.Log(b), nil
}

// Finite checks that x is a finite number.
func Finite(arg string, x float64) error {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return Errorf(NotFinite, arg, "is %v; it must be a finite number", x)
	}
	return nil
}

// Positive checks that x is finite and > 0.
func Positive(arg string, x float64) error {
	if err := Finite(arg, x); err != nil {
		return err
	}
	if x <= 0 {
		return Errorf(OutOfRange, arg, "is %v; it must be > 0", x)
	}
	return nil
}

// InRange checks that x is finite and lo ≤ x ≤ hi.
func InRange(arg string, x, lo, hi float64) error {
	if err := Finite(arg, x); err != nil {
		return err
	}
	if x < lo || x > hi {
		return Errorf(OutOfRange, arg, "is %v; it must be between %v and %v", x, lo, hi)
	}
	return nil
}
