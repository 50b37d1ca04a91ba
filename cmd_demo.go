package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"reviewdesk/demo"
	"reviewdesk/review"
)

func demoCommand(g *globals) *cobra.Command {
	cfg := demo.Config{Items: 2000, Seed: 1, Reviewed: 0.3}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Write a realistic Japanese demo dataset into the database and exit",
		Long: `demo generates companies across industries and prefectures with their web-page source texts, LLM
summaries with the failure classes reviewers meet (first person, generic filler, slogans, false superlatives,
vague claims, unsupported facts, mixed style, template leftovers) and judge scores that correlate with quality only
imperfectly. --reviewed also records decisions by a few made-up reviewers on that share of the items, so that the
dashboard and the exports have something to show. The same --seed always gives the same data.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if cfg.Items < 1 {
				return review.Errorf(review.Invalid, "--items must be at least 1")
			}
			if cfg.Reviewed < 0 || cfg.Reviewed > 1 {
				return review.Errorf(review.Invalid, "--reviewed must be between 0 and 1")
			}
			st, svc, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if cfg.Start.IsZero() {
				cfg.Start = time.Now().Truncate(24 * time.Hour)
			}
			progress := importProgress()
			rep, err := svc.Demo(cmd.Context(), cfg, progress.update)
			progress.finish()
			if err != nil {
				return err
			}
			fmt.Printf("demo: wrote %d items (%d auto-discarded below the threshold) and %d decisions to %s\n",
				rep.Items, rep.Discarded, rep.Decisions, st.Path())
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.Items, "items", cfg.Items, "number of items")
	f.Int64Var(&cfg.Seed, "seed", cfg.Seed, "random seed; the same seed gives the same data")
	f.Float64Var(&cfg.Reviewed, "reviewed", cfg.Reviewed, "share of items that get decisions by made-up reviewers (0 to 1)")
	return cmd
}
