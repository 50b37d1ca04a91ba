package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"

	"reviewdesk/demo"
)

// files are the same items in the three input formats.
type files struct {
	jsonl, csv, parquet string
	bytes               int64 // size of the JSONL file
}

// pqItem is an item as a Parquet row; scores travel as a JSON string, which reviewdesk's reader accepts.
type pqItem struct {
	ID            string  `parquet:"id"`
	Company       string  `parquet:"company"`
	Source        string  `parquet:"source"`
	Summary       string  `parquet:"summary"`
	Scores        string  `parquet:"scores"`
	Score         float64 `parquet:"score"`
	MaxScore      float64 `parquet:"max_score"`
	Generator     string  `parquet:"generator"`
	Judge         string  `parquet:"judge"`
	PromptVersion string  `parquet:"prompt_version"`
	Batch         string  `parquet:"batch"`
}

// formats says which input files to write.
type formats struct{ jsonl, csv, parquet bool }

var allFormats = formats{true, true, true}

// generate writes the items in the given formats. A stamp file lets a kept work directory (all three formats) be
// reused.
func generate(cfg config, r *report, want formats) (files, error) {
	f := files{
		jsonl:   filepath.Join(cfg.work, "items.jsonl"),
		csv:     filepath.Join(cfg.work, "items.csv"),
		parquet: filepath.Join(cfg.work, "items.parquet"),
	}
	stamp := filepath.Join(cfg.work, "items.stamp")
	key := fmt.Sprintf("%d %d", cfg.items, cfg.seed)
	if b, err := os.ReadFile(stamp); err == nil && string(b) == key {
		fi, err := os.Stat(f.jsonl)
		if err == nil {
			f.bytes = fi.Size()
			logf("reusing the generated files in %s", cfg.work)
			dataNote(cfg, r, f.bytes)
			return f, nil
		}
	}
	os.Remove(stamp)
	logf("generating %d items (seed %d) as%s%s%s", cfg.items, cfg.seed, pick(want.jsonl, " JSONL"), pick(want.csv, " CSV"),
		pick(want.parquet, " Parquet"))
	t0 := time.Now()
	var (
		enc  *json.Encoder
		csvw *csv.Writer
		pw   *parquet.GenericWriter[pqItem]
		done []func() error
	)
	open := func(path string) (*bufio.Writer, error) {
		fh, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		w := bufio.NewWriterSize(fh, 1<<20)
		done = append(done, w.Flush, fh.Close)
		return w, nil
	}
	if want.jsonl {
		w, err := open(f.jsonl)
		if err != nil {
			return f, err
		}
		enc = json.NewEncoder(w)
		enc.SetEscapeHTML(false)
	}
	if want.csv {
		w, err := open(f.csv)
		if err != nil {
			return f, err
		}
		csvw = csv.NewWriter(w)
		csvw.Write([]string{"id", "company", "source", "summary", "scores", "score", "max_score", "generator", "judge", "prompt_version", "batch"})
		// The CSV writer flushes into the buffer before the buffer flushes into the file.
		done = append([]func() error{func() error { csvw.Flush(); return csvw.Error() }}, done...)
	}
	if want.parquet {
		fh, err := os.Create(f.parquet)
		if err != nil {
			return f, err
		}
		pw = parquet.NewGenericWriter[pqItem](fh, parquet.Compression(&parquet.Snappy), parquet.MaxRowsPerRowGroup(65536))
		done = append(done, pw.Close, fh.Close)
	}
	g := demo.New(demo.Config{Items: cfg.items, Seed: cfg.seed})
	rows := make([]pqItem, 0, 4096)
	for it, ok := g.Next(); ok; it, ok = g.Next() {
		delete(it.Meta, "defects")
		if enc != nil {
			if err := enc.Encode(it); err != nil {
				return f, err
			}
		}
		scores, _ := json.Marshal(it.Scores)
		if csvw != nil {
			csvw.Write([]string{it.ID, it.Company, it.Source, it.Summary, string(scores), ftoa(it.Score), ftoa(it.MaxScore),
				it.Generator, it.Judge, it.PromptVersion, it.Batch})
		}
		if pw != nil {
			rows = append(rows, pqItem{it.ID, it.Company, it.Source, it.Summary, string(scores), it.Score, it.MaxScore,
				it.Generator, it.Judge, it.PromptVersion, it.Batch})
			if len(rows) == cap(rows) {
				if _, err := pw.Write(rows); err != nil {
					return f, err
				}
				rows = rows[:0]
			}
		}
	}
	if pw != nil {
		if _, err := pw.Write(rows); err != nil {
			return f, err
		}
	}
	for _, fn := range done {
		if err := fn(); err != nil {
			return f, err
		}
	}
	logf("generated in %v", time.Since(t0).Round(time.Second))
	if !want.jsonl {
		return f, nil
	}
	fi, _ := os.Stat(f.jsonl)
	f.bytes = fi.Size()
	dataNote(cfg, r, f.bytes)
	if want != allFormats {
		return f, nil
	}
	return f, os.WriteFile(stamp, []byte(key), 0o644)
}

func dataNote(cfg config, r *report, bytes int64) {
	r.note("Data: %d items from the demo generator (seed %d), %.0f MB as JSONL (%.1f KB per item).", cfg.items, cfg.seed,
		float64(bytes)/1e6, float64(bytes)/float64(cfg.items)/1e3)
}

func pick(b bool, s string) string {
	if b {
		return s
	}
	return ""
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
