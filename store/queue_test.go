package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"reviewdesk/review"
)

// claimAndDecide claims the next item under policy and decides it with verdict; it returns the item's id.
func claimAndDecide(t *testing.T, s *Store, clk *clock, reviewer string, policy review.QueuePolicy, v review.Verdict) *review.Record {
	t.Helper()
	ctx := context.Background()
	rec, err := s.Claim(ctx, reviewer, policy, "")
	if err != nil {
		t.Fatalf("claim: %v", err)
	}
	d := review.Decision{ItemID: rec.ID, Verdict: v, FinalText: rec.Summary, Reviewer: reviewer, Reasons: []string{},
		StartedAt: clk.t, EndedAt: clk.t}
	if v == review.Rejected {
		d.Reasons = []string{"vague"}
	}
	if _, err := s.SaveDecision(ctx, d, rec.Version); err != nil {
		t.Fatalf("decide %s: %v", rec.ID, err)
	}
	clk.advance(time.Second)
	return rec
}

// The queue serves pending items in the policy's order, and skipped items only once no pending item is left.
func TestQueueOrders(t *testing.T) {
	hinted := func(i int, score float64, summary string) review.Item {
		it := testItem(i, score)
		it.Summary = summary
		return it
	}
	items := []review.Item{
		testItem(1, 9),
		hinted(2, 5, "我々は東京都で業務用ソフトウェアを開発しています。"),             // first person
		hinted(3, 7, "我々は東京都でユニークな業務用ソフトウェアを開発する業界トップの企業です！"), // four rules
		testItem(4, 3),
		hinted(5, 8, "株式会社テスト5は、様々なソフトウェアを開発しています。"), // vague
	}
	t.Run("score", func(t *testing.T) {
		s, clk := openTest(t)
		importItems(t, s, review.Rubric{}, items...)
		var got []string
		for range items {
			got = append(got, claimAndDecide(t, s, clk, "sato", review.DefaultQueuePolicy(), review.Accepted).ID)
		}
		want := []string{items[0].ID, items[4].ID, items[2].ID, items[1].ID, items[3].ID} // 9, 8, 7, 5, 3
		if !slices.Equal(got, want) {
			t.Errorf("by score: %v, want %v", got, want)
		}
	})
	t.Run("hints", func(t *testing.T) {
		s, clk := openTest(t)
		importItems(t, s, review.Rubric{}, items...)
		policy := review.QueuePolicy{Order: review.ByHints, Lease: time.Minute}
		var got []string
		var counts []int
		for range items {
			rec := claimAndDecide(t, s, clk, "sato", policy, review.Accepted)
			got = append(got, rec.ID)
			counts = append(counts, len(rec.Hints))
		}
		for i := 1; i < len(counts); i++ {
			if counts[i] > counts[i-1] {
				t.Fatalf("by hints: hint counts %v in serving order %v, want most hints first", counts, got)
			}
		}
		if got[0] != items[2].ID || counts[len(counts)-1] != 0 {
			t.Errorf("by hints: served %v with hint counts %v; want %s (most hints) first and clean items last", got, counts, items[2].ID)
		}
	})
	t.Run("skipped come back last", func(t *testing.T) {
		s, clk := openTest(t)
		importItems(t, s, review.Rubric{}, items...)
		q := review.DefaultQueuePolicy()
		first := claimAndDecide(t, s, clk, "sato", q, review.Skipped)
		var got []string
		for range len(items) - 1 {
			got = append(got, claimAndDecide(t, s, clk, "sato", q, review.Accepted).ID)
		}
		for _, id := range got {
			if id == first.ID {
				t.Fatalf("the skipped item %s came back before the pending ones: %v", first.ID, got)
			}
		}
		again := claimAndDecide(t, s, clk, "sato", q, review.Accepted)
		if again.ID != first.ID {
			t.Errorf("after the pending items, got %s, want the skipped %s", again.ID, first.ID)
		}
		if _, err := s.Claim(context.Background(), "sato", q, ""); review.ErrorCode(err) != review.NotFound {
			t.Errorf("claim on an empty queue: %v, want not found", err)
		}
	})
}

// A stratified queue draws from the band with the fewest reviews, lowest band first, so every band's yield becomes
// measurable: after n claims over b bands with enough items, each band has n/b reviews.
func TestQueueStratified(t *testing.T) {
	s, clk := openTest(t)
	var items []review.Item
	for i := range 40 {
		items = append(items, testItem(i, float64(i%4)*3)) // scores 0, 3, 6, 9: four bands of ten
	}
	importItems(t, s, review.Rubric{}, items...)
	policy := review.QueuePolicy{Order: review.Stratified, Lease: time.Minute}
	perBand := map[int]int{}
	for range 12 {
		rec := claimAndDecide(t, s, clk, "sato", policy, review.Accepted)
		perBand[review.Band(rec.Score, rec.MaxScore)]++
	}
	if len(perBand) != 4 {
		t.Fatalf("12 stratified claims drew from bands %v, want all four", perBand)
	}
	for band, n := range perBand {
		if n != 3 {
			t.Errorf("band %d got %d reviews of 12, want 3 each: %v", band, n, perBand)
		}
	}
}
