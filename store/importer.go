package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"

	"reviewdesk/review"
)

// Outcome is what an import did with one record.
type Outcome int

const (
	Added Outcome = iota
	Unchanged
	Revised
	// Flagged is a new revision of an item that was already decided: stored, and marked "changed since decision".
	Flagged
)

// ImportCounts sums up one import.
type ImportCounts struct {
	Added     int `json:"added"`
	Revised   int `json:"revised"`
	Flagged   int `json:"flagged"`
	Unchanged int `json:"unchanged"`
	Discarded int `json:"discarded"`
	Refused   int `json:"refused"`
}

// Import is one file's import: a single write transaction, so that the file lands whole or not at all.
type Import struct {
	s      *Store
	ctx    context.Context
	tx     *sql.Tx
	id     int64
	now    int64
	rubric review.Rubric
	counts ImportCounts
	stmts  map[string]*sql.Stmt
	// added counts the new items for the dashboard; decisions counts the decisions carried in.
	added     itemCounts
	decisions *decisionCounter
}

// The updates of items say OR FAIL: they fire the dashboard's triggers (migration 0002), and a statement that fires
// triggers and may ABORT makes SQLite keep a statement journal, a copy of every page the statement touches. FAIL
// needs none, and any failure rolls the whole import back anyway.
var importStatements = map[string]string{
	"seen":     `INSERT OR IGNORE INTO temp.import_seen(id) VALUES (?)`,
	"lookup":   `SELECT seq, content_hash, revision, status, summary, scores, score FROM items WHERE id = ?`,
	"insert":   `INSERT INTO items (id, company, summary, scores, score, max_score, band, generator, judge, prompt_version, batch, meta, content_hash, source_sha256, revision, version, status, hints, hint_count, rules_version, sample_key, import, imported_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,1,'pending',?,?,?,?,?,?,?)`,
	"source":   `INSERT INTO sources (seq, text) VALUES (?, ?)`,
	"hint":     `INSERT OR IGNORE INTO item_hints (rule, seq) VALUES (?, ?)`,
	"score":    `INSERT OR IGNORE INTO item_scores (criterion, points, seq) VALUES (?, ?, ?)`,
	"fts":      `INSERT INTO item_fts (docid, body) VALUES (?, ?)`,
	"decision": `INSERT INTO decisions (seq, revision, verdict, final_text, reasons, checks, comment, reviewer, started_at, ended_at, seconds, rules_version) VALUES (?,?,?,?,'[]','{}','',?,?,?,0,?)`,
	"discard":  `UPDATE OR FAIL items SET status = 'auto_discarded', decision = ?, version = version + 1 WHERE seq = ?`,
}

// BeginImport starts importing one file. The rubric's thresholds decide which new items are auto-discarded.
func (s *Store) BeginImport(ctx context.Context, file, format, actor string, rubric review.Rubric) (*Import, error) {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin import of %s: %w", file, err)
	}
	im := &Import{s: s, ctx: ctx, tx: tx, now: millis(s.now()), rubric: rubric, stmts: map[string]*sql.Stmt{}}
	fail := func(err error) (*Import, error) {
		im.Rollback()
		return nil, fmt.Errorf("begin import of %s: %w", file, err)
	}
	for _, q := range []string{
		`CREATE TEMP TABLE IF NOT EXISTS import_seen (id TEXT PRIMARY KEY) WITHOUT ROWID`,
		`DELETE FROM temp.import_seen`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fail(err)
		}
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO imports (file, format, started_at, actor) VALUES (?, ?, ?, ?)`, file, format, im.now, actor)
	if err != nil {
		return fail(err)
	}
	if im.id, err = res.LastInsertId(); err != nil {
		return fail(err)
	}
	for name, q := range importStatements {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return fail(fmt.Errorf("prepare %s: %w", name, err))
		}
		im.stmts[name] = st
	}
	return im, nil
}

// Refuse counts a record that a reader refused and the caller chose to skip.
func (im *Import) Refuse() { im.counts.Refused++ }

// Put stores one item with the hints computed for it. A record whose content is unchanged changes nothing; a changed
// one becomes a new revision. An id seen twice in one import is refused.
func (im *Import) Put(it *review.Item, hints []review.Hint, rulesVersion string) (Outcome, error) {
	res, err := im.stmts["seen"].ExecContext(im.ctx, it.ID)
	if err != nil {
		return 0, fmt.Errorf("import %s: %w", it.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, &review.FieldError{Field: "id", Problem: fmt.Sprintf("duplicate id %q: it appears more than once in this file", it.ID)}
	}
	var (
		seq                   int64
		hash, status, summary string
		oldScores             string
		oldScore              float64
		revision              int
	)
	err = im.stmts["lookup"].QueryRowContext(im.ctx, it.ID).Scan(&seq, &hash, &revision, &status, &summary, &oldScores, &oldScore)
	switch {
	case err == sql.ErrNoRows:
		return im.insert(it, hints, rulesVersion)
	case err != nil:
		return 0, fmt.Errorf("import %s: %w", it.ID, err)
	}
	newHash := it.ContentHash()
	if newHash == hash {
		im.counts.Unchanged++
		return Unchanged, nil
	}
	scores, meta, hintJSON, err := encodeItem(it, hints)
	if err != nil {
		return 0, err
	}
	tx := im.tx
	if _, err := tx.ExecContext(im.ctx, `INSERT INTO item_revisions (seq, revision, summary, scores, score, content_hash, replaced_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, seq, revision, summary, oldScores, oldScore, hash, im.now); err != nil {
		return 0, fmt.Errorf("import %s: keep revision %d: %w", it.ID, revision, err)
	}
	decided := !review.Status(status).Open()
	revision++
	if _, err := tx.ExecContext(im.ctx, `UPDATE OR FAIL items SET company = ?, summary = ?, scores = ?, score = ?, max_score = ?,
		band = ?, generator = ?, judge = ?, prompt_version = ?, batch = ?, meta = ?, content_hash = ?, source_sha256 = ?,
		revision = ?, version = version + 1, hints = ?, hint_count = ?, rules_version = ?, changed = ?, import = ?,
		imported_at = ?, updated_at = ? WHERE seq = ?`,
		it.Company, it.Summary, scores, it.Score, it.MaxScore, review.Band(it.Score, im.maxScore(it)), it.Generator,
		it.Judge, it.PromptVersion, it.Batch, meta, newHash, it.SourceSHA256(), revision, hintJSON, len(hints),
		rulesVersion, decided, im.id, im.now, im.now, seq); err != nil {
		return 0, fmt.Errorf("import %s: new revision: %w", it.ID, err)
	}
	for _, q := range []string{`DELETE FROM item_hints WHERE seq = ?`, `DELETE FROM item_scores WHERE seq = ?`} {
		if _, err := tx.ExecContext(im.ctx, q, seq); err != nil {
			return 0, fmt.Errorf("import %s: %w", it.ID, err)
		}
	}
	if _, err := tx.ExecContext(im.ctx, `UPDATE sources SET text = ? WHERE seq = ?`, it.Source, seq); err != nil {
		return 0, fmt.Errorf("import %s: %w", it.ID, err)
	}
	if err := im.putDetails(seq, revision, it, hints); err != nil {
		return 0, err
	}
	if decided {
		im.counts.Flagged++
		return Flagged, nil
	}
	im.counts.Revised++
	if im.rubric.Discards(it.Score) {
		if err := im.discard(seq, revision, rulesVersion); err != nil {
			return 0, err
		}
	}
	return Revised, nil
}

func (im *Import) maxScore(it *review.Item) float64 {
	if it.MaxScore > 0 {
		return it.MaxScore
	}
	return im.rubric.MaxScore
}

func encodeItem(it *review.Item, hints []review.Hint) (scores, meta, hintJSON string, err error) {
	b, err := json.Marshal(it.Scores)
	if err != nil {
		return "", "", "", fmt.Errorf("import %s: scores: %w", it.ID, err)
	}
	if it.Scores == nil {
		b = []byte("{}")
	}
	scores = string(b)
	meta = "{}"
	if len(it.Meta) > 0 {
		b, err := json.Marshal(it.Meta)
		if err != nil {
			return "", "", "", fmt.Errorf("import %s: meta: %w", it.ID, err)
		}
		meta = string(b)
	}
	if hints == nil {
		hints = []review.Hint{}
	}
	b, err = json.Marshal(hints)
	if err != nil {
		return "", "", "", fmt.Errorf("import %s: hints: %w", it.ID, err)
	}
	return scores, meta, string(b), nil
}

func (im *Import) insert(it *review.Item, hints []review.Hint, rulesVersion string) (Outcome, error) {
	scores, meta, hintJSON, err := encodeItem(it, hints)
	if err != nil {
		return 0, err
	}
	maxScore := it.MaxScore
	if maxScore == 0 {
		maxScore = im.rubric.MaxScore
	}
	res, err := im.stmts["insert"].ExecContext(im.ctx, it.ID, it.Company, it.Summary, scores, it.Score, maxScore,
		review.Band(it.Score, maxScore), it.Generator, it.Judge, it.PromptVersion, it.Batch, meta, it.ContentHash(),
		it.SourceSHA256(), hintJSON, len(hints), rulesVersion, review.SampleKey(it.ID), im.id, im.now, im.now)
	if err != nil {
		return 0, fmt.Errorf("import %s: %w", it.ID, err)
	}
	seq, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("import %s: %w", it.ID, err)
	}
	if _, err := im.stmts["source"].ExecContext(im.ctx, seq, it.Source); err != nil {
		return 0, fmt.Errorf("import %s: source: %w", it.ID, err)
	}
	if err := im.putDetails(seq, 1, it, hints); err != nil {
		return 0, err
	}
	im.added.add(it.Batch, review.Band(it.Score, maxScore), review.Pending, hints)
	im.counts.Added++
	if im.rubric.Discards(it.Score) {
		if err := im.discard(seq, 1, rulesVersion); err != nil {
			return 0, err
		}
	}
	return Added, nil
}

// putDetails writes the lookup rows of one revision: hint rules, criterion points and the search index.
func (im *Import) putDetails(seq int64, revision int, it *review.Item, hints []review.Hint) error {
	for i, h := range hints {
		if i > 0 && hints[i-1].Rule == h.Rule {
			continue
		}
		if _, err := im.stmts["hint"].ExecContext(im.ctx, h.Rule, seq); err != nil {
			return fmt.Errorf("import %s: hint: %w", it.ID, err)
		}
	}
	for c, v := range it.Scores {
		if math.IsNaN(v) {
			continue
		}
		if _, err := im.stmts["score"].ExecContext(im.ctx, c, v, seq); err != nil {
			return fmt.Errorf("import %s: score: %w", it.ID, err)
		}
	}
	if _, err := im.stmts["fts"].ExecContext(im.ctx, ftsDocID(seq, revision), indexText(it.Company, it.Summary)); err != nil {
		return fmt.Errorf("import %s: search index: %w", it.ID, err)
	}
	return nil
}

func (im *Import) discard(seq int64, revision int, rulesVersion string) error {
	res, err := im.stmts["decision"].ExecContext(im.ctx, seq, revision, string(review.AutoDiscarded), "",
		review.AutoReviewer, im.now, im.now, rulesVersion)
	if err != nil {
		return fmt.Errorf("import: auto-discard: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	if _, err := im.stmts["discard"].ExecContext(im.ctx, id, seq); err != nil {
		return fmt.Errorf("import: auto-discard: %w", err)
	}
	im.counts.Discarded++
	return nil
}

// Counts are the totals so far.
func (im *Import) Counts() ImportCounts { return im.counts }

// Commit makes the whole import visible at once, with its summary row and an audit entry.
func (im *Import) Commit(actor string) (ImportCounts, error) {
	defer im.closeStmts()
	c := im.counts
	if _, err := im.tx.ExecContext(im.ctx, `UPDATE imports SET finished_at = ?, added = ?, revised = ?, unchanged = ?,
		discarded = ?, refused = ? WHERE id = ?`, millis(im.s.now()), c.Added, c.Revised+c.Flagged, c.Unchanged,
		c.Discarded, c.Refused, im.id); err != nil {
		im.tx.Rollback()
		return c, fmt.Errorf("commit import: %w", err)
	}
	var file string
	if err := im.tx.QueryRowContext(im.ctx, `SELECT file FROM imports WHERE id = ?`, im.id).Scan(&file); err != nil {
		im.tx.Rollback()
		return c, fmt.Errorf("commit import: %w", err)
	}
	if err := appendAudit(im.ctx, im.tx, im.now, actor, "import", file, nil, c); err != nil {
		im.tx.Rollback()
		return c, err
	}
	if err := im.added.write(im.ctx, im.tx); err != nil {
		im.tx.Rollback()
		return c, fmt.Errorf("commit import: %w", err)
	}
	// Decisions carried in by an import can touch thousands of reviewer-days; working out their active time now
	// keeps the first dashboard after a large import fast.
	if err := refreshActive(im.ctx, im.tx); err != nil {
		im.tx.Rollback()
		return c, fmt.Errorf("commit import: %w", err)
	}
	if err := im.tx.Commit(); err != nil {
		return c, fmt.Errorf("commit import: %w", err)
	}
	return c, nil
}

// Rollback abandons the import: nothing of it stays.
func (im *Import) Rollback() error {
	im.closeStmts()
	err := im.tx.Rollback()
	if err == sql.ErrTxDone {
		return nil
	}
	return err
}

func (im *Import) closeStmts() {
	for _, st := range im.stmts {
		st.Close()
	}
	im.stmts = nil
	if im.decisions != nil {
		im.decisions.close()
		im.decisions = nil
	}
}

// PutDecision records a decision made elsewhere (a demo dataset, decisions carried over from another tool) on an
// item of this import, and makes it the item's current decision unless it is undone.
func (im *Import) PutDecision(d review.Decision) error {
	var seq int64
	var revision int
	if err := im.tx.QueryRowContext(im.ctx, `SELECT seq, revision FROM items WHERE id = ?`, d.ItemID).Scan(&seq, &revision); err != nil {
		return fmt.Errorf("import decision on %s: %w", d.ItemID, err)
	}
	reasons, err := json.Marshal(d.Reasons)
	if err != nil {
		return err
	}
	checks := []byte("{}")
	if len(d.Checks) > 0 {
		checks, _ = json.Marshal(d.Checks)
	}
	var undone any
	if d.UndoneAt != nil {
		undone = millis(*d.UndoneAt)
	}
	size, err := editSize(im.ctx, im.tx, seq, d)
	if err != nil {
		return fmt.Errorf("import decision on %s: %w", d.ItemID, err)
	}
	res, err := im.tx.ExecContext(im.ctx, `INSERT INTO decisions (seq, revision, verdict, final_text, reasons, checks,
		comment, reviewer, started_at, ended_at, seconds, rules_version, undone_at, edit_size) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		seq, revision, string(d.Verdict), d.FinalText, string(reasons), string(checks), d.Comment, d.Reviewer,
		millis(d.StartedAt), millis(d.EndedAt), d.Seconds, d.RulesVersion, undone, size)
	if err != nil {
		return fmt.Errorf("import decision on %s: %w", d.ItemID, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	if im.decisions == nil {
		if im.decisions, err = prepareDecisionCounter(im.ctx, im.tx); err != nil {
			return err
		}
	}
	if err := im.decisions.count(im.ctx, id); err != nil {
		return fmt.Errorf("import decision on %s: %w", d.ItemID, err)
	}
	if d.UndoneAt != nil {
		return nil
	}
	var skippedAt any
	if d.Verdict == review.Skipped {
		skippedAt = millis(d.EndedAt)
	}
	if _, err := im.tx.ExecContext(im.ctx, `UPDATE OR FAIL items SET status = ?, decision = ?, version = version + 1,
		skipped_at = ?, updated_at = ? WHERE seq = ?`, string(d.Verdict), id, skippedAt, millis(d.EndedAt), seq); err != nil {
		return fmt.Errorf("import decision on %s: %w", d.ItemID, err)
	}
	return nil
}
