package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"reviewdesk/llm"
	"reviewdesk/review"
)

const fakeKey = "sk-test-SECRET-4711"

// fakeOpenAI speaks the chat completions protocol: a streamed fix, or a judge answer in JSON.
func fakeOpenAI(t *testing.T, fix string, calls *atomic.Int32) *httptest.Server {
	t.Helper()
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("Authorization") != "Bearer "+fakeKey {
			http.Error(w, `{"error":{"message":"bad key"}}`, 401)
			return
		}
		var req struct {
			Stream   bool `json:"stream"`
			Messages []struct{ Content string }
		}
		json.NewDecoder(r.Body).Decode(&req)
		prompt := req.Messages[len(req.Messages)-1].Content
		if strings.Contains(prompt, "JSON") || strings.Contains(prompt, "採点") {
			answer := `{"scores":{"business":4},"rationale":"事業内容が明確"}`
			fmt.Fprintf(w, `{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}],"usage":{"prompt_tokens":120,"completion_tokens":20,"total_tokens":140}}`, answer)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		runes := []rune(fix)
		for _, part := range []string{string(runes[:len(runes)/2]), string(runes[len(runes)/2:])} {
			b, _ := json.Marshal(part)
			fmt.Fprintf(w, "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":%s}}]}\n\n", b)
			w.(http.Flusher).Flush()
		}
		fmt.Fprint(w, "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":300,\"completion_tokens\":40,\"total_tokens\":340}}\n\ndata: [DONE]\n\n")
	}))
}

func copilotService(t *testing.T, server string) *Service {
	t.Helper()
	svc := testService(t, 4)
	svc.cfg.Copilot = fakeCopilot(t, server)
	return svc
}

// fakeCopilot is the LLM client set up for a fakeOpenAI server.
func fakeCopilot(t *testing.T, server string) review.Copilot {
	t.Helper()
	c, err := llm.New(llm.Config{BaseURL: server, FixModel: "fixer", JudgeModel: "judge", PriceIn: 1, PriceOut: 2,
		RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond},
		func(name string) string {
			if name == llm.DefaultAPIKeyEnv {
				return fakeKey
			}
			return ""
		})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSuggestFixStreams reads the server-sent events of a suggestion and checks the text, the recorded call and
// its link to the decision made afterwards.
func TestSuggestFixStreams(t *testing.T) {
	fix := "株式会社サンプル1は、大阪府で産業用ポンプを製造しています。"
	var calls atomic.Int32
	llmSrv := fakeOpenAI(t, fix, &calls)
	defer llmSrv.Close()
	svc := copilotService(t, llmSrv.URL)
	srv := httptest.NewServer(svc.Handler(nil))
	defer srv.Close()
	c := newClient(t, srv.URL)

	var status LLMStatus
	c.do("GET", "/api/llm", nil, 200, &status)
	if !status.Configured || status.JudgeModel != "judge" {
		t.Fatalf("llm status: %+v", status)
	}
	req, _ := http.NewRequest("POST", srv.URL+"/api/items/7000000000001/suggest", strings.NewReader(`{}`))
	req.Header.Set("X-CSRF-Token", c.csrf)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var deltas []string
	var done review.Suggestion
	sc := bufio.NewScanner(res.Body)
	event := ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data := strings.TrimPrefix(line, "data: ")
			switch event {
			case "delta":
				var s string
				json.Unmarshal([]byte(data), &s)
				deltas = append(deltas, s)
			case "done":
				json.Unmarshal([]byte(data), &done)
			case "error":
				t.Fatalf("error event: %s", data)
			}
		}
	}
	if strings.Join(deltas, "") != fix || done.Text != fix || len(deltas) < 2 {
		t.Fatalf("streamed %q (%d parts), done %q; want %q", strings.Join(deltas, ""), len(deltas), done.Text, fix)
	}
	if done.Call.TokensIn != 300 || done.Call.Cost <= 0 {
		t.Fatalf("call: %+v", done.Call)
	}
	// The reviewer takes the suggestion: the call is linked to the decision.
	rec, _ := svc.Item(context.Background(), "7000000000001")
	var dr decisionResponse
	c.do("POST", "/api/items/7000000000001/decision", map[string]any{"verdict": "edited", "text": fix, "version": rec.Version}, 200, &dr)
	var linked int
	if err := queryRow(t, svc, "SELECT count(*) FROM llm_calls WHERE decision = ? AND kind = 'fix'", dr.Decision.ID).Scan(&linked); err != nil || linked != 1 {
		t.Fatalf("fix call linked to the decision: %d (%v)", linked, err)
	}
	var leaked int
	queryRow(t, svc, "SELECT count(*) FROM llm_calls WHERE error LIKE '%SECRET%' OR model LIKE '%SECRET%'").Scan(&leaked)
	if leaked != 0 {
		t.Fatal("the API key reached the database")
	}
}

func TestRescoreAndBatchResume(t *testing.T) {
	var calls atomic.Int32
	llmSrv := fakeOpenAI(t, "x", &calls)
	defer llmSrv.Close()
	svc := copilotService(t, llmSrv.URL)
	if err := svc.SetRubric(context.Background(), "t", review.Rubric{MaxScore: 4, Configured: true,
		Criteria: []review.Criterion{{Name: "business", Max: 4}}}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rs, err := svc.Rescore(ctx, "sato", "7000000000000", "株式会社サンプル0は大阪府の会社です。")
	if err != nil || rs.Scores["business"] != 4 {
		t.Fatalf("rescore: %+v %v", rs, err)
	}
	before := calls.Load()
	rep, err := svc.RescoreBatch(ctx, "sato", "", nil)
	if err != nil || rep.Total != 4 || rep.Scored != 4 || rep.AlreadyDone != 0 {
		t.Fatalf("batch: %+v %v", rep, err)
	}
	if calls.Load()-before != 4 {
		t.Fatalf("batch made %d calls, want 4", calls.Load()-before)
	}
	rep, err = svc.RescoreBatch(ctx, "sato", "", nil)
	if err != nil || rep.AlreadyDone != 4 || rep.Scored != 0 || calls.Load()-before != 4 {
		t.Fatalf("a second run should find everything done: %+v %v (calls %d)", rep, err, calls.Load()-before)
	}
	stored, err := svc.st.Rescores(ctx, "7000000000002")
	if err != nil || len(stored) != 1 || !stored[0].Current || stored[0].Model != "judge" {
		t.Fatalf("stored rescores: %+v %v", stored, err)
	}
	// Each stored rescore carries the call that made it, with its time from the service's clock.
	if c := stored[0].Call; c.Model != "judge" || c.Kind != "judge" || c.Attempts < 1 || c.TokensIn == 0 || c.At.IsZero() ||
		!stored[0].At.Equal(c.At) {
		t.Errorf("stored rescore's call: %+v (rescore at %v)", c, stored[0].At)
	}
}

func TestCopilotNotConfigured(t *testing.T) {
	svc := testService(t, 1)
	srv := httptest.NewServer(svc.Handler(nil))
	defer srv.Close()
	c := newClient(t, srv.URL)
	var status LLMStatus
	c.do("GET", "/api/llm", nil, 200, &status)
	if status.Configured || !strings.Contains(status.Message, "--llm-model") {
		t.Fatalf("status without an endpoint: %+v", status)
	}
	var e map[string]string
	c.do("POST", "/api/items/7000000000000/suggest", map[string]string{}, 503, &e)
	c.do("POST", "/api/items/7000000000000/rescore", map[string]string{}, 503, &e)
	// Everything else still works.
	var next claimed
	c.do("POST", "/api/queue/next", nil, 200, &next)
}
