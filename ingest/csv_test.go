package ingest

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"reviewdesk/review"
)

func toShiftJIS(t *testing.T, s string) string {
	t.Helper()
	out, err := japanese.ShiftJIS.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCSVFixture(t *testing.T) {
	res := openAll(t, "testdata/items.csv", Options{})
	if len(res) != 3 {
		t.Fatalf("%d records, want 3", len(res))
	}
	want := review.Item{ID: "1010001000001", Company: "株式会社サンプル", Source: "当社は1950年に設立された総合小売業です。\n全国に店舗を展開しています。",
		Summary: "株式会社サンプルは、\"総合小売業\"です。", Scores: map[string]float64{"business": 4, "third_person": 3},
		Score: 7, MaxScore: 10, Batch: "b1", Meta: map[string]any{"note": "確認済み"}}
	if res[0].err != nil || !reflect.DeepEqual(res[0].item, want) {
		t.Fatalf("record 1 = %#v, %v\nwant %#v", res[0].item, res[0].err, want)
	}
	// The first record spans lines 2-3, so the second starts on line 4.
	if res[0].pos.Line != 2 || res[1].pos.Line != 4 || res[2].pos.Line != 5 {
		t.Errorf("lines = %d %d %d, want 2 4 5", res[0].pos.Line, res[1].pos.Line, res[2].pos.Line)
	}
	var re *RecordError
	if !errors.As(res[1].err, &re) || re.Field != "score" || !strings.Contains(re.Problem, "missing") {
		t.Errorf("record 2 error = %v, want score missing", res[1].err)
	}
	if res[2].err != nil || res[2].item.ID != "1010001000003" || res[2].item.Scores["business"] != 2 {
		t.Errorf("record 3 = %+v, %v", res[2].item, res[2].err)
	}
}

func TestCSVEncodings(t *testing.T) {
	const body = "法人番号,会社名,summary,score\n"
	rows := "1010001000001,株式会社テスト,株式会社テストは東京都の企業です。,3\n"
	m := map[string]string{"id": "法人番号", "company": "会社名"}
	tests := []struct {
		name, content, encoding string
	}{
		{"utf-8", body + rows, ""},
		{"utf-8 BOM", "\xef\xbb\xbf" + body + rows, ""},
		{"shift_jis detected", toShiftJIS(t, body+rows), ""},
		{"shift_jis forced", toShiftJIS(t, body+rows), "shift_jis"},
		{"cp932 forced", toShiftJIS(t, body+rows), "CP932"},
		{"utf-8 forced", body + rows, "utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := openAll(t, writeFile(t, "in.csv", tt.content), Options{Encoding: tt.encoding, Map: m})
			want := review.Item{ID: "1010001000001", Company: "株式会社テスト", Summary: "株式会社テストは東京都の企業です。", Score: 3}
			if len(res) != 1 || res[0].err != nil || !reflect.DeepEqual(res[0].item, want) {
				t.Fatalf("results = %+v", res)
			}
		})
	}
	t.Run("shift_jis read as utf-8", func(t *testing.T) {
		res := openAll(t, writeFile(t, "in.csv", toShiftJIS(t, "id,summary,score\n1,テスト,1\n")), Options{Encoding: "utf-8"})
		var re *RecordError
		if len(res) != 1 || !errors.As(res[0].err, &re) || !strings.Contains(re.Problem, "--encoding shift_jis") {
			t.Fatalf("results = %+v", res)
		}
	})
	t.Run("neither", func(t *testing.T) {
		_, err := Open(writeFile(t, "in.csv", "id,summary,score\n1,\x80\xff\xfe,1\n"), Options{})
		if err == nil || !strings.Contains(err.Error(), "neither UTF-8 nor Shift_JIS") {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("unknown encoding", func(t *testing.T) {
		_, err := Open(writeFile(t, "in.csv", "id\n"), Options{Encoding: "latin1"})
		if err == nil || !strings.Contains(err.Error(), `unknown encoding "latin1"`) {
			t.Fatalf("error = %v", err)
		}
	})
}

func TestCSVHeaderErrors(t *testing.T) {
	tests := []struct {
		name, content string
		opts          Options
		want          string
	}{
		{"missing summary", "id,text,score\n1,x,1\n", Options{}, "no column for required field summary (looked for summary, generated_summary"},
		{"missing summary hint", "id,text,score\n1,x,1\n", Options{}, "--map summary=COLUMN"},
		{"mapped column absent", "id,summary,score\n", Options{Map: map[string]string{"summary": "gen"}}, "mapped column gen (mapped to summary) not found"},
		{"two aliases", "corp_no,corporate_number,summary,score\n", Options{}, "in.csv:1: id: columns corp_no and corporate_number could each be id"},
		{"duplicate column", "\nid,summary,Summary ,summary,score\n", Options{}, `in.csv:2: summary: column "summary" appears twice in the header (columns 2 and 4)`},
		{"empty file", "", Options{}, "needs a header row"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, "in.csv", tt.content)
			_, err := Open(p, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), p) {
				t.Fatalf("error = %v, want it to name the file and contain %q", err, tt.want)
			}
		})
	}
}

func TestCSVRecordErrors(t *testing.T) {
	content := "id,summary,score\n" +
		"1,ok,1\n" +
		"2,too,many,fields\n" +
		"3,bare\"quote,1\n" +
		"4,ok,1\n" +
		"5,x\n" +
		"6,\"unterminated,1\n7,x,1\n"
	res := openAll(t, writeFile(t, "in.csv", content), Options{})
	if len(res) != 6 {
		t.Fatalf("%d results: %v", len(res), errsOf(res))
	}
	checks := []struct {
		line  int64
		field string
		prob  string
	}{
		{2, "", ""},
		{3, "column 4", "the row has 4 fields, the header has 3"},
		{4, "summary", "bare \" in non-quoted-field (line 4, column 7)"},
		{5, "", ""},
		{6, "score", "missing: the row has 2 fields, the header has 3, so it ends before column 3 (score)"},
		{7, "summary", "extraneous or missing \" in quoted-field: field 2 of the row has no proper closing quote (reading stopped at line 8"},
	}
	for i, c := range checks {
		r := res[i]
		if c.prob == "" {
			if r.err != nil || r.pos.Line != c.line {
				t.Errorf("result %d = %v at %v, want a record at line %d", i, r.err, r.pos, c.line)
			}
			continue
		}
		var re *RecordError
		if !errors.As(r.err, &re) || re.Pos.Line != c.line || re.Field != c.field || !strings.Contains(re.Problem, c.prob) {
			t.Errorf("result %d = %v, want line %d, field %q, %q", i, r.err, c.line, c.field, c.prob)
		}
	}
}

func TestSpreadsheetFormula(t *testing.T) {
	for _, tc := range []struct {
		cell string
		want bool
	}{
		{"=HYPERLINK(\"http://x\")", true},
		{"=1+1", true},
		{"@SUM(A1)", true},
		{"+cmd|' /C calc'!A0", true},
		{"-cmd|calc", true},
		{"-5", false},
		{"+81-3-1234-5678", false},
		{"- 品目一覧", false},
		{"-", false},
		{"株式会社テスト", false},
		{"", false},
		{"@", false},
		{"-ー技術", false},
	} {
		if got := spreadsheetFormula(tc.cell); got != tc.want {
			t.Errorf("spreadsheetFormula(%q) = %v, want %v", tc.cell, got, tc.want)
		}
	}
}
