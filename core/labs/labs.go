// Package labs is the table of the playground's labs: for each lab of
// core/session's schemas, the cross-field rules of its state and the lab
// functions of the JavaScript API, each a frame function of its model
// package. It is the one package that imports every lab model, so that
// core/session imports none: at init it registers every lab's rules with
// session.RegisterRules, and the bridge (wasm/) only maps New's table to
// JavaScript names.
package labs

import (
	"github.com/klplayground/klplay/core/classify"
	"github.com/klplayground/klplay/core/continuous"
	"github.com/klplayground/klplay/core/contrastive"
	"github.com/klplayground/klplay/core/divergence"
	"github.com/klplayground/klplay/core/elbo"
	"github.com/klplayground/klplay/core/gan"
	"github.com/klplayground/klplay/core/gaussfit"
	"github.com/klplayground/klplay/core/logistic"
	"github.com/klplayground/klplay/core/mle"
	"github.com/klplayground/klplay/core/mutual"
	"github.com/klplayground/klplay/core/policy"
	"github.com/klplayground/klplay/core/session"
	"github.com/klplayground/klplay/core/vae"
)

// A FrameFunc answers one call of a lab function: the lab's state, decoded
// against its schema and rules, and the call's options give the frame, a
// tree of map[string]any, []any, []float64, float64, int, bool, string and
// nil that the bridge encodes as JavaScript objects, arrays, Float64Arrays
// and scalars.
type FrameFunc func(session.State, session.Options) (map[string]any, error)

// Function is one lab function of the JavaScript API.
type Function struct {
	Name  string // its name on globalThis.klplay
	Frame FrameFunc
}

// Lab is one lab: its id (its schema is session.Lab(ID)), the cross-field
// rules of its state (nil: the schema says everything) and its functions,
// whose first argument is the lab's state.
type Lab struct {
	ID        string
	Rules     func(session.State) error
	Functions []Function
}

// New returns the table of labs, sorted by id. The functions of one table
// share its caches (the MLE data sets, the VAE models, the last fit target
// and ELBO model, the GAN sweeps, the trust-region runs, the critics' training run, the points panel's descent), each bounded; a second table has its own.
// A table is not safe for concurrent use.
func New() []Lab {
	fit, elboLab, ganLab, store, vaeLab, trLab, nceLab, pointsLab := &gaussfit.Lab{}, &elbo.Lab{}, &gan.Lab{}, &mle.Store{}, &vae.Lab{}, &policy.Lab{}, &contrastive.Lab{}, &logistic.Lab{}
	return []Lab{
		{"continuous", continuous.Rules, []Function{{"continuousLab", continuous.Frame}}},
		{"cross-entropy", crossEntropyRules, []Function{{"crossEntropyLab", classify.Frame}, {"crossEntropyPoints", pointsLab.Frame}}},
		{"divergence", divergence.Rules, []Function{{"divergenceLab", divergence.Frame}}},
		{"elbo", nil, []Function{{"elboLab", elboLab.Frame}}},
		{"fit", gaussfit.Rules, []Function{{"fitLab", fit.Frame}}},
		{"gan", gan.Rules, []Function{{"ganLab", ganLab.Frame}}},
		{"mle", mle.Rules, []Function{{"mleData", store.Data}, {"mleLab", store.Frame}}},
		{"mutual-information", mutual.Rules, []Function{{"mutualInformationLab", mutual.Frame}, {"mutualInformationSweep", mutual.SweepFrame}, {"mutualInformationTrain", nceLab.Frame}}},
		{"trust-region", policy.Rules, []Function{{"trustRegionLab", trLab.Frame}}},
		{"vae", nil, []Function{{"vaeLab", vaeLab.Frame}}},
	}
}

// crossEntropyRules are the Cross-entropy lab's rules: the classifier's
// (classify.Rules) and its points panel's (logistic.Rules).
func crossEntropyRules(st session.State) error {
	if err := classify.Rules(st); err != nil {
		return err
	}
	return logistic.Rules(st)
}

func init() {
	for _, l := range New() {
		if l.Rules != nil {
			session.RegisterRules(l.ID, l.Rules)
		}
	}
}
