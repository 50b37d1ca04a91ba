package store

import (
	"context"
	"fmt"
	"time"

	"reviewdesk/review"
)

// StatusCounts counts items by status, from the dashboard's count table (kept in the same transactions as the
// items), so that it costs the same at a million items as at a thousand.
func (s *Store) StatusCounts(ctx context.Context) (map[review.Status]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT status, sum(n) FROM agg_items GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count statuses: %w", err)
	}
	defer rows.Close()
	out := map[review.Status]int{}
	for _, st := range review.Statuses {
		out[st] = 0
	}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count statuses: %w", err)
		}
		out[review.Status(st)] = n
	}
	return out, rows.Err()
}

// BandStatus is the number of items in one score band with one status.
type BandStatus struct {
	Band   int
	Status review.Status
	Count  int
}

// ReviewerActivity is what one reviewer did in a time window.
type ReviewerActivity struct {
	Reviewer  string  `json:"reviewer"`
	Decisions int     `json:"decisions"`
	Reviewed  int     `json:"reviewed"`
	Skipped   int     `json:"skipped"`
	Seconds   float64 `json:"seconds"`
}

// Activity sums up reviewers' current (not undone) decisions made in [from, to), reviewer "" meaning everyone.
func (s *Store) Activity(ctx context.Context, reviewer string, from, to time.Time) ([]ReviewerActivity, error) {
	q := `SELECT reviewer, count(*), sum(verdict IN ('accepted', 'edited', 'rejected')), sum(verdict = 'skipped'),
		coalesce(sum(seconds), 0) FROM decisions WHERE undone_at IS NULL AND reviewer != 'auto' AND ended_at >= ? AND ended_at < ?`
	args := []any{millis(from), millis(to)}
	if reviewer != "" {
		q += ` AND reviewer = ?`
		args = append(args, reviewer)
	}
	rows, err := s.read.QueryContext(ctx, q+` GROUP BY reviewer ORDER BY reviewer`, args...)
	if err != nil {
		return nil, fmt.Errorf("reviewer activity: %w", err)
	}
	defer rows.Close()
	out := []ReviewerActivity{}
	for rows.Next() {
		var a ReviewerActivity
		if err := rows.Scan(&a.Reviewer, &a.Decisions, &a.Reviewed, &a.Skipped, &a.Seconds); err != nil {
			return nil, fmt.Errorf("reviewer activity: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
