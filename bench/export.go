package main

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// measureExport approves every open item of the benchmark database and times the gold export to a Delta table,
// against the Parquet library writing the same rows with no Delta log (reviewdesk's own Parquet snapshot, which
// reads the rows the same way).
func measureExport(cfg config, db string, r *report) error {
	logf("export: approving every open item")
	conn, err := sql.Open("sqlite3", "file:"+db+"?_journal_mode=WAL&_busy_timeout=10000")
	if err != nil {
		return err
	}
	now := time.Now().UnixMilli()
	for _, q := range []string{
		`INSERT INTO decisions (seq, revision, verdict, final_text, reasons, checks, comment, reviewer, started_at, ended_at, seconds, rules_version)
		 SELECT seq, revision, 'accepted', summary, '[]', '{}', '', 'bench', ?1 - 30000, ?1, 30, rules_version FROM items
		 WHERE status IN ('pending', 'skipped')`,
		`UPDATE items SET status = 'accepted', version = version + 1,
		 decision = (SELECT max(id) FROM decisions WHERE decisions.seq = items.seq) WHERE status IN ('pending', 'skipped')`,
	} {
		if _, err := conn.Exec(q, now); err != nil {
			conn.Close()
			return fmt.Errorf("approve items: %w", err)
		}
	}
	var approved float64
	if err := conn.QueryRow(`SELECT count(*) FROM items WHERE status IN ('accepted', 'edited')`).Scan(&approved); err != nil {
		conn.Close()
		return err
	}
	conn.Close()

	gold := filepath.Join(cfg.work, "gold")
	os.RemoveAll(gold)
	logf("export: gold Delta table (%.0f rows)", approved)
	dDelta, _, err := reviewdesk(cfg, "export", "gold", "--db", db, "--to", gold)
	if err != nil {
		return err
	}
	snap := filepath.Join(cfg.work, "gold-parquet")
	os.RemoveAll(snap)
	logf("export: baseline Parquet snapshot")
	dParquet, _, err := reviewdesk(cfg, "export", "gold", "--db", db, "--to", snap, "--format", "parquet")
	if err != nil {
		return err
	}
	delta, pq := approved/dDelta.Seconds(), approved/dParquet.Seconds()
	r.add("gold export to Delta (rows/s)", delta, "the Parquet library writing the same rows, no Delta log", pq,
		"≥ 100,000 and ≥ 0.7× Parquet", delta >= 100000 && delta >= 0.7*pq)
	r.note("Gold export of %.0f approved rows: Delta %v, bare Parquet %v (process start-up and reading the rows from SQLite included in both).",
		approved, dDelta.Round(time.Millisecond), dParquet.Round(time.Millisecond))
	os.RemoveAll(gold)
	os.RemoveAll(snap)
	return nil
}
