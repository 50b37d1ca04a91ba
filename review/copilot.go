package review

import (
	"context"
	"time"
)

// The copilot is the reviewer's assistant: it suggests fixes and rescores edits, and a person still decides. These
// types are what the app, the store and the LLM adapter share; the adapter lives in package llm.

// Call kinds.
const (
	CallFix   = "fix"
	CallJudge = "judge"
)

// Call describes one use of a language model, as recorded with the item or decision it served, so that the
// dashboard's cost model can put API cost beside reviewer time, and a rescore can be traced to the model and
// prompt that produced it.
type Call struct {
	Kind  string `json:"kind"`
	Model string `json:"model"`
	// TemplateVersion is the content hash of the prompt template, like RuleSet.Version for hint rules.
	TemplateVersion string        `json:"template_version"`
	Latency         time.Duration `json:"latency_ns"`
	// Attempts counts HTTP requests, retries included.
	Attempts  int `json:"attempts"`
	TokensIn  int `json:"tokens_in"`
	TokensOut int `json:"tokens_out"`
	// TokensEstimated is set when the endpoint reported no usage and the counts are estimated from text length.
	TokensEstimated bool `json:"tokens_estimated,omitempty"`
	// Cost is in the currency the configured prices are given in.
	Cost float64 `json:"cost"`
	// Err is the failure, if any, in words that are safe to store and show (never a credential).
	Err string    `json:"error,omitempty"`
	At  time.Time `json:"at"`
}

// Price is what a model costs per million tokens, in and out.
type Price struct {
	In  float64 `json:"in"`
	Out float64 `json:"out"`
}

// Cost estimates the cost of a call with these token counts.
func (p Price) Cost(tokensIn, tokensOut int) float64 {
	return (float64(tokensIn)*p.In + float64(tokensOut)*p.Out) / 1e6
}

// FixInput is what a fix suggestion is made from: the current text, the source it must stay within and the hints
// that fired on it.
type FixInput struct {
	Company string
	Summary string
	Source  string
	Hints   []Hint
}

// Suggestion is a rewritten summary for the reviewer to take, edit further or drop.
type Suggestion struct {
	Text string `json:"text"`
	Call Call   `json:"call"`
}

// JudgeInput is what the judge scores: the current text against the source, by the rubric's criteria.
type JudgeInput struct {
	Company string
	Summary string
	Source  string
	Rubric  Rubric
}

// Rescore is the judge's verdict on one text: points per criterion, within each criterion's maximum.
type Rescore struct {
	Scores    map[string]float64 `json:"scores"`
	Total     float64            `json:"total"`
	Max       float64            `json:"max"`
	Rationale string             `json:"rationale,omitempty"`
	Call      Call               `json:"call"`
}

// JudgeJob is one item of a batch rescore.
type JudgeJob struct {
	ItemID string
	Input  JudgeInput
}

// JudgeResult is the outcome of one JudgeJob. Rescore.Call names the model and template version, so a caller can
// record which items are done under which judge and resume an interrupted batch with the rest.
type JudgeResult struct {
	ItemID  string
	Rescore Rescore
	Err     error
}

// Copilot is the reviewer's LLM assistant. Every method that calls a model returns the Call even on failure
// (with Err set), so that failed calls can be recorded and costed too.
type Copilot interface {
	// Configured reports whether an endpoint is set up; when not, the message says how to set one up, for the UI
	// to show on the disabled buttons.
	Configured() (bool, string)
	// SuggestFix rewrites the summary to fix its hints, using only the source text. onDelta, if not nil, receives
	// the text as it is generated.
	SuggestFix(ctx context.Context, in FixInput, onDelta func(chunk string)) (Suggestion, error)
	// Rescore scores the summary by the rubric.
	Rescore(ctx context.Context, in JudgeInput) (Rescore, error)
	// JudgeVersion names the judge model and template version that Rescore uses now: the key under which a
	// batch records its progress.
	JudgeVersion() (model, templateVersion string)
	// RescoreBatch rescores jobs until jobs is closed or ctx ends, sending one result per finished job. Jobs cut
	// short by ctx get no result, so that they stay to do when the batch resumes. It does not close results.
	RescoreBatch(ctx context.Context, jobs <-chan JudgeJob, results chan<- JudgeResult) error
}
