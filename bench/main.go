// Command bench measures reviewdesk at scale against baselines measured in the same run on the same data, and
// writes the figures into docs/benchmarks.md.
//
//	go run ./bench                      # 1,000,000 items (make bench)
//	go run ./bench --items 5000000 --lean-disk  # the full population (about 60 GB of free disk)
//
// It generates the items deterministically (the demo generator: Japanese sources of 1–3 KB, summaries of 150–400
// characters), then times: import from JSONL and Parquet against the sqlite3 shell's .import of the same rows as CSV
// and a bare prepared-statement insert loop in Go; claim + decide over HTTP; list and filter pages with each filter;
// the dashboard and stats; the gold export against the Parquet library writing the same rows without a Delta log;
// and the server's start-up time and resident memory, idle and under load.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

type config struct {
	items  int
	seed   int64
	bin    string
	work   string
	report string
	keep   bool
	lean   bool
	only   string
	db     string
}

func main() {
	var cfg config
	flag.IntVar(&cfg.items, "items", 1_000_000, "number of items")
	flag.Int64Var(&cfg.seed, "seed", 1, "generator seed")
	flag.StringVar(&cfg.bin, "bin", "build/bin/reviewdesk", "the reviewdesk binary to measure")
	flag.StringVar(&cfg.work, "work", "bench/out", "working directory for generated files and databases")
	flag.StringVar(&cfg.report, "report", "docs/benchmarks.md", "Markdown file whose benchmark section is replaced")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the generated files and databases for another run")
	flag.BoolVar(&cfg.lean, "lean-disk", false, "write each input file just before it is read and delete it after, and keep one database at a time (for 5,000,000 items on a small disk)")
	flag.StringVar(&cfg.only, "only", "", "import: only the import; serve, dashboard or export: the import (whose database they need), then only that part. The figures are printed, the report is not written")
	flag.StringVar(&cfg.db, "db", "", "with --only serve, dashboard or export: measure this existing database (a copy of it: the parts write) instead of importing one")
	flag.Parse()
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(cfg config) error {
	start := time.Now()
	if _, err := os.Stat(cfg.bin); err != nil {
		return fmt.Errorf("%s: %w (build it first: make build)", cfg.bin, err)
	}
	bin, err := filepath.Abs(cfg.bin)
	if err != nil {
		return err
	}
	cfg.bin = bin
	if err := os.MkdirAll(cfg.work, 0o755); err != nil {
		return err
	}
	r := &report{cfg: cfg, started: start}
	if cfg.lean && cfg.keep {
		return fmt.Errorf("--lean-disk deletes what --keep would keep: use one or the other")
	}
	var db string
	if cfg.db != "" {
		if cfg.only == "" || cfg.only == "import" {
			return fmt.Errorf("--db needs --only serve, dashboard or export")
		}
		db = filepath.Join(cfg.work, "given.db")
		if err := copyFile(cfg.db, db); err != nil {
			return err
		}
		syscall.Sync() // the copy's writeback is not the measured server's
	} else if db, err = measureImport(cfg, r); err != nil {
		return err
	}
	switch {
	case cfg.keep:
	case cfg.db != "":
		// Only the copy goes: the given database may itself be in the working directory (one kept by --keep).
		defer func() {
			for _, ext := range []string{"", "-wal", "-shm"} {
				os.Remove(db + ext)
			}
		}()
	default:
		defer os.RemoveAll(cfg.work)
	}
	if cfg.only == "import" {
		return nil
	}
	for _, part := range []struct {
		name string
		run  func(config, string, *report) error
	}{{"serve", measureServe}, {"dashboard", measureDashboard}, {"export", measureExport}} {
		if cfg.only != "" && cfg.only != part.name {
			continue
		}
		// The part before left gigabytes for the kernel to write back (an import, a copy, approvals); without this
		// its writeback lands in the next part's latencies, not its own.
		syscall.Sync()
		if err := part.run(cfg, db, r); err != nil {
			return err
		}
	}
	if cfg.only != "" {
		for _, s := range append(r.notes, r.tables...) {
			fmt.Fprintln(os.Stderr, s)
		}
		return nil
	}
	r.total = time.Since(start)
	if err := r.write(cfg.report); err != nil {
		return err
	}
	fmt.Printf("bench: done in %v; results in %s\n", r.total.Round(time.Second), cfg.report)
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s bench: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}
