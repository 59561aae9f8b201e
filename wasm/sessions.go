//go:build js && wasm

package main

// klplay.sessions: the reader's saved sessions, in IndexedDB where the browser
// allows it and in memory otherwise. Every function returns a Promise.
//
//	list(opts?)            → Summary[] newest first ({id, name, lab, created, updated});
//	                         with opts.withSkipped: {sessions: Summary[], skipped: Corrupt[]}
//	                         where Corrupt is {id, name?, code, reason}: stored records
//	                         that cannot be read (wrong shape, unknown lab, bad version)
//	get(id)                → Session {id, name, lab, state, notes, created, updated, version}
//	save(session, opts?)   → the stored Session. Without an id it creates one (new id,
//	                         created = updated = Date.now()); with an id it updates: a
//	                         session whose `updated` is older than the stored one's is
//	                         refused with code "conflict" unless opts.force.
//	rename(id, name)       → the renamed Session
//	delete(id)             → the deleted Session (save it back to undo)
//	exportAll()            → the export file (a JSON string) of every readable session
//	exportOne(id)          → the export file of one session
//	importAll(json)        → {added: Summary[] (with originalId when it was given a new
//	                         id), skipped: [{index, id, name, reason}]}; a file that is
//	                         not an export rejects and changes nothing
//	saveCurrent(lab, state) → {lab, state, updated}: the autosaved state of one lab
//	loadCurrent(lab)       → {lab, state, updated}, or null when there is none
//	ready()                → {storage, storageNote} once the storage is known
//	storage                "indexeddb" or "memory"; storageNote says why memory
//
// Rejections are Errors named "KlplayError" with code and arg: not-found,
// conflict, corrupt, storage, blocked, or an input code (wrong-type, invalid,
// too-large, empty, unknown-name, out-of-range, …) for a bad argument.

import (
	"context"
	"encoding/base64"
	"errors"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall/js"
	"time"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/jsontext"
	"github.com/klplayground/klplay/core/session"
)

// record is one stored session as JSON, as the store holds it. err is set when
// the stored value could not even be turned into JSON.
type record struct {
	id  string
	doc []byte
	err error
}

// backend is a place sessions are kept. Each method is one transaction: it
// changes everything it was asked to, or nothing. Records are JSON documents;
// decoding and validating them is the service's job, so both backends apply
// the same rules.
type backend interface {
	// scan returns every stored session record.
	scan(ctx context.Context) ([]record, error)
	// read returns the record stored under id, or nil when there is none.
	read(ctx context.Context, id string) ([]byte, error)
	// update reads the record under id and calls fn with it (nil when there is
	// none); fn returns the document to store, or nil to delete the record. fn runs
	// inside the transaction: it must not wait for anything.
	update(ctx context.Context, id string, fn func(old []byte) ([]byte, error)) error
	// addAll adds records under new ids, all or none: an id already taken
	// fails the whole call with errTaken.
	addAll(ctx context.Context, recs []record) error
	// putCurrent and getCurrent keep one autosaved document per lab.
	putCurrent(ctx context.Context, lab string, doc []byte) error
	getCurrent(ctx context.Context, lab string) ([]byte, error)
}

// errTaken is returned by addAll when an id is already stored (another tab
// added it between the plan and the write).
var errTaken = errors.New("an id is already taken")

// errUnavailable wraps the reason IndexedDB cannot be used at all here; the
// service then falls back to memory.
type errUnavailable struct{ reason string }

func (e *errUnavailable) Error() string { return "IndexedDB is unavailable: " + e.reason }

const (
	storageIndexedDB = "indexeddb"
	storageMemory    = "memory"
)

// sessions is the service behind klplay.sessions.
type sessions struct {
	mu      sync.Mutex // guards be, storage and note; never held while waiting
	be      backend
	storage string
	note    string
	known   chan struct{} // closed once the storage kind is settled
	obj     js.Value      // the JavaScript object, whose storage fields follow ours

	now   func() float64 // Date.now
	newID func() string

	clock sync.Mutex // guards last; held only for an instant, never while waiting
	last  float64

	cacheMu sync.Mutex         // guards cache; never held while waiting
	cache   map[string]decoded // by the stored JSON
}

// stamp is the time a write records: Date.now(), moved just past the last stamp
// of this page when two writes fall in the same millisecond, so that newest
// first is the order of saving.
func (s *sessions) stamp() float64 {
	s.clock.Lock()
	defer s.clock.Unlock()
	t := s.now()
	if t <= s.last {
		t = s.last + 1
	}
	s.last = t
	return t
}

// sessionsAPI builds klplay.sessions. It chooses IndexedDB when the global
// exists and can be opened, and memory otherwise (Node, sandboxed iframes,
// privacy modes).
func sessionsAPI() js.Value {
	db, reason := openIndexedDB()
	if db == nil {
		return newSessionService(newMemStore(), storageMemory, memoryNote(reason), nil).obj
	}
	return newSessionService(db, storageIndexedDB, "", db.settle).obj
}

// newSessionService builds the service over be. settle, when given, waits for
// the trial open of IndexedDB: if the browser refuses it (a SecurityError in an
// opaque origin, a privacy mode), the service falls back to memory at once, so
// that storage tells the truth. A slow open (another tab) keeps IndexedDB.
func newSessionService(be backend, storage, note string, settle func(context.Context) error) *sessions {
	s := &sessions{be: be, storage: storage, note: note, known: make(chan struct{}), now: dateNow, newID: randomID, cache: map[string]decoded{}}
	s.obj = jsObject.New()
	if settle == nil {
		close(s.known)
	} else {
		go func() {
			var ue *errUnavailable
			if err := settle(context.Background()); errors.As(err, &ue) {
				s.fallback(be, ue.reason)
			}
			close(s.known)
		}()
	}
	s.publish()
	s.install()
	return s
}

func memoryNote(reason string) string {
	return "IndexedDB is unavailable in this context (" + strings.TrimSuffix(reason, ".") + "): sessions last until the tab closes; export them to keep them"
}

// fallback switches from the IndexedDB backend from to memory, once.
func (s *sessions) fallback(from backend, reason string) {
	s.mu.Lock()
	if s.be == from {
		s.be, s.storage, s.note = newMemStore(), storageMemory, memoryNote(reason)
	}
	s.mu.Unlock()
	s.publish()
}

func (s *sessions) publish() {
	s.mu.Lock()
	storage, note := s.storage, s.note
	s.mu.Unlock()
	s.obj.Set("storage", storage)
	s.obj.Set("storageNote", note)
}

// run calls op on the current backend; when IndexedDB turns out to be
// unavailable it falls back to memory and runs op there.
func (s *sessions) run(ctx context.Context, op func(backend) error) error {
	s.mu.Lock()
	be := s.be
	s.mu.Unlock()
	err := op(be)
	var ue *errUnavailable
	if errors.As(err, &ue) {
		s.fallback(be, ue.reason)
		s.mu.Lock()
		be = s.be
		s.mu.Unlock()
		return op(be)
	}
	return err
}

func (s *sessions) install() {
	set := func(name string, h asyncHandler) {
		s.obj.Set(name, asyncFunc("sessions."+name, h))
	}
	set("list", s.list)
	set("get", s.get)
	set("save", s.save)
	set("rename", s.rename)
	set("delete", s.delete)
	set("exportAll", s.exportAll)
	set("exportOne", s.exportOne)
	set("importAll", s.importAll)
	set("saveCurrent", s.saveCurrent)
	set("loadCurrent", s.loadCurrent)
	set("ready", s.ready)
}

// ready resolves to {storage, storageNote} once the first open has settled (or
// after a few seconds, when another tab is holding the database).
func (s *sessions) ready([]js.Value) (func(context.Context) (js.Value, error), error) {
	return func(ctx context.Context) (js.Value, error) {
		select {
		case <-s.known:
		case <-time.After(openTimeout):
		case <-ctx.Done():
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		return js.ValueOf(map[string]any{"storage": s.storage, "storageNote": s.note}), nil
	}, nil
}

// Corrupt is a stored record that list skipped, and why.
type Corrupt struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// decoded is what one stored document decoded to: a session, or why not.
type decoded struct {
	sess session.Session
	bad  *Corrupt
}

// decode decodes a stored record, remembering the answer for as long as a
// record with the same JSON is stored. Decoding and validating costs about
// 130 µs a session in wasm (encoding/json); with the cache a list decodes only
// what changed since the last one, and a record changed by another tab or
// program is decoded again because its JSON differs. next collects the entries
// still in use. Callers must not modify the State of a session from here.
func (s *sessions) decode(r record, next map[string]decoded) (session.Session, *Corrupt) {
	if r.err != nil {
		return session.Session{}, &Corrupt{ID: r.id, Code: string(codeCorrupt), Reason: r.err.Error()}
	}
	key := string(r.doc)
	s.cacheMu.Lock()
	d, ok := s.cache[key]
	s.cacheMu.Unlock()
	if !ok {
		ss, err := session.Decode(r.doc)
		if err != nil {
			c := corrupt(r.id, r.doc, err)
			d.bad = &c
		} else {
			d.sess = ss
		}
	}
	next[key] = d
	return d.sess, d.bad
}

// remember puts a session just written into the decode cache, under the JSON
// the browser will give back for it (JSON.stringify of the stored object), so
// that the next list need not decode it. A key that does not match what is
// later read only costs a decode.
func (s *sessions) remember(ss session.Session) {
	b, err := session.Encode(ss)
	if err != nil {
		return
	}
	key, err := toJSON(parseJSON(b))
	if err != nil || key == nil {
		return
	}
	s.cacheMu.Lock()
	s.cache[string(key)] = decoded{sess: ss}
	s.cacheMu.Unlock()
}

// readAll decodes every stored record: the readable sessions newest first, and
// the others with their reasons.
func (s *sessions) readAll(ctx context.Context) ([]session.Session, []Corrupt, error) {
	var recs []record
	err := s.run(ctx, func(be backend) (err error) {
		recs, err = be.scan(ctx)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	good := make([]session.Session, 0, len(recs))
	var bad []Corrupt
	next := make(map[string]decoded, len(recs))
	for _, r := range recs {
		ss, c := s.decode(r, next)
		if c != nil {
			bad = append(bad, *c)
			continue
		}
		good = append(good, ss)
	}
	s.cacheMu.Lock()
	s.cache = next // what is no longer stored is forgotten
	s.cacheMu.Unlock()
	sort.SliceStable(good, func(i, j int) bool {
		if good[i].Updated != good[j].Updated {
			return good[i].Updated > good[j].Updated
		}
		return good[i].ID > good[j].ID
	})
	return good, bad, nil
}

func corrupt(id string, doc []byte, err error) Corrupt {
	c := Corrupt{ID: id, Code: string(codeCorrupt), Reason: err.Error()}
	var ie *input.Error
	if errors.As(err, &ie) {
		c.Code = string(ie.Code)
	}
	if peek, ok := parseDoc(doc); ok {
		if c.ID == "" {
			switch k := peek["id"].(type) {
			case string:
				c.ID = k
			case float64:
				c.ID = strconv.FormatFloat(k, 'g', -1, 64)
			}
		}
		c.Name, _ = peek["name"].(string)
		if len([]rune(c.Name)) > session.MaxNameLen {
			c.Name = string([]rune(c.Name)[:session.MaxNameLen])
		}
	}
	return c
}

func (s *sessions) list(args []js.Value) (func(context.Context) (js.Value, error), error) {
	o, err := decodeOptions(arg(args, 0))
	if err != nil {
		return nil, err
	}
	withSkipped, err := o.boolean("withSkipped")
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (js.Value, error) {
		good, bad, err := s.readAll(ctx)
		if err != nil {
			return js.Value{}, err
		}
		sums := make([]any, len(good))
		for i := range good {
			sums[i] = summaryDoc(good[i].Summarize())
		}
		if !withSkipped {
			return jsValue(sums)
		}
		skipped := make([]any, len(bad))
		for i, c := range bad {
			skipped[i] = c.doc()
		}
		return jsValue(map[string]any{"sessions": sums, "skipped": skipped})
	}, nil
}

// jsValue converts a generic value to a plain JavaScript object with its keys
// in sorted order, the same for every call.
func jsValue(v any) (js.Value, error) {
	b, err := jsontext.Marshal(v)
	if err != nil {
		return js.Value{}, err
	}
	return parseJSON(b), nil
}

// parseDoc reads a stored JSON record as a generic object.
func parseDoc(doc []byte) (map[string]any, bool) {
	v, err := jsontext.Parse(doc)
	m, ok := v.(map[string]any)
	return m, err == nil && ok
}

func summaryDoc(s session.Summary) map[string]any {
	return map[string]any{"id": s.ID, "name": s.Name, "lab": s.Lab, "created": s.Created, "updated": s.Updated}
}

func (c Corrupt) doc() map[string]any {
	m := map[string]any{"id": c.ID, "code": c.Code, "reason": c.Reason}
	if c.Name != "" {
		m["name"] = c.Name
	}
	return m
}

func skipDoc(sk session.Skip) map[string]any {
	m := map[string]any{"index": sk.Index, "reason": sk.Reason}
	if sk.ID != "" {
		m["id"] = sk.ID
	}
	if sk.Name != "" {
		m["name"] = sk.Name
	}
	return m
}

// sessionValue is the stored form of s as a plain object: JSON.parse of its
// encoding, so what the page gets back round-trips exactly.
func sessionValue(s session.Session) (js.Value, error) {
	b, err := session.Encode(s)
	if err != nil {
		return js.Value{}, err
	}
	return parseJSON(b), nil
}

func idArg(args []js.Value, i int) (string, error) {
	id, err := str("id", arg(args, i))
	if err != nil {
		return "", err
	}
	if id == "" || len(id) > session.MaxIDLen {
		return "", input.Errorf(input.Invalid, "id", "must be 1 to %d characters", session.MaxIDLen)
	}
	return id, nil
}

func notFound(id string) error {
	return input.Errorf(codeNotFound, "id", "no session has the id %q", id)
}

func damaged(id string, err error) error {
	return input.Errorf(codeCorrupt, "id", "the stored session %q is damaged and cannot be opened (%v); it can only be deleted", id, err)
}

func (s *sessions) get(args []js.Value) (func(context.Context) (js.Value, error), error) {
	id, err := idArg(args, 0)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (js.Value, error) {
		var doc []byte
		err := s.run(ctx, func(be backend) (err error) {
			doc, err = be.read(ctx, id)
			return err
		})
		if err != nil {
			return js.Value{}, err
		}
		if doc == nil {
			return js.Value{}, notFound(id)
		}
		ss, err := session.Decode(doc)
		if err != nil {
			return js.Value{}, damaged(id, err)
		}
		return sessionValue(ss)
	}, nil
}

// decodeSession reads a session given by the page: defaults for what a new
// session may leave out (id, notes, times, version), then core's validation.
func decodeSession(v js.Value) (session.Session, bool, error) {
	doc, err := object("session", v)
	if err != nil {
		return session.Session{}, false, err
	}
	fresh := false
	if id, ok := doc["id"]; !ok || id == nil || id == "" {
		doc["id"], fresh = "new", true // replaced by a random id at save
	}
	for k, def := range map[string]any{"notes": "", "created": 0.0, "updated": 0.0, "version": float64(session.Version)} {
		if x, ok := doc[k]; !ok || x == nil {
			doc[k] = def
		}
	}
	ss, err := session.FromDocument(doc)
	return ss, fresh, err
}

func (s *sessions) save(args []js.Value) (func(context.Context) (js.Value, error), error) {
	in, fresh, err := decodeSession(arg(args, 0))
	if err != nil {
		return nil, err
	}
	o, err := decodeOptions(arg(args, 1))
	if err != nil {
		return nil, err
	}
	force, err := o.boolean("force")
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (js.Value, error) {
		if fresh {
			in.ID = s.newID()
		}
		var out session.Session
		err := s.run(ctx, func(be backend) error {
			return be.update(ctx, in.ID, func(old []byte) ([]byte, error) {
				var err error
				if out, err = session.Revise(in, old, s.stamp(), fresh, force); err != nil {
					return nil, err
				}
				return session.Encode(out)
			})
		})
		if err != nil {
			return js.Value{}, err
		}
		s.remember(out)
		return sessionValue(out)
	}, nil
}

func (s *sessions) rename(args []js.Value) (func(context.Context) (js.Value, error), error) {
	id, err := idArg(args, 0)
	if err != nil {
		return nil, err
	}
	name, err := str("name", arg(args, 1))
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (js.Value, error) {
		var out session.Session
		err := s.run(ctx, func(be backend) error {
			return be.update(ctx, id, func(old []byte) ([]byte, error) {
				if old == nil {
					return nil, notFound(id)
				}
				prev, err := session.Decode(old)
				if err != nil {
					return nil, damaged(id, err)
				}
				out = prev
				out.Name = name
				out.Updated = session.NextUpdated(s.stamp(), prev.Updated, prev.Created)
				return session.Encode(out)
			})
		})
		if err != nil {
			return js.Value{}, err
		}
		s.remember(out)
		return sessionValue(out)
	}, nil
}

func (s *sessions) delete(args []js.Value) (func(context.Context) (js.Value, error), error) {
	id, err := idArg(args, 0)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (js.Value, error) {
		var gone []byte
		err := s.run(ctx, func(be backend) error {
			return be.update(ctx, id, func(old []byte) ([]byte, error) {
				if old == nil {
					return nil, notFound(id)
				}
				gone = old
				return nil, nil
			})
		})
		if err != nil {
			return js.Value{}, err
		}
		if ss, err := session.Decode(gone); err == nil {
			return sessionValue(ss)
		}
		return parseJSON(gone), nil // a damaged record is returned as it was stored
	}, nil
}

func (s *sessions) exportAll([]js.Value) (func(context.Context) (js.Value, error), error) {
	return func(ctx context.Context) (js.Value, error) {
		good, _, err := s.readAll(ctx)
		if err != nil {
			return js.Value{}, err
		}
		b, err := session.EncodeExport(good, s.now())
		if err != nil {
			return js.Value{}, err
		}
		return js.ValueOf(string(b)), nil
	}, nil
}

func (s *sessions) exportOne(args []js.Value) (func(context.Context) (js.Value, error), error) {
	id, err := idArg(args, 0)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (js.Value, error) {
		var doc []byte
		err := s.run(ctx, func(be backend) (err error) {
			doc, err = be.read(ctx, id)
			return err
		})
		if err != nil {
			return js.Value{}, err
		}
		if doc == nil {
			return js.Value{}, notFound(id)
		}
		ss, err := session.Decode(doc)
		if err != nil {
			return js.Value{}, damaged(id, err)
		}
		b, err := session.EncodeExport([]session.Session{ss}, s.now())
		if err != nil {
			return js.Value{}, err
		}
		return js.ValueOf(string(b)), nil
	}, nil
}

// importedSummary is a Summary with the id the file gave, when the session was
// stored under a new one (its id was taken by a different session).
type importedSummary struct {
	session.Summary
	OriginalID string
}

func (s *sessions) importAll(args []js.Value) (func(context.Context) (js.Value, error), error) {
	v := arg(args, 0)
	if typeOf(v) != js.TypeString {
		return nil, input.Errorf(input.WrongType, "json", "must be the text of an export file (a string), not %s", describe(v))
	}
	// A string's length counts UTF-16 units, each at least one byte of UTF-8:
	// refuse a huge file before copying it into Go.
	if n := jsObject.Invoke(v).Get("length").Int(); n > session.MaxImportSize {
		return nil, input.Errorf(input.TooLarge, "file", "is at least %d bytes; at most %d are accepted", n, session.MaxImportSize)
	}
	data := []byte(v.String())
	// Validate everything before touching storage: a bad file changes nothing.
	incoming, fileSkips, err := session.ParseExport(data)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (js.Value, error) {
		var added []importedSummary
		var skipped []session.Skip
		// The plan is made against what is stored, then written in one
		// transaction with add (never put): if another tab stored one of the ids
		// in between, the transaction fails whole, and the plan is made again.
		for attempt := 0; ; attempt++ {
			stored, _, err := s.readAll(ctx)
			if err != nil {
				return js.Value{}, err
			}
			existing := make(map[string]session.Session, len(stored))
			for _, ss := range stored {
				existing[ss.ID] = ss
			}
			add, planSkips := session.Plan(incoming, existing, s.newID)
			added, skipped = describeImport(incoming, fileSkips, add, planSkips)
			recs := make([]record, len(add))
			for i, ss := range add {
				b, err := session.Encode(ss)
				if err != nil {
					return js.Value{}, err
				}
				recs[i] = record{id: ss.ID, doc: b}
			}
			if len(recs) == 0 {
				break
			}
			err = s.run(ctx, func(be backend) error { return be.addAll(ctx, recs) })
			if err == nil {
				for _, ss := range add {
					s.remember(ss)
				}
				break
			}
			if !errors.Is(err, errTaken) || attempt == 2 {
				if errors.Is(err, errTaken) {
					err = input.Errorf(session.Conflict, "file", "another tab kept adding the same sessions; nothing was imported, try again")
				}
				return js.Value{}, err
			}
		}
		addedDocs := make([]any, len(added))
		for i, a := range added {
			d := summaryDoc(a.Summary)
			if a.OriginalID != "" {
				d["originalId"] = a.OriginalID
			}
			addedDocs[i] = d
		}
		skippedDocs := make([]any, len(skipped))
		for i, sk := range skipped {
			skippedDocs[i] = skipDoc(sk)
		}
		return jsValue(map[string]any{"added": addedDocs, "skipped": skippedDocs})
	}, nil
}

// describeImport maps the plan back to the file: Plan numbers the sessions that
// parsed, ParseExport skipped the others, and the reader wants positions in the
// file and the ids it gave.
func describeImport(incoming []session.Session, fileSkips []session.Skip, add []session.Session, planSkips []session.Skip) ([]importedSummary, []session.Skip) {
	bad := make(map[int]bool, len(fileSkips))
	for _, sk := range fileSkips {
		bad[sk.Index] = true
	}
	fileIndex := make([]int, 0, len(incoming)) // fileIndex[i]: position in the file of incoming[i]
	for i := 0; len(fileIndex) < len(incoming); i++ {
		if !bad[i] {
			fileIndex = append(fileIndex, i)
		}
	}
	planSkipped := make(map[int]bool, len(planSkips))
	skipped := append([]session.Skip{}, fileSkips...)
	for _, sk := range planSkips {
		planSkipped[sk.Index] = true
		sk.Index = fileIndex[sk.Index]
		skipped = append(skipped, sk)
	}
	sort.SliceStable(skipped, func(i, j int) bool { return skipped[i].Index < skipped[j].Index })
	added := make([]importedSummary, 0, len(add))
	k := 0
	for i := range incoming {
		if planSkipped[i] {
			continue
		}
		a := add[k]
		k++
		is := importedSummary{Summary: a.Summarize()}
		if a.ID != incoming[i].ID {
			is.OriginalID = incoming[i].ID
		}
		added = append(added, is)
	}
	return added, skipped
}

func labArg(args []js.Value, i int) (*session.LabInfo, error) {
	id, err := str("lab", arg(args, i))
	if err != nil {
		return nil, err
	}
	lab, ok := session.Lab(id)
	if !ok {
		return nil, input.Errorf(input.UnknownName, "lab", "is %q, which is not a lab of this playground", id)
	}
	return lab, nil
}

func (s *sessions) saveCurrent(args []js.Value) (func(context.Context) (js.Value, error), error) {
	lab, err := labArg(args, 0)
	if err != nil {
		return nil, err
	}
	state, err := object("state", arg(args, 1))
	if err != nil {
		return nil, err
	}
	if err := lab.Validate(state); err != nil {
		return nil, err
	}
	if b, err := jsontext.Marshal(state); err != nil || len(b) > session.MaxStateSize {
		return nil, input.Errorf(input.TooLarge, "state", "is larger than %d bytes", session.MaxStateSize)
	}
	return func(ctx context.Context) (js.Value, error) {
		b, err := jsontext.Marshal(map[string]any{"lab": lab.ID, "state": state, "updated": s.stamp()})
		if err != nil {
			return js.Value{}, err
		}
		if err := s.run(ctx, func(be backend) error { return be.putCurrent(ctx, lab.ID, b) }); err != nil {
			return js.Value{}, err
		}
		return parseJSON(b), nil
	}, nil
}

// loadCurrent resolves to null when nothing was saved for the lab or when what
// was saved no longer fits the lab's schema (the page then starts from defaults).
func (s *sessions) loadCurrent(args []js.Value) (func(context.Context) (js.Value, error), error) {
	lab, err := labArg(args, 0)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (js.Value, error) {
		var doc []byte
		if err := s.run(ctx, func(be backend) (err error) {
			doc, err = be.getCurrent(ctx, lab.ID)
			return err
		}); err != nil {
			return js.Value{}, err
		}
		if doc == nil {
			return js.Null(), nil
		}
		c, ok := parseDoc(doc)
		state, _ := c["state"].(map[string]any)
		if _, isTime := c["updated"].(float64); !ok || len(c) != 3 || c["lab"] != lab.ID || !isTime || state == nil || lab.Validate(state) != nil {
			return js.Null(), nil
		}
		return parseJSON(doc), nil
	}, nil
}

// dateNow is Date.now(): the page's clock, so times agree with the page's.
func dateNow() float64 {
	return js.Global().Get("Date").Call("now").Float()
}

// randomID returns 128 random bits from crypto.getRandomValues in base64url:
// 22 characters of [A-Za-z0-9_-]. (That is what crypto/rand reads on js/wasm;
// calling it directly spares the 43 KB brotli that crypto/rand's FIPS module
// adds to the wasm.)
func randomID() string {
	var b [16]byte
	u := uint8Array.New(len(b))
	js.Global().Get("crypto").Call("getRandomValues", u)
	js.CopyBytesToGo(b[:], u)
	return base64.RawURLEncoding.EncodeToString(b[:])
}
