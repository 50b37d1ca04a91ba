package llm

import (
	"errors"
	"fmt"

	"reviewdesk/review"
)

// Reason classifies why a call failed, for the UI's message and for tests; retries depend on it too.
type Reason string

const (
	NotConfigured Reason = "not_configured"
	RateLimited   Reason = "rate_limited"   // 429, after the retries
	ServerError   Reason = "server_error"   // 5xx, after the retries
	Refused       Reason = "refused"        // another 4xx: bad key, unknown model, bad request
	Timeout       Reason = "timeout"        // one attempt took longer than Config.Timeout
	Network       Reason = "network"        // no HTTP answer at all
	ContentFilter Reason = "content_filter" // the endpoint's filter withheld the answer
	Truncated     Reason = "truncated"      // the answer hit the token limit
	Empty         Reason = "empty"          // no choice, or a choice without text
	Malformed     Reason = "malformed"      // the answer is not the protocol's JSON, or not the judge's format
)

// Error is a failed model call. Its text is safe to log, store and show: the API key is scrubbed from everything
// that came back from the endpoint.
type Error struct {
	Op       string // "suggest fix", "rescore"
	Reason   Reason
	Status   int // HTTP status, 0 without one
	Attempts int
	Detail   string
}

func (e *Error) Error() string {
	s := e.Op + ": " + e.summary()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

func (e *Error) summary() string {
	switch e.Reason {
	case NotConfigured:
		return "the LLM endpoint is not configured"
	case RateLimited:
		return fmt.Sprintf("the endpoint is rate limiting (HTTP %d) after %d attempts; try again later or lower the rate limits", e.Status, e.Attempts)
	case ServerError:
		return fmt.Sprintf("the endpoint failed (HTTP %d) after %d attempts", e.Status, e.Attempts)
	case Refused:
		return fmt.Sprintf("the endpoint refused the request (HTTP %d); check the base URL, model name and API key", e.Status)
	case Timeout:
		return "the endpoint did not answer in time"
	case Network:
		return "the endpoint cannot be reached"
	case ContentFilter:
		return "the endpoint's content filter withheld the answer; edit the text by hand"
	case Truncated:
		return "the answer was cut off at the token limit"
	case Empty:
		return "the model gave an empty answer"
	case Malformed:
		return "the model's answer could not be read"
	}
	return string(e.Reason)
}

// Code maps the failure to a domain error code: the reviewer's input is not at fault except when the content
// filter objects to it.
func (e *Error) Code() string {
	if e.Reason == ContentFilter {
		return review.Invalid
	}
	return review.Unavailable
}

// As lets review.ErrorCode and review.ErrorMessage see a model failure as a domain error, so the edge maps it
// like any other.
func (e *Error) As(target any) bool {
	if t, ok := target.(**review.Error); ok {
		*t = &review.Error{Code: e.Code(), Message: e.Error()}
		return true
	}
	return false
}

// ReasonOf returns the Reason of the first *Error in err's chain, or "" if there is none.
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}
