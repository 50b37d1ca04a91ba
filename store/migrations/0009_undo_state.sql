-- What an item was before each decision (its status and current decision), so that undoing a decision puts back
-- exactly that: after a supervisor reopened an item, undoing the next review leaves it open instead of bringing
-- back the decision the reopening set aside. NULL on decisions made before this version: undo then falls back to
-- the latest earlier decision, as it did.
ALTER TABLE decisions ADD COLUMN status_before TEXT;
ALTER TABLE decisions ADD COLUMN decision_before INTEGER;

-- The dashboard's copilot cost reads the calls linked to decisions, grouped by reviewer and day; batch rescores
-- (no decision) can number millions and are left out of this index.
CREATE INDEX llm_calls_decided ON llm_calls(reviewer, at, kind, model, template_version, seq, error, tokens_in,
  tokens_out, latency_ms, cost) WHERE decision IS NOT NULL;
