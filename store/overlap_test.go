package store

import (
	"context"
	"testing"

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
