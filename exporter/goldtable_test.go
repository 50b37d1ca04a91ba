package exporter_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"reviewdesk/delta"
	"reviewdesk/exporter"
	"reviewdesk/ingest"
)

var testClock = time.Date(2026, 11, 20, 9, 30, 0, 123456789, time.UTC)

func testOptions() exporter.Options {
	return exporter.Options{Now: func() time.Time { return testClock }, Layout: exporter.Layout{RowsPerFile: 3}}
}

func goldRow(i int, text string) exporter.GoldRow {
	return exporter.GoldRow{
		ID: fmt.Sprintf("90000000000%02d", i), Company: fmt.Sprintf("株式会社テスト%d", i), Summary: text,
		OriginalSummary: fmt.Sprintf("株式会社テスト%dは業界トップの会社です。", i), Verdict: "accepted", JudgeScore: float64(i % 10),
		JudgeMaxScore: 10, JudgeScores: map[string]float64{"business": float64(i % 4)}, Checks: map[string]bool{},
		ReasonCodes: []string{}, HintRules: []string{"superlative"}, Reviewer: "sato",
		ReviewedAt: time.Date(2026, 11, 1, 10, 0, i, 0, time.UTC), ReviewSeconds: 12.5, Batch: "b1",
		DecisionID: int64(100 + i), ItemVersion: 2,
	}
}

// update writes rows (and stale ids) as the table's next export.
func update(t *testing.T, tbl *exporter.GoldTable, stale map[string]string, rows ...exporter.GoldRow) exporter.Commit {
	t.Helper()
	c, err := tbl.Update(context.Background(), tbl.Txn()+1, func(staleFn func(id, file string) error, fresh func(*exporter.GoldRow) error) error {
		for _, id := range slices.Sorted(maps.Keys(stale)) {
			if err := staleFn(id, stale[id]); err != nil {
				return err
			}
		}
		for i := range rows {
			if err := fresh(&rows[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	return c
}

// commitLines returns the raw JSON objects of one commit, keyed by action name.
func commitLines(t *testing.T, dir string, version int64) map[string][]map[string]any {
	t.Helper()
	f, err := os.Open(delta.CommitPath(dir, version))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]map[string]any{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line map[string]map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("commit %d: %v", version, err)
		}
		if len(line) != 1 {
			t.Fatalf("commit %d: a line with %d actions", version, len(line))
		}
		for k, v := range line {
			out[k] = append(out[k], v)
		}
	}
	return out
}

// tableRows reads the live rows of the table by log replay, failing on a duplicate id.
func tableRows(t *testing.T, dir string) map[string]exporter.GoldRow {
	t.Helper()
	snap, err := delta.ReadSnapshot(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]exporter.GoldRow{}
	for _, a := range snap.Files {
		p, _ := snap.FilePath(a)
		rows, err := parquet.ReadFile[exporter.GoldRow](p)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if _, dup := out[r.ID]; dup {
				t.Errorf("id %s twice", r.ID)
			}
			out[r.ID] = r
		}
	}
	return out
}

func TestGoldTableFirstCommitFollowsProtocol(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gold")
	tbl, err := exporter.OpenGoldTable(context.Background(), dir, "app-1", testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if tbl.Version() != -1 || tbl.Txn() != 0 {
		t.Fatalf("new table: version %d txn %d", tbl.Version(), tbl.Txn())
	}
	c := update(t, tbl, nil, goldRow(1, "株式会社テスト1は産業用ポンプを製造しています。"), goldRow(2, "B"), goldRow(3, "C"), goldRow(4, "D"))
	if !c.Committed || c.Version != 0 || c.Txn != 1 || c.RowsAdded != 4 || c.FilesAdded != 2 {
		t.Fatalf("commit %+v, want version 0, txn 1, 4 rows in 2 files of at most 3", c)
	}
	lines := commitLines(t, dir, 0)
	if p := lines["protocol"]; len(p) != 1 || p[0]["minReaderVersion"] != 1.0 || p[0]["minWriterVersion"] != 2.0 || len(p[0]) != 2 {
		t.Errorf("protocol %v, want reader 1, writer 2 and no features", p)
	}
	md := lines["metaData"]
	if len(md) != 1 {
		t.Fatalf("metaData %v", md)
	}
	if md[0]["schemaString"] != exporter.GoldSchema().String() || md[0]["format"].(map[string]any)["provider"] != "parquet" {
		t.Errorf("metaData %v", md[0])
	}
	if txn := lines["txn"]; len(txn) != 1 || txn[0]["appId"] != "app-1" || txn[0]["version"] != 1.0 {
		t.Errorf("txn %v", txn)
	}
	if ci := lines["commitInfo"]; len(ci) != 1 || ci[0]["operation"] != "WRITE" || ci[0]["timestamp"] != float64(testClock.UnixMilli()) {
		t.Errorf("commitInfo %v", ci)
	}
	name := regexp.MustCompile(`^part-00000-[0-9a-f]{16}\.snappy\.parquet$`)
	var records float64
	for _, a := range lines["add"] {
		path := a["path"].(string)
		if !name.MatchString(path) {
			t.Errorf("data file name %q", path)
		}
		info, err := os.Stat(filepath.Join(dir, path))
		if err != nil || float64(info.Size()) != a["size"] || a["dataChange"] != true {
			t.Errorf("add %v: file %v, %v", a, info, err)
		}
		st, err := delta.ParseStats(a["stats"].(string))
		if err != nil {
			t.Fatal(err)
		}
		records += float64(st.NumRecords)
		if st.MinValues["id"].(string) > st.MaxValues["id"].(string) || st.NullCount["id"] != 0 {
			t.Errorf("stats %+v", st)
		}
		if _, ok := st.MinValues["judge_score"].(float64); !ok {
			t.Errorf("stats lack judge_score bounds: %+v", st)
		}
		if st.MinValues["exported_at"] != "2026-11-20T09:30:00.123Z" {
			t.Errorf("exported_at min %v, want the clock in milliseconds", st.MinValues["exported_at"])
		}
	}
	if records != 4 {
		t.Errorf("stats count %v records, want 4", records)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left", e.Name())
		}
	}
	rows := tableRows(t, dir)
	if r := rows["9000000000001"]; r.ExportedAt != testClock.Truncate(time.Microsecond) || r.Summary != "株式会社テスト1は産業用ポンプを製造しています。" ||
		r.JudgeScores["business"] != 1 || !slices.Equal(r.HintRules, []string{"superlative"}) {
		t.Errorf("row read back: %+v", r)
	}

	// ingest, the reader imports use, reads the same rows: summary, judge_score as the score, judge_scores as scores.
	r, err := ingest.Open(dir, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var n int
	for {
		it, _, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		want := rows[it.ID]
		if it.Summary != want.Summary || it.Score != want.JudgeScore || it.Scores["business"] != want.JudgeScores["business"] || it.Batch != "b1" {
			t.Errorf("ingest read %+v, want %+v", it, want)
		}
	}
	if n != 4 {
		t.Errorf("ingest read %d rows, want 4", n)
	}
}

func TestGoldTableCorrectionRemovesAndAddsInOneCommit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gold")
	opts := testOptions()
	tbl, err := exporter.OpenGoldTable(context.Background(), dir, "app-1", opts)
	if err != nil {
		t.Fatal(err)
	}
	update(t, tbl, nil, goldRow(1, "A"), goldRow(2, "B"), goldRow(3, "C"), goldRow(4, "D"))
	before := tableRows(t, dir)
	var fileOf2 string
	for f := range tbl.Files() {
		if err := tbl.ReadKeys(context.Background(), f, func(id string, decision, version int64) error {
			if id == "9000000000002" {
				fileOf2 = f
				if decision != 102 || version != 2 {
					t.Errorf("keys of %s: decision %d version %d", id, decision, version)
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	// Item 2 was decided again (new text), item 3 left gold (both live in the first file).
	later := opts
	later.Now = func() time.Time { return testClock.Add(time.Hour) }
	tbl, err = exporter.OpenGoldTable(context.Background(), dir, "app-1", later)
	if err != nil {
		t.Fatal(err)
	}
	fixed := goldRow(2, "B2")
	fixed.DecisionID, fixed.ItemVersion = 205, 4
	c := update(t, tbl, map[string]string{"9000000000002": fileOf2, "9000000000003": fileOf2}, fixed)
	if c.Version != 1 || c.RowsAdded != 1 || c.RowsRemoved != 2 || c.RowsKept != 1 || c.FilesRemoved != 1 {
		t.Errorf("correction commit %+v", c)
	}
	lines := commitLines(t, dir, 1)
	rm := lines["remove"]
	if len(rm) != 1 || rm[0]["path"] != fileOf2 || rm[0]["dataChange"] != true ||
		rm[0]["deletionTimestamp"] != float64(testClock.Add(time.Hour).UnixMilli()) || rm[0]["size"] == nil {
		t.Errorf("remove %v", rm)
	}
	if len(lines["add"]) == 0 || lines["commitInfo"][0]["operation"] != "MERGE" || lines["txn"][0]["version"] != 2.0 {
		t.Errorf("correction commit: %v", lines)
	}
	after := tableRows(t, dir)
	if len(after) != 3 || after["9000000000002"].Summary != "B2" || after["9000000000002"].DecisionID != 205 {
		t.Errorf("after the correction: %v", after)
	}
	if _, ok := after["9000000000003"]; ok {
		t.Error("the removed row is still there")
	}
	if !after["9000000000001"].ExportedAt.Equal(before["9000000000001"].ExportedAt) {
		t.Error("a kept row got a new exported_at")
	}
	if !after["9000000000002"].ExportedAt.Equal(testClock.Add(time.Hour).Truncate(time.Microsecond)) {
		t.Error("the corrected row kept its old exported_at")
	}
	// The old version is still there for time travel, with the old rows.
	old, err := delta.ReadSnapshotAt(context.Background(), dir, 0)
	if err != nil || !slices.ContainsFunc(old.Files, func(a delta.Add) bool { return a.Path == fileOf2 }) {
		t.Errorf("version 0 lost its file: %v", err)
	}
}

func TestGoldTableConflictLeavesNoFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gold")
	ctx := context.Background()
	a, err := exporter.OpenGoldTable(ctx, dir, "app-1", testOptions())
	if err != nil {
		t.Fatal(err)
	}
	update(t, a, nil, goldRow(1, "A"))
	b, err := exporter.OpenGoldTable(ctx, dir, "app-1", testOptions())
	if err != nil {
		t.Fatal(err)
	}
	update(t, a, nil, goldRow(2, "B"))
	_, err = b.Update(ctx, b.Txn()+1, func(_ func(id, file string) error, fresh func(*exporter.GoldRow) error) error {
		r := goldRow(3, "C")
		return fresh(&r)
	})
	if !errors.Is(err, exporter.ErrConflict) || !errors.Is(err, delta.ErrVersionExists) {
		t.Fatalf("second writer: %v, want ErrConflict", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 { // _delta_log and the two committed files
		t.Errorf("after the conflict the directory holds %d entries, want 3", len(entries))
	}
	if rows := tableRows(t, dir); len(rows) != 2 {
		t.Errorf("table holds %d rows, want 2", len(rows))
	}
}

func TestGoldTableCrashBeforeCommit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gold")
	ctx := context.Background()
	opts := testOptions()
	tbl, err := exporter.OpenGoldTable(ctx, dir, "app-1", opts)
	if err != nil {
		t.Fatal(err)
	}
	update(t, tbl, nil, goldRow(1, "A"))
	crash := errors.New("crash")
	opts.Hook = func(s exporter.Step) error {
		if s == exporter.StepFilesWritten {
			return crash
		}
		return nil
	}
	tbl, err = exporter.OpenGoldTable(ctx, dir, "app-1", opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tbl.Update(ctx, 2, func(_ func(id, file string) error, fresh func(*exporter.GoldRow) error) error {
		r := goldRow(2, "B")
		return fresh(&r)
	}); !errors.Is(err, crash) {
		t.Fatalf("update: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Fatalf("want the orphan data file left as a crash leaves it, got %d entries", len(entries))
	}
	if rows := tableRows(t, dir); len(rows) != 1 {
		t.Errorf("readers see %d rows, want the 1 committed: the orphan file is not in the table", len(rows))
	}
	v, _ := delta.LatestVersion(ctx, dir)
	if v != 0 {
		t.Errorf("version %d, want 0", v)
	}
}

func TestGoldTableCheckpointEveryTenCommits(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gold")
	ctx := context.Background()
	tbl, err := exporter.OpenGoldTable(ctx, dir, "app-1", testOptions())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		update(t, tbl, nil, goldRow(i, fmt.Sprintf("text %d", i)))
	}
	lc, err := delta.ReadLastCheckpoint(ctx, dir)
	if err != nil || lc.Version != 10 {
		t.Fatalf("last checkpoint %+v, %v; want version 10", lc, err)
	}
	snap, err := delta.ReadSnapshot(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if snap.CheckpointVersion != 10 || len(snap.Files) != 12 || snap.Txns["app-1"] != 12 {
		t.Errorf("snapshot from the checkpoint: checkpoint %d, %d files, txn %d", snap.CheckpointVersion, len(snap.Files), snap.Txns["app-1"])
	}
}

// The tables Spark and delta-rs wrote are not gold tables: the writer must refuse them rather than append rows of
// another schema, and its add and remove actions must carry at least the fields Spark's do.
func TestGoldTableAgainstRealTables(t *testing.T) {
	shared := sharedTables(t)
	for _, name := range []string{"simple_table", "basic-with-inserts-updates", "delta-0.8.0-partitioned"} {
		t.Run(name, func(t *testing.T) {
			_, err := exporter.OpenGoldTable(context.Background(), filepath.Join(shared, name), "app-1", testOptions())
			if err == nil || !strings.Contains(err.Error(), "not a reviewdesk gold table") {
				t.Errorf("open %s as a gold table: %v", name, err)
			}
		})
	}
	spark := commitLines(t, filepath.Join(shared, "basic-with-inserts-updates"), 1)
	dir := filepath.Join(t.TempDir(), "gold")
	tbl, err := exporter.OpenGoldTable(context.Background(), dir, "app-1", testOptions())
	if err != nil {
		t.Fatal(err)
	}
	update(t, tbl, nil, goldRow(1, "A"))
	var file string
	for f := range tbl.Files() {
		file = f
	}
	update(t, tbl, map[string]string{"9000000000001": file}, goldRow(1, "A2"))
	ours := commitLines(t, dir, 1)
	for _, kind := range []string{"add", "remove", "commitInfo"} {
		for k := range spark[kind][0] {
			// readVersion and isolationLevel are Spark's own commitInfo; extendedFileMetadata (and the empty
			// partitionValues it promises) is optional, and delta.Remove omits an empty partitionValues.
			if _, ok := ours[kind][0][k]; !ok && !slices.Contains([]string{"readVersion", "isolationLevel", "extendedFileMetadata", "partitionValues"}, k) {
				t.Errorf("our %s lacks %q, which Spark writes", kind, k)
			}
		}
	}
}

func TestGoldTableRefusesDirectoryWithOtherFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exporter.OpenGoldTable(context.Background(), dir, "app-1", testOptions()); err == nil {
		t.Error("a directory of other files became a gold table")
	}
}

func TestEscapeFormula(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"=SUM(A1:A2)", "'=SUM(A1:A2)"},
		{"+81 3 1234", "'+81 3 1234"},
		{"-株式会社", "'-株式会社"},
		{"@cmd", "'@cmd"},
		{"\t=1", "'\t=1"},
		{"株式会社テスト", "株式会社テスト"},
		{"", ""},
		{"a=b", "a=b"},
	} {
		t.Run(c.in, func(t *testing.T) {
			if got := exporter.EscapeFormula(c.in); got != c.want {
				t.Errorf("EscapeFormula(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// sharedTables finds shared/testdata/delta: $REVIEWDESK_SHARED/testdata/delta, or a shared/testdata/delta beside
// any directory above this package. The same helper lives in delta's and ingest's tests.
func sharedTables(t *testing.T) string {
	t.Helper()
	if s := os.Getenv("REVIEWDESK_SHARED"); s != "" {
		return filepath.Join(s, "testdata", "delta")
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
