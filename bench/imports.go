package main

import (
	"bufio"
	"bytes"
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

// reviewdesk runs the measured binary and returns how long it took and its peak resident memory in MB. The peak is
// the kernel's high-water mark (VmHWM), read every 50 ms while the process runs: the rusage of a child that wait
// returns starts from the parent's own peak at the fork, which for this harness is gigabytes.
func reviewdesk(cfg config, args ...string) (time.Duration, float64, error) {
	cmd := exec.Command(cfg.bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var peak float64
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			d := time.Since(t0)
			if err != nil {
				return d, 0, fmt.Errorf("reviewdesk %s: %w\n%s", strings.Join(args, " "), err, out.Bytes())
			}
			return d, peak, nil
		case <-tick.C:
			peak = max(peak, statusMB(cmd.Process.Pid, "VmHWM:"))
		}
	}
}

// measureImport times the baselines and then imports the items from JSONL and from Parquet. It returns the database
// the later measurements use: the one imported from JSONL, or with --lean-disk the one imported from Parquet.
//
// With --lean-disk each input file is written just before it is read and deleted after, and the JSONL database is
// deleted before the Parquet import: an import is one transaction, so while it runs the database needs its size
// again in write-ahead log, and at 5,000,000 items the files and two databases would not fit on this machine's disk.
func measureImport(cfg config, r *report) (string, error) {
	n := float64(cfg.items)
	f, err := generate(cfg, r, inputs(cfg, formats{csv: true}))
	if err != nil {
		return "", err
	}
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
	dBare, err := bareInsert(bare, f.csv, bareSafe)
	if err != nil {
		return "", err
	}
	removeDB(bare)

	logf("ceiling: bare Go insert loop with every safety off")
	dCeiling, err := bareInsert(bare, f.csv, bareUnsafe)
	if err != nil {
		return "", err
	}
	removeDB(bare)

	if cfg.lean {
		os.Remove(f.csv)
		if f, err = generate(cfg, r, formats{jsonl: true}); err != nil {
			return "", err
		}
	}
	db := filepath.Join(cfg.work, "reviewdesk.db")
	removeDB(db)
	logf("import JSONL")
	dJSONL, memJSONL, err := reviewdesk(cfg, "import", "--db", db, f.jsonl)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(db); err == nil {
		r.note("Database after the JSONL import: %.0f MB.", float64(fi.Size())/1e6)
	}
	pq := filepath.Join(cfg.work, "parquet.db")
	if cfg.lean {
		os.Remove(f.jsonl)
		removeDB(db)
		if f, err = generate(cfg, r, formats{parquet: true}); err != nil {
			return "", err
		}
	}
	removeDB(pq)
	logf("import Parquet")
	dParquet, memParquet, err := reviewdesk(cfg, "import", "--db", pq, f.parquet)
	if err != nil {
		return "", err
	}
	if cfg.lean {
		os.Remove(f.parquet)
		db = pq
		r.note("--lean-disk: each input file was written just before its import and deleted after; the JSONL database was deleted before the Parquet import, and the later figures use the database imported from Parquet.")
	} else {
		removeDB(pq)
	}

	jsonlRate, pqRate := n/dJSONL.Seconds(), n/dParquet.Seconds()
	shellRate, bareRate := n/dShell.Seconds(), n/dBare.Seconds()
	r.add("import JSONL, hints included (items/s)", jsonlRate, "sqlite3 shell .import of the rows as CSV", shellRate, "≥ 100,000 and ≥ 0.5× shell", jsonlRate >= 100000 && jsonlRate >= shellRate/2)
	r.add("import JSONL (items/s)", jsonlRate, "bare prepared-statement insert loop in Go", bareRate, "", true)
	r.add("import Parquet, hints included (items/s)", pqRate, "sqlite3 shell .import of the rows as CSV", shellRate, "≥ 100,000 and ≥ 0.5× shell", pqRate >= 100000 && pqRate >= shellRate/2)
	r.add("import Parquet (items/s)", pqRate, "bare prepared-statement insert loop in Go", bareRate, "", true)
	ceilingRate := n / dCeiling.Seconds()
	r.add("import JSONL (items/s)", jsonlRate, "ceiling: the bare loop with no journal, no sync, 64 KB pages, 1 GB cache, the CSV parsed on the other core", ceilingRate, "", true)
	r.add("import JSONL, peak resident memory (MB)", memJSONL, "", 0, "", true)
	r.add("import Parquet, peak resident memory (MB)", memParquet, "", 0, "", true)
	r.note("Import wall times: JSONL %v, Parquet %v, sqlite3 shell %v, bare Go loop %v, the bare loop with every safety off %v.",
		dJSONL.Round(time.Millisecond), dParquet.Round(time.Millisecond), dShell.Round(time.Millisecond),
		dBare.Round(time.Millisecond), dCeiling.Round(time.Millisecond))
	return db, nil
}

// inputs is the set of files to generate first: all three, or with --lean-disk only the one needed next.
func inputs(cfg config, next formats) formats {
	if cfg.lean {
		return next
	}
	return allFormats
}

// bareSafe is how reviewdesk stores: WAL, synced at commit. bareUnsafe turns every safety off (no journal, so a
// crash leaves a broken file; no sync) and gives SQLite the page size and cache that suit 2.9 KB rows best: what
// any program storing these rows in SQLite could reach on this machine at most.
const (
	bareSafe   = "_journal_mode=WAL&_synchronous=FULL"
	bareUnsafe = "_journal_mode=OFF&_synchronous=OFF&_cache_size=-1000000"
)

// bareInsert inserts the CSV's rows into a table with the same columns through one prepared statement in one
// transaction: what SQLite and the driver can do with no application work around them. The CSV is parsed on
// another goroutine, so that with two cores the insert loop alone sets the pace.
func bareInsert(path, csvPath, params string) (time.Duration, error) {
	t0 := time.Now()
	db, err := sql.Open("sqlite3", "file:"+path+"?"+params)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if params == bareUnsafe {
		if _, err := db.Exec(`PRAGMA page_size = 65536`); err != nil {
			return 0, err
		}
	}
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
	if _, err := cr.Read(); err != nil {
		return 0, err
	}
	records := make(chan []string, 1024)
	var readErr error
	go func() {
		defer close(records)
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				readErr = err
				return
			}
			records <- rec
		}
	}()
	tx, err := db.Begin()
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	st, err := tx.Prepare(`INSERT INTO items VALUES (?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return 0, err
	}
	args := make([]any, 11)
	for rec := range records {
		for i, v := range rec {
			args[i] = v
		}
		if _, err := st.Exec(args...); err != nil {
			return 0, err
		}
	}
	if readErr != nil {
		return 0, readErr
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return time.Since(t0), nil
}
