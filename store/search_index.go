package store

import (
	"context"
	"fmt"
)

// IndexPending adds up to limit items waiting in fts_pending to the full-text index, in one short transaction so
// that reviewers' decisions interleave. It returns how many it indexed and how many still wait.
func (s *Store) IndexPending(ctx context.Context, limit int) (indexed, left int, err error) {
	err = s.inTxWith(ctx, false, func(tx *wtx) error {
		rows, err := tx.QueryContext(ctx, `SELECT items.seq, items.revision, items.company, items.summary FROM fts_pending
			JOIN items ON items.seq = fts_pending.seq ORDER BY fts_pending.seq LIMIT ?`, limit)
		if err != nil {
			return err
		}
		type doc struct {
			seq              int64
			revision         int
			company, summary string
		}
		var docs []doc
		for rows.Next() {
			var d doc
			if err := rows.Scan(&d.seq, &d.revision, &d.company, &d.summary); err != nil {
				rows.Close()
				return err
			}
			docs = append(docs, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO item_fts (docid, body) VALUES (?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		del, err := tx.PrepareContext(ctx, `DELETE FROM fts_pending WHERE seq = ?`)
		if err != nil {
			return err
		}
		defer del.Close()
		for _, d := range docs {
			if _, err := ins.ExecContext(ctx, ftsDocID(d.seq, d.revision), indexText(d.company, d.summary)); err != nil {
				return err
			}
			if _, err := del.ExecContext(ctx, d.seq); err != nil {
				return err
			}
		}
		indexed = len(docs)
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM fts_pending`).Scan(&left)
	})
	if err != nil {
		return 0, 0, fmt.Errorf("build search index: %w", err)
	}
	return indexed, left, nil
}

// IndexBacklog counts the items waiting for the search index.
func (s *Store) IndexBacklog(ctx context.Context) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM fts_pending`).Scan(&n)
	return n, err
}
