package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"reviewdesk/review"
)

func writeParquet[T any](t testing.TB, rows []T, opts ...parquet.WriterOption) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "in.parquet")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[T](f, opts...)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

type pqScoresStruct struct {
	Business    int32   `parquet:"business"`
	ThirdPerson float64 `parquet:"third_person"`
}

type pqStructRow struct {
	CorporateNumber int64          `parquet:"corporate_number"`
	Company         string         `parquet:"company"`
	GeneratedText   string         `parquet:"generated_text"`
	Scores          pqScoresStruct `parquet:"scores"`
	Score           float32        `parquet:"score"`
	MaxScore        *int64         `parquet:"max_score,optional"`
	Batch           *string        `parquet:"batch,optional"`
	Crawled         time.Time      `parquet:"crawled,timestamp(millisecond)"`
	Day             int32          `parquet:"day,date"`
	Reviewed        bool           `parquet:"reviewed"`
	Pages           int32          `parquet:"pages"`
}

type pqMapRow struct {
	ID      string             `parquet:"id"`
	Summary string             `parquet:"summary"`
	Scores  map[string]float64 `parquet:"scores"`
	Total   int32              `parquet:"total_score"`
}

type pqJSONRow struct {
	ID      *string `parquet:"id,optional"`
	Summary *string `parquet:"summary,optional"`
	Scores  string  `parquet:"scores"`
	Score   *string `parquet:"score,optional"`
	Raw     []byte  `parquet:"raw"`
}

func TestParquetLayouts(t *testing.T) {
	ten := int64(10)
	b1 := "b1"
	crawled := time.Date(2026, 10, 30, 12, 0, 0, 0, time.UTC)
	t.Run("struct scores, aliases, typed extras", func(t *testing.T) {
		p := writeParquet(t, []pqStructRow{
			{CorporateNumber: 1010001000001, Company: "株式会社サンプル", GeneratedText: "株式会社サンプルは小売業です。",
				Scores: pqScoresStruct{Business: 4, ThirdPerson: 3.5}, Score: 7.5, MaxScore: &ten, Batch: &b1,
				Crawled: crawled, Day: 20000, Reviewed: true, Pages: 12},
			{CorporateNumber: 1010001000002, GeneratedText: "二件目です。", Score: 3, Crawled: crawled},
		})
		res := openAll(t, p, Options{})
		if len(res) != 2 {
			t.Fatalf("%d results", len(res))
		}
		want := review.Item{ID: "1010001000001", Company: "株式会社サンプル", Summary: "株式会社サンプルは小売業です。",
			Scores: map[string]float64{"business": 4, "third_person": 3.5}, Score: 7.5, MaxScore: 10, Batch: "b1",
			Meta: map[string]any{"crawled": "2026-10-30T12:00:00Z", "day": "2024-10-04", "reviewed": true, "pages": json.Number("12")}}
		if res[0].err != nil || !reflect.DeepEqual(res[0].item, want) {
			t.Fatalf("row 1 = %#v, %v\nwant %#v", res[0].item, res[0].err, want)
		}
		if res[1].err != nil || res[1].item.MaxScore != 0 || res[1].item.Batch != "" || res[1].pos.Line != 2 || res[1].pos.File != p {
			t.Fatalf("row 2 = %+v at %v, %v", res[1].item, res[1].pos, res[1].err)
		}
	})
	t.Run("map scores", func(t *testing.T) {
		p := writeParquet(t, []pqMapRow{
			{ID: "a", Summary: "s", Scores: map[string]float64{"business": 2, "relevance": 1}, Total: 3},
			{ID: "b", Summary: "s", Total: 0},
		})
		res := openAll(t, p, Options{})
		if len(res) != 2 || res[0].err != nil || res[1].err != nil {
			t.Fatalf("results = %v", errsOf(res))
		}
		if !reflect.DeepEqual(res[0].item.Scores, map[string]float64{"business": 2, "relevance": 1}) || res[0].item.Score != 3 {
			t.Errorf("row 1 = %+v", res[0].item)
		}
		if len(res[1].item.Scores) != 0 {
			t.Errorf("row 2 scores = %v", res[1].item.Scores)
		}
	})
	t.Run("json scores, nulls, binary", func(t *testing.T) {
		s := func(v string) *string { return &v }
		p := writeParquet(t, []pqJSONRow{
			{ID: s("a"), Summary: s("s"), Scores: `{"business":3}`, Score: s("3"), Raw: []byte{0xff, 0x00}},
			{ID: s("b"), Summary: nil, Scores: "", Score: s("1"), Raw: []byte("text")},
			{ID: s("c"), Summary: s("s"), Scores: `not json`, Score: s("1")},
		})
		res := openAll(t, p, Options{})
		if len(res) != 3 {
			t.Fatalf("%d results", len(res))
		}
		if res[0].err != nil || res[0].item.Scores["business"] != 3 || !reflect.DeepEqual(res[0].item.Meta["raw"], []byte{0xff, 0x00}) {
			t.Errorf("row 1 = %+v, %v", res[0].item, res[0].err)
		}
		var re *RecordError
		if !errors.As(res[1].err, &re) || re.Field != "summary" || re.Pos.Line != 2 {
			t.Errorf("row 2 error = %v, want summary missing at row 2", res[1].err)
		}
		if !errors.As(res[2].err, &re) || re.Field != "scores" || !strings.Contains(re.Problem, "not a JSON object") {
			t.Errorf("row 3 error = %v", res[2].err)
		}
	})
	t.Run("missing required column", func(t *testing.T) {
		p := writeParquet(t, []pqMapRow{{ID: "a", Summary: "s"}})
		// With summary mapped away to a column that is not there, the error names the column and file.
		_, err := Open(p, Options{Map: map[string]string{"summary": "generated"}})
		if err == nil || !strings.Contains(err.Error(), "generated (mapped to summary) not found") || !strings.Contains(err.Error(), "open "+p+": schema (footer at byte ") {
			t.Fatalf("error = %v", err)
		}
		type noScore struct {
			ID      string `parquet:"id"`
			Summary string `parquet:"summary"`
		}
		p2 := writeParquet(t, []noScore{{"a", "s"}})
		_, err = Open(p2, Options{})
		if err == nil || !strings.Contains(err.Error(), "): score: no column for required field score") || !strings.Contains(err.Error(), "--map score=COLUMN") {
			t.Fatalf("error = %v", err)
		}
	})
}

func TestParquetBadFiles(t *testing.T) {
	good := writeParquet(t, benchRecords(50))
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		content []byte
		want    string
	}{
		{"not parquet", []byte("id,summary,score\n1,2,3\n"), `byte 0: not a Parquet file: it starts with "id,s"`},
		{"empty", nil, "not a Parquet file"},
		{"truncated footer", data[:len(data)-10], fmt.Sprintf("byte %d: truncated", len(data)-14)},
		{"footer length too large", append(append([]byte{}, data[:len(data)-8]...), 0xff, 0xff, 0xff, 0x7f, 'P', 'A', 'R', '1'),
			fmt.Sprintf("byte %d: not a Parquet file, or truncated: its footer claims", len(data)-8)},
		{"truncated middle", append(append([]byte{}, data[:len(data)/2]...), data[len(data)-8:]...), "in.parquet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "in.parquet")
			if err := os.WriteFile(p, tt.content, 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := Open(p, Options{})
			if err == nil {
				// Some damage only shows when the pages are read; it must then be a fatal error, not a panic.
				res := readAll(t, r)
				r.Close()
				if len(res) == 0 {
					t.Fatal("a damaged file read as empty without error")
				}
				err = res[len(res)-1].err
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParquetProgress(t *testing.T) {
	p := writeParquet(t, benchRecords(100), parquet.MaxRowsPerRowGroup(30))
	r, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	res := readAll(t, r)
	done, total := r.Progress()
	if len(res) != 100 || done != 100 || total != 100 {
		t.Fatalf("%d records, progress %d/%d", len(res), done, total)
	}
	for i, x := range res {
		if x.err != nil || x.pos.Line != int64(i+1) || x.item.ID != strconv.Itoa(1010001000000+i) ||
			!reflect.DeepEqual(x.item.Scores, map[string]float64{"business": 4, "third_person": 3}) {
			t.Fatalf("row %d: %+v", i, x)
		}
	}
}
