-- Lists stay instant at millions of items when every filter and sort can walk an index in the order the page is
-- shown and stop after one page. Hint rules and criterion points carry the item's judge score, so "items with a
-- first_person hint, best scores first" is one index range.

DROP TABLE item_hints;
CREATE TABLE item_hints (
  rule  TEXT NOT NULL,
  score REAL NOT NULL,
  seq   INTEGER NOT NULL,
  PRIMARY KEY (rule, score DESC, seq)
) WITHOUT ROWID;
INSERT INTO item_hints (rule, score, seq)
  SELECT DISTINCT json_extract(h.value, '$.rule'), items.score, items.seq FROM items, json_each(items.hints) AS h;

DROP TABLE item_scores;
CREATE TABLE item_scores (
  criterion TEXT NOT NULL,
  score     REAL NOT NULL,
  points    REAL NOT NULL,
  seq       INTEGER NOT NULL,
  PRIMARY KEY (criterion, score DESC, points, seq)
) WITHOUT ROWID;
INSERT INTO item_scores (criterion, score, points, seq)
  SELECT s.key, items.score, s.value, items.seq FROM items, json_each(items.scores) AS s;

CREATE INDEX items_score ON items(score DESC, seq);
CREATE INDEX items_hints ON items(hint_count DESC, score DESC, seq);
CREATE INDEX items_updated ON items(updated_at DESC, seq);
DROP INDEX items_batch;
CREATE INDEX items_batch ON items(batch, score DESC, seq);
