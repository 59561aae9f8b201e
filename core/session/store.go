package session

import (
	"context"
	"errors"

	"github.com/klplayground/klplay/core/input"
)

// Error codes of the session service, beside Conflict and core's input codes
// (wrong-type, invalid, too-large, unknown-name, …) that report bad input.
const (
	NotFound      input.Code = "not-found" // no session has that id
	Corrupt       input.Code = "corrupt"   // the stored record is damaged and cannot be read
	StorageFailed input.Code = "storage"   // the storage failed or did not answer: nothing was changed
)

// Record is one stored session as a Store holds it: its JSON text. Err is set,
// and Doc nil, when the stored value could not even be turned into JSON. ID may
// be empty when the store did not read it apart; the service then takes it
// from the document.
type Record struct {
	ID  string
	Doc []byte
	Err error
}

// Store is a place sessions are kept. Each method is one transaction: it
// changes everything it was asked to, or nothing. Records are JSON documents;
// decoding and validating them is the Service's job, so that every store
// applies the same rules. A Store is safe for concurrent use.
type Store interface {
	// Scan returns every stored session record.
	Scan(ctx context.Context) ([]Record, error)
	// Read returns the record stored under id, or nil when there is none.
	Read(ctx context.Context, id string) ([]byte, error)
	// Update reads the record under id and calls fn with it (nil when there is
	// none); fn returns the document to store, or nil to delete the record. fn
	// runs inside the transaction, so it must not wait for anything; when it
	// fails nothing is written and Update returns its error.
	Update(ctx context.Context, id string, fn func(old []byte) ([]byte, error)) error
	// AddAll adds records under new ids, all or none: an id already taken fails
	// the whole call with ErrTaken.
	AddAll(ctx context.Context, recs []Record) error
	// PutCurrent and GetCurrent keep one autosaved document per lab; GetCurrent
	// returns nil when there is none.
	PutCurrent(ctx context.Context, lab string, doc []byte) error
	GetCurrent(ctx context.Context, lab string) ([]byte, error)
}

// Canonicalizer is implemented by a Store whose Scan gives a document back in
// other text than it was written in (IndexedDB keeps objects, and a scan reads
// JSON.stringify of them). Canonical returns that text for doc, or nil when it
// cannot tell; the Service keys its decode cache by it.
type Canonicalizer interface {
	Canonical(doc []byte) []byte
}

// ErrTaken is returned by AddAll when an id is already stored (another tab
// added it between the plan and the write).
var ErrTaken = errors.New("an id is already taken")

// UnavailableError is what a Store returns when it cannot be used at all in
// this context (a browser that denies IndexedDB); the Service then falls back
// to memory.
type UnavailableError struct{ Reason string }

func (e *UnavailableError) Error() string { return "the storage is unavailable: " + e.Reason }

// CheckContext returns nil while ctx is live. Once ctx is done it returns the
// error a store reports: code StorageFailed on "storage", saying the storage
// did not answer in time and nothing was changed. Stores call it after every
// wait, since a wait that ended with ctx may return no value and no error.
func CheckContext(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return input.Errorf(StorageFailed, "storage", "the browser's storage did not answer in time (%v); nothing was changed", err)
	}
	return nil
}
