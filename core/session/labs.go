package session

import (
	"embed"
	"errors"
	"path"
	"sort"
	"strconv"

	"github.com/klplayground/klplay/core/jsontext"
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
	rules  func(State) error
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
		l, err := parseLab(b)
		if err != nil {
			panic("session: labs/" + e.Name() + ": " + err.Error())
		}
		out[l.ID] = l
	}
	return out
}

// Lab returns the lab with the given id.
func Lab(id string) (*LabInfo, bool) {
	l, ok := labs[id]
	return l, ok
}

// RegisterRules sets the cross-field rules of lab id: what its schema cannot
// say, such as "Q has as many entries as P". Decode and Validate run them on
// a state that has passed the schema, its missing fields at their defaults.
// The rules live beside the lab's model, which this package does not import;
// core/labs registers every lab's once, at init.
//
// RegisterRules panics when there is no lab id, when rules is nil, or when
// the lab's rules are already registered.
func RegisterRules(id string, rules func(State) error) {
	l, ok := labs[id]
	switch {
	case !ok:
		panic("session: RegisterRules: no lab " + strconv.Quote(id))
	case rules == nil:
		panic("session: RegisterRules: nil rules for lab " + id)
	case l.rules != nil:
		panic("session: RegisterRules: the rules of lab " + id + " are already registered")
	}
	l.rules = rules
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

// parseLab reads a lab's schema file. Every key is checked, so a typo in a
// schema fails the tests instead of silently dropping a bound.
func parseLab(b []byte) (*LabInfo, error) {
	v, err := jsontext.Parse(b)
	if err != nil {
		return nil, err
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("not an object")
	}
	l := &LabInfo{}
	for k, x := range doc {
		switch k {
		case "id":
			l.ID, ok = x.(string)
		case "title":
			l.Title, ok = x.(string)
		case "fields":
			var list []any
			if list, ok = x.([]any); ok {
				for _, fx := range list {
					f, err := parseField(fx)
					if err != nil {
						return nil, err
					}
					l.Fields = append(l.Fields, f)
				}
			}
		default:
			return nil, errors.New("unknown key " + k)
		}
		if !ok {
			return nil, errors.New(k + " has the wrong type")
		}
	}
	if l.ID == "" || len(l.Fields) == 0 {
		return nil, errors.New("a lab needs an id and fields")
	}
	return l, nil
}

func parseField(v any) (Field, error) {
	doc, ok := v.(map[string]any)
	if !ok {
		return Field{}, errors.New("a field is not an object")
	}
	var f Field
	for k, x := range doc {
		ok = true
		num := func() int { n, isNum := x.(float64); ok = isNum; return int(n) }
		switch k {
		case "name":
			f.Name, ok = x.(string)
		case "type":
			var s string
			s, ok = x.(string)
			f.Kind = Kind(s)
		case "default":
			f.Default = x
		case "min":
			f.Min, ok = x.(float64)
		case "max":
			f.Max, ok = x.(float64)
		case "range":
			var list []any
			if list, ok = x.([]any); ok && len(list) == 2 {
				for _, e := range list {
					r, isNum := e.(float64)
					ok = ok && isNum
					f.Range = append(f.Range, r)
				}
			} else {
				ok = false
			}
		case "minLength":
			f.MinLen = num()
		case "maxLength":
			f.MaxLen = num()
		case "maxChars":
			f.MaxChars = num()
		case "values":
			var list []any
			if list, ok = x.([]any); ok {
				for _, e := range list {
					s, isStr := e.(string)
					ok = ok && isStr
					f.Values = append(f.Values, s)
				}
			}
		default:
			return Field{}, errors.New("field " + f.Name + ": unknown key " + k)
		}
		if !ok {
			return Field{}, errors.New("field " + f.Name + ": " + k + " has the wrong type")
		}
	}
	if f.Name == "" || f.Kind == "" {
		return Field{}, errors.New("a field needs a name and a type")
	}
	return f, nil
}
