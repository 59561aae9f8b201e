//go:build js && wasm

package main

import (
	"context"
	"sort"
	"sync"
)

// memStore keeps sessions in memory, for where IndexedDB is unavailable. It
// holds the same JSON documents as the IndexedDB store and gives the same
// answers; its lock is only ever taken from goroutines, never inside a
// JavaScript callback.
type memStore struct {
	mu       sync.Mutex
	sessions map[string][]byte
	current  map[string][]byte
}

func newMemStore() *memStore {
	return &memStore{sessions: map[string][]byte{}, current: map[string][]byte{}}
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}

// scan returns the records newest first by their updated field, as the
// IndexedDB store's cursor on its updated index does.
func (m *memStore) scan(ctx context.Context) ([]record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	type keyed struct {
		record
		updated float64
		indexed bool
	}
	all := make([]keyed, 0, len(m.sessions))
	for id, doc := range m.sessions {
		k := keyed{record: record{id: id, doc: clone(doc)}}
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
		return a.id > b.id
	})
	out := make([]record, len(all))
	for i := range all {
		out[i] = all[i].record
	}
	return out, ctxCheck(ctx)
}

func (m *memStore) read(ctx context.Context, id string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return clone(m.sessions[id]), ctxCheck(ctx)
}

func (m *memStore) update(ctx context.Context, id string, fn func(old []byte) ([]byte, error)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := ctxCheck(ctx); err != nil {
		return err
	}
	old, ok := m.sessions[id]
	if !ok {
		old = nil
	}
	nw, err := fn(clone(old))
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

func (m *memStore) addAll(ctx context.Context, recs []record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := ctxCheck(ctx); err != nil {
		return err
	}
	seen := make(map[string]bool, len(recs))
	for _, r := range recs {
		if _, taken := m.sessions[r.id]; taken || seen[r.id] {
			return errTaken
		}
		seen[r.id] = true
	}
	for _, r := range recs {
		m.sessions[r.id] = clone(r.doc)
	}
	return nil
}

func (m *memStore) putCurrent(ctx context.Context, lab string, doc []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.current[lab] = clone(doc)
	return ctxCheck(ctx)
}

func (m *memStore) getCurrent(ctx context.Context, lab string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return clone(m.current[lab]), ctxCheck(ctx)
}
