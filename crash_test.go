//go:build !race

package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"reviewdesk/demo"
	"reviewdesk/ingest"
	"reviewdesk/review"
	"reviewdesk/store"
)

// The crash tests run reviewdesk as a real process, kill it with SIGKILL at random moments, and check what a restart
// finds. They are built without the race detector, which would make each trial many times slower.

func crashTrials(t *testing.T) int {
	if testing.Short() {
		return 5
	}
	return 50
}

func writeDemoJSONL(t *testing.T, path string, n int) []string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	g := demo.New(demo.Config{Items: n, Seed: 7})
	var ids []string
	for it, ok := g.Next(); ok; it, ok = g.Next() {
		enc.Encode(it)
		ids = append(ids, it.ID)
	}
	w.Flush()
	f.Close()
	return ids
}

// TestCrashDuringImport kills imports at random points. Each file is one transaction, so after every kill the
// database holds all of the file or none of it, and a re-run completes it with no duplicate and no missing row.
func TestCrashDuringImport(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "items.jsonl")
	ids := writeDemoJSONL(t, file, 3000)
	db := filepath.Join(dir, "crash.db")
	rng := rand.New(rand.NewPCG(1, 2))
	removeDB := func() {
		for _, ext := range []string{"", "-wal", "-shm"} {
			os.Remove(db + ext)
		}
	}
	// How long a whole import takes here, start-up included, to spread the kills over it.
	t0 := time.Now()
	if out, err := cli("import", "--db", db, file).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	full := time.Since(t0)
	committed := 0
	for trial := range crashTrials(t) {
		removeDB()
		if trial%5 == 4 { // some kills hit a re-import of a file already there
			if out, err := cli("import", "--db", db, file).CombinedOutput(); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
		}
		cmd := cli("import", "--db", db, file)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(full))))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if _, err := os.Stat(db); err == nil {
			checkIntegrity(t, db)
		}
		n := countItems(t, db)
		if n != 0 && n != len(ids) {
			t.Fatalf("trial %d: after a kill the database holds %d of %d items: a half-written file", trial, n, len(ids))
		}
		if n == len(ids) && trial%5 != 4 {
			committed++
		}
		if out, err := cli("import", "--db", db, file).CombinedOutput(); err != nil {
			t.Fatalf("trial %d: re-run: %v: %s", trial, err, out)
		}
		if got := countItems(t, db); got != len(ids) {
			t.Fatalf("trial %d: after the re-run: %d items, want %d", trial, got, len(ids))
		}
	}
	t.Logf("%d kill trials over %v imports; %d kills of a first import came after its commit", crashTrials(t), full, committed)
}

func countItems(t *testing.T, db string) int {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n, distinct int
	if err := conn.QueryRow("SELECT count(*), count(DISTINCT id) FROM items").Scan(&n, &distinct); err != nil {
		if strings.Contains(err.Error(), "no such table") || strings.Contains(err.Error(), "unable to open") {
			return 0 // killed before the database was created or migrated
		}
		t.Fatal(err)
	}
	if n != distinct {
		t.Fatalf("%d items but %d distinct ids", n, distinct)
	}
	return n
}

// TestCrashWhileReviewing kills a server while reviewers are deciding over HTTP. After every restart each decision
// the server had acknowledged is in the database, with its verdict, and an incremental export brings the gold table
// to exactly the approved items: none missing, none twice.
func TestCrashWhileReviewing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "review.db")
	gold := filepath.Join(dir, "gold")
	if out, err := cli("demo", "--db", db, "--items", "3000", "--reviewed", "0").CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	acked := map[int64]string{} // decision id -> "item verdict"
	for trial := range crashTrials(t) {
		addr := freePort(t)
		cmd := cli("serve", "--db", db, "--addr", addr, "--user", "crash")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		base := "http://" + addr
		if !waitReady(base) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("trial %d: server did not start: %s", trial, stderr.String())
		}
		csrf := csrfToken(t, base)
		var mu sync.Mutex
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for c := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; ; n++ {
					select {
					case <-stop:
						return
					default:
					}
					id, verdict, decision, ok := reviewOne(base, csrf, c, n)
					if !ok {
						return // the server is gone
					}
					mu.Lock()
					acked[decision] = id + " " + verdict
					mu.Unlock()
				}
			}()
		}
		time.Sleep(time.Duration(50+rng.IntN(300)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		close(stop)
		wg.Wait()
		cmd.Wait()
		checkIntegrity(t, db)
		conn, _ := sql.Open("sqlite3", "file:"+db+"?mode=ro")
		for decision, want := range acked {
			var got string
			err := conn.QueryRow(`SELECT items.id || ' ' || decisions.verdict FROM decisions JOIN items ON items.seq = decisions.seq
				WHERE decisions.id = ?`, decision).Scan(&got)
			if err != nil || got != want {
				conn.Close()
				t.Fatalf("trial %d: acknowledged decision %d (%s) after restart: %q %v", trial, decision, want, got, err)
			}
		}
		conn.Close()
		if out, err := cli("export", "gold", "--db", db, "--to", gold).CombinedOutput(); err != nil {
			t.Fatalf("trial %d: export after the kill: %v: %s", trial, err, out)
		}
		if got, want := goldIDs(t, gold), approvedIDs(t, db); !maps.Equal(got, want) {
			t.Fatalf("trial %d: the gold table holds %d items, the database approves %d", trial, len(got), len(want))
		}
	}
	if len(acked) < crashTrials(t) {
		t.Fatalf("only %d decisions were acknowledged over %d trials: the test did not exercise reviewing", len(acked), crashTrials(t))
	}
	t.Logf("%d kill trials, %d acknowledged decisions, all present after restarts; the gold table matched after every one", crashTrials(t), len(acked))
}

func csrfToken(t *testing.T, base string) string {
	t.Helper()
	res, err := http.Get(base + "/api/me")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var me struct{ CSRF string }
	json.NewDecoder(res.Body).Decode(&me)
	return me.CSRF
}

// reviewOne claims an item and decides it; ok is false once the server stops answering.
func reviewOne(base, csrf string, client, n int) (id, verdict string, decision int64, ok bool) {
	post := func(path string, body any, out any) bool {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", csrf)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		defer res.Body.Close()
		raw, err := io.ReadAll(res.Body)
		if err != nil || res.StatusCode != 200 {
			return false
		}
		return json.Unmarshal(raw, out) == nil
	}
	var claim struct {
		Item *struct {
			ID      string `json:"id"`
			Version int64  `json:"version"`
		} `json:"item"`
	}
	if !post("/api/queue/next", map[string]any{}, &claim) || claim.Item == nil {
		return "", "", 0, false
	}
	sub := map[string]any{"verdict": "accepted", "version": claim.Item.Version}
	verdict = "accepted"
	if (client+n)%3 == 0 {
		sub = map[string]any{"verdict": "rejected", "reasons": []string{"vague"}, "version": claim.Item.Version}
		verdict = "rejected"
	}
	var res struct {
		Decision struct {
			ID int64 `json:"id"`
		} `json:"decision"`
	}
	if !post(fmt.Sprintf("/api/items/%s/decision", claim.Item.ID), sub, &res) {
		return "", "", 0, false
	}
	return claim.Item.ID, verdict, res.Decision.ID, true
}

// TestCrashDuringExport kills gold exports at random moments while the decisions behind them keep changing (new
// approvals, rejections, reopened items). After every kill the database is intact and the table reads as a set of
// distinct approved rows; the next run completes it to exactly the approved items, with no duplicate and none
// missing.
func TestCrashDuringExport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "export.db")
	gold := filepath.Join(dir, "gold")
	if out, err := cli("demo", "--db", db, "--items", "1500", "--reviewed", "0.5").CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	t0 := time.Now()
	if out, err := cli("export", "gold", "--db", db, "--to", gold).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	full := time.Since(t0)
	killed := 0
	for trial := range crashTrials(t) {
		changeDecisions(t, db, rng, 25)
		if trial%5 == 4 {
			os.RemoveAll(gold) // now and then a whole table to write, not just the changes
		}
		cmd := cli("export", "gold", "--db", db, "--to", gold)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(full) * 5 / 4)))
		cmd.Process.Signal(syscall.SIGKILL)
		if err := cmd.Wait(); err != nil {
			killed++
		}
		checkIntegrity(t, db)
		// A first export killed before its first commit leaves no table (at most an empty _delta_log, which no
		// reader takes for a table); once a commit is there, the table must read.
		if commits, _ := filepath.Glob(filepath.Join(gold, "_delta_log", "*.json")); len(commits) > 0 {
			rows := goldIDs(t, gold)
			for id := range rows {
				if !approvedEver(t, db, id) {
					t.Fatalf("trial %d: after a kill the table holds %s, which was never approved", trial, id)
				}
			}
		}
		if out, err := cli("export", "gold", "--db", db, "--to", gold).CombinedOutput(); err != nil {
			t.Fatalf("trial %d: re-run: %v: %s", trial, err, out)
		}
		got, want := goldIDs(t, gold), approvedIDs(t, db)
		if !maps.Equal(got, want) {
			t.Fatalf("trial %d: after the re-run the table holds %d rows, %d items are approved", trial, len(got), len(want))
		}
	}
	t.Logf("%d kill trials over %v exports; %d killed before they finished", crashTrials(t), full, killed)
}

// changeDecisions approves or rejects n open items and reopens a few approved ones.
func changeDecisions(t *testing.T, db string, rng *rand.Rand, n int) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	page, err := st.Items(ctx, review.ItemFilter{Status: []review.Status{review.Pending}, Sort: review.SortImported,
		Limit: n, Offset: rng.IntN(200)})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, rec := range page.Items {
		d := review.Decision{ItemID: rec.ID, Verdict: review.Accepted, FinalText: rec.Summary, Reviewer: "crash",
			Reasons: []string{}, StartedAt: now, EndedAt: now}
		if rng.IntN(4) == 0 {
			d.Verdict, d.FinalText, d.Reasons = review.Rejected, "", []string{"vague"}
		}
		if _, err := st.SaveDecision(ctx, d, rec.Version); err != nil {
			t.Fatal(err)
		}
	}
	done, err := st.Items(ctx, review.ItemFilter{Status: []review.Status{review.Status(review.Accepted)}, Sort: review.SortImported,
		Limit: 3, Offset: rng.IntN(100)})
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range done.Items {
		if err := st.Reopen(ctx, rec.ID, "crash"); err != nil {
			t.Fatal(err)
		}
	}
}

// approvedIDs are the items the gold table must hold: current decision accepted or edited, not waiting for a
// blind second review.
func approvedIDs(t *testing.T, db string) map[string]bool {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(`SELECT items.id FROM items JOIN decisions ON decisions.id = items.decision
		WHERE decisions.verdict IN ('accepted', 'edited') AND decisions.undone_at IS NULL AND items.overlap != 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		out[id] = true
	}
	return out
}

func approvedEver(t *testing.T, db, id string) bool {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	conn.QueryRow(`SELECT count(*) FROM decisions JOIN items ON items.seq = decisions.seq
		WHERE items.id = ? AND decisions.verdict IN ('accepted', 'edited')`, id).Scan(&n)
	return n > 0
}

// goldIDs reads the gold table with ingest's Delta reader, failing on a duplicate id.
func goldIDs(t *testing.T, dir string) map[string]bool {
	t.Helper()
	r, err := ingest.Open(dir, ingest.Options{Format: ingest.FormatDelta, Map: map[string]string{"score": "judge_score"}})
	if err != nil {
		t.Fatalf("read the gold table: %v", err)
	}
	defer r.Close()
	out := map[string]bool{}
	for {
		it, pos, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("read the gold table at %s: %v", pos, err)
		}
		if out[it.ID] {
			t.Fatalf("the gold table holds %s twice", it.ID)
		}
		out[it.ID] = true
	}
}
