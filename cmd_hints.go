package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"reviewdesk/review"
)

func hintsCommand(g *globals) *cobra.Command {
	var lang string
	cmd := &cobra.Command{
		Use:   "hints",
		Short: "Run the hint rules over JSONL from standard input",
		Long: `hints reads one JSON object per line from standard input, {"id", "summary", "source"}, and writes one per
line to standard output: {"id", "hints": [{"rule", "start", "end", "text", "severity", "message", "reason"}]}.
start and end are rune (code point) offsets into the summary, end exclusive; message is in the --lang language;
reason is the rejection reason code the hint suggests. The source text lets rules such as unsupported_fact and
superlative check claims against it; an optional "company" (the company's name) keeps words inside the name, such
as 株式会社わたしたちの家, from being flagged, as at import. This is how other tools and checks use reviewdesk's rules; --rules uses a
rules file (docs/rules.md).

  echo '{"id":"1","summary":"我々は業界トップシェアです！","source":"..."}' | reviewdesk hints`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if lang != "ja" && lang != "en" {
				return usageError{fmt.Errorf("--lang must be ja or en")}
			}
			rules, err := g.ruleSet()
			if err != nil {
				return err
			}
			if rules == nil {
				rules = review.DefaultRules()
			}
			return runHints(rules, lang, os.Stdin, os.Stdout)
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "ja", "language of the messages: ja or en")
	return cmd
}

// hintOut is one hint as the hints command writes it.
type hintOut struct {
	Rule     string          `json:"rule"`
	Start    int             `json:"start"`
	End      int             `json:"end"`
	Text     string          `json:"text"`
	Severity review.Severity `json:"severity"`
	Message  string          `json:"message"`
	Reason   string          `json:"reason"`
}

func runHints(rules *review.RuleSet, lang string, in io.Reader, out io.Writer) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var in struct {
			ID      json.RawMessage `json:"id"`
			Summary string          `json:"summary"`
			Source  string          `json:"source"`
			Company string          `json:"company"`
		}
		if err := json.Unmarshal(sc.Bytes(), &in); err != nil {
			w.Flush()
			return review.Errorf(review.Invalid, "stdin:%d: %v", line, err)
		}
		hints := []hintOut{}
		for _, h := range rules.CheckItem(&review.Item{Summary: in.Summary, Source: in.Source, Company: in.Company}) {
			msg := h.Message.Ja
			if lang == "en" {
				msg = h.Message.En
			}
			hints = append(hints, hintOut{h.Rule, h.Start, h.End, h.Text, h.Severity, msg, h.Reason})
		}
		if in.ID == nil {
			in.ID = json.RawMessage("null")
		}
		if err := enc.Encode(struct {
			ID    json.RawMessage `json:"id"`
			Hints []hintOut       `json:"hints"`
		}{in.ID, hints}); err != nil {
			return fmt.Errorf("write hints: %w", err)
		}
	}
	if err := sc.Err(); err != nil {
		w.Flush()
		return review.Errorf(review.Invalid, "stdin:%d: %v", line+1, err)
	}
	return w.Flush()
}
