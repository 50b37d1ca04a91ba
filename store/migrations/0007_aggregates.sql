-- The supervisor dashboard's pre-aggregated counts. A dashboard over a million items must answer in a fraction of a
-- second, and GROUP BYs over the items table take about 100 ms each, so small count tables are kept up to date by
-- triggers in the same transactions that change items and decisions. Every contribution a trigger adds is computed
-- from the row's own values (NEW) and removed from the same values (OLD), so the tables stay equal to a rebuild from
-- the base tables whatever path writes; store.RebuildAggregates recomputes them, and the tests compare the two.
--
-- Days are calendar days in the database's day zone: day = (ended_at + day_offset_ms) / 86400000, days since
-- 1970-01-01. The offset is set once, when the store first opens the database, from the local time zone; every day
-- key in every table uses it.

CREATE TABLE agg_meta (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  day_offset_ms INTEGER,
  -- 1 while the aggregates do not match the base tables (after this migration, during a rebuild): the store
  -- rebuilds them before it serves anything.
  stale         INTEGER NOT NULL
);
INSERT INTO agg_meta (id, day_offset_ms, stale) VALUES (1, NULL, 1);

-- What a decision was made on, fixed when it is written. batch: the item's batch then; rules: a JSON array of the
-- distinct hint rules the reviewer was shown; edit_size: for an edit, the characters changed (review.EditDistance
-- between the summary and the final text), computed by the store in Go; NULL when unknown.
ALTER TABLE decisions ADD COLUMN batch TEXT;
ALTER TABLE decisions ADD COLUMN rules TEXT;
ALTER TABLE decisions ADD COLUMN edit_size INTEGER;

-- Indexes for the per-reviewer medians (the middle row of an index range; every column a median query reads is in
-- its index, undone_at included, so that the walk never reads the table) and for active time per reviewer-day. They
-- leave out the auto-discards, which an import may write by the hundred thousand.
CREATE INDEX decisions_reviewer_verdict_seconds ON decisions(reviewer, verdict, seconds, ended_at, batch, undone_at)
  WHERE undone_at IS NULL AND reviewer != 'auto';
CREATE INDEX decisions_reviewer_reviewed_seconds ON decisions(reviewer, seconds, ended_at, batch, undone_at, verdict)
  WHERE undone_at IS NULL AND verdict IN ('accepted', 'edited', 'rejected');
CREATE INDEX decisions_reviewer_edit_size ON decisions(reviewer, edit_size, ended_at, batch, undone_at, verdict)
  WHERE undone_at IS NULL AND verdict = 'edited' AND edit_size IS NOT NULL;
CREATE INDEX decisions_reviewer_ended ON decisions(reviewer, ended_at) WHERE reviewer != 'auto';

-- Items by batch, judge-score band and status: the population of the estimate and the status counts.
CREATE TABLE agg_items (
  batch  TEXT NOT NULL,
  band   INTEGER NOT NULL,
  status TEXT NOT NULL,
  n      INTEGER,
  PRIMARY KEY (batch, band, status)
) WITHOUT ROWID;

-- Items each hint rule fired on, by batch.
CREATE TABLE agg_rule_items (
  batch TEXT NOT NULL,
  rule  TEXT NOT NULL,
  n     INTEGER,
  PRIMARY KEY (batch, rule)
) WITHOUT ROWID;

-- Current decisions. An item counts when its status is a review verdict (accepted, edited, rejected) and its
-- current decision judged its current revision: a decision on a revision that a re-import replaced is about a text
-- that no longer exists, so it counts nowhere until the item is reviewed again. day is the decision's day.
CREATE TABLE agg_score (
  batch   TEXT NOT NULL,
  day     INTEGER NOT NULL,
  score   REAL NOT NULL,
  band    INTEGER NOT NULL,
  verdict TEXT NOT NULL,
  n       INTEGER,
  PRIMARY KEY (batch, day, score, band, verdict)
) WITHOUT ROWID;

CREATE TABLE agg_source (
  batch          TEXT NOT NULL,
  day            INTEGER NOT NULL,
  generator      TEXT NOT NULL,
  judge          TEXT NOT NULL,
  prompt_version TEXT NOT NULL,
  reviewer       TEXT NOT NULL,
  verdict        TEXT NOT NULL,
  n              INTEGER,
  PRIMARY KEY (batch, day, generator, judge, prompt_version, reviewer, verdict)
) WITHOUT ROWID;

-- Judge points per criterion against the human's check of that criterion: checked is 1 (met), 0 (not met) or -1
-- (the reviewer did not say).
CREATE TABLE agg_criterion (
  batch     TEXT NOT NULL,
  day       INTEGER NOT NULL,
  criterion TEXT NOT NULL,
  points    REAL NOT NULL,
  checked   INTEGER NOT NULL,
  verdict   TEXT NOT NULL,
  n         INTEGER,
  PRIMARY KEY (batch, day, criterion, points, checked, verdict)
) WITHOUT ROWID;

-- Hint rules shown at decision time, against the verdict.
CREATE TABLE agg_rule (
  batch   TEXT NOT NULL,
  day     INTEGER NOT NULL,
  rule    TEXT NOT NULL,
  verdict TEXT NOT NULL,
  n       INTEGER,
  PRIMARY KEY (batch, day, rule, verdict)
) WITHOUT ROWID;

-- Every human decision that is not undone (skips included, superseded ones too): reviewer throughput. ms is the sum
-- of the recorded review times in milliseconds (integers, so that adding and taking away is exact); edits counts
-- the edits whose size is known and edit_chars sums their sizes.
CREATE TABLE agg_reviewer (
  batch      TEXT NOT NULL,
  day        INTEGER NOT NULL,
  reviewer   TEXT NOT NULL,
  verdict    TEXT NOT NULL,
  hinted     INTEGER NOT NULL,
  n          INTEGER,
  ms         INTEGER,
  edits      INTEGER,
  edit_chars INTEGER,
  PRIMARY KEY (batch, day, reviewer, verdict, hinted)
) WITHOUT ROWID;

-- Active time (review.ActiveTime) per reviewer and day, over all batches (per_batch = 0, batch '') and per batch
-- (per_batch = 1). Merging spans into sessions is not a sum, so the store recomputes the reviewer-days listed in
-- agg_dirty, which the triggers fill, before it reads.
CREATE TABLE agg_active (
  per_batch INTEGER NOT NULL,
  batch     TEXT NOT NULL,
  day       INTEGER NOT NULL,
  reviewer  TEXT NOT NULL,
  ms        INTEGER,
  PRIMARY KEY (per_batch, batch, day, reviewer)
) WITHOUT ROWID;

CREATE TABLE agg_dirty (
  reviewer TEXT NOT NULL,
  day      INTEGER NOT NULL,
  PRIMARY KEY (reviewer, day)
) WITHOUT ROWID;

-- Double review: per item revision with review verdicts (not undone) from two or more reviewers, the first
-- decision of the first reviewer and the first decision of the next one. day is the second decision's day.
CREATE TABLE review_pairs (
  seq      INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  batch    TEXT NOT NULL,
  day      INTEGER NOT NULL,
  r1       TEXT NOT NULL,
  v1       TEXT NOT NULL,
  r2       TEXT NOT NULL,
  v2       TEXT NOT NULL,
  PRIMARY KEY (seq, revision)
) WITHOUT ROWID;

CREATE TABLE agg_pairs (
  batch TEXT NOT NULL,
  day   INTEGER NOT NULL,
  r1    TEXT NOT NULL,
  v1    TEXT NOT NULL,
  r2    TEXT NOT NULL,
  v2    TEXT NOT NULL,
  n     INTEGER,
  PRIMARY KEY (batch, day, r1, r2, v1, v2)
) WITHOUT ROWID;

-- Each dashboard slice is a GROUP BY over a count table; SQLite sorts to group unless an index gives the order, and
-- sorting tens of thousands of rows per slice added up to most of the dashboard's time. These covering indexes, one
-- per slice, let every GROUP BY read in order; with a batch filter the primary key's range is used instead.
CREATE INDEX agg_score_by_score ON agg_score(score, band, verdict, batch, day, n);
CREATE INDEX agg_source_by_day ON agg_source(day, verdict, batch, n);
CREATE INDEX agg_source_by_generator ON agg_source(generator, verdict, batch, day, n);
CREATE INDEX agg_source_by_judge ON agg_source(judge, verdict, batch, day, n);
CREATE INDEX agg_source_by_prompt ON agg_source(prompt_version, verdict, batch, day, n);
CREATE INDEX agg_source_by_reviewer ON agg_source(reviewer, verdict, batch, day, n);
CREATE INDEX agg_criterion_by_points ON agg_criterion(criterion, points, checked, verdict, batch, day, n);
CREATE INDEX agg_rule_by_rule ON agg_rule(rule, verdict, batch, day, n);
CREATE INDEX agg_reviewer_by_reviewer ON agg_reviewer(reviewer, verdict, hinted, batch, day, n, ms, edits, edit_chars);
CREATE INDEX agg_reviewer_by_day ON agg_reviewer(day, verdict, batch, n);
CREATE INDEX agg_pairs_by_pair ON agg_pairs(r1, v1, r2, v2, batch, day, n);

-- There are no triggers on INSERT into items or decisions: with foreign keys on, any such trigger makes SQLite
-- check the foreign keys of every inserted row the slow way and keep a statement journal (a copy of every page the
-- statement touches), which more than doubled the cost of an import. The store counts inserts itself: Import counts
-- new items in memory and adds them at Commit; SaveDecision and PutDecision run countDecision (store/dashboard.go).
-- Updates and deletes do not touch the keys, so they keep their triggers, written so that the import's OR FAIL
-- updates need no statement journal either: counter columns (n, ms, edits, edit_chars) have no NOT NULL, which an
-- upsert's DO UPDATE checks with ABORT whatever the outer statement says (they are never NULL: inserted as numbers,
-- only added to); the bodies call no scalar functions (json_extract, round, max), which may raise errors (json_each
-- and CASE do the same work); conflicts are handled with ON CONFLICT, since an outer OR FAIL overrides an inner OR
-- IGNORE; and counts are taken away with upserts, as the import adds its new items only at Commit.

CREATE TRIGGER agg_items_delete AFTER DELETE ON items BEGIN
  INSERT INTO agg_items (batch, band, status, n) VALUES (OLD.batch, OLD.band, OLD.status, -1)
    ON CONFLICT DO UPDATE SET n = n - 1;
END;

CREATE TRIGGER agg_items_update AFTER UPDATE OF batch, band, status ON items
WHEN OLD.batch IS NOT NEW.batch OR OLD.band IS NOT NEW.band OR OLD.status IS NOT NEW.status BEGIN
  INSERT INTO agg_items (batch, band, status, n) VALUES (OLD.batch, OLD.band, OLD.status, -1)
    ON CONFLICT DO UPDATE SET n = n - 1;
  INSERT INTO agg_items (batch, band, status, n) VALUES (NEW.batch, NEW.band, NEW.status, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER agg_rule_items_delete AFTER DELETE ON items WHEN OLD.hints != '[]' BEGIN
  INSERT INTO agg_rule_items (batch, rule, n)
    SELECT DISTINCT OLD.batch, f.value, -1 FROM json_each(OLD.hints) h, json_each(h.value) f WHERE f.key = 'rule'
    ON CONFLICT DO UPDATE SET n = n - 1;
END;

CREATE TRIGGER agg_rule_items_update AFTER UPDATE OF batch, hints ON items
WHEN OLD.batch IS NOT NEW.batch OR OLD.hints IS NOT NEW.hints BEGIN
  INSERT INTO agg_rule_items (batch, rule, n)
    SELECT DISTINCT OLD.batch, f.value, -1 FROM json_each(OLD.hints) h, json_each(h.value) f WHERE f.key = 'rule'
    ON CONFLICT DO UPDATE SET n = n - 1;
  INSERT INTO agg_rule_items (batch, rule, n)
    SELECT DISTINCT NEW.batch, f.value, 1 FROM json_each(NEW.hints) h, json_each(h.value) f WHERE f.key = 'rule'
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- Current decisions: whenever anything they are keyed by changes, the old contribution goes and the new one comes.
CREATE TRIGGER agg_current_update AFTER UPDATE OF decision, status, revision, batch, score, band, scores, generator,
  judge, prompt_version ON items
WHEN (OLD.decision IS NOT NULL AND OLD.status IN ('accepted', 'edited', 'rejected'))
  OR (NEW.decision IS NOT NULL AND NEW.status IN ('accepted', 'edited', 'rejected')) BEGIN
  INSERT INTO agg_score (batch, day, score, band, verdict, n)
    SELECT OLD.batch, (d.ended_at + m.day_offset_ms) / 86400000, OLD.score, OLD.band, OLD.status, -1
    FROM decisions d, agg_meta m
    WHERE d.id = OLD.decision AND d.revision = OLD.revision AND OLD.status IN ('accepted', 'edited', 'rejected')
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO agg_source (batch, day, generator, judge, prompt_version, reviewer, verdict, n)
    SELECT OLD.batch, (d.ended_at + m.day_offset_ms) / 86400000, OLD.generator, OLD.judge, OLD.prompt_version,
      d.reviewer, OLD.status, -1
    FROM decisions d, agg_meta m
    WHERE d.id = OLD.decision AND d.revision = OLD.revision AND OLD.status IN ('accepted', 'edited', 'rejected')
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO agg_criterion (batch, day, criterion, points, checked, verdict, n)
    SELECT OLD.batch, (d.ended_at + m.day_offset_ms) / 86400000, s.key, s.value,
      coalesce((SELECT c.value FROM json_each(d.checks) c WHERE c.key = s.key), -1), OLD.status, -1
    FROM decisions d, agg_meta m, json_each(OLD.scores) s
    WHERE d.id = OLD.decision AND d.revision = OLD.revision AND OLD.status IN ('accepted', 'edited', 'rejected')
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO agg_rule (batch, day, rule, verdict, n)
    SELECT OLD.batch, (d.ended_at + m.day_offset_ms) / 86400000, r.value, OLD.status, -1
    FROM decisions d, agg_meta m, json_each(d.rules) r
    WHERE d.id = OLD.decision AND d.revision = OLD.revision AND OLD.status IN ('accepted', 'edited', 'rejected')
    ON CONFLICT DO UPDATE SET n = n + excluded.n;

  INSERT INTO agg_score (batch, day, score, band, verdict, n)
    SELECT NEW.batch, (d.ended_at + m.day_offset_ms) / 86400000, NEW.score, NEW.band, NEW.status, 1
    FROM decisions d, agg_meta m
    WHERE d.id = NEW.decision AND d.revision = NEW.revision AND NEW.status IN ('accepted', 'edited', 'rejected')
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO agg_source (batch, day, generator, judge, prompt_version, reviewer, verdict, n)
    SELECT NEW.batch, (d.ended_at + m.day_offset_ms) / 86400000, NEW.generator, NEW.judge, NEW.prompt_version,
      d.reviewer, NEW.status, 1
    FROM decisions d, agg_meta m
    WHERE d.id = NEW.decision AND d.revision = NEW.revision AND NEW.status IN ('accepted', 'edited', 'rejected')
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO agg_criterion (batch, day, criterion, points, checked, verdict, n)
    SELECT NEW.batch, (d.ended_at + m.day_offset_ms) / 86400000, s.key, s.value,
      coalesce((SELECT c.value FROM json_each(d.checks) c WHERE c.key = s.key), -1), NEW.status, 1
    FROM decisions d, agg_meta m, json_each(NEW.scores) s
    WHERE d.id = NEW.decision AND d.revision = NEW.revision AND NEW.status IN ('accepted', 'edited', 'rejected')
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO agg_rule (batch, day, rule, verdict, n)
    SELECT NEW.batch, (d.ended_at + m.day_offset_ms) / 86400000, r.value, NEW.status, 1
    FROM decisions d, agg_meta m, json_each(d.rules) r
    WHERE d.id = NEW.decision AND d.revision = NEW.revision AND NEW.status IN ('accepted', 'edited', 'rejected')
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER agg_current_delete AFTER DELETE ON items
WHEN OLD.decision IS NOT NULL AND OLD.status IN ('accepted', 'edited', 'rejected') BEGIN
  INSERT INTO agg_score (batch, day, score, band, verdict, n)
    SELECT OLD.batch, (d.ended_at + m.day_offset_ms) / 86400000, OLD.score, OLD.band, OLD.status, -1
    FROM decisions d, agg_meta m WHERE d.id = OLD.decision AND d.revision = OLD.revision
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO agg_source (batch, day, generator, judge, prompt_version, reviewer, verdict, n)
    SELECT OLD.batch, (d.ended_at + m.day_offset_ms) / 86400000, OLD.generator, OLD.judge, OLD.prompt_version,
      d.reviewer, OLD.status, -1
    FROM decisions d, agg_meta m WHERE d.id = OLD.decision AND d.revision = OLD.revision
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO agg_criterion (batch, day, criterion, points, checked, verdict, n)
    SELECT OLD.batch, (d.ended_at + m.day_offset_ms) / 86400000, s.key, s.value,
      coalesce((SELECT c.value FROM json_each(d.checks) c WHERE c.key = s.key), -1), OLD.status, -1
    FROM decisions d, agg_meta m, json_each(OLD.scores) s WHERE d.id = OLD.decision AND d.revision = OLD.revision
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO agg_rule (batch, day, rule, verdict, n)
    SELECT OLD.batch, (d.ended_at + m.day_offset_ms) / 86400000, r.value, OLD.status, -1
    FROM decisions d, agg_meta m, json_each(d.rules) r WHERE d.id = OLD.decision AND d.revision = OLD.revision
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- An undo takes a decision's counts away (and a redo, setting undone_at back to NULL, would add them again); the
-- pair statements are those of countDecision in store/dashboard.go.
CREATE TRIGGER agg_decision_undo AFTER UPDATE OF undone_at ON decisions
WHEN (OLD.undone_at IS NULL) != (NEW.undone_at IS NULL)
  AND NEW.reviewer != 'auto' AND NEW.verdict IN ('accepted', 'edited', 'rejected', 'skipped') BEGIN
  INSERT INTO agg_reviewer (batch, day, reviewer, verdict, hinted, n, ms, edits, edit_chars)
    SELECT coalesce(d.batch, ''), (d.ended_at + m.day_offset_ms) / 86400000, d.reviewer, d.verdict,
      (d.rules IS NOT NULL AND d.rules != '[]'), s.sign, s.sign * CAST(CASE WHEN d.seconds > 0 THEN d.seconds * 1000 + 0.5 ELSE 0 END AS INTEGER),
      s.sign * (d.edit_size IS NOT NULL), s.sign * coalesce(d.edit_size, 0)
    FROM decisions d, agg_meta m, (SELECT CASE WHEN NEW.undone_at IS NULL THEN 1 ELSE -1 END AS sign) s
    WHERE d.id = NEW.id
    ON CONFLICT DO UPDATE SET n = n + excluded.n, ms = ms + excluded.ms, edits = edits + excluded.edits,
      edit_chars = edit_chars + excluded.edit_chars;
  INSERT INTO agg_dirty (reviewer, day)
    SELECT NEW.reviewer, (NEW.ended_at + m.day_offset_ms) / 86400000 FROM agg_meta m WHERE true
    ON CONFLICT DO NOTHING;
  DELETE FROM review_pairs WHERE seq = NEW.seq AND revision = NEW.revision
    AND NEW.verdict IN ('accepted', 'edited', 'rejected');
  INSERT INTO review_pairs (seq, revision, batch, day, r1, v1, r2, v2)
    SELECT a.seq, a.revision, coalesce(a.batch, ''), (b.ended_at + m.day_offset_ms) / 86400000, a.reviewer,
      a.verdict, b.reviewer, b.verdict
    FROM decisions a, decisions b, agg_meta m
    WHERE NEW.verdict IN ('accepted', 'edited', 'rejected')
      AND a.id = (SELECT min(id) FROM decisions WHERE seq = NEW.seq AND revision = NEW.revision
        AND undone_at IS NULL AND reviewer != 'auto' AND verdict IN ('accepted', 'edited', 'rejected'))
      AND b.id = (SELECT min(id) FROM decisions WHERE seq = NEW.seq AND revision = NEW.revision
        AND undone_at IS NULL AND reviewer NOT IN ('auto', a.reviewer) AND verdict IN ('accepted', 'edited', 'rejected'));
END;

-- The aggregates read these columns of a decision, so they may not change once written (a column a writer left
-- empty may still be filled). A rebuild marks the aggregates stale and may fill and fix them.
CREATE TRIGGER decisions_fixed BEFORE UPDATE OF seq, revision, verdict, reviewer, ended_at, seconds, checks, batch,
  rules, edit_size ON decisions
WHEN (SELECT stale FROM agg_meta) = 0 AND (OLD.seq != NEW.seq OR OLD.revision != NEW.revision
  OR OLD.verdict != NEW.verdict OR OLD.reviewer != NEW.reviewer OR OLD.ended_at != NEW.ended_at
  OR OLD.seconds != NEW.seconds OR OLD.checks != NEW.checks
  OR (OLD.batch IS NOT NULL AND OLD.batch IS NOT NEW.batch) OR (OLD.rules IS NOT NULL AND OLD.rules IS NOT NEW.rules)
  OR OLD.edit_size IS NOT NEW.edit_size) BEGIN
  -- FAIL, not ABORT: see the note on statement journals above; the refused update changes nothing either way.
  SELECT RAISE(FAIL, 'decisions are history: only undone_at may change once a decision is written');
END;

CREATE TRIGGER review_pairs_insert AFTER INSERT ON review_pairs BEGIN
  INSERT INTO agg_pairs (batch, day, r1, v1, r2, v2, n) VALUES (NEW.batch, NEW.day, NEW.r1, NEW.v1, NEW.r2, NEW.v2, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER review_pairs_delete AFTER DELETE ON review_pairs BEGIN
  UPDATE agg_pairs SET n = n - 1 WHERE batch = OLD.batch AND day = OLD.day AND r1 = OLD.r1 AND r2 = OLD.r2
    AND v1 = OLD.v1 AND v2 = OLD.v2;
END;
