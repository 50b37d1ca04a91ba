// Package ingest reads files of generated summaries into review.Items, one record at a time and in constant
// memory: JSON Lines, CSV (UTF-8 or Shift_JIS as Excel writes it), Parquet, and Delta Lake tables.
//
// # Records
//
// A record has these canonical fields (JSONL keys or column names):
//
//	id              required; a string, or a number kept as its exact decimal text (corporate numbers)
//	summary         required; the generated summary
//	score           required; the judge's total
//	company         company name
//	source          the source text the summary was written from
//	scores          criterion -> points: an object (JSONL), a struct or map column (Parquet), or a JSON string
//	max_score       the most points a summary can get
//	generator       the model that wrote the summary
//	judge           the model that scored it
//	prompt_version  the generator prompt's version
//	batch           the batch the record belongs to
//	meta            an object of anything else; its keys go into Item.Meta
//
// Any other column or key goes into Item.Meta under its own name, except the per-criterion columns below.
//
// # Column names
//
// Options.Map names the file's column for a canonical field ("summary" -> "generated_text"); a criterion's
// column is mapped as "scores.<criterion>" ("scores.business" -> "biz_pts"). One column may be mapped to several
// fields, and a mapped column whose name is a canonical field keeps that role too unless the field is mapped
// elsewhere ("score=id" still reads id from the id column). Names are matched exactly first,
// then ignoring case and treating spaces and hyphens as underscores. Without a mapping, the canonical name is
// used, and failing that one of these common alternatives, when exactly one of them is present:
//
//	id              corporate_number, corp_number, corp_no, corporate_no, houjin_bangou, company_id
//	company         company_name, name, corp_name, corporate_name
//	source          source_text, text, input_text, input, crawled_text
//	summary         generated_summary, generated_text, summary_text, output_text, output
//	score           total_score, judge_score, total
//	max_score       max_total, score_max, full_score
//	scores          judge_scores, criteria_scores, criterion_scores
//	generator       generator_model, model
//	judge           judge_model
//	prompt_version  prompt_id
//	batch           batch_id
//
// A column named score_<criterion> or scores.<criterion> holds the points for <criterion> (score_business ->
// Scores["business"]); these add to, and override, a scores object in the same record.
//
// # Values
//
// Meta holds strings for CSV cells; for JSONL and Parquet, numbers as json.Number (exact digits), booleans,
// nil, and for JSONL nested objects and arrays as map[string]any and []any. Parquet dates become "2006-01-02",
// timestamps RFC 3339 text, decimals exact decimal text, and binary that is not UTF-8 a []byte. Nested Parquet
// columns other than scores (lists, other structs) are not read. A Delta table is read at its newest version,
// file by file in path order; partition columns come from the log like any other column.
//
// # Errors
//
// Open fails for a file it cannot read at all, and for a CSV, Parquet or Delta file that lacks a column for a
// required field; the error names the file and the field and says how to map it. Next returns a *RecordError for
// one bad record (invalid JSON, a value of the wrong type, a failed review.Item.Validate), after which reading
// can go on; any other error ends the file.
//
// Every error says where: "file:line: field: problem" for a record (the row for Parquet and Delta), the header's
// line for a CSV header, a byte offset or the footer for a Parquet file's structure, and the log file and line
// of the action for a Delta table (the add of a missing data file, the protocol that asks for a feature, the
// metaData whose schema lacks a column). A JSON syntax error names the field whose value it is in, or the one it
// follows, with the column, the character when that differs, and the offset in the file.
package ingest
