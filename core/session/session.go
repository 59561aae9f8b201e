// Package session is the document model of a saved session: one lab's state with
// the reader's name and notes. It validates documents (types, sizes, lab known,
// state valid for its lab), encodes them as JSON, migrates older versions, and
// plans imports.
//
// Service is the session store the page uses (klplay.sessions), over any Store:
// it stamps writes, refuses stale saves, lists newest first, reports damaged
// records, imports and keeps each lab's autosave. MemStore is the Store in
// memory; the IndexedDB one lives in wasm/, the only code that touches
// JavaScript.
package session

import (
	"math"
	"strings"
	"unicode"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/jsontext"
)

// Version is the document version this package writes.
const Version = 2

// Bounds on a session's parts. A state is small (a lab's controls); the bound
// keeps one bad file from filling a reader's storage.
const (
	MaxIDLen     = 64
	MaxNameLen   = 120
	MaxNotesLen  = 20_000
	MaxStateSize = 64 << 10
)

// Session is one saved lab state. Times are milliseconds since the Unix epoch, as
// JavaScript's Date.now() gives them. Updated doubles as the revision: a store
// refuses to overwrite a stored session whose Updated is newer than the one the
// writer last read.
type Session struct {
	ID      string         `json:"id"`
	Name    string         `json:"name"`
	Lab     string         `json:"lab"`
	State   map[string]any `json:"state"`
	Notes   string         `json:"notes"`
	Created float64        `json:"created"`
	Updated float64        `json:"updated"`
	Version int            `json:"version"`
}

// Validate checks every field of s: the id's alphabet and length, a non-empty
// name without control characters, the lab known and its state valid for it,
// notes and state within their bounds, finite non-negative times with
// created ≤ updated, and the current version. Errors name the field.
func (s *Session) Validate() error {
	if !validID(s.ID) {
		return input.Errorf(input.Invalid, "id", "must be 1 to %d letters, digits, '-' or '_'", MaxIDLen)
	}
	if err := checkText("name", s.Name, MaxNameLen, false); err != nil {
		return err
	}
	if strings.TrimSpace(s.Name) == "" {
		return input.Errorf(input.Empty, "name", "is empty; a session needs a name")
	}
	if err := checkText("notes", s.Notes, MaxNotesLen, true); err != nil {
		return err
	}
	lab, ok := Lab(s.Lab)
	if !ok {
		return input.Errorf(input.UnknownName, "lab", "is %q, which is not a lab of this playground", truncate(s.Lab, 40))
	}
	if s.State == nil {
		return input.Errorf(input.WrongType, "state", "must be an object")
	}
	if jsonSize(s.State, 0) > MaxStateSize {
		return input.Errorf(input.TooLarge, "state", "is larger than %d bytes or nested too deeply", MaxStateSize)
	}
	if err := lab.Validate(s.State); err != nil {
		return err
	}
	for _, t := range []struct {
		name string
		v    float64
	}{{"created", s.Created}, {"updated", s.Updated}} {
		if math.IsNaN(t.v) || math.IsInf(t.v, 0) || t.v < 0 {
			return input.Errorf(input.OutOfRange, t.name, "must be a time in milliseconds since 1970")
		}
	}
	if s.Updated < s.Created {
		return input.Errorf(input.OutOfRange, "updated", "is before created")
	}
	if s.Version != Version {
		return input.Errorf(input.OutOfRange, "version", "is %d; this playground reads version %d (older versions are migrated on decode)", s.Version, Version)
	}
	return nil
}

// checkText bounds a string in runes and refuses control characters (newlines
// and tabs are allowed in notes only). Names and notes are shown as text, never
// as HTML; this only keeps them printable.
func checkText(arg, s string, max int, multiline bool) error {
	n := 0
	for _, r := range s {
		n++
		if r == unicode.ReplacementChar || (unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t' || r == '\r'))) {
			return input.Errorf(input.Invalid, arg, "contains a control character or invalid UTF-8")
		}
	}
	if n > max {
		return input.Errorf(input.TooLarge, arg, "has %d characters; at most %d are allowed", n, max)
	}
	return nil
}

// Encode returns the JSON encoding of a valid session.
func Encode(s Session) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return jsontext.Marshal(s.Document())
}

// Decode parses one JSON session of any known version, migrates it to the
// current version and validates it. Unknown fields are an error.
func Decode(data []byte) (Session, error) {
	doc, err := parseObject(data, "session")
	if err != nil {
		return Session{}, err
	}
	return FromDocument(doc)
}

// Summary is a session without its state, for listing.
type Summary struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Lab     string  `json:"lab"`
	Created float64 `json:"created"`
	Updated float64 `json:"updated"`
}

// Summarize returns s without its state and notes.
func (s *Session) Summarize() Summary {
	return Summary{ID: s.ID, Name: s.Name, Lab: s.Lab, Created: s.Created, Updated: s.Updated}
}

// SameContent reports whether a and b hold the same name, lab, state and notes
// (ids and times aside): the test for an import that is already there.
func SameContent(a, b Session) bool {
	return a.Name == b.Name && a.Lab == b.Lab && a.Notes == b.Notes && equal(a.State, b.State)
}

// equal compares two generic JSON values.
func equal(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !equal(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}

// parseObject reads JSON text that must be an object.
func parseObject(data []byte, what string) (map[string]any, error) {
	v, err := jsontext.Parse(data)
	if err != nil {
		return nil, input.Errorf(input.Invalid, what, "is not valid JSON: %v", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, input.Errorf(input.Invalid, what, "is not a JSON object")
	}
	return m, nil
}
