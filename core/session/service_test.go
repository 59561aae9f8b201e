package session

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/jsontext"
)

const divState = `{"p":[0.5,0.5],"q":[0.9,0.1],"unit":"bits"}`

// stuckClock is a clock that never moves: every stamp must still increase.
func stuckClock() float64 { return 1.7e12 }

// counterIDs returns an id generator giving id-1, id-2, … (safe for concurrent use).
func counterIDs() func() string {
	var n atomic.Int64
	return func() string { return fmt.Sprintf("id-%d", n.Add(1)) }
}

func newTestService(st Store) *Service {
	return NewService(st, Storage{Kind: StorageMemory, Note: "test"}, ServiceOptions{Now: stuckClock, NewID: counterIDs()})
}

func parsed(t testing.TB, text string) map[string]any {
	t.Helper()
	v, err := jsontext.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return v.(map[string]any)
}

// draft is a new divergence session as the page hands it in.
func draft(t testing.TB, name string) Session {
	t.Helper()
	s, err := DecodeDraft(map[string]any{"name": name, "lab": "divergence", "state": parsed(t, divState)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustSave(t testing.TB, s *Service, in Session) Session {
	t.Helper()
	out, err := s.Save(context.Background(), in, false)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func wantCode(t *testing.T, what string, err error, code input.Code, arg string) {
	t.Helper()
	if c, a := errCode(err); c != code || (arg != "" && a != arg) {
		t.Errorf("%s: %v (code %q, arg %q), want code %q on %q", what, err, c, a, code, arg)
	}
}

func TestStampIsMonotonic(t *testing.T) {
	for _, c := range []struct {
		clock, want []float64
	}{
		{[]float64{5, 5, 5}, []float64{5, 6, 7}},
		{[]float64{10, 3, 20}, []float64{10, 11, 20}},
		{[]float64{0, 0}, []float64{1, 2}}, // never the zero of "no time"
	} {
		i := 0
		s := NewService(NewMemStore(), InMemory("test"), ServiceOptions{Now: func() float64 { i++; return c.clock[i-1] }})
		var got []float64
		for range c.clock {
			got = append(got, s.stamp())
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("clock %v: stamps %v, want %v", c.clock, got, c.want)
		}
	}
	// Property: whatever the clock does, stamps strictly increase and never lag it.
	r := rand.New(rand.NewPCG(1, 2))
	now := 0.0
	s := NewService(NewMemStore(), InMemory("test"), ServiceOptions{Now: func() float64 { return now }})
	last := 0.0
	for range 10_000 {
		now = float64(r.IntN(1000))
		got := s.stamp()
		if got <= last || got < now {
			t.Fatalf("stamp %v after %v with the clock at %v", got, last, now)
		}
		last = got
	}
}

func TestSortNewestFirstProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		ss := make([]Session, r.IntN(30))
		for i := range ss {
			ss[i] = Session{ID: fmt.Sprintf("s%d", r.IntN(10)), Updated: float64(r.IntN(5))}
		}
		want := append([]Session(nil), ss...)
		sortNewestFirst(ss)
		for i := 1; i < len(ss); i++ {
			a, b := ss[i-1], ss[i]
			if a.Updated < b.Updated || (a.Updated == b.Updated && a.ID < b.ID) {
				t.Fatalf("out of order at %d: %+v", i, ss)
			}
		}
		key := func(x []Session) []string {
			k := make([]string, len(x))
			for i, s := range x {
				k[i] = fmt.Sprint(s.ID, s.Updated)
			}
			sort.Strings(k)
			return k
		}
		if !reflect.DeepEqual(key(ss), key(want)) {
			t.Fatalf("not a permutation: %v of %v", ss, want)
		}
	}
}

func TestServiceCreateGetUpdateRenameDelete(t *testing.T) {
	ctx := context.Background()
	s := newTestService(NewMemStore())
	a := mustSave(t, s, draft(t, "first"))
	if a.ID != "id-1" || a.Version != Version || a.Notes != "" || a.Created != stuckClock() || a.Updated != a.Created {
		t.Fatalf("created %+v", a)
	}
	got, err := s.Get(ctx, a.ID)
	if err != nil || !reflect.DeepEqual(got, a) {
		t.Fatalf("get = %+v, %v; saved %+v", got, err, a)
	}
	got.Notes = "a note\nover two lines"
	b := mustSave(t, s, got)
	if b.ID != a.ID || b.Updated <= a.Updated || b.Created != a.Created {
		t.Fatalf("update: %+v after %+v", b, a)
	}
	c, err := s.Rename(ctx, a.ID, "renamed")
	if err != nil || c.Name != "renamed" || c.Notes != b.Notes || c.Updated <= b.Updated {
		t.Fatalf("rename: %+v, %v", c, err)
	}
	_, err = s.Rename(ctx, a.ID, "  ")
	wantCode(t, "blank name", err, input.Empty, "name")
	_, err = s.Rename(ctx, "nope", "x")
	wantCode(t, "rename of a missing id", err, NotFound, "id")
	gone, err := s.Delete(ctx, a.ID)
	if want, _ := Encode(c); err != nil || string(gone) != string(want) {
		t.Fatalf("delete returned %s, %v; want %s", gone, err, want)
	}
	_, err = s.Get(ctx, a.ID)
	wantCode(t, "get after delete", err, NotFound, "id")
	_, err = s.Delete(ctx, a.ID)
	wantCode(t, "delete again", err, NotFound, "id")
	// Undo: saving the deleted session back restores it under its id.
	undo, err := Decode(gone)
	if err != nil {
		t.Fatal(err)
	}
	back := mustSave(t, s, undo)
	if back.ID != a.ID || back.Name != "renamed" || back.Created != c.Created {
		t.Fatalf("undo: %+v", back)
	}
}

func TestServiceConflictAndForce(t *testing.T) {
	ctx := context.Background()
	s := newTestService(NewMemStore())
	a := mustSave(t, s, draft(t, "shared"))
	tab1, tab2 := a, a
	tab1.Notes = "tab 1"
	mustSave(t, s, tab1) // the clock is stuck: updated moves on all the same
	tab2.Notes = "tab 2"
	_, err := s.Save(ctx, tab2, false)
	wantCode(t, "stale save", err, Conflict, "updated")
	if err == nil || !strings.Contains(err.Error(), "force") {
		t.Fatalf("conflict message does not say how to overwrite: %v", err)
	}
	if got, _ := s.Get(ctx, a.ID); got.Notes != "tab 1" {
		t.Fatalf("the conflicting save changed the session: %+v", got)
	}
	forced, err := s.Save(ctx, tab2, true)
	if err != nil || forced.Notes != "tab 2" {
		t.Fatalf("force: %+v, %v", forced, err)
	}
	// An existing id without updated is a stale copy too.
	noTime := draft(t, "shared")
	noTime.ID = a.ID
	_, err = s.Save(ctx, noTime, false)
	wantCode(t, "save without updated", err, Conflict, "updated")
	// A generated id that is taken is a conflict, not an overwrite.
	taken := NewService(NewMemStore(), InMemory("test"), ServiceOptions{Now: stuckClock, NewID: func() string { return a.ID }})
	mustSave(t, taken, draft(t, "first"))
	_, err = taken.Save(ctx, draft(t, "second"), false)
	wantCode(t, "taken new id", err, Conflict, "id")
	// An invalid session writes nothing.
	bad := a
	bad.Name = ""
	_, err = s.Save(ctx, bad, true)
	wantCode(t, "invalid", err, input.Empty, "name")
}

func TestServiceListNewestFirstAndReportsDamaged(t *testing.T) {
	ctx := context.Background()
	mem := NewMemStore()
	s := newTestService(mem)
	var ids []string
	for i := range 5 {
		ids = append(ids, mustSave(t, s, draft(t, fmt.Sprintf("s%d", i))).ID)
	}
	l, err := s.List(ctx)
	if err != nil || len(l.Sessions) != 5 || len(l.Skipped) != 0 {
		t.Fatalf("list: %+v, %v", l, err)
	}
	for i, sum := range l.Document(false).([]any) {
		e := sum.(map[string]any)
		if e["id"] != ids[4-i] {
			t.Fatalf("list[%d] = %v, want id %s (newest first)", i, e, ids[4-i])
		}
		if _, has := e["state"]; has || len(e) != 5 {
			t.Fatalf("list carries more than the summary: %v", e)
		}
	}
	// Damage the store behind the service's back, as another program might.
	mem.sessions["wrong-shape"] = []byte(`{"id":"wrong-shape","hello":1}`)
	mem.sessions["unknown-lab"] = []byte(`{"id":"unknown-lab","name":"old","lab":"gone","state":{},"notes":"","created":1,"updated":2,"version":2}`)
	mem.sessions["bad-version"] = []byte(`{"id":"bad-version","name":"future","lab":"divergence","state":{},"notes":"","created":1,"updated":2,"version":7}`)
	mem.sessions["not-object"] = []byte(`[1,2]`)
	l, err = s.List(ctx)
	if err != nil || len(l.Sessions) != 5 || len(l.Skipped) != 4 {
		t.Fatalf("list with damaged records: %d good, %d skipped, %v", len(l.Sessions), len(l.Skipped), err)
	}
	reasons := map[string]string{}
	for _, d := range l.Skipped {
		reasons[d.ID] = d.Code + ": " + d.Reason
	}
	for id, want := range map[string]string{"unknown-lab": "unknown-name", "bad-version": "out-of-range", "wrong-shape": "", "not-object": ""} {
		if got, ok := reasons[id]; !ok || !strings.HasPrefix(got, want) {
			t.Errorf("skipped[%s] = %q, want code %q", id, got, want)
		}
	}
	doc := l.Document(true).(map[string]any)
	if len(doc["sessions"].([]any)) != 5 || len(doc["skipped"].([]any)) != 4 {
		t.Fatalf("withSkipped document: %v", doc)
	}
	_, err = s.Get(ctx, "unknown-lab")
	wantCode(t, "get of a damaged record", err, Corrupt, "id")
	_, err = s.Rename(ctx, "unknown-lab", "x")
	wantCode(t, "rename of a damaged record", err, Corrupt, "id")
	if gone, err := s.Delete(ctx, "unknown-lab"); err != nil || string(gone) != string(`{"id":"unknown-lab","name":"old","lab":"gone","state":{},"notes":"","created":1,"updated":2,"version":2}`) {
		t.Fatalf("a damaged record is deleted and returned as it was: %s, %v", gone, err)
	}
	// Export leaves damaged records out and still works.
	exp, err := s.ExportAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, skips, err := ParseExport(exp)
	if err != nil || len(got) != 5 || len(skips) != 0 {
		t.Fatalf("export: %d sessions, %v, %v", len(got), skips, err)
	}
}

func TestDamagedNamesTheRecord(t *testing.T) {
	long := strings.Repeat("é", MaxNameLen+5)
	for _, c := range []struct {
		rec  Record
		want Damaged
	}{
		{Record{Doc: []byte(`{"id":42,"name":"n","version":2}`)}, Damaged{ID: "42", Name: "n", Code: "wrong-type"}},
		{Record{Doc: []byte(`{"id":"x","name":"` + long + `"}`)}, Damaged{ID: "x", Name: strings.Repeat("é", MaxNameLen), Code: "wrong-type"}},
		{Record{ID: "kept", Doc: []byte(`{"id":"other","version":2}`)}, Damaged{ID: "kept", Code: "empty"}},
		{Record{Doc: []byte(`not json`)}, Damaged{Code: "invalid"}},
		{Record{ID: "big", Err: errors.New("cannot be read as JSON: BigInt")}, Damaged{ID: "big", Code: "corrupt", Reason: "cannot be read as JSON: BigInt"}},
	} {
		mem := &fakeStore{MemStore: NewMemStore(), scan: []Record{c.rec}}
		l, err := newTestService(mem).List(context.Background())
		if err != nil || len(l.Skipped) != 1 {
			t.Fatalf("%+v: %+v, %v", c.rec, l, err)
		}
		got := l.Skipped[0]
		if c.want.Reason == "" {
			got.Reason = ""
		}
		if got != c.want {
			t.Errorf("%s: %+v, want %+v", c.rec.Doc, got, c.want)
		}
	}
	d := Damaged{ID: "a", Code: "corrupt", Reason: "r"}
	if doc := d.Document(); len(doc) != 3 {
		t.Errorf("a damaged record without a name: %v", doc)
	}
}

func TestDecodeCache(t *testing.T) {
	ctx := context.Background()
	mem := NewMemStore()
	s := newTestService(mem)
	a := mustSave(t, s, draft(t, "cached"))
	key, _ := Encode(a)
	if _, ok := s.cache[string(key)]; !ok || len(s.cache) != 1 {
		t.Fatalf("a save is not remembered under its encoding: %v", s.cache)
	}
	// A list answers from the cache: a poisoned entry shows through.
	poisoned := a
	poisoned.Name = "from the cache"
	s.cache[string(key)] = decoded{sess: poisoned}
	if l, _ := s.List(ctx); l.Sessions[0].Name != "from the cache" {
		t.Fatalf("list decoded again: %+v", l.Sessions[0])
	}
	// Another program changes the record: its text differs, so it is decoded again.
	mem.sessions[a.ID] = []byte(strings.Replace(string(key), `"cached"`, `"changed"`, 1))
	if l, _ := s.List(ctx); l.Sessions[0].Name != "changed" || len(s.cache) != 1 {
		t.Fatalf("a changed record: %+v, cache %d", l.Sessions[0], len(s.cache))
	}
	// Damaged records are cached too, and forgotten once gone.
	mem.sessions["bad"] = []byte(`{"id":"bad"}`)
	if l, _ := s.List(ctx); len(l.Skipped) != 1 || len(s.cache) != 2 {
		t.Fatalf("damaged: %+v, cache %d", l, len(s.cache))
	}
	delete(mem.sessions, "bad")
	if _, err := s.Delete(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.List(ctx); len(l.Sessions) != 0 || len(s.cache) != 0 {
		t.Fatalf("after deleting everything: %+v, cache %d", l, len(s.cache))
	}

	// A store that gives documents back in other text says which.
	canon := &fakeStore{MemStore: NewMemStore(), canonical: func(b []byte) []byte { return append([]byte("canon:"), b...) }}
	s = newTestService(canon)
	a = mustSave(t, s, draft(t, "x"))
	key, _ = Encode(a)
	if _, ok := s.cache["canon:"+string(key)]; !ok || len(s.cache) != 1 {
		t.Fatalf("not remembered under the store's text: %v", s.cache)
	}
	canon.canonical = func([]byte) []byte { return nil }
	mustSave(t, s, draft(t, "y"))
	if len(s.cache) != 1 {
		t.Fatalf("remembered a session the store could not name: %d", len(s.cache))
	}
}

func TestServiceExportImport(t *testing.T) {
	ctx := context.Background()
	src := newTestService(NewMemStore())
	for i := range 3 {
		d := draft(t, fmt.Sprintf("s%d", i))
		d.Notes = fmt.Sprintf("note %d <script>alert(1)</script>", i)
		mustSave(t, src, d)
	}
	file, err := src.ExportAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := src.List(ctx)

	dst := NewService(NewMemStore(), InMemory("test"), ServiceOptions{Now: stuckClock, NewID: func() string { return "new-id" }})
	r, err := dst.Import(ctx, file)
	if err != nil || len(r.Added) != 3 || len(r.Skipped) != 0 {
		t.Fatalf("import: %+v, %v", r, err)
	}
	if got, _ := dst.List(ctx); !reflect.DeepEqual(got.Document(false), want.Document(false)) {
		t.Fatalf("after import: %v, want %v", got.Document(false), want.Document(false))
	}
	for _, ss := range want.Sessions {
		if a, b := ss, must(dst.Get(ctx, ss.ID)); !reflect.DeepEqual(a, b) {
			t.Fatalf("imported %+v, exported %+v", b, a)
		}
	}
	// The same file again: everything is already there.
	r, err = dst.Import(ctx, file)
	if err != nil || len(r.Added) != 0 || len(r.Skipped) != 3 || !strings.Contains(r.Skipped[0].Reason, "already there") {
		t.Fatalf("re-import: %+v, %v", r, err)
	}
	// Same id, other content: kept side by side under a new id.
	id0 := want.Sessions[0].ID
	if _, err := dst.Rename(ctx, id0, "changed here"); err != nil {
		t.Fatal(err)
	}
	r, err = dst.Import(ctx, file)
	if err != nil || len(r.Added) != 1 || r.Added[0].OriginalID != id0 || r.Added[0].ID == id0 {
		t.Fatalf("same id, other content: %+v, %v", r, err)
	}
	if doc := r.Document()["added"].([]any)[0].(map[string]any); doc["originalId"] != id0 || doc["id"] != "new-id" {
		t.Fatalf("added document: %v", doc)
	}
	if l, _ := dst.List(ctx); len(l.Sessions) != 4 {
		t.Fatalf("after side-by-side import: %d sessions, want 4", len(l.Sessions))
	}
	// One bad session in a good file is skipped with its position in the file.
	e := parsed(t, string(file))
	ss := e["sessions"].([]any)
	ss[1].(map[string]any)["lab"] = "nope"
	ss[2].(map[string]any)["id"] = "brand-new"
	mixed, _ := jsontext.Marshal(e)
	dst.newID = func() string { return "newer-id" }
	r, err = dst.Import(ctx, mixed)
	// File order: [0] differs from the stored id0 (renamed here) and is added
	// under a new id again, [1] has an unknown lab, [2] is new.
	if err != nil || len(r.Added) != 2 || r.Added[1].ID != "brand-new" || len(r.Skipped) != 1 ||
		r.Skipped[0].Index != 1 || !strings.HasPrefix(r.Skipped[0].Reason, "lab:") {
		t.Fatalf("mixed file: %+v, %v", r, err)
	}
	if doc := r.Document()["skipped"].([]any)[0].(map[string]any); doc["index"] != 1 || doc["id"] == nil || doc["name"] == nil {
		t.Fatalf("skipped document: %v", doc)
	}
	// Bad files fail and change nothing.
	before, _ := dst.List(ctx)
	for _, bad := range []struct {
		file string
		code input.Code
	}{
		{"not json", input.Invalid},
		{`{"format":"other","version":1,"sessions":[]}`, input.Invalid},
		{`{"format":"klplay-sessions","version":99,"sessions":[]}`, input.OutOfRange},
		{strings.Repeat(" ", MaxImportSize+1), input.TooLarge},
	} {
		_, err := dst.Import(ctx, []byte(bad.file))
		wantCode(t, "bad file", err, bad.code, "file")
	}
	if after, _ := dst.List(ctx); !reflect.DeepEqual(after, before) {
		t.Fatalf("a bad file changed the sessions:\n%+v\n%+v", before, after)
	}
	one, err := dst.ExportOne(ctx, "brand-new")
	if got, _, perr := ParseExport(one); err != nil || perr != nil || len(got) != 1 || got[0].ID != "brand-new" {
		t.Fatalf("exportOne: %v %v %v", got, err, perr)
	}
	_, err = dst.ExportOne(ctx, "missing")
	wantCode(t, "exportOne of a missing id", err, NotFound, "id")
}

func must(s Session, err error) Session {
	if err != nil {
		panic(err)
	}
	return s
}

func TestImportPlansAgainWhenAnotherTabAddsTheSameIDs(t *testing.T) {
	ctx := context.Background()
	src := newTestService(NewMemStore())
	mustSave(t, src, draft(t, "a"))
	mustSave(t, src, draft(t, "b"))
	file, _ := src.ExportAll(ctx)
	boom := errors.New("disk full")
	for _, c := range []struct {
		name    string
		fails   []error // what AddAll returns, call by call, before it works
		writes  int
		added   int
		code    input.Code
		wantErr error
	}{
		{"first write works", nil, 1, 2, "", nil},
		{"taken once, then added", []error{ErrTaken}, 2, 2, "", nil},
		{"taken twice, then added", []error{ErrTaken, ErrTaken}, 3, 2, "", nil},
		{"taken every time", []error{ErrTaken, ErrTaken, ErrTaken}, importAttempts, 0, Conflict, nil},
		{"the storage fails", []error{boom}, 1, 0, "", boom},
	} {
		st := &fakeStore{MemStore: NewMemStore(), addAll: c.fails}
		s := newTestService(st)
		r, err := s.Import(ctx, file)
		switch {
		case c.code != "":
			wantCode(t, c.name, err, c.code, "file")
		case c.wantErr != nil:
			if !errors.Is(err, c.wantErr) {
				t.Errorf("%s: %v, want %v", c.name, err, c.wantErr)
			}
		case err != nil || len(r.Added) != c.added:
			t.Errorf("%s: %+v, %v", c.name, r, err)
		}
		if l, _ := s.List(ctx); c.added != len(l.Sessions) {
			t.Errorf("%s: %d stored, want %d", c.name, len(l.Sessions), c.added)
		}
		if st.addAllCalls != c.writes {
			t.Errorf("%s: %d writes, want %d", c.name, st.addAllCalls, c.writes)
		}
	}
}

func TestStoreFailuresPassThrough(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("boom")
	st := &fakeStore{MemStore: NewMemStore(), err: boom}
	s := newTestService(st)
	lab, _ := LookupLab("divergence")
	errs := map[string]error{}
	_, errs["list"] = s.List(ctx)
	_, errs["get"] = s.Get(ctx, "x")
	_, errs["save"] = s.Save(ctx, draft(t, "x"), false)
	_, errs["rename"] = s.Rename(ctx, "x", "y")
	_, errs["delete"] = s.Delete(ctx, "x")
	_, errs["exportAll"] = s.ExportAll(ctx)
	_, errs["exportOne"] = s.ExportOne(ctx, "x")
	_, errs["import"] = s.Import(ctx, []byte(`{"format":"klplay-sessions","version":1,"sessions":[]}`))
	_, errs["saveCurrent"] = s.SaveCurrent(ctx, lab, parsed(t, divState))
	_, errs["loadCurrent"] = s.LoadCurrent(ctx, lab)
	for name, err := range errs {
		if !errors.Is(err, boom) {
			t.Errorf("%s: %v, want the store's error", name, err)
		}
	}
}

func TestFallbackToMemory(t *testing.T) {
	ctx := context.Background()
	reason := "SecurityError: The operation is insecure."
	var changes []Storage
	st := &fakeStore{MemStore: NewMemStore(), err: &UnavailableError{Reason: reason}}
	s := NewService(st, Storage{Kind: "indexeddb"}, ServiceOptions{Now: stuckClock, NewID: counterIDs(), Changed: func(w Storage) { changes = append(changes, w) }})
	if got := s.Ready(ctx); got.Kind != "indexeddb" || got.Note != "" {
		t.Fatalf("before any call: %+v", got)
	}
	a := mustSave(t, s, draft(t, "kept in memory"))
	want := InMemory(reason)
	if s.Storage() != want || len(changes) != 1 || changes[0] != want {
		t.Fatalf("storage %+v, changes %+v; want %+v once", s.Storage(), changes, want)
	}
	if !strings.Contains(want.Note, "(SecurityError: The operation is insecure)") || !strings.Contains(want.Note, "until the tab closes") {
		t.Fatalf("note %q", want.Note)
	}
	if got, err := s.Get(ctx, a.ID); err != nil || got.ID != a.ID {
		t.Fatalf("after the fallback: %+v, %v", got, err)
	}
	// A later failure of the store given up on changes nothing.
	s.fallback(st, "again")
	if len(changes) != 1 || s.Storage() != want {
		t.Fatalf("a second fallback: %+v", changes)
	}
	if (&UnavailableError{Reason: "r"}).Error() != "the storage is unavailable: r" {
		t.Error("UnavailableError text")
	}
}

func TestSettleDecidesTheStorageBeforeReady(t *testing.T) {
	for _, c := range []struct {
		name    string
		settle  error
		changed bool
	}{
		{"usable", nil, false},
		{"refused", &UnavailableError{Reason: "SecurityError"}, true},
		{"slow or failing, but not refused", errors.New("blocked"), false},
	} {
		release := make(chan struct{})
		changed := make(chan Storage, 1)
		s := NewService(NewMemStore(), Storage{Kind: "indexeddb"}, ServiceOptions{Now: stuckClock, NewID: counterIDs(),
			Settle:  func(context.Context) error { <-release; return c.settle },
			Changed: func(w Storage) { changed <- w },
		})
		// Ready gives up with its context, telling what is known so far.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if got := s.Ready(ctx); got.Kind != "indexeddb" {
			t.Errorf("%s: Ready before settling = %+v", c.name, got)
		}
		close(release)
		got := s.Ready(context.Background())
		if want := c.changed; (got.Kind == StorageMemory) != want || (len(changed) == 1) != want {
			t.Errorf("%s: storage %+v after settling", c.name, got)
		}
	}
}

func TestConcurrentSavesAllLand(t *testing.T) {
	s := newTestService(NewMemStore())
	var wg sync.WaitGroup
	stamps := make([]float64, 50)
	for i := range stamps {
		wg.Go(func() {
			stamps[i] = mustSave(t, s, draft(t, fmt.Sprintf("n%d", i))).Updated
		})
	}
	wg.Wait()
	l, err := s.List(context.Background())
	if err != nil || len(l.Sessions) != 50 {
		t.Fatalf("50 concurrent saves stored %d (%v)", len(l.Sessions), err)
	}
	seen := map[float64]bool{}
	for _, u := range stamps {
		if seen[u] {
			t.Fatalf("two saves stamped %v", u)
		}
		seen[u] = true
	}
}

func TestDecodeDraft(t *testing.T) {
	good := func() map[string]any {
		return map[string]any{"name": "x", "lab": "divergence", "state": parsed(t, divState)}
	}
	for _, c := range []struct {
		name   string
		mutate func(map[string]any)
		id     string
		code   input.Code
		arg    string
	}{
		{"new, no id", func(map[string]any) {}, "", "", ""},
		{"new, null id", func(d map[string]any) { d["id"] = nil }, "", "", ""},
		{"new, empty id", func(d map[string]any) { d["id"] = "" }, "", "", ""},
		{"existing", func(d map[string]any) { d["id"] = "abc"; d["updated"] = 5.0; d["created"] = 1.0 }, "abc", "", ""},
		{"null notes", func(d map[string]any) { d["notes"] = nil }, "", "", ""},
		{"bad id", func(d map[string]any) { d["id"] = "a b" }, "", input.Invalid, "id"},
		{"id not a string", func(d map[string]any) { d["id"] = 3.0 }, "", input.WrongType, "id"},
		{"no name", func(d map[string]any) { delete(d, "name") }, "", input.Empty, "name"},
		{"unknown field", func(d map[string]any) { d["extra"] = 1.0 }, "", input.Invalid, "extra"},
		{"newer version", func(d map[string]any) { d["version"] = 9.0 }, "", input.OutOfRange, "version"},
	} {
		doc := good()
		c.mutate(doc)
		before := fmt.Sprint(doc)
		s, err := DecodeDraft(doc)
		if fmt.Sprint(doc) != before {
			t.Errorf("%s: the document was modified", c.name)
		}
		if c.code != "" {
			wantCode(t, c.name, err, c.code, c.arg)
			continue
		}
		if err != nil || s.ID != c.id || s.Version != Version || s.Notes != "" {
			t.Errorf("%s: %+v, %v", c.name, s, err)
		}
	}
}

// fakeStore is a MemStore with failures to order: err from every call, the
// errors of AddAll call by call, records Scan returns instead of its own, and
// a Canonical.
type fakeStore struct {
	*MemStore
	err         error
	addAll      []error
	addAllCalls int
	scan        []Record
	canonical   func([]byte) []byte
}

func (f *fakeStore) Scan(ctx context.Context) ([]Record, error) {
	if f.err != nil {
		return nil, f.err
	}
	if f.scan != nil {
		return f.scan, nil
	}
	return f.MemStore.Scan(ctx)
}

func (f *fakeStore) Read(ctx context.Context, id string) ([]byte, error) {
	if f.err != nil {
		return nil, f.err
	}
	return f.MemStore.Read(ctx, id)
}

func (f *fakeStore) Update(ctx context.Context, id string, fn func([]byte) ([]byte, error)) error {
	if f.err != nil {
		return f.err
	}
	return f.MemStore.Update(ctx, id, fn)
}

func (f *fakeStore) AddAll(ctx context.Context, recs []Record) error {
	f.addAllCalls++
	if f.err != nil {
		return f.err
	}
	if len(f.addAll) > 0 {
		err := f.addAll[0]
		f.addAll = f.addAll[1:]
		return err
	}
	return f.MemStore.AddAll(ctx, recs)
}

func (f *fakeStore) PutCurrent(ctx context.Context, lab string, doc []byte) error {
	if f.err != nil {
		return f.err
	}
	return f.MemStore.PutCurrent(ctx, lab, doc)
}

func (f *fakeStore) GetCurrent(ctx context.Context, lab string) ([]byte, error) {
	if f.err != nil {
		return nil, f.err
	}
	return f.MemStore.GetCurrent(ctx, lab)
}

func (f *fakeStore) Canonical(doc []byte) []byte {
	if f.canonical == nil {
		return doc
	}
	return f.canonical(doc)
}
