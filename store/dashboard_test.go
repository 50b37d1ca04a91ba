package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"reviewdesk/review"
)

var jst = time.FixedZone("JST", 9*3600)

// openZoned opens a test store whose dashboard days are Japanese days, so that day keys differ from UTC ones.
func openZoned(t *testing.T) (*Store, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "dash.db"), Options{Now: c.now, DayZone: jst})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, c
}

// decide saves a decision on the item's current version, made by reviewer between ended-seconds and ended.
func decide(t *testing.T, s *Store, id, reviewer string, v review.Verdict, ended time.Time, seconds float64, text string,
	checks map[string]bool) review.Decision {
	t.Helper()
	ctx := context.Background()
	rec, err := s.Item(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	d := review.Decision{ItemID: id, Verdict: v, Reviewer: reviewer, Reasons: []string{}, Checks: checks,
		StartedAt: ended.Add(-time.Duration(seconds * float64(time.Second))), EndedAt: ended, Seconds: seconds,
		FinalText: text}
	if v == review.Accepted {
		d.FinalText = rec.Summary
	}
	if v == review.Rejected {
		d.Reasons = []string{"vague"}
	}
	d, err = s.SaveDecision(ctx, d, rec.Version)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func handItem(n int, batch string, score float64, hinted bool) review.Item {
	it := testItem(n, score)
	it.Batch = batch
	it.Scores = map[string]float64{"business": math.Min(4, score/2), "style": 5}
	if hinted {
		it.Summary = fmt.Sprintf("我々は東京都でソフトウェアを開発しています（%d）。", n)
	}
	return it
}

func day(t *testing.T, s string) *Day {
	t.Helper()
	d, err := ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return &d
}

// TestDashboardCountsByHand checks every count against a small history counted by hand: two reviewed twice, an
// undone decision, a reopened item, a skip, an auto-discard, a decision outdated by a re-import, and the batch and
// day filters.
func TestDashboardCountsByHand(t *testing.T) {
	s, _ := openZoned(t)
	ctx := context.Background()
	discard := 3.0
	rubric := review.Rubric{MaxScore: 10, DiscardBelow: &discard}
	items := []review.Item{
		handItem(1, "b1", 9, true), handItem(2, "b1", 9, false), handItem(3, "b1", 7, false),
		handItem(4, "b2", 7, true), handItem(5, "b2", 2, false), handItem(6, "b2", 8, false),
	}
	importItems(t, s, rubric, items...)
	id := func(i int) string { return items[i-1].ID }
	// Day 1 is 2026-11-02 in Japan; 10:00 JST is 01:00 UTC.
	d1 := time.Date(2026, 11, 2, 10, 0, 0, 0, jst)
	d2 := d1.AddDate(0, 0, 1)
	decide(t, s, id(1), "sato", review.Accepted, d1.Add(30*time.Second), 30, "", map[string]bool{"business": true})
	edited := items[1].Summary + "追記"
	decide(t, s, id(2), "sato", review.Edited, d1.Add(90*time.Second), 60, edited, nil)
	decide(t, s, id(3), "suzuki", review.Rejected, d1.Add(5*time.Minute+40*time.Second), 40, "", map[string]bool{"business": false})
	decide(t, s, id(1), "suzuki", review.Accepted, d2.Add(10*time.Second), 10, "", map[string]bool{"business": true})
	decide(t, s, id(4), "suzuki", review.Skipped, d2.Add(20*time.Second), 10, "", nil)
	decide(t, s, id(6), "sato", review.Accepted, d2.Add(time.Minute), 20, "", nil)
	if _, err := s.Undo(ctx, "sato", time.Minute); err != nil {
		t.Fatal(err)
	}
	decide(t, s, id(2), "tanaka", review.Rejected, d2.Add(2*time.Minute), 50, "", map[string]bool{"style": false})
	if err := s.Reopen(ctx, id(3), "boss"); err != nil {
		t.Fatal(err)
	}

	counts := func(f DashboardFilter) *DashboardCounts {
		t.Helper()
		c, err := s.DashboardCounts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	all := counts(DashboardFilter{})
	check := func(name string, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n got %v\nwant %v", name, got, want)
		}
	}
	check("day offset", all.DayOffset, 9*time.Hour)
	check("population", all.Population, []BandStatus{{2, "auto_discarded", 1}, {7, "pending", 1}, {7, "skipped", 1},
		{8, "pending", 1}, {9, "accepted", 1}, {9, "rejected", 1}})
	check("batches", all.Batches, []BatchStatus{{"b1", "accepted", 1}, {"b1", "pending", 1}, {"b1", "rejected", 1},
		{"b2", "auto_discarded", 1}, {"b2", "pending", 1}, {"b2", "skipped", 1}})
	check("scores", all.Scores, []ScoreCount{{9, 9, "accepted", 1}, {9, 9, "rejected", 1}})
	check("by reviewer", all.Slices["reviewer"], []VerdictCount{{"suzuki", "accepted", 1}, {"tanaka", "rejected", 1}})
	check("by day", all.Slices["day"], []VerdictCount{{"2026-11-03", "accepted", 1}, {"2026-11-03", "rejected", 1}})
	check("by batch", all.Slices["batch"], []VerdictCount{{"b1", "accepted", 1}, {"b1", "rejected", 1}})
	check("by generator", all.Slices["generator"], []VerdictCount{{"gen", "accepted", 1}, {"gen", "rejected", 1}})
	check("criteria", all.Criteria, []CriterionCount{{"business", 4, -1, "rejected", 1}, {"business", 4, 1, "accepted", 1},
		{"style", 5, -1, "accepted", 1}, {"style", 5, 0, "rejected", 1}})
	check("rules", all.Rules, []VerdictCount{{"first_person", "accepted", 1}})
	check("rules fired", all.RulesFired, []Count{{"first_person", 2}})
	check("current, all days", all.CurrentAllDays, map[review.Verdict]int{"accepted": 1, "rejected": 1})
	editSize := review.EditDistance(items[1].Summary, edited)
	check("reviewers", all.Reviewers, []ReviewerCount{
		{"sato", "accepted", true, 1, 30000, 0, 0}, {"sato", "edited", false, 1, 60000, 1, editSize},
		{"suzuki", "accepted", true, 1, 10000, 0, 0}, {"suzuki", "rejected", false, 1, 40000, 0, 0},
		{"suzuki", "skipped", true, 1, 10000, 0, 0}, {"tanaka", "rejected", false, 1, 50000, 0, 0}})
	check("reviewer days", all.ReviewerDays, []VerdictCount{{"2026-11-02", "accepted", 1}, {"2026-11-02", "edited", 1},
		{"2026-11-02", "rejected", 1}, {"2026-11-03", "accepted", 1}, {"2026-11-03", "rejected", 1}, {"2026-11-03", "skipped", 1}})
	// sato: [0s, 30s] and [30s, 90s] on day 1 make 90 s; suzuki's two decisions on day 2 are 10 s apart, one
	// session of 20 s, plus 40 s on day 1; tanaka 50 s.
	check("active", all.Active, map[string]int64{"sato": 90000, "suzuki": 60000, "tanaka": 50000})
	check("active days", all.ActiveDays, map[string]int64{"2026-11-02": 130000, "2026-11-03": 70000})
	check("sato medians", all.Medians["sato"], ReviewerMedians{
		Seconds:  map[string]float64{"accepted": 30, "edited": 60, "rejected": math.NaN(), "skipped": math.NaN(), "reviewed": 45},
		EditSize: float64(editSize)})
	check("suzuki medians", all.Medians["suzuki"].Seconds, map[string]float64{"accepted": 10, "edited": math.NaN(),
		"rejected": 40, "skipped": 10, "reviewed": 25})
	check("pairs", all.Pairs, []PairCount{{"sato", "suzuki", "accepted", "accepted", 1}, {"sato", "tanaka", "edited", "rejected", 1}})

	b2 := counts(DashboardFilter{Batch: "b2"})
	check("b2 population", b2.Population, []BandStatus{{2, "auto_discarded", 1}, {7, "skipped", 1}, {8, "pending", 1}})
	check("b2 scores", b2.Scores, []ScoreCount(nil))
	check("b2 reviewers", b2.Reviewers, []ReviewerCount{{"suzuki", "skipped", true, 1, 10000, 0, 0}})
	check("b2 active", b2.Active, map[string]int64{"suzuki": 10000})
	check("b2 rules fired", b2.RulesFired, []Count{{"first_person", 1}})
	check("b2 medians", b2.Medians["suzuki"].Seconds["skipped"], 10)

	day1 := counts(DashboardFilter{From: day(t, "2026-11-02"), To: day(t, "2026-11-02")})
	check("day 1 population is not filtered by day", len(day1.Population), 6)
	check("day 1 scores", day1.Scores, []ScoreCount(nil))
	check("day 1 current, all days", day1.CurrentAllDays, map[review.Verdict]int{"accepted": 1, "rejected": 1})
	check("day 1 reviewers", len(day1.Reviewers), 3)
	check("day 1 active", day1.Active, map[string]int64{"sato": 90000, "suzuki": 40000})
	check("day 1 suzuki medians", day1.Medians["suzuki"].Seconds["reviewed"], 40)
	check("day 1 pairs", day1.Pairs, []PairCount(nil))
	day2 := counts(DashboardFilter{From: day(t, "2026-11-03")})
	check("day 2 scores", day2.Scores, []ScoreCount{{9, 9, "accepted", 1}, {9, 9, "rejected", 1}})
	check("day 2 pairs", len(day2.Pairs), 2)

	// A re-import that changes a decided item leaves its decision standing but outdated: it counts nowhere.
	items[0].Summary = "株式会社テスト1は、東京都でソフトウェアを開発する会社です。"
	importItems(t, s, rubric, items...)
	after := counts(DashboardFilter{})
	check("scores after re-import", after.Scores, []ScoreCount{{9, 9, "rejected", 1}})
	check("current after re-import", after.CurrentAllDays, map[review.Verdict]int{"rejected": 1})
	check("rules fired after re-import", after.RulesFired, []Count{{"first_person", 1}})
	check("population after re-import", after.Population, all.Population)
	compareWithRebuild(t, s)

	if _, err := s.DashboardCounts(ctx, DashboardFilter{From: day(t, "2026-11-03"), To: day(t, "2026-11-02")}); review.ErrorCode(err) != review.Invalid {
		t.Errorf("from after to: %v, want Invalid", err)
	}
}

func TestDashboardCountsEmpty(t *testing.T) {
	s, _ := openTest(t)
	c, err := s.DashboardCounts(context.Background(), DashboardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Population != nil || c.Scores != nil || c.Reviewers != nil || len(c.Active) != 0 || len(c.Medians) != 0 {
		t.Fatalf("empty database: %+v", c)
	}
}

// snapshot lists every non-zero row of the count tables.
func snapshot(t *testing.T, s *Store) []string {
	t.Helper()
	ctx := context.Background()
	if err := s.refreshActiveIfDirty(ctx); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, q := range []string{
		`SELECT * FROM agg_items WHERE n != 0`,
		`SELECT * FROM agg_rule_items WHERE n != 0`,
		`SELECT * FROM agg_score WHERE n != 0`,
		`SELECT * FROM agg_source WHERE n != 0`,
		`SELECT * FROM agg_criterion WHERE n != 0`,
		`SELECT * FROM agg_rule WHERE n != 0`,
		`SELECT * FROM agg_reviewer WHERE n != 0 OR ms != 0 OR edits != 0 OR edit_chars != 0`,
		`SELECT * FROM agg_active`,
		`SELECT * FROM agg_dirty`,
		`SELECT * FROM review_pairs`,
		`SELECT * FROM agg_pairs WHERE n != 0`,
		`SELECT id, batch, rules, edit_size FROM decisions`,
	} {
		rows, err := s.read.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out = append(out, strings.Fields(q)[3]+fmt.Sprint(vals...))
		}
		rows.Close()
	}
	slices.Sort(out)
	return out
}

// compareWithRebuild checks that what the triggers maintained equals a rebuild from the base tables.
func compareWithRebuild(t *testing.T, s *Store) {
	t.Helper()
	before := snapshot(t, s)
	if err := s.RebuildAggregates(context.Background()); err != nil {
		t.Fatal(err)
	}
	after := snapshot(t, s)
	if !slices.Equal(before, after) {
		for _, r := range before {
			if !slices.Contains(after, r) {
				t.Errorf("maintained, not rebuilt: %s", r)
			}
		}
		for _, r := range after {
			if !slices.Contains(before, r) {
				t.Errorf("rebuilt, not maintained: %s", r)
			}
		}
		t.FailNow()
	}
}

// TestAggregatesMatchRebuild drives random histories through every write path (decisions, undo, reopen, re-imports
// that revise and move items, decisions carried in by imports, undone ones among them) and checks after each stretch
// that the trigger-maintained counts equal a rebuild.
func TestAggregatesMatchRebuild(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			s, clk := openZoned(t)
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(seed, 42))
			discard := 3.0
			rubric := review.Rubric{MaxScore: 10, DiscardBelow: &discard}
			batches := []string{"a", "b", "c"}
			reviewers := []string{"sato", "suzuki", "tanaka"}
			verdicts := []review.Verdict{review.Accepted, review.Accepted, review.Edited, review.Rejected, review.Skipped}
			items := make([]review.Item, 40)
			for i := range items {
				items[i] = handItem(i, batches[rng.IntN(3)], float64(rng.IntN(11)), rng.IntN(3) == 0)
			}
			importItems(t, s, rubric, items...)
			at := time.Date(2026, 11, 2, 23, 30, 0, 0, jst)
			for step := range 400 {
				at = at.Add(time.Duration(rng.IntN(1800)) * time.Second)
				clk.t = at
				it := items[rng.IntN(len(items))]
				switch op := rng.IntN(20); {
				case op < 12:
					rec, err := s.Item(ctx, it.ID)
					if err != nil {
						t.Fatal(err)
					}
					v := verdicts[rng.IntN(len(verdicts))]
					d := review.Decision{ItemID: it.ID, Verdict: v, Reviewer: reviewers[rng.IntN(3)], Reasons: []string{"vague"},
						StartedAt: at.Add(-time.Duration(rng.IntN(300)) * time.Second), EndedAt: at, FinalText: rec.Summary,
						Checks: map[string]bool{"business": rng.IntN(2) == 0}}
					d.Seconds = at.Sub(d.StartedAt).Seconds()
					if v == review.Edited {
						d.FinalText = rec.Summary + strings.Repeat("。", 1+rng.IntN(5))
					}
					if _, err := s.SaveDecision(ctx, d, rec.Version); err != nil && review.ErrorCode(err) != review.Conflict {
						t.Fatal(err)
					}
				case op < 15:
					if _, err := s.Undo(ctx, reviewers[rng.IntN(3)], time.Minute); err != nil &&
						review.ErrorCode(err) != review.NotFound && review.ErrorCode(err) != review.Conflict {
						t.Fatal(err)
					}
				case op < 17:
					if err := s.Reopen(ctx, it.ID, "boss"); err != nil && review.ErrorCode(err) != review.Invalid {
						t.Fatal(err)
					}
				case op < 19:
					for range 5 {
						k := rng.IntN(len(items))
						items[k].Summary += "改"
						items[k].Score = float64(rng.IntN(11))
						items[k].Batch = batches[rng.IntN(3)]
						items[k].Scores["business"] = float64(rng.IntN(5))
					}
					importItems(t, s, rubric, items...)
				default:
					im, err := s.BeginImport(ctx, "carried.jsonl", "jsonl", "t", rubric)
					if err != nil {
						t.Fatal(err)
					}
					rules := review.DefaultRules()
					if _, err := im.Put(&it, rules.Check(it.Summary, it.Source), rules.Version); err != nil {
						im.Rollback()
						t.Fatal(err)
					}
					for range 2 {
						d := review.Decision{ItemID: it.ID, Verdict: verdicts[rng.IntN(len(verdicts))],
							Reviewer: reviewers[rng.IntN(3)], Reasons: []string{}, FinalText: it.Summary + "直",
							StartedAt: at.Add(-40 * time.Second), EndedAt: at, Seconds: 40}
						if rng.IntN(4) == 0 {
							d.UndoneAt = &at
						}
						if err := im.PutDecision(d, false); err != nil {
							im.Rollback()
							t.Fatal(err)
						}
						at = at.Add(time.Minute)
					}
					if _, err := im.Commit("t"); err != nil {
						t.Fatal(err)
					}
				}
				if step%100 == 99 {
					compareWithRebuild(t, s)
				}
			}
			// The history must have exercised what the counts are about.
			c, err := s.DashboardCounts(ctx, DashboardFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Pairs) == 0 || len(c.Scores) == 0 || len(c.ReviewerDays) < 3 || len(c.Rules) == 0 {
				t.Fatalf("the random history is too thin to test anything: %+v", c)
			}
		})
	}
}

// TestMigrationFillsOldDecisions opens a database written by schema 1, with decisions, and checks that the
// migration gives them what the dashboard needs.
func TestMigrationFillsOldDecisions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	init, err := migrationFiles.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	ended := time.Date(2026, 11, 2, 23, 0, 0, 0, time.UTC) // 08:00 on 3 November in Japan
	for _, q := range []string{
		string(init),
		`PRAGMA user_version = 1`,
		`INSERT INTO items (seq, id, company, summary, scores, score, max_score, band, generator, judge, prompt_version,
			batch, meta, content_hash, source_sha256, revision, version, status, decision, hints, hint_count, rules_version,
			sample_key, import, imported_at, updated_at)
			VALUES (1, 'x1', 'c', '我々は東京の会社です。', '{"business":3}', 8, 10, 8, 'g', 'j', 'v1', 'old', '{}', 'h', 's', 1, 2,
			'edited', 1, '[{"rule":"first_person"}]', 1, 'r', 1, 1, 0, 0)`,
		fmt.Sprintf(`INSERT INTO decisions (id, seq, revision, verdict, final_text, reasons, checks, comment, reviewer,
			started_at, ended_at, seconds, rules_version) VALUES (1, 1, 1, 'edited', '同社は東京の会社です。', '[]',
			'{"business":true}', '', 'sato', %d, %d, 20, 'r')`, ended.UnixMilli()-20000, ended.UnixMilli()),
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(context.Background(), path, Options{DayZone: jst})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.DashboardCounts(context.Background(), DashboardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := review.EditDistance("我々は東京の会社です。", "同社は東京の会社です。")
	if fmt.Sprint(c.Reviewers) != fmt.Sprint([]ReviewerCount{{"sato", "edited", true, 1, 20000, 1, want}}) {
		t.Errorf("reviewers after migration: %v (edit size want %d)", c.Reviewers, want)
	}
	if fmt.Sprint(c.Slices["day"]) != "[{2026-11-03 edited 1}]" || fmt.Sprint(c.Rules) != "[{first_person edited 1}]" {
		t.Errorf("current decisions after migration: days %v rules %v", c.Slices["day"], c.Rules)
	}
	if fmt.Sprint(c.Criteria) != "[{business 3 1 edited 1}]" || c.Active["sato"] != 20000 {
		t.Errorf("criteria %v, active %v", c.Criteria, c.Active)
	}
}

// TestDecisionsAreFixed checks the guard that keeps the counts true: a decision's counted columns cannot change.
func TestDecisionsAreFixed(t *testing.T) {
	s, _ := openZoned(t)
	it := handItem(1, "b", 9, false)
	importItems(t, s, review.Rubric{}, it)
	d := decide(t, s, it.ID, "sato", review.Accepted, time.Date(2026, 11, 2, 10, 0, 0, 0, jst), 10, "", nil)
	for _, q := range []string{
		`UPDATE decisions SET verdict = 'rejected' WHERE id = ?`,
		`UPDATE decisions SET reviewer = 'suzuki' WHERE id = ?`,
		`UPDATE decisions SET ended_at = ended_at + 86400000 WHERE id = ?`,
		`UPDATE decisions SET batch = 'other' WHERE id = ?`,
		`UPDATE decisions SET edit_size = 3 WHERE id = ?`,
	} {
		if _, err := s.write.Exec(q, d.ID); err == nil || !strings.Contains(err.Error(), "decisions are history") {
			t.Errorf("%s: %v, want refused", q, err)
		}
	}
	if _, err := s.write.Exec(`UPDATE decisions SET comment = 'fine' WHERE id = ?`, d.ID); err != nil {
		t.Errorf("a comment is not counted and may change: %v", err)
	}
}

func TestParseDay(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Day
		ok   bool
	}{
		{"1970-01-01", 0, true},
		{"1970-01-02", 1, true},
		{"2026-11-02", 20759, true},
		{"2026-02-30", 0, false},
		{"yesterday", 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			d, err := ParseDay(tc.in)
			if (err == nil) != tc.ok || (tc.ok && (d != tc.want || d.String() != tc.in)) {
				t.Fatalf("ParseDay(%q) = %d (%s), %v", tc.in, d, d, err)
			}
		})
	}
}

// TestSetDayOffset moves the day boundary: a decision at 23:30 UTC is on the next day in Japan.
func TestSetDayOffset(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "zone.db"), Options{DayZone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	it := handItem(1, "b", 9, false)
	importItems(t, s, review.Rubric{}, it)
	decide(t, s, it.ID, "sato", review.Accepted, time.Date(2026, 11, 2, 23, 30, 0, 0, time.UTC), 10, "", nil)
	days := func() string {
		t.Helper()
		c, err := s.DashboardCounts(ctx, DashboardFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(c.DayOffset, c.Slices["day"], c.ReviewerDays, c.ActiveDays)
	}
	if got, want := days(), "0s [{2026-11-02 accepted 1}] [{2026-11-02 accepted 1}] map[2026-11-02:10000]"; got != want {
		t.Fatalf("UTC days: %s, want %s", got, want)
	}
	if err := s.SetDayOffset(ctx, 9*time.Hour); err != nil {
		t.Fatal(err)
	}
	if got, want := days(), "9h0m0s [{2026-11-03 accepted 1}] [{2026-11-03 accepted 1}] map[2026-11-03:10000]"; got != want {
		t.Fatalf("Japanese days: %s, want %s", got, want)
	}
	if err := s.SetDayOffset(ctx, 90*time.Second); review.ErrorCode(err) != review.Invalid {
		t.Fatalf("an offset of 90 s: %v", err)
	}
}
