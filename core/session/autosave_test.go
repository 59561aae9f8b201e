package session

import (
	"context"
	"strings"
	"testing"

	"github.com/klplayground/klplay/core/input"
	"github.com/klplayground/klplay/core/jsontext"
)

func TestServiceCurrentAutosave(t *testing.T) {
	ctx := context.Background()
	mem := NewMemStore()
	s := newTestService(mem)
	lab, err := LookupLab("divergence")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.LoadCurrent(ctx, lab); got != nil || err != nil {
		t.Fatalf("LoadCurrent before any save = %s, %v; want nil", got, err)
	}
	saved, err := s.SaveCurrent(ctx, lab, parsed(t, divState))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.LoadCurrent(ctx, lab)
	if err != nil || string(got) != string(saved) {
		t.Fatalf("LoadCurrent = %s, %v; saved %s", got, err, saved)
	}
	c := parsed(t, string(got))
	if st, _ := jsontext.Marshal(c["state"]); string(st) != divState || c["lab"] != "divergence" || c["updated"] != stuckClock() {
		t.Fatalf("the autosave %s", got)
	}
	_, err = LookupLab("nope")
	wantCode(t, "unknown lab", err, input.UnknownName, "lab")
	_, err = s.SaveCurrent(ctx, lab, parsed(t, `{"p":[1,2]}`))
	wantCode(t, "bad state", err, input.OutOfRange, "state.p[1]")
	// An autosave the schema no longer accepts is ignored, not an error.
	for _, stale := range []string{
		`{"lab":"divergence","state":{"gone":1},"updated":1}`,
		`{"lab":"mle","state":{},"updated":1}`,
		`{"lab":"divergence","state":{},"updated":"yesterday"}`,
		`{"lab":"divergence","state":{},"updated":1,"extra":0}`,
		`{"lab":"divergence","state":[],"updated":1}`,
		`not json`,
	} {
		mem.current["divergence"] = []byte(stale)
		if got, err := s.LoadCurrent(ctx, lab); got != nil || err != nil {
			t.Errorf("stale autosave %s = %s, %v; want nil", stale, got, err)
		}
	}
}

func TestSaveCurrentBoundsTheState(t *testing.T) {
	// No shipped lab's schema admits 64 KB, so a lab made for the test does.
	big := &LabInfo{ID: "big", Fields: Schema{{Name: "xs", Kind: Numbers, MaxLen: 10_000, Min: -1, Max: 1}}}
	xs := make([]any, 10_000)
	for i := range xs {
		xs[i] = -0.123456789012345
	}
	s := newTestService(NewMemStore())
	_, err := s.SaveCurrent(context.Background(), big, map[string]any{"xs": xs})
	wantCode(t, "a 190 KB state", err, input.TooLarge, "state")
	if err == nil || !strings.Contains(err.Error(), "65536") {
		t.Errorf("the message does not give the bound: %v", err)
	}
	if got, _ := s.LoadCurrent(context.Background(), big); got != nil {
		t.Errorf("a refused autosave was stored: %s", got)
	}
}
