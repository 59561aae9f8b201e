//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/klplayground/klplay/core/dist"
	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/mle"
)

// The MLE lab's data stay in Go between calls. mleData decodes (pasted text)
// or draws (a true distribution) a data set once and returns a handle;
// mleLab, called once per update and once per animation frame, names the
// handle instead of sending up to 10⁶ values again. Sending the values once
// per change instead would copy 8 MB into Go and re-sort them for every
// frame of a fit; with a handle a frame costs what the model needs (O(1) for
// most families, thanks to the sufficient statistics mle.Data keeps). The
// last few data sets are kept, so switching back and forth is free; an
// evicted handle is an error the page answers by calling mleData again.
type mleEntry struct {
	data  *mle.Data
	truth dist.Dist // nil for the reader's own numbers
	raw   []float64 // the sample in draw order (for the sample-size study); nil for pasted data
	h     float64   // H(truth), once computed
	hOK   bool
}

const mleKeep = 4

var (
	mleSets  = map[int]*mleEntry{}
	mleOrder []int
	mleNext  = 1
)

// mleData takes the MLE lab's state {source, truth, a, b, n, seed, model,
// lr, bins, reference} and options {text}: with text, the reader's numbers;
// without, a sample of n draws from the state's truth with parameters a, b
// and the state's seed. It returns {handle, n, header, min, max, mean, std,
// integer, positive, nonNegative}.
func mleData(a []js.Value) (any, error) {
	st, err := labState("mle", arg(a, 0))
	if err != nil {
		return nil, err
	}
	o, err := decodeOptions(arg(a, 1))
	if err != nil {
		return nil, err
	}
	e := &mleEntry{}
	header := ""
	var xs []float64
	if t := o.field("text"); !t.IsUndefined() && !t.IsNull() {
		if typeOf(t) != js.TypeString {
			return nil, input.Errorf(input.WrongType, "opts.text", "must be a string, not %s", describe(t))
		}
		if xs, header, err = mle.ParseData(t.String()); err != nil {
			return nil, err
		}
	} else {
		if e.truth, err = mle.Truth(st.Enum("truth"), st.Number("a"), st.Number("b")); err != nil {
			return nil, err
		}
		if xs, err = mle.Sample(e.truth, st.Int("n"), uint64(st.Int("seed"))); err != nil {
			return nil, err
		}
		e.raw = xs
	}
	if e.data, err = mle.NewData(xs); err != nil {
		return nil, err
	}
	h := mleNext
	mleNext++
	mleSets[h] = e
	mleOrder = append(mleOrder, h)
	if len(mleOrder) > mleKeep {
		delete(mleSets, mleOrder[0])
		mleOrder = mleOrder[1:]
	}
	d := e.data
	return map[string]any{
		"handle": h, "n": d.N, "header": header, "min": d.Min, "max": d.Max, "mean": d.Mean, "std": d.Std(),
		"integer": d.Integer, "positive": d.Positive, "nonNegative": d.NonNeg,
	}, nil
}

// mleLab takes the MLE lab's state and options {data: handle, theta (null:
// the model's start), steps, study, closed (default true; false skips the
// closed form, e.g. on animation frames)}. It fits the state's model, or a
// normal where the data cannot take that model (the result's `model` says
// which), with learning rate lr against the reference P_data of the state:
// the sampled truth, or the histogram of `bins` bins (always for pasted data).
// It returns the frame: {model, theta, params, names, nll, kl, h, gap, kind,
// method, binnedNLL, curveX, curveY, truthX, truthY, histEdges, histDensity,
// closed: {params, nll, kl, method} or null, study: {n, kl, params: [per
// parameter]} or null (only when study is true and the data were sampled)}.
func mleLab(a []js.Value) (any, error) {
	st, err := labState("mle", arg(a, 0))
	if err != nil {
		return nil, err
	}
	o, err := decodeOptions(arg(a, 1))
	if err != nil {
		return nil, err
	}
	hv, err := o.number("data", 0)
	if err != nil {
		return nil, err
	}
	e := mleSets[int(hv)]
	if e == nil || hv != float64(int(hv)) {
		return nil, input.Errorf(input.Invalid, "opts.data", "is not a data set that is still loaded; call mleData again")
	}
	family := mle.Usable(st.Enum("model"), e.data)
	m, err := mle.NewModel(family, e.data)
	if err != nil {
		return nil, err
	}
	th := m.Init()
	if t := o.field("theta"); !t.IsUndefined() && !t.IsNull() {
		if th, err = floats("opts.theta", t); err != nil {
			return nil, err
		}
	}
	steps, err := o.count("steps", 0, 1e9)
	if err != nil {
		return nil, err
	}
	if steps > 0 {
		if th, _, err = m.Ascend(th, st.Number("lr"), steps); err != nil {
			return nil, err
		}
	}
	bins := st.Int("bins")
	refName := st.Enum("reference")
	ref := mle.Reference{Bins: bins}
	if refName == "truth" && e.truth != nil {
		ref.Truth = e.truth
		if !e.hOK {
			if hr, err := dist.Entropy(e.truth, dist.Options{}); err == nil {
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
	out := map[string]any{
		"model": family, "theta": toFloat64Array(th), "params": toFloat64Array(ev.Params), "names": stringList(m.Names()),
		"nll": ev.NLL, "kl": ev.KL, "h": ev.H, "gap": ev.NLL - ev.KL, "kind": ev.Kind, "method": ev.Method, "binnedNLL": ev.BinnedNLL,
		"curveX": toFloat64Array(cx), "curveY": toFloat64Array(cy),
		"histEdges": toFloat64Array(edges), "histDensity": toFloat64Array(density),
		"closed": nil, "study": nil, "truthX": nil, "truthY": nil,
	}
	if e.truth != nil {
		if tx, ty, err := dist.Grid(e.truth, lo, hi, 240); err == nil {
			out["truthX"], out["truthY"] = toFloat64Array(tx), toFloat64Array(ty)
		}
	}
	wantClosed := true
	if c := o.field("closed"); typeOf(c) == js.TypeBoolean {
		wantClosed = c.Bool()
	}
	if !wantClosed {
		delete(out, "closed") // undefined in JS: the page keeps the last one
	} else if ct, method, ok := m.ClosedForm(); ok {
		if ce, err := m.Evaluate(ct, ref); err == nil {
			out["closed"] = map[string]any{"params": toFloat64Array(ce.Params), "nll": ce.NLL, "kl": ce.KL, "method": method}
		}
	}
	if study, _ := o.boolean("study"); study && e.raw != nil {
		pts, err := mle.Study(family, e.truth, e.raw)
		if err != nil {
			return nil, err
		}
		if pts != nil {
			ns := make([]float64, len(pts))
			kls := make([]float64, len(pts))
			params := make([]any, m.Len())
			for j := range params {
				col := make([]float64, len(pts))
				for i, p := range pts {
					col[i] = p.Params[j]
				}
				params[j] = toFloat64Array(col)
			}
			for i, p := range pts {
				ns[i], kls[i] = float64(p.N), p.KL
			}
			out["study"] = map[string]any{"n": toFloat64Array(ns), "kl": toFloat64Array(kls), "params": params}
		}
	}
	return out, nil
}

func stringList(xs []string) []any {
	out := make([]any, len(xs))
	for i, s := range xs {
		out[i] = s
	}
	return out
}
