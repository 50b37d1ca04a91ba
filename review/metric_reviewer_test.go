package review

import (
	"math"
	"testing"
	"time"
)

// at is sec seconds into a working morning.
func at(sec float64) time.Time {
	return time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(sec * float64(time.Second)))
}

func TestActiveTime(t *testing.T) {
	// Four decisions: 0-60 s, 90-150 s, 200-260 s, then 2000-2030 s after a long pause.
	day := []Span{{at(200), at(260)}, {at(0), at(60)}, {at(2000), at(2030)}, {at(90), at(150)}}
	tests := []struct {
		name  string
		spans []Span
		idle  time.Duration
		want  time.Duration
	}{
		{"nothing", nil, DefaultIdleGap, 0},
		// gaps of 30 s and 50 s stay inside the session (0-260 s = 260 s); the 1740 s pause ends it; + 30 s
		{"sessions", day, 5 * time.Minute, 290 * time.Second},
		// without idle allowance only the spans count: 60 + 60 + 60 + 30
		{"spans only", day, 0, 210 * time.Second},
		// an idle allowance longer than every pause makes one session, 0-2030 s
		{"one long session", day, time.Hour, 2030 * time.Second},
		// two tabs open at once: 0-100 s and 50-120 s overlap; their union is 120 s
		{"overlap", []Span{{at(0), at(100)}, {at(50), at(120)}}, 0, 120 * time.Second},
		// a span inside another adds nothing
		{"nested", []Span{{at(0), at(100)}, {at(10), at(20)}}, 0, 100 * time.Second},
		// a span with its end before its start is an instant; it still bridges: 0-10, instant at 12, 14-20 with
		// idle 3 s is one session of 20 s
		{"reversed span", []Span{{at(0), at(10)}, {at(12), at(5)}, {at(14), at(20)}}, 3 * time.Second, 20 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ActiveTime(tc.spans, tc.idle); got != tc.want {
				t.Errorf("ActiveTime = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSummarizeReviewer(t *testing.T) {
	ds := []ReviewerDecision{
		{Verdict: Accepted, EndedAt: at(20), Seconds: 20},                           // 0-20
		{Verdict: Edited, EndedAt: at(90), Seconds: 60, Hinted: true, EditSize: 12}, // 30-90
		{Verdict: Rejected, EndedAt: at(130), Seconds: 30, Hinted: true},            // 100-130
		{Verdict: Accepted, EndedAt: at(150), Seconds: 10, Hinted: true},            // 140-150
		{Verdict: Skipped, EndedAt: at(160), Seconds: 5},                            // 155-160
		{Verdict: Edited, EndedAt: at(3600), Seconds: 40, EditSize: 4},              // 3560-3600, after a break
		{Verdict: AutoDiscarded, EndedAt: at(5000)},                                 // not the reviewer's
	}
	st := SummarizeReviewer("hanako", ds, DefaultIdleGap)
	if st.Reviewer != "hanako" || st.Decisions != 6 {
		t.Errorf("reviewer %q decisions %d, want hanako 6", st.Reviewer, st.Decisions)
	}
	// accepted 2, edited 2, rejected 1: yield 4/5
	if st.Yield.Accepted != 2 || st.Yield.Edited != 2 || st.Yield.Rejected != 1 {
		t.Errorf("yield = %+v", st.Yield)
	}
	approxPtr(t, "yield", st.Yield.Rate, 0.8)
	// 1 skip of 6 decisions
	if st.Skips.Count != 1 || st.Skips.Total != 6 {
		t.Errorf("skips = %d/%d, want 1/6", st.Skips.Count, st.Skips.Total)
	}
	// sessions 0-160 s (gaps of 10, 10, 10, 5 s) and 3560-3600 s: 200 s = 0.055556 h; 5 reviewed / (200/3600) = 90
	approx(t, "active hours", st.ActiveHours, 200.0/3600)
	approxPtr(t, "items per hour", st.ItemsPerHour, 90)
	// reviewed seconds 20, 60, 30, 10, 40 -> sorted 10 20 30 40 60 -> 30; accepted 20, 10 -> 15;
	// edited 60, 40 -> 50; rejected 30; skipped 5
	approxPtr(t, "median reviewed", st.MedianSeconds.Reviewed, 30)
	approxPtr(t, "median accepted", st.MedianSeconds.Accepted, 15)
	approxPtr(t, "median edited", st.MedianSeconds.Edited, 50)
	approxPtr(t, "median rejected", st.MedianSeconds.Rejected, 30)
	approxPtr(t, "median skipped", st.MedianSeconds.Skipped, 5)
	// edits of 12 and 4 runes: total 16, median 8, mean 8
	if st.EditSize.Edits != 2 || st.EditSize.Total != 16 {
		t.Errorf("edit size = %+v", st.EditSize)
	}
	approxPtr(t, "edit median", st.EditSize.Median, 8)
	approxPtr(t, "edit mean", st.EditSize.Mean, 8)
	// hinted and reviewed: edited, rejected, accepted -> 2 of 3 followed; unhinted: accepted, edited -> 1 of 2
	if st.HintFollowed.Count != 2 || st.HintFollowed.Total != 3 {
		t.Errorf("hint followed = %d/%d, want 2/3", st.HintFollowed.Count, st.HintFollowed.Total)
	}
	if st.UnhintedChanged.Count != 1 || st.UnhintedChanged.Total != 2 {
		t.Errorf("unhinted changed = %d/%d, want 1/2", st.UnhintedChanged.Count, st.UnhintedChanged.Total)
	}
}

func TestSummarizeReviewerWithoutReviews(t *testing.T) {
	// Only skips: time was spent, nothing reviewed: 0 items per hour, not undefined.
	st := SummarizeReviewer("taro", []ReviewerDecision{{Verdict: Skipped, EndedAt: at(30), Seconds: 30}}, DefaultIdleGap)
	approxPtr(t, "items per hour", st.ItemsPerHour, 0)
	approxPtr(t, "yield", st.Yield.Rate, math.NaN())
	approxPtr(t, "median reviewed", st.MedianSeconds.Reviewed, math.NaN())
	approxPtr(t, "median skipped", st.MedianSeconds.Skipped, 30)
	approxPtr(t, "edit mean", st.EditSize.Mean, math.NaN())

	none := SummarizeReviewer("jiro", nil, DefaultIdleGap)
	if none.ActiveHours != 0 || none.ItemsPerHour != nil || none.Decisions != 0 {
		t.Errorf("no decisions = %+v", none)
	}
}

func TestAgreement(t *testing.T) {
	// 40 pairs laid out as the "three categories" matrix of TestCohenKappa (rows first review, columns second;
	// accepted, edited, rejected): [[10 2 3] [1 8 1] [2 1 12]], kappa 0.620853, plus 2 pairs with a skip.
	matrix := [][]int{{10, 2, 3}, {1, 8, 1}, {2, 1, 12}}
	cats := []Verdict{Accepted, Edited, Rejected}
	var pairs []VerdictPair
	for i, row := range matrix {
		for j, n := range row {
			for range n {
				pairs = append(pairs, VerdictPair{cats[i], cats[j]})
			}
		}
	}
	pairs = append(pairs, VerdictPair{Skipped, Accepted}, VerdictPair{Rejected, AutoDiscarded})
	ra := Agreement(pairs)
	if ra.Ignored != 2 || ra.Verdicts.Pairs != 40 {
		t.Errorf("ignored %d pairs %d, want 2 40", ra.Ignored, ra.Verdicts.Pairs)
	}
	approxPtr(t, "verdict kappa", ra.Verdicts.Kappa, 0.620853)
	// Approved = accepted or edited: [[10+2+1+8, 3+1] [2+1, 12]] = [[21 4] [3 12]]; n = 40, po = 33/40 = 0.825;
	// rows 25, 15; cols 24, 16; pe = (25*24 + 15*16)/1600 = 840/1600 = 0.525; kappa = 0.3/0.475 = 0.631579
	if got := ra.Approval.Matrix; got[0][0] != 21 || got[0][1] != 4 || got[1][0] != 3 || got[1][1] != 12 {
		t.Errorf("approval matrix = %v, want [[21 4] [3 12]]", got)
	}
	approxPtr(t, "approval observed", ra.Approval.Observed, 0.825)
	approxPtr(t, "approval kappa", ra.Approval.Kappa, 0.631579)
	if ra.Approval.Categories[0] != "approved" || ra.Verdicts.Categories[1] != "edited" {
		t.Errorf("categories = %v, %v", ra.Approval.Categories, ra.Verdicts.Categories)
	}
}

func TestNewRuleStats(t *testing.T) {
	tests := []struct {
		name               string
		c                  RuleCount
		reviewed           int
		followed, rejected float64
	}{
		// 30 reviewed of 50 fired; edited 15 + rejected 5 followed the hint: 20/30; rejected 5/30
		{"mixed", RuleCount{Rule: "first_person", Fired: 50, Accepted: 10, Edited: 15, Rejected: 5}, 30, 20.0 / 30, 5.0 / 30},
		// fired but nobody reviewed yet: no precision
		{"unreviewed", RuleCount{Rule: "vague", Fired: 7}, 0, math.NaN(), math.NaN()},
		// every hint ignored: the rule cries wolf
		{"always accepted", RuleCount{Rule: "generic", Fired: 9, Accepted: 9}, 9, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs := NewRuleStats(tc.c)
			if rs.Rule != tc.c.Rule || rs.Fired != tc.c.Fired || rs.Reviewed != tc.reviewed {
				t.Errorf("stats = %+v", rs)
			}
			approxPtr(t, "followed", rs.Followed.Rate, tc.followed)
			approxPtr(t, "rejected", rs.Rejected.Rate, tc.rejected)
			w := Wilson(rs.Followed.Count, rs.Followed.Total, Z95)
			approxInterval(t, "followed ci", rs.Followed.CI, w.Lo, w.Hi)
		})
	}
}
