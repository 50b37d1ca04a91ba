// Package llm is reviewdesk's language model adapter: fix suggestions and judge rescoring through an OpenAI-style
// chat completions API (OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp server), behind review.Copilot.
package llm

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"reviewdesk/review"
)

// Client implements review.Copilot.
type Client struct {
	cfg Config
	// api and scrub hold the API key, so they are closures: fmt prints a func as an address, while it walks into
	// any pointer it cannot print with the verb asked for, which would show the key.
	api   func() *openai.Client // returns nil when not configured
	scrub func(string) string
	help  string // why not configured, and what to do
	fix   *prompt
	judge *prompt
	lim   *limits
	price review.Price
	// noStream is set once a server has answered a streaming request with plain JSON.
	noStream *atomic.Bool
	now      func() time.Time
}

var _ review.Copilot = (*Client)(nil)

// New builds a client from the config, reading the API key through getenv (os.Getenv in main) and, failing that,
// the OS keyring when Config.KeyringService is set. A config that names no usable endpoint is not an error: the
// client then reports "not configured" and every call fails with that message. A config that is wrong (a bad
// URL, an unknown API type, a template that does not parse) is.
func New(cfg Config, getenv func(string) string) (*Client, error) {
	return newClient(cfg, getenv, keyringLookup{get: keyringGet, timeout: keyringTimeout})
}

func newClient(cfg Config, getenv func(string) string, kr keyringLookup) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, lim: newLimits(cfg.RPM, cfg.TPM, cfg.Concurrency),
		price: review.Price{In: cfg.PriceIn, Out: cfg.PriceOut}, noStream: new(atomic.Bool), now: time.Now,
		api: func() *openai.Client { return nil }, scrub: func(s string) string { return s }}
	if c.fix, err = loadPrompt(cfg.TemplatesDir, FixTemplate); err != nil {
		return nil, err
	}
	if c.judge, err = loadPrompt(cfg.TemplatesDir, JudgeTemplate); err != nil {
		return nil, err
	}
	key := strings.TrimSpace(getenv(cfg.APIKeyEnv))
	keyNote := ""
	if key == "" && cfg.KeyringService != "" {
		key, err = kr.lookup(cfg.KeyringService, cfg.APIKeyEnv)
		if err != nil {
			keyNote = fmt.Sprintf(" (the OS keyring gave none: %v)", err)
		}
	}
	if key != "" {
		r := strings.NewReplacer(key, "[redacted]")
		c.scrub = r.Replace
	}
	switch {
	case cfg.FixModel == "":
		c.help = "no model is configured: set the fix and judge model names (one is enough), the base URL of an OpenAI-compatible endpoint if not api.openai.com, and the API key in $" + cfg.APIKeyEnv
		return c, nil
	case cfg.APIType == Azure && cfg.BaseURL == "":
		c.help = "Azure OpenAI needs a base URL: set it to https://NAME.openai.azure.com"
		return c, nil
	case key == "" && (cfg.BaseURL == "" || cfg.APIType == Azure):
		c.help = "no API key: put it in the environment variable " + cfg.APIKeyEnv + keyNote +
			", or set the base URL of a local OpenAI-compatible server (vLLM, Ollama, llama.cpp) that needs none"
		return c, nil
	}
	var oc openai.ClientConfig
	if cfg.APIType == Azure {
		oc = openai.DefaultAzureConfig(key, cfg.BaseURL)
		oc.APIVersion = cfg.AzureAPIVersion
		// The configured names are deployment names already; the default mapper would rewrite "gpt-3.5".
		oc.AzureModelMapperFunc = func(model string) string { return model }
	} else {
		oc = openai.DefaultConfig(key)
		oc.BaseURL = openAIBaseURL
		if cfg.BaseURL != "" {
			oc.BaseURL = cfg.BaseURL
		}
	}
	oc.HTTPClient = attemptRecorder{&http.Client{}}
	api := openai.NewClientWithConfig(oc)
	c.api = func() *openai.Client { return api }
	return c, nil
}

// Configured reports whether calls can be made, and if not, what to configure.
func (c *Client) Configured() (bool, string) {
	if c.api() == nil {
		return false, "LLM not configured: " + c.help
	}
	return true, ""
}

// JudgeVersion names the model and prompt version of rescores.
func (c *Client) JudgeVersion() (model, templateVersion string) {
	return c.cfg.JudgeModel, c.judge.Version
}

// Templates describes the prompt templates in use.
func (c *Client) Templates() []Template { return []Template{c.fix.Template, c.judge.Template} }

// Config returns the effective configuration, defaults filled in.
func (c *Client) Config() Config { return c.cfg }

// String describes the client without its key.
func (c *Client) String() string {
	ok, _ := c.Configured()
	return fmt.Sprintf("llm.Client{configured=%t %s}", ok, c.cfg)
}

// GoString keeps %#v from printing the fields.
func (c *Client) GoString() string { return c.String() }

// SuggestFix asks the fix model to rewrite the summary so that its hints no longer apply. With onDelta the answer
// is streamed where the endpoint can.
func (c *Client) SuggestFix(ctx context.Context, in review.FixInput, onDelta func(string)) (review.Suggestion, error) {
	const op = "suggest fix"
	if strings.TrimSpace(in.Summary) == "" {
		return review.Suggestion{}, fmt.Errorf("%s: %w", op, review.Errorf(review.Invalid, "the summary is empty: there is nothing to fix"))
	}
	msgs, err := c.fix.render(newFixData(in, c.cfg.MaxSourceRunes))
	if err != nil {
		return review.Suggestion{}, fmt.Errorf("%s: %w", op, err)
	}
	res, err := c.complete(ctx, completion{
		op: op, kind: review.CallFix, model: c.cfg.FixModel, prompt: c.fix, messages: msgs, onDelta: onDelta,
		// A rewrite is about as long as the text it rewrites.
		outputGuess: estimateTokens(in.Summary) + 64,
	})
	return review.Suggestion{Text: cleanSuggestion(res.text), Call: res.call}, err
}

// Rescore asks the judge model to score the summary by the rubric.
func (c *Client) Rescore(ctx context.Context, in review.JudgeInput) (review.Rescore, error) {
	const op = "rescore"
	if len(in.Rubric.Criteria) == 0 {
		return review.Rescore{}, fmt.Errorf("%s: %w", op, review.Errorf(review.Invalid, "the rubric has no criteria: configure them before rescoring"))
	}
	if err := in.Rubric.Validate(); err != nil {
		return review.Rescore{}, fmt.Errorf("%s: rubric: %w", op, err)
	}
	msgs, err := c.judge.render(newJudgeData(in, c.cfg.MaxSourceRunes))
	if err != nil {
		return review.Rescore{}, fmt.Errorf("%s: %w", op, err)
	}
	res, err := c.complete(ctx, completion{
		op: op, kind: review.CallJudge, model: c.cfg.JudgeModel, prompt: c.judge, messages: msgs,
		jsonMode: c.cfg.JSONMode, outputGuess: 40*len(in.Rubric.Criteria) + 120,
	})
	if err != nil {
		return review.Rescore{Call: res.call}, err
	}
	r, perr := parseJudge(res.text, in.Rubric)
	if perr != nil {
		e := &Error{Op: op, Reason: Malformed, Attempts: res.call.Attempts, Detail: c.redact(perr.Error())}
		res.call.Err = e.Error()
		return review.Rescore{Call: res.call}, e
	}
	r.Call = res.call
	return r, nil
}

// cleanSuggestion drops the code fence or whitespace a model may put around the text despite the prompt.
func cleanSuggestion(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "```") && strings.HasSuffix(s, "```") && len(s) >= 6 {
		s = strings.TrimSuffix(s, "```")
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[i+1:] // the fence line may name a language
		} else {
			s = strings.TrimPrefix(s, "```")
		}
		s = strings.TrimSpace(s)
	}
	return s
}

func (c *Client) redact(s string) string { return c.scrub(s) }
