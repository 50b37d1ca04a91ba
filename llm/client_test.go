package llm

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"reviewdesk/review"
)

func fixInput() review.FixInput {
	summary := "株式会社サンプル商事は、1950年に設立された総合小売業です。我々は、全国に店舗を所有しており、食品と日用品を販売しています。"
	hints := review.DefaultRules().Check(summary, "")
	return review.FixInput{
		Company: "株式会社サンプル商事",
		Summary: summary,
		Source:  "株式会社サンプル商事は1950年創業。全国の店舗で食品と日用品を販売しています。",
		Hints:   hints,
	}
}

const fixed = "株式会社サンプル商事は、1950年に設立された総合小売業です。同社は全国に店舗を持ち、食品と日用品を販売しています。"

func TestSuggestFix(t *testing.T) {
	ok := reply{text: fixed, in: 812, out: 64}
	tests := []struct {
		name     string
		replies  []reply
		stream   bool
		cfg      func(*Config)
		want     string
		reason   Reason
		code     string
		attempts int
		requests int
		minGap   time.Duration // least time between the first two requests
		check    func(t *testing.T, s review.Suggestion, deltas []string, reqs []seenRequest)
	}{
		{name: "plain answer", replies: []reply{ok}, want: fixed, attempts: 1, requests: 1,
			check: func(t *testing.T, s review.Suggestion, _ []string, reqs []seenRequest) {
				if s.Call.TokensIn != 812 || s.Call.TokensOut != 64 || s.Call.TokensEstimated {
					t.Errorf("tokens = %d/%d estimated=%t, want the reported 812/64", s.Call.TokensIn, s.Call.TokensOut, s.Call.TokensEstimated)
				}
				if want := (812*1 + 64*2) / 1e6; math.Abs(s.Call.Cost-want) > 1e-12 {
					t.Errorf("cost = %v, want %v", s.Call.Cost, want)
				}
				if reqs[0].Body.Stream {
					t.Error("a call without onDelta asked for a stream")
				}
				if got := reqs[0].Header.Get("Authorization"); got != "Bearer "+testKey {
					t.Errorf("Authorization = %q, want the bearer key", got)
				}
			}},
		{name: "streamed answer", replies: []reply{ok}, stream: true, want: fixed, attempts: 1, requests: 1,
			check: func(t *testing.T, s review.Suggestion, deltas []string, reqs []seenRequest) {
				if len(deltas) < 5 || strings.Join(deltas, "") != fixed {
					t.Errorf("deltas = %q, want the answer in pieces", deltas)
				}
				b := reqs[0].Body
				if !b.Stream || b.StreamOptions == nil || !b.StreamOptions.IncludeUsage {
					t.Errorf("request stream=%t options=%+v, want a stream with usage", b.Stream, b.StreamOptions)
				}
				if s.Call.TokensIn != 812 || s.Call.TokensOut != 64 || s.Call.TokensEstimated {
					t.Errorf("tokens = %d/%d estimated=%t, want the usage chunk's 812/64", s.Call.TokensIn, s.Call.TokensOut, s.Call.TokensEstimated)
				}
			}},
		{name: "stream without usage is estimated", replies: []reply{{text: fixed, noUsage: true}}, stream: true, want: fixed,
			attempts: 1, requests: 1,
			check: func(t *testing.T, s review.Suggestion, _ []string, _ []seenRequest) {
				if !s.Call.TokensEstimated || s.Call.TokensIn < 100 || s.Call.TokensOut != estimateTokens(fixed) || s.Call.Cost <= 0 {
					t.Errorf("call = %+v, want estimated tokens (out %d) and a cost", s.Call, estimateTokens(fixed))
				}
			}},
		{name: "server ignores stream", replies: []reply{{text: fixed, in: 10, out: 5, plainForStream: true}}, stream: true,
			want: fixed, attempts: 1, requests: 2,
			check: func(t *testing.T, _ review.Suggestion, deltas []string, reqs []seenRequest) {
				if len(deltas) != 1 || deltas[0] != fixed {
					t.Errorf("deltas = %q, want the whole answer once", deltas)
				}
				if !reqs[0].Body.Stream || reqs[1].Body.Stream {
					t.Errorf("streams = %t, %t, want a stream, then a plain request", reqs[0].Body.Stream, reqs[1].Body.Stream)
				}
			}},
		{name: "429 with Retry-After seconds, capped", replies: []reply{
			{status: 429, header: map[string]string{"Retry-After": "7"}, body: `{"error":{"message":"Rate limit reached","type":"requests"}}`}, ok},
			cfg:  func(c *Config) { c.RetryMax = 150 * time.Millisecond },
			want: fixed, attempts: 2, requests: 2, minGap: 140 * time.Millisecond},
		{name: "429 with Retry-After-Ms", replies: []reply{
			{status: 429, header: map[string]string{"Retry-After-Ms": "90"}, body: `{"error":{"message":"slow down"}}`}, ok},
			cfg:  func(c *Config) { c.RetryMax = 5 * time.Second },
			want: fixed, attempts: 2, requests: 2, minGap: 85 * time.Millisecond},
		{name: "429 every time", replies: []reply{{status: 429, body: `{"error":{"message":"Rate limit reached"}}`}},
			reason: RateLimited, code: review.Unavailable, attempts: 3, requests: 3},
		{name: "500 then success", replies: []reply{{status: 500, body: `{"error":{"message":"boom"}}`}, ok},
			want: fixed, attempts: 2, requests: 2},
		{name: "503 with a non-JSON body every time", replies: []reply{{status: 503, body: "<html>upstream down</html>"}},
			reason: ServerError, code: review.Unavailable, attempts: 3, requests: 3},
		{name: "400 is not retried", replies: []reply{{status: 400, body: `{"error":{"message":"model 'x' not found"}}`}},
			reason: Refused, code: review.Unavailable, attempts: 1, requests: 1},
		{name: "timeout", replies: []reply{{text: fixed, delay: time.Second}}, cfg: func(c *Config) { c.Timeout = 50 * time.Millisecond },
			reason: Timeout, code: review.Unavailable, attempts: 1, requests: 1},
		{name: "timeout while streaming", replies: []reply{{text: fixed, hangAfter: 2}}, stream: true,
			cfg:    func(c *Config) { c.Timeout = 80 * time.Millisecond },
			reason: Timeout, code: review.Unavailable, attempts: 1, requests: 1},
		{name: "malformed JSON", replies: []reply{{body: `{"id":"x","choices":[{"message":`}},
			reason: Malformed, code: review.Unavailable, attempts: 1, requests: 1},
		{name: "malformed stream chunk", replies: []reply{{text: fixed, raw: []string{`{"id":"x","choices":[{"delta":`}}}, stream: true,
			reason: Malformed, code: review.Unavailable, attempts: 1, requests: 1},
		{name: "no choice", replies: []reply{{noChoice: true, in: 10}}, reason: Empty, code: review.Unavailable, attempts: 1, requests: 1},
		{name: "no choice in a stream", replies: []reply{{noChoice: true, in: 10}}, stream: true,
			reason: Empty, code: review.Unavailable, attempts: 1, requests: 1},
		{name: "empty content", replies: []reply{{text: "  ", in: 10}}, reason: Empty, code: review.Unavailable, attempts: 1, requests: 1},
		{name: "content filter", replies: []reply{{text: "", finish: "content_filter", in: 500}},
			reason: ContentFilter, code: review.Invalid, attempts: 1, requests: 1,
			check: func(t *testing.T, s review.Suggestion, _ []string, _ []seenRequest) {
				if s.Call.TokensIn != 500 || s.Call.Err == "" {
					t.Errorf("call = %+v, want the filtered call's tokens and error recorded", s.Call)
				}
			}},
		{name: "content filter in a stream", replies: []reply{{text: "株式会社", finish: "content_filter"}}, stream: true,
			reason: ContentFilter, code: review.Invalid, attempts: 1, requests: 1},
		{name: "cut off at the token limit", replies: []reply{{text: "株式会社サンプル商事は、", finish: "length"}},
			reason: Truncated, code: review.Unavailable, attempts: 1, requests: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeServer(t, script(tc.replies...))
			cfg := testConfig(f)
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			c := newTestClient(t, cfg)
			var deltas []string
			var onDelta func(string)
			if tc.stream {
				onDelta = func(s string) { deltas = append(deltas, s) }
			}
			start := time.Now()
			s, err := c.SuggestFix(context.Background(), fixInput(), onDelta)
			if time.Since(start) > time.Second {
				t.Errorf("took %s; retries and timeouts should be quick with the test config", time.Since(start))
			}
			reqs := f.requests()
			if len(reqs) != tc.requests {
				t.Errorf("server saw %d requests, want %d", len(reqs), tc.requests)
			}
			if s.Call.Attempts != tc.attempts {
				t.Errorf("attempts = %d, want %d", s.Call.Attempts, tc.attempts)
			}
			if s.Call.Kind != review.CallFix || s.Call.Model != "gen-model" || s.Call.TemplateVersion != c.fix.Version ||
				s.Call.At.IsZero() || s.Call.Latency <= 0 {
				t.Errorf("call = %+v, want kind fix, model gen-model, template %s, a time and a latency", s.Call, c.fix.Version)
			}
			if tc.reason != "" {
				if got := ReasonOf(err); got != tc.reason {
					t.Fatalf("error = %v (reason %q), want reason %q", err, got, tc.reason)
				}
				if got := review.ErrorCode(err); got != tc.code {
					t.Errorf("error code = %q, want %q", got, tc.code)
				}
				if !strings.HasPrefix(err.Error(), "suggest fix: ") || s.Call.Err != err.Error() {
					t.Errorf("error %q / call.Err %q: want the operation first and the same text recorded", err, s.Call.Err)
				}
				if s.Text != "" {
					t.Errorf("a failed call returned text %q", s.Text)
				}
			} else {
				if err != nil {
					t.Fatalf("suggest fix: %v", err)
				}
				if s.Text != tc.want {
					t.Errorf("text = %q, want %q", s.Text, tc.want)
				}
				if s.Call.Err != "" {
					t.Errorf("call.Err = %q on success", s.Call.Err)
				}
			}
			if tc.minGap > 0 && len(reqs) >= 2 {
				if gap := reqs[1].Start.Sub(reqs[0].End); gap < tc.minGap {
					t.Errorf("retry came %s after the 429, want at least %s", gap, tc.minGap)
				}
			}
			if tc.check != nil {
				tc.check(t, s, deltas, reqs)
			}
		})
	}
}

func TestSuggestFixPrompt(t *testing.T) {
	f := newFakeServer(t, script(reply{text: "```\n" + fixed + "\n```", in: 1, out: 1}))
	c := newTestClient(t, testConfig(f))
	in := fixInput()
	s, err := c.SuggestFix(context.Background(), in, nil)
	if err != nil {
		t.Fatalf("suggest fix: %v", err)
	}
	if s.Text != fixed {
		t.Errorf("text = %q, want the answer without its code fence", s.Text)
	}
	req := f.requests()[0]
	if req.Body.Model != "gen-model" || len(req.Body.Messages) != 2 || req.Body.Messages[0].Role != "system" {
		t.Fatalf("request model %q messages %+v, want gen-model with a system and a user message", req.Body.Model, req.Body.Messages)
	}
	user := req.user()
	for _, want := range []string{in.Summary, in.Source, "「我々」", "一人称の表現です", "三人称", "テキスト（原文）にないことは書かない", "「株式会社サンプル商事」"} {
		if !strings.Contains(user, want) {
			t.Errorf("user prompt lacks %q:\n%s", want, user)
		}
	}
	if _, ok := req.Raw["response_format"]; ok {
		t.Error("fix request carries response_format")
	}
}

func TestSuggestFixLongSourceIsCut(t *testing.T) {
	f := newFakeServer(t, script(reply{text: fixed, in: 1, out: 1}))
	cfg := testConfig(f)
	cfg.MaxSourceRunes = 10
	c := newTestClient(t, cfg)
	in := fixInput()
	in.Source = strings.Repeat("あいうえお", 10) + "末尾の文"
	if _, err := c.SuggestFix(context.Background(), in, nil); err != nil {
		t.Fatalf("suggest fix: %v", err)
	}
	user := f.requests()[0].user()
	if !strings.HasSuffix(user, "\nあいうえおあいうえお") || strings.Contains(user, "末尾の文") || !strings.Contains(user, "途中まで") {
		t.Errorf("user prompt should hold the first 10 runes of the source and say it is cut:\n%s", user)
	}
}

func TestSuggestFixEmptySummary(t *testing.T) {
	f := newFakeServer(t, script(reply{text: fixed}))
	c := newTestClient(t, testConfig(f))
	_, err := c.SuggestFix(context.Background(), review.FixInput{Summary: " ", Source: "x"}, nil)
	if review.ErrorCode(err) != review.Invalid || len(f.requests()) != 0 {
		t.Errorf("error = %v, requests = %d; want invalid and no call", err, len(f.requests()))
	}
}

// The reviewer moves on while the suggestion streams in: the call must end at once and the connection close.
func TestSuggestFixCancelledMidStream(t *testing.T) {
	f := newFakeServer(t, script(reply{text: fixed, hangAfter: 2}))
	c := newTestClient(t, testConfig(f))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var deltas []string
	start := time.Now()
	s, err := c.SuggestFix(ctx, fixInput(), func(d string) {
		deltas = append(deltas, d)
		if len(deltas) == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("cancellation took %s", d)
	}
	if s.Call.Attempts != 1 || s.Call.Err == "" {
		t.Errorf("call = %+v, want one attempt with the error recorded", s.Call)
	}
	select {
	case <-f.gone:
	case <-time.After(2 * time.Second):
		t.Error("the server never saw the client go away")
	}
	if len(f.requests()) != 1 {
		t.Errorf("a cancelled call was retried: %d requests", len(f.requests()))
	}
}

func TestCancelledDuringBackoff(t *testing.T) {
	f := newFakeServer(t, script(reply{status: 429, header: map[string]string{"Retry-After": "30"}, body: `{"error":{"message":"later"}}`}))
	cfg := testConfig(f)
	cfg.RetryMax = time.Minute
	c := newTestClient(t, cfg)
	// The caller gives up once the first answer (429, Retry-After 30 s) has come back, while the client waits.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cancelled time.Time
	go func() {
		for len(f.requests()) == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond)
		cancelled = time.Now()
		cancel()
	}()
	_, err := c.Rescore(ctx, judgeInput())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want the caller's cancellation", err)
	}
	if d := time.Since(cancelled); d > time.Second {
		t.Errorf("returned %s after the cancellation: it waited out the Retry-After of 30 s", d)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		{"none", http.Header{}, 0},
		{"seconds", http.Header{"Retry-After": {"3"}}, 3 * time.Second},
		{"fractional seconds", http.Header{"Retry-After": {"0.5"}}, 500 * time.Millisecond},
		{"http date", http.Header{"Retry-After": {now.Add(90 * time.Second).Format(http.TimeFormat)}}, 90 * time.Second},
		{"date in the past", http.Header{"Retry-After": {now.Add(-time.Minute).Format(http.TimeFormat)}}, 0},
		{"milliseconds win", http.Header{"Retry-After": {"3"}, "Retry-After-Ms": {"250"}}, 250 * time.Millisecond},
		{"garbage", http.Header{"Retry-After": {"soon"}}, 0},
		{"negative", http.Header{"Retry-After": {"-4"}}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := retryAfter(tc.header, now); got != tc.want {
				t.Errorf("retryAfter = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	c := &Client{cfg: Config{RetryBase: 100 * time.Millisecond, RetryMax: time.Second}}
	tests := []struct {
		name       string
		n          int
		retryAfter time.Duration
		lo, hi     time.Duration
	}{
		{"first", 1, 0, 50 * time.Millisecond, 100 * time.Millisecond},
		{"third doubles twice", 3, 0, 200 * time.Millisecond, 400 * time.Millisecond},
		{"capped", 10, 0, 500 * time.Millisecond, time.Second},
		{"huge attempt number", 200, 0, 500 * time.Millisecond, time.Second},
		{"retry-after honoured", 1, 700 * time.Millisecond, 700 * time.Millisecond, 700 * time.Millisecond},
		{"retry-after capped", 1, time.Hour, time.Second, time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for range 50 {
				if d := c.backoff(tc.n, tc.retryAfter); d < tc.lo || d > tc.hi {
					t.Fatalf("backoff = %s, want %s..%s", d, tc.lo, tc.hi)
				}
			}
		})
	}
}

func TestAzureRequestShape(t *testing.T) {
	f := newFakeServer(t, script(reply{text: fixed, in: 1, out: 1}))
	c := newTestClient(t, Config{APIType: "azure", BaseURL: f.URL, FixModel: "gpt-35-turbo.prod", AzureAPIVersion: "2024-10-21",
		Timeout: time.Second})
	if _, err := c.SuggestFix(context.Background(), fixInput(), nil); err != nil {
		t.Fatalf("suggest fix: %v", err)
	}
	req := f.requests()[0]
	if req.Path != "/openai/deployments/gpt-35-turbo.prod/chat/completions" || req.Query != "api-version=2024-10-21" {
		t.Errorf("URL = %s?%s, want the deployment path and api-version", req.Path, req.Query)
	}
	if req.Header.Get("api-key") != testKey || req.Header.Get("Authorization") != "" {
		t.Errorf("headers api-key=%q Authorization=%q, want the key in api-key only", req.Header.Get("api-key"), req.Header.Get("Authorization"))
	}
}

func TestConfigured(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		env     map[string]string
		ok      bool
		message string // part of the how-to message
	}{
		{"nothing set", Config{}, nil, false, "no model is configured"},
		{"model but no key for api.openai.com", Config{FixModel: "gpt-4o-mini"}, nil, false, "OPENAI_API_KEY"},
		{"key under another name", Config{FixModel: "m", APIKeyEnv: "REVIEWDESK_LLM_KEY"}, map[string]string{"OPENAI_API_KEY": "k"}, false, "REVIEWDESK_LLM_KEY"},
		{"azure without base URL", Config{APIType: "azure", FixModel: "m"}, map[string]string{"OPENAI_API_KEY": "k"}, false, "https://NAME.openai.azure.com"},
		{"azure without key", Config{APIType: "azure", FixModel: "m", BaseURL: "https://x.openai.azure.com"}, nil, false, "OPENAI_API_KEY"},
		{"openai with key", Config{JudgeModel: "gpt-4o"}, map[string]string{"OPENAI_API_KEY": "k"}, true, ""},
		{"local server without key", Config{FixModel: "qwen2.5", BaseURL: "http://localhost:11434"}, nil, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := newClient(tc.cfg, func(k string) string { return tc.env[k] }, keyringLookup{get: noKeyring, timeout: time.Second})
			if err != nil {
				t.Fatalf("new: %v", err)
			}
			ok, msg := c.Configured()
			if ok != tc.ok || !strings.Contains(msg, tc.message) {
				t.Fatalf("Configured() = %t, %q; want %t with %q", ok, msg, tc.ok, tc.message)
			}
			if ok {
				return
			}
			_, err = c.SuggestFix(context.Background(), fixInput(), nil)
			if ReasonOf(err) != NotConfigured || review.ErrorCode(err) != review.Unavailable || !strings.Contains(review.ErrorMessage(err), tc.message) {
				t.Errorf("suggest fix error = %v, want not configured (unavailable) saying %q", err, tc.message)
			}
			_, err = c.Rescore(context.Background(), judgeInput())
			if ReasonOf(err) != NotConfigured {
				t.Errorf("rescore error = %v, want not configured", err)
			}
			if err := c.RescoreBatch(context.Background(), nil, nil); ReasonOf(err) != NotConfigured {
				t.Errorf("batch error = %v, want not configured", err)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"unknown api type", Config{APIType: "anthropic"}, `api type "anthropic"`},
		{"no scheme", Config{BaseURL: "localhost:11434"}, "want http(s)://"},
		{"ftp", Config{BaseURL: "ftp://host/v1"}, "want http(s)://"},
		{"credentials in the URL", Config{BaseURL: "http://me:secret@host/v1"}, "must not carry credentials"},
		{"negative timeout", Config{Timeout: -time.Second}, "timeout must not be negative"},
		{"negative price", Config{PriceOut: -1}, "prices"},
		{"missing templates dir", Config{TemplatesDir: "/nonexistent/reviewdesk-prompts"}, "templates directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, func(string) string { return "" })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New error = %v, want one saying %q", err, tc.want)
			}
		})
	}
}

func TestBaseURLNormalised(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://localhost:11434", "http://localhost:11434/v1"},
		{"http://localhost:8000/", "http://localhost:8000/v1"},
		{"http://gpu-box:8000/v1/", "http://gpu-box:8000/v1"},
		{"https://gateway.example/openai/v1", "https://gateway.example/openai/v1"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			cfg, err := Config{BaseURL: tc.in}.withDefaults()
			if err != nil || cfg.BaseURL != tc.want {
				t.Errorf("base URL = %q, %v; want %q", cfg.BaseURL, err, tc.want)
			}
		})
	}
}

func TestKeyring(t *testing.T) {
	tests := []struct {
		name    string
		get     func(string, string) (string, error)
		ok      bool
		message string
	}{
		{"key found", func(service, user string) (string, error) {
			if service != "reviewdesk" || user != "OPENAI_API_KEY" {
				return "", errors.New("wrong entry " + service + "/" + user)
			}
			return testKey + "\n", nil
		}, true, ""},
		{"no entry", func(string, string) (string, error) { return "", errors.New("secret not found in keyring") }, false, "OS keyring gave none"},
		{"keyring hangs", func(string, string) (string, error) { time.Sleep(time.Second); return testKey, nil }, false, "no answer within"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeServer(t, script(reply{text: fixed, in: 1, out: 1}))
			start := time.Now()
			c, err := newClient(Config{FixModel: "m", KeyringService: "reviewdesk", Timeout: time.Second},
				func(string) string { return "" }, keyringLookup{get: tc.get, timeout: 50 * time.Millisecond})
			if err != nil {
				t.Fatalf("new: %v", err)
			}
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Errorf("New waited %s for the keyring", d)
			}
			ok, msg := c.Configured()
			if ok != tc.ok || !strings.Contains(msg, tc.message) {
				t.Fatalf("Configured() = %t, %q; want %t with %q", ok, msg, tc.ok, tc.message)
			}
			if !ok {
				return
			}
			// Pointed at the fake server, the key from the keyring is what authenticates.
			c2, err := newClient(Config{FixModel: "m", BaseURL: f.URL, KeyringService: "reviewdesk", Timeout: time.Second},
				func(string) string { return "" }, keyringLookup{get: tc.get, timeout: 50 * time.Millisecond})
			if err != nil {
				t.Fatalf("new: %v", err)
			}
			if _, err := c2.SuggestFix(context.Background(), fixInput(), nil); err != nil {
				t.Fatalf("suggest fix: %v", err)
			}
			if got := f.requests()[0].Header.Get("Authorization"); got != "Bearer "+testKey {
				t.Errorf("Authorization = %q, want the keyring's key", got)
			}
		})
	}
}
