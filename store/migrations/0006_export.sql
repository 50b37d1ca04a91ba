-- Exports: what each gold table holds, so that the next export writes only what changed. The Delta table is the
-- source of truth; these rows are the database's copy of it, brought up to date from the table's live files before
-- every export (see store/export.go).

CREATE TABLE export_targets (
  id          INTEGER PRIMARY KEY,
  key         TEXT NOT NULL UNIQUE,   -- kind + ":" + absolute table path
  app_id      TEXT NOT NULL,          -- the Delta txn appId the exporter writes
  txn         INTEGER NOT NULL DEFAULT 0,  -- the last txn version this database has seen committed
  version     INTEGER NOT NULL DEFAULT -1, -- the Delta table version the rows below reflect
  exported_at INTEGER
);

-- The live data files of a target's table, as last synced.
CREATE TABLE gold_files (
  target INTEGER NOT NULL REFERENCES export_targets(id),
  file   TEXT NOT NULL,   -- the add action's path
  rows   INTEGER NOT NULL,
  PRIMARY KEY (target, file)
) WITHOUT ROWID;

-- Which item the table holds, as of which decision and item version, in which file. An approved item whose
-- version differs (a new decision, an undo, a reopen, a new revision) is re-exported; a row whose item is no longer
-- approved is removed.
CREATE TABLE gold_rows (
  target   INTEGER NOT NULL,
  id       TEXT NOT NULL,
  decision INTEGER NOT NULL,
  version  INTEGER NOT NULL,
  file     TEXT NOT NULL,
  PRIMARY KEY (target, id)
) WITHOUT ROWID;
CREATE INDEX gold_rows_file ON gold_rows(target, file);
