package app

import (
	"context"
	"runtime/debug"
	"time"
)

// RunIndexer builds the full-text search index in the background until ctx ends: imports only queue items for it,
// so that they stay fast. Each round indexes a small batch in its own short transaction, so reviewers' decisions
// are never held up for long.
func (s *Service) RunIndexer(ctx context.Context) {
	if n, err := s.st.IndexBacklog(ctx); err == nil {
		s.indexLeft.Store(int64(n))
	}
	select {
	case <-ctx.Done():
		return
	case <-time.After(3 * time.Second): // the first seconds after start belong to the first screen
	}
	for {
		n, left, err := s.st.IndexPending(ctx, s.indexBatch())
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.Error("search index", "err", err)
		}
		if n > 0 && left == 0 {
			// A backlog of a million items leaves garbage the runtime would return to the system only slowly; a
			// server idles in less memory when it is returned now.
			debug.FreeOSMemory()
		}
		s.indexLeft.Store(int64(left))
		wait := 10 * time.Millisecond
		switch {
		case n == 0 || err != nil:
			wait = 2 * time.Second
		case !s.busy():
			wait = time.Millisecond
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// indexBatch is how many items one indexing transaction takes. While people decide, small batches keep the writer
// free for them: a claim or decision waits at most for one batch (some 20 ms). While nobody has written for a
// couple of seconds, larger batches (some 100 ms) build the index about twice as fast.
func (s *Service) indexBatch() int {
	if s.busy() {
		return 100
	}
	return 500
}

// busy says whether the API took a state-changing request in the last two seconds.
func (s *Service) busy() bool {
	return time.Since(time.Unix(0, s.lastWrite.Load())) < 2*time.Second
}
