package session

import (
	"context"
	"sort"
	"sync"
)

// MemStore is a Store in memory, for where IndexedDB is unavailable (Node,
// sandboxed iframes, privacy modes). It holds the same JSON documents as the
// IndexedDB store and gives the same answers. Its lock is held only for an
// instant and never while waiting, so that a call from a goroutine never stalls
// the page's JavaScript.
type MemStore struct {
	mu       sync.Mutex
	sessions map[string][]byte
	current  map[string][]byte
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{sessions: map[string][]byte{}, current: map[string][]byte{}}
}

// clone copies b, so that no caller shares the store's bytes; nil stays nil.
func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}

// Scan returns the records newest first by their updated field, ties by id
// descending, and records without a numeric updated field last: the order of
// the IndexedDB store's cursor on its updated index.
func (m *MemStore) Scan(ctx context.Context) ([]Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	type keyed struct {
		Record
		updated float64
		indexed bool
	}
	all := make([]keyed, 0, len(m.sessions))
	for id, doc := range m.sessions {
		k := keyed{Record: Record{ID: id, Doc: clone(doc)}}
		if peek, ok := parseDoc(doc); ok {
			k.updated, k.indexed = peek["updated"].(float64)
		}
		all = append(all, k)
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.indexed != b.indexed {
			return a.indexed
		}
		if a.updated != b.updated {
			return a.updated > b.updated
		}
		return a.ID > b.ID
	})
	out := make([]Record, len(all))
	for i := range all {
		out[i] = all[i].Record
	}
	return out, CheckContext(ctx)
}

// Read returns a copy of the record under id, or nil.
func (m *MemStore) Read(ctx context.Context, id string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return clone(m.sessions[id]), CheckContext(ctx)
}

// Update calls fn with a copy of the record under id and stores what it
// returns, or deletes the record when fn returns nil.
func (m *MemStore) Update(ctx context.Context, id string, fn func(old []byte) ([]byte, error)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := CheckContext(ctx); err != nil {
		return err
	}
	nw, err := fn(clone(m.sessions[id]))
	if err != nil {
		return err
	}
	if nw == nil {
		delete(m.sessions, id)
	} else {
		m.sessions[id] = clone(nw)
	}
	return nil
}

// AddAll stores recs, or nothing when one's id is stored already or appears
// twice in recs (ErrTaken).
func (m *MemStore) AddAll(ctx context.Context, recs []Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := CheckContext(ctx); err != nil {
		return err
	}
	seen := make(map[string]bool, len(recs))
	for _, r := range recs {
		if _, taken := m.sessions[r.ID]; taken || seen[r.ID] {
			return ErrTaken
		}
		seen[r.ID] = true
	}
	for _, r := range recs {
		m.sessions[r.ID] = clone(r.Doc)
	}
	return nil
}

// PutCurrent keeps a copy of doc as the autosave of lab.
func (m *MemStore) PutCurrent(ctx context.Context, lab string, doc []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := CheckContext(ctx); err != nil {
		return err
	}
	m.current[lab] = clone(doc)
	return nil
}

// GetCurrent returns a copy of the autosave of lab, or nil.
func (m *MemStore) GetCurrent(ctx context.Context, lab string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return clone(m.current[lab]), CheckContext(ctx)
}
