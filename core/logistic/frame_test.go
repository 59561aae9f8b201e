package logistic

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

// state decodes raw against the Cross-entropy lab's schema and applies Rules.
func state(t *testing.T, raw map[string]any) session.State {
	t.Helper()
	lab, _ := session.Lab("cross-entropy")
	st, err := lab.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := Rules(st); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestFrameDefaults(t *testing.T) {
	var l Lab
	f, err := l.Frame(state(t, map[string]any{}), session.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Step 0: θ = 0, q uniform, the loss log 3 whatever the points.
	if !near(f["loss"].(float64), math.Log(3), 1e-15) || f["step"] != 0 || len(f["trace"].([]float64)) != 1 {
		t.Errorf("loss %v step %v", f["loss"], f["step"])
	}
	terms := f["terms"].([]float64)
	if len(terms) != 24 || len(f["q"].([]float64)) != 72 || len(f["surface"].([]float64)) != SurfaceN*SurfaceN || len(f["field"].([]float64)) != FieldN*FieldN*3 {
		t.Errorf("sizes: terms %d", len(terms))
	}
	floor := f["floor"].(float64)
	if floor < 0.1 || floor > f["loss"].(float64) {
		t.Errorf("floor %v: the default classes overlap, below log 3", floor)
	}
	if !near(f["gap"].(float64), f["loss"].(float64)-floor, 1e-14) {
		t.Errorf("gap %v", f["gap"])
	}
}

// A frame at step t is the same whether the Lab stepped there one step at a
// time, jumped there, or came back from further on: Descend replays exactly.
func TestFrameReplaysExactly(t *testing.T) {
	at := func(l *Lab, step int, extra map[string]any) map[string]any {
		raw := map[string]any{"fitStep": float64(step)}
		for k, v := range extra {
			raw[k] = v
		}
		f, err := l.Frame(state(t, raw), session.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	var a, b, c Lab
	for s := 0; s <= 60; s++ {
		at(&a, s, nil)
	}
	at(&c, 200, nil)
	fa, fb, fc := at(&a, 60, nil), at(&b, 60, nil), at(&c, 60, nil)
	for _, key := range []string{"weights", "terms", "trace", "surface", "field", "pathU"} {
		if !slices.Equal(fa[key].([]float64), fb[key].([]float64)) || !slices.Equal(fa[key].([]float64), fc[key].([]float64)) {
			t.Errorf("%s differs between step by step, a jump and a return", key)
		}
	}
	tr := fa["trace"].([]float64)
	if len(tr) != 61 || tr[60] >= tr[0] || !near(tr[60], fa["loss"].(float64), 1e-13) {
		t.Errorf("trace %v … %v, loss %v", tr[0], tr[60], fa["loss"])
	}
	// Moving one point changes the fit at the same step, and the cache follows.
	lab, _ := session.Lab("cross-entropy")
	def, _ := lab.Decode(map[string]any{})
	pts := slices.Clone(def.Floats("points"))
	pts[0] = -3
	moved := make([]any, len(pts))
	for i, v := range pts {
		moved[i] = v
	}
	fm := at(&a, 60, map[string]any{"points": moved})
	if fm["loss"] == fa["loss"] {
		t.Errorf("moving a point left the loss at %v", fa["loss"])
	}
	var fresh Lab
	if !slices.Equal(at(&fresh, 60, map[string]any{"points": moved})["weights"].([]float64), fm["weights"].([]float64)) {
		t.Error("the moved set's weights depend on the cache")
	}
}

func TestFrameLabelsAndUnits(t *testing.T) {
	var l Lab
	raw := map[string]any{"fitStep": 300.0, "pointLabels": "onehot", "pointClasses": 2.0,
		"points": []any{-1.0, 0.0, 0.0, 1.0, 0.5, 1.0, 0.2, 0.1, 0.0, -0.3, -0.2, 1.0}}
	f, err := l.Frame(state(t, raw), session.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// One-hot: floor 0, terms −log q(y_i|x_i) from the frame's own q.
	q := f["q"].([]float64)
	mean := 0.0
	for i, c := range []int{0, 1, 0, 1} {
		mean -= math.Log(q[2*i+c]) / 4
	}
	if f["floor"] != 0.0 || !near(f["loss"].(float64), mean, 1e-13) {
		t.Errorf("loss %v, mean −log q %v, floor %v", f["loss"], mean, f["floor"])
	}
	raw["unit"] = "bits"
	g, _ := l.Frame(state(t, raw), session.Options{})
	if !near(g["loss"].(float64), f["loss"].(float64)/math.Ln2, 1e-14) || !near(g["trace"].([]float64)[300], f["trace"].([]float64)[300]/math.Ln2, 1e-14) {
		t.Errorf("bits %v vs nats %v", g["loss"], f["loss"])
	}
}

func TestFrameErrors(t *testing.T) {
	lab, _ := session.Lab("cross-entropy")
	for _, c := range []struct {
		raw  map[string]any
		code input.Code
		arg  string
	}{
		{map[string]any{"points": []any{0.0, 0.0, 2.0}, "pointClasses": 2.0}, input.OutOfRange, "state.points[2]"},
		{map[string]any{"points": []any{0.0, 0.0, 0.0, 1.0}}, input.Invalid, "state.points"},
		{map[string]any{"points": []any{0.0, 0.0, 0.5}}, input.OutOfRange, "state.points[2]"},
	} {
		st, err := lab.Decode(c.raw)
		if err == nil {
			err = Rules(st)
		}
		var ie *input.Error
		if !errors.As(err, &ie) || ie.Code != c.code || ie.Arg != c.arg {
			t.Errorf("%v: %v, want %s on %s", c.raw, err, c.code, c.arg)
		}
		var l Lab
		if _, ferr := l.Frame(st, session.Options{}); ferr == nil {
			t.Errorf("%v: Frame accepted it", c.raw)
		}
	}
}

func TestFrameSample(t *testing.T) {
	var l Lab
	st := state(t, map[string]any{"pointClasses": 2.0, "spread": 0.8, "points": []any{0.0, 0.0, 1.0}})
	f, err := l.Frame(st, session.NewOptions(map[string]any{"sample": 7.0}))
	if err != nil {
		t.Fatal(err)
	}
	want := Flat(World{2, 0.8}.Sample(SampleSize, 7))
	if !slices.Equal(f["sample"].([]float64), want) {
		t.Errorf("sample %v, want %v", f["sample"], want)
	}
	if _, err := l.Frame(st, session.NewOptions(map[string]any{"sample": 1.5})); err == nil {
		t.Error("a fractional seed was accepted")
	}
	if g, _ := l.Frame(st, session.Options{}); g["sample"] != nil {
		t.Error("a sample without being asked")
	}
}

func TestSurfaceHalf(t *testing.T) {
	for _, c := range [][2]float64{{0, 2}, {1.7, 2}, {1.8, 3}, {3, 4}, {5, 6}, {6.9, 8}, {9, 12}} {
		if got := surfaceHalf(c[0]); got != c[1] {
			t.Errorf("surfaceHalf(%v) = %v, want %v", c[0], got, c[1])
		}
	}
}
