package mle

import (
	"math"

	"github.com/klplayground/klplay/core/distribution"
	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

// Rules are the MLE lab's cross-field rules: the rate or shape a of the
// exponential, gamma and poisson truths is positive, and at most 20
// (exponential, gamma) or 50 (poisson); the location a of the others lies in
// [−10, 10] ([0, 10] for the mixture, whose modes are at ±a).
//
// Errors: input.OutOfRange naming "state.a".
func Rules(st session.State) error {
	truth, a := st.Enum("truth"), st.Number("a")
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

// StoreSize is the number of data sets a Store keeps.
const StoreSize = 4

// Store keeps the MLE lab's data sets between calls, behind handles. Data
// decodes (pasted text) or draws (a true distribution) a data set once and
// returns its handle; Frame, called once per update and once per animation
// frame, names the handle instead of sending up to 10⁶ values again: a frame
// then costs what the model needs (O(1) for most families, thanks to the
// sufficient statistics Data keeps), not a copy and a sort of the sample.
// The last StoreSize data sets are kept, so switching back and forth is
// free; an older handle is an error the page answers by calling Data again.
//
// The zero Store is ready to use; it is not safe for concurrent use.
type Store struct {
	sets  map[int]*entry
	order []int // handles, oldest first
	last  int   // the last handle given; handles start at 1
}

type entry struct {
	data  *Data
	truth distribution.Dist // nil for the reader's own numbers
	raw   []float64         // the sample in draw order (for the sample-size study); nil for pasted data
	h     float64           // H(truth), once computed
	hOK   bool
}

// add keeps e and returns its handle, dropping the oldest set past StoreSize.
func (s *Store) add(e *entry) int {
	if s.sets == nil {
		s.sets = map[int]*entry{}
	}
	s.last++
	s.sets[s.last] = e
	s.order = append(s.order, s.last)
	if len(s.order) > StoreSize {
		delete(s.sets, s.order[0])
		s.order = s.order[1:]
	}
	return s.last
}

// Data loads a data set for the state {source, truth, a, b, n, seed, model,
// lr, bins, reference} and the option text: with text, the reader's numbers
// (ParseData); without, n draws from the state's truth with parameters a, b
// and the state's seed (Truth, Sample). It returns the set's handle and
// summary:
//
//	{handle: int, n: int, header (the text's, or ""), min, max, mean,
//	 std: float64, integer, positive, nonNegative: bool}
//
// Errors: those of ParseData, Truth, Sample and NewData; text not a string
// ("opts.text").
func (s *Store) Data(st session.State, opts session.Options) (map[string]any, error) {
	e := &entry{}
	text, pasted, err := opts.Text("text")
	if err != nil {
		return nil, err
	}
	header := ""
	var xs []float64
	if pasted {
		if xs, header, err = ParseData(text); err != nil {
			return nil, err
		}
	} else {
		if e.truth, err = Truth(st.Enum("truth"), st.Number("a"), st.Number("b")); err != nil {
			return nil, err
		}
		if xs, err = Sample(e.truth, st.Int("n"), uint64(st.Int("seed"))); err != nil {
			return nil, err
		}
		e.raw = xs
	}
	if e.data, err = NewData(xs); err != nil {
		return nil, err
	}
	d := e.data
	return map[string]any{
		"handle": s.add(e), "n": d.N, "header": header, "min": d.Min, "max": d.Max, "mean": d.Mean, "std": d.Std(),
		"integer": d.Integer, "positive": d.Positive, "nonNegative": d.NonNeg,
	}, nil
}

// Frame is the MLE lab's answer for the state and the options {data (a
// handle from Data), theta (null: the model's start), steps, study, closed
// (default true; false skips the closed form, e.g. on animation frames)}. It
// fits the state's model, or a normal where the data cannot take that model
// (Usable; the result's model says which), steps gradient-ascent steps of
// the mean log-likelihood with learning rate lr from theta, and measures the
// fit against the reference P_data of the state: the sampled truth, or the
// histogram of bins bins (always for pasted data). Minimising the mean NLL
// minimises KL(P_data‖P_θ): the two differ by the constant H(P_data),
// gap = NLL − KL (see Eval). It returns
//
//	{model, theta, params, names, nll, kl, h, gap, kind, method, binnedNLL,
//	 curveX, curveY (the model's density on 240 points), truthX, truthY (the
//	 truth's; null for pasted data), histEdges, histDensity,
//	 closed: {params, nll, kl, method} (the closed-form fit; null without
//	         one; absent with closed: false),
//	 study: {n, kl, params: [one array per parameter]} (with study: true,
//	        for sampled data: the fit on the first n values as n grows; else null)}
//
// Errors: a handle that is not loaded (input.Invalid, "opts.data"); those of
// NewModel, Ascend, Evaluate, Curve and Study; an option of the wrong type.
func (s *Store) Frame(st session.State, opts session.Options) (map[string]any, error) {
	hv, err := opts.Number("data", 0)
	if err != nil {
		return nil, err
	}
	e := s.sets[int(hv)]
	if e == nil || hv != float64(int(hv)) {
		return nil, input.Errorf(input.Invalid, "opts.data", "is not a data set that is still loaded; call mleData again")
	}
	family := Usable(st.Enum("model"), e.data)
	m, err := NewModel(family, e.data)
	if err != nil {
		return nil, err
	}
	th, err := opts.Floats("theta")
	if err != nil {
		return nil, err
	}
	if th == nil {
		th = m.Init()
	}
	steps, err := opts.Count("steps", 0, 1e9)
	if err != nil {
		return nil, err
	}
	if steps > 0 {
		if th, _, err = m.Ascend(th, st.Number("lr"), steps); err != nil {
			return nil, err
		}
	}
	ref := Reference{Bins: st.Int("bins")}
	if st.Enum("reference") == "truth" && e.truth != nil {
		ref.Truth = e.truth
		if !e.hOK {
			if hr, err := distribution.Entropy(e.truth, distribution.Options{Base: math.E}); err == nil {
				e.h, e.hOK = hr.Value, true
			}
		}
		ref.TruthH, ref.TruthHKnown = e.h, e.hOK
	}
	ev, err := m.Evaluate(th, ref)
	if err != nil {
		return nil, err
	}
	lo, hi := m.Range()
	cx, cy, err := m.Curve(th, lo, hi, 240)
	if err != nil {
		return nil, err
	}
	edges, _, density := e.data.Histogram(ref.Bins)
	names := m.Names()
	nameList := make([]any, len(names))
	for i, n := range names {
		nameList[i] = n
	}
	out := map[string]any{
		"model": family, "theta": th, "params": ev.Params, "names": nameList,
		"nll": ev.NLL, "kl": ev.KL, "h": ev.H, "gap": ev.NLL - ev.KL, "kind": ev.Kind, "method": ev.Method, "binnedNLL": ev.BinnedNLL,
		"curveX": cx, "curveY": cy,
		"histEdges": edges, "histDensity": density,
		"closed": nil, "study": nil, "truthX": nil, "truthY": nil,
	}
	if e.truth != nil {
		if tx, ty, err := distribution.Grid(e.truth, lo, hi, 240); err == nil {
			out["truthX"], out["truthY"] = tx, ty
		}
	}
	wantClosed := true
	if opts.Has("closed") {
		if wantClosed, err = opts.Bool("closed"); err != nil {
			return nil, err
		}
	}
	if !wantClosed {
		delete(out, "closed") // the page keeps the last one
	} else if ct, method, ok := m.ClosedForm(); ok {
		if ce, err := m.Evaluate(ct, ref); err == nil {
			out["closed"] = map[string]any{"params": ce.Params, "nll": ce.NLL, "kl": ce.KL, "method": method}
		}
	}
	study, err := opts.Bool("study")
	if err != nil {
		return nil, err
	}
	if study && e.raw != nil {
		pts, err := Study(family, e.truth, e.raw)
		if err != nil {
			return nil, err
		}
		if pts != nil {
			ns, kls := make([]float64, len(pts)), make([]float64, len(pts))
			params := make([]any, m.Len())
			for j := range params {
				col := make([]float64, len(pts))
				for i, p := range pts {
					col[i] = p.Params[j]
				}
				params[j] = col
			}
			for i, p := range pts {
				ns[i], kls[i] = float64(p.N), p.KL
			}
			out["study"] = map[string]any{"n": ns, "kl": kls, "params": params}
		}
	}
	return out, nil
}
