package app

import (
	"context"
	"time"
)

// RunIndexer builds the full-text search index in the background until ctx ends: imports only queue items for it,
// so that they stay fast. Each round indexes a small batch in its own short transaction, so reviewers' decisions
// are never held up for long.
func (s *Service) RunIndexer(ctx context.Context) {
	const batch = 500
	for {
		n, left, err := s.st.IndexPending(ctx, batch)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.Error("search index", "err", err)
		}
		s.indexLeft.Store(int64(left))
		wait := 10 * time.Millisecond
		if n == 0 || err != nil {
			wait = 2 * time.Second
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}
