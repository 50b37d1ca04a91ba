package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"reviewdesk/app"
)

func rehintCommand(g *globals) *cobra.Command {
	var wait time.Duration
	var batch int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "rehint",
		Short: "Recompute the stored hints of open items with the current rules",
		Long: `rehint gives every open item (pending or skipped) whose stored hints came from other rules the hints of
the current rules: the rules file given with --rules, else the rules a supervisor saved in the database, else the
built-in ones. The rule filter, the queue's hints order and the dashboard's rule counts then follow those rules.
Decided items keep the hints their reviewer was shown.

Run it after starting a server with a new --rules file, or after upgrading reviewdesk (a changed engine changes
the rules version). A change made in the UI (PUT /api/rules) starts the same work as a job by itself.

It works in small transactions, so reviewers can keep working. Items a reviewer holds under a lease are left as
they are, since their decision must record the hints on their screen; with --wait, rehint comes back for them
every few seconds until they are released or the time is up. Running it again continues where an interrupted run
stopped.

  reviewdesk rehint --rules rules.json --wait 30m`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if batch < 0 {
				return usageError{fmt.Errorf("--batch must be positive")}
			}
			ctx := cmd.Context()
			st, svc, err := g.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			var last time.Time
			var lastLine string
			progress := func(done, total int64, msg string) {
				line := fmt.Sprintf("%d of %d: %s", done, total, msg)
				if line != lastLine && (time.Since(last) >= time.Second || done == total) {
					last, lastLine = time.Now(), line
					fmt.Fprintln(os.Stderr, line)
				}
			}
			rep, err := svc.Rehint(ctx, svc.Rules(), app.RehintOptions{Actor: g.user, Batch: batch, WaitHeld: wait}, progress)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(os.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(rep)
			}
			fmt.Printf("rules %s: %d of %d open items with other rules' hints updated", rep.RulesVersion, rep.Updated, rep.Stale)
			if rep.Changed > 0 {
				fmt.Printf(", %d changed meanwhile (decided or re-imported)", rep.Changed)
			}
			fmt.Println()
			if rep.Held > 0 {
				fmt.Printf("%d items held by reviewers keep their hints for now; run rehint again later, or with --wait\n", rep.Held)
			}
			return nil
		},
	}
	cmd.Flags().DurationVar(&wait, "wait", 0, "how long to keep coming back for items reviewers hold (e.g. 30m); 0: leave them")
	cmd.Flags().IntVar(&batch, "batch", 0, "items per transaction (default 500)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}
