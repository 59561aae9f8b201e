// Package jsontext reads and writes JSON text as generic values — map[string]any,
// []any, float64, string, bool and nil — without reflection, so that the
// WebAssembly build does not carry encoding/json (about 85 KB compressed).
//
// Parse accepts exactly RFC 8259 JSON, as encoding/json does into an `any`, with
// two bounds of its own: nesting deeper than MaxDepth and numbers beyond the
// float64 range are errors. Append writes what Parse reads back unchanged: object
// keys sorted, numbers in the shortest form that round-trips, strings with the
// escapes JSON requires (and U+2028, U+2029, which JavaScript source does not
// allow raw).
package jsontext

import (
	"errors"
	"math"
	"sort"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth bounds the nesting of arrays and objects that Parse accepts.
const MaxDepth = 64

// SyntaxError is a malformed JSON text, with the byte offset where it went wrong.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return e.Msg + " at byte " + strconv.Itoa(e.Offset)
}

type parser struct {
	s     []byte
	i     int
	depth int
}

// Parse reads one JSON value from data; anything but white space after it is an
// error. Invalid UTF-8 in strings becomes U+FFFD, as in encoding/json.
func Parse(data []byte) (any, error) {
	p := parser{s: data}
	p.space()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.s) {
		return nil, p.fail("unexpected data after the JSON value")
	}
	return v, nil
}

func (p *parser) fail(msg string) error { return &SyntaxError{Offset: p.i, Msg: msg} }

func (p *parser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) value() (any, error) {
	if p.i >= len(p.s) {
		return nil, p.fail("unexpected end of JSON")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.str()
	case c == '-' || ('0' <= c && c <= '9'):
		return p.number()
	case p.literal("true"):
		return true, nil
	case p.literal("false"):
		return false, nil
	case p.literal("null"):
		return nil, nil
	}
	return nil, p.fail("invalid character " + strconv.QuoteRune(rune(p.s[p.i])))
}

func (p *parser) literal(word string) bool {
	if len(p.s)-p.i >= len(word) && string(p.s[p.i:p.i+len(word)]) == word {
		p.i += len(word)
		return true
	}
	return false
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > MaxDepth {
		return p.fail("nested more than " + strconv.Itoa(MaxDepth) + " levels deep")
	}
	p.i++
	p.space()
	return nil
}

func (p *parser) object() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	m := map[string]any{}
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		p.depth--
		return m, nil
	}
	for {
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return nil, p.fail("expected a string key")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.fail("expected ':' after an object key")
		}
		p.i++
		p.space()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		m[k] = v
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			p.space()
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			p.depth--
			return m, nil
		}
		return nil, p.fail("expected ',' or '}' in an object")
	}
}

func (p *parser) array() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	a := []any{}
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		p.depth--
		return a, nil
	}
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			p.space()
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			p.depth--
			return a, nil
		}
		return nil, p.fail("expected ',' or ']' in an array")
	}
}

func (p *parser) number() (any, error) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.s) && p.s[p.i] == '0':
		p.i++
	case p.i < len(p.s) && '1' <= p.s[p.i] && p.s[p.i] <= '9':
		p.digits()
	default:
		return nil, p.fail("invalid number")
	}
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		if p.digits() == 0 {
			return nil, p.fail("expected a digit after the decimal point")
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if p.digits() == 0 {
			return nil, p.fail("expected a digit in the exponent")
		}
	}
	f, err := strconv.ParseFloat(string(p.s[start:p.i]), 64)
	if err != nil {
		p.i = start
		return nil, p.fail("number out of range")
	}
	return f, nil
}

func (p *parser) digits() int {
	n := 0
	for p.i < len(p.s) && '0' <= p.s[p.i] && p.s[p.i] <= '9' {
		p.i++
		n++
	}
	return n
}

func (p *parser) str() (string, error) {
	p.i++ // the opening quote
	var b []byte
	start := p.i
	for {
		if p.i >= len(p.s) {
			return "", p.fail("unterminated string")
		}
		c := p.s[p.i]
		switch {
		case c == '"':
			if b == nil {
				s := p.s[start:p.i]
				p.i++
				if utf8.Valid(s) {
					return string(s), nil
				}
				return string(fixUTF8(nil, s)), nil
			}
			b = fixUTF8(b, p.s[start:p.i])
			p.i++
			return string(b), nil
		case c < 0x20:
			return "", p.fail("control character in a string")
		case c == '\\':
			b = fixUTF8(b, p.s[start:p.i])
			if b == nil {
				b = []byte{}
			}
			var err error
			if b, err = p.escape(b); err != nil {
				return "", err
			}
			start = p.i
		default:
			p.i++
		}
	}
}

func (p *parser) escape(b []byte) ([]byte, error) {
	p.i++ // the backslash
	if p.i >= len(p.s) {
		return nil, p.fail("unterminated escape")
	}
	c := p.s[p.i]
	p.i++
	switch c {
	case '"', '\\', '/':
		return append(b, c), nil
	case 'b':
		return append(b, '\b'), nil
	case 'f':
		return append(b, '\f'), nil
	case 'n':
		return append(b, '\n'), nil
	case 'r':
		return append(b, '\r'), nil
	case 't':
		return append(b, '\t'), nil
	case 'u':
		r, ok := p.hex4()
		if !ok {
			return nil, p.fail("invalid \\u escape")
		}
		if utf16.IsSurrogate(r) {
			// A high surrogate followed by an escaped low one is one character;
			// anything else is U+FFFD, as encoding/json decides.
			save := p.i
			if p.i+1 < len(p.s) && p.s[p.i] == '\\' && p.s[p.i+1] == 'u' {
				p.i += 2
				if r2, ok := p.hex4(); ok {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						return utf8.AppendRune(b, d), nil
					}
				}
			}
			p.i = save
			r = utf8.RuneError
		}
		return utf8.AppendRune(b, r), nil
	}
	p.i--
	return nil, p.fail("invalid escape")
}

func (p *parser) hex4() (rune, bool) {
	if len(p.s)-p.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.s[p.i : p.i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(c)
	}
	p.i += 4
	return r, true
}

// fixUTF8 appends s to b, with each invalid byte replaced by U+FFFD.
func fixUTF8(b, s []byte) []byte {
	for len(s) > 0 {
		r, n := utf8.DecodeRune(s)
		if r == utf8.RuneError && n == 1 {
			b = utf8.AppendRune(b, utf8.RuneError)
		} else {
			b = append(b, s[:n]...)
		}
		s = s[n:]
	}
	return b
}

// ErrUnsupported is returned by Append for a value that is not a JSON value:
// NaN, ±Inf, or a Go type other than those listed on Append.
var ErrUnsupported = errors.New("jsontext: value cannot be written as JSON")

// Append writes v as JSON to dst. v may be nil, bool, float64, int, string,
// []any, []float64, []string, map[string]any or map[string]string.
func Append(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, ErrUnsupported
		}
		return strconv.AppendFloat(dst, x, 'g', -1, 64), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case string:
		return appendString(dst, x), nil
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = Append(dst, e); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	case []float64:
		a := make([]any, len(x))
		for i, f := range x {
			a[i] = f
		}
		return Append(dst, a)
	case []string:
		a := make([]any, len(x))
		for i, s := range x {
			a[i] = s
		}
		return Append(dst, a)
	case map[string]string:
		m := make(map[string]any, len(x))
		for k, s := range x {
			m[k] = s
		}
		return Append(dst, m)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, k)
			dst = append(dst, ':')
			var err error
			if dst, err = Append(dst, x[k]); err != nil {
				return nil, err
			}
		}
		return append(dst, '}'), nil
	}
	return nil, ErrUnsupported
}

// Marshal is Append to a new slice.
func Marshal(v any) ([]byte, error) { return Append(nil, v) }

const hexDigits = "0123456789abcdef"

func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return append(dst, '"')
}

// SplitArray splits the JSON text of an array into the texts of its elements,
// without decoding them: one pass that tracks strings, escapes and nesting.
// It is for text a JSON encoder wrote, such as JSON.stringify of an array of
// values, and does not validate it: each element keeps the white space around
// it, and malformed elements come back as they are.
//
// It reports false when b is not bracketed by '[' and ']' or ends inside a
// string or a nested array or object. "[]" yields no elements and true.
func SplitArray(b []byte) ([][]byte, bool) {
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return nil, false
	}
	var out [][]byte
	if len(b) == 2 {
		return out, true
	}
	depth, start, inString, escaped := 0, 1, false, false
	for i := 1; i < len(b)-1; i++ {
		c := b[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, b[start:i])
				start = i + 1
			}
		}
	}
	out = append(out, b[start:len(b)-1])
	return out, depth == 0 && !inString
}
