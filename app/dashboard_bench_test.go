package app

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"reviewdesk/review"
	"reviewdesk/store"
)

// The dashboard must answer within 200 ms on 1,000,000 items with 500,000 decisions. BenchmarkDashboard1M builds
// such a database once (a few minutes) and keeps it in $TMPDIR, named by benchDataVersion and the schema version,
// so that reruns start at once; delete the file to rebuild. It runs only with REVIEWDESK_BENCH_1M=1:
//
//	REVIEWDESK_BENCH_1M=1 go test ./app -run '^$' -bench Dashboard1M -benchtime 20x
//
// BenchmarkDashboard runs the same on 20,000 items for everyday use.

// benchDataVersion names the generated data; change it when benchDatabase changes what it writes.
const benchDataVersion = 2

var benchZone = time.FixedZone("JST", 9*3600)

// benchDatabase writes n items and about decisions decisions: 20 batches, 3 criteria, integer judge scores leaning
// high with a discard threshold of 4, a first-person hint on a quarter of the summaries; 10 reviewers over 100 days
// in working hours, batch by batch; a tenth of the reviewed items reviewed twice, a few skips and undone decisions.
func benchDatabase(tb testing.TB, path string, n, decisions int) {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, path, store.Options{DayZone: benchZone})
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	svc, err := New(ctx, st, Config{User: "bench"})
	if err != nil {
		tb.Fatal(err)
	}
	discard := 4.0
	rubric := review.Rubric{MaxScore: 10, DiscardBelow: &discard, Configured: true, Criteria: []review.Criterion{
		{Name: "business", Max: 4}, {Name: "third_person", Max: 3}, {Name: "relevance", Max: 3}}}
	if err := svc.SetRubric(ctx, "bench", rubric); err != nil {
		tb.Fatal(err)
	}
	im, err := st.BeginImport(ctx, "bench", "jsonl", "bench", rubric)
	if err != nil {
		tb.Fatal(err)
	}
	defer im.Rollback()
	rules := svc.Rules()
	rng := rand.New(rand.NewPCG(1, 2))
	reviewers := []string{"sato", "suzuki", "tanaka", "takahashi", "ito", "watanabe", "yamamoto", "nakamura", "kobayashi", "kato"}
	verdicts := []review.Verdict{review.Accepted, review.Edited, review.Rejected}
	source := "株式会社ベンチは大阪府で産業用ポンプを製造し、国内外の工場に納入しています。創業は1950年です。"
	// Each reviewed item has about 1.18 decisions (skips, undone ones, second reviews) and 3% are discarded.
	share := float64(decisions) / float64(n) / 1.14
	start := time.Date(2026, 6, 1, 0, 0, 0, 0, benchZone)
	written := 0
	for i := range n {
		batch := i * 20 / n
		business, third, relevance := rng.IntN(5), 1+rng.IntN(3), 1+rng.IntN(3)
		if rng.IntN(10) < 7 {
			business, third, relevance = 3+rng.IntN(2), 3, 2+rng.IntN(2)
		}
		it := review.Item{ID: fmt.Sprintf("%013d", 7000000000000+i), Company: fmt.Sprintf("株式会社ベンチ%d", i),
			Source:  source,
			Summary: fmt.Sprintf("株式会社ベンチ%dは、大阪府に本社を置く産業用ポンプの製造会社です。", i),
			Scores:  map[string]float64{"business": float64(business), "third_person": float64(third), "relevance": float64(relevance)},
			Score:   float64(business + third + relevance), MaxScore: 10, Batch: fmt.Sprintf("2026-%02d", batch),
			Generator: fmt.Sprintf("gen-%c", 'a'+batch%2), Judge: "judge-x", PromptVersion: fmt.Sprintf("v%d", 1+batch/7)}
		if rng.IntN(4) == 0 {
			it.Summary = fmt.Sprintf("我々は大阪府で産業用ポンプを製造しています（%d）。", i)
		}
		if _, err := im.Put(&it, rules.Check(it.Summary, it.Source), rules.Version); err != nil {
			tb.Fatal(err)
		}
		if rubric.Discards(it.Score) || rng.Float64() >= share {
			continue
		}
		// Batch b is reviewed on days 5b .. 5b+9, in working hours.
		day := start.AddDate(0, 0, batch*5+rng.IntN(10))
		at := day.Add(9*time.Hour + time.Duration(rng.IntN(9*3600))*time.Second)
		good := 0.95
		if it.Score < 8 {
			good = 0.75
		}
		who := rng.IntN(len(reviewers))
		put := func(who int, v review.Verdict, at time.Time, undone bool) {
			sec := 15 + rng.ExpFloat64()*30
			d := review.Decision{ItemID: it.ID, Verdict: v, Reviewer: reviewers[who], Reasons: []string{},
				FinalText: it.Summary, StartedAt: at.Add(-time.Duration(sec * float64(time.Second))), EndedAt: at,
				Seconds: sec, RulesVersion: rules.Version}
			if v == review.Edited {
				d.FinalText = it.Summary + "（修正）"
			}
			if v == review.Rejected {
				d.Reasons = []string{"vague"}
			}
			if rng.IntN(3) == 0 {
				d.Checks = map[string]bool{"business": business >= 3, "third_person": rng.IntN(10) > 0}
			}
			if undone {
				d.UndoneAt = &at
			}
			if err := im.PutDecision(d, false); err != nil {
				tb.Fatal(err)
			}
			written++
		}
		pick := func() review.Verdict {
			if rng.Float64() < good {
				return verdicts[rng.IntN(4)/3] // accepted three times in four, else edited
			}
			return review.Rejected
		}
		switch r := rng.IntN(100); {
		case r < 6:
			put(who, review.Skipped, at, false)
			at = at.Add(time.Duration(1+rng.IntN(120)) * time.Minute)
			who = (who + 1 + rng.IntN(len(reviewers)-1)) % len(reviewers)
		case r < 8:
			put(who, pick(), at, true)
			at = at.Add(time.Minute)
		}
		put(who, pick(), at, false)
		if rng.IntN(10) == 0 {
			put((who+1+rng.IntN(len(reviewers)-1))%len(reviewers), pick(), at.Add(time.Duration(1+rng.IntN(600))*time.Minute), false)
		}
	}
	if _, err := im.Commit("bench"); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("wrote %d items and %d decisions to %s", n, written, path)
}

// benchService opens the cached database with n items, building it first if needed.
func benchService(b *testing.B, n, decisions int) *Service {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("reviewdesk-bench-dashboard-v%d-schema%d-%d.db",
		benchDataVersion, store.SchemaVersion(), n))
	if _, err := os.Stat(path); err != nil {
		start := time.Now()
		tmp := path + ".building"
		os.Remove(tmp)
		benchDatabase(b, tmp, n, decisions)
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
		b.Logf("built in %s", time.Since(start).Round(time.Second))
	}
	ctx := context.Background()
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	svc, err := New(ctx, st, Config{User: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	return svc
}

func benchDashboard(b *testing.B, svc *Service) {
	for _, tc := range []struct {
		name string
		q    DashboardQuery
	}{
		{"all", DashboardQuery{}},
		{"one batch", DashboardQuery{Batch: "2026-07"}},
		{"30 days", DashboardQuery{From: "2026-07-01", To: "2026-07-30"}},
		{"batch and days", DashboardQuery{Batch: "2026-07", From: "2026-07-01", To: "2026-07-30"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				d, err := svc.Dashboard(ctx, tc.q)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := json.Marshal(d); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/dashboard")
		})
	}
}

// BenchmarkDashboard1M times the dashboard, JSON included, on 1,000,000 items with about 500,000 decisions.
func BenchmarkDashboard1M(b *testing.B) {
	if os.Getenv("REVIEWDESK_BENCH_1M") == "" {
		b.Skip("set REVIEWDESK_BENCH_1M=1: the first run builds a 1,000,000-item database in $TMPDIR (a few minutes, about 1 GB)")
	}
	benchDashboard(b, benchService(b, 1_000_000, 500_000))
}

// BenchmarkDashboard times the dashboard on 20,000 items with about 10,000 decisions.
func BenchmarkDashboard(b *testing.B) {
	benchDashboard(b, benchService(b, 20_000, 10_000))
}
