package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"reviewdesk/review"
)

func isUnixLike() bool { return runtime.GOOS != "windows" && runtime.GOOS != "darwin" }

func statsCommand(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Print counts, yield rates by judge-score band and reviewer activity",
		Long: `stats prints how many items are in each status, the yield rate (accepted + edited over reviewed) overall and
per judge-score band, and what each reviewer did. --json prints the same numbers for scripts.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, svc, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			s, err := svc.Stats(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(os.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(s)
			}
			pct := func(p *float64) string {
				if p == nil {
					return "-"
				}
				return fmt.Sprintf("%.1f%%", 100**p)
			}
			w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintf(w, "items\t%d\n", s.Total)
			for _, status := range review.Statuses {
				fmt.Fprintf(w, "  %s\t%d\n", status, s.ByStatus[status])
			}
			fmt.Fprintf(w, "reviewed\t%d\nyield\t%s\n\n", s.Reviewed, pct(s.Yield))
			fmt.Fprintf(w, "judge score\titems\treviewed\tapproved\tyield\n")
			for _, b := range s.Bands {
				label := fmt.Sprintf("%g–%g", b.Lo, b.Hi)
				if b.Hi-b.Lo == 1 {
					label = fmt.Sprint(b.Lo) // one integer score per band
				}
				fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%s\n", label, b.Items, b.Reviewed, b.Approved, pct(b.Yield))
			}
			fmt.Fprintf(w, "\nreviewer\tdecisions\treviewed\tskipped\titems/hour\n")
			for _, r := range s.Reviewers {
				perHour := "-"
				if r.Seconds > 0 {
					perHour = fmt.Sprintf("%.0f", float64(r.Decisions)/(r.Seconds/3600))
				}
				fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%s\n", r.Reviewer, r.Decisions, r.Reviewed, r.Skipped, perHour)
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
