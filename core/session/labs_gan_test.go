package session

import "testing"

func TestGanCheck(t *testing.T) {
	l, ok := Lab("gan")
	if !ok {
		t.Fatal("no gan lab")
	}
	good := map[string]any{"shape": "normal", "theta": -2.5, "gens": []any{"kl", "t-power"}, "alpha": 1.5, "hide": []any{"chi2", "w1"}}
	if err := l.Validate(good); err != nil {
		t.Error(err)
	}
	for _, bad := range []map[string]any{
		{"gens": []any{"kl", "nope"}},
		{"gens": []any{"kl", "kl"}},
		{"hide": []any{"kl", "jensen-shannon"}},
		{"hide": []any{1.0}},
	} {
		if err := checkGan(bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
	if err := l.Validate(map[string]any{"shape": "cauchy", "theta": 0.0, "gens": []any{}, "alpha": 0.5, "hide": []any{}}); err == nil {
		t.Error("unknown shape accepted")
	}
}
