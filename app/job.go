package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"time"

	"reviewdesk/review"
)

// Job is long work (an import, an export, a rescore) that the UI polls.
type Job struct {
	ID    string `json:"id"`
	Kind  string `json:"kind"`
	State string `json:"state"` // running, done, failed, canceled
	Done  int64  `json:"done"`
	Total int64  `json:"total"`
	Unit  string `json:"unit"`
	// Step is what the job is doing, as a code and counts the UI words in its own language; Message is the same in
	// English, as the CLI prints it.
	Step    *Step  `json:"step,omitempty"`
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`
	// Code is the error code of a failed job (invalid, conflict, ...), for the UI to explain Error in its language.
	Code     string     `json:"code,omitempty"`
	Result   any        `json:"result,omitempty"`
	Started  time.Time  `json:"started"`
	Finished *time.Time `json:"finished,omitempty"`

	cancel context.CancelFunc
}

type jobs struct {
	mu   sync.Mutex
	byID map[string]*Job
	// temp is the temporary directory of each job that writes one (an export to download), by job id.
	temp map[string]string
}

func newJobs() *jobs { return &jobs{byID: map[string]*Job{}, temp: map[string]string{}} }

// downloadTTL is how long a finished export waits in its temporary directory to be downloaded.
const downloadTTL = 24 * time.Hour

// progressFunc reports how far a job is.
type progressFunc func(done, total int64, message string)

// Step codes: what a job is doing.
const (
	StepImportFile      = "import.file"      // File: Added, Unchanged, Records (all so far) and Per_second
	StepImportDone      = "import.done"      // File: its final Added and Unchanged
	StepExportGold      = "export.gold"      // gold rows written so far (the job's Done)
	StepExportDecisions = "export.decisions" // decisions written so far (the job's Done)
	StepExportDone      = "export.done"
	StepRescore         = "rescore" // Model: Scored and Failed so far
)

// Step is a job's progress as data: a code (Step*) and what it needs, which the UI words in its own language.
type Step struct {
	Code   string           `json:"code"`
	File   string           `json:"file,omitempty"`
	Model  string           `json:"model,omitempty"`
	Counts map[string]int64 `json:"counts,omitempty"`
}

// Message is the step in English, for the CLI's progress line and the job's message.
func (st Step) Message() string {
	c := st.Counts
	switch st.Code {
	case StepImportFile:
		return fmt.Sprintf("%s: %d added, %d unchanged, %d items/s", st.File, c["added"], c["unchanged"], c["per_second"])
	case StepImportDone:
		return fmt.Sprintf("%s: done", st.File)
	case StepExportGold:
		return "exporting gold rows"
	case StepExportDecisions:
		return "exporting decisions"
	case StepExportDone:
		return "exported"
	case StepRescore:
		return fmt.Sprintf("rescoring with %s: %d scored, %d failed", st.Model, c["scored"], c["failed"])
	}
	return st.Code
}

type stepKey struct{}

// report passes a step to progress (the CLI's line, the job's counts) and, for work running as a job, to the job
// itself. The job's setter travels in ctx because progressFunc, which the CLI hands in too, carries only text.
func report(ctx context.Context, progress progressFunc, done, total int64, st Step) {
	if set, ok := ctx.Value(stepKey{}).(func(Step)); ok {
		set(st)
	}
	if progress != nil {
		progress(done, total, st.Message())
	}
}

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
	ctx = context.WithValue(ctx, stepKey{}, func(st Step) {
		s.jobs.mu.Lock()
		j.Step = &st
		s.jobs.mu.Unlock()
	})
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
			j.State, j.Error, j.Code = "failed", review.ErrorMessage(err), review.ErrorCode(err)
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

// keepTemp records dir as job id's temporary directory, to remove once the job is done with it.
func (s *Service) keepTemp(id, dir string) {
	s.jobs.mu.Lock()
	defer s.jobs.mu.Unlock()
	s.jobs.temp[id] = dir
}

// removeTemp removes the temporary directories of jobs that finished more than downloadTTL ago, or, with all, of
// every job.
func (s *Service) removeTemp(all bool) {
	s.jobs.mu.Lock()
	defer s.jobs.mu.Unlock()
	now := s.now()
	for id, dir := range s.jobs.temp {
		j := s.jobs.byID[id]
		if !all && (j.Finished == nil || now.Sub(*j.Finished) < downloadTTL) {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			s.log.Warn("cannot remove a temporary export", "job", id, "dir", dir, "err", err)
			continue
		}
		delete(s.jobs.temp, id)
	}
}

// Close stops running jobs and removes the temporary files of exports: call it when the server or window ends.
func (s *Service) Close() {
	s.jobs.mu.Lock()
	for _, j := range s.jobs.byID {
		j.cancel()
	}
	s.jobs.mu.Unlock()
	s.removeTemp(true)
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
