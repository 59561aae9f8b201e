//go:build js && wasm

package main

// The sessions API under Node: Node has no indexedDB, so these also prove the
// fallback, and they drive the memory store through the same JavaScript
// functions the page calls. The IndexedDB store is tested in Chromium
// (e2e/browser/store.test.mjs).

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/klplayground/klplay/core/session"
)

// await waits for a Promise from a test goroutine (never from a callback).
func await(t *testing.T, p js.Value) (js.Value, js.Value) {
	t.Helper()
	if p.Type() != js.TypeObject || p.Get("then").Type() != js.TypeFunction {
		t.Fatalf("not a Promise: %v", p)
	}
	type result struct{ v, err js.Value }
	ch := make(chan result, 1)
	ok := js.FuncOf(func(_ js.Value, a []js.Value) any { ch <- result{v: a[0]}; return nil })
	bad := js.FuncOf(func(_ js.Value, a []js.Value) any { ch <- result{err: a[0]}; return nil })
	defer ok.Release()
	defer bad.Release()
	p.Call("then", ok, bad)
	select {
	case r := <-ch:
		return r.v, r.err
	case <-time.After(10 * time.Second):
		t.Fatal("the Promise did not settle")
	}
	return js.Value{}, js.Value{}
}

func mustResolve(t *testing.T, p js.Value) js.Value {
	t.Helper()
	v, err := await(t, p)
	if !err.IsUndefined() && err.Truthy() {
		t.Fatalf("rejected: %s (code %s)", err.Get("message").String(), err.Get("code").String())
	}
	return v
}

func mustReject(t *testing.T, p js.Value, code string) js.Value {
	t.Helper()
	v, err := await(t, p)
	if err.IsUndefined() || !err.Truthy() {
		t.Fatalf("resolved to %s, want a rejection with code %s", jsonString(v), code)
	}
	if !err.InstanceOf(jsError) {
		t.Fatalf("rejected with %v, not an Error", err)
	}
	if got := err.Get("code").String(); got != code {
		t.Fatalf("rejected with code %s (%s), want %s", got, err.Get("message").String(), code)
	}
	if err.Get("name").String() != "KlplayError" || err.Get("arg").Type() != js.TypeString {
		t.Fatalf("error without name or arg: %s", err.Get("message").String())
	}
	return err
}

func jsonString(v js.Value) string {
	if v.IsUndefined() {
		return "undefined"
	}
	return js.Global().Get("JSON").Call("stringify", v).String()
}

func jsv(s string) js.Value { return js.Global().Get("JSON").Call("parse", s) }

func newSessions(t *testing.T) js.Value {
	t.Helper()
	return newAPI().Get("sessions")
}

// newMemSessions is the service over a memory store the test can reach into.
func newMemSessions() (js.Value, *memStore) {
	m := newMemStore()
	return newSessionService(m, storageMemory, "test", nil).obj, m
}

const divState = `{"p":[0.5,0.5],"q":[0.9,0.1],"unit":"bits"}`

func draft(name string) js.Value {
	return jsv(`{"name":` + fmt.Sprintf("%q", name) + `,"lab":"divergence","state":` + divState + `}`)
}

func TestSessionsFallBackToMemoryUnderNode(t *testing.T) {
	s := newSessions(t)
	if got := s.Get("storage").String(); got != "memory" {
		t.Fatalf("storage = %q under Node, want memory", got)
	}
	if note := s.Get("storageNote").String(); !strings.Contains(note, "IndexedDB is unavailable") || !strings.Contains(note, "until the tab closes") {
		t.Fatalf("storageNote = %q", note)
	}
	r := mustResolve(t, s.Call("ready"))
	if r.Get("storage").String() != "memory" {
		t.Fatalf("ready() = %s", jsonString(r))
	}
}

func TestSessionsCreateGetUpdateRenameDelete(t *testing.T) {
	s := newSessions(t)
	before := dateNow()
	a := mustResolve(t, s.Call("save", draft("first")))
	id := a.Get("id").String()
	if len(id) != 22 || a.Get("version").Int() != session.Version || a.Get("notes").String() != "" {
		t.Fatalf("created %s", jsonString(a))
	}
	if c, u := a.Get("created").Float(), a.Get("updated").Float(); c < before || u != c {
		t.Fatalf("created %v updated %v, want both ≥ %v and equal", c, u, before)
	}
	got := mustResolve(t, s.Call("get", id))
	if jsonString(got) != jsonString(a) {
		t.Fatalf("get = %s, saved %s", jsonString(got), jsonString(a))
	}
	// Update: same updated as read, new notes.
	got.Set("notes", "a note\nover two lines")
	b := mustResolve(t, s.Call("save", got))
	if b.Get("id").String() != id || b.Get("updated").Float() <= a.Get("updated").Float() || b.Get("created").Float() != a.Get("created").Float() {
		t.Fatalf("update: %s after %s", jsonString(b), jsonString(a))
	}
	c := mustResolve(t, s.Call("rename", id, "renamed"))
	if c.Get("name").String() != "renamed" || c.Get("notes").String() != "a note\nover two lines" || c.Get("updated").Float() <= b.Get("updated").Float() {
		t.Fatalf("rename: %s", jsonString(c))
	}
	mustReject(t, s.Call("rename", id, "  "), "empty")
	mustReject(t, s.Call("rename", "nope", "x"), "not-found")
	gone := mustResolve(t, s.Call("delete", id))
	if jsonString(gone) != jsonString(c) {
		t.Fatalf("delete resolved to %s, want %s", jsonString(gone), jsonString(c))
	}
	mustReject(t, s.Call("get", id), "not-found")
	mustReject(t, s.Call("delete", id), "not-found")
	// Undo: saving the deleted session back restores it under its id.
	back := mustResolve(t, s.Call("save", gone))
	if back.Get("id").String() != id || back.Get("name").String() != "renamed" || back.Get("created").Float() != c.Get("created").Float() {
		t.Fatalf("undo: %s", jsonString(back))
	}
}

func TestSessionsConflictAndForce(t *testing.T) {
	s := newSessions(t)
	a := mustResolve(t, s.Call("save", draft("shared")))
	tab1 := jsv(jsonString(a))
	tab2 := jsv(jsonString(a))
	tab1.Set("notes", "tab 1")
	mustResolve(t, s.Call("save", tab1)) // same millisecond or not, updated moves on
	tab2.Set("notes", "tab 2")
	err := mustReject(t, s.Call("save", tab2), "conflict")
	if !strings.Contains(err.Get("message").String(), "force") {
		t.Fatalf("conflict message does not say how to overwrite: %s", err.Get("message").String())
	}
	if got := mustResolve(t, s.Call("get", a.Get("id"))); got.Get("notes").String() != "tab 1" {
		t.Fatalf("the conflicting save changed the session: %s", jsonString(got))
	}
	forced := mustResolve(t, s.Call("save", tab2, jsv(`{"force":true}`)))
	if forced.Get("notes").String() != "tab 2" {
		t.Fatalf("force: %s", jsonString(forced))
	}
	// An existing id without updated is a stale copy too.
	noTime := draft("shared")
	noTime.Set("id", a.Get("id"))
	mustReject(t, s.Call("save", noTime), "conflict")
}

func TestSessionsRejectBadInputWithoutStoring(t *testing.T) {
	s := newSessions(t)
	cases := []struct {
		name string
		args []any
		code string
	}{
		{"not an object", []any{"abc"}, "wrong-type"},
		{"no name", []any{jsv(`{"lab":"divergence","state":{}}`)}, "empty"},
		{"unknown lab", []any{jsv(`{"name":"x","lab":"nope","state":{}}`)}, "unknown-name"},
		{"bad state", []any{jsv(`{"name":"x","lab":"divergence","state":{"p":[2,-1]}}`)}, "out-of-range"},
		{"unknown field", []any{jsv(`{"name":"x","lab":"divergence","state":{},"extra":1}`)}, "invalid"},
		{"bad id", []any{jsv(`{"id":"a b","name":"x","lab":"divergence","state":{}}`)}, "invalid"},
		{"control character in name", []any{jsv(`{"name":"a\u0007","lab":"divergence","state":{}}`)}, "invalid"},
		{"newer version", []any{jsv(`{"name":"x","lab":"divergence","state":{},"version":9}`)}, "out-of-range"},
		{"force not boolean", []any{draft("x"), jsv(`{"force":"yes"}`)}, "wrong-type"},
	}
	for _, c := range cases {
		mustReject(t, s.Call("save", c.args...), c.code)
	}
	mustReject(t, s.Call("get", 42), "wrong-type")
	mustReject(t, s.Call("get"), "wrong-type")
	mustReject(t, s.Call("list", 3), "wrong-type")
	if n := mustResolve(t, s.Call("list")).Length(); n != 0 {
		t.Fatalf("bad saves stored %d sessions", n)
	}
}

func TestSessionsListNewestFirstAndReportsCorrupt(t *testing.T) {
	s, mem := newMemSessions()
	var ids []string
	for i := 0; i < 5; i++ {
		ids = append(ids, mustResolve(t, s.Call("save", draft(fmt.Sprintf("s%d", i)))).Get("id").String())
	}
	list := mustResolve(t, s.Call("list"))
	if list.Length() != 5 {
		t.Fatalf("list has %d", list.Length())
	}
	for i := 0; i < 5; i++ {
		e := list.Index(i)
		if e.Get("id").String() != ids[4-i] {
			t.Fatalf("list[%d] = %s, want id %s (newest first)", i, jsonString(e), ids[4-i])
		}
		if !e.Get("state").IsUndefined() || !e.Get("notes").IsUndefined() {
			t.Fatalf("list carries the state: %s", jsonString(e))
		}
	}
	// Damage the store behind the API's back, as another program might.
	mem.sessions["wrong-shape"] = []byte(`{"id":"wrong-shape","hello":1}`)
	mem.sessions["unknown-lab"] = []byte(`{"id":"unknown-lab","name":"old","lab":"gone","state":{},"notes":"","created":1,"updated":2,"version":2}`)
	mem.sessions["bad-version"] = []byte(`{"id":"bad-version","name":"future","lab":"divergence","state":{},"notes":"","created":1,"updated":2,"version":7}`)
	mem.sessions["not-object"] = []byte(`[1,2]`)
	plain := mustResolve(t, s.Call("list"))
	if plain.Length() != 5 {
		t.Fatalf("list with damaged records has %d entries, want the 5 good ones", plain.Length())
	}
	r := mustResolve(t, s.Call("list", jsv(`{"withSkipped":true}`)))
	if r.Get("sessions").Length() != 5 || r.Get("skipped").Length() != 4 {
		t.Fatalf("withSkipped: %s", jsonString(r))
	}
	reasons := map[string]string{}
	for i := 0; i < 4; i++ {
		e := r.Get("skipped").Index(i)
		reasons[e.Get("id").String()] = e.Get("code").String() + ": " + e.Get("reason").String()
	}
	for id, want := range map[string]string{"unknown-lab": "unknown-name", "bad-version": "out-of-range", "wrong-shape": "", "not-object": ""} {
		if got, ok := reasons[id]; !ok || !strings.HasPrefix(got, want) {
			t.Errorf("skipped[%s] = %q, want code %q", id, got, want)
		}
	}
	mustReject(t, s.Call("get", "unknown-lab"), "corrupt")
	mustResolve(t, s.Call("delete", "unknown-lab")) // a damaged record can still be deleted
	// Export leaves damaged records out and still works.
	exp := mustResolve(t, s.Call("exportAll")).String()
	got, skips, err := session.ParseExport([]byte(exp))
	if err != nil || len(got) != 5 || len(skips) != 0 {
		t.Fatalf("export: %d sessions, %v, %v", len(got), skips, err)
	}
}

func TestSessionsExportImport(t *testing.T) {
	src := newSessions(t)
	for i := 0; i < 3; i++ {
		d := draft(fmt.Sprintf("s%d", i))
		d.Set("notes", fmt.Sprintf("note %d <script>alert(1)</script>", i))
		mustResolve(t, src.Call("save", d))
	}
	file := mustResolve(t, src.Call("exportAll")).String()
	want := mustResolve(t, src.Call("list"))

	dst := newSessions(t)
	r := mustResolve(t, dst.Call("importAll", file))
	if r.Get("added").Length() != 3 || r.Get("skipped").Length() != 0 {
		t.Fatalf("import: %s", jsonString(r))
	}
	if got := mustResolve(t, dst.Call("list")); jsonString(got) != jsonString(want) {
		t.Fatalf("after import: %s, want %s", jsonString(got), jsonString(want))
	}
	for i := 0; i < 3; i++ {
		id := want.Index(i).Get("id")
		if a, b := mustResolve(t, src.Call("get", id)), mustResolve(t, dst.Call("get", id)); jsonString(a) != jsonString(b) {
			t.Fatalf("imported %s, exported %s", jsonString(b), jsonString(a))
		}
	}
	// The same file again: everything is already there.
	r = mustResolve(t, dst.Call("importAll", file))
	if r.Get("added").Length() != 0 || r.Get("skipped").Length() != 3 || !strings.Contains(r.Get("skipped").Index(0).Get("reason").String(), "already there") {
		t.Fatalf("re-import: %s", jsonString(r))
	}
	// Same id, other content: kept side by side under a new id.
	id0 := want.Index(0).Get("id").String()
	mustResolve(t, dst.Call("rename", id0, "changed here"))
	r = mustResolve(t, dst.Call("importAll", file))
	if r.Get("added").Length() != 1 || r.Get("added").Index(0).Get("originalId").String() != id0 || r.Get("added").Index(0).Get("id").String() == id0 {
		t.Fatalf("same id, other content: %s", jsonString(r))
	}
	if n := mustResolve(t, dst.Call("list")).Length(); n != 4 {
		t.Fatalf("after side-by-side import: %d sessions, want 4", n)
	}
	// One bad session in a good file is skipped with its position in the file.
	var e map[string]any
	if err := json.Unmarshal([]byte(file), &e); err != nil {
		t.Fatal(err)
	}
	ss := e["sessions"].([]any)
	ss[1].(map[string]any)["lab"] = "nope"
	fresh := ss[2].(map[string]any)
	fresh["id"] = "brand-new"
	mixed, _ := json.Marshal(e)
	r = mustResolve(t, dst.Call("importAll", string(mixed)))
	// File order: [0] differs from the stored id0 (renamed here) and is added
	// under a new id again, [1] has an unknown lab, [2] is new.
	added, skipped := r.Get("added"), r.Get("skipped")
	if added.Length() != 2 || added.Index(1).Get("id").String() != "brand-new" || skipped.Length() != 1 ||
		skipped.Index(0).Get("index").Int() != 1 || !strings.HasPrefix(skipped.Index(0).Get("reason").String(), "lab:") {
		t.Fatalf("mixed file: %s", jsonString(r))
	}
	// Bad files reject and change nothing.
	before := jsonString(mustResolve(t, dst.Call("list")))
	for _, bad := range []struct{ file, code string }{
		{"not json", "invalid"},
		{`{"format":"other","version":1,"sessions":[]}`, "invalid"},
		{`{"format":"klplay-sessions","version":99,"sessions":[]}`, "out-of-range"},
		{strings.Repeat(" ", session.MaxImportSize+1), "too-large"},
	} {
		mustReject(t, dst.Call("importAll", bad.file), bad.code)
	}
	mustReject(t, dst.Call("importAll", 42), "wrong-type")
	if after := jsonString(mustResolve(t, dst.Call("list"))); after != before {
		t.Fatalf("a bad file changed the sessions:\n%s\n%s", before, after)
	}
	one := mustResolve(t, dst.Call("exportOne", "brand-new")).String()
	if got, _, err := session.ParseExport([]byte(one)); err != nil || len(got) != 1 || got[0].ID != "brand-new" {
		t.Fatalf("exportOne: %v %v", got, err)
	}
	mustReject(t, dst.Call("exportOne", "missing"), "not-found")
}

func TestSessionsCurrentAutosave(t *testing.T) {
	s, mem := newMemSessions()
	if v := mustResolve(t, s.Call("loadCurrent", "divergence")); !v.IsNull() {
		t.Fatalf("loadCurrent before any save = %s, want null", jsonString(v))
	}
	saved := mustResolve(t, s.Call("saveCurrent", "divergence", jsv(divState)))
	got := mustResolve(t, s.Call("loadCurrent", "divergence"))
	if jsonString(got) != jsonString(saved) || jsonString(got.Get("state")) != divState || got.Get("lab").String() != "divergence" {
		t.Fatalf("loadCurrent = %s, saved %s", jsonString(got), jsonString(saved))
	}
	mustReject(t, s.Call("saveCurrent", "nope", jsv(`{}`)), "unknown-name")
	mustReject(t, s.Call("saveCurrent", "divergence", jsv(`{"p":[1,2]}`)), "out-of-range")
	mustReject(t, s.Call("saveCurrent", "divergence", "x"), "wrong-type")
	mustReject(t, s.Call("loadCurrent", "nope"), "unknown-name")
	// An autosave the schema no longer accepts is ignored, not an error.
	mem.current["divergence"] = []byte(`{"lab":"divergence","state":{"gone":1},"updated":1}`)
	if v := mustResolve(t, s.Call("loadCurrent", "divergence")); !v.IsNull() {
		t.Fatalf("stale autosave = %s, want null", jsonString(v))
	}
}

func TestAsyncPanicsBecomeRejections(t *testing.T) {
	inDecode := asyncFunc("boom", func([]js.Value) (func(context.Context) (js.Value, error), error) {
		panic("decoding")
	})
	defer inDecode.Release()
	inWork := asyncFunc("boom", func([]js.Value) (func(context.Context) (js.Value, error), error) {
		return func(context.Context) (js.Value, error) { panic("working") }, nil
	})
	defer inWork.Release()
	mustReject(t, inDecode.Invoke(), "internal")
	err := mustReject(t, inWork.Invoke(), "internal")
	if !strings.Contains(err.Get("message").String(), "working") {
		t.Fatalf("message %q", err.Get("message").String())
	}
	s := newSessions(t)
	if n := mustResolve(t, s.Call("list")).Length(); n != 0 {
		t.Fatalf("after panics: list has %d", n)
	}
}

func TestSessionsConcurrentSavesAllLand(t *testing.T) {
	s, _ := newMemSessions()
	ps := make([]js.Value, 50)
	for i := range ps {
		ps[i] = s.Call("save", draft(fmt.Sprintf("n%d", i)))
	}
	for _, p := range ps {
		mustResolve(t, p)
	}
	if n := mustResolve(t, s.Call("list")).Length(); n != 50 {
		t.Fatalf("50 concurrent saves stored %d", n)
	}
}

func TestSplitJSONArray(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{`[]`, nil},
		{`[{"a":1}]`, []string{`{"a":1}`}},
		{`[{"a":[1,2],"b":"x,]}"},{"c":"\"],"},3,"s"]`, []string{`{"a":[1,2],"b":"x,]}"}`, `{"c":"\"],"}`, `3`, `"s"`}},
		{`[{"a":"\\"},{"b":2}]`, []string{`{"a":"\\"}`, `{"b":2}`}},
	} {
		got, ok := splitJSONArray([]byte(c.in))
		if !ok || len(got) != len(c.want) {
			t.Fatalf("%s: %q, %v", c.in, got, ok)
		}
		for i := range got {
			if string(got[i]) != c.want[i] {
				t.Fatalf("%s: [%d] = %s, want %s", c.in, i, got[i], c.want[i])
			}
		}
	}
	for _, bad := range []string{``, `{}`, `[{"a":1}`, `[{"a":"1]`} {
		if _, ok := splitJSONArray([]byte(bad)); ok {
			t.Errorf("%q split", bad)
		}
	}
}
