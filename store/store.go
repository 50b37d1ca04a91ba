// Package store keeps reviewdesk's data in one SQLite file (mattn/go-sqlite3): items, decisions, users, settings
// and the audit log. WAL with synchronous=FULL, so that a decision acknowledged to a reviewer survives a crash.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"

	"reviewdesk/review"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is an open reviewdesk database. Writes go through one connection (SQLite has one writer); reads use a pool.
type Store struct {
	path  string
	write *sql.DB
	read  *sql.DB
	// readConns is the read pool's size.
	readConns int
	now       func() time.Time
	bands     bandCache
	// hot holds the reviewing loop's statements, prepared on the writer connection at Open.
	hot map[string]*sql.Stmt
	// ckpt is the connection the background checkpointer uses; stop ends it. lastCheckpoint holds the pages in
	// the log and the pages copied at its last run.
	ckpt           *sql.DB
	stop           chan struct{}
	stopOnce       sync.Once
	done           chan struct{}
	lastCheckpoint atomic.Pointer[[2]int64]
}

// Options tune how a database is opened.
type Options struct {
	// Now is the clock; nil means time.Now. Tests inject a fixed clock.
	Now func() time.Time
	// ReadConns bounds the read pool; 0 means 4.
	ReadConns int
	// DayZone is the time zone whose calendar days the dashboard counts in, fixed when the database is created
	// (or migrated to schema 2); nil means time.Local. Store.SetDayOffset changes it later.
	DayZone *time.Location
}

// Open opens (creating if needed) the database at path and brings its schema up to date. A database written by a
// newer reviewdesk is refused rather than misread.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ReadConns == 0 {
		opts.ReadConns = 4
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("open database: %w", err)
		}
	}
	write, err := sql.Open("sqlite3", dsn(path, true))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	s := &Store{path: path, write: write, now: opts.Now}
	if err := s.migrate(ctx); err != nil {
		write.Close()
		return nil, err
	}
	if err := s.ensureAggregates(ctx, opts.DayZone); err != nil {
		write.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if _, err := s.write.ExecContext(ctx, "PRAGMA temp_store = MEMORY"); err != nil {
		write.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := s.prepareHot(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	read, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	read.SetMaxOpenConns(opts.ReadConns)
	read.SetMaxIdleConns(opts.ReadConns)
	s.read, s.readConns = read, opts.ReadConns
	if err := s.startCheckpointer(ctx); err != nil {
		read.Close()
		write.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return s, nil
}

// checkpointEvery is how often the background checkpointer copies the write-ahead log into the database file.
const checkpointEvery = 500 * time.Millisecond

// startCheckpointer takes checkpoints off the writer. By default SQLite checkpoints inside the commit that takes
// the log past 1,000 pages, so one decision in some dozens waited for the log to be copied into the database file
// and both to be synced: the p99 of claim + decide. The writer's automatic checkpoints are turned off and a
// connection of its own runs passive checkpoints (which never wait for a lock or block a writer) in the background.
// Durability is unchanged: a commit is durable once the log is synced, checkpointed or not.
func (s *Store) startCheckpointer(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 0"); err != nil {
		return err
	}
	ckpt, err := sql.Open("sqlite3", dsn(s.path, false))
	if err != nil {
		return err
	}
	ckpt.SetMaxOpenConns(1)
	s.ckpt, s.stop, s.done = ckpt, make(chan struct{}), make(chan struct{})
	go func() {
		defer close(s.done)
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				// A failed passive checkpoint (the database busy being restored, say) leaves the log for the next.
				var busy, log, copied int64
				if ckpt.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &copied) == nil {
					s.lastCheckpoint.Store(&[2]int64{log, copied})
				}
			}
		}
	}()
	return nil
}

// dsn builds the connection string. The writer takes its lock at BEGIN (txlock=immediate), so two writers queue
// on the busy timeout instead of failing on a lock upgrade halfway through.
func dsn(path string, writer bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_busy_timeout", "10000")
	q.Set("_foreign_keys", "on")
	// Page caches: 32 MB for the writer, 16 MB for each of the readers, so that a server on millions of items
	// stays within a couple of hundred megabytes.
	if writer {
		q.Set("_cache_size", "-32000")
		q.Set("_txlock", "immediate")
	} else {
		q.Set("_cache_size", "-16000")
		q.Set("_query_only", "true")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close checkpoints the WAL into the main file and closes every connection.
func (s *Store) Close() error {
	var errs []error
	if s.stop != nil {
		s.stopOnce.Do(func() {
			close(s.stop)
			<-s.done
			errs = append(errs, s.ckpt.Close())
		})
	}
	if s.read != nil {
		errs = append(errs, s.read.Close())
	}
	for _, st := range s.hot {
		st.Close()
	}
	_, err := s.write.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	errs = append(errs, err, s.write.Close())
	return errors.Join(errs...)
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		n, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(n)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and an underscore", e.Name())
		}
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{v, e.Name(), string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the schema version this binary writes.
func SchemaVersion() int {
	ms, _ := migrations()
	return len(ms)
}

func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var current int
	if err := s.write.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("open database %s: %w", s.path, describeOpenError(err))
	}
	if current > len(ms) {
		return review.Errorf(review.Invalid, "database %s has schema version %d, but this reviewdesk knows versions up to %d: "+
			"use a newer reviewdesk (or restore a backup made by this version)", s.path, current, len(ms))
	}
	for _, m := range ms[current:] {
		err := s.inTx(ctx, func(tx *wtx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version))
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate %s to version %d (%s): %w", s.path, m.version, m.name, err)
		}
	}
	return nil
}

func describeOpenError(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrNotADB || se.Code == sqlite3.ErrCorrupt) {
		return review.Errorf(review.Invalid, "not a reviewdesk database, or it is damaged (%v); check the --db path", err)
	}
	return err
}

// inTx runs fn in a durable write transaction, committing when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(*wtx) error) error {
	return s.inTxWith(ctx, true, fn)
}

// inTxWith runs fn in a write transaction. A transaction that is not durable commits without waiting for the disk
// (synchronous=NORMAL): it survives a process crash but may be lost with the machine's power; the next durable
// commit makes it durable too.
func (s *Store) inTxWith(ctx context.Context, durable bool, fn func(*wtx) error) error {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if !durable {
		if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = NORMAL"); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA synchronous = FULL")
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(&wtx{Tx: tx, hot: s.hot}); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// bigCache gives the writer a 256 MB page cache until restore is called: bulk work that inserts into large indexes
// in key order unrelated to the table's (gold bookkeeping, imports) otherwise rereads index pages from disk for
// almost every row once the database outgrows the usual 32 MB.
func (s *Store) bigCache(ctx context.Context) (restore func(), err error) {
	if _, err := s.write.ExecContext(ctx, "PRAGMA cache_size = -262144"); err != nil {
		return nil, err
	}
	return func() { s.write.ExecContext(context.WithoutCancel(ctx), "PRAGMA cache_size = -32000") }, nil
}

// tempOnDisk keeps the writer's temporary tables and sorts in files until restore is called, for bulk work whose
// temporary data grows with the database (the gold bookkeeping's keys, the rebuilt counts). Otherwise the writer
// keeps them in memory: a decision's UPDATE fires the dashboard-count triggers, whose statement journal outgrows
// SQLite's 64 KB in-memory spill and, with temporary storage in files, creates and deletes a file in every decision
// (1.9 ms of the update's 2 ms here; 0.13 ms in memory).
func (s *Store) tempOnDisk(ctx context.Context) (restore func(), err error) {
	if _, err := s.write.ExecContext(ctx, "PRAGMA temp_store = FILE"); err != nil {
		return nil, err
	}
	return func() { s.write.ExecContext(context.WithoutCancel(ctx), "PRAGMA temp_store = MEMORY") }, nil
}

// wtx is a write transaction that runs the reviewing loop's statements from the ones prepared at Open: parsing
// and planning them again for every claim and decision would cost more than running them.
type wtx struct {
	*sql.Tx
	hot map[string]*sql.Stmt
}

func (t *wtx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st, ok := t.hot[query]; ok {
		return t.Tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

func (t *wtx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st, ok := t.hot[query]; ok {
		return t.Tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

func (t *wtx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st, ok := t.hot[query]; ok {
		return t.Tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

// prepareHot prepares the statements of the reviewing loop on the writer connection, once; write transactions then
// reuse them (wtx). It must run while no transaction holds the writer.
func (s *Store) prepareHot(ctx context.Context) error {
	s.hot = map[string]*sql.Stmt{}
	for _, q := range hotStatements() {
		st, err := s.write.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", q, err)
		}
		s.hot[q] = st
	}
	return nil
}

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func nullMillis(ns sql.NullInt64) *time.Time {
	if !ns.Valid {
		return nil
	}
	t := fromMillis(ns.Int64)
	return &t
}

// txer is a transaction: a *sql.Tx, or a wtx that reuses prepared statements.
type txer interface {
	execer
	querier
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// hotStatements are the statements of the reviewing loop: claims, decisions and what a decision counts.
func hotStatements() []string {
	return append([]string{qLoadState, qInsertDecision, qOverlapRate, qDecideItem, qSummary, qRelease, qHeld, qLease,
		qPickSecond, qPickBand, qPickHints, qPickScore, qPickSkippedByOthers, qPickSkipped, qLinkCalls, qAudit},
		countDecisionStatements...)
}
