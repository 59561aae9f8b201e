package jsontext

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestParseKnownValues(t *testing.T) {
	cases := []struct {
		in   string
		want any
	}{
		{`null`, nil},
		{` true `, true},
		{`false`, false},
		{`0`, 0.0},
		{`-0.5e-3`, -0.0005},
		{`1E2`, 100.0},
		{`"a\"b\\c\/d\b\f\n\r\t"`, "a\"b\\c/d\b\f\n\r\t"},
		{`"\u00e9\u20ac"`, "é€"},
		{`"\ud83d\ude00"`, "😀"},
		{`"\ud83d x"`, "\ufffd x"},
		{"\"\xff\"", "\ufffd"},
		{`[]`, []any{}},
		{`{}`, map[string]any{}},
		{`{"p":[0.5,0.5],"unit":"bits","n":{"a":null}}`, map[string]any{"p": []any{0.5, 0.5}, "unit": "bits", "n": map[string]any{"a": nil}}},
		{`{"a":1,"a":2}`, map[string]any{"a": 2.0}},
	}
	for _, c := range cases {
		got, err := Parse([]byte(c.in))
		if err != nil {
			t.Errorf("Parse(%s): %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%s) = %#v, want %#v", c.in, got, c.want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{
		``, ` `, `nul`, `tru`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{1:2}`, `[1 2]`, `01`, `1.`, `.5`, `1e`, `-`, `+1`,
		`"abc`, "\"a\x01\"", `"\x"`, `"\u12"`, `"\uzzzz"`, `1e400`, `[1] 2`, `NaN`, `Infinity`, `'a'`, `{"a":1`, `[`,
		strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1),
	} {
		if v, err := Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", in, v)
		} else {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Error() == "" {
				t.Errorf("Parse(%q): error %v is not a SyntaxError", in, err)
			}
		}
	}
	deep := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	if _, err := Parse([]byte(deep)); err != nil {
		t.Errorf("nesting of exactly MaxDepth: %v", err)
	}
}

func TestAppend(t *testing.T) {
	cases := []struct {
		in   any
		want string
	}{
		{nil, `null`},
		{true, `true`},
		{0.1, `0.1`},
		{1e21, `1e+21`},
		{3, `3`},
		{"a\"\\\n\r\t\x01<\u2028\xff", `"a\"\\\n\r\t\u0001<\u2028\ufffd"`},
		{[]any{1.0, "x", nil}, `[1,"x",null]`},
		{[]float64{0.5, 0.25}, `[0.5,0.25]`},
		{[]string{"a"}, `["a"]`},
		{map[string]string{"k": "v"}, `{"k":"v"}`},
		{map[string]any{"b": 1.0, "a": []any{}}, `{"a":[],"b":1}`},
	}
	for _, c := range cases {
		got, err := Marshal(c.in)
		if err != nil || string(got) != c.want {
			t.Errorf("Marshal(%#v) = %s, %v; want %s", c.in, got, err, c.want)
		}
	}
	for _, bad := range []any{math.NaN(), math.Inf(-1), []any{math.Inf(1)}, map[string]any{"x": struct{}{}}, int64(3)} {
		if _, err := Marshal(bad); !errors.Is(err, ErrUnsupported) {
			t.Errorf("Marshal(%#v): %v, want ErrUnsupported", bad, err)
		}
	}
}

// FuzzParse checks Parse against encoding/json: both accept or both reject
// (apart from this package's depth bound), they agree on the value, and Append
// writes text that parses back to the same value.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}],"c":"\u00e9"}`, `[1e308, -0, 0.1]`, `"\ud800\udc00"`, "\"\xed\xa0\x80\"", `{"a":1,"a":[]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Parse(data)
		var want any
		werr := json.Unmarshal(data, &want)
		if err != nil {
			var se *SyntaxError
			if errors.As(err, &se) && strings.Contains(se.Msg, "nested") {
				return
			}
			if werr == nil {
				t.Fatalf("Parse rejected %q (%v), encoding/json accepted it", data, err)
			}
			return
		}
		if werr != nil {
			t.Fatalf("Parse accepted %q, encoding/json rejected it: %v", data, werr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Parse(%q) = %#v, encoding/json %#v", data, got, want)
		}
		out, err := Marshal(got)
		if err != nil {
			t.Fatalf("Marshal of a parsed value: %v", err)
		}
		again, err := Parse(out)
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("round trip of %q through %s: %#v, %v", data, out, again, err)
		}
	})
}

func TestSplitArray(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{`[]`, nil},
		{`[{"a":1}]`, []string{`{"a":1}`}},
		{`[{"a":[1,2],"b":"x,]}"},{"c":"\"],"},3,"s"]`, []string{`{"a":[1,2],"b":"x,]}"}`, `{"c":"\"],"}`, `3`, `"s"`}},
		{`[{"a":"\\"},{"b":2}]`, []string{`{"a":"\\"}`, `{"b":2}`}},
		{`[1, [2, 3] ]`, []string{`1`, ` [2, 3] `}},
	} {
		got, ok := SplitArray([]byte(c.in))
		if !ok || len(got) != len(c.want) {
			t.Fatalf("%s: %q, %v", c.in, got, ok)
		}
		for i := range got {
			if string(got[i]) != c.want[i] {
				t.Fatalf("%s: [%d] = %s, want %s", c.in, i, got[i], c.want[i])
			}
		}
	}
	for _, bad := range []string{``, `[`, `{}`, `[{"a":1}`, `[{"a":"1]`, `[{"a":1]`, `["\"]`} {
		if _, ok := SplitArray([]byte(bad)); ok {
			t.Errorf("%q split", bad)
		}
	}
}

// FuzzSplitArray checks SplitArray on any text (the elements joined by commas
// inside brackets give the text back) and on what Marshal writes for a parsed
// array (one piece per element, each parsing to that element).
func FuzzSplitArray(f *testing.F) {
	for _, s := range []string{`[]`, `[1,"a,b",{"c":[2,3]}]`, `["\\\"",[]]`, `[{"a":"]"}`, `{"a":[1]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if parts, ok := SplitArray(data); ok {
			joined := append([]byte{'['}, bytes.Join(parts, []byte{','})...)
			if string(append(joined, ']')) != string(data) {
				t.Fatalf("SplitArray(%q) = %q, which does not join back", data, parts)
			}
		}
		v, err := Parse(data)
		arr, isArray := v.([]any)
		if err != nil || !isArray {
			return
		}
		text, err := Marshal(arr)
		if err != nil {
			t.Fatal(err)
		}
		parts, ok := SplitArray(text)
		if !ok || len(parts) != len(arr) {
			t.Fatalf("SplitArray(%s) = %q, %v; want %d elements", text, parts, ok, len(arr))
		}
		for i, p := range parts {
			if e, err := Parse(p); err != nil || !reflect.DeepEqual(e, arr[i]) {
				t.Fatalf("element %d of %s is %s: %#v, %v", i, text, p, e, err)
			}
		}
	})
}
