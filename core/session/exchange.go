package session

import (
	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/jsontext"
)

// Format names the export file format; ExportVersion is its version.
const (
	Format        = "klplay-sessions"
	ExportVersion = 1
	// MaxImportSize bounds an import file in bytes: far above a thousand
	// sessions (about 2 MB), far below what would stall a page.
	MaxImportSize = 16 << 20
	// MaxImportCount bounds the number of sessions in one file.
	MaxImportCount = 10_000
)

// ExportDocument returns the export file for sessions (each valid), stamped
// with now, as a generic JSON value:
//
//	{"format": "klplay-sessions", "version": 1, "exported": now, "sessions": [...]}
func ExportDocument(sessions []Session, now float64) (map[string]any, error) {
	docs := make([]any, len(sessions))
	for i := range sessions {
		if err := sessions[i].Validate(); err != nil {
			return nil, err
		}
		docs[i] = sessions[i].Document()
	}
	return map[string]any{"format": Format, "version": float64(ExportVersion), "exported": now, "sessions": docs}, nil
}

// EncodeExport is ExportDocument written as indented JSON.
func EncodeExport(sessions []Session, now float64) ([]byte, error) {
	doc, err := ExportDocument(sessions, now)
	if err != nil {
		return nil, err
	}
	return jsontext.Marshal(doc)
}

// Skip is a session of an import that was not added, and why.
type Skip struct {
	Index  int    `json:"index"` // position in the file
	ID     string `json:"id,omitempty"`
	Name   string `json:"name,omitempty"`
	Reason string `json:"reason"`
}

// CheckImportSize refuses a file of more than MaxImportSize bytes before
// anyone parses it.
func CheckImportSize(n int) error {
	if n > MaxImportSize {
		return input.Errorf(input.TooLarge, "file", "is %d bytes; at most %d are accepted", n, MaxImportSize)
	}
	return nil
}

// ParseExportDocument reads a parsed export file. A file that is not an object
// of this format, of a newer version, or with too many sessions is an error and
// yields nothing; within a good file, each session that fails FromDocument is
// skipped with its reason, and the others are returned migrated.
func ParseExportDocument(v any) ([]Session, []Skip, error) {
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, nil, input.Errorf(input.Invalid, "file", "is not a KL Playground export (not a JSON object)")
	}
	if f, _ := doc["format"].(string); f != Format {
		return nil, nil, input.Errorf(input.Invalid, "file", "is not a KL Playground export (its format is %q, not %q)", truncate(f, 40), Format)
	}
	if ver, _ := doc["version"].(float64); ver != ExportVersion {
		return nil, nil, input.Errorf(input.OutOfRange, "file", "has export version %v; this playground reads version %d", ver, ExportVersion)
	}
	list, ok := doc["sessions"].([]any)
	if !ok {
		return nil, nil, input.Errorf(input.WrongType, "file", "has no list of sessions")
	}
	if len(list) > MaxImportCount {
		return nil, nil, input.Errorf(input.TooLarge, "file", "holds %d sessions; at most %d can be imported at once", len(list), MaxImportCount)
	}
	var out []Session
	var skipped []Skip
	for i, item := range list {
		m, ok := item.(map[string]any)
		var s Session
		var err error
		if ok {
			s, err = FromDocument(m)
		} else {
			err = input.Errorf(input.WrongType, "session", "is not a JSON object")
		}
		if err != nil {
			sk := Skip{Index: i, Reason: err.Error()}
			if ok {
				id, _ := m["id"].(string)
				name, _ := m["name"].(string)
				sk.ID, sk.Name = truncate(id, MaxIDLen), truncate(name, MaxNameLen)
			}
			skipped = append(skipped, sk)
			continue
		}
		out = append(out, s)
	}
	return out, skipped, nil
}

// ParseExport is ParseExportDocument on JSON text, after CheckImportSize.
func ParseExport(data []byte) ([]Session, []Skip, error) {
	if err := CheckImportSize(len(data)); err != nil {
		return nil, nil, err
	}
	v, err := jsontext.Parse(data)
	if err != nil {
		return nil, nil, input.Errorf(input.Invalid, "file", "is not a KL Playground export (not valid JSON: %v)", err)
	}
	return ParseExportDocument(v)
}

// Plan decides what an import adds beside the sessions already stored: a
// session whose id is new is added as it is; one whose id exists with the same
// content is skipped as already there; one whose id exists with other content is
// added under a fresh id (from newID), so both are kept side by side and nothing
// is overwritten. Duplicates within the file are treated the same way.
func Plan(incoming []Session, existing map[string]Session, newID func() string) (add []Session, skipped []Skip) {
	seen := make(map[string]Session, len(existing)+len(incoming))
	for id, s := range existing {
		seen[id] = s
	}
	for i, s := range incoming {
		if old, ok := seen[s.ID]; ok {
			if SameContent(old, s) {
				skipped = append(skipped, Skip{Index: i, ID: s.ID, Name: s.Name, Reason: "already there: a session with this id and the same content exists"})
				continue
			}
			s.ID = newID()
		}
		seen[s.ID] = s
		add = append(add, s)
	}
	return add, skipped
}
