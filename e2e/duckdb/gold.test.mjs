// DuckDB, a reader that shares no code with reviewdesk, checks the gold Delta table: it replays the log with
// read_json_objects, reads the live Parquet files with read_parquet, and must see exactly the rows that gen says it
// wrote, every column of them, the ids the database says are approved, and what reviewdesk's own reader (ingest)
// reads. The table comes from gen/, a Go command that exports a dozen times with corrections (reopened, re-decided,
// rejected and undone items).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sql(s) {
  return "'" + s.replaceAll("'", "''") + "'";
}

// The gold table's columns, in order (docs/gold-table.md).
const goldColumns = ['id', 'company', 'summary', 'original_summary', 'verdict', 'edited', 'judge_score', 'judge_max_score',
  'judge_scores', 'checks', 'reason_codes', 'reviewer', 'reviewed_at', 'review_seconds', 'rules_version', 'hint_rules',
  'batch', 'source_sha256', 'generator', 'judge', 'prompt_version', 'decision_id', 'item_version', 'exported_at'];

// DuckDB's type for each Delta type the gold schema uses.
function duckType(t) {
  if (typeof t === 'object' && t.type === 'map') return `MAP(${duckType(t.keyType)}, ${duckType(t.valueType)})`;
  if (typeof t === 'object' && t.type === 'array') return `${duckType(t.elementType)}[]`;
  return { string: 'VARCHAR', boolean: 'BOOLEAN', double: 'DOUBLE', long: 'BIGINT', timestamp: 'TIMESTAMP WITH TIME ZONE' }[t];
}

// A column as the comparison reads it, in the forms gen writes: longs and timestamps (microseconds since the
// epoch) as text, maps and arrays as JSON text, parsed below.
function selectColumn(f) {
  const c = `"${f.name}"`;
  if (typeof f.type === 'object') return `CAST(${c} AS JSON)::VARCHAR AS ${c}`;
  if (f.type === 'long') return `CAST(${c} AS VARCHAR) AS ${c}`;
  if (f.type === 'timestamp') return `CAST(epoch_us(${c}) AS VARCHAR) AS ${c}`;
  return c;
}

function readColumn(f, v) {
  if (v === null) return null;
  if (typeof f.type === 'object') return JSON.parse(v);
  if (f.type === 'double') return Number(v);
  return v;
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
  assert.deepEqual(schema.fields.map((f) => f.name), goldColumns, 'the schema has the documented columns, in order');

  // Replay: a file is live once added, until a later commit removes it.
  const live = new Map();
  const removed = new Map(); // path -> version that removed it
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
        removed.set(a.remove.path, v);
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
  assert.ok(removed.size > 0, 'the exports include corrections');

  const files = [...live.keys()].map((p) => sql(join(table, p)));
  const liveFiles = `read_parquet([${files.join(', ')}], filename = true)`;

  // DuckDB reads every column with the type the Delta schema gives it.
  const described = await all(`DESCRIBE SELECT * EXCLUDE (filename) FROM ${liveFiles}`);
  assert.deepEqual(described.map((c) => [c.column_name, c.column_type]), schema.fields.map((f) => [f.name, duckType(f.type)]),
    'the Parquet columns are the schema\'s, in order, with its types');

  const rows = await all(`SELECT ${schema.fields.map(selectColumn).join(', ')}, filename FROM ${liveFiles} ORDER BY id`);
  const dups = await all(`SELECT id, count(*) AS n FROM ${liveFiles} GROUP BY id HAVING count(*) > 1`);
  assert.deepEqual(dups, [], 'no id appears twice in the live files');
  assert.equal(new Set(rows.map((r) => r.id)).size, rows.length, 'no id appears twice');
  let stated = 0;
  for (const s of live.values()) stated += s.numRecords;
  assert.equal(stated, rows.length, 'numRecords in the log add up to the rows in the files');

  assert.deepEqual(rows.map((r) => r.id), out.approved, 'DuckDB sees every approved id, and nothing else');
  assert.deepEqual(out.expected.map((r) => r.id), out.approved, 'gen expects the rows the database approves');
  assert.equal(out.rows.length, rows.length, 'ingest reads as many rows as DuckDB');

  // Every column of every row is what gen wrote; the flat ones also what ingest reads.
  const nested = new Set(['checks', 'reason_codes', 'hint_rules']);
  for (let i = 0; i < rows.length; i++) {
    const where = `row ${rows[i].id}`;
    const got = Object.fromEntries(schema.fields.map((f) => [f.name, readColumn(f, rows[i][f.name])]));
    const want = out.expected[i];
    assert.deepEqual(Object.keys(want).sort(), [...goldColumns].sort(), `${where}: gen states every column`);
    for (const c of goldColumns) assert.deepEqual(got[c], want[c], `${where}: ${c}`);
    const viaIngest = out.rows[i];
    for (const c of goldColumns.filter((c) => !nested.has(c))) {
      assert.ok(c in viaIngest, `${where}: ingest reads ${c}`);
    }
    for (const [c, v] of Object.entries(viaIngest)) assert.deepEqual(got[c], v, `${where}: ${c} as ingest reads it`);
  }

  // The comparison covers what the table is about: edits with reasons, checks, hints, capped review times, and
  // rows whose files were rewritten for another row's correction, which keep the time they were first exported.
  assert.ok(rows.some((r) => r.verdict === 'edited') && rows.some((r) => r.verdict === 'accepted'), 'both verdicts');
  assert.ok(out.expected.some((r) => r.reason_codes.length > 1), 'an edit with several reasons');
  assert.ok(out.expected.some((r) => Object.keys(r.checks).length > 0), 'rows with checks');
  assert.ok(out.expected.some((r) => r.hint_rules.length > 0), 'rows with hint rules');
  assert.ok(out.expected.some((r) => r.review_seconds === 900), 'a review time capped at 15 minutes');
  // An export writes its new rows with one exported_at, so a file with several is a rewrite that carried older rows.
  const times = new Map();
  for (const r of rows) times.set(r.filename, (times.get(r.filename) ?? new Set()).add(r.exported_at));
  assert.ok([...times.values()].some((ts) => ts.size > 1), 'a live file rewritten for a correction carries older rows');

  // Removed files stay on disk (reviewdesk never deletes a data file), and each holds a row the table no longer
  // has: reading them would bring back stale rows and duplicate ids.
  const liveRows = new Set(rows.map((r) => `${r.id}@${r.item_version}`));
  for (const [p, v] of removed) {
    assert.ok(!live.has(p), `${p}, removed at version ${v}, is not live`);
    assert.ok(existsSync(join(table, p)), `${p}, removed at version ${v}, is still on disk`);
    const stale = await all(`SELECT id, CAST(item_version AS VARCHAR) AS item_version FROM read_parquet(${sql(join(table, p))})`);
    assert.ok(stale.some((r) => !liveRows.has(`${r.id}@${r.item_version}`)), `${p} holds a row the table replaced or dropped`);
  }
  const everything = await all(`SELECT count(*) AS n, count(DISTINCT id) AS ids FROM read_parquet(${sql(table + '/*.parquet')})`);
  assert.ok(Number(everything[0].n) > Number(everything[0].ids), 'globbing every file would read ids twice: the log replay matters');
});
