// Package exporter writes what reviewdesk releases: the gold table of approved summaries (a Delta Lake table, or a
// Parquet, CSV or JSON Lines snapshot) and the feedback datasets for tuning the generator and the judge.
//
// The gold Delta table is written with the protocol's own means of being exactly-once: every commit is written
// put-if-absent (delta.WriteCommit) and carries a txn action with the exporting database's appId, data files are
// written and synced under content-derived names before the commit that adds them, and a correction removes the
// old data file and adds its rewritten copy in one commit, as Delta's UPDATE and MERGE do. A crash at any point
// leaves either the previous version or the next one; files that no commit references are ignored by readers.
//
// The package knows neither the database nor the readers: app passes rows in (GoldRow, DecisionRecord) and keeps
// the bookkeeping of what each table holds, which it reads back from the table with GoldTable.ReadKeys.
package exporter
