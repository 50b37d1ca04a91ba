// The review UI end to end, in Debian's Chromium against `reviewdesk serve` on a temporary database: a reviewer
// works through 20 items with the keyboard only (one edit, one rejection with reasons, one undo), and the API must
// then hold exactly those decisions.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { artifactPath, browser, cli, demoDB, serve } from './harness.mjs';

let srv;
let chrome;
let data;

before(async () => {
  data = await demoDB(60);
  srv = await serve(data.db);
  // Most hints first, so the first items carry hints to see, pre-select and screenshot.
  await srv.api('PUT', '/settings/queue', { order: 'hints', lease_minutes: 30 });
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  await srv?.stop();
  await data?.cleanup();
});

async function openPage(locale) {
  const ctx = await chrome.newContext({ locale, viewport: { width: 1360, height: 860 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return { ctx, page, errors };
}

const currentId = (page) => page.getAttribute('[data-item-id]', 'data-item-id');

/** Presses a key and waits until the review screen shows another item than before. */
async function pressForNext(page, key) {
  const before = await currentId(page);
  await page.keyboard.press(key);
  await page.waitForFunction(
    (prev) => {
      const id = document.querySelector('[data-item-id]')?.getAttribute('data-item-id');
      return id && id !== prev;
    },
    before,
    { timeout: 10000 },
  );
  return before;
}

test('a reviewer works through 20 items with the keyboard only', async (t) => {
  const { ctx, page, errors } = await openPage('ja-JP');
  await page.goto(srv.base + '/');
  await page.waitForSelector('[data-item-id]');
  assert.match(await page.textContent('.actions'), /承認/, 'the UI speaks Japanese to a Japanese browser');

  const expected = new Map(); // item id -> what the database must hold
  let screenshot = false;

  for (let i = 0; i < 20; i++) {
    const id = await currentId(page);
    const item = await srv.api('GET', '/items/' + id);

    // A screenshot of the review screen once there is progress to show and an item with hints, its tooltip open.
    if (!screenshot && i >= 3 && item.hints.length > 0 && /[ぁ-んァ-ン一-龯]/.test(item.summary)) {
      await page.keyboard.press('Tab'); // keyboard-reachable marks: Tab until the first one has focus
      for (let k = 0; k < 40 && !(await page.evaluate(() => document.activeElement?.tagName === 'MARK')); k++) {
        await page.keyboard.press('Tab');
      }
      await page.waitForSelector('[role=tooltip]');
      await page.screenshot({ path: await artifactPath('review.png') });
      // The tooltip leaves the action buttons in sight.
      const covered = await page.evaluate(() => {
        const tip = document.querySelector('[role=tooltip]').getBoundingClientRect();
        return [...document.querySelectorAll('.actions button')]
          .filter((b) => {
            const r = b.getBoundingClientRect();
            return r.left < tip.right && tip.left < r.right && r.top < tip.bottom && tip.top < r.bottom;
          })
          .map((b) => b.textContent.trim());
      });
      assert.deepEqual(covered, [], 'the hint tooltip covers no action button');
      // Rules by name, not by id, in the tooltip and in the hint cards.
      const names = await page.$$eval('[role=tooltip] .rule, .side li .rule', (els) => els.map((e) => [e.dataset.rule, e.textContent.trim()]));
      assert.ok(names.length >= 2, 'rule names in the tooltip and the hint list');
      for (const [id, name] of names) {
        assert.notEqual(name, id, `rule ${id} is shown by its name`);
        assert.match(name, /[ぁ-んァ-ン一-龯]/, `rule ${id} is named in Japanese: ${name}`);
      }
      // The pace is there from the first decisions on, before the server's figures come back.
      const rate = Number((await page.textContent('[data-testid=rate]')).replace(/[^\d.]/g, ''));
      assert.ok(rate > 0, `items per hour after ${i} decisions: ${rate}`);
      // Every checklist label is whole.
      const cut = await page.$$eval('.checklist .name', (els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1).map((e) => e.textContent));
      assert.deepEqual(cut, [], 'no checklist label is cut off');
      await page.evaluate(() => document.activeElement?.blur());
      screenshot = true;
    }

    if (i === 0) {
      // Reject: the reasons of the hints that fired are pre-selected; 6 adds "fact not in the source".
      assert.ok(item.hints.length > 0, 'the first item under "most hints first" has hints');
      await page.keyboard.press('r');
      await page.waitForSelector('[role=dialog]');
      const meta = await srv.api('GET', '/meta');
      const fromHints = [...new Set(item.hints.map((h) => h.reason))];
      const checked = await page.$$eval('[role=dialog] input[type=checkbox]', (els) =>
        els.map((e, i) => (e.checked ? i : -1)).filter((i) => i >= 0),
      );
      assert.deepEqual(
        checked.map((i) => meta.reasons[i].code).sort(),
        fromHints.sort(),
        'reasons pre-selected from the hints',
      );
      await page.keyboard.press('6');
      const reasons = meta.reasons.map((r) => r.code).filter((c) => fromHints.includes(c) || c === 'unsupported_fact');
      for (let k = 0; k < 20 && !(await page.evaluate(() => document.activeElement?.matches('[role=dialog] input[type=text]'))); k++) {
        await page.keyboard.press('Tab');
      }
      await page.keyboard.type('原文にない拠点が書かれている');
      await pressForNext(page, 'Enter');
      expected.set(id, { verdict: 'rejected', reasons, comment: '原文にない拠点が書かれている' });
    } else if (i === 1) {
      // Edit: the diff and the hints follow the typing; Ctrl+Enter saves.
      await page.keyboard.press('e');
      await page.waitForSelector('textarea:focus');
      await page.keyboard.press('Control+End');
      const added = '同社は業界トップの実績を持つ。';
      await page.keyboard.type(added);
      await page.waitForFunction((t) => document.querySelector('[data-testid=diff] ins')?.textContent === t, added);
      await page.waitForFunction(() => [...document.querySelectorAll('.side li')].some((li) => li.textContent.includes('業界トップ')));
      await page.screenshot({ path: await artifactPath('review-edit.png') });
      const headings = await page.$$eval('h2', (hs) => hs.map((h) => h.childNodes[0]?.textContent.trim()));
      assert.equal(headings.filter((h) => h === '入力中のヒント').length, 1, `one "hints while typing" heading: ${headings}`);
      assert.equal(await page.textContent('.actions button:has-text("AI 修正案") kbd'), 'Ctrl+Shift+F', 'the AI button shows its key, as in view mode');
      await pressForNext(page, 'Control+Enter');
      expected.set(id, { verdict: 'edited', text: (item.summary + added).trim() });
    } else if (i === 2) {
      // Accept, undo (the item comes back), accept again.
      await pressForNext(page, 'a');
      await page.keyboard.press('u');
      await page.waitForSelector(`[data-item-id="${id}"]`);
      await page.waitForSelector('.notice');
      await pressForNext(page, 'a');
      expected.set(id, { verdict: 'accepted', undone: 1 });
    } else if (i === 3) {
      // The checklist from the keyboard: 1 marks the first criterion passed, 2 2 the second failed.
      const meta = await srv.api('GET', '/meta');
      const [first, second] = meta.rubric.criteria.map((c) => c.name);
      await page.keyboard.press('1');
      await page.keyboard.press('2');
      await page.keyboard.press('2');
      await page.waitForSelector('.checklist .row:nth-child(2) button.fail[aria-pressed=true]');
      await pressForNext(page, 'a');
      expected.set(id, { verdict: 'accepted', checks: { [first]: true, [second]: false } });
    } else {
      await pressForNext(page, 'a');
      expected.set(id, { verdict: 'accepted' });
    }
  }
  assert.ok(screenshot, 'an item with hints was on screen for the screenshot');

  // K opens the last decision again; J goes back to the item the queue holds for the reviewer.
  const held = await currentId(page);
  const last = [...expected.keys()].at(-1);
  await page.keyboard.press('k');
  await page.waitForSelector(`[data-item-id="${last}"]`);
  await page.waitForSelector('.revisit');
  await page.keyboard.press('j');
  await page.waitForSelector(`[data-item-id="${held}"]`);

  // The progress in the header counted every decision, and its pace is the server's once it has answered.
  await page.waitForFunction(() => document.querySelector('[data-testid=progress]')?.textContent.includes('20件'));
  const me = await srv.api('GET', '/me');
  assert.ok(me.progress.items_per_hour > 0, 'the server has a pace');
  await page.waitForFunction(
    (want) => Number(document.querySelector('[data-testid=rate]')?.textContent.replace(/[^\d]/g, '')) === want,
    Math.round(me.progress.items_per_hour),
    { timeout: 5000 },
  );

  const perf = await page.evaluate(() => window.__reviewdeskPerf);
  assert.equal(perf.decide.length, 21, 'every decision was timed from key press to paint');
  const sorted = [...perf.decide].sort((a, b) => a - b);
  t.diagnostic(`key press to next item painted (ms, 21 decisions, 60 items): p50 ${sorted[10].toFixed(1)}, p95 ${sorted[19].toFixed(1)}`);
  assert.deepEqual(errors, [], 'no errors in the page');
  await ctx.close();

  // The database holds exactly those decisions.
  const mine = (await srv.api('GET', '/decisions/mine?limit=100')).decisions;
  const live = mine.filter((d) => !d.undone_at);
  assert.equal(live.length, 20);
  assert.equal(mine.length - live.length, 1, 'one decision undone');
  assert.deepEqual(new Set(live.map((d) => d.item_id)), new Set(expected.keys()));
  for (const d of live) {
    const want = expected.get(d.item_id);
    assert.equal(d.verdict, want.verdict, `verdict of ${d.item_id}`);
    assert.equal(d.reviewer, 'e2e');
    if (want.text) assert.equal(d.final_text, want.text);
    assert.deepEqual(d.checks ?? {}, want.checks ?? {}, `checks of ${d.item_id}`);
    if (want.reasons) {
      assert.deepEqual(d.reasons, want.reasons);
      assert.equal(d.comment, want.comment);
    }
  }
  const undone = mine.find((d) => d.undone_at);
  assert.equal(expected.get(undone.item_id)?.undone, 1, 'the undone decision is the one undone in the UI');
  const history = (await srv.api('GET', `/items/${undone.item_id}/history`)).decisions;
  assert.deepEqual(
    history.map((d) => [d.verdict, !!d.undone_at]),
    [
      ['accepted', true],
      ['accepted', false],
    ],
  );
  const decidedItems = await srv.api('GET', '/items?status=accepted,edited,rejected,skipped&limit=100');
  assert.equal(decidedItems.total, 20);
  const counts = {};
  for (const it of decidedItems.items) counts[it.status] = (counts[it.status] ?? 0) + 1;
  assert.deepEqual(counts, { accepted: 18, edited: 1, rejected: 1 });
});

test('a decision on an item that changed meanwhile is refused in Japanese, with the server’s words as the detail', async () => {
  const own = await demoDB(5);
  const osrv = await serve(own.db);
  const { ctx, page, errors } = await openPage('ja-JP');
  try {
    await page.goto(osrv.base + '/');
    await page.waitForSelector('[data-item-id]');
    const id = await currentId(page);
    const item = await osrv.api('GET', '/items/' + id);
    // Someone else's decision, while the screen still shows the version it opened.
    await osrv.api('POST', `/items/${id}/decision`, { verdict: 'rejected', reasons: ['vague'], started_at: new Date().toISOString(), version: item.version });
    await page.keyboard.press('a');
    await page.waitForSelector('.notice.error');
    assert.equal((await page.textContent('.notice.error > span')).trim(), '他の変更と衝突しました。最新の状態を読み込みました。');
    assert.match(await page.textContent('.notice.error .detail'), /changed since you opened it/, 'the server’s message stays as the detail');
    await page.screenshot({ path: await artifactPath('review-conflict.png') });
    assert.deepEqual(errors.filter((e) => !/409/.test(e)), []);
  } finally {
    await ctx.close();
    await osrv.stop();
    await own.cleanup();
  }
});

test('the queue filters on the server and opens an item for review, in English', async () => {
  const { ctx, page, errors } = await openPage('en-US');
  await page.goto(srv.base + '/#/queue');
  await page.waitForSelector('tbody tr');
  assert.match(await page.textContent('nav'), /Queue/);
  await page.selectOption('label:has-text("Status") select', '');
  await page.selectOption('label:has-text("Hint rule") select', 'superlative');
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('tbody tr')];
    return rows.length > 0 && rows.every((r) => Number(r.children[4].textContent) > 0);
  });
  const want = await srv.api('GET', '/items?rule=superlative&limit=50');
  assert.ok(want.total > 0, 'the demo data has items with a superlative hint');
  const shown = await page.$$eval('tbody tr td:first-child', (tds) => tds.map((td) => td.textContent.trim()));
  assert.deepEqual(shown, want.items.map((it) => it.id), 'the rows are the server’s page');
  await page.click('tbody tr:first-child');
  await page.waitForSelector(`[data-item-id="${shown[0]}"]`);
  assert.match(await page.textContent('.actions'), /Accept/);
  await page.waitForSelector('.summary-text mark.hint-superlative');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('team mode: a reviewer logs in, sees no supervisor screens, and decides with the CSRF token', async () => {
  const team = await demoDB(10);
  await cli(['users', 'add', 'rita', '--role', 'reviewer', '--password-stdin', '--db', team.db], 'correct horse battery\n');
  const tsrv = await serve(team.db);
  const { ctx, page, errors } = await openPage('ja-JP');
  try {
    await page.goto(tsrv.base + '/');
    await page.waitForSelector('input[autocomplete=username]:focus');
    await page.keyboard.type('rita');
    await page.keyboard.press('Tab');
    await page.keyboard.type('wrong password');
    await page.keyboard.press('Enter');
    await page.waitForSelector('form [role=alert]');
    await page.fill('input[type=password]', 'correct horse battery');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-item-id]');
    const nav = await page.textContent('nav');
    assert.match(nav, /レビュー/);
    assert.doesNotMatch(nav, /ダッシュボード|インポート/, 'supervisor screens are hidden from a reviewer');
    assert.match(await page.textContent('.user'), /rita.*レビュアー/s);
    const id = await currentId(page);
    await pressForNext(page, 'a');
    const history = await page.evaluate(async (itemId) => {
      const r = await fetch(`/api/items/${itemId}/history`);
      return r.json();
    }, id);
    assert.deepEqual(
      history.decisions.map((d) => [d.verdict, d.reviewer]),
      [['accepted', 'rita']],
    );
    await page.click('text=ログアウト');
    await page.waitForSelector('input[autocomplete=username]');
    // 401 after a 409-free logout: errors in the console from that are the login screen's business, not a failure
    assert.deepEqual(errors.filter((e) => !/401/.test(e)), []);
  } finally {
    await ctx.close();
    await tsrv.stop();
    await team.cleanup();
  }
});

test('a supervisor imports a file by upload and watches its progress', async () => {
  const { ctx, page, errors } = await openPage('ja-JP');
  try {
    const file = join(data.dir, 'upload.jsonl');
    const rows = [1, 2, 3].map((n) =>
      JSON.stringify({ id: `upload-${n}`, company: `株式会社アップロード${n}`, summary: `株式会社アップロード${n}は、東京都で印刷業を営んでいます。`, score: 7, batch: 'e2e-upload' }),
    );
    await writeFile(file, rows.join('\n') + '\n');
    await page.goto(srv.base + '/#/transfer');
    await page.setInputFiles('input[type=file]', file);
    await page.click('text=インポート開始');
    await page.waitForSelector('.job[data-state=done]');
    assert.match(await page.textContent('.job'), /完了しました/);
    const imported = await srv.api('GET', '/items?batch=e2e-upload');
    assert.deepEqual(imported.items.map((it) => it.id).sort(), ['upload-1', 'upload-2', 'upload-3']);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('a supervisor exports the gold table as JSON Lines and downloads it', async () => {
  const { ctx, page, errors } = await openPage('ja-JP');
  try {
    await page.goto(srv.base + '/#/transfer');
    const card = page.locator('section.card', { hasText: 'エクスポート' });
    await card.locator('label:has-text("種類") select').selectOption('gold');
    await card.locator('label:has-text("形式") select').selectOption('jsonl');
    await page.click('text=エクスポート開始');
    await page.waitForSelector('.card:has-text("エクスポート") .job[data-state=done]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=ダウンロード')]);
    const text = await readFile(await download.path(), 'utf8');
    const rows = text.trim().split('\n').map((l) => JSON.parse(l));
    const approved = await srv.api('GET', '/items?status=accepted,edited&limit=500');
    assert.ok(approved.total > 0, 'the first test left approved items');
    assert.deepEqual(rows.map((r) => r.id).sort(), approved.items.map((it) => it.id).sort());
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});
