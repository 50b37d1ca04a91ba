package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"reviewdesk/review"
)

// The dashboard reads the count tables of migration 0002 (agg_*), which triggers keep equal to the base tables; see
// the comments there. This file sets them up, rebuilds and refreshes them, and reads them for one filter.

const msPerDay = 24 * 60 * 60 * 1000

// Day is a calendar day in the database's day zone, counted from 1970-01-01.
type Day int64

// ParseDay reads a date written YYYY-MM-DD.
func ParseDay(s string) (Day, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, review.Errorf(review.Invalid, "date %q is not a date written YYYY-MM-DD", s)
	}
	return Day(t.Unix() / (msPerDay / 1000)), nil
}

// String writes the day as YYYY-MM-DD.
func (d Day) String() string {
	return time.Unix(int64(d)*(msPerDay/1000), 0).UTC().Format(time.DateOnly)
}

// ensureAggregates fixes the day zone of a database that has none (a new one, or one just migrated) and rebuilds
// the count tables when a migration or an interrupted rebuild left them stale.
func (s *Store) ensureAggregates(ctx context.Context, zone *time.Location) error {
	var offset sql.NullInt64
	var stale bool
	if err := s.write.QueryRowContext(ctx, `SELECT day_offset_ms, stale FROM agg_meta`).Scan(&offset, &stale); err != nil {
		return fmt.Errorf("open dashboard counts: %w", err)
	}
	if offset.Valid && !stale {
		return nil
	}
	return s.inTx(ctx, func(tx *wtx) error {
		if !offset.Valid {
			if zone == nil {
				zone = time.Local
			}
			_, off := s.now().In(zone).Zone()
			if _, err := tx.ExecContext(ctx, `UPDATE agg_meta SET day_offset_ms = ?`, int64(off)*1000); err != nil {
				return fmt.Errorf("set the day zone: %w", err)
			}
		}
		return s.rebuildAggregates(ctx, tx)
	})
}

// DayOffset is the database's day zone as an offset from UTC: day keys are calendar days at this offset.
func (s *Store) DayOffset(ctx context.Context) (time.Duration, error) {
	var ms int64
	if err := s.read.QueryRowContext(ctx, `SELECT day_offset_ms FROM agg_meta`).Scan(&ms); err != nil {
		return 0, fmt.Errorf("read the day zone: %w", err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// SetDayOffset moves the day boundary of every dashboard count to midnight at this offset from UTC, for a database
// created on a machine in another time zone, and rebuilds the counts.
func (s *Store) SetDayOffset(ctx context.Context, offset time.Duration) error {
	if offset%time.Minute != 0 || offset < -14*time.Hour || offset > 14*time.Hour {
		return review.Errorf(review.Invalid, "day zone offset %s must be whole minutes between -14h and +14h", offset)
	}
	err := s.inTx(ctx, func(tx *wtx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE agg_meta SET day_offset_ms = ?`, offset.Milliseconds()); err != nil {
			return err
		}
		return s.rebuildAggregates(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("set day zone: %w", err)
	}
	return nil
}

// RebuildAggregates recomputes every dashboard count from the items and decisions. The triggers keep the counts
// current, so this is a repair tool, and the check the tests make against the triggers.
func (s *Store) RebuildAggregates(ctx context.Context) error {
	restore, err := s.tempOnDisk(ctx)
	if err != nil {
		return fmt.Errorf("rebuild dashboard counts: %w", err)
	}
	defer restore()
	if err := s.inTx(ctx, func(tx *wtx) error { return s.rebuildAggregates(ctx, tx) }); err != nil {
		return fmt.Errorf("rebuild dashboard counts: %w", err)
	}
	return nil
}

const (
	reviewedVerdicts = `('accepted', 'edited', 'rejected')`
	humanVerdicts    = `('accepted', 'edited', 'rejected', 'skipped')`
	dayOf            = `(%s + m.day_offset_ms) / 86400000`
)

// rebuildStatements compute, from the base tables, what the triggers of migration 0002 maintain; each one mirrors
// a trigger, and a change to one must go to the other.
var rebuildStatements = []string{
	`DELETE FROM review_pairs`,
	`DELETE FROM agg_pairs`,
	`DELETE FROM agg_items`,
	`DELETE FROM agg_rule_items`,
	`DELETE FROM agg_score`,
	`DELETE FROM agg_source`,
	`DELETE FROM agg_criterion`,
	`DELETE FROM agg_rule`,
	`DELETE FROM agg_reviewer`,
	`DELETE FROM agg_active`,
	`DELETE FROM agg_dirty`,
	`INSERT INTO agg_items (batch, band, status, n) SELECT batch, band, status, count(*) FROM items GROUP BY 1, 2, 3`,
	`INSERT INTO agg_rule_items (batch, rule, n)
		SELECT i.batch, f.value, count(DISTINCT i.seq) FROM items i, json_each(i.hints) h, json_each(h.value) f
		WHERE i.hints != '[]' AND f.key = 'rule' GROUP BY 1, 2`,
	`INSERT INTO agg_score (batch, day, score, band, verdict, n)
		SELECT i.batch, ` + fmt.Sprintf(dayOf, "d.ended_at") + `, i.score, i.band, i.status, count(*)
		FROM items i JOIN decisions d ON d.id = i.decision AND d.revision = i.revision, agg_meta m
		WHERE i.status IN ` + reviewedVerdicts + ` GROUP BY 1, 2, 3, 4, 5`,
	`INSERT INTO agg_source (batch, day, generator, judge, prompt_version, reviewer, verdict, n)
		SELECT i.batch, ` + fmt.Sprintf(dayOf, "d.ended_at") + `, i.generator, i.judge, i.prompt_version, d.reviewer,
			i.status, count(*)
		FROM items i JOIN decisions d ON d.id = i.decision AND d.revision = i.revision, agg_meta m
		WHERE i.status IN ` + reviewedVerdicts + ` GROUP BY 1, 2, 3, 4, 5, 6, 7`,
	`INSERT INTO agg_criterion (batch, day, criterion, points, checked, verdict, n)
		SELECT i.batch, ` + fmt.Sprintf(dayOf, "d.ended_at") + `, s.key, s.value,
			coalesce((SELECT c.value FROM json_each(d.checks) c WHERE c.key = s.key), -1), i.status, count(*)
		FROM items i JOIN decisions d ON d.id = i.decision AND d.revision = i.revision, agg_meta m, json_each(i.scores) s
		WHERE i.status IN ` + reviewedVerdicts + ` GROUP BY 1, 2, 3, 4, 5, 6`,
	`INSERT INTO agg_rule (batch, day, rule, verdict, n)
		SELECT i.batch, ` + fmt.Sprintf(dayOf, "d.ended_at") + `, r.value, i.status, count(*)
		FROM items i JOIN decisions d ON d.id = i.decision AND d.revision = i.revision, agg_meta m, json_each(d.rules) r
		WHERE i.status IN ` + reviewedVerdicts + ` GROUP BY 1, 2, 3, 4`,
	`INSERT INTO agg_reviewer (batch, day, reviewer, verdict, hinted, n, ms, edits, edit_chars)
		SELECT coalesce(d.batch, ''), ` + fmt.Sprintf(dayOf, "d.ended_at") + `, d.reviewer, d.verdict,
			(d.rules IS NOT NULL AND d.rules != '[]'), count(*),
			sum(CAST(CASE WHEN d.seconds > 0 THEN d.seconds * 1000 + 0.5 ELSE 0 END AS INTEGER)),
			sum(d.edit_size IS NOT NULL), sum(coalesce(d.edit_size, 0))
		FROM decisions d, agg_meta m
		WHERE d.undone_at IS NULL AND d.reviewer != 'auto' AND d.verdict IN ` + humanVerdicts + `
		GROUP BY 1, 2, 3, 4, 5`,
	// The pairs' insert trigger builds agg_pairs.
	`INSERT INTO review_pairs (seq, revision, batch, day, r1, v1, r2, v2)
		SELECT a.seq, a.revision, coalesce(da.batch, ''), ` + fmt.Sprintf(dayOf, "db.ended_at") + `, da.reviewer,
			da.verdict, db.reviewer, db.verdict
		FROM (SELECT seq, revision, id, row_number() OVER (PARTITION BY seq, revision ORDER BY id) AS rank
			FROM (SELECT seq, revision, min(id) AS id FROM decisions
				WHERE undone_at IS NULL AND reviewer != 'auto' AND verdict IN ` + reviewedVerdicts + `
				GROUP BY seq, revision, reviewer)) a
		JOIN (SELECT seq, revision, id, row_number() OVER (PARTITION BY seq, revision ORDER BY id) AS rank
			FROM (SELECT seq, revision, min(id) AS id FROM decisions
				WHERE undone_at IS NULL AND reviewer != 'auto' AND verdict IN ` + reviewedVerdicts + `
				GROUP BY seq, revision, reviewer)) b ON b.seq = a.seq AND b.revision = a.revision AND b.rank = 2
		JOIN decisions da ON da.id = a.id JOIN decisions db ON db.id = b.id, agg_meta m
		WHERE a.rank = 1`,
	`INSERT INTO agg_dirty (reviewer, day)
		SELECT DISTINCT d.reviewer, ` + fmt.Sprintf(dayOf, "d.ended_at") + ` FROM decisions d, agg_meta m
		WHERE d.undone_at IS NULL AND d.reviewer != 'auto' AND d.verdict IN ` + humanVerdicts,
}

// countDecisionStatements count a newly written decision (the parameter ?1 is its id), as migration 0002 explains
// a trigger cannot: a human decision gets its batch and the hint rules shown when the writer did not set them, counts
// for its reviewer (unless written undone), marks its reviewer-day for an active-time refresh, and may complete a
// double-review pair. The trigger agg_decision_undo repeats the pair statements for undos.
var countDecisionStatements = []string{
	`UPDATE decisions SET batch = coalesce(batch, (SELECT batch FROM items WHERE items.seq = decisions.seq)),
		rules = coalesce(rules, (SELECT json_group_array(DISTINCT f.value)
			FROM items i, json_each(i.hints) h, json_each(h.value) f WHERE i.seq = decisions.seq AND f.key = 'rule'))
		WHERE id = ?1 AND reviewer != 'auto' AND (batch IS NULL OR rules IS NULL)`,
	`INSERT INTO agg_reviewer (batch, day, reviewer, verdict, hinted, n, ms, edits, edit_chars)
		SELECT coalesce(d.batch, ''), ` + fmt.Sprintf(dayOf, "d.ended_at") + `, d.reviewer, d.verdict,
			(d.rules IS NOT NULL AND d.rules != '[]'), 1,
			CAST(CASE WHEN d.seconds > 0 THEN d.seconds * 1000 + 0.5 ELSE 0 END AS INTEGER),
			d.edit_size IS NOT NULL, coalesce(d.edit_size, 0)
		FROM decisions d, agg_meta m
		WHERE d.id = ?1 AND d.undone_at IS NULL AND d.reviewer != 'auto' AND d.verdict IN ` + humanVerdicts + `
		ON CONFLICT DO UPDATE SET n = n + excluded.n, ms = ms + excluded.ms, edits = edits + excluded.edits,
			edit_chars = edit_chars + excluded.edit_chars`,
	`INSERT INTO agg_dirty (reviewer, day)
		SELECT d.reviewer, ` + fmt.Sprintf(dayOf, "d.ended_at") + ` FROM decisions d, agg_meta m
		WHERE d.id = ?1 AND d.undone_at IS NULL AND d.reviewer != 'auto' AND d.verdict IN ` + humanVerdicts + `
		ON CONFLICT DO NOTHING`,
	`DELETE FROM review_pairs WHERE (seq, revision) = (SELECT seq, revision FROM decisions
		WHERE id = ?1 AND reviewer != 'auto' AND verdict IN ` + reviewedVerdicts + `)`,
	`INSERT INTO review_pairs (seq, revision, batch, day, r1, v1, r2, v2)
		SELECT a.seq, a.revision, coalesce(a.batch, ''), ` + fmt.Sprintf(dayOf, "b.ended_at") + `, a.reviewer, a.verdict,
			b.reviewer, b.verdict
		FROM decisions n, decisions a, decisions b, agg_meta m
		WHERE n.id = ?1 AND n.reviewer != 'auto' AND n.verdict IN ` + reviewedVerdicts + `
			AND a.id = (SELECT min(id) FROM decisions WHERE seq = n.seq AND revision = n.revision
				AND undone_at IS NULL AND reviewer != 'auto' AND verdict IN ` + reviewedVerdicts + `)
			AND b.id = (SELECT min(id) FROM decisions WHERE seq = n.seq AND revision = n.revision
				AND undone_at IS NULL AND reviewer NOT IN ('auto', a.reviewer) AND verdict IN ` + reviewedVerdicts + `)`,
}

// decisionCounter runs countDecisionStatements, prepared once for an import that writes many decisions.
type decisionCounter struct{ stmts []*sql.Stmt }

func prepareDecisionCounter(ctx context.Context, tx *sql.Tx) (*decisionCounter, error) {
	c := &decisionCounter{}
	for _, q := range countDecisionStatements {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			c.close()
			return nil, fmt.Errorf("prepare decision counts: %w", err)
		}
		c.stmts = append(c.stmts, st)
	}
	return c, nil
}

func (c *decisionCounter) count(ctx context.Context, id int64) error {
	for _, st := range c.stmts {
		if _, err := st.ExecContext(ctx, id); err != nil {
			return fmt.Errorf("count decision %d: %w", id, err)
		}
	}
	return nil
}

func (c *decisionCounter) close() {
	for _, st := range c.stmts {
		st.Close()
	}
}

// countDecision counts one new decision in the dashboard counts, in the transaction that wrote it.
func countDecision(ctx context.Context, tx txer, id int64) error {
	for _, q := range countDecisionStatements {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return fmt.Errorf("count decision %d: %w", id, err)
		}
	}
	return nil
}

// itemCounts are the items an import added, counted in memory and written at Commit (see migration 0002).
type itemCounts struct {
	items map[popKey]int
	rules map[ruleKey]int
}

type popKey struct {
	batch  string
	band   int
	status review.Status
}

type ruleKey struct{ batch, rule string }

// add counts a new item with the hints stored for it.
func (c *itemCounts) add(batch string, band int, status review.Status, hints []review.Hint) {
	if c.items == nil {
		c.items, c.rules = map[popKey]int{}, map[ruleKey]int{}
	}
	c.items[popKey{batch, band, status}]++
	seen := map[string]bool{}
	for _, h := range hints {
		if !seen[h.Rule] {
			seen[h.Rule] = true
			c.rules[ruleKey{batch, h.Rule}]++
		}
	}
}

// write adds the counts to the count tables.
func (c *itemCounts) write(ctx context.Context, tx txer) error {
	for k, n := range c.items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO agg_items (batch, band, status, n) VALUES (?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET n = n + excluded.n`, k.batch, k.band, string(k.status), n); err != nil {
			return fmt.Errorf("count new items: %w", err)
		}
	}
	for k, n := range c.rules {
		if _, err := tx.ExecContext(ctx, `INSERT INTO agg_rule_items (batch, rule, n) VALUES (?, ?, ?)
			ON CONFLICT DO UPDATE SET n = n + excluded.n`, k.batch, k.rule, n); err != nil {
			return fmt.Errorf("count new items: %w", err)
		}
	}
	c.items, c.rules = nil, nil
	return nil
}

func (s *Store) rebuildAggregates(ctx context.Context, tx txer) error {
	// Stale lifts the guard on decision columns while the missing ones are filled in.
	if _, err := tx.ExecContext(ctx, `UPDATE agg_meta SET stale = 1`); err != nil {
		return err
	}
	if err := fillDecisions(ctx, tx); err != nil {
		return err
	}
	for _, q := range rebuildStatements {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("rebuild counts: %w (in %.60s)", err, strings.TrimSpace(q))
		}
	}
	if err := refreshActive(ctx, tx); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE agg_meta SET stale = 0`)
	return err
}

// fillDecisions gives decisions written before migration 0002 what later ones carry: their batch, the hint rules
// shown (known only for decisions on the item's current revision; older ones count as shown none) and edit sizes.
func fillDecisions(ctx context.Context, tx txer) error {
	for _, q := range []string{
		`UPDATE decisions SET batch = (SELECT batch FROM items WHERE items.seq = decisions.seq)
			WHERE batch IS NULL AND reviewer != 'auto'`,
		`UPDATE decisions SET rules = (SELECT json_group_array(DISTINCT f.value)
				FROM items i, json_each(i.hints) h, json_each(h.value) f WHERE i.seq = decisions.seq AND f.key = 'rule')
			WHERE rules IS NULL AND reviewer != 'auto'
			AND revision = (SELECT revision FROM items WHERE items.seq = decisions.seq)`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("fill decisions: %w", err)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT d.id, d.final_text, CASE WHEN d.revision = i.revision THEN i.summary ELSE r.summary END
		FROM decisions d JOIN items i ON i.seq = d.seq
		LEFT JOIN item_revisions r ON r.seq = d.seq AND r.revision = d.revision
		WHERE d.verdict = 'edited' AND d.edit_size IS NULL`)
	if err != nil {
		return fmt.Errorf("fill edit sizes: %w", err)
	}
	type size struct{ id, n int64 }
	var sizes []size
	for rows.Next() {
		var id int64
		var final string
		var summary sql.NullString
		if err := rows.Scan(&id, &final, &summary); err != nil {
			rows.Close()
			return fmt.Errorf("fill edit sizes: %w", err)
		}
		if summary.Valid {
			sizes = append(sizes, size{id, int64(review.EditDistance(summary.String, final))})
		}
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("fill edit sizes: %w", err)
	}
	for _, sz := range sizes {
		if _, err := tx.ExecContext(ctx, `UPDATE decisions SET edit_size = ? WHERE id = ?`, sz.n, sz.id); err != nil {
			return fmt.Errorf("fill edit sizes: %w", err)
		}
	}
	return nil
}

// refreshActive recomputes the active time of the reviewer-days the triggers marked, with review.ActiveTime over
// the spans of the day's decisions (skips included, as SummarizeReviewer counts them), over all batches and per
// batch.
func refreshActive(ctx context.Context, tx txer) error {
	type reviewerDay struct {
		reviewer string
		day      int64
	}
	var offset int64
	if err := tx.QueryRowContext(ctx, `SELECT day_offset_ms FROM agg_meta`).Scan(&offset); err != nil {
		return fmt.Errorf("refresh active time: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT reviewer, day FROM agg_dirty`)
	if err != nil {
		return fmt.Errorf("refresh active time: %w", err)
	}
	var dirty []reviewerDay
	for rows.Next() {
		var rd reviewerDay
		if err := rows.Scan(&rd.reviewer, &rd.day); err != nil {
			rows.Close()
			return fmt.Errorf("refresh active time: %w", err)
		}
		dirty = append(dirty, rd)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("refresh active time: %w", err)
	}
	if len(dirty) == 0 {
		return nil
	}
	spansOf, err := tx.PrepareContext(ctx, `SELECT batch, ended_at, seconds FROM decisions
		WHERE reviewer = ? AND reviewer != 'auto' AND ended_at >= ? AND ended_at < ? AND undone_at IS NULL
		AND verdict IN `+humanVerdicts)
	if err != nil {
		return fmt.Errorf("refresh active time: %w", err)
	}
	defer spansOf.Close()
	clear, err := tx.PrepareContext(ctx, `DELETE FROM agg_active WHERE reviewer = ? AND day = ?`)
	if err != nil {
		return fmt.Errorf("refresh active time: %w", err)
	}
	defer clear.Close()
	put, err := tx.PrepareContext(ctx, `INSERT INTO agg_active (per_batch, batch, day, reviewer, ms) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("refresh active time: %w", err)
	}
	defer put.Close()
	for _, rd := range dirty {
		if _, err := clear.ExecContext(ctx, rd.reviewer, rd.day); err != nil {
			return fmt.Errorf("refresh active time: %w", err)
		}
		start := rd.day*msPerDay - offset
		rows, err := spansOf.QueryContext(ctx, rd.reviewer, start, start+msPerDay)
		if err != nil {
			return fmt.Errorf("refresh active time: %w", err)
		}
		var all []review.Span
		byBatch := map[string][]review.Span{}
		for rows.Next() {
			var batch sql.NullString
			var ended int64
			var seconds float64
			if err := rows.Scan(&batch, &ended, &seconds); err != nil {
				rows.Close()
				return fmt.Errorf("refresh active time: %w", err)
			}
			sp := decisionSpan(fromMillis(ended), seconds)
			all = append(all, sp)
			byBatch[batch.String] = append(byBatch[batch.String], sp)
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("refresh active time: %w", err)
		}
		if len(all) == 0 {
			continue
		}
		if _, err := put.ExecContext(ctx, 0, "", rd.day, rd.reviewer, review.ActiveTime(all, review.DefaultIdleGap).Milliseconds()); err != nil {
			return fmt.Errorf("refresh active time: %w", err)
		}
		for batch, spans := range byBatch {
			if _, err := put.ExecContext(ctx, 1, batch, rd.day, rd.reviewer, review.ActiveTime(spans, review.DefaultIdleGap).Milliseconds()); err != nil {
				return fmt.Errorf("refresh active time: %w", err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM agg_dirty`); err != nil {
		return fmt.Errorf("refresh active time: %w", err)
	}
	return nil
}

// decisionSpan is the stretch of time a decision covers, as review.SummarizeReviewer takes it.
func decisionSpan(ended time.Time, seconds float64) review.Span {
	sec := math.Max(0, seconds)
	return review.Span{Start: ended.Add(-time.Duration(sec * float64(time.Second))), End: ended}
}

// refreshActiveIfDirty brings active times up to date before a read: decisions made since the last refresh, on any
// write path, marked their reviewer-days.
func (s *Store) refreshActiveIfDirty(ctx context.Context) error {
	var dirty bool
	if err := s.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM agg_dirty)`).Scan(&dirty); err != nil {
		return fmt.Errorf("refresh active time: %w", err)
	}
	if !dirty {
		return nil
	}
	return s.inTx(ctx, func(tx *wtx) error { return refreshActive(ctx, tx) })
}

// DashboardFilter selects what the dashboard counts: one batch ("" for every batch) and a range of days, both ends
// included (nil for an open end). Days filter decisions by the day they were made; item populations are never
// filtered by day.
type DashboardFilter struct {
	Batch string
	From  *Day
	To    *Day
}

// VerdictCount is the number of decisions with one verdict in one slice.
type VerdictCount struct {
	Key     string         `json:"key"`
	Verdict review.Verdict `json:"verdict"`
	N       int            `json:"n"`
}

// ScoreCount is the number of current decisions with one verdict on items with one judge total score.
type ScoreCount struct {
	Score   float64
	Band    int
	Verdict review.Verdict
	N       int
}

// CriterionCount counts current decisions by a criterion's judge points and the reviewer's check of it (1 met,
// 0 not met, -1 not given).
type CriterionCount struct {
	Criterion string
	Points    float64
	Checked   int
	Verdict   review.Verdict
	N         int
}

// ReviewerCount sums one reviewer's decisions with one verdict, on items with hints shown or not.
type ReviewerCount struct {
	Reviewer string
	Verdict  review.Verdict
	Hinted   bool
	N        int
	// Ms is the recorded review time in milliseconds; Edits the edits of known size and EditChars their sizes.
	Ms        int64
	Edits     int
	EditChars int
}

// ReviewerMedians are one reviewer's median recorded seconds per verdict ("reviewed" for accepted, edited and
// rejected together) and median edit size; NaN where there is nothing.
type ReviewerMedians struct {
	Seconds  map[string]float64
	EditSize float64
}

// PairCount counts double-reviewed items by their two reviewers and verdicts, first reviewer first.
type PairCount struct {
	R1, R2 string
	V1, V2 review.Verdict
	N      int
}

// BatchStatus is the number of items in one batch with one status.
type BatchStatus struct {
	Batch  string
	Status review.Status
	Count  int
}

// DashboardCounts is everything the dashboard is computed from, read in one snapshot. Current decisions (the
// verdicts of items' current decisions on their current revision) make Scores, Slices, Criteria and Rules; all
// human decisions not undone make Reviewers, ReviewerDays, Active, ActiveDays and Medians.
type DashboardCounts struct {
	DayOffset time.Duration
	// Population is the items by band and status; Batches the items by batch and status (batch filter only).
	Population []BandStatus
	Batches    []BatchStatus
	Scores     []ScoreCount
	// Slices holds current decisions by batch, day, generator, judge, prompt_version and reviewer.
	Slices   map[string][]VerdictCount
	Criteria []CriterionCount
	// Rules counts current decisions by the hint rules shown; RulesFired the items each rule fired on.
	Rules      []VerdictCount
	RulesFired []Count
	// CurrentAllDays counts current decisions by verdict whatever their day (batch filter only), to tell how many
	// decided items count nowhere because a re-import replaced what was decided.
	CurrentAllDays map[review.Verdict]int
	Reviewers      []ReviewerCount
	// ReviewerDays counts human decisions per day and verdict; their key is the day.
	ReviewerDays []VerdictCount
	// Active is the active time per reviewer, ActiveDays per day (the key), in milliseconds.
	Active     map[string]int64
	ActiveDays map[string]int64
	Medians    map[string]ReviewerMedians
	Pairs      []PairCount
	// ReviewerDays' clusters: each reviewer's reviewed items and active time per day, for the interval of the
	// seconds per review.
	Activity []ReviewerDay
	// Calls sums the LLM calls linked to human decisions (the copilot during review) by reviewer, day, kind, model
	// and prompt version.
	Calls []CallCount
}

// ReviewerDay is one reviewer's reviews (accepted, edited, rejected) and active time on one day.
type ReviewerDay struct {
	Reviewer string
	Day      string
	Reviewed int
	Ms       int64
}

// CallCount sums the LLM calls of one reviewer on one day (the call's day) with one kind, model and prompt template
// version. Failed counts the calls that returned an error; LatencyMs and Cost are sums.
type CallCount struct {
	Reviewer        string
	Day             string
	Kind            string
	Model           string
	TemplateVersion string
	Calls           int
	Failed          int
	TokensIn        int
	TokensOut       int
	LatencyMs       float64
	Cost            float64
}

// Slice names of DashboardCounts.Slices: columns of agg_source.
var sliceColumns = []string{"batch", "day", "generator", "judge", "prompt_version", "reviewer"}

// where builds the WHERE clause of the filter for a count table; day says whether the table has days.
func (f DashboardFilter) where(day bool) (string, []any) {
	var conds []string
	var args []any
	if f.Batch != "" {
		conds = append(conds, "batch = ?")
		args = append(args, f.Batch)
	}
	if day && f.From != nil {
		conds = append(conds, "day >= ?")
		args = append(args, int64(*f.From))
	}
	if day && f.To != nil {
		conds = append(conds, "day <= ?")
		args = append(args, int64(*f.To))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// DashboardCounts reads the counts the dashboard needs for a filter.
func (s *Store) DashboardCounts(ctx context.Context, f DashboardFilter) (*DashboardCounts, error) {
	if f.From != nil && f.To != nil && *f.From > *f.To {
		return nil, review.Errorf(review.Invalid, "dashboard: from %s is after to %s", f.From, f.To)
	}
	if err := s.refreshActiveIfDirty(ctx); err != nil {
		return nil, err
	}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read dashboard counts: %w", err)
	}
	defer tx.Rollback()
	r := countReader{ctx: ctx, tx: tx}
	c := &DashboardCounts{Slices: map[string][]VerdictCount{}}
	var offset int64
	r.read(`SELECT day_offset_ms FROM agg_meta`, nil, func(rows *sql.Rows) error { return rows.Scan(&offset) })
	c.DayOffset = time.Duration(offset) * time.Millisecond

	w, args := f.where(false)
	r.read(`SELECT band, status, sum(n) FROM agg_items`+w+` GROUP BY 1, 2 HAVING sum(n) != 0 ORDER BY 1, 2`, args,
		func(rows *sql.Rows) error {
			var b BandStatus
			err := rows.Scan(&b.Band, &b.Status, &b.Count)
			c.Population = append(c.Population, b)
			return err
		})
	r.read(`SELECT batch, status, sum(n) FROM agg_items`+w+` GROUP BY 1, 2 HAVING sum(n) != 0 ORDER BY 1, 2`, args,
		func(rows *sql.Rows) error {
			var b BatchStatus
			err := rows.Scan(&b.Batch, &b.Status, &b.Count)
			c.Batches = append(c.Batches, b)
			return err
		})
	r.read(`SELECT rule, sum(n) FROM agg_rule_items`+w+` GROUP BY 1 HAVING sum(n) != 0 ORDER BY 1`, args,
		func(rows *sql.Rows) error {
			var x Count
			err := rows.Scan(&x.Name, &x.Count)
			c.RulesFired = append(c.RulesFired, x)
			return err
		})
	c.CurrentAllDays = map[review.Verdict]int{}
	r.read(`SELECT verdict, sum(n) FROM agg_score`+w+` GROUP BY 1 HAVING sum(n) != 0`, args, func(rows *sql.Rows) error {
		var v review.Verdict
		var n int
		err := rows.Scan(&v, &n)
		c.CurrentAllDays[v] = n
		return err
	})

	w, args = f.where(true)
	r.read(`SELECT score, band, verdict, sum(n) FROM agg_score`+w+` GROUP BY 1, 2, 3 HAVING sum(n) != 0 ORDER BY 1, 2, 3`,
		args, func(rows *sql.Rows) error {
			var x ScoreCount
			err := rows.Scan(&x.Score, &x.Band, &x.Verdict, &x.N)
			c.Scores = append(c.Scores, x)
			return err
		})
	for _, col := range sliceColumns {
		var out []VerdictCount
		r.read(`SELECT `+col+`, verdict, sum(n) FROM agg_source`+w+` GROUP BY 1, 2 HAVING sum(n) != 0 ORDER BY 1, 2`,
			args, func(rows *sql.Rows) error {
				var x VerdictCount
				var err error
				if col == "day" {
					var d int64
					err = rows.Scan(&d, &x.Verdict, &x.N)
					x.Key = Day(d).String()
				} else {
					err = rows.Scan(&x.Key, &x.Verdict, &x.N)
				}
				out = append(out, x)
				return err
			})
		c.Slices[col] = out
	}
	r.read(`SELECT criterion, points, checked, verdict, sum(n) FROM agg_criterion`+w+
		` GROUP BY 1, 2, 3, 4 HAVING sum(n) != 0 ORDER BY 1, 2, 3, 4`, args, func(rows *sql.Rows) error {
		var x CriterionCount
		err := rows.Scan(&x.Criterion, &x.Points, &x.Checked, &x.Verdict, &x.N)
		c.Criteria = append(c.Criteria, x)
		return err
	})
	r.read(`SELECT rule, verdict, sum(n) FROM agg_rule`+w+` GROUP BY 1, 2 HAVING sum(n) != 0 ORDER BY 1, 2`, args,
		func(rows *sql.Rows) error {
			var x VerdictCount
			err := rows.Scan(&x.Key, &x.Verdict, &x.N)
			c.Rules = append(c.Rules, x)
			return err
		})
	r.read(`SELECT reviewer, verdict, hinted, sum(n), sum(ms), sum(edits), sum(edit_chars) FROM agg_reviewer`+w+
		` GROUP BY 1, 2, 3 HAVING sum(n) != 0 ORDER BY 1, 2, 3`, args, func(rows *sql.Rows) error {
		var x ReviewerCount
		err := rows.Scan(&x.Reviewer, &x.Verdict, &x.Hinted, &x.N, &x.Ms, &x.Edits, &x.EditChars)
		c.Reviewers = append(c.Reviewers, x)
		return err
	})
	r.read(`SELECT day, verdict, sum(n) FROM agg_reviewer`+w+` GROUP BY 1, 2 HAVING sum(n) != 0 ORDER BY 1, 2`, args,
		func(rows *sql.Rows) error {
			var x VerdictCount
			var d int64
			err := rows.Scan(&d, &x.Verdict, &x.N)
			x.Key = Day(d).String()
			c.ReviewerDays = append(c.ReviewerDays, x)
			return err
		})
	r.read(`SELECT r1, v1, r2, v2, sum(n) FROM agg_pairs`+w+` GROUP BY 1, 2, 3, 4 HAVING sum(n) != 0 ORDER BY 1, 2, 3, 4`,
		args, func(rows *sql.Rows) error {
			var x PairCount
			err := rows.Scan(&x.R1, &x.V1, &x.R2, &x.V2, &x.N)
			c.Pairs = append(c.Pairs, x)
			return err
		})

	// Active time: the all-batches rows unless one batch is asked for, since sessions over two batches are not the
	// sum of each batch's sessions.
	aw, aargs := DashboardFilter{From: f.From, To: f.To}.where(true)
	aw = strings.Replace(aw, " WHERE ", " AND ", 1)
	scope := ` WHERE per_batch = 0 AND batch = ''`
	if f.Batch != "" {
		scope = ` WHERE per_batch = 1 AND batch = ?`
		aargs = append([]any{f.Batch}, aargs...)
	}
	c.Active, c.ActiveDays = map[string]int64{}, map[string]int64{}
	r.read(`SELECT reviewer, sum(ms) FROM agg_active`+scope+aw+` GROUP BY 1`, aargs, func(rows *sql.Rows) error {
		var who string
		var ms int64
		err := rows.Scan(&who, &ms)
		c.Active[who] = ms
		return err
	})
	r.read(`SELECT day, sum(ms) FROM agg_active`+scope+aw+` GROUP BY 1`, aargs, func(rows *sql.Rows) error {
		var d, ms int64
		err := rows.Scan(&d, &ms)
		c.ActiveDays[Day(d).String()] = ms
		return err
	})
	reviewed := map[[2]string]*ReviewerDay{}
	day := func(who string, d int64) *ReviewerDay {
		k := [2]string{who, Day(d).String()}
		if reviewed[k] == nil {
			reviewed[k] = &ReviewerDay{Reviewer: who, Day: k[1]}
		}
		return reviewed[k]
	}
	w, args = f.where(true)
	rw := strings.Replace(w, " WHERE ", " AND ", 1)
	r.read(`SELECT reviewer, day, sum(n) FROM agg_reviewer WHERE verdict IN `+reviewedVerdicts+rw+
		` GROUP BY 1, 2 HAVING sum(n) != 0 ORDER BY 1, 2`, args, func(rows *sql.Rows) error {
		var who string
		var d int64
		var n int
		err := rows.Scan(&who, &d, &n)
		day(who, d).Reviewed = n
		return err
	})
	r.read(`SELECT reviewer, day, sum(ms) FROM agg_active`+scope+aw+` GROUP BY 1, 2 ORDER BY 1, 2`, aargs,
		func(rows *sql.Rows) error {
			var who string
			var d, ms int64
			err := rows.Scan(&who, &d, &ms)
			day(who, d).Ms = ms
			return err
		})
	c.Activity = make([]ReviewerDay, 0, len(reviewed))
	for _, rd := range reviewed {
		c.Activity = append(c.Activity, *rd)
	}
	slices.SortFunc(c.Activity, func(a, b ReviewerDay) int {
		return cmp.Or(cmp.Compare(a.Reviewer, b.Reviewer), cmp.Compare(a.Day, b.Day))
	})
	c.Calls = r.calls(f, offset)
	if r.err != nil {
		return nil, r.err
	}
	var err2 error
	if c.Medians, err2 = medians(ctx, tx, f, offset, c.Reviewers); err2 != nil {
		return nil, err2
	}
	return c, nil
}

// calls sums the copilot's calls: those linked to a human decision, which the reviewer made on the item while
// reviewing it, and not a batch rescore's (a rescore row points at its call). The day filter picks calls by the day
// they were made, through the index on at; the batch filter by their item's batch.
func (r *countReader) calls(f DashboardFilter, offset int64) []CallCount {
	var conds []string
	var args []any
	join := ""
	if f.Batch != "" {
		join = ` JOIN items i ON i.seq = c.seq`
		conds = append(conds, "i.batch = ?")
		args = append(args, f.Batch)
	}
	if f.From != nil {
		conds = append(conds, "c.at >= ?")
		args = append(args, int64(*f.From)*msPerDay-offset)
	}
	if f.To != nil {
		conds = append(conds, "c.at < ?")
		args = append(args, int64(*f.To+1)*msPerDay-offset)
	}
	extra := ""
	if len(conds) > 0 {
		extra = " AND " + strings.Join(conds, " AND ")
	}
	var out []CallCount
	r.read(`SELECT c.reviewer, (c.at + ?) / 86400000, c.kind, c.model, c.template_version, count(*), sum(c.error != ''),
			sum(c.tokens_in), sum(c.tokens_out), sum(c.latency_ms), sum(c.cost)
		FROM llm_calls c`+join+`
		WHERE c.decision IS NOT NULL`+extra+`
			AND NOT EXISTS (SELECT 1 FROM rescores s WHERE s.seq = c.seq AND s.call = c.id)
		GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`, append([]any{offset}, args...), func(rows *sql.Rows) error {
		var x CallCount
		var d int64
		err := rows.Scan(&x.Reviewer, &d, &x.Kind, &x.Model, &x.TemplateVersion, &x.Calls, &x.Failed, &x.TokensIn,
			&x.TokensOut, &x.LatencyMs, &x.Cost)
		x.Day = Day(d).String()
		out = append(out, x)
		return err
	})
	return out
}

// countReader runs queries in one transaction and keeps the first error, so that the reads above stay a list.
type countReader struct {
	ctx context.Context
	tx  *sql.Tx
	err error
}

func (r *countReader) read(query string, args []any, scan func(*sql.Rows) error) {
	if r.err != nil {
		return
	}
	rows, err := r.tx.QueryContext(r.ctx, query, args...)
	if err != nil {
		r.err = fmt.Errorf("read dashboard counts: %w", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			r.err = fmt.Errorf("read dashboard counts: %w", err)
			return
		}
	}
	if err := rows.Err(); err != nil {
		r.err = fmt.Errorf("read dashboard counts: %w", err)
	}
}

// medians finds each reviewer's median seconds per verdict and median edit size by reading only the middle one or
// two rows of an index range (the partial indexes of migration 0002 keep each range sorted); counts says how many
// rows each range holds. review.Median then takes the mean of the two middle values for an even count.
func medians(ctx context.Context, tx *sql.Tx, f DashboardFilter, offset int64, counts []ReviewerCount) (map[string]ReviewerMedians, error) {
	type key struct {
		reviewer string
		verdict  string
	}
	n := map[key]int{}
	edits := map[string]int{}
	for _, c := range counts {
		n[key{c.Reviewer, string(c.Verdict)}] += c.N
		if c.Verdict.Reviewed() {
			n[key{c.Reviewer, "reviewed"}] += c.N
		}
		edits[c.Reviewer] += c.Edits
	}
	var conds []string
	var args []any
	if f.Batch != "" {
		conds = append(conds, "batch = ?")
		args = append(args, f.Batch)
	}
	if f.From != nil {
		conds = append(conds, "ended_at >= ?")
		args = append(args, int64(*f.From)*msPerDay-offset)
	}
	if f.To != nil {
		conds = append(conds, "ended_at < ?")
		args = append(args, int64(*f.To+1)*msPerDay-offset)
	}
	extra := ""
	if len(conds) > 0 {
		extra = " AND " + strings.Join(conds, " AND ")
	}
	// The middle rows are read in index order; max(seconds, 0), as SummarizeReviewer takes it, keeps that order.
	middle := func(query, order string, count int, qargs ...any) (float64, error) {
		if count == 0 {
			return math.NaN(), nil
		}
		take, skip := 2-count%2, (count-1)/2
		rows, err := tx.QueryContext(ctx, query+extra+` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(append(qargs, args...), take, skip)...)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		var vals []float64
		for rows.Next() {
			var v float64
			if err := rows.Scan(&v); err != nil {
				return 0, err
			}
			vals = append(vals, math.Max(0, v))
		}
		if err := rows.Err(); err != nil {
			return 0, err
		}
		if len(vals) != take {
			return 0, fmt.Errorf("median: found %d middle rows of %d, want %d: the dashboard counts do not match the "+
				"decisions; recompute them with reviewdesk stats --rebuild", len(vals), count, take)
		}
		return review.Median(vals), nil
	}
	out := map[string]ReviewerMedians{}
	for _, c := range counts {
		if _, done := out[c.Reviewer]; done {
			continue
		}
		m := ReviewerMedians{Seconds: map[string]float64{}}
		for _, v := range []review.Verdict{review.Accepted, review.Edited, review.Rejected, review.Skipped} {
			sec, err := middle(`SELECT seconds FROM decisions INDEXED BY decisions_reviewer_verdict_seconds
				WHERE reviewer = ? AND verdict = ? AND undone_at IS NULL AND reviewer != 'auto'`, "seconds", n[key{c.Reviewer, string(v)}], c.Reviewer, string(v))
			if err != nil {
				return nil, fmt.Errorf("read dashboard medians of %s: %w", c.Reviewer, err)
			}
			m.Seconds[string(v)] = sec
		}
		sec, err := middle(`SELECT seconds FROM decisions INDEXED BY decisions_reviewer_reviewed_seconds
			WHERE reviewer = ? AND undone_at IS NULL AND verdict IN `+reviewedVerdicts, "seconds", n[key{c.Reviewer, "reviewed"}], c.Reviewer)
		if err != nil {
			return nil, fmt.Errorf("read dashboard medians of %s: %w", c.Reviewer, err)
		}
		m.Seconds["reviewed"] = sec
		if m.EditSize, err = middle(`SELECT edit_size FROM decisions INDEXED BY decisions_reviewer_edit_size
			WHERE reviewer = ? AND undone_at IS NULL AND verdict = 'edited' AND edit_size IS NOT NULL`, "edit_size", edits[c.Reviewer], c.Reviewer); err != nil {
			return nil, fmt.Errorf("read dashboard medians of %s: %w", c.Reviewer, err)
		}
		out[c.Reviewer] = m
	}
	return out, nil
}
