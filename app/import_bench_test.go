package app

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"reviewdesk/demo"
	"reviewdesk/store"
)

// BenchmarkImportJSONL imports realistic demo items from a JSONL file into a new database, hints included.
func BenchmarkImportJSONL(b *testing.B) {
	const n = 20000
	dir := b.TempDir()
	file := filepath.Join(dir, "items.jsonl")
	f, _ := os.Create(file)
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	g := demo.New(demo.Config{Items: n, Seed: 1})
	for it, ok := g.Next(); ok; it, ok = g.Next() {
		enc.Encode(it)
	}
	w.Flush()
	f.Close()
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		st, err := store.Open(ctx, filepath.Join(dir, "bench"+string(rune('a'+i%26))+".db"), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		svc, _ := New(ctx, st, Config{User: "bench"})
		b.StartTimer()
		if _, err := svc.Import(ctx, []string{file}, ImportOptions{}, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "items/s")
}
