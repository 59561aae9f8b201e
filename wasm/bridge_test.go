//go:build js && wasm

package main

import (
	"errors"
	"math"
	"syscall/js"
	"testing"

	"github.com/klplayground/klplay/core/input"
)

func jsArrayOf(xs ...any) js.Value { return js.ValueOf(xs) }

func TestFloatsDecodesArraysAndTypedArrays(t *testing.T) {
	want := []float64{0.25, 0.5, 0.25}
	f64 := toFloat64Array(want)
	sub := f64.Call("subarray", 1) // a view at a byte offset
	f32 := js.Global().Get("Float32Array").Call("from", jsArrayOf(0.25, 0.5, 0.25))
	cases := []struct {
		name string
		v    js.Value
		want []float64
	}{
		{"array", jsArrayOf(0.25, 0.5, 0.25), want},
		{"Float64Array", f64, want},
		{"Float64Array view with offset", sub, want[1:]},
		{"Float32Array", f32, want},
		{"empty", jsArrayOf(), []float64{}},
	}
	for _, c := range cases {
		got, err := floats("p", c.v)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
				break
			}
		}
	}
}

func TestFloatsNamesWhatIsWrong(t *testing.T) {
	cases := []struct {
		name string
		v    js.Value
		code input.Code
		arg  string
	}{
		{"string", js.ValueOf("abc"), input.WrongType, "p"},
		{"null", js.Null(), input.WrongType, "p"},
		{"undefined", js.Undefined(), input.WrongType, "p"},
		{"number", js.ValueOf(3), input.WrongType, "p"},
		{"plain object", js.Global().Get("Object").New(), input.WrongType, "p"},
		{"string entry", jsArrayOf(0.5, "x", 0.5), input.WrongType, "p[1]"},
		{"null entry", jsArrayOf(0.5, nil), input.WrongType, "p[1]"},
	}
	for _, c := range cases {
		_, err := floats("p", c.v)
		var ie *input.Error
		if !errors.As(err, &ie) || ie.Code != c.code || ie.Arg != c.arg {
			t.Errorf("%s: error %v, want code %s on %s", c.name, err, c.code, c.arg)
		}
	}
	// NaN given as a number is passed on, for core to report as not finite.
	got, err := floats("p", jsArrayOf(math.NaN()))
	if err != nil || !math.IsNaN(got[0]) {
		t.Errorf("NaN entry: %v, %v", got, err)
	}
}

func TestTableRejectsNonRows(t *testing.T) {
	if _, err := table("joint", jsArrayOf(jsArrayOf(0.5), "row")); err == nil {
		t.Error("a string row was accepted")
	}
	rows, err := table("joint", jsArrayOf(jsArrayOf(0.25, 0.25), jsArrayOf(0.5)))
	if err != nil || len(rows) != 2 || len(rows[1]) != 1 {
		t.Errorf("ragged rows decode as given (core reports raggedness): %v, %v", rows, err)
	}
}

func TestValueBoundsDepth(t *testing.T) {
	v := js.Global().Get("Object").New()
	inner := v
	for i := 0; i < 20; i++ {
		next := js.Global().Get("Object").New()
		inner.Set("c", next)
		inner = next
	}
	var ie *input.Error
	if _, err := object("pSpec", v); !errors.As(err, &ie) || ie.Code != input.TooLarge {
		t.Errorf("deep object: %v, want too-large", err)
	}
}

func TestGuardTurnsPanicsAndErrorsIntoFailures(t *testing.T) {
	boom := guard("boom", func([]js.Value) (any, error) { panic("index out of range") })
	defer boom.Release()
	if r := boom.Invoke(); !r.Equal(failure) || failure.Get("code").String() != "internal" {
		t.Fatalf("panic: got %v, code %v", r, failure.Get("code"))
	}
	bad := guard("kl", func([]js.Value) (any, error) {
		return nil, input.Errorf(input.Negative, "p[0]", "is -1")
	})
	defer bad.Release()
	if r := bad.Invoke(); !r.Equal(failure) || failure.Get("code").String() != "negative" || failure.Get("arg").String() != "p[0]" {
		t.Fatalf("error: got code %v arg %v", failure.Get("code"), failure.Get("arg"))
	}
	ok := guard("ok", func([]js.Value) (any, error) { return 1.5, nil })
	defer ok.Release()
	if r := ok.Invoke(); r.Float() != 1.5 {
		t.Fatalf("after a panic the next call returned %v", r)
	}
}

func TestAPIAnswersAfterBadInput(t *testing.T) {
	api := newAPI()
	if r := api.Call("kl", "abc", nil); !r.Equal(failure) {
		t.Fatalf("kl(\"abc\", null) = %v, want the failure object", r)
	}
	r := api.Call("kl", jsArrayOf(1, 0), jsArrayOf(0.9, 0.1))
	if r.Type() != js.TypeNumber || math.Abs(r.Float()-0.10536051565782628) > 1e-15 {
		t.Fatalf("kl([1,0],[0.9,0.1]) = %v", r)
	}
	if r := api.Call("kl", jsArrayOf(1, 0), jsArrayOf(0, 1)); r.Float() != math.Inf(1) {
		t.Fatalf("kl with q missing p's support = %v, want Infinity", r)
	}
}

func TestEncodeFrames(t *testing.T) {
	v := js.ValueOf(encode(map[string]any{
		"xs": []float64{1, 2}, "n": 3, "ok": true, "s": "a", "none": nil,
		"list": []any{[]float64{4}, map[string]any{"k": 1.5}},
	}))
	if xs := v.Get("xs"); !xs.InstanceOf(float64Array) || xs.Length() != 2 || xs.Index(1).Float() != 2 {
		t.Errorf("xs = %v", xs)
	}
	if v.Get("n").Int() != 3 || !v.Get("ok").Bool() || v.Get("s").String() != "a" || !v.Get("none").IsNull() {
		t.Errorf("scalars: %v %v %v %v", v.Get("n"), v.Get("ok"), v.Get("s"), v.Get("none"))
	}
	list := v.Get("list")
	if !jsArray.Call("isArray", list).Bool() || !list.Index(0).InstanceOf(float64Array) || list.Index(1).Get("k").Float() != 1.5 {
		t.Errorf("list = %v", list)
	}
}

func TestLabFunctionsReadStateAndOptions(t *testing.T) {
	api := newAPI()
	state := js.ValueOf(map[string]any{"logits": []any{math.Log(9), 0}, "unit": "bits"})
	r := api.Call("crossEntropyLab", state, js.ValueOf(map[string]any{"steps": 2}))
	if r.Equal(failure) {
		t.Fatalf("crossEntropyLab failed: %v", failure.Get("message"))
	}
	if tr := r.Get("traceLoss"); !tr.InstanceOf(float64Array) || tr.Length() != 2 {
		t.Errorf("traceLoss = %v", tr)
	}
	// Two steps towards the label, class 0, from Q = (0.9, 0.1).
	if q := r.Get("q").Index(0).Float(); q <= 0.9 || r.Get("p").Index(0).Float() != 1 {
		t.Errorf("q₀ = %v", q)
	}
	for _, c := range []struct {
		state, opts js.Value
		code, arg   string
	}{
		{js.ValueOf(map[string]any{"steps": 3}), js.Undefined(), "invalid", "state.steps"},
		{state, js.ValueOf(3), "wrong-type", "opts"},
		{state, js.ValueOf(map[string]any{"steps": "3"}), "wrong-type", "opts.steps"},
	} {
		if r := api.Call("crossEntropyLab", c.state, c.opts); !r.Equal(failure) || failure.Get("code").String() != c.code || failure.Get("arg").String() != c.arg {
			t.Errorf("got %v on %v, want %s on %s", failure.Get("code"), failure.Get("arg"), c.code, c.arg)
		}
	}
}
