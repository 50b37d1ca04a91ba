package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"reviewdesk/review"
	"reviewdesk/store"
)

// dashFixture is a service on a small database whose dashboard numbers are counted by hand in each test.
type dashFixture struct {
	t   *testing.T
	svc *Service
	st  *store.Store
}

var (
	day1 = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	day2 = day1.AddDate(0, 0, 1)
)

func dashItem(n int, batch string, score, business float64, hinted bool) review.Item {
	it := review.Item{ID: fmt.Sprintf("80000000000%02d", n), Company: fmt.Sprintf("株式会社ダッシュ%d", n),
		Source:  fmt.Sprintf("株式会社ダッシュ%dは大阪府で産業用ポンプを製造しています（%d）。", n, n),
		Summary: fmt.Sprintf("株式会社ダッシュ%dは、大阪府で産業用ポンプを製造する会社です。", n),
		Scores:  map[string]float64{"business": business}, Score: score, MaxScore: 10, Batch: batch,
		Generator: "gen-a", Judge: "judge-x", PromptVersion: "v1"}
	if hinted {
		it.Summary = fmt.Sprintf("我々は大阪府で産業用ポンプを製造しています（%d）。", n)
	}
	return it
}

func newDashFixture(t *testing.T, items ...review.Item) *dashFixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "dash.db"), store.Options{DayZone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := New(ctx, st, Config{User: "boss", Now: func() time.Time { return day2.Add(12 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	discard := 4.0
	rubric := review.Rubric{MaxScore: 10, DiscardBelow: &discard, Criteria: []review.Criterion{{Name: "business", Max: 4}}}
	if err := svc.SetRubric(ctx, "boss", rubric); err != nil {
		t.Fatal(err)
	}
	im, err := st.BeginImport(ctx, "dash.jsonl", "jsonl", "boss", rubric)
	if err != nil {
		t.Fatal(err)
	}
	rules := svc.Rules()
	for i := range items {
		if _, err := im.Put(&items[i], rules.Check(items[i].Summary, items[i].Source), rules.Version); err != nil {
			im.Rollback()
			t.Fatal(err)
		}
	}
	if _, err := im.Commit("boss"); err != nil {
		t.Fatal(err)
	}
	return &dashFixture{t: t, svc: svc, st: st}
}

// decide records a decision that took seconds and ended at ended.
func (f *dashFixture) decide(it review.Item, reviewer string, v review.Verdict, ended time.Time, seconds float64,
	checks map[string]bool) {
	f.t.Helper()
	ctx := context.Background()
	rec, err := f.st.Item(ctx, it.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	d := review.Decision{ItemID: it.ID, Verdict: v, Reviewer: reviewer, Reasons: []string{}, Checks: checks,
		FinalText: rec.Summary, StartedAt: ended.Add(-time.Duration(seconds) * time.Second), EndedAt: ended, Seconds: seconds}
	switch v {
	case review.Edited:
		d.FinalText = strings.Replace(rec.Summary, "我々は", "同社は", 1) + "（修正）"
	case review.Rejected:
		d.Reasons = []string{"vague"}
	}
	if _, err := f.st.SaveDecision(ctx, d, rec.Version); err != nil {
		f.t.Fatal(err)
	}
}

func (f *dashFixture) dashboard(q DashboardQuery) Dashboard {
	f.t.Helper()
	d, err := f.svc.Dashboard(context.Background(), q)
	if err != nil {
		f.t.Fatal(err)
	}
	// Every dashboard must encode: a NaN that slipped through would break the endpoint.
	if _, err := json.Marshal(d); err != nil {
		f.t.Fatal(err)
	}
	return d
}

func check(t *testing.T, name string, got, want any) {
	t.Helper()
	if g, w := jsonOf(got), jsonOf(want); g != w {
		t.Errorf("%s:\n got %s\nwant %s", name, g, w)
	}
}

func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v (%v)", v, err)
	}
	return string(b)
}

func ptr(v float64) *float64 { return &v }

func near(t *testing.T, name string, got *float64, want float64) {
	t.Helper()
	if got == nil || math.Abs(*got-want) > 1e-9 {
		t.Errorf("%s: got %v, want %v", name, jsonOf(got), want)
	}
}

func wilson(good, n int) review.Interval { return review.Wilson(good, n, review.Z95) }

func TestDashboardNothingReviewed(t *testing.T) {
	items := []review.Item{dashItem(1, "b1", 9, 4, true), dashItem(2, "b1", 9, 3, false), dashItem(3, "b1", 7, 2, false),
		dashItem(4, "b1", 2, 0, false)}
	f := newDashFixture(t, items...)
	d := f.dashboard(DashboardQuery{})
	check(t, "items", d.Items, ItemCounts{Total: 4, ByStatus: map[review.Status]int{"pending": 3, "auto_discarded": 1,
		"accepted": 0, "edited": 0, "rejected": 0, "skipped": 0, "disputed": 0}, Open: 3, AutoDiscarded: 1})
	check(t, "overall", d.Yield.Overall, YieldPoint{Key: "all", CILo: 0, CIHi: 1})
	check(t, "bands", d.Yield.ByBand, []BandPoint{
		{Band: 2, Lo: 2, Hi: 3, Items: 1, AutoDiscarded: 1, YieldPoint: YieldPoint{Key: "2", CIHi: 1}},
		{Band: 7, Lo: 7, Hi: 8, Items: 1, YieldPoint: YieldPoint{Key: "7", CIHi: 1}},
		{Band: 9, Lo: 9, Hi: 10, Items: 2, YieldPoint: YieldPoint{Key: "9", CIHi: 1}}})
	p := d.Population
	if p.Population != 3 || p.Complete || jsonOf(p.UnreviewedBands) != "[7,9]" || p.Yield.Value != nil ||
		p.Yield.CI != (review.Interval{Lo: 0, Hi: 1}) || p.AutoDiscarded.Items != 1 {
		t.Errorf("population: %s", jsonOf(p))
	}
	if d.Judge.Approved.Items != 0 || d.Judge.Approved.AUC != nil || len(d.Judge.Approved.Thresholds) != 0 {
		t.Errorf("calibration without reviews: %s", jsonOf(d.Judge.Approved))
	}
	if len(d.Judge.Advisor) != 2 || d.Judge.Advisor[1].Complete || d.Judge.Advisor[1].BadInAccepted.Value != nil {
		t.Errorf("advisor without reviews: %s", jsonOf(d.Judge.Advisor))
	}
	check(t, "reviewers", d.Reviewers.Reviewers, []ReviewerRow{})
	check(t, "rules", d.Rules, []review.RuleStats{review.NewRuleStats(review.RuleCount{Rule: "first_person", Fired: 1})})
	if d.Cost.Comparison != nil || jsonOf(d.Cost.Missing) != `["yield","review_seconds"]` {
		t.Errorf("cost without reviews: %s", jsonOf(d.Cost))
	}
	check(t, "days", d.Days, []DayPoint{})
}

func TestDashboardAllAccepted(t *testing.T) {
	items := []review.Item{dashItem(1, "b1", 9, 4, false), dashItem(2, "b1", 9, 4, false), dashItem(3, "b1", 9, 4, false),
		dashItem(4, "b1", 7, 2, false)}
	f := newDashFixture(t, items...)
	for i, it := range items {
		f.decide(it, "sato", review.Accepted, day1.Add(time.Duration(i)*time.Minute), 30, map[string]bool{"business": true})
	}
	d := f.dashboard(DashboardQuery{})
	ci := wilson(4, 4)
	check(t, "overall", d.Yield.Overall, YieldPoint{Key: "all", N: 4, Good: 4, Accepted: 4, Rate: ptr(1), CILo: ci.Lo, CIHi: ci.Hi})
	if d.Judge.Approved.AUC != nil || d.Judge.Approved.Good != 4 || d.Judge.Approved.Bad != 0 {
		t.Errorf("calibration with no bad item: %s", jsonOf(d.Judge.Approved))
	}
	// Every band fully reviewed: the estimate is exact.
	p := d.Population
	if !p.Complete || p.Yield.Value == nil || *p.Yield.Value != 1 || p.GoodItems.CI != (review.Interval{Lo: 4, Hi: 4}) {
		t.Errorf("population: %s", jsonOf(p))
	}
	// Sessions: four decisions a minute apart, each 30 s: 0:30..3:30 from 9:59:30, 3.5 minutes.
	team := d.Reviewers.Team
	if team.Reviewed != 4 || math.Abs(team.ActiveHours-3.5/60) > 1e-12 || math.Abs(*team.SecondsPerItem-52.5) > 1e-9 {
		t.Errorf("team: %s", jsonOf(team))
	}
	c := d.Cost.Comparison
	if c == nil || c.Inputs.Yield != 1 || c.Inputs.EditRate != 0 || c.Inputs.ReviewSeconds != 52.5 || c.Inputs.Population != 4 ||
		c.Inputs.ReviewShare != 1 || c.Inputs.HourlyWage != DefaultHourlyWage || *c.AllLLM.ErrorRate != 0 {
		t.Errorf("cost: %s", jsonOf(d.Cost))
	}
	check(t, "all-LLM errors", d.Cost.AllLLMErrors, review.NewProportion(0, 4))
	crit := d.Judge.Criteria
	if len(crit) != 1 || crit[0].Criterion != "business" || crit[0].Max != 4 || crit[0].Items != 4 || crit[0].Good != 4 {
		t.Errorf("criteria: %s", jsonOf(crit))
	}
}

func TestDashboardSingleScoreBand(t *testing.T) {
	items := []review.Item{dashItem(1, "b1", 8, 3, false), dashItem(2, "b1", 8, 3, false), dashItem(3, "b1", 8, 3, false)}
	f := newDashFixture(t, items...)
	f.decide(items[0], "sato", review.Accepted, day1, 20, nil)
	f.decide(items[1], "sato", review.Edited, day1.Add(time.Minute), 40, map[string]bool{"business": false})
	f.decide(items[2], "sato", review.Rejected, day1.Add(2*time.Minute), 60, map[string]bool{"business": false})
	d := f.dashboard(DashboardQuery{})
	ci := wilson(2, 3)
	check(t, "bands", d.Yield.ByBand, []BandPoint{{Band: 8, Lo: 8, Hi: 9, Items: 3,
		YieldPoint: YieldPoint{Key: "8", N: 3, Good: 2, Accepted: 1, Edited: 1, Rejected: 1, Rate: ptr(2.0 / 3), CILo: ci.Lo, CIHi: ci.Hi}}})
	cal := d.Judge.Approved
	if len(cal.Thresholds) != 1 || cal.Thresholds[0].Confusion != (review.Confusion{TP: 2, FP: 1}) {
		t.Fatalf("thresholds: %s", jsonOf(cal.Thresholds))
	}
	// One score for good and bad alike: every good-bad pair ties, so the AUC is one half.
	near(t, "AUC", cal.AUC, 0.5)
	near(t, "precision", cal.Thresholds[0].Precision, 2.0/3)
	near(t, "strict AUC", d.Judge.AcceptedAsIs.AUC, 0.5)
	r := d.Reviewers.Reviewers[0]
	near(t, "median seconds", r.MedianSeconds.Reviewed, 40)
	near(t, "median edit", r.EditSize.Median, float64(r.EditSize.Total))
	if r.EditSize.Edits != 1 || r.EditSize.Total == 0 {
		t.Errorf("edit size: %s", jsonOf(r.EditSize))
	}
	crit := d.Judge.Criteria[0]
	if crit.Items != 2 || crit.Good != 0 || crit.FullMarks == nil || crit.FullMarks.Confusion != (review.Confusion{FN: 0, TN: 2}) {
		t.Errorf("criterion with two checks: %s", jsonOf(crit))
	}
}

// TestDashboardHistory counts a history with a double review, an undone decision, a reopened item, two batches and
// two days, by hand, through every panel and filter.
func TestDashboardHistory(t *testing.T) {
	i1, i2, i3, i4 := dashItem(1, "b1", 9, 4, true), dashItem(2, "b1", 9, 4, false), dashItem(3, "b1", 7, 2, false),
		dashItem(4, "b2", 7, 2, false)
	f := newDashFixture(t, i1, i2, i3, i4)
	ctx := context.Background()
	f.decide(i1, "sato", review.Accepted, day1, 30, nil)
	f.decide(i3, "tanaka", review.Edited, day1.Add(time.Hour), 90, nil)
	f.decide(i2, "sato", review.Accepted, day1.Add(time.Minute), 20, nil)
	if _, err := f.st.Undo(ctx, "sato", time.Second); err != nil {
		t.Fatal(err)
	}
	f.decide(i1, "suzuki", review.Rejected, day2, 60, nil)
	f.decide(i4, "suzuki", review.Accepted, day2.Add(time.Minute), 30, nil)
	if err := f.svc.Reopen(ctx, "boss", i3.ID); err != nil {
		t.Fatal(err)
	}

	d := f.dashboard(DashboardQuery{})
	point := func(key string, a, e, r int) YieldPoint { return verdicts{a, e, r}.point(key) }
	check(t, "overall", d.Yield.Overall, point("all", 1, 0, 1))
	check(t, "by reviewer", d.Yield.ByReviewer, []YieldPoint{point("suzuki", 1, 0, 1)})
	check(t, "by day", d.Yield.ByDay, []YieldPoint{point("2026-11-03", 1, 0, 1)})
	check(t, "by batch", d.Yield.ByBatch, []BatchPoint{{3, point("b1", 0, 0, 1)}, {1, point("b2", 1, 0, 0)}})
	check(t, "by generator", d.Yield.ByGenerator, []YieldPoint{point("gen-a", 1, 0, 1)})
	check(t, "by criterion", d.Yield.ByCriterion, []CriterionYield{{Criterion: "business", Max: 4, Points: []ScorePoint{
		{2, point("2", 1, 0, 0)}, {4, point("4", 0, 0, 1)}}}})
	check(t, "rules", d.Rules, []review.RuleStats{review.NewRuleStats(review.RuleCount{Rule: "first_person", Fired: 1, Rejected: 1})})

	// Bands 7 and 9 hold two items each, one reviewed: 1 of 1 good in band 7, 0 of 1 in band 9.
	p := d.Population
	near(t, "projected yield", p.Yield.Value, 0.5)
	if p.Population != 4 || p.Reviewed != 2 || p.Good != 1 || !p.Complete {
		t.Errorf("population: %s", jsonOf(p))
	}

	byName := map[string]ReviewerRow{}
	for _, r := range d.Reviewers.Reviewers {
		byName[r.Reviewer] = r
	}
	if len(byName) != 3 || byName["sato"].Decisions != 1 || byName["suzuki"].Decisions != 2 || byName["tanaka"].Decisions != 1 {
		t.Fatalf("reviewers (sato's undone decision must not count, tanaka's reopened one must): %s", jsonOf(d.Reviewers.Reviewers))
	}
	check(t, "sato yield", byName["sato"].Yield, review.NewYield(1, 0, 0))
	check(t, "tanaka yield", byName["tanaka"].Yield, review.NewYield(0, 1, 0))
	near(t, "tanaka hours", ptr(byName["tanaka"].ActiveHours), 90.0/3600)
	near(t, "tanaka items per hour", byName["tanaka"].ItemsPerHour, 40)
	check(t, "sato hint following", byName["sato"].HintFollowed, review.NewProportion(0, 1))
	check(t, "suzuki hint following", byName["suzuki"].HintFollowed, review.NewProportion(1, 1))
	check(t, "suzuki unhinted", byName["suzuki"].UnhintedChanged, review.NewProportion(0, 1))

	// The double review of item 1: sato accepted, then suzuki rejected.
	check(t, "agreement", d.Reviewers.Agreement, review.Agreement([]review.VerdictPair{{First: review.Accepted, Second: review.Rejected}}))
	check(t, "sato with others", byName["sato"].AgreementWithOthers, review.Agreement([]review.VerdictPair{{First: review.Accepted, Second: review.Rejected}}))
	check(t, "suzuki with others", byName["suzuki"].AgreementWithOthers, review.Agreement([]review.VerdictPair{{First: review.Rejected, Second: review.Accepted}}))
	check(t, "tanaka with others", byName["tanaka"].AgreementWithOthers.Verdicts.Pairs, 0)

	if len(d.Days) != 2 || d.Days[0].Day != "2026-11-02" || d.Days[0].Decisions != 2 || d.Days[0].N != 0 ||
		d.Days[1].Decisions != 2 || d.Days[1].N != 2 || d.Days[1].Reviews != 2 {
		t.Errorf("days: %s", jsonOf(d.Days))
	}

	b2 := f.dashboard(DashboardQuery{Batch: "b2"})
	check(t, "b2 overall", b2.Yield.Overall, point("all", 1, 0, 0))
	check(t, "b2 items", b2.Items.Total, 1)
	check(t, "b2 reviewers", len(b2.Reviewers.Reviewers), 1)
	check(t, "b2 agreement", b2.Reviewers.Agreement.Verdicts.Pairs, 0)

	first := f.dashboard(DashboardQuery{To: "2026-11-02"})
	check(t, "day 1 overall", first.Yield.Overall, point("all", 0, 0, 0))
	check(t, "day 1 population is not filtered", first.Population.Population, 4)
	check(t, "day 1 reviewers", len(first.Reviewers.Reviewers), 2)
	check(t, "day 1 pairs", first.Reviewers.Agreement.Verdicts.Pairs, 0)
	second := f.dashboard(DashboardQuery{From: "2026-11-03", To: "2026-11-03"})
	check(t, "day 2 overall", second.Yield.Overall, point("all", 1, 0, 1))
	check(t, "day 2 pairs", second.Reviewers.Agreement.Verdicts.Pairs, 1)

	rep := d.Report()
	if len(rep.Sections) != 8 || rep.Sections[1].Heading != "Yield" {
		t.Errorf("report sections: %+v", rep.Sections)
	}
}

// TestDashboardAPI checks the endpoints' parameters, errors and formats.
func TestDashboardAPI(t *testing.T) {
	items := []review.Item{dashItem(1, "b<1>", 9, 4, false), dashItem(2, "b<1>", 8, 3, false)}
	f := newDashFixture(t, items...)
	f.decide(items[0], "sato", review.Accepted, day1, 30, nil)
	f.decide(items[1], "sato", review.Rejected, day1.Add(time.Minute), 30, nil)
	srv := httptest.NewServer(f.svc.Handler(nil))
	defer srv.Close()
	c := newClient(t, srv.URL)

	var d Dashboard
	c.do("GET", "/api/dashboard?batch=b%3C1%3E&from=2026-11-01&to=2026-11-02&wage=2000&population=1000000&judge_cost=0", nil, 200, &d)
	if d.Yield.Overall.N != 2 || d.Filter.Batch != "b<1>" || d.Filter.DayZone != "+00:00" || d.Cost.Comparison == nil ||
		d.Cost.Comparison.Inputs.HourlyWage != 2000 || d.Cost.Comparison.Inputs.Population != 1000000 ||
		d.Cost.Comparison.Inputs.JudgeCost != 0 || d.Cost.Comparison.Inputs.GenerationCost != DefaultGenerationCost {
		t.Errorf("dashboard: %s", jsonOf(d))
	}
	var e map[string]string
	for _, q := range []string{"from=yesterday", "to=2026-13-01", "from=2026-11-03&to=2026-11-02", "wage=lots",
		"population=many", "population=-5", "write_minutes=-1"} {
		c.do("GET", "/api/dashboard?"+q, nil, 400, &e)
		if e["code"] != "invalid" || e["message"] == "" {
			t.Errorf("%s: %v", q, e)
		}
	}

	for _, tc := range []struct{ format, ctype, contains string }{
		{"md", "text/markdown", "| b&lt;1&gt;"}, {"html", "text/html", "<td>b&lt;1&gt;</td>"}, {"", "text/html", "<!DOCTYPE html>"},
	} {
		res, err := http.Get(srv.URL + "/api/report?format=" + tc.format)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		page := strings.ReplaceAll(string(body), `b\<1\>`, "b&lt;1&gt;")
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), tc.ctype) ||
			!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(page, tc.contains) {
			t.Errorf("report %q: %d %s %q\n%.400s", tc.format, res.StatusCode, res.Header.Get("Content-Type"), tc.contains, body)
		}
	}
	c.do("GET", "/api/report?format=pdf", nil, 400, &e)

	var st Stats
	c.do("GET", "/api/stats", nil, 200, &st)
	if st.Total != 2 || st.Reviewed != 2 || *st.Yield != 0.5 || len(st.Reviewers) != 1 || st.Reviewers[0].Seconds != 60 {
		t.Errorf("stats: %s", jsonOf(st))
	}
}
