package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"reviewdesk/llm"
	"reviewdesk/review"
)

// promptsCommand gives supervisors the built-in prompt templates to edit, instead of sending them to the source.
func promptsCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "prompts",
		Short: "Write the LLM copilot's prompt templates to a directory for editing",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "init DIR",
		Short: "Write the built-in fix.tmpl and judge.tmpl into DIR (files already there are kept)",
		Long: `init writes the built-in prompt templates, fix.tmpl (the suggested fix) and judge.tmpl (rescoring by the
rubric), into DIR, so that a supervisor can edit them; templates already in DIR are left as they are. Then start
reviewdesk with --llm-templates DIR. Each template's version is the hash of its text: every call and every rescore
records the version it used, and a batch rescore after an edit scores every item again.

  reviewdesk prompts init prompts/
  reviewdesk serve --llm-templates prompts/ --llm-url http://localhost:11434/v1 --llm-model qwen2.5:14b`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			before := map[string]bool{}
			for _, name := range []string{llm.FixTemplate, llm.JudgeTemplate} {
				if _, err := os.Stat(filepath.Join(dir, name+".tmpl")); err == nil {
					before[name] = true
				}
			}
			if err := llm.WriteDefaultTemplates(dir); err != nil {
				return err
			}
			for _, name := range []string{llm.FixTemplate, llm.JudgeTemplate} {
				path := filepath.Join(dir, name+".tmpl")
				if before[name] {
					fmt.Printf("%s: already there, kept\n", path)
				} else {
					fmt.Printf("%s: written\n", path)
				}
			}
			fmt.Printf("edit them, then start reviewdesk with --llm-templates %s\n", dir)
			return nil
		},
	})
	return cmd
}

// keyCommand stores the LLM API key in the OS keyring, where --llm-keyring reads it: the key is never a flag, so
// it is read from the terminal without echo, or from standard input.
func keyCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "llm-key",
		Short: "Store the LLM API key in the OS keyring (read back with --llm-keyring)",
		Long: `llm-key stores the API key in the OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager
on Windows) under the service --llm-keyring names and the user --llm-key-env names (default OPENAI_API_KEY). The
key is read from the terminal without echo, or from standard input; it is never a flag, so it stays out of the
shell history. reviewdesk then reads it when that environment variable is empty:

  reviewdesk llm-key --llm-keyring reviewdesk
  reviewdesk serve --llm-keyring reviewdesk --llm-model gpt-4o-mini`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if g.llm.keyring == "" {
				return usageError{fmt.Errorf("name the keyring service with --llm-keyring, for example --llm-keyring reviewdesk")}
			}
			var key string
			if term.IsTerminal(int(os.Stdin.Fd())) {
				fmt.Fprintf(os.Stderr, "API key for %s (not shown): ", g.llm.keyring)
				b, err := term.ReadPassword(int(os.Stdin.Fd()))
				fmt.Fprintln(os.Stderr)
				if err != nil {
					return fmt.Errorf("read the key: %w", err)
				}
				key = string(b)
			} else {
				line, err := bufio.NewReader(os.Stdin).ReadString('\n')
				if err != nil && line == "" {
					return review.Errorf(review.Invalid, "no key on standard input")
				}
				key = line
			}
			key = strings.TrimSpace(key)
			if key == "" {
				return review.Errorf(review.Invalid, "the key is empty")
			}
			if err := llm.StoreKey(g.llm.keyring, g.llm.keyEnv, key); err != nil {
				return fmt.Errorf("%w (on a machine without a keyring, set %s instead)", err, g.llm.keyEnv)
			}
			fmt.Printf("stored the key for service %q, user %q\n", g.llm.keyring, g.llm.keyEnv)
			return nil
		},
	}
}
