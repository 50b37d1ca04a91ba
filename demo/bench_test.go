package demo

import "testing"

func BenchmarkNext(b *testing.B) {
	g := New(Config{Items: MaxItems, Seed: 1})
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := g.Next(); !ok {
			b.Fatal("generator exhausted")
		}
	}
}
