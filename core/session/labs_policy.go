package session

import "github.com/klplayground/klplay/core/input"

// checkTrustRegion: the old policy's logits and the advantages name the same actions.
func checkTrustRegion(state map[string]any) error {
	old, _ := state["old"].([]any)
	adv, _ := state["adv"].([]any)
	if old != nil && adv != nil && len(old) != len(adv) {
		return input.Errorf(input.LengthMismatch, "state.adv", "has %d advantages for %d actions", len(adv), len(old))
	}
	return nil
}
