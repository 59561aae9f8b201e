package session

import (
	"embed"
	"encoding/json"
	"path"
	"sort"

	"github.com/klplayground/klplay/core/input"
)

// The schema of each lab's state is a JSON file in labs/: embedded here for
// validating sessions, and imported by the page (web/) to build its controls and
// its URL hash. One description serves both, so they cannot drift apart.
//
//go:embed labs/*.json
var labFiles embed.FS

// LabInfo describes one lab: its id, its title and the schema of its state.
type LabInfo struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Fields Schema `json:"fields"`
}

// extraChecks hold what a schema cannot say: relations between fields.
var extraChecks = map[string]func(map[string]any) error{
	"divergence": checkDivergence,
}

var labs = loadLabs()

func loadLabs() map[string]*LabInfo {
	entries, err := labFiles.ReadDir("labs")
	if err != nil {
		panic(err)
	}
	out := map[string]*LabInfo{}
	for _, e := range entries {
		b, err := labFiles.ReadFile(path.Join("labs", e.Name()))
		if err != nil {
			panic(err)
		}
		var l LabInfo
		if err := json.Unmarshal(b, &l); err != nil {
			panic("session: labs/" + e.Name() + ": " + err.Error())
		}
		out[l.ID] = &l
	}
	return out
}

// Lab returns the lab with the given id.
func Lab(id string) (*LabInfo, bool) {
	l, ok := labs[id]
	return l, ok
}

// Labs returns every lab, sorted by id.
func Labs() []*LabInfo {
	out := make([]*LabInfo, 0, len(labs))
	for _, l := range labs {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Validate checks a state against the lab's schema and its cross-field rules.
func (l *LabInfo) Validate(state map[string]any) error {
	if err := l.Fields.Validate(state); err != nil {
		return err
	}
	if check := extraChecks[l.ID]; check != nil {
		return check(state)
	}
	return nil
}

// checkDivergence: P, Q and the category names (when given) have one entry per
// category.
func checkDivergence(state map[string]any) error {
	p, _ := state["p"].([]any)
	for _, k := range []string{"q", "names"} {
		xs, ok := state[k].([]any)
		if !ok || p == nil || (k == "names" && len(xs) == 0) {
			continue
		}
		if len(xs) != len(p) {
			return input.Errorf(input.LengthMismatch, "state."+k, "has %d entries but state.p has %d", len(xs), len(p))
		}
	}
	return nil
}
