package gaussfit

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

// labState decodes raw against the fit lab's schema and applies Rules, as
// session's Validate does once core/labs has registered them.
func labState(raw map[string]any) (session.State, error) {
	lab, _ := session.Lab("fit")
	st, err := lab.Decode(raw)
	if err != nil {
		return st, err
	}
	return st, Rules(st)
}

func codeArg(err error) (input.Code, string) {
	var ie *input.Error
	if errors.As(err, &ie) {
		return ie.Code, ie.Arg
	}
	return "", ""
}

func TestFrame(t *testing.T) {
	var l Lab
	st, err := labState(map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := l.Frame(st, session.Options{})
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"entropyP", "forward", "handles", "moments", "p", "qForward", "qReverse", "qStart", "reverse", "scores", "xs"}
	got := make([]string, 0, len(f))
	for k := range f {
		got = append(got, k)
	}
	if slices.Sort(got); !slices.Equal(got, keys) {
		t.Errorf("keys %v", got)
	}
	// The default target ½N(−3, 0.7²) + ½N(3, 0.9²): mean 0, variance ½(0.49 + 9) + ½(0.81 + 9).
	m := f["moments"].(map[string]any)
	if m["mu"].(float64) > 1e-15 || !near(m["sigma"].(float64), math.Sqrt(9.65), 1e-14) {
		t.Errorf("moments %v", m)
	}
	fw := f["forward"].(map[string]any)
	if fw["mu"] != -1.0 || fw["sigma"] != 0.7 || len(fw["values"].([]float64)) != 0 || len(fw["grad"].([]float64)) != 2 {
		t.Errorf("no steps: the fit is the start, got %v", fw)
	}
	if xs := f["xs"].([]float64); len(xs) != plotPoints || xs[0] != plotLo || xs[len(xs)-1] != plotHi {
		t.Errorf("grid of %d points from %v", len(xs), xs[0])
	}
	if h := f["handles"].(map[string]any); !slices.Equal(h["mean"].([]float64), []float64{-3, 3}) {
		t.Errorf("handles %v", h)
	}
	target := l.target

	// Five steps from where the page left the forward fit; reverse from the start.
	f, err = l.Frame(st, session.NewOptions(map[string]any{"steps": 5.0, "forward": map[string]any{"mu": 1.0, "sigma": 2.0}}))
	if err != nil {
		t.Fatal(err)
	}
	fw, rv := f["forward"].(map[string]any), f["reverse"].(map[string]any)
	if vs := fw["values"].([]float64); len(vs) != 5 || fw["kl"].(float64) >= vs[0] {
		t.Errorf("forward: %v", fw)
	}
	if vs := rv["values"].([]float64); len(vs) != 5 || !near(vs[0], f0(t, &l, st), 1e-12) {
		t.Errorf("reverse did not start at the start: %v", rv)
	}
	if l.target != target {
		t.Error("the same target was built again")
	}
	other, _ := labState(map[string]any{"target": []any{0.2, -2.0, 1.0, 0.5, 2.0, 1.0, 0.3, 0.0, 0.5}})
	if _, err := l.Frame(other, session.Options{}); err != nil || l.target == target || len(l.target.Mix.Components) != 3 {
		t.Errorf("another target: %v", err)
	}

	for _, c := range []struct {
		opts map[string]any
		code input.Code
		arg  string
	}{
		{map[string]any{"steps": "5"}, input.WrongType, "opts.steps"},
		{map[string]any{"forward": map[string]any{"mu": "a"}}, input.WrongType, "opts.forward.mu"},
		{map[string]any{"reverse": map[string]any{"sigma": true}}, input.WrongType, "opts.reverse.sigma"},
		{map[string]any{"reverse": 5.0}, input.WrongType, "opts.reverse"},
		{map[string]any{"steps": float64(MaxStepsPerCall + 1)}, input.OutOfRange, "steps"},
	} {
		if code, arg := codeArg(frameErr(l.Frame(st, session.NewOptions(c.opts)))); code != c.code || arg != c.arg {
			t.Errorf("%v: %s on %s, want %s on %s", c.opts, code, arg, c.code, c.arg)
		}
	}
	lab, _ := session.Lab("fit")
	bad, _ := lab.Decode(map[string]any{"target": []any{0.5, -2.0, 1.0, 0.5, 2.0, 0.0}})
	if _, err := l.Frame(bad, session.Options{}); err == nil {
		t.Error("a component with σ = 0 gave a frame")
	}
}

// Each fit scored both ways, after both have converged on the default two-mode
// target: each wins its own objective and loses the other's, and the forward
// fit, moment-matched, scores log σ_p + ½ log 2πe − H(P) under KL(P‖Q).
func TestScores(t *testing.T) {
	var l Lab
	st, err := labState(map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := l.Frame(st, session.NewOptions(map[string]any{"steps": 400.0}))
	if err != nil {
		t.Fatal(err)
	}
	sc := f["scores"].(map[string]any)
	cover, seek := sc["forward"].(map[string]any), sc["reverse"].(map[string]any)
	fw, rv := f["forward"].(map[string]any), f["reverse"].(map[string]any)
	if cover["forward"] != fw["kl"] || seek["reverse"] != rv["kl"] {
		t.Errorf("each fit's own score is its objective: %v vs %v, %v vs %v", cover["forward"], fw["kl"], seek["reverse"], rv["kl"])
	}
	if !(cover["forward"].(float64) < seek["forward"].(float64)) {
		t.Errorf("KL(P‖Q): the mode-covering fit %v should beat the mode-seeking %v", cover["forward"], seek["forward"])
	}
	if !(seek["reverse"].(float64) < cover["reverse"].(float64)) {
		t.Errorf("KL(Q‖P): the mode-seeking fit %v should beat the mode-covering %v", seek["reverse"], cover["reverse"])
	}
	want := 0.5*math.Log(9.65) + 0.5*math.Log(2*math.Pi*math.E) - f["entropyP"].(float64)
	if !near(cover["forward"].(float64), want, 1e-9) {
		t.Errorf("the moment-matched fit scores %v under KL(P‖Q), want %v", cover["forward"], want)
	}
	// The mode-seeking fit sits on one mode, N(−3, 0.7²) from the default start μ = −1:
	// about log 2 from the mixture's half weight under KL(Q‖P).
	if r := seek["reverse"].(float64); math.Abs(r-math.Ln2) > 0.01 {
		t.Errorf("the mode-seeking fit scores %v under KL(Q‖P), want about log 2", r)
	}
	// The Small mode preset: from μ = 1.5 the seeking fit takes the mode of weight
	// 0.2, where KL(Q‖P) ≈ −log 0.2 (p ≈ 0.2·q under q): above the covering
	// fit's, so it loses both columns.
	small, _ := labState(map[string]any{"target": []any{0.8, -2.0, 0.8, 0.2, 3.0, 0.6}, "startMu": 1.5})
	f, err = l.Frame(small, session.NewOptions(map[string]any{"steps": 400.0}))
	if err != nil {
		t.Fatal(err)
	}
	sc = f["scores"].(map[string]any)
	cover, seek = sc["forward"].(map[string]any), sc["reverse"].(map[string]any)
	if r := seek["reverse"].(float64); math.Abs(r+math.Log(0.2)) > 0.01 || r < cover["reverse"].(float64) || seek["forward"].(float64) < cover["forward"].(float64) {
		t.Errorf("on the small mode: seeking %v, covering %v; want about −log 0.2 = %v under KL(Q‖P), losing both", seek, cover, -math.Log(0.2))
	}
}

// f0 is the reverse objective at the state's start.
func f0(t *testing.T, l *Lab, st session.State) float64 {
	t.Helper()
	kl, _ := l.target.Objective(Gaussian{Mu: st.Number("startMu"), Sigma: st.Number("startSigma")}, Reverse)
	return kl
}

func frameErr(_ map[string]any, err error) error { return err }

func TestRules(t *testing.T) {
	cases := []struct {
		state map[string]any
		code  input.Code
		arg   string
	}{
		{map[string]any{"target": []any{0.5, -2.0, 1.0, 0.5, 2.0}}, input.OutOfRange, "state.target"},
		{map[string]any{"target": []any{0.5, -2.0, 1.0, 0.5, 2.0, 1.0, 1.0, 1.0}}, input.LengthMismatch, "state.target"},
		{map[string]any{"target": []any{0.5, -2.0, 1.0, 0.5, 2.0, 0.0}}, input.OutOfRange, "state.target.components[1].sigma"},
		{map[string]any{"target": []any{0.0, -2.0, 1.0, 0.0, 2.0, 1.0}}, input.Invalid, "state.target.weights"},
		{map[string]any{"target": []any{0.2, -2.0, 1.0, 0.5, 2.0, 1.0, 0.3, 0.0, 0.5}, "lr": 0.5}, "", ""},
	}
	for i, c := range cases {
		_, err := labState(c.state)
		if code, arg := codeArg(err); code != c.code || arg != c.arg {
			t.Errorf("case %d: got %s on %q, want %s on %q", i, code, arg, c.code, c.arg)
		}
	}
}
