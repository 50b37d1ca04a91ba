// Benchmark of the review screen on a large database, in Debian's Chromium:
//   1. first screen: from spawning `reviewdesk serve` to the first item painted in an already-open browser (the
//      median of --first-screens runs, each a new server; the browser's very first page is reported apart);
//   2. accept: from the key press of A to the next item painted (performance marks read from the page).
//   3. the same while the server still builds its search index after the import (a one-time background job whose
//      write transactions the decisions wait behind), when that is still running.
// Run by hand or `make bench-ui` (not in `make test`: it takes a minute or two):
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
    'first-screens': { type: 'string', default: '5' },
    pause: { type: 'string', default: '150' },
    db: { type: 'string' },
  },
});
const items = Number(opt.items);
const decisions = Number(opt.decisions);
const warmup = Number(opt.warmup);
const firstScreenRuns = Number(opt['first-screens']);
const pauseMs = Number(opt.pause);

function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
const fmt = (x) => x.toFixed(1);
const stats = (xs) => ({ p50: fmt(percentile(xs, 50)), p95: fmt(percentile(xs, 95)), max: fmt(Math.max(...xs)) });

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

// 1. first screen, from spawning the server to the first item painted. The first run is the browser's first page
// ever (a new profile: Chromium starts its network service and font caches then); the next ones are the case of
// the target, a browser that is already open. Every run starts a new server on a new port, a new origin, so none
// reuses the assets or code cache of the one before.
const firstScreens = [];
const listening = [];
let srv;
let result;
try {
  for (let i = 0; i < 1 + firstScreenRuns; i++) {
    srv = await serve(db);
    listening.push(Date.now() - srv.started);
    await page.goto(srv.base + '/');
    await page.waitForFunction(() => window.__reviewdeskPerf?.firstItem !== undefined, null, { timeout: 30000 });
    const paintedAt = await page.evaluate(() => performance.timeOrigin + window.__reviewdeskPerf.firstItem);
    firstScreens.push(paintedAt - srv.started);
    if (i < firstScreenRuns) {
      await page.goto('about:blank');
      await srv.stop();
    }
  }
  // 2. accept, key press to next item painted, at a steady pace (a reviewer reads for seconds between keys).
  const measured = () => page.evaluate(() => window.__reviewdeskPerf.decide.length);
  const accept = async () => {
    const n = await measured();
    await page.keyboard.press('a');
    // the page records the measurement once the next item is painted
    await page.waitForFunction((want) => window.__reviewdeskPerf.decide.length >= want, n + 1, { polling: 'raf' });
    await page.waitForTimeout(pauseMs);
  };
  const pendingIndex = async () => (await srv.api('GET', '/meta')).search_index_pending ?? 0;
  const run = async (n, keepGoing = () => true) => {
    const from = await measured();
    for (let i = 0; i < n && (await keepGoing()); i++) await accept();
    const perf = await page.evaluate(() => window.__reviewdeskPerf);
    return {
      decide: perf.decide.slice(from),
      decideRaf: perf.decideRaf.slice(from),
      roundTrip: perf.roundTrip.slice(from),
      signal: perf.paintSignal,
    };
  };

  // While the search index is being built (right after an import), if it still is.
  const indexStart = Date.now();
  const whileIndexing = (await pendingIndex()) > 0 ? await run(decisions, async () => (await pendingIndex()) > 0) : null;
  for (;;) {
    if ((await pendingIndex()) === 0) break;
    if (Date.now() - indexStart > 10 * 60 * 1000) throw new Error('the search index was not built within 10 minutes');
    await new Promise((r) => setTimeout(r, 500));
  }
  const indexSeconds = (Date.now() - indexStart) / 1000;

  // Steady state: what a reviewer's day is.
  await run(warmup);
  const steady = await run(decisions);
  const left = (await srv.api('GET', '/me')).progress.left;
  const summary = (m) =>
    m && m.decide.length
      ? {
          decisions: m.decide.length,
          accept_to_paint_ms: stats(m.decide),
          accept_to_second_raf_ms: stats(m.decideRaf),
          round_trip_ms: stats(m.roundTrip),
        }
      : null;

  result = {
    machine: `${cpus().length} × ${cpus()[0]?.model.trim()}`,
    binary: bin,
    items: data ? items : `existing database ${db}`,
    pending_after: left,
    first_screen_ms: Math.round(percentile(firstScreens.slice(1), 50)),
    first_screen_runs_ms: firstScreens.slice(1).map(Math.round),
    first_screen_new_browser_ms: Math.round(firstScreens[0]),
    server_listening_ms: percentile(listening.slice(1), 50),
    paint_signal: steady.signal,
    pause_between_keys_ms: pauseMs,
    steady: summary(steady),
    while_search_index_builds: summary(whileIndexing),
    search_index_built_after_s: whileIndexing ? Number(indexSeconds.toFixed(0)) : 0,
  };
} finally {
  await chrome.close();
  await srv?.stop();
  await data?.cleanup();
}

console.log(JSON.stringify(result, null, 2));
await writeFile(await artifactPath('perf.json'), JSON.stringify(result, null, 2) + '\n');
const ok = Number(result.steady.accept_to_paint_ms.p95) <= 50 && result.first_screen_ms <= 1000;
console.log(
  `${ok ? 'ok' : 'SLOW'}: accept→paint p95 ${result.steady.accept_to_paint_ms.p95} ms (target ≤ 50), first screen ${result.first_screen_ms} ms (median of ${firstScreenRuns}, target ≤ 1000; runs ${result.first_screen_runs_ms.join(', ')}; a new browser's first page ${result.first_screen_new_browser_ms})`,
);
process.exitCode = ok ? 0 : 1;
