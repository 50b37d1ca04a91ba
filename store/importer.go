package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

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
	// multi holds multi-row INSERT statements by table and row count.
	multi map[string]*sql.Stmt
	// restoreCache gives the writer its usual page cache back when the import ends.
	restoreCache func()
	// added counts the new items for the dashboard; decisions counts the decisions carried in.
	added     itemCounts
	decisions *decisionCounter
}

// The updates of items say OR FAIL: they fire the dashboard's triggers (migration 0007), and a statement that fires
// triggers and may ABORT makes SQLite keep a statement journal, a copy of every page the statement touches. FAIL
// needs none, and any failure rolls the whole import back anyway.

var importStatements = map[string]string{
	"lookup":    `SELECT seq, content_hash, revision, status, summary, scores, score, import, hints FROM items WHERE id = ?`,
	"seen":      `UPDATE OR FAIL items SET import = ? WHERE seq = ?`,
	"fts":       `INSERT OR IGNORE INTO fts_pending (seq) VALUES (?)`,
	"decision":  `INSERT INTO decisions (seq, revision, verdict, final_text, reasons, checks, comment, reviewer, started_at, ended_at, seconds, rules_version) VALUES (?,?,?,?,'[]','{}','',?,?,?,0,?)`,
	"discard":   `UPDATE OR FAIL items SET status = 'auto_discarded', decision = ?, version = version + 1 WHERE seq = ?`,
	"delHints":  `DELETE FROM item_hints WHERE rule = ? AND score = ? AND seq = ?`,
	"delScores": `DELETE FROM item_scores WHERE criterion = ? AND points = ? AND score = ? AND seq = ?`,
	"source":    `UPDATE sources SET text = ? WHERE seq = ?`,
}

// importChunk is how many items one multi-row INSERT carries: one statement instead of a statement per row makes
// the difference between tens and hundreds of thousands of items per second.
const importChunk = 64

// BeginImport starts importing one file. The rubric's thresholds decide which new items are auto-discarded.
func (s *Store) BeginImport(ctx context.Context, file, format, actor string, rubric review.Rubric) (*Import, error) {
	restore, err := s.bigCache(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin import of %s: %w", file, err)
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		restore()
		return nil, fmt.Errorf("begin import of %s: %w", file, err)
	}
	im := &Import{s: s, ctx: ctx, tx: tx, now: millis(s.now()), rubric: rubric, stmts: map[string]*sql.Stmt{},
		multi: map[string]*sql.Stmt{}, restoreCache: restore}
	fail := func(err error) (*Import, error) {
		im.Rollback()
		return nil, fmt.Errorf("begin import of %s: %w", file, err)
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

// Prepared is an item ready to store: everything that costs CPU but not the database (hashes, JSON encodings, the
// score band) is done by Prepare, which callers run in parallel, so that the single writer only writes.
type Prepared struct {
	Item         *review.Item
	Hints        []review.Hint
	RulesVersion string
	hash         string
	sourceSHA    string
	scores       string
	meta         string
	hints        string
	sampleKey    int64
}

// Prepare encodes an item and its hints for storing.
func Prepare(it *review.Item, hints []review.Hint, rulesVersion string) (Prepared, error) {
	p := Prepared{Item: it, Hints: hints, RulesVersion: rulesVersion, hash: it.ContentHash(), sourceSHA: it.SourceSHA256(),
		sampleKey: review.SampleKey(it.ID)}
	var err error
	p.scores, p.meta, p.hints, err = encodeItem(it, hints)
	return p, err
}

// Put stores one item with the hints computed for it. See PutBatch.
func (im *Import) Put(it *review.Item, hints []review.Hint, rulesVersion string) (Outcome, error) {
	p, err := Prepare(it, hints, rulesVersion)
	if err != nil {
		return 0, err
	}
	out, errs, err := im.PutBatch([]Prepared{p})
	if err != nil {
		return 0, err
	}
	return out[0], errs[0]
}

// PutBatch stores items in order. A record whose content is unchanged changes nothing; a changed one becomes a new
// revision; an id seen twice in one import is refused with a *review.FieldError in errs, which the caller may skip.
// A non-nil error is a failure of the import itself.
func (im *Import) PutBatch(items []Prepared) (outcomes []Outcome, errs []error, err error) {
	outcomes, errs = make([]Outcome, len(items)), make([]error, len(items))
	for start := 0; start < len(items); start += importChunk {
		chunk := items[start:min(start+importChunk, len(items))]
		if err := im.putChunk(chunk, outcomes[start:], errs[start:]); err != nil {
			return outcomes, errs, err
		}
	}
	return outcomes, errs, nil
}

// putChunk inserts the chunk's new items with one statement per table; ids that already exist (from an earlier
// import, or earlier in this one) take the slower path of comparing and revising.
func (im *Import) putChunk(chunk []Prepared, outcomes []Outcome, errs []error) error {
	args := make([]any, 0, len(chunk)*itemInsertColumns)
	for i := range chunk {
		p := &chunk[i]
		it := p.Item
		max := im.maxScore(it)
		args = append(args, it.ID, it.Company, it.Summary, p.scores, it.Score, max, review.Band(it.Score, max), it.Generator,
			it.Judge, it.PromptVersion, it.Batch, p.meta, p.hash, p.sourceSHA, p.hints, len(p.Hints), p.RulesVersion,
			p.sampleKey, im.id, im.now, im.now)
	}
	st, err := im.multiStmt("items", len(chunk))
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(im.ctx, args...)
	if err != nil {
		return fmt.Errorf("import: insert items: %w", err)
	}
	seqs := make(map[string]int64, len(chunk))
	for rows.Next() {
		var id string
		var seq int64
		if err := rows.Scan(&seq, &id); err != nil {
			rows.Close()
			return fmt.Errorf("import: insert items: %w", err)
		}
		seqs[id] = seq
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("import: insert items: %w", err)
	}
	// Details of the new items, again one statement per table.
	var sources, scores, hints, pending []any
	nScores, nHints := 0, 0
	added := make([]int64, len(chunk)) // the new item's seq, 0 for ids that existed
	for i := range chunk {
		p := &chunk[i]
		seq, isNew := seqs[p.Item.ID]
		if !isNew {
			continue
		}
		delete(seqs, p.Item.ID) // a second row with this id in the chunk was refused by the insert: it is a duplicate
		added[i] = seq
		im.added.add(p.Item.Batch, review.Band(p.Item.Score, im.maxScore(p.Item)), review.Pending, p.Hints)
		pending = append(pending, seq)
		outcomes[i] = Added
		im.counts.Added++
		sources = append(sources, seq, p.Item.Source)
		for _, c := range p.Item.Criteria() {
			scores = append(scores, c, p.Item.Score, p.Item.Scores[c], seq)
			nScores++
		}
		for _, rule := range hintRules(p.Hints) {
			hints = append(hints, rule, p.Item.Score, seq)
			nHints++
		}
		if im.rubric.Discards(p.Item.Score) {
			if err := im.discard(seq, 1, p.RulesVersion); err != nil {
				return err
			}
		}
	}
	for _, multi := range []struct {
		table string
		n     int
		args  []any
	}{{"sources", len(sources) / 2, sources}, {"item_scores", nScores, scores}, {"item_hints", nHints, hints},
		{"fts_pending", len(pending), pending}} {
		for off, row := 0, 0; row < multi.n; {
			n := min(multi.n-row, importChunk)
			st, err := im.multiStmt(multi.table, n)
			if err != nil {
				return err
			}
			width := len(multi.args) / multi.n
			if _, err := st.ExecContext(im.ctx, multi.args[off:off+n*width]...); err != nil {
				return fmt.Errorf("import: insert %s: %w", multi.table, err)
			}
			off += n * width
			row += n
		}
	}
	for i := range chunk {
		if added[i] != 0 {
			continue
		}
		out, err := im.putExisting(&chunk[i])
		var fe *review.FieldError
		if errors.As(err, &fe) {
			errs[i] = err
			continue
		}
		if err != nil {
			return err
		}
		outcomes[i] = out
	}
	return nil
}

// itemInsertColumns is the number of parameters of one row of the items insert.
const itemInsertColumns = 21

// multiStmt returns a prepared INSERT of n rows into table.
func (im *Import) multiStmt(table string, n int) (*sql.Stmt, error) {
	key := fmt.Sprintf("%s/%d", table, n)
	if st, ok := im.multi[key]; ok {
		return st, nil
	}
	var head, row, tail string
	switch table {
	case "items":
		head = `INSERT OR FAIL INTO items (id, company, summary, scores, score, max_score, band, generator, judge, prompt_version,
			batch, meta, content_hash, source_sha256, hints, hint_count, rules_version, sample_key, import, imported_at,
			updated_at, revision, version, status) VALUES `
		row = `(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,1,'pending')`
		tail = ` ON CONFLICT (id) DO NOTHING RETURNING seq, id`
	case "sources":
		head, row = `INSERT OR FAIL INTO sources (seq, text) VALUES `, `(?,?)`
	case "item_scores":
		head, row = `INSERT OR IGNORE INTO item_scores (criterion, score, points, seq) VALUES `, `(?,?,?,?)`
	case "item_hints":
		head, row = `INSERT OR IGNORE INTO item_hints (rule, score, seq) VALUES `, `(?,?,?)`
	case "fts_pending":
		head, row = `INSERT OR IGNORE INTO fts_pending (seq) VALUES `, `(?)`
	}
	q := head + strings.TrimSuffix(strings.Repeat(row+",", n), ",") + tail
	st, err := im.tx.PrepareContext(im.ctx, q)
	if err != nil {
		return nil, fmt.Errorf("prepare %s insert: %w", table, err)
	}
	im.multi[key] = st
	return st, nil
}

// putExisting handles a record whose id is already in the database: unchanged, a new revision, or a second
// occurrence in this same import.
func (im *Import) putExisting(p *Prepared) (Outcome, error) {
	it := p.Item
	var (
		seq, lastImport       int64
		hash, status, summary string
		oldScores, oldHints   string
		oldScore              float64
		revision              int
	)
	if err := im.stmts["lookup"].QueryRowContext(im.ctx, it.ID).Scan(&seq, &hash, &revision, &status, &summary, &oldScores,
		&oldScore, &lastImport, &oldHints); err != nil {
		return 0, fmt.Errorf("import %s: %w", it.ID, err)
	}
	if lastImport == im.id {
		return 0, &review.FieldError{Field: "id", Problem: fmt.Sprintf("duplicate id %q: it appears more than once in this file", it.ID)}
	}
	if p.hash == hash {
		// Only the bookkeeping of which import saw the item last, which is how a second occurrence is recognised.
		if _, err := im.stmts["seen"].ExecContext(im.ctx, im.id, seq); err != nil {
			return 0, fmt.Errorf("import %s: %w", it.ID, err)
		}
		im.counts.Unchanged++
		return Unchanged, nil
	}
	tx := im.tx
	if _, err := tx.ExecContext(im.ctx, `INSERT INTO item_revisions (seq, revision, summary, scores, score, content_hash, replaced_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, seq, revision, summary, oldScores, oldScore, hash, im.now); err != nil {
		return 0, fmt.Errorf("import %s: keep revision %d: %w", it.ID, revision, err)
	}
	decided := !review.Status(status).Open()
	revision++
	max := im.maxScore(it)
	if _, err := tx.ExecContext(im.ctx, `UPDATE OR FAIL items SET company = ?, summary = ?, scores = ?, score = ?, max_score = ?,
		band = ?, generator = ?, judge = ?, prompt_version = ?, batch = ?, meta = ?, content_hash = ?, source_sha256 = ?,
		revision = ?, version = version + 1, hints = ?, hint_count = ?, rules_version = ?, changed = ?, import = ?,
		imported_at = ?, updated_at = ? WHERE seq = ?`,
		it.Company, it.Summary, p.scores, it.Score, max, review.Band(it.Score, max), it.Generator,
		it.Judge, it.PromptVersion, it.Batch, p.meta, p.hash, p.sourceSHA, revision, p.hints, len(p.Hints),
		p.RulesVersion, decided, im.id, im.now, im.now, seq); err != nil {
		return 0, fmt.Errorf("import %s: new revision: %w", it.ID, err)
	}
	if err := im.deleteDetails(seq, oldScore, oldScores, oldHints); err != nil {
		return 0, fmt.Errorf("import %s: %w", it.ID, err)
	}
	if _, err := im.stmts["source"].ExecContext(im.ctx, it.Source, seq); err != nil {
		return 0, fmt.Errorf("import %s: %w", it.ID, err)
	}
	if err := im.putDetails(seq, p); err != nil {
		return 0, err
	}
	if decided {
		im.counts.Flagged++
		return Flagged, nil
	}
	im.counts.Revised++
	if im.rubric.Discards(it.Score) {
		if err := im.discard(seq, revision, p.RulesVersion); err != nil {
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

// putDetails writes the lookup rows of one revision of an existing item (hint rules, criterion points) and queues it
// for the search index.
func (im *Import) putDetails(seq int64, p *Prepared) error {
	it := p.Item
	for _, rule := range hintRules(p.Hints) {
		if _, err := im.tx.ExecContext(im.ctx, `INSERT OR IGNORE INTO item_hints (rule, score, seq) VALUES (?, ?, ?)`,
			rule, it.Score, seq); err != nil {
			return fmt.Errorf("import %s: hint: %w", it.ID, err)
		}
	}
	for c, v := range it.Scores {
		if math.IsNaN(v) {
			continue
		}
		if _, err := im.tx.ExecContext(im.ctx, `INSERT OR IGNORE INTO item_scores (criterion, score, points, seq) VALUES (?, ?, ?, ?)`,
			c, it.Score, v, seq); err != nil {
			return fmt.Errorf("import %s: score: %w", it.ID, err)
		}
	}
	if _, err := im.stmts["fts"].ExecContext(im.ctx, seq); err != nil {
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
	defer im.releaseCache()
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
	im.releaseCache()
	if err == sql.ErrTxDone {
		return nil
	}
	return err
}

// releaseCache runs once the transaction has ended: the writer's connection is the import's until then.
func (im *Import) releaseCache() {
	if im.restoreCache != nil {
		im.restoreCache()
		im.restoreCache = nil
	}
}

func (im *Import) closeStmts() {
	for _, st := range im.stmts {
		st.Close()
	}
	for _, st := range im.multi {
		st.Close()
	}
	im.stmts, im.multi = nil, nil
	if im.decisions != nil {
		im.decisions.close()
		im.decisions = nil
	}
}

// PutDecision records a decision made elsewhere (a demo dataset, decisions carried over from another tool) on an
// item of this import, as SaveDecision would, without leases or version checks. double marks the item as one of
// those reviewed twice.
func (im *Import) PutDecision(d review.Decision, double bool) error {
	st, err := loadState(im.ctx, im.tx, d.ItemID)
	if err != nil {
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
	size, err := editSize(im.ctx, im.tx, st.seq, d)
	if err != nil {
		return fmt.Errorf("import decision on %s: %w", d.ItemID, err)
	}
	res, err := im.tx.ExecContext(im.ctx, `INSERT INTO decisions (seq, revision, verdict, final_text, reasons, checks,
		comment, reviewer, started_at, ended_at, seconds, rules_version, undone_at, edit_size) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		st.seq, st.revision, string(d.Verdict), d.FinalText, string(reasons), string(checks), d.Comment, d.Reviewer,
		millis(d.StartedAt), millis(d.EndedAt), d.Seconds, d.RulesVersion, undone, size)
	if err != nil {
		return fmt.Errorf("import decision on %s: %w", d.ItemID, err)
	}
	if d.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	if im.decisions == nil {
		if im.decisions, err = prepareDecisionCounter(im.ctx, im.tx); err != nil {
			return err
		}
	}
	if err := im.decisions.count(im.ctx, d.ID); err != nil {
		return fmt.Errorf("import decision on %s: %w", d.ItemID, err)
	}
	if d.UndoneAt != nil {
		return nil
	}
	status, current, err := moveOverlap(im.ctx, im.tx, st, d, double)
	if err != nil {
		return fmt.Errorf("import decision on %s: %w", d.ItemID, err)
	}
	var skippedAt any
	if d.Verdict == review.Skipped {
		skippedAt = millis(d.EndedAt)
	}
	if _, err := im.tx.ExecContext(im.ctx, `UPDATE OR FAIL items SET status = ?, decision = ?, version = version + 1,
		skipped_at = ?, updated_at = ? WHERE seq = ?`, string(status), current, skippedAt, millis(d.EndedAt), st.seq); err != nil {
		return fmt.Errorf("import decision on %s: %w", d.ItemID, err)
	}
	return nil
}

// hintRules lists the distinct rules of hints, in order of first appearance.
func hintRules(hints []review.Hint) []string {
	var rules []string
	for _, h := range hints {
		if !slices.Contains(rules, h.Rule) {
			rules = append(rules, h.Rule)
		}
	}
	return rules
}

// deleteDetails removes the lookup rows of an item's replaced revision by their full keys: the tables are keyed for
// listing (rule or criterion first), so deleting by item alone would scan them whole.
func (im *Import) deleteDetails(seq int64, score float64, scoresJSON, hintsJSON string) error {
	var scores map[string]float64
	if err := json.Unmarshal([]byte(scoresJSON), &scores); err != nil {
		return err
	}
	for c, v := range scores {
		if _, err := im.stmts["delScores"].ExecContext(im.ctx, c, v, score, seq); err != nil {
			return err
		}
	}
	var hints []review.Hint
	if err := json.Unmarshal([]byte(hintsJSON), &hints); err != nil {
		return err
	}
	for _, rule := range hintRules(hints) {
		if _, err := im.stmts["delHints"].ExecContext(im.ctx, rule, score, seq); err != nil {
			return err
		}
	}
	return nil
}
