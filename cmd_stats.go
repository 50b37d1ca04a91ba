package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"reviewdesk/app"
	"reviewdesk/review"
)

func isUnixLike() bool { return runtime.GOOS != "windows" && runtime.GOOS != "darwin" }

// dashboardFlags are the filter and cost flags of stats and report, the same as GET /api/dashboard's parameters.
type dashboardFlags struct {
	q                                         app.DashboardQuery
	wage, generationCost, judgeCost, writeMin float64
	population                                int
}

func (f *dashboardFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.q.Batch, "batch", "", "only this batch")
	fl.StringVar(&f.q.From, "from", "", "only decisions made on or after this day (YYYY-MM-DD, in the database's day zone)")
	fl.StringVar(&f.q.To, "to", "", "only decisions made on or before this day (YYYY-MM-DD)")
	fl.Float64Var(&f.wage, "wage", app.DefaultHourlyWage, "cost model: hourly wage of a reviewer or writer")
	fl.Float64Var(&f.generationCost, "generation-cost", app.DefaultGenerationCost, "cost model: API cost of generating one summary")
	fl.Float64Var(&f.judgeCost, "judge-cost", app.DefaultJudgeCost, "cost model: API cost of judging one summary")
	fl.IntVar(&f.population, "population", 0, "cost model: companies to project for (default: the imported items)")
	fl.Float64Var(&f.writeMin, "write-minutes", app.DefaultWriteMinutes, "cost model: minutes to write one summary by hand")
}

// query is the dashboard query the flags ask for; cost flags left alone take the model's defaults.
func (f *dashboardFlags) query(cmd *cobra.Command) app.DashboardQuery {
	q := f.q
	set := cmd.Flags().Changed
	for _, o := range []struct {
		name string
		v    float64
		dst  **float64
	}{{"wage", f.wage, &q.Cost.HourlyWage}, {"generation-cost", f.generationCost, &q.Cost.GenerationCost},
		{"judge-cost", f.judgeCost, &q.Cost.JudgeCost}, {"write-minutes", f.writeMin, &q.Cost.WriteMinutes}} {
		if set(o.name) {
			v := o.v
			*o.dst = &v
		}
	}
	if set("population") {
		n := f.population
		q.Cost.Population = &n
	}
	return q
}

// parseOffset reads a UTC offset written ±hh:mm.
func parseOffset(s string) (time.Duration, error) {
	t, err := time.Parse("-07:00", s)
	if err != nil {
		return 0, review.Errorf(review.Invalid, "--day-zone %q is not a UTC offset such as +09:00", s)
	}
	_, off := t.Zone()
	return time.Duration(off) * time.Second, nil
}

func statsCommand(g *globals) *cobra.Command {
	var asJSON, rebuild bool
	var dayZone string
	var flags dashboardFlags
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Print the supervisor dashboard: yield, judge calibration, population estimate, reviewers, cost",
		Long: `stats prints the supervisor dashboard's main numbers: the yield rate (accepted + edited over reviewed)
with its 95% interval, overall and per judge-score band; the threshold advisor; the projected yield of the whole
imported population; reviewers; hint rules; and the cost of three set-ups. --json prints every number of the
dashboard, the same JSON as GET /api/dashboard, for scripts. "reviewdesk report" writes them as a document.

Yield, calibration and the population estimate count each item's current decision; --from and --to pick
decisions by the day they were made, in the database's day zone (--day-zone changes it).`,
		Example: `  reviewdesk stats
  reviewdesk stats --batch 2025-11-a --from 2025-11-01 --to 2025-11-30
  reviewdesk stats --json --population 3000000 --wage 1400 | jq .cost`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, svc, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			switch {
			case dayZone != "":
				off, err := parseOffset(dayZone)
				if err != nil {
					return err
				}
				if err := st.SetDayOffset(cmd.Context(), off); err != nil {
					return err
				}
			case rebuild:
				if err := st.RebuildAggregates(cmd.Context()); err != nil {
					return err
				}
			}
			d, err := svc.Dashboard(cmd.Context(), flags.query(cmd))
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(os.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(d)
			}
			return printDashboard(os.Stdout, d)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print every number as JSON (the same as GET /api/dashboard)")
	cmd.Flags().BoolVar(&rebuild, "rebuild", false, "first recompute the dashboard's counts from the items and decisions "+
		"(a repair: they are kept current as decisions are saved)")
	cmd.Flags().StringVar(&dayZone, "day-zone", "", "first set the UTC offset whose calendar days the dashboard counts in "+
		"(such as +09:00; fixed when the database was created) and recompute the counts")
	flags.register(cmd)
	return cmd
}

func pct(p *float64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100**p)
}

func interval(lo, hi float64) string { return fmt.Sprintf("%.1f–%.1f%%", 100*lo, 100*hi) }

func estimate(e review.Estimate) string {
	return fmt.Sprintf("%s (%s)", pct(e.Value), interval(e.CI.Lo, e.CI.Hi))
}

func printDashboard(out io.Writer, d app.Dashboard) error {
	w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	if d.Filter.Batch != "" || d.Filter.From != "" || d.Filter.To != "" {
		fmt.Fprintf(w, "filter\tbatch %q, days %s to %s (UTC%s)\n\n", d.Filter.Batch, orDash(d.Filter.From), orDash(d.Filter.To), d.Filter.DayZone)
	}
	fmt.Fprintf(w, "items\t%d\n", d.Items.Total)
	for _, status := range review.Statuses {
		fmt.Fprintf(w, "  %s\t%d\n", status, d.Items.ByStatus[status])
	}
	if d.Items.Outdated > 0 {
		fmt.Fprintf(w, "  decided on a replaced revision\t%d\n", d.Items.Outdated)
	}
	y := d.Yield.Overall
	fmt.Fprintf(w, "yield\t%s (95%%: %s) of %d reviewed\n\n", pct(y.Rate), interval(y.CILo, y.CIHi), y.N)

	fmt.Fprintf(w, "judge score\titems\tdiscarded\treviewed\tgood\tyield\t95%% interval\n")
	for _, b := range d.Yield.ByBand {
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%s\t%s\n", bandLabel(b.Lo, b.Hi), b.Items, b.AutoDiscarded, b.N, b.Good,
			pct(b.Rate), interval(b.CILo, b.CIHi))
	}

	p := d.Population
	fmt.Fprintf(w, "\npopulation to review\t%d items (%d auto-discarded apart)\n", p.Population, p.AutoDiscarded.Items)
	if p.Complete {
		fmt.Fprintf(w, "projected yield\t%s\n", estimate(p.Yield))
		fmt.Fprintf(w, "projected good summaries\t%s (%.0f–%.0f)\n", num(p.GoodItems.Value), p.GoodItems.CI.Lo, p.GoodItems.CI.Hi)
	} else {
		fmt.Fprintf(w, "projected yield\tbands %v have no review yet; reviewed bands (%d items): %s\n",
			p.UnreviewedBands, p.CoveredPopulation, estimate(p.CoveredYield))
	}
	if wi := p.WholeImport; wi.Yield.Value != nil {
		fmt.Fprintf(w, "whole import\t%d items: projected yield %s\n", wi.Population, estimate(wi.Yield))
	} else {
		fmt.Fprintf(w, "whole import\t%d items with %d auto-discarded (never reviewed): yield between %s, good summaries %.0f–%.0f; "+
			"%s if every auto-discarded one is bad\n", wi.Population, wi.AutoDiscarded, interval(wi.Yield.CI.Lo, wi.Yield.CI.Hi),
			wi.GoodItems.CI.Lo, wi.GoodItems.CI.Hi, estimate(wi.YieldIfDiscardedBad))
	}

	var uncovered []int
	if len(d.Judge.Advisor) > 0 {
		uncovered = d.Judge.Advisor[0].UncoveredBands
	}
	if len(uncovered) == 0 {
		fmt.Fprintf(w, "\nthreshold\tauto-accept ≥ T ships bad\tauto-discard < T loses good\n")
	} else {
		fmt.Fprintf(w, "\nthreshold\tauto-accept ≥ T ships bad\tauto-discard < T loses good\treviewed bands only (without %v): bad\tgood lost\n", uncovered)
	}
	for _, a := range d.Judge.Advisor {
		fmt.Fprintf(w, "%g\t%s\t%s", a.Threshold, estimate(a.BadInAccepted), estimate(a.GoodDiscarded))
		if len(uncovered) > 0 {
			fmt.Fprintf(w, "\t%s\t%s", estimate(a.Covered.BadInAccepted), estimate(a.Covered.GoodDiscarded))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "judge AUC\t%s\n", num3(d.Judge.Approved.AUC))

	fmt.Fprintf(w, "\nreviewer\tdecisions\treviewed\tyield\tskips\titems/hour\tmedian s\tedit chars\thinted changed\tunhinted changed\n")
	for _, r := range d.Reviewers.Reviewers {
		fmt.Fprintf(w, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Reviewer, r.Decisions, r.Yield.Reviewed, pct(r.Yield.Rate),
			pct(r.Skips.Rate), num(r.ItemsPerHour), num(r.MedianSeconds.Reviewed), num(r.EditSize.Median),
			pct(r.HintFollowed.Rate), pct(r.UnhintedChanged.Rate))
	}
	if a := d.Reviewers.Agreement; a.Verdicts.Pairs > 0 {
		fmt.Fprintf(w, "double reviews\t%d pairs, kappa %s (verdicts), %s (approve or reject)\n", a.Verdicts.Pairs,
			num3(a.Verdicts.Kappa), num3(a.Approval.Kappa))
	}

	if len(d.Rules) > 0 {
		fmt.Fprintf(w, "\nhint rule\tfired\treviewed\tedited or rejected\n")
		for _, r := range d.Rules {
			fmt.Fprintf(w, "%s\t%d\t%d\t%s\n", r.Rule, r.Fired, r.Reviewed, pct(r.Followed.Rate))
		}
	}

	if cp := d.Cost.Copilot; cp.Calls > 0 {
		fmt.Fprintf(w, "\ncopilot\t%d calls (%d failed), cost %.2f, %s per reviewed item\n", cp.Calls, cp.Failed, cp.Cost,
			ratio(cp.PerReviewed, "%.3f"))
	}
	if c := d.Cost.Comparison; c != nil {
		e := d.Cost.AllLLMErrors
		fmt.Fprintf(w, "\nall-LLM error rate\t%s not accepted as is, stratified (%d of %d reviewed in the sample)\n",
			estimate(e.Estimate), e.Count, e.Total)
		fmt.Fprintf(w, "set-up (%d companies)\ttotal cost\tperson-days\tshipped\tbad shipped\terror rate\tcost per good\n", c.Inputs.Population)
		for _, s := range []review.SetupCost{c.AllHuman, c.LLMReview, c.AllLLM} {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Setup, withRange(s.TotalCost, s.CI.TotalCost, "%.0f"),
				withRange(s.PersonDays, s.CI.PersonDays, "%.1f"), withRange(s.Shipped, s.CI.Shipped, "%.0f"),
				withRange(s.BadShipped, s.CI.BadShipped, "%.0f"), pctRange(s.ErrorRate, s.CI.ErrorRate),
				numRange(s.CostPerGood, s.CI.CostPerGood))
		}
		fmt.Fprintf(w, "\t(95%% intervals from the measured yield, error rate, seconds per review and copilot cost)\n")
	} else {
		fmt.Fprintf(w, "\ncost\tnot measured yet: %v\n", d.Cost.Missing)
	}
	return w.Flush()
}

// withRange writes a number with its interval, or alone where the interval is the point.
func withRange(v float64, ci review.Interval, format string) string {
	s, lo, hi := fmt.Sprintf(format, v), fmt.Sprintf(format, ci.Lo), fmt.Sprintf(format, ci.Hi)
	if lo == s && hi == s {
		return s
	}
	return fmt.Sprintf("%s (%s–%s)", s, lo, hi)
}

func pctRange(p *float64, ci *review.Interval) string {
	if p == nil || ci == nil || ci.Lo == ci.Hi {
		return pct(p)
	}
	return fmt.Sprintf("%s (%s)", pct(p), interval(ci.Lo, ci.Hi))
}

func numRange(p *float64, ci *review.Interval) string {
	switch {
	case p == nil:
		return "-"
	case ci == nil:
		return num(p) + " (no upper bound)"
	}
	return withRange(*p, *ci, "%.1f")
}

func ratio(r review.Ratio, format string) string {
	if r.Value == nil {
		return "-"
	}
	if r.CI == nil {
		return fmt.Sprintf(format, *r.Value)
	}
	return withRange(*r.Value, *r.CI, format)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func bandLabel(lo, hi float64) string {
	if hi-lo == 1 {
		return fmt.Sprint(lo) // one integer score per band
	}
	return fmt.Sprintf("%g–%g", lo, hi)
}

func num(p *float64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f", *p)
}

func num3(p *float64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%.3f", *p)
}
