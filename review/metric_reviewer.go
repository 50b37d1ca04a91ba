package review

import (
	"math"
	"slices"
	"time"
)

// DefaultIdleGap is the pause between two decisions after which a reviewer counts as away: the time in between is
// not work time. Five minutes covers reading the source of a long item before opening it and short interruptions,
// while a coffee break or a meeting ends the session.
const DefaultIdleGap = 5 * time.Minute

// Span is a stretch of time a reviewer spent on one item.
type Span struct {
	Start time.Time
	End   time.Time
}

// ActiveTime is the time a reviewer worked, from the spans of their decisions: spans are merged into sessions, a
// session continuing while the next span starts no later than idle after the current session's end, and the
// sessions' lengths are summed. The gaps inside a session (moving to the next item, reading the guidelines) count
// as work, because the cost model must pay for them; longer gaps do not. Overlapping spans (two tabs) count once.
// With idle = 0 it is the length of the union of the spans. A span that ends before it starts counts as an instant.
func ActiveTime(spans []Span, idle time.Duration) time.Duration {
	ss := make([]Span, 0, len(spans))
	for _, s := range spans {
		if s.End.Before(s.Start) {
			s.End = s.Start
		}
		ss = append(ss, s)
	}
	slices.SortFunc(ss, func(a, b Span) int { return a.Start.Compare(b.Start) })
	var total time.Duration
	for i := 0; i < len(ss); {
		start, end := ss[i].Start, ss[i].End
		for i++; i < len(ss) && !ss[i].Start.After(end.Add(idle)); i++ {
			if ss[i].End.After(end) {
				end = ss[i].End
			}
		}
		total += end.Sub(start)
	}
	return total
}

// ReviewerDecision is one decision as the reviewer metrics need it.
type ReviewerDecision struct {
	Verdict Verdict
	EndedAt time.Time
	// Seconds is the decision's recorded time (Decision.Seconds, already capped at MaxReviewSeconds); the decision
	// is taken to span [EndedAt - Seconds, EndedAt], so that an item left open over lunch cannot stretch a session.
	Seconds float64
	// Hinted is whether the reviewer was shown at least one hint on the item.
	Hinted bool
	// EditSize is the number of characters changed for an edit, EditDistance(original summary, final text).
	EditSize int
}

// ReviewerStats is one reviewer's speed and habits.
type ReviewerStats struct {
	Reviewer string `json:"reviewer"`
	// Decisions counts every decision, skips included; auto-discards are not a reviewer's and are left out, as
	// are verdicts this version does not know.
	Decisions int   `json:"decisions"`
	Yield     Yield `json:"yield"`
	// Skips is the share of decisions that were skips.
	Skips Proportion `json:"skips"`
	// ActiveHours is ActiveTime over all the reviewer's decisions (skips take time too), in hours.
	ActiveHours float64 `json:"active_hours"`
	// ItemsPerHour is reviewed items (accepted, edited, rejected) per active hour; nil without active time.
	ItemsPerHour *float64 `json:"items_per_hour"`
	// MedianSeconds is the median recorded seconds per decision, by verdict.
	MedianSeconds SecondsByVerdict `json:"median_seconds"`
	EditSize      EditSizeStats    `json:"edit_size"`
	// HintFollowed is the share of reviewed items that had hints and that the reviewer edited or rejected;
	// UnhintedChanged is the same share for items without hints, the baseline that makes the first one readable:
	// a reviewer who changes 90% of hinted items and 85% of the rest is not following hints.
	HintFollowed    Proportion `json:"hint_followed"`
	UnhintedChanged Proportion `json:"unhinted_changed"`
}

// SecondsByVerdict holds one number per verdict; nil where the reviewer has no such decision.
type SecondsByVerdict struct {
	Reviewed *float64 `json:"reviewed"`
	Accepted *float64 `json:"accepted"`
	Edited   *float64 `json:"edited"`
	Rejected *float64 `json:"rejected"`
	Skipped  *float64 `json:"skipped"`
}

// EditSizeStats describes the size of edits in characters (runes) changed.
type EditSizeStats struct {
	Edits  int      `json:"edits"`
	Total  int      `json:"total"`
	Median *float64 `json:"median"`
	Mean   *float64 `json:"mean"`
}

// SummarizeReviewer computes one reviewer's stats from their decisions, with idle as in ActiveTime
// (DefaultIdleGap unless the project says otherwise).
func SummarizeReviewer(reviewer string, ds []ReviewerDecision, idle time.Duration) ReviewerStats {
	st := ReviewerStats{Reviewer: reviewer}
	var spans []Span
	secs := map[Verdict][]float64{}
	var reviewedSecs, edits []float64
	counts := map[Verdict]int{}
	var hinted, hintedChanged, unhinted, unhintedChanged int
	for _, d := range ds {
		if d.Verdict == AutoDiscarded || !d.Verdict.Valid() {
			continue
		}
		st.Decisions++
		counts[d.Verdict]++
		sec := math.Max(0, d.Seconds)
		spans = append(spans, Span{Start: d.EndedAt.Add(-time.Duration(sec * float64(time.Second))), End: d.EndedAt})
		secs[d.Verdict] = append(secs[d.Verdict], sec)
		if !d.Verdict.Reviewed() {
			continue
		}
		reviewedSecs = append(reviewedSecs, sec)
		changed := d.Verdict == Edited || d.Verdict == Rejected
		if d.Hinted {
			hinted++
			if changed {
				hintedChanged++
			}
		} else {
			unhinted++
			if changed {
				unhintedChanged++
			}
		}
		if d.Verdict == Edited {
			edits = append(edits, float64(d.EditSize))
			st.EditSize.Total += d.EditSize
		}
	}
	st.Yield = NewYield(counts[Accepted], counts[Edited], counts[Rejected])
	st.Skips = NewProportion(counts[Skipped], st.Decisions)
	st.ActiveHours = ActiveTime(spans, idle).Hours()
	if st.ActiveHours > 0 {
		st.ItemsPerHour = finite(float64(st.Yield.Reviewed) / st.ActiveHours)
	}
	st.MedianSeconds = SecondsByVerdict{
		Reviewed: finite(Median(reviewedSecs)),
		Accepted: finite(Median(secs[Accepted])),
		Edited:   finite(Median(secs[Edited])),
		Rejected: finite(Median(secs[Rejected])),
		Skipped:  finite(Median(secs[Skipped])),
	}
	st.EditSize.Edits = len(edits)
	st.EditSize.Median = finite(Median(edits))
	st.EditSize.Mean = finite(div(st.EditSize.Total, len(edits)))
	st.HintFollowed = NewProportion(hintedChanged, hinted)
	st.UnhintedChanged = NewProportion(unhintedChanged, unhinted)
	return st
}

// VerdictPair is the verdicts of two reviewers on the same item (the same revision).
type VerdictPair struct {
	First  Verdict
	Second Verdict
}

// ReviewerAgreement is the agreement between reviewers on items reviewed twice, on two readings: the three verdicts
// (accepted, edited, rejected), and approved (accepted or edited) against rejected, which is what decides release.
type ReviewerAgreement struct {
	// Ignored counts pairs where either verdict is not a review (skipped or auto-discarded).
	Ignored  int            `json:"ignored"`
	Verdicts AgreementTable `json:"verdicts"`
	Approval AgreementTable `json:"approval"`
}

// Agreement computes Cohen's kappa between first and second reviews. With many reviewers, "first" and "second"
// are two rating occasions rather than two people; filter the pairs to compare two given reviewers.
func Agreement(pairs []VerdictPair) ReviewerAgreement {
	cats := []Verdict{Accepted, Edited, Rejected}
	three := [][]int{make([]int, 3), make([]int, 3), make([]int, 3)}
	two := [][]int{make([]int, 2), make([]int, 2)}
	var ra ReviewerAgreement
	for _, p := range pairs {
		i, j := slices.Index(cats, p.First), slices.Index(cats, p.Second)
		if i < 0 || j < 0 {
			ra.Ignored++
			continue
		}
		three[i][j]++
		two[approvalIndex(p.First)][approvalIndex(p.Second)]++
	}
	ra.Verdicts = NewAgreementTable([]string{string(Accepted), string(Edited), string(Rejected)}, three)
	ra.Approval = NewAgreementTable([]string{"approved", string(Rejected)}, two)
	return ra
}

func approvalIndex(v Verdict) int {
	if v.Approved() {
		return 0
	}
	return 1
}

// RuleCount is what SQL counts for one hint rule: items the rule fired on, and the verdicts on those of them that
// were reviewed.
type RuleCount struct {
	Rule     string `json:"rule"`
	Fired    int    `json:"fired"`
	Accepted int    `json:"accepted"`
	Edited   int    `json:"edited"`
	Rejected int    `json:"rejected"`
}

// RuleStats is a hint rule's precision in practice.
type RuleStats struct {
	Rule     string `json:"rule"`
	Fired    int    `json:"fired"`
	Reviewed int    `json:"reviewed"`
	// Followed is the share of reviewed items with the rule's hint that were edited or rejected: the rule's
	// precision in practice. A rule whose hints are mostly accepted as is cries wolf.
	Followed Proportion `json:"followed"`
	// Rejected is the share that were rejected outright.
	Rejected Proportion `json:"rejected"`
}

// NewRuleStats derives a rule's precision from its counts. Negative counts panic.
func NewRuleStats(c RuleCount) RuleStats {
	y := NewYield(c.Accepted, c.Edited, c.Rejected)
	return RuleStats{Rule: c.Rule, Fired: c.Fired, Reviewed: y.Reviewed,
		Followed: NewProportion(c.Edited+c.Rejected, y.Reviewed), Rejected: NewProportion(c.Rejected, y.Reviewed)}
}
