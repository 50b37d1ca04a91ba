-- Team mode: login sessions, API tokens, and double review.

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user       TEXT NOT NULL REFERENCES users(name),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user);

CREATE TABLE api_tokens (
  id         INTEGER PRIMARY KEY,
  user       TEXT NOT NULL REFERENCES users(name),
  label      TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

-- Double review: 0 = single review; 1 = first review done, waiting for a second, blind one by someone else;
-- 2 = the two agreed; 3 = they disagreed, waiting for a supervisor; 4 = a supervisor adjudicated.
ALTER TABLE items ADD COLUMN overlap INTEGER NOT NULL DEFAULT 0;
CREATE INDEX items_second_review ON items(score DESC, seq) WHERE overlap = 1;
-- The overlap state a decision moved the item out of, so that undo can move it back.
ALTER TABLE decisions ADD COLUMN overlap_before INTEGER;
