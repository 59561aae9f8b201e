package session

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/klplayground/klplay/core/input"
)

func valid() Session {
	return Session{
		ID: "s-1", Name: "dog vs cat", Lab: "divergence",
		State: map[string]any{"p": []any{1.0, 0.0}, "q": []any{0.9, 0.1}, "unit": "bits", "names": []any{"dog", "cat"}},
		Notes: "KL is 0.152 bits.\nReverse KL is infinite.", Created: 1.7e12, Updated: 1.7e12 + 5, Version: Version,
	}
}

func errCode(err error) (input.Code, string) {
	var e *input.Error
	if errors.As(err, &e) {
		return e.Code, e.Arg
	}
	return "", ""
}

func TestValidateAcceptsAGoodSession(t *testing.T) {
	s := valid()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateNamesTheBadField(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Session)
		code   input.Code
		arg    string
	}{
		{"empty id", func(s *Session) { s.ID = "" }, input.Invalid, "id"},
		{"id with a slash", func(s *Session) { s.ID = "a/b" }, input.Invalid, "id"},
		{"long id", func(s *Session) { s.ID = strings.Repeat("a", 65) }, input.Invalid, "id"},
		{"blank name", func(s *Session) { s.Name = "  " }, input.Empty, "name"},
		{"long name", func(s *Session) { s.Name = strings.Repeat("é", MaxNameLen+1) }, input.TooLarge, "name"},
		{"newline in name", func(s *Session) { s.Name = "a\nb" }, input.Invalid, "name"},
		{"bad UTF-8 in notes", func(s *Session) { s.Notes = "\xff" }, input.Invalid, "notes"},
		{"long notes", func(s *Session) { s.Notes = strings.Repeat("x", MaxNotesLen+1) }, input.TooLarge, "notes"},
		{"unknown lab", func(s *Session) { s.Lab = "alchemy" }, input.UnknownName, "lab"},
		{"nil state", func(s *Session) { s.State = nil }, input.WrongType, "state"},
		{"unknown state field", func(s *Session) { s.State["colour"] = "red" }, input.Invalid, "state.colour"},
		{"state p not numbers", func(s *Session) { s.State["p"] = []any{"1", 0.0} }, input.WrongType, "state.p[0]"},
		{"state p too short", func(s *Session) { s.State["p"] = []any{1.0} }, input.OutOfRange, "state.p"},
		{"state p entry > 1", func(s *Session) { s.State["p"] = []any{2.0, -1.0} }, input.OutOfRange, "state.p[0]"},
		{"state p not normalised", func(s *Session) { s.State["p"] = []any{0.5, 0.6} }, input.NotNormalized, "state.p"},
		{"state unit unknown", func(s *Session) { s.State["unit"] = "hartleys" }, input.UnknownName, "state.unit"},
		{"state unit a number", func(s *Session) { s.State["unit"] = 2.0 }, input.WrongType, "state.unit"},
		{"huge state", func(s *Session) { s.State["names"] = []any{strings.Repeat("x", MaxStateSize)} }, input.TooLarge, "state"},
		{"negative time", func(s *Session) { s.Created = -1 }, input.OutOfRange, "created"},
		{"updated before created", func(s *Session) { s.Updated = s.Created - 1 }, input.OutOfRange, "updated"},
		{"old version", func(s *Session) { s.Version = 1 }, input.OutOfRange, "version"},
	}
	for _, c := range cases {
		s := valid()
		c.mutate(&s)
		code, arg := errCode(s.Validate())
		if code != c.code || arg != c.arg {
			t.Errorf("%s: got %s on %q, want %s on %q", c.name, code, arg, c.code, c.arg)
		}
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	s := valid()
	b, err := Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !SameContent(s, got) || got.ID != s.ID || got.Created != s.Created || got.Updated != s.Updated {
		t.Errorf("round trip changed the session: %+v", got)
	}
	bad := s
	bad.Name = ""
	if _, err := Encode(bad); err == nil {
		t.Error("Encode accepted an invalid session")
	}
}

func TestDecodeRejectsMalformedDocuments(t *testing.T) {
	cases := map[string]string{
		"not JSON":       `{"id":`,
		"an array":       `[1,2]`,
		"trailing data":  `{"version":2} {}`,
		"no version":     `{"id":"a"}`,
		"version string": `{"version":"2"}`,
		"version 1.5":    `{"version":1.5}`,
		"future version": `{"version":99}`,
		"unknown field":  `{"id":"a","name":"n","lab":"divergence","state":{},"notes":"","created":0,"updated":0,"version":2,"extra":1}`,
		"wrong type":     `{"id":"a","name":7,"lab":"divergence","state":{},"notes":"","created":0,"updated":0,"version":2}`,
	}
	for name, doc := range cases {
		if _, err := Decode([]byte(doc)); err == nil {
			t.Errorf("%s: decoded", name)
		} else if code, _ := errCode(err); code == "" {
			t.Errorf("%s: untyped error %v", name, err)
		}
	}
}

func TestMigrateV1ToV2(t *testing.T) {
	v1 := `{"id":"old-1","title":"from last year","lab":"divergence","state":{"p":[0.5,0.5],"q":[0.9,0.1]},
	        "notes":"","created":"2025-03-01T10:00:00Z","updated":"2025-03-02T10:00:00.5Z","version":1}`
	s, err := Decode([]byte(v1))
	if err != nil {
		t.Fatal(err)
	}
	// 2025-03-01T10:00:00Z is 1740823200 s after the epoch (date -d … +%s).
	if s.Name != "from last year" || s.Created != 1740823200000 || s.Updated != 1740909600500 || s.Version != 2 {
		t.Errorf("migrated to %+v", s)
	}
	for name, doc := range map[string]string{
		"numeric time":   `{"id":"a","title":"t","lab":"divergence","state":{},"notes":"","created":5,"updated":"2025-03-01T10:00:00Z","version":1}`,
		"garbled time":   `{"id":"a","title":"t","lab":"divergence","state":{},"notes":"","created":"yesterday","updated":"2025-03-01T10:00:00Z","version":1}`,
		"no name at all": `{"id":"a","lab":"divergence","state":{},"notes":"","created":"2025-03-01T10:00:00Z","updated":"2025-03-01T10:00:00Z","version":1}`,
	} {
		if _, err := Decode([]byte(doc)); err == nil {
			t.Errorf("v1 %s: decoded", name)
		}
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	a, b := valid(), valid()
	b.ID, b.Name = "s-2", "uniform"
	b.State = map[string]any{"p": []any{0.5, 0.5}, "q": []any{0.5, 0.5}}
	data, err := EncodeExport([]Session{a, b}, 1.8e12)
	if err != nil {
		t.Fatal(err)
	}
	got, skipped, err := ParseExport(data)
	if err != nil || len(skipped) != 0 || len(got) != 2 {
		t.Fatalf("ParseExport: %d sessions, %v skipped, %v", len(got), skipped, err)
	}
	if !SameContent(got[0], a) || !SameContent(got[1], b) {
		t.Error("sessions changed through export and import")
	}
}

func TestParseExportSkipsBadRecordsAndRefusesBadFiles(t *testing.T) {
	good, _ := Encode(valid())
	file := fmt.Sprintf(`{"format":"klplay-sessions","version":1,"exported":0,"sessions":[%s,{"id":"x","name":"<script>alert(1)</script>","lab":"nope","state":{},"notes":"","created":0,"updated":0,"version":2},7]}`, good)
	got, skipped, err := ParseExport([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(skipped) != 2 || skipped[0].Index != 1 || skipped[1].Index != 2 {
		t.Fatalf("got %d, skipped %+v", len(got), skipped)
	}
	if skipped[0].Name != "<script>alert(1)</script>" || !strings.Contains(skipped[0].Reason, "lab") {
		t.Errorf("skip reason %+v", skipped[0])
	}
	for name, f := range map[string]string{
		"not JSON":       "hello",
		"wrong format":   `{"format":"other","version":1,"sessions":[]}`,
		"newer version":  `{"format":"klplay-sessions","version":2,"sessions":[]}`,
		"too large":      `{"format":"klplay-sessions","version":1,"sessions":[],"pad":"` + strings.Repeat("x", MaxImportSize) + `"}`,
		"sessions a map": `{"format":"klplay-sessions","version":1,"sessions":{}}`,
	} {
		if _, _, err := ParseExport([]byte(f)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	many := `{"format":"klplay-sessions","version":1,"sessions":[` + strings.Repeat("1,", MaxImportCount) + `1]}`
	if _, _, err := ParseExport([]byte(many)); err == nil {
		t.Error("more than MaxImportCount sessions accepted")
	}
}

func TestPlanKeepsBothOnConflict(t *testing.T) {
	stored := valid()
	same := valid()
	other := valid()
	other.Notes = "edited elsewhere"
	fresh := valid()
	fresh.ID = "s-new"
	n := 0
	newID := func() string { n++; return fmt.Sprintf("gen-%d", n) }
	add, skipped := Plan([]Session{same, other, fresh, fresh}, map[string]Session{stored.ID: stored}, newID)
	if len(skipped) != 2 || skipped[0].Index != 0 || skipped[1].Index != 3 {
		t.Errorf("skipped %+v", skipped)
	}
	if len(add) != 2 || add[0].ID != "gen-1" || add[0].Notes != "edited elsewhere" || add[1].ID != "s-new" {
		t.Errorf("added %+v", add)
	}
}

func TestSummaryAndLabs(t *testing.T) {
	s := valid()
	sum := s.Summarize()
	b, _ := json.Marshal(sum)
	if strings.Contains(string(b), "state") || sum.Name != s.Name {
		t.Errorf("summary %s", b)
	}
	ls := Labs()
	if len(ls) == 0 || ls[0].ID == "" {
		t.Fatal("no labs")
	}
	for _, l := range ls {
		def := map[string]any{}
		for _, f := range l.Fields {
			def[f.Name] = f.Default
		}
		b, _ := json.Marshal(def)
		var state map[string]any
		_ = json.Unmarshal(b, &state)
		if err := l.Validate(state); err != nil {
			t.Errorf("lab %s: its defaults are invalid: %v", l.ID, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	good, _ := Encode(valid())
	f.Add(good)
	f.Add([]byte(`{"id":"old-1","title":"t","lab":"divergence","state":{"p":[0.5,0.5]},"notes":"","created":"2025-03-01T10:00:00Z","updated":"2025-03-02T10:00:00Z","version":1}`))
	f.Add([]byte(`{"version":1e309}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Decode(data)
		if err != nil {
			if code, _ := errCode(err); code == "" {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("Decode returned an invalid session: %v", err)
		}
		if _, err := Encode(s); err != nil {
			t.Fatalf("a decoded session does not encode: %v", err)
		}
	})
}

func FuzzParseExport(f *testing.F) {
	good, _ := EncodeExport([]Session{valid()}, 0)
	f.Add(good)
	f.Add([]byte(`{"format":"klplay-sessions","version":1,"sessions":[null,{},[]]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, _, err := ParseExport(data)
		if err != nil {
			return
		}
		for _, s := range got {
			if err := s.Validate(); err != nil {
				t.Fatalf("an invalid session passed: %v", err)
			}
		}
	})
}

func TestSchemaKinds(t *testing.T) {
	s := Schema{
		{Name: "n", Kind: Integer, Min: 1, Max: 10},
		{Name: "x", Kind: Number, Min: -1, Max: 1},
		{Name: "on", Kind: Boolean},
		{Name: "mode", Kind: Enum, Values: []string{"a", "b"}},
		{Name: "w", Kind: Distribution, MinLen: 2, MaxLen: 3},
		{Name: "names", Kind: Labels, MaxLen: 2, MaxChars: 3},
		{Name: "z", Kind: Numbers, Min: -5, Max: 5, MinLen: 2, MaxLen: 3},
		{Name: "odd", Kind: "matrix"},
	}
	good := map[string]any{"n": 3.0, "x": -0.5, "on": true, "mode": "b", "w": []any{0.5, 0.5}, "names": []any{"ab", "c"}, "z": []any{-5.0, 4.5, 2.0}}
	if err := s.Validate(good); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		field string
		value any
		code  input.Code
		arg   string
	}{
		{"n", 2.5, input.OutOfRange, "state.n"},
		{"n", "3", input.WrongType, "state.n"},
		{"x", 2.0, input.OutOfRange, "state.x"},
		{"on", 1.0, input.WrongType, "state.on"},
		{"mode", "c", input.UnknownName, "state.mode"},
		{"w", []any{0.5}, input.OutOfRange, "state.w"},
		{"w", []any{0.5, 0.6}, input.NotNormalized, "state.w"},
		{"w", "0.5,0.5", input.WrongType, "state.w"},
		{"w", []any{1.5, -0.5}, input.OutOfRange, "state.w[0]"},
		{"names", []any{"abcd"}, input.TooLarge, "state.names[0]"},
		{"names", []any{1.0}, input.WrongType, "state.names[0]"},
		{"names", []any{"a", "b", "c"}, input.OutOfRange, "state.names"},
		{"z", []any{1.0}, input.OutOfRange, "state.z"},
		{"z", []any{1.0, 6.0}, input.OutOfRange, "state.z[1]"},
		{"z", []any{1.0, "2"}, input.WrongType, "state.z[1]"},
		{"z", 1.0, input.WrongType, "state.z"},
		{"odd", 1.0, input.Invalid, "state.odd"},
	}
	for _, c := range cases {
		st := map[string]any{c.field: c.value}
		code, arg := errCode(s.Validate(st))
		if code != c.code || arg != c.arg {
			t.Errorf("%s = %v: got %s on %q, want %s on %q", c.field, c.value, code, arg, c.code, c.arg)
		}
	}
}

func TestParseRFC3339(t *testing.T) {
	cases := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1970-01-01T00:00:00Z", 0, true},
		{"1970-01-01T00:00:01.25Z", 1250, true},
		{"1970-01-01T01:00:00+01:00", 0, true},
		{"1970-01-01T00:00:00-00:30", 1800000, true},
		{"2024-02-29T12:00:00Z", 1709208000000, true},
		{"2023-02-29T12:00:00Z", 0, false},
		{"2023-13-01T00:00:00Z", 0, false},
		{"2023-01-01 00:00:00Z", 0, false},
		{"2023-01-01T00:00:00", 0, false},
		{"2023-01-01T00:00:00.Z", 0, false},
		{"2023-01-01T00:00:00+1:00", 0, false},
		{"2023-01-01T0a:00:00Z", 0, false},
	}
	for _, c := range cases {
		got, ok := parseRFC3339(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("%s: %v %v, want %v %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
