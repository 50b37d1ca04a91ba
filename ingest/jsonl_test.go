package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"reviewdesk/review"
)

// result is one Next outcome, compared in tests.
type result struct {
	item review.Item
	pos  Position
	err  error
}

// readAll reads every record of r, stopping at io.EOF or a fatal error.
func readAll(t *testing.T, r Reader) []result {
	t.Helper()
	var out []result
	for {
		it, pos, err := r.Next()
		if err == io.EOF {
			return out
		}
		out = append(out, result{it, pos, err})
		var re *RecordError
		if err != nil && !errors.As(err, &re) {
			return out
		}
		if len(out) > 1_000_000 {
			t.Fatal("reader does not end")
		}
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func openAll(t *testing.T, path string, opts Options) []result {
	t.Helper()
	r, err := Open(path, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	defer r.Close()
	return readAll(t, r)
}

func TestJSONLFixture(t *testing.T) {
	res := openAll(t, "testdata/items.jsonl", Options{})
	if len(res) != 3 {
		t.Fatalf("%d records, want 3 (the blank line is skipped)", len(res))
	}
	for _, r := range res {
		if r.err != nil {
			t.Fatalf("%v", r.err)
		}
	}
	want0 := review.Item{ID: "1010001000001", Company: "株式会社サンプル",
		Source:  "当社は1950年に設立された総合小売業です。全国に店舗を展開しています。",
		Summary: "株式会社サンプルは、1950年に設立された総合小売業です。全国に店舗を展開しています。",
		Scores:  map[string]float64{"business": 4, "third_person": 3, "relevance": 3}, Score: 10, MaxScore: 10,
		Generator: "gen-a", Judge: "judge-b", PromptVersion: "v3", Batch: "2026-11-01"}
	if !reflect.DeepEqual(res[0].item, want0) {
		t.Errorf("record 1 = %+v\nwant %+v", res[0].item, want0)
	}
	// A numeric id keeps its exact digits; unknown keys go to Meta.
	if res[1].item.ID != "1010001000002" || res[1].item.Meta["crawl_date"] != "2026-10-30" {
		t.Errorf("record 2 = %+v", res[1].item)
	}
	// \u escapes (Python's default json.dumps) decode; a meta object merges into Meta.
	if res[2].item.Summary != "金融機関として行動力みなぎるコミュニティバンクを実現します！" || res[2].item.Score != 9.5 {
		t.Errorf("record 3 = %+v", res[2].item)
	}
	if !reflect.DeepEqual(res[2].item.Meta, map[string]any{"region": "関東", "tags": []any{"bank"}}) {
		t.Errorf("record 3 meta = %#v", res[2].item.Meta)
	}
	if res[2].pos.Line != 4 || res[2].pos.String() != "testdata/items.jsonl:4" {
		t.Errorf("record 3 position = %v, want line 4", res[2].pos)
	}
}

func TestJSONLRecords(t *testing.T) {
	tests := []struct {
		name  string
		line  string
		opts  Options
		want  review.Item
		field string // expected RecordError field; "" with problem set = record-level
		prob  string // substring of the RecordError problem; "" = success
	}{
		{name: "minimal", line: `{"id":"a","summary":"s","score":3}`,
			want: review.Item{ID: "a", Summary: "s", Score: 3}},
		{name: "aliases", line: `{"corporate_number":1234567890123,"company_name":"C","source_text":"src","generated_text":"g","total_score":"7"}`,
			want: review.Item{ID: "1234567890123", Company: "C", Source: "src", Summary: "g", Score: 7}},
		{name: "explicit map beats canonical", line: `{"id":"x","corp":"y","summary":"s","score":1}`,
			opts: Options{Map: map[string]string{"id": "corp"}},
			want: review.Item{ID: "y", Summary: "s", Score: 1, Meta: map[string]any{"id": "x"}}},
		{name: "canonical beats alias", line: `{"text":"alias","source":"canon","id":"a","summary":"s","score":1}`,
			want: review.Item{ID: "a", Source: "canon", Summary: "s", Score: 1, Meta: map[string]any{"text": "alias"}}},
		{name: "criterion columns override scores object", line: `{"id":"a","summary":"s","score":5,"score_business":2,"scores":{"business":1,"style":3}}`,
			want: review.Item{ID: "a", Summary: "s", Score: 5, Scores: map[string]float64{"business": 2, "style": 3}}},
		{name: "mapped criterion", line: `{"id":"a","summary":"s","score":5,"biz_pts":4}`,
			opts: Options{Map: map[string]string{"scores.business": "biz_pts"}},
			want: review.Item{ID: "a", Summary: "s", Score: 5, Scores: map[string]float64{"business": 4}}},
		{name: "scores as JSON string", line: `{"id":"a","summary":"s","score":5,"scores":"{\"x\":1.5}"}`,
			want: review.Item{ID: "a", Summary: "s", Score: 5, Scores: map[string]float64{"x": 1.5}}},
		{name: "escapes", line: `{"id":"a\"b","summary":"line1\nline2 \ud83d\ude00 \u00e9\\","score":0}`,
			want: review.Item{ID: `a"b`, Summary: "line1\nline2 😀 é\\", Score: 0}},
		{name: "case and spaces in keys", line: `{"ID":"a","Summary":"s","Total Score":2}`,
			want: review.Item{ID: "a", Summary: "s", Score: 2}},
		{name: "meta numbers exact", line: `{"id":"a","summary":"s","score":1,"n":12345678901234567890,"f":0.1,"ok":true,"z":null}`,
			want: review.Item{ID: "a", Summary: "s", Score: 1, Meta: map[string]any{"n": json.Number("12345678901234567890"), "f": json.Number("0.1"), "ok": true, "z": nil}}},
		{name: "CRLF", line: "{\"id\":\"a\",\"summary\":\"s\",\"score\":1}\r",
			want: review.Item{ID: "a", Summary: "s", Score: 1}},

		{name: "missing score", line: `{"id":"a","summary":"s"}`, field: "score", prob: "missing"},
		{name: "null summary", line: `{"id":"a","summary":null,"score":1}`, field: "summary", prob: "missing"},
		{name: "empty summary", line: `{"id":"a","summary":"  ","score":1}`, field: "summary", prob: "missing or empty"},
		{name: "score not a number", line: `{"id":"a","summary":"s","score":"high"}`, field: "score", prob: `not a number: "high"`},
		{name: "score bool", line: `{"id":"a","summary":"s","score":true}`, field: "score", prob: "boolean"},
		{name: "negative criterion", line: `{"id":"a","summary":"s","score":1,"scores":{"b":-1}}`, field: "scores.b", prob: "negative"},
		{name: "score above max", line: `{"id":"a","summary":"s","score":11,"max_score":10}`, field: "score", prob: "above max_score"},
		{name: "summary object", line: `{"id":"a","summary":{"x":1},"score":1}`, field: "summary", prob: "object or array"},
		{name: "invalid utf8", line: "{\"id\":\"a\",\"summary\":\"\xff\xfe\",\"score\":1}", field: "summary", prob: "not valid UTF-8"},
		{name: "truncated", line: `{"id":"a","summary":"s","sco`, prob: "invalid JSON at column 29 (offset 28 in the file), after the value of summary: unterminated string (truncated line?)"},
		{name: "truncated value", line: `{"id":"a","summary":"途中`, field: "summary", prob: "invalid JSON at column 28 (character 24, offset 27 in the file): unterminated string (truncated line?); the line was cut off"},
		{name: "missing comma", line: `{"id":"a" "summary":"s","score":1}`, prob: "invalid JSON at column 11 (offset 10 in the file), after the value of id: expected ',' or '}'; correct the line"},
		{name: "bad criterion", line: `{"id":"a","summary":"s","score":1,"scores":{"b":-x}}`, field: "scores.b", prob: "invalid number"},
		{name: "after a criterion", line: `{"id":"a","summary":"s","score":1,"scores":{"b":1x}}`, prob: "after the value of scores.b: expected ',' or '}' in scores"},
		{name: "truncated after value", line: `{"id":"a","summary":"s"`, prob: "truncated"},
		{name: "not an object", line: `"just text"`, prob: "must be a JSON object"},
		{name: "trailing data", line: `{"id":"a","summary":"s","score":1} x`, prob: "after the record"},
		{name: "bad number", line: `{"id":"a","summary":"s","score":01}`, prob: "expected ',' or '}'"},
		{name: "bad escape", line: `{"id":"a\q","summary":"s","score":1}`, field: "id", prob: "invalid escape"},
		{name: "deep nesting", line: `{"id":"a","summary":"s","score":1,"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, field: "x", prob: "nested deeper than 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, "in.jsonl", tt.line+"\n")
			res := openAll(t, p, tt.opts)
			if len(res) != 1 {
				t.Fatalf("%d results, want 1", len(res))
			}
			r := res[0]
			if tt.prob == "" {
				if r.err != nil {
					t.Fatalf("unexpected error %v", r.err)
				}
				if !reflect.DeepEqual(r.item, tt.want) {
					t.Fatalf("item = %#v\nwant %#v", r.item, tt.want)
				}
				return
			}
			var re *RecordError
			if !errors.As(r.err, &re) {
				t.Fatalf("error = %v, want a *RecordError", r.err)
			}
			if re.Field != tt.field || !strings.Contains(re.Problem, tt.prob) || re.Pos.Line != 1 || re.Pos.File != p {
				t.Fatalf("error = %#v, want field %q problem containing %q at line 1", re, tt.field, tt.prob)
			}
			if !strings.HasPrefix(re.Error(), p+":1: ") {
				t.Errorf("Error() = %q", re.Error())
			}
		})
	}
}

func TestJSONLContinuesAfterBadRecords(t *testing.T) {
	p := writeFile(t, "in.jsonl", "\xef\xbb\xbf"+`{"id":"1","summary":"s","score":1}`+"\n"+
		`{"id":"2",`+"\n\n"+`{"id":"3","summary":"s","score":2}`) // BOM, a truncated line, no final newline
	res := openAll(t, p, Options{})
	if len(res) != 3 || res[0].err != nil || res[1].err == nil || res[2].err != nil {
		t.Fatalf("results = %+v", res)
	}
	if res[1].pos.Line != 2 || res[2].pos.Line != 4 || res[2].item.ID != "3" {
		t.Errorf("positions %v %v, last id %q", res[1].pos, res[2].pos, res[2].item.ID)
	}
}

func TestJSONLLimits(t *testing.T) {
	t.Run("field over MaxTextLength", func(t *testing.T) {
		big := strings.Repeat("あ", review.MaxTextLength/3+10) // just over 8 MB of UTF-8
		p := writeFile(t, "in.jsonl", `{"id":"a","summary":"s","score":1,"source":"`+big+`"}`+"\n"+`{"id":"b","summary":"s","score":1}`+"\n")
		res := openAll(t, p, Options{})
		var re *RecordError
		if len(res) != 2 || !errors.As(res[0].err, &re) || re.Field != "source" || !strings.Contains(re.Problem, "longer than 8 MB") {
			t.Fatalf("results = %v", errsOf(res))
		}
		if res[1].err != nil || res[1].item.ID != "b" {
			t.Fatalf("record after the big one: %v", res[1].err)
		}
	})
	t.Run("line over MaxLineLength", func(t *testing.T) {
		if testing.Short() {
			t.Skip("writes a 65 MB file")
		}
		p := filepath.Join(t.TempDir(), "in.jsonl")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(f, `{"id":"a","summary":"`)
		chunk := strings.Repeat("x", 1<<20)
		for range MaxLineLength>>20 + 1 {
			f.WriteString(chunk)
		}
		fmt.Fprint(f, `","score":1}`+"\n"+`{"id":"b","summary":"s","score":1}`+"\n")
		f.Close()
		res := openAll(t, p, Options{})
		var re *RecordError
		if len(res) != 2 || !errors.As(res[0].err, &re) || !strings.Contains(re.Problem, "line longer than 64 MB") {
			t.Fatalf("results = %v", errsOf(res))
		}
		if res[1].err != nil || res[1].item.ID != "b" || res[1].pos.Line != 2 {
			t.Fatalf("record after the long line: %+v", res[1])
		}
	})
	t.Run("json array", func(t *testing.T) {
		p := writeFile(t, "in.json", ` [{"id":"a"}]`)
		_, err := Open(p, Options{})
		if err == nil || !strings.Contains(err.Error(), "JSON array") {
			t.Fatalf("error = %v", err)
		}
	})
}

func errsOf(res []result) []error {
	var out []error
	for _, r := range res {
		out = append(out, r.err)
	}
	return out
}

func TestJSONLProgress(t *testing.T) {
	content := `{"id":"a","summary":"s","score":1}` + "\n" + `{"id":"b","summary":"s","score":1}` + "\n"
	p := writeFile(t, "in.jsonl", content)
	r, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	done, total := r.Progress()
	if done != int64(len(content)/2) || total != int64(len(content)) {
		t.Errorf("progress after one record = %d/%d, want %d/%d", done, total, len(content)/2, len(content))
	}
	readAll(t, r)
	if done, _ := r.Progress(); done != int64(len(content)) {
		t.Errorf("progress at the end = %d", done)
	}
}

// TestJSONLMatchesEncodingJSON checks the hand-written decoder against encoding/json on varied strings.
func TestJSONLMatchesEncodingJSON(t *testing.T) {
	texts := []string{"plain", "日本語のテキスト", "tab\tand \"quotes\" and \\ back", "emoji 😀 and \u2028", "<html> & 'x'", ""}
	var sb strings.Builder
	for i, s := range texts {
		rec := map[string]any{"id": fmt.Sprint(i), "summary": "s" + s, "company": s, "score": 1.25}
		b, _ := json.Marshal(rec) // escapes <, >, & and U+2028 as \u sequences
		sb.Write(b)
		sb.WriteByte('\n')
	}
	res := openAll(t, writeFile(t, "in.jsonl", sb.String()), Options{})
	for i, r := range res {
		if r.err != nil || r.item.Company != texts[i] || r.item.Summary != "s"+texts[i] || r.item.Score != 1.25 {
			t.Errorf("record %d = %+v, %v", i, r.item, r.err)
		}
	}
}
