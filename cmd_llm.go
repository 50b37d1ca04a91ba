package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"reviewdesk/llm"
	"reviewdesk/review"
)

// llmFlags configure the LLM copilot. The API key is never a flag: it is read from the environment variable
// --llm-key-env names (default OPENAI_API_KEY), or the OS keyring.
type llmFlags struct {
	url, api, model, fixModel, judgeModel, keyEnv, keyring, config, templates string
	timeout                                                                   time.Duration
	concurrency, rpm, tpm                                                     int
}

func (f *llmFlags) register(fs *pflag.FlagSet) {
	env := func(name, def string) string {
		if v := os.Getenv(name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&f.url, "llm-url", env("REVIEWDESK_LLM_URL", ""), "base URL of an OpenAI-compatible API (env REVIEWDESK_LLM_URL), e.g. http://localhost:11434/v1; empty: api.openai.com")
	fs.StringVar(&f.api, "llm-api", env("REVIEWDESK_LLM_API", "openai"), "openai (also vLLM, Ollama, llama.cpp) or azure")
	fs.StringVar(&f.model, "llm-model", env("REVIEWDESK_LLM_MODEL", ""), "model for both fixes and judging (env REVIEWDESK_LLM_MODEL); the copilot is off without one")
	fs.StringVar(&f.fixModel, "llm-fix-model", "", "model that writes fix suggestions (default --llm-model)")
	fs.StringVar(&f.judgeModel, "llm-judge-model", "", "model that rescores (default --llm-model)")
	fs.StringVar(&f.keyEnv, "llm-key-env", llm.DefaultAPIKeyEnv, "environment variable holding the API key")
	fs.StringVar(&f.keyring, "llm-keyring", "", "OS keyring service to read the API key from when the variable is empty")
	fs.StringVar(&f.templates, "llm-templates", "", "directory with fix.tmpl and judge.tmpl prompt templates overriding the built-in ones")
	fs.DurationVar(&f.timeout, "llm-timeout", 60*time.Second, "time limit of one LLM request")
	fs.IntVar(&f.concurrency, "llm-concurrency", 4, "parallel requests of a batch rescore")
	fs.IntVar(&f.rpm, "llm-rpm", 0, "requests per minute at most (0: no limit)")
	fs.IntVar(&f.tpm, "llm-tpm", 0, "tokens per minute at most (0: no limit)")
	fs.StringVar(&f.config, "llm-config", "", "JSON file with further settings (prices per million tokens, retries): see docs/llm.md")
}

// client builds the copilot; without a model it still returns one, which reports how to configure it.
func (f *llmFlags) client() (review.Copilot, error) {
	cfg := llm.Config{}
	if f.config != "" {
		b, err := os.ReadFile(f.config)
		if err != nil {
			return nil, fmt.Errorf("read LLM config: %w", err)
		}
		if err := json.Unmarshal(b, &cfg); err != nil {
			return nil, review.Errorf(review.Invalid, "%s: %v", f.config, err)
		}
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&cfg.BaseURL, f.url)
	set(&cfg.APIType, f.api)
	set(&cfg.FixModel, f.model)
	set(&cfg.JudgeModel, f.model)
	set(&cfg.FixModel, f.fixModel)
	set(&cfg.JudgeModel, f.judgeModel)
	set(&cfg.APIKeyEnv, f.keyEnv)
	set(&cfg.KeyringService, f.keyring)
	set(&cfg.TemplatesDir, f.templates)
	if cfg.Timeout == 0 {
		cfg.Timeout = f.timeout
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = f.concurrency
	}
	if cfg.RPM == 0 {
		cfg.RPM = f.rpm
	}
	if cfg.TPM == 0 {
		cfg.TPM = f.tpm
	}
	c, err := llm.New(cfg, os.Getenv)
	if err != nil {
		return nil, review.Errorf(review.Invalid, "LLM configuration: %v", err)
	}
	return c, nil
}

func judgeCommand(g *globals) *cobra.Command {
	var batch string
	var all bool
	cmd := &cobra.Command{
		Use:   "judge",
		Short: "Rescore a batch with the judge model (resumable)",
		Long: `judge has the judge model score every item of a batch by the rubric, for example after a rubric or prompt
change, and stores each result with the model and the prompt template version. It is rate-limited (--llm-rpm,
--llm-tpm), runs --llm-concurrency requests at once, retries on 429 and 5xx with backoff, and resumes after an
interruption: items already scored by this model and prompt version are skipped.

  reviewdesk judge --batch 2025-10-a --model qwen2.5:14b --llm-url http://localhost:11434/v1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if batch == "" && !all {
				return usageError{fmt.Errorf("name a --batch, or rescore every item with --all")}
			}
			st, svc, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			progress := importProgress()
			rep, err := svc.RescoreBatch(cmd.Context(), g.user, batch, progress.update)
			progress.finish()
			if rep.Model == "" {
				return err
			}
			fmt.Printf("judge %s (prompt %s): %d items, %d already scored, %d scored now, %d failed\n",
				rep.Model, rep.TemplateVersion, rep.Total, rep.AlreadyDone, rep.Scored, rep.Failed)
			if rep.FirstError != "" {
				fmt.Printf("first failure: %s\n", rep.FirstError)
			}
			if err != nil {
				return err
			}
			if rep.Failed > 0 {
				return fmt.Errorf("%d items failed; run the same command again to retry them", rep.Failed)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&batch, "batch", "", "batch to rescore")
	cmd.Flags().StringVar(&g.llm.judgeModel, "model", "", "judge model for this rescore (the same as --llm-judge-model)")
	cmd.Flags().BoolVar(&all, "all", false, "rescore every batch")
	return cmd
}
