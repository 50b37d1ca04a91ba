package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"reviewdesk/review"
)

// ExportTarget is what the database knows about one exported table: the Delta txn appId its exports carry, the
// last txn version it has seen committed and the table version its gold_rows reflect.
type ExportTarget struct {
	ID         int64      `json:"id"`
	Key        string     `json:"key"`
	AppID      string     `json:"app_id"`
	Txn        int64      `json:"txn"`
	Version    int64      `json:"version"`
	ExportedAt *time.Time `json:"exported_at,omitempty"`
}

// ExportTarget returns the target with the given key, creating it (with no rows, at version -1) the first time.
func (s *Store) ExportTarget(ctx context.Context, key, appID string) (ExportTarget, error) {
	t := ExportTarget{Key: key, AppID: appID}
	err := s.inTx(ctx, func(tx *wtx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO export_targets (key, app_id) VALUES (?, ?) ON CONFLICT(key) DO NOTHING`,
			key, appID); err != nil {
			return err
		}
		var at sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT id, app_id, txn, version, exported_at FROM export_targets WHERE key = ?`, key).
			Scan(&t.ID, &t.AppID, &t.Txn, &t.Version, &at); err != nil {
			return err
		}
		t.ExportedAt = nullMillis(at)
		return nil
	})
	if err != nil {
		return t, fmt.Errorf("export target %s: %w", key, err)
	}
	return t, nil
}

// GoldFiles returns the data files (with their row counts) that the database believes the target's table holds.
func (s *Store) GoldFiles(ctx context.Context, target int64) (map[string]int64, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT file, rows FROM gold_files WHERE target = ?`, target)
	if err != nil {
		return nil, fmt.Errorf("list gold files: %w", err)
	}
	defer rows.Close()
	files := map[string]int64{}
	for rows.Next() {
		var f string
		var n int64
		if err := rows.Scan(&f, &n); err != nil {
			return nil, fmt.Errorf("list gold files: %w", err)
		}
		files[f] = n
	}
	return files, rows.Err()
}

// GoldKey is what identifies one row of the gold table: the item, and the decision and item version it shows.
type GoldKey struct {
	ID       string
	Decision int64
	Version  int64
}

// GoldSync brings a target's bookkeeping up to a table version: the files it no longer holds go, the files it
// gained come with their rows.
type GoldSync struct {
	Target  int64
	Version int64
	Txn     int64
	Removed []string
	Added   []string
	// ExportedAt, when set, records the time of the export that made this version.
	ExportedAt time.Time
}

// SyncGold applies a GoldSync in one transaction. keys reads the rows of one added file and passes each to put.
func (s *Store) SyncGold(ctx context.Context, g GoldSync, keys func(file string, put func(GoldKey) error) error) error {
	restore, err := s.bigCache(ctx)
	if err != nil {
		return err
	}
	defer restore()
	onDisk, err := s.tempOnDisk(ctx)
	if err != nil {
		return err
	}
	defer onDisk()
	err = s.inTx(ctx, func(tx *wtx) error {
		for _, f := range g.Removed {
			if _, err := tx.ExecContext(ctx, `DELETE FROM gold_rows WHERE target = ? AND file = ?`, g.Target, f); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM gold_files WHERE target = ? AND file = ?`, g.Target, f); err != nil {
				return err
			}
		}
		if len(g.Added) > 0 {
			ins, err := newGoldInserter(ctx, tx.Tx, g.Target)
			if err != nil {
				return err
			}
			defer ins.close()
			for _, f := range g.Added {
				var n int64
				if err := keys(f, func(k GoldKey) error {
					n++
					return ins.add(k, f)
				}); err != nil {
					return err
				}
				if err := ins.flush(); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO gold_files (target, file, rows) VALUES (?, ?, ?)`,
					g.Target, f, n); err != nil {
					return err
				}
			}
			if err := ins.finish(); err != nil {
				return err
			}
		}
		var at any
		if !g.ExportedAt.IsZero() {
			at = millis(g.ExportedAt)
		}
		_, err := tx.ExecContext(ctx, `UPDATE export_targets SET version = ?, txn = max(txn, ?), exported_at = coalesce(?, exported_at)
			WHERE id = ?`, g.Version, g.Txn, at, g.Target)
		return err
	})
	if err != nil {
		return fmt.Errorf("sync gold bookkeeping of target %d to version %d: %w", g.Target, g.Version, err)
	}
	return nil
}

// goldInserter collects the keys read back from a table's new files and upserts them into gold_rows sorted by id.
// The files hold rows in the order they were exported, which is random by id; inserting a million keys in that
// order into gold_rows' B-tree cost about 25 µs a row, sorted it is sequential. Keys go through a temporary table,
// which SQLite sorts on disk, so memory stays bounded.
type goldInserter struct {
	ctx    context.Context
	tx     *sql.Tx
	target int64
	full   *sql.Stmt
	args   []any
}

const goldInsertBatch = 256

func newGoldInserter(ctx context.Context, tx *sql.Tx, target int64) (*goldInserter, error) {
	for _, q := range []string{
		`CREATE TEMP TABLE IF NOT EXISTS gold_sync (id TEXT NOT NULL, decision INTEGER NOT NULL, version INTEGER NOT NULL, file TEXT NOT NULL)`,
		`DELETE FROM temp.gold_sync`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return nil, err
		}
	}
	return &goldInserter{ctx: ctx, tx: tx, target: target, args: make([]any, 0, 4*goldInsertBatch)}, nil
}

func goldInsertSQL(n int) string {
	return `INSERT INTO temp.gold_sync (id, decision, version, file) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?),", n), ",")
}

func (g *goldInserter) add(k GoldKey, file string) error {
	g.args = append(g.args, k.ID, k.Decision, k.Version, file)
	if len(g.args) < cap(g.args) {
		return nil
	}
	if g.full == nil {
		var err error
		if g.full, err = g.tx.PrepareContext(g.ctx, goldInsertSQL(goldInsertBatch)); err != nil {
			return err
		}
	}
	_, err := g.full.ExecContext(g.ctx, g.args...)
	g.args = g.args[:0]
	return err
}

func (g *goldInserter) flush() error {
	if len(g.args) == 0 {
		return nil
	}
	_, err := g.tx.ExecContext(g.ctx, goldInsertSQL(len(g.args)/4), g.args...)
	g.args = g.args[:0]
	return err
}

// finish upserts the collected keys into gold_rows in id order.
func (g *goldInserter) finish() error {
	if err := g.flush(); err != nil {
		return err
	}
	if _, err := g.tx.ExecContext(g.ctx, `INSERT INTO gold_rows (target, id, decision, version, file)
		SELECT ?, id, decision, version, file FROM temp.gold_sync WHERE true ORDER BY id
		ON CONFLICT(target, id) DO UPDATE SET decision = excluded.decision, version = excluded.version, file = excluded.file`,
		g.target); err != nil {
		return err
	}
	_, err := g.tx.ExecContext(g.ctx, `DELETE FROM temp.gold_sync`)
	return err
}

func (g *goldInserter) close() {
	if g.full != nil {
		g.full.Close()
	}
}

// GoldRow is one approved item as the gold table holds it. OriginalSummary and the scores are those of the revision
// the decision judged, which a later re-import may have replaced.
type GoldRow struct {
	ID              string
	Company         string
	Summary         string
	OriginalSummary string
	Verdict         review.Verdict
	Scores          map[string]float64
	Score           float64
	MaxScore        float64
	Checks          map[string]bool
	Reasons         []string
	Reviewer        string
	ReviewedAt      time.Time
	Seconds         float64
	RulesVersion    string
	HintRules       []string
	Batch           string
	SourceSHA256    string
	Generator       string
	Judge           string
	PromptVersion   string
	DecisionID      int64
	ItemVersion     int64
}

// approvedItems is the condition for an item whose current decision releases it to the gold table. An item waiting
// for its blind second review is not released yet: the second reviewer may disagree. The "+" keeps SQLite from
// using the status index, so that the rows come in seq order without a sort.
const approvedItems = `+items.status IN ('accepted', 'edited') AND items.overlap != 1
	AND d.verdict IN ('accepted', 'edited') AND d.undone_at IS NULL`

// goldQuery reads the approved items of one range of seqs (?2 to ?3) that the target (?1) lacks or holds stale.
const goldQuery = `SELECT items.id, items.company, d.final_text, coalesce(r.summary, items.summary), d.verdict,
	coalesce(r.scores, items.scores), coalesce(r.score, items.score), items.max_score, d.checks, d.reasons, d.reviewer,
	d.ended_at, d.seconds, d.rules_version, items.hints, items.batch, items.source_sha256, items.generator,
	items.judge, items.prompt_version, d.id, items.version
	FROM items JOIN decisions d ON d.id = items.decision
	LEFT JOIN item_revisions r ON r.seq = items.seq AND r.revision = d.revision
	LEFT JOIN gold_rows g ON g.target = ?1 AND g.id = items.id
	WHERE items.seq BETWEEN ?2 AND ?3 AND ` + approvedItems + ` AND (g.version IS NULL OR g.version != items.version)
	ORDER BY items.seq`

// GoldChanges reads, from one snapshot of the database, what the target's table must change to match it. stale
// gets each row the table holds whose item changed since it was exported (reopened, decided again, undone, revised,
// deleted), grouped by file; then fresh gets every approved item the table lacks or holds stale, in item order. The
// row passed to fresh is reused: copy what must outlive the call.
func (s *Store) GoldChanges(ctx context.Context, target int64, stale func(id, file string) error, fresh func(*GoldRow) error) error {
	return s.readSnapshots(ctx, "read gold changes", goldReaders, func(txs []*sql.Tx) error {
		rows, err := txs[0].QueryContext(ctx, `SELECT g.id, g.file FROM gold_rows g LEFT JOIN items ON items.id = g.id
			WHERE g.target = ? AND (items.seq IS NULL OR items.version != g.version) ORDER BY g.file, g.id`, target)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, file string
			if err := rows.Scan(&id, &file); err != nil {
				return err
			}
			if err := stale(id, file); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		return scanGold(ctx, txs, target, fresh)
	})
}

// GoldRows streams every approved item in item order, for exports that write the whole table each time.
func (s *Store) GoldRows(ctx context.Context, fn func(*GoldRow) error) error {
	return s.readSnapshots(ctx, "read gold rows", goldReaders, func(txs []*sql.Tx) error { return scanGold(ctx, txs, 0, fn) })
}

// CountGold returns about how many items are approved for the gold table, from the status index alone: a progress
// bar's total (it also counts the few items awaiting a second review).
func (s *Store) CountGold(ctx context.Context) (int64, error) {
	var n int64
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM items WHERE status IN ('accepted', 'edited')`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count gold rows: %w", err)
	}
	return n, nil
}

// readSnapshot runs fn in one read transaction on a connection that maps the database file into memory while it
// runs: an export reads the whole table, and through the page cache each page costs a system call of its own.
func (s *Store) readSnapshot(ctx context.Context, op string, fn func(*sql.Tx) error) error {
	return s.readSnapshots(ctx, op, 1, func(txs []*sql.Tx) error { return fn(txs[0]) })
}

// readSnapshots runs fn with n read transactions (fewer when the read pool is small), on connections mapped as
// readSnapshot's is, that all see one snapshot of the database: they start while this store holds the write lock,
// so no commit can land between them.
func (s *Store) readSnapshots(ctx context.Context, op string, n int, fn func([]*sql.Tx) error) error {
	wrap := func(err error) error { return fmt.Errorf("%s: %w", op, err) }
	n = max(min(n, s.readConns-1), 1) // one connection stays for the server's lists
	unlock := func() error { return nil }
	if n > 1 {
		w, err := s.write.Conn(ctx)
		if err != nil {
			return wrap(err)
		}
		lock, err := w.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock
		if err != nil {
			w.Close()
			return wrap(err)
		}
		unlock = sync.OnceValue(func() error {
			defer w.Close() // back to the pool for the writers waiting
			return lock.Rollback()
		})
		defer unlock()
	}
	txs := make([]*sql.Tx, n)
	for i := range txs {
		conn, err := s.read.Conn(ctx)
		if err != nil {
			return wrap(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "PRAGMA mmap_size = 1099511627776"); err != nil {
			return wrap(err)
		}
		// Back to reads through the page cache before the connection returns to the pool, so that a server's
		// resident memory does not grow by the pages the lists happen to touch.
		defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA mmap_size = 0")
		if txs[i], err = conn.BeginTx(ctx, nil); err != nil {
			return wrap(err)
		}
		defer txs[i].Rollback()
		// A transaction takes its snapshot at its first read.
		var one int
		if err := txs[i].QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1 FROM items LIMIT 1)").Scan(&one); err != nil {
			return wrap(err)
		}
		if snapshotTaken != nil {
			snapshotTaken()
		}
	}
	if err := unlock(); err != nil {
		return wrap(err)
	}
	if err := fn(txs); err != nil {
		return wrap(err)
	}
	return nil
}

// snapshotTaken, when set (by tests), runs after each of readSnapshots' transactions has taken its snapshot.
var snapshotTaken func()

// goldReaders is how many connections read an export's rows at once, each a range of goldChunk seqs in turn: reading
// and decoding the rows is most of an export's work, and the Parquet writer needs less than a core.
var (
	goldReaders       = min(max(runtime.NumCPU(), 1), 3)
	goldChunk   int64 = 2048
)

// scanGold passes the approved items the target lacks or holds stale to fn in seq order, on the caller's
// goroutine. Each transaction reads its share of the ranges of seqs in a goroutine of its own, a few ranges ahead.
func scanGold(ctx context.Context, txs []*sql.Tx, target int64, fn func(*GoldRow) error) error {
	var lo, hi sql.NullInt64
	if err := txs[0].QueryRowContext(ctx, `SELECT min(seq), max(seq) FROM items`).Scan(&lo, &hi); err != nil || !lo.Valid {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	type chunk struct {
		rows []GoldRow
		err  error
	}
	k := int64(len(txs))
	out := make([]chan chunk, k)
	for i, tx := range txs {
		out[i] = make(chan chunk, 2)
		wg.Go(func() {
			defer close(out[i])
			send := func(c chunk) bool {
				select {
				case out[i] <- c:
					return c.err == nil
				case <-ctx.Done():
					return false
				}
			}
			stmt, err := tx.PrepareContext(ctx, goldQuery)
			if err != nil {
				send(chunk{err: err})
				return
			}
			defer stmt.Close()
			var in interner
			for from := lo.Int64 + int64(i)*goldChunk; from <= hi.Int64; from += k * goldChunk {
				rows, err := readGoldChunk(ctx, stmt, target, from, from+goldChunk-1, &in)
				if !send(chunk{rows, err}) {
					return
				}
			}
		})
	}
	// Range c is read by transaction c mod k; once one has no range left, no later range exists.
	for c := int64(0); ; c++ {
		ch, ok := <-out[c%k]
		if !ok {
			return nil
		}
		if ch.err != nil {
			return ch.err
		}
		for i := range ch.rows {
			if err := fn(&ch.rows[i]); err != nil {
				return err
			}
		}
	}
}

func readGoldChunk(ctx context.Context, stmt *sql.Stmt, target, from, to int64, in *interner) ([]GoldRow, error) {
	rows, err := stmt.QueryContext(ctx, target, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		out                                       []GoldRow
		scores, checks, reasons                   string
		ended                                     int64
		hints                                     sql.RawBytes
		verdict, reviewer, rules, batch, gen, jdg sql.RawBytes
		prompt                                    sql.RawBytes
	)
	for rows.Next() {
		out = append(out, GoldRow{})
		r := &out[len(out)-1]
		if err := rows.Scan(&r.ID, &r.Company, &r.Summary, &r.OriginalSummary, &verdict, &scores, &r.Score, &r.MaxScore,
			&checks, &reasons, &reviewer, &ended, &r.Seconds, &rules, &hints, &batch, &r.SourceSHA256,
			&gen, &jdg, &prompt, &r.DecisionID, &r.ItemVersion); err != nil {
			return nil, err
		}
		r.Verdict, r.Reviewer, r.RulesVersion = review.Verdict(in.get(verdict)), in.get(reviewer), in.get(rules)
		r.Batch, r.Generator, r.Judge, r.PromptVersion = in.get(batch), in.get(gen), in.get(jdg), in.get(prompt)
		r.ReviewedAt = fromMillis(ended)
		if err := decodeDetails(r.ID, scores, checks, reasons, &r.Scores, &r.Checks, &r.Reasons); err != nil {
			return nil, err
		}
		r.HintRules = hintRuleIDs(hints)
	}
	return out, rows.Err()
}

// interner shares one string among the rows for the columns that repeat (verdict, reviewer, batch, models): a
// million rows would otherwise allocate each of them a million times.
type interner map[string]string

// maxInterned bounds an interner; past it, values are copied as usual.
const maxInterned = 4096

func (in *interner) get(b []byte) string {
	if *in == nil {
		*in = interner{}
	}
	if s, ok := (*in)[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(*in) < maxInterned {
		(*in)[s] = s
	}
	return s
}

func decodeDetails(id, scores, checks, reasons string, sc *map[string]float64, ch *map[string]bool, rs *[]string) error {
	*sc, *ch, *rs = nil, nil, nil
	if !fastScores(scores, sc) {
		if err := json.Unmarshal([]byte(scores), sc); err != nil {
			return fmt.Errorf("item %s: scores: %w", id, err)
		}
	}
	if checks != "{}" && checks != "" && !fastChecks(checks, ch) {
		if err := json.Unmarshal([]byte(checks), ch); err != nil {
			return fmt.Errorf("item %s: checks: %w", id, err)
		}
	}
	if reasons != "[]" && reasons != "" && !fastStrings(reasons, rs) {
		if err := json.Unmarshal([]byte(reasons), rs); err != nil {
			return fmt.Errorf("item %s: reasons: %w", id, err)
		}
	}
	return nil
}

// The fast decoders read the flat JSON that json.Marshal wrote for scores, checks and reasons, a few times faster
// than encoding/json, which matters at a million rows. They give up (false) on anything else, such as an escaped
// character, and the caller falls back to encoding/json.

func fastScores(s string, out *map[string]float64) bool {
	m := map[string]float64{}
	ok := flatObject(s, func(k, v string) bool {
		f, err := strconv.ParseFloat(v, 64)
		m[k] = f
		return err == nil
	})
	if ok {
		*out = m
	}
	return ok
}

func fastChecks(s string, out *map[string]bool) bool {
	m := map[string]bool{}
	ok := flatObject(s, func(k, v string) bool {
		m[k] = v == "true"
		return v == "true" || v == "false"
	})
	if ok {
		*out = m
	}
	return ok
}

// flatObject walks {"k":v,...} whose keys have no escapes and whose values are numbers or literals.
func flatObject(s string, fn func(k, v string) bool) bool {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return false
	}
	s = s[1 : len(s)-1]
	for s != "" {
		if s[0] != '"' {
			return false
		}
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return false
		}
		key := s[1 : 1+end]
		if strings.IndexByte(key, '\\') >= 0 {
			return false
		}
		s = s[2+end:]
		if s == "" || s[0] != ':' {
			return false
		}
		s = s[1:]
		vEnd := strings.IndexByte(s, ',')
		val := s
		if vEnd >= 0 {
			val, s = s[:vEnd], s[vEnd+1:]
		} else {
			s = ""
		}
		if !fn(key, val) {
			return false
		}
	}
	return true
}

// fastStrings reads ["a","b"] whose strings have no escapes.
func fastStrings(s string, out *[]string) bool {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return false
	}
	s = s[1 : len(s)-1]
	var list []string
	for s != "" {
		if len(s) < 2 || s[0] != '"' {
			return false
		}
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return false
		}
		v := s[1 : 1+end]
		if strings.IndexByte(v, '\\') >= 0 {
			return false
		}
		list = append(list, v)
		s = s[2+end:]
		if s != "" {
			if s[0] != ',' {
				return false
			}
			s = s[1:]
		}
	}
	*out = list
	return true
}

// hintRuleIDs returns the distinct rule ids of an item's hints (JSON of []review.Hint), sorted. It scans for the
// "rule" keys instead of decoding every hint's spans and messages: a quote inside a JSON string is always escaped,
// so the byte sequence "rule":" only occurs as a key.
func hintRuleIDs(hints []byte) []string {
	var out []string
	key := []byte(`"rule":"`)
	for {
		i := bytes.Index(hints, key)
		if i < 0 {
			break
		}
		hints = hints[i+len(key):]
		j := bytes.IndexByte(hints, '"')
		if j < 0 {
			break
		}
		if rule := string(hints[:j]); !slices.Contains(out, rule) {
			out = append(out, rule)
		}
		hints = hints[j:]
	}
	slices.Sort(out)
	return out
}

// DecisionRow is one decision with what it was made on, for the feedback datasets.
type DecisionRow struct {
	DecisionID int64
	ID         string
	Company    string
	Revision   int
	Verdict    review.Verdict
	// Current is set for the decision that stands for its item; undone and superseded ones are history.
	Current         bool
	UndoneAt        *time.Time
	FinalText       string
	OriginalSummary string
	Scores          map[string]float64
	Score           float64
	MaxScore        float64
	Reasons         []string
	Checks          map[string]bool
	Comment         string
	Reviewer        string
	StartedAt       time.Time
	EndedAt         time.Time
	Seconds         float64
	RulesVersion    string
	HintRules       []string
	// Hints is the item's hints as JSON (review.Hint), with spans and messages.
	Hints         string
	Batch         string
	SourceSHA256  string
	Generator     string
	Judge         string
	PromptVersion string
	// Source is the source text, read only when DecisionQuery.Source asks for it.
	Source string
}

// DecisionQuery chooses the decisions DecisionRows reads.
type DecisionQuery struct {
	// Current reads only the decision that stands for each item, and only reviewed ones (accepted, edited, rejected).
	Current bool
	// Source reads the source texts too.
	Source bool
}

// DecisionRows streams decisions in id order (the order they were made). The row passed to fn is reused.
func (s *Store) DecisionRows(ctx context.Context, q DecisionQuery, fn func(*DecisionRow) error) error {
	source, join, where := `''`, ``, ``
	if q.Source {
		source, join = `coalesce(src.text, '')`, `LEFT JOIN sources src ON src.seq = items.seq`
	}
	if q.Current {
		where = `WHERE items.decision = d.id AND d.undone_at IS NULL AND d.verdict IN ('accepted', 'edited', 'rejected')
			AND items.overlap != 1`
	}
	query := `SELECT d.id, items.id, items.company, d.revision, d.verdict, coalesce(items.decision = d.id, 0), d.undone_at,
		d.final_text, coalesce(r.summary, items.summary), coalesce(r.scores, items.scores), coalesce(r.score, items.score),
		items.max_score, d.reasons, d.checks, d.comment, d.reviewer, d.started_at, d.ended_at, d.seconds, d.rules_version,
		items.hints, items.batch, items.source_sha256, items.generator, items.judge, items.prompt_version, ` + source + `
		FROM decisions d JOIN items ON items.seq = d.seq
		LEFT JOIN item_revisions r ON r.seq = items.seq AND r.revision = d.revision ` + join + ` ` + where + ` ORDER BY d.id`
	return s.readSnapshot(ctx, "read decisions", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		defer rows.Close()
		var (
			r                       DecisionRow
			scores, checks, reasons string
			started, ended          int64
			undone                  sql.NullInt64
		)
		for rows.Next() {
			if err := rows.Scan(&r.DecisionID, &r.ID, &r.Company, &r.Revision, &r.Verdict, &r.Current, &undone, &r.FinalText,
				&r.OriginalSummary, &scores, &r.Score, &r.MaxScore, &reasons, &checks, &r.Comment, &r.Reviewer, &started,
				&ended, &r.Seconds, &r.RulesVersion, &r.Hints, &r.Batch, &r.SourceSHA256, &r.Generator, &r.Judge,
				&r.PromptVersion, &r.Source); err != nil {
				return err
			}
			r.StartedAt, r.EndedAt, r.UndoneAt = fromMillis(started), fromMillis(ended), nullMillis(undone)
			if err := decodeDetails(r.ID, scores, checks, reasons, &r.Scores, &r.Checks, &r.Reasons); err != nil {
				return fmt.Errorf("decision %d: %w", r.DecisionID, err)
			}
			r.HintRules = hintRuleIDs([]byte(r.Hints))
			if err := fn(&r); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}
