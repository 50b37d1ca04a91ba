package exporter

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"reviewdesk/delta"
)

// DecisionRecord is one decision for the feedback dataset: every verdict (rejections too), with what it was made
// on, why, by whom and how long it took.
type DecisionRecord struct {
	DecisionID      int64              `parquet:"decision_id" json:"decision_id"`
	ID              string             `parquet:"id" json:"id"`
	Company         string             `parquet:"company" json:"company"`
	Revision        int64              `parquet:"revision" json:"revision"`
	Verdict         string             `parquet:"verdict" json:"verdict"`
	Current         bool               `parquet:"current" json:"current"`
	UndoneAt        *time.Time         `parquet:"undone_at,optional,timestamp(microsecond)" json:"undone_at"`
	FinalText       string             `parquet:"final_text" json:"final_text"`
	OriginalSummary string             `parquet:"original_summary" json:"original_summary"`
	Edited          bool               `parquet:"edited" json:"edited"`
	JudgeScore      float64            `parquet:"judge_score" json:"judge_score"`
	JudgeMaxScore   float64            `parquet:"judge_max_score" json:"judge_max_score"`
	JudgeScores     map[string]float64 `parquet:"judge_scores" json:"judge_scores"`
	ReasonCodes     []string           `parquet:"reason_codes,list" json:"reason_codes"`
	Checks          map[string]bool    `parquet:"checks" json:"checks"`
	Comment         string             `parquet:"comment" json:"comment"`
	Reviewer        string             `parquet:"reviewer" json:"reviewer"`
	StartedAt       time.Time          `parquet:"started_at,timestamp(microsecond)" json:"started_at"`
	ReviewedAt      time.Time          `parquet:"reviewed_at,timestamp(microsecond)" json:"reviewed_at"`
	ReviewSeconds   float64            `parquet:"review_seconds" json:"review_seconds"`
	RulesVersion    string             `parquet:"rules_version" json:"rules_version"`
	HintRules       []string           `parquet:"hint_rules,list" json:"hint_rules"`
	Hints           string             `parquet:"hints" json:"hints"`
	Batch           string             `parquet:"batch" json:"batch"`
	SourceSHA256    string             `parquet:"source_sha256" json:"source_sha256"`
	Generator       string             `parquet:"generator" json:"generator"`
	Judge           string             `parquet:"judge" json:"judge"`
	PromptVersion   string             `parquet:"prompt_version" json:"prompt_version"`
	ExportedAt      time.Time          `parquet:"exported_at,timestamp(microsecond)" json:"exported_at"`
	// Source is the source text: the SFT and DPO prompts carry it; the decisions dataset does not.
	Source string `parquet:"-" json:"-"`
}

// DecisionSchema is the decisions dataset's Delta schema.
func DecisionSchema() *delta.StructType {
	return &delta.StructType{Fields: []delta.StructField{
		field("decision_id", long, false), field("id", str, true), field("company", str, true), field("revision", long, true),
		field("verdict", str, true), field("current", boolean, true), field("undone_at", timestamp, true),
		field("final_text", str, true), field("original_summary", str, true), field("edited", boolean, true),
		field("judge_score", double, true), field("judge_max_score", double, true), field("judge_scores", mapOf(double), true),
		field("reason_codes", arrayOf(str), true), field("checks", mapOf(boolean), true), field("comment", str, true),
		field("reviewer", str, true), field("started_at", timestamp, true), field("reviewed_at", timestamp, true),
		field("review_seconds", double, true), field("rules_version", str, true), field("hint_rules", arrayOf(str), true),
		field("hints", str, true), field("batch", str, true), field("source_sha256", str, true), field("generator", str, true),
		field("judge", str, true), field("prompt_version", str, true), field("exported_at", timestamp, true),
	}}
}

var decisionKind = tableKind[DecisionRecord]{
	name:   "decisions",
	schema: DecisionSchema,
	statsColumns: []string{"decision_id", "id", "verdict", "current", "undone_at", "judge_score", "reviewer", "reviewed_at",
		"review_seconds", "batch", "exported_at"},
	stats: func(r *DecisionRecord, b bounds) {
		b.integer(0, r.DecisionID)
		b.str(1, r.ID)
		b.str(2, r.Verdict)
		b.boolean(3)
		if r.UndoneAt != nil {
			b.time(4, *r.UndoneAt)
		} else {
			b.null(4)
		}
		b.num(5, r.JudgeScore)
		b.str(6, r.Reviewer)
		b.time(7, r.ReviewedAt)
		b.num(8, r.ReviewSeconds)
		b.str(9, r.Batch)
		b.time(10, r.ExportedAt)
	},
}

// FeedbackKinds are the feedback datasets: all decisions (a Delta table or a Parquet file), and the JSON Lines
// files for generator fine-tuning (sft), preference tuning (dpo) and judge calibration (judge).
var FeedbackKinds = []string{"all", "sft", "dpo", "judge"}

// WriteDecisionsTable writes every decision as the next version of the Delta table in dir, replacing what it held
// (decisions are undone and superseded, so the dataset is rewritten whole, as Spark's overwrite mode does: one
// commit removes every live file and adds the new ones).
func WriteDecisionsTable(ctx context.Context, dir, appID string, opts Options, rows Rows[DecisionRecord]) (Commit, error) {
	t, err := openTable(ctx, &decisionKind, dir, appID, opts)
	if err != nil {
		return Commit{}, err
	}
	res := Commit{Txn: t.Txn() + 1, Version: t.Version()}
	exportedAt := t.opts.Now().UTC().Truncate(time.Microsecond)
	fw := newFileWriter(t.kind, t.dir, t.filePrefix(), t.opts.Layout)
	err = rows(func(r *DecisionRecord) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		r.ExportedAt = exportedAt
		res.RowsAdded++
		return fw.Write(r)
	})
	var files []dataFile
	if err == nil {
		files, err = fw.Close()
	}
	if err != nil {
		fw.Abort()
		return res, fmt.Errorf("export decisions to %s: %w", t.dir, err)
	}
	if err := t.opts.hook(StepFilesWritten); err != nil {
		return res, err
	}
	c := change{operation: "WRITE", params: map[string]any{"mode": "Overwrite"}, add: files, txn: res.Txn}
	if t.snap != nil {
		c.remove = t.snap.Files
		for _, a := range c.remove {
			res.RowsRemoved += max(a.NumRecords(), 0)
		}
	}
	version, committed, err := t.commit(ctx, c)
	if err != nil {
		if !committed {
			fw.Abort()
		}
		return res, err
	}
	res.Committed, res.Version, res.FilesAdded, res.FilesRemoved = true, version, len(files), len(c.remove)
	return res, nil
}

// WriteDecisionsParquet writes every decision to one Parquet file, replaced atomically.
func WriteDecisionsParquet(ctx context.Context, path string, opts SnapshotOptions, rows Rows[DecisionRecord]) (int64, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	exportedAt := opts.Now().UTC().Truncate(time.Microsecond)
	var n int64
	err := writeAtomic(path, func(w io.Writer) error {
		pw := parquet.NewGenericWriter[DecisionRecord](w, parquet.Compression(compression),
			parquet.MaxRowsPerRowGroup(opts.Layout.withDefaults().RowGroupRows), parquet.CreatedBy("reviewdesk", "1", ""))
		batch := make([]DecisionRecord, 0, writeBatch)
		if err := rows(func(r *DecisionRecord) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			r.ExportedAt = exportedAt
			n++
			batch = append(batch, *r)
			if len(batch) == cap(batch) {
				_, err := pw.Write(batch)
				batch = batch[:0]
				return err
			}
			return nil
		}); err != nil {
			return err
		}
		if _, err := pw.Write(batch); err != nil {
			return err
		}
		return pw.Close()
	})
	if err != nil {
		return 0, fmt.Errorf("write decisions %s: %w", path, err)
	}
	return n, nil
}

// Prompts are the texts around a source in the fine-tuning examples: the system prompt and the generator's
// instruction, which the user turn puts before the source text.
type Prompts struct {
	System      string `json:"system"`
	Instruction string `json:"instruction"`
}

// DefaultPrompts are the generator's prompt as the pipeline uses it (docs/gold-table.md); --prompt-file
// replaces them when the generator's prompt differs.
func DefaultPrompts() Prompts {
	return Prompts{
		System: "あなたは企業情報の編集者です。与えられたテキストだけを根拠に、正確で簡潔な会社概要を書きます。",
		Instruction: "以下のテキストから、この会社の会社概要を三人称で書いてください。提供しているサービスや事業内容を中心に、" +
			"テキストにないことは書かないでください。",
	}
}

// Message is one chat turn in OpenAI's fine-tuning format.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// SFTExample is one line of sft.jsonl: OpenAI's chat fine-tuning format.
type SFTExample struct {
	Messages []Message `json:"messages"`
}

// DPOExample is one line of dpo.jsonl: a preference pair in the conversational form preference trainers read
// (prompt turns, then the preferred and the dispreferred assistant turn). ID names the item it came from.
type DPOExample struct {
	ID       string    `json:"id"`
	Prompt   []Message `json:"prompt"`
	Chosen   []Message `json:"chosen"`
	Rejected []Message `json:"rejected"`
}

// JudgeExample is one line of judge.jsonl: a summary, what the judge gave it and what the human decided.
type JudgeExample struct {
	ID            string             `json:"id"`
	Company       string             `json:"company"`
	Summary       string             `json:"summary"`
	Judge         string             `json:"judge"`
	JudgeScores   map[string]float64 `json:"judge_scores"`
	JudgeScore    float64            `json:"judge_score"`
	JudgeMaxScore float64            `json:"judge_max_score"`
	Verdict       string             `json:"verdict"`
	Approved      bool               `json:"approved"`
	Checks        map[string]bool    `json:"checks"`
	ReasonCodes   []string           `json:"reason_codes"`
	Comment       string             `json:"comment"`
	FinalText     string             `json:"final_text"`
	HintRules     []string           `json:"hint_rules"`
	Reviewer      string             `json:"reviewer"`
}

// FeedbackCounts says what a JSON Lines dataset got: lines written, and decisions left out because they lacked
// what the format needs (a source text for a prompt, a correction for a pair).
type FeedbackCounts struct {
	Written int64 `json:"written"`
	Skipped int64 `json:"skipped"`
}

func (p Prompts) user(source string) string {
	return p.Instruction + "\n\n" + source
}

// WriteFeedbackJSONL writes one JSON Lines dataset (kind sft, dpo or judge) from the current decisions, replacing
// the file atomically.
//
//   - sft: every approved item with a source text: system, user (instruction and source), assistant (final text).
//   - dpo: every edited item, and every rejected item whose reviewer wrote a correction: chosen is the human's
//     text, rejected the generated one.
//   - judge: every reviewed item: the summary, the judge's scores, the verdict, the checks and the reasons.
func WriteFeedbackJSONL(ctx context.Context, path, kind string, p Prompts, rows Rows[DecisionRecord]) (FeedbackCounts, error) {
	var c FeedbackCounts
	if kind != "sft" && kind != "dpo" && kind != "judge" {
		return c, fmt.Errorf("write feedback dataset %s: unknown kind %q; use sft, dpo or judge", path, kind)
	}
	err := writeAtomic(path, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		if err := rows(func(r *DecisionRecord) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			line, ok := feedbackLine(kind, p, r)
			if line == nil {
				return nil // not this dataset's kind of decision
			}
			if !ok {
				c.Skipped++
				return nil
			}
			c.Written++
			return enc.Encode(line)
		}); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return c, fmt.Errorf("write %s dataset %s: %w", kind, path, err)
	}
	return c, nil
}

// feedbackLine returns the line a decision gives in a dataset; nil when the dataset does not take this kind of
// decision, and ok=false when it would but the decision lacks a text the line needs.
func feedbackLine(kind string, p Prompts, r *DecisionRecord) (line any, ok bool) {
	final, original, source := strings.TrimSpace(r.FinalText), strings.TrimSpace(r.OriginalSummary), strings.TrimSpace(r.Source)
	switch kind {
	case "sft":
		if r.Verdict != "accepted" && r.Verdict != "edited" {
			return nil, false
		}
		line = SFTExample{Messages: []Message{{"system", p.System}, {"user", p.user(r.Source)}, {"assistant", r.FinalText}}}
		return line, source != "" && final != ""
	case "dpo":
		corrected := r.Verdict == "rejected" && final != "" && final != original
		if r.Verdict != "edited" && !corrected {
			return nil, false
		}
		line = DPOExample{ID: r.ID, Prompt: []Message{{"system", p.System}, {"user", p.user(r.Source)}},
			Chosen: []Message{{"assistant", r.FinalText}}, Rejected: []Message{{"assistant", r.OriginalSummary}}}
		return line, source != "" && final != "" && original != "" && final != original
	case "judge":
		if r.Verdict != "accepted" && r.Verdict != "edited" && r.Verdict != "rejected" {
			return nil, false
		}
		e := JudgeExample{ID: r.ID, Company: r.Company, Summary: r.OriginalSummary, Judge: r.Judge, JudgeScores: r.JudgeScores,
			JudgeScore: r.JudgeScore, JudgeMaxScore: r.JudgeMaxScore, Verdict: r.Verdict,
			Approved: r.Verdict == "accepted" || r.Verdict == "edited", Checks: r.Checks, ReasonCodes: r.ReasonCodes,
			Comment: r.Comment, FinalText: r.FinalText, HintRules: r.HintRules, Reviewer: r.Reviewer}
		if e.JudgeScores == nil {
			e.JudgeScores = map[string]float64{}
		}
		if e.Checks == nil {
			e.Checks = map[string]bool{}
		}
		if e.ReasonCodes == nil {
			e.ReasonCodes = []string{}
		}
		if e.HintRules == nil {
			e.HintRules = []string{}
		}
		return e, original != ""
	}
	return nil, false
}
