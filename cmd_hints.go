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
	return &cobra.Command{
		Use:   "hints",
		Short: "Run the hint rules over JSONL from standard input",
		Long: `hints reads one JSON object per line from standard input, {"id", "summary", "source"}, and writes one per
line to standard output: {"id", "hints": [{"rule", "start", "end", "text", "severity", "message", ...}]}.
start and end are rune (code point) offsets into the summary, end exclusive; start16 and end16 are the same span
in UTF-16 code units. This is how other tools and checks use reviewdesk's rules. --rules uses a rules file.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			rules, err := g.ruleSet()
			if err != nil {
				return err
			}
			return runHints(rules, os.Stdin, os.Stdout)
		},
	}
}

func runHints(rules *review.RuleSet, in io.Reader, out io.Writer) error {
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
		}
		if err := json.Unmarshal(sc.Bytes(), &in); err != nil {
			w.Flush()
			return review.Errorf(review.Invalid, "stdin:%d: %v", line, err)
		}
		hints := rules.Check(in.Summary, in.Source)
		if hints == nil {
			hints = []review.Hint{}
		}
		if in.ID == nil {
			in.ID = json.RawMessage("null")
		}
		if err := enc.Encode(struct {
			ID    json.RawMessage `json:"id"`
			Hints []review.Hint   `json:"hints"`
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
