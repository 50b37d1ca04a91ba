package main

import (
	"fmt"
	"maps"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"reviewdesk/app"
	"reviewdesk/ingest"
	"reviewdesk/review"
)

func importCommand(g *globals) *cobra.Command {
	var (
		opts         app.ImportOptions
		mapSpec      string
		mapFile      string
		rubricFile   string
		discardBelow float64
	)
	cmd := &cobra.Command{
		Use:   "import FILE_OR_DIR...",
		Short: "Import generated summaries from JSONL, CSV, Parquet or a Delta Lake table",
		Long: `Import reads items (one company's summary, source text and judge scores each) into the database and
computes their hints.

The canonical record has the keys (JSONL) or columns (CSV, Parquet, Delta):
  id, company, source, summary, scores (criterion -> points), score (total), max_score,
  generator, judge, prompt_version, batch, meta
Only id, summary and score are required. Use --map to name other columns, for example
  --map summary=generated_text,id=corp_no,scores.business=biz_points

The format comes from the extension (.jsonl, .ndjson, .csv, .parquet) or, for a directory with _delta_log,
Delta Lake; --format overrides. Any other directory imports the files in it with those extensions, in name order.
CSV may be UTF-8 (with or without BOM) or Shift_JIS as Excel writes it.

Each file is all or nothing: the first bad record stops the file with file:line: field: problem, and nothing
from that file is kept. --skip-invalid imports the good records and writes the bad ones to a rejects file.
Re-importing a file changes nothing; a changed summary becomes a new revision, and an item that was already
decided is flagged "changed since decision" rather than overwritten.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			m := map[string]string{}
			if mapFile != "" {
				fm, err := ingest.LoadMapFile(mapFile)
				if err != nil {
					return err
				}
				maps.Copy(m, fm)
			}
			if mapSpec != "" {
				sm, err := ingest.ParseMap(mapSpec)
				if err != nil {
					return usageError{err}
				}
				maps.Copy(m, sm)
			}
			opts.Map = m
			if rubricFile != "" {
				b, err := os.ReadFile(rubricFile)
				if err != nil {
					return fmt.Errorf("read rubric: %w", err)
				}
				r, err := review.ParseRubric(b)
				if err != nil {
					return review.Errorf(review.Invalid, "%s: %v", rubricFile, err)
				}
				opts.Rubric = &r
			}
			st, svc, err := g.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			if cmd.Flags().Changed("discard-below") {
				r := svc.Project().Rubric
				if opts.Rubric != nil {
					r = *opts.Rubric
				}
				r.DiscardBelow = &discardBelow
				if err := r.Validate(); err != nil {
					return review.Errorf(review.Invalid, "--discard-below: %v", err)
				}
				opts.Rubric = &r
			}
			opts.Actor = g.user
			progress := importProgress()
			start := time.Now()
			files, err := ingest.Expand(args)
			if err != nil {
				return review.Errorf(review.Invalid, "%v", err)
			}
			reports, err := svc.Import(ctx, files, opts, progress.update)
			progress.finish()
			total := 0
			for _, r := range reports {
				if r.Error != "" {
					continue
				}
				c := r.Counts
				n := c.Added + c.Revised + c.Flagged + c.Unchanged + c.Refused
				total += n
				fmt.Printf("%s: %d added, %d revised, %d changed since decision (flagged), %d unchanged, %d auto-discarded, %d refused",
					r.File, c.Added, c.Revised, c.Flagged, c.Unchanged, c.Discarded, c.Refused)
				if r.Seconds > 0 {
					fmt.Printf(" (%.1fs, %.0f items/s)", r.Seconds, float64(n)/r.Seconds)
				}
				fmt.Println()
				if r.Rejects != "" {
					fmt.Printf("%s: refused records and their reasons are in %s\n", r.File, r.Rejects)
				}
			}
			if err != nil {
				if rest := files[len(reports):]; len(rest) > 0 {
					fmt.Printf("not imported, after the failure: %s\n", strings.Join(rest, ", "))
				}
				return review.Errorf(review.Invalid, "%v", err)
			}
			if len(files) > 1 {
				fmt.Printf("imported %d records from %d files in %.1fs\n", total, len(reports), time.Since(start).Seconds())
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Format, "format", "", "jsonl, csv, parquet or delta (default: from the extension)")
	f.StringVar(&opts.Encoding, "encoding", "", "CSV encoding: utf-8 or shift_jis (default: detect)")
	f.StringVar(&mapSpec, "map", "", "column mapping, canonical=column pairs separated by commas")
	f.StringVar(&mapFile, "map-file", "", "column mapping as a JSON object {\"summary\": \"generated_text\", ...}")
	f.BoolVar(&opts.SkipInvalid, "skip-invalid", false, "import good records and write bad ones to --rejects")
	f.StringVar(&opts.Rejects, "rejects", "", "where --skip-invalid writes refused records, as JSONL with the record itself (default: FILE.rejects.jsonl here; files of one run that share it append)")
	f.StringVar(&rubricFile, "rubric", "", "rubric file (JSON: criteria, maxima, discard_below); its maxima are enforced")
	f.Float64Var(&discardBelow, "discard-below", 0, "auto-discard items whose judge total is below this (recorded as decisions by \"auto\")")
	return cmd
}

// progressView shows a progress bar on a terminal and plain log lines otherwise.
type progressView struct {
	bar      *progressbar.ProgressBar
	lastLog  time.Time
	terminal bool
}

func importProgress() *progressView {
	// Without a terminal, a line every 5 seconds; work that ends sooner prints only its summary.
	return &progressView{terminal: term.IsTerminal(int(os.Stderr.Fd())), lastLog: time.Now()}
}

func (p *progressView) update(done, total int64, msg string) {
	if p.terminal {
		if p.bar == nil {
			p.bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionShowBytes(true),
				progressbar.OptionSetDescription("importing"), progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionShowElapsedTimeOnFinish(), progressbar.OptionClearOnFinish())
		}
		p.bar.Describe(msg)
		p.bar.Set64(done)
		return
	}
	if time.Since(p.lastLog) >= 5*time.Second {
		pct := ""
		if total > 0 {
			pct = fmt.Sprintf(" %.0f%%", 100*float64(done)/float64(total))
		}
		fmt.Fprintf(os.Stderr, "%s%s\n", msg, pct)
		p.lastLog = time.Now()
	}
}

func (p *progressView) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
