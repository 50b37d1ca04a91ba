package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"reviewdesk/review"
	"reviewdesk/store"
)

// TestBackupRestoreRoundTrip runs `backup --to FILE` and `restore --from FILE` as the CLI: a database with items
// and decisions is backed up, then changed (new items, a revised summary, new decisions), then restored. The
// restored database must hold exactly the items and decisions it held at the backup, row for row, and pass
// SQLite's integrity check; restore without --force must refuse to overwrite it and leave it alone.
func TestBackupRestoreRoundTrip(t *testing.T) {
	dir := t.TempDir()
	db, bak := filepath.Join(dir, "live.db"), filepath.Join(dir, "backup.db")
	runCLI(t, "demo", "--db", db, "--items", "150", "--reviewed", "0.5", "--seed", "11")
	before := dbContents(t, db)
	if n := countPrefix(before, "decision|"); n == 0 {
		t.Fatal("the demo database has no decisions: nothing to round-trip")
	}

	if out := runCLI(t, "backup", "--db", db, "--to", bak); !strings.Contains(out, "backed up "+db+" to "+bak) {
		t.Errorf("backup printed %q", out)
	}
	if got := dbContents(t, bak); !slices.Equal(got, before) {
		t.Fatalf("the backup differs from the database it copies:\n%s", diffLines(before, got))
	}

	changeDatabase(t, dir, db)
	changed := dbContents(t, db)
	if slices.Equal(changed, before) {
		t.Fatal("the database did not change after the backup; the round trip would prove nothing")
	}
	t.Logf("backed up %d items and %d decisions; the change made that %d items and %d decisions, %d rows differing",
		countPrefix(before, "item|"), countPrefix(before, "decision|"), countPrefix(changed, "item|"),
		countPrefix(changed, "decision|"), len(symmetricDiff(before, changed)))

	// Without --force, restore refuses a database that holds items and leaves it as it is.
	out, err := cli("restore", "--db", db, "--from", bak).CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 || !strings.Contains(string(out), "--force") {
		t.Errorf("restore without --force: %v (want exit 3 asking for --force)\n%s", err, out)
	}
	if got := dbContents(t, db); !slices.Equal(got, changed) {
		t.Fatalf("a refused restore changed the database:\n%s", diffLines(changed, got))
	}

	if out := runCLI(t, "restore", "--db", db, "--from", bak, "--force"); !strings.Contains(out, "restored "+db+" from "+bak) {
		t.Errorf("restore printed %q", out)
	}
	if got := dbContents(t, db); !slices.Equal(got, before) {
		t.Fatalf("the restored database is not the backed-up one:\n%s", diffLines(before, got))
	}
	checkIntegrity(t, db)
	// The restored database is one the application opens and reads as before.
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatalf("open the restored database: %v", err)
	}
	defer st.Close()
	counts, err := st.StatusCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		n += c
	}
	if want := countPrefix(before, "item|"); n != want {
		t.Errorf("the store counts %d items after the restore, want %d", n, want)
	}
}

// runCLI runs reviewdesk as a process with args, fails the test on a non-zero exit, and returns its output.
func runCLI(t *testing.T, args ...string) string {
	t.Helper()
	out, err := cli(args...).CombinedOutput()
	if err != nil {
		t.Fatalf("reviewdesk %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// changeDatabase changes what a restore must undo: it imports two new items and a new summary for an item that
// is already there, and decides three open items.
func changeDatabase(t *testing.T, dir, db string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	open, err := st.Items(ctx, review.ItemFilter{Status: []review.Status{review.Pending}, Sort: review.SortImported, Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(open.Items) < 4 {
		t.Fatalf("%d open items, want 4", len(open.Items))
	}
	now := time.Now()
	for _, rec := range open.Items[:3] {
		d := review.Decision{ItemID: rec.ID, Verdict: review.Rejected, Reasons: []string{"vague"}, Reviewer: "restore-test",
			StartedAt: now, EndedAt: now}
		if _, err := st.SaveDecision(ctx, d, rec.Version); err != nil {
			t.Fatal(err)
		}
	}
	revised := open.Items[3]
	st.Close()

	var lines []string
	for _, it := range []map[string]any{
		{"id": "9900000000001", "company": "株式会社あたらし", "summary": "株式会社あたらしは京都府で和菓子を製造しています。", "score": 8, "max_score": 10},
		{"id": "9900000000002", "company": "株式会社つぎ", "summary": "株式会社つぎは愛知県で部品を製造しています。", "score": 6, "max_score": 10},
		{"id": revised.ID, "company": revised.Company, "summary": revised.Summary + "（改訂）", "score": revised.Score,
			"max_score": revised.MaxScore},
	} {
		b, err := json.Marshal(it)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	in := filepath.Join(dir, "more.jsonl")
	if err := os.WriteFile(in, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runCLI(t, "import", "--db", db, in)
}

// dbContents lists a database's items and decisions as text, one row a line in id order: every item with its
// status, version, revision, current decision, summary and score; every decision with its item, verdict,
// reviewer, final text, reasons and whether it was undone.
func dbContents(t *testing.T, db string) []string {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var out []string
	for _, q := range []string{
		`SELECT 'item|' || id || '|' || status || '|' || version || '|' || revision || '|' || coalesce(decision, '-') ||
			'|' || summary || '|' || score FROM items ORDER BY id`,
		`SELECT 'decision|' || decisions.id || '|' || items.id || '|' || decisions.verdict || '|' || decisions.reviewer ||
			'|' || decisions.final_text || '|' || decisions.reasons || '|' || coalesce(decisions.undone_at, '-')
			FROM decisions JOIN items ON items.seq = decisions.seq ORDER BY decisions.id`,
	} {
		rows, err := conn.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return out
}

func countPrefix(lines []string, prefix string) int {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

// symmetricDiff returns the rows only one side has, those of a marked "-", those of b "+".
func symmetricDiff(a, b []string) []string {
	in := func(s []string) map[string]bool {
		m := make(map[string]bool, len(s))
		for _, x := range s {
			m[x] = true
		}
		return m
	}
	ina, inb := in(a), in(b)
	var out []string
	for _, r := range a {
		if !inb[r] {
			out = append(out, "- "+r)
		}
	}
	for _, r := range b {
		if !ina[r] {
			out = append(out, "+ "+r)
		}
	}
	return out
}

// diffLines shows how got differs from want (at most 20 rows), for a failure message.
func diffLines(want, got []string) string {
	d := symmetricDiff(want, got)
	return fmt.Sprintf("%d rows, want %d\n%s", len(got), len(want), strings.Join(d[:min(len(d), 20)], "\n"))
}

func checkIntegrity(t *testing.T, db string) {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := store.IntegrityCheck(context.Background(), conn); err != nil {
		t.Fatalf("integrity check of %s: %v", db, err)
	}
}
