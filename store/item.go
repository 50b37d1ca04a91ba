package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"reviewdesk/review"
)

// itemColumns are the items columns scanItem reads, in order.
const itemColumns = `items.seq, items.id, items.company, items.summary, items.scores, items.score, items.max_score,
	items.generator, items.judge, items.prompt_version, items.batch, items.meta, items.revision, items.version,
	items.status, items.decision, items.changed, items.hints, items.rules_version, items.lease_by, items.lease_until,
	items.imported_at, items.overlap`

type scanner interface{ Scan(...any) error }

func scanItem(row scanner) (review.Record, int64, sql.NullInt64, error) {
	var (
		r                    review.Record
		seq                  int64
		scores, meta, hints  string
		decision, leaseUntil sql.NullInt64
		leaseBy              sql.NullString
		importedAt           int64
	)
	err := row.Scan(&seq, &r.ID, &r.Company, &r.Summary, &scores, &r.Score, &r.MaxScore, &r.Generator, &r.Judge,
		&r.PromptVersion, &r.Batch, &meta, &r.Revision, &r.Version, &r.Status, &decision, &r.Changed, &hints,
		&r.RulesVersion, &leaseBy, &leaseUntil, &importedAt, &r.Overlap)
	if err != nil {
		return r, 0, decision, err
	}
	if err := json.Unmarshal([]byte(scores), &r.Scores); err != nil {
		return r, 0, decision, fmt.Errorf("item %s: scores: %w", r.ID, err)
	}
	if meta != "{}" {
		if err := json.Unmarshal([]byte(meta), &r.Meta); err != nil {
			return r, 0, decision, fmt.Errorf("item %s: meta: %w", r.ID, err)
		}
	}
	if err := json.Unmarshal([]byte(hints), &r.Hints); err != nil {
		return r, 0, decision, fmt.Errorf("item %s: hints: %w", r.ID, err)
	}
	if leaseBy.Valid && leaseUntil.Valid {
		r.Lease = &review.Lease{Reviewer: leaseBy.String, Until: fromMillis(leaseUntil.Int64)}
	}
	r.ImportedAt = fromMillis(importedAt)
	return r, seq, decision, nil
}

// Item returns one item with its source text, hints and current decision.
func (s *Store) Item(ctx context.Context, id string) (*review.Record, error) {
	return s.item(ctx, s.read, "items.id = ?", id)
}

type querier interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

func (s *Store) item(ctx context.Context, q querier, where string, arg any) (*review.Record, error) {
	row := q.QueryRowContext(ctx, `SELECT `+itemColumns+`, sources.text FROM items
		LEFT JOIN sources ON sources.seq = items.seq WHERE `+where, arg)
	var source sql.NullString
	r, _, decision, err := scanItem(scanFunc(func(dest ...any) error {
		return row.Scan(append(dest, &source)...)
	}))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, review.Errorf(review.NotFound, "item %v not found", arg)
	}
	if err != nil {
		return nil, fmt.Errorf("get item %v: %w", arg, err)
	}
	r.Source = source.String
	if decision.Valid {
		d, err := s.decision(ctx, q, decision.Int64)
		if err != nil {
			return nil, err
		}
		r.Decision = d
	}
	return &r, nil
}

type scanFunc func(...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// countCap bounds how far a list counts its matches: counting a million rows for every page would cost more than the
// page itself. Page.Total stops at countCap and Page.TotalCapped says so.
const countCap = 1000

// Items returns one page of items matching the filter, without source texts. Every filter and sort walks an index
// in page order, so a page costs about the same at a thousand items as at millions.
func (s *Store) Items(ctx context.Context, f review.ItemFilter) (review.Page, error) {
	if err := f.Normalize(); err != nil {
		return review.Page{}, err
	}
	var blindPending bool
	if f.BlindTo != "" && slices.Contains(f.Status, review.Pending) {
		// Matching hidden items as pending costs the status index (the list then walks its sort order), so it is
		// done only when the reviewer has such items; without, excluding them from the status filter is the same.
		if err := s.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM items WHERE `+hiddenFrom+`)`, f.BlindTo).
			Scan(&blindPending); err != nil {
			return review.Page{}, fmt.Errorf("list items: %w", err)
		}
	}
	q := listQuery(f, blindPending)
	page := review.Page{Items: []review.Record{}, Limit: f.Limit, Offset: f.Offset}
	limit, offset := f.Limit, f.Offset
	if q.paged {
		offset = 0
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+itemColumns+` FROM `+q.from+q.where+` ORDER BY `+q.order+` LIMIT ? OFFSET ?`,
		append(q.args, limit, offset)...)
	if err != nil {
		return page, fmt.Errorf("list items: %w", err)
	}
	defer rows.Close()
	var decided []int64
	for rows.Next() {
		r, _, decision, err := scanItem(rows)
		if err != nil {
			return page, fmt.Errorf("list items: %w", err)
		}
		page.Items = append(page.Items, r)
		decided = append(decided, decision.Int64) // 0 when the item has no current decision
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("list items: %w", err)
	}
	rows.Close()
	for i, id := range decided {
		if id == 0 {
			continue
		}
		d, err := s.decision(ctx, s.read, id)
		if err != nil {
			return page, err
		}
		page.Items[i].Decision = d
	}
	count, countArgs := `SELECT count(*) FROM (SELECT 1 FROM `+q.from+q.where+` LIMIT ?)`, q.args
	if q.count != "" {
		count, countArgs = q.count, q.countArgs
	}
	if err := s.read.QueryRowContext(ctx, count, append(countArgs, countCap+1)...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("count items: %w", err)
	}
	if page.Total > countCap {
		page.Total, page.TotalCapped = countCap, true
	}
	return page, nil
}

type query struct {
	from, where, order string
	args               []any
	// paged: from already pages (LIMIT and OFFSET inside); count and countArgs replace the generic count.
	paged     bool
	count     string
	countArgs []any
}

// onlySearch reports whether a filter is a text search alone, in import order.
func onlySearch(f review.ItemFilter) bool {
	return f.Query != "" && len(f.Status) == 0 && f.MinScore == nil && f.MaxScore == nil && f.Criterion == "" &&
		f.Rule == "" && f.Batch == "" && f.Reviewer == "" && !f.Changed &&
		(f.Sort == review.SortScoreDesc || f.Sort == review.SortImported)
}

// hiddenFrom is true for an item waiting for its blind second review (overlap 1, review.AwaitingSecond) whose first
// review is not by the reviewer bound to its one parameter. That reviewer must not learn the first verdict nor who
// gave it, so to them the item is pending and undecided, in what a filter matches as in what the list shows; the
// items_second_review index keeps these items few and quick to find.
const hiddenFrom = `(items.overlap = 1 AND NOT EXISTS (SELECT 1 FROM decisions d1
	WHERE d1.id = items.decision AND d1.reviewer = ?))`

// listQuery builds the list's SQL. The table a query is driven from decides which index orders the page: with the
// default order (best judge score first), a hint-rule or criterion filter drives from its own table, whose key
// carries the score; a reviewer filter drives from that reviewer's decisions, newest first; a text search from the
// search index, in import order. Other filters are checked on the rows the driving index yields.
//
// With f.BlindTo set, items hidden from that reviewer match neither a status filter (pending aside), nor a reviewer
// filter (other than their own name), nor the changed flag. blindPending says that the reviewer has such items and
// the status filter asks for pending: they then match it, as they would undecided.
func listQuery(f review.ItemFilter, blindPending bool) query {
	var q query
	var conds []string
	add := func(c string, args ...any) {
		conds = append(conds, c)
		q.args = append(q.args, args...)
	}
	byScore := f.Sort == review.SortScoreDesc
	q.from = "items"
	q.order = map[review.Sort]string{
		review.SortScoreDesc: "items.score DESC, items.seq",
		review.SortScoreAsc:  "items.score, items.seq DESC",
		review.SortHints:     "items.hint_count DESC, items.score DESC, items.seq",
		review.SortID:        "items.id",
		review.SortUpdated:   "items.updated_at DESC, items.seq",
		review.SortImported:  "items.seq",
	}[f.Sort]
	pointConds := func(alias string) []any {
		var args []any
		c := alias + ".criterion = ?"
		args = append(args, f.Criterion)
		if f.MinPoints != nil {
			c += " AND " + alias + ".points >= ?"
			args = append(args, *f.MinPoints)
		}
		if f.MaxPoints != nil {
			c += " AND " + alias + ".points <= ?"
			args = append(args, *f.MaxPoints)
		}
		return append([]any{c}, args...)
	}
	switch {
	case f.Query != "":
		m := matchQuery(f.Query)
		if m == "" {
			add("0")
			break
		}
		// Indexed items through FTS; items still waiting for the indexer by scanning their text. An index entry
		// counts only for the item's current revision.
		var scan []string
		var scanArgs []any
		for _, term := range strings.Fields(f.Query) {
			scan = append(scan, "instr(lower(items.company || ' ' || items.summary), lower(?)) > 0")
			scanArgs = append(scanArgs, term)
		}
		matches := `SELECT docid >> 8 AS seq, docid & 255 AS rev FROM item_fts WHERE item_fts MATCH ?
			UNION ALL SELECT items.seq, items.revision & 255 FROM fts_pending p CROSS JOIN items ON items.seq = p.seq
			WHERE ` + strings.Join(scan, " AND ")
		matchArgs := append([]any{m}, scanArgs...)
		if onlySearch(f) {
			// Page the matches before touching the items table: a common word matches a large share of a
			// million items, and joining them all to page fifty would cost seconds.
			q.from = `(SELECT seq, rev FROM (` + matches + `) ORDER BY seq LIMIT ? OFFSET ?) AS m
				JOIN items ON items.seq = m.seq AND (items.revision & 255) = m.rev`
			q.args = append(matchArgs, f.Limit, f.Offset)
			q.count = `SELECT count(*) FROM (SELECT 1 FROM (` + matches + `) LIMIT ?)`
			q.countArgs = matchArgs
			q.order, q.paged = "m.seq", true
			return q
		}
		// In import order, the sorted matches stream through the join and the page stops the scan.
		q.from = `(SELECT seq, rev FROM (` + matches + `) ORDER BY seq) AS m CROSS JOIN items ON items.seq = m.seq AND (items.revision & 255) = m.rev`
		q.args = append(q.args, matchArgs...)
		if byScore {
			q.order = "m.seq"
		}
	case f.Reviewer != "" && byScore:
		q.from = "decisions d JOIN items ON items.seq = d.seq AND items.decision = d.id"
		add("d.reviewer = ?", f.Reviewer)
		q.order = "d.id DESC"
	case f.Rule != "" && byScore:
		q.from = "item_hints h JOIN items ON items.seq = h.seq"
		add("h.rule = ?", f.Rule)
		q.order = "h.score DESC, h.seq"
		f.Rule = ""
	case f.Criterion != "" && byScore:
		q.from = "item_scores c JOIN items ON items.seq = c.seq"
		pc := pointConds("c")
		add(pc[0].(string), pc[1:]...)
		q.order = "c.points, c.score DESC, c.seq"
		if f.MinScore != nil {
			add("c.score >= ?", *f.MinScore)
		}
		if f.MaxScore != nil {
			add("c.score <= ?", *f.MaxScore)
		}
		f.Criterion, f.MinScore, f.MaxScore = "", nil, nil
	}
	// A rule or criterion filter alone is counted in its own table, without looking up an item per match.
	var driving string
	switch {
	case strings.HasPrefix(q.from, "item_hints h"):
		driving = "item_hints h"
	case strings.HasPrefix(q.from, "item_scores c"):
		driving = "item_scores c"
	}
	drivingConds, drivingArgs := len(conds), len(q.args)
	if f.Reviewer != "" && !strings.HasPrefix(q.from, "decisions") {
		add("items.decision IN (SELECT id FROM decisions WHERE reviewer = ?)", f.Reviewer)
	}
	if f.Reviewer != "" && f.BlindTo != "" && f.Reviewer != f.BlindTo {
		add("items.overlap != 1") // their decision on an item waiting for a second review is a hidden first review
	}
	if len(f.Status) > 0 {
		marks := strings.TrimSuffix(strings.Repeat("?,", len(f.Status)), ",")
		args := make([]any, len(f.Status))
		for i, st := range f.Status {
			args[i] = string(st)
		}
		switch {
		case f.BlindTo == "":
			add("items.status IN ("+marks+")", args...)
		case blindPending:
			add("(items.status IN ("+marks+") OR "+hiddenFrom+")", append(args, f.BlindTo)...)
		default:
			add("items.status IN ("+marks+") AND NOT "+hiddenFrom, append(args, f.BlindTo)...)
		}
	}
	if f.MinScore != nil {
		add("items.score >= ?", *f.MinScore)
	}
	if f.MaxScore != nil {
		add("items.score <= ?", *f.MaxScore)
	}
	if f.Rule != "" {
		add("EXISTS (SELECT 1 FROM item_hints x WHERE x.rule = ? AND x.score = items.score AND x.seq = items.seq)", f.Rule)
	}
	if f.Criterion != "" {
		pc := pointConds("x")
		add("EXISTS (SELECT 1 FROM item_scores x WHERE "+pc[0].(string)+" AND x.score = items.score AND x.seq = items.seq)", pc[1:]...)
	}
	if f.Batch != "" {
		add("items.batch = ?", f.Batch)
	}
	if f.Changed {
		add("items.changed = 1")
		if f.BlindTo != "" {
			add("NOT "+hiddenFrom, f.BlindTo)
		}
	}
	if len(conds) > 0 {
		q.where = " WHERE " + strings.Join(conds, " AND ")
	}
	if driving != "" && len(conds) == drivingConds {
		q.count = `SELECT count(*) FROM (SELECT 1 FROM ` + driving + q.where + ` LIMIT ?)`
		q.countArgs = q.args[:drivingArgs:drivingArgs]
	}
	return q
}

// Batches lists the batch names with their item counts.
func (s *Store) Batches(ctx context.Context) ([]Count, error) {
	return s.counts(ctx, "SELECT batch, sum(n) FROM agg_items GROUP BY batch HAVING sum(n) > 0 ORDER BY batch")
}

// Count is a name with a number.
type Count struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func (s *Store) counts(ctx context.Context, query string, args ...any) ([]Count, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("count: %w", err)
	}
	defer rows.Close()
	out := []Count{}
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Name, &c.Count); err != nil {
			return nil, fmt.Errorf("count: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
