package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"reviewdesk/review"
)

// Job is long work (an import, an export, a rescore) that the UI polls.
type Job struct {
	ID       string     `json:"id"`
	Kind     string     `json:"kind"`
	State    string     `json:"state"` // running, done, failed, canceled
	Done     int64      `json:"done"`
	Total    int64      `json:"total"`
	Unit     string     `json:"unit"`
	Message  string     `json:"message,omitempty"`
	Error    string     `json:"error,omitempty"`
	Result   any        `json:"result,omitempty"`
	Started  time.Time  `json:"started"`
	Finished *time.Time `json:"finished,omitempty"`

	cancel context.CancelFunc
}

type jobs struct {
	mu   sync.Mutex
	byID map[string]*Job
}

func newJobs() *jobs { return &jobs{byID: map[string]*Job{}} }

// progressFunc reports how far a job is.
type progressFunc func(done, total int64, message string)

// startJob runs fn in the background and returns a snapshot of the job to poll.
func (s *Service) startJob(kind, unit string, fn func(ctx context.Context, progress progressFunc) (any, error)) Job {
	var b [8]byte
	rand.Read(b[:])
	ctx, cancel := context.WithCancel(context.Background())
	j := &Job{ID: hex.EncodeToString(b[:]), Kind: kind, State: "running", Unit: unit, Started: s.now(), cancel: cancel}
	s.jobs.mu.Lock()
	s.jobs.byID[j.ID] = j
	snapshot := *j
	s.jobs.mu.Unlock()
	go func() {
		defer cancel()
		res, err := fn(ctx, func(done, total int64, msg string) {
			s.jobs.mu.Lock()
			j.Done, j.Total, j.Message = done, total, msg
			s.jobs.mu.Unlock()
		})
		s.jobs.mu.Lock()
		defer s.jobs.mu.Unlock()
		now := s.now()
		j.Finished = &now
		j.Result = res
		switch {
		case err != nil && ctx.Err() != nil:
			j.State, j.Error = "canceled", "canceled"
		case err != nil:
			j.State, j.Error = "failed", review.ErrorMessage(err)
			if review.ErrorCode(err) == review.Internal {
				j.Error = err.Error()
			}
			s.log.Error("job failed", "kind", kind, "id", j.ID, "err", err)
		default:
			j.State = "done"
		}
	}()
	return snapshot
}

// Job returns a snapshot of a job.
func (s *Service) Job(id string) (Job, error) {
	s.jobs.mu.Lock()
	defer s.jobs.mu.Unlock()
	j, ok := s.jobs.byID[id]
	if !ok {
		return Job{}, review.Errorf(review.NotFound, "job %s not found", id)
	}
	return *j, nil
}

// CancelJob asks a running job to stop; work it already committed stays, work in flight is rolled back.
func (s *Service) CancelJob(id string) error {
	s.jobs.mu.Lock()
	defer s.jobs.mu.Unlock()
	j, ok := s.jobs.byID[id]
	if !ok {
		return review.Errorf(review.NotFound, "job %s not found", id)
	}
	j.cancel()
	return nil
}
