package app

import (
	"context"
	"database/sql"
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
	// Every band reviewed in full and nothing edited or rejected: no error, exactly.
	check(t, "all-LLM errors", d.Cost.AllLLMErrors, ErrorEstimate{Estimate: review.Estimate{Value: ptr(0)}, Count: 0, Total: 4})
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

// TestDashboardCostIntervals checks the cost panel's one all-LLM error rate, the intervals carried into the
// projections, the whole-import estimate and the threshold advisor over the covered bands, all by hand.
func TestDashboardCostIntervals(t *testing.T) {
	var items []review.Item
	for i := 1; i <= 4; i++ {
		items = append(items, dashItem(i, "b1", 9, 4, false)) // band 9: items 1-4
	}
	for i := 5; i <= 8; i++ {
		items = append(items, dashItem(i, "b1", 7, 2, false)) // band 7: items 5-8
	}
	items = append(items, dashItem(9, "b1", 5, 1, false), dashItem(10, "b1", 5, 1, false), // band 5, never reviewed
		dashItem(11, "b1", 2, 0, false)) // below the threshold of 4: auto-discarded
	f := newDashFixture(t, items...)
	// One decision per reviewer-day, so that each reviewer-day's active time is its decision's seconds.
	f.decide(items[0], "sato", review.Accepted, day1, 40, nil)
	f.decide(items[1], "tanaka", review.Accepted, day1.Add(time.Minute), 60, nil)
	f.decide(items[2], "sato", review.Edited, day2, 50, nil)
	f.decide(items[4], "tanaka", review.Rejected, day2.Add(time.Minute), 50, nil)
	d := f.dashboard(DashboardQuery{})

	// Seconds per review: 200 s over 4 reviews = 50, over the reviewer-days (40,1) (60,1) (50,1) (50,1): residuals
	// -10, 10, 0, 0, Var = 200 / (4 * 3 * 1^2) = 16.666667, sd 4.082483, t(0.975, 3) = 3.1824: half 12.992094,
	// [37.007906, 62.992094].
	team := d.Reviewers.Team
	near(t, "seconds per item", team.SecondsPerItem, 50)
	if team.ReviewerDays != 4 || team.SecondsPerItemCI == nil {
		t.Fatalf("team: %s", jsonOf(team))
	}
	near(t, "seconds lo", &team.SecondsPerItemCI.Lo, 37.007906404278025)
	near(t, "seconds hi", &team.SecondsPerItemCI.Hi, 62.992093595721975)

	// Strata of the review population: band 5 N=2 n=0; band 7 N=4 n=1 good 0; band 9 N=4 n=3 good 3.
	// Yield over the covered bands (8 items): (4*1 + 4*0) / 8 = 0.5. Variance of the good total:
	//   band 9: 4^2 * (4-3)/(4-1) * 0.8*0.2 / 3 = 0.284444 (p~ = 4/5);  band 7: 4^2 * 1 * (1/3)(2/3) / 1 = 3.555556
	// sum 3.84, half 1.959964 * 1.959592 = 3.840700: good in [4 - 3.8407, 7.8407] clamped to [3 seen good, 8 - 1 seen
	// bad = 7]: yield [0.375, 0.875].
	// Not accepted as is: band 9 1 of 3 (edited), band 7 1 of 1: (4/3 + 4) / 8 = 0.666667. Variance: band 9
	// 16 * 1/3 * 0.4*0.6 / 3 = 0.426667 (p~ = 2/5), band 7 16 * (2/3)(1/3) = 3.555556; half 1.959964 * 1.995551 =
	// 3.911207: [1.422126, 9.244540] clamped to [2 seen bad, 8 - 2 accepted as is = 6]: [0.25, 0.75].
	// The sample share is 2 of 4 = 0.5: the stratified 0.666667 is the one number the panel and the table give.
	e := d.Cost.AllLLMErrors
	near(t, "all-LLM errors", e.Value, 2.0/3)
	near(t, "all-LLM errors lo", &e.CI.Lo, 0.25)
	near(t, "all-LLM errors hi", &e.CI.Hi, 0.75)
	if e.Count != 2 || e.Total != 4 {
		t.Errorf("all-LLM sample: %s", jsonOf(e))
	}
	c := d.Cost.Comparison
	if c == nil {
		t.Fatalf("cost: %s", jsonOf(d.Cost))
	}
	in := c.Inputs
	near(t, "yield", &in.Yield, 0.5)
	near(t, "edit rate (1 - 0.5 + e = 0.666667)", &in.EditRate, 1.0/6)
	near(t, "yield lo", &in.YieldCI.Lo, 0.375)
	near(t, "yield hi", &in.YieldCI.Hi, 0.875)
	near(t, "table error rate", c.AllLLM.ErrorRate, 2.0/3)
	near(t, "table error lo", &c.AllLLM.CI.ErrorRate.Lo, 0.25)
	near(t, "table error hi", &c.AllLLM.CI.ErrorRate.Hi, 0.75)
	// 11 items, 10 go to review. llm_review: 10 * 50 s = 0.138889 h in 10 * [37.007906, 62.992094] / 3600 h, at
	// 1500 per hour: 208.333333 in [154.199610, 262.467057]; good shipped 10 * 0.5 = 5 in [3.75, 8.75].
	// all_llm: 10 ship, 6.666667 bad in [2.5, 7.5].
	r := c.LLMReview
	near(t, "labour cost", &r.LabourCost, 10*50.0/3600*1500)
	near(t, "labour cost lo", &r.CI.LabourCost.Lo, 10*37.007906404278025/3600*1500)
	near(t, "labour cost hi", &r.CI.LabourCost.Hi, 10*62.992093595721975/3600*1500)
	near(t, "good shipped lo", &r.CI.GoodShipped.Lo, 3.75)
	near(t, "good shipped hi", &r.CI.GoodShipped.Hi, 8.75)
	near(t, "bad shipped lo", &c.AllLLM.CI.BadShipped.Lo, 2.5)
	near(t, "bad shipped hi", &c.AllLLM.CI.BadShipped.Hi, 7.5)
	if len(d.Cost.PointOnly) != 0 || d.Cost.Copilot.Calls != 0 || in.CopilotCost != 0 {
		t.Errorf("cost: %s", jsonOf(d.Cost))
	}

	// Whole import: 11 items with the auto-discarded one. Good summaries from 3 (the covered bands' lower end, none of
	// the 2 + 1 unknown items good) to 7 + 2 + 1 = 10; yield [3/11, 10/11]. All auto-discarded bad: no value, since
	// band 5 is unreviewed; [3/11, 9/11].
	w := d.Population.WholeImport
	if w.Population != 11 || w.AutoDiscarded != 1 || w.Yield.Value != nil || w.YieldIfDiscardedBad.Value != nil {
		t.Errorf("whole import: %s", jsonOf(w))
	}
	near(t, "whole good lo", &w.GoodItems.CI.Lo, 3)
	near(t, "whole good hi", &w.GoodItems.CI.Hi, 10)
	near(t, "whole yield if bad hi", &w.YieldIfDiscardedBad.CI.Hi, 9.0/11)

	// Advisor over bands 5, 7, 9, with band 5 uncovered.
	adv := d.Judge.Advisor
	if len(adv) != 3 || jsonOf(adv[0].UncoveredBands) != "[5]" {
		t.Fatalf("advisor: %s", jsonOf(adv))
	}
	// T = 5 discards nothing: exactly 0 good thrown away, although band 5 above is unknown. Over the covered bands,
	// 1 - 4/8 = 0.5 of the accepted are bad.
	near(t, "T=5 good discarded", adv[0].GoodDiscarded.Value, 0)
	check(t, "T=5 good discarded ci", adv[0].GoodDiscarded.CI, review.Interval{})
	if adv[0].BadInAccepted.Value != nil {
		t.Errorf("T=5 bad in accepted over an unreviewed band: %s", jsonOf(adv[0].BadInAccepted))
	}
	near(t, "T=5 covered bad in accepted", adv[0].Covered.BadInAccepted.Value, 0.5)
	// T = 9 discards bands 5 and 7. Covered: band 7's 0 good (interval [0, min(3, 3.695742)] = [0, 3], from
	// 16 * 3.555556 = half 1.959964 * 1.885618) against band 9's 4 ([max(3, 2.954686), min(4, 5.045314)] = [3, 4]):
	// 0 / (0 + 4) = 0 in [0 / (0 + 4), 3 / (3 + 3)] = [0, 0.5].
	cov := adv[2].Covered
	if adv[2].GoodDiscarded.Value != nil || cov.DiscardedItems != 4 || cov.AcceptedItems != 4 {
		t.Errorf("T=9: %s", jsonOf(adv[2]))
	}
	near(t, "T=9 covered good discarded", cov.GoodDiscarded.Value, 0)
	near(t, "T=9 covered good discarded hi", &cov.GoodDiscarded.CI.Hi, 0.5)

	// The report gives one all-LLM error rate, with its interval, in the text and the table.
	var md strings.Builder
	for _, s := range d.Report().Sections {
		md.WriteString(strings.Join(s.Paragraphs, "\n"))
		for _, tb := range s.Tables {
			for _, row := range tb.Rows {
				md.WriteString(strings.Join(row, " | ") + "\n")
			}
		}
	}
	rep := md.String()
	for _, want := range []string{
		"Shipping without review would get 66.7% (25.0–75.0%) of the items wrong",
		// API 11 * 0.8 = 8.8; 6.666667 bad in [2.5, 7.5], rounded half to even.
		"all_llm | 9 | 0 | 9 | 0.0 | 10 | 7 (2–8) | 66.7% (25.0–75.0%)",
		"measured 50 (37–63) s per review",
		"yield between 27.3–90.9%, good summaries between 3 and 10",
		"Bands [5] have no review",
		"9 | 4 | 0.0% (0.0–25.0%) | 4 | 0.0% (0.0–50.0%)",
	} {
		if !strings.Contains(rep, want) {
			t.Errorf("report lacks %q:\n%s", want, rep)
		}
	}
}

// TestDashboardCopilotCost records copilot calls and checks that the dashboard reads them: the cost per reviewed
// item, its use in the LLM + human review set-up, the filters, and every stored column.
func TestDashboardCopilotCost(t *testing.T) {
	i1, i2, i3 := dashItem(1, "b1", 9, 4, false), dashItem(2, "b1", 8, 3, false), dashItem(3, "b2", 9, 4, false)
	f := newDashFixture(t, i1, i2, i3)
	ctx := context.Background()
	record := func(id, who string, c review.Call) {
		t.Helper()
		if _, err := f.st.RecordCall(ctx, id, who, c); err != nil {
			t.Fatal(err)
		}
	}
	// sato asks for a fix and a rescore on item 1, then accepts it: both calls are linked to the decision.
	record(i1.ID, "sato", review.Call{Kind: review.CallFix, Model: "gpt-x", TemplateVersion: "fix-v1",
		Latency: 1200 * time.Millisecond, Attempts: 1, TokensIn: 1000, TokensOut: 200, Cost: 0.12, At: day1.Add(-time.Minute)})
	record(i1.ID, "sato", review.Call{Kind: review.CallJudge, Model: "judge-y", TemplateVersion: "judge-v2",
		Latency: 800 * time.Millisecond, Attempts: 2, TokensIn: 1500, TokensOut: 50, TokensEstimated: true, Cost: 0.05,
		At: day1.Add(-30 * time.Second)})
	f.decide(i1, "sato", review.Accepted, day1, 40, nil)
	// tanaka's fix on item 2 failed after costing something; tanaka edits the item.
	record(i2.ID, "tanaka", review.Call{Kind: review.CallFix, Model: "gpt-x", TemplateVersion: "fix-v1",
		Latency: 600 * time.Millisecond, Attempts: 3, TokensIn: 800, TokensOut: 100, Cost: 0.2, Err: "rate limited",
		At: day2.Add(-time.Minute)})
	f.decide(i2, "tanaka", review.Edited, day2, 60, nil)
	// Not copilot cost of a review: sato's call on item 3 that no decision of sato's followed, and boss's batch
	// rescore of item 3, which boss's decision on it then links.
	record(i3.ID, "sato", review.Call{Kind: review.CallFix, Model: "gpt-x", TemplateVersion: "fix-v1", Cost: 1, At: day2})
	if err := f.st.SaveRescore(ctx, i3.ID, "boss", review.Rescore{Scores: map[string]float64{"business": 4}, Total: 9, Max: 10,
		Call: review.Call{Kind: review.CallJudge, Model: "judge-y", TemplateVersion: "judge-v2", Cost: 5, At: day2}}); err != nil {
		t.Fatal(err)
	}
	f.decide(i3, "boss", review.Accepted, day2.Add(time.Minute), 30, nil)

	// The stored columns, as RecordCall and SaveRescore wrote them and SaveDecision linked them.
	db, err := sql.Open("sqlite3", "file:"+f.st.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT c.reviewer, c.kind, c.model, c.template_version, c.latency_ms, c.attempts, c.tokens_in,
		c.tokens_out, c.tokens_estimated, c.cost, c.error, c.at, coalesce(d.verdict, '') FROM llm_calls c
		LEFT JOIN decisions d ON d.id = c.decision ORDER BY c.id`)
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	for rows.Next() {
		var who, kind, model, version, callErr, verdict string
		var latency, cost float64
		var attempts, in, out int
		var estimated bool
		var at int64
		if err := rows.Scan(&who, &kind, &model, &version, &latency, &attempts, &in, &out, &estimated, &cost, &callErr, &at, &verdict); err != nil {
			t.Fatal(err)
		}
		stored = append(stored, fmt.Sprintf("%s %s %s %s %gms x%d %d/%d est=%v %g %q %s %s", who, kind, model, version, latency,
			attempts, in, out, estimated, cost, callErr, time.UnixMilli(at).UTC().Format("01-02T15:04:05"), verdict))
	}
	rows.Close()
	check(t, "stored calls", stored, []string{
		`sato fix gpt-x fix-v1 1200ms x1 1000/200 est=false 0.12 "" 11-02T09:59:00 accepted`,
		`sato judge judge-y judge-v2 800ms x2 1500/50 est=true 0.05 "" 11-02T09:59:30 accepted`,
		`tanaka fix gpt-x fix-v1 600ms x3 800/100 est=false 0.2 "rate limited" 11-03T09:59:00 edited`,
		`sato fix gpt-x fix-v1 0ms x0 0/0 est=false 1 "" 11-03T10:00:00 `,
		`boss judge judge-y judge-v2 0ms x0 0/0 est=false 5 "" 11-03T10:00:00 accepted`,
	})

	// Counted: 0.12 + 0.05 + 0.2 = 0.37 over 3 reviewed items = 0.123333 per item. Reviewer-day clusters (cost,
	// reviews): sato day 1 (0.17, 1), tanaka day 2 (0.2, 1), boss day 2 (0, 1). Residuals 0.046667, 0.076667,
	// -0.123333; squares sum 0.023267; Var = 0.023267 / (3 * 2 * 1) = 0.003878, sd 0.062272; t(0.975, 2) = 4.3027:
	// half 0.267937, interval [0 (clamped), 0.391270].
	d := f.dashboard(DashboardQuery{})
	cp := d.Cost.Copilot
	if cp.Calls != 3 || cp.Failed != 1 || math.Abs(cp.Cost-0.37) > 1e-12 || cp.PerReviewed.Clusters != 3 || cp.PerReviewed.CI == nil {
		t.Fatalf("copilot: %s", jsonOf(cp))
	}
	near(t, "per reviewed", cp.PerReviewed.Value, 0.37/3)
	near(t, "per reviewed lo", &cp.PerReviewed.CI.Lo, 0)
	near(t, "per reviewed hi", &cp.PerReviewed.CI.Hi, 0.39127023146442524)
	// By model: gpt-x fix: sato's and tanaka's calls, (1200 + 600) / 2 = 900 ms, 0.32; judge-y: sato's rescore.
	check(t, "by model", cp.ByModel, []CallStats{
		{Kind: "fix", Model: "gpt-x", TemplateVersion: "fix-v1", Calls: 2, Failed: 1, TokensIn: 1800, TokensOut: 300,
			Cost: 0.32, MeanLatencyMs: ptr(900), CostPerCall: ptr(0.16)},
		{Kind: "judge", Model: "judge-y", TemplateVersion: "judge-v2", Calls: 1, TokensIn: 1500, TokensOut: 50,
			Cost: 0.05, MeanLatencyMs: ptr(800), CostPerCall: ptr(0.05)}})
	// The cost model pays it on each of the 3 items sent to review: API 3 * (0.5 + 0.3) + 3 * 0.123333 = 2.77,
	// in 2.4 + 3 * [0, 0.391270] = [2.4, 3.573811]; the all-LLM set-up does not.
	c := d.Cost.Comparison
	near(t, "copilot input", &c.Inputs.CopilotCost, 0.37/3)
	near(t, "llm_review api", &c.LLMReview.APICost, 2.77)
	near(t, "llm_review api lo", &c.LLMReview.CI.APICost.Lo, 2.4)
	near(t, "llm_review api hi", &c.LLMReview.CI.APICost.Hi, 2.4+3*0.39127023146442524)
	near(t, "all_llm api", &c.AllLLM.APICost, 2.4)

	// Batch b1: both of sato's and tanaka's calls, over their 2 reviews: 0.185. Batch b2: only the rescore, which
	// is not counted: no copilot cost.
	b1 := f.dashboard(DashboardQuery{Batch: "b1"}).Cost
	near(t, "b1 per reviewed", b1.Copilot.PerReviewed.Value, 0.185)
	b2 := f.dashboard(DashboardQuery{Batch: "b2"}).Cost
	if b2.Copilot.Calls != 0 || b2.Comparison.Inputs.CopilotCost != 0 || b2.Comparison.LLMReview.APICost != 0.8 {
		t.Errorf("b2 copilot: %s", jsonOf(b2))
	}
	// Day 1: sato's two calls over sato's one review, 0.17, from a single reviewer-day: no interval, said so.
	first := f.dashboard(DashboardQuery{To: "2026-11-02"}).Cost
	near(t, "day 1 per reviewed", first.Copilot.PerReviewed.Value, 0.17)
	if first.Copilot.PerReviewed.CI != nil || jsonOf(first.PointOnly) != `["review_seconds","copilot_cost"]` {
		t.Errorf("day 1: %s", jsonOf(first))
	}
	rep := d.Report()
	cost := rep.Sections[len(rep.Sections)-1]
	if !strings.Contains(strings.Join(cost.Paragraphs, " "), "3 calls (1 failed) cost 0.37, 0.123 (0.000–0.391) per reviewed item") ||
		len(cost.Tables) != 2 || cost.Tables[1].Rows[0][1] != "gpt-x" {
		t.Errorf("report cost section: %+v", cost)
	}
}

// TestDashboardModelsAndPrompts checks the yield by judge model and by prompt version on two of each.
func TestDashboardModelsAndPrompts(t *testing.T) {
	item := func(n int, judge, prompt string) review.Item {
		it := dashItem(n, "b1", 9, 4, false)
		it.Judge, it.PromptVersion = judge, prompt
		return it
	}
	items := []review.Item{item(1, "judge-x", "v1"), item(2, "judge-x", "v2"), item(3, "judge-y", "v1"),
		item(4, "judge-y", "v2"), item(5, "judge-y", "v2"), item(6, "judge-x", "v1")}
	f := newDashFixture(t, items...)
	for i, v := range []review.Verdict{review.Accepted, review.Rejected, review.Edited, review.Accepted, review.Rejected} {
		f.decide(items[i], "sato", v, day1.Add(time.Duration(i)*time.Minute), 30, nil)
	}
	d := f.dashboard(DashboardQuery{})
	// judge-x: item 1 accepted, item 2 rejected (item 6 unreviewed): 1 of 2. Wilson at p = 0.5, n = 2, z^2 =
	// 3.841459: centre (0.5 + 0.960365) / 2.920729 = 0.5, half 1.959964 / 2.920729 * sqrt(0.125 + 0.240091) =
	// 0.405469: [0.094531, 0.905469].
	// judge-y: items 3 edited, 4 accepted, 5 rejected: 2 of 3, Wilson [0.207660, 0.938508].
	// v1: items 1 accepted, 3 edited: 2 of 2, Wilson [0.342380, 1]. v2: items 2, 4, 5: 1 of 3, [0.061492, 0.792340].
	yp := func(key string, a, e, r int, rate, lo, hi float64) YieldPoint {
		return YieldPoint{Key: key, N: a + e + r, Good: a + e, Accepted: a, Edited: e, Rejected: r, Rate: ptr(rate), CILo: lo, CIHi: hi}
	}
	for _, tc := range []struct {
		name      string
		got, want []YieldPoint
	}{
		{"by judge", d.Yield.ByJudge, []YieldPoint{yp("judge-x", 1, 0, 1, 0.5, 0.094531, 0.905469),
			yp("judge-y", 1, 1, 1, 2.0/3, 0.207660, 0.938508)}},
		{"by prompt version", d.Yield.ByPromptVersion, []YieldPoint{yp("v1", 1, 1, 0, 1, 0.342380, 1),
			yp("v2", 1, 0, 2, 1.0/3, 0.061492, 0.792340)}},
	} {
		if len(tc.got) != len(tc.want) {
			t.Fatalf("%s: %s", tc.name, jsonOf(tc.got))
		}
		for i, w := range tc.want {
			g := tc.got[i]
			if g.Key != w.Key || g.N != w.N || g.Good != w.Good || g.Accepted != w.Accepted || g.Edited != w.Edited ||
				g.Rejected != w.Rejected || math.Abs(*g.Rate-*w.Rate) > 1e-9 || math.Abs(g.CILo-w.CILo) > 1e-6 ||
				math.Abs(g.CIHi-w.CIHi) > 1e-6 {
				t.Errorf("%s[%d]:\n got %s\nwant %s", tc.name, i, jsonOf(g), jsonOf(w))
			}
		}
	}
	check(t, "by generator", d.Yield.ByGenerator, []YieldPoint{verdicts{2, 1, 2}.point("gen-a")})
}
