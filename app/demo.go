package app

import (
	"context"
	"fmt"
	"io"

	"reviewdesk/demo"
	"reviewdesk/ingest"
	"reviewdesk/review"
	"reviewdesk/store"
)

// DemoReport is what Demo wrote.
type DemoReport struct {
	Items     int `json:"items"`
	Decisions int `json:"decisions"`
	Discarded int `json:"discarded"`
}

// Demo writes a generated, deterministic Japanese dataset into the database through the import pipeline, with
// decisions by made-up reviewers on a share of the items, so that every screen has something to show.
func (s *Service) Demo(ctx context.Context, cfg demo.Config, progress progressFunc) (DemoReport, error) {
	gen := demo.New(cfg)
	rubric := demo.Rubric()
	if err := s.SetRubric(ctx, s.cfg.User, rubric); err != nil {
		return DemoReport{}, err
	}
	var rep DemoReport
	r := &demoReader{gen: gen, total: cfg.Items}
	rules := s.Rules()
	// The writer stores items in read order and every generated item is valid, so the n-th stored item is the
	// generator's n-th.
	n := 0
	after := func(im *store.Import, it *review.Item) error {
		i := n
		n++
		if rubric.Discards(it.Score) {
			return nil
		}
		plans := gen.Decisions(gen.Item(i), i)
		reviewers := map[string]bool{}
		for _, p := range plans {
			if p.Verdict.Reviewed() {
				reviewers[p.Reviewer] = true
			}
		}
		for _, p := range plans {
			d := review.Decision{ItemID: p.ItemID, Verdict: p.Verdict, FinalText: p.Text, Reasons: p.Reasons,
				Checks: p.Checks, Comment: p.Comment, Reviewer: p.Reviewer, StartedAt: p.StartedAt, EndedAt: p.EndedAt,
				Seconds: p.EndedAt.Sub(p.StartedAt).Seconds(), RulesVersion: rules.Version}
			if d.Verdict == review.Accepted && d.FinalText == "" {
				d.FinalText = it.Summary
			}
			if d.Reasons == nil {
				d.Reasons = []string{}
			}
			if err := im.PutDecision(d, len(reviewers) > 1); err != nil {
				return err
			}
			rep.Decisions++
		}
		return nil
	}
	fr, err := s.importFrom(ctx, r, fmt.Sprintf("demo (seed %d)", cfg.Seed), "demo", ImportOptions{Actor: s.cfg.User}, progress, after)
	if err != nil {
		return rep, err
	}
	rep.Items = fr.Counts.Added + fr.Counts.Revised + fr.Counts.Unchanged + fr.Counts.Flagged
	rep.Discarded = fr.Counts.Discarded
	return rep, s.loadProject(ctx)
}

// demoReader feeds generated items to the import pipeline as if read from a file.
type demoReader struct {
	gen   *demo.Generator
	total int
	n     int
}

func (r *demoReader) Next() (review.Item, ingest.Position, error) {
	it, ok := r.gen.Next()
	if !ok {
		return review.Item{}, ingest.Position{}, io.EOF
	}
	// The generator's answer key (which defects it planted) must not reach reviewers.
	delete(it.Meta, "defects")
	r.n++
	return it, ingest.Position{File: "demo", Line: int64(r.n)}, nil
}

func (r *demoReader) Progress() (int64, int64) { return int64(r.n), int64(r.total) }
func (r *demoReader) Close() error             { return nil }
