package session

import "testing"

func TestTrustRegionCheck(t *testing.T) {
	l, ok := Lab("trust-region")
	if !ok {
		t.Fatal("no trust-region lab")
	}
	good := map[string]any{"old": []any{0.0, 0.0, 0.0}, "adv": []any{1.0, 0.0, -1.0}}
	if err := checkTrustRegion(good); err != nil {
		t.Error(err)
	}
	bad := map[string]any{"old": []any{0.0, 0.0, 0.0}, "adv": []any{1.0, 0.0, -1.0, 2.0}}
	if err := checkTrustRegion(bad); err == nil {
		t.Error("mismatched lengths: no error")
	}
	_ = l
}
