package session

import (
	"context"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/jsontext"
)

// LookupLab returns the lab with the given id, or an UnknownName error on
// "lab" when this playground has none.
func LookupLab(id string) (*LabInfo, error) {
	lab, ok := Lab(id)
	if !ok {
		return nil, input.Errorf(input.UnknownName, "lab", "is %q, which is not a lab of this playground", id)
	}
	return lab, nil
}

// SaveCurrent keeps state as the autosave of lab (from LookupLab), replacing
// the last one, and returns what was stored as JSON:
//
//	{"lab": lab.ID, "state": state, "updated": stamp}
//
// A state the lab's schema refuses fails with the schema's error, and one whose
// JSON exceeds MaxStateSize bytes with TooLarge on "state"; nothing is stored.
func (s *Service) SaveCurrent(ctx context.Context, lab *LabInfo, state map[string]any) ([]byte, error) {
	if err := lab.Validate(state); err != nil {
		return nil, err
	}
	if b, err := jsontext.Marshal(state); err != nil || len(b) > MaxStateSize {
		return nil, input.Errorf(input.TooLarge, "state", "is larger than %d bytes", MaxStateSize)
	}
	b, err := jsontext.Marshal(map[string]any{"lab": lab.ID, "state": state, "updated": s.stamp()})
	if err != nil {
		return nil, err
	}
	if err := s.run(func(st Store) error { return st.PutCurrent(ctx, lab.ID, b) }); err != nil {
		return nil, err
	}
	return b, nil
}

// LoadCurrent returns the autosave of lab as SaveCurrent stored it, or nil when
// there is none or when it no longer fits (not of that shape, or a state the
// lab's schema now refuses): the page then starts from the defaults. Only the
// store's failure is an error.
func (s *Service) LoadCurrent(ctx context.Context, lab *LabInfo) ([]byte, error) {
	var doc []byte
	if err := s.run(func(st Store) (err error) {
		doc, err = st.GetCurrent(ctx, lab.ID)
		return err
	}); err != nil {
		return nil, err
	}
	if doc == nil || !fitsAutosave(doc, lab) {
		return nil, nil
	}
	return doc, nil
}

// fitsAutosave reports whether doc is an autosave of lab whose state the lab
// accepts: exactly the fields lab, state and updated (a number).
func fitsAutosave(doc []byte, lab *LabInfo) bool {
	c, ok := parseDoc(doc)
	state, _ := c["state"].(map[string]any)
	_, isTime := c["updated"].(float64)
	return ok && len(c) == 3 && c["lab"] == lab.ID && isTime && state != nil && lab.Validate(state) == nil
}
