package app

import (
	"context"
	"time"

	"reviewdesk/review"
	"reviewdesk/store"
)

// Stats is the overview `reviewdesk stats` prints and the dashboard starts from.
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
	st := Stats{Generated: s.now().UTC()}
	var err error
	if st.ByStatus, err = s.st.StatusCounts(ctx); err != nil {
		return st, err
	}
	approved := 0
	for status, n := range st.ByStatus {
		st.Total += n
		if status.Open() {
			st.Open += n
		}
		if review.Verdict(status).Reviewed() {
			st.Reviewed += n
		}
		if review.Verdict(status).Approved() {
			approved += n
		}
	}
	st.Yield = ratio(approved, st.Reviewed)
	bands, err := s.st.BandStatusCounts(ctx)
	if err != nil {
		return st, err
	}
	max := s.Project().Rubric.MaxScore
	for _, b := range bands {
		if n := len(st.Bands); n == 0 || st.Bands[n-1].Band != b.Band {
			lo, hi := review.BandRange(b.Band, max)
			st.Bands = append(st.Bands, BandStats{Band: b.Band, Lo: lo, Hi: hi})
		}
		bs := &st.Bands[len(st.Bands)-1]
		bs.Items += b.Count
		if review.Verdict(b.Status).Reviewed() {
			bs.Reviewed += b.Count
		}
		if review.Verdict(b.Status).Approved() {
			bs.Approved += b.Count
		}
	}
	for i := range st.Bands {
		st.Bands[i].Yield = ratio(st.Bands[i].Approved, st.Bands[i].Reviewed)
	}
	if st.Reviewers, err = s.st.Activity(ctx, "", time.Time{}, s.now().Add(time.Hour)); err != nil {
		return st, err
	}
	return st, nil
}
