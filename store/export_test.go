package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"reviewdesk/review"
)

func TestHintRuleIDs(t *testing.T) {
	hints := []review.Hint{
		{Rule: "vague", Text: `"rule":"fake" in a text`}, {Rule: "first_person", Text: "我々"}, {Rule: "vague"},
	}
	b, _ := json.Marshal(hints)
	if got := hintRuleIDs(b); !slices.Equal(got, []string{"first_person", "vague"}) {
		t.Errorf("hintRuleIDs = %v", got)
	}
	if got := hintRuleIDs([]byte("[]")); got != nil {
		t.Errorf("no hints: %v", got)
	}
}

// The fast decoders must agree with encoding/json on everything json.Marshal writes, and give up on the rest.
func TestDecodeDetailsMatchesEncodingJSON(t *testing.T) {
	cases := []struct {
		name            string
		scores, checks  string
		reasons         string
		wantFastScores  bool
		wantFastReasons bool
	}{
		{"plain", `{"business":3,"third_person":2.5}`, `{"business":true,"relevance":false}`, `["vague","other"]`, true, true},
		{"japanese keys", `{"事業内容":1e-3}`, `{}`, `[]`, true, true},
		{"escaped key", `{"a\"b":1}`, `{}`, `["x\\y"]`, false, false},
		{"html escape", `{"\u003cb\u003e":1}`, `{}`, `["\u0026"]`, false, false},
		{"spaces", `{ "a": 1 }`, `{}`, `[ "a" ]`, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var sc map[string]float64
			var ch map[string]bool
			var rs []string
			if err := decodeDetails("x", c.scores, c.checks, c.reasons, &sc, &ch, &rs); err != nil {
				t.Fatal(err)
			}
			var wsc map[string]float64
			var wch map[string]bool
			var wrs []string
			json.Unmarshal([]byte(c.scores), &wsc)
			json.Unmarshal([]byte(c.checks), &wch)
			json.Unmarshal([]byte(c.reasons), &wrs)
			if !reflect.DeepEqual(sc, wsc) || len(ch) != len(wch) || !slices.Equal(rs, wrs) {
				t.Errorf("decoded %v %v %v, encoding/json %v %v %v", sc, ch, rs, wsc, wch, wrs)
			}
			var fs map[string]float64
			if got := fastScores(c.scores, &fs); got != c.wantFastScores {
				t.Errorf("fastScores took %q: %v, want %v", c.scores, got, c.wantFastScores)
			}
			var fr []string
			if got := fastStrings(c.reasons, &fr); got != c.wantFastReasons && c.reasons != "[]" {
				t.Errorf("fastStrings took %q: %v, want %v", c.reasons, got, c.wantFastReasons)
			}
		})
	}
}

func TestGoldChangesAndSync(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	importItems(t, s, review.Rubric{}, testItem(1, 8), testItem(2, 7), testItem(3, 6))
	decideAs := func(id string, v review.Verdict, text string, reasons ...string) review.Decision {
		t.Helper()
		rec, err := s.Item(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		d, err := s.SaveDecision(ctx, review.Decision{ItemID: id, Verdict: v, FinalText: text, Reasons: reasons, Reviewer: "sato",
			StartedAt: rec.ImportedAt, EndedAt: rec.ImportedAt}, rec.Version)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	decideAs("1000000000001", review.Accepted, "A")
	decideAs("1000000000002", review.Edited, "B edited", "vague")
	decideAs("1000000000003", review.Rejected, "", "vague")
	target, err := s.ExportTarget(ctx, "gold:/t", "app")
	if err != nil {
		t.Fatal(err)
	}
	changes := func() (stale map[string]string, fresh map[string]GoldRow) {
		t.Helper()
		stale, fresh = map[string]string{}, map[string]GoldRow{}
		if err := s.GoldChanges(ctx, target.ID, func(id, file string) error {
			stale[id] = file
			return nil
		}, func(r *GoldRow) error {
			fresh[r.ID] = *r
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return stale, fresh
	}
	stale, fresh := changes()
	if len(stale) != 0 || len(fresh) != 2 || fresh["1000000000002"].Summary != "B edited" ||
		fresh["1000000000002"].OriginalSummary != testItem(2, 7).Summary || !slices.Equal(fresh["1000000000002"].Reasons, []string{"vague"}) {
		t.Fatalf("first changes: stale %v fresh %v", stale, fresh)
	}
	// The table now holds both rows in file f1.
	sync := GoldSync{Target: target.ID, Version: 0, Txn: 1, Added: []string{"f1"}}
	if err := s.SyncGold(ctx, sync, func(file string, put func(GoldKey) error) error {
		for _, r := range fresh {
			if err := put(GoldKey{ID: r.ID, Decision: r.DecisionID, Version: r.ItemVersion}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if files, _ := s.GoldFiles(ctx, target.ID); files["f1"] != 2 {
		t.Errorf("gold files %v", files)
	}
	if stale, fresh := changes(); len(stale) != 0 || len(fresh) != 0 {
		t.Errorf("after sync: stale %v fresh %v", stale, fresh)
	}
	if err := s.Reopen(ctx, "1000000000001", "sato"); err != nil {
		t.Fatal(err)
	}
	if stale, fresh := changes(); stale["1000000000001"] != "f1" || len(stale) != 1 || len(fresh) != 0 {
		t.Errorf("after reopen: stale %v fresh %v", stale, fresh)
	}
	// Removing f1 forgets its rows.
	if err := s.SyncGold(ctx, GoldSync{Target: target.ID, Version: 1, Txn: 2, Removed: []string{"f1"}}, nil); err != nil {
		t.Fatal(err)
	}
	if stale, fresh := changes(); len(stale) != 0 || len(fresh) != 1 {
		t.Errorf("after removing f1: stale %v fresh %v", stale, fresh)
	}
	again, err := s.ExportTarget(ctx, "gold:/t", "other")
	if err != nil || again.ID != target.ID || again.AppID != "app" || again.Txn != 2 || again.Version != 1 {
		t.Errorf("target again: %+v %v", again, err)
	}
}

// TestGoldRowsOneSnapshot reads the approved items with two readers in ranges of three seqs, while another
// goroutine approves items one by one in seq order, and a pause between the readers' starts leaves room for
// commits: every read must still see one snapshot, the first n items for some n, in order.
func TestGoldRowsOneSnapshot(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	const n = 60
	var items []review.Item
	var ids []string
	for i := 1; i <= n; i++ {
		items = append(items, testItem(i, 8))
		ids = append(ids, items[i-1].ID)
	}
	importItems(t, s, review.Rubric{}, items...)
	readers, chunk := goldReaders, goldChunk
	goldReaders, goldChunk = 2, 3
	snapshotTaken = func() { time.Sleep(2 * time.Millisecond) }
	t.Cleanup(func() { goldReaders, goldChunk, snapshotTaken = readers, chunk, nil })

	done := make(chan error, 1)
	go func() {
		for _, id := range ids {
			rec, err := s.Item(ctx, id)
			if err == nil {
				_, err = s.SaveDecision(ctx, review.Decision{ItemID: id, Verdict: review.Accepted, FinalText: rec.Summary,
					Reviewer: "sato", StartedAt: rec.ImportedAt, EndedAt: rec.ImportedAt}, rec.Version)
			}
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	reads, partial := 0, 0
	for finished := false; !finished; reads++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			finished = true
		default:
		}
		var got []string
		if err := s.GoldRows(ctx, func(r *GoldRow) error {
			got = append(got, r.ID)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, ids[:len(got)]) {
			t.Fatalf("read %d saw %v: not the first %d items in order, so its readers saw different snapshots", reads, got, len(got))
		}
		if finished && len(got) != n {
			t.Fatalf("after every approval the read saw %d rows, want %d", len(got), n)
		}
		if len(got) > 0 && len(got) < n {
			partial++
		}
	}
	if partial == 0 {
		t.Fatalf("no read of %d overlapped the approvals", reads)
	}
}

// SQLite took the setting that keeps parallel readers off its allocation-statistics mutex.
func TestSQLiteMemstatusOff(t *testing.T) {
	if memstatusOff != 0 {
		t.Fatalf("sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) = %d, want 0 (SQLite was initialised before store's init)", memstatusOff)
	}
}

// Every connection has the query planner stability guarantee: a plan does not depend on the values bound, so no
// prepared statement is planned again when they change. The proof: a partial index whose condition a bound value
// would satisfy stays unused.
func TestSQLiteQPSG(t *testing.T) {
	if qpsgOn != 0 {
		t.Fatalf("sqlite3_auto_extension = %d, want 0", qpsgOn)
	}
	s, _ := openTest(t)
	ctx := context.Background()
	for _, q := range []string{`CREATE TABLE qp (x INTEGER, y INTEGER)`, `CREATE INDEX qp_y ON qp (y) WHERE x = 1`} {
		if _, err := s.write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for name, db := range map[string]*sql.DB{"writer": s.write, "reader": s.read} {
		var id, parent, unused int
		var plan string
		if err := db.QueryRowContext(ctx, `EXPLAIN QUERY PLAN SELECT y FROM qp WHERE x = ? AND y = 5`, 1).
			Scan(&id, &parent, &unused, &plan); err != nil {
			t.Fatal(err)
		}
		if plan != "SCAN qp" {
			t.Errorf("%s: plan %q, want SCAN qp: the bound value chose the plan", name, plan)
		}
	}
}
