-- The LLM copilot: every call with its cost, and judge rescores by model and prompt version.

CREATE TABLE llm_calls (
  id               INTEGER PRIMARY KEY,
  seq              INTEGER REFERENCES items(seq),
  decision         INTEGER REFERENCES decisions(id),
  reviewer         TEXT NOT NULL,
  kind             TEXT NOT NULL,
  model            TEXT NOT NULL,
  template_version TEXT NOT NULL,
  latency_ms       REAL NOT NULL,
  attempts         INTEGER NOT NULL,
  tokens_in        INTEGER NOT NULL,
  tokens_out       INTEGER NOT NULL,
  tokens_estimated INTEGER NOT NULL,
  cost             REAL NOT NULL,
  error            TEXT NOT NULL,
  at               INTEGER NOT NULL
);
CREATE INDEX llm_calls_seq ON llm_calls(seq, reviewer) WHERE decision IS NULL;
CREATE INDEX llm_calls_at ON llm_calls(at);

-- One rescore per item, judge model and judge prompt version: a batch that is interrupted resumes with the items
-- that have none, or one of an older revision.
CREATE TABLE rescores (
  seq              INTEGER NOT NULL REFERENCES items(seq),
  model            TEXT NOT NULL,
  template_version TEXT NOT NULL,
  summary_hash     TEXT NOT NULL, -- the item's content_hash when it was scored
  scores           TEXT NOT NULL,
  total            REAL NOT NULL,
  max_score        REAL NOT NULL,
  rationale        TEXT NOT NULL,
  call             INTEGER REFERENCES llm_calls(id),
  at               INTEGER NOT NULL,
  PRIMARY KEY (seq, model, template_version)
) WITHOUT ROWID;
