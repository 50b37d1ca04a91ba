// Team mode end to end, in Debian's Chromium against `reviewdesk serve` on a database with accounts (made with
// `reviewdesk users add ... --password-stdin`): a reviewer sees the review screens only and is refused the rest, by
// the UI and by the API; a supervisor sets double review, settles the disputes it produces from the keyboard, reads
// the audit log and downloads it; a second reviewer's history stays blind; an admin manages accounts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { artifactPath, browser, cli, demoDB, serve } from './harness.mjs';

const accounts = {
  rita: { role: 'reviewer', password: 'rita correct horse' },
  ren: { role: 'reviewer', password: 'ren battery staple' },
  suki: { role: 'supervisor', password: 'suki long password' },
  ada: { role: 'admin', password: 'ada lovelace 1815' },
};
const supervisorOnly = ['dashboard', 'transfer', 'adjudication', 'audit'];

let data;
let srv;
let chrome;
const tokens = {};

before(async () => {
  data = await demoDB(20);
  for (const [name, a] of Object.entries(accounts)) {
    await cli(['users', 'add', name, '--role', a.role, '--password-stdin', '--db', data.db], a.password + '\n');
    tokens[name] = (await cli(['users', 'token', name, '--label', 'e2e', '--db', data.db])).trim();
  }
  srv = await serve(data.db);
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  await srv?.stop();
  await data?.cleanup();
});

/** The API as one account, with its token (no session, no CSRF token). */
async function as(name, method, path, body) {
  const r = await fetch(srv.base + '/api' + path, {
    method,
    headers: { Authorization: `Bearer ${tokens[name]}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const out = await r.json();
  if (!r.ok) throw new Error(`${name}: ${method} ${path}: ${r.status} ${JSON.stringify(out)}`);
  return out;
}

/** A browser logged in as name through the login screen. */
async function login(name) {
  const ctx = await chrome.newContext({ locale: 'ja-JP', viewport: { width: 1360, height: 860 }, acceptDownloads: true });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
  // The first page load asks /api/me before anyone logged in: that 401 is how the login screen appears.
  page.on('console', (m) => m.type() === 'error' && !/401/.test(m.text()) && errors.push(m.text()));
  await page.goto(srv.base + '/');
  await page.waitForSelector('input[autocomplete=username]:focus');
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(accounts[name].password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('nav');
  return { ctx, page, errors };
}

async function navLinks(page) {
  return page.$$eval('nav a', (as) => as.map((a) => a.getAttribute('href')));
}

async function open(page, hash) {
  await page.evaluate((h) => (location.hash = h), hash);
  await page.waitForFunction((h) => location.hash === h, hash);
}

/** What the API answers the page's own session (cookie and CSRF token), as the UI would ask. */
function fromPage(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const me = await (await fetch('/api/me')).json();
      const r = await fetch('/api' + path, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: r.status, body: await r.json() };
    },
    { method, path, body },
  );
}

const currentId = (page) => page.getAttribute('[data-item-id]', 'data-item-id');

/** Puts a long text into a field at once, as a paste does: typing 20 KB key by key (or fill) takes seconds. */
const paste = (locator, text) =>
  locator.evaluate((el, v) => {
    el.value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);

test('a reviewer sees the review screens only, and the UI and the API refuse the rest', async () => {
  const { ctx, page, errors } = await login('rita');
  try {
    await page.waitForSelector('[data-item-id]');
    assert.deepEqual(await navLinks(page), ['#/review', '#/queue', '#/settings']);
    for (const screen of [...supervisorOnly, 'users']) {
      await open(page, '#/' + screen);
      await page.waitForSelector('[data-testid=refused]');
      const text = await page.textContent('[data-testid=refused]');
      assert.match(text, screen === 'users' ? /管理者/ : /スーパーバイザー/, `#/${screen} names the role it needs`);
      assert.match(text, /rita/);
    }
    await page.screenshot({ path: await artifactPath('team-refused.png') });

    const refusals = [
      ['GET', '/adjudication'],
      ['GET', '/audit'],
      ['GET', '/audit/export?format=csv'],
      ['GET', '/dashboard'],
      ['GET', '/settings/overlap'],
      ['PUT', '/settings/overlap', { rate: 0.5 }],
      ['PUT', '/settings/queue', { order: 'score', lease_minutes: 5 }],
      ['POST', '/rescores', { batch: '' }],
      ['GET', '/users'],
      ['POST', '/users', { name: 'mallory', role: 'admin', password: 'mallory password' }],
      ['PATCH', '/users/rita', { role: 'admin' }],
    ];
    for (const [method, path, body] of refusals) {
      const r = await fromPage(page, method, path, body);
      assert.equal(r.status, 403, `${method} ${path} as a reviewer`);
      assert.match(r.body.message, /role/, `${method} ${path} is refused for the role, not for a missing token`);
    }
    assert.equal((await as('ada', 'GET', '/users')).users.find((u) => u.name === 'rita').role, 'reviewer');
    assert.equal((await as('suki', 'GET', '/settings/overlap')).rate, 0);

    // Settings shows a reviewer their own preferences only.
    await open(page, '#/settings');
    await page.waitForSelector('[data-testid=llm-settings]');
    for (const card of ['overlap-settings', 'rules-settings']) assert.equal(await page.$(`[data-testid=${card}]`), null);

    // And the work itself goes on.
    await open(page, '#/review');
    await page.waitForSelector('[data-item-id]');
    const id = await currentId(page);
    await page.keyboard.press('a');
    await page.waitForFunction((prev) => document.querySelector('[data-item-id]')?.getAttribute('data-item-id') !== prev, id);
    const h = await as('suki', 'GET', `/items/${id}/history`);
    assert.deepEqual(h.decisions.map((d) => [d.verdict, d.reviewer]), [['accepted', 'rita']]);
    // The browser logs the refusals the test asked for; nothing else may go wrong.
    assert.deepEqual(errors.filter((e) => !/status of 403/.test(e)), []);
  } finally {
    await ctx.close();
  }
});

test('a supervisor sets double review, settles the disputes from the keyboard, and reads the audit log', async () => {
  const { ctx, page, errors } = await login('suki');
  try {
    const links = await navLinks(page);
    for (const s of supervisorOnly) assert.ok(links.includes('#/' + s), `${s} is in a supervisor's menu`);
    assert.ok(!links.includes('#/users'), 'the users screen is for admins');
    for (const s of supervisorOnly) {
      await open(page, '#/' + s);
      await page.waitForSelector('main > *');
      assert.equal(await page.$('[data-testid=refused]'), null, `#/${s} opens for a supervisor`);
    }
    await open(page, '#/users');
    await page.waitForSelector('[data-testid=refused]');

    // Every item reviewed twice from now on.
    await open(page, '#/settings');
    const overlap = page.locator('[data-testid=overlap-settings]');
    await overlap.locator('input[type=number]').fill('100');
    await overlap.locator('button:has-text("保存")').click();
    await overlap.locator('[role=status]:has-text("保存しました")').waitFor();
    assert.equal((await as('suki', 'GET', '/settings/overlap')).rate, 1);

    // The rules file: a bad one gets the server's word on what is wrong; a good one is in force for everyone.
    const rulesCard = page.locator('[data-testid=rules-settings]');
    const before = await as('suki', 'GET', '/rules');
    assert.equal(await rulesCard.locator('tbody tr').count(), before.rules.length, 'every rule is listed');
    assert.match(await rulesCard.textContent(), new RegExp(before.rules[0].message.ja.slice(0, 8)), 'with what its hints say');
    const file = JSON.parse(await rulesCard.locator('textarea').inputValue());
    assert.deepEqual(file, before.file, 'the textarea holds the rules file in force');
    file.rules[0].severity = 'extreme';
    await paste(rulesCard.locator('textarea'), JSON.stringify(file, null, 2));
    await rulesCard.locator('button:has-text("ルールを保存")').click();
    await rulesCard.locator('[role=alert]').waitFor();
    const problem = await rulesCard.locator('[role=alert]').textContent();
    assert.match(problem, /severity/, `the server names the field: ${problem}`);
    assert.match(problem, new RegExp(file.rules[0].id), 'and the rule');
    assert.equal((await as('suki', 'GET', '/rules')).version, before.version, 'a refused file changes nothing');
    file.rules[0].severity = 'low';
    file.rules[0].message.ja = 'チーム用に書き直したメッセージです。';
    await paste(rulesCard.locator('textarea'), JSON.stringify(file, null, 2));
    await rulesCard.locator('button:has-text("ルールを保存")').click();
    await rulesCard.locator('[role=status]:has-text("保存しました")').waitFor();
    const after = await as('suki', 'GET', '/rules');
    assert.notEqual(after.version, before.version);
    assert.equal(after.rules[0].message.ja, 'チーム用に書き直したメッセージです。');
    assert.match(await rulesCard.textContent(), /チーム用に書き直したメッセージです。/);
    // The page scrolls inside the app, so a taller window shows all of it.
    await page.setViewportSize({ width: 1360, height: 1700 });
    await page.screenshot({ path: await artifactPath('team-settings.png') });
    await page.setViewportSize({ width: 1360, height: 860 });

    // Two reviewers disagree on two items: rita approves (one with an edit), ren rejects.
    const first = (await as('rita', 'POST', '/queue/next', {})).item;
    const edit = first.summary.replace(/。$/, '') + '。主な取引先は国内の自治体です。';
    await as('rita', 'POST', `/items/${first.id}/decision`, { verdict: 'edited', text: edit, version: first.version, started_at: new Date().toISOString() });
    const second = (await as('rita', 'POST', '/queue/next', {})).item;
    await as('rita', 'POST', `/items/${second.id}/decision`, { verdict: 'accepted', version: second.version, started_at: new Date().toISOString() });
    const disputed = new Set();
    for (let i = 0; i < 2; i++) {
      const it = (await as('ren', 'POST', '/queue/next', {})).item;
      assert.ok([first.id, second.id].includes(it.id), 'the second reviewer gets the items waiting for a second review');
      assert.equal(it.decision, undefined, 'blind: the first review is not shown');
      await as('ren', 'POST', `/items/${it.id}/decision`, {
        verdict: 'rejected', reasons: ['vague'], comment: '具体性がない', version: it.version, started_at: new Date().toISOString(),
      });
      disputed.add(it.id);
    }
    assert.equal(disputed.size, 2);

    await open(page, '#/adjudication');
    await page.waitForSelector('[data-testid=dispute-decisions]');
    assert.equal(await page.locator('.list .entry').count(), 2);
    // The edited one first or second: open it and check both decisions and the edit's diff.
    const entries = await page.$$eval('.list .entry', (els) => els.map((e) => e.textContent));
    const editedAt = entries.findIndex((t) => t.includes('修正して承認'));
    assert.ok(editedAt >= 0, `a dispute with an edit: ${entries}`);
    await page.locator('.list .entry').nth(editedAt).click();
    await page.waitForSelector(`[data-item-id="${first.id}"]`);
    const cards = await page.$$eval('[data-testid=dispute-decisions] [data-reviewer]', (els) =>
      els.map((e) => [e.getAttribute('data-reviewer'), e.getAttribute('data-verdict')]),
    );
    assert.deepEqual(cards.sort(), [['ren', 'rejected'], ['rita', 'edited']]);
    const diff = await page.$eval('[data-reviewer=rita] [data-testid=decision-diff]', (el) => {
      let before = '';
      let after = '';
      for (const n of el.childNodes) {
        if (n.nodeName === 'INS') after += n.textContent;
        else if (n.nodeName === 'DEL') before += n.textContent;
        else if (n.nodeType === 1) (before += n.textContent), (after += n.textContent);
      }
      return { before, after };
    });
    assert.deepEqual(diff, { before: first.summary, after: edit }, 'the edit shows as a diff against the summary');
    assert.match(await page.textContent('[data-reviewer=ren]'), /具体性がない/);
    await page.screenshot({ path: await artifactPath('team-adjudication.png') });

    // A accepts the edited one as the summary stands; R, then Enter, rejects the other with ren's reason.
    await page.keyboard.press('a');
    await page.waitForSelector(`[data-item-id="${second.id}"]`);
    await page.keyboard.press('r');
    await page.waitForSelector('[role=dialog]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=adj-none]');
    for (const [id, verdict, reasons] of [
      [first.id, 'accepted', []],
      [second.id, 'rejected', ['vague']],
    ]) {
      const it = await as('suki', 'GET', '/items/' + id);
      assert.equal(it.status, verdict);
      assert.equal(it.overlap, 4, `${id} is adjudicated`);
      assert.equal(it.decision.reviewer, 'suki');
      assert.deepEqual(it.decision.reasons ?? [], reasons);
    }
    assert.equal((await as('suki', 'GET', '/adjudication')).total, 0);

    // The history of a settled item: both reviews and the settlement, from the review screen (H).
    await open(page, '#/review/' + encodeURIComponent(second.id));
    await page.waitForSelector(`[data-item-id="${second.id}"]`);
    await page.keyboard.press('h');
    await page.waitForSelector('[data-testid=history] [data-reviewer]');
    const history = await page.$$eval('[data-testid=history] [data-reviewer]', (els) =>
      els.map((e) => [e.getAttribute('data-reviewer'), e.getAttribute('data-verdict')]),
    );
    assert.deepEqual(history, [
      ['rita', 'accepted'],
      ['ren', 'rejected'],
      ['suki', 'rejected'],
    ]);
    await page.screenshot({ path: await artifactPath('team-history.png') });
    await page.keyboard.press('Escape');

    // The audit log: newest first, and the whole of it as CSV.
    await open(page, '#/audit');
    await page.waitForSelector('[data-testid=audit] tbody tr');
    const rows = await page.$$eval('[data-testid=audit] tbody tr', (trs) =>
      trs.map((tr) => ({ id: Number(tr.children[0].textContent), actor: tr.children[2].textContent, action: tr.dataset.action })),
    );
    const want = (await as('suki', 'GET', '/audit?limit=100')).entries;
    assert.deepEqual(rows.map((r) => r.id), want.map((e) => e.id), 'the rows are the server’s page, newest first');
    assert.ok(rows.some((r) => r.actor === 'suki' && r.action === 'setting'), 'the overlap change is in the log');
    assert.ok(rows.some((r) => r.actor === 'suki' && r.action === 'decide'), 'the settlements are in the log');
    await page.screenshot({ path: await artifactPath('team-audit.png') });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=audit-csv]')]);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trim().split('\n');
    assert.equal(lines[0], 'id,at,actor,action,target,before,after');
    assert.ok(lines.some((l) => /,suki,setting,overlap,/.test(l)), 'the CSV has the overlap change');
    assert.ok(lines.length - 1 >= want.length, 'the CSV has the whole log');
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), [], 'nothing but the bad rules file went wrong');
  } finally {
    await ctx.close();
  }
});

test('a second reviewer works blind: the item shows no first review, and its history shows none', async () => {
  await as('suki', 'PUT', '/settings/overlap', { rate: 1 });
  const first = (await as('rita', 'POST', '/queue/next', {})).item;
  await as('rita', 'POST', `/items/${first.id}/decision`, { verdict: 'rejected', reasons: ['generic'], version: first.version, started_at: new Date().toISOString() });
  const { ctx, page, errors } = await login('ren');
  try {
    await page.waitForSelector(`[data-item-id="${first.id}"]`);
    assert.equal(await page.$('.revisit'), null, 'no “decided by” banner');
    assert.match(await page.textContent('.facts .status'), /未レビュー/);
    await page.keyboard.press('h');
    await page.waitForSelector('[data-testid=history-empty]');
    assert.doesNotMatch(await page.textContent('[role=dialog]'), /rita/);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[role=dialog]', { state: 'detached' });
    await page.keyboard.press('a');
    await page.waitForFunction((prev) => document.querySelector('[data-item-id]')?.getAttribute('data-item-id') !== prev, first.id);
    const it = await as('suki', 'GET', '/items/' + first.id);
    assert.equal(it.status, 'disputed', 'accepted after a rejection: a dispute');
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    await as('suki', 'PUT', '/settings/overlap', { rate: 0 });
  }
});

test('an admin adds an account, changes its role, disables it and resets its password', async () => {
  const { ctx, page, errors } = await login('ada');
  try {
    assert.ok((await navLinks(page)).includes('#/users'));
    await open(page, '#/users');
    await page.waitForSelector('[data-testid=users] tr[data-user=ada]');
    assert.equal(await page.isDisabled('tr[data-user=ada] select'), true, 'an admin cannot change their own role here');

    const form = page.locator('form:has(#add-title)');
    await form.locator('input[type=text]').fill('newbie');
    await form.locator('select').selectOption('reviewer');
    await form.locator('input[type=password]').fill('short');
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('.error[role=alert]');
    assert.match(await page.textContent('.error[role=alert]'), /10/, 'the server’s word on a short password');
    await form.locator('input[type=password]').fill('newbie first password');
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('tr[data-user=newbie]');
    let users = (await as('ada', 'GET', '/users')).users;
    assert.deepEqual(
      users.find((u) => u.name === 'newbie'),
      { ...users.find((u) => u.name === 'newbie'), role: 'reviewer', disabled: false },
    );

    await page.selectOption('tr[data-user=newbie] select', 'supervisor');
    await page.waitForSelector('[role=status]:has-text("newbie")');
    await page.click('tr[data-user=newbie] button:has-text("無効にする")');
    await page.waitForSelector('tr[data-user=newbie] button:has-text("有効にする")');
    users = (await as('ada', 'GET', '/users')).users;
    assert.deepEqual(
      [users.find((u) => u.name === 'newbie').role, users.find((u) => u.name === 'newbie').disabled],
      ['supervisor', true],
    );
    const loginAs = (user, password) =>
      fetch(srv.base + '/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user, password }) });
    assert.equal((await loginAs('newbie', 'newbie first password')).status, 401, 'a disabled account cannot log in');

    await page.click('tr[data-user=newbie] button:has-text("有効にする")');
    await page.waitForSelector('tr[data-user=newbie] button:has-text("無効にする")');
    await page.click('tr[data-user=newbie] button:has-text("パスワード再設定")');
    await page.fill('tr[data-user=newbie] input[type=password]', 'newbie second password');
    await page.click('tr[data-user=newbie] button:has-text("設定")');
    await page.waitForSelector('[role=status]:has-text("パスワード")');
    assert.equal((await loginAs('newbie', 'newbie first password')).status, 401, 'the old password is gone');
    const ok = await loginAs('newbie', 'newbie second password');
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).role, 'supervisor');
    await page.screenshot({ path: await artifactPath('team-users.png') });
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), [], 'nothing but the short password went wrong');
  } finally {
    await ctx.close();
  }
});

test('rules loaded from a file (--rules) are shown but cannot be edited in the UI', async () => {
  const rulesFile = join(data.dir, 'rules.json');
  await writeFile(rulesFile, JSON.stringify((await as('suki', 'GET', '/rules')).file));
  const solo = await demoDB(5);
  const fixed = await serve(solo.db, { args: ['--rules', rulesFile] });
  const ctx = await chrome.newContext({ locale: 'ja-JP', viewport: { width: 1360, height: 860 } });
  const page = await ctx.newPage();
  try {
    await page.goto(fixed.base + '/#/settings');
    const card = page.locator('[data-testid=rules-settings]');
    await card.locator('textarea').waitFor();
    assert.match(await card.textContent(), /--rules/);
    assert.equal(await card.locator('textarea').getAttribute('readonly'), '');
    assert.equal(await card.locator('button:has-text("ルールを保存")').isDisabled(), true);
  } finally {
    await ctx.close();
    await fixed.stop();
    await solo.cleanup();
  }
});
