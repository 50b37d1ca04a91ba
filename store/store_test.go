package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"reviewdesk/review"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func openTest(t *testing.T) (*Store, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"), Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, c
}

func testItem(i int, score float64) review.Item {
	return review.Item{
		ID: fmt.Sprintf("10000000000%02d", i), Company: fmt.Sprintf("株式会社テスト%d", i),
		Source:  fmt.Sprintf("株式会社テスト%dは東京都で業務用ソフトウェアを開発しています。", i),
		Summary: fmt.Sprintf("株式会社テスト%dは、東京都に本社を置くソフトウェア開発会社です。", i),
		Scores:  map[string]float64{"business": score / 2, "third_person": score / 2}, Score: score, MaxScore: 10,
		Batch: "b1", Generator: "gen", Judge: "judge", PromptVersion: "v1",
	}
}

func importItems(t *testing.T, s *Store, rubric review.Rubric, items ...review.Item) ImportCounts {
	t.Helper()
	ctx := context.Background()
	im, err := s.BeginImport(ctx, "test.jsonl", "jsonl", "tester", rubric)
	if err != nil {
		t.Fatal(err)
	}
	rules := review.DefaultRules()
	for i := range items {
		if _, err := im.Put(&items[i], rules.Check(items[i].Summary, items[i].Source), rules.Version); err != nil {
			im.Rollback()
			t.Fatal(err)
		}
	}
	c, err := im.Commit("tester")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.write.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion()+1)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(context.Background(), path, Options{})
	if review.ErrorCode(err) != review.Invalid {
		t.Fatalf("opening a newer database: got %v, want an Invalid error", err)
	}
}

func TestOpenRefusesNonDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "not.db")
	if err := writeFile(path, "this is not sqlite, just text that is long enough to be a header of something"); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), path, Options{}); err == nil {
		t.Fatal("opening a text file as a database succeeded")
	}
}

func TestImportIdempotentAndRevisions(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	items := []review.Item{testItem(1, 9), testItem(2, 7), testItem(3, 2)}
	discard := 4.0
	rubric := review.Rubric{MaxScore: 10, DiscardBelow: &discard}
	c := importItems(t, s, rubric, items...)
	if c.Added != 3 || c.Discarded != 1 {
		t.Fatalf("first import: %+v", c)
	}
	c = importItems(t, s, rubric, items...)
	if c.Unchanged != 3 || c.Added != 0 || c.Revised != 0 {
		t.Fatalf("re-import of the same items changed something: %+v", c)
	}
	low, err := s.Item(ctx, items[2].ID)
	if err != nil {
		t.Fatal(err)
	}
	if low.Status != review.Status(review.AutoDiscarded) || low.Decision == nil || low.Decision.Reviewer != review.AutoReviewer {
		t.Fatalf("item below threshold: status %s decision %+v", low.Status, low.Decision)
	}
	// Decide item 1, then re-import it with a changed summary: it must be flagged, not silently re-opened.
	rec, err := s.Claim(ctx, "sato", review.DefaultQueuePolicy(), "")
	if err != nil {
		t.Fatal(err)
	}
	if rec.ID != items[0].ID {
		t.Fatalf("claimed %s, want the highest score %s", rec.ID, items[0].ID)
	}
	d := review.Decision{ItemID: rec.ID, Verdict: review.Accepted, FinalText: rec.Summary, Reviewer: "sato", Reasons: []string{},
		StartedAt: time.Now(), EndedAt: time.Now()}
	if _, err := s.SaveDecision(ctx, d, rec.Version); err != nil {
		t.Fatal(err)
	}
	items[0].Summary = "我々は東京都でソフトウェアを開発しています。"
	items[1].Summary = "株式会社テスト2は、東京都の会社です。"
	c = importItems(t, s, rubric, items...)
	if c.Flagged != 1 || c.Revised != 1 || c.Unchanged != 1 {
		t.Fatalf("import of changed items: %+v", c)
	}
	got, err := s.Item(ctx, items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Changed || got.Status != review.Status(review.Accepted) || got.Revision != 2 || got.Decision.Revision != 1 {
		t.Fatalf("decided item after new revision: changed %v status %s revision %d decision revision %d",
			got.Changed, got.Status, got.Revision, got.Decision.Revision)
	}
	if len(got.Hints) == 0 || got.Hints[0].Rule != "first_person" {
		t.Fatalf("hints of the new revision: %+v", got.Hints)
	}
	// The replaced revisions' lookup rows are gone: one row per criterion and per rule of the current revision.
	for _, it := range items[:2] {
		var scores, hints int
		s.read.QueryRow(`SELECT count(*) FROM item_scores JOIN items USING (seq) WHERE items.id = ?`, it.ID).Scan(&scores)
		s.read.QueryRow(`SELECT count(*) FROM item_hints JOIN items USING (seq) WHERE items.id = ?`, it.ID).Scan(&hints)
		rec, _ := s.Item(ctx, it.ID)
		rules := map[string]bool{}
		for _, h := range rec.Hints {
			rules[h.Rule] = true
		}
		if scores != len(it.Scores) || hints != len(rules) {
			t.Errorf("%s after a new revision: %d criterion rows, %d hint rows; want %d and %d", it.ID, scores, hints,
				len(it.Scores), len(rules))
		}
	}
	page, err := s.Items(ctx, review.ItemFilter{Rule: "first_person"})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 || page.Items[0].ID != items[0].ID {
		t.Fatalf("rule filter: %+v", page)
	}
}

func TestImportDuplicateIDInOneFile(t *testing.T) {
	s, _ := openTest(t)
	im, err := s.BeginImport(context.Background(), "dup.jsonl", "jsonl", "t", review.Rubric{})
	if err != nil {
		t.Fatal(err)
	}
	defer im.Rollback()
	a, b := testItem(1, 5), testItem(1, 5)
	if _, err := im.Put(&a, nil, "v"); err != nil {
		t.Fatal(err)
	}
	_, err = im.Put(&b, nil, "v")
	var fe *review.FieldError
	if !errors.As(err, &fe) || fe.Field != "id" {
		t.Fatalf("second record with the same id: %v", err)
	}
}

func TestRollbackLeavesNothing(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	im, err := s.BeginImport(ctx, "x.jsonl", "jsonl", "t", review.Rubric{})
	if err != nil {
		t.Fatal(err)
	}
	it := testItem(1, 5)
	if _, err := im.Put(&it, nil, "v"); err != nil {
		t.Fatal(err)
	}
	if err := im.Rollback(); err != nil {
		t.Fatal(err)
	}
	counts, err := s.StatusCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for _, c := range counts {
		n += c
	}
	var imports int
	if err := s.read.QueryRow(`SELECT count(*) FROM imports`).Scan(&imports); err != nil {
		t.Fatal(err)
	}
	if n != 0 || imports != 0 {
		t.Fatalf("after rollback: %d items, %d imports", n, imports)
	}
}

func TestClaimLeasesAndConflicts(t *testing.T) {
	s, clk := openTest(t)
	ctx := context.Background()
	importItems(t, s, review.Rubric{}, testItem(1, 9), testItem(2, 8), testItem(3, 7))
	q := review.DefaultQueuePolicy()
	a, err := s.Claim(ctx, "sato", q, "")
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Claim(ctx, "sato", q, "")
	if err != nil || again.ID != a.ID {
		t.Fatalf("a second claim by the same reviewer should return the held item %s, got %v %v", a.ID, again, err)
	}
	b, err := s.Claim(ctx, "suzuki", q, "")
	if err != nil || b.ID == a.ID {
		t.Fatalf("two reviewers hold the same item %s (%v)", a.ID, err)
	}
	// suzuki cannot decide sato's item while the lease holds.
	d := review.Decision{ItemID: a.ID, Verdict: review.Accepted, Reviewer: "suzuki", Reasons: []string{}, StartedAt: clk.t, EndedAt: clk.t}
	if _, err := s.SaveDecision(ctx, d, a.Version); review.ErrorCode(err) != review.Conflict {
		t.Fatalf("decision on another's leased item: %v", err)
	}
	// After the lease expires, the item goes back to the queue.
	clk.advance(q.Lease + time.Second)
	c, err := s.Claim(ctx, "tanaka", q, "")
	if err != nil || c.ID != a.ID {
		t.Fatalf("expired lease: tanaka got %v (%v), want %s", c, err, a.ID)
	}
	// A decision on a stale version is refused with a message saying what happened.
	d = review.Decision{ItemID: c.ID, Verdict: review.Rejected, Reasons: []string{"vague"}, Reviewer: "tanaka", StartedAt: clk.t, EndedAt: clk.t}
	if _, err := s.SaveDecision(ctx, d, c.Version); err != nil {
		t.Fatal(err)
	}
	d.Reviewer = "sato"
	_, err = s.SaveDecision(ctx, d, a.Version)
	if review.ErrorCode(err) != review.Conflict {
		t.Fatalf("stale decision: %v", err)
	}
	if msg := review.ErrorMessage(err); !contains(msg, "tanaka marked it rejected") {
		t.Fatalf("conflict message does not say what happened: %q", msg)
	}
}

func TestUndoRestoresPreviousState(t *testing.T) {
	s, clk := openTest(t)
	ctx := context.Background()
	importItems(t, s, review.Rubric{}, testItem(1, 9), testItem(2, 8))
	q := review.DefaultQueuePolicy()
	rec, _ := s.Claim(ctx, "sato", q, "")
	d := review.Decision{ItemID: rec.ID, Verdict: review.Skipped, Reviewer: "sato", Reasons: []string{}, StartedAt: clk.t, EndedAt: clk.t}
	if _, err := s.SaveDecision(ctx, d, rec.Version); err != nil {
		t.Fatal(err)
	}
	rec, _ = s.Item(ctx, rec.ID)
	d = review.Decision{ItemID: rec.ID, Verdict: review.Edited, FinalText: "直した文。", Reviewer: "sato", Reasons: []string{}, StartedAt: clk.t, EndedAt: clk.t}
	if _, err := s.SaveDecision(ctx, d, rec.Version); err != nil {
		t.Fatal(err)
	}
	u, err := s.Undo(ctx, "sato", q.Lease)
	if err != nil || u.Verdict != review.Edited {
		t.Fatalf("undo: %+v %v", u, err)
	}
	rec, _ = s.Item(ctx, rec.ID)
	if rec.Status != review.Status(review.Skipped) || rec.Lease == nil || rec.Lease.Reviewer != "sato" {
		t.Fatalf("after undoing the edit, the item should be skipped again and leased to sato: %+v", rec)
	}
	if _, err := s.Undo(ctx, "sato", q.Lease); err != nil {
		t.Fatal(err)
	}
	rec, _ = s.Item(ctx, rec.ID)
	if rec.Status != review.Pending || rec.Decision != nil {
		t.Fatalf("after undoing both, the item should be pending: %+v", rec)
	}
	hist, err := s.History(ctx, rec.ID)
	if err != nil || len(hist) != 2 || hist[0].UndoneAt == nil || hist[1].UndoneAt == nil {
		t.Fatalf("history must keep undone decisions: %+v %v", hist, err)
	}
	if _, err := s.Undo(ctx, "sato", q.Lease); review.ErrorCode(err) != review.NotFound {
		t.Fatalf("undo with nothing left: %v", err)
	}
}

func TestSearch(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	a, b := testItem(1, 9), testItem(2, 8)
	a.Summary = "札幌で老人ホームと介護サービスを展開しています。"
	b.Summary = "Acme builds ERP software for Osaka retailers."
	importItems(t, s, review.Rubric{}, a, b)
	// Before the indexer ran, search scans; after, it uses the index: the answers must be the same.
	for _, indexed := range []bool{false, true} {
		if indexed {
			if n, left, err := s.IndexPending(ctx, 100); err != nil || n != 2 || left != 0 {
				t.Fatalf("index: %d indexed, %d left, %v", n, left, err)
			}
		}
		searchCases(t, s, a, b)
	}
}

func searchCases(t *testing.T, s *Store, a, b review.Item) {
	ctx := context.Background()
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"介護", []string{a.ID}},
		{"介護サービス", []string{a.ID}},
		{"護", []string{a.ID}},

		{"札幌 老人", []string{a.ID}},
		{"サービス展開", nil},
		{"erp", []string{b.ID}},
		{"OSAK", []string{b.ID}},
		{"テスト2", []string{b.ID}},
		{"\"", nil},
	} {
		t.Run(tc.q, func(t *testing.T) {
			page, err := s.Items(ctx, review.ItemFilter{Query: tc.q})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range page.Items {
				got = append(got, r.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) || page.Total != len(tc.want) {
				t.Fatalf("search %q: got %v (total %d), want %v", tc.q, got, page.Total, tc.want)
			}
		})
	}
}

// The writer does not checkpoint inside its commits; the background checkpointer copies the log into the database
// file, and what it copied reads back after a reopen.
func TestBackgroundCheckpoint(t *testing.T) {
	s, _ := openTest(t)
	var auto int
	if err := s.write.QueryRow("PRAGMA wal_autocheckpoint").Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("writer wal_autocheckpoint = %d, %v; want 0", auto, err)
	}
	items := make([]review.Item, 300)
	for i := range items {
		items[i] = testItem(i, 8)
	}
	importItems(t, s, review.Rubric{}, items...)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if c := s.lastCheckpoint.Load(); c != nil && c[0] > 0 && c[1] == c[0] {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no complete background checkpoint within 5 s: last %v", s.lastCheckpoint.Load())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The database file alone (the log set aside) now holds the items.
	path := s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.read.QueryRow("SELECT count(*) FROM items").Scan(&n); err != nil || n != 300 {
		t.Fatalf("items after reopen = %d, %v", n, err)
	}
}

// Undoing the review that followed a supervisor's reopening leaves the item open, as the reopening left it: it
// does not bring back the decision the reopening set aside.
func TestUndoAfterReopenKeepsTheItemOpen(t *testing.T) {
	s, clk := openTest(t)
	ctx := context.Background()
	importItems(t, s, review.Rubric{}, testItem(1, 9))
	q := review.DefaultQueuePolicy()
	decide := func(v review.Verdict, text string) {
		t.Helper()
		rec, err := s.Claim(ctx, "sato", q, "")
		if err != nil {
			t.Fatal(err)
		}
		d := review.Decision{ItemID: rec.ID, Verdict: v, FinalText: text, Reviewer: "sato", Reasons: []string{},
			StartedAt: clk.t, EndedAt: clk.t}
		if _, err := s.SaveDecision(ctx, d, rec.Version); err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Second)
	}
	decide(review.Accepted, testItem(1, 9).Summary)
	if err := s.Reopen(ctx, testItem(1, 9).ID, "boss"); err != nil {
		t.Fatal(err)
	}
	decide(review.Edited, "株式会社テスト1は、東京都のソフトウェア開発会社です。")
	if _, err := s.Undo(ctx, "sato", q.Lease); err != nil {
		t.Fatal(err)
	}
	rec, err := s.Item(ctx, testItem(1, 9).ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != review.Pending || rec.Decision != nil {
		t.Errorf("after undoing the review that followed a reopening: status %s, decision %+v; want pending with none", rec.Status, rec.Decision)
	}
	compareWithRebuild(t, s) // the dashboard's counts follow
}
