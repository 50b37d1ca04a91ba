// Command gen writes a gold Delta table for the DuckDB check: a database with decisions, exported over a dozen
// incremental exports with corrections (reopened, re-decided, rejected and undone items) and small data files, so
// that the log has removes, rewrites and a checkpoint. It prints, as JSON on stdout, every gold column of every row
// it expects in the table (from what it imported and decided, on a clock it moves itself), what reviewdesk's own
// reader (ingest) reads back from the table, and what the database says must be there.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"time"

	"reviewdesk/app"
	"reviewdesk/delta"
	"reviewdesk/exporter"
	"reviewdesk/ingest"
	"reviewdesk/review"
	"reviewdesk/store"
)

// A row is one gold row as the check compares it, keyed by column name. Values take the form the check gives
// DuckDB's: strings, booleans and doubles as they are, longs and timestamps (microseconds since the epoch) as
// decimal strings, maps as objects and arrays as arrays.
type row map[string]any

type output struct {
	Table string `json:"table"`
	// Expected has every column of every row the table must hold, in id order: what gen imported and decided, and
	// when it exported each row's version. Only item_version, the exporter's bookkeeping, comes from the database.
	Expected []row `json:"expected"`
	// Rows are what ingest reads back, in id order: the flat columns only (it does not read checks and lists).
	Rows     []row    `json:"rows"`
	Approved []string `json:"approved"` // ids the database says are approved
	Exports  int      `json:"exports"`
}

// cell puts a value of a gold column in the form a row holds.
func cell(t delta.DataType, v any) (any, error) {
	switch t.Name {
	case "long":
		switch x := v.(type) {
		case int64:
			return strconv.FormatInt(x, 10), nil
		case json.Number:
			return x.String(), nil
		}
	case "timestamp":
		switch x := v.(type) {
		case time.Time:
			return strconv.FormatInt(x.UnixMicro(), 10), nil
		case string:
			ts, err := time.Parse(time.RFC3339Nano, x)
			if err != nil {
				return nil, err
			}
			return strconv.FormatInt(ts.UnixMicro(), 10), nil
		}
	case "double":
		switch x := v.(type) {
		case float64:
			return x, nil
		case json.Number:
			return x.Float64()
		}
	default:
		return v, nil
	}
	return nil, fmt.Errorf("a %T for a %s column", v, t.Name)
}

// toRow turns column values into a row, by the gold schema's types. A column the schema lacks is an error.
func toRow(values map[string]any) (row, error) {
	types := map[string]delta.DataType{}
	for _, f := range exporter.GoldSchema().Fields {
		types[f.Name] = f.Type
	}
	r := row{}
	for name, v := range values {
		t, ok := types[name]
		if !ok {
			return nil, fmt.Errorf("column %s is not in the gold schema", name)
		}
		c, err := cell(t, v)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", name, err)
		}
		r[name] = c
	}
	return r, nil
}

// written is what gen knows of an item: what it imported, and its decision that stands.
type written struct {
	item      review.Item
	hintRules []string
	verdict   review.Verdict
	summary   string
	checks    map[string]bool
	reasons   []string
	at        time.Time
	seconds   float64
	decision  int64
	// exportedAt is when the row of this decision was written: the first export after the item last changed. A
	// rewrite of its file for another row's correction keeps it.
	exportedAt time.Time
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
	// A clock gen moves: every decision and export has a time it knows, to the millisecond the database keeps.
	clock := time.Date(2026, 11, 20, 9, 30, 0, 123_000_000, time.UTC)
	now := func() time.Time { return clock }
	tick := func() { clock = clock.Add(61*time.Second + 7*time.Millisecond) }
	st, err := store.Open(ctx, filepath.Join(dir, "gen.db"), store.Options{Now: now})
	if err != nil {
		return err
	}
	defer st.Close()
	svc, err := app.New(ctx, st, app.Config{User: "sato", Now: now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	const n = 60
	im, err := st.BeginImport(ctx, "gen", "jsonl", "sato", review.Rubric{})
	if err != nil {
		return err
	}
	rules := svc.Rules()
	items := map[string]*written{}
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
		hints := rules.Check(it.Summary, it.Source)
		w := &written{item: it, hintRules: []string{}}
		for _, h := range hints {
			if !slices.Contains(w.hintRules, h.Rule) {
				w.hintRules = append(w.hintRules, h.Rule)
			}
		}
		slices.Sort(w.hintRules)
		items[it.ID] = w
		if _, err := im.Put(&it, hints, rules.Version); err != nil {
			return err
		}
	}
	if _, err := im.Commit("sato"); err != nil {
		return err
	}
	who := app.Identity{User: "sato", Role: review.RoleSupervisor}
	changed := map[string]bool{} // items changed since the last export
	decide := func(i int, v review.Verdict, text string, reasons ...string) error {
		tick()
		id := fmt.Sprintf("80000000%05d", i)
		rec, err := svc.Item(ctx, id)
		if err != nil {
			return err
		}
		// Times and checks vary by item: one in eleven was left open longer than the 15 minutes a review counts for.
		took := time.Duration(20+i)*time.Second + time.Duration(i)*time.Millisecond
		if i%11 == 0 {
			took = time.Hour
		}
		var checks map[string]bool
		switch i % 4 {
		case 1:
			checks = map[string]bool{"business": true, "third_person": true}
		case 2:
			checks = map[string]bool{"business": i%3 == 0, "third_person": false}
		}
		d, err := svc.Decide(ctx, who, id, review.Submission{Verdict: v, Text: text, Reasons: reasons, Checks: checks,
			Version: rec.Version, StartedAt: clock.Add(-took)})
		if err != nil {
			return err
		}
		if d.ID == 0 {
			return fmt.Errorf("decide %s: no decision id", id)
		}
		w := items[id]
		w.verdict, w.summary, w.checks, w.reasons, w.at = v, text, checks, reasons, clock
		w.seconds, w.decision = min(took.Seconds(), review.MaxReviewSeconds), d.ID
		if v == review.Accepted {
			w.summary = w.item.Summary
		}
		if w.checks == nil {
			w.checks = map[string]bool{}
		}
		changed[id] = true
		return nil
	}
	table := filepath.Join(dir, "gold")
	export := func() error {
		tick()
		if _, err := svc.ExportGold(ctx, app.GoldExport{Dir: table, Actor: "sato", Layout: exporter.Layout{RowsPerFile: 8}}, nil); err != nil {
			return err
		}
		for id := range changed {
			items[id].exportedAt = clock
		}
		clear(changed)
		return nil
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
				err = decide(i, review.Edited, fmt.Sprintf("株式会社チェック%dは福岡県の精密部品メーカーです。", i), "first_person", "vague")
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
			id := fmt.Sprintf("80000000%05d", old)
			tick()
			if err := svc.Reopen(ctx, "sato", id); err != nil {
				return err
			}
			items[id].verdict, changed[id] = "", true
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
			tick()
			d, err := svc.Undo(ctx, "sato")
			if err != nil {
				return err
			}
			if d.ItemID != fmt.Sprintf("80000000%05d", 59) {
				return fmt.Errorf("undo took back %s's decision, not item 59's", d.ItemID)
			}
			items[d.ItemID].verdict = ""
		}
		if err := export(); err != nil {
			return fmt.Errorf("export %d: %w", round, err)
		}
		exports++
	}

	out := output{Table: table, Exports: exports, Expected: []row{}, Rows: []row{}, Approved: []string{}}
	versions := map[string]int64{}
	if err := st.GoldRows(ctx, func(r *store.GoldRow) error {
		out.Approved = append(out.Approved, r.ID)
		versions[r.ID] = r.ItemVersion
		return nil
	}); err != nil {
		return err
	}
	for _, id := range slices.Sorted(maps.Keys(items)) {
		w := items[id]
		if w.verdict != review.Accepted && w.verdict != review.Edited {
			continue
		}
		it := w.item
		reasons := w.reasons
		if reasons == nil {
			reasons = []string{}
		}
		r, err := toRow(map[string]any{
			"id": it.ID, "company": it.Company, "summary": w.summary, "original_summary": it.Summary,
			"verdict": string(w.verdict), "edited": w.verdict == review.Edited, "judge_score": it.Score,
			"judge_max_score": it.MaxScore, "judge_scores": it.Scores, "checks": w.checks, "reason_codes": reasons,
			"reviewer": "sato", "reviewed_at": w.at, "review_seconds": w.seconds, "rules_version": rules.Version,
			"hint_rules": w.hintRules, "batch": it.Batch, "source_sha256": fmt.Sprintf("%x", sha256.Sum256([]byte(it.Source))),
			"generator": it.Generator, "judge": it.Judge, "prompt_version": it.PromptVersion, "decision_id": w.decision,
			"item_version": versions[id], "exported_at": w.exportedAt,
		})
		if err != nil {
			return fmt.Errorf("expected row %s: %w", id, err)
		}
		out.Expected = append(out.Expected, r)
	}

	rd, err := ingest.Open(table, ingest.Options{Format: "delta"})
	if err != nil {
		return err
	}
	defer rd.Close()
	for {
		it, pos, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read back at %s: %w", pos, err)
		}
		values := map[string]any{"id": it.ID, "company": it.Company, "summary": it.Summary, "judge_score": it.Score,
			"judge_max_score": it.MaxScore, "judge_scores": it.Scores, "batch": it.Batch, "generator": it.Generator,
			"judge": it.Judge, "prompt_version": it.PromptVersion}
		for k, v := range it.Meta {
			values[k] = v
		}
		r, err := toRow(values)
		if err != nil {
			return fmt.Errorf("read back %s: %w", it.ID, err)
		}
		out.Rows = append(out.Rows, r)
	}
	sort.Slice(out.Rows, func(i, j int) bool { return out.Rows[i]["id"].(string) < out.Rows[j]["id"].(string) })
	sort.Strings(out.Approved)
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
