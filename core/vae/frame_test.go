package vae

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/session"
)

func vaeState(t *testing.T, raw map[string]any) session.State {
	t.Helper()
	lab, _ := session.Lab("vae")
	st, err := lab.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestFrame(t *testing.T) {
	var l Lab
	small := vaeState(t, map[string]any{"n": 50.0, "arch": "linear"})
	f, err := l.Frame(small, session.NewOptions(map[string]any{"steps": 2.0, "show": 5.0}))
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"batch", "built", "codes", "data", "epoch", "labels", "logvars", "manifold", "params", "recon", "step", "stepsPerEpoch", "terms", "trace"}
	got := make([]string, 0, len(f))
	for k := range f {
		got = append(got, k)
	}
	if slices.Sort(got); !slices.Equal(got, keys) {
		t.Errorf("keys %v", got)
	}
	// 50 points are one minibatch: two steps are two epochs.
	if f["built"] != true || f["step"] != 2 || f["epoch"] != 2 || f["stepsPerEpoch"] != 1 || f["batch"] != Batch {
		t.Errorf("counters: built %v step %v epoch %v per epoch %v", f["built"], f["step"], f["epoch"], f["stepsPerEpoch"])
	}
	if codes := f["codes"].([]float64); len(codes) != 5*2 {
		t.Errorf("%d codes for 5 points of a 2-d latent", len(codes))
	}
	if data := f["data"].([]float64); len(data) != 100 || len(f["labels"].([]float64)) != 50 {
		t.Errorf("data %d, labels %d", len(data), len(f["labels"].([]float64)))
	}
	tm := f["terms"].(map[string]any)
	if tm["elbo"] != tm["betaElbo"] || tm["kl"] != tm["betaKl"] {
		t.Errorf("β = 1: terms %v", tm)
	}

	// The same model continues; β applies from the next step on, the data are not sent again.
	f, err = l.Frame(vaeState(t, map[string]any{"n": 50.0, "arch": "linear", "beta": 2.0}), session.NewOptions(map[string]any{"steps": 1.0}))
	if err != nil {
		t.Fatal(err)
	}
	tm = f["terms"].(map[string]any)
	if f["built"] != false || f["step"] != 3 || f["data"] != nil || len(f["trace"].(map[string]any)["epoch"].([]float64)) != 1 || tm["betaKl"] != 2*tm["kl"].(float64) {
		t.Errorf("continued: built %v step %v trace %v", f["built"], f["step"], f["trace"])
	}
	// Every point so far: the start and the three steps.
	if f, _ = l.Frame(small, session.NewOptions(map[string]any{"history": true})); len(f["trace"].(map[string]any)["step"].([]float64)) != 4 || f["data"] == nil {
		t.Errorf("history: %v", f["trace"])
	}
	if f, _ = l.Frame(small, session.NewOptions(map[string]any{"reset": true, "epochs": 1.0})); f["built"] != true || f["epoch"] != 1 {
		t.Errorf("reset: built %v epoch %v", f["built"], f["epoch"])
	}

	for _, opts := range []map[string]any{{"steps": -1.0}, {"show": 1e5}, {"reset": "y"}, {"history": 1.0}, {"slot": 5.0}, {"slot": strings.Repeat("x", 300)}} {
		var ie *input.Error
		if _, err := l.Frame(small, session.NewOptions(opts)); !errors.As(err, &ie) {
			t.Errorf("%v: %v", opts, err)
		}
	}
}

func TestFrameSlots(t *testing.T) {
	var l Lab
	st := vaeState(t, map[string]any{"n": 50.0, "arch": "linear"})
	call := func(slot string) bool {
		f, err := l.Frame(st, session.NewOptions(map[string]any{"slot": slot, "show": 0.0}))
		if err != nil {
			t.Fatal(err)
		}
		return f["built"].(bool)
	}
	for i := range MaxSlots {
		if !call("s" + strconv.Itoa(i)) {
			t.Fatalf("slot %d was not built", i)
		}
	}
	if call("s0") { // now the most recently used; s1 is the oldest
		t.Error("slot s0 was built again")
	}
	if !call("extra") || len(l.slots) != MaxSlots {
		t.Fatalf("%d slots kept, want %d", len(l.slots), MaxSlots)
	}
	if !call("s1") {
		t.Error("the least recently used slot s1 was kept")
	}
	if call("s0") {
		t.Error("slot s0, recently used, was dropped")
	}
}
