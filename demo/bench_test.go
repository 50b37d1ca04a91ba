package demo

import (
	"testing"

	"reviewdesk/review"
)

// BenchmarkNext measures the generation rate the benchmark harness depends on (it makes millions of items).
// Run it with -cpu 1 for the one-core figure.
func BenchmarkNext(b *testing.B) {
	g := New(Config{Items: MaxItems, Seed: 1})
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := g.Next(); !ok {
			b.Fatal("generator exhausted")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
}

func BenchmarkItemParallel(b *testing.B) {
	g := New(Config{Items: MaxItems, Seed: 1})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			g.Item(i)
			i++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
}

func BenchmarkDecisions(b *testing.B) {
	const n = 1000
	g := New(Config{Items: n, Seed: 1, Reviewed: 1})
	items := make([]review.Item, n)
	for i := range items {
		items[i] = g.Item(i)
	}
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		g.Decisions(items[k%n], k%n)
		k++
	}
}
