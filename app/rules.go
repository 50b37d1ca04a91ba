package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync"
	"time"

	"reviewdesk/review"
	"reviewdesk/store"
)

// Rules are versioned: a supervisor's rules file, stored in the database, replaces the built-in rules for everyone
// (unless the server was started with --rules), and every decision records the version its reviewer was shown.

// loadRules reads the rules a supervisor saved, if any, and compiles them, or else the configured rules (the
// built-in ones by default), in the background: compiling the built-in rules takes 15–45 ms, which a server's start
// and its first screen need not wait for. Rules waits for them.
func (s *Service) loadRules(ctx context.Context) error {
	var file json.RawMessage
	if !s.cfg.RulesFromFile {
		if _, err := s.st.Setting(ctx, store.KeyRules, &file); err != nil {
			return err
		}
	}
	go func() {
		defer close(s.rulesReady)
		rs := s.cfg.Rules
		if file != nil {
			stored, err := review.ParseRules(file)
			if err != nil {
				s.log.Error("stored rules do not parse; using the built-in rules", "err", err)
			} else {
				rs = stored
			}
		}
		if rs == nil {
			rs = review.DefaultRules()
		}
		s.mu.Lock()
		s.rules = rs
		s.mu.Unlock()
	}()
	return nil
}

// SetRules replaces the rules with a supervisor's rules file. New imports and the editor use the new rules at once;
// a re-hint job (see Rehint) then gives the open items hints from the new rules, while decided items keep the ones
// their reviewer saw.
func (s *Service) SetRules(ctx context.Context, actor string, file []byte) (*review.RuleSet, error) {
	rs, _, err := s.setRules(ctx, actor, file)
	return rs, err
}

func (s *Service) setRules(ctx context.Context, actor string, file []byte) (*review.RuleSet, Job, error) {
	if s.cfg.RulesFromFile {
		return nil, Job{}, review.Errorf(review.Conflict, "this server runs with rules from a file (--rules); change that file instead")
	}
	rs, err := review.ParseRules(file)
	if err != nil {
		return nil, Job{}, review.Errorf(review.Invalid, "rules: %v", err)
	}
	<-s.rulesReady // the rules New compiled must not land after these
	if err := s.st.PutSetting(ctx, actor, store.KeyRules, json.RawMessage(file)); err != nil {
		return nil, Job{}, err
	}
	s.mu.Lock()
	s.rules = rs
	s.mu.Unlock()
	return rs, s.startRehint(actor, rs), nil
}

// startRehint starts a re-hint job for rs, first canceling one still running for earlier rules: it would only
// write hints that this one replaces. It waits for held items as long as a lease lasts.
func (s *Service) startRehint(actor string, rs *review.RuleSet) Job {
	s.jobs.mu.Lock()
	for _, j := range s.jobs.byID {
		if j.Kind == "rehint" && j.State == "running" {
			j.cancel()
		}
	}
	s.jobs.mu.Unlock()
	opts := RehintOptions{Actor: actor, WaitHeld: s.Project().Queue.Lease + time.Minute}
	return s.startJob("rehint", "items", func(ctx context.Context, progress progressFunc) (any, error) {
		return s.Rehint(ctx, rs, opts, progress)
	})
}

// RehintOptions say how Rehint works.
type RehintOptions struct {
	// Actor is who the audit log names.
	Actor string
	// Batch is how many items one transaction stores; 0 lets Rehint choose (fewer while reviewers are deciding).
	Batch int
	// WaitHeld is how long Rehint keeps coming back for items reviewers hold; 0 makes one pass and leaves them.
	WaitHeld time.Duration
	retry    time.Duration // between tries at held items; 5 s
}

// RehintReport is what Rehint did.
type RehintReport struct {
	RulesVersion string `json:"rules_version"`
	// Stale is how many open items had hints of other rules at the start.
	Stale int64 `json:"stale"`
	// Updated and Changed count over the whole run; Held is the items reviewers still held, with their old hints,
	// at the end.
	store.RehintCounts
	// Passes over all open items: a second one runs when items changed under the first (an import that started
	// with the old rules revised some).
	Passes int `json:"passes"`
}

// rehintPasses bounds the passes over all open items.
const rehintPasses = 3

// Rehint recomputes, with the rules rs, the stored hints of every open item (pending or skipped) whose hints came
// from other rules: items.hints, hint_count and rules_version, the rule filter's item_hints rows and the dashboard's
// per-rule item counts, so that the rule filter, the hints order of the queue and the rule statistics follow the
// rules in force. Decided items keep the hints their reviewer saw. It works in small transactions, as the search
// indexer does, so that claims and decisions wait at most for one batch. Items a reviewer holds are passed over
// (their decision must record the hints on their screen) and tried again every few seconds while opts.WaitHeld
// lasts. Running it again continues where a canceled run stopped.
func (s *Service) Rehint(ctx context.Context, rs *review.RuleSet, opts RehintOptions, progress progressFunc) (RehintReport, error) {
	rep := RehintReport{RulesVersion: rs.Version}
	stale, err := s.st.CountStaleHints(ctx, rs.Version)
	if err != nil {
		return rep, err
	}
	rep.Stale = stale
	var held []int64
	report := func() {
		if progress == nil {
			return
		}
		msg := fmt.Sprintf("re-hinting with rules %s: %d updated", rs.Version, rep.Updated)
		if len(held) > 0 {
			msg += fmt.Sprintf(", %d held by reviewers", len(held))
		}
		progress(min(int64(rep.Updated+rep.Changed), stale), stale, msg)
	}
	// put stores the hints of items. While waiting for held items, one that changed meanwhile (its reviewer skipped
	// it or let it go while its hints were being computed) is tried again rather than counted as changed: the next
	// StaleHintsAt drops it if it was decided.
	put := func(items []store.StaleItem, waiting bool) error {
		c, err := s.st.PutHints(ctx, rs.Version, checkAll(rs, items))
		if err != nil {
			return err
		}
		rep.Updated += c.Updated
		held = append(held, c.HeldSeqs...)
		if waiting {
			held = append(held, c.ChangedSeqs...)
		} else {
			rep.Changed += c.Changed
		}
		report()
		return nil
	}
	report()
	for rep.Passes < rehintPasses {
		rep.Passes++
		changed := rep.Changed
		held = held[:0]
		for after := int64(0); ; {
			batch := opts.Batch
			if batch <= 0 {
				batch = s.indexBatch() // 100 while people decide, 500 while nobody does
			}
			items, err := s.st.StaleHints(ctx, rs.Version, after, batch)
			if err != nil {
				return rep, err
			}
			if len(items) == 0 {
				break
			}
			after = items[len(items)-1].Seq
			if err := put(items, false); err != nil {
				return rep, err
			}
		}
		if rep.Changed == changed {
			break
		}
	}
	if opts.retry <= 0 {
		opts.retry = 5 * time.Second
	}
	for deadline := s.now().Add(opts.WaitHeld); len(held) > 0; {
		wait := min(opts.retry, deadline.Sub(s.now()))
		if wait <= 0 {
			break
		}
		select {
		case <-ctx.Done():
			return rep, ctx.Err()
		case <-time.After(wait):
		}
		items, err := s.st.StaleHintsAt(ctx, rs.Version, held)
		if err != nil {
			return rep, err
		}
		held = held[:0]
		if err := put(items, true); err != nil {
			return rep, err
		}
	}
	rep.Held, rep.HeldSeqs = len(held), nil
	report()
	if err := s.st.RecordRehint(context.WithoutCancel(ctx), opts.Actor, rs.Version, rep.RehintCounts); err != nil {
		return rep, err
	}
	return rep, nil
}

// checkAll runs the rules over a batch, on every core: the rules are pure CPU, and the writer waits for them.
func checkAll(rs *review.RuleSet, items []store.StaleItem) []store.Rehinted {
	out := make([]store.Rehinted, len(items))
	workers := min(runtime.GOMAXPROCS(0), len(items))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(items); i += workers {
				out[i] = store.Rehinted{StaleItem: items[i], Hints: rs.CheckItem(&items[i].Item)}
			}
		}()
	}
	wg.Wait()
	return out
}

type rulesView struct {
	Version  string            `json:"version"`
	Rules    []review.RuleInfo `json:"rules"`
	File     json.RawMessage   `json:"file"`
	Editable bool              `json:"editable"`
	// Rehint is the re-hint job a change started (PUT only): poll GET /api/jobs/{id}.
	Rehint *Job `json:"rehint,omitempty"`
}

func (s *Service) rulesView() rulesView {
	rs := s.Rules()
	return rulesView{Version: rs.Version, Rules: rs.Rules(), File: rs.File(), Editable: !s.cfg.RulesFromFile}
}

func (s *Service) handleRules(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, s.rulesView())
}

// handlePutRules takes a rules file as the body (see docs/rules.md).
func (s *Service) handlePutRules(w http.ResponseWriter, r *http.Request) error {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	_, job, err := s.setRules(r.Context(), identity(r).User, b)
	if err != nil {
		return err
	}
	v := s.rulesView()
	v.Rehint = &job
	return writeJSON(w, http.StatusOK, v)
}
