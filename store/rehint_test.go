package store

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"reviewdesk/review"
)

// rehintRules flags ソフトウェア, which every test item's summary has, and nothing the default rules flag.
func rehintRules(t *testing.T) *review.RuleSet {
	t.Helper()
	rs, err := review.ParseRules([]byte(`{"rules": [{"id": "software", "kind": "words", "severity": "low",
		"reason": "other", "message": {"ja": "ソフトウェア", "en": "Software"}, "words": ["ソフトウェア"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// rehintAll runs the store's side of a re-hint pass as app.Service.Rehint does, in batches of two.
func rehintAll(t *testing.T, s *Store, rs *review.RuleSet) RehintCounts {
	t.Helper()
	ctx := context.Background()
	var c RehintCounts
	for after := int64(0); ; {
		items, err := s.StaleHints(ctx, rs.Version, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) == 0 {
			return c
		}
		after = items[len(items)-1].Seq
		bc, err := s.PutHints(ctx, rs.Version, checked(rs, items))
		if err != nil {
			t.Fatal(err)
		}
		c.Add(bc)
	}
}

func checked(rs *review.RuleSet, items []StaleItem) []Rehinted {
	out := make([]Rehinted, len(items))
	for i := range items {
		out[i] = Rehinted{StaleItem: items[i], Hints: rs.CheckItem(&items[i].Item)}
	}
	return out
}

// stored is what the database holds about one item's hints.
type stored struct {
	hints        string
	count        int
	rulesVersion string
	lookup       []string // item_hints rules
}

func storedHints(t *testing.T, s *Store, id string) stored {
	t.Helper()
	var st stored
	var seq int64
	if err := s.read.QueryRow(`SELECT seq, hints, hint_count, rules_version FROM items WHERE id = ?`, id).
		Scan(&seq, &st.hints, &st.count, &st.rulesVersion); err != nil {
		t.Fatal(err)
	}
	rows, err := s.read.Query(`SELECT rule FROM item_hints WHERE seq = ? AND score = (SELECT score FROM items WHERE seq = ?)
		ORDER BY rule`, seq, seq)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var r string
		rows.Scan(&r)
		st.lookup = append(st.lookup, r)
	}
	var all int
	s.read.QueryRow(`SELECT count(*) FROM item_hints WHERE seq = ?`, seq).Scan(&all)
	if all != len(st.lookup) {
		t.Fatalf("%s: %d item_hints rows, %d of them with the item's score", id, all, len(st.lookup))
	}
	return st
}

func idsWithRule(t *testing.T, s *Store, rule string) []string {
	t.Helper()
	page, err := s.Items(context.Background(), review.ItemFilter{Rule: rule, Sort: review.SortID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range page.Items {
		ids = append(ids, r.ID)
	}
	return ids
}

func rulesFired(t *testing.T, s *Store) map[string]int {
	t.Helper()
	c, err := s.DashboardCounts(context.Background(), DashboardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, f := range c.RulesFired {
		out[f.Name] = f.Count
	}
	return out
}

// TestRehint changes the rules under items in every state and re-hints: open items get the new rules' hints in
// every place that stores them (items, item_hints, the dashboard's counts, equal to a rebuild), decided ones keep
// theirs, an item a reviewer holds waits for its lease, and decisions record the version of the hints stored.
func TestRehint(t *testing.T) {
	s, clk := openZoned(t)
	ctx := context.Background()
	items := []review.Item{handItem(0, "a", 8, true), handItem(1, "a", 7, true), handItem(2, "b", 6, true),
		handItem(3, "b", 5, false), handItem(4, "a", 9, false), handItem(5, "b", 4, false)}
	importItems(t, s, review.Rubric{MaxScore: 10}, items...)
	old := review.DefaultRules()
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, jst)
	decide(t, s, items[0].ID, "sato", review.Accepted, at, 30, "", nil)  // decided, with a first_person hint
	decide(t, s, items[3].ID, "sato", review.Rejected, at, 20, "", nil)  // decided, without hints
	decide(t, s, items[1].ID, "suzuki", review.Skipped, at, 10, "", nil) // skipped: still open
	clk.t = at.Add(time.Minute)
	// tanaka holds item 4 and is looking at its hints
	if _, err := s.write.Exec(`UPDATE items SET lease_by = 'tanaka', lease_until = ? WHERE id = ?`,
		millis(clk.t.Add(30*time.Minute)), items[4].ID); err != nil {
		t.Fatal(err)
	}
	decided := map[string]stored{items[0].ID: storedHints(t, s, items[0].ID), items[3].ID: storedHints(t, s, items[3].ID)}
	if got := idsWithRule(t, s, "first_person"); !slices.Equal(got, []string{items[0].ID, items[1].ID, items[2].ID}) {
		t.Fatalf("before: first_person items %v", got)
	}

	rs := rehintRules(t)
	if n, err := s.CountStaleHints(ctx, rs.Version); err != nil || n != 4 {
		t.Fatalf("CountStaleHints = %d, %v; want the 4 open items", n, err)
	}
	c := rehintAll(t, s, rs)
	if c.Updated != 3 || c.Held != 1 || c.Changed != 0 || !slices.Equal(c.HeldSeqs, []int64{5}) {
		t.Fatalf("counts %+v; want 3 updated (items 1, 2, 5), item 4 (seq 5) held", c)
	}

	check := func(id string, wantRules []string, wantVersion string) {
		t.Helper()
		st := storedHints(t, s, id)
		var hints []review.Hint
		if err := json.Unmarshal([]byte(st.hints), &hints); err != nil {
			t.Fatal(err)
		}
		var rules []string
		for _, h := range hints {
			if !slices.Contains(rules, h.Rule) {
				rules = append(rules, h.Rule)
			}
		}
		slices.Sort(rules)
		if st.rulesVersion != wantVersion || st.count != len(hints) || !slices.Equal(rules, wantRules) ||
			!slices.Equal(st.lookup, wantRules) {
			t.Errorf("%s: version %s, hint_count %d of %d hints, rules %v, item_hints %v; want version %s, rules %v",
				id, st.rulesVersion, st.count, len(hints), rules, st.lookup, wantVersion, wantRules)
		}
	}
	for _, i := range []int{1, 2, 5} {
		check(items[i].ID, []string{"software"}, rs.Version)
	}
	check(items[4].ID, nil, old.Version) // held: as imported
	for id, before := range decided {
		if after := storedHints(t, s, id); after.hints != before.hints || after.rulesVersion != old.Version ||
			!slices.Equal(after.lookup, before.lookup) {
			t.Errorf("decided item %s changed: %+v, was %+v", id, after, before)
		}
	}
	if got := idsWithRule(t, s, "first_person"); !slices.Equal(got, []string{items[0].ID}) {
		t.Errorf("after: first_person items %v; want only the decided one", got)
	}
	if got := idsWithRule(t, s, "software"); !slices.Equal(got, []string{items[1].ID, items[2].ID, items[5].ID}) {
		t.Errorf("after: software items %v", got)
	}
	if got := rulesFired(t, s); got["first_person"] != 1 || got["software"] != 3 || len(got) != 2 {
		t.Errorf("dashboard rules fired %v; want first_person 1 (decided), software 3", got)
	}
	compareWithRebuild(t, s)

	// A second pass finds only the held item; once its lease runs out, it is re-hinted too.
	if again := rehintAll(t, s, rs); again.Updated != 0 || again.Held != 1 {
		t.Errorf("second pass %+v; want the held item only", again)
	}
	clk.t = clk.t.Add(31 * time.Minute)
	stale, err := s.StaleHintsAt(ctx, rs.Version, c.HeldSeqs)
	if err != nil || len(stale) != 1 || stale[0].Item.ID != items[4].ID {
		t.Fatalf("StaleHintsAt = %v, %v", stale, err)
	}
	if c, err := s.PutHints(ctx, rs.Version, checked(rs, stale)); err != nil || c.Updated != 1 {
		t.Fatalf("PutHints after the lease = %+v, %v", c, err)
	}
	check(items[4].ID, []string{"software"}, rs.Version)
	if n, _ := s.CountStaleHints(ctx, rs.Version); n != 0 {
		t.Errorf("%d stale items left", n)
	}
	compareWithRebuild(t, s)

	// An item decided between the read and the write keeps the hints its reviewer saw.
	if _, err := s.write.Exec(`UPDATE items SET rules_version = 'older' WHERE id = ?`, items[2].ID); err != nil {
		t.Fatal(err)
	}
	stale, err = s.StaleHints(ctx, rs.Version, 0, 10)
	if err != nil || len(stale) != 1 {
		t.Fatalf("StaleHints = %v, %v", stale, err)
	}
	d := decide(t, s, items[2].ID, "suzuki", review.Accepted, clk.t, 15, "", nil)
	if c, err := s.PutHints(ctx, rs.Version, checked(rs, stale)); err != nil || c.Changed != 1 || c.Updated != 0 ||
		!slices.Equal(c.ChangedSeqs, []int64{stale[0].Seq}) {
		t.Fatalf("PutHints on a decided item = %+v, %v; want it changed, with its seq %d", c, err, stale[0].Seq)
	}
	// Decided, it is no longer stale: a pass that tries the changed item again finds nothing to do.
	if again, err := s.StaleHintsAt(ctx, rs.Version, []int64{stale[0].Seq}); err != nil || len(again) != 0 {
		t.Fatalf("StaleHintsAt on the decided item = %v, %v; want nothing", again, err)
	}
	// The decision records the version of the hints stored for the item, with the rules shown from the same row.
	var version, shown string
	if err := s.read.QueryRow(`SELECT rules_version, rules FROM decisions WHERE id = ?`, d.ID).Scan(&version, &shown); err != nil {
		t.Fatal(err)
	}
	if version != "older" || shown != `["software"]` || d.RulesVersion != "older" {
		t.Errorf("decision recorded rules version %q (returned %q) with rules %s; want the item's stored \"older\", [\"software\"]",
			version, d.RulesVersion, shown)
	}
	compareWithRebuild(t, s)
}
