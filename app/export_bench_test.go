package app

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"reviewdesk/store"
)

// BenchmarkExportGold measures the whole gold export: 1,000,000 approved items streamed from SQLite, written as a
// Delta table, and the bookkeeping read back and recorded. The database is filled with plain SQL (a million
// SaveDecision calls would take longer than the export). REVIEWDESK_BENCH_ROWS lowers the count for a quick run.
// It reports rows/s and the peak Go heap, sampled while the export runs.
func BenchmarkExportGold(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("REVIEWDESK_BENCH_ROWS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "bench.db")
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	fillApproved(b, path, n)
	s, err := New(ctx, st, Config{User: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "gold")
		var peak atomic.Uint64
		stop := make(chan struct{})
		go func() {
			var ms runtime.MemStats
			for {
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Millisecond):
				}
			}
		}()
		start := time.Now()
		res, err := s.ExportGold(ctx, GoldExport{Dir: dir, Actor: "bench"}, nil)
		elapsed := time.Since(start)
		close(stop)
		if err != nil {
			b.Fatal(err)
		}
		if res.RowsAdded != int64(n) {
			b.Fatalf("exported %d rows, want %d", res.RowsAdded, n)
		}
		b.ReportMetric(float64(n)/elapsed.Seconds(), "rows/s")
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
	}
}

// fillApproved inserts n items, each with an accepted or edited current decision.
func fillApproved(b *testing.B, path string, n int) {
	b.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=OFF")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	items, err := tx.Prepare(`INSERT INTO items (seq, id, company, summary, scores, score, max_score, band, generator, judge,
		prompt_version, batch, meta, content_hash, source_sha256, revision, version, status, decision, hints, hint_count,
		rules_version, sample_key, import, imported_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 10, 3, 'gen-4o', 'judge-4o', 'p3', ?, '{}', 'h', ?, 1, 2, ?, ?, ?, 2, 'rules-1', ?, 1, 0, 0)`)
	if err != nil {
		b.Fatal(err)
	}
	decisions, err := tx.Prepare(`INSERT INTO decisions (id, seq, revision, verdict, final_text, reasons, checks, comment,
		reviewer, started_at, ended_at, seconds, rules_version) VALUES (?, ?, 1, ?, ?, ?, '{"business":true}', '', ?, ?, ?, ?, 'rules-1')`)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO imports (id, file, format, started_at) VALUES (1, 'bench', 'jsonl', 0)`); err != nil {
		b.Fatal(err)
	}
	hints := `[{"rule":"superlative","severity":"warn","start":10,"end":20,"start16":10,"end16":20,"text":"トップクラス",` +
		`"message":{"ja":"根拠のない最上級表現","en":"Unsupported superlative"},"reason":"superlative"},` +
		`{"rule":"vague","severity":"info","start":30,"end":35,"text":"幅広い","message":{"ja":"曖昧","en":"Vague"},"reason":"vague"}]`
	for i := 1; i <= n; i++ {
		num := strconv.Itoa(i)
		summary := "株式会社ベンチ" + num + "は、愛知県名古屋市に本社を置き、産業用ロボットの制御装置と周辺機器の設計・製造・販売を行っています。" +
			"自動車部品メーカー向けの組立ラインの自動化を中心に、保守サービスも提供しています。"
		verdict, final, reasons := "accepted", summary, "[]"
		if i%3 == 0 {
			verdict, final, reasons = "edited", summary+"（修正）", `["superlative"]`
		}
		if _, err := items.Exec(i, fmt.Sprintf("%013d", i), "株式会社ベンチ"+num, summary,
			fmt.Sprintf(`{"business":%d,"third_person":3,"relevance":3}`, i%4), float64(6+i%5), "batch-"+strconv.Itoa(i/100000),
			fmt.Sprintf("%064x", i), verdict, i, hints, int64(i)*7919); err != nil {
			b.Fatal(err)
		}
		at := int64(1_790_000_000_000 + i*1000)
		if _, err := decisions.Exec(i, i, verdict, final, reasons, "reviewer"+strconv.Itoa(i%20), at-30_000, at, 30.0); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
