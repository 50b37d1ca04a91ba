package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"reviewdesk/review"
)

// cpuTime is the process's user and system time: on a machine shared with other work, wall time swings by a factor
// of two between runs, CPU time much less.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkImportNewItems imports 20,000 new items in one transaction, all kept or a quarter of them auto-discarded,
// and reports items/s by wall time and by CPU time. Run on the commit before migration 0002, it tells what keeping
// the dashboard counts costs an import (docs/benchmarks.md).
func BenchmarkImportNewItems(b *testing.B) {
	const n = 20000
	rules := review.DefaultRules()
	source := strings.Repeat("株式会社ベンチは大阪府で産業用ポンプを製造し、国内外の工場に納入しています。", 12)
	items := make([]review.Item, n)
	hints := make([][]review.Hint, n)
	for i := range items {
		summary := fmt.Sprintf("株式会社ベンチ%dは、大阪府に本社を置き、産業用ポンプの設計と製造を手がける会社です。", i)
		if i%4 == 0 {
			summary = fmt.Sprintf("我々は大阪府で産業用ポンプを製造しています（%d）。", i)
		}
		items[i] = review.Item{ID: fmt.Sprintf("B%09d", i), Company: fmt.Sprintf("株式会社ベンチ%d", i), Source: source,
			Summary: summary, Scores: map[string]float64{"business": float64(i % 5), "third_person": 3, "relevance": 3},
			Score: float64(i % 11), MaxScore: 10, Batch: fmt.Sprintf("batch-%d", i%20), Generator: "gen", Judge: "judge",
			PromptVersion: "v1"}
		hints[i] = rules.Check(summary, source)
	}
	discard := 3.0
	for _, tc := range []struct {
		name    string
		discard *float64
	}{{"all new", nil}, {"a quarter discarded", &discard}} {
		b.Run(tc.name, func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				ctx := context.Background()
				s, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"), Options{})
				if err != nil {
					b.Fatal(err)
				}
				start := cpuTime()
				b.StartTimer()
				im, err := s.BeginImport(ctx, "bench.jsonl", "jsonl", "bench", review.Rubric{MaxScore: 10, DiscardBelow: tc.discard})
				if err != nil {
					b.Fatal(err)
				}
				for i := range items {
					if _, err := im.Put(&items[i], hints[i], rules.Version); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := im.Commit("bench"); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				cpu += cpuTime() - start
				s.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "items/s")
			b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "items/cpu-s")
		})
	}
}
