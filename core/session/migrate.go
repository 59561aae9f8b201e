package session

import (
	"github.com/klplayground/klplay/core/input"
)

// migrations[v] turns a version-v document into a version-(v+1) one. Each works
// on the generic JSON form, so old documents need no Go types of their own.
var migrations = map[int]func(map[string]any) (map[string]any, error){
	1: migrateV1,
}

// Migrate brings a parsed document of any known version up to Version. A missing
// version, an unknown one or a newer one than this build reads is an error; the
// document passed in is not modified.
func Migrate(doc map[string]any) (map[string]any, error) {
	vf, ok := doc["version"].(float64)
	if !ok {
		return nil, input.Errorf(input.WrongType, "version", "is missing or not a number")
	}
	v := int(vf)
	if float64(v) != vf || v < 1 {
		return nil, input.Errorf(input.OutOfRange, "version", "is %v; versions are whole numbers from 1", vf)
	}
	if v > Version {
		return nil, input.Errorf(input.OutOfRange, "version", "is %d, newer than this playground (version %d); update the page to open it", v, Version)
	}
	out := make(map[string]any, len(doc))
	for k, x := range doc {
		out[k] = x
	}
	for ; v < Version; v++ {
		var err error
		if out, err = migrations[v](out); err != nil {
			return nil, err
		}
		out["version"] = float64(v + 1)
	}
	return out, nil
}

// UpgradeRecord decides what the storage upgrade from database version 1 does
// with one stored record: for a version 1 document that migrates it returns
// the current encoding and true; for anything else (a current document, one
// that is not JSON, one that does not migrate) nil and false, and the record is
// left as it was, for List to report when it is damaged.
func UpgradeRecord(doc []byte) ([]byte, bool) {
	if peek, ok := parseDoc(doc); !ok || peek["version"] != float64(1) {
		return nil, false
	}
	s, err := Decode(doc)
	if err != nil {
		return nil, false
	}
	b, err := Encode(s)
	return b, err == nil
}

// migrateV1: version 1 called the name "title" and wrote times as RFC 3339
// strings; version 2 says "name" and writes milliseconds since the epoch, which
// sort and compare as numbers in IndexedDB's index on updated.
func migrateV1(doc map[string]any) (map[string]any, error) {
	if title, ok := doc["title"]; ok {
		if _, has := doc["name"]; !has {
			doc["name"] = title
		}
		delete(doc, "title")
	}
	for _, k := range []string{"created", "updated"} {
		s, ok := doc[k].(string)
		if !ok {
			return nil, input.Errorf(input.WrongType, k, "must be an RFC 3339 time in a version 1 session")
		}
		ms, ok := parseRFC3339(s)
		if !ok {
			return nil, input.Errorf(input.Invalid, k, "is not an RFC 3339 time: %q", truncate(s, 40))
		}
		doc[k] = ms
	}
	return doc, nil
}
