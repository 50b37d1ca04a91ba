package review

import (
	"slices"
	"strings"
	"time"
)

// Verdict is what a reviewer (or a threshold) decided about an item.
type Verdict string

const (
	Accepted      Verdict = "accepted"
	Edited        Verdict = "edited"
	Rejected      Verdict = "rejected"
	Skipped       Verdict = "skipped"
	AutoDiscarded Verdict = "auto_discarded"
)

// Verdicts lists every verdict in display order.
var Verdicts = []Verdict{Accepted, Edited, Rejected, Skipped, AutoDiscarded}

// Valid reports whether v is a known verdict.
func (v Verdict) Valid() bool { return slices.Contains(Verdicts, v) }

// Approved reports whether the verdict releases the summary to the gold table.
func (v Verdict) Approved() bool { return v == Accepted || v == Edited }

// Reviewed reports whether the verdict counts towards the yield rate: a person looked and decided.
func (v Verdict) Reviewed() bool { return v == Accepted || v == Edited || v == Rejected }

// Status is where an item stands: pending until a reviewer decides, or the verdict of its current decision.
type Status string

const (
	Pending Status = "pending"
	// Disputed is a double-reviewed item whose two reviewers disagreed: it waits for a supervisor.
	Disputed Status = "disputed"
)

// Statuses lists every status, pending first.
var Statuses = []Status{Pending, Status(Accepted), Status(Edited), Status(Rejected), Status(Skipped), Status(AutoDiscarded), Disputed}

// Open reports whether an item with this status is still waiting in the queue.
func (s Status) Open() bool { return s == Pending || s == Status(Skipped) }

// Reason codes: the default taxonomy follows the hint rules, so a hint can pre-select its reason, plus what people
// find that no rule catches.
const ReasonOther = "other"

// Reason is one rejection or edit reason a reviewer can pick.
type Reason struct {
	Code  string  `json:"code"`
	Label Message `json:"label"`
}

// DefaultReasons is the default taxonomy.
var DefaultReasons = []Reason{
	{"first_person", Message{Ja: "一人称（我々・当社など）", En: "First person (we, our)"}},
	{"superlative", Message{Ja: "根拠のない最上級表現", En: "Unsupported superlative"}},
	{"vague", Message{Ja: "曖昧・抽象的な表現", En: "Vague or unspecific"}},
	{"generic", Message{Ja: "どの会社にも当てはまる定型文", En: "Generic filler"}},
	{"slogan", Message{Ja: "スローガン・理念のみ", En: "Slogan or mission statement"}},
	{"unsupported_fact", Message{Ja: "原文にない事実・数値・地名", En: "Fact not in the source"}},
	{"scope", Message{Ja: "事業範囲の誤り（地域・事業の限定など）", En: "Wrong or narrowed scope"}},
	{"style_mix", Message{Ja: "です・ます調とだ・である調の混在", En: "Mixed sentence style"}},
	{"placeholder", Message{Ja: "テンプレートの残り（XXX・〇〇）", En: "Template leftover"}},
	{"grammar", Message{Ja: "文法・誤字（主語・目的語の欠落など）", En: "Grammar or typos"}},
	{"off_topic", Message{Ja: "会社概要と無関係な内容", En: "Unrelated to the company profile"}},
	{ReasonOther, Message{Ja: "その他（コメントに記入）", En: "Other (say in the comment)"}},
}

// Message is a text in both UI languages.
type Message struct {
	Ja string `json:"ja"`
	En string `json:"en"`
}

// Decision is one verdict on one revision of an item. Decisions are append-only history: a reopened item gets a
// new decision, an undone one is marked undone, and neither is deleted. RulesVersion is the version of the rules
// whose hints the reviewer was shown: the item's stored hints, which a re-hint leaves alone while a reviewer holds
// the item; the store takes it from the item in the decision's own transaction, with the hint rules it records as
// shown.
type Decision struct {
	ID           int64           `json:"id"`
	ItemID       string          `json:"item_id"`
	Revision     int             `json:"revision"`
	Verdict      Verdict         `json:"verdict"`
	FinalText    string          `json:"final_text"`
	Reasons      []string        `json:"reasons"`
	Checks       map[string]bool `json:"checks,omitempty"`
	Comment      string          `json:"comment,omitempty"`
	Reviewer     string          `json:"reviewer"`
	StartedAt    time.Time       `json:"started_at"`
	EndedAt      time.Time       `json:"ended_at"`
	Seconds      float64         `json:"seconds"`
	RulesVersion string          `json:"rules_version"`
	UndoneAt     *time.Time      `json:"undone_at,omitempty"`
}

// MaxReviewSeconds caps the time one review may count for: a reviewer who left an item open over lunch did not
// spend an hour on it, and the cost model must not think so.
const MaxReviewSeconds = 15 * 60

// MaxCommentLength bounds a reviewer's comment.
const MaxCommentLength = 4000

// Submission is what a reviewer sends: the verdict and what goes with it.
type Submission struct {
	Verdict   Verdict         `json:"verdict"`
	Text      string          `json:"text,omitempty"`
	Reasons   []string        `json:"reasons,omitempty"`
	Checks    map[string]bool `json:"checks,omitempty"`
	Comment   string          `json:"comment,omitempty"`
	StartedAt time.Time       `json:"started_at"`
	// Version is the item version the reviewer saw; a decision on a stale version is refused.
	Version int64 `json:"version"`
}

// Decide turns a submission on an item into a decision, or says why it cannot be one. An edit that leaves the text
// as it was is an acceptance; an acceptance of a different text is an edit.
func (p *Project) Decide(rec *Record, sub Submission, reviewer string, now time.Time) (Decision, error) {
	if reviewer == "" {
		return Decision{}, Errorf(Invalid, "decision: no reviewer")
	}
	if !sub.Verdict.Valid() || sub.Verdict == AutoDiscarded {
		return Decision{}, Errorf(Invalid, "decision: verdict %q is not one of accepted, edited, rejected, skipped", sub.Verdict)
	}
	d := Decision{
		ItemID:       rec.ID,
		Revision:     rec.Revision,
		Verdict:      sub.Verdict,
		Reviewer:     reviewer,
		Comment:      strings.TrimSpace(sub.Comment),
		Checks:       sub.Checks,
		EndedAt:      now,
		StartedAt:    sub.StartedAt,
		RulesVersion: rec.RulesVersion,
	}
	if len(d.Comment) > MaxCommentLength {
		return Decision{}, Errorf(Invalid, "decision: comment is longer than %d bytes", MaxCommentLength)
	}
	if d.StartedAt.IsZero() || d.StartedAt.After(now) {
		d.StartedAt = now
	}
	d.Seconds = min(now.Sub(d.StartedAt).Seconds(), MaxReviewSeconds)
	for c := range d.Checks {
		if _, ok := p.Rubric.Criterion(c); !ok && !slices.Contains(rec.Criteria(), c) {
			return Decision{}, Errorf(Invalid, "decision: unknown criterion %q in checks", c)
		}
	}
	for _, r := range sub.Reasons {
		if !slices.ContainsFunc(p.Reasons, func(x Reason) bool { return x.Code == r }) {
			return Decision{}, Errorf(Invalid, "decision: unknown reason code %q", r)
		}
		if !slices.Contains(d.Reasons, r) {
			d.Reasons = append(d.Reasons, r)
		}
	}
	text := strings.TrimSpace(sub.Text)
	switch d.Verdict {
	case Accepted, Edited:
		if text == "" || text == strings.TrimSpace(rec.Summary) {
			d.Verdict, d.FinalText = Accepted, rec.Summary
		} else {
			d.Verdict, d.FinalText = Edited, text
		}
	case Rejected:
		if len(d.Reasons) == 0 {
			return Decision{}, Errorf(Invalid, "decision: a rejection needs at least one reason code")
		}
		if slices.Contains(d.Reasons, ReasonOther) && d.Comment == "" {
			return Decision{}, Errorf(Invalid, "decision: reason %q needs a comment that says what is wrong", ReasonOther)
		}
		d.FinalText = text // a correction the reviewer wrote anyway is kept for the feedback dataset
	case Skipped:
		d.FinalText = ""
	}
	if len(d.FinalText) > MaxTextLength {
		return Decision{}, Errorf(Invalid, "decision: text is longer than %d MB", MaxTextLength>>20)
	}
	if d.Reasons == nil {
		d.Reasons = []string{}
	}
	return d, nil
}

// AutoDiscard is the decision a threshold makes for an item scored below it.
func AutoDiscard(rec *Record, now time.Time) Decision {
	return Decision{
		ItemID: rec.ID, Revision: rec.Revision, Verdict: AutoDiscarded, Reviewer: AutoReviewer,
		Reasons: []string{}, StartedAt: now, EndedAt: now, RulesVersion: rec.RulesVersion,
	}
}
