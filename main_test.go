package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

// run executes reviewdesk in-process with args and returns its error and exit code.
func run(t *testing.T, args ...string) (error, int) {
	t.Helper()
	cmd := rootCommand()
	cmd.SetArgs(args)
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	err := cmd.ExecuteContext(context.Background())
	if err == nil {
		return nil, 0
	}
	return err, exitCode(err)
}

// fingerprint hashes everything an import could change, so that "unchanged" means unchanged.
func fingerprint(t *testing.T, db string) string {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	h := sha256.New()
	for _, q := range []string{
		"SELECT id || '|' || status || '|' || version || '|' || revision || '|' || summary || '|' || score FROM items ORDER BY id",
		"SELECT id || '|' || verdict FROM decisions ORDER BY id",
		"SELECT id || '|' || file FROM imports ORDER BY id",
		"SELECT id || '|' || action FROM audit ORDER BY id",
		"SELECT key || '|' || value FROM settings ORDER BY key",
		"SELECT rule || '|' || seq FROM item_hints ORDER BY rule, seq",
		"SELECT count(*) FROM sources",
	} {
		rows, err := conn.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			fmt.Fprintln(h, s)
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

// atBoundary reports whether at occurs in msg where a part of an error message starts: at its beginning or after
// ": ", so that "a.csv:1: " does not match inside "data.csv:1: " or "a.csv:12: ".
func atBoundary(msg, at string) bool {
	for i := 0; ; {
		j := strings.Index(msg[i:], at)
		if j < 0 {
			return false
		}
		if k := i + j; k == 0 || strings.HasSuffix(msg[:k], ": ") {
			return true
		}
		i += j + 1
	}
}

// TestBadInput imports every file of testdata/bad into a database that already holds items, and checks that each
// fails with a message naming the file, the position and the field, exits non-zero, and changes nothing.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "bad.db")
	good := filepath.Join(dir, "good.jsonl")
	os.WriteFile(good, []byte(`{"id":"9000000000001","summary":"株式会社よいは東京都の会社です。","score":9,"max_score":10}
{"id":"9000000000002","summary":"有限会社よしは大阪府の会社です。","score":7,"max_score":10}
`), 0o644)
	if err, _ := run(t, "import", "--db", db, good); err != nil {
		t.Fatal(err)
	}
	before := fingerprint(t, db)

	raw, err := os.ReadFile("testdata/bad/expect.json")
	if err != nil {
		t.Fatal(err)
	}
	var expect map[string]json.RawMessage
	if err := json.Unmarshal(raw, &expect); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir("testdata/bad")
	var names []string
	for _, e := range entries {
		if e.Name() != "expect.json" {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) < 30 {
		t.Fatalf("the corpus has %d files, want at least 30", len(names))
	}
	huge := filepath.Join(dir, "huge-field.jsonl")
	f, _ := os.Create(huge)
	fmt.Fprintf(f, `{"id":"9000000000003","score":5,"summary":"%s"}`+"\n", strings.Repeat("あ", 50<<20/3))
	f.Close()

	type spec struct {
		Args []string `json:"args"`
		// At is the exact position and field part of the message ("file:line: field: "), paths relative to the
		// file's directory; Want the other texts it must contain.
		At   string   `json:"at"`
		Want []string `json:"want"`
	}
	cases := map[string]spec{huge: {At: "huge-field.jsonl:1: summary: ", Want: []string{"longer than 8 MB"}}}
	for _, n := range names {
		var s spec
		if err := json.Unmarshal(expect[n], &s); err != nil || len(s.Want) == 0 || s.At == "" {
			t.Errorf("testdata/bad/%s has no entry with at and want in expect.json", n)
			continue
		}
		if !strings.Contains(s.At, n) {
			t.Errorf("expect.json: at %q of %s does not name the file", s.At, n)
		}
		cases[filepath.Join("testdata/bad", n)] = s
	}
	for path, s := range cases {
		t.Run(filepath.Base(path), func(t *testing.T) {
			err, code := run(t, append(append([]string{"import", "--db", db}, s.Args...), path)...)
			if err == nil || code == 0 {
				t.Fatalf("import of %s succeeded (exit %d)", path, code)
			}
			msg := strings.ReplaceAll(err.Error(), filepath.Dir(path)+string(filepath.Separator), "")
			if !atBoundary(msg, s.At) {
				t.Errorf("error %q does not contain %q at the start of a part (after \": \")", msg, s.At)
			}
			for _, w := range s.Want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			if after := fingerprint(t, db); after != before {
				t.Errorf("the database changed")
			}
		})
	}
}
