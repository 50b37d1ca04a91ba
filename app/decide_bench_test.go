package app

import (
	"context"
	"testing"
	"time"

	"reviewdesk/review"
)

// BenchmarkClaimDecide is one reviewer's loop without HTTP: claim the next item, accept it.
func BenchmarkClaimDecide(b *testing.B) {
	svc := testService(b, 20000)
	ctx := context.Background()
	who := Identity{User: "sato", Role: review.RoleReviewer}
	for b.Loop() {
		rec, err := svc.Claim(ctx, who.User, "")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.Decide(ctx, who, rec.ID, review.Submission{Verdict: review.Accepted, Version: rec.Version,
			StartedAt: time.Now().Add(-10 * time.Second)}); err != nil {
			b.Fatal(err)
		}
	}
}
