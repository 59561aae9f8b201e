package session

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/klplayground/klplay/core/input"
)

// The document form of a session is the generic JSON value (map[string]any,
// []any, float64, string, bool, nil) that a JSON parser yields and a JavaScript
// object converts to. The store and the bridge work on documents; the JSON text
// is written and read by whoever holds the bytes (JSON.stringify in the page,
// encoding/json in Encode and Decode), so the wasm build need not carry an
// encoder of its own.

// Document returns s as a generic JSON value.
func (s *Session) Document() map[string]any {
	return map[string]any{
		"id": s.ID, "name": s.Name, "lab": s.Lab, "state": s.State, "notes": s.Notes,
		"created": s.Created, "updated": s.Updated, "version": float64(s.Version),
	}
}

// FromDocument migrates a document of any known version to the current one and
// validates it. Unknown fields and fields of the wrong type are errors naming
// the field; the document is not modified.
func FromDocument(doc map[string]any) (Session, error) {
	doc, err := Migrate(doc)
	if err != nil {
		return Session{}, err
	}
	var s Session
	for k, v := range doc {
		var ok bool
		switch k {
		case "id":
			s.ID, ok = v.(string)
		case "name":
			s.Name, ok = v.(string)
		case "lab":
			s.Lab, ok = v.(string)
		case "notes":
			s.Notes, ok = v.(string)
		case "state":
			s.State, ok = v.(map[string]any)
		case "created":
			s.Created, ok = v.(float64)
		case "updated":
			s.Updated, ok = v.(float64)
		case "version":
			var f float64
			f, ok = v.(float64)
			s.Version = int(f)
		default:
			return Session{}, input.Errorf(input.Invalid, truncate(k, 40), "is not a field of a session")
		}
		if !ok {
			return Session{}, input.Errorf(input.WrongType, k, "has the wrong type")
		}
	}
	if err := s.Validate(); err != nil {
		return Session{}, err
	}
	return s, nil
}

// DecodeDraft reads a session handed in for saving. The fields a new session
// may leave out, or give as null, get defaults (notes "", created and updated
// 0, the current version); then FromDocument migrates and validates it. A
// missing, null or empty id marks a new session: the result has no ID, and
// Service.Save gives it one. doc is not modified.
func DecodeDraft(doc map[string]any) (Session, error) {
	d := make(map[string]any, len(doc)+4)
	for k, v := range doc {
		d[k] = v
	}
	fresh := false
	if id, ok := d["id"]; !ok || id == nil || id == "" {
		d["id"], fresh = "new", true // a valid stand-in, dropped below
	}
	for k, def := range map[string]any{"notes": "", "created": 0.0, "updated": 0.0, "version": float64(Version)} {
		if x, ok := d[k]; !ok || x == nil {
			d[k] = def
		}
	}
	s, err := FromDocument(d)
	if err != nil {
		return Session{}, err
	}
	if fresh {
		s.ID = ""
	}
	return s, nil
}

// validID reports whether id is 1 to MaxIDLen letters, digits, '-' or '_'.
func validID(id string) bool {
	if id == "" || len(id) > MaxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// jsonSize bounds the length of v's JSON encoding from above (strings counted
// as if every byte were escaped once), and returns more than MaxStateSize for
// values nested deeper than 32 levels or of a type JSON cannot hold.
func jsonSize(v any, depth int) int {
	if depth > 32 {
		return MaxStateSize + 1
	}
	switch x := v.(type) {
	case nil:
		return 4
	case bool:
		return 5
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return MaxStateSize + 1
		}
		return len(strconv.FormatFloat(x, 'g', -1, 64))
	case string:
		return 2 + 2*len(x)
	case []any:
		n := 2
		for _, e := range x {
			n += 1 + jsonSize(e, depth+1)
			if n > MaxStateSize {
				break
			}
		}
		return n
	case map[string]any:
		n := 2
		for k, e := range x {
			n += 4 + 2*len(k) + jsonSize(e, depth+1)
			if n > MaxStateSize {
				break
			}
		}
		return n
	}
	return MaxStateSize + 1
}

// parseRFC3339 reads the times version 1 wrote: YYYY-MM-DDTHH:MM:SS, optional
// fraction, then Z or ±HH:MM. It returns milliseconds since the epoch. (Hand
// written so the wasm build does not carry time's layout parser.)
func parseRFC3339(s string) (float64, bool) {
	if len(s) < 20 || !utf8.ValidString(s) || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':' {
		return 0, false
	}
	num := func(a, b int) (int, bool) {
		n := 0
		for i := a; i < b; i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			n = n*10 + int(s[i]-'0')
		}
		return n, true
	}
	var f [6]int
	for i, r := range [6][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}} {
		v, ok := num(r[0], r[1])
		if !ok {
			return 0, false
		}
		f[i] = v
	}
	if f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60 {
		return 0, false
	}
	rest := s[19:]
	nanos := 0
	if rest[0] == '.' {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			if i <= 9 {
				nanos = nanos*10 + int(rest[i]-'0')
			}
			i++
		}
		if i == 1 {
			return 0, false
		}
		for d := i; d <= 9; d++ {
			nanos *= 10
		}
		rest = rest[i:]
	}
	offset := 0
	switch {
	case rest == "Z" || rest == "z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		h, ok1 := num(len(s)-5, len(s)-3)
		m, ok2 := num(len(s)-2, len(s))
		if !ok1 || !ok2 || h > 23 || m > 59 {
			return 0, false
		}
		offset = (h*60 + m) * 60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return 0, false
	}
	t := time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], nanos, time.UTC)
	if t.Day() != f[2] {
		return 0, false // 31 February and the like
	}
	return float64(t.Unix()-int64(offset))*1000 + float64(nanos/1e6), true
}
