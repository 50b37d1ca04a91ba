package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"reviewdesk/exporter"
	"reviewdesk/review"
)

func reportCommand(g *globals) *cobra.Command {
	var format, out string
	var flags dashboardFlags
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write the supervisor report: the dashboard's numbers as Markdown or a self-contained HTML page",
		Long: `report writes the supervisor dashboard as a document: yield by judge score, criterion, batch, model, prompt,
reviewer and day; judge calibration and the threshold advisor; the population estimate; reviewers; hint rules; and
the cost of three set-ups. Every estimate carries its 95% interval. --format md writes Markdown; --format html
renders it with goldmark into one HTML page with its style inline, which opens offline and fetches nothing.
It takes the same filters as "reviewdesk stats".`,
		Example: `  reviewdesk report --format html --out report.html
  reviewdesk report --format md --batch 2025-11-a > report.md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			write := map[string]func(*bytes.Buffer, exporter.Report) error{
				"md":   func(b *bytes.Buffer, r exporter.Report) error { return exporter.WriteReportMarkdown(b, r) },
				"html": func(b *bytes.Buffer, r exporter.Report) error { return exporter.WriteReportHTML(b, r) },
			}[format]
			if write == nil {
				return review.Errorf(review.Invalid, "--format %q is not md or html", format)
			}
			st, svc, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			d, err := svc.Dashboard(cmd.Context(), flags.query(cmd))
			if err != nil {
				return err
			}
			var b bytes.Buffer
			if err := write(&b, d.Report()); err != nil {
				return err
			}
			if out == "" || out == "-" {
				_, err := os.Stdout.Write(b.Bytes())
				return err
			}
			if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
				return fmt.Errorf("report: %w", err)
			}
			fmt.Fprintf(os.Stderr, "reviewdesk: wrote %s\n", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "html", "md (Markdown) or html")
	cmd.Flags().StringVarP(&out, "out", "o", "", "file to write (default: standard output)")
	flags.register(cmd)
	return cmd
}
