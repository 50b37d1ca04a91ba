package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"reviewdesk/review"
)

// Claim leases the next item to a reviewer under the queue policy and returns it. A reviewer who already holds an
// open item gets that one back, so a reload never strands a lease. skip names an item the reviewer is moving past
// (the "next" key): its lease is released and it is not served again in this claim.
func (s *Store) Claim(ctx context.Context, reviewer string, policy review.QueuePolicy, skip string) (*review.Record, error) {
	var seq int64
	// A lease is not worth an fsync: a lease lost in a crash only returns an item to the queue early. The record is
	// read after the commit, from the read pool, to keep the single writer's turn short.
	err := s.inTxWith(ctx, false, func(tx *wtx) error {
		now := s.now()
		nowMs := millis(now)
		if skip != "" {
			if _, err := tx.ExecContext(ctx, qRelease, skip, reviewer); err != nil {
				return err
			}
		}
		err := tx.QueryRowContext(ctx, qHeld, reviewer, nowMs).Scan(&seq)
		if errors.Is(err, sql.ErrNoRows) {
			seq, err = s.next(ctx, tx, reviewer, policy, skip, nowMs)
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, qLease,
			reviewer, millis(now.Add(policy.Lease)), seq)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim next item for %s: %w", reviewer, err)
	}
	rec, err := s.item(ctx, s.read, "items.seq = ?", seq)
	if err != nil {
		return nil, fmt.Errorf("claim next item for %s: %w", reviewer, err)
	}
	return rec, nil
}

const free = `(lease_until IS NULL OR lease_until <= ?)`

// next picks the next open item nobody holds: pending items under the policy first; then skipped items, those
// skipped by someone else before the reviewer's own.
func (s *Store) next(ctx context.Context, tx txer, reviewer string, policy review.QueuePolicy, skip string, now int64) (int64, error) {
	var seq int64
	pick := func(query string, args ...any) (bool, error) {
		err := tx.QueryRowContext(ctx, query, args...).Scan(&seq)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return err == nil, err
	}
	// Second reviews first, so that double-reviewed items complete and their agreement can be measured. A reviewer
	// never gets an item they already decided.
	if ok, err := pick(qPickSecond, now, skip, reviewer); ok || err != nil {
		return seq, err
	}
	switch policy.Order {
	case review.Stratified:
		bands, err := s.bandCounts(ctx, tx)
		if err != nil {
			return 0, err
		}
		for len(bands) > 0 {
			band, err := review.NextBand(bands)
			if err != nil {
				break
			}
			ok, err := pick(qPickBand, band, now, skip)
			if ok {
				s.bands.served(band)
			}
			if ok || err != nil {
				return seq, err
			}
			for i := range bands {
				if bands[i].Band == band {
					bands[i].Open = 0
				}
			}
		}
	case review.ByHints:
		if ok, err := pick(qPickHints, now, skip); ok || err != nil {
			return seq, err
		}
	default:
		if ok, err := pick(qPickScore, now, skip); ok || err != nil {
			return seq, err
		}
	}
	if ok, err := pick(qPickSkippedByOthers, now, skip, reviewer); ok || err != nil {
		return seq, err
	}
	if ok, err := pick(qPickSkipped, now, skip); ok || err != nil {
		return seq, err
	}
	return 0, review.Errorf(review.NotFound, "the queue is empty: every item is decided or held by another reviewer")
}

// bandCache keeps per-band counts for stratified sampling between refreshes from the count table; a few seconds of
// staleness only shifts which band is sampled next.
type bandCache struct {
	mu    sync.Mutex
	at    time.Time
	bands []review.BandCount
}

const bandCacheTTL = 5 * time.Second

func (s *Store) bandCounts(ctx context.Context, q querier) ([]review.BandCount, error) {
	s.bands.mu.Lock()
	defer s.bands.mu.Unlock()
	if time.Since(s.bands.at) < bandCacheTTL && s.bands.bands != nil {
		out := make([]review.BandCount, len(s.bands.bands))
		copy(out, s.bands.bands)
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT band, sum(CASE WHEN status IN ('accepted', 'edited', 'rejected') THEN n ELSE 0 END),
		sum(CASE WHEN status = 'pending' THEN n ELSE 0 END) FROM agg_items GROUP BY band ORDER BY band`)
	if err != nil {
		return nil, fmt.Errorf("count bands: %w", err)
	}
	defer rows.Close()
	var bands []review.BandCount
	for rows.Next() {
		var b review.BandCount
		if err := rows.Scan(&b.Band, &b.Reviewed, &b.Open); err != nil {
			return nil, fmt.Errorf("count bands: %w", err)
		}
		bands = append(bands, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count bands: %w", err)
	}
	s.bands.at, s.bands.bands = time.Now(), bands
	out := make([]review.BandCount, len(bands))
	copy(out, bands)
	return out, nil
}

// served counts a draw from a band in the cache, so that the next claims before a refresh spread over the other bands.
func (c *bandCache) served(band int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range c.bands {
		if c.bands[i].Band == band {
			c.bands[i].Reviewed++
			c.bands[i].Open--
		}
	}
}

const qRelease = `UPDATE items SET lease_by = NULL, lease_until = NULL
				WHERE id = ? AND lease_by = ?`

const qHeld = `SELECT seq FROM items WHERE lease_by = ? AND lease_until > ?
			AND (status IN ('pending', 'skipped') OR overlap = 1) ORDER BY lease_until DESC LIMIT 1`

const qLease = `UPDATE items SET lease_by = ?, lease_until = ? WHERE seq = ?`

const qPickSecond = `SELECT seq FROM items WHERE overlap = 1 AND ` + free + ` AND id != ?
		AND NOT EXISTS (SELECT 1 FROM decisions WHERE decisions.seq = items.seq AND decisions.reviewer = ? AND decisions.undone_at IS NULL)
		ORDER BY score DESC, seq LIMIT 1`

const qPickBand = `SELECT seq FROM items WHERE status = 'pending' AND band = ? AND ` + free + ` AND id != ?
				ORDER BY sample_key LIMIT 1`

const qPickHints = `SELECT seq FROM items WHERE status = 'pending' AND ` + free + ` AND id != ?
			ORDER BY hint_count DESC, score DESC, seq LIMIT 1`

const qPickScore = `SELECT seq FROM items WHERE status = 'pending' AND ` + free + ` AND id != ?
			ORDER BY score DESC, seq LIMIT 1`

const qPickSkippedByOthers = `SELECT seq FROM items WHERE status = 'skipped' AND ` + free + ` AND id != ?
		AND decision NOT IN (SELECT id FROM decisions WHERE reviewer = ? AND seq = items.seq)
		ORDER BY skipped_at, seq LIMIT 1`

const qPickSkipped = `SELECT seq FROM items WHERE status = 'skipped' AND ` + free + ` AND id != ?
		ORDER BY skipped_at, seq LIMIT 1`
