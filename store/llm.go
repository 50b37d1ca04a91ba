package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"reviewdesk/review"
)

// RecordCall stores one LLM call made for an item (itemID may be "" for calls about no item). The call is linked
// to the reviewer's decision on the item when they make it.
func (s *Store) RecordCall(ctx context.Context, itemID, reviewer string, c review.Call) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *wtx) error {
		var err error
		id, err = s.insertCall(ctx, tx, itemID, reviewer, &c)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("record %s call: %w", c.Kind, err)
	}
	return id, nil
}

// insertCall records a call; one without a time gets the store clock's now, written back into c.
func (s *Store) insertCall(ctx context.Context, tx txer, itemID, reviewer string, c *review.Call) (int64, error) {
	var seq any
	if itemID != "" {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT seq FROM items WHERE id = ?`, itemID).Scan(&n); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return 0, review.Errorf(review.NotFound, "item %s not found", itemID)
			}
			return 0, err
		}
		seq = n
	}
	if c.At.IsZero() {
		c.At = s.now()
	}
	at := c.At
	res, err := tx.ExecContext(ctx, `INSERT INTO llm_calls (seq, reviewer, kind, model, template_version, latency_ms, attempts,
		tokens_in, tokens_out, tokens_estimated, cost, error, at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		seq, reviewer, c.Kind, c.Model, c.TemplateVersion, float64(c.Latency)/float64(time.Millisecond), c.Attempts,
		c.TokensIn, c.TokensOut, c.TokensEstimated, c.Cost, c.Err, millis(at))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// linkCalls ties a reviewer's calls on an item to the decision they then made.
func linkCalls(ctx context.Context, tx txer, seq, decision int64, reviewer string) error {
	_, err := tx.ExecContext(ctx, qLinkCalls,
		decision, seq, reviewer)
	return err
}

// SaveRescore stores a batch rescore of an item's current content with its call. The item's content hash is kept
// with it, so a later revision makes the rescore stale and a batch scores the item again.
func (s *Store) SaveRescore(ctx context.Context, itemID, actor string, r review.Rescore) error {
	err := s.inTx(ctx, func(tx *wtx) error {
		call, err := s.insertCall(ctx, tx, itemID, actor, &r.Call)
		if err != nil {
			return err
		}
		scores, err := json.Marshal(r.Scores)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO rescores (seq, model, template_version, summary_hash, scores, total, max_score,
			rationale, call, at) SELECT seq, ?, ?, content_hash, ?, ?, ?, ?, ?, ? FROM items WHERE id = ?
			ON CONFLICT (seq, model, template_version) DO UPDATE SET summary_hash = excluded.summary_hash,
			scores = excluded.scores, total = excluded.total, max_score = excluded.max_score, rationale = excluded.rationale,
			call = excluded.call, at = excluded.at`,
			r.Call.Model, r.Call.TemplateVersion, string(scores), r.Total, r.Max, r.Rationale, call,
			millis(r.Call.At), itemID)
		return err
	})
	if err != nil {
		return fmt.Errorf("save rescore of %s: %w", itemID, err)
	}
	return nil
}

// StoredRescore is a batch rescore as stored.
type StoredRescore struct {
	review.Rescore
	Model           string    `json:"model"`
	TemplateVersion string    `json:"template_version"`
	Current         bool      `json:"current"` // the rescore scored the item's current content
	At              time.Time `json:"at"`
}

// Rescores lists an item's batch rescores, newest first.
func (s *Store) Rescores(ctx context.Context, itemID string) ([]StoredRescore, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT rescores.model, rescores.template_version, rescores.summary_hash,
		rescores.scores, rescores.total, rescores.max_score, rescores.rationale, rescores.at, items.content_hash,
		coalesce(c.kind, ''), coalesce(c.latency_ms, 0), coalesce(c.attempts, 0), coalesce(c.tokens_in, 0),
		coalesce(c.tokens_out, 0), coalesce(c.tokens_estimated, 0), coalesce(c.cost, 0), coalesce(c.error, ''),
		coalesce(c.at, rescores.at)
		FROM rescores JOIN items ON items.seq = rescores.seq LEFT JOIN llm_calls c ON c.id = rescores.call
		WHERE items.id = ? ORDER BY rescores.at DESC`, itemID)
	if err != nil {
		return nil, fmt.Errorf("list rescores of %s: %w", itemID, err)
	}
	defer rows.Close()
	out := []StoredRescore{}
	for rows.Next() {
		var (
			r            StoredRescore
			hash, scores string
			at, callAt   int64
			currentHash  string
			latencyMs    float64
		)
		if err := rows.Scan(&r.Model, &r.TemplateVersion, &hash, &scores, &r.Total, &r.Max, &r.Rationale, &at, &currentHash,
			&r.Call.Kind, &latencyMs, &r.Call.Attempts, &r.Call.TokensIn, &r.Call.TokensOut, &r.Call.TokensEstimated,
			&r.Call.Cost, &r.Call.Err, &callAt); err != nil {
			return nil, fmt.Errorf("list rescores of %s: %w", itemID, err)
		}
		r.Call.Model, r.Call.TemplateVersion = r.Model, r.TemplateVersion
		r.Call.Latency, r.Call.At = time.Duration(latencyMs*float64(time.Millisecond)), fromMillis(callAt)
		if err := json.Unmarshal([]byte(scores), &r.Scores); err != nil {
			return nil, err
		}
		r.At, r.Current = fromMillis(at), hash == currentHash
		out = append(out, r)
	}
	return out, rows.Err()
}

// RescoreTodo streams the items of a batch ("" for all) that have no rescore of their current summary by this
// model and prompt version: what a batch rescore still has to do, so that an interrupted one resumes.
func (s *Store) RescoreTodo(ctx context.Context, batch, model, templateVersion string, fn func(*review.Record) error) error {
	q := `SELECT ` + itemColumns + `, sources.text FROM items JOIN sources ON sources.seq = items.seq
		LEFT JOIN rescores r ON r.seq = items.seq AND r.model = ? AND r.template_version = ?
		WHERE (r.seq IS NULL OR r.summary_hash != items.content_hash) AND (? = '' OR items.batch = ?) ORDER BY items.seq`
	rows, err := s.read.QueryContext(ctx, q, model, templateVersion, batch, batch)
	if err != nil {
		return fmt.Errorf("list items to rescore: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var source sql.NullString
		rec, _, _, err := scanItem(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &source)...) }))
		if err != nil {
			return err
		}
		rec.Source = source.String
		if err := fn(&rec); err != nil {
			return err
		}
	}
	return rows.Err()
}

// RescoreCount counts the items of a batch and those already rescored (current summary) by a model and version.
func (s *Store) RescoreCount(ctx context.Context, batch, model, templateVersion string) (total, done int, err error) {
	err = s.read.QueryRowContext(ctx, `SELECT count(*), count(r.seq) FROM items
		LEFT JOIN rescores r ON r.seq = items.seq AND r.model = ? AND r.template_version = ? AND r.summary_hash = items.content_hash
		WHERE ? = '' OR items.batch = ?`, model, templateVersion, batch, batch).Scan(&total, &done)
	return total, done, err
}

const qLinkCalls = `UPDATE llm_calls SET decision = ? WHERE seq = ? AND reviewer = ? AND decision IS NULL`
