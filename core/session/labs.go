package session

import (
	"embed"
	"errors"
	"math"
	"path"
	"sort"
	"strconv"

	"github.com/klplayground/klplay/core/continuous"
	"github.com/klplayground/klplay/core/input"
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
}

// extraChecks hold what a schema cannot say: relations between fields.
var extraChecks = map[string]func(map[string]any) error{
	"divergence":         checkDivergence,
	"cross-entropy":      checkCrossEntropy,
	"mle":                checkMLE,
	"continuous":         checkContinuous,
	"fit":                checkFit,
	"mutual-information": checkMutualInformation,
	"trust-region":       checkTrustRegion,
	"gan":                checkGan,
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

// Labs returns every lab, sorted by id.
func Labs() []*LabInfo {
	out := make([]*LabInfo, 0, len(labs))
	for _, l := range labs {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
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

// checkCrossEntropy: one name per logit (when names are given), and the label
// and every example of the batch name a class, as whole numbers below the
// number of classes.
func checkCrossEntropy(state map[string]any) error {
	z, _ := state["logits"].([]any)
	k := len(z)
	if k == 0 {
		k = 2 // the default logits
	}
	if names, ok := state["names"].([]any); ok && len(names) > 0 && len(names) != k {
		return input.Errorf(input.LengthMismatch, "state.names", "has %d entries but there are %d logits", len(names), k)
	}
	class := func(arg string, v any) error {
		x, ok := v.(float64)
		if ok && (x != math.Trunc(x) || x < 0 || x >= float64(k)) {
			return input.Errorf(input.OutOfRange, arg, "is %v; with %d classes it must be a whole number from 0 to %d", x, k, k-1)
		}
		return nil
	}
	if err := class("state.label", state["label"]); err != nil {
		return err
	}
	batch, _ := state["batch"].([]any)
	for i, v := range batch {
		if err := class("state.batch["+strconv.Itoa(i)+"]", v); err != nil {
			return err
		}
	}
	return nil
}

// checkContinuous: each side's parameters suit its family (continuous.FromParams
// decides), and P and Q are both densities or both mass functions.
func checkContinuous(state map[string]any) error {
	var kinds [2]int // 0 unknown, 1 density, 2 mass function
	for i, side := range []string{"p", "q"} {
		fam, ok := state[side+"Family"].(string)
		if !ok {
			fam = "normal"
		}
		raw, ok := state[side].([]any)
		if !ok {
			continue
		}
		xs := make([]float64, len(raw))
		for j, v := range raw {
			xs[j], _ = v.(float64)
		}
		d, err := continuous.FromParams("state."+side, fam, xs)
		if err != nil {
			return err
		}
		kinds[i] = 1
		if d.Discrete() {
			kinds[i] = 2
		}
	}
	if kinds[0] != 0 && kinds[1] != 0 && kinds[0] != kinds[1] {
		return input.Errorf(input.Invalid, "state.qFamily", "is a %s but P is a %s; both must be densities or both mass functions", kindName(kinds[1]), kindName(kinds[0]))
	}
	return nil
}

// checkMutualInformation: the flat joint table has rows × cols cells.
func checkMutualInformation(state map[string]any) error {
	rows, _ := state["rows"].(float64)
	cols, _ := state["cols"].(float64)
	cells, _ := state["distribution"].([]any)
	if len(cells) != int(rows)*int(cols) {
		return input.Errorf(input.LengthMismatch, "state.distribution", "has %d cells but rows × cols = %v × %v = %v", len(cells), rows, cols, rows*cols)
	}
	return nil
}

func kindName(k int) string {
	if k == 2 {
		return "mass function"
	}
	return "density"
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

// checkFit: the target is a mixture of 2 or 3 normals (weight, μ, σ triples)
// that continuous.FromParams accepts.
func checkFit(state map[string]any) error {
	raw, ok := state["target"].([]any)
	if !ok {
		return nil
	}
	if len(raw)%3 != 0 {
		return input.Errorf(input.LengthMismatch, "state.target", "has %d numbers; it needs 3 per component (weight, μ, σ)", len(raw))
	}
	xs := make([]float64, len(raw))
	for i, v := range raw {
		xs[i], _ = v.(float64)
	}
	_, err := continuous.FromParams("state.target", "mixture", xs)
	return err
}

// checkMLE: the rate or shape a of the exponential, gamma and poisson truths
// is positive, and at most 20 (exponential, gamma) or 50 (poisson); the
// location a of the others lies in [−10, 10].
func checkMLE(state map[string]any) error {
	truth, _ := state["truth"].(string)
	a, ok := state["a"].(float64)
	if !ok {
		return nil
	}
	lo, hi := -10.0, 10.0
	switch truth {
	case "exponential", "gamma":
		lo, hi = 0.05, 20
	case "poisson":
		lo, hi = 0.1, 50
	case "mixture":
		lo = 0
	}
	if a < lo || a > hi {
		return input.Errorf(input.OutOfRange, "state.a", "is %v; for a %s truth it must be between %v and %v", a, truth, lo, hi)
	}
	return nil
}
