package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fuzzRead reads a fuzzed file and checks what must hold for any input: no panic, no hang, every item returned
// without error passes validation, and record positions never go backwards. The file is written into dir, one
// directory for all of a fuzz process's inputs: a new directory for each input took most of the time of an input.
func fuzzRead(t *testing.T, dir, name string, data []byte, opts Options) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(p, opts)
	if err != nil {
		return
	}
	defer r.Close()
	last := int64(0)
	for _, res := range readAll(t, r) {
		var re *RecordError
		switch {
		case res.err == nil:
			if err := res.item.Validate(); err != nil {
				t.Fatalf("item at %v fails validation: %v", res.pos, err)
			}
		case errors.As(res.err, &re):
			if re.Pos.File != p {
				t.Fatalf("record error names %q, not the file", re.Pos.File)
			}
		}
		if res.pos.Line < last {
			t.Fatalf("position went back from %d to %d", last, res.pos.Line)
		}
		last = res.pos.Line
	}
}

func FuzzJSONL(f *testing.F) {
	dir := f.TempDir()
	f.Add([]byte(`{"id":"1","summary":"株式会社テストは製造業です。","score":3,"scores":{"a":1}}` + "\n"))
	f.Add([]byte(`{"id":1e3,"summary":"\u30c6\ud83d\ude00","score":"2","meta":{"x":[1,{"y":null}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, dir, "in.jsonl", data, Options{})
	})
}

func FuzzCSV(f *testing.F) {
	dir := f.TempDir()
	f.Add([]byte("id,summary,score\n1,\"a,\"\"b\"\"\",3\n"))
	f.Add([]byte("\xef\xbb\xbfcorp_no,generated_text,total_score,score_x\n1,s,1,2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, dir, "in.csv", data, Options{})
	})
}

func FuzzParquet(f *testing.F) {
	dir := f.TempDir()
	for _, name := range []string{"map.parquet", "struct.parquet"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, dir, "in.parquet", data, Options{})
	})
}
