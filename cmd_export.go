package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"reviewdesk/app"
	"reviewdesk/review"
)

func exportCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Export the gold table (approved summaries) or the feedback datasets",
		Long: `export gold writes the approved summaries (accepted, and edited with their final text) to the gold table;
export feedback writes every decision, and the fine-tuning and judge datasets built from them.
See docs/gold-table.md for the columns.`,
	}
	cmd.AddCommand(exportGoldCommand(g), exportFeedbackCommand(g))
	return cmd
}

func exportGoldCommand(g *globals) *cobra.Command {
	var opts app.GoldExport
	cmd := &cobra.Command{
		Use:   "gold --to DIR",
		Short: "Write the approved summaries to the gold table (Delta Lake by default)",
		Long: `export gold writes every approved summary once to the gold table in DIR.

With --format delta (the default) DIR is a Delta Lake table that Spark and Databricks read. Each export adds the
decisions made since the last one, and corrects rows whose items changed since (reopened, decided again, undone):
the data files holding them are rewritten, the old file removed and the new one added in one commit. Every commit
carries a txn action, so an export that was interrupted after committing is recognised and not redone; an
interrupted export leaves the table readable, and the next run finishes the work.

--format parquet, csv or jsonl write DIR/gold.<format>, a whole snapshot each time, replaced atomically. CSV cells
that a spreadsheet would run as formulas (starting with = + - @) get a leading apostrophe; --bom helps Excel read
UTF-8.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Dir == "" {
				return usageError{fmt.Errorf("--to DIR is required")}
			}
			st, svc, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			opts.Actor = g.user
			progress := importProgress()
			res, err := svc.ExportGold(cmd.Context(), opts, progress.update)
			progress.finish()
			if err != nil {
				return err
			}
			printExport(res)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Dir, "to", "", "the table directory (delta), or the directory that gets gold.<format>")
	f.StringVar(&opts.Format, "format", "delta", "delta, parquet, csv or jsonl")
	f.BoolVar(&opts.BOM, "bom", false, "start a CSV file with a UTF-8 byte order mark (for Excel)")
	return cmd
}

func exportFeedbackCommand(g *globals) *cobra.Command {
	var (
		opts       app.FeedbackExport
		promptFile string
	)
	cmd := &cobra.Command{
		Use:   "feedback --to DIR --kind all|sft|dpo|judge",
		Short: "Write the feedback datasets: every decision, and fine-tuning and judge data built from them",
		Long: `export feedback writes one dataset into DIR:

  all    every decision, rejected ones too, with reasons, comments, original and final text, judge scores, hints,
         reviewer and timings: DIR/decisions (a Delta table, --format delta) or DIR/decisions.parquet
  sft    DIR/sft.jsonl: OpenAI chat fine-tuning lines (system, user = instruction + source text, assistant =
         the approved final summary)
  dpo    DIR/dpo.jsonl: preference pairs for every edited item (chosen = the human's text, rejected = the
         generated one), and for rejected items whose reviewer wrote a correction
  judge  DIR/judge.jsonl: the summary, the judge's scores, the human verdict, checks and reasons

Each dataset is rewritten whole from the database. --prompt-file replaces the system prompt and the generator
instruction of sft and dpo with a JSON object {"system": "...", "instruction": "..."}.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Dir == "" {
				return usageError{fmt.Errorf("--to DIR is required")}
			}
			if promptFile != "" {
				b, err := os.ReadFile(promptFile)
				if err != nil {
					return fmt.Errorf("read prompt file: %w", err)
				}
				if err := json.Unmarshal(b, &opts.Prompts); err != nil {
					return review.Errorf(review.Invalid, "%s: %v; write {\"system\": \"...\", \"instruction\": \"...\"}", promptFile, err)
				}
				if opts.Prompts.System == "" || opts.Prompts.Instruction == "" {
					return review.Errorf(review.Invalid, "%s: both \"system\" and \"instruction\" need a text", promptFile)
				}
			}
			st, svc, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			opts.Actor = g.user
			progress := importProgress()
			res, err := svc.ExportFeedback(cmd.Context(), opts, progress.update)
			progress.finish()
			if err != nil {
				return err
			}
			printExport(res)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Dir, "to", "", "the directory that gets the dataset")
	f.StringVar(&opts.Kind, "kind", "all", "all, sft, dpo or judge")
	f.StringVar(&opts.Format, "format", "", "for kind all: delta (default) or parquet")
	f.StringVar(&promptFile, "prompt-file", "", "JSON {\"system\", \"instruction\"} for the sft and dpo prompts")
	return cmd
}

func printExport(res app.ExportResult) {
	fmt.Printf("%s: %d rows added", res.Path, res.RowsAdded)
	if res.Format == "delta" {
		fmt.Printf(", %d removed; table version %d holds %d rows in %d files", res.RowsRemoved, res.Version, res.Rows, res.Files)
	}
	if res.Skipped > 0 {
		fmt.Printf(", %d decisions skipped (no source text or no correction)", res.Skipped)
	}
	fmt.Printf(" (%.1fs, %.0f rows/s)\n", res.Seconds, res.RowsPerSecond)
	if res.Recovered {
		fmt.Println("an earlier export had committed without finishing; it was recognised by its txn and not written again")
	}
}
