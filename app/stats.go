package app

import (
	"context"
	"time"

	"reviewdesk/review"
	"reviewdesk/store"
)

// Stats is the short overview of GET /api/stats: counts by status, yield by judge-score band (by item status, so
// outdated decisions count here but not on the dashboard) and each reviewer's decisions. It reads the dashboard's
// pre-aggregated counts, so it stays fast on a million items; Dashboard has every number with its interval.
type Stats struct {
	Total     int                      `json:"total"`
	ByStatus  map[review.Status]int    `json:"by_status"`
	Open      int                      `json:"open"`
	Reviewed  int                      `json:"reviewed"`
	Yield     *float64                 `json:"yield"`
	Bands     []BandStats              `json:"bands"`
	Reviewers []store.ReviewerActivity `json:"reviewers"`
	Generated time.Time                `json:"generated_at"`
}

// BandStats is one judge-score band.
type BandStats struct {
	Band     int      `json:"band"`
	Lo       float64  `json:"lo"`
	Hi       float64  `json:"hi"`
	Items    int      `json:"items"`
	Reviewed int      `json:"reviewed"`
	Approved int      `json:"approved"`
	Yield    *float64 `json:"yield"`
}

func ratio(a, b int) *float64 {
	if b == 0 {
		return nil
	}
	r := float64(a) / float64(b)
	return &r
}

// Stats counts items by status and band and sums up each reviewer's work.
func (s *Service) Stats(ctx context.Context) (Stats, error) {
	st := Stats{Generated: s.now().UTC(), ByStatus: map[review.Status]int{}, Bands: []BandStats{},
		Reviewers: []store.ReviewerActivity{}}
	c, err := s.st.DashboardCounts(ctx, store.DashboardFilter{})
	if err != nil {
		return st, err
	}
	for _, status := range review.Statuses {
		st.ByStatus[status] = 0
	}
	approved := 0
	max := s.Project().Rubric.MaxScore
	for _, b := range c.Population {
		st.Total += b.Count
		st.ByStatus[b.Status] += b.Count
		if b.Status.Open() {
			st.Open += b.Count
		}
		if n := len(st.Bands); n == 0 || st.Bands[n-1].Band != b.Band {
			lo, hi := review.BandRange(b.Band, max)
			st.Bands = append(st.Bands, BandStats{Band: b.Band, Lo: lo, Hi: hi})
		}
		bs := &st.Bands[len(st.Bands)-1]
		bs.Items += b.Count
		if review.Verdict(b.Status).Reviewed() {
			bs.Reviewed += b.Count
			st.Reviewed += b.Count
		}
		if review.Verdict(b.Status).Approved() {
			bs.Approved += b.Count
			approved += b.Count
		}
	}
	st.Yield = ratio(approved, st.Reviewed)
	for i := range st.Bands {
		st.Bands[i].Yield = ratio(st.Bands[i].Approved, st.Bands[i].Reviewed)
	}
	for _, rc := range c.Reviewers {
		if n := len(st.Reviewers); n == 0 || st.Reviewers[n-1].Reviewer != rc.Reviewer {
			st.Reviewers = append(st.Reviewers, store.ReviewerActivity{Reviewer: rc.Reviewer})
		}
		a := &st.Reviewers[len(st.Reviewers)-1]
		a.Decisions += rc.N
		a.Seconds += float64(rc.Ms) / 1000
		if rc.Verdict.Reviewed() {
			a.Reviewed += rc.N
		}
		if rc.Verdict == review.Skipped {
			a.Skipped += rc.N
		}
	}
	return st, nil
}
