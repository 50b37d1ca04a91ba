package app

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"reviewdesk/review"
	"reviewdesk/store"
)

// testService opens a service on a new database holding n items with falling scores.
func testService(t testing.TB, n int) *Service {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "app.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := New(ctx, st, Config{User: "sato", Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	im, err := st.BeginImport(ctx, "test", "jsonl", "sato", review.Rubric{})
	if err != nil {
		t.Fatal(err)
	}
	rules := svc.Rules()
	for i := range n {
		it := review.Item{
			ID: fmt.Sprintf("70000000000%02d", i), Company: fmt.Sprintf("株式会社サンプル%d", i),
			Source:  "株式会社サンプルは大阪府で産業用ポンプを製造しています。",
			Summary: fmt.Sprintf("株式会社サンプル%dは、大阪府で産業用ポンプを製造する会社です。", i),
			Score:   float64(10 - i%10), MaxScore: 10, Scores: map[string]float64{"business": 4},
		}
		if i == 1 {
			it.Summary = "我々は大阪府で産業用ポンプを製造しています。"
		}
		if _, err := im.Put(&it, rules.Check(it.Summary, it.Source), rules.Version); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := im.Commit("sato"); err != nil {
		t.Fatal(err)
	}
	return svc
}

// queryRow reads the service's database directly, to check what was stored.
func queryRow(t *testing.T, svc *Service, query string, args ...any) *sql.Row {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+svc.st.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db.QueryRow(query, args...)
}

// client calls the API and decodes JSON answers, carrying a session cookie and the CSRF token like the frontend.
type client struct {
	t      *testing.T
	url    string
	csrf   string
	bearer string
	http   *http.Client
}

func newClient(t *testing.T, url string) *client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, url: url, http: &http.Client{Jar: jar}}
	c.refresh()
	return c
}

// refresh reads the CSRF token, as the frontend does at start and after logging in.
func (c *client) refresh() {
	c.t.Helper()
	var me struct {
		CSRF string `json:"csrf"`
	}
	if status := c.try("GET", "/api/me", nil, &me); status == 200 {
		c.csrf = me.CSRF
	}
}

func (c *client) do(method, path string, body any, want int, out any) {
	c.t.Helper()
	if got := c.try(method, path, body, out); got != want {
		c.t.Fatalf("%s %s: status %d, want %d", method, path, got, want)
	}
}

// try makes a request and returns its status; a JSON answer is decoded into out, whatever the status.
func (c *client) try(method, path string, body any, out any) int {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.url+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if out != nil && len(raw) > 0 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	return res.StatusCode
}

type claimed struct {
	Item  *itemView `json:"item"`
	Empty bool      `json:"queue_empty"`
}

// TestScriptedSession walks a reviewer's session over the HTTP API and checks that the database holds exactly the
// decisions made: claim, accept, edit, reject with reasons, skip, undo.
func TestScriptedSession(t *testing.T) {
	svc := testService(t, 6)
	srv := httptest.NewServer(svc.Handler(nil))
	defer srv.Close()
	c := newClient(t, srv.URL)
	started := time.Now().Add(-20 * time.Second)

	next := func() *itemView {
		t.Helper()
		var r claimed
		c.do("POST", "/api/queue/next", nil, 200, &r)
		if r.Item == nil {
			t.Fatal("queue is empty")
		}
		return r.Item
	}
	decide := func(it *itemView, sub map[string]any, want int) review.Decision {
		t.Helper()
		sub["version"] = it.Version
		sub["started_at"] = started
		var r decisionResponse
		c.do("POST", "/api/items/"+it.ID+"/decision", sub, want, &r)
		return r.Decision
	}

	a := next() // score 10
	decide(a, map[string]any{"verdict": "accepted"}, 200)
	b := next() // score 9: the first-person summary
	if len(b.Hints) == 0 || b.Hints[0].Rule != "first_person" {
		t.Fatalf("item %s: want a first_person hint, got %+v", b.ID, b.Hints)
	}
	if !bytes.Contains([]byte(b.SummaryHTML), []byte(`<mark class="hint hint-first_person`)) {
		t.Fatalf("summary_html does not mark the hint: %s", b.SummaryHTML)
	}
	edited := "株式会社サンプル1は、大阪府で産業用ポンプを製造しています。"
	d := decide(b, map[string]any{"verdict": "edited", "text": edited, "reasons": []string{"first_person"}}, 200)
	if d.Verdict != review.Edited || d.FinalText != edited {
		t.Fatalf("edit: %+v", d)
	}
	cItem := next()
	decide(cItem, map[string]any{"verdict": "rejected"}, 400) // a rejection needs a reason
	decide(cItem, map[string]any{"verdict": "rejected", "reasons": []string{"vague", "generic"}, "comment": "says nothing"}, 200)
	dItem := next()
	decide(dItem, map[string]any{"verdict": "skipped"}, 200)
	eItem := next()
	decide(eItem, map[string]any{"verdict": "accepted"}, 200)
	// Undo the last acceptance: the item comes back, leased to the reviewer.
	var undo struct {
		Undone review.Decision `json:"undone"`
		Item   itemView        `json:"item"`
	}
	c.do("POST", "/api/undo", nil, 200, &undo)
	if undo.Undone.ItemID != eItem.ID || undo.Item.Status != review.Pending {
		t.Fatalf("undo: %+v", undo)
	}
	if again := next(); again.ID != eItem.ID {
		t.Fatalf("after undo the next item should be %s again, got %s", eItem.ID, again.ID)
	}
	// A decision on the version seen before the undo is refused.
	decide(eItem, map[string]any{"verdict": "accepted"}, 409)

	want := map[string]struct {
		status   review.Status
		verdicts []review.Verdict
	}{
		a.ID:     {review.Status(review.Accepted), []review.Verdict{review.Accepted}},
		b.ID:     {review.Status(review.Edited), []review.Verdict{review.Edited}},
		cItem.ID: {review.Status(review.Rejected), []review.Verdict{review.Rejected}},
		dItem.ID: {review.Status(review.Skipped), []review.Verdict{review.Skipped}},
		eItem.ID: {review.Pending, []review.Verdict{review.Accepted}},
	}
	ctx := context.Background()
	for id, w := range want {
		rec, err := svc.Item(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		hist, err := svc.History(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var got []review.Verdict
		for _, h := range hist {
			got = append(got, h.Verdict)
			if h.Reviewer != "sato" || h.Seconds < 19 {
				t.Errorf("%s: decision %+v: want reviewer sato and about 20 seconds", id, h)
			}
		}
		if rec.Status != w.status || fmt.Sprint(got) != fmt.Sprint(w.verdicts) {
			t.Errorf("%s: status %s history %v, want %s %v", id, rec.Status, got, w.status, w.verdicts)
		}
	}
	hist, _ := svc.History(ctx, eItem.ID)
	if hist[0].UndoneAt == nil {
		t.Errorf("the undone decision must stay in the history, marked undone")
	}
	rej, _ := svc.Item(ctx, cItem.ID)
	if fmt.Sprint(rej.Decision.Reasons) != "[vague generic]" || rej.Decision.Comment != "says nothing" {
		t.Errorf("rejection reasons: %+v", rej.Decision)
	}
	var st Stats
	c.do("GET", "/api/stats", nil, 200, &st)
	if st.Reviewed != 3 || st.ByStatus[review.Status(review.Skipped)] != 1 || st.Total != 6 {
		t.Errorf("stats: %+v", st)
	}
}

func TestAPIErrors(t *testing.T) {
	svc := testService(t, 2)
	srv := httptest.NewServer(svc.Handler(nil))
	defer srv.Close()
	c := newClient(t, srv.URL)
	var e map[string]string
	c.do("GET", "/api/items/nope", nil, 404, &e)
	if e["code"] != "not_found" || e["message"] == "" {
		t.Fatalf("not found error: %v", e)
	}
	c.do("GET", "/api/items?sort=sideways", nil, 400, &e)
	c.do("GET", "/api/items?min_score=high", nil, 400, &e)
	c.do("POST", "/api/items/7000000000000/decision", map[string]any{"verdict": "maybe"}, 400, &e)
	c.do("POST", "/api/items/7000000000000/decision", map[string]any{"verdict": "accepted", "bogus": 1}, 400, &e)
	c.do("GET", "/api/nothing-here", nil, 404, &e)
	c.do("POST", "/api/undo", nil, 404, &e)
	var page review.Page
	c.do("GET", "/api/items?rule=first_person", nil, 200, &page)
	if page.Total != 1 {
		t.Fatalf("rule filter: %+v", page)
	}
}

func TestRulesEditedByASupervisor(t *testing.T) {
	svc := testService(t, 2)
	srv := httptest.NewServer(svc.Handler(nil))
	defer srv.Close()
	c := newClient(t, srv.URL)
	var view rulesView
	c.do("GET", "/api/rules", nil, 200, &view)
	if len(view.Rules) < 8 || !view.Editable {
		t.Fatalf("rules view: %d rules, editable %v", len(view.Rules), view.Editable)
	}
	before := view.Version
	// A rules file with one more word for first_person: the new word is flagged, and the version changes.
	var file map[string]any
	json.Unmarshal(view.File, &file)
	for _, r := range file["rules"].([]any) {
		rule := r.(map[string]any)
		if rule["id"] == "first_person" {
			rule["words"] = append(rule["words"].([]any), "小社")
		}
	}
	var e map[string]string
	c.do("PUT", "/api/rules", map[string]any{"rules": "not a list"}, 400, &e)
	c.do("PUT", "/api/rules", file, 200, &view)
	if view.Version == before {
		t.Fatal("the rules version did not change")
	}
	var hints struct{ Hints []review.Hint }
	c.do("POST", "/api/hints", map[string]string{"summary": "小社は大阪府の会社です。"}, 200, &hints)
	if len(hints.Hints) == 0 || hints.Hints[0].Rule != "first_person" {
		t.Fatalf("the new word is not flagged: %+v", hints.Hints)
	}
	// Saved in the database: a new service on it uses the supervisor's rules.
	again, err := New(context.Background(), svc.st, Config{User: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if again.Rules().Version != view.Version {
		t.Fatalf("a restarted service uses rules %s, want %s", again.Rules().Version, view.Version)
	}
}

// The search indexer takes small batches while reviewers write and larger ones while nobody does; reads do not
// count as writing.
func TestIndexBatchFollowsWrites(t *testing.T) {
	svc := testService(t, 6)
	srv := httptest.NewServer(svc.Handler(nil))
	defer srv.Close()
	c := newClient(t, srv.URL)
	if svc.busy() || svc.indexBatch() != 500 {
		t.Fatalf("before any request: busy %v, batch %d", svc.busy(), svc.indexBatch())
	}
	c.do("GET", "/api/items", nil, 200, nil)
	if svc.busy() {
		t.Fatal("a GET made the indexer think people are deciding")
	}
	c.do("POST", "/api/queue/next", map[string]any{}, 200, nil)
	if !svc.busy() || svc.indexBatch() != 100 {
		t.Fatalf("after a claim: busy %v, batch %d", svc.busy(), svc.indexBatch())
	}
	svc.lastWrite.Store(time.Now().Add(-3 * time.Second).UnixNano())
	if svc.busy() || svc.indexBatch() != 500 {
		t.Fatalf("three seconds after the last write: busy %v, batch %d", svc.busy(), svc.indexBatch())
	}
}
