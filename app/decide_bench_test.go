package app

import (
	"context"
	"slices"
	"testing"
	"time"

	"reviewdesk/review"
)

// BenchmarkClaimDecide is one reviewer's loop without HTTP: claim the next item, accept it. It reports the p50
// and p99 of the pair as well as the mean: the tail is what a reviewer feels.
func BenchmarkClaimDecide(b *testing.B) {
	svc := testService(b, 20000)
	ctx := context.Background()
	who := Identity{User: "sato", Role: review.RoleReviewer}
	var lat []time.Duration
	for b.Loop() {
		t0 := time.Now()
		rec, err := svc.Claim(ctx, who.User, "")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.Decide(ctx, who, rec.ID, review.Submission{Verdict: review.Accepted, Version: rec.Version,
			StartedAt: time.Now().Add(-10 * time.Second)}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2])/1e6, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100])/1e6, "p99-ms")
}
