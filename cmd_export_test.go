package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"reviewdesk/app"
	"reviewdesk/delta"
	"reviewdesk/exporter"
	"reviewdesk/review"
	"reviewdesk/store"
)

// exportFixture is a small database for the export commands: four imported items, decided as accepted (a summary
// that a spreadsheet would run as a formula), edited, rejected with a correction, and rejected without one.
type exportFixture struct {
	db                                 string
	formula, edited, corrected, plain  string // item ids
	formulaSummary, editedText, source string
}

func newExportFixture(t *testing.T) exportFixture {
	t.Helper()
	dir := t.TempDir()
	f := exportFixture{
		db: filepath.Join(dir, "export.db"), formula: "9100000000001", edited: "9100000000002", corrected: "9100000000003",
		plain:          "9100000000004",
		formulaSummary: `=HYPERLINK("http://example.com/","株式会社イコール")は東京都でソフトウェアを開発しています。`,
		editedText:     "有限会社ふたつは大阪府で金型を製造しています。",
		source:         "会社の紹介文。東京都と大阪府で事業を営んでいます。",
	}
	var lines bytes.Buffer
	enc := json.NewEncoder(&lines)
	for _, it := range []map[string]any{
		{"id": f.formula, "company": "株式会社イコール", "summary": f.formulaSummary},
		{"id": f.edited, "company": "有限会社ふたつ", "summary": "我々は大阪府で金型を製造しています！"},
		{"id": f.corrected, "company": "株式会社みっつ", "summary": "株式会社みっつは日本一の会社です。"},
		{"id": f.plain, "company": "株式会社よっつ", "summary": "株式会社よっつは福岡県の会社です。"},
	} {
		it["source"], it["score"], it["max_score"], it["scores"] = f.source, 7, 10, map[string]float64{"business": 4}
		if err := enc.Encode(it); err != nil {
			t.Fatal(err)
		}
	}
	in := filepath.Join(dir, "items.jsonl")
	if err := os.WriteFile(in, lines.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err, _ := run(t, "import", "--db", f.db, "--user", "sato", in); err != nil {
		t.Fatalf("import: %v", err)
	}

	// No command decides; the Service does, as the UI would.
	ctx := context.Background()
	st, err := store.Open(ctx, f.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := app.New(ctx, st, app.Config{User: "sato"})
	if err != nil {
		t.Fatal(err)
	}
	who := app.Identity{User: "sato", Role: review.RoleSupervisor}
	for _, d := range []struct {
		id      string
		verdict review.Verdict
		text    string
		reasons []string
	}{
		{f.formula, review.Accepted, "", nil},
		{f.edited, review.Edited, f.editedText, []string{"first_person"}},
		{f.corrected, review.Rejected, "株式会社みっつは東京都で事業を営んでいます。", []string{"superlative"}},
		{f.plain, review.Rejected, "", []string{"vague"}},
	} {
		rec, err := svc.Item(ctx, d.id)
		if err != nil {
			t.Fatal(err)
		}
		sub := review.Submission{Verdict: d.verdict, Text: d.text, Reasons: d.reasons, Version: rec.Version,
			StartedAt: time.Now().Add(-time.Minute)}
		if _, err := svc.Decide(ctx, who, d.id, sub); err != nil {
			t.Fatalf("decide %s: %v", d.id, err)
		}
	}
	return f
}

// jsonLines parses every line of a JSON Lines file into T, refusing keys T does not have.
func jsonLines[T any](t *testing.T, path string) []T {
	t.Helper()
	file, err := os.Open(path)
	if err != nil {
		t.Fatalf("the export wrote no %s: %v", filepath.Base(path), err)
	}
	defer file.Close()
	var out []T
	sc := bufio.NewScanner(file)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var v T
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s:%d: %v", filepath.Base(path), n, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestExportFeedbackCommand runs `reviewdesk export feedback --to DIR --kind K` for every kind and checks that each
// writes its dataset where the docs say, in a form its readers parse, with the decisions it should hold.
func TestExportFeedbackCommand(t *testing.T) {
	f := newExportFixture(t)
	export := func(t *testing.T, args ...string) string {
		t.Helper()
		out := t.TempDir()
		if err, code := run(t, append([]string{"export", "feedback", "--db", f.db, "--user", "sato", "--to", out}, args...)...); err != nil {
			t.Fatalf("export feedback %v: %v (exit %d)", args, err, code)
		}
		return out
	}
	ids := func(recs []exporter.DecisionRecord) []string {
		var out []string
		for _, r := range recs {
			out = append(out, r.ID)
		}
		slices.Sort(out)
		return out
	}
	every := []string{f.formula, f.edited, f.corrected, f.plain}

	t.Run("all", func(t *testing.T) {
		table := filepath.Join(export(t, "--kind", "all"), "decisions")
		snap, err := delta.ReadSnapshot(context.Background(), table)
		if err != nil {
			t.Fatalf("decisions is not a Delta table: %v", err)
		}
		var recs []exporter.DecisionRecord
		for _, a := range snap.Files {
			p, err := snap.FilePath(a)
			if err != nil {
				t.Fatal(err)
			}
			rs, err := parquet.ReadFile[exporter.DecisionRecord](p)
			if err != nil {
				t.Fatalf("read %s: %v", a.Path, err)
			}
			recs = append(recs, rs...)
		}
		if got := ids(recs); !slices.Equal(got, every) {
			t.Errorf("decisions table holds %v, want every decision %v", got, every)
		}
	})
	t.Run("all as parquet", func(t *testing.T) {
		recs, err := parquet.ReadFile[exporter.DecisionRecord](filepath.Join(export(t, "--kind", "all", "--format", "parquet"), "decisions.parquet"))
		if err != nil {
			t.Fatalf("decisions.parquet: %v", err)
		}
		if got := ids(recs); !slices.Equal(got, every) {
			t.Errorf("decisions.parquet holds %v, want every decision %v", got, every)
		}
	})
	t.Run("sft", func(t *testing.T) {
		ls := jsonLines[exporter.SFTExample](t, filepath.Join(export(t, "--kind", "sft"), "sft.jsonl"))
		var finals []string
		for i, l := range ls {
			if len(l.Messages) != 3 || l.Messages[2].Role != "assistant" {
				t.Fatalf("sft line %d: %+v", i+1, l)
			}
			if user := l.Messages[1].Content; !strings.HasSuffix(user, f.source) {
				t.Errorf("sft line %d: the user turn %q lacks the source text", i+1, user)
			}
			finals = append(finals, l.Messages[2].Content)
		}
		if want := []string{f.formulaSummary, f.editedText}; !slices.Equal(finals, want) {
			t.Errorf("sft assistant turns %q, want the approved final texts %q", finals, want)
		}
	})
	t.Run("sft with a prompt file", func(t *testing.T) {
		pf := filepath.Join(t.TempDir(), "prompt.json")
		p := exporter.Prompts{System: "あなたは校閲者です。", Instruction: "次の文章を要約してください。"}
		b, _ := json.Marshal(p)
		if err := os.WriteFile(pf, b, 0o644); err != nil {
			t.Fatal(err)
		}
		ls := jsonLines[exporter.SFTExample](t, filepath.Join(export(t, "--kind", "sft", "--prompt-file", pf), "sft.jsonl"))
		if len(ls) == 0 {
			t.Fatal("sft.jsonl is empty")
		}
		for i, l := range ls {
			if l.Messages[0].Content != p.System || !strings.HasPrefix(l.Messages[1].Content, p.Instruction) {
				t.Errorf("sft line %d does not use the prompt file: %+v", i+1, l.Messages[:2])
			}
		}
	})
	t.Run("dpo", func(t *testing.T) {
		ls := jsonLines[exporter.DPOExample](t, filepath.Join(export(t, "--kind", "dpo"), "dpo.jsonl"))
		var got []string
		for i, l := range ls {
			got = append(got, l.ID)
			if len(l.Prompt) != 2 || len(l.Chosen) != 1 || len(l.Rejected) != 1 || l.Chosen[0].Content == l.Rejected[0].Content {
				t.Errorf("dpo line %d is no preference pair: %+v", i+1, l)
			}
		}
		if want := []string{f.edited, f.corrected}; !slices.Equal(got, want) {
			t.Errorf("dpo ids %v, want the edit and the rejection with a correction %v", got, want)
		}
		if len(ls) > 0 && (ls[0].Chosen[0].Content != f.editedText || ls[0].Rejected[0].Content != "我々は大阪府で金型を製造しています！") {
			t.Errorf("dpo pair of the edit: chosen %q, rejected %q", ls[0].Chosen[0].Content, ls[0].Rejected[0].Content)
		}
	})
	t.Run("judge", func(t *testing.T) {
		ls := jsonLines[exporter.JudgeExample](t, filepath.Join(export(t, "--kind", "judge"), "judge.jsonl"))
		verdicts := map[string]string{}
		for _, l := range ls {
			verdicts[l.ID] = l.Verdict
		}
		want := map[string]string{f.formula: "accepted", f.edited: "edited", f.corrected: "rejected", f.plain: "rejected"}
		if len(ls) != len(want) || !maps.Equal(verdicts, want) {
			t.Errorf("judge lines %v, want %v", verdicts, want)
		}
	})
	t.Run("unknown kind", func(t *testing.T) {
		out := t.TempDir()
		err, code := run(t, "export", "feedback", "--db", f.db, "--user", "sato", "--to", out, "--kind", "rlhf")
		if err == nil || code == 0 {
			t.Errorf("--kind rlhf: %v, exit %d; want a failure", err, code)
		}
		if entries, _ := os.ReadDir(out); len(entries) != 0 {
			t.Errorf("--kind rlhf wrote %d files", len(entries))
		}
	})
}

// TestExportGoldCSVCommand runs `reviewdesk export gold --format csv` with and without --bom: the byte order mark is
// there only when asked for, the file is CSV with the gold columns, and a summary starting with = is escaped so
// that a spreadsheet shows it instead of running it.
func TestExportGoldCSVCommand(t *testing.T) {
	f := newExportFixture(t)
	const bom = "\uFEFF"
	for _, tc := range []struct {
		name string
		bom  bool
	}{{"with --bom", true}, {"without --bom", false}} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			args := []string{"export", "gold", "--db", f.db, "--user", "sato", "--to", out, "--format", "csv"}
			if tc.bom {
				args = append(args, "--bom")
			}
			if err, code := run(t, args...); err != nil {
				t.Fatalf("export gold %v: %v (exit %d)", args, err, code)
			}
			b, err := os.ReadFile(filepath.Join(out, "gold.csv"))
			if err != nil {
				t.Fatalf("the export wrote no gold.csv: %v", err)
			}
			if got := bytes.HasPrefix(b, []byte(bom)); got != tc.bom {
				t.Fatalf("gold.csv starts with a BOM: %v, want %v (first bytes % x)", got, tc.bom, b[:min(len(b), 8)])
			}
			r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte(bom))))
			recs, err := r.ReadAll()
			if err != nil {
				t.Fatalf("gold.csv is not CSV: %v", err)
			}
			if len(recs) == 0 || !slices.Equal(recs[0], exporter.GoldColumns) {
				t.Fatalf("gold.csv header %q, want %q", recs[0], exporter.GoldColumns)
			}
			col := func(name string) int { return slices.Index(exporter.GoldColumns, name) }
			rows := map[string][]string{}
			for _, rec := range recs[1:] {
				rows[rec[col("id")]] = rec
			}
			if len(rows) != 2 || rows[f.formula] == nil || rows[f.edited] == nil {
				t.Fatalf("gold.csv holds %d rows %v, want the two approved items", len(recs)-1, slices.Sorted(maps.Keys(rows)))
			}
			for _, c := range []string{"summary", "original_summary"} {
				if got := rows[f.formula][col(c)]; got != "'"+f.formulaSummary {
					t.Errorf("%s of the = summary is %q, want it escaped with a leading apostrophe", c, got)
				}
			}
			if got := rows[f.edited][col("summary")]; got != f.editedText {
				t.Errorf("the edited summary is %q, want %q untouched", got, f.editedText)
			}
		})
	}
}
