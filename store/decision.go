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

const decisionColumns = `decisions.id, items.id, decisions.revision, decisions.verdict, decisions.final_text,
	decisions.reasons, decisions.checks, decisions.comment, decisions.reviewer, decisions.started_at,
	decisions.ended_at, decisions.seconds, decisions.rules_version, decisions.undone_at`

func scanDecision(row scanner) (review.Decision, error) {
	var (
		d               review.Decision
		reasons, checks string
		started, ended  int64
		undone          sql.NullInt64
	)
	if err := row.Scan(&d.ID, &d.ItemID, &d.Revision, &d.Verdict, &d.FinalText, &reasons, &checks, &d.Comment,
		&d.Reviewer, &started, &ended, &d.Seconds, &d.RulesVersion, &undone); err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(reasons), &d.Reasons); err != nil {
		return d, fmt.Errorf("decision %d: reasons: %w", d.ID, err)
	}
	if checks != "{}" {
		if err := json.Unmarshal([]byte(checks), &d.Checks); err != nil {
			return d, fmt.Errorf("decision %d: checks: %w", d.ID, err)
		}
	}
	d.StartedAt, d.EndedAt, d.UndoneAt = fromMillis(started), fromMillis(ended), nullMillis(undone)
	return d, nil
}

func (s *Store) decision(ctx context.Context, q querier, id int64) (*review.Decision, error) {
	d, err := scanDecision(q.QueryRowContext(ctx, `SELECT `+decisionColumns+` FROM decisions
		JOIN items ON items.seq = decisions.seq WHERE decisions.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, review.Errorf(review.NotFound, "decision %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get decision %d: %w", id, err)
	}
	return &d, nil
}

// History returns every decision on an item, oldest first, undone ones included.
func (s *Store) History(ctx context.Context, itemID string) ([]review.Decision, error) {
	return s.decisions(ctx, `WHERE items.id = ? ORDER BY decisions.id`, itemID)
}

// RecentDecisions returns a reviewer's decisions, newest first: what "previous" walks back through.
func (s *Store) RecentDecisions(ctx context.Context, reviewer string, limit int) ([]review.Decision, error) {
	return s.decisions(ctx, `WHERE decisions.reviewer = ? ORDER BY decisions.id DESC LIMIT ?`, reviewer, limit)
}

func (s *Store) decisions(ctx context.Context, where string, args ...any) ([]review.Decision, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+decisionColumns+` FROM decisions JOIN items ON items.seq = decisions.seq `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list decisions: %w", err)
	}
	defer rows.Close()
	out := []review.Decision{}
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, fmt.Errorf("list decisions: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// itemState is what a write needs to know about an item before changing it.
type itemState struct {
	seq        int64
	version    int64
	revision   int
	status     review.Status
	decision   sql.NullInt64
	leaseBy    sql.NullString
	leaseUntil sql.NullInt64
	overlap    review.Overlap
	sampleKey  int64
	batch      string
	hints      string // the stored hints, JSON
	// rulesVersion is the version of the rules the stored hints were computed with
	rulesVersion string
}

func loadState(ctx context.Context, tx txer, id string) (itemState, error) {
	var st itemState
	err := tx.QueryRowContext(ctx, qLoadState, id).
		Scan(&st.seq, &st.version, &st.revision, &st.status, &st.decision, &st.leaseBy, &st.leaseUntil, &st.overlap, &st.sampleKey,
			&st.batch, &st.hints, &st.rulesVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return st, review.Errorf(review.NotFound, "item %s not found", id)
	}
	return st, err
}

// heldByOther reports who else holds an unexpired lease on the item.
func (st itemState) heldByOther(reviewer string, now int64) (string, bool) {
	if st.leaseBy.Valid && st.leaseBy.String != reviewer && st.leaseUntil.Int64 > now {
		return st.leaseBy.String, true
	}
	return "", false
}

// SaveDecision appends a decision made on the given item version and makes it the item's current one. A decision on
// a version that is no longer current, or on an item another reviewer holds, is refused as a conflict that says what
// happened.
func (s *Store) SaveDecision(ctx context.Context, d review.Decision, version int64) (review.Decision, error) {
	err := s.inTx(ctx, func(tx *wtx) error {
		st, err := loadState(ctx, tx, d.ItemID)
		if err != nil {
			return err
		}
		now := millis(s.now())
		if version > st.version {
			return review.Errorf(review.Conflict, "item %s is at version %d, not %d: the version sent is not one this item had; reload it",
				d.ItemID, st.version, version)
		}
		if st.version != version {
			return review.Errorf(review.Conflict, "item %s changed since you opened it (%s); reload it to see the current state",
				d.ItemID, s.describeChange(ctx, tx, st, d.Reviewer))
		}
		if who, held := st.heldByOther(d.Reviewer, now); held {
			return review.Errorf(review.Conflict, "item %s is being reviewed by %s; take the next item instead", d.ItemID, who)
		}
		reasons, _ := json.Marshal(d.Reasons)
		checks := []byte("{}")
		if len(d.Checks) > 0 {
			checks, _ = json.Marshal(d.Checks)
		}
		editSize, err := editSize(ctx, tx, st.seq, d)
		if err != nil {
			return err
		}
		shown, err := shownRules(st.hints)
		if err != nil {
			return err
		}
		// The hints the reviewer was shown are the item's stored ones (a re-hint leaves leased items alone), read
		// here in the decision's transaction: their version goes with the rules recorded as shown, whatever
		// version the caller read earlier.
		d.RulesVersion = st.rulesVersion
		res, err := tx.ExecContext(ctx, qInsertDecision,
			st.seq, st.revision, string(d.Verdict), d.FinalText, string(reasons), string(checks), d.Comment, d.Reviewer,
			millis(d.StartedAt), millis(d.EndedAt), d.Seconds, d.RulesVersion, editSize, st.batch, shown, string(st.status),
			st.decision)
		if err != nil {
			return err
		}
		if d.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if err := countDecision(ctx, tx, d.ID); err != nil {
			return err
		}
		d.Revision = st.revision
		var skippedAt any
		if d.Verdict == review.Skipped {
			skippedAt = now
		}
		var rate float64
		if err := tx.QueryRowContext(ctx, qOverlapRate).Scan(&rate); err != nil {
			return err
		}
		status, current, err := moveOverlap(ctx, tx, st, d, review.OverlapSelected(st.sampleKey, rate))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, qDecideItem,
			string(status), current, skippedAt, now, st.seq); err != nil {
			return err
		}
		if err := linkCalls(ctx, tx, st.seq, d.ID, d.Reviewer); err != nil {
			return err
		}
		return appendAudit(ctx, tx, now, d.Reviewer, "decide", d.ItemID,
			map[string]any{"status": st.status, "decision": nullable(st.decision)},
			map[string]any{"decision": d.ID, "verdict": d.Verdict, "reasons": d.Reasons, "text": d.FinalText})
	})
	if err != nil {
		return d, fmt.Errorf("save decision on %s: %w", d.ItemID, err)
	}
	return d, nil
}

// editSize is the number of characters an edit changed in the item's current summary, for the dashboard; nil for
// other verdicts.
func editSize(ctx context.Context, q querier, seq int64, d review.Decision) (any, error) {
	if d.Verdict != review.Edited {
		return nil, nil
	}
	var summary string
	if err := q.QueryRowContext(ctx, qSummary, seq).Scan(&summary); err != nil {
		return nil, err
	}
	return review.EditDistance(summary, d.FinalText), nil
}

func nullable(n sql.NullInt64) any {
	if n.Valid {
		return n.Int64
	}
	return nil
}

// moveOverlap applies double review to a new decision (selected: the item is one of those reviewed twice): it
// records the item's overlap move and returns the status and current decision the item gets.
func moveOverlap(ctx context.Context, tx txer, st itemState, d review.Decision, selected bool) (review.Status, sql.NullInt64, error) {
	var first review.Verdict
	var firstReviewer string
	if st.overlap == review.AwaitingSecond && st.decision.Valid {
		if err := tx.QueryRowContext(ctx, `SELECT verdict, reviewer FROM decisions WHERE id = ?`, st.decision.Int64).
			Scan(&first, &firstReviewer); err != nil {
			return "", st.decision, err
		}
	}
	next, status, current := review.NextOverlap(st.overlap, selected, first, d.Verdict)
	if st.overlap == review.AwaitingSecond && firstReviewer == d.Reviewer && d.Verdict != review.Skipped {
		next, status, current = review.AwaitingSecond, review.Status(d.Verdict), true // the first reviewer changes their mind
	}
	if status == "" {
		status = st.status
	}
	decision := st.decision
	switch {
	case current:
		decision = sql.NullInt64{Int64: d.ID, Valid: true}
	case next == review.InDispute:
		decision = sql.NullInt64{}
	}
	if next != st.overlap {
		if _, err := tx.ExecContext(ctx, `UPDATE items SET overlap = ? WHERE seq = ?`, int(next), st.seq); err != nil {
			return "", decision, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE decisions SET overlap_before = ? WHERE id = ?`, int(st.overlap), d.ID); err != nil {
			return "", decision, err
		}
	}
	return status, decision, nil
}

// describeChange says, for a conflict message to the reviewer named, what happened to an item since they opened it.
// A first review that waits for the reviewer's blind second one is not theirs to see: the message says only that it
// is in.
func (s *Store) describeChange(ctx context.Context, tx txer, st itemState, to string) string {
	if st.decision.Valid {
		var reviewer, verdict string
		var ended int64
		if err := tx.QueryRowContext(ctx, `SELECT reviewer, verdict, ended_at FROM decisions WHERE id = ?`, st.decision.Int64).
			Scan(&reviewer, &verdict, &ended); err == nil {
			if st.overlap == review.AwaitingSecond && reviewer != to {
				return "another reviewer's first review is in, and the item now waits for a second, blind review"
			}
			return fmt.Sprintf("%s marked it %s at %s", reviewer, verdict, fromMillis(ended).Format(time.RFC3339))
		}
	}
	if st.revision > 1 {
		return fmt.Sprintf("it is now at version %d, revision %d: it was re-imported, reopened or undone", st.version, st.revision)
	}
	return fmt.Sprintf("it is now at version %d: it was reopened or a decision was undone", st.version)
}

// Undo marks a reviewer's last decision undone and puts the item back as it was before it, leased to the reviewer
// so they can decide again. The decision stays in the history.
func (s *Store) Undo(ctx context.Context, reviewer string, lease time.Duration) (review.Decision, error) {
	var undone review.Decision
	err := s.inTx(ctx, func(tx *wtx) error {
		var id, seq int64
		err := tx.QueryRowContext(ctx, `SELECT id, seq FROM decisions WHERE reviewer = ? AND undone_at IS NULL
			ORDER BY id DESC LIMIT 1`, reviewer).Scan(&id, &seq)
		if errors.Is(err, sql.ErrNoRows) {
			return review.Errorf(review.NotFound, "nothing to undo: %s has no decision left to take back", reviewer)
		}
		if err != nil {
			return err
		}
		d, err := s.decision(ctx, tx, id)
		if err != nil {
			return err
		}
		st, err := loadState(ctx, tx, d.ItemID)
		if err != nil {
			return err
		}
		var latest int64
		if err := tx.QueryRowContext(ctx, `SELECT max(id) FROM decisions WHERE seq = ? AND undone_at IS NULL`, seq).Scan(&latest); err != nil {
			return err
		}
		if latest != id {
			return review.Errorf(review.Conflict, "cannot undo your decision on %s: %s", d.ItemID, s.describeChange(ctx, tx, st, reviewer))
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE decisions SET undone_at = ? WHERE id = ?`, millis(now), id); err != nil {
			return err
		}
		var overlapBefore, decisionBefore sql.NullInt64
		var statusBefore sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT overlap_before, status_before, decision_before FROM decisions WHERE id = ?`,
			id).Scan(&overlapBefore, &statusBefore, &decisionBefore); err != nil {
			return err
		}
		status, prev := st.status, st.decision
		wasCurrent := st.decision.Valid && st.decision.Int64 == id
		switch {
		case !wasCurrent && !overlapBefore.Valid:
		case statusBefore.Valid:
			// The item as it was when the reviewer decided: open again after a reopening, skipped, or decided.
			status, prev = review.Status(statusBefore.String), decisionBefore
		default: // a decision recorded before the item's prior state was kept: back to the latest earlier one
			status, prev = review.Pending, sql.NullInt64{}
			var verdict string
			err = tx.QueryRowContext(ctx, `SELECT id, verdict FROM decisions WHERE seq = ? AND undone_at IS NULL AND id < ?
				ORDER BY id DESC LIMIT 1`, seq, id).Scan(&prev, &verdict)
			switch {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return err
			default:
				status = review.Status(verdict)
			}
		}
		overlap := st.overlap
		if overlapBefore.Valid {
			overlap = review.Overlap(overlapBefore.Int64)
			if overlap == review.InDispute {
				status, prev = review.Disputed, sql.NullInt64{}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET status = ?, decision = ?, overlap = ?, version = version + 1,
			lease_by = ?, lease_until = ?, updated_at = ? WHERE seq = ?`,
			string(status), prev, int(overlap), reviewer, millis(now.Add(lease)), millis(now), seq); err != nil {
			return err
		}
		undone = *d
		undone.UndoneAt = &now
		return appendAudit(ctx, tx, millis(now), reviewer, "undo", d.ItemID,
			map[string]any{"decision": id, "verdict": d.Verdict}, map[string]any{"status": status, "decision": nullable(prev)})
	})
	if err != nil {
		return undone, fmt.Errorf("undo: %w", err)
	}
	return undone, nil
}

// Reopen puts a decided item back in the queue. Its decisions stay in the history; the next review appends a new one.
func (s *Store) Reopen(ctx context.Context, id, actor string) error {
	err := s.inTx(ctx, func(tx *wtx) error {
		st, err := loadState(ctx, tx, id)
		if err != nil {
			return err
		}
		if st.status == review.Pending {
			return review.Errorf(review.Invalid, "item %s is already open in the queue", id)
		}
		now := millis(s.now())
		if _, err := tx.ExecContext(ctx, `UPDATE items SET status = 'pending', decision = NULL, changed = 0,
			version = version + 1, lease_by = NULL, lease_until = NULL, updated_at = ? WHERE seq = ?`, now, st.seq); err != nil {
			return err
		}
		return appendAudit(ctx, tx, now, actor, "reopen", id,
			map[string]any{"status": st.status, "decision": nullable(st.decision)}, map[string]any{"status": review.Pending})
	})
	if err != nil {
		return fmt.Errorf("reopen %s: %w", id, err)
	}
	return nil
}

const qLoadState = `SELECT seq, version, revision, status, decision, lease_by, lease_until, overlap, sample_key,
		batch, hints, rules_version FROM items WHERE id = ?`

const qInsertDecision = `INSERT INTO decisions (seq, revision, verdict, final_text, reasons, checks,
			comment, reviewer, started_at, ended_at, seconds, rules_version, edit_size, batch, rules, status_before,
			decision_before) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`

const qOverlapRate = `SELECT coalesce((SELECT value FROM settings WHERE key = 'overlap'), 0)`

const qDecideItem = `UPDATE items SET status = ?, decision = ?, version = version + 1, changed = 0,
			lease_by = NULL, lease_until = NULL, skipped_at = ?, updated_at = ? WHERE seq = ?`

const qSummary = `SELECT summary FROM items WHERE seq = ?`

// shownRules is the JSON array of the distinct hint rules in an item's stored hints: what the reviewer was shown,
// recorded with the decision for the dashboard (which would otherwise work it out in SQL for every decision).
func shownRules(hintsJSON string) (string, error) {
	var hints []review.Hint
	if err := json.Unmarshal([]byte(hintsJSON), &hints); err != nil {
		return "", fmt.Errorf("read hints: %w", err)
	}
	rules := hintRules(hints)
	if rules == nil {
		rules = []string{}
	}
	b, err := json.Marshal(rules)
	return string(b), err
}
