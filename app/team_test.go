package app

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"reviewdesk/review"
	"reviewdesk/store"
)

// teamServer is a service in team mode with one account per role, each with an API token named after it.
func teamServer(t *testing.T) (*Service, *httptest.Server) {
	t.Helper()
	svc := testService(t, 8)
	svc.cfg.Team = true
	ctx := context.Background()
	for _, u := range []struct {
		name string
		role review.Role
	}{{"rita", review.RoleReviewer}, {"ren", review.RoleReviewer}, {"suki", review.RoleSupervisor}, {"ada", review.RoleAdmin}} {
		if err := svc.AddUser(ctx, "setup", u.name, u.role, "correct horse "+u.name); err != nil {
			t.Fatal(err)
		}
		if err := svc.st.AddToken(ctx, "setup", u.name, "test", "token-"+u.name); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(svc.Handler(nil))
	t.Cleanup(srv.Close)
	return svc, srv
}

// endpoint is what the role matrix expects of a route: the role it needs, and the status it answers someone with that
// role. Every request carries an empty JSON object as its body (GET none) and names item 7000000000003, user ren and
// job nosuchjob, so some answers are refusals of that request: message is then a part of the error message that says
// why, so that no other refusal with the same status passes.
type endpoint struct {
	role    review.Role
	status  int
	message string
}

// The expected role and answer of every endpoint, written out rather than read from the route table, so that a route
// that loses its check (or a new route nobody thought about) fails here.
var endpointRoles = map[string]endpoint{
	"GET /api/health":               {public, 200, ""},
	"POST /api/login":               {public, 401, "wrong user name or password"},
	"POST /api/logout":              {review.RoleReviewer, 200, ""},
	"GET /api/meta":                 {review.RoleReviewer, 200, ""},
	"GET /api/me":                   {review.RoleReviewer, 200, ""},
	"GET /api/items":                {review.RoleReviewer, 200, ""},
	"GET /api/items/{id}":           {review.RoleReviewer, 200, ""},
	"GET /api/items/{id}/history":   {review.RoleReviewer, 200, ""},
	"POST /api/items/{id}/decision": {review.RoleReviewer, 400, `verdict "" is not one of`},
	"POST /api/items/{id}/reopen":   {review.RoleSupervisor, 400, "is already open"},
	"POST /api/queue/next":          {review.RoleReviewer, 200, ""},
	"POST /api/undo":                {review.RoleReviewer, 404, "nothing to undo"},
	"GET /api/decisions/mine":       {review.RoleReviewer, 200, ""},
	"POST /api/hints":               {review.RoleReviewer, 200, ""},
	"GET /api/stats":                {review.RoleSupervisor, 200, ""},
	"GET /api/jobs/{id}":            {review.RoleReviewer, 404, "job 7000000000003 not found"},
	"POST /api/jobs/{id}/cancel":    {review.RoleSupervisor, 404, "job 7000000000003 not found"},
	"GET /api/audit":                {review.RoleSupervisor, 200, ""},
	"GET /api/audit/export":         {review.RoleSupervisor, 200, ""},
	"PUT /api/settings/queue":       {review.RoleSupervisor, 400, `queue order "" is not one of`},
	"PUT /api/settings/rubric":      {review.RoleSupervisor, 200, ""},
	"GET /api/settings/overlap":     {review.RoleSupervisor, 200, ""},
	"PUT /api/settings/overlap":     {review.RoleSupervisor, 200, ""},
	"POST /api/imports":             {review.RoleSupervisor, 403, "does not read files from its own disk"},
	"GET /api/adjudication":         {review.RoleSupervisor, 200, ""},
	"GET /api/dashboard":            {review.RoleSupervisor, 200, ""},
	"GET /api/report":               {review.RoleSupervisor, 200, ""},
	"GET /api/rules":                {review.RoleReviewer, 200, ""},
	"PUT /api/rules":                {review.RoleSupervisor, 400, "no rules"},
	"GET /api/llm":                  {review.RoleReviewer, 200, ""},
	"POST /api/items/{id}/suggest":  {review.RoleReviewer, 200, ""},
	"POST /api/items/{id}/rescore":  {review.RoleReviewer, 200, ""},
	"GET /api/items/{id}/rescores":  {review.RoleReviewer, 200, ""},
	"POST /api/rescores":            {review.RoleSupervisor, 202, ""},
	"GET /api/users":                {review.RoleAdmin, 200, ""},
	"POST /api/users":               {review.RoleAdmin, 400, `role "" is not one of`},
	"PATCH /api/users/{name}":       {review.RoleAdmin, 200, ""},

	"POST /api/exports":               {review.RoleSupervisor, 400, `kind "": use gold or feedback`},
	"GET /api/exports/{job}/download": {review.RoleSupervisor, 404, "job nosuchjob not found"},
}

// TestRoleMatrix walks every endpoint with every role and checks who is let in and what they are answered: anonymous
// callers 401, callers without the role 403, and callers with it exactly the endpoint's status, never a 5xx.
func TestRoleMatrix(t *testing.T) {
	svc, srv := teamServer(t)
	llmSrv := fakeOpenAI(t, "株式会社サンプルは産業用ポンプを製造しています。", new(atomic.Int32))
	t.Cleanup(llmSrv.Close)
	svc.cfg.Copilot = fakeCopilot(t, llmSrv.URL) // so that the LLM endpoints answer rather than 503
	seen := map[string]bool{}
	for _, rt := range svc.routes() {
		seen[rt.pattern] = true
		want, ok := endpointRoles[rt.pattern]
		if !ok {
			t.Errorf("route %s is not in the role matrix: add it with the role it needs", rt.pattern)
			continue
		}
		if rt.role != want.role {
			t.Errorf("route %s needs %q, the matrix says %q", rt.pattern, rt.role, want.role)
		}
	}
	for p := range endpointRoles {
		if !seen[p] {
			t.Errorf("the matrix lists %s, which is not a route", p)
		}
	}
	users := []struct {
		name string
		role review.Role
	}{{"", ""}, {"rita", review.RoleReviewer}, {"suki", review.RoleSupervisor}, {"ada", review.RoleAdmin}}
	for _, pattern := range slices.Sorted(maps.Keys(endpointRoles)) {
		ep := endpointRoles[pattern]
		method, path, _ := strings.Cut(pattern, " ")
		path = strings.NewReplacer("{id}", "7000000000003", "{name}", "ren", "{job}", "nosuchjob").Replace(path)
		for _, u := range users {
			as := cmp.Or(string(u.role), "anonymous")
			t.Run(pattern+" as "+as, func(t *testing.T) {
				c := &client{t: t, url: srv.URL, http: srv.Client()}
				if u.name != "" {
					c.bearer = "token-" + u.name
				}
				var body any
				if method != "GET" {
					body = map[string]any{}
				}
				var got struct {
					Code    string `json:"code"`
					Message string `json:"message"`
					Job     string `json:"id"` // of a job the request started
				}
				status := c.try(method, path, body, &got)
				switch {
				case ep.role != public && u.name == "":
					if status != 401 || !strings.Contains(got.Message, "log in") {
						t.Fatalf("anonymous: %d %q, want 401 asking to log in", status, got.Message)
					}
				case ep.role != public && !u.role.Can(ep.role):
					if status != 403 || !strings.Contains(got.Message, "role") {
						t.Fatalf("%s (%s): %d %q, want 403 for lacking the %s role", u.name, u.role, status, got.Message, ep.role)
					}
				case status >= 500:
					t.Fatalf("%s (%s): server error %d %s: %s", u.name, u.role, status, got.Code, got.Message)
				case status != ep.status || (ep.message != "" && !strings.Contains(got.Message, ep.message)):
					t.Fatalf("%s (%s): %d %q, want %d %q", u.name, u.role, status, got.Message, ep.status, ep.message)
				}
				if status == 202 && got.Job != "" {
					waitJob(t, svc, got.Job) // ends before the database closes
				}
			})
		}
	}
}

func TestLoginSessionAndCSRF(t *testing.T) {
	_, srv := teamServer(t)
	c := newClient(t, srv.URL)
	c.do("GET", "/api/me", nil, 401, nil)
	var e map[string]string
	for range loginFailures {
		c.do("POST", "/api/login", map[string]string{"user": "rita", "password": "wrong password!"}, 401, &e)
	}
	c.do("POST", "/api/login", map[string]string{"user": "rita", "password": "correct horse rita"}, 429, &e)
	if !strings.Contains(e["message"], "try again") {
		t.Fatalf("rate limit message: %v", e)
	}
	var login struct {
		User, CSRF string
	}
	c.do("POST", "/api/login", map[string]string{"user": "ren", "password": "correct horse ren"}, 200, &login)
	if login.User != "ren" || login.CSRF == "" {
		t.Fatalf("login: %+v", login)
	}
	c.refresh()
	if c.csrf != login.CSRF {
		t.Fatalf("GET /api/me gives csrf %q, login gave %q", c.csrf, login.CSRF)
	}
	var next claimed
	c.do("POST", "/api/queue/next", nil, 200, &next)
	token := c.csrf
	c.csrf = ""
	c.do("POST", "/api/queue/next", nil, 403, &e)
	c.csrf = "forged"
	c.do("POST", "/api/queue/next", nil, 403, &e)
	c.csrf = token
	c.do("POST", "/api/logout", nil, 200, nil)
	c.do("GET", "/api/me", nil, 401, nil)
}

func TestSecondReviewIsBlind(t *testing.T) {
	svc, srv := teamServer(t)
	ctx := context.Background()
	if err := svc.st.PutSetting(ctx, "suki", "overlap", 1.0); err != nil {
		t.Fatal(err)
	}
	rita := &client{t: t, url: srv.URL, http: srv.Client(), bearer: "token-rita"}
	ren := &client{t: t, url: srv.URL, http: srv.Client(), bearer: "token-ren"}
	suki := &client{t: t, url: srv.URL, http: srv.Client(), bearer: "token-suki"}
	var got claimed
	rita.do("POST", "/api/queue/next", nil, 200, &got)
	first := got.Item
	var dr decisionResponse
	rita.do("POST", "/api/items/"+first.ID+"/decision", map[string]any{"verdict": "accepted", "version": first.Version}, 200, &dr)
	ren.do("POST", "/api/queue/next", nil, 200, &got)
	if got.Item.ID != first.ID || got.Item.Decision != nil || got.Item.Status != review.Pending {
		t.Fatalf("the second reviewer must get %s without its first review: %+v", first.ID, got.Item)
	}
	var hist struct {
		Decisions []review.Decision `json:"decisions"`
	}
	ren.do("GET", "/api/items/"+first.ID+"/history", nil, 200, &hist)
	if len(hist.Decisions) != 0 {
		t.Fatalf("the second reviewer sees the first review in the history: %+v", hist)
	}
	ren.do("POST", "/api/items/"+first.ID+"/decision", map[string]any{"verdict": "rejected", "reasons": []string{"vague"},
		"version": got.Item.Version}, 200, &dr)
	var disputes struct {
		Disputes []Dispute `json:"disputes"`
	}
	suki.do("GET", "/api/adjudication", nil, 200, &disputes)
	if len(disputes.Disputes) != 1 || len(disputes.Disputes[0].Decisions) != 2 {
		t.Fatalf("adjudication queue: %+v", disputes)
	}
	d := disputes.Disputes[0]
	var e map[string]string
	ren.do("POST", "/api/items/"+first.ID+"/decision", map[string]any{"verdict": "accepted", "version": d.Item.Version}, 403, &e)
	suki.do("POST", "/api/items/"+first.ID+"/decision", map[string]any{"verdict": "accepted", "version": d.Item.Version}, 200, &dr)
	rec, _ := svc.Item(ctx, first.ID)
	if rec.Overlap != review.Adjudicated || rec.Status != review.Status(review.Accepted) {
		t.Fatalf("after adjudication: %+v", rec)
	}
}

// TestSecondReviewIsBlindInLists checks that no list filter, total or conflict tells a second reviewer the verdict of
// the first review or who gave it (issue 10: `GET /api/items?status=accepted` and `?reviewer=rita` used to list the
// item to ren with rita's decision stripped, which said both), while its first reviewer and supervisors still find it.
func TestSecondReviewIsBlindInLists(t *testing.T) {
	svc, srv := teamServer(t)
	if err := svc.st.PutSetting(context.Background(), "suki", "overlap", 1.0); err != nil {
		t.Fatal(err)
	}
	clients := map[string]*client{}
	for _, u := range []string{"rita", "ren", "suki"} {
		clients[u] = &client{t: t, url: srv.URL, http: srv.Client(), bearer: "token-" + u}
	}
	var got claimed
	clients["rita"].do("POST", "/api/queue/next", nil, 200, &got)
	first := got.Item
	clients["rita"].do("POST", "/api/items/"+first.ID+"/decision", map[string]any{"verdict": "accepted", "version": first.Version}, 200, nil)

	// get fetches as a user and fails on any sign of rita's review in what ren is sent.
	get := func(t *testing.T, user, path string, out any) {
		t.Helper()
		c := *clients[user]
		c.t = t
		var raw json.RawMessage
		c.do("GET", path, nil, 200, &raw)
		if user == "ren" && (strings.Contains(string(raw), "rita") || strings.Contains(string(raw), `"accepted"`)) {
			t.Fatalf("GET %s tells ren about rita's review: %s", path, raw)
		}
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatal(err)
		}
	}
	const items = 8
	tests := []struct {
		query string
		// total is what each user's list counts; listed whether it holds the item
		total  map[string]int
		listed map[string]bool
	}{
		{"status=accepted", map[string]int{"ren": 0, "rita": 1, "suki": 1}, map[string]bool{"rita": true, "suki": true}},
		{"status=accepted,edited,rejected", map[string]int{"ren": 0, "rita": 1, "suki": 1}, map[string]bool{"rita": true, "suki": true}},
		{"reviewer=rita", map[string]int{"ren": 0, "rita": 1, "suki": 1}, map[string]bool{"rita": true, "suki": true}},
		{"reviewer=rita&sort=id", map[string]int{"ren": 0, "rita": 1, "suki": 1}, map[string]bool{"rita": true, "suki": true}},
		{"status=accepted&reviewer=rita&q=" + first.Company, map[string]int{"ren": 0, "rita": 1, "suki": 1},
			map[string]bool{"rita": true, "suki": true}},
		{"status=pending", map[string]int{"ren": items, "rita": items - 1, "suki": items - 1}, map[string]bool{"ren": true}},
		{"status=pending&sort=-updated", map[string]int{"ren": items, "rita": items - 1, "suki": items - 1}, map[string]bool{"ren": true}},
		{"", map[string]int{"ren": items, "rita": items, "suki": items}, map[string]bool{"ren": true, "rita": true, "suki": true}},
	}
	for _, tc := range tests {
		for _, user := range []string{"ren", "rita", "suki"} {
			t.Run(user+" "+tc.query, func(t *testing.T) {
				var page struct {
					Items []review.Record `json:"items"`
					Total int             `json:"total"`
				}
				q, err := url.ParseQuery(tc.query)
				if err != nil {
					t.Fatal(err)
				}
				get(t, user, "/api/items?"+q.Encode(), &page)
				listed := false
				for _, rec := range page.Items {
					if rec.ID != first.ID {
						continue
					}
					listed = true
					if user == "ren" && (rec.Status != review.Pending || rec.Decision != nil) {
						t.Fatalf("ren sees %s as %s with decision %+v; want pending without one", rec.ID, rec.Status, rec.Decision)
					}
					if user != "ren" && (rec.Status != review.Status(review.Accepted) || rec.Decision == nil || rec.Decision.Reviewer != "rita") {
						t.Fatalf("%s sees %s as %s with decision %+v; want rita's acceptance", user, rec.ID, rec.Status, rec.Decision)
					}
				}
				if listed != tc.listed[user] || page.Total != tc.total[user] {
					t.Fatalf("listed %v with total %d, want %v with total %d", listed, page.Total, tc.listed[user], tc.total[user])
				}
			})
		}
	}
	t.Run("ren opens the item", func(t *testing.T) {
		var v itemView
		get(t, "ren", "/api/items/"+first.ID, &v)
		if v.Status != review.Pending || v.Decision != nil {
			t.Fatalf("ren sees %s with decision %+v", v.Status, v.Decision)
		}
	})
	t.Run("ren decides on the version opened before rita", func(t *testing.T) {
		var e map[string]string
		ren := *clients["ren"]
		ren.t = t
		ren.do("POST", "/api/items/"+first.ID+"/decision", map[string]any{"verdict": "rejected", "reasons": []string{"vague"},
			"version": first.Version}, 409, &e)
		if strings.Contains(e["message"], "rita") || strings.Contains(e["message"], "accepted") {
			t.Fatalf("the conflict tells ren about rita's review: %s", e["message"])
		}
	})
}

func TestServerWithoutAccountsIsSolo(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "solo.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := New(context.Background(), st, Config{User: "kim"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc.Handler(nil))
	defer srv.Close()
	c := newClient(t, srv.URL)
	var me struct {
		User, Mode, CSRF string
	}
	c.do("GET", "/api/me", nil, 200, &me)
	if me.User != "kim" || me.Mode != "solo" || me.CSRF == "" {
		t.Fatalf("solo me: %+v", me)
	}
	c.csrf = ""
	c.do("POST", "/api/undo", nil, 403, nil) // a page on another site cannot post without the token
}

// TestOverlapSetting checks that the settings screen reads back the double-review rate it saved, and that a refused
// rate leaves the one in force.
func TestOverlapSetting(t *testing.T) {
	_, srv := teamServer(t)
	suki := &client{t: t, url: srv.URL, http: srv.Client(), bearer: "token-suki"}
	steps := []struct {
		name     string
		put      any
		status   int
		wantRate float64
	}{
		{name: "never set", wantRate: 0},
		{name: "a quarter", put: map[string]float64{"rate": 0.25}, status: 200, wantRate: 0.25},
		{name: "above one is refused", put: map[string]float64{"rate": 1.5}, status: 400, wantRate: 0.25},
		{name: "off again", put: map[string]float64{"rate": 0}, status: 200, wantRate: 0},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			suki.t = t
			if st.put != nil {
				suki.do("PUT", "/api/settings/overlap", st.put, st.status, nil)
			}
			var got struct {
				Rate float64 `json:"rate"`
			}
			suki.do("GET", "/api/settings/overlap", nil, 200, &got)
			if got.Rate != st.wantRate {
				t.Fatalf("rate %v, want %v", got.Rate, st.wantRate)
			}
		})
	}
}
