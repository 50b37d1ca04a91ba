package review

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// decisionNow is the clock every Decide case runs at.
var decisionNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// decisionProject is a project whose rubric knows business and third_person; the record below also carries
// relevance, which the rubric does not list.
func decisionProject() *Project {
	return NewProject(Rubric{Criteria: []Criterion{{Name: "business", Max: 4}, {Name: "third_person", Max: 3}}})
}

func decisionRecord() *Record {
	return &Record{
		Item: Item{ID: "7000000000001", Company: "株式会社サンプル",
			Summary: "株式会社サンプルは、大阪府で産業用ポンプを製造する会社です。",
			Scores:  map[string]float64{"business": 4, "relevance": 2}, Score: 6, MaxScore: 10},
		Revision: 2, Version: 5, Status: Pending, RulesVersion: "e36c53a36cac",
	}
}

// wantError fails unless err is an *Error with the code whose message contains part.
func wantError(t *testing.T, err error, code, part string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s containing %q", code, part)
	}
	if got := ErrorCode(err); got != code {
		t.Fatalf("error %q has code %q, want %q", err, got, code)
	}
	if !strings.Contains(err.Error(), part) {
		t.Fatalf("error %q does not say %q", err, part)
	}
}

func TestDecide(t *testing.T) {
	rec := decisionRecord()
	started := decisionNow.Add(-25 * time.Second)
	// decided is the decision every case shares, with the parts a case sets.
	decided := func(v Verdict, text string, reasons ...string) Decision {
		if reasons == nil {
			reasons = []string{}
		}
		return Decision{ItemID: "7000000000001", Revision: 2, Verdict: v, FinalText: text, Reasons: reasons,
			Reviewer: "rita", StartedAt: started, EndedAt: decisionNow, Seconds: 25, RulesVersion: "e36c53a36cac"}
	}
	withComment := func(d Decision, c string) Decision { d.Comment = c; return d }
	withChecks := func(d Decision, c map[string]bool) Decision { d.Checks = c; return d }
	const edit = "株式会社サンプルは、大阪府で産業用ポンプと送風機を製造する会社です。"

	tests := []struct {
		name string
		sub  Submission
		want Decision
	}{
		{"accept keeps the summary", Submission{Verdict: Accepted}, decided(Accepted, rec.Summary)},
		{"accept with the summary as text", Submission{Verdict: Accepted, Text: rec.Summary}, decided(Accepted, rec.Summary)},
		{"accept of a different text is an edit", Submission{Verdict: Accepted, Text: edit}, decided(Edited, edit)},
		{"edit", Submission{Verdict: Edited, Text: edit}, decided(Edited, edit)},
		{"edit text is trimmed", Submission{Verdict: Edited, Text: "\n  " + edit + " \t"}, decided(Edited, edit)},
		{"edit with the text unchanged is an acceptance", Submission{Verdict: Edited, Text: rec.Summary},
			decided(Accepted, rec.Summary)},
		{"edit that only adds spaces is an acceptance", Submission{Verdict: Edited, Text: "  " + rec.Summary + "\n"},
			decided(Accepted, rec.Summary)},
		{"edit with no text is an acceptance", Submission{Verdict: Edited}, decided(Accepted, rec.Summary)},
		{"edit with blank text is an acceptance", Submission{Verdict: Edited, Text: " \n "}, decided(Accepted, rec.Summary)},
		{"edit keeps its reasons", Submission{Verdict: Edited, Text: edit, Reasons: []string{"vague"}},
			decided(Edited, edit, "vague")},
		{"reject with a reason", Submission{Verdict: Rejected, Reasons: []string{"generic"}},
			decided(Rejected, "", "generic")},
		{"reject keeps a correction for the feedback dataset", Submission{Verdict: Rejected, Text: " " + edit + " ",
			Reasons: []string{"generic"}}, decided(Rejected, edit, "generic")},
		{"reject with other and a comment", Submission{Verdict: Rejected, Reasons: []string{"other"},
			Comment: "  wrong city  "}, withComment(decided(Rejected, "", "other"), "wrong city")},
		{"repeated reasons count once, in the order given", Submission{Verdict: Rejected,
			Reasons: []string{"vague", "generic", "vague", "generic"}}, decided(Rejected, "", "vague", "generic")},
		{"skip drops any text", Submission{Verdict: Skipped, Text: edit}, decided(Skipped, "")},
		{"checks on rubric criteria", Submission{Verdict: Accepted, Checks: map[string]bool{"business": true, "third_person": false}},
			withChecks(decided(Accepted, rec.Summary), map[string]bool{"business": true, "third_person": false})},
		{"checks on a criterion only the item has", Submission{Verdict: Accepted, Checks: map[string]bool{"relevance": false}},
			withChecks(decided(Accepted, rec.Summary), map[string]bool{"relevance": false})},
		{"comment at the length limit", Submission{Verdict: Accepted, Comment: " " + strings.Repeat("a", MaxCommentLength) + " "},
			withComment(decided(Accepted, rec.Summary), strings.Repeat("a", MaxCommentLength))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.sub.StartedAt = started
			got, err := decisionProject().Decide(decisionRecord(), tc.sub, "rita", decisionNow)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Decide(%+v)\n got %+v\nwant %+v", tc.sub, got, tc.want)
			}
		})
	}
}

// TestDecideKeepsTheStoredSummary checks that an acceptance records the summary byte for byte as imported, even when
// the reviewer's text matched it only after trimming.
func TestDecideKeepsTheStoredSummary(t *testing.T) {
	rec := decisionRecord()
	rec.Summary = "株式会社サンプルは、ポンプを製造する会社です。\n"
	for _, v := range []Verdict{Accepted, Edited} {
		t.Run(string(v), func(t *testing.T) {
			d, err := decisionProject().Decide(rec, Submission{Verdict: v, Text: "株式会社サンプルは、ポンプを製造する会社です。"}, "rita", decisionNow)
			if err != nil {
				t.Fatal(err)
			}
			if d.Verdict != Accepted || d.FinalText != rec.Summary {
				t.Fatalf("got %s %q, want accepted %q", d.Verdict, d.FinalText, rec.Summary)
			}
		})
	}
}

func TestDecideRefuses(t *testing.T) {
	tests := []struct {
		name     string
		sub      Submission
		reviewer string
		part     string
	}{
		{"no reviewer", Submission{Verdict: Accepted}, "", "no reviewer"},
		{"no verdict", Submission{}, "rita", `verdict ""`},
		{"unknown verdict", Submission{Verdict: "maybe"}, "rita", `verdict "maybe"`},
		{"a person cannot auto-discard", Submission{Verdict: AutoDiscarded}, "rita", `verdict "auto_discarded"`},
		{"reject without a reason", Submission{Verdict: Rejected, Comment: "bad"}, "rita", "at least one reason"},
		{"reject with an empty reason list", Submission{Verdict: Rejected, Reasons: []string{}}, "rita", "at least one reason"},
		{"other without a comment", Submission{Verdict: Rejected, Reasons: []string{"vague", "other"}}, "rita",
			`reason "other" needs a comment`},
		{"other with a blank comment", Submission{Verdict: Rejected, Reasons: []string{"other"}, Comment: " \n\t"}, "rita",
			`reason "other" needs a comment`},
		{"unknown reason code", Submission{Verdict: Rejected, Reasons: []string{"vague", "rude"}}, "rita", `unknown reason code "rude"`},
		{"unknown reason code on an edit", Submission{Verdict: Edited, Text: "x", Reasons: []string{"Vague"}}, "rita",
			`unknown reason code "Vague"`},
		{"empty reason code", Submission{Verdict: Rejected, Reasons: []string{""}}, "rita", `unknown reason code ""`},
		{"check on an unknown criterion", Submission{Verdict: Accepted, Checks: map[string]bool{"business": true, "tone": true}},
			"rita", `unknown criterion "tone"`},
		{"comment one byte too long", Submission{Verdict: Accepted, Comment: strings.Repeat("a", MaxCommentLength+1)}, "rita",
			"comment is longer than 4000 bytes"},
		{"comment too long in bytes, not characters", Submission{Verdict: Accepted, Comment: strings.Repeat("あ", MaxCommentLength/3+1)},
			"rita", "comment is longer"},
		{"edit text too long", Submission{Verdict: Edited, Text: strings.Repeat("a", MaxTextLength+1)}, "rita", "text is longer than 8 MB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.sub.StartedAt = decisionNow.Add(-time.Minute)
			d, err := decisionProject().Decide(decisionRecord(), tc.sub, tc.reviewer, decisionNow)
			wantError(t, err, Invalid, tc.part)
			if !reflect.DeepEqual(d, Decision{}) {
				t.Fatalf("a refused submission returned %+v", d)
			}
		})
	}
}

// TestDecideCustomReasons checks that the project's taxonomy, not the default one, decides which codes are known.
func TestDecideCustomReasons(t *testing.T) {
	p := decisionProject()
	p.Reasons = []Reason{{Code: "tone"}, {Code: ReasonOther}}
	if _, err := p.Decide(decisionRecord(), Submission{Verdict: Rejected, Reasons: []string{"tone"}}, "rita", decisionNow); err != nil {
		t.Fatalf("project reason: %v", err)
	}
	_, err := p.Decide(decisionRecord(), Submission{Verdict: Rejected, Reasons: []string{"vague"}}, "rita", decisionNow)
	wantError(t, err, Invalid, `unknown reason code "vague"`)
}

func TestDecideDuration(t *testing.T) {
	tests := []struct {
		name        string
		started     time.Time
		wantStarted time.Time
		wantSeconds float64
	}{
		{"shown 25 s ago", decisionNow.Add(-25 * time.Second), decisionNow.Add(-25 * time.Second), 25},
		{"fractions of a second", decisionNow.Add(-1500 * time.Millisecond), decisionNow.Add(-1500 * time.Millisecond), 1.5},
		{"no start: it started now", time.Time{}, decisionNow, 0},
		{"a start in the future (clock skew) starts now", decisionNow.Add(time.Minute), decisionNow, 0},
		{"a start exactly now", decisionNow, decisionNow, 0},
		{"exactly at the cap", decisionNow.Add(-15 * time.Minute), decisionNow.Add(-15 * time.Minute), 900},
		{"one second over the cap counts 900", decisionNow.Add(-15*time.Minute - time.Second), decisionNow.Add(-15*time.Minute - time.Second), 900},
		{"left open over lunch counts 900, the start stays", decisionNow.Add(-3 * time.Hour), decisionNow.Add(-3 * time.Hour), 900},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := decisionProject().Decide(decisionRecord(), Submission{Verdict: Skipped, StartedAt: tc.started}, "rita", decisionNow)
			if err != nil {
				t.Fatal(err)
			}
			if !d.StartedAt.Equal(tc.wantStarted) || !d.EndedAt.Equal(decisionNow) || d.Seconds != tc.wantSeconds {
				t.Fatalf("started %v ended %v seconds %v, want %v %v %v", d.StartedAt, d.EndedAt, d.Seconds,
					tc.wantStarted, decisionNow, tc.wantSeconds)
			}
		})
	}
}

func TestAutoDiscard(t *testing.T) {
	d := AutoDiscard(decisionRecord(), decisionNow)
	want := Decision{ItemID: "7000000000001", Revision: 2, Verdict: AutoDiscarded, Reviewer: AutoReviewer, Reasons: []string{},
		StartedAt: decisionNow, EndedAt: decisionNow, RulesVersion: "e36c53a36cac"}
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("AutoDiscard = %+v, want %+v", d, want)
	}
}

func TestVerdictAndStatus(t *testing.T) {
	tests := []struct {
		v                         Verdict
		valid, approved, reviewed bool
		open                      bool // of the status the verdict leaves
	}{
		{Accepted, true, true, true, false},
		{Edited, true, true, true, false},
		{Rejected, true, false, true, false},
		{Skipped, true, false, false, true},
		{AutoDiscarded, true, false, false, false},
		{"", false, false, false, false},
		{"Accepted", false, false, false, false},
	}
	for _, tc := range tests {
		t.Run(string(tc.v), func(t *testing.T) {
			if got := tc.v.Valid(); got != tc.valid {
				t.Errorf("Valid = %v", got)
			}
			if got := tc.v.Approved(); got != tc.approved {
				t.Errorf("Approved = %v", got)
			}
			if got := tc.v.Reviewed(); got != tc.reviewed {
				t.Errorf("Reviewed = %v", got)
			}
			if got := Status(tc.v).Open(); got != tc.open {
				t.Errorf("Status(%q).Open = %v", tc.v, got)
			}
		})
	}
	for s, open := range map[Status]bool{Pending: true, Disputed: false} {
		if s.Open() != open {
			t.Errorf("%s.Open = %v, want %v", s, s.Open(), open)
		}
	}
}
