package session

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/jsontext"
)

// StorageMemory is the Kind of a Service that keeps sessions in memory.
const StorageMemory = "memory"

// Storage says where a Service keeps sessions: Kind names the store
// ("indexeddb", "memory"), and Note tells the reader why sessions are in
// memory (empty otherwise).
type Storage struct {
	Kind string
	Note string
}

// InMemory is the Storage of a service that keeps sessions in memory because
// the persistent store cannot be used here, for reason.
func InMemory(reason string) Storage {
	return Storage{Kind: StorageMemory, Note: "IndexedDB is unavailable in this context (" + strings.TrimSuffix(reason, ".") +
		"): sessions last until the tab closes; export them to keep them"}
}

// ServiceOptions are what a Service needs from its environment.
type ServiceOptions struct {
	// Now is the clock in milliseconds since the epoch (the page's Date.now, so
	// that times agree with the page's). Required.
	Now func() float64
	// NewID returns a fresh random session id. Required.
	NewID func() string
	// Settle, when set, waits for the store to be known usable. If it returns an
	// *UnavailableError the service falls back to memory at once, so that
	// Storage tells the truth before the first call.
	Settle func(context.Context) error
	// Changed, when set, is called with the new Storage after a fallback.
	Changed func(Storage)
}

// Service keeps the reader's sessions in a Store: it stamps, validates, decodes
// and lists them, refuses stale saves, plans imports, and keeps each lab's
// autosave. When the store turns out to be unavailable it falls back to a
// MemStore, once. Its methods are safe for concurrent use; the ones that wait
// take a context, and a store that does not answer in time fails with
// StorageFailed.
type Service struct {
	mu      sync.Mutex // guards the fields below; held only for an instant, never while waiting
	store   Store
	storage Storage
	last    float64            // the last stamp
	cache   map[string]decoded // by the stored JSON text

	settled chan struct{} // closed once the storage is known
	now     func() float64
	newID   func() string
	changed func(Storage)
}

// NewService returns the service over st, which is the storage where says.
// With o.Settle it waits for the store in a goroutine (see ServiceOptions).
func NewService(st Store, where Storage, o ServiceOptions) *Service {
	s := &Service{store: st, storage: where, cache: map[string]decoded{}, settled: make(chan struct{}),
		now: o.Now, newID: o.NewID, changed: o.Changed}
	if o.Settle == nil {
		close(s.settled)
		return s
	}
	go func() {
		var ue *UnavailableError
		if err := o.Settle(context.Background()); errors.As(err, &ue) {
			s.fallback(st, ue.Reason)
		}
		close(s.settled)
	}()
	return s
}

// Storage returns where the sessions are kept now.
func (s *Service) Storage() Storage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.storage
}

// Ready waits until the storage is known (ServiceOptions.Settle has returned) or ctx
// is done, and returns Storage then.
func (s *Service) Ready(ctx context.Context) Storage {
	select {
	case <-s.settled:
	case <-ctx.Done():
	}
	return s.Storage()
}

// fallback switches from the store from to memory, once.
func (s *Service) fallback(from Store, reason string) {
	s.mu.Lock()
	if s.store != from {
		s.mu.Unlock()
		return
	}
	s.store, s.storage = NewMemStore(), InMemory(reason)
	where := s.storage
	s.mu.Unlock()
	if s.changed != nil {
		s.changed(where)
	}
}

// run calls op on the current store; when the store turns out to be
// unavailable it falls back to memory and runs op there.
func (s *Service) run(op func(Store) error) error {
	s.mu.Lock()
	st := s.store
	s.mu.Unlock()
	err := op(st)
	var ue *UnavailableError
	if !errors.As(err, &ue) {
		return err
	}
	s.fallback(st, ue.Reason)
	s.mu.Lock()
	st = s.store
	s.mu.Unlock()
	return op(st)
}

// stamp is the time a write records: Now, moved just past the last stamp of
// this service when two writes fall in the same millisecond, so that newest
// first is the order of saving.
func (s *Service) stamp() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.now()
	if t <= s.last {
		t = s.last + 1
	}
	s.last = t
	return t
}

// Damaged is a stored record that List skipped, and why: Code is the input code
// of the first problem found (Corrupt when the record is not even JSON).
type Damaged struct {
	ID     string
	Name   string // the record's name, when it has one
	Code   string
	Reason string
}

// Document returns d as the page gets it: {id, name?, code, reason}.
func (d Damaged) Document() map[string]any {
	m := map[string]any{"id": d.ID, "code": d.Code, "reason": d.Reason}
	if d.Name != "" {
		m["name"] = d.Name
	}
	return m
}

// damaged describes a record that failed to decode with err, naming it as
// well as its text allows: the id from the store or else from the document
// (a number is written as JavaScript would), the name cut to MaxNameLen.
func damaged(id string, doc []byte, err error) Damaged {
	d := Damaged{ID: id, Code: string(Corrupt), Reason: err.Error()}
	var ie *input.Error
	if errors.As(err, &ie) {
		d.Code = string(ie.Code)
	}
	if peek, ok := parseDoc(doc); ok {
		if d.ID == "" {
			switch k := peek["id"].(type) {
			case string:
				d.ID = k
			case float64:
				d.ID = strconv.FormatFloat(k, 'g', -1, 64)
			}
		}
		d.Name, _ = peek["name"].(string)
		if r := []rune(d.Name); len(r) > MaxNameLen {
			d.Name = string(r[:MaxNameLen])
		}
	}
	return d
}

// parseDoc reads a stored JSON record as a generic object.
func parseDoc(doc []byte) (map[string]any, bool) {
	v, err := jsontext.Parse(doc)
	m, ok := v.(map[string]any)
	return m, err == nil && ok
}

// decoded is what one stored document decoded to: a session, or why not.
type decoded struct {
	sess Session
	bad  *Damaged
}

// decode decodes a stored record, remembering the answer for as long as a
// record with the same JSON is stored. Decoding and validating costs about
// 130 µs a session in wasm; with the cache a list decodes only what changed
// since the last one, and a record changed by another tab or program is
// decoded again because its JSON differs. next collects the entries still in
// use. Callers must not modify the State of a session from here.
func (s *Service) decode(r Record, next map[string]decoded) (Session, *Damaged) {
	if r.Err != nil {
		return Session{}, &Damaged{ID: r.ID, Code: string(Corrupt), Reason: r.Err.Error()}
	}
	key := string(r.Doc)
	s.mu.Lock()
	d, ok := s.cache[key]
	s.mu.Unlock()
	if !ok {
		ss, err := Decode(r.Doc)
		if err != nil {
			bad := damaged(r.ID, r.Doc, err)
			d.bad = &bad
		} else {
			d.sess = ss
		}
	}
	next[key] = d
	return d.sess, d.bad
}

// remember puts a session just written into the decode cache, under the text
// the store will give back for it, so that the next List need not decode it.
// A key that does not match what is later read only costs a decode.
func (s *Service) remember(ss Session) {
	b, err := Encode(ss)
	if err != nil {
		return
	}
	s.mu.Lock()
	st := s.store
	s.mu.Unlock()
	if c, ok := st.(Canonicalizer); ok {
		if b = c.Canonical(b); b == nil {
			return
		}
	}
	s.mu.Lock()
	s.cache[string(b)] = decoded{sess: ss}
	s.mu.Unlock()
}

// Listing is every stored session: the readable ones newest first (by updated,
// ties by id descending), and the damaged ones in the store's order.
type Listing struct {
	Sessions []Session
	Skipped  []Damaged
}

// Document returns l as the page gets it: the summaries of l.Sessions, or,
// withSkipped, {sessions: summaries, skipped: damaged records}.
func (l Listing) Document(withSkipped bool) any {
	sums := make([]any, len(l.Sessions))
	for i := range l.Sessions {
		sums[i] = l.Sessions[i].Summarize().Document()
	}
	if !withSkipped {
		return sums
	}
	skipped := make([]any, len(l.Skipped))
	for i, d := range l.Skipped {
		skipped[i] = d.Document()
	}
	return map[string]any{"sessions": sums, "skipped": skipped}
}

// Document returns the summary as the page gets it: {id, name, lab, created, updated}.
func (s Summary) Document() map[string]any {
	return map[string]any{"id": s.ID, "name": s.Name, "lab": s.Lab, "created": s.Created, "updated": s.Updated}
}

// List reads and decodes every stored record. Records that do not decode
// (wrong shape, unknown lab, bad version, not JSON) are reported in Skipped
// and never fail the call; only the store's own failure does.
func (s *Service) List(ctx context.Context) (Listing, error) {
	var recs []Record
	err := s.run(func(st Store) (err error) {
		recs, err = st.Scan(ctx)
		return err
	})
	if err != nil {
		return Listing{}, err
	}
	l := Listing{Sessions: make([]Session, 0, len(recs))}
	next := make(map[string]decoded, len(recs))
	for _, r := range recs {
		ss, bad := s.decode(r, next)
		if bad != nil {
			l.Skipped = append(l.Skipped, *bad)
			continue
		}
		l.Sessions = append(l.Sessions, ss)
	}
	s.mu.Lock()
	s.cache = next // what is no longer stored is forgotten
	s.mu.Unlock()
	sortNewestFirst(l.Sessions)
	return l, nil
}

// sortNewestFirst orders sessions by updated descending, ties by id descending.
func sortNewestFirst(ss []Session) {
	sort.SliceStable(ss, func(i, j int) bool {
		if ss[i].Updated != ss[j].Updated {
			return ss[i].Updated > ss[j].Updated
		}
		return ss[i].ID > ss[j].ID
	})
}

func notFound(id string) error {
	return input.Errorf(NotFound, "id", "no session has the id %q", id)
}

func damagedError(id string, err error) error {
	return input.Errorf(Corrupt, "id", "the stored session %q is damaged and cannot be opened (%v); it can only be deleted", id, err)
}

// Get returns the session stored under id, migrated to the current version.
// It fails with NotFound when there is none and with Corrupt when the stored
// record does not decode.
func (s *Service) Get(ctx context.Context, id string) (Session, error) {
	var doc []byte
	err := s.run(func(st Store) (err error) {
		doc, err = st.Read(ctx, id)
		return err
	})
	if err != nil {
		return Session{}, err
	}
	if doc == nil {
		return Session{}, notFound(id)
	}
	ss, err := Decode(doc)
	if err != nil {
		return Session{}, damagedError(id, err)
	}
	return ss, nil
}

// Save stores in and returns what was stored. A session without an ID is new:
// it gets a fresh id and created = updated = now. One with an ID replaces the
// stored session, keeping its creation time, unless the stored copy is newer
// than in (Revise): that fails with Conflict, unless force. The updated time
// written is always later than any this service wrote before. A session that
// is not valid fails with the error of Validate, and nothing is written.
func (s *Service) Save(ctx context.Context, in Session, force bool) (Session, error) {
	fresh := in.ID == ""
	if fresh {
		in.ID = s.newID()
	}
	var out Session
	err := s.run(func(st Store) error {
		return st.Update(ctx, in.ID, func(old []byte) ([]byte, error) {
			var err error
			if out, err = Revise(in, old, s.stamp(), fresh, force); err != nil {
				return nil, err
			}
			return Encode(out)
		})
	})
	if err != nil {
		return Session{}, err
	}
	s.remember(out)
	return out, nil
}

// Rename gives the session under id a new name and a new updated time, and
// returns it. It fails with NotFound or Corrupt as Get does, and with the
// error of Validate for a bad name (empty, too long, control characters).
func (s *Service) Rename(ctx context.Context, id, name string) (Session, error) {
	var out Session
	err := s.run(func(st Store) error {
		return st.Update(ctx, id, func(old []byte) ([]byte, error) {
			if old == nil {
				return nil, notFound(id)
			}
			prev, err := Decode(old)
			if err != nil {
				return nil, damagedError(id, err)
			}
			out = prev
			out.Name = name
			out.Updated = NextUpdated(s.stamp(), prev.Updated, prev.Created)
			return Encode(out)
		})
	})
	if err != nil {
		return Session{}, err
	}
	s.remember(out)
	return out, nil
}

// Delete removes the record under id, damaged or not, and returns it as JSON
// so that saving it back undoes the delete: the encoding of the session when
// it decodes, the stored text as it was otherwise. It fails with NotFound when
// there is none.
func (s *Service) Delete(ctx context.Context, id string) ([]byte, error) {
	var gone []byte
	err := s.run(func(st Store) error {
		return st.Update(ctx, id, func(old []byte) ([]byte, error) {
			if old == nil {
				return nil, notFound(id)
			}
			gone = old
			return nil, nil
		})
	})
	if err != nil {
		return nil, err
	}
	if ss, err := Decode(gone); err == nil {
		return Encode(ss)
	}
	return gone, nil
}

// ExportAll returns the export file (EncodeExport) of every readable session,
// newest first, stamped with the time of the export. Damaged records are left
// out.
func (s *Service) ExportAll(ctx context.Context) ([]byte, error) {
	l, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	return EncodeExport(l.Sessions, s.now())
}

// ExportOne returns the export file of the session under id; it fails as Get
// does.
func (s *Service) ExportOne(ctx context.Context, id string) ([]byte, error) {
	ss, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return EncodeExport([]Session{ss}, s.now())
}
