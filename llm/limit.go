package llm

import (
	"context"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"
)

// limits keeps calls within the endpoint's requests and tokens per minute, so that a batch does not spend its
// retries on 429s. Tokens are not known before a call: it takes an estimate up front and settles the difference
// with the usage the endpoint reports.
type limits struct {
	requests *rate.Limiter // nil: no limit
	tokens   *rate.Limiter
}

func newLimits(rpm, tpm, concurrency int) *limits {
	l := &limits{}
	// Buckets hold ten seconds' worth: enough to start every worker at once, too little to spend a minute's
	// allowance in the first second.
	if rpm > 0 {
		l.requests = rate.NewLimiter(rate.Limit(float64(rpm)/60), max(1, min(concurrency, rpm/6)))
	}
	if tpm > 0 {
		l.tokens = rate.NewLimiter(rate.Limit(float64(tpm)/60), max(1, tpm/6))
	}
	return l
}

// wait blocks until one request of about n tokens may go.
func (l *limits) wait(ctx context.Context, n int) error {
	if l.requests != nil {
		if err := l.requests.Wait(ctx); err != nil {
			return err
		}
	}
	if l.tokens != nil {
		// A request larger than the bucket waits for a full bucket and leaves the rest as debt for later calls.
		b := l.tokens.Burst()
		if err := l.tokens.WaitN(ctx, min(n, b)); err != nil {
			return err
		}
		l.debt(n - b)
	}
	return nil
}

// settle corrects an estimate with the tokens a call really used. Tokens over the estimate become debt that later
// calls wait for; tokens under it are not given back, since the limiter cannot, so estimates lean low.
func (l *limits) settle(estimate, used int) {
	if l.tokens != nil {
		l.debt(used - estimate)
	}
}

func (l *limits) debt(n int) {
	now := time.Now()
	for b := l.tokens.Burst(); n > 0; n -= b {
		l.tokens.ReserveN(now, min(n, b))
	}
}

// estimateTokens guesses a text's token count without a tokenizer: about four ASCII bytes per token, and one token
// per other character, which is close for Japanese with the GPT tokenizers and errs high for Qwen or Llama.
func estimateTokens(s string) int {
	ascii, other := 0, 0
	for _, r := range s {
		if r < utf8.RuneSelf {
			ascii++
		} else {
			other++
		}
	}
	return other + (ascii+3)/4
}

// messageOverhead is what the chat format adds per message (role and separators).
const messageOverhead = 4
