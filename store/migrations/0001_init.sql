-- reviewdesk schema, version 1. Times are Unix milliseconds (UTC). JSON columns hold what the domain types encode.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE imports (
  id          INTEGER PRIMARY KEY,
  file        TEXT NOT NULL,
  format      TEXT NOT NULL,
  started_at  INTEGER NOT NULL,
  finished_at INTEGER,
  added       INTEGER NOT NULL DEFAULT 0,
  revised     INTEGER NOT NULL DEFAULT 0,
  unchanged   INTEGER NOT NULL DEFAULT 0,
  discarded   INTEGER NOT NULL DEFAULT 0,
  refused     INTEGER NOT NULL DEFAULT 0,
  actor       TEXT NOT NULL DEFAULT ''
);

-- One row per item, narrow enough that queue, list and count queries scan little; the source text lives apart.
CREATE TABLE items (
  seq            INTEGER PRIMARY KEY,
  id             TEXT NOT NULL UNIQUE,
  company        TEXT NOT NULL,
  summary        TEXT NOT NULL,
  scores         TEXT NOT NULL,
  score          REAL NOT NULL,
  max_score      REAL NOT NULL,
  band           INTEGER NOT NULL,
  generator      TEXT NOT NULL,
  judge          TEXT NOT NULL,
  prompt_version TEXT NOT NULL,
  batch          TEXT NOT NULL,
  meta           TEXT NOT NULL,
  content_hash   TEXT NOT NULL,
  source_sha256  TEXT NOT NULL,
  revision       INTEGER NOT NULL,
  version        INTEGER NOT NULL,
  status         TEXT NOT NULL,
  decision       INTEGER,
  changed        INTEGER NOT NULL DEFAULT 0,
  hints          TEXT NOT NULL,
  hint_count     INTEGER NOT NULL,
  rules_version  TEXT NOT NULL,
  sample_key     INTEGER NOT NULL,
  skipped_at     INTEGER,
  lease_by       TEXT,
  lease_until    INTEGER,
  import         INTEGER NOT NULL,
  imported_at    INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX items_status_score ON items(status, score DESC, seq);
CREATE INDEX items_status_hints ON items(status, hint_count DESC, score DESC, seq);
CREATE INDEX items_status_band ON items(status, band, sample_key);
CREATE INDEX items_batch ON items(batch, status);

CREATE TABLE sources (
  seq  INTEGER PRIMARY KEY REFERENCES items(seq),
  text TEXT NOT NULL
);

-- Earlier content of items whose summary changed on a re-import.
CREATE TABLE item_revisions (
  seq          INTEGER NOT NULL REFERENCES items(seq),
  revision     INTEGER NOT NULL,
  summary      TEXT NOT NULL,
  scores       TEXT NOT NULL,
  score        REAL NOT NULL,
  content_hash TEXT NOT NULL,
  replaced_at  INTEGER NOT NULL,
  PRIMARY KEY (seq, revision)
) WITHOUT ROWID;

-- Which items carry a hint of which rule, so that "items with a first_person hint" is an index lookup.
CREATE TABLE item_hints (
  rule TEXT NOT NULL,
  seq  INTEGER NOT NULL,
  PRIMARY KEY (rule, seq)
) WITHOUT ROWID;

-- Judge points per criterion, for criterion filters.
CREATE TABLE item_scores (
  criterion TEXT NOT NULL,
  points    REAL NOT NULL,
  seq       INTEGER NOT NULL,
  PRIMARY KEY (criterion, points, seq)
) WITHOUT ROWID;

-- Full-text search over company and summary. Japanese has no spaces, so the text is cut into bigrams in Go
-- before it reaches FTS4's simple tokenizer. Contentless: docid is seq*256 + revision%256, and matches are
-- verified against the item's current text, so postings of replaced revisions never show.
CREATE VIRTUAL TABLE item_fts USING fts4(content="", body);

CREATE TABLE decisions (
  id            INTEGER PRIMARY KEY,
  seq           INTEGER NOT NULL REFERENCES items(seq),
  revision      INTEGER NOT NULL,
  verdict       TEXT NOT NULL,
  final_text    TEXT NOT NULL,
  reasons       TEXT NOT NULL,
  checks        TEXT NOT NULL,
  comment       TEXT NOT NULL,
  reviewer      TEXT NOT NULL,
  started_at    INTEGER NOT NULL,
  ended_at      INTEGER NOT NULL,
  seconds       REAL NOT NULL,
  rules_version TEXT NOT NULL,
  undone_at     INTEGER
);
CREATE INDEX decisions_seq ON decisions(seq, id);
CREATE INDEX decisions_reviewer ON decisions(reviewer, id);
CREATE INDEX decisions_ended ON decisions(ended_at);

CREATE TABLE users (
  name          TEXT PRIMARY KEY,
  role          TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL
) WITHOUT ROWID;

-- Append-only: who did what, when, with before and after.
CREATE TABLE audit (
  id     INTEGER PRIMARY KEY,
  at     INTEGER NOT NULL,
  actor  TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  before TEXT,
  after  TEXT
);
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE INDEX items_lease ON items(lease_by) WHERE lease_by IS NOT NULL;
