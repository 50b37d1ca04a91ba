package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"reviewdesk/review"
)

type completion struct {
	op, kind, model string
	prompt          *prompt
	messages        []message
	onDelta         func(string)
	jsonMode        bool
	outputGuess     int
}

type completionResult struct {
	text string
	call review.Call
}

// attempt is what one HTTP attempt saw; go-openai drops the response headers of failures, and Retry-After is in
// them, so attemptRecorder keeps them here.
type attempt struct {
	status int
	header http.Header
	// delivered is set once a streamed chunk reached the caller: from then on a retry would show the text twice.
	delivered bool
	usage     *openai.Usage
}

type attemptKey struct{}

type attemptRecorder struct{ inner openai.HTTPDoer }

func (d attemptRecorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.inner.Do(req)
	if a, ok := req.Context().Value(attemptKey{}).(*attempt); ok && resp != nil {
		a.status, a.header = resp.StatusCode, resp.Header
	}
	return resp, err
}

var errAttemptTimeout = errors.New("attempt timed out")

// complete runs one chat completion with rate limiting, a timeout per attempt and retries on 429 and 5xx. The
// result's call is filled in on failure too.
func (c *Client) complete(ctx context.Context, r completion) (completionResult, error) {
	call := review.Call{Kind: r.kind, Model: r.model, TemplateVersion: r.prompt.Version, At: c.now()}
	start := time.Now()
	text, err := c.attempts(ctx, r, &call)
	call.Latency = time.Since(start)
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.Op, e.Detail = r.op, c.redact(e.Detail)
		} else {
			err = fmt.Errorf("%s: %w", r.op, err)
		}
		call.Err = err.Error()
		return completionResult{call: call}, err
	}
	return completionResult{text: text, call: call}, nil
}

// attempts tries until an answer, a failure that retrying cannot help, or MaxAttempts. Errors are *Error, or the
// context's cause when the caller gave up.
func (c *Client) attempts(ctx context.Context, r completion, call *review.Call) (string, error) {
	api := c.api()
	if api == nil {
		return "", &Error{Reason: NotConfigured, Detail: c.help}
	}
	req := openai.ChatCompletionRequest{Model: r.model, MaxCompletionTokens: c.cfg.MaxOutputTokens}
	promptTokens := 0
	for _, m := range r.messages {
		req.Messages = append(req.Messages, openai.ChatCompletionMessage{Role: m.role, Content: m.content})
		promptTokens += estimateTokens(m.content) + messageOverhead
	}
	if r.jsonMode {
		req.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	estimate := promptTokens + r.outputGuess
	if c.cfg.MaxOutputTokens > 0 {
		estimate = promptTokens + min(r.outputGuess, c.cfg.MaxOutputTokens)
	}
	for {
		if err := c.lim.wait(ctx, estimate); err != nil {
			if cause := context.Cause(ctx); cause != nil {
				err = cause
			}
			return "", fmt.Errorf("wait for rate limit: %w", err)
		}
		call.Attempts++
		a := &attempt{}
		actx, cancel := context.WithTimeoutCause(ctx, c.cfg.Timeout, errAttemptTimeout)
		text, err := c.once(context.WithValue(actx, attemptKey{}, a), api, req, r.onDelta, a)
		cancel()
		switch {
		case a.usage != nil:
			call.TokensIn, call.TokensOut, call.TokensEstimated = a.usage.PromptTokens, a.usage.CompletionTokens, false
			c.lim.settle(estimate, a.usage.PromptTokens+a.usage.CompletionTokens)
		case a.status >= 200 && a.status < 300:
			// An answer without usage (some servers send none when streaming) still cost something.
			call.TokensIn, call.TokensOut, call.TokensEstimated = promptTokens, estimateTokens(text), true
		}
		call.Cost = c.price.Cost(call.TokensIn, call.TokensOut)
		if err == nil {
			return text, nil
		}
		if ctx.Err() != nil {
			return "", context.Cause(ctx)
		}
		e, retryAfter := c.classify(err, actx, a)
		e.Attempts = call.Attempts
		if !retryable(e.Reason) || call.Attempts >= c.cfg.MaxAttempts || a.delivered {
			return "", e
		}
		t := time.NewTimer(c.backoff(call.Attempts, retryAfter))
		select {
		case <-ctx.Done():
			t.Stop()
			return "", context.Cause(ctx)
		case <-t.C:
		}
	}
}

func retryable(r Reason) bool { return r == RateLimited || r == ServerError }

// once makes one HTTP attempt and reads its answer.
func (c *Client) once(ctx context.Context, api *openai.Client, req openai.ChatCompletionRequest, onDelta func(string), a *attempt) (string, error) {
	if onDelta == nil || c.cfg.NoStream || c.noStream.Load() {
		text, err := plain(ctx, api, req, a)
		if err == nil && onDelta != nil {
			onDelta(text)
			a.delivered = true
		}
		return text, err
	}
	req.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	stream, err := api.CreateChatCompletionStream(ctx, req)
	if err != nil {
		return "", err
	}
	defer stream.Close()
	if ct, _, _ := mime.ParseMediaType(stream.Header().Get("Content-Type")); ct != "" && ct != "text/event-stream" {
		// The server ignored "stream": its answer is plain JSON, which the stream reader cannot read. Ask again
		// without streaming, now and from now on.
		c.noStream.Store(true)
		stream.Close()
		req.StreamOptions = nil
		return c.once(ctx, api, req, onDelta, a)
	}
	var b strings.Builder
	var finish openai.FinishReason
	chunks, refusal := 0, ""
	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return b.String(), err
		}
		chunks++
		if resp.Usage != nil {
			a.usage = resp.Usage
		}
		if len(resp.Choices) == 0 {
			continue // the usage chunk has none
		}
		ch := resp.Choices[0]
		if ch.FinishReason != "" && ch.FinishReason != openai.FinishReasonNull {
			finish = ch.FinishReason
		}
		refusal += ch.Delta.Refusal
		if d := ch.Delta.Content; d != "" {
			b.WriteString(d)
			onDelta(d)
			a.delivered = true
		}
	}
	text := b.String()
	switch {
	case finish == openai.FinishReasonContentFilter:
		return text, &Error{Reason: ContentFilter}
	case refusal != "" && strings.TrimSpace(text) == "":
		return text, &Error{Reason: ContentFilter, Detail: "the model refused: " + refusal}
	case finish == openai.FinishReasonLength:
		return text, &Error{Reason: Truncated, Detail: "raise the max output tokens"}
	case chunks == 0:
		return text, &Error{Reason: Empty, Detail: "the stream ended without a chunk"}
	case strings.TrimSpace(text) == "":
		return text, &Error{Reason: Empty}
	}
	return text, nil
}

func plain(ctx context.Context, api *openai.Client, req openai.ChatCompletionRequest, a *attempt) (string, error) {
	resp, err := api.CreateChatCompletion(ctx, req)
	if err != nil {
		return "", err
	}
	if resp.Usage.TotalTokens > 0 || resp.Usage.PromptTokens > 0 {
		a.usage = &resp.Usage
	}
	if len(resp.Choices) == 0 {
		return "", &Error{Reason: Empty, Detail: "no choice in the answer"}
	}
	ch := resp.Choices[0]
	switch ch.FinishReason {
	case openai.FinishReasonContentFilter:
		return "", &Error{Reason: ContentFilter}
	case openai.FinishReasonLength:
		return ch.Message.Content, &Error{Reason: Truncated, Detail: "raise the max output tokens"}
	}
	if strings.TrimSpace(ch.Message.Content) == "" {
		if ch.Message.Refusal != "" {
			return "", &Error{Reason: ContentFilter, Detail: "the model refused: " + ch.Message.Refusal}
		}
		return "", &Error{Reason: Empty}
	}
	return ch.Message.Content, nil
}

// classify turns what go-openai and net/http return into an *Error, with the wait a 429 or 503 asked for.
func (c *Client) classify(err error, actx context.Context, a *attempt) (*Error, time.Duration) {
	if errors.Is(context.Cause(actx), errAttemptTimeout) {
		return &Error{Reason: Timeout, Detail: fmt.Sprintf("no answer within %s", c.cfg.Timeout)}, 0
	}
	var e *Error
	if errors.As(err, &e) {
		return e, 0
	}
	status := a.status
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	detail := err.Error()
	switch {
	case errors.As(err, &apiErr):
		status, detail = apiErr.HTTPStatusCode, apiErr.Message
	case errors.As(err, &reqErr):
		status = reqErr.HTTPStatusCode
		detail = strings.TrimSpace(string(reqErr.Body))
		if len(detail) > 200 {
			detail = detail[:200]
		}
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case status == http.StatusTooManyRequests:
		return &Error{Reason: RateLimited, Status: status, Detail: detail}, retryAfter(a.header, time.Now())
	case status >= 500:
		return &Error{Reason: ServerError, Status: status, Detail: detail}, retryAfter(a.header, time.Now())
	case status >= 400:
		return &Error{Reason: Refused, Status: status, Detail: detail}, 0
	case errors.As(err, &syn) || errors.As(err, &typ) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, openai.ErrTooManyEmptyStreamMessages):
		return &Error{Reason: Malformed, Status: status, Detail: err.Error()}, 0
	}
	var netErr net.Error
	var opErr *net.OpError
	if errors.As(err, &opErr) || errors.As(err, &netErr) || status == 0 {
		return &Error{Reason: Network, Detail: err.Error()}, 0
	}
	return &Error{Reason: Malformed, Status: status, Detail: err.Error()}, 0
}

// backoff is the wait before retry n (1-based): what Retry-After asked for, or an exponential backoff with jitter,
// capped by RetryMax either way.
func (c *Client) backoff(n int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, c.cfg.RetryMax)
	}
	d := c.cfg.RetryBase << min(n-1, 20)
	if d <= 0 || d > c.cfg.RetryMax {
		d = c.cfg.RetryMax
	}
	// Half fixed, half random: workers that failed together do not come back together.
	return d/2 + rand.N(d/2+1)
}

// retryAfter reads Retry-After (seconds or an HTTP date) or the millisecond variant Azure sends.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if h == nil {
		return 0
	}
	if ms, err := strconv.ParseFloat(strings.TrimSpace(h.Get("Retry-After-Ms")), 64); err == nil && ms > 0 {
		return time.Duration(ms * float64(time.Millisecond))
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
