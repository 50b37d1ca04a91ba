package ingest

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// sampleText makes Japanese text of about n bytes from sentences like the ones generators write.
func sampleText(rng *rand.Rand, n int) string {
	sentences := []string{
		"当社は1950年に設立された総合小売業です。", "全国に店舗を展開し、食品や日用品を販売しています。",
		"プレスリリースや求人情報も掲載しています。", "地域に根ざしたサービスを提供しています。",
		"主力製品は産業用ロボットと制御装置です。", "環境に配慮した製品開発に取り組んでいます。",
	}
	var sb strings.Builder
	for sb.Len() < n {
		sb.WriteString(sentences[rng.IntN(len(sentences))])
	}
	return sb.String()
}

// benchRecord is the shape of a realistic record: ~2 KB source, ~1 KB summary, judge scores.
type benchRecord struct {
	ID            string             `json:"id" parquet:"id"`
	Company       string             `json:"company" parquet:"company"`
	Source        string             `json:"source" parquet:"source"`
	Summary       string             `json:"summary" parquet:"summary"`
	Scores        map[string]float64 `json:"scores" parquet:"-"`
	Score         float64            `json:"score" parquet:"score"`
	MaxScore      float64            `json:"max_score" parquet:"max_score"`
	Generator     string             `json:"generator" parquet:"generator"`
	Judge         string             `json:"judge" parquet:"judge"`
	PromptVersion string             `json:"prompt_version" parquet:"prompt_version"`
	Batch         string             `json:"batch" parquet:"batch"`
	Business      float64            `json:"-" parquet:"score_business"`
	Style         float64            `json:"-" parquet:"score_third_person"`
}

func benchRecords(n int) []benchRecord {
	rng := rand.New(rand.NewPCG(1, 2))
	recs := make([]benchRecord, n)
	for i := range recs {
		recs[i] = benchRecord{
			ID: strconv.Itoa(1010001000000 + i), Company: "株式会社サンプル" + strconv.Itoa(i),
			Source: sampleText(rng, 1000+rng.IntN(2000)), Summary: sampleText(rng, 1000),
			Scores: map[string]float64{"business": 4, "third_person": 3, "relevance": 3}, Score: 10, MaxScore: 10,
			Generator: "gen-a", Judge: "judge-b", PromptVersion: "v3", Batch: "2026-11-01", Business: 4, Style: 3,
		}
	}
	return recs
}

func writeBenchJSONL(tb testing.TB, dir string, recs []benchRecord) string {
	tb.Helper()
	p := filepath.Join(dir, "bench.jsonl")
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := range recs {
		if err := enc.Encode(&recs[i]); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	return p
}

func writeBenchCSV(tb testing.TB, dir string, recs []benchRecord) string {
	tb.Helper()
	p := filepath.Join(dir, "bench.csv")
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"id", "company", "source", "summary", "score", "max_score", "score_business", "score_third_person", "batch"})
	for _, r := range recs {
		w.Write([]string{r.ID, r.Company, r.Source, r.Summary, "10", "10", "4", "3", r.Batch})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	return p
}

func writeBenchParquet(tb testing.TB, dir string, recs []benchRecord) string {
	tb.Helper()
	p := filepath.Join(dir, "bench.parquet")
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	w := parquet.NewGenericWriter[benchRecord](f, parquet.Compression(&parquet.Snappy), parquet.MaxRowsPerRowGroup(4096))
	if _, err := w.Write(recs); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	return p
}

// benchRead reads the file at path b.N times, reporting bytes/s of the file and items/s.
func benchRead(b *testing.B, path string, n int) {
	b.Helper()
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		count := 0
		for {
			_, _, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			count++
		}
		r.Close()
		if count != n {
			b.Fatalf("read %d items, want %d", count, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "items/s")
}

const benchN = 20000

func BenchmarkJSONL(b *testing.B) {
	benchRead(b, writeBenchJSONL(b, b.TempDir(), benchRecords(benchN)), benchN)
}

func BenchmarkCSV(b *testing.B) {
	benchRead(b, writeBenchCSV(b, b.TempDir(), benchRecords(benchN)), benchN)
}

func BenchmarkParquet(b *testing.B) {
	benchRead(b, writeBenchParquet(b, b.TempDir(), benchRecords(benchN)), benchN)
}

// BenchmarkJSONLStdlib is the baseline the hand-written decoder is measured against: encoding/json into a map.
func BenchmarkJSONLStdlib(b *testing.B) {
	p := writeBenchJSONL(b, b.TempDir(), benchRecords(benchN))
	info, _ := os.Stat(p)
	b.SetBytes(info.Size())
	b.ReportAllocs()
	for range b.N {
		f, _ := os.Open(p)
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), MaxLineLength)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				b.Fatal(err)
			}
		}
		f.Close()
	}
	b.ReportMetric(float64(benchN*b.N)/b.Elapsed().Seconds(), "items/s")
}
