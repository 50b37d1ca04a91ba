package main

import (
	"bufio"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

func removeDB(path string) {
	for _, ext := range []string{"", "-wal", "-shm"} {
		os.Remove(path + ext)
	}
}

// reviewdesk runs the measured binary and returns how long it took.
func reviewdesk(cfg config, args ...string) (time.Duration, string, error) {
	cmd := exec.Command(cfg.bin, args...)
	t0 := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(t0)
	if err != nil {
		return d, string(out), fmt.Errorf("reviewdesk %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return d, string(out), nil
}

// measureImport imports the items from JSONL and from Parquet, and times the baselines on the same rows. It returns
// the database imported from JSONL, which the later measurements use.
func measureImport(cfg config, f files, r *report) (string, error) {
	db := filepath.Join(cfg.work, "reviewdesk.db")
	n := float64(cfg.items)
	removeDB(db)
	logf("import JSONL")
	dJSONL, _, err := reviewdesk(cfg, "import", "--db", db, f.jsonl)
	if err != nil {
		return "", err
	}
	pq := filepath.Join(cfg.work, "parquet.db")
	removeDB(pq)
	logf("import Parquet")
	dParquet, _, err := reviewdesk(cfg, "import", "--db", pq, f.parquet)
	if err != nil {
		return "", err
	}
	removeDB(pq)

	logf("baseline: sqlite3 shell .import")
	shell := filepath.Join(cfg.work, "shell.db")
	removeDB(shell)
	script := fmt.Sprintf(`PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE items (id TEXT PRIMARY KEY, company TEXT, source TEXT, summary TEXT, scores TEXT, score REAL, max_score REAL,
  generator TEXT, judge TEXT, prompt_version TEXT, batch TEXT);
.mode csv
.import --skip 1 %s items
`, f.csv)
	cmd := exec.Command("sqlite3", shell)
	cmd.Stdin = strings.NewReader(script)
	t0 := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("sqlite3 shell: %w: %s (install Debian's sqlite3)", err, out)
	}
	dShell := time.Since(t0)
	removeDB(shell)

	logf("baseline: bare Go insert loop")
	bare := filepath.Join(cfg.work, "bare.db")
	removeDB(bare)
	dBare, err := bareInsert(bare, f.csv)
	if err != nil {
		return "", err
	}
	removeDB(bare)

	jsonlRate, pqRate := n/dJSONL.Seconds(), n/dParquet.Seconds()
	shellRate, bareRate := n/dShell.Seconds(), n/dBare.Seconds()
	r.add("import JSONL, hints included (items/s)", jsonlRate, "sqlite3 shell .import of the rows as CSV", shellRate, "≥ 100,000 and ≥ 0.5× shell", jsonlRate >= 100000 && jsonlRate >= shellRate/2)
	r.add("import JSONL (items/s)", jsonlRate, "bare prepared-statement insert loop in Go", bareRate, "", true)
	r.add("import Parquet, hints included (items/s)", pqRate, "sqlite3 shell .import of the rows as CSV", shellRate, "≥ 100,000 and ≥ 0.5× shell", pqRate >= 100000 && pqRate >= shellRate/2)
	r.add("import Parquet (items/s)", pqRate, "bare prepared-statement insert loop in Go", bareRate, "", true)
	r.note("Import wall times: JSONL %v, Parquet %v, sqlite3 shell %v, bare Go loop %v.", dJSONL.Round(time.Millisecond),
		dParquet.Round(time.Millisecond), dShell.Round(time.Millisecond), dBare.Round(time.Millisecond))
	fi, err := os.Stat(db)
	if err == nil {
		r.note("Database after the JSONL import: %.0f MB.", float64(fi.Size())/1e6)
	}
	return db, nil
}

// bareInsert inserts the CSV's rows into a table with the same columns through one prepared statement in one
// transaction: what SQLite and the driver can do with no application work around them.
func bareInsert(path, csvPath string) (time.Duration, error) {
	t0 := time.Now()
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=FULL")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE items (id TEXT PRIMARY KEY, company TEXT, source TEXT, summary TEXT, scores TEXT,
		score REAL, max_score REAL, generator TEXT, judge TEXT, prompt_version TEXT, batch TEXT)`); err != nil {
		return 0, err
	}
	f, err := os.Open(csvPath)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	cr := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	cr.ReuseRecord = true
	if _, err := cr.Read(); err != nil {
		return 0, err
	}
	tx, err := db.Begin()
	if err != nil {
		return 0, err
	}
	st, err := tx.Prepare(`INSERT INTO items VALUES (?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return 0, err
	}
	args := make([]any, 11)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
		for i, v := range rec {
			args[i] = v
		}
		if _, err := st.Exec(args...); err != nil {
			return 0, err
		}
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return time.Since(t0), nil
}
