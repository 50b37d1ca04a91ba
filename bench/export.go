package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"reviewdesk/store"
)

// approve decides open items directly in SQL, as fast as a benchmark needs: accepted (every fifth rejected), by
// made-up reviewers over the last days. share is the fraction of the open items to decide. The dashboard's counts
// are rebuilt afterwards with `reviewdesk stats --rebuild`, the repair path for writes that bypass the store.
func approve(db string, share float64) (int, error) {
	// A 1 GB page cache, and OR FAIL so that the UPDATE, whose count triggers fire for every row, needs no statement
	// journal: with SQLite's 2 MB default the one big transaction rewrote its pages into the log over and over
	// (22 GB written for 500,000 decisions in 17 minutes on this machine).
	conn, err := sql.Open("sqlite3", "file:"+db+"?_journal_mode=WAL&_busy_timeout=10000&_cache_size=-1000000")
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1) // the temporary table below lives on one connection
	now := time.Now().UnixMilli()
	var open int
	if err := conn.QueryRow(`SELECT count(*) FROM items WHERE status IN ('pending', 'skipped')`).Scan(&open); err != nil {
		return 0, err
	}
	n := int(float64(open) * share)
	for _, q := range []string{
		`CREATE TEMP TABLE picked AS SELECT seq FROM items WHERE status IN ('pending', 'skipped') ORDER BY sample_key LIMIT ?2`,
		`INSERT INTO decisions (seq, revision, verdict, final_text, reasons, checks, comment, reviewer, started_at, ended_at,
		   seconds, rules_version, batch, rules)
		 SELECT items.seq, revision, CASE WHEN items.seq % 5 = 0 THEN 'rejected' ELSE 'accepted' END,
		   CASE WHEN items.seq % 5 = 0 THEN '' ELSE summary END,
		   CASE WHEN items.seq % 5 = 0 THEN '["vague"]' ELSE '[]' END, '{}', '', 'r' || (items.seq % 12),
		   ?1 - (items.seq % 864000) * 1000 - 30000, ?1 - (items.seq % 864000) * 1000, 30, rules_version, batch, '[]'
		 FROM items JOIN temp.picked USING (seq)`,
		`UPDATE OR FAIL items SET status = (SELECT verdict FROM decisions WHERE decisions.id =
		   (SELECT max(id) FROM decisions WHERE decisions.seq = items.seq)), version = version + 1,
		   decision = (SELECT max(id) FROM decisions WHERE decisions.seq = items.seq)
		 WHERE seq IN (SELECT seq FROM temp.picked)`,
		`DROP TABLE temp.picked`,
	} {
		if _, err := conn.Exec(q, now, n); err != nil {
			return 0, fmt.Errorf("approve items: %w", err)
		}
	}
	return n, nil
}

// measureDashboard decides half of the open items (about 500,000 decisions at a million items) and times the
// dashboard and stats on them.
func measureDashboard(cfg config, db string, r *report) error {
	logf("dashboard: deciding half of the open items")
	n, err := approve(db, 0.5)
	if err != nil {
		return err
	}
	d, _, err := reviewdesk(cfg, "stats", "--db", db, "--rebuild", "--json")
	if err != nil {
		return err
	}
	var decisions int
	conn, _ := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	conn.QueryRow(`SELECT count(*) FROM decisions WHERE undone_at IS NULL`).Scan(&decisions)
	conn.Close()
	r.note("Dashboard database: %d items, %d decisions (%d of them written directly for the benchmark, whose counts "+
		"`reviewdesk stats --rebuild` rebuilt in %v).", cfg.items, decisions, n, d.Round(time.Millisecond))
	syscall.Sync()
	s, _, err := startServer(cfg, db)
	if err != nil {
		return err
	}
	defer s.stop()
	for _, ep := range []struct{ name, path string }{{"dashboard", "/api/dashboard"}, {"stats", "/api/stats"},
		{"dashboard, one batch and 7 days", "/api/dashboard?batch=2025-10-a&from=" + time.Now().AddDate(0, 0, -7).Format("2006-01-02")}} {
		var lat []time.Duration
		for range 20 {
			t0 := time.Now()
			if err := s.get(ep.path, nil); err != nil {
				return err
			}
			lat = append(lat, time.Since(t0))
		}
		p := percentile(lat, 1)
		r.add(ep.name+", slowest of 20 (ms)", ms(p), "", 0, "≤ 200", p <= 200*time.Millisecond)
	}
	t0 := time.Now()
	if _, _, err := reviewdesk(cfg, "stats", "--db", db, "--json"); err != nil {
		return err
	}
	r.note("`reviewdesk stats --json` on that database, the whole process: %v.", time.Since(t0).Round(time.Millisecond))
	return nil
}

// measureExport approves every open item and times the gold export to a Delta table, against the Parquet library
// writing the same rows with no Delta log (reviewdesk's own Parquet snapshot, which reads the rows the same way).
func measureExport(cfg config, db string, r *report) error {
	logf("export: approving every open item")
	if _, err := approve(db, 1); err != nil {
		return err
	}
	conn, _ := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	var approved float64
	err := conn.QueryRow(`SELECT count(*) FROM items WHERE status IN ('accepted', 'edited')`).Scan(&approved)
	conn.Close()
	if err != nil {
		return err
	}
	gold := filepath.Join(cfg.work, "gold")
	os.RemoveAll(gold)
	logf("export: gold Delta table (%.0f rows)", approved)
	syscall.Sync() // the approvals' writeback is theirs, not the export's
	dDelta, memDelta, err := reviewdesk(cfg, "export", "gold", "--db", db, "--to", gold)
	if err != nil {
		return err
	}
	snap := filepath.Join(cfg.work, "gold-parquet")
	os.RemoveAll(snap)
	logf("export: baseline Parquet snapshot")
	syscall.Sync()
	dParquet, _, err := reviewdesk(cfg, "export", "gold", "--db", db, "--to", snap, "--format", "parquet")
	if err != nil {
		return err
	}
	logf("export: reading the rows alone")
	syscall.Sync()
	dRead, err := readGold(db)
	if err != nil {
		return err
	}
	delta, pq, read := approved/dDelta.Seconds(), approved/dParquet.Seconds(), approved/dRead.Seconds()
	r.add("gold export to Delta (rows/s)", delta, "the Parquet library writing the same rows, no Delta log", pq,
		"≥ 100,000 and ≥ 0.7× Parquet", delta >= 100000 && delta >= 0.7*pq)
	r.add("gold export to Delta (rows/s)", delta, "ceiling: reading the same rows out of SQLite and writing nothing", read, "", true)
	r.add("gold export to Delta, peak resident memory (MB)", memDelta, "", 0, "", true)
	r.note("Gold export of %.0f approved rows: Delta %v, bare Parquet %v (process start-up and reading the rows from SQLite included in both); reading the rows alone %v.",
		approved, dDelta.Round(time.Millisecond), dParquet.Round(time.Millisecond), dRead.Round(time.Millisecond))
	os.RemoveAll(gold)
	os.RemoveAll(snap)
	return nil
}

// readGold reads the approved rows the way the gold export does (the store's own query and decoding, through a
// memory map) and does nothing with them: the floor under any export of these rows from this database.
func readGold(db string) (time.Duration, error) {
	ctx := context.Background()
	t0 := time.Now()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		return 0, err
	}
	defer st.Close()
	n := 0
	if err := st.GoldRows(ctx, func(*store.GoldRow) error { n++; return nil }); err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, fmt.Errorf("read gold rows: none")
	}
	return time.Since(t0), nil
}
