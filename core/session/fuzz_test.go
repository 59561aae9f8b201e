package session

import (
	"context"
	"testing"
)

func TestUpgradeRecord(t *testing.T) {
	v1 := `{"id":"v1-a","title":"oldest","lab":"divergence","state":{"p":[0.25,0.75],"q":[0.5,0.5]},"notes":"n","created":"2024-01-01T00:00:00Z","updated":"2024-01-01T10:00:00Z","version":1}`
	got, ok := UpgradeRecord([]byte(v1))
	want := `{"created":1.7040672e+12,"id":"v1-a","lab":"divergence","name":"oldest","notes":"n","state":{"p":[0.25,0.75],"q":[0.5,0.5]},"updated":1.7041032e+12,"version":2}`
	if !ok || string(got) != want {
		t.Fatalf("UpgradeRecord(v1) = %s, %v; want %s", got, ok, want)
	}
	for _, left := range []string{
		want, // already current
		`{"id":"v1-broken","title":"b","lab":"divergence","state":{},"notes":"","created":"2024-01-01T00:00:00Z","updated":"not a time","version":1}`,
		`{"version":"1"}`,
		`not json`,
		`[1]`,
	} {
		if got, ok := UpgradeRecord([]byte(left)); ok || got != nil {
			t.Errorf("UpgradeRecord(%s) = %s, true; want it left as it was", left, got)
		}
	}
}

// FuzzUpgradeRecord: a record is rewritten only when it is version 1, and then
// as a current document that decodes to the same session.
func FuzzUpgradeRecord(f *testing.F) {
	f.Add([]byte(`{"id":"a","title":"t","lab":"divergence","state":{},"notes":"","created":"2024-01-01T00:00:00Z","updated":"2024-01-01T10:00:00+01:00","version":1}`))
	f.Add([]byte(`{"version":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, ok := UpgradeRecord(data)
		if !ok {
			return
		}
		if peek, _ := parseDoc(data); peek["version"] != 1.0 {
			t.Fatalf("rewrote a record of version %v", peek["version"])
		}
		old, err := Decode(data)
		if err != nil {
			t.Fatalf("rewrote a record that does not decode: %v", err)
		}
		now, err := Decode(out)
		if err != nil || !SameContent(old, now) || now.Version != Version {
			t.Fatalf("UpgradeRecord(%s) = %s: %v", data, out, err)
		}
	})
}

// FuzzImport: any file either fails and changes nothing, or accounts for every
// session in it as added or skipped, and what was added is stored.
func FuzzImport(f *testing.F) {
	good, _ := EncodeExport([]Session{valid()}, 0)
	f.Add(good)
	f.Add([]byte(`{"format":"klplay-sessions","version":1,"sessions":[null,{},[]]}`))
	f.Add([]byte(`{"format":"klplay-sessions","version":1,"sessions":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		s := newTestService(NewMemStore())
		stored := mustSave(t, s, Session{Name: "there", Lab: "divergence", State: map[string]any{}, Version: Version})
		r, err := s.Import(ctx, data)
		l, lerr := s.List(ctx)
		if lerr != nil {
			t.Fatal(lerr)
		}
		if err != nil {
			if code, _ := errCode(err); code == "" {
				t.Fatalf("untyped error %v", err)
			}
			if len(l.Sessions) != 1 || l.Sessions[0].ID != stored.ID {
				t.Fatalf("a failed import changed the sessions: %+v", l)
			}
			return
		}
		incoming, skips, _ := ParseExport(data)
		if len(r.Added)+len(r.Skipped) != len(incoming)+len(skips) || len(l.Sessions) != 1+len(r.Added) {
			t.Fatalf("import of %d sessions: %d added, %d skipped, %d stored", len(incoming)+len(skips), len(r.Added), len(r.Skipped), len(l.Sessions))
		}
		for _, a := range r.Added {
			if _, err := s.Get(ctx, a.ID); err != nil {
				t.Fatalf("added %s, but: %v", a.ID, err)
			}
		}
	})
}

// FuzzStoredRecord: whatever a store holds, List neither fails nor panics; a
// record is listed or skipped, and Get agrees. The same holds for an autosave,
// which LoadCurrent returns as it is or not at all.
func FuzzStoredRecord(f *testing.F) {
	good, _ := Encode(valid())
	f.Add(good)
	f.Add([]byte(`{"id":"x","name":"n","lab":"gone","updated":2}`))
	f.Add([]byte(`{"lab":"divergence","state":{},"updated":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		mem := NewMemStore()
		mem.sessions["r"] = data
		mem.current["divergence"] = data
		s := newTestService(mem)
		l, err := s.List(ctx)
		if err != nil || len(l.Sessions)+len(l.Skipped) != 1 {
			t.Fatalf("list of one record: %+v, %v", l, err)
		}
		_, gerr := s.Get(ctx, "r")
		if (gerr == nil) != (len(l.Sessions) == 1) {
			t.Fatalf("list and get disagree: %+v, %v", l, gerr)
		}
		if len(l.Skipped) == 1 && l.Skipped[0].Code == "" {
			t.Fatalf("skipped without a code: %+v", l.Skipped[0])
		}
		lab, _ := LookupLab("divergence")
		cur, err := s.LoadCurrent(ctx, lab)
		if err != nil || (cur != nil && string(cur) != string(data)) {
			t.Fatalf("LoadCurrent = %s, %v", cur, err)
		}
	})
}
