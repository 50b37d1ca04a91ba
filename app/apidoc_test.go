package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"reviewdesk/llm"
	"reviewdesk/review"
	"reviewdesk/store"
)

var apidocDump = flag.String("apidoc.dump", "", "TestAPIDoc: write every real response to this file, to update docs/api.md from")

// The examples in docs/api.md name these jobs, which apidocServer starts before they run; a request path that
// holds one of these ids gets the real job's id instead.
const (
	docImportJob = "9f1c2a7b3d4e5f60"
	docExportJob = "0b7e41c9d2a85f36"
)

// docExample is one example of docs/api.md: a ```http request block, then, after a line "Response NNN:", a ```json
// block (a JSON answer) or a ```http block (headers, a blank line and the start of the body: downloads, events).
type docExample struct {
	route  string // "POST /api/items/{id}/decision", from the ### heading
	line   int
	method string
	target string // path and query
	header http.Header
	body   string

	status   int
	respKind string // json or http
	respHead http.Header
	respBody string
}

var (
	docHeading  = regexp.MustCompile("^### `([A-Z]+) (/[^`?\\[ ]*)")
	docRequest  = regexp.MustCompile(`^([A-Z]+) (/\S*)$`)
	docResponse = regexp.MustCompile(`^Response (\d{3})\b`)
	docHeader   = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9-]*): (.*)$`)
)

// parseAPIDoc returns the examples in the order of the file, and every route that has a heading.
func parseAPIDoc(t *testing.T, doc string) ([]docExample, map[string]int) {
	t.Helper()
	lines := strings.Split(doc, "\n")
	headings := map[string]int{}
	var out []docExample
	route, prev := "", ""
	var pending *docExample
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "## ") || strings.HasPrefix(l, "### "):
			if pending != nil {
				t.Errorf("docs/api.md:%d: the request has no \"Response NNN:\" block", pending.line)
				pending = nil
			}
			route = ""
			if m := docHeading.FindStringSubmatch(l); m != nil {
				route = m[1] + " " + m[2]
				headings[route] = i + 1
			}
		case strings.HasPrefix(l, "```"):
			info, start := strings.TrimSpace(strings.TrimPrefix(l, "```")), i+1
			var block []string
			for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
				block = append(block, lines[i])
			}
			if route == "" {
				break
			}
			if m := docResponse.FindStringSubmatch(prev); m != nil {
				if pending == nil {
					t.Errorf("docs/api.md:%d: a response without a ```http request block before it", start)
					break
				}
				pending.status, _ = strconv.Atoi(m[1])
				pending.respKind = info
				if info == "http" {
					pending.respHead, pending.respBody = splitHTTP(block)
				} else {
					pending.respBody = strings.Join(block, "\n")
				}
				out = append(out, *pending)
				pending = nil
			} else if info == "http" && len(block) > 0 {
				if pending != nil {
					t.Errorf("docs/api.md:%d: the request has no \"Response NNN:\" block", pending.line)
				}
				m := docRequest.FindStringSubmatch(block[0])
				if m == nil {
					t.Errorf("docs/api.md:%d: a request block starts with METHOD /path, not %q", start+1, block[0])
					pending = nil
					break
				}
				ex := docExample{route: route, line: start + 1, method: m[1], target: m[2]}
				ex.header, ex.body = splitHTTP(block[1:])
				pending = &ex
			}
		}
		if strings.TrimSpace(l) != "" {
			prev = l
		}
	}
	if pending != nil {
		t.Errorf("docs/api.md:%d: the request has no \"Response NNN:\" block", pending.line)
	}
	return out, headings
}

// splitHTTP reads header lines up to a blank line (or the first line that is not a header); the rest is the body.
func splitHTTP(lines []string) (http.Header, string) {
	h := http.Header{}
	i := 0
	for ; i < len(lines); i++ {
		m := docHeader.FindStringSubmatch(lines[i])
		if m == nil {
			break
		}
		h.Add(m[1], m[2])
	}
	if i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	return h, strings.Join(lines[i:], "\n")
}

// TestAPIDoc runs the example of every endpoint in docs/api.md, in the order of the file, against the real handler
// on a real database, and checks the documented response against the real one: the same status, and every key of
// the documented JSON in the real one with the same JSON type (values differ: ids, times, counts). null stands for
// any type (a rate over nothing is null), a key "..." for keys left out, and an array's documented elements are
// checked against the real ones (long arrays are trimmed to one element). Event streams must send the documented
// event names in the documented order (repeats collapsed).
func TestAPIDoc(t *testing.T) {
	raw, err := os.ReadFile("../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	examples, headings := parseAPIDoc(t, string(raw))
	svc, srv, jobIDs := apidocServer(t)
	roles := map[string]review.Role{}
	for _, rt := range svc.routes() {
		roles[rt.pattern] = rt.role
	}
	documented := map[string]bool{}
	for _, ex := range examples {
		documented[ex.route] = true
	}
	for _, rt := range svc.routes() {
		if _, ok := headings[rt.pattern]; !ok {
			t.Errorf("route %s has no ### `%s` heading in docs/api.md", rt.pattern, rt.pattern)
		} else if !documented[rt.pattern] {
			t.Errorf("docs/api.md:%d: %s has no example (a ```http request block and a \"Response NNN:\" block)", headings[rt.pattern], rt.pattern)
		}
	}
	for h, line := range headings {
		if _, ok := roles[h]; !ok {
			t.Errorf("docs/api.md:%d documents %s, which is not a route", line, h)
		}
	}
	var dump bytes.Buffer
	tokens := map[review.Role]string{review.RoleReviewer: "token-rita", review.RoleSupervisor: "token-suki", review.RoleAdmin: "token-ada"}
	for _, ex := range examples {
		t.Run(fmt.Sprintf("%s (line %d)", ex.route, ex.line), func(t *testing.T) {
			target := ex.target
			for doc, real := range jobIDs {
				target = strings.ReplaceAll(target, doc, real)
			}
			res := apidocDo(t, srv, ex.method, target, ex.header, ex.body, tokens[roles[ex.route]])
			fmt.Fprintf(&dump, "### docs/api.md:%d %s %s\n%d\n", ex.line, ex.method, ex.target, res.status)
			for _, k := range []string{"Content-Type", "Content-Disposition"} {
				if v := res.header.Get(k); v != "" {
					fmt.Fprintf(&dump, "%s: %s\n", k, v)
				}
			}
			fmt.Fprintf(&dump, "\n%s\n\n", res.body)
			if res.status != ex.status {
				t.Fatalf("status %d, docs/api.md:%d says %d; the real response:\n%s", res.status, ex.line, ex.status, clip(res.body))
			}
			var problems []string
			switch ex.respKind {
			case "json":
				problems = jsonShape(ex.respBody, res)
			case "http":
				problems = httpShape(ex, res)
			default:
				problems = []string{fmt.Sprintf("a response block is ```json or ```http, not ```%s", ex.respKind)}
			}
			if len(problems) > 0 {
				t.Errorf("docs/api.md:%d: the documented response does not match the real one:\n  %s\nthe real response:\n%s",
					ex.line, strings.Join(problems, "\n  "), clip(res.body))
			}
		})
	}
	if *apidocDump != "" {
		if err := os.WriteFile(*apidocDump, dump.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type apidocResponse struct {
	status int
	header http.Header
	body   string
}

// apidocDo sends one example request with the API token of a user who has the route's role. Examples leave out
// the login they need: documented Authorization, Cookie and X-CSRF-Token headers are replaced.
func apidocDo(t *testing.T, srv *httptest.Server, method, target string, header http.Header, body, token string) apidocResponse {
	t.Helper()
	ct := header.Get("Content-Type")
	if strings.HasPrefix(ct, "multipart/") && !strings.Contains(body, "\r\n") {
		// Documented multipart bodies are written with plain line ends; the wire format wants CRLF.
		body = strings.ReplaceAll(body, "\n", "\r\n") + "\r\n"
	}
	req, err := http.NewRequest(method, srv.URL+target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		if k != "Authorization" && k != "Cookie" && k != "X-Csrf-Token" {
			req.Header[k] = vs
		}
	}
	if body != "" && ct == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return apidocResponse{res.StatusCode, res.Header, string(b)}
}

func clip(s string) string {
	if len(s) > 4000 {
		return s[:4000] + "…"
	}
	return s
}

func jsonShape(doc string, res apidocResponse) []string {
	if mt, _, _ := mime.ParseMediaType(res.header.Get("Content-Type")); mt != "application/json" {
		return []string{fmt.Sprintf("the response is %q, not JSON", res.header.Get("Content-Type"))}
	}
	var want, got any
	if err := json.Unmarshal([]byte(doc), &want); err != nil {
		return []string{fmt.Sprintf("the documented response is not JSON: %v", err)}
	}
	if err := json.Unmarshal([]byte(res.body), &got); err != nil {
		return []string{fmt.Sprintf("the real response is not JSON: %v", err)}
	}
	return sameShape("$", want, got)
}

// sameShape lists where got lacks a key of want or holds another JSON type.
func sameShape(path string, want, got any) []string {
	if want == nil || got == nil {
		return nil
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: documented an object, got %s", path, jsonType(got))}
		}
		var out []string
		for k, v := range w {
			if k == "..." {
				continue
			}
			gv, ok := g[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s.%s: documented, missing from the real response", path, k))
				continue
			}
			out = append(out, sameShape(path+"."+k, v, gv)...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: documented an array, got %s", path, jsonType(got))}
		}
		if len(w) > 0 && len(g) == 0 {
			return []string{fmt.Sprintf("%s: documented elements, the real array is empty", path)}
		}
		var out []string
		for i, v := range w {
			out = append(out, sameShape(fmt.Sprintf("%s[%d]", path, i), v, g[min(i, len(g)-1)])...)
		}
		return out
	}
	if jsonType(want) != jsonType(got) {
		return []string{fmt.Sprintf("%s: documented %s, got %s", path, jsonType(want), jsonType(got))}
	}
	return nil
}

func jsonType(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

// httpShape checks a documented header block: each header is sent (Content-Type with the same media type), and an
// event stream sends the documented events.
func httpShape(ex docExample, res apidocResponse) []string {
	var out []string
	for k := range ex.respHead {
		got := res.header.Get(k)
		switch {
		case got == "":
			out = append(out, fmt.Sprintf("header %s: documented, not sent", k))
		case k == "Content-Type":
			want, _, _ := mime.ParseMediaType(ex.respHead.Get(k))
			if mt, _, _ := mime.ParseMediaType(got); mt != want {
				out = append(out, fmt.Sprintf("Content-Type %q, documented %q", got, ex.respHead.Get(k)))
			}
		}
	}
	if mt, _, _ := mime.ParseMediaType(ex.respHead.Get("Content-Type")); mt == "text/event-stream" {
		want, got := sseEvents(ex.respBody), sseEvents(res.body)
		if a, b := eventNames(want), eventNames(got); a != b {
			out = append(out, fmt.Sprintf("events %s, documented %s", b, a))
		}
		for _, w := range want {
			for _, g := range got {
				if g.name == w.name {
					var wv, gv any
					if json.Unmarshal([]byte(w.data), &wv) == nil && json.Unmarshal([]byte(g.data), &gv) == nil {
						out = append(out, sameShape("event "+w.name, wv, gv)...)
					}
					break
				}
			}
		}
	}
	return out
}

type sseEvent struct{ name, data string }

func sseEvents(body string) []sseEvent {
	var evs []sseEvent
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if name, ok := strings.CutPrefix(l, "event: "); ok {
			evs = append(evs, sseEvent{name: name})
		} else if data, ok := strings.CutPrefix(l, "data: "); ok && len(evs) > 0 {
			evs[len(evs)-1].data += data
		}
	}
	return evs
}

// eventNames is the events' names in order, a run of one name counted once: the number of deltas varies.
func eventNames(evs []sseEvent) string {
	var names []string
	for _, e := range evs {
		if len(names) == 0 || names[len(names)-1] != e.name {
			names = append(names, e.name)
		}
	}
	return strings.Join(names, ", ")
}

// apidocJudge answers as an OpenAI-compatible server: a streamed fix, or a judge's scores for the fixture's rubric.
func apidocJudge(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Messages []struct{ Content string }
		}
		json.NewDecoder(r.Body).Decode(&req)
		if prompt := req.Messages[len(req.Messages)-1].Content; strings.Contains(prompt, "JSON") || strings.Contains(prompt, "採点") {
			answer := `{"scores":{"business":4,"third_person":3,"relevance":2},"rationale":"事業内容と所在地が明確"}`
			fmt.Fprintf(w, `{"id":"c","object":"chat.completion","created":1,"model":"judge","choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}],"usage":{"prompt_tokens":420,"completion_tokens":30,"total_tokens":450}}`, answer)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		for _, part := range []string{"株式会社サンプル5は、", "京都府で木材製品を製造する会社です。"} {
			b, _ := json.Marshal(part)
			fmt.Fprintf(w, "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"fixer\",\"choices\":[{\"index\":0,\"delta\":{\"content\":%s}}]}\n\n", b)
			w.(http.Flusher).Flush()
		}
		fmt.Fprint(w, "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"fixer\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":300,\"completion_tokens\":40,\"total_tokens\":340}}\n\ndata: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// apidocServer is a team server on a new database with the items of testdata/apidoc/items.jsonl and work done on
// them, so that every example has something to show: decisions by two reviewers, a dispute, an LLM suggestion
// taken, a batch rescore, a finished import and a finished export. Accounts: rita and ren (reviewers), suki
// (supervisor), ada (admin), each with the API token token-NAME. The clock starts at 2026-11-25T10:02:00Z.
func apidocServer(t *testing.T) (*Service, *httptest.Server, map[string]string) {
	t.Helper()
	ctx := context.Background()
	base, started := time.Date(2026, 11, 25, 10, 2, 0, 0, time.UTC), time.Now()
	clock := func() time.Time { return base.Add(time.Since(started)) }
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "apidoc.db"), store.Options{Now: clock, DayZone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	copilot, err := llm.New(llm.Config{BaseURL: apidocJudge(t).URL, FixModel: "fixer", JudgeModel: "judge", PriceIn: 0.15,
		PriceOut: 0.6, RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond},
		func(name string) string { return map[string]string{llm.DefaultAPIKeyEnv: fakeKey}[name] })
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(ctx, st, Config{User: "ada", Team: true, Copilot: copilot, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	for _, u := range []struct {
		name string
		role review.Role
	}{{"rita", review.RoleReviewer}, {"ren", review.RoleReviewer}, {"suki", review.RoleSupervisor}, {"ada", review.RoleAdmin}} {
		if err := svc.AddUser(ctx, "ada", u.name, u.role, "correct horse "+u.name); err != nil {
			t.Fatal(err)
		}
		if err := st.AddToken(ctx, "ada", u.name, "apidoc", "token-"+u.name); err != nil {
			t.Fatal(err)
		}
	}
	discard := 4.0
	if err := svc.SetRubric(ctx, "suki", review.Rubric{MaxScore: 10, DiscardBelow: &discard, Configured: true,
		Criteria: []review.Criterion{{Name: "business", Max: 4}, {Name: "third_person", Max: 3}, {Name: "relevance", Max: 3}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Import(ctx, []string{"testdata/apidoc/items.jsonl"}, ImportOptions{Actor: "suki"}, nil); err != nil {
		t.Fatal(err)
	}
	rita, ren := Identity{"rita", review.RoleReviewer}, Identity{"ren", review.RoleReviewer}
	decide := func(who Identity, id string, sub review.Submission) {
		t.Helper()
		rec, err := svc.Item(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		sub.Version, sub.StartedAt = rec.Version, svc.now().Add(-25*time.Second)
		if _, err := svc.Decide(ctx, who, id, sub); err != nil {
			t.Fatalf("%s decides %s: %v", who.User, id, err)
		}
	}
	// 7000000000000 goes to both reviewers, who disagree.
	if err := st.PutSetting(ctx, "suki", overlapSetting, 1.0); err != nil {
		t.Fatal(err)
	}
	decide(rita, "7000000000000", review.Submission{Verdict: review.Accepted})
	decide(ren, "7000000000000", review.Submission{Verdict: review.Rejected, Reasons: []string{"generic"}, Comment: "says what any maker would"})
	if err := st.PutSetting(ctx, "suki", overlapSetting, 0.0); err != nil {
		t.Fatal(err)
	}
	decide(rita, "7000000000002", review.Submission{Verdict: review.Rejected, Reasons: []string{"vague", "generic"}, Comment: "says nothing"})
	if _, err := svc.SuggestFix(ctx, "rita", "7000000000004", "", func(string) {}); err != nil {
		t.Fatal(err)
	}
	decide(rita, "7000000000004", review.Submission{Verdict: review.Edited, Text: "株式会社サンプル4は、北海道で医療機器を製造する会社です。",
		Reasons: []string{"vague"}})
	decide(rita, "7000000000006", review.Submission{Verdict: review.Accepted, Checks: map[string]bool{"third_person": true}})
	decide(ren, "7000000000005", review.Submission{Verdict: review.Accepted})
	decide(ren, "7000000000007", review.Submission{Verdict: review.Skipped})
	decide(ren, "7000000000008", review.Submission{Verdict: review.Rejected, Reasons: []string{"off_topic"}})
	if _, err := svc.RescoreBatch(ctx, "suki", "2025-10-b", nil); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc.Handler(nil))
	t.Cleanup(srv.Close)
	// Jobs the examples start (a re-hint waits for held items as long as a lease lasts) stop before the database
	// closes.
	t.Cleanup(func() {
		svc.jobs.mu.Lock()
		var running []string
		for id, j := range svc.jobs.byID {
			if j.State == "running" {
				j.cancel()
				running = append(running, id)
			}
		}
		svc.jobs.mu.Unlock()
		for _, id := range running {
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				if j, _ := svc.Job(id); j.State != "running" {
					break
				}
			}
		}
	})

	var upload bytes.Buffer
	mw := multipart.NewWriter(&upload)
	fw, _ := mw.CreateFormFile("file", "more.jsonl")
	f, err := os.ReadFile("testdata/apidoc/more.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(f)
	mw.Close()
	imp := apidocDo(t, srv, "POST", "/api/imports", http.Header{"Content-Type": {mw.FormDataContentType()}}, upload.String(), "token-suki")
	exp := apidocDo(t, srv, "POST", "/api/exports", nil, `{"kind": "gold", "format": "jsonl"}`, "token-suki")
	ids := map[string]string{}
	for doc, res := range map[string]apidocResponse{docImportJob: imp, docExportJob: exp} {
		var j Job
		if err := json.Unmarshal([]byte(res.body), &j); err != nil || res.status != http.StatusAccepted {
			t.Fatalf("start a job: %d %s", res.status, res.body)
		}
		for deadline := time.Now().Add(30 * time.Second); j.State == "running"; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("job %s still running", j.ID)
			}
			j, _ = svc.Job(j.ID)
		}
		if j.State != "done" {
			t.Fatalf("job %s: %s %s", j.ID, j.State, j.Error)
		}
		ids[doc] = j.ID
	}
	return svc, srv, ids
}

// TestAPIDocShape checks the comparison TestAPIDoc relies on: it must catch a lost key or a changed type.
func TestAPIDocShape(t *testing.T) {
	cases := []struct {
		name, doc, real string
		problems        int
	}{
		{"same keys, other values", `{"id": 1, "name": "a", "tags": ["x"]}`, `{"id": 7, "name": "b", "tags": ["y", "z"], "new": true}`, 0},
		{"a key lost", `{"id": 1, "name": "a"}`, `{"id": 1}`, 1},
		{"a type changed", `{"id": 1}`, `{"id": "1"}`, 1},
		{"nested", `{"item": {"hints": [{"rule": "r"}]}}`, `{"item": {"hints": [{"rule": 3}]}}`, 1},
		{"documented elements, none real", `{"hints": [{"rule": "r"}]}`, `{"hints": []}`, 1},
		{"null is any type", `{"rate": null, "ci": 0.5}`, `{"rate": 0.9, "ci": null}`, 0},
		{"keys left out", `{"item": {"id": "1", "...": "..."}}`, `{"item": {"id": "2", "score": 9}}`, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := apidocResponse{status: 200, header: http.Header{"Content-Type": {"application/json"}}, body: c.real}
			if got := jsonShape(c.doc, res); len(got) != c.problems {
				t.Fatalf("%d problems, want %d: %v", len(got), c.problems, got)
			}
		})
	}
	want, got := sseEvents("event: delta\ndata: \"a\"\n\nevent: done\ndata: {}\n"), sseEvents("event: delta\ndata: \"a\"\n\nevent: delta\ndata: \"b\"\n\nevent: done\ndata: {}\n")
	if eventNames(want) != eventNames(got) || eventNames(got) != "delta, done" {
		t.Fatalf("events %q and %q", eventNames(want), eventNames(got))
	}
}
