// Hostile text (issue 9): summaries, sources, ids, company, batch, model and criterion names carrying script tags,
// event-handler attributes, javascript: links, Markdown image beacons, iframes, CSS url() beacons, right-to-left
// overrides and a 20,000-character unbroken string (fixtures/hostile.jsonl). Chromium opens each item in the review
// screen (also in edit mode, the reject dialog and the hint tooltips), the queue with a search for the hostile text,
// the dashboard with every slice, and the HTML report as served and as written by `reviewdesk report`, and asserts
// that no payload ran (window.__pwned stays unset), no dialog opened, no request left the machine, the
// Content-Security-Policy reported no violation (so nothing even tried), the page holds no injected handler,
// javascript: link, frame or foreign image, and the long string does not widen the layout.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { artifactPath, browser, cli, serve } from './harness.mjs';
import { tmpdir } from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, 'fixtures', 'hostile.jsonl');

let dir;
let srv;
let chrome;
let rows;

before(async () => {
  rows = (await readFile(fixture, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  dir = await mkdtemp(join(tmpdir(), 'reviewdesk-hostile-'));
  const db = join(dir, 'hostile.db');
  await cli(['import', '--db', db, fixture]);
  srv = await serve(db, { user: 'hostile-e2e' });
  // Decisions on some items, so that the batch, model, criterion, reviewer and day slices and the report carry the
  // hostile names; an edit and a rejection comment carry payloads of their own.
  const decide = async (row, body) => {
    const item = await srv.api('GET', '/items/' + encodeURIComponent(row.id));
    await srv.api('POST', `/items/${encodeURIComponent(row.id)}/decision`, {
      started_at: new Date(Date.now() - 30000).toISOString(),
      version: item.version,
      checks: { business: true, relevance: false },
      ...body,
    });
  };
  await decide(rows[0], { verdict: 'edited', text: rows[0].summary + '<img src=x onerror="window.__pwned=\'edit\'">' });
  await decide(rows[1], { verdict: 'accepted' });
  await decide(rows[2], { verdict: 'rejected', reasons: ['first_person', 'other'], comment: '<script>window.__pwned="comment"</script>' });
  await decide(rows[3], { verdict: 'rejected', reasons: ['vague'] });
  await decide(rows[6], { verdict: 'accepted' });
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  await srv?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const local = (u) => {
  const url = new URL(u);
  return url.protocol === 'data:' || url.protocol === 'blob:' || url.protocol === 'file:' || url.protocol === 'about:' ||
    ((url.protocol === 'http:' || url.protocol === 'https:') && (url.hostname === '127.0.0.1' || url.hostname === 'localhost'));
};

/**
 * A browser context that records everything a payload could do: dialogs, requests leaving the machine (which are
 * also aborted), CSP violations and page errors.
 */
async function guarded(locale = 'ja-JP') {
  const ctx = await chrome.newContext({ locale, viewport: { width: 1360, height: 860 } });
  const seen = { dialogs: [], outside: [], errors: [] };
  await ctx.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample ?? ''}`),
    );
  });
  await ctx.route((url) => !local(url.href), (route) => {
    seen.outside.push(route.request().url());
    return route.abort();
  });
  const page = await ctx.newPage();
  page.on('dialog', (d) => {
    seen.dialogs.push(`${d.type()}: ${d.message()}`);
    return d.dismiss();
  });
  page.on('request', (r) => !local(r.url()) && seen.outside.push(r.url()));
  page.on('pageerror', (e) => seen.errors.push(e.message));
  page.on('console', (m) => /Content.Security.Policy|Refused to/i.test(m.text()) && seen.errors.push(m.text()));
  return { ctx, page, seen };
}

/** Everything a payload could have left in the page, checked after each screen. */
async function assertClean(page, seen, where) {
  const found = await page.evaluate(() => {
    const bad = [];
    for (const el of document.querySelectorAll('*')) {
      for (const a of el.attributes) {
        if (/^on/i.test(a.name)) bad.push(`<${el.localName} ${a.name}>`);
        if (/^(href|src|action|formaction|xlink:href|data)$/i.test(a.name) && /^\s*javascript:/i.test(a.value)) {
          bad.push(`<${el.localName} ${a.name}=${a.value.slice(0, 40)}>`);
        }
      }
    }
    for (const el of document.querySelectorAll('iframe, frame, object, embed, body meta, body base, body link, body style')) {
      bad.push(`<${el.localName}>`);
    }
    // The head holds the app's own preloads and the report's own policy; anything pointing elsewhere is not ours.
    for (const el of document.querySelectorAll('head link, head base')) {
      if (new URL(el.href, location.href).origin !== location.origin) bad.push(`<${el.localName} ${el.href}>`);
    }
    for (const s of document.querySelectorAll('script')) {
      if (!s.src || new URL(s.src).origin !== location.origin) bad.push(`<script ${s.src || 'inline'}>`);
    }
    for (const img of document.querySelectorAll('img, image, video, audio, source')) bad.push(`<${img.localName}>`);
    return { pwned: window.__pwned ?? null, violations: window.__violations ?? [], bad };
  });
  assert.equal(found.pwned, null, `${where}: a payload ran and set window.__pwned`);
  assert.deepEqual(seen.dialogs, [], `${where}: no dialog`);
  assert.deepEqual(seen.outside, [], `${where}: no request left the machine`);
  assert.deepEqual(found.violations, [], `${where}: no CSP violation (nothing tried to load)`);
  assert.deepEqual(found.bad, [], `${where}: no injected element or attribute`);
  assert.deepEqual(seen.errors, [], `${where}: no page error`);
}

const idIs = (page, id) =>
  page.waitForFunction((want) => document.querySelector('[data-item-id]')?.getAttribute('data-item-id') === want, id, {
    timeout: 10000,
  });

test('the guards see a payload that runs, a dialog, an outside request and a CSP violation (self-check)', async () => {
  const { ctx, page, seen } = await guarded();
  try {
    const csp = (await fetch(srv.base + '/')).headers.get('content-security-policy');
    await page.route(srv.base + '/self-check', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: '<body><img src=x onerror="window.__pwned=\'img\'"><script>alert("ran")</script><a href="javascript:void 0">x</a>' +
          '<img src="http://beacon.example/t.png"></body>',
      }),
    );
    await page.goto(srv.base + '/self-check');
    await page.waitForFunction(() => window.__pwned === 'img');
    await assert.rejects(assertClean(page, seen, 'self-check'), /window.__pwned/);
    assert.deepEqual(seen.dialogs, ['alert: ran']);
    assert.ok(seen.outside.includes('http://beacon.example/t.png'), 'the outside request is seen');
    // Under the server's policy the same page runs nothing, and its attempt to load the beacon is a violation.
    await page.route(srv.base + '/self-check-csp', (route) =>
      route.fulfill({
        status: 200,
        headers: { 'content-type': 'text/html', 'content-security-policy': csp },
        body: '<body><script>window.__pwned="inline"</script><img src="http://beacon.example/csp.png"></body>',
      }),
    );
    await page.goto(srv.base + '/self-check-csp');
    await page.waitForFunction(() => window.__violations.length >= 2);
    assert.equal(await page.evaluate(() => window.__pwned ?? null), null, 'the policy stops inline script');
  } finally {
    await ctx.close();
  }
});

test('the Content-Security-Policy header is on the page and on the API', async () => {
  for (const path of ['/', '/#/dashboard', '/api/me', '/api/dashboard', '/api/items?q=script', '/api/report?format=html']) {
    const r = await fetch(srv.base + path);
    const csp = r.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/, `${path}: ${csp}`);
    assert.match(csp, /script-src 'self'(;|$)/, `${path}: scripts only from the app itself`);
    assert.match(csp, /object-src 'none'/, path);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
  }
});

test('every hostile item in the review screen: view, hint tooltips, edit mode and the reject dialog', async () => {
  const { ctx, page, seen } = await guarded();
  try {
    let widths = null;
    for (const row of rows) {
      // A fresh load per item: the review screen reads the item from the address when it starts.
      await page.goto('about:blank');
      await page.goto(srv.base + '/#/review/' + encodeURIComponent(row.id));
      await idIs(page, row.id);
      const where = `review ${JSON.stringify(row.id.slice(0, 30))}`;
      // The hostile text is shown as text.
      const company = await page.textContent('.company');
      assert.ok(company.includes(row.company.slice(0, 40)) || company.includes(row.id), `${where}: company shown as written`);
      for (const mark of await page.$$('.summary-text mark.hint')) {
        await mark.hover();
        await page.waitForSelector('[role=tooltip]');
      }
      await page.keyboard.press('e');
      await page.waitForSelector('textarea', { timeout: 5000 });
      // An item edited before is edited further from its edited text (which carries a payload of its own).
      const stored = await srv.api('GET', '/items/' + encodeURIComponent(row.id));
      const text = stored.decision?.verdict === 'edited' ? stored.decision.final_text : row.summary;
      if (row === rows[0]) assert.notEqual(text, row.summary, `${where}: the edited text is what the editor starts from`);
      assert.equal(await page.inputValue('textarea'), text, `${where}: the editor holds the text as text`);
      const editWidth = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(editWidth[0] <= editWidth[1], `${where}: edit mode does not scroll sideways (${editWidth})`);
      await page.keyboard.press('Escape');
      await page.waitForSelector('textarea', { state: 'detached' });
      await page.keyboard.press('r');
      await page.waitForSelector('[role=dialog]');
      await page.keyboard.press('Escape');
      await page.waitForSelector('[role=dialog]', { state: 'detached' });

      // The long unbroken string stays inside its pane: the panes keep the widths of an ordinary item.
      const w = await page.evaluate(() => {
        const r = (s) => document.querySelector(s)?.getBoundingClientRect();
        return {
          page: document.documentElement.scrollWidth,
          view: document.documentElement.clientWidth,
          source: Math.round(r('.source.pane').width),
          summary: Math.round(r('.summary-card').width),
          summaryOverflow: document.querySelector('.summary-text').scrollWidth - document.querySelector('.summary-text').clientWidth,
          sourceOverflow: document.querySelector('.source-text').scrollWidth - document.querySelector('.source-text').clientWidth,
        };
      });
      assert.ok(w.page <= w.view, `${where}: the page does not scroll sideways (${w.page} > ${w.view})`);
      assert.ok(w.summaryOverflow <= 1 && w.sourceOverflow <= 1, `${where}: long strings wrap inside their panes (${JSON.stringify(w)})`);
      widths ??= w;
      assert.deepEqual([w.source, w.summary], [widths.source, widths.summary], `${where}: the panes keep their width`);
      await assertClean(page, seen, where);
    }
    await page.goto('about:blank');
    await page.goto(srv.base + '/#/review/' + encodeURIComponent(rows[0].id));
    await idIs(page, rows[0].id);
    await page.hover('.summary-text mark.hint');
    await page.waitForSelector('[role=tooltip]');
    await page.screenshot({ path: await artifactPath('hostile-review.png') });
  } finally {
    await ctx.close();
  }
});

test('the queue lists and searches the hostile items', async () => {
  const { ctx, page, seen } = await guarded();
  try {
    await page.goto(srv.base + '/#/queue');
    await page.waitForSelector('tbody tr');
    await page.selectOption('label:has-text("状態") select', '');
    await page.waitForFunction((n) => document.querySelectorAll('tbody tr').length === n, rows.length);
    await assertClean(page, seen, 'queue');
    for (const q of ['<script>', 'onerror', 'javascript:', 'beacon.example', 'WWWWWWWWWW']) {
      await page.fill('input[type=search]', q);
      const want = await srv.api('GET', '/items?q=' + encodeURIComponent(q));
      assert.ok(want.total > 0, `the search for ${JSON.stringify(q)} finds items`);
      await page.waitForFunction(
        (ids) => JSON.stringify([...document.querySelectorAll('tbody tr td:first-child')].map((td) => td.textContent.trim())) === JSON.stringify(ids),
        want.items.map((it) => it.id.trim()),
      );
      const w = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(w[0] <= w[1], `queue: the page does not scroll sideways (${w})`);
      await assertClean(page, seen, `queue search ${JSON.stringify(q)}`);
    }
    await page.screenshot({ path: await artifactPath('hostile-queue.png') });
  } finally {
    await ctx.close();
  }
});

test('the dashboard shows the hostile batch, model and criterion names as text', async () => {
  const { ctx, page, seen } = await guarded();
  try {
    await page.goto(srv.base + '/#/dashboard');
    await page.waitForSelector('[data-testid=overall-yield]');
    for (const name of ['バッチ', '生成モデル', '評価モデル', 'プロンプト版', 'レビュアー', '合計スコア']) {
      await page.click(`.dash-tabs button:has-text("${name}")`);
      await page.waitForSelector(`[data-testid=slice] th:has-text("${name}")`);
      await assertClean(page, seen, `dashboard slice ${name}`);
    }
    // Each batch, the hostile ones included, as the filter.
    const meta = await srv.api('GET', '/meta');
    for (const b of meta.batches) {
      await page.selectOption('[data-testid=batch]', b.name);
      await page.waitForFunction((n) => document.querySelector('[data-testid=items-total]')?.textContent.trim() === String(n), b.count);
      await page.click('.dash-tabs button:has-text("生成モデル")');
      const w = await page.evaluate(() => [document.querySelector('main').scrollWidth, document.querySelector('main').clientWidth]);
      assert.ok(w[0] <= w[1], `dashboard: the long generator name does not widen the page (${w})`);
      await assertClean(page, seen, `dashboard batch ${JSON.stringify(b.name)}`);
    }
    // The criterion named like an element is a slice like any other.
    await page.selectOption('[data-testid=batch]', '');
    await page.click('.dash-tabs button:has-text("<svg onload")');
    await page.waitForSelector('[data-testid=slice]');
    await assertClean(page, seen, 'dashboard hostile criterion');
    await page.screenshot({ path: await artifactPath('hostile-dashboard.png') });
  } finally {
    await ctx.close();
  }
});

test('the HTML report, as served and as written by `reviewdesk report`, runs nothing and fetches nothing', async () => {
  const served = await fetch(srv.base + '/api/report?format=html');
  assert.equal(served.status, 200);
  const body = await served.text();
  for (const b of new Set(rows.map((r) => r.batch))) assert.ok(!body.includes(b), `the batch name ${JSON.stringify(b)} is escaped in the HTML`);
  assert.ok(body.includes('&lt;/title&gt;&lt;script&gt;'), 'the hostile batch name shows as written');
  assert.match(body, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);

  // The served bytes with the served headers, at the server's own address (less the download instruction, which
  // would save the page instead of showing it).
  const headers = Object.fromEntries([...served.headers].filter(([k]) => k !== 'content-disposition'));
  const file = join(dir, 'report.html');
  await cli(['report', '--db', join(dir, 'hostile.db'), '--format', 'html', '--out', file]);
  for (const [where, open] of [
    ['served report', async (page) => {
      await page.route(srv.base + '/report-view', (route) => route.fulfill({ status: 200, headers, body }));
      await page.goto(srv.base + '/report-view');
    }],
    ['report file', async (page) => page.goto(pathToFileURL(file).href)],
  ]) {
    const { ctx, page, seen } = await guarded();
    try {
      await open(page);
      await page.waitForSelector('h1');
      assert.match(await page.title(), /reviewdesk report/);
      assert.ok((await page.textContent('body')).includes("</title><script>window.__pwned='batch'"), `${where}: the batch name as text`);
      for (const a of await page.$$('a')) await a.click({ timeout: 1000 }).catch(() => {});
      await assertClean(page, seen, where);
      const w = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(w[0] <= w[1], `${where}: the long strings scroll inside their tables, not the page (${w})`);
      if (where === 'report file') await page.screenshot({ path: await artifactPath('hostile-report.png') });
    } finally {
      await ctx.close();
    }
  }
});
