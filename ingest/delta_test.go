package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"reviewdesk/delta"
)

// sharedTables finds shared/testdata/delta: $REVIEWDESK_SHARED/testdata/delta, or a shared/testdata/delta beside
// any directory above this package (the worktree or the CI clone sits next to shared/). The delta package's
// tests carry the same helper; test helpers cannot be shared across packages without exporting them.
func sharedTables(t *testing.T) string {
	t.Helper()
	if s := os.Getenv("REVIEWDESK_SHARED"); s != "" {
		d := filepath.Join(s, "testdata", "delta")
		if _, err := os.Stat(d); err != nil {
			t.Fatalf("REVIEWDESK_SHARED=%s has no testdata/delta: %v", s, err)
		}
		return d
	}
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		d := filepath.Join(dir, "shared", "testdata", "delta")
		if info, err := os.Stat(d); err == nil && info.IsDir() {
			return d
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("shared/testdata/delta not found above the package directory; set REVIEWDESK_SHARED to the shared dir")
		}
		dir = parent
	}
}

// row is the part of an item the shared-table tests compare.
type row struct {
	ID, Summary string
	Score       float64
	Meta        map[string]any
}

func rowsOf(t *testing.T, res []result) ([]row, []error) {
	t.Helper()
	var rows []row
	var errs []error
	for _, r := range res {
		if r.err != nil {
			errs = append(errs, r.err)
			continue
		}
		rows = append(rows, row{r.item.ID, r.item.Summary, r.item.Score, r.item.Meta})
	}
	return rows, errs
}

func TestDeltaSharedTables(t *testing.T) {
	root := sharedTables(t)

	t.Run("simple_table", func(t *testing.T) {
		// One long column; it serves as id, summary and score. Version 4 holds ids 5, 7 and 9 (the uncommitted
		// .tmp/00000000000000000005.json must not count).
		m, err := ParseMap("id=id,summary=id,score=id")
		if err != nil {
			t.Fatal(err)
		}
		res := openAll(t, filepath.Join(root, "simple_table"), Options{Map: m})
		rows, errs := rowsOf(t, res)
		want := []row{{"5", "5", 5, nil}, {"7", "7", 7, nil}, {"9", "9", 9, nil}}
		if len(errs) > 0 || !reflect.DeepEqual(rows, want) {
			t.Fatalf("rows = %v, errors %v", rows, errs)
		}
	})

	t.Run("delta-0.8.0-partitioned", func(t *testing.T) {
		// Partition columns come from the log: score from year, the rest into Meta.
		res := openAll(t, filepath.Join(root, "delta-0.8.0-partitioned"), Options{Map: map[string]string{
			"id": "value", "summary": "value", "score": "year"}})
		rows, errs := rowsOf(t, res)
		want := []row{
			{"1", "1", 2020, map[string]any{"month": "1", "day": "1"}},
			{"2", "2", 2020, map[string]any{"month": "2", "day": "3"}},
			{"3", "3", 2020, map[string]any{"month": "2", "day": "5"}},
			{"6", "6", 2021, map[string]any{"month": "12", "day": "20"}},
			{"7", "7", 2021, map[string]any{"month": "12", "day": "20"}},
			{"5", "5", 2021, map[string]any{"month": "12", "day": "4"}},
			{"4", "4", 2021, map[string]any{"month": "4", "day": "5"}},
		}
		if len(errs) > 0 || !reflect.DeepEqual(rows, want) {
			t.Fatalf("rows = %v\nwant %v\nerrors %v", rows, want, errs)
		}
		// Positions name the data file and the row within it.
		if p := res[4].pos; !strings.HasSuffix(p.File, filepath.FromSlash("year=2021/month=12/day=20/part-00000-9275fdf4-3961-4184-baa0-1c8a2bb98104.c000.snappy.parquet")) || p.Line != 2 {
			t.Errorf("position of the fifth row = %v", p)
		}
	})

	t.Run("data-reader-primitives", func(t *testing.T) {
		res := openAll(t, filepath.Join(root, "data-reader-primitives"), Options{Map: map[string]string{
			"id": "as_long", "summary": "as_string", "score": "as_double"}})
		rows, errs := rowsOf(t, res)
		// One row is all nulls; the others hold i in every column (as_binary is two bytes of value i).
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), "id: missing") {
			t.Fatalf("errors = %v, want one (the all-null row)", errs)
		}
		if len(rows) != 10 {
			t.Fatalf("%d rows, want 10", len(rows))
		}
		seen := map[string]bool{}
		for _, r := range rows {
			i := r.ID
			seen[i] = true
			if r.Summary != i || fmt.Sprint(r.Score) != i {
				t.Errorf("row %s: summary %q score %v", i, r.Summary, r.Score)
			}
			wantMeta := map[string]any{"as_int": json.Number(i), "as_byte": json.Number(i), "as_short": json.Number(i),
				"as_float": json.Number(i), "as_big_decimal": json.Number(i), "as_boolean": i[0]%2 == 0,
				"as_binary": strings.Repeat(string(rune(i[0]-'0')), 2)}
			if !reflect.DeepEqual(r.Meta, wantMeta) {
				t.Errorf("row %s meta = %#v\nwant %#v", i, r.Meta, wantMeta)
			}
		}
		if len(seen) != 10 {
			t.Errorf("ids = %v", seen)
		}
	})

	t.Run("basic-with-inserts-updates", func(t *testing.T) {
		// The update rewrote ids 0-49 with str "N/A"; ids 50-99 keep "val=<id>".
		res := openAll(t, filepath.Join(root, "basic-with-inserts-updates"), Options{Map: map[string]string{
			"summary": "str", "score": "id"}})
		rows, errs := rowsOf(t, res)
		if len(errs) > 0 || len(rows) != 100 {
			t.Fatalf("%d rows, errors %v", len(rows), errs)
		}
		for i, r := range rows {
			want := row{fmt.Sprint(i), "N/A", float64(i), nil}
			if i >= 50 {
				want.Summary = fmt.Sprintf("val=%d", i)
			}
			if !reflect.DeepEqual(r, want) {
				t.Fatalf("row %d = %v, want %v", i, r, want)
			}
		}
	})

	t.Run("deltalog-getChanges", func(t *testing.T) {
		// The newest snapshot has no files at all (fake/path/1 was removed), so it reads as empty.
		res := openAll(t, filepath.Join(root, "deltalog-getChanges"), Options{Map: map[string]string{"summary": "id", "score": "part"}})
		if len(res) != 0 {
			t.Fatalf("results = %v", res)
		}
	})
}

// newDeltaTable writes a small review-shaped Delta table: two data files in batch partitions.
func newDeltaTable(t *testing.T, protocol delta.Protocol, config map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	type dataRow struct {
		ID      string  `parquet:"id"`
		Summary string  `parquet:"summary"`
		Score   float64 `parquet:"score"`
	}
	var adds []delta.Action
	for i, batch := range []string{"b1", "b 2"} {
		rel := filepath.Join("batch="+batch, fmt.Sprintf("part-%d.parquet", i))
		p := writeParquet(t, []dataRow{{fmt.Sprint(i*10 + 1), "要約です。", float64(i + 1)}, {fmt.Sprint(i*10 + 2), "要約です。", 2}})
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, rel), data, 0o644); err != nil {
			t.Fatal(err)
		}
		logPath := strings.ReplaceAll(filepath.ToSlash(rel), " ", "%20")
		adds = append(adds, delta.Action{Add: &delta.Add{Path: logPath, PartitionValues: map[string]string{"batch": batch},
			Size: int64(len(data)), DataChange: true, Stats: `{"numRecords":2}`}})
	}
	schema := &delta.StructType{Fields: []delta.StructField{
		{Name: "id", Type: delta.DataType{Name: "string"}}, {Name: "summary", Type: delta.DataType{Name: "string"}},
		{Name: "score", Type: delta.DataType{Name: "double"}}, {Name: "batch", Type: delta.DataType{Name: "string"}, Nullable: true},
	}}
	actions := append([]delta.Action{{Protocol: &protocol},
		{MetaData: &delta.Metadata{ID: "t", SchemaString: schema.String(), PartitionColumns: []string{"batch"}, Configuration: config}}}, adds...)
	if err := delta.WriteCommit(context.Background(), dir, 0, actions); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestDeltaTable(t *testing.T) {
	t.Run("partitions and progress", func(t *testing.T) {
		dir := newDeltaTable(t, delta.Protocol{MinReaderVersion: 1, MinWriterVersion: 2}, nil)
		r, err := Open(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if _, total := r.Progress(); total != 4 {
			t.Errorf("total = %d, want 4 from the stats", total)
		}
		res := readAll(t, r)
		var got []string
		for _, x := range res {
			if x.err != nil {
				t.Fatal(x.err)
			}
			got = append(got, x.item.Batch+"/"+x.item.ID)
		}
		// Files are read in path order: "batch=b 2" sorts before "batch=b1".
		if want := []string{"b 2/11", "b 2/12", "b1/1", "b1/2"}; !reflect.DeepEqual(got, want) {
			t.Errorf("rows = %v, want %v", got, want)
		}
		if done, _ := r.Progress(); done != 4 {
			t.Errorf("done = %d", done)
		}
	})
	t.Run("missing data file", func(t *testing.T) {
		dir := newDeltaTable(t, delta.Protocol{MinReaderVersion: 1, MinWriterVersion: 2}, nil)
		if err := os.RemoveAll(filepath.Join(dir, "batch=b1")); err != nil {
			t.Fatal(err)
		}
		_, err := Open(dir, Options{})
		// The add of batch=b1 is line 3 of commit 0, after the protocol and the metaData.
		if err == nil || !strings.Contains(err.Error(),
			"00000000000000000000.json:3: add.path: commit 0 adds data file batch=b1/part-0.parquet, which does not exist") {
			t.Fatalf("error = %v", err)
		}
	})
	refused := []struct {
		name   string
		p      delta.Protocol
		config map[string]string
		want   string // the position, the field and the feature
	}{
		{"deletion vectors", delta.Protocol{MinReaderVersion: 3, MinWriterVersion: 7, ReaderFeatures: []string{"deletionVectors"}, WriterFeatures: []string{"deletionVectors"}}, nil,
			".json:1: protocol.readerFeatures: table needs reader feature deletionVectors"},
		{"column mapping by name", delta.Protocol{MinReaderVersion: 2, MinWriterVersion: 5}, map[string]string{"delta.columnMapping.mode": "name"},
			".json:2: metaData.configuration: table needs reader feature columnMapping"},
		{"unknown feature", delta.Protocol{MinReaderVersion: 3, MinWriterVersion: 7, ReaderFeatures: []string{"somethingNew"}}, nil,
			".json:1: protocol.readerFeatures: table needs reader feature somethingNew"},
		{"reader version 4", delta.Protocol{MinReaderVersion: 4, MinWriterVersion: 7}, nil,
			".json:1: protocol.minReaderVersion: table needs reader feature minReaderVersion=4"},
	}
	for _, tt := range refused {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			_, err := Open(newDeltaTable(t, tt.p, tt.config), Options{})
			var ufe *delta.UnsupportedFeatureError
			if !errors.As(err, &ufe) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want an UnsupportedFeatureError naming %s", err, tt.want)
			}
		})
	}
	t.Run("reads timestampNtz and column mapping none", func(t *testing.T) {
		p := delta.Protocol{MinReaderVersion: 3, MinWriterVersion: 7, ReaderFeatures: []string{"timestampNtz", "columnMapping"}, WriterFeatures: []string{"timestampNtz", "columnMapping"}}
		res := openAll(t, newDeltaTable(t, p, map[string]string{"delta.columnMapping.mode": "none"}), Options{})
		if len(res) != 4 || res[0].err != nil {
			t.Fatalf("results = %v", errsOf(res))
		}
	})
	t.Run("missing required column", func(t *testing.T) {
		dir := newDeltaTable(t, delta.Protocol{MinReaderVersion: 1, MinWriterVersion: 2}, nil)
		_, err := Open(dir, Options{Map: map[string]string{"summary": "text"}})
		if err == nil || !strings.Contains(err.Error(), "00000000000000000000.json:2: summary: mapped column text (mapped to summary) not found") {
			t.Fatalf("error = %v", err)
		}
	})
}
