package session

import (
	"strconv"

	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/gan"
	"github.com/klplayground/klplay/core/input"
)

// checkGan: the generators shown are f-divergences (divergence.FDivergenceNames),
// each at most once; the curves hidden are divergences of the lab (gan.Names).
func checkGan(state map[string]any) error {
	for _, c := range []struct {
		key   string
		known []string
	}{{"gens", divergence.FDivergenceNames()}, {"hide", gan.Names}} {
		xs, _ := state[c.key].([]any)
		seen := map[string]bool{}
		for i, x := range xs {
			s, _ := x.(string)
			arg := "state." + c.key + "[" + strconv.Itoa(i) + "]"
			ok := false
			for _, k := range c.known {
				ok = ok || k == s
			}
			if !ok {
				return input.Errorf(input.UnknownName, arg, "%q is not one of the lab's names", s)
			}
			if seen[s] {
				return input.Errorf(input.Invalid, arg, "%q is given twice", s)
			}
			seen[s] = true
		}
	}
	return nil
}
