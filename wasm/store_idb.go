//go:build js && wasm

package main

// The IndexedDB store, on github.com/hack-pad/go-indexeddb v0.3.2. The traps of
// that library (DESIGN.md) and how each is handled here:
//
//   - No GetAll for values: scan walks a cursor on the `updated` index, newest
//     first, and a second cursor on the store for records the index lacks.
//   - An Upgrader that returns an error panics inside the JS callback and kills
//     the program: upgrade never returns one. It recovers from everything, and on
//     failure aborts the versionchange transaction, so the database stays at its
//     old version and the open fails with a message instead.
//   - Request.Await returns (undefined, nil) when its context is done: every wait
//     is followed by a ctx.Err() check; an undefined result is "absent" only then.
//   - Transactions commit once nothing is pending: every decode, validation and
//     plan is done before a transaction is opened, and inside one only IndexedDB
//     requests are awaited (the callbacks of fn in update are pure Go).
//   - idb.Global() panics where indexedDB is undefined, and the getter throws a
//     SecurityError in opaque origins: it is never called. openIndexedDB reads the
//     global under recover and makes the first open the trial; a refusal falls
//     back to the memory store.
//
// Beyond those: the library closes the connection on versionchange; a listener
// marks it closed and the next call reopens. An open that another tab blocks
// gives up waiting after openTimeout with code "blocked", but the request itself
// is kept (its upgrade listener stays attached) and adopted by the next call.
//
// The upgrade needs the versionchange transaction, which the library does not
// expose: the factory handed to the library is a small proxy whose open records
// the IDBOpenDBRequest it returns, and the upgrade reaches the existing store
// through request.transaction.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall/js"
	"time"

	"github.com/hack-pad/go-indexeddb/idb"
	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/jsontext"
	"github.com/klplayground/klplay/core/session"
)

// The database. Version 1 (the first release's schema) had one object store,
// `sessions`, keyed by id, holding version 1 session documents (a "title",
// RFC 3339 times) and no index. Version 2 adds the `updated` index, the
// `current` store (autosave, keyed by lab id) and migrates the documents.
const (
	dbName        = "klplay"
	dbVersion     = 2
	storeSessions = "sessions"
	storeCurrent  = "current"
	indexUpdated  = "updated"
)

// openTimeout is how long a call waits for the database to open before it
// reports that another tab is holding it.
const openTimeout = 4 * time.Second

type idbStore struct {
	lib     *idb.Factory // the library, over a proxy of the browser's indexedDB
	lastReq js.Value     // the request the proxy's open returned last
	lastErr error        // what the proxy's open threw last

	mu      sync.Mutex // guards the fields below; never held while waiting
	conn    *idbConn
	pending *openAttempt
	first   *openAttempt
	opened  bool // a connection succeeded once: later failures are storage errors
}

type idbConn struct {
	db     *idb.Database
	closed atomic.Bool
}

type openAttempt struct {
	done       chan struct{}
	req        js.Value // the IDBOpenDBRequest
	conn       *idbConn
	err        error
	upgradeErr error
	blocked    atomic.Bool
	funcs      []js.Func // listeners to release when the attempt ends
}

// openIndexedDB finds the browser's IndexedDB and starts the trial open. It
// returns nil and the reason when IndexedDB cannot be used here.
func openIndexedDB() (st *idbStore, reason string) {
	defer func() {
		if r := recover(); r != nil {
			st, reason = nil, jsReason(r)
		}
	}()
	f := js.Global().Get("indexedDB") // throws a SecurityError in opaque origins
	if f.Type() != js.TypeObject {
		return nil, "indexedDB is not defined"
	}
	if f.Get("open").Type() != js.TypeFunction {
		return nil, "indexedDB.open is not a function"
	}
	st = &idbStore{}
	proxy := jsObject.New()
	proxy.Set("open", js.FuncOf(func(_ js.Value, args []js.Value) (res any) {
		defer func() {
			if r := recover(); r != nil {
				st.lastErr = errors.New(jsReason(r))
				res = js.Undefined()
			}
		}()
		a := make([]any, len(args))
		for i := range args {
			a[i] = args[i]
		}
		st.lastReq = f.Call("open", a...)
		return st.lastReq
	}))
	lib, err := idb.WrapFactory(proxy)
	if err != nil {
		return nil, err.Error()
	}
	st.lib = lib
	st.first = st.startOpen()
	select {
	case <-st.first.done:
		// Refused at once (Chrome throws SecurityError from open where storage is
		// denied): IndexedDB is not usable here.
		if st.first.err != nil {
			return nil, st.first.err.Error()
		}
	default:
	}
	st.pending = st.first
	return st, ""
}

// jsReason describes a recovered panic, which is a js.Error when JavaScript threw.
func jsReason(r any) string {
	if e, ok := r.(js.Error); ok {
		name, msg := e.Value.Get("name"), e.Value.Get("message")
		if name.Type() == js.TypeString && msg.Type() == js.TypeString {
			return name.String() + ": " + msg.String()
		}
		return e.Error()
	}
	if e, ok := r.(error); ok {
		return e.Error()
	}
	return fmt.Sprint(r)
}

// startOpen issues an open request. The wait for it runs without a deadline in
// its own goroutine: a blocked open may complete minutes later, and its upgrade
// must then still run (the library removes the upgrade listener when the
// context given to Open ends, so that context is never cancelled here).
func (s *idbStore) startOpen() *openAttempt {
	a := &openAttempt{done: make(chan struct{})}
	s.lastReq, s.lastErr = js.Undefined(), nil
	req, err := func() (req *idb.OpenDBRequest, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = errors.New(jsReason(r))
			}
		}()
		return s.lib.Open(context.Background(), dbName, dbVersion, func(db *idb.Database, oldVersion, newVersion uint) error {
			a.upgrade(db, oldVersion)
			return nil // never an error: the library would panic inside the JS callback
		})
	}()
	if s.lastErr != nil {
		err = s.lastErr // what open threw, rather than the library's complaint about it
	}
	if err != nil {
		a.finish(nil, err)
		return a
	}
	a.req = s.lastReq
	onBlocked := js.FuncOf(func(js.Value, []js.Value) any {
		a.blocked.Store(true)
		return nil
	})
	a.funcs = append(a.funcs, onBlocked)
	a.req.Call("addEventListener", "blocked", onBlocked)
	go func() {
		db, err := req.Await(context.Background())
		if err == nil && a.upgradeErr != nil {
			err = a.upgradeErr
		}
		if err != nil {
			if a.upgradeErr != nil {
				err = fmt.Errorf("%v (%v)", a.upgradeErr, err)
			}
			a.finish(nil, err)
			return
		}
		c := &idbConn{db: db}
		jsdb, err := req.Request.Result()
		if err == nil {
			// The library closes the connection on versionchange (another tab
			// upgrades or deletes the database); the browser closes it when
			// storage is cleared. Either way the next call reopens.
			onClose := js.FuncOf(func(js.Value, []js.Value) any {
				c.closed.Store(true)
				return nil
			})
			jsdb.Call("addEventListener", "versionchange", onClose)
			jsdb.Call("addEventListener", "close", onClose)
		}
		a.finish(c, nil)
	}()
	return a
}

func (a *openAttempt) finish(c *idbConn, err error) {
	a.conn, a.err = c, err
	for _, f := range a.funcs {
		f.Release()
	}
	a.funcs = nil
	close(a.done)
}

// upgrade runs inside the upgradeneeded event: it must neither wait nor return
// an error. Any failure aborts the versionchange transaction, which leaves the
// database as it was and fails the open.
func (a *openAttempt) upgrade(db *idb.Database, oldVersion uint) {
	defer func() {
		if r := recover(); r != nil {
			a.failUpgrade(oldVersion, errors.New(jsReason(r)))
		}
	}()
	names, err := db.ObjectStoreNames()
	if err != nil {
		a.failUpgrade(oldVersion, err)
		return
	}
	has := map[string]bool{}
	for _, n := range names {
		has[n] = true
	}
	if !has[storeSessions] {
		store, err := db.CreateObjectStore(storeSessions, idb.ObjectStoreOptions{KeyPath: js.ValueOf("id")})
		if err == nil {
			_, err = store.CreateIndex(indexUpdated, js.ValueOf("updated"), idb.IndexOptions{})
		}
		if err != nil {
			a.failUpgrade(oldVersion, err)
			return
		}
	} else {
		// An existing store is reachable only through the versionchange
		// transaction, which the library does not expose.
		store := a.req.Get("transaction").Call("objectStore", storeSessions)
		if !store.Get("indexNames").Call("contains", indexUpdated).Bool() {
			store.Call("createIndex", indexUpdated, "updated")
		}
		if oldVersion < 2 {
			a.migrate(store, oldVersion)
		}
	}
	if !has[storeCurrent] {
		if _, err := db.CreateObjectStore(storeCurrent, idb.ObjectStoreOptions{KeyPath: js.Null()}); err != nil {
			a.failUpgrade(oldVersion, err)
		}
	}
}

// migrate rewrites the version 1 documents of store as current ones, inside
// the versionchange transaction: one getAll, then a put per document that
// session.UpgradeRecord migrates, from its success callback (which does not
// wait either). Every other document is left as it was.
func (a *openAttempt) migrate(store js.Value, oldVersion uint) {
	req := store.Call("getAll")
	var onSuccess js.Func
	onSuccess = js.FuncOf(func(js.Value, []js.Value) any {
		defer func() {
			if r := recover(); r != nil {
				a.failUpgrade(oldVersion, errors.New(jsReason(r)))
			}
		}()
		all := req.Get("result")
		for i, n := 0, all.Length(); i < n; i++ {
			if b, err := toJSON(all.Index(i)); err == nil {
				if enc, ok := session.UpgradeRecord(b); ok {
					store.Call("put", parseJSON(enc))
				}
			}
		}
		return nil
	})
	a.funcs = append(a.funcs, onSuccess)
	req.Call("addEventListener", "success", onSuccess)
}

func (a *openAttempt) failUpgrade(oldVersion uint, err error) {
	if a.upgradeErr == nil {
		a.upgradeErr = fmt.Errorf("upgrading the saved sessions from database version %d failed: %v; nothing was changed", oldVersion, err)
	}
	func() {
		defer func() { _ = recover() }() // already aborted
		a.req.Get("transaction").Call("abort")
	}()
}

func isDOM(err error, name string) bool {
	return errors.Is(err, idb.NewDOMException(name))
}

// unavailable reports whether an open failed because this context may not use
// IndexedDB at all (rather than because of another tab or a full disk).
func unavailable(err error) bool {
	for _, n := range []string{"SecurityError", "InvalidStateError", "NotAllowedError", "NotSupportedError", "UnknownError"} {
		if isDOM(err, n) {
			return true
		}
	}
	return false
}

// settle waits for the trial open and reports whether IndexedDB is usable.
func (s *idbStore) settle(ctx context.Context) error {
	select {
	case <-s.first.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	if err := s.first.err; err != nil && unavailable(err) {
		return &session.UnavailableError{Reason: err.Error()}
	}
	return nil
}

// connect returns an open connection, opening one when there is none or the
// last was closed (a versionchange from another tab).
func (s *idbStore) connect(ctx context.Context) (*idbConn, error) {
	s.mu.Lock()
	if c := s.conn; c != nil && !c.closed.Load() {
		s.mu.Unlock()
		return c, nil
	}
	a := s.pending
	if a == nil {
		a = s.startOpen()
		s.pending = a
	}
	s.mu.Unlock()

	timer := time.NewTimer(openTimeout)
	defer timer.Stop()
	select {
	case <-a.done:
	case <-timer.C:
		if a.blocked.Load() {
			return nil, input.Errorf(codeBlocked, "storage", "another KL Playground tab has the saved sessions open and is not letting go; close or reload other KL Playground tabs, then try again")
		}
		return nil, input.Errorf(codeBlocked, "storage", "the saved sessions did not open within %v: another tab is upgrading the database; close other KL Playground tabs, then try again", openTimeout)
	case <-ctx.Done():
		return nil, session.CheckContext(ctx)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending == a {
		s.pending = nil
		if a.err == nil {
			s.conn, s.opened = a.conn, true
		}
	}
	if a.err != nil {
		switch {
		case !s.opened && unavailable(a.err):
			return nil, &session.UnavailableError{Reason: a.err.Error()}
		case isDOM(a.err, "VersionError"):
			return nil, input.Errorf(session.StorageFailed, "storage", "the saved sessions were upgraded by a newer KL Playground (in another tab?); reload this page to use them")
		}
		return nil, input.Errorf(session.StorageFailed, "storage", "the saved sessions could not be opened: %v", a.err)
	}
	return a.conn, nil
}

// txn opens a transaction on the object store name (for what), reopening the
// database once if the connection was closed under us.
func (s *idbStore) txn(ctx context.Context, mode idb.TransactionMode, name, what string) (*idb.Transaction, *idb.ObjectStore, error) {
	for try := 0; ; try++ {
		c, err := s.connect(ctx)
		if err != nil {
			return nil, nil, err
		}
		t, err := c.db.Transaction(mode, name)
		if err == nil {
			store, err := t.ObjectStore(name)
			if err != nil {
				return nil, nil, storageError(what, err)
			}
			return t, store, nil
		}
		if try > 0 || !isDOM(err, "InvalidStateError") {
			return nil, nil, storageError("reach the saved sessions", err)
		}
		c.closed.Store(true) // closing (versionchange): open again
	}
}

func storageError(what string, err error) error {
	return input.Errorf(session.StorageFailed, "storage", "could not %s: the browser's storage failed (%v); nothing was changed", what, err)
}

func keyString(k js.Value) string {
	if k.Type() == js.TypeString {
		return k.String()
	}
	if b, err := toJSON(k); err == nil && b != nil {
		return string(b)
	}
	return describe(k)
}

// scan reads every record in one readonly transaction. A cursor step costs a
// JS→Go callback in the library; this one does the least it can in it (keep
// the value in a JavaScript array), and the values cross into Go afterwards as
// one JSON string, split by jsontext.SplitArray.
func (s *idbStore) Scan(ctx context.Context) ([]session.Record, error) {
	_, store, err := s.txn(ctx, idb.TransactionReadOnly, storeSessions, "read the saved sessions")
	if err != nil {
		return nil, err
	}
	// One cursor over the store (no GetAll for values in go-indexeddb): every
	// record, also one whose updated is not a valid key and so is missing from
	// the index. The service sorts them.
	values := jsArray.New()
	n := 0
	cur, err := store.OpenCursor(idb.CursorNext)
	if err == nil {
		err = cur.Iter(ctx, func(c *idb.CursorWithValue) error {
			v, err := c.Value()
			values.SetIndex(n, v)
			n++
			return err
		})
	}
	if err == nil {
		err = session.CheckContext(ctx)
	}
	if err != nil {
		return nil, storageError("read the saved sessions", err)
	}
	return recordsOf(values, n), nil
}

// recordsOf turns n stored values into records: one JSON.stringify for all of
// them, or one each when a value JSON cannot hold (a BigInt) spoils the batch.
func recordsOf(values js.Value, n int) []session.Record {
	if all, err := toJSON(values); err == nil {
		if docs, ok := jsontext.SplitArray(all); ok && len(docs) == n {
			out := make([]session.Record, n)
			for i, d := range docs {
				out[i] = session.Record{Doc: d} // the id is read from the document when needed
			}
			return out
		}
	}
	out := make([]session.Record, n)
	for i := range out {
		v := values.Index(i)
		doc, err := toJSON(v)
		out[i] = session.Record{ID: keyString(v.Get("id")), Doc: doc, Err: err}
	}
	return out
}

// unreadable stands for a stored value JSON cannot hold: present, and damaged.
var unreadable = []byte("null")

// Read returns the session under id; a stored value JSON cannot hold is
// unreadable, so that it counts as present and damaged.
func (s *idbStore) Read(ctx context.Context, id string) ([]byte, error) {
	return s.get(ctx, storeSessions, id, "read the session", unreadable)
}

// GetCurrent returns the autosave of lab; an unreadable one is none, and the
// page starts from the defaults.
func (s *idbStore) GetCurrent(ctx context.Context, lab string) ([]byte, error) {
	return s.get(ctx, storeCurrent, lab, "read the autosaved state", nil)
}

// get reads one value in a readonly transaction, as JSON; a value JSON cannot
// hold reads as bad.
func (s *idbStore) get(ctx context.Context, name, key, what string, bad []byte) ([]byte, error) {
	_, store, err := s.txn(ctx, idb.TransactionReadOnly, name, what)
	if err != nil {
		return nil, err
	}
	req, err := store.Get(js.ValueOf(key))
	if err != nil {
		return nil, storageError(what, err)
	}
	v, err := req.Await(ctx)
	if err := session.CheckContext(ctx); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, storageError(what, err)
	}
	doc, err := toJSON(v)
	if err != nil {
		return bad, nil
	}
	return doc, nil
}

// update is one readwrite transaction: get, fn (pure Go, no waiting), then put
// or delete. The transaction's outcome is checked twice: its own events, and
// the write request's error, since an abort without an error (transaction.abort
// from elsewhere) completes the library's Await without one.
func (s *idbStore) Update(ctx context.Context, id string, fn func(old []byte) ([]byte, error)) error {
	t, store, err := s.txn(ctx, idb.TransactionReadWrite, storeSessions, "save")
	if err != nil {
		return err
	}
	get, err := store.Get(js.ValueOf(id))
	if err != nil {
		return storageError("save", err)
	}
	v, err := get.Await(ctx)
	if err := session.CheckContext(ctx); err != nil {
		_ = t.Abort()
		return err
	}
	if err != nil {
		return storageError("save", err)
	}
	old, jerr := toJSON(v)
	if jerr != nil {
		old = unreadable
	}
	nw, err := fn(old)
	if err != nil {
		return err // nothing was written; the transaction ends with its read
	}
	var write *idb.Request
	switch {
	case nw != nil:
		write, err = store.Put(parseJSON(nw))
	case old != nil:
		var ack *idb.AckRequest
		if ack, err = store.Delete(js.ValueOf(id)); err == nil {
			write = ack.Request
		}
	default:
		return nil
	}
	if err != nil {
		_ = t.Abort()
		return storageError("save", err)
	}
	return finishWrite(ctx, t, "save the session (the previous version is intact)", write)
}

func finishWrite(ctx context.Context, t *idb.Transaction, what string, writes ...*idb.Request) error {
	err := t.Await(ctx)
	if cerr := session.CheckContext(ctx); cerr != nil {
		return cerr
	}
	if err == nil {
		for _, w := range writes {
			if werr := w.Err(); werr != nil {
				err = werr
				break
			}
		}
	}
	if err != nil {
		if isDOM(err, "ConstraintError") {
			return session.ErrTaken
		}
		return storageError(what, err)
	}
	return nil
}

func (s *idbStore) AddAll(ctx context.Context, recs []session.Record) error {
	t, store, err := s.txn(ctx, idb.TransactionReadWrite, storeSessions, "import")
	if err != nil {
		return err
	}
	writes := make([]*idb.Request, len(recs))
	for i, r := range recs {
		ack, err := store.Add(parseJSON(r.Doc))
		if err != nil {
			_ = t.Abort()
			return storageError("import (nothing was imported)", err)
		}
		writes[i] = ack.Request
	}
	return finishWrite(ctx, t, "import (nothing was imported)", writes...)
}

func (s *idbStore) PutCurrent(ctx context.Context, lab string, doc []byte) error {
	t, store, err := s.txn(ctx, idb.TransactionReadWrite, storeCurrent, "autosave")
	if err != nil {
		return err
	}
	w, err := store.PutKey(js.ValueOf(lab), parseJSON(doc))
	if err != nil {
		_ = t.Abort()
		return storageError("autosave", err)
	}
	return finishWrite(ctx, t, "autosave", w)
}

// Canonical is the text Scan gives back for doc: JSON.stringify of the object
// it is stored as (whose numbers and escapes differ from Go's encoding).
func (s *idbStore) Canonical(doc []byte) []byte {
	b, err := toJSON(parseJSON(doc))
	if err != nil {
		return nil
	}
	return b
}
