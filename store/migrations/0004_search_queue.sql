-- Full-text indexing happens after an import commits, in small batches, so that imports stay fast: items wait
-- here until they are indexed, and searches scan them directly meanwhile.
CREATE TABLE fts_pending (seq INTEGER PRIMARY KEY);
INSERT INTO fts_pending (seq) SELECT seq FROM items WHERE NOT EXISTS (SELECT 1 FROM item_fts WHERE docid = (items.seq << 8 | (items.revision & 255)));
