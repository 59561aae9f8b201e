//go:build js && wasm

package main

// The sessions API under Node: Node has no indexedDB, so these also prove the
// fallback, and they drive core/session's service through the same JavaScript
// functions the page calls: arguments in, results and errors out. The policy
// itself is tested natively in core/session; the IndexedDB store in Chromium
// (e2e/browser/store.test.mjs).

import (
	"context"
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

func apiSessions() js.Value { return newAPI().Get("sessions") }

// newMemSessions is klplay.sessions over a memory store the test can reach into.
func newMemSessions() (js.Value, *session.MemStore) {
	m := session.NewMemStore()
	return newSessions(m, session.Storage{Kind: session.StorageMemory, Note: "test"}, nil), m
}

const divState = `{"p":[0.5,0.5],"q":[0.9,0.1],"unit":"bits"}`

func draft(name string) js.Value {
	return jsv(`{"name":` + fmt.Sprintf("%q", name) + `,"lab":"divergence","state":` + divState + `}`)
}

func TestSessionsFallBackToMemoryUnderNode(t *testing.T) {
	s := apiSessions()
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
	s := apiSessions()
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

func TestSessionsRejectBadInputWithoutStoring(t *testing.T) {
	s := apiSessions()
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
	s := apiSessions()
	if n := mustResolve(t, s.Call("list")).Length(); n != 0 {
		t.Fatalf("after panics: list has %d", n)
	}
}

// TestSessionsOptionsResultsAndFilesCrossJS drives what the moved policy tests
// cover natively through JavaScript: the options, the shapes of the results and
// the export file as a string.
func TestSessionsOptionsResultsAndFilesCrossJS(t *testing.T) {
	s, mem := newMemSessions()
	if s.Get("storage").String() != "memory" || s.Get("storageNote").String() != "test" {
		t.Fatalf("storage %s, note %s", s.Get("storage").String(), s.Get("storageNote").String())
	}
	a := mustResolve(t, s.Call("save", draft("shared")))
	stale := jsv(jsonString(a))
	a.Set("notes", "newer")
	mustResolve(t, s.Call("save", a))
	stale.Set("notes", "stale")
	mustReject(t, s.Call("save", stale), "conflict")
	if got := mustResolve(t, s.Call("save", stale, jsv(`{"force":true}`))); got.Get("notes").String() != "stale" {
		t.Fatalf("force: %s", jsonString(got))
	}

	ctx := context.Background()
	damage := func(id, doc string) {
		if err := mem.Update(ctx, id, func([]byte) ([]byte, error) { return []byte(doc), nil }); err != nil {
			t.Fatal(err)
		}
	}
	damage("unknown-lab", `{"id":"unknown-lab","name":"old","lab":"gone","state":{},"notes":"","created":1,"updated":2,"version":2}`)
	if n := mustResolve(t, s.Call("list")).Length(); n != 1 {
		t.Fatalf("list has %d entries, want the good one", n)
	}
	r := mustResolve(t, s.Call("list", jsv(`{"withSkipped":true}`)))
	want := `{"sessions":[{"created":%s,"id":"%s","lab":"divergence","name":"shared","updated":%s}],"skipped":[{"code":"unknown-name","id":"unknown-lab","name":"old","reason":"lab: is \"gone\", which is not a lab of this playground"}]}`
	top := r.Get("sessions").Index(0)
	if got := jsonString(r); got != fmt.Sprintf(want, jsonString(top.Get("created")), a.Get("id").String(), jsonString(top.Get("updated"))) {
		t.Fatalf("withSkipped: %s", got)
	}
	mustReject(t, s.Call("list", jsv(`{"withSkipped":1}`)), "wrong-type")
	mustReject(t, s.Call("get", "unknown-lab"), "corrupt")
	if gone := mustResolve(t, s.Call("delete", "unknown-lab")); gone.Get("lab").String() != "gone" {
		t.Fatalf("delete of a damaged record resolved to %s", jsonString(gone))
	}

	file := mustResolve(t, s.Call("exportAll"))
	if file.Type() != js.TypeString {
		t.Fatalf("exportAll resolved to %s, not a string", jsonString(file))
	}
	again := mustResolve(t, s.Call("importAll", file))
	if sk := again.Get("skipped"); again.Get("added").Length() != 0 || sk.Length() != 1 || sk.Index(0).Get("index").Int() != 0 || !strings.Contains(sk.Index(0).Get("reason").String(), "already there") {
		t.Fatalf("re-import: %s", jsonString(again))
	}
	mustResolve(t, s.Call("rename", a.Get("id"), "changed here"))
	imp := mustResolve(t, s.Call("importAll", file))
	if imp.Get("added").Length() != 1 || imp.Get("added").Index(0).Get("originalId").String() != a.Get("id").String() || imp.Get("skipped").Length() != 0 {
		t.Fatalf("import: %s", jsonString(imp))
	}
	mustReject(t, s.Call("importAll", strings.Repeat(" ", session.MaxImportSize+1)), "too-large")
	mustReject(t, s.Call("importAll", "not json"), "invalid")
	mustReject(t, s.Call("importAll", 42), "wrong-type")
	one := mustResolve(t, s.Call("exportOne", a.Get("id"))).String()
	if got, _, err := session.ParseExport([]byte(one)); err != nil || len(got) != 1 || got[0].ID != a.Get("id").String() {
		t.Fatalf("exportOne: %v %v", got, err)
	}
	mustReject(t, s.Call("exportOne", "missing"), "not-found")

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
}
