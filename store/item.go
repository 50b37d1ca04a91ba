package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
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

// Items returns one page of items matching the filter, without source texts.
func (s *Store) Items(ctx context.Context, f review.ItemFilter) (review.Page, error) {
	if err := f.Normalize(); err != nil {
		return review.Page{}, err
	}
	from, where, args := filterSQL(f)
	order := map[review.Sort]string{
		review.SortScoreDesc: "items.score DESC, items.seq",
		review.SortScoreAsc:  "items.score, items.seq",
		review.SortHints:     "items.hint_count DESC, items.score DESC, items.seq",
		review.SortID:        "items.id",
		review.SortUpdated:   "items.updated_at DESC, items.seq",
		review.SortImported:  "items.seq",
	}[f.Sort]
	page := review.Page{Items: []review.Record{}, Limit: f.Limit, Offset: f.Offset}
	rows, err := s.read.QueryContext(ctx, `SELECT `+itemColumns+` FROM `+from+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
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
		if decision.Valid {
			decided = append(decided, decision.Int64)
		} else {
			decided = append(decided, 0)
		}
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
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM `+from+where, args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("count items: %w", err)
	}
	return page, nil
}

// filterSQL turns a filter into a FROM clause and a WHERE clause with its arguments.
func filterSQL(f review.ItemFilter) (from, where string, args []any) {
	from = "items"
	var conds []string
	if q := matchQuery(f.Query); q != "" {
		// Indexed items through FTS; items still waiting for the indexer by scanning their text.
		scan := []string{}
		for _, term := range strings.Fields(f.Query) {
			scan = append(scan, "instr(lower(items.company || ' ' || items.summary), lower(?)) > 0")
			args = append(args, term)
		}
		from = `(SELECT p.seq AS seq FROM fts_pending p JOIN items ON items.seq = p.seq WHERE ` + strings.Join(scan, " AND ") + `
			UNION SELECT items.seq FROM (SELECT docid FROM item_fts WHERE item_fts MATCH ?) AS f
			JOIN items ON items.seq = f.docid >> 8 AND (f.docid & 255) = (items.revision & 255)) AS m
			JOIN items ON items.seq = m.seq`
		args = append(args, q)
	} else if f.Query != "" {
		conds = append(conds, "0")
	}
	if len(f.Status) > 0 {
		marks := strings.TrimSuffix(strings.Repeat("?,", len(f.Status)), ",")
		conds = append(conds, "items.status IN ("+marks+")")
		for _, st := range f.Status {
			args = append(args, string(st))
		}
	}
	if f.MinScore != nil {
		conds = append(conds, "items.score >= ?")
		args = append(args, *f.MinScore)
	}
	if f.MaxScore != nil {
		conds = append(conds, "items.score <= ?")
		args = append(args, *f.MaxScore)
	}
	if f.Criterion != "" {
		c := "items.seq IN (SELECT seq FROM item_scores WHERE criterion = ?"
		args = append(args, f.Criterion)
		if f.MinPoints != nil {
			c += " AND points >= ?"
			args = append(args, *f.MinPoints)
		}
		if f.MaxPoints != nil {
			c += " AND points <= ?"
			args = append(args, *f.MaxPoints)
		}
		conds = append(conds, c+")")
	}
	if f.Rule != "" {
		conds = append(conds, "items.seq IN (SELECT seq FROM item_hints WHERE rule = ?)")
		args = append(args, f.Rule)
	}
	if f.Batch != "" {
		conds = append(conds, "items.batch = ?")
		args = append(args, f.Batch)
	}
	if f.Reviewer != "" {
		conds = append(conds, "items.decision IN (SELECT id FROM decisions WHERE reviewer = ?)")
		args = append(args, f.Reviewer)
	}
	if f.Changed {
		conds = append(conds, "items.changed = 1")
	}
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	return from, where, args
}

// Batches lists the batch names with their item counts.
func (s *Store) Batches(ctx context.Context) ([]Count, error) {
	return s.counts(ctx, "SELECT batch, count(*) FROM items GROUP BY batch ORDER BY batch")
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
