package llm

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// The fake endpoint speaks the chat completions protocol as OpenAI documents it: a JSON answer, or server-sent
// events ending in "data: [DONE]" with a usage chunk when stream_options.include_usage is set.

const testKey = "sk-test-Zq81mXv0pL4sSecretKey"

// reply is one scripted answer.
type reply struct {
	status         int               // default 200
	header         map[string]string // extra response headers
	body           string            // raw body instead of a built one
	text           string            // the answer's content
	finish         string            // default "stop"
	in, out        int               // usage; both zero means no usage reported
	noUsage        bool
	chunks         []string // streamed deltas; default: text in pieces of three runes
	raw            []string // raw SSE data payloads sent before the built chunks (for malformed streams)
	noChoice       bool
	plainForStream bool          // answer a streaming request with plain JSON, as some servers do
	delay          time.Duration // before answering
	hangAfter      int           // stream: after this many chunks, wait for the client to go away (0: no hang)
	hang           bool          // wait for the client to go away before answering
}

type seenRequest struct {
	Path, Query string
	Header      http.Header
	Body        openai.ChatCompletionRequest
	Raw         map[string]any
	Start, End  time.Time
}

func (r seenRequest) user() string {
	for _, m := range r.Body.Messages {
		if m.Role == "user" {
			return m.Content
		}
	}
	return ""
}

type fakeServer struct {
	*httptest.Server
	t       *testing.T
	respond func(req seenRequest, n int) reply

	mu   sync.Mutex
	reqs []seenRequest

	inflight, peak atomic.Int32
	// gone receives once per request whose client went away while the handler waited.
	gone chan struct{}
}

func newFakeServer(t *testing.T, respond func(req seenRequest, n int) reply) *fakeServer {
	t.Helper()
	f := &fakeServer{t: t, respond: respond, gone: make(chan struct{}, 64)}
	f.Server = httptest.NewServer(http.HandlerFunc(f.handle))
	t.Cleanup(f.Close)
	return f
}

// script answers the n-th request with the n-th reply, repeating the last one.
func script(replies ...reply) func(seenRequest, int) reply {
	return func(_ seenRequest, n int) reply { return replies[min(n, len(replies)-1)] }
}

func (f *fakeServer) requests() []seenRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seenRequest(nil), f.reqs...)
}

func (f *fakeServer) handle(w http.ResponseWriter, r *http.Request) {
	n := f.inflight.Add(1)
	defer f.inflight.Add(-1)
	for p := f.peak.Load(); n > p && !f.peak.CompareAndSwap(p, n); p = f.peak.Load() {
	}
	seen := seenRequest{Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Start: time.Now()}
	data, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(data, &seen.Body); err != nil {
		http.Error(w, "bad request body", http.StatusBadRequest)
		return
	}
	_ = json.Unmarshal(data, &seen.Raw)
	f.mu.Lock()
	idx := len(f.reqs)
	f.reqs = append(f.reqs, seen)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.reqs[idx].End = time.Now()
		f.mu.Unlock()
	}()
	if !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		http.NotFound(w, r)
		return
	}
	rep := f.respond(seen, idx)
	if rep.delay > 0 {
		select {
		case <-time.After(rep.delay):
		case <-r.Context().Done():
			f.gone <- struct{}{}
			return
		}
	}
	if rep.hang {
		<-r.Context().Done()
		f.gone <- struct{}{}
		return
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	status := rep.status
	if status == 0 {
		status = http.StatusOK
	}
	if rep.body != "" || status != http.StatusOK {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		io.WriteString(w, rep.body)
		return
	}
	if seen.Body.Stream && !rep.plainForStream {
		f.stream(w, r, seen, rep)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(completionJSON(seen.Body.Model, rep))
}

func finishOf(rep reply) string {
	if rep.finish == "" {
		return "stop"
	}
	return rep.finish
}

func completionJSON(model string, rep reply) map[string]any {
	choices := []any{}
	if !rep.noChoice {
		choices = append(choices, map[string]any{"index": 0, "finish_reason": finishOf(rep),
			"message": map[string]any{"role": "assistant", "content": rep.text}})
	}
	out := map[string]any{"id": "chatcmpl-test", "object": "chat.completion", "created": 1700000000, "model": model,
		"choices": choices}
	if !rep.noUsage && (rep.in > 0 || rep.out > 0) {
		out["usage"] = map[string]any{"prompt_tokens": rep.in, "completion_tokens": rep.out, "total_tokens": rep.in + rep.out}
	}
	return out
}

func (f *fakeServer) stream(w http.ResponseWriter, r *http.Request, seen seenRequest, rep reply) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fl := w.(http.Flusher)
	send := func(payload string) {
		fmt.Fprintf(w, "data: %s\n\n", payload)
		fl.Flush()
	}
	chunk := func(delta map[string]any, finish any) string {
		b, _ := json.Marshal(map[string]any{"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1700000000,
			"model": seen.Body.Model, "choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}})
		return string(b)
	}
	for _, raw := range rep.raw {
		send(raw)
	}
	pieces := rep.chunks
	if pieces == nil {
		rs := []rune(rep.text)
		for i := 0; i < len(rs); i += 3 {
			pieces = append(pieces, string(rs[i:min(i+3, len(rs))]))
		}
	}
	if !rep.noChoice {
		send(chunk(map[string]any{"role": "assistant", "content": ""}, nil))
		for i, p := range pieces {
			if rep.hangAfter > 0 && i == rep.hangAfter {
				<-r.Context().Done()
				f.gone <- struct{}{}
				return
			}
			send(chunk(map[string]any{"content": p}, nil))
		}
		send(chunk(map[string]any{}, finishOf(rep)))
	}
	if seen.Body.StreamOptions != nil && seen.Body.StreamOptions.IncludeUsage && !rep.noUsage && (rep.in > 0 || rep.out > 0) {
		b, _ := json.Marshal(map[string]any{"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1700000000,
			"model": seen.Body.Model, "choices": []any{},
			"usage": map[string]any{"prompt_tokens": rep.in, "completion_tokens": rep.out, "total_tokens": rep.in + rep.out}})
		send(string(b))
	}
	send("[DONE]")
}

// testConfig points a client at the fake server with retries fast enough for tests.
func testConfig(f *fakeServer) Config {
	return Config{
		BaseURL: f.URL + "/v1", FixModel: "gen-model", JudgeModel: "judge-model",
		Timeout: 2 * time.Second, MaxAttempts: 3, RetryBase: time.Millisecond, RetryMax: 20 * time.Millisecond,
		PriceIn: 1, PriceOut: 2, Concurrency: 2,
	}
}

func envWithKey(name string) string {
	if name == DefaultAPIKeyEnv {
		return testKey
	}
	return ""
}

func noKeyring(string, string) (string, error) { return "", fmt.Errorf("no keyring in tests") }

func newTestClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := newClient(cfg, envWithKey, keyringLookup{get: noKeyring, timeout: time.Second})
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	if ok, msg := c.Configured(); !ok {
		t.Fatalf("client not configured: %s", msg)
	}
	return c
}
