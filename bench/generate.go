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

// generate writes the items once per (items, seed); a stamp file lets a kept work directory be reused.
func generate(cfg config, r *report) (files, error) {
	f := files{
		jsonl:   filepath.Join(cfg.work, "items.jsonl"),
		csv:     filepath.Join(cfg.work, "items.csv"),
		parquet: filepath.Join(cfg.work, "items.parquet"),
	}
	stamp := filepath.Join(cfg.work, "items.stamp")
	want := fmt.Sprintf("%d %d", cfg.items, cfg.seed)
	if b, err := os.ReadFile(stamp); err == nil && string(b) == want {
		fi, err := os.Stat(f.jsonl)
		if err == nil {
			f.bytes = fi.Size()
			logf("reusing the generated files in %s", cfg.work)
			return f, nil
		}
	}
	logf("generating %d items (seed %d)", cfg.items, cfg.seed)
	t0 := time.Now()
	jf, err := os.Create(f.jsonl)
	if err != nil {
		return f, err
	}
	cf, err := os.Create(f.csv)
	if err != nil {
		return f, err
	}
	pf, err := os.Create(f.parquet)
	if err != nil {
		return f, err
	}
	jw, cw := bufio.NewWriterSize(jf, 1<<20), bufio.NewWriterSize(cf, 1<<20)
	enc := json.NewEncoder(jw)
	enc.SetEscapeHTML(false)
	csvw := csv.NewWriter(cw)
	csvw.Write([]string{"id", "company", "source", "summary", "scores", "score", "max_score", "generator", "judge", "prompt_version", "batch"})
	pw := parquet.NewGenericWriter[pqItem](pf, parquet.Compression(&parquet.Snappy), parquet.MaxRowsPerRowGroup(65536))
	g := demo.New(demo.Config{Items: cfg.items, Seed: cfg.seed})
	rows := make([]pqItem, 0, 4096)
	for it, ok := g.Next(); ok; it, ok = g.Next() {
		delete(it.Meta, "defects")
		if err := enc.Encode(it); err != nil {
			return f, err
		}
		scores, _ := json.Marshal(it.Scores)
		csvw.Write([]string{it.ID, it.Company, it.Source, it.Summary, string(scores), ftoa(it.Score), ftoa(it.MaxScore),
			it.Generator, it.Judge, it.PromptVersion, it.Batch})
		rows = append(rows, pqItem{it.ID, it.Company, it.Source, it.Summary, string(scores), it.Score, it.MaxScore,
			it.Generator, it.Judge, it.PromptVersion, it.Batch})
		if len(rows) == cap(rows) {
			if _, err := pw.Write(rows); err != nil {
				return f, err
			}
			rows = rows[:0]
		}
	}
	if _, err := pw.Write(rows); err != nil {
		return f, err
	}
	csvw.Flush()
	for _, err := range []error{csvw.Error(), pw.Close(), jw.Flush(), cw.Flush(), jf.Close(), cf.Close(), pf.Close()} {
		if err != nil {
			return f, err
		}
	}
	fi, _ := os.Stat(f.jsonl)
	f.bytes = fi.Size()
	logf("generated in %v: JSONL %.0f MB", time.Since(t0).Round(time.Second), float64(f.bytes)/1e6)
	r.note("Data: %d items from the demo generator (seed %d), %.0f MB as JSONL (%.1f KB per item).", cfg.items, cfg.seed,
		float64(f.bytes)/1e6, float64(f.bytes)/float64(cfg.items)/1e3)
	return f, os.WriteFile(stamp, []byte(want), 0o644)
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
