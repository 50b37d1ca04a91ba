// DuckDB, a reader that shares no code with reviewdesk, checks the gold Delta table: it replays the log with
// read_json_objects, reads the live Parquet files with read_parquet, and must see exactly the rows that
// reviewdesk's own reader (ingest) reads and that the database says are approved. The table comes from gen/, a Go
// command that exports a dozen times with corrections (reopened, re-decided, rejected and undone items).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sql(s) {
  return "'" + s.replaceAll("'", "''") + "'";
}

test('DuckDB reads the rows reviewdesk wrote', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'reviewdesk-duckdb-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = JSON.parse(execFileSync('go', ['run', './e2e/duckdb/gen', '--dir', dir], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 }));
  const table = out.table;

  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const all = async (q) => (await con.runAndReadAll(q)).getRowObjectsJson();

  // The log: every commit file's actions, with the version taken from the file name.
  const actions = await all(`
    SELECT CAST(regexp_extract(filename, '(\\d{20})\\.json$', 1) AS BIGINT) AS version, json::VARCHAR AS action
    FROM read_json_objects(${sql(table + '/_delta_log/*.json')}, filename = true)
    ORDER BY version`);
  const versions = new Map();
  for (const { version, action } of actions) {
    const v = Number(version);
    if (!versions.has(v)) versions.set(v, []);
    versions.get(v).push(JSON.parse(action));
  }
  assert.equal(versions.size, out.exports, 'one commit per export that changed something');
  const first = versions.get(0);
  const protocol = first.find((a) => a.protocol)?.protocol;
  assert.deepEqual(protocol, { minReaderVersion: 1, minWriterVersion: 2 });
  const meta = first.find((a) => a.metaData)?.metaData;
  assert.ok(meta, 'version 0 has metaData');
  const schema = JSON.parse(meta.schemaString);
  assert.deepEqual(schema.fields.slice(0, 6).map((f) => f.name), ['id', 'company', 'summary', 'original_summary', 'verdict', 'edited']);

  // Replay: a file is live once added, until a later commit removes it.
  const live = new Map();
  let lastTxn = 0;
  for (const [v, acts] of [...versions.entries()].sort((a, b) => a[0] - b[0])) {
    assert.ok(acts.some((a) => a.commitInfo), `version ${v} has commitInfo`);
    const txn = acts.find((a) => a.txn)?.txn;
    assert.ok(txn && txn.version === lastTxn + 1, `version ${v} carries the next txn version`);
    lastTxn = txn.version;
    for (const a of acts) {
      if (a.remove) {
        assert.ok(live.has(a.remove.path), `version ${v} removes ${a.remove.path}, which is live`);
        live.delete(a.remove.path);
      }
    }
    for (const a of acts) {
      if (a.add) {
        assert.ok(!live.has(a.add.path), `version ${v} adds ${a.add.path} twice`);
        const stats = JSON.parse(a.add.stats);
        assert.ok(stats.numRecords > 0 && stats.minValues.id <= stats.maxValues.id, `stats of ${a.add.path}`);
        live.set(a.add.path, stats);
      }
    }
    if (v === 10) {
      // The checkpoint at version 10 must list exactly the files live at version 10.
      const cp = await all(`SELECT add.path AS path FROM read_parquet(${sql(table + '/_delta_log/00000000000000000010.checkpoint.parquet')}) WHERE add IS NOT NULL`);
      assert.deepEqual(cp.map((r) => r.path).sort(), [...live.keys()].sort(), 'checkpoint 10 lists the live files');
    }
  }
  assert.ok([...versions.values()].some((acts) => acts.some((a) => a.remove)), 'the exports include corrections');

  const files = [...live.keys()].map((p) => sql(join(table, p)));
  const rows = await all(`
    SELECT id, summary, company, judge_score, CAST(judge_scores AS JSON)::VARCHAR AS judge_scores, batch, verdict, edited,
           reviewer, decision_id, len(reason_codes) AS reasons, epoch_us(reviewed_at) AS reviewed_us
    FROM read_parquet([${files.join(', ')}]) ORDER BY id`);
  const counted = await all(`SELECT count(*) AS n, count(DISTINCT id) AS ids FROM read_parquet([${files.join(', ')}])`);
  assert.equal(Number(counted[0].n), Number(counted[0].ids), 'no id appears twice');
  let stated = 0;
  for (const s of live.values()) stated += s.numRecords;
  assert.equal(stated, rows.length, 'numRecords in the log add up to the rows in the files');

  assert.deepEqual(rows.map((r) => r.id), out.approved, 'DuckDB sees every approved id, and nothing else');
  assert.equal(rows.length, out.rows.length);
  for (let i = 0; i < rows.length; i++) {
    const d = rows[i];
    const g = out.rows[i];
    const where = `row ${d.id}`;
    assert.equal(d.id, g.id, where);
    assert.equal(d.summary, g.summary, where);
    assert.equal(d.company, g.company, where);
    assert.equal(Number(d.judge_score), g.judge_score, where);
    assert.deepEqual(JSON.parse(d.judge_scores), g.judge_scores, where);
    assert.equal(d.batch, g.batch, where);
    assert.equal(d.verdict, g.verdict, where);
    assert.equal(d.edited, g.edited, where);
    assert.equal(d.edited, d.verdict === 'edited', where);
    assert.equal(d.reviewer, g.reviewer, where);
    assert.equal(String(d.decision_id), String(g.decision_id), where);
    assert.ok(Number(d.reviewed_us) > 0, `${where}: reviewed_at is a timestamp`);
    if (d.verdict === 'edited') assert.ok(Number(d.reasons) > 0, `${where}: an edit carries its reasons`);
  }
});
