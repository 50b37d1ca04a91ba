package app

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"reviewdesk/review"
)

// Identity is who makes a request.
type Identity struct {
	User string      `json:"user"`
	Role review.Role `json:"role"`
}

type identityKey struct{}

// identity returns the request's identity, set by the authentication middleware.
func identity(r *http.Request) Identity {
	id, _ := r.Context().Value(identityKey{}).(Identity)
	return id
}

// route is one API endpoint and the role it needs.
type route struct {
	pattern string
	role    review.Role
	handle  func(w http.ResponseWriter, r *http.Request) error
	// maxBody overrides the JSON body limit, for uploads.
	maxBody int64
}

// maxJSONBody bounds a JSON request body; uploads have their own limit.
const maxJSONBody = 4 << 20

// public marks endpoints that need no login.
const public review.Role = ""

func (s *Service) routes() []route {
	return []route{
		{"GET /api/health", public, s.handleHealth, 0},
		{"POST /api/login", public, s.handleLogin, 0},
		{"POST /api/logout", review.RoleReviewer, s.handleLogout, 0},
		{"GET /api/meta", review.RoleReviewer, s.handleMeta, 0},
		{"GET /api/me", review.RoleReviewer, s.handleMe, 0},
		{"GET /api/items", review.RoleReviewer, s.handleItems, 0},
		{"GET /api/items/{id}", review.RoleReviewer, s.handleItem, 0},
		{"GET /api/items/{id}/history", review.RoleReviewer, s.handleHistory, 0},
		{"POST /api/items/{id}/decision", review.RoleReviewer, s.handleDecision, 0},
		{"POST /api/items/{id}/reopen", review.RoleSupervisor, s.handleReopen, 0},
		{"POST /api/queue/next", review.RoleReviewer, s.handleNext, 0},
		{"POST /api/undo", review.RoleReviewer, s.handleUndo, 0},
		{"GET /api/decisions/mine", review.RoleReviewer, s.handleMyDecisions, 0},
		{"POST /api/hints", review.RoleReviewer, s.handleHints, 0},
		{"GET /api/stats", review.RoleSupervisor, s.handleStats, 0},
		{"GET /api/dashboard", review.RoleSupervisor, s.handleDashboard, 0},
		{"GET /api/report", review.RoleSupervisor, s.handleReport, 0},
		{"GET /api/jobs/{id}", review.RoleReviewer, s.handleJob, 0},
		{"POST /api/jobs/{id}/cancel", review.RoleSupervisor, s.handleCancelJob, 0},
		{"GET /api/audit", review.RoleSupervisor, s.handleAudit, 0},
		{"PUT /api/settings/queue", review.RoleSupervisor, s.handlePutQueue, 0},
		{"PUT /api/settings/rubric", review.RoleSupervisor, s.handlePutRubric, 0},
		{"POST /api/imports", review.RoleSupervisor, s.handleImport, maxUpload},
		{"GET /api/adjudication", review.RoleSupervisor, s.handleAdjudication, 0},
		{"GET /api/settings/overlap", review.RoleSupervisor, s.handleOverlap, 0},
		{"PUT /api/settings/overlap", review.RoleSupervisor, s.handlePutOverlap, 0},
		{"GET /api/audit/export", review.RoleSupervisor, s.handleAuditExport, 0},
		{"GET /api/rules", review.RoleReviewer, s.handleRules, 0},
		{"PUT /api/rules", review.RoleSupervisor, s.handlePutRules, 0},
		{"GET /api/llm", review.RoleReviewer, s.handleLLM, 0},
		{"POST /api/items/{id}/suggest", review.RoleReviewer, s.handleSuggest, 0},
		{"POST /api/items/{id}/rescore", review.RoleReviewer, s.handleRescore, 0},
		{"GET /api/items/{id}/rescores", review.RoleReviewer, s.handleItemRescores, 0},
		{"POST /api/rescores", review.RoleSupervisor, s.handleRescoreBatch, 0},
		{"GET /api/users", review.RoleAdmin, s.handleUsers, 0},
		{"POST /api/users", review.RoleAdmin, s.handleAddUser, 0},
		{"PATCH /api/users/{name}", review.RoleAdmin, s.handleUpdateUser, 0},
		{"POST /api/exports", review.RoleSupervisor, s.handleExport, 0},
		{"GET /api/exports/{job}/download", review.RoleSupervisor, s.handleExportDownload, 0},
	}
}

// Handler serves the API under /api and the frontend from ui (nil: API only). The desktop window mounts the same
// handler as its asset server, so the frontend has one transport in both modes.
func (s *Service) Handler(ui fs.FS) http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.pattern, s.endpoint(rt))
	}
	mux.Handle("/api/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, review.Errorf(review.NotFound, "no API endpoint %s %s", r.Method, r.URL.Path), s)
	}))
	if ui != nil {
		mux.Handle("/", spa(ui))
	}
	return securityHeaders(s.cfg.SecureCookies, s.authenticate(s.accessLog(mux)))
}

// ServeOptions is what a handler on a network listener needs beyond Handler. The desktop window needs none of it: its
// webview hands requests to the handler in process (Host "wails" on macOS and Linux, "wails.localhost" on Windows),
// never over a socket that another page could reach.
type ServeOptions struct {
	// ProxyHeader names the header in which a trusted reverse proxy passes the client's address (X-Real-IP), for the
	// login limiter and the audit log; "" uses the connection's address. Only set it when every request comes through
	// that proxy, which overwrites the header: otherwise clients choose their own address.
	ProxyHeader string
	// AllowedHosts are host names, besides localhost, *.localhost and IP addresses, that a server without accounts
	// answers to.
	AllowedHosts []string
}

// ServeHandler is Handler for `serve`.
func (s *Service) ServeHandler(ui fs.FS, o ServeOptions) http.Handler {
	h := s.Handler(ui)
	if !s.cfg.Team {
		h = s.soloHosts(o.AllowedHosts, h)
	}
	if o.ProxyHeader != "" {
		h = clientFromHeader(o.ProxyHeader, h)
	}
	return h
}

// clientFromHeader takes the client's address from a proxy's header. A list (X-Forwarded-For) ends with the address
// the nearest proxy saw, the only one it vouches for. A request without a valid address keeps its connection's.
func clientFromHeader(name string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if vs := r.Header.Values(name); len(vs) > 0 {
			v := vs[len(vs)-1]
			if i := strings.LastIndexByte(v, ','); i >= 0 {
				v = v[i+1:]
			}
			if a, err := netip.ParseAddr(strings.TrimSpace(v)); err == nil {
				r = r.WithContext(r.Context())
				r.RemoteAddr = netip.AddrPortFrom(a.Unmap(), 0).String()
			}
		}
		next.ServeHTTP(w, r)
	})
}

// soloHosts refuses requests for other host names on a server without accounts, where whoever reaches it works with
// every role: otherwise a web page could point a name it owns at this machine (DNS rebinding) and read and write
// everything as if from the same origin. Team servers need no such check: their cookies are SameSite=Strict and
// every change needs a CSRF token.
func (s *Service) soloHosts(allowed []string, next http.Handler) http.Handler {
	names := map[string]bool{}
	for _, a := range allowed {
		if a = hostName(a); a != "" {
			names[a] = true
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := hostName(r.Host)
		if _, err := netip.ParseAddr(host); err == nil || host == "localhost" || strings.HasSuffix(host, ".localhost") || names[host] {
			next.ServeHTTP(w, r)
			return
		}
		writeError(w, r, review.Errorf(review.Forbidden, "this reviewdesk has no accounts, so it answers only to localhost "+
			"and IP addresses, not to %q (a web page could point that name here); open it by its IP address or as "+
			"localhost, or, if the name is yours, restart serve with --allowed-host %s", host, host), s)
	})
}

// hostName is a Host header's or flag's name without port, brackets or final dot, in lower case.
func hostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	return strings.ToLower(strings.TrimSuffix(host, "."))
}

// statusRecorder remembers the status a handler wrote, for the access log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// accessLog logs every API request at debug level and failed ones at info level: method, path, status, time and
// user. Never headers or bodies, which carry passwords, tokens and cookies.
func (s *Service) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		level := slog.LevelDebug
		if rec.status >= 400 {
			level = slog.LevelInfo
		}
		s.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"ms", time.Since(start).Milliseconds(), "user", identity(r).User)
	})
}

func (s *Service) endpoint(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := identity(r)
		if rt.role != public {
			if id.User == "" {
				writeError(w, r, review.Errorf(review.Unauthorized, "log in first"), s)
				return
			}
			if !id.Role.Can(rt.role) {
				writeError(w, r, review.Errorf(review.Forbidden, "%s needs the %s role; %s is a %s", rt.pattern, rt.role, id.User, id.Role), s)
				return
			}
		}
		if err := checkCSRF(r, principalOf(r)); err != nil {
			writeError(w, r, err, s)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			s.lastWrite.Store(time.Now().UnixNano())
		}
		if r.Body != nil {
			limit := int64(maxJSONBody)
			if rt.maxBody > 0 {
				limit = rt.maxBody
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		if err := rt.handle(w, r); err != nil {
			writeError(w, r, err, s)
		}
	})
}

var statusByCode = map[string]int{
	review.Invalid:      http.StatusBadRequest,
	review.NotFound:     http.StatusNotFound,
	review.Conflict:     http.StatusConflict,
	review.Unauthorized: http.StatusUnauthorized,
	review.Forbidden:    http.StatusForbidden,
	review.Unavailable:  http.StatusServiceUnavailable,
	review.RateLimited:  http.StatusTooManyRequests,
	review.Internal:     http.StatusInternalServerError,
}

// writeError maps an error to {"code","message"} and its status, once, and logs internal ones.
func writeError(w http.ResponseWriter, r *http.Request, err error, s *Service) {
	code := review.ErrorCode(err)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		code, err = review.Invalid, review.Errorf(review.Invalid, "request body is larger than %d bytes", mbe.Limit)
	}
	status := statusByCode[code]
	if code == review.Internal {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, status, map[string]string{"code": code, "message": review.ErrorMessage(err)})
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		if errors.Is(err, io.EOF) {
			return review.Errorf(review.Invalid, "request body is empty; send a JSON object")
		}
		return review.Errorf(review.Invalid, "request body: %v", err)
	}
	return nil
}

// securityHeaders sets a strict Content-Security-Policy and friends on every response: summaries are untrusted text.
// tls (the server is reached over HTTPS, directly or through a proxy) adds HSTS, so that browsers never again try it
// over plain HTTP, where a network attacker could strip TLS.
func securityHeaders(tls bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if tls {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "+
			"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "+
			"base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// spa serves the built frontend, answering unknown paths with index.html so that client-side routes reload.
func spa(ui fs.FS) http.Handler {
	files := http.FileServerFS(ui)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(r.URL.Path, "/")
		if p != "" {
			if _, err := fs.Stat(ui, p); err == nil {
				if strings.HasPrefix(p, "assets/") {
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				files.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, ui, "index.html")
	})
}

// itemView is an item as the review screen needs it: the record plus its summary rendered with hint marks.
type itemView struct {
	*review.Record
	SummaryHTML string `json:"summary_html"`
}

func (s *Service) view(who Identity, rec *review.Record) (itemView, error) {
	blind(who, rec)
	html, err := RenderSummary(rec.Summary, rec.Hints)
	return itemView{rec, html}, err
}

// blind hides the first review of an item waiting for its second one from everyone but its author and
// supervisors: the second review must be independent. The item shows as it did undecided.
func blind(who Identity, rec *review.Record) {
	if rec.Overlap != review.AwaitingSecond || blindTo(who) == "" || rec.Decision == nil || rec.Decision.Reviewer == who.User {
		return
	}
	rec.Decision, rec.Status, rec.Changed = nil, review.Pending, false
}

// blindTo is the user from whom other reviewers' first reviews are hidden, for a list's filter: "" for supervisors,
// who see them. Hiding them in the page alone would not do: a filter on status or reviewer, and the total it counts,
// would still tell the verdict and who gave it.
func blindTo(who Identity) string {
	if who.Role.Can(review.RoleSupervisor) {
		return ""
	}
	return who.User
}

func (s *Service) handleMeta(w http.ResponseWriter, r *http.Request) error {
	p := s.Project()
	batches, err := s.st.Batches(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"rubric": p.Rubric, "reasons": p.Reasons, "queue": p.Queue, "rules": s.Rules().RuleIDs(),
		"rules_version": s.Rules().Version, "batches": batches, "statuses": review.Statuses, "sorts": review.Sorts,
		"orders": review.Orders, "search_index_pending": s.indexLeft.Load(),
	})
}

func (s *Service) handleMe(w http.ResponseWriter, r *http.Request) error {
	id := identity(r)
	p, err := s.Progress(r.Context(), id.User)
	if err != nil {
		return err
	}
	mode := "solo"
	if s.cfg.Team {
		mode = "team"
	}
	return writeJSON(w, http.StatusOK, map[string]any{"user": id.User, "role": id.Role, "progress": p,
		"csrf": principalOf(r).csrf, "mode": mode})
}

func floatParam(q map[string][]string, name string) (*float64, error) {
	v := ""
	if vs := q[name]; len(vs) > 0 {
		v = vs[0]
	}
	if v == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, review.Errorf(review.Invalid, "%s=%q is not a number", name, v)
	}
	return &f, nil
}

func intParam(q map[string][]string, name string) (int, error) {
	if vs := q[name]; len(vs) > 0 && vs[0] != "" {
		n, err := strconv.Atoi(vs[0])
		if err != nil {
			return 0, review.Errorf(review.Invalid, "%s=%q is not a whole number", name, vs[0])
		}
		return n, nil
	}
	return 0, nil
}

func (s *Service) handleItems(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := review.ItemFilter{
		Criterion: q.Get("criterion"), Rule: q.Get("rule"), Batch: q.Get("batch"), Reviewer: q.Get("reviewer"),
		Query: q.Get("q"), Changed: q.Get("changed") == "true" || q.Get("changed") == "1", Sort: review.Sort(q.Get("sort")),
		BlindTo: blindTo(identity(r)),
	}
	for _, st := range q["status"] {
		for _, x := range strings.Split(st, ",") {
			if x != "" {
				f.Status = append(f.Status, review.Status(x))
			}
		}
	}
	var err error
	for name, dst := range map[string]**float64{"min_score": &f.MinScore, "max_score": &f.MaxScore,
		"min_points": &f.MinPoints, "max_points": &f.MaxPoints} {
		if *dst, err = floatParam(q, name); err != nil {
			return err
		}
	}
	if f.Limit, err = intParam(q, "limit"); err != nil {
		return err
	}
	if f.Offset, err = intParam(q, "offset"); err != nil {
		return err
	}
	page, err := s.Items(r.Context(), f)
	if err != nil {
		return err
	}
	for i := range page.Items {
		blind(identity(r), &page.Items[i])
	}
	return writeJSON(w, http.StatusOK, page)
}

func (s *Service) handleItem(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.Item(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := s.view(identity(r), rec)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (s *Service) handleHistory(w http.ResponseWriter, r *http.Request) error {
	id := identity(r)
	rec, err := s.Item(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	h, err := s.History(r.Context(), rec.ID)
	if err != nil {
		return err
	}
	if rec.Overlap == review.AwaitingSecond && !id.Role.Can(review.RoleSupervisor) {
		own := []review.Decision{}
		for _, d := range h {
			if d.Reviewer == id.User {
				own = append(own, d)
			}
		}
		h = own
	}
	return writeJSON(w, http.StatusOK, map[string]any{"decisions": h})
}

// decisionResponse is the decision and, when the client asked for it, the next item, so that a reviewer's key press
// costs one round trip.
type decisionResponse struct {
	Decision review.Decision `json:"decision"`
	Next     *itemView       `json:"next,omitempty"`
	Empty    bool            `json:"queue_empty,omitempty"`
}

func (s *Service) handleDecision(w http.ResponseWriter, r *http.Request) error {
	var sub review.Submission
	if err := decodeJSON(r, &sub); err != nil {
		return err
	}
	id := identity(r)
	d, err := s.Decide(r.Context(), id, r.PathValue("id"), sub)
	if err != nil {
		return err
	}
	resp := decisionResponse{Decision: d}
	if r.URL.Query().Get("next") == "1" {
		resp.Next, resp.Empty, err = s.claimView(r.Context(), id, "")
		if err != nil {
			return err
		}
	}
	return writeJSON(w, http.StatusOK, resp)
}

func (s *Service) claimView(ctx context.Context, who Identity, skip string) (*itemView, bool, error) {
	rec, err := s.Claim(ctx, who.User, skip)
	if review.ErrorCode(err) == review.NotFound {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	v, err := s.view(who, rec)
	return &v, false, err
}

func (s *Service) handleNext(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Skip string `json:"skip"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &req); err != nil {
			return err
		}
	}
	v, empty, err := s.claimView(r.Context(), identity(r), req.Skip)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"item": v, "queue_empty": empty})
}

func (s *Service) handleUndo(w http.ResponseWriter, r *http.Request) error {
	d, err := s.Undo(r.Context(), identity(r).User)
	if err != nil {
		return err
	}
	rec, err := s.Item(r.Context(), d.ItemID)
	if err != nil {
		return err
	}
	v, err := s.view(identity(r), rec)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"undone": d, "item": v})
}

func (s *Service) handleMyDecisions(w http.ResponseWriter, r *http.Request) error {
	limit, err := intParam(r.URL.Query(), "limit")
	if err != nil {
		return err
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	ds, err := s.st.RecentDecisions(r.Context(), identity(r).User, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"decisions": ds})
}

func (s *Service) handleReopen(w http.ResponseWriter, r *http.Request) error {
	if err := s.Reopen(r.Context(), identity(r).User, r.PathValue("id")); err != nil {
		return err
	}
	rec, err := s.Item(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rec)
}

func (s *Service) handleHints(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Summary string `json:"summary"`
		Source  string `json:"source"`
		Company string `json:"company"`
		ItemID  string `json:"item_id"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	source, company := req.Source, req.Company
	if req.ItemID != "" && (source == "" || company == "") {
		rec, err := s.Item(r.Context(), req.ItemID)
		if err != nil {
			return err
		}
		if source == "" {
			source = rec.Source
		}
		if company == "" {
			company = rec.Company
		}
	}
	hints := s.Hints(req.Summary, source, company)
	html, err := RenderSummary(req.Summary, hints)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"hints": hints, "summary_html": html, "rules_version": s.Rules().Version})
}

func (s *Service) handleStats(w http.ResponseWriter, r *http.Request) error {
	st, err := s.Stats(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}

func (s *Service) handleJob(w http.ResponseWriter, r *http.Request) error {
	j, err := s.Job(r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, j)
}

func (s *Service) handleCancelJob(w http.ResponseWriter, r *http.Request) error {
	if err := s.CancelJob(r.PathValue("id")); err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]string{"state": "canceling"})
}

func (s *Service) handleAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	before, err := intParam(q, "before")
	if err != nil {
		return err
	}
	limit, err := intParam(q, "limit")
	if err != nil {
		return err
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	entries, err := s.st.AuditLog(r.Context(), int64(before), limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"entries": entries})
}

func (s *Service) handlePutQueue(w http.ResponseWriter, r *http.Request) error {
	var q review.QueuePolicy
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	if err := s.SetQueuePolicy(r.Context(), identity(r).User, q); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.Project().Queue)
}

func (s *Service) handlePutRubric(w http.ResponseWriter, r *http.Request) error {
	var rb review.Rubric
	if err := decodeJSON(r, &rb); err != nil {
		return err
	}
	rb.Configured = true // a supervisor set it: its maxima are enforced from the next import on, as a rubric file's
	if err := s.SetRubric(r.Context(), identity(r).User, rb); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.Project().Rubric)
}
