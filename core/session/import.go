package session

import (
	"context"
	"errors"
	"sort"

	"github.com/klplayground/klplay/core/input"
)

// importAttempts bounds how often Import plans again when another tab keeps
// adding the ids it planned.
const importAttempts = 3

// Added is a session an import stored. OriginalID is the id the file gave it,
// set only when it was stored under a new one (its id was taken by a
// different session).
type Added struct {
	Summary
	OriginalID string
}

// Imported is the outcome of an import: what was added, in file order, and
// what was skipped, by position in the file.
type Imported struct {
	Added   []Added
	Skipped []Skip
}

// Document returns the skip as the page gets it: {index, id?, name?, reason}.
func (sk Skip) Document() map[string]any {
	m := map[string]any{"index": sk.Index, "reason": sk.Reason}
	if sk.ID != "" {
		m["id"] = sk.ID
	}
	if sk.Name != "" {
		m["name"] = sk.Name
	}
	return m
}

// Document returns r as the page gets it: {added: [summary with originalId?],
// skipped: [skip]}.
func (r Imported) Document() map[string]any {
	added := make([]any, len(r.Added))
	for i, a := range r.Added {
		d := a.Summary.Document()
		if a.OriginalID != "" {
			d["originalId"] = a.OriginalID
		}
		added[i] = d
	}
	skipped := make([]any, len(r.Skipped))
	for i, sk := range r.Skipped {
		skipped[i] = sk.Document()
	}
	return map[string]any{"added": added, "skipped": skipped}
}

// Import adds the sessions of an export file (ParseExport) beside the stored
// ones, as Plan decides: new ids are added, sessions already there are
// skipped, and a different session under a taken id is added under a new id.
// A file that is not an export fails and changes nothing; a session of the
// file that does not decode is skipped with its reason.
//
// The plan is made against what is stored, then written in one transaction
// that adds and never overwrites: if another tab stored one of the ids in
// between, the write fails whole and the plan is made again. After
// importAttempts such failures Import gives up with Conflict, having added
// nothing.
func (s *Service) Import(ctx context.Context, data []byte) (Imported, error) {
	incoming, fileSkips, err := ParseExport(data)
	if err != nil {
		return Imported{}, err
	}
	for attempt := 1; ; attempt++ {
		stored, err := s.List(ctx)
		if err != nil {
			return Imported{}, err
		}
		existing := make(map[string]Session, len(stored.Sessions))
		for _, ss := range stored.Sessions {
			existing[ss.ID] = ss
		}
		add, planSkips := Plan(incoming, existing, s.newID)
		recs := make([]Record, len(add))
		for i, ss := range add {
			b, err := Encode(ss)
			if err != nil {
				return Imported{}, err
			}
			recs[i] = Record{ID: ss.ID, Doc: b}
		}
		if len(recs) > 0 {
			err = s.run(func(st Store) error { return st.AddAll(ctx, recs) })
		}
		switch {
		case err == nil:
			for _, ss := range add {
				s.remember(ss)
			}
			return describeImport(incoming, fileSkips, add, planSkips), nil
		case !errors.Is(err, ErrTaken):
			return Imported{}, err
		case attempt == importAttempts:
			return Imported{}, input.Errorf(Conflict, "file", "another tab kept adding the same sessions; nothing was imported, try again")
		}
	}
}

// describeImport maps the plan back to the file: Plan numbers the sessions that
// parsed, ParseExport skipped the others, and the reader wants positions in the
// file and the ids it gave.
func describeImport(incoming []Session, fileSkips []Skip, add []Session, planSkips []Skip) Imported {
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
	r := Imported{Skipped: append([]Skip{}, fileSkips...), Added: make([]Added, 0, len(add))}
	for _, sk := range planSkips {
		planSkipped[sk.Index] = true
		sk.Index = fileIndex[sk.Index]
		r.Skipped = append(r.Skipped, sk)
	}
	sort.SliceStable(r.Skipped, func(i, j int) bool { return r.Skipped[i].Index < r.Skipped[j].Index })
	k := 0
	for i := range incoming {
		if planSkipped[i] {
			continue
		}
		a := Added{Summary: add[k].Summarize()}
		if add[k].ID != incoming[i].ID {
			a.OriginalID = incoming[i].ID
		}
		k++
		r.Added = append(r.Added, a)
	}
	return r
}
