package exporter

import (
	"time"

	"reviewdesk/delta"
)

// GoldRow is one released summary: a row of the gold table. docs/gold-table.md describes every column; the
// parquet tags are the table's physical schema and GoldSchema its Delta schema, kept in the same order.
type GoldRow struct {
	ID              string             `parquet:"id" json:"id"`
	Company         string             `parquet:"company" json:"company"`
	Summary         string             `parquet:"summary" json:"summary"`
	OriginalSummary string             `parquet:"original_summary" json:"original_summary"`
	Verdict         string             `parquet:"verdict" json:"verdict"`
	Edited          bool               `parquet:"edited" json:"edited"`
	JudgeScore      float64            `parquet:"judge_score" json:"judge_score"`
	JudgeMaxScore   float64            `parquet:"judge_max_score" json:"judge_max_score"`
	JudgeScores     map[string]float64 `parquet:"judge_scores" json:"judge_scores"`
	Checks          map[string]bool    `parquet:"checks" json:"checks"`
	ReasonCodes     []string           `parquet:"reason_codes,list" json:"reason_codes"`
	Reviewer        string             `parquet:"reviewer" json:"reviewer"`
	ReviewedAt      time.Time          `parquet:"reviewed_at,timestamp(microsecond)" json:"reviewed_at"`
	ReviewSeconds   float64            `parquet:"review_seconds" json:"review_seconds"`
	RulesVersion    string             `parquet:"rules_version" json:"rules_version"`
	HintRules       []string           `parquet:"hint_rules,list" json:"hint_rules"`
	Batch           string             `parquet:"batch" json:"batch"`
	SourceSHA256    string             `parquet:"source_sha256" json:"source_sha256"`
	Generator       string             `parquet:"generator" json:"generator"`
	Judge           string             `parquet:"judge" json:"judge"`
	PromptVersion   string             `parquet:"prompt_version" json:"prompt_version"`
	DecisionID      int64              `parquet:"decision_id" json:"decision_id"`
	ItemVersion     int64              `parquet:"item_version" json:"item_version"`
	ExportedAt      time.Time          `parquet:"exported_at,timestamp(microsecond)" json:"exported_at"`
}

// GoldColumns are the gold table's column names in order, as CSV headers.
var GoldColumns = []string{"id", "company", "summary", "original_summary", "verdict", "edited", "judge_score",
	"judge_max_score", "judge_scores", "checks", "reason_codes", "reviewer", "reviewed_at", "review_seconds",
	"rules_version", "hint_rules", "batch", "source_sha256", "generator", "judge", "prompt_version", "decision_id",
	"item_version", "exported_at"}

// GoldSchema is the gold table's Delta schema.
func GoldSchema() *delta.StructType {
	return &delta.StructType{Fields: []delta.StructField{
		field("id", str, false), field("company", str, true), field("summary", str, true),
		field("original_summary", str, true), field("verdict", str, true), field("edited", boolean, true),
		field("judge_score", double, true), field("judge_max_score", double, true),
		field("judge_scores", mapOf(double), true), field("checks", mapOf(boolean), true),
		field("reason_codes", arrayOf(str), true), field("reviewer", str, true), field("reviewed_at", timestamp, true),
		field("review_seconds", double, true), field("rules_version", str, true), field("hint_rules", arrayOf(str), true),
		field("batch", str, true), field("source_sha256", str, true), field("generator", str, true),
		field("judge", str, true), field("prompt_version", str, true), field("decision_id", long, true),
		field("item_version", long, true), field("exported_at", timestamp, true),
	}}
}

var (
	str       = delta.DataType{Name: "string"}
	boolean   = delta.DataType{Name: "boolean"}
	double    = delta.DataType{Name: "double"}
	long      = delta.DataType{Name: "long"}
	timestamp = delta.DataType{Name: "timestamp"}
)

func field(name string, t delta.DataType, nullable bool) delta.StructField {
	return delta.StructField{Name: name, Type: t, Nullable: nullable}
}

func mapOf(v delta.DataType) delta.DataType {
	return delta.DataType{Name: "map", KeyType: &str, ValueType: &v}
}

func arrayOf(e delta.DataType) delta.DataType {
	return delta.DataType{Name: "array", ElementType: &e}
}

// goldStatsColumns are the columns whose min and max go into the add actions' stats: the short ones a reader
// skips files by. The texts would only give 32-character prefixes; maps and lists have no bounds.
var goldStatsColumns = []string{"id", "company", "verdict", "edited", "judge_score", "judge_max_score", "reviewer",
	"reviewed_at", "review_seconds", "rules_version", "batch", "source_sha256", "generator", "judge",
	"prompt_version", "decision_id", "item_version", "exported_at"}

func goldStats(r *GoldRow, b bounds) {
	b.str(0, r.ID)
	b.str(1, r.Company)
	b.str(2, r.Verdict)
	b.boolean(3)
	b.num(4, r.JudgeScore)
	b.num(5, r.JudgeMaxScore)
	b.str(6, r.Reviewer)
	b.time(7, r.ReviewedAt)
	b.num(8, r.ReviewSeconds)
	b.str(9, r.RulesVersion)
	b.str(10, r.Batch)
	b.str(11, r.SourceSHA256)
	b.str(12, r.Generator)
	b.str(13, r.Judge)
	b.str(14, r.PromptVersion)
	b.integer(15, r.DecisionID)
	b.integer(16, r.ItemVersion)
	b.time(17, r.ExportedAt)
}

// goldKind describes the gold table to the generic Delta writer.
var goldKind = tableKind[GoldRow]{
	name:         "gold",
	schema:       GoldSchema,
	statsColumns: goldStatsColumns,
	stats:        goldStats,
	keyColumns:   [3]string{"id", "decision_id", "item_version"},
}
