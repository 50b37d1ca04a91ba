package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"reviewdesk/app"
	"reviewdesk/store"
)

// TestStatsAndReportCommands runs `stats --json` and `report --format md|html` as the CLI and checks their numbers
// against the Service's dashboard on the same database.
func TestStatsAndReportCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "stats.db")
	if out, err := cli("demo", "--db", db, "--items", "400", "--reviewed", "0.4", "--seed", "7").CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	out, err := cli("stats", "--json", "--db", db, "--wage", "2000", "--population", "1000000").Output()
	if err != nil {
		t.Fatalf("stats --json: %v", err)
	}
	var got app.Dashboard
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("stats --json is not a dashboard: %v\n%.300s", err, out)
	}
	md, html := filepath.Join(dir, "report.md"), filepath.Join(dir, "report.html")
	for _, args := range [][]string{{"--format", "md", "--out", md}, {"--format", "html", "--out", html}} {
		if out, err := cli(append([]string{"report", "--db", db, "--wage", "2000", "--population", "1000000"}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("report %v: %v\n%s", args, err, out)
		}
	}

	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := app.New(ctx, st, app.Config{User: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	wage, population := 2000.0, 1_000_000
	want, err := svc.Dashboard(ctx, app.DashboardQuery{Cost: app.CostParams{HourlyWage: &wage, Population: &population}})
	if err != nil {
		t.Fatal(err)
	}
	if want.Yield.Overall.N == 0 || want.Cost.Comparison == nil {
		t.Fatalf("the demo database has no reviews: %s", jsonText(want.Yield.Overall))
	}
	for _, tc := range []struct {
		name      string
		got, want any
	}{
		{"items", got.Items, want.Items},
		{"overall yield", got.Yield.Overall, want.Yield.Overall},
		{"yield by band", got.Yield.ByBand, want.Yield.ByBand},
		{"population", got.Population, want.Population},
		{"advisor", got.Judge.Advisor, want.Judge.Advisor},
		{"AUC", got.Judge.Approved.AUC, want.Judge.Approved.AUC},
		{"team", got.Reviewers.Team, want.Reviewers.Team},
		{"cost", got.Cost, want.Cost},
	} {
		if g, w := jsonText(tc.got), jsonText(tc.want); g != w {
			t.Errorf("stats --json %s:\n got %.400s\nwant %.400s", tc.name, g, w)
		}
	}
	if in := got.Cost.Comparison.Inputs; in.HourlyWage != 2000 || in.Population != 1_000_000 {
		t.Errorf("cost flags not applied: %+v", in)
	}

	// The report states the Service's numbers in its words.
	o, c, e := want.Yield.Overall, want.Cost.Comparison, want.Cost.AllLLMErrors
	pc := func(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }
	between := func(lo, hi float64) string { return fmt.Sprintf("%.1f–%.1f%%", 100*lo, 100*hi) }
	phrases := []string{
		fmt.Sprintf("Overall yield %s (95%% %s): %d good of %d reviewed.", pc(*o.Rate), between(o.CILo, o.CIHi), o.Good, o.N),
		fmt.Sprintf("Shipping without review would get %s (%s) of the items wrong", pc(*e.Value), between(e.CI.Lo, e.CI.Hi)),
		fmt.Sprintf("For %d companies: wage 2000 per hour", c.Inputs.Population),
		fmt.Sprintf("%.0f (%.0f–%.0f)", c.LLMReview.TotalCost, c.LLMReview.CI.TotalCost.Lo, c.LLMReview.CI.TotalCost.Hi),
		fmt.Sprintf("Whole import, %d items with the %d auto-discarded", want.Population.WholeImport.Population, want.Items.AutoDiscarded),
	}
	for _, path := range []string{md, html} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		page := string(b)
		for _, p := range phrases {
			if !strings.Contains(page, p) {
				t.Errorf("%s lacks %q", filepath.Base(path), p)
			}
		}
	}
	if b, _ := os.ReadFile(html); !strings.HasPrefix(string(b), "<!DOCTYPE html>") || !strings.Contains(string(b), "<h2") {
		t.Errorf("report.html is not an HTML page: %.200s", b)
	}
	if _, err := cli("report", "--db", db, "--format", "pdf").Output(); err == nil {
		t.Error("report --format pdf succeeded")
	}
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v (%v)", v, err)
	}
	return string(b)
}
