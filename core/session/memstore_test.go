package session

import (
	"context"
	"errors"
	"testing"

	"github.com/klplayground/klplay/core/input"
)

func TestMemStoreScanOrder(t *testing.T) {
	m := NewMemStore()
	for id, doc := range map[string]string{
		"old":      `{"updated":1}`,
		"new":      `{"updated":3}`,
		"tie-a":    `{"updated":2}`,
		"tie-b":    `{"updated":2}`,
		"no-time":  `{"updated":"yesterday"}`,
		"not-json": `{`,
	} {
		m.sessions[id] = []byte(doc)
	}
	recs, err := m.Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, r.ID)
	}
	// Records without a numeric updated come last; ties go by id, descending.
	want := []string{"new", "tie-b", "tie-a", "old", "not-json", "no-time"}
	if len(got) != len(want) {
		t.Fatalf("scan %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("scan %v, want %v", got, want)
		}
	}
}

func TestMemStoreTransactions(t *testing.T) {
	ctx := context.Background()
	m := NewMemStore()
	if err := m.AddAll(ctx, []Record{{ID: "a", Doc: []byte("1")}, {ID: "b", Doc: []byte("2")}}); err != nil {
		t.Fatal(err)
	}
	// All or none: a taken id, or one given twice, adds nothing.
	for _, recs := range [][]Record{
		{{ID: "c", Doc: []byte("3")}, {ID: "a", Doc: []byte("x")}},
		{{ID: "d", Doc: []byte("4")}, {ID: "d", Doc: []byte("5")}},
	} {
		if err := m.AddAll(ctx, recs); !errors.Is(err, ErrTaken) {
			t.Errorf("AddAll(%v) = %v, want ErrTaken", recs, err)
		}
	}
	if len(m.sessions) != 2 {
		t.Fatalf("a failed AddAll stored something: %v", m.sessions)
	}
	// Update: what fn returns is stored, nil deletes, an error writes nothing.
	boom := errors.New("boom")
	if err := m.Update(ctx, "a", func(old []byte) ([]byte, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if err := m.Update(ctx, "a", func(old []byte) ([]byte, error) { return append(old, '0'), nil }); err != nil {
		t.Fatal(err)
	}
	if got, _ := m.Read(ctx, "a"); string(got) != "10" {
		t.Fatalf("after update: %s", got)
	}
	if err := m.Update(ctx, "b", func([]byte) ([]byte, error) { return nil, nil }); err != nil {
		t.Fatal(err)
	}
	if err := m.Update(ctx, "none", func(old []byte) ([]byte, error) {
		if old != nil {
			t.Errorf("a missing record read as %q", old)
		}
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ := m.Read(ctx, "b"); got != nil {
		t.Fatalf("deleted record read as %s", got)
	}
	// Callers never share the store's bytes.
	got, _ := m.Read(ctx, "a")
	got[0] = 'X'
	if again, _ := m.Read(ctx, "a"); string(again) != "10" {
		t.Fatalf("a caller changed the store: %s", again)
	}
	doc := []byte(`{"lab":"x"}`)
	if err := m.PutCurrent(ctx, "x", doc); err != nil {
		t.Fatal(err)
	}
	doc[0] = 'X'
	if cur, _ := m.GetCurrent(ctx, "x"); string(cur) != `{"lab":"x"}` {
		t.Fatalf("current %s", cur)
	}
	if cur, err := m.GetCurrent(ctx, "y"); cur != nil || err != nil {
		t.Fatalf("no autosave: %s, %v", cur, err)
	}
}

func TestMemStoreHonoursTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m := NewMemStore()
	errs := map[string]error{}
	_, errs["scan"] = m.Scan(ctx)
	_, errs["read"] = m.Read(ctx, "a")
	errs["update"] = m.Update(ctx, "a", func([]byte) ([]byte, error) { return []byte("1"), nil })
	errs["addAll"] = m.AddAll(ctx, []Record{{ID: "b", Doc: []byte("1")}})
	errs["putCurrent"] = m.PutCurrent(ctx, "a", []byte("1"))
	_, errs["getCurrent"] = m.GetCurrent(ctx, "a")
	for name, err := range errs {
		var ie *input.Error
		if !errors.As(err, &ie) || ie.Code != StorageFailed || ie.Arg != "storage" || ie.Msg != "the browser's storage did not answer in time (context canceled); nothing was changed" {
			t.Errorf("%s: %v", name, err)
		}
	}
	if len(m.sessions) != 0 || len(m.current) != 0 {
		t.Errorf("a call after the context ended wrote: %v %v", m.sessions, m.current)
	}
	if CheckContext(context.Background()) != nil {
		t.Error("CheckContext of a live context")
	}
}
