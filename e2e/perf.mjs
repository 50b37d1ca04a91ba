// Benchmark of the review screen on a large database, in Debian's Chromium:
//   1. first screen: from spawning `reviewdesk serve` to the first item painted in an already-open browser;
//   2. accept: from the key press of A to the next item painted (performance marks read from the page).
// Run by hand or `make bench-ui` (not in `make test`: building the 100,000-item database takes about 30 s):
//   node perf.mjs [--items 100000] [--decisions 300] [--db PATH]
// With --db, an existing database is used as it is (its queue must hold enough pending items).
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { writeFile } from 'node:fs/promises';
import { artifactPath, bin, browser, demoDB, serve } from './harness.mjs';

const { values: opt } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    decisions: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '10' },
    pause: { type: 'string', default: '150' },
    db: { type: 'string' },
  },
});
const items = Number(opt.items);
const decisions = Number(opt.decisions);
const warmup = Number(opt.warmup);
const pauseMs = Number(opt.pause);

function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
const fmt = (x) => x.toFixed(1);

let data;
let db = opt.db;
if (!db) {
  const t = Date.now();
  process.stderr.write(`perf: generating ${items} demo items… `);
  data = await demoDB(items);
  db = data.db;
  process.stderr.write(`${((Date.now() - t) / 1000).toFixed(0)} s\n`);
}

const chrome = await browser();
const ctx = await chrome.newContext({ locale: 'ja-JP', viewport: { width: 1360, height: 860 } });
const page = await ctx.newPage();
await page.goto('about:blank');
const srv = await serve(db);
let result;
try {
  // 1. first screen
  const listening = Date.now() - srv.started;
  await page.goto(srv.base + '/');
  await page.waitForFunction(() => window.__reviewdeskPerf?.firstItem !== undefined, null, { timeout: 30000 });
  const paintedAt = await page.evaluate(() => performance.timeOrigin + window.__reviewdeskPerf.firstItem);
  const firstScreen = paintedAt - srv.started;

  // 2. accept, key press to next item painted, at a steady pace (a reviewer reads for seconds between keys).
  const measured = () => page.evaluate(() => window.__reviewdeskPerf.decide.length);
  const accept = async () => {
    const n = await measured();
    await page.keyboard.press('a');
    // the page records the measurement once the next item is painted
    await page.waitForFunction((want) => window.__reviewdeskPerf.decide.length >= want, n + 1, { polling: 'raf' });
    await page.waitForTimeout(pauseMs);
  };
  for (let i = 0; i < warmup; i++) await accept();
  const skip = await page.evaluate(() => window.__reviewdeskPerf.decide.length);
  for (let i = 0; i < decisions; i++) await accept();
  await page.waitForFunction((n) => window.__reviewdeskPerf.decide.length >= n, skip + decisions);
  const perf = await page.evaluate(() => window.__reviewdeskPerf);
  const decide = perf.decide.slice(skip);
  const decideRaf = perf.decideRaf.slice(skip);
  const roundTrip = perf.roundTrip.slice(skip);
  const stats = (xs) => ({ p50: fmt(percentile(xs, 50)), p95: fmt(percentile(xs, 95)), max: fmt(Math.max(...xs)) });
  const left = (await srv.api('GET', '/me')).progress.left;

  result = {
    machine: `${cpus().length} × ${cpus()[0]?.model.trim()}`,
    binary: bin,
    items: data ? items : `existing database ${db}`,
    pending_after: left,
    first_screen_ms: Math.round(firstScreen),
    server_listening_ms: listening,
    decisions: decide.length,
    paint_signal: perf.paintSignal,
    accept_to_paint_ms: stats(decide),
    accept_to_second_raf_ms: stats(decideRaf),
    round_trip_ms: stats(roundTrip),
    pause_between_keys_ms: pauseMs,
  };
} finally {
  await chrome.close();
  await srv.stop();
  await data?.cleanup();
}

console.log(JSON.stringify(result, null, 2));
await writeFile(await artifactPath('perf.json'), JSON.stringify(result, null, 2) + '\n');
const ok = Number(result.accept_to_paint_ms.p95) <= 50 && result.first_screen_ms <= 1000;
console.log(
  `${ok ? 'ok' : 'SLOW'}: accept→paint p95 ${result.accept_to_paint_ms.p95} ms (target ≤ 50), first screen ${result.first_screen_ms} ms (target ≤ 1000)`,
);
process.exitCode = ok ? 0 : 1;
