// Command gen writes a gold Delta table for the DuckDB check: a database with decisions, exported over a dozen
// incremental exports with corrections (reopened, re-decided, rejected and undone items) and small data files, so
// that the log has removes, rewrites and a checkpoint. It prints what reviewdesk's own reader (ingest) reads back
// from the table, and what the database says must be there, as JSON on stdout.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"reviewdesk/app"
	"reviewdesk/exporter"
	"reviewdesk/ingest"
	"reviewdesk/review"
	"reviewdesk/store"
)

// row is one gold row as the check compares it.
type row struct {
	ID         string             `json:"id"`
	Summary    string             `json:"summary"`
	Company    string             `json:"company"`
	JudgeScore float64            `json:"judge_score"`
	Scores     map[string]float64 `json:"judge_scores"`
	Batch      string             `json:"batch"`
	Verdict    any                `json:"verdict"`
	Edited     any                `json:"edited"`
	Reviewer   any                `json:"reviewer"`
	DecisionID any                `json:"decision_id"`
}

type output struct {
	Table    string   `json:"table"`
	Rows     []row    `json:"rows"`     // read back by ingest
	Approved []string `json:"approved"` // ids the database says are approved
	Exports  int      `json:"exports"`
}

func main() {
	dir := flag.String("dir", "", "directory for the database and the table")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "gen: --dir is required")
		os.Exit(2)
	}
	if err := run(context.Background(), *dir); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dir string) error {
	st, err := store.Open(ctx, filepath.Join(dir, "gen.db"), store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	svc, err := app.New(ctx, st, app.Config{User: "sato"})
	if err != nil {
		return err
	}
	const n = 60
	im, err := st.BeginImport(ctx, "gen", "jsonl", "sato", review.Rubric{})
	if err != nil {
		return err
	}
	rules := svc.Rules()
	for i := range n {
		it := review.Item{
			ID: fmt.Sprintf("80000000%05d", i), Company: fmt.Sprintf("株式会社チェック%d", i),
			Source:  fmt.Sprintf("株式会社チェック%dは福岡県で精密部品を製造しています。", i),
			Summary: fmt.Sprintf("株式会社チェック%dは、福岡県で精密部品を製造する会社です。", i),
			Score:   float64(3 + i%8), MaxScore: 10, Scores: map[string]float64{"business": float64(i % 5), "third_person": 2},
			Batch: fmt.Sprintf("b%d", i%3), Generator: "gen-1", Judge: "judge-1", PromptVersion: "p1",
		}
		if i%7 == 0 {
			it.Summary = "我々は福岡県で精密部品を製造しています！"
		}
		if _, err := im.Put(&it, rules.Check(it.Summary, it.Source), rules.Version); err != nil {
			return err
		}
	}
	if _, err := im.Commit("sato"); err != nil {
		return err
	}
	who := app.Identity{User: "sato", Role: review.RoleSupervisor}
	decide := func(i int, v review.Verdict, text string, reasons ...string) error {
		id := fmt.Sprintf("80000000%05d", i)
		rec, err := svc.Item(ctx, id)
		if err != nil {
			return err
		}
		_, err = svc.Decide(ctx, who, id, review.Submission{Verdict: v, Text: text, Reasons: reasons, Version: rec.Version,
			StartedAt: time.Now().Add(-30 * time.Second)})
		return err
	}
	table := filepath.Join(dir, "gold")
	export := func() error {
		_, err := svc.ExportGold(ctx, app.GoldExport{Dir: table, Actor: "sato", Layout: exporter.Layout{RowsPerFile: 8}}, nil)
		return err
	}
	exports := 0
	for round := range 12 {
		// Five new decisions per round: mostly accepted, some edited, one rejected.
		for k := range 5 {
			i := round*5 + k
			var err error
			switch {
			case k == 4:
				err = decide(i, review.Rejected, "", "vague")
			case k == 3:
				err = decide(i, review.Edited, fmt.Sprintf("株式会社チェック%dは福岡県の精密部品メーカーです。", i), "first_person")
			default:
				err = decide(i, review.Accepted, "")
			}
			if err != nil {
				return fmt.Errorf("round %d: %w", round, err)
			}
		}
		// Corrections of rows exported in earlier rounds.
		if round >= 2 {
			old := (round - 2) * 5
			if err := svc.Reopen(ctx, "sato", fmt.Sprintf("80000000%05d", old)); err != nil {
				return err
			}
			if round%2 == 0 {
				if err := decide(old, review.Edited, fmt.Sprintf("株式会社チェック%dは、福岡県で精密部品を製造しています（第%d版）。", old, round), "vague"); err != nil {
					return err
				}
			}
		}
		if round == 5 {
			if err := decide(59, review.Accepted, ""); err != nil {
				return err
			}
			if _, err := svc.Undo(ctx, "sato"); err != nil {
				return err
			}
		}
		if err := export(); err != nil {
			return fmt.Errorf("export %d: %w", round, err)
		}
		exports++
	}
	out := output{Table: table, Exports: exports, Rows: []row{}, Approved: []string{}}
	if err := st.GoldRows(ctx, func(r *store.GoldRow) error {
		out.Approved = append(out.Approved, r.ID)
		return nil
	}); err != nil {
		return err
	}
	r, err := ingest.Open(table, ingest.Options{Format: "delta"})
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		it, pos, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read back at %s: %w", pos, err)
		}
		out.Rows = append(out.Rows, row{ID: it.ID, Summary: it.Summary, Company: it.Company, JudgeScore: it.Score, Scores: it.Scores,
			Batch: it.Batch, Verdict: it.Meta["verdict"], Edited: it.Meta["edited"], Reviewer: it.Meta["reviewer"],
			DecisionID: it.Meta["decision_id"]})
	}
	sort.Slice(out.Rows, func(i, j int) bool { return out.Rows[i].ID < out.Rows[j].ID })
	sort.Strings(out.Approved)
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
