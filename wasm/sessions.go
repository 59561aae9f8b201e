//go:build js && wasm

package main

// klplay.sessions: the reader's saved sessions, in IndexedDB where the browser
// allows it and in memory otherwise (README.md, "Sessions", is the reference).
// Each function decodes its arguments, calls the same-named method of
// core/session's Service in a goroutine and encodes the answer as a plain
// object; every one returns a Promise that rejects with a KlplayError (code,
// arg). ready() resolves to {storage, storageNote} once the storage is known.

import (
	"context"
	"encoding/base64"
	"syscall/js"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/jsontext"
	"github.com/klplayground/klplay/core/session"
)

const storageIndexedDB = "indexeddb"

// sessionsAPI builds klplay.sessions. It chooses IndexedDB when the global
// exists and can be opened, and memory otherwise (Node, sandboxed iframes,
// privacy modes).
func sessionsAPI() js.Value {
	db, reason := openIndexedDB()
	if db == nil {
		return newSessions(session.NewMemStore(), session.InMemory(reason), nil)
	}
	return newSessions(db, session.Storage{Kind: storageIndexedDB}, db.settle)
}

// newSessions builds the object over a service on st. settle, when given,
// waits for the trial open of IndexedDB (session.ServiceOptions.Settle); the object's
// storage fields follow the service's fallback.
func newSessions(st session.Store, where session.Storage, settle func(context.Context) error) js.Value {
	obj := jsObject.New()
	publish := func(w session.Storage) {
		obj.Set("storage", w.Kind)
		obj.Set("storageNote", w.Note)
	}
	svc := session.NewService(st, where, session.ServiceOptions{Now: dateNow, NewID: randomID, Settle: settle, Changed: publish})
	publish(svc.Storage())
	for _, f := range []struct {
		name string
		h    asyncHandler
	}{
		{"list", func(args []js.Value) (asyncWork, error) {
			o, err := optionsArg(arg(args, 0))
			if err != nil {
				return nil, err
			}
			withSkipped, err := o.Bool("withSkipped")
			return func(ctx context.Context) (js.Value, error) {
				l, err := svc.List(ctx)
				if err != nil {
					return js.Value{}, err
				}
				return jsValue(l.Document(withSkipped))
			}, err
		}},
		{"get", byID(func(ctx context.Context, id string) (js.Value, error) { return sessionValue(svc.Get(ctx, id)) })},
		{"save", func(args []js.Value) (asyncWork, error) {
			doc, err := object("session", arg(args, 0))
			if err != nil {
				return nil, err
			}
			in, err := session.DecodeDraft(doc)
			if err != nil {
				return nil, err
			}
			o, err := optionsArg(arg(args, 1))
			if err != nil {
				return nil, err
			}
			force, err := o.Bool("force")
			return func(ctx context.Context) (js.Value, error) { return sessionValue(svc.Save(ctx, in, force)) }, err
		}},
		{"rename", func(args []js.Value) (asyncWork, error) {
			id, err := idArg(args, 0)
			if err != nil {
				return nil, err
			}
			name, err := str("name", arg(args, 1))
			return func(ctx context.Context) (js.Value, error) { return sessionValue(svc.Rename(ctx, id, name)) }, err
		}},
		{"delete", byID(func(ctx context.Context, id string) (js.Value, error) { return jsonValue(svc.Delete(ctx, id)) })},
		{"exportAll", func([]js.Value) (asyncWork, error) {
			return func(ctx context.Context) (js.Value, error) { return stringValue(svc.ExportAll(ctx)) }, nil
		}},
		{"exportOne", byID(func(ctx context.Context, id string) (js.Value, error) { return stringValue(svc.ExportOne(ctx, id)) })},
		{"importAll", func(args []js.Value) (asyncWork, error) {
			v := arg(args, 0)
			if typeOf(v) != js.TypeString {
				return nil, input.Errorf(input.WrongType, "json", "must be the text of an export file (a string), not %s", describe(v))
			}
			// A string's length counts UTF-16 units, each at least one byte of
			// UTF-8: refuse a huge file before copying it into Go.
			if n := jsObject.Invoke(v).Get("length").Int(); n > session.MaxImportSize {
				return nil, input.Errorf(input.TooLarge, "file", "is at least %d bytes; at most %d are accepted", n, session.MaxImportSize)
			}
			data := []byte(v.String())
			return func(ctx context.Context) (js.Value, error) {
				r, err := svc.Import(ctx, data)
				if err != nil {
					return js.Value{}, err
				}
				return jsValue(r.Document())
			}, nil
		}},
		{"saveCurrent", func(args []js.Value) (asyncWork, error) {
			lab, err := labArg(args, 0)
			if err != nil {
				return nil, err
			}
			state, err := object("state", arg(args, 1))
			return func(ctx context.Context) (js.Value, error) { return jsonValue(svc.SaveCurrent(ctx, lab, state)) }, err
		}},
		{"loadCurrent", func(args []js.Value) (asyncWork, error) {
			lab, err := labArg(args, 0)
			return func(ctx context.Context) (js.Value, error) {
				b, err := svc.LoadCurrent(ctx, lab)
				if b == nil || err != nil {
					return js.Null(), err // null: nothing fitting was saved for the lab
				}
				return parseJSON(b), nil
			}, err
		}},
		// ready waits for the first open to settle, or for openTimeout when
		// another tab is holding the database.
		{"ready", func([]js.Value) (asyncWork, error) {
			return func(ctx context.Context) (js.Value, error) {
				ctx, cancel := context.WithTimeout(ctx, openTimeout)
				defer cancel()
				w := svc.Ready(ctx)
				return js.ValueOf(map[string]any{"storage": w.Kind, "storageNote": w.Note}), nil
			}, nil
		}},
	} {
		obj.Set(f.name, asyncFunc("sessions."+f.name, f.h))
	}
	return obj
}

// byID is the handler of a function whose one argument is a session id.
func byID(f func(ctx context.Context, id string) (js.Value, error)) asyncHandler {
	return func(args []js.Value) (asyncWork, error) {
		id, err := idArg(args, 0)
		return func(ctx context.Context) (js.Value, error) { return f(ctx, id) }, err
	}
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

func labArg(args []js.Value, i int) (*session.LabInfo, error) {
	id, err := str("lab", arg(args, i))
	if err != nil {
		return nil, err
	}
	return session.LookupLab(id)
}

// jsValue converts a generic value to a plain JavaScript object with its keys
// in sorted order, the same for every call.
func jsValue(v any) (js.Value, error) { return jsonValue(jsontext.Marshal(v)) }

// jsonValue is JSON.parse of b, unless err.
func jsonValue(b []byte, err error) (js.Value, error) {
	if err != nil {
		return js.Value{}, err
	}
	return parseJSON(b), nil
}

// sessionValue is the stored form of ss as a plain object: JSON.parse of its
// encoding, so what the page gets back round-trips exactly.
func sessionValue(ss session.Session, err error) (js.Value, error) {
	if err != nil {
		return js.Value{}, err
	}
	return jsonValue(session.Encode(ss))
}

func stringValue(b []byte, err error) (js.Value, error) {
	if err != nil {
		return js.Value{}, err
	}
	return js.ValueOf(string(b)), nil
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
