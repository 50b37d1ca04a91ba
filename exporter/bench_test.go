package exporter_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"reviewdesk/exporter"
)

// benchRows is the row count of the export benchmarks: the 1,000,000 approved rows. REVIEWDESK_BENCH_ROWS
// lowers it for a quick run.
func benchRows(b *testing.B) int {
	b.Helper()
	if s := os.Getenv("REVIEWDESK_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("REVIEWDESK_BENCH_ROWS=%q: %v", s, err)
		}
		return n
	}
	return 1_000_000
}

// benchRow fills a realistic gold row: Japanese summaries of about 120 characters, three criteria, a reason and
// two hint rules. The rows differ, as real ones do, so that compression has real work.
func benchRow(r *exporter.GoldRow, i int, at time.Time) {
	n := strconv.Itoa(i)
	summary := "株式会社ベンチ" + n + "は、愛知県名古屋市に本社を置き、産業用ロボットの制御装置と周辺機器の設計・製造・販売を行っています。" +
		"自動車部品メーカー向けの組立ラインの自動化を中心に、保守サービスも提供しています。"
	*r = exporter.GoldRow{
		ID: fmt.Sprintf("%013d", 1000000000000+i), Company: "株式会社ベンチ" + n, Summary: summary,
		OriginalSummary: summary + "業界トップクラスの技術力を誇ります。", Verdict: "edited", Edited: true,
		JudgeScore: float64(6 + i%5), JudgeMaxScore: 10,
		JudgeScores: map[string]float64{"business": float64(i % 4), "third_person": 3, "relevance": 3},
		Checks:      map[string]bool{"business": true}, ReasonCodes: []string{"superlative"},
		Reviewer: "reviewer" + strconv.Itoa(i%20), ReviewedAt: at.Add(time.Duration(i) * time.Second),
		ReviewSeconds: float64(20 + i%60), RulesVersion: "rules-2026.11", HintRules: []string{"superlative", "vague"},
		Batch: "batch-" + strconv.Itoa(i/100000), SourceSHA256: fmt.Sprintf("%064x", i), Generator: "gen-4o",
		Judge: "judge-4o", PromptVersion: "p3", DecisionID: int64(i + 1), ItemVersion: 3,
	}
}

// BenchmarkGoldDelta is the gold export's writer on its own: 1,000,000 rows into a new Delta table (Parquet data
// files, stats, the commit). The database side is measured by app's BenchmarkExportGold.
func BenchmarkGoldDelta(b *testing.B) {
	n := benchRows(b)
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "gold")
		tbl, err := exporter.OpenGoldTable(context.Background(), dir, "bench", exporter.Options{})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		c, err := tbl.Update(context.Background(), 1, func(_ func(id, file string) error, fresh func(*exporter.GoldRow) error) error {
			var r exporter.GoldRow
			for i := range n {
				benchRow(&r, i, at)
				if err := fresh(&r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if c.RowsAdded != int64(n) {
			b.Fatalf("wrote %d rows, want %d", c.RowsAdded, n)
		}
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "rows/s")
	}
}

// BenchmarkGoldParquetBaseline writes the same rows with the bare Parquet library: one file, no Delta log, no
// stats, no sync. The Delta export is held to at least 0.7 of its speed.
func BenchmarkGoldParquetBaseline(b *testing.B) {
	n := benchRows(b)
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for b.Loop() {
		f, err := os.Create(filepath.Join(b.TempDir(), "gold.parquet"))
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		w := parquet.NewGenericWriter[exporter.GoldRow](f, parquet.Compression(&parquet.Snappy), parquet.MaxRowsPerRowGroup(1<<15))
		batch := make([]exporter.GoldRow, 512)
		for i := 0; i < n; i += len(batch) {
			k := min(len(batch), n-i)
			for j := range k {
				benchRow(&batch[j], i+j, at)
			}
			if _, err := w.Write(batch[:k]); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "rows/s")
	}
}
