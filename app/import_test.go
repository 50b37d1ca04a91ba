package app

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"reviewdesk/ingest"
	"reviewdesk/review"
)

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readRejects(t *testing.T, path string) []rejectRecord {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []rejectRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r rejectRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("rejects line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

// With --skip-invalid the good records are imported and the bad ones land in the rejects file with enough to fix
// and re-import them; two input files that share a rejects file both keep their rejects.
func TestImportSkipInvalidRejects(t *testing.T) {
	ctx := context.Background()
	svc := testService(t, 0)
	dir := t.TempDir()
	a := filepath.Join(dir, "a", "items.jsonl")
	b := filepath.Join(dir, "b", "items.csv")
	badJSONL := `{"id":"900000000002","summary":"株式会社Bは物流会社です。","score":"high"}`
	writeFile(t, a, `{"id":"900000000001","summary":"株式会社Aは物流会社です。","score":8}`+"\n"+
		badJSONL+"\n"+
		`{"id":"900000000003","summary":"株式会社Cは物流会社です。","score":7`+"\n")
	writeFile(t, b, "id,summary,score\n900000000004,株式会社Dは物流会社です。,9\n900000000005,\"=HYPERLINK(\"\"x\"\")\",6\n")
	rejects := filepath.Join(dir, "rejects.jsonl")
	reps, err := svc.Import(ctx, []string{a, b}, ImportOptions{SkipInvalid: true, Rejects: rejects}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if reps[0].Counts.Added != 1 || reps[0].Counts.Refused != 2 || reps[1].Counts.Added != 1 || reps[1].Counts.Refused != 1 {
		t.Fatalf("counts = %+v, %+v; want 1 added and 2 refused, 1 added and 1 refused", reps[0].Counts, reps[1].Counts)
	}
	if reps[0].Rejects != rejects || reps[1].Rejects != rejects {
		t.Errorf("reports name rejects files %q and %q, want %q", reps[0].Rejects, reps[1].Rejects, rejects)
	}
	got := readRejects(t, rejects)
	want := []rejectRecord{
		{File: a, Line: 2, ID: "900000000002", Field: "score", Record: badJSONL},
		{File: a, Line: 3, ID: "", Field: "", Record: `{"id":"900000000003","summary":"株式会社Cは物流会社です。","score":7`},
		{File: b, Line: 3, ID: "900000000005", Field: "summary", Record: `900000000005,"=HYPERLINK(""x"")",6`},
	}
	if len(got) != len(want) {
		t.Fatalf("rejects = %+v, want %d records", got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.File != w.File || g.Line != w.Line || g.ID != w.ID || g.Field != w.Field || g.Record != w.Record {
			t.Errorf("reject %d = %+v, want file %s line %d id %q field %q record %q", i, g, w.File, w.Line, w.ID, w.Field, w.Record)
		}
		if g.Problem == "" && g.Field != "" || !strings.Contains(g.Error, filepath.Base(w.File)) {
			t.Errorf("reject %d says %q / %q: want the problem and the file", i, g.Problem, g.Error)
		}
	}
	// The corrected records import as they stand in the rejects file.
	fixed := filepath.Join(dir, "fixed.jsonl")
	writeFile(t, fixed, strings.Replace(got[0].Record, `"high"`, `8`, 1)+"\n")
	if reps, err := svc.Import(ctx, []string{fixed}, ImportOptions{}, nil); err != nil || reps[0].Counts.Added != 1 {
		t.Fatalf("re-import of the corrected reject: %+v, %v", reps, err)
	}

	// The default rejects file is named after the input file, here in the working directory: two inputs named
	// alike append to one file instead of the second replacing the first.
	wd := t.TempDir()
	t.Chdir(wd)
	c := filepath.Join(dir, "c", "more.jsonl")
	d := filepath.Join(dir, "d", "more.jsonl")
	writeFile(t, c, `{"id":"900000000010","summary":"x","score":-1}`+"\n")
	writeFile(t, d, `{"id":"900000000011","summary":"y","score":-1}`+"\n")
	if _, err := svc.Import(ctx, []string{c, d}, ImportOptions{SkipInvalid: true}, nil); err != nil {
		t.Fatal(err)
	}
	got = readRejects(t, filepath.Join(wd, "more.jsonl.rejects.jsonl"))
	if len(got) != 2 || got[0].File != c || got[1].File != d {
		t.Errorf("default rejects file holds %+v, want the records of %s and %s", got, c, d)
	}
}

// failingReader gives good and refused records by turns, more than one batch of them so that the writer has
// stored some and written their rejects, then fails the whole file.
type failingReader struct{ n int }

func (r *failingReader) Next() (review.Item, ingest.Position, error) {
	r.n++
	pos := ingest.Position{File: "broken.parquet", Line: int64(r.n)}
	switch {
	case r.n > 3*batchSize:
		return review.Item{}, pos, errors.New("read broken.parquet: page header is damaged")
	case r.n%2 == 0:
		return review.Item{}, pos, &ingest.RecordError{Pos: pos, Field: "score", Problem: "missing"}
	default:
		return review.Item{ID: fmt.Sprintf("9000000%05d", r.n), Summary: "株式会社Eは物流会社です。", Score: 8}, pos, nil
	}
}

func (r *failingReader) Progress() (int64, int64) { return int64(r.n), 0 }
func (r *failingReader) Close() error             { return nil }

// A file that fails as a whole is rolled back, and the rejects it had written go with it: nothing half-written
// stays behind.
func TestImportSkipInvalidRollbackDropsRejects(t *testing.T) {
	ctx := context.Background()
	svc := testService(t, 0)
	rejects := filepath.Join(t.TempDir(), "rejects.jsonl")
	opts := ImportOptions{SkipInvalid: true, Rejects: rejects, Actor: "sato"}
	_, err := svc.importFrom(ctx, &failingReader{}, "broken.parquet", "parquet", opts, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "page header is damaged") {
		t.Fatalf("import error = %v, want the reader's failure", err)
	}
	if _, err := os.Stat(rejects); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("rejects file of a rolled-back import: stat = %v, want it removed", err)
	}
	if _, err := svc.Item(ctx, "900000000001"); review.ErrorCode(err) != review.NotFound {
		t.Errorf("item of the rolled-back file: %v, want not found", err)
	}
}

// Words inside the company's own name raise no hint, at import and in the editor's live hints alike.
func TestImportHintsSkipTheCompanyName(t *testing.T) {
	ctx := context.Background()
	svc := testService(t, 0)
	path := filepath.Join(t.TempDir(), "items.jsonl")
	summary := "株式会社わたしたちの家は、札幌市で注文住宅を建てる会社です。"
	writeFile(t, path, `{"id":"900000000030","company":"株式会社わたしたちの家","summary":"`+summary+`","source":"札幌市で注文住宅を建てています。","score":9}`+"\n")
	if _, err := svc.Import(ctx, []string{path}, ImportOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	rec, err := svc.Item(ctx, "900000000030")
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Hints) != 0 {
		t.Errorf("stored hints %+v, want none for the company's own name", rec.Hints)
	}
	if h := svc.Hints(summary, rec.Source, rec.Company); len(h) != 0 {
		t.Errorf("live hints %+v, want none", h)
	}
	if h := svc.Hints("わたしたちは札幌市で注文住宅を建てています。", rec.Source, rec.Company); len(h) == 0 || h[0].Rule != "first_person" {
		t.Errorf("live hints on a first-person summary: %+v, want first_person", h)
	}
}

// A rubric a supervisor sets over the API is enforced on the next import, as a rubric file is: a score above its
// maximum is refused.
func TestRubricFromAPIIsEnforced(t *testing.T) {
	svc := testService(t, 0)
	srv := httptest.NewServer(svc.Handler(nil))
	defer srv.Close()
	c := newClient(t, srv.URL)
	var got review.Rubric
	c.do("PUT", "/api/settings/rubric", map[string]any{"max_score": 10,
		"criteria": []map[string]any{{"name": "business", "max": 4}}}, 200, &got)
	if !got.Configured {
		t.Fatalf("rubric after PUT: %+v, want it marked as set by a supervisor", got)
	}
	path := filepath.Join(t.TempDir(), "over.jsonl")
	writeFile(t, path, `{"id":"900000000040","summary":"株式会社Fは物流会社です。","score":9,"scores":{"business":6}}`+"\n")
	_, err := svc.Import(context.Background(), []string{path}, ImportOptions{}, nil)
	if err == nil || !strings.Contains(err.Error(), "business") {
		t.Errorf("import of points above the rubric's maximum: %v, want it refused naming the criterion", err)
	}
}
