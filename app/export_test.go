package app

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"reviewdesk/delta"
	"reviewdesk/exporter"
	"reviewdesk/ingest"
	"reviewdesk/review"
	"reviewdesk/store"
)

var supervisor = Identity{User: "sato", Role: review.RoleSupervisor}

// decide records a verdict on an item as a supervisor would.
func decide(t *testing.T, s *Service, id string, v review.Verdict, text string, reasons ...string) {
	t.Helper()
	ctx := context.Background()
	rec, err := s.Item(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	sub := review.Submission{Verdict: v, Text: text, Reasons: reasons, Version: rec.Version, StartedAt: s.now().Add(-20 * time.Second)}
	if _, err := s.Decide(ctx, supervisor, id, sub); err != nil {
		t.Fatalf("decide %s %s: %v", id, v, err)
	}
}

func itemID(i int) string { return fmt.Sprintf("70000000000%02d", i) }

// goldTable reads the live rows of a Delta gold table directly (log replay, then every live Parquet file), failing
// the test on a duplicate id.
func goldTable(t *testing.T, dir string) map[string]exporter.GoldRow {
	t.Helper()
	snap, err := delta.ReadSnapshot(context.Background(), dir)
	if err != nil {
		t.Fatalf("read gold table: %v", err)
	}
	rows := map[string]exporter.GoldRow{}
	for _, a := range snap.Files {
		p, err := snap.FilePath(a)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parquet.ReadFile[exporter.GoldRow](p)
		if err != nil {
			t.Fatalf("read %s: %v", a.Path, err)
		}
		if n := a.NumRecords(); n != int64(len(got)) {
			t.Errorf("%s: stats say %d records, the file has %d", a.Path, n, len(got))
		}
		for _, r := range got {
			if prev, dup := rows[r.ID]; dup {
				t.Errorf("id %s is in the table twice (decisions %d and %d)", r.ID, prev.DecisionID, r.DecisionID)
			}
			rows[r.ID] = r
		}
	}
	return rows
}

// ingestIDs reads the table with the reader imports use: id -> summary.
func ingestIDs(t *testing.T, dir string) map[string]string {
	t.Helper()
	r, err := ingest.Open(dir, ingest.Options{Format: "delta"})
	if err != nil {
		t.Fatalf("ingest reads the gold table: %v", err)
	}
	defer r.Close()
	out := map[string]string{}
	for {
		it, pos, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("ingest reads the gold table at %s: %v", pos, err)
		}
		if _, dup := out[it.ID]; dup {
			t.Errorf("ingest reads id %s twice", it.ID)
		}
		out[it.ID] = it.Summary
	}
}

// approved returns what the gold table must hold: id -> final text of every approved item.
func approved(t *testing.T, s *Service) map[string]string {
	t.Helper()
	out := map[string]string{}
	if err := s.st.GoldRows(context.Background(), func(r *store.GoldRow) error {
		out[r.ID] = r.Summary
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkGold asserts that the table holds exactly the approved items with their final texts, as read by us and by
// ingest's reader.
func checkGold(t *testing.T, s *Service, dir string) map[string]exporter.GoldRow {
	t.Helper()
	want := approved(t, s)
	rows := goldTable(t, dir)
	got := map[string]string{}
	for id, r := range rows {
		got[id] = r.Summary
	}
	if !maps.Equal(got, want) {
		t.Errorf("gold table holds %d rows, want %d approved:\n got %v\nwant %v", len(got), len(want), got, want)
	}
	if viaIngest := ingestIDs(t, dir); !maps.Equal(viaIngest, want) {
		t.Errorf("ingest reads %v, want %v", viaIngest, want)
	}
	return rows
}

func exportGold(t *testing.T, s *Service, dir string) ExportResult {
	t.Helper()
	res, err := s.ExportGold(context.Background(), GoldExport{Dir: dir, Actor: "sato", Layout: exporter.Layout{RowsPerFile: 4}}, nil)
	if err != nil {
		t.Fatalf("export gold: %v", err)
	}
	return res
}

// lastCommit returns the actions of the table's newest commit.
func lastCommit(t *testing.T, dir string) []delta.Action {
	t.Helper()
	v, err := delta.LatestVersion(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(delta.CommitPath(dir, v))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []delta.Action
	if err := delta.ParseActions(f, func(_ int, a *delta.Action) error { out = append(out, *a); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestExportGoldIncrementalWithCorrections(t *testing.T) {
	s := testService(t, 12)
	dir := filepath.Join(t.TempDir(), "gold")
	decide(t, s, itemID(0), review.Accepted, "")
	decide(t, s, itemID(1), review.Edited, "株式会社サンプル1は、大阪府で産業用ポンプを製造しています。", "first_person")
	decide(t, s, itemID(2), review.Rejected, "", "vague")
	for i := 3; i < 8; i++ {
		decide(t, s, itemID(i), review.Accepted, "")
	}

	res := exportGold(t, s, dir)
	if res.RowsAdded != 7 || res.RowsRemoved != 0 || res.Version != 0 || res.Txn != 1 {
		t.Fatalf("first export: %+v, want 7 rows added at version 0, txn 1", res)
	}
	rows := checkGold(t, s, dir)
	if r := rows[itemID(1)]; !r.Edited || r.Verdict != "edited" || r.OriginalSummary != "我々は大阪府で産業用ポンプを製造しています。" ||
		!slices.Contains(r.ReasonCodes, "first_person") || !slices.Contains(r.HintRules, "first_person") || r.Reviewer != "sato" {
		t.Errorf("edited row: %+v", r)
	}

	t.Run("nothing new writes no commit", func(t *testing.T) {
		res := exportGold(t, s, dir)
		if res.RowsAdded != 0 || res.Version != 0 {
			t.Errorf("export with nothing new: %+v", res)
		}
	})

	t.Run("new decisions are appended", func(t *testing.T) {
		decide(t, s, itemID(8), review.Accepted, "")
		res := exportGold(t, s, dir)
		if res.RowsAdded != 1 || res.RowsRemoved != 0 || res.Version != 1 {
			t.Errorf("incremental export: %+v", res)
		}
		for _, a := range lastCommit(t, dir) {
			if a.Remove != nil {
				t.Errorf("an append removed %s", a.Remove.Path)
			}
		}
		checkGold(t, s, dir)
	})

	corrections := []struct {
		name    string
		change  func(t *testing.T)
		removed int64
		added   int64
	}{
		{"reopened item leaves", func(t *testing.T) {
			if err := s.Reopen(context.Background(), "sato", itemID(3)); err != nil {
				t.Fatal(err)
			}
		}, 1, 0},
		{"re-decided item is replaced", func(t *testing.T) {
			decide(t, s, itemID(3), review.Edited, "株式会社サンプル3は、大阪府の産業用ポンプメーカーです。", "vague")
		}, 0, 1},
		{"item re-decided as rejected leaves", func(t *testing.T) {
			if err := s.Reopen(context.Background(), "sato", itemID(4)); err != nil {
				t.Fatal(err)
			}
			decide(t, s, itemID(4), review.Rejected, "", "generic")
		}, 1, 0},
		{"edited text changes in place", func(t *testing.T) {
			if err := s.Reopen(context.Background(), "sato", itemID(0)); err != nil {
				t.Fatal(err)
			}
			decide(t, s, itemID(0), review.Edited, "株式会社サンプル0は、産業用ポンプを製造する大阪府の会社です。", "vague")
		}, 1, 1},
		{"undone decision leaves", func(t *testing.T) {
			decide(t, s, itemID(9), review.Accepted, "")
			exportGold(t, s, dir)
			if _, err := s.Undo(context.Background(), "sato"); err != nil {
				t.Fatal(err)
			}
		}, 1, 0},
	}
	for _, c := range corrections {
		t.Run(c.name, func(t *testing.T) {
			c.change(t)
			before := goldTable(t, dir)
			res := exportGold(t, s, dir)
			if res.RowsRemoved != c.removed || res.RowsAdded != c.added {
				t.Errorf("export: %d removed, %d added; want %d, %d", res.RowsRemoved, res.RowsAdded, c.removed, c.added)
			}
			var removes int
			for _, a := range lastCommit(t, dir) {
				if a.Remove != nil {
					removes++
				}
			}
			if c.removed > 0 && removes == 0 {
				t.Errorf("a correction committed no remove action")
			}
			rows := checkGold(t, s, dir)
			for id, r := range rows {
				if old, ok := before[id]; ok && old.DecisionID == r.DecisionID && !old.ExportedAt.Equal(r.ExportedAt) {
					t.Errorf("row %s was rewritten with a new exported_at; kept rows keep theirs", id)
				}
			}
		})
	}
}

func TestExportGoldRecoversFromCrashAtEveryStep(t *testing.T) {
	for _, step := range []string{"synced", string(exporter.StepFilesWritten), string(exporter.StepCommitted)} {
		t.Run(step, func(t *testing.T) {
			s := testService(t, 10)
			dir := filepath.Join(t.TempDir(), "gold")
			for i := range 6 {
				decide(t, s, itemID(i), review.Accepted, "")
			}
			exportGold(t, s, dir)
			// The crashing export has new rows and a correction to write.
			decide(t, s, itemID(6), review.Accepted, "")
			if err := s.Reopen(context.Background(), "sato", itemID(2)); err != nil {
				t.Fatal(err)
			}
			crash := errors.New("simulated crash")
			_, err := s.ExportGold(context.Background(), GoldExport{Dir: dir, Layout: exporter.Layout{RowsPerFile: 4},
				Hook: func(at string) error {
					if at == step {
						return crash
					}
					return nil
				}}, nil)
			if !errors.Is(err, crash) {
				t.Fatalf("export with a crash at %s: %v", step, err)
			}
			goldTable(t, dir) // readable, and no duplicates, whatever version it is at

			res := exportGold(t, s, dir)
			if want := step == string(exporter.StepCommitted); res.Recovered != want {
				t.Errorf("recovered = %v, want %v", res.Recovered, want)
			}
			if step == string(exporter.StepCommitted) && (res.RowsAdded != 0 || res.Version != 1) {
				t.Errorf("the re-run wrote again what the crashed export had committed: %+v", res)
			}
			checkGold(t, s, dir)
			if again := exportGold(t, s, dir); again.RowsAdded != 0 || again.RowsRemoved != 0 {
				t.Errorf("a third export still found work: %+v", again)
			}
		})
	}
}

// TestExportGoldKilled kills an export process (SIGKILL) at each step and checks that the next run finishes the work.
func TestExportGoldKilled(t *testing.T) {
	if os.Getenv("REVIEWDESK_EXPORT_KILL_AT") != "" {
		t.Skip("child process")
	}
	for _, step := range []string{string(exporter.StepFilesWritten), string(exporter.StepCommitted)} {
		t.Run(step, func(t *testing.T) {
			s := testService(t, 10)
			dir := filepath.Join(t.TempDir(), "gold")
			for i := range 5 {
				decide(t, s, itemID(i), review.Accepted, "")
			}
			exportGold(t, s, dir)
			decide(t, s, itemID(5), review.Edited, "株式会社サンプル5は大阪府のポンプメーカーです。", "vague")
			if err := s.Reopen(context.Background(), "sato", itemID(1)); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestExportGoldChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), "REVIEWDESK_EXPORT_KILL_AT="+step, "REVIEWDESK_EXPORT_DB="+s.st.Path(),
				"REVIEWDESK_EXPORT_DIR="+dir)
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("child was not killed: %v\n%s", err, out)
			}
			goldTable(t, dir)
			res := exportGold(t, s, dir)
			if want := step == string(exporter.StepCommitted); res.Recovered != want {
				t.Errorf("recovered = %v, want %v (%+v)", res.Recovered, want, res)
			}
			checkGold(t, s, dir)
		})
	}
}

// TestExportGoldChild is the process TestExportGoldKilled kills.
func TestExportGoldChild(t *testing.T) {
	step := os.Getenv("REVIEWDESK_EXPORT_KILL_AT")
	if step == "" {
		t.Skip("run by TestExportGoldKilled")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, os.Getenv("REVIEWDESK_EXPORT_DB"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(ctx, st, Config{User: "sato"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.ExportGold(ctx, GoldExport{Dir: os.Getenv("REVIEWDESK_EXPORT_DIR"), Layout: exporter.Layout{RowsPerFile: 4},
		Hook: func(at string) error {
			if at == step {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				time.Sleep(time.Minute)
			}
			return nil
		}}, nil)
	t.Fatalf("export was not killed at %s: %v", step, err)
}

func TestExportGoldConcurrentWriters(t *testing.T) {
	s := testService(t, 10)
	dir := filepath.Join(t.TempDir(), "gold")
	for i := range 6 {
		decide(t, s, itemID(i), review.Accepted, "")
	}
	exportGold(t, s, dir)
	decide(t, s, itemID(6), review.Accepted, "")
	// A second export commits while the first is between writing its files and committing: the first must see
	// the conflict, start over and find nothing left to do.
	var inner ExportResult
	res, err := s.ExportGold(context.Background(), GoldExport{Dir: dir, Hook: func(at string) error {
		if at == string(exporter.StepFilesWritten) && inner.Version == 0 {
			inner = exportGold(t, s, dir)
		}
		return nil
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if inner.RowsAdded != 1 || res.RowsAdded != 0 || res.Version != inner.Version {
		t.Errorf("inner export %+v, outer %+v: want the inner to add the row and the outer to add nothing", inner, res)
	}
	checkGold(t, s, dir)
	entries, _ := os.ReadDir(dir)
	snap, _ := delta.ReadSnapshot(context.Background(), dir)
	if len(entries)-1 != len(snap.Files) {
		t.Errorf("the losing export left %d files beside the %d live ones", len(entries)-1-len(snap.Files), len(snap.Files))
	}
}

// treeFiles reads every file under dir, by path relative to it.
func treeFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Every export, the Delta log included, is byte for byte the same for the same database at the same time: the
// gold table, every feedback dataset and both formats of the decisions.
func TestExportsDeterministic(t *testing.T) {
	s := testService(t, 8)
	fixed := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return fixed }
	decide(t, s, itemID(0), review.Accepted, "")
	decide(t, s, itemID(1), review.Edited, "株式会社サンプル1は、大阪府で産業用ポンプを製造しています。", "first_person")
	decide(t, s, itemID(2), review.Rejected, "", "vague")
	decide(t, s, itemID(3), review.Rejected, "株式会社サンプル3は大阪府のポンプメーカーです。", "superlative")
	ctx := context.Background()
	write := func(dir string) map[string][]byte {
		if _, err := s.ExportGold(ctx, GoldExport{Dir: filepath.Join(dir, "gold"), Actor: "sato"}, nil); err != nil {
			t.Fatal(err)
		}
		for _, f := range []struct{ kind, format string }{{"all", "delta"}, {"all", "parquet"}, {"sft", ""}, {"dpo", ""}, {"judge", ""}} {
			out := filepath.Join(dir, f.kind+f.format)
			if _, err := s.ExportFeedback(ctx, FeedbackExport{Dir: out, Kind: f.kind, Format: f.format, Actor: "sato"}, nil); err != nil {
				t.Fatalf("feedback %s %s: %v", f.kind, f.format, err)
			}
		}
		return treeFiles(t, dir)
	}
	a, b := write(t.TempDir()), write(t.TempDir())
	// Each table has its own identity, which is right for two tables: the Delta table id and the id of the
	// export target in txn actions. Everything else must match.
	identity := regexp.MustCompile(`"metaData":\{"id":"[^"]+"|"appId":"[^"]+"|"txnId":"[^"]+"`)
	for _, m := range []map[string][]byte{a, b} {
		for name, data := range m {
			if strings.Contains(name, "_delta_log") {
				m[name] = identity.ReplaceAllFunc(data, func(b []byte) []byte { return bytes.SplitN(b, []byte(`:"`), 2)[0] })
			}
		}
	}
	if len(a) < 8 {
		t.Fatalf("the exports wrote only %v", slices.Sorted(maps.Keys(a)))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between two exports of the same database", name)
		}
	}
	if len(a) != len(b) {
		t.Errorf("two exports wrote different files: %v vs %v", slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b)))
	}
}

func TestExportGoldSnapshotFormats(t *testing.T) {
	s := testService(t, 6)
	decide(t, s, itemID(0), review.Accepted, "")
	decide(t, s, itemID(1), review.Edited, "=HYPERLINK(\"http://example.com\") 株式会社サンプル1", "other")
	decide(t, s, itemID(2), review.Edited, "-株式会社サンプル2は大阪府の会社です。", "vague")
	decide(t, s, itemID(3), review.Rejected, "", "vague")
	want := approved(t, s)
	dir := t.TempDir()
	for _, format := range []string{"parquet", "csv", "jsonl"} {
		t.Run(format, func(t *testing.T) {
			res, err := s.ExportGold(context.Background(), GoldExport{Dir: dir, Format: format, BOM: format == "csv"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Path != filepath.Join(dir, "gold."+format) || res.Rows != int64(len(want)) {
				t.Fatalf("result %+v, want %d rows in gold.%s", res, len(want), format)
			}
			b, err := os.ReadFile(res.Path)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			switch format {
			case "parquet":
				rows, err := parquet.ReadFile[exporter.GoldRow](res.Path)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rows {
					got[r.ID] = r.Summary
				}
			case "jsonl":
				for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
					var r exporter.GoldRow
					if err := json.Unmarshal([]byte(line), &r); err != nil {
						t.Fatalf("line %q: %v", line, err)
					}
					got[r.ID] = r.Summary
				}
			case "csv":
				if !bytes.HasPrefix(b, []byte("\uFEFFid,company,summary,")) {
					t.Errorf("csv starts %q, want a BOM and the header", b[:min(len(b), 40)])
				}
				text := string(b)
				for _, cell := range []string{`"'=HYPERLINK(""http://example.com"") 株式会社サンプル1"`, "'-株式会社サンプル2は大阪府の会社です。"} {
					if !strings.Contains(text, cell) {
						t.Errorf("csv lacks the escaped cell %s", cell)
					}
				}
				if strings.Contains(text, ",=HYPERLINK") || strings.Contains(text, ",\"=HYPERLINK") {
					t.Errorf("csv holds a formula a spreadsheet would run:\n%s", text)
				}
				lines := strings.Count(strings.TrimSpace(text), "\n")
				if lines != len(want) {
					t.Errorf("csv has %d data lines, want %d", lines, len(want))
				}
				return
			}
			if !maps.Equal(got, want) {
				t.Errorf("%s holds %v, want %v", format, got, want)
			}
		})
	}
}

func TestExportFeedback(t *testing.T) {
	s := testService(t, 8)
	ctx := context.Background()
	// The test moves the clock, so that every decision has a known start, end and duration (the database keeps
	// milliseconds).
	clock := time.Date(2026, 11, 20, 9, 30, 0, 123_000_000, time.UTC)
	s.now = func() time.Time { return clock }
	type made struct {
		id, verdict, comment    string
		final, original, source string
		started, ended          time.Time
		seconds                 float64
	}
	var history []made
	submit := func(i int, v review.Verdict, text, comment string, took time.Duration, reasons ...string) made {
		t.Helper()
		clock = clock.Add(time.Minute)
		id := itemID(i)
		rec, err := s.Item(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		sub := review.Submission{Verdict: v, Text: text, Comment: comment, Reasons: reasons, Version: rec.Version, StartedAt: clock.Add(-took)}
		if _, err := s.Decide(ctx, supervisor, id, sub); err != nil {
			t.Fatalf("decide %s %s: %v", id, v, err)
		}
		m := made{id: id, verdict: string(v), comment: strings.TrimSpace(comment), final: text, original: rec.Summary,
			source: rec.Source, started: sub.StartedAt, ended: clock, seconds: min(took.Seconds(), review.MaxReviewSeconds)}
		if v == review.Accepted {
			m.final = rec.Summary
		}
		if m.original == "" || m.source == "" {
			t.Fatalf("item %s has no summary or source to check against: %+v", id, rec)
		}
		history = append(history, m)
		return m
	}
	accepted := submit(0, review.Accepted, "", "  そのまま出せる  ", 45*time.Second)
	edited := submit(1, review.Edited, "株式会社サンプル1は、大阪府で産業用ポンプを製造しています。", "一人称を直した", 2*time.Minute+500*time.Millisecond, "first_person")
	submit(2, review.Rejected, "", "", 20*time.Minute, "vague") // left open over lunch: counts as 15 minutes
	corrected := submit(3, review.Rejected, "株式会社サンプル3は大阪府のポンプメーカーです。", "書き直し案を付けた", 90*time.Second, "superlative")
	// A rejection whose "correction" is the generated text itself is no preference pair.
	submit(5, review.Rejected, "株式会社サンプル5は、大阪府で産業用ポンプを製造する会社です。", "", 30*time.Second, "vague")
	submit(4, review.Accepted, "", "", 10*time.Second)
	if _, err := s.Undo(ctx, "sato"); err != nil { // item 4's decision stays in the history, undone
		t.Fatal(err)
	}
	if history[4].final != history[4].original {
		t.Fatalf("item 5's text %q should equal its generated summary %q", history[4].final, history[4].original)
	}
	dir := t.TempDir()
	export := func(t *testing.T, kind, format string) ExportResult {
		t.Helper()
		res, err := s.ExportFeedback(ctx, FeedbackExport{Dir: dir, Kind: kind, Format: format, Actor: "sato"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	lines := func(t *testing.T, path string) []map[string]any {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var out []map[string]any
		for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("%s:%d: %v", path, i+1, err)
			}
			out = append(out, m)
		}
		return out
	}
	nonEmpty := func(t *testing.T, where string, v any) string {
		t.Helper()
		s, ok := v.(string)
		if !ok || strings.TrimSpace(s) == "" {
			t.Errorf("%s: want a non-empty text, got %#v", where, v)
		}
		return s
	}
	turns := func(t *testing.T, where string, v any, roles ...string) []string {
		t.Helper()
		msgs, ok := v.([]any)
		if !ok || len(msgs) != len(roles) {
			t.Fatalf("%s: want %d messages, got %#v", where, len(roles), v)
		}
		var texts []string
		for i, m := range msgs {
			mm, _ := m.(map[string]any)
			if mm["role"] != roles[i] || len(mm) != 2 {
				t.Errorf("%s[%d]: want exactly role %q and content, got %v", where, i, roles[i], mm)
			}
			texts = append(texts, nonEmpty(t, fmt.Sprintf("%s[%d].content", where, i), mm["content"]))
		}
		return texts
	}
	// prompt checks a system and a user turn: the system prompt, then the generator's instruction followed by the
	// item's source text.
	prompt := func(t *testing.T, where string, texts []string, p exporter.Prompts, source string) {
		t.Helper()
		if len(texts) < 2 {
			return
		}
		if texts[0] != p.System {
			t.Errorf("%s: system turn %q, want %q", where, texts[0], p.System)
		}
		user := texts[1]
		if !strings.HasPrefix(user, p.Instruction) || !strings.HasSuffix(user, source) || len(user) <= len(p.Instruction)+len(source) {
			t.Errorf("%s: user turn %q, want the instruction %q and then the source text %q", where, user, p.Instruction, source)
		}
	}
	// decisions checks the "all" dataset against what was decided: every decision in the order made, with its
	// comment and timings.
	decisions := func(t *testing.T, recs []exporter.DecisionRecord) {
		t.Helper()
		slices.SortFunc(recs, func(a, b exporter.DecisionRecord) int { return int(a.DecisionID - b.DecisionID) })
		if len(recs) != len(history) {
			t.Fatalf("decisions dataset has %d rows, want all %d decisions (undone and rejected too)", len(recs), len(history))
		}
		var rejected int
		for i, r := range recs {
			w := history[i]
			where := fmt.Sprintf("decision %d (%s)", r.DecisionID, w.id)
			if r.ID != w.id || r.Verdict != w.verdict || r.Edited != (w.verdict == "edited") {
				t.Errorf("%s: id %s, verdict %s, edited %v; want %s, %s", where, r.ID, r.Verdict, r.Edited, w.id, w.verdict)
			}
			if r.Comment != w.comment {
				t.Errorf("%s: comment %q, want %q", where, r.Comment, w.comment)
			}
			if !r.StartedAt.Equal(w.started) || !r.ReviewedAt.Equal(w.ended) {
				t.Errorf("%s: started_at %s, reviewed_at %s; want %s, %s", where, r.StartedAt, r.ReviewedAt, w.started, w.ended)
			}
			if r.ReviewSeconds != w.seconds {
				t.Errorf("%s: review_seconds %v, want %v", where, r.ReviewSeconds, w.seconds)
			}
			if r.FinalText != w.final || r.OriginalSummary != w.original {
				t.Errorf("%s: final_text %q, original_summary %q; want %q, %q", where, r.FinalText, r.OriginalSummary, w.final, w.original)
			}
			if r.Reviewer != "sato" {
				t.Errorf("%s: reviewer %q", where, r.Reviewer)
			}
			undone := i == len(history)-1
			if (r.UndoneAt != nil) != undone || r.Current == undone {
				t.Errorf("%s: undone_at %v, current %v; want undone %v", where, r.UndoneAt, r.Current, undone)
			}
			if r.Verdict == "rejected" {
				rejected++
				if len(r.ReasonCodes) == 0 {
					t.Errorf("%s: a rejection without reason codes", where)
				}
			}
		}
		if rejected != 3 {
			t.Errorf("%d rejections, want 3", rejected)
		}
	}

	t.Run("all as delta", func(t *testing.T) {
		res := export(t, "all", "delta")
		if res.Rows != int64(len(history)) {
			t.Errorf("decisions dataset has %d rows, want all %d decisions", res.Rows, len(history))
		}
		snap, err := delta.ReadSnapshot(ctx, res.Path)
		if err != nil {
			t.Fatal(err)
		}
		var recs []exporter.DecisionRecord
		for _, a := range snap.Files {
			p, _ := snap.FilePath(a)
			rs, err := parquet.ReadFile[exporter.DecisionRecord](p)
			if err != nil {
				t.Fatal(err)
			}
			recs = append(recs, rs...)
		}
		decisions(t, recs)
		// A second export replaces the table's content rather than adding to it.
		again := export(t, "all", "delta")
		if n := int64(len(history)); again.RowsRemoved != n || again.Rows != n || again.Version != 1 {
			t.Errorf("second decisions export: %+v", again)
		}
	})
	t.Run("all as parquet", func(t *testing.T) {
		res := export(t, "all", "parquet")
		rs, err := parquet.ReadFile[exporter.DecisionRecord](res.Path)
		if err != nil {
			t.Fatal(err)
		}
		decisions(t, rs)
	})
	t.Run("sft", func(t *testing.T) {
		res := export(t, "sft", "")
		ls := lines(t, res.Path)
		want := []made{accepted, edited} // the approved items; item 4's acceptance was undone
		if len(ls) != len(want) {
			t.Fatalf("sft has %d lines, want the %d approved items", len(ls), len(want))
		}
		if res.Skipped != 0 {
			t.Errorf("sft export skipped %d decisions; every approved item has a source text", res.Skipped)
		}
		for i, l := range ls {
			where := fmt.Sprintf("line %d (%s)", i+1, want[i].id)
			if len(l) != 1 {
				t.Errorf("%s has keys %v, want only messages", where, slices.Collect(maps.Keys(l)))
			}
			texts := turns(t, where+" messages", l["messages"], "system", "user", "assistant")
			prompt(t, where, texts, exporter.DefaultPrompts(), want[i].source)
			if len(texts) == 3 && texts[2] != want[i].final {
				t.Errorf("%s: assistant turn %q, want the final text %q", where, texts[2], want[i].final)
			}
		}
	})
	t.Run("dpo", func(t *testing.T) {
		res := export(t, "dpo", "")
		ls := lines(t, res.Path)
		// The edited item, and the rejection with a correction; not the rejection without a text, nor the one whose
		// text is the generated summary, nor the acceptances.
		want := []made{edited, corrected}
		var ids []any
		for _, l := range ls {
			ids = append(ids, l["id"])
		}
		if !slices.Equal(ids, []any{edited.id, corrected.id}) {
			t.Fatalf("dpo ids %v, want %s (edited) and %s (rejected with a correction)", ids, edited.id, corrected.id)
		}
		// Decisions that are no preference pair are not dpo's kind at all, not pairs skipped for a missing text.
		if res.Rows != 2 || res.Skipped != 0 {
			t.Errorf("dpo export reports %d rows, %d skipped; want 2, 0", res.Rows, res.Skipped)
		}
		for i, l := range ls {
			where := fmt.Sprintf("line %d (%s)", i+1, want[i].id)
			prompt(t, where+" prompt", turns(t, where+" prompt", l["prompt"], "system", "user"), exporter.DefaultPrompts(), want[i].source)
			chosen := turns(t, where+" chosen", l["chosen"], "assistant")
			rejected := turns(t, where+" rejected", l["rejected"], "assistant")
			if len(chosen) == 1 && chosen[0] != want[i].final {
				t.Errorf("%s: chosen %q, want the human's text %q", where, chosen[0], want[i].final)
			}
			if len(rejected) == 1 && rejected[0] != want[i].original {
				t.Errorf("%s: rejected %q, want the generated text %q", where, rejected[0], want[i].original)
			}
		}
	})
	t.Run("custom prompts", func(t *testing.T) {
		p := exporter.Prompts{System: "あなたは校閲者です。", Instruction: "次の文章を要約してください。"}
		for _, kind := range []string{"sft", "dpo"} {
			res, err := s.ExportFeedback(ctx, FeedbackExport{Dir: t.TempDir(), Kind: kind, Prompts: p, Actor: "sato"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i, l := range lines(t, res.Path) {
				where := fmt.Sprintf("%s line %d", kind, i+1)
				msgs := l["messages"]
				roles := []string{"system", "user", "assistant"}
				if kind == "dpo" {
					msgs, roles = l["prompt"], roles[:2]
				}
				prompt(t, where, turns(t, where, msgs, roles...), p, accepted.source)
			}
		}
	})
	t.Run("judge", func(t *testing.T) {
		res := export(t, "judge", "")
		ls := lines(t, res.Path)
		reviewed := history[:len(history)-1] // all but the undone acceptance
		if len(ls) != len(reviewed) {
			t.Fatalf("judge has %d lines, want the %d reviewed items", len(ls), len(reviewed))
		}
		for i, l := range ls {
			w := reviewed[i]
			where := fmt.Sprintf("line %d (%s)", i+1, w.id)
			for _, k := range []string{"id", "summary", "judge_scores", "judge_score", "verdict", "approved", "checks", "reason_codes"} {
				if _, ok := l[k]; !ok {
					t.Errorf("%s lacks %s", where, k)
				}
			}
			if l["id"] != w.id || l["verdict"] != w.verdict || l["summary"] != w.original || l["comment"] != w.comment {
				t.Errorf("%s: id %v, verdict %v, summary %v, comment %v; want %s, %s, %s, %q", where, l["id"], l["verdict"],
					l["summary"], l["comment"], w.id, w.verdict, w.original, w.comment)
			}
			if l["approved"] != (w.verdict != "rejected") {
				t.Errorf("%s: approved %v for a %s item", where, l["approved"], w.verdict)
			}
			if l["verdict"] == "rejected" && len(l["reason_codes"].([]any)) == 0 {
				t.Errorf("%s: a rejection without reasons", where)
			}
		}
	})
	t.Run("bad kind", func(t *testing.T) {
		if _, err := s.ExportFeedback(ctx, FeedbackExport{Dir: dir, Kind: "rlhf"}, nil); review.ErrorCode(err) != review.Invalid {
			t.Errorf("kind rlhf: %v, want invalid", err)
		}
	})
}

func TestExportHTTP(t *testing.T) {
	s := testService(t, 6)
	for i := range 3 {
		decide(t, s, itemID(i), review.Accepted, "")
	}
	srv := httptest.NewServer(s.Handler(nil))
	defer srv.Close()
	post := func(body string) (*http.Response, Job) {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+"/api/exports", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", s.soloCSRF)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var j Job
		json.NewDecoder(resp.Body).Decode(&j)
		return resp, j
	}
	wait := func(id string) Job {
		t.Helper()
		for range 200 {
			j, err := s.Job(id)
			if err != nil {
				t.Fatal(err)
			}
			if j.State != "running" {
				return j
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatal("export job did not finish")
		return Job{}
	}
	download := func(id string) (*http.Response, []byte) {
		t.Helper()
		resp, err := http.Get(srv.URL + "/api/exports/" + id + "/download")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}

	t.Run("delta table as zip", func(t *testing.T) {
		resp, j := post(`{"kind":"gold"}`)
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if j = wait(j.ID); j.State != "done" {
			t.Fatalf("job %+v", j)
		}
		resp, b := download(j.ID)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" {
			t.Fatalf("download: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		var log, data int
		for _, f := range zr.File {
			switch {
			case strings.HasPrefix(f.Name, "gold/_delta_log/") && strings.HasSuffix(f.Name, ".json"):
				log++
			case strings.HasPrefix(f.Name, "gold/part-"):
				data++
			}
		}
		if log != 1 || data != 1 {
			t.Errorf("zip holds %d commits and %d data files, want 1 and 1", log, data)
		}
	})
	t.Run("csv as a file", func(t *testing.T) {
		_, j := post(`{"kind":"gold","format":"csv","bom":true}`)
		j = wait(j.ID)
		resp, b := download(j.ID)
		if resp.StatusCode != 200 || !bytes.HasPrefix(b, []byte("\uFEFFid,")) || bytes.Count(b, []byte("\n")) != 4 {
			t.Errorf("csv download: %d %q", resp.StatusCode, b)
		}
	})
	t.Run("feedback", func(t *testing.T) {
		_, j := post(`{"kind":"feedback","feedback_kind":"judge"}`)
		j = wait(j.ID)
		resp, b := download(j.ID)
		if resp.StatusCode != 200 || bytes.Count(b, []byte("\n")) != 3 {
			t.Errorf("judge download: %d %q", resp.StatusCode, b)
		}
	})
	t.Run("to is refused without local files", func(t *testing.T) {
		resp, _ := post(`{"kind":"gold","to":"/tmp/x"}`)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("bad format", func(t *testing.T) {
		resp, _ := post(`{"kind":"gold","format":"xlsx"}`)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("status %d, want 400", resp.StatusCode)
		}
	})
	tempDir := func(id string) string {
		s.jobs.mu.Lock()
		defer s.jobs.mu.Unlock()
		return s.jobs.temp[id]
	}
	t.Run("temporary files are removed", func(t *testing.T) {
		_, old := post(`{"kind":"gold","format":"jsonl"}`)
		wait(old.ID)
		oldDir := tempDir(old.ID)
		if _, err := os.Stat(filepath.Join(oldDir, "gold.jsonl")); err != nil {
			t.Fatalf("the export to download: %v", err)
		}
		// A day later, the next export removes what the first left.
		realNow := s.now
		s.now = func() time.Time { return realNow().Add(downloadTTL + time.Minute) }
		defer func() { s.now = realNow }()
		_, fresh := post(`{"kind":"gold","format":"csv"}`)
		wait(fresh.ID)
		if _, err := os.Stat(oldDir); !os.IsNotExist(err) {
			t.Errorf("%s is still there a day after its export: %v", oldDir, err)
		}
		if resp, b := download(old.ID); resp.StatusCode != http.StatusNotFound || !strings.Contains(string(b), "export again") {
			t.Errorf("expired download: %d %s", resp.StatusCode, b)
		}
		if resp, _ := download(fresh.ID); resp.StatusCode != 200 {
			t.Errorf("fresh download: %d", resp.StatusCode)
		}
		freshDir := tempDir(fresh.ID)
		s.Close()
		if _, err := os.Stat(freshDir); !os.IsNotExist(err) {
			t.Errorf("%s is still there after Close: %v", freshDir, err)
		}
	})
	t.Run("a failed export leaves nothing", func(t *testing.T) {
		s.st.Close() // every query now fails
		_, j := post(`{"kind":"gold","format":"jsonl"}`)
		if j = wait(j.ID); j.State != "failed" {
			t.Fatalf("job %+v, want failed", j)
		}
		if dir := tempDir(j.ID); dir == "" {
			t.Error("the job has no temporary directory on record")
		} else if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%s is still there after the export failed: %v", dir, err)
		}
	})
}
