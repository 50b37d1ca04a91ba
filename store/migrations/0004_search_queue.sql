-- Full-text indexing happens after an import commits, in small batches, so that imports stay fast: items wait
-- here until they are indexed, and searches scan them directly meanwhile. Items of an older database go through
-- the indexer once more (a contentless FTS4 table cannot be asked which documents it holds).
CREATE TABLE fts_pending (seq INTEGER PRIMARY KEY);
INSERT INTO fts_pending (seq) SELECT seq FROM items;
