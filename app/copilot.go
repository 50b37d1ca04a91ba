package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"

	"reviewdesk/review"
)

// copilot returns the LLM assistant, or an Unavailable error saying how to configure one.
func (s *Service) copilot() (review.Copilot, error) {
	if s.cfg.Copilot == nil {
		return nil, review.Errorf(review.Unavailable, "LLM not configured: start reviewdesk with --llm-url and --llm-model (see reviewdesk --help)")
	}
	if ok, msg := s.cfg.Copilot.Configured(); !ok {
		return nil, review.Errorf(review.Unavailable, "%s (reviewdesk: --llm-model NAME, --llm-url URL for a local or "+
			"compatible server, the key in the variable --llm-key-env names; see reviewdesk --help)", msg)
	}
	return s.cfg.Copilot, nil
}

// LLMStatus is what the UI shows about the copilot: whether its buttons work, and if not, why.
type LLMStatus struct {
	Configured    bool   `json:"configured"`
	Message       string `json:"message,omitempty"`
	JudgeModel    string `json:"judge_model,omitempty"`
	JudgeTemplate string `json:"judge_template,omitempty"`
}

func (s *Service) llmStatus() LLMStatus {
	c, err := s.copilot()
	if err != nil {
		return LLMStatus{Message: review.ErrorMessage(err)}
	}
	m, v := c.JudgeVersion()
	return LLMStatus{Configured: true, JudgeModel: m, JudgeTemplate: v}
}

func (s *Service) handleLLM(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, s.llmStatus())
}

type copilotRequest struct {
	// Summary is the text to work on: the reviewer's edit in progress; empty means the item's summary.
	Summary string `json:"summary"`
}

// SuggestFix asks the LLM to rewrite a text of an item so that its hints go away, streaming the text to onDelta.
// The call is recorded with the item, and later linked to the user's decision.
func (s *Service) SuggestFix(ctx context.Context, user, id, summary string, onDelta func(string)) (review.Suggestion, error) {
	c, err := s.copilot()
	if err != nil {
		return review.Suggestion{}, err
	}
	rec, err := s.Item(ctx, id)
	if err != nil {
		return review.Suggestion{}, err
	}
	if summary == "" {
		summary = rec.Summary
	}
	sug, err := c.SuggestFix(ctx, review.FixInput{Company: rec.Company, Summary: summary, Source: rec.Source,
		Hints: s.Hints(summary, rec.Source, rec.Company)}, onDelta)
	if _, rerr := s.st.RecordCall(context.WithoutCancel(ctx), id, user, sug.Call); rerr != nil {
		s.log.Error("record LLM call", "err", rerr)
	}
	return sug, err
}

// Rescore asks the judge to score a text of an item (the reviewer's edit) by the rubric.
func (s *Service) Rescore(ctx context.Context, user, id, summary string) (review.Rescore, error) {
	c, err := s.copilot()
	if err != nil {
		return review.Rescore{}, err
	}
	rec, err := s.Item(ctx, id)
	if err != nil {
		return review.Rescore{}, err
	}
	if summary == "" {
		summary = rec.Summary
	}
	rs, err := c.Rescore(ctx, review.JudgeInput{Company: rec.Company, Summary: summary, Source: rec.Source, Rubric: s.rubricFor(rec)})
	if _, rerr := s.st.RecordCall(context.WithoutCancel(ctx), id, user, rs.Call); rerr != nil {
		s.log.Error("record LLM call", "err", rerr)
	}
	return rs, err
}

// rubricFor is the project rubric, or, where none was configured or seen, one made from the item's own criteria.
func (s *Service) rubricFor(rec *review.Record) review.Rubric {
	r := s.Project().Rubric
	if len(r.Criteria) == 0 {
		r.Observe(&rec.Item)
	}
	return r
}

// handleSuggest streams a fix suggestion as server-sent events: "delta" events carry text as it is generated (a JSON
// string), then one "done" event carries the suggestion, or an "error" event carries {code, message}. The call is
// cancelled when the client goes away, for example when the reviewer moves to the next item.
func (s *Service) handleSuggest(w http.ResponseWriter, r *http.Request) error {
	var req copilotRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if _, err := s.copilot(); err != nil {
		return err
	}
	flusher, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	event := func(name string, v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, b)
		if flusher != nil {
			flusher.Flush()
		}
	}
	var sent atomic.Bool
	sug, err := s.SuggestFix(r.Context(), identity(r).User, r.PathValue("id"), req.Summary, func(chunk string) {
		sent.Store(true)
		event("delta", chunk)
	})
	if err != nil {
		if errors.Is(r.Context().Err(), context.Canceled) {
			return nil
		}
		code := review.ErrorCode(err)
		event("error", map[string]string{"code": code, "message": review.ErrorMessage(err)})
		return nil
	}
	event("done", sug)
	return nil
}

func (s *Service) handleRescore(w http.ResponseWriter, r *http.Request) error {
	var req copilotRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	rs, err := s.Rescore(r.Context(), identity(r).User, r.PathValue("id"), req.Summary)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rs)
}

func (s *Service) handleItemRescores(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.st.Rescores(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"rescores": rs})
}

// RescoreReport is what a batch rescore did.
type RescoreReport struct {
	Model           string `json:"model"`
	TemplateVersion string `json:"template_version"`
	Total           int    `json:"total"`
	AlreadyDone     int    `json:"already_done"`
	Scored          int    `json:"scored"`
	Failed          int    `json:"failed"`
	FirstError      string `json:"first_error,omitempty"`
}

// RescoreBatch has the judge score every item of a batch ("" for all) that has no rescore of its current content
// by the current judge model and prompt. Interrupted, it resumes where it stopped: what was scored is stored.
func (s *Service) RescoreBatch(ctx context.Context, actor, batch string, progress progressFunc) (RescoreReport, error) {
	c, err := s.copilot()
	if err != nil {
		return RescoreReport{}, err
	}
	model, version := c.JudgeVersion()
	rep := RescoreReport{Model: model, TemplateVersion: version}
	if rep.Total, rep.AlreadyDone, err = s.st.RescoreCount(ctx, batch, model, version); err != nil {
		return rep, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan review.JudgeJob)
	results := make(chan review.JudgeResult)
	feedErr := make(chan error, 1)
	go func() {
		defer close(jobs)
		feedErr <- s.st.RescoreTodo(ctx, batch, model, version, func(rec *review.Record) error {
			select {
			case jobs <- review.JudgeJob{ItemID: rec.ID, Input: review.JudgeInput{Company: rec.Company, Summary: rec.Summary,
				Source: rec.Source, Rubric: s.rubricFor(rec)}}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	batchErr := make(chan error, 1)
	go func() {
		batchErr <- c.RescoreBatch(ctx, jobs, results)
		close(results)
	}()
	for res := range results {
		if res.Err != nil {
			rep.Failed++
			if rep.FirstError == "" {
				rep.FirstError = fmt.Sprintf("%s: %s", res.ItemID, review.ErrorMessage(res.Err))
			}
			if _, err := s.st.RecordCall(ctx, res.ItemID, actor, res.Rescore.Call); err != nil {
				cancel()
				return rep, err
			}
		} else if err := s.st.SaveRescore(ctx, res.ItemID, actor, res.Rescore); err != nil {
			cancel()
			return rep, err
		} else {
			rep.Scored++
		}
		report(ctx, progress, int64(rep.AlreadyDone+rep.Scored+rep.Failed), int64(rep.Total), Step{Code: StepRescore,
			Model: model, Counts: map[string]int64{"scored": int64(rep.Scored), "failed": int64(rep.Failed)}})
	}
	if err := <-batchErr; err != nil {
		return rep, err
	}
	if err := <-feedErr; err != nil {
		return rep, err
	}
	return rep, nil
}

func (s *Service) handleRescoreBatch(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Batch string `json:"batch"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if _, err := s.copilot(); err != nil {
		return err
	}
	actor := identity(r).User
	job := s.startJob("rescore", "items", func(ctx context.Context, progress progressFunc) (any, error) {
		return s.RescoreBatch(ctx, actor, req.Batch, progress)
	})
	return writeJSON(w, http.StatusAccepted, job)
}
