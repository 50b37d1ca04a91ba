// The supervisor dashboard end to end, in Debian's Chromium against `reviewdesk serve` on a demo database with
// reviews by four reviewers: the numbers on screen must be GET /api/dashboard's for the same filter, after changing
// the batch, the days, the threshold and a cost input; the view must survive a reload from its address; an empty
// database must read well; and the review screen's first load must not fetch the dashboard's chunk.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { artifactPath, browser, demoDB, serve } from './harness.mjs';

let srv;
let chrome;
let data;

before(async () => {
  data = await demoDB(3000, ['--reviewed', '0.3']);
  srv = await serve(data.db);
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  await srv?.stop();
  await data?.cleanup();
});

async function openPage(locale, viewport = { width: 1360, height: 900 }) {
  const ctx = await chrome.newContext({ locale, viewport });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return { ctx, page, errors };
}

// The page's formats: one decimal for shares, thousands separators for counts (ja-JP and en-US agree on both).
const pct = (v) => (v === null ? '–' : (v * 100).toFixed(1) + '%');
const count = (n) => Math.round(n).toLocaleString('en-US');
/** A screenshot of the whole dashboard: the page scrolls inside <main>, so the window grows to its height first. */
async function screenshotAll(page, name) {
  const height = await page.evaluate(() => document.querySelector('main').scrollHeight + 48);
  await page.setViewportSize({ width: page.viewportSize().width, height: Math.min(height, 8000) });
  await page.waitForTimeout(200); // the charts redraw at the new size
  await page.screenshot({ path: await artifactPath(name) });
}

const text = async (page, testid) => (await page.textContent(`[data-testid="${testid}"]`)).replace(/\s+/g, ' ').trim();

/** Waits until the dashboard shows the answer for query q and returns that answer. */
async function shown(page, q) {
  const want = await srv.api('GET', '/dashboard' + (q ? '?' + q : ''));
  await page.waitForFunction(
    ([total, y]) =>
      !document.querySelector('.page.loading') &&
      document.querySelector('[data-testid=items-total]')?.textContent.trim() === total &&
      document.querySelector('[data-testid=overall-yield]')?.textContent.trim() === y,
    [count(want.items.total), pct(want.yield.overall.rate)],
    { timeout: 10000 },
  );
  return want;
}

/** The band table's reviewed counts and yields, row by row. */
const bandName = (b) => (b.hi - b.lo === 1 ? String(b.lo) : `${b.lo}–${b.hi}`);
const bandRows = (page) =>
  page.$$eval('[data-testid=bands] tbody tr', (trs) => trs.map((tr) => [tr.children[0].textContent.trim(), tr.children[2].textContent.trim()]));

async function checkThreshold(page, d, index) {
  const advice = d.judge.advisor[index];
  await page.locator('[data-testid=threshold-slider]').fill(String(index));
  await page.waitForFunction((t) => document.querySelector('[data-testid=threshold]')?.textContent.trim() === `T = ${t}`, advice.threshold);
  // The confusion matrix at T: items scored >= T pass, the same as at the lowest reviewed score >= T.
  const rows = d.judge.approved.thresholds.filter((r) => r.threshold >= advice.threshold);
  const row = rows.length ? rows.reduce((a, b) => (a.threshold < b.threshold ? a : b)) : null;
  const c = row?.confusion ?? { tp: 0, fp: 0, fn: d.judge.approved.good, tn: d.judge.approved.bad };
  for (const k of ['tp', 'fp', 'fn', 'tn']) {
    assert.equal((await page.textContent(`[data-testid=${k}] strong`)).trim(), count(c[k]), `${k} at T=${advice.threshold}`);
  }
  // The two sentences carry the advisor's projected shares and their intervals.
  const accept = await text(page, 'advice-accept');
  const discard = await text(page, 'advice-discard');
  const range = (ci) => `${(ci.lo * 100).toFixed(1)}–${(ci.hi * 100).toFixed(1)}%`;
  assert.ok(accept.includes(`${advice.threshold} 以上`), accept);
  // Where a band on either side has no review the share is unknown and only its bounds show.
  const share = (e) => (e.value === null ? [pct(e.ci.lo), pct(e.ci.hi)] : [pct(e.value), range(e.ci)]);
  for (const part of share(advice.bad_in_accepted)) assert.ok(accept.includes(part), `${accept} has ${part}`);
  for (const part of share(advice.good_discarded)) assert.ok(discard.includes(part), `${discard} has ${part}`);
  assert.ok(accept.includes(count(advice.accepted_items)), 'the accepted items are counted');
  assert.match(page.url(), new RegExp(`[?&]t=${advice.threshold}(&|$)`), 'the threshold is in the address');
}

test('a supervisor reads the dashboard, filters by batch and days, moves the threshold and edits the cost model', async () => {
  const { ctx, page, errors } = await openPage('ja-JP');
  try {
    const asked = [];
    page.on('request', (r) => r.url().includes('/api/dashboard') && asked.push(r.url()));
    await page.goto(srv.base + '/#/dashboard');
    let d = await shown(page, '');
    // One answer is enough: the page asks again only when a filter changes.
    await page.waitForTimeout(1000);
    assert.equal(asked.length, 1, `requests: ${asked.join(', ')}`);
    assert.ok(d.yield.overall.n > 100, 'the demo data has reviews');
    assert.match(await page.textContent('h1'), /ダッシュボード/);
    assert.deepEqual(
      await bandRows(page),
      d.yield.by_band.map((b) => [bandName(b), count(b.n)]),
      'the band table is the server’s',
    );
    assert.equal(await text(page, 'projected-good'), count(d.population.good_items.value));
    // The charts: Chart.js loads with the first one and sizes each canvas to its box.
    await page.waitForFunction(() => [...document.querySelectorAll('canvas')].filter((c) => c.width > 0).length >= 4);

    // The batch filter: the numbers become the batch's, and the address keeps the filter.
    const meta = await srv.api('GET', '/meta');
    const batch = meta.batches[1].name;
    await page.selectOption('[data-testid=batch]', batch);
    d = await shown(page, `batch=${encodeURIComponent(batch)}`);
    assert.equal(d.items.total, meta.batches[1].count);
    assert.match(page.url(), new RegExp(`#/dashboard\\?batch=${batch}`));
    assert.deepEqual(await bandRows(page), d.yield.by_band.map((b) => [bandName(b), count(b.n)]));
    const href = await page.getAttribute('[data-testid=report-html]', 'href');
    assert.equal(href, `/api/report?format=html&batch=${batch}`);
    const report = await page.request.get(srv.base + href);
    assert.equal(report.status(), 200);
    assert.match(report.headers()['content-disposition'], /attachment/);
    assert.ok((await report.text()).includes(batch), 'the report is the batch’s');

    // The threshold: the sentences and the matrix follow the slider.
    await checkThreshold(page, d, 0);
    await checkThreshold(page, d, d.judge.advisor.length - 1);
    await checkThreshold(page, d, Math.floor(d.judge.advisor.length / 2));

    // Days: the first two days with decisions.
    const [from, to] = [d.days[0].day, d.days[1].day];
    await page.fill('[data-testid=from]', from);
    await page.fill('[data-testid=to]', to);
    d = await shown(page, `batch=${encodeURIComponent(batch)}&from=${from}&to=${to}`);
    assert.equal(d.yield.overall.n, d.days.reduce((n, day) => n + day.n, 0));
    assert.ok(d.days.every((day) => day.day >= from && day.day <= to));
    assert.ok(page.url().includes(`from=${from}&to=${to}`));

    // The cost model: a wage goes to the server, and the all-human cost is its answer.
    await page.fill('[data-testid=cost-wage]', '2000');
    await page.press('[data-testid=cost-wage]', 'Tab');
    const q = `batch=${encodeURIComponent(batch)}&from=${from}&to=${to}&wage=2000`;
    const withWage = await srv.api('GET', '/dashboard?' + q);
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid=cost] td[data-setup=all_human]')?.textContent.trim() === want,
      count(withWage.cost.comparison.all_human.total_cost),
    );
    assert.equal(withWage.cost.comparison.inputs.hourly_wage, 2000);

    // The address is the view: a reload shows the same filter, threshold and wage.
    const address = page.url();
    await page.reload();
    await shown(page, q);
    assert.equal(await page.inputValue('[data-testid=batch]'), batch);
    assert.equal(await page.inputValue('[data-testid=from]'), from);
    assert.equal(await page.inputValue('[data-testid=cost-wage]'), '2000');
    assert.equal(page.url(), address);

    // Back to everything, for the screenshot.
    await page.click('text=絞り込みを解除');
    await shown(page, 'wage=2000');
    await screenshotAll(page, 'dashboard.png');
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('the dashboard of a database nobody has reviewed reads well, in English', async () => {
  const empty = await demoDB(40);
  const esrv = await serve(empty.db);
  const { ctx, page, errors } = await openPage('en-US');
  try {
    await page.goto(esrv.base + '/#/dashboard');
    await page.waitForSelector('[data-testid=empty]');
    assert.match(await text(page, 'empty'), /Nothing has been reviewed yet/);
    assert.equal(await text(page, 'overall-yield'), '–', 'no yield is shown as a dash, not 0%');
    assert.equal(await text(page, 'projected-yield'), 'Bounds only');
    assert.match(await text(page, 'unreviewed-bands'), /Score bands without reviews: \d/);
    assert.match(await text(page, 'cost-missing'), /Not measured yet/);
    await screenshotAll(page, 'dashboard-empty.png');
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    await esrv.stop();
    await empty.cleanup();
  }
});

test('the review screen’s first load fetches neither the dashboard nor its chart library', async () => {
  const { ctx, page, errors } = await openPage('ja-JP');
  try {
    const scripts = [];
    page.on('request', (r) => r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname));
    await page.goto(srv.base + '/');
    await page.waitForSelector('[data-item-id]');
    assert.ok(scripts.length > 0);
    assert.deepEqual(scripts.filter((s) => /Dashboard|chartjs/.test(s)), [], `first-load scripts: ${scripts.join(', ')}`);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});
