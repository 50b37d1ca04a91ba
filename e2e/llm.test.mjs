// The LLM copilot end to end, in Debian's Chromium against `reviewdesk serve` with a local OpenAI-protocol server
// (fakellm.mjs): F streams a suggested fix, shows it as a diff against the current text, and takes, edits further or
// drops it; moving on cancels the call (the LLM server sees the client go away); Rescore shows the judge's new points
// beside the original ones; a supervisor rescoring a batch follows its progress; and without an LLM the buttons are
// off with the server's note on how to configure one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { artifactPath, browser, demoDB, serve } from './harness.mjs';
import { criteriaIn, fakeLLM, fixHints } from './fakellm.mjs';

const fixed = '株式会社サンプルは、大阪府で産業用ポンプを製造しています。';
// The judge's answer: one point off the first criterion, full marks for the rest.
const judged = (cs) => ({
  scores: Object.fromEntries(cs.map((c, i) => [c.name, i === 0 ? c.max - 1 : c.max])),
  rationale: '事業内容の説明が少し足りません。',
});

let chrome;
before(async () => {
  chrome = await browser();
});
after(async () => {
  await chrome?.close();
});

/** A demo database and a server on it, with the fake LLM when one is given. */
async function setup(llm, items = 20) {
  const data = await demoDB(items);
  const args = llm ? ['--llm-url', llm.url, '--llm-model', 'fake-model', '--llm-concurrency', '1'] : [];
  const srv = await serve(data.db, { args, env: { OPENAI_API_KEY: llm ? 'sk-e2e-not-a-real-key' : '' } });
  return {
    srv,
    async close() {
      await srv.stop();
      await data.cleanup();
    },
  };
}

async function openPage(base, hash = '') {
  const ctx = await chrome.newContext({ locale: 'ja-JP', viewport: { width: 1360, height: 860 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(base + '/' + hash);
  return { ctx, page, errors };
}

const currentId = (page) => page.getAttribute('[data-item-id]', 'data-item-id');

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

/** The diff on screen as its two sides: what it says the text was, and what it says the text becomes. */
const diffSides = (page, testid) =>
  page.$eval(`[data-testid=${testid}]`, (el) => {
    let before = '';
    let after = '';
    let changes = 0;
    for (const n of el.childNodes) {
      const text = n.textContent ?? '';
      if (n.nodeName === 'INS') (after += text), changes++;
      else if (n.nodeName === 'DEL') (before += text), changes++;
      else if (n.nodeType === 1) (before += text), (after += text);
    }
    return { before, after, changes };
  });

async function waitFor(what, check, ms = 10000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('Suggest fix streams the text, shows the diff against the current text, and Take saves it as the edit', async () => {
  const llm = await fakeLLM(fixHints, { chunkDelayMs: 120, judge: judged });
  const env = await setup(llm);
  // Most hints first: the first item has flagged phrases for the fix to remove.
  await env.srv.api('PUT', '/settings/queue', { order: 'hints', lease_minutes: 30 });
  const { ctx, page, errors } = await openPage(env.srv.base);
  try {
    await page.waitForSelector('[data-item-id]');
    const id = await currentId(page);
    const item = await env.srv.api('GET', '/items/' + id);
    assert.ok(item.hints.length > 0, 'the first item has hints');
    // Record every text the live view shows while the suggestion streams in.
    await page.evaluate(() => {
      window.__live = [];
      new MutationObserver(() => {
        const t = document.querySelector('[data-testid=suggest-live]')?.textContent;
        if (t && window.__live.at(-1) !== t) window.__live.push(t);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.keyboard.press('f');
    await page.waitForSelector('[data-testid=suggest-diff]');
    assert.equal(llm.answers.length, 1);
    const returned = llm.answers[0];
    assert.notEqual(returned, item.summary, 'the fix changes the summary');
    const live = await page.evaluate(() => window.__live);
    for (const t of live) assert.ok(returned.startsWith(t), `"${t}" is the start of the answer`);
    assert.ok(live.filter((t) => t !== returned).length >= 2, `the text showed part by part as it streamed: ${JSON.stringify(live)}`);

    const sides = await diffSides(page, 'suggest-diff');
    assert.equal(sides.before, item.summary, 'the diff starts from the text on screen');
    assert.equal(sides.after, returned, 'the diff ends at what the LLM server returned');
    assert.ok(sides.changes > 0);
    const fix = llm.requests.filter((r) => r.body?.stream);
    assert.equal(fix.length, 1);
    assert.ok(JSON.stringify(fix[0].body.messages).includes(JSON.stringify(item.summary).slice(1, -1)), 'the prompt carries the summary');
    await page.screenshot({ path: await artifactPath('llm-suggest.png') });

    await pressForNext(page, 't');
    const history = await env.srv.api('GET', `/items/${id}/history`);
    assert.deepEqual(
      history.decisions.map((d) => [d.verdict, d.final_text, d.reviewer]),
      [['edited', returned, 'e2e']],
    );
    assert.deepEqual(llm.disconnects, [], 'a finished suggestion is not a cancelled one');
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    await env.close();
    await llm.close();
  }
});

test('Edit further opens the editor with the suggestion; a suggestion for an edit diffs against it; Drop changes nothing', async () => {
  const llm = await fakeLLM(fixed, { judge: judged });
  const env = await setup(llm);
  const { ctx, page, errors } = await openPage(env.srv.base);
  try {
    await page.waitForSelector('[data-item-id]');
    const first = await currentId(page);

    // Drop: Esc, and the item is as it was, undecided.
    await page.keyboard.press('f');
    await page.waitForSelector('[data-testid=suggest-diff]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=suggestion]', { state: 'detached' });
    assert.equal(await currentId(page), first);
    assert.equal((await env.srv.api('GET', `/items/${first}/history`)).decisions.length, 0);

    // Edit further: the editor holds the suggestion; what is typed after it is saved with it.
    await page.keyboard.press('f');
    await page.waitForSelector('[data-testid=suggest-diff]');
    await page.keyboard.press('e');
    await page.waitForSelector('textarea:focus');
    assert.equal(await page.inputValue('textarea'), fixed);
    await page.keyboard.press('Control+End');
    await page.keyboard.type('主な取引先は国内の化学メーカーです。');
    await pressForNext(page, 'Control+Enter');
    let history = await env.srv.api('GET', `/items/${first}/history`);
    assert.deepEqual(history.decisions.map((d) => [d.verdict, d.final_text]), [['edited', fixed + '主な取引先は国内の化学メーカーです。']]);

    // From the editor: the suggestion rewrites the edit in progress, and dropping it gives the edit back.
    const second = await currentId(page);
    await page.keyboard.press('e');
    await page.waitForSelector('textarea:focus');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('我々は業界トップです！');
    const draft = await page.inputValue('textarea');
    await page.click('.actions button:has-text("AI 修正案")');
    await page.waitForSelector('[data-testid=suggest-diff]');
    const sides = await diffSides(page, 'suggest-diff');
    assert.equal(sides.before, draft, 'a suggestion asked from the editor diffs against the edit');
    assert.equal(sides.after, fixed);
    assert.equal(llm.requests.filter((r) => r.body?.stream).at(-1).body.messages.some((m) => m.content.includes('我々は業界トップです！')), true,
      'the edit in progress went to the LLM');
    await page.keyboard.press('Escape');
    await page.waitForSelector('textarea');
    assert.equal(await page.inputValue('textarea'), draft, 'the edit is untouched');
    await page.keyboard.press('Escape');
    assert.equal(await currentId(page), second);
    history = await env.srv.api('GET', `/items/${second}/history`);
    assert.equal(history.decisions.length, 0);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    await env.close();
    await llm.close();
  }
});

test('moving to another item or deciding cancels the suggestion being written', async () => {
  // Two chunks, then the server holds the stream open: only the client can end it.
  const llm = await fakeLLM(fixed, { holdAfter: 2 });
  const env = await setup(llm);
  const { ctx, page, errors } = await openPage(env.srv.base);
  try {
    await page.waitForSelector('[data-item-id]');
    const moves = [
      { key: 'j', name: 'J (next item)' },
      { key: 'a', name: 'A (accept)' },
      { key: 'k', name: 'K (previous decision)' },
    ];
    for (const [i, m] of moves.entries()) {
      await page.keyboard.press('f');
      await page.waitForFunction(() => document.querySelector('[data-testid=suggest-live]')?.textContent.length > 0);
      assert.equal(llm.disconnects.length, i, `no call cancelled before ${m.name}`);
      await pressForNext(page, m.key);
      await waitFor(`the LLM server to see the call cancelled after ${m.name}`, () => llm.disconnects.length === i + 1);
      assert.equal(await page.$('[data-testid=suggestion]'), null, `no suggestion left on screen after ${m.name}`);
    }
    const fixCalls = llm.requests.filter((r) => r.body?.stream).length;
    assert.equal(fixCalls, 3);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    await env.close();
    await llm.close();
  }
});

test('Rescore shows the judge’s new points beside the original ones, and can follow every edit', async () => {
  const llm = await fakeLLM(fixed, { judge: judged });
  const env = await setup(llm);
  const { ctx, page, errors } = await openPage(env.srv.base);
  try {
    await page.waitForSelector('[data-item-id]');
    const id = await currentId(page);
    const item = await env.srv.api('GET', '/items/' + id);
    await page.click('button:has-text("再採点")');
    await page.waitForSelector('[data-testid=rescore-total]');
    const judge = llm.requests.filter((r) => !r.body?.stream);
    assert.equal(judge.length, 1);
    const prompt = judge[0].body.messages.map((m) => m.content).join('\n');
    assert.ok(prompt.includes(item.summary), 'the judge scored the summary on screen');
    const want = judged(criteriaIn(prompt)).scores;
    const rows = await page.$$eval('[data-testid=scores] [data-criterion]', (els) =>
      els.map((el) => ({
        name: el.dataset.criterion,
        judge: el.querySelector('[data-testid=judge-points]').textContent.trim(),
        now: el.querySelector('[data-testid=rescore-points]').textContent.replace('→', '').trim(),
      })),
    );
    assert.deepEqual(rows.map((r) => r.name).sort(), Object.keys(item.scores).sort(), 'a row per criterion');
    for (const r of rows) {
      assert.equal(Number(r.judge), item.scores[r.name], `the judge's original points for ${r.name}`);
      assert.equal(Number(r.now), want[r.name], `the rescore's points for ${r.name}`);
    }
    const total = Object.values(want).reduce((a, b) => a + b, 0);
    assert.equal((await page.textContent('[data-testid=rescore-total]')).replace('→', '').trim(), String(total));
    assert.match(await page.textContent('[data-testid=rescore-note]'), /元の要約/);
    await page.screenshot({ path: await artifactPath('llm-rescore.png') });

    // The setting: every pause in typing has the judge score the edit.
    await page.click('nav a:has-text("設定")');
    await page.check('[data-testid=llm-settings] input[type=checkbox]');
    await page.click('nav a:has-text("レビュー")');
    await page.waitForSelector(`[data-item-id="${id}"]`);
    await page.keyboard.press('e');
    await page.waitForSelector('textarea:focus');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('同社は創業50年です。');
    const draft = await page.inputValue('textarea');
    await waitFor('a rescore of the edit', () =>
      llm.requests.some((r) => !r.body?.stream && r.body.messages.some((m) => m.content.includes(draft))),
    );
    await page.waitForFunction(() => /あなたの修正/.test(document.querySelector('[data-testid=rescore-note]')?.textContent ?? ''));
    const judgeCalls = llm.requests.filter((r) => !r.body?.stream).length;
    assert.equal(judgeCalls, 2, 'one rescore for the typing, once it paused (not one per key)');
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    await env.close();
    await llm.close();
  }
});

test('a supervisor rescores a batch and follows its progress', async () => {
  const llm = await fakeLLM(fixed, { judge: judged, judgeDelayMs: 350 });
  const env = await setup(llm);
  const { ctx, page, errors } = await openPage(env.srv.base, '#/transfer');
  try {
    const card = page.locator('[data-testid=rescore-batch]');
    await card.locator('select').selectOption('2025-10-b');
    await page.evaluate(() => {
      window.__progress = [];
      window.__steps = [];
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid=rescore-batch] [role=progressbar]');
        const v = bar?.getAttribute('aria-valuenow');
        if (v !== undefined && v !== null && window.__progress.at(-1) !== v) window.__progress.push(v);
        const step = document.querySelector('[data-testid=rescore-batch] .job .msg')?.textContent;
        if (step && window.__steps.at(-1) !== step) window.__steps.push(step);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    await card.locator('button:has-text("再採点を開始")').click();
    await page.waitForSelector('[data-testid=rescore-batch] .job[data-state=done]', { timeout: 20000 });
    const progress = (await page.evaluate(() => window.__progress)).map(Number);
    assert.ok(progress.some((v) => v > 0 && v < 100), `the bar moved through the batch: ${progress}`);
    assert.equal(progress.at(-1), 100);
    assert.match(await card.locator('[data-testid=rescore-result]').textContent(), /4件を採点、0件が失敗/);
    // The job's progress is worded by the UI, in Japanese, and the result is said once, not again in English.
    const steps = await page.evaluate(() => window.__steps);
    assert.ok(steps.length > 0, 'the running job said what it was doing');
    for (const s of steps) assert.match(s, /^fake-model で再採点中: \d件を採点、0件が失敗$/, `a step in Japanese: ${s}`);
    assert.doesNotMatch(await card.textContent(), /rescoring|scored|failed/, 'no English from the server in the card');
    assert.equal(await card.locator('.job .msg').count(), 0, 'the finished job does not repeat the result');
    const batch = await env.srv.api('GET', '/items?batch=2025-10-b');
    for (const it of batch.items) {
      const r = await env.srv.api('GET', `/items/${it.id}/rescores`);
      assert.equal(r.rescores.length, 1, `item ${it.id} has its rescore`);
    }
    assert.equal(llm.requests.filter((r) => !r.body?.stream).length, 4, 'one judge call per item of the batch');
    await page.screenshot({ path: await artifactPath('llm-batch.png') });
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    await env.close();
    await llm.close();
  }
});

test('without an LLM the copilot buttons are off, saying why in Japanese with the server’s note beside it, and review works', async () => {
  const env = await setup(null, 10);
  const { ctx, page, errors } = await openPage(env.srv.base);
  try {
    await page.waitForSelector('[data-item-id]');
    const status = await env.srv.api('GET', '/llm');
    assert.equal(status.configured, false);
    assert.match(status.message, /--llm-url/);
    const off = 'LLM が設定されていないため、AI 修正案と再採点は使えません。';
    // The tooltip says why, and how to turn the copilot on.
    const tipText = off + '使うには reviewdesk を --llm-url URL と --llm-model モデル名 を付けて起動し、API キーを OPENAI_API_KEY に入れてください（サーバーの案内は設定画面に）。';
    // Until the server has said whether it has an LLM, the buttons wait, off, with “loading” as their note.
    await page.waitForFunction((m) => document.querySelector('.actions .tip')?.dataset.tip === m, tipText);
    for (const label of ['AI 修正案', '再採点']) {
      const b = page.locator(`button:has-text("${label}")`);
      await b.waitFor();
      assert.equal(await b.isDisabled(), true, `${label} is disabled`);
      const note = await b.getAttribute('aria-describedby');
      const described = await page.textContent('#' + note);
      assert.ok(described.includes(off) && described.includes(status.message), `${label} says why, and how to configure an LLM: ${described}`);
      const tip = page.locator(`.tip:has(button:has-text("${label}"))`);
      assert.equal(await tip.getAttribute('data-tip'), tipText);
      await tip.hover();
      const shown = await tip.evaluate((el) => getComputedStyle(el, '::after').content);
      assert.equal(shown, JSON.stringify(tipText), `hovering ${label} shows why and how to configure one, in Japanese`);
    }
    await page.hover('.actions .tip');
    await page.screenshot({ path: await artifactPath('llm-off.png') });
    await page.keyboard.press('f');
    await page.waitForSelector('.notice');
    assert.equal((await page.textContent('.notice > span')).trim(), off);
    assert.equal((await page.textContent('.notice .detail')).trim(), status.message, 'with the server’s note as the detail');
    const id = await pressForNext(page, 'a');
    const history = await env.srv.api('GET', `/items/${id}/history`);
    assert.deepEqual(history.decisions.map((d) => d.verdict), ['accepted'], 'accepting still works');

    await page.click('nav a:has-text("インポート")');
    const start = page.locator('[data-testid=rescore-batch] button:has-text("再採点を開始")');
    assert.equal(await start.isDisabled(), true);
    assert.equal(await page.getAttribute('[data-testid=rescore-batch] .tip', 'data-tip'), tipText);
    await page.click('nav a:has-text("設定")');
    assert.equal(await page.isDisabled('[data-testid=llm-settings] input[type=checkbox]'), true);
    const settings = await page.textContent('[data-testid=llm-settings] .note');
    assert.ok(settings.includes(off) && settings.includes(status.message), `Settings says why, then the server’s note: ${settings}`);
    await page.screenshot({ path: await artifactPath('llm-off-settings.png') });
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    await env.close();
  }
});
