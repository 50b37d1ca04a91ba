package llm

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// API types.
const (
	OpenAI = "openai"
	Azure  = "azure"
)

// DefaultAPIKeyEnv is the environment variable the API key is read from unless Config.APIKeyEnv names another.
const DefaultAPIKeyEnv = "OPENAI_API_KEY"

// Config is how reviewdesk reaches a language model. It never holds the API key itself, only where to find it, so
// that a Config can be logged, shown and stored as it is.
type Config struct {
	// BaseURL of an OpenAI-compatible API, e.g. http://localhost:11434/v1 (Ollama), http://host:8000/v1 (vLLM,
	// llama.cpp server), https://NAME.openai.azure.com (Azure). Empty means api.openai.com. A URL without a path
	// gets /v1, which is where OpenAI-compatible servers listen.
	BaseURL string
	// APIType is "openai" (default, also for compatible servers) or "azure".
	APIType string
	// AzureAPIVersion is the api-version query parameter Azure requires.
	AzureAPIVersion string
	// APIKeyEnv names the environment variable holding the API key (default OPENAI_API_KEY).
	APIKeyEnv string
	// KeyringService, if set, is the OS keyring service the key is looked up under (user: APIKeyEnv) when the
	// environment variable is empty. The lookup fails soft: without a keyring the endpoint is "not configured".
	KeyringService string
	// FixModel writes suggestions, JudgeModel scores; on Azure these are deployment names. Either defaults to the
	// other, so one model is enough to start with.
	FixModel   string
	JudgeModel string
	// Timeout bounds one HTTP attempt, a streamed answer included.
	Timeout time.Duration
	// Concurrency is the number of workers of a batch rescore.
	Concurrency int
	// RPM and TPM cap requests and tokens per minute; zero means no limit.
	RPM int
	TPM int
	// MaxAttempts bounds tries of one call when the endpoint answers 429 or 5xx.
	MaxAttempts int
	// RetryBase is the first backoff; each retry doubles it, with jitter, up to RetryMax, which also caps what a
	// Retry-After header may ask for.
	RetryBase time.Duration
	RetryMax  time.Duration
	// PriceIn and PriceOut are per million tokens, for the cost estimate of every call.
	PriceIn  float64
	PriceOut float64
	// TemplatesDir holds fix.tmpl and judge.tmpl that override the embedded defaults; a missing file keeps the
	// default.
	TemplatesDir string
	// MaxOutputTokens caps the answer (max_completion_tokens); zero leaves it to the server.
	MaxOutputTokens int
	// MaxSourceRunes cuts long source texts so that the prompt fits the model's context.
	MaxSourceRunes int
	// NoStream turns streaming off for servers that mishandle it. Streaming is also dropped on its own when a
	// server answers a streaming request with plain JSON.
	NoStream bool
	// JSONMode asks the judge for response_format json_object; leave it off for servers that reject the field.
	JSONMode bool
}

// Defaults.
const (
	defaultTimeout         = 60 * time.Second
	defaultConcurrency     = 4
	defaultMaxAttempts     = 4
	defaultRetryBase       = time.Second
	defaultRetryMax        = 30 * time.Second
	defaultMaxSourceRunes  = 30000
	defaultAzureAPIVersion = "2024-10-21"
	openAIBaseURL          = "https://api.openai.com/v1"
)

// withDefaults fills in what is unset and checks the rest. Errors name the field and what to do.
func (c Config) withDefaults() (Config, error) {
	if c.APIType == "" {
		c.APIType = OpenAI
	}
	c.APIType = strings.ToLower(c.APIType)
	if c.APIType != OpenAI && c.APIType != Azure {
		return c, fmt.Errorf("llm config: api type %q is not one of openai, azure", c.APIType)
	}
	if c.APIKeyEnv == "" {
		c.APIKeyEnv = DefaultAPIKeyEnv
	}
	if c.AzureAPIVersion == "" {
		c.AzureAPIVersion = defaultAzureAPIVersion
	}
	if c.FixModel == "" {
		c.FixModel = c.JudgeModel
	}
	if c.JudgeModel == "" {
		c.JudgeModel = c.FixModel
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, fmt.Errorf("llm config: base URL %q: want http(s)://host[:port]/path", c.BaseURL)
		}
		if u.User != nil {
			return c, fmt.Errorf("llm config: base URL must not carry credentials; put the key in $%s", c.APIKeyEnv)
		}
		if c.APIType == OpenAI && strings.Trim(u.Path, "/") == "" {
			u.Path = "/v1"
		}
		c.BaseURL = strings.TrimRight(u.String(), "/")
	}
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"timeout", int64(c.Timeout)}, {"concurrency", int64(c.Concurrency)}, {"rpm", int64(c.RPM)},
		{"tpm", int64(c.TPM)}, {"max attempts", int64(c.MaxAttempts)}, {"retry base", int64(c.RetryBase)},
		{"retry max", int64(c.RetryMax)}, {"max output tokens", int64(c.MaxOutputTokens)},
		{"max source runes", int64(c.MaxSourceRunes)},
	} {
		if f.v < 0 {
			return c, fmt.Errorf("llm config: %s must not be negative", f.name)
		}
	}
	if c.PriceIn < 0 || c.PriceOut < 0 {
		return c, fmt.Errorf("llm config: prices must not be negative")
	}
	if c.Timeout == 0 {
		c.Timeout = defaultTimeout
	}
	if c.Concurrency == 0 {
		c.Concurrency = defaultConcurrency
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = defaultMaxAttempts
	}
	if c.RetryBase == 0 {
		c.RetryBase = defaultRetryBase
	}
	if c.RetryMax == 0 {
		c.RetryMax = defaultRetryMax
	}
	c.RetryMax = max(c.RetryMax, c.RetryBase)
	if c.MaxSourceRunes == 0 {
		c.MaxSourceRunes = defaultMaxSourceRunes
	}
	return c, nil
}

// String shows the settings; it has no key to hide, since a Config only names where the key is.
func (c Config) String() string {
	return fmt.Sprintf("llm.Config{type=%s base=%q key=$%s keyring=%q fix=%q judge=%q timeout=%s concurrency=%d rpm=%d tpm=%d attempts=%d templates=%q}",
		c.APIType, c.BaseURL, c.APIKeyEnv, c.KeyringService, c.FixModel, c.JudgeModel, c.Timeout, c.Concurrency,
		c.RPM, c.TPM, c.MaxAttempts, c.TemplatesDir)
}
