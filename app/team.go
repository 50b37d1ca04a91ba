package app

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"reviewdesk/review"
	"reviewdesk/store"
)

// Version is reviewdesk's version, reported by /api/health so a desktop can check the server it connects to.
const Version = "0.1.0"

func (s *Service) handleHealth(w http.ResponseWriter, r *http.Request) error {
	mode := "solo"
	if s.cfg.Team {
		mode = "team"
	}
	return writeJSON(w, http.StatusOK, map[string]any{"ok": true, "app": "reviewdesk", "version": Version, "mode": mode,
		"schema": store.SchemaVersion()})
}

// Dispute is an item two reviewers disagreed on, with both of their decisions, for a supervisor to settle.
type Dispute struct {
	Item      itemView          `json:"item"`
	Decisions []review.Decision `json:"decisions"`
}

func (s *Service) handleAdjudication(w http.ResponseWriter, r *http.Request) error {
	limit, err := intParam(r.URL.Query(), "limit")
	if err != nil {
		return err
	}
	page, err := s.Items(r.Context(), review.ItemFilter{Status: []review.Status{review.Disputed}, Sort: review.SortUpdated, Limit: max(limit, 50)})
	if err != nil {
		return err
	}
	out := []Dispute{}
	for i := range page.Items {
		rec, err := s.Item(r.Context(), page.Items[i].ID)
		if err != nil {
			return err
		}
		v, err := s.view(identity(r), rec)
		if err != nil {
			return err
		}
		hist, err := s.History(r.Context(), rec.ID)
		if err != nil {
			return err
		}
		live := []review.Decision{}
		for _, d := range hist {
			if d.UndoneAt == nil && d.Verdict.Reviewed() {
				live = append(live, d)
			}
		}
		out = append(out, Dispute{Item: v, Decisions: live})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"disputes": out, "total": page.Total})
}

// overlapSetting is the settings key of the double-review rate; the store reads it under the same name when it
// decides whether an item goes to a second reviewer.
const overlapSetting = "overlap"

// handleOverlap tells the settings screen the double-review rate in force (0 when none was ever set).
func (s *Service) handleOverlap(w http.ResponseWriter, r *http.Request) error {
	var rate float64
	if _, err := s.st.Setting(r.Context(), overlapSetting, &rate); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]float64{"rate": rate})
}

// handlePutOverlap sets the share of items reviewed twice, blind, by two different reviewers.
func (s *Service) handlePutOverlap(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Rate float64 `json:"rate"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.Rate < 0 || req.Rate > 1 {
		return review.Errorf(review.Invalid, "rate %v must be between 0 and 1 (0.1 = 10%% of items reviewed twice)", req.Rate)
	}
	if err := s.st.PutSetting(r.Context(), identity(r).User, overlapSetting, req.Rate); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, req)
}

// handleAuditExport downloads the audit log as JSON lines or CSV, oldest first.
func (s *Service) handleAuditExport(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "jsonl"
	}
	if format != "jsonl" && format != "csv" {
		return review.Errorf(review.Invalid, "format %q is not jsonl or csv", format)
	}
	var all []store.AuditEntry
	for before := int64(0); ; {
		page, err := s.st.AuditLog(r.Context(), before, 5000)
		if err != nil {
			return err
		}
		all = append(all, page...)
		if len(page) < 5000 {
			break
		}
		before = page[len(page)-1].ID
	}
	name := "reviewdesk-audit-" + s.now().UTC().Format("20060102-150405") + "." + format
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if format == "jsonl" {
		w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
		enc := json.NewEncoder(w)
		for i := len(all) - 1; i >= 0; i-- {
			if err := enc.Encode(all[i]); err != nil {
				return nil // the client went away; nothing to report to it
			}
		}
		return nil
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "at", "actor", "action", "target", "before", "after"})
	for i := len(all) - 1; i >= 0; i-- {
		e := all[i]
		cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.Format(time.RFC3339Nano), csvCell(e.Actor), csvCell(e.Action),
			csvCell(e.Target), csvCell(string(e.Before)), csvCell(string(e.After))})
	}
	cw.Flush()
	return nil
}

// csvCell keeps a spreadsheet from running a cell as a formula.
func csvCell(v string) string {
	if v != "" && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r') {
		return "'" + v
	}
	return v
}

func (s *Service) handleUsers(w http.ResponseWriter, r *http.Request) error {
	users, err := s.Users(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"users": users})
}

func (s *Service) handleAddUser(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Name     string      `json:"name"`
		Role     review.Role `json:"role"`
		Password string      `json:"password"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	role, err := review.ParseRole(string(req.Role))
	if err != nil {
		return err
	}
	if err := s.AddUser(r.Context(), identity(r).User, req.Name, role, req.Password); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"name": req.Name, "role": role})
}

func (s *Service) handleUpdateUser(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Role     *review.Role `json:"role"`
		Disabled *bool        `json:"disabled"`
		Password *string      `json:"password"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	name, actor := r.PathValue("name"), identity(r).User
	if name == actor && ((req.Disabled != nil && *req.Disabled) || (req.Role != nil && *req.Role != review.RoleAdmin)) {
		return review.Errorf(review.Invalid, "you cannot disable yourself or take away your own admin role")
	}
	if req.Role != nil {
		role, err := review.ParseRole(string(*req.Role))
		if err != nil {
			return err
		}
		if err := s.SetRole(r.Context(), actor, name, role); err != nil {
			return err
		}
	}
	if req.Disabled != nil {
		if err := s.SetDisabled(r.Context(), actor, name, *req.Disabled); err != nil {
			return err
		}
	}
	if req.Password != nil {
		if err := s.SetPassword(r.Context(), actor, name, *req.Password); err != nil {
			return err
		}
	}
	u, _, err := s.st.User(r.Context(), name)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, u)
}
