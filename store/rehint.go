package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"reviewdesk/review"
)

// Re-hinting: after the rules change, open items (pending, skipped) get hints from the new rules, so that the rule
// filter, the hints order of the queue and the dashboard's per-rule counts follow the rules reviewers now see.
// Decided items keep the hints their reviewer was shown: a decision is judged against what was on the screen.

// StaleItem is an open item whose hints were computed with rules other than the ones asked about.
type StaleItem struct {
	Seq int64
	// Item carries the ID, Company, Summary and Source: what the rules read.
	Item         review.Item
	RulesVersion string
	version      int64
}

// Rehinted is a StaleItem with hints computed anew, with the rules of version.
type Rehinted struct {
	StaleItem
	Hints []review.Hint
}

// RehintCounts say what PutHints did with a batch.
type RehintCounts struct {
	// Updated items now carry the new hints.
	Updated int `json:"updated"`
	// Held items are open but leased to a reviewer who may be looking at their hints now; they are left for a
	// later pass, when the reviewer has decided (the item keeps the hints they saw) or let the lease go.
	Held int `json:"held"`
	// Changed items were decided, re-imported or re-hinted by someone else after they were read.
	Changed int `json:"changed"`
	// HeldSeqs are the held items, to try again with StaleHintsAt.
	HeldSeqs []int64 `json:"-"`
	// ChangedSeqs are the changed items: one released by its reviewer while a pass that waits for it was computing
	// its hints may still be open and stale, for StaleHintsAt to tell.
	ChangedSeqs []int64 `json:"-"`
}

// Add adds another batch's counts.
func (c *RehintCounts) Add(o RehintCounts) {
	c.Updated += o.Updated
	c.Held += o.Held
	c.Changed += o.Changed
	c.HeldSeqs = append(c.HeldSeqs, o.HeldSeqs...)
}

const openStatuses = `('pending', 'skipped')`

const staleColumns = `items.seq, items.id, items.company, items.summary, sources.text, items.rules_version, items.version`

func scanStale(rows *sql.Rows) (StaleItem, error) {
	var it StaleItem
	err := rows.Scan(&it.Seq, &it.Item.ID, &it.Item.Company, &it.Item.Summary, &it.Item.Source, &it.RulesVersion, &it.version)
	return it, err
}

// StaleHints returns up to limit open items with seq above after whose hints were not computed with the rules of
// version, in seq order. It walks the items table by its key, so that a pass over a million items reads each row
// once, however many are decided.
func (s *Store) StaleHints(ctx context.Context, version string, after int64, limit int) ([]StaleItem, error) {
	// The + keeps SQLite from the status index, whose order is not seq's: the walk must follow the key.
	rows, err := s.read.QueryContext(ctx, `SELECT `+staleColumns+` FROM items JOIN sources ON sources.seq = items.seq
		WHERE items.seq > ? AND +items.status IN `+openStatuses+` AND items.rules_version != ?
		ORDER BY items.seq LIMIT ?`, after, version, limit)
	if err != nil {
		return nil, fmt.Errorf("list stale hints: %w", err)
	}
	defer rows.Close()
	var out []StaleItem
	for rows.Next() {
		it, err := scanStale(rows)
		if err != nil {
			return nil, fmt.Errorf("list stale hints: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list stale hints: %w", err)
	}
	return out, nil
}

// StaleHintsAt is StaleHints for the given items only (those PutHints found held), in seq order.
func (s *Store) StaleHintsAt(ctx context.Context, version string, seqs []int64) ([]StaleItem, error) {
	var out []StaleItem
	for _, seq := range slices.Sorted(slices.Values(seqs)) {
		rows, err := s.read.QueryContext(ctx, `SELECT `+staleColumns+` FROM items JOIN sources ON sources.seq = items.seq
			WHERE items.seq = ? AND items.status IN `+openStatuses+` AND items.rules_version != ?`, seq, version)
		if err != nil {
			return nil, fmt.Errorf("list stale hints: %w", err)
		}
		for rows.Next() {
			it, err := scanStale(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("list stale hints: %w", err)
			}
			out = append(out, it)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("list stale hints: %w", err)
		}
	}
	return out, nil
}

// CountStaleHints counts the open items whose hints were not computed with the rules of version.
func (s *Store) CountStaleHints(ctx context.Context, version string) (int64, error) {
	var n int64
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM items WHERE status IN `+openStatuses+`
		AND rules_version != ?`, version).Scan(&n); err != nil {
		return 0, fmt.Errorf("count stale hints: %w", err)
	}
	return n, nil
}

// PutHints stores hints computed with the rules of version, in one short transaction: items.hints, hint_count and
// rules_version, and the item_hints rows the rule filter reads; the dashboard's per-rule item counts (agg_rule_items)
// follow through their trigger on items.hints. An item is left as it is, and counted, when it is held by a reviewer
// under an unexpired lease, or when it changed after StaleHints read it (decided, re-imported, re-hinted). The
// item's version does not change: a reviewer who opened the item is not refused for a change they did not make.
// The commit does not wait for the disk: hints lost with the machine's power are computed again by the next pass.
func (s *Store) PutHints(ctx context.Context, version string, batch []Rehinted) (RehintCounts, error) {
	var c RehintCounts
	err := s.inTxWith(ctx, false, func(tx *wtx) error {
		now := millis(s.now())
		for _, it := range batch {
			var (
				status, oldHints, oldVersion string
				ver                          int64
				score                        float64
				leaseUntil                   sql.NullInt64
			)
			if err := tx.QueryRowContext(ctx, `SELECT status, version, rules_version, hints, score, lease_until
				FROM items WHERE seq = ?`, it.Seq).Scan(&status, &ver, &oldVersion, &oldHints, &score, &leaseUntil); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					c.Changed++
					c.ChangedSeqs = append(c.ChangedSeqs, it.Seq)
					continue
				}
				return err
			}
			switch {
			case !review.Status(status).Open() || ver != it.version || oldVersion != it.RulesVersion:
				c.Changed++
				c.ChangedSeqs = append(c.ChangedSeqs, it.Seq)
				continue
			case leaseUntil.Valid && leaseUntil.Int64 > now:
				c.Held++
				c.HeldSeqs = append(c.HeldSeqs, it.Seq)
				continue
			}
			hints := it.Hints
			if hints == nil {
				hints = []review.Hint{}
			}
			encoded, err := json.Marshal(hints)
			if err != nil {
				return fmt.Errorf("item %s: hints: %w", it.Item.ID, err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE items SET hints = ?, hint_count = ?, rules_version = ? WHERE seq = ?`,
				string(encoded), len(hints), version, it.Seq); err != nil {
				return fmt.Errorf("item %s: %w", it.Item.ID, err)
			}
			var old []review.Hint
			if err := json.Unmarshal([]byte(oldHints), &old); err != nil {
				return fmt.Errorf("item %s: stored hints: %w", it.Item.ID, err)
			}
			before, after := hintRules(old), hintRules(hints)
			for _, rule := range before {
				if !slices.Contains(after, rule) {
					if _, err := tx.ExecContext(ctx, `DELETE FROM item_hints WHERE rule = ? AND score = ? AND seq = ?`,
						rule, score, it.Seq); err != nil {
						return fmt.Errorf("item %s: %w", it.Item.ID, err)
					}
				}
			}
			for _, rule := range after {
				if !slices.Contains(before, rule) {
					if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO item_hints (rule, score, seq) VALUES (?, ?, ?)`,
						rule, score, it.Seq); err != nil {
						return fmt.Errorf("item %s: %w", it.Item.ID, err)
					}
				}
			}
			c.Updated++
		}
		return nil
	})
	if err != nil {
		return RehintCounts{}, fmt.Errorf("store hints: %w", err)
	}
	return c, nil
}

// RecordRehint appends an audit entry for a finished pass: who started it, the rules version and what it did.
func (s *Store) RecordRehint(ctx context.Context, actor, version string, c RehintCounts) error {
	return appendAudit(ctx, s.write, millis(s.now()), actor, "rehint", version, nil, c)
}
