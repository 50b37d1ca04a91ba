package ingest

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestParseMap(t *testing.T) {
	tests := []struct {
		spec string
		want map[string]string
		err  string
	}{
		{"summary=generated_text,id=corp_no", map[string]string{"summary": "generated_text", "id": "corp_no"}, ""},
		{" summary = 生成文 , scores.business=biz_pts,", map[string]string{"summary": "生成文", "scores.business": "biz_pts"}, ""},
		{"", map[string]string{}, ""},
		{"summary", nil, "is not FIELD=COLUMN"},
		{"summary=", nil, "is not FIELD=COLUMN"},
		{"summry=x", nil, "unknown field summry"},
		{"scores.=x", nil, "unknown field scores."},
		{"id=a,id=b", nil, "id is mapped twice"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			got, err := ParseMap(tt.spec)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseMap(%q) = %v, %v; want error %q", tt.spec, got, err, tt.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseMap(%q) = %v, %v; want %v", tt.spec, got, err, tt.want)
			}
		})
	}
}

func TestLoadMapFile(t *testing.T) {
	p := writeFile(t, "map.json", `{"summary":"generated_text","id":"corp_no","scores.business":"biz"}`)
	got, err := LoadMapFile(p)
	if err != nil || !reflect.DeepEqual(got, map[string]string{"summary": "generated_text", "id": "corp_no", "scores.business": "biz"}) {
		t.Fatalf("LoadMapFile = %v, %v", got, err)
	}
	for name, content := range map[string]string{"array": `["summary"]`, "unknown": `{"sumary":"x"}`, "empty": `{"id":""}`, "number": `{"id":1}`} {
		t.Run(name, func(t *testing.T) {
			if _, err := LoadMapFile(writeFile(t, "map.json", content)); err == nil || !strings.Contains(err.Error(), "map.json") {
				t.Fatalf("error = %v, want one naming the file", err)
			}
		})
	}
	if _, err := LoadMapFile(filepath.Join(t.TempDir(), "none.json")); err == nil {
		t.Error("a missing file loaded")
	}
}

func TestDetectFormat(t *testing.T) {
	dir := t.TempDir()
	table := filepath.Join(dir, "table")
	os.MkdirAll(filepath.Join(table, "_delta_log"), 0o755)
	plain := filepath.Join(dir, "plain")
	os.MkdirAll(plain, 0o755)
	tests := []struct {
		name, want, err string
	}{
		{"a.jsonl", FormatJSONL, ""}, {"a.NDJSON", FormatJSONL, ""}, {"a.json", FormatJSONL, ""},
		{"a.csv", FormatCSV, ""}, {"a.parquet", FormatParquet, ""}, {"table", FormatDelta, ""},
		{"plain", "", "not a Delta table"}, {"a.jsonl.gz", "", "decompress it first"}, {"a.tsv", "", "save it as CSV"},
		{"a.xlsx", "", `unknown extension ".xlsx"`}, {"missing.csv", "", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, tt.name)
			if !strings.HasPrefix(tt.name, "missing") && filepath.Ext(tt.name) != "" {
				os.WriteFile(p, nil, 0o644)
			}
			got, err := DetectFormat(p)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("DetectFormat = %q, %v; want error %q", got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("DetectFormat = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	// An explicit format overrides the extension.
	p := writeFile(t, "items.txt", `{"id":"a","summary":"s","score":1}`+"\n")
	if res := openAll(t, p, Options{Format: "ndjson"}); len(res) != 1 || res[0].err != nil {
		t.Errorf("explicit format: %v", errsOf(res))
	}
	if _, err := Open(p, Options{Format: "xml"}); err == nil || !strings.Contains(err.Error(), `unknown format "xml"`) {
		t.Errorf("error = %v", err)
	}
}

func TestPlan(t *testing.T) {
	tests := []struct {
		name    string
		m       map[string]string
		columns []string
		want    []string // per column: field name, "scores.<crit>" or "meta:<name>"; "+" joins extra fields
		err     string
	}{
		{name: "canonical", columns: []string{"id", "summary", "score", "extra"},
			want: []string{"id", "summary", "score", "meta:extra"}},
		{name: "aliases", columns: []string{"Corporate Number", "generated_text", "total_score", "company_name", "score_business", "scores.style"},
			want: []string{"id", "summary", "score", "company", "scores.business", "scores.style"}},
		{name: "canonical wins over alias", columns: []string{"text", "source", "id", "summary", "score"},
			want: []string{"meta:text", "source", "id", "summary", "score"}},
		{name: "explicit wins", m: map[string]string{"summary": "text"}, columns: []string{"summary", "text", "id", "score"},
			want: []string{"meta:summary", "summary", "id", "score"}},
		{name: "one column, several fields", m: map[string]string{"summary": "id", "score": "id"}, columns: []string{"id"},
			want: []string{"score+summary+id"}},
		{name: "two optional aliases go to meta", columns: []string{"id", "summary", "score", "text", "input"},
			want: []string{"id", "summary", "score", "meta:text", "meta:input"}},
		{name: "two id aliases", columns: []string{"corp_no", "company_id", "summary", "score"}, err: "columns corp_no and company_id could each be id"},
		{name: "no summary", columns: []string{"id", "score"}, err: "no column for required field summary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := newMapping(tt.m)
			if err != nil {
				t.Fatal(err)
			}
			targets, err := m.plan("f.csv", tt.columns)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "f.csv: ") {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tg := range targets {
				s := describe(tg)
				for _, a := range tg.also {
					s += "+" + describe(a)
				}
				got = append(got, s)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("plan = %v, want %v", got, tt.want)
			}
		})
	}
}

func describe(t target) string {
	switch t.field {
	case fExtra:
		return "meta:" + t.name
	case fCriterion:
		return "scores." + t.crit
	}
	return t.field.String()
}

func TestRecordErrorString(t *testing.T) {
	e := &RecordError{Pos: Position{File: "a.csv", Line: 12}, Field: "summary", Problem: "missing"}
	if e.Error() != "a.csv:12: summary: missing" {
		t.Errorf("Error() = %q", e.Error())
	}
	e.Field = ""
	if e.Error() != "a.csv:12: missing" {
		t.Errorf("Error() = %q", e.Error())
	}
}

// A directory that is not a Delta table imports as the files in it that have a known extension, in name order;
// Delta tables and plain files pass through.
func TestExpand(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b.csv", "a.jsonl", "c.parquet", "notes.txt", ".hidden.jsonl", "a.jsonl.rejects.jsonl"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	table := filepath.Join(t.TempDir(), "table")
	if err := os.MkdirAll(filepath.Join(table, "_delta_log"), 0o755); err != nil {
		t.Fatal(err)
	}
	single := filepath.Join(t.TempDir(), "x.jsonl")
	os.WriteFile(single, nil, 0o644)
	got, err := Expand([]string{single, dir, table})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{single, filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.csv"), filepath.Join(dir, "c.parquet"), table}
	if !slices.Equal(got, want) {
		t.Errorf("Expand = %v, want %v", got, want)
	}
	empty := t.TempDir()
	if _, err := Expand([]string{empty}); err == nil || !strings.Contains(err.Error(), "no .jsonl, .csv or .parquet files") {
		t.Errorf("an empty directory: %v, want an error that says what it lacks", err)
	}
}
