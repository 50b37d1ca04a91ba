package app

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"reviewdesk/exporter"
	"reviewdesk/review"
	"reviewdesk/store"
)

// The supervisor dashboard: every number supervisors decide thresholds, prompts and staffing from, each with the
// counts behind it and, where it is an estimate, its 95% interval. The store reads pre-aggregated counts in one
// snapshot; the formulas are review's (metric*.go); this file only slices and assembles.
//
// Counting units: yield, judge calibration, population and hint rules count each item's current decision, on its
// current revision (a decision on a text a re-import replaced counts nowhere: Items.Outdated). Reviewer panels
// count every human decision not undone, skips included. The day filter picks decisions by the calendar day they
// were made, in the database's day zone (Filter.DayZone); item populations are never filtered by day.

// Cost model defaults, in yen: a part-time reviewer's wage, and API prices for one summary's generation and judging.
const (
	DefaultHourlyWage     = 1500
	DefaultGenerationCost = 0.5
	DefaultJudgeCost      = 0.3
	DefaultWriteMinutes   = 15
)

// DashboardQuery is what a supervisor asks the dashboard for.
type DashboardQuery struct {
	// Batch is one batch name; "" means every batch.
	Batch string
	// From and To are days written YYYY-MM-DD, both included; "" leaves an end open.
	From, To string
	Cost     CostParams
}

// CostParams are the cost model's assumptions; nil takes the default.
type CostParams struct {
	HourlyWage     *float64
	GenerationCost *float64
	JudgeCost      *float64
	// Population is how many companies the projection is for; nil means the imported items (in the batch).
	Population   *int
	WriteMinutes *float64
}

// ParseDashboardQuery reads a query from URL parameters: batch, from, to, wage, generation_cost, judge_cost,
// population, write_minutes.
func ParseDashboardQuery(q url.Values) (DashboardQuery, error) {
	dq := DashboardQuery{Batch: q.Get("batch"), From: q.Get("from"), To: q.Get("to")}
	var err error
	for name, dst := range map[string]**float64{"wage": &dq.Cost.HourlyWage, "generation_cost": &dq.Cost.GenerationCost,
		"judge_cost": &dq.Cost.JudgeCost, "write_minutes": &dq.Cost.WriteMinutes} {
		if *dst, err = floatParam(q, name); err != nil {
			return dq, err
		}
	}
	if v := q.Get("population"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return dq, review.Errorf(review.Invalid, "population=%q is not a whole number", v)
		}
		dq.Cost.Population = &n
	}
	return dq, nil
}

// Dashboard is the whole supervisor dashboard: what GET /api/dashboard and `reviewdesk stats --json` print.
type Dashboard struct {
	GeneratedAt time.Time          `json:"generated_at"`
	Filter      DashboardFilter    `json:"filter"`
	Items       ItemCounts         `json:"items"`
	Yield       YieldPanel         `json:"yield"`
	Judge       JudgePanel         `json:"judge"`
	Population  PopulationPanel    `json:"population"`
	Reviewers   ReviewersPanel     `json:"reviewers"`
	Rules       []review.RuleStats `json:"rules"`
	Cost        CostPanel          `json:"cost"`
	// Days is one point per day with decisions: the yield of the current decisions made that day and the team's
	// activity.
	Days []DayPoint `json:"days"`
}

// DashboardFilter echoes the filter; DayZone is the UTC offset whose calendar days From, To and every day key use.
type DashboardFilter struct {
	Batch   string `json:"batch"`
	From    string `json:"from"`
	To      string `json:"to"`
	DayZone string `json:"day_zone"`
}

// ItemCounts counts the items in the batch filter (never filtered by day).
type ItemCounts struct {
	Total    int                   `json:"total"`
	ByStatus map[review.Status]int `json:"by_status"`
	// Open are pending or skipped; AutoDiscarded were below the discard threshold at import.
	Open          int `json:"open"`
	AutoDiscarded int `json:"auto_discarded"`
	// Outdated are decided items whose current decision judged a revision a re-import has since replaced: they
	// count in no yield until someone reviews them again.
	Outdated int `json:"outdated"`
}

// YieldPoint is the yield of one slice of current decisions: N reviewed (accepted + edited + rejected), Good of them
// accepted or edited, Rate = Good / N (null without reviews) and its Wilson 95% interval [CILo, CIHi].
type YieldPoint struct {
	Key      string   `json:"key"`
	N        int      `json:"n"`
	Good     int      `json:"good"`
	Accepted int      `json:"accepted"`
	Edited   int      `json:"edited"`
	Rejected int      `json:"rejected"`
	Rate     *float64 `json:"rate"`
	CILo     float64  `json:"ci_lo"`
	CIHi     float64  `json:"ci_hi"`
}

// verdicts counts accepted, edited and rejected.
type verdicts struct{ accepted, edited, rejected int }

func (v *verdicts) add(verdict review.Verdict, n int) {
	switch verdict {
	case review.Accepted:
		v.accepted += n
	case review.Edited:
		v.edited += n
	case review.Rejected:
		v.rejected += n
	}
}

func (v verdicts) point(key string) YieldPoint {
	y := review.NewYield(v.accepted, v.edited, v.rejected)
	return YieldPoint{Key: key, N: y.Reviewed, Good: y.Accepted + y.Edited, Accepted: y.Accepted, Edited: y.Edited,
		Rejected: y.Rejected, Rate: y.Rate, CILo: y.CI.Lo, CIHi: y.CI.Hi}
}

// BandPoint is one judge-score band [Lo, Hi): its items (Items, all statuses; AutoDiscarded of them) and the yield
// of its current decisions.
type BandPoint struct {
	Band          int     `json:"band"`
	Lo            float64 `json:"lo"`
	Hi            float64 `json:"hi"`
	Items         int     `json:"items"`
	AutoDiscarded int     `json:"auto_discarded"`
	YieldPoint
}

// ScorePoint is the yield at one judge score (total or criterion points).
type ScorePoint struct {
	Score float64 `json:"score"`
	YieldPoint
}

// CriterionYield is the yield by one criterion's judge points.
type CriterionYield struct {
	Criterion string       `json:"criterion"`
	Max       float64      `json:"max"`
	Points    []ScorePoint `json:"points"`
}

// BatchPoint is one batch's items and the yield of its current decisions.
type BatchPoint struct {
	Items int `json:"items"`
	YieldPoint
}

// YieldPanel slices the yield of current decisions.
type YieldPanel struct {
	Overall         YieldPoint       `json:"overall"`
	ByBand          []BandPoint      `json:"by_band"`
	ByScore         []ScorePoint     `json:"by_score"`
	ByCriterion     []CriterionYield `json:"by_criterion"`
	ByBatch         []BatchPoint     `json:"by_batch"`
	ByGenerator     []YieldPoint     `json:"by_generator"`
	ByJudge         []YieldPoint     `json:"by_judge"`
	ByPromptVersion []YieldPoint     `json:"by_prompt_version"`
	ByReviewer      []YieldPoint     `json:"by_reviewer"`
	ByDay           []YieldPoint     `json:"by_day"`
}

// JudgePanel is how well the judge's scores predict the human verdict.
type JudgePanel struct {
	// Approved calibrates "score >= T" against the human approving (accepted or edited); AcceptedAsIs against the
	// stricter "accepted without an edit". For a ROC curve, plot thresholds' bad_accepted.rate (x) against recall (y).
	Approved     review.Calibration `json:"approved"`
	AcceptedAsIs review.Calibration `json:"accepted_as_is"`
	// Criteria compares each criterion's judge points with the reviewer's check of that criterion, where given.
	Criteria []review.CriterionCalibration `json:"criteria"`
	// Advisor answers, for every band boundary T, "auto-accepting at score >= T would let through X% bad summaries"
	// and "auto-discarding below T would throw away Y% of the good ones".
	Advisor []ThresholdAdvice `json:"advisor"`
}

// ThresholdAdvice is the advisor's answer for threshold T (the lowest score of a band). The review.BandAdvice
// fields project onto the population that goes to review, each band weighted by its size (stratified, with 95%
// intervals); Sample gives the same two shares among the reviewed items alone (Wilson 95%), which is what the
// population estimate is built from and stands for the population only if reviews were a uniform sample.
type ThresholdAdvice struct {
	Threshold float64 `json:"threshold"`
	review.BandAdvice
	Sample ThresholdSample `json:"sample"`
}

// ThresholdSample is the advisor's two shares among reviewed items: bad among those scored >= T, good ones among
// all good ones that score < T.
type ThresholdSample struct {
	BadInAccepted review.Proportion `json:"bad_in_accepted"`
	GoodDiscarded review.Proportion `json:"good_discarded"`
}

// PopulationPanel projects the yield onto every imported item, reviewed or not. Its strata are judge-score bands
// of the items that go to review; auto-discarded items are never reviewed, so they are a stratum of their own,
// reported apart (their yield is unknown, not zero).
type PopulationPanel struct {
	review.PopulationEstimate
	AutoDiscarded DiscardedStratum `json:"auto_discarded"`
	// WholeImport is the whole imported population: the items that go to review and the auto-discarded ones, whose
	// good summaries are bounded 0..N (review.EstimateWholeImport).
	WholeImport review.WholeImportEstimate `json:"whole_import"`
}

// DiscardedStratum counts the auto-discarded items, per band.
type DiscardedStratum struct {
	Items int         `json:"items"`
	Bands []BandCount `json:"bands"`
}

// BandCount is a number of items in one band.
type BandCount struct {
	Band  int `json:"band"`
	Items int `json:"items"`
}

// ReviewersPanel is reviewer throughput, habits and agreement.
type ReviewersPanel struct {
	Team      TeamStats                `json:"team"`
	Reviewers []ReviewerRow            `json:"reviewers"`
	Agreement review.ReviewerAgreement `json:"agreement"`
}

// TeamStats sums every reviewer's decisions.
type TeamStats struct {
	Decisions    int      `json:"decisions"`
	Reviewed     int      `json:"reviewed"`
	Skipped      int      `json:"skipped"`
	ActiveHours  float64  `json:"active_hours"`
	ItemsPerHour *float64 `json:"items_per_hour"`
	// SecondsPerItem is active time per reviewed item, what the cost model pays per review. SecondsPerItemCI is
	// its 95% interval over the reviewer-days (ReviewerDays of them; review.EstimateRatio), nil with fewer than two.
	SecondsPerItem   *float64         `json:"seconds_per_item"`
	SecondsPerItemCI *review.Interval `json:"seconds_per_item_ci"`
	ReviewerDays     int              `json:"reviewer_days"`
}

// ReviewerRow is one reviewer's stats (review.SummarizeReviewer's numbers; active time is counted within each
// calendar day) and their agreement with the other reviewer on items both reviewed, theirs as the first rating.
type ReviewerRow struct {
	review.ReviewerStats
	AgreementWithOthers review.ReviewerAgreement `json:"agreement_with_others"`
}

// CostPanel is the cost model's three set-ups side by side. Comparison is null while what it needs is not
// measured yet (Missing says what).
type CostPanel struct {
	Comparison *review.CostComparison `json:"comparison"`
	Missing    []string               `json:"missing"`
	// YieldSource says where Inputs.Yield and EditRate come from: "stratified" (the population estimate, each band
	// of the reviewed population weighted by its size) or "" when there are no reviews.
	YieldSource string `json:"yield_source"`
	// AllLLMErrors is what shipping without review would get wrong: the share of items not accepted as is,
	// projected band by band like the yield, with its 95% interval. It is the all_llm set-up's error rate.
	AllLLMErrors ErrorEstimate `json:"all_llm_errors"`
	// Copilot is the measured API cost of the reviewers' copilot; the llm_review set-up pays its per_reviewed cost.
	Copilot CopilotCost `json:"copilot"`
	// PointOnly lists the measured inputs whose uncertainty the data cannot show yet (review_seconds with fewer
	// than two reviewer-days, copilot_cost likewise): the intervals take them as exact.
	PointOnly []string `json:"point_only"`
}

// ErrorEstimate is a stratified share of bad items with the sample behind it: Count of Total reviewed items were
// not accepted as is.
type ErrorEstimate struct {
	review.Estimate
	Count int `json:"count"`
	Total int `json:"total"`
}

// CopilotCost is what the LLM copilot cost during review, read from the recorded calls linked to human decisions
// in the filter (calls by the day they were made). Batch rescores and calls no decision followed are not counted.
type CopilotCost struct {
	Calls  int     `json:"calls"`
	Failed int     `json:"failed"`
	Cost   float64 `json:"cost"`
	// PerReviewed is Cost per reviewed item (the team's reviews in the filter), with its 95% interval over the
	// reviewer-days (review.EstimateRatio); nil values without reviews.
	PerReviewed review.Ratio `json:"per_reviewed"`
	// ByModel sums the calls by kind (fix, judge), model and prompt template version.
	ByModel []CallStats `json:"by_model"`
}

// CallStats sums one kind, model and prompt version's calls; MeanLatencyMs and CostPerCall are nil without calls.
type CallStats struct {
	Kind            string   `json:"kind"`
	Model           string   `json:"model"`
	TemplateVersion string   `json:"template_version"`
	Calls           int      `json:"calls"`
	Failed          int      `json:"failed"`
	TokensIn        int      `json:"tokens_in"`
	TokensOut       int      `json:"tokens_out"`
	Cost            float64  `json:"cost"`
	MeanLatencyMs   *float64 `json:"mean_latency_ms"`
	CostPerCall     *float64 `json:"cost_per_call"`
}

// DayPoint is one day: the yield of current decisions made that day, and the team's activity.
type DayPoint struct {
	Day string `json:"day"`
	YieldPoint
	Decisions    int      `json:"decisions"`
	Reviews      int      `json:"reviews"`
	Skips        int      `json:"skips"`
	ActiveHours  float64  `json:"active_hours"`
	ItemsPerHour *float64 `json:"items_per_hour"`
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// Dashboard computes the dashboard for a query.
func (s *Service) Dashboard(ctx context.Context, q DashboardQuery) (Dashboard, error) {
	f := store.DashboardFilter{Batch: q.Batch}
	for _, end := range []struct {
		s   string
		dst **store.Day
	}{{q.From, &f.From}, {q.To, &f.To}} {
		if end.s == "" {
			continue
		}
		d, err := store.ParseDay(end.s)
		if err != nil {
			return Dashboard{}, err
		}
		*end.dst = &d
	}
	c, err := s.st.DashboardCounts(ctx, f)
	if err != nil {
		return Dashboard{}, err
	}
	return assembleDashboard(c, q, s.Project().Rubric, s.now())
}

// assembleDashboard turns the counts into the dashboard with review's formulas.
func assembleDashboard(c *store.DashboardCounts, q DashboardQuery, rubric review.Rubric, now time.Time) (Dashboard, error) {
	d := Dashboard{GeneratedAt: now.UTC(), Filter: DashboardFilter{Batch: q.Batch, From: q.From, To: q.To,
		DayZone: zoneName(c.DayOffset)}}
	d.Items = itemCounts(c)
	d.Yield = yieldPanel(c, rubric)
	strata, discarded := strata(c)
	pop, err := review.EstimatePopulation(strata)
	if err != nil {
		return d, fmt.Errorf("dashboard: %w", err)
	}
	whole, err := review.EstimateWholeImport(strata, discarded.Items)
	if err != nil {
		return d, fmt.Errorf("dashboard: %w", err)
	}
	d.Population = PopulationPanel{PopulationEstimate: pop, AutoDiscarded: discarded, WholeImport: whole}
	if d.Judge, err = judgePanel(c, rubric, strata); err != nil {
		return d, err
	}
	d.Reviewers = reviewersPanel(c)
	d.Reviewers.Team.SecondsPerItemCI, d.Reviewers.Team.ReviewerDays = secondsInterval(c)
	d.Rules = ruleStats(c)
	if d.Cost, err = costPanel(c, q.Cost, d.Items, d.Reviewers.Team, strata); err != nil {
		return d, err
	}
	d.Days = days(c)
	return d, nil
}

// zoneName writes an offset as ±hh:mm.
func zoneName(off time.Duration) string {
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d:%02d", sign, int(off.Hours()), int(off.Minutes())%60)
}

func itemCounts(c *store.DashboardCounts) ItemCounts {
	ic := ItemCounts{ByStatus: map[review.Status]int{}}
	for _, st := range review.Statuses {
		ic.ByStatus[st] = 0
	}
	decided := 0
	for _, b := range c.Population {
		ic.Total += b.Count
		ic.ByStatus[b.Status] += b.Count
		if b.Status.Open() {
			ic.Open += b.Count
		}
		if b.Status == review.Status(review.AutoDiscarded) {
			ic.AutoDiscarded += b.Count
		}
		if review.Verdict(b.Status).Reviewed() {
			decided += b.Count
		}
	}
	counted := 0
	for _, n := range c.CurrentAllDays {
		counted += n
	}
	ic.Outdated = decided - counted
	return ic
}

// slicePoints turns verdict counts into yield points in key order.
func slicePoints(counts []store.VerdictCount) []YieldPoint {
	byKey := map[string]*verdicts{}
	var keys []string
	for _, vc := range counts {
		v, ok := byKey[vc.Key]
		if !ok {
			v = &verdicts{}
			byKey[vc.Key] = v
			keys = append(keys, vc.Key)
		}
		v.add(vc.Verdict, vc.N)
	}
	slices.Sort(keys)
	out := make([]YieldPoint, 0, len(keys))
	for _, k := range keys {
		out = append(out, byKey[k].point(k))
	}
	return out
}

func formatScore(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func yieldPanel(c *store.DashboardCounts, rubric review.Rubric) YieldPanel {
	var p YieldPanel
	var overall verdicts
	byScore := map[float64]*verdicts{}
	byBand := map[int]*verdicts{}
	for _, sc := range c.Scores {
		overall.add(sc.Verdict, sc.N)
		if byScore[sc.Score] == nil {
			byScore[sc.Score] = &verdicts{}
		}
		byScore[sc.Score].add(sc.Verdict, sc.N)
		if byBand[sc.Band] == nil {
			byBand[sc.Band] = &verdicts{}
		}
		byBand[sc.Band].add(sc.Verdict, sc.N)
	}
	p.Overall = overall.point("all")
	scores := slices.Sorted(maps.Keys(byScore))
	p.ByScore = make([]ScorePoint, 0, len(scores))
	for _, sc := range scores {
		p.ByScore = append(p.ByScore, ScorePoint{Score: sc, YieldPoint: byScore[sc].point(formatScore(sc))})
	}
	items, discarded := map[int]int{}, map[int]int{}
	for _, b := range c.Population {
		items[b.Band] += b.Count
		if b.Status == review.Status(review.AutoDiscarded) {
			discarded[b.Band] += b.Count
		}
		if byBand[b.Band] == nil {
			byBand[b.Band] = &verdicts{}
		}
	}
	bands := slices.Sorted(maps.Keys(byBand))
	p.ByBand = make([]BandPoint, 0, len(bands))
	for _, b := range bands {
		lo, hi := review.BandRange(b, rubric.MaxScore)
		p.ByBand = append(p.ByBand, BandPoint{Band: b, Lo: lo, Hi: hi, Items: items[b], AutoDiscarded: discarded[b],
			YieldPoint: byBand[b].point(strconv.Itoa(b))})
	}

	type critPoint struct {
		criterion string
		points    float64
	}
	byCrit := map[critPoint]*verdicts{}
	for _, cc := range c.Criteria {
		k := critPoint{cc.Criterion, cc.Points}
		if byCrit[k] == nil {
			byCrit[k] = &verdicts{}
		}
		byCrit[k].add(cc.Verdict, cc.N)
	}
	keys := slices.SortedFunc(maps.Keys(byCrit), func(a, b critPoint) int {
		return cmp.Or(cmp.Compare(a.criterion, b.criterion), cmp.Compare(a.points, b.points))
	})
	p.ByCriterion = []CriterionYield{}
	for _, k := range keys {
		n := len(p.ByCriterion)
		if n == 0 || p.ByCriterion[n-1].Criterion != k.criterion {
			crit, _ := rubric.Criterion(k.criterion)
			p.ByCriterion = append(p.ByCriterion, CriterionYield{Criterion: k.criterion, Max: crit.Max})
			n++
		}
		p.ByCriterion[n-1].Points = append(p.ByCriterion[n-1].Points,
			ScorePoint{Score: k.points, YieldPoint: byCrit[k].point(formatScore(k.points))})
	}

	itemsByBatch := map[string]int{}
	for _, b := range c.Batches {
		itemsByBatch[b.Batch] += b.Count
	}
	batchYield := map[string]YieldPoint{}
	for _, y := range slicePoints(c.Slices["batch"]) {
		batchYield[y.Key] = y
	}
	for _, name := range slices.Sorted(maps.Keys(itemsByBatch)) {
		y, ok := batchYield[name]
		if !ok {
			y = verdicts{}.point(name)
		}
		p.ByBatch = append(p.ByBatch, BatchPoint{Items: itemsByBatch[name], YieldPoint: y})
	}
	if p.ByBatch == nil {
		p.ByBatch = []BatchPoint{}
	}
	p.ByGenerator = slicePoints(c.Slices["generator"])
	p.ByJudge = slicePoints(c.Slices["judge"])
	p.ByPromptVersion = slicePoints(c.Slices["prompt_version"])
	p.ByReviewer = slicePoints(c.Slices["reviewer"])
	p.ByDay = slicePoints(c.Slices["day"])
	return p
}

// strata are the bands of the items that go to review, with their current reviews; the auto-discarded items are
// counted apart.
func strata(c *store.DashboardCounts) ([]review.StratumCount, DiscardedStratum) {
	byBand := map[int]*review.StratumCount{}
	discarded := DiscardedStratum{Bands: []BandCount{}}
	for _, b := range c.Population {
		if b.Status == review.Status(review.AutoDiscarded) {
			discarded.Items += b.Count
			discarded.Bands = append(discarded.Bands, BandCount{Band: b.Band, Items: b.Count})
			continue
		}
		if byBand[b.Band] == nil {
			byBand[b.Band] = &review.StratumCount{Band: b.Band}
		}
		byBand[b.Band].Population += b.Count
	}
	for _, sc := range c.Scores {
		st := byBand[sc.Band]
		if st == nil {
			// Not possible while the counts are consistent: a reviewed item is in its band's population. Adding
			// the band keeps the estimate honest (EstimatePopulation refuses reviews without items).
			st = &review.StratumCount{Band: sc.Band}
			byBand[sc.Band] = st
		}
		if sc.Verdict.Reviewed() {
			st.Reviewed += sc.N
		}
		if sc.Verdict.Approved() {
			st.Good += sc.N
		}
	}
	out := make([]review.StratumCount, 0, len(byBand))
	for _, b := range slices.Sorted(maps.Keys(byBand)) {
		out = append(out, *byBand[b])
	}
	return out, discarded
}

func judgePanel(c *store.DashboardCounts, rubric review.Rubric, strata []review.StratumCount) (JudgePanel, error) {
	var approved, asIs []review.ScoredLabel
	for _, sc := range c.Scores {
		approved = append(approved, review.ScoredLabel{Score: sc.Score, Good: sc.Verdict.Approved(), Count: sc.N})
		asIs = append(asIs, review.ScoredLabel{Score: sc.Score, Good: sc.Verdict == review.Accepted, Count: sc.N})
	}
	p := JudgePanel{Approved: review.Calibrate(approved), AcceptedAsIs: review.Calibrate(asIs)}
	byCrit := map[string][]review.ScoredLabel{}
	for _, cc := range c.Criteria {
		if cc.Checked < 0 {
			continue // the reviewer did not say
		}
		byCrit[cc.Criterion] = append(byCrit[cc.Criterion], review.ScoredLabel{Score: cc.Points, Good: cc.Checked == 1, Count: cc.N})
	}
	p.Criteria = []review.CriterionCalibration{}
	for _, name := range slices.Sorted(maps.Keys(byCrit)) {
		crit, _ := rubric.Criterion(name)
		p.Criteria = append(p.Criteria, review.CalibrateCriterion(name, crit.Max, byCrit[name]))
	}
	advice, err := review.AdviseBands(strata)
	if err != nil {
		return p, fmt.Errorf("dashboard: %w", err)
	}
	p.Advisor = make([]ThresholdAdvice, 0, len(advice))
	for _, a := range advice {
		t, _ := review.BandRange(a.Band, rubric.MaxScore)
		row := review.NewThresholdRow(t, review.ConfusionAt(approved, t))
		p.Advisor = append(p.Advisor, ThresholdAdvice{Threshold: t, BandAdvice: a,
			Sample: ThresholdSample{BadInAccepted: row.BadInAccepted, GoodDiscarded: row.GoodDiscarded}})
	}
	return p, nil
}

func reviewersPanel(c *store.DashboardCounts) ReviewersPanel {
	type acc struct {
		counts                    map[review.Verdict]int
		ms                        int64
		edits, editChars          int
		hinted, hintedChanged     int
		unhinted, unhintedChanged int
	}
	byName := map[string]*acc{}
	for _, rc := range c.Reviewers {
		a := byName[rc.Reviewer]
		if a == nil {
			a = &acc{counts: map[review.Verdict]int{}}
			byName[rc.Reviewer] = a
		}
		a.counts[rc.Verdict] += rc.N
		a.ms += rc.Ms
		a.edits += rc.Edits
		a.editChars += rc.EditChars
		if !rc.Verdict.Reviewed() {
			continue
		}
		changed := 0
		if rc.Verdict == review.Edited || rc.Verdict == review.Rejected {
			changed = rc.N
		}
		if rc.Hinted {
			a.hinted += rc.N
			a.hintedChanged += changed
		} else {
			a.unhinted += rc.N
			a.unhintedChanged += changed
		}
	}
	// Agreement takes one pair per item; each reviewer's pairs put their own verdict first.
	total, per := 0, map[string]int{}
	for _, pc := range c.Pairs {
		total += pc.N
		per[pc.R1] += pc.N
		per[pc.R2] += pc.N
	}
	all := make([]review.VerdictPair, 0, total)
	mine := map[string][]review.VerdictPair{}
	for name, n := range per {
		mine[name] = make([]review.VerdictPair, 0, n)
	}
	for _, pc := range c.Pairs {
		for range pc.N {
			all = append(all, review.VerdictPair{First: pc.V1, Second: pc.V2})
			mine[pc.R1] = append(mine[pc.R1], review.VerdictPair{First: pc.V1, Second: pc.V2})
			mine[pc.R2] = append(mine[pc.R2], review.VerdictPair{First: pc.V2, Second: pc.V1})
		}
	}
	p := ReviewersPanel{Reviewers: []ReviewerRow{}, Agreement: review.Agreement(all)}
	var activeMs int64
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		a := byName[name]
		st := review.ReviewerStats{Reviewer: name}
		for _, n := range a.counts {
			st.Decisions += n
		}
		st.Yield = review.NewYield(a.counts[review.Accepted], a.counts[review.Edited], a.counts[review.Rejected])
		st.Skips = review.NewProportion(a.counts[review.Skipped], st.Decisions)
		st.ActiveHours = time.Duration(c.Active[name] * int64(time.Millisecond)).Hours()
		if st.ActiveHours > 0 {
			st.ItemsPerHour = finite(float64(st.Yield.Reviewed) / st.ActiveHours)
		}
		m := c.Medians[name]
		st.MedianSeconds = review.SecondsByVerdict{
			Reviewed: finite(m.Seconds["reviewed"]), Accepted: finite(m.Seconds[string(review.Accepted)]),
			Edited: finite(m.Seconds[string(review.Edited)]), Rejected: finite(m.Seconds[string(review.Rejected)]),
			Skipped: finite(m.Seconds[string(review.Skipped)]),
		}
		st.EditSize = review.EditSizeStats{Edits: a.edits, Total: a.editChars, Median: finite(m.EditSize)}
		if a.edits > 0 {
			st.EditSize.Mean = finite(float64(a.editChars) / float64(a.edits))
		}
		st.HintFollowed = review.NewProportion(a.hintedChanged, a.hinted)
		st.UnhintedChanged = review.NewProportion(a.unhintedChanged, a.unhinted)

		p.Reviewers = append(p.Reviewers, ReviewerRow{ReviewerStats: st, AgreementWithOthers: review.Agreement(mine[name])})

		p.Team.Decisions += st.Decisions
		p.Team.Reviewed += st.Yield.Reviewed
		p.Team.Skipped += a.counts[review.Skipped]
		activeMs += c.Active[name]
	}
	p.Team.ActiveHours = time.Duration(activeMs * int64(time.Millisecond)).Hours()
	if p.Team.ActiveHours > 0 {
		p.Team.ItemsPerHour = finite(float64(p.Team.Reviewed) / p.Team.ActiveHours)
	}
	if p.Team.Reviewed > 0 && activeMs > 0 {
		p.Team.SecondsPerItem = finite(float64(activeMs) / 1000 / float64(p.Team.Reviewed))
	}
	return p
}

func ruleStats(c *store.DashboardCounts) []review.RuleStats {
	byRule := map[string]*review.RuleCount{}
	get := func(rule string) *review.RuleCount {
		if byRule[rule] == nil {
			byRule[rule] = &review.RuleCount{Rule: rule}
		}
		return byRule[rule]
	}
	for _, f := range c.RulesFired {
		get(f.Name).Fired += f.Count
	}
	for _, vc := range c.Rules {
		rc := get(vc.Key)
		switch vc.Verdict {
		case review.Accepted:
			rc.Accepted += vc.N
		case review.Edited:
			rc.Edited += vc.N
		case review.Rejected:
			rc.Rejected += vc.N
		}
	}
	out := make([]review.RuleStats, 0, len(byRule))
	for _, name := range slices.Sorted(maps.Keys(byRule)) {
		out = append(out, review.NewRuleStats(*byRule[name]))
	}
	return out
}

// secondsInterval is the interval of the team's seconds per reviewed item over reviewer-days: each reviewer's
// active time on a day against their reviews that day (review.EstimateRatio).
func secondsInterval(c *store.DashboardCounts) (*review.Interval, int) {
	clusters := make([]review.RatioCluster, 0, len(c.Activity))
	for _, rd := range c.Activity {
		clusters = append(clusters, review.RatioCluster{Y: float64(rd.Ms) / 1000, X: float64(rd.Reviewed)})
	}
	r := review.EstimateRatio(clusters)
	return r.CI, r.Clusters
}

// copilotCost sums the recorded copilot calls, and their cost per reviewed item over reviewer-days.
func copilotCost(c *store.DashboardCounts) CopilotCost {
	type key struct{ kind, model, version string }
	type dayKey struct{ reviewer, day string }
	var cc CopilotCost
	byModel := map[key]*CallStats{}
	latency := map[key]float64{}
	clusters := map[dayKey]*review.RatioCluster{}
	cluster := func(k dayKey) *review.RatioCluster {
		if clusters[k] == nil {
			clusters[k] = &review.RatioCluster{}
		}
		return clusters[k]
	}
	for _, rd := range c.Activity {
		cluster(dayKey{rd.Reviewer, rd.Day}).X += float64(rd.Reviewed)
	}
	for _, x := range c.Calls {
		k := key{x.Kind, x.Model, x.TemplateVersion}
		st := byModel[k]
		if st == nil {
			st = &CallStats{Kind: x.Kind, Model: x.Model, TemplateVersion: x.TemplateVersion}
			byModel[k] = st
		}
		st.Calls += x.Calls
		st.Failed += x.Failed
		st.TokensIn += x.TokensIn
		st.TokensOut += x.TokensOut
		st.Cost += x.Cost
		latency[k] += x.LatencyMs
		cc.Calls += x.Calls
		cc.Failed += x.Failed
		cc.Cost += x.Cost
		cluster(dayKey{x.Reviewer, x.Day}).Y += x.Cost
	}
	keys := slices.SortedFunc(maps.Keys(byModel), func(a, b key) int {
		return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.model, b.model), cmp.Compare(a.version, b.version))
	})
	cc.ByModel = make([]CallStats, 0, len(keys))
	for _, k := range keys {
		st := byModel[k]
		if st.Calls > 0 {
			st.MeanLatencyMs = finite(latency[k] / float64(st.Calls))
			st.CostPerCall = finite(st.Cost / float64(st.Calls))
		}
		cc.ByModel = append(cc.ByModel, *st)
	}
	all := make([]review.RatioCluster, 0, len(clusters))
	for _, cl := range clusters {
		all = append(all, *cl)
	}
	cc.PerReviewed = review.EstimateRatio(all)
	return cc
}

// bandShare projects, band by band like the population estimate, the share of reviewed items that count(sc) says
// are in; count gets each score count and returns how many of its items are.
func bandShare(c *store.DashboardCounts, strata []review.StratumCount, count func(store.ScoreCount) int) (review.Estimate, error) {
	in := make([]review.StratumCount, len(strata))
	at := map[int]int{}
	for i, st := range strata {
		in[i] = st
		in[i].Good = 0
		at[st.Band] = i
	}
	for _, sc := range c.Scores {
		if i, ok := at[sc.Band]; ok {
			in[i].Good += count(sc)
		}
	}
	pe, err := review.EstimatePopulation(in)
	if err != nil {
		return review.Estimate{}, fmt.Errorf("dashboard: cost: %w", err)
	}
	return pe.CoveredYield, nil
}

func costPanel(c *store.DashboardCounts, params CostParams, items ItemCounts, team TeamStats,
	strata []review.StratumCount) (CostPanel, error) {
	p := CostPanel{Missing: []string{}, PointOnly: []string{}, Copilot: copilotCost(c)}
	var sample verdicts
	for _, sc := range c.Scores {
		sample.add(sc.Verdict, sc.N)
	}
	reviewed := sample.accepted + sample.edited + sample.rejected

	in := review.CostInputs{Population: items.Total, HourlyWage: DefaultHourlyWage, GenerationCost: DefaultGenerationCost,
		JudgeCost: DefaultJudgeCost, WriteMinutes: DefaultWriteMinutes}
	for _, o := range []struct {
		v   *float64
		dst *float64
	}{{params.HourlyWage, &in.HourlyWage}, {params.GenerationCost, &in.GenerationCost}, {params.JudgeCost, &in.JudgeCost},
		{params.WriteMinutes, &in.WriteMinutes}} {
		if o.v != nil {
			*o.dst = *o.v
		}
	}
	if params.Population != nil {
		in.Population = *params.Population
	}
	if items.Total > 0 {
		in.ReviewShare = float64(items.Total-items.AutoDiscarded) / float64(items.Total)
	}
	// Yield and the all-LLM error rate are projected like the population estimate, band by band, so that a queue
	// that reviewed the top band first does not make the reviewed population look better than it is. The error
	// rate is its own stratified estimate (not 1 - yield + edit rate from two), so that it has an interval; the edit
	// rate is then what makes 1 - yield + edit rate equal to it.
	good, err := bandShare(c, strata, func(sc store.ScoreCount) int {
		if sc.Verdict.Approved() {
			return sc.N
		}
		return 0
	})
	if err != nil {
		return p, err
	}
	bad, err := bandShare(c, strata, func(sc store.ScoreCount) int {
		if sc.Verdict == review.Edited || sc.Verdict == review.Rejected {
			return sc.N
		}
		return 0
	})
	if err != nil {
		return p, err
	}
	p.AllLLMErrors = ErrorEstimate{Estimate: bad, Count: sample.edited + sample.rejected, Total: reviewed}
	if good.Value != nil && bad.Value != nil {
		in.Yield, in.YieldCI = *good.Value, &good.CI
		in.EditRate = min(max(*bad.Value-(1-in.Yield), 0), in.Yield)
		in.ErrorRateCI = &bad.CI
		p.YieldSource = "stratified"
	} else {
		p.Missing = append(p.Missing, "yield")
	}
	if team.SecondsPerItem != nil {
		in.ReviewSeconds, in.ReviewSecondsCI = *team.SecondsPerItem, team.SecondsPerItemCI
		if in.ReviewSecondsCI == nil {
			p.PointOnly = append(p.PointOnly, "review_seconds")
		}
	} else {
		p.Missing = append(p.Missing, "review_seconds")
	}
	if cp := p.Copilot.PerReviewed; p.Copilot.Calls > 0 && cp.Value != nil {
		in.CopilotCost, in.CopilotCostCI = *cp.Value, cp.CI
		if cp.CI == nil {
			p.PointOnly = append(p.PointOnly, "copilot_cost")
		}
	}
	if err := in.Validate(); err != nil {
		return p, err
	}
	if len(p.Missing) == 0 {
		cc, err := review.Cost(in)
		if err != nil {
			return p, err
		}
		p.Comparison = &cc
	}
	return p, nil
}

func days(c *store.DashboardCounts) []DayPoint {
	byDay := map[string]*DayPoint{}
	get := func(day string) *DayPoint {
		if byDay[day] == nil {
			byDay[day] = &DayPoint{Day: day, YieldPoint: verdicts{}.point(day)}
		}
		return byDay[day]
	}
	for _, y := range slicePoints(c.Slices["day"]) {
		get(y.Key).YieldPoint = y
	}
	for _, vc := range c.ReviewerDays {
		dp := get(vc.Key)
		dp.Decisions += vc.N
		if vc.Verdict.Reviewed() {
			dp.Reviews += vc.N
		}
		if vc.Verdict == review.Skipped {
			dp.Skips += vc.N
		}
	}
	for day, ms := range c.ActiveDays {
		dp := get(day)
		dp.ActiveHours = time.Duration(ms * int64(time.Millisecond)).Hours()
		if dp.ActiveHours > 0 {
			dp.ItemsPerHour = finite(float64(dp.Reviews) / dp.ActiveHours)
		}
	}
	out := make([]DayPoint, 0, len(byDay))
	for _, day := range slices.Sorted(maps.Keys(byDay)) {
		out = append(out, *byDay[day])
	}
	return out
}

func (s *Service) handleDashboard(w http.ResponseWriter, r *http.Request) error {
	q, err := ParseDashboardQuery(r.URL.Query())
	if err != nil {
		return err
	}
	d, err := s.Dashboard(r.Context(), q)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

// Report lays the dashboard out as a document for `reviewdesk report` and GET /api/report: the same numbers,
// formatted, every estimate with its 95% interval.
func (d Dashboard) Report() exporter.Report {
	title := "reviewdesk report"
	if d.Filter.Batch != "" {
		title += ": " + d.Filter.Batch
	}
	r := exporter.Report{Title: title}
	add := func(s exporter.ReportSection) { r.Sections = append(r.Sections, s) }
	num := func(n int) string { return strconv.Itoa(n) }
	col := func(name string) exporter.ReportColumn { return exporter.ReportColumn{Name: name, Numeric: true} }
	text := func(name string) exporter.ReportColumn { return exporter.ReportColumn{Name: name} }

	scope := "all batches"
	if d.Filter.Batch != "" {
		scope = "batch " + d.Filter.Batch
	}
	days := "all days"
	if d.Filter.From != "" || d.Filter.To != "" {
		days = fmt.Sprintf("decisions made from %s to %s", orAny(d.Filter.From), orAny(d.Filter.To))
	}
	status := exporter.ReportTable{Columns: []exporter.ReportColumn{text("status"), col("items")}}
	for _, st := range slices.Sorted(maps.Keys(d.Items.ByStatus)) {
		status.Rows = append(status.Rows, []string{string(st), num(d.Items.ByStatus[st])})
	}
	add(exporter.ReportSection{Heading: "Items", Paragraphs: []string{
		fmt.Sprintf("Generated %s for %s, %s (days in UTC%s).", d.GeneratedAt.Format(time.RFC3339), scope, days, d.Filter.DayZone),
		fmt.Sprintf("%d items: %d open, %d auto-discarded, %d decided on a revision a re-import replaced (counted in no yield).",
			d.Items.Total, d.Items.Open, d.Items.AutoDiscarded, d.Items.Outdated),
		"Yield is (accepted + edited) / reviewed over each item's current decision; intervals are Wilson 95%.",
	}, Tables: []exporter.ReportTable{status}})

	yieldCols := []exporter.ReportColumn{col("reviewed"), col("accepted"), col("edited"), col("rejected"), col("yield"), col("95% interval")}
	yieldCells := func(y YieldPoint) []string {
		return []string{num(y.N), num(y.Accepted), num(y.Edited), num(y.Rejected), percent(y.Rate), span(y.CILo, y.CIHi)}
	}
	bands := exporter.ReportTable{Caption: "By judge score band",
		Columns: append([]exporter.ReportColumn{text("judge score"), col("items"), col("auto-discarded")}, yieldCols...)}
	for _, b := range d.Yield.ByBand {
		bands.Rows = append(bands.Rows, append([]string{bandName(b.Lo, b.Hi), num(b.Items), num(b.AutoDiscarded)}, yieldCells(b.YieldPoint)...))
	}
	tables := []exporter.ReportTable{bands}
	for _, c := range d.Yield.ByCriterion {
		t := exporter.ReportTable{Caption: fmt.Sprintf("By %s points (max %g)", c.Criterion, c.Max),
			Columns: append([]exporter.ReportColumn{col("points")}, yieldCols...)}
		for _, p := range c.Points {
			t.Rows = append(t.Rows, append([]string{formatScore(p.Score)}, yieldCells(p.YieldPoint)...))
		}
		tables = append(tables, t)
	}
	batches := exporter.ReportTable{Caption: "By batch", Columns: append([]exporter.ReportColumn{text("batch"), col("items")}, yieldCols...)}
	for _, b := range d.Yield.ByBatch {
		batches.Rows = append(batches.Rows, append([]string{b.Key, num(b.Items)}, yieldCells(b.YieldPoint)...))
	}
	tables = append(tables, batches)
	for _, s := range []struct {
		name   string
		points []YieldPoint
	}{{"generator model", d.Yield.ByGenerator}, {"judge model", d.Yield.ByJudge}, {"prompt version", d.Yield.ByPromptVersion},
		{"reviewer (current decisions)", d.Yield.ByReviewer}, {"day", d.Yield.ByDay}} {
		t := exporter.ReportTable{Caption: "By " + s.name, Columns: append([]exporter.ReportColumn{text(s.name)}, yieldCols...)}
		for _, y := range s.points {
			t.Rows = append(t.Rows, append([]string{y.Key}, yieldCells(y)...))
		}
		tables = append(tables, t)
	}
	o := d.Yield.Overall
	add(exporter.ReportSection{Heading: "Yield", Paragraphs: []string{fmt.Sprintf("Overall yield %s (95%% %s): %d good of %d reviewed.",
		percent(o.Rate), span(o.CILo, o.CIHi), o.Good, o.N)}, Tables: tables})

	thresholds := exporter.ReportTable{Caption: "Judge passes at score >= T, against the reviewer approving (accepted or edited)",
		Columns: []exporter.ReportColumn{col("T"), col("TP"), col("FP"), col("FN"), col("TN"), col("precision"), col("recall"), col("kappa")}}
	for _, t := range d.Judge.Approved.Thresholds {
		c := t.Confusion
		thresholds.Rows = append(thresholds.Rows, []string{formatScore(t.Threshold), num(c.TP), num(c.FP), num(c.FN), num(c.TN),
			percent(t.Precision), percent(t.Recall), decimal(t.Kappa)})
	}
	criteria := exporter.ReportTable{Caption: "Each criterion's judge points against the reviewer's check of it",
		Columns: []exporter.ReportColumn{text("criterion"), col("checked items"), col("met"), col("AUC"), col("kappa at full marks")}}
	for _, c := range d.Judge.Criteria {
		var kappa *float64
		if c.FullMarks != nil {
			kappa = c.FullMarks.Kappa
		}
		criteria.Rows = append(criteria.Rows, []string{c.Criterion, num(c.Items), num(c.Good), decimal(c.AUC), decimal(kappa)})
	}
	add(exporter.ReportSection{Heading: "Judge calibration", Paragraphs: []string{fmt.Sprintf(
		"ROC AUC of the judge score: %s for approval, %s for acceptance as is (0.5 is chance, 1 a perfect ranking).",
		decimal(d.Judge.Approved.AUC), decimal(d.Judge.AcceptedAsIs.AUC))}, Tables: []exporter.ReportTable{thresholds, criteria}})

	advisor := exporter.ReportTable{Columns: []exporter.ReportColumn{col("T"), col("items >= T"), col("bad shipped by auto-accepting >= T"),
		col("items < T"), col("good thrown away by auto-discarding < T"), text("all bands reviewed")}}
	var uncovered []int
	for _, a := range d.Judge.Advisor {
		advisor.Rows = append(advisor.Rows, []string{formatScore(a.Threshold), num(a.AcceptedItems), estimateText(a.BadInAccepted),
			num(a.DiscardedItems), estimateText(a.GoodDiscarded), yesNo(a.Complete)})
		uncovered = a.UncoveredBands
	}
	advisorText := []string{"Projected onto the items that go to review, each score band weighted by its size (stratified estimate, 95% interval). " +
		"Where a band has no review, the value is unknown and the interval spans every possibility."}
	advisorTables := []exporter.ReportTable{advisor}
	if len(uncovered) > 0 {
		advisorText = append(advisorText, fmt.Sprintf("Bands %v have no review. The second table leaves them out of both sides "+
			"and estimates over the reviewed bands alone.", uncovered))
		covered := exporter.ReportTable{Caption: "Over the reviewed bands only", Columns: []exporter.ReportColumn{col("T"),
			col("reviewed-band items >= T"), col("bad shipped by auto-accepting >= T"), col("reviewed-band items < T"),
			col("good thrown away by auto-discarding < T")}}
		for _, a := range d.Judge.Advisor {
			c := a.Covered
			covered.Rows = append(covered.Rows, []string{formatScore(a.Threshold), num(c.AcceptedItems), estimateText(c.BadInAccepted),
				num(c.DiscardedItems), estimateText(c.GoodDiscarded)})
		}
		advisorTables = append(advisorTables, covered)
	}
	add(exporter.ReportSection{Heading: "Threshold advisor", Paragraphs: advisorText, Tables: advisorTables})

	p := d.Population
	strataT := exporter.ReportTable{Columns: []exporter.ReportColumn{text("band"), col("items"), col("weight"), col("reviewed"),
		col("good"), col("yield"), col("projected good summaries")}}
	for _, s := range p.Strata {
		strataT.Rows = append(strataT.Rows, []string{strconv.Itoa(s.Band), num(s.Population), percent(&s.Weight), num(s.Reviewed),
			num(s.Good), percentCI(s.Yield.Rate, s.Yield.CI), countEstimate(s.GoodItems)})
	}
	popText := fmt.Sprintf("%d items go to review (%d auto-discarded items are reported apart: never reviewed, their yield is unknown). ",
		p.Population, p.AutoDiscarded.Items)
	if p.Complete {
		popText += fmt.Sprintf("Projected yield %s; projected good summaries %s.", estimateText(p.Yield), countEstimate(p.GoodItems))
	} else {
		popText += fmt.Sprintf("Bands %v (%d items) have no review yet, so the whole population's yield is only bounded: %s. "+
			"The reviewed bands (%d items) project to %s.", p.UnreviewedBands, p.UnreviewedPopulation, estimateText(p.Yield),
			p.CoveredPopulation, estimateText(p.CoveredYield))
	}
	w := p.WholeImport
	wholeText := fmt.Sprintf("Whole import, %d items with the %d auto-discarded: ", w.Population, w.AutoDiscarded)
	if w.Yield.Value != nil {
		wholeText += fmt.Sprintf("projected yield %s; projected good summaries %s.", estimateText(w.Yield), countEstimate(w.GoodItems))
	} else {
		wholeText += fmt.Sprintf("no review speaks for the auto-discarded items, so their good summaries are bounded by none and all of them: "+
			"yield %s, good summaries %s. Taking every auto-discarded summary as bad, as the judge does, the yield is %s.",
			boundsText(w.Yield.CI), countRange(w.GoodItems.CI), estimateText(w.YieldIfDiscardedBad))
	}
	add(exporter.ReportSection{Heading: "Population estimate", Paragraphs: []string{popText, wholeText}, Tables: []exporter.ReportTable{strataT}})

	rv := exporter.ReportTable{Columns: []exporter.ReportColumn{text("reviewer"), col("decisions"), col("reviewed"), col("yield"),
		col("skips"), col("active hours"), col("items/hour"), col("median s accepted"), col("median s edited"),
		col("median s rejected"), col("median edit chars"), col("hinted items changed"), col("unhinted items changed"),
		col("kappa with others")}}
	for _, x := range d.Reviewers.Reviewers {
		rv.Rows = append(rv.Rows, []string{x.Reviewer, num(x.Decisions), num(x.Yield.Reviewed), percent(x.Yield.Rate),
			percent(x.Skips.Rate), fmt.Sprintf("%.1f", x.ActiveHours), decimal1(x.ItemsPerHour),
			decimal1(x.MedianSeconds.Accepted), decimal1(x.MedianSeconds.Edited), decimal1(x.MedianSeconds.Rejected),
			decimal1(x.EditSize.Median), percent(x.HintFollowed.Rate), percent(x.UnhintedChanged.Rate),
			decimal(x.AgreementWithOthers.Verdicts.Kappa)})
	}
	a := d.Reviewers.Agreement
	team := d.Reviewers.Team
	add(exporter.ReportSection{Heading: "Reviewers", Paragraphs: []string{
		fmt.Sprintf("Every decision not undone, skips included. Team: %d decisions, %d reviews, %.1f active hours, %s items per hour.",
			team.Decisions, team.Reviewed, team.ActiveHours, decimal1(team.ItemsPerHour)),
		fmt.Sprintf("Items reviewed by two reviewers: %d; Cohen's kappa %s on the three verdicts, %s on approve or reject.",
			a.Verdicts.Pairs, decimal(a.Verdicts.Kappa), decimal(a.Approval.Kappa)),
	}, Tables: []exporter.ReportTable{rv}})

	rules := exporter.ReportTable{Columns: []exporter.ReportColumn{text("rule"), col("items fired on"), col("reviewed"),
		col("edited or rejected"), col("rejected")}}
	for _, x := range d.Rules {
		rules.Rows = append(rules.Rows, []string{x.Rule, num(x.Fired), num(x.Reviewed), percentCI(x.Followed.Rate, x.Followed.CI),
			percentCI(x.Rejected.Rate, x.Rejected.CI)})
	}
	add(exporter.ReportSection{Heading: "Hint rules", Paragraphs: []string{
		"How often each rule's hint was shown on a reviewed item that the reviewer then edited or rejected: its precision in practice.",
	}, Tables: []exporter.ReportTable{rules}})

	cost := exporter.ReportSection{Heading: "Cost"}
	if c := d.Cost.Comparison; c != nil {
		in := c.Inputs
		e := d.Cost.AllLLMErrors
		cost.Paragraphs = []string{fmt.Sprintf("For %d companies: wage %g per hour, API %g + %g per summary, %g minutes to write one by hand; "+
			"measured %s s per review, %s of items go to review, yield %s, edited %s (stratified).",
			in.Population, in.HourlyWage, in.GenerationCost, in.JudgeCost, in.WriteMinutes,
			valueRange(in.ReviewSeconds, in.ReviewSecondsCI, "%.0f"), percent(&in.ReviewShare),
			percentRange(in.Yield, in.YieldCI), percent(&in.EditRate)),
			fmt.Sprintf("Shipping without review would get %s of the items wrong: the share not accepted as is, projected band by band "+
				"(%d of %d reviewed items in the sample). It is the all-LLM error rate below.", estimateText(e.Estimate), e.Count, e.Total),
			copilotText(d.Cost.Copilot),
			"Each projection's 95% interval (in brackets) carries the intervals of the measured yield, error rate, seconds per review " +
				"and copilot cost: the set-up is projected with each at either end, and the interval is the lowest to the highest result."}
		if len(d.Cost.PointOnly) > 0 {
			cost.Paragraphs = append(cost.Paragraphs, fmt.Sprintf("Too little data to show the uncertainty of %v: taken as exact.", d.Cost.PointOnly))
		}
		t := exporter.ReportTable{Columns: []exporter.ReportColumn{text("set-up"), col("API cost"), col("labour cost"), col("total cost"),
			col("person-days"), col("shipped"), col("bad shipped"), col("error rate"), col("cost per good summary")}}
		for _, s := range []review.SetupCost{c.AllHuman, c.LLMReview, c.AllLLM} {
			ci := s.CI
			t.Rows = append(t.Rows, []string{s.Setup, valueRange(s.APICost, &ci.APICost, "%.0f"),
				valueRange(s.LabourCost, &ci.LabourCost, "%.0f"), valueRange(s.TotalCost, &ci.TotalCost, "%.0f"),
				valueRange(s.PersonDays, &ci.PersonDays, "%.1f"), valueRange(s.Shipped, &ci.Shipped, "%.0f"),
				valueRange(s.BadShipped, &ci.BadShipped, "%.0f"), optionalPercentRange(s.ErrorRate, ci.ErrorRate),
				optionalRange(s.CostPerGood, ci.CostPerGood, "%.1f")})
		}
		cost.Tables = []exporter.ReportTable{t}
	} else {
		cost.Paragraphs = []string{fmt.Sprintf("Not measured yet: %v.", d.Cost.Missing), copilotText(d.Cost.Copilot)}
	}
	if calls := d.Cost.Copilot.ByModel; len(calls) > 0 {
		t := exporter.ReportTable{Caption: "Copilot calls during review", Columns: []exporter.ReportColumn{text("kind"), text("model"),
			text("prompt version"), col("calls"), col("failed"), col("tokens in"), col("tokens out"), col("mean latency ms"), col("cost")}}
		for _, x := range calls {
			t.Rows = append(t.Rows, []string{x.Kind, x.Model, x.TemplateVersion, num(x.Calls), num(x.Failed), num(x.TokensIn),
				num(x.TokensOut), decimal1(x.MeanLatencyMs), fmt.Sprintf("%.2f", x.Cost)})
		}
		cost.Tables = append(cost.Tables, t)
	}
	add(cost)
	return r
}

func orAny(s string) string {
	if s == "" {
		return "any day"
	}
	return s
}

func bandName(lo, hi float64) string {
	if hi-lo == 1 {
		return formatScore(lo)
	}
	return formatScore(lo) + "–" + formatScore(hi)
}

func percent(p *float64) string {
	if p == nil {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100**p)
}

func span(lo, hi float64) string { return fmt.Sprintf("%.1f–%.1f%%", 100*lo, 100*hi) }

func percentCI(p *float64, ci review.Interval) string {
	return percent(p) + " (" + span(ci.Lo, ci.Hi) + ")"
}

func estimateText(e review.Estimate) string { return percentCI(e.Value, e.CI) }

func boundsText(ci review.Interval) string { return "between " + span(ci.Lo, ci.Hi) }

func countRange(ci review.Interval) string { return fmt.Sprintf("between %.0f and %.0f", ci.Lo, ci.Hi) }

// valueRange writes a number with its interval in brackets, or alone when there is none or it is the point.
func valueRange(v float64, ci *review.Interval, format string) string {
	s := fmt.Sprintf(format, v)
	if ci == nil {
		return s
	}
	lo, hi := fmt.Sprintf(format, ci.Lo), fmt.Sprintf(format, ci.Hi)
	if lo == s && hi == s {
		return s
	}
	return s + " (" + lo + "–" + hi + ")"
}

func optionalRange(v *float64, ci *review.Interval, format string) string {
	if v == nil {
		return "–"
	}
	if ci == nil {
		return fmt.Sprintf(format, *v) + " (no upper bound)"
	}
	return valueRange(*v, ci, format)
}

func percentRange(v float64, ci *review.Interval) string {
	if ci == nil {
		return percent(&v)
	}
	return percentCI(&v, *ci)
}

func optionalPercentRange(v *float64, ci *review.Interval) string {
	if v == nil || ci == nil {
		return percent(v)
	}
	if ci.Lo == ci.Hi {
		return percent(v)
	}
	return percentCI(v, *ci)
}

// copilotText says what the recorded copilot calls cost per reviewed item, and whether the cost model pays it.
func copilotText(cp CopilotCost) string {
	if cp.Calls == 0 {
		return "No copilot calls are recorded with decisions in this filter: the LLM + human review set-up pays no copilot cost."
	}
	per := "unknown (nothing reviewed)"
	if v := cp.PerReviewed.Value; v != nil {
		per = valueRange(*v, cp.PerReviewed.CI, "%.3f")
	}
	return fmt.Sprintf("Copilot during review: %d calls (%d failed) cost %.2f, %s per reviewed item, which the LLM + human review "+
		"set-up pays on every item it reviews, besides the API cost of generation and judging.", cp.Calls, cp.Failed, cp.Cost, per)
}

func countEstimate(e review.Estimate) string {
	v := "unknown"
	if e.Value != nil {
		v = fmt.Sprintf("%.0f", *e.Value)
	}
	return fmt.Sprintf("%s (%.0f–%.0f)", v, e.CI.Lo, e.CI.Hi)
}

func decimal(p *float64) string {
	if p == nil {
		return "–"
	}
	return fmt.Sprintf("%.3f", *p)
}

func decimal1(p *float64) string {
	if p == nil {
		return "–"
	}
	return fmt.Sprintf("%.1f", *p)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// handleReport serves the report as a download: format=md (Markdown) or html (one self-contained page), with the
// dashboard's parameters.
func (s *Service) handleReport(w http.ResponseWriter, r *http.Request) error {
	q, err := ParseDashboardQuery(r.URL.Query())
	if err != nil {
		return err
	}
	write, ctype, ext := exporter.WriteReportHTML, "text/html; charset=utf-8", "html"
	switch f := r.URL.Query().Get("format"); f {
	case "", "html":
	case "md":
		write, ctype, ext = exporter.WriteReportMarkdown, "text/markdown; charset=utf-8", "md"
	default:
		return review.Errorf(review.Invalid, "format=%q is not md or html", f)
	}
	d, err := s.Dashboard(r.Context(), q)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := write(&b, d.Report()); err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="reviewdesk-report-%s.%s"`,
		d.GeneratedAt.Format("20060102-150405"), ext))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(b.Bytes())
	return err
}
