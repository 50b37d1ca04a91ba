-- A criterion filter lists items by the criterion's points, then by judge score: "business at most 2" walks the
-- points 0, 1, 2 in order instead of passing every high-scoring item whose business points are full.
CREATE TABLE item_scores_new (
  criterion TEXT NOT NULL,
  points    REAL NOT NULL,
  score     REAL NOT NULL,
  seq       INTEGER NOT NULL,
  PRIMARY KEY (criterion, points, score DESC, seq)
) WITHOUT ROWID;
INSERT INTO item_scores_new (criterion, points, score, seq) SELECT criterion, points, score, seq FROM item_scores;
DROP TABLE item_scores;
ALTER TABLE item_scores_new RENAME TO item_scores;
