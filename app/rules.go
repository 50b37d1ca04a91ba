package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"

	"reviewdesk/review"
	"reviewdesk/store"
)

// Rules are versioned: a supervisor's rules file, stored in the database, replaces the built-in rules for everyone
// (unless the server was started with --rules), and every decision records the version its reviewer was shown.

// loadStoredRules uses the rules a supervisor saved, if any.
func (s *Service) loadStoredRules(ctx context.Context) error {
	if s.cfg.RulesFromFile {
		return nil
	}
	var file json.RawMessage
	ok, err := s.st.Setting(ctx, store.KeyRules, &file)
	if err != nil || !ok {
		return err
	}
	rs, err := review.ParseRules(file)
	if err != nil {
		s.log.Error("stored rules do not parse; using the built-in rules", "err", err)
		return nil
	}
	s.mu.Lock()
	s.rules = rs
	s.mu.Unlock()
	return nil
}

// SetRules replaces the rules with a supervisor's rules file. Items keep the hints they were imported with; new
// imports and the editor use the new rules.
func (s *Service) SetRules(ctx context.Context, actor string, file []byte) (*review.RuleSet, error) {
	if s.cfg.RulesFromFile {
		return nil, review.Errorf(review.Conflict, "this server runs with rules from a file (--rules); change that file instead")
	}
	rs, err := review.ParseRules(file)
	if err != nil {
		return nil, review.Errorf(review.Invalid, "rules: %v", err)
	}
	if err := s.st.PutSetting(ctx, actor, store.KeyRules, json.RawMessage(file)); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.rules = rs
	s.mu.Unlock()
	return rs, nil
}

type rulesView struct {
	Version  string            `json:"version"`
	Rules    []review.RuleInfo `json:"rules"`
	File     json.RawMessage   `json:"file"`
	Editable bool              `json:"editable"`
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
	if _, err := s.SetRules(r.Context(), identity(r).User, b); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.rulesView())
}
