package session

import (
	"strings"
	"testing"
)

func TestRevise(t *testing.T) {
	stored := valid() // created 1.7e12, updated 1.7e12 + 5
	doc, err := Encode(stored)
	if err != nil {
		t.Fatal(err)
	}
	now := 1.8e12

	fresh := valid()
	fresh.Created, fresh.Updated = 0, 0
	got, err := Revise(fresh, nil, now, true, false)
	if err != nil || got.Created != now || got.Updated != now {
		t.Errorf("new session: %+v, %v", got, err)
	}
	undo := valid() // saved back after a delete: keeps its creation time
	if got, err := Revise(undo, nil, now, false, false); err != nil || got.Created != undo.Created || got.Updated != now {
		t.Errorf("undo: %+v, %v", got, err)
	}
	if _, err := Revise(fresh, doc, now, true, false); err == nil {
		t.Error("a generated id that is already taken was accepted")
	}

	edit := valid()
	edit.Notes, edit.Created = "edited", 42
	got, err = Revise(edit, doc, now, false, false)
	if err != nil || got.Notes != "edited" || got.Created != stored.Created || got.Updated != now {
		t.Errorf("update: %+v, %v", got, err)
	}

	stale := valid()
	stale.Updated = stored.Updated - 1
	_, err = Revise(stale, doc, now, false, false)
	if code, arg := errCode(err); code != Conflict || arg != "updated" || !strings.Contains(err.Error(), "force") {
		t.Errorf("stale save: %v", err)
	}
	if got, err := Revise(stale, doc, now, false, true); err != nil || got.Updated != now {
		t.Errorf("forced stale save: %+v, %v", got, err)
	}

	// A save in the same millisecond as the stored one still moves time forward.
	same := valid()
	if got, err := Revise(same, doc, stored.Updated, false, false); err != nil || got.Updated != stored.Updated+1 {
		t.Errorf("same millisecond: %+v, %v", got, err)
	}

	// A damaged record: its updated time still guards it when it has one.
	damaged := []byte(`{"id":"s-1","updated":1.9e12,"lab":"nope"}`)
	if _, err := Revise(edit, damaged, now, false, false); err == nil {
		t.Error("a save older than a damaged record's time was accepted")
	}
	if got, err := Revise(edit, []byte(`not json`), now, false, false); err != nil || got.Created != edit.Created {
		t.Errorf("over an unreadable record: %+v, %v", got, err)
	}
	v1 := []byte(`{"id":"s-1","title":"t","lab":"divergence","state":{},"notes":"","created":"2030-01-01T00:00:00Z","updated":"2030-01-01T00:00:00Z","version":1}`)
	if _, err := Revise(edit, v1, now, false, false); err == nil {
		t.Error("a save older than a version 1 record's string time was accepted")
	}
}

func TestNextUpdated(t *testing.T) {
	cases := []struct{ now, stored, created, want float64 }{
		{100, 0, 0, 100},
		{100, 100, 0, 101},
		{100, 150, 0, 151},
		{100, 0, 200, 200},
	}
	for _, c := range cases {
		if got := NextUpdated(c.now, c.stored, c.created); got != c.want {
			t.Errorf("NextUpdated(%v, %v, %v) = %v, want %v", c.now, c.stored, c.created, got, c.want)
		}
	}
	if msTime(0) != "no time" || msTime(1e12) != "2001-09-09 01:46:40.000 UTC" {
		t.Errorf("msTime: %q %q", msTime(0), msTime(1e12))
	}
}
