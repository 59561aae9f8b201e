package session

import (
	"time"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/jsontext"
)

// Conflict is the code of a save refused because the stored copy of the session
// is newer than the one being saved (another tab changed it since it was read).
const Conflict input.Code = "conflict"

// Revise decides what a store writes when in is saved. stored is the record
// held under in.ID as JSON text, or nil when there is none; now is the
// writer's clock in milliseconds; fresh says the session came without an id
// (one was just generated, so a stored record means the id collided).
//
//   - No stored record: in is written, created at now unless it carries an
//     earlier creation time (an undo of a delete keeps its own).
//   - A stored record whose updated time is later than in's: refused with
//     Conflict, unless force, so a stale copy never silently overwrites newer
//     work. A damaged record counts by its updated time if it has one, else 0.
//   - Otherwise in replaces it, keeping the stored creation time.
//
// The updated time written is NextUpdated(now, stored's, created).
func Revise(in Session, stored []byte, now float64, fresh, force bool) (Session, error) {
	out := in
	if stored == nil {
		if out.Created <= 0 || out.Created > now {
			out.Created = now
		}
		out.Updated = NextUpdated(now, 0, out.Created)
		return out, nil
	}
	if fresh {
		return Session{}, input.Errorf(Conflict, "id", "the new id %q is already taken; save again", in.ID)
	}
	prevUpdated := storedUpdated(stored)
	if in.Updated < prevUpdated && !force {
		return Session{}, input.Errorf(Conflict, "updated",
			"session %q was changed elsewhere (another tab?) after this copy was read: the stored version is from %s, this one from %s. Reload it, or save with {force: true} to overwrite",
			in.ID, msTime(prevUpdated), msTime(in.Updated))
	}
	if prev, err := Decode(stored); err == nil {
		out.Created = prev.Created
	}
	out.Updated = NextUpdated(now, prevUpdated, out.Created)
	return out, nil
}

// NextUpdated is the time a write stamps: now, but always after the stored
// time (so a stale copy saved within the same millisecond is still caught) and
// never before the creation time.
func NextUpdated(now, stored, created float64) float64 {
	t := now
	if stored >= t {
		t = stored + 1
	}
	return max(t, created)
}

// storedUpdated reads the updated time of a stored record, readable or not
// (a version 1 record keeps its time as a string; a damaged one may have none).
func storedUpdated(doc []byte) float64 {
	if v, err := jsontext.Parse(doc); err == nil {
		if m, ok := v.(map[string]any); ok {
			if f, ok := m["updated"].(float64); ok {
				return f
			}
		}
	}
	if s, err := Decode(doc); err == nil {
		return s.Updated
	}
	return 0
}

func msTime(ms float64) string {
	if ms <= 0 {
		return "no time"
	}
	return time.UnixMilli(int64(ms)).UTC().Format("2006-01-02 15:04:05.000 UTC")
}
