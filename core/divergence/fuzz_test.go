package divergence

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"github.com/klplayground/klplay/core/input"
)

// special are the values a byte below len(special) decodes to: zeros,
// subnormals, tiny and huge numbers and every kind of invalid entry.
var special = []float64{
	0, 5e-324, 1e-310, 0x1p-1022, 1e-300, 1e-200, 1e-20, 1e-9,
	0.5, 1, 1e300, math.MaxFloat64, -1, math.NaN(), math.Inf(1), math.Inf(-1),
	math.Copysign(0, -1),
}

// decode turns fuzz bytes into a vector. A leading byte 0xFF switches to raw
// IEEE-754 bits, 8 bytes per entry; otherwise each byte is one entry: a
// special value, or (b − len(special))/64 for the rest.
func decode(b []byte) []float64 {
	if len(b) > 0 && b[0] == 0xFF {
		b = b[1:]
		out := make([]float64, 0, len(b)/8)
		for len(b) >= 8 {
			out = append(out, math.Float64frombits(binary.LittleEndian.Uint64(b)))
			b = b[8:]
		}
		return out
	}
	out := make([]float64, len(b))
	for i, c := range b {
		if int(c) < len(special) {
			out[i] = special[c]
		} else {
			out[i] = float64(int(c)-len(special)) / 64
		}
	}
	return out
}

// checkResult fails unless err is an *input.Error, or v is not NaN, ≥ 0 when
// nonNeg (and the base makes logarithms positive) and ≤ hi.
func checkResult(t *testing.T, what string, v float64, err error, base float64, nonNeg bool, hi float64) {
	t.Helper()
	if err != nil {
		var ie *input.Error
		if !errors.As(err, &ie) {
			t.Fatalf("%s: error %v of type %T, want *input.Error", what, err, err)
		}
		if ie.Code == "" || ie.Arg == "" || ie.Msg == "" {
			t.Fatalf("%s: incomplete error %+v", what, ie)
		}
		return
	}
	if math.IsNaN(v) {
		t.Fatalf("%s = NaN", what)
	}
	positiveUnit := base == 0 || base > 1
	if nonNeg && positiveUnit && v < 0 {
		t.Fatalf("%s = %v < 0", what, v)
	}
	if positiveUnit && v > hi {
		t.Fatalf("%s = %v > %v", what, v, hi)
	}
}

func seedPairs(f *testing.F) {
	f.Add([]byte{40, 40}, []byte{60, 20}, false, 0.0)
	f.Add([]byte{1, 80}, []byte{80, 1}, false, 2.0)
	f.Add([]byte{0, 9}, []byte{9, 0}, false, 0.0)
	f.Add([]byte{4, 9, 0}, []byte{9, 4, 0}, true, 10.0)
	f.Add([]byte{13, 9}, []byte{9}, false, 0.0)
	f.Add([]byte{12, 9}, []byte{9, 0}, true, 0.5)
	f.Add([]byte{}, []byte{9}, false, 0.0)
	f.Add([]byte{0xFF, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F}, []byte{9}, false, 1.0)
}

func FuzzKL(f *testing.F) {
	seedPairs(f)
	f.Fuzz(func(t *testing.T, pb, qb []byte, normalize bool, base float64) {
		p, q := decode(pb), decode(qb)
		o := Options{Base: base, Normalize: normalize}
		k := 1.0
		if kk, err := input.LogBase(base); err == nil {
			k = kk
		}
		hi := map[string]float64{
			"JensenShannon": math.Ln2 * k, "JensenShannonDistance": math.Sqrt(math.Ln2 * k),
			"TotalVariation": 1, "SquaredHellinger": 1, "Hellinger": 1, "BhattacharyyaCoefficient": 1,
		}
		for name, m := range measures {
			v, err := m(p, q, o)
			h, ok := hi[name]
			if !ok {
				h = math.Inf(1)
			}
			checkResult(t, name, v, err, base, true, h*(1+1e-15))
		}
		c, err := Compare(p, q, o)
		checkResult(t, "Compare", c.KL, err, base, true, math.Inf(1))
		if err == nil {
			for i, x := range c.Terms {
				if math.IsNaN(x) || math.IsNaN(c.ReverseTerms[i]) || math.IsNaN(c.CodeP[i]) || math.IsNaN(c.CodeQ[i]) {
					t.Fatalf("Compare has NaN at %d: %+v", i, c)
				}
			}
			if math.IsNaN(c.ExtraBits) || c.ExtraBits < 0 {
				t.Fatalf("ExtraBits = %v", c.ExtraBits)
			}
		}
	})
}

func FuzzEntropy(f *testing.F) {
	f.Add([]byte{40, 40}, false, 0.0)
	f.Add([]byte{1, 9}, true, 2.0)
	f.Add([]byte{13}, false, 0.0)
	f.Add([]byte{0, 0}, true, 0.0)
	f.Fuzz(func(t *testing.T, pb []byte, normalize bool, base float64) {
		p := decode(pb)
		o := Options{Base: base, Normalize: normalize}
		v, err := Entropy(p, o)
		hi := math.Inf(1)
		if k, err := input.LogBase(base); err == nil && len(p) > 0 {
			hi = k * math.Log(float64(len(p))) * (1 + 1e-12)
			hi += 1e-300
		}
		checkResult(t, "Entropy", v, err, base, true, hi)
		terms, err := Terms("entropy", p, nil, o)
		if err == nil {
			for _, x := range terms {
				if math.IsNaN(x) {
					t.Fatalf("entropy terms %v", terms)
				}
			}
		}
	})
}

func FuzzRenyi(f *testing.F) {
	f.Add([]byte{40, 40}, []byte{60, 20}, 0.5, false)
	f.Add([]byte{1, 9}, []byte{9, 1}, 2.0, false)
	f.Add([]byte{9, 0}, []byte{0, 9}, 0.0, false)
	f.Add([]byte{40, 41}, []byte{41, 40}, 1.0+1e-12, true)
	f.Add([]byte{40, 41}, []byte{41, 40}, math.Inf(1), true)
	f.Add([]byte{40}, []byte{40}, -1.0, false)
	f.Add([]byte{40}, []byte{40}, math.NaN(), false)
	f.Fuzz(func(t *testing.T, pb, qb []byte, alpha float64, normalize bool) {
		p, q := decode(pb), decode(qb)
		v, err := Renyi(p, q, alpha, Options{Base: math.E, Normalize: normalize})
		checkResult(t, "Renyi", v, err, 0, true, math.Inf(1))
		if err == nil && alpha >= 0 && !math.IsInf(alpha, 1) {
			// Monotone in α (loosely: rounding and the tolerance on Σ).
			w, err := Renyi(p, q, alpha*2+0.5, Options{Base: math.E, Normalize: normalize})
			if err != nil {
				t.Fatal(err)
			}
			if w < v-1e-9*(1+v) {
				t.Fatalf("Renyi(%v) = %v > Renyi(%v) = %v", alpha, v, alpha*2+0.5, w)
			}
		}
	})
}

func FuzzFDivergence(f *testing.F) {
	for i, name := range FDivergenceNames() {
		f.Add(name, []byte{40, 40, byte(i)}, []byte{60, 20, 0}, 0.5, false, 0.0)
	}
	f.Add("amari-alpha", []byte{1, 80}, []byte{80, 1}, 3.0, false, 2.0)
	f.Add("t-power", []byte{1, 80}, []byte{80, 1}, -2.0, true, 0.0)
	f.Add("amari-alpha", []byte{1, 80}, []byte{80, 1}, 1e300, true, 0.0)
	f.Add("nope", []byte{40}, []byte{40}, 0.5, false, 0.0)
	f.Fuzz(func(t *testing.T, name string, pb, qb []byte, alpha float64, normalize bool, base float64) {
		p, q := decode(pb), decode(qb)
		o := Options{Base: base, Normalize: normalize}
		v, err := FDivergenceAlpha(name, p, q, alpha, o)
		checkResult(t, "FDivergence "+name, v, err, base, true, math.Inf(1))
		terms, err := Terms(name, p, q, o)
		if err == nil {
			for _, x := range terms {
				if math.IsNaN(x) {
					t.Fatalf("Terms(%s) = %v", name, terms)
				}
			}
		}
		if len(p) > 0 {
			g, err := GeneratorAlpha(name, math.Abs(p[0]), alpha)
			checkResult(t, "Generator "+name, g, err, 0, false, math.Inf(1))
		}
	})
}

func FuzzMutualInformation(f *testing.F) {
	f.Add([]byte{40, 10, 10, 40}, []byte{2, 2}, false, 0.0)
	f.Add([]byte{40, 10, 10, 40}, []byte{2, 1, 1}, false, 0.0)
	f.Add([]byte{9, 0, 0, 9}, []byte{2, 2}, true, 2.0)
	f.Add([]byte{}, []byte{}, false, 0.0)
	f.Add([]byte{13, 9}, []byte{1, 1}, true, 0.0)
	f.Add([]byte{9}, []byte{0, 1}, true, 0.0)
	f.Fuzz(func(t *testing.T, data, shape []byte, normalize bool, base float64) {
		vals := decode(data)
		// shape gives the row lengths (ragged allowed); entries are taken
		// from vals in order, cycling.
		var joint [][]float64
		next := 0
		for _, s := range shape {
			row := make([]float64, int(s)%8)
			for j := range row {
				if len(vals) > 0 {
					row[j] = vals[next%len(vals)]
					next++
				}
			}
			joint = append(joint, row)
		}
		o := Options{Base: base, Normalize: normalize}
		mi, err := MutualInformation(joint, o)
		checkResult(t, "MutualInformation", mi, err, base, true, math.Inf(1))
		h, err2 := JointEntropy(joint, o)
		checkResult(t, "JointEntropy", h, err2, base, true, math.Inf(1))
		c, err3 := ConditionalEntropy(joint, o)
		checkResult(t, "ConditionalEntropy", c, err3, base, true, math.Inf(1))
		if (err == nil) != (err2 == nil) || (err == nil) != (err3 == nil) {
			t.Fatalf("validation differs: %v / %v / %v", err, err2, err3)
		}
		if err == nil && (base == 0 || base > 1) {
			// I ≤ H(X,Y) and H(Y|X) ≤ H(X,Y).
			if mi > h*(1+1e-12)+1e-300 || c > h*(1+1e-12)+1e-300 {
				t.Fatalf("MI %v, H(Y|X) %v, H(X,Y) %v", mi, c, h)
			}
		}
	})
}
