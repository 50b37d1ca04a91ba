package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"reviewdesk/review"
)

func TestDoubleReview(t *testing.T) {
	s, clk := openTest(t)
	ctx := context.Background()
	importItems(t, s, review.Rubric{}, testItem(1, 9), testItem(2, 8))
	if err := s.PutSetting(ctx, "boss", "overlap", 1.0); err != nil {
		t.Fatal(err)
	}
	q := review.DefaultQueuePolicy()
	decide := func(who string, rec *review.Record, v review.Verdict, reasons ...string) {
		t.Helper()
		if reasons == nil {
			reasons = []string{}
		}
		d := review.Decision{ItemID: rec.ID, Verdict: v, Reviewer: who, Reasons: reasons, StartedAt: clk.t, EndedAt: clk.t}
		if _, err := s.SaveDecision(ctx, d, rec.Version); err != nil {
			t.Fatal(err)
		}
	}
	state := func(id string) *review.Record {
		t.Helper()
		rec, err := s.Item(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}

	first, _ := s.Claim(ctx, "sato", q, "")
	decide("sato", first, review.Accepted)
	if got := state(first.ID); got.Overlap != review.AwaitingSecond || got.Status != review.Status(review.Accepted) {
		t.Fatalf("after the first review: overlap %d status %s", got.Overlap, got.Status)
	}
	// sato never gets the item again; suzuki gets it before any pending item.
	if next, _ := s.Claim(ctx, "sato", q, ""); next.ID == first.ID {
		t.Fatal("the first reviewer was served their own item for the second review")
	}
	second, err := s.Claim(ctx, "suzuki", q, "")
	if err != nil || second.ID != first.ID {
		t.Fatalf("suzuki should get the second review of %s, got %v %v", first.ID, second, err)
	}
	decide("suzuki", second, review.Rejected, "vague")
	if got := state(first.ID); got.Overlap != review.InDispute || got.Status != review.Disputed || got.Decision != nil {
		t.Fatalf("disagreement: overlap %d status %s decision %+v", got.Overlap, got.Status, got.Decision)
	}
	// Undo puts the item back to waiting for the second review, with the first decision current.
	if _, err := s.Undo(ctx, "suzuki", q.Lease); err != nil {
		t.Fatal(err)
	}
	got := state(first.ID)
	if got.Overlap != review.AwaitingSecond || got.Status != review.Status(review.Accepted) || got.Decision == nil || got.Decision.Reviewer != "sato" {
		t.Fatalf("after undoing the second review: overlap %d status %s decision %+v", got.Overlap, got.Status, got.Decision)
	}
	decide("suzuki", got, review.Edited)
	if got := state(first.ID); got.Overlap != review.Agreed || got.Status != review.Status(review.Edited) || got.Decision.Reviewer != "suzuki" {
		t.Fatalf("agreement: overlap %d status %s", got.Overlap, got.Status)
	}

	// A dispute goes to a supervisor, whose decision ends it.
	other, _ := s.Claim(ctx, "sato", q, "")
	decide("sato", other, review.Rejected, "slogan")
	other, _ = s.Claim(ctx, "suzuki", q, "")
	decide("suzuki", other, review.Accepted)
	page, err := s.Items(ctx, review.ItemFilter{Status: []review.Status{review.Disputed}})
	if err != nil || page.Total != 1 {
		t.Fatalf("disputed items: %+v %v", page, err)
	}
	decide("boss", state(other.ID), review.Accepted)
	if got := state(other.ID); got.Overlap != review.Adjudicated || got.Status != review.Status(review.Accepted) || got.Decision.Reviewer != "boss" {
		t.Fatalf("adjudication: overlap %d status %s", got.Overlap, got.Status)
	}
}

func TestSkipOfSecondReviewKeepsFirst(t *testing.T) {
	s, clk := openTest(t)
	ctx := context.Background()
	importItems(t, s, review.Rubric{}, testItem(1, 9))
	if err := s.PutSetting(ctx, "boss", "overlap", 1.0); err != nil {
		t.Fatal(err)
	}
	q := review.DefaultQueuePolicy()
	rec, _ := s.Claim(ctx, "sato", q, "")
	d := review.Decision{ItemID: rec.ID, Verdict: review.Accepted, Reviewer: "sato", Reasons: []string{}, StartedAt: clk.t, EndedAt: clk.t}
	if _, err := s.SaveDecision(ctx, d, rec.Version); err != nil {
		t.Fatal(err)
	}
	rec, _ = s.Claim(ctx, "suzuki", q, "")
	d = review.Decision{ItemID: rec.ID, Verdict: review.Skipped, Reviewer: "suzuki", Reasons: []string{}, StartedAt: clk.t, EndedAt: clk.t}
	if _, err := s.SaveDecision(ctx, d, rec.Version); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Item(ctx, rec.ID)
	if got.Overlap != review.AwaitingSecond || got.Status != review.Status(review.Accepted) || got.Decision.Reviewer != "sato" {
		t.Fatalf("a skipped second review must leave the first review current: %+v", got)
	}
	if _, err := s.Claim(ctx, "suzuki", q, ""); review.ErrorCode(err) != review.NotFound {
		t.Fatalf("suzuki skipped the only item; the queue should be empty for them: %v", err)
	}
	if _, err := s.Undo(ctx, "suzuki", q.Lease); err != nil {
		t.Fatal(err)
	}
	if again, err := s.Claim(ctx, "suzuki", q, ""); err != nil || again.ID != rec.ID {
		t.Fatalf("after undoing the skip suzuki holds the item again: %v %v", again, err)
	}
}

// TestListHidesFirstReviews checks that a list for a reviewer matches an item waiting for their blind second review as
// they see it, undecided, so that no filter and no total tells them the first verdict or who gave it; a list for the
// first reviewer or a supervisor matches it as decided.
func TestListHidesFirstReviews(t *testing.T) {
	s, clk := openTest(t)
	ctx := context.Background()
	single, awaiting, pending := testItem(1, 9), testItem(2, 8), testItem(3, 7)
	importItems(t, s, review.Rubric{}, single, awaiting, pending)
	decide := func(id string, v review.Verdict) {
		t.Helper()
		rec, err := s.Item(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		d := review.Decision{ItemID: id, Verdict: v, Reviewer: "sato", Reasons: []string{}, StartedAt: clk.t, EndedAt: clk.t}
		if _, err := s.SaveDecision(ctx, d, rec.Version); err != nil {
			t.Fatal(err)
		}
	}
	decide(single.ID, review.Accepted)
	if err := s.PutSetting(ctx, "boss", "overlap", 1.0); err != nil {
		t.Fatal(err)
	}
	decide(awaiting.ID, review.Accepted)
	// A new revision of both decided items flags them changed.
	single.Summary, awaiting.Summary = single.Summary+"（改訂）", awaiting.Summary+"（改訂）"
	importItems(t, s, review.Rubric{}, single, awaiting)
	if rec, _ := s.Item(ctx, awaiting.ID); rec.Overlap != review.AwaitingSecond || !rec.Changed {
		t.Fatalf("setup: %s should await its second review, changed: %+v", awaiting.ID, rec)
	}

	accepted, pend := []review.Status{review.Status(review.Accepted)}, []review.Status{review.Pending}
	verdicts := []review.Status{review.Status(review.Accepted), review.Status(review.Edited), review.Status(review.Rejected)}
	tests := []struct {
		name string
		f    review.ItemFilter
		want []string
	}{
		{"suzuki: accepted", review.ItemFilter{Status: accepted, BlindTo: "suzuki"}, []string{single.ID}},
		{"suzuki: any verdict", review.ItemFilter{Status: verdicts, BlindTo: "suzuki"}, []string{single.ID}},
		{"suzuki: pending", review.ItemFilter{Status: pend, BlindTo: "suzuki"}, []string{awaiting.ID, pending.ID}},
		{"suzuki: pending or accepted", review.ItemFilter{Status: append(pend, accepted...), BlindTo: "suzuki"},
			[]string{single.ID, awaiting.ID, pending.ID}},
		{"suzuki: sato's", review.ItemFilter{Reviewer: "sato", BlindTo: "suzuki"}, []string{single.ID}},
		{"suzuki: sato's in import order", review.ItemFilter{Reviewer: "sato", Sort: review.SortImported, BlindTo: "suzuki"},
			[]string{single.ID}},
		{"suzuki: sato's accepted by text", review.ItemFilter{Reviewer: "sato", Status: accepted, Query: "ソフトウェア",
			BlindTo: "suzuki"}, []string{single.ID}},
		{"suzuki: changed", review.ItemFilter{Changed: true, BlindTo: "suzuki"}, []string{single.ID}},
		{"suzuki: changed, pending", review.ItemFilter{Changed: true, Status: pend, BlindTo: "suzuki"}, nil},
		{"sato: accepted", review.ItemFilter{Status: accepted, BlindTo: "sato"}, []string{single.ID, awaiting.ID}},
		{"sato: pending", review.ItemFilter{Status: pend, BlindTo: "sato"}, []string{pending.ID}},
		{"sato: own", review.ItemFilter{Reviewer: "sato", BlindTo: "sato"}, []string{single.ID, awaiting.ID}},
		{"sato: changed", review.ItemFilter{Changed: true, BlindTo: "sato"}, []string{single.ID, awaiting.ID}},
		{"supervisor: accepted", review.ItemFilter{Status: accepted}, []string{single.ID, awaiting.ID}},
		{"supervisor: pending", review.ItemFilter{Status: pend}, []string{pending.ID}},
		{"supervisor: sato's", review.ItemFilter{Reviewer: "sato"}, []string{single.ID, awaiting.ID}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page, err := s.Items(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, r := range page.Items {
				got = append(got, r.ID)
			}
			slices.Sort(got)
			if want := append([]string{}, tc.want...); !slices.Equal(got, want) || page.Total != len(want) {
				t.Fatalf("items %v (total %d), want %v", got, page.Total, want)
			}
		})
	}
}

// TestConflictsHideFirstReviews checks that the conflicts a second reviewer runs into on an item waiting for their
// blind review, a stale version or an undo, do not say the first verdict or who gave it.
func TestConflictsHideFirstReviews(t *testing.T) {
	s, clk := openTest(t)
	ctx := context.Background()
	item := testItem(1, 9)
	importItems(t, s, review.Rubric{}, item)
	if err := s.PutSetting(ctx, "boss", "overlap", 1.0); err != nil {
		t.Fatal(err)
	}
	save := func(who string, v review.Verdict, version int64) error {
		d := review.Decision{ItemID: item.ID, Verdict: v, Reviewer: who, Reasons: []string{}, StartedAt: clk.t, EndedAt: clk.t}
		_, err := s.SaveDecision(ctx, d, version)
		return err
	}
	rec, _ := s.Item(ctx, item.ID)
	if err := save("suzuki", review.Skipped, rec.Version); err != nil {
		t.Fatal(err)
	}
	opened, _ := s.Item(ctx, item.ID) // suzuki opens the item again, then sato reviews it first
	if err := save("sato", review.Accepted, opened.Version); err != nil {
		t.Fatal(err)
	}
	leaks := func(err error) bool {
		return err == nil || strings.Contains(err.Error(), "sato") || strings.Contains(err.Error(), "accepted")
	}
	if err := save("suzuki", review.Rejected, opened.Version); review.ErrorCode(err) != review.Conflict || leaks(err) {
		t.Errorf("a decision on the version suzuki opened: %v; want a conflict without the first review", err)
	}
	if _, err := s.Undo(ctx, "suzuki", time.Minute); review.ErrorCode(err) != review.Conflict || leaks(err) {
		t.Errorf("suzuki undoing the skip: %v; want a conflict without the first review", err)
	}
	if err := save("sato", review.Rejected, opened.Version); err == nil || !strings.Contains(err.Error(), "sato marked it accepted") {
		t.Errorf("the first reviewer's own conflict should still say what happened: %v", err)
	}
}
