// Shared by the end-to-end test and the benchmark: a reviewdesk server on a free port with a temporary database,
// and Debian's Chromium driven by playwright-core (no browser download).
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const artifacts = join(here, 'artifacts');
export const bin = resolve(here, process.env.REVIEWDESK_BIN ?? '../build/bin/reviewdesk');
const run = promisify(execFile);

export async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** A temporary directory with a demo database of n items, none reviewed. */
export async function demoDB(items, extra = []) {
  const dir = await mkdtemp(join(tmpdir(), 'reviewdesk-e2e-'));
  const db = join(dir, 'review.db');
  await run(bin, ['demo', '--db', db, '--items', String(items), '--reviewed', '0', ...extra], {
    maxBuffer: 16 << 20,
  });
  return { dir, db, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs a reviewdesk command, with input on its standard input, and returns its standard output. */
export async function cli(args, input = '') {
  const proc = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (b) => (out += b));
  proc.stderr.on('data', (b) => (err += b));
  proc.stdin.end(input);
  const code = await new Promise((res) => proc.on('exit', res));
  if (code !== 0) throw new Error(`reviewdesk ${args.join(' ')} exited with ${code}: ${err}`);
  return out;
}

/**
 * Starts `reviewdesk serve` and resolves once GET /api/health answers. started is the wall-clock time just before the
 * process was spawned, for the first-screen measurement.
 */
export async function serve(db, { user = 'e2e', timeoutMs = 20000, args = [], env = {} } = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  const proc = spawn(bin, ['serve', '--db', db, '--addr', `127.0.0.1:${port}`, '--user', user, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let log = '';
  proc.stderr.on('data', (b) => (log += b));
  const exited = new Promise((res) => proc.on('exit', (code) => res(code)));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`reviewdesk serve exited with ${proc.exitCode}:\n${log}`);
    try {
      const r = await fetch(base + '/api/health');
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`reviewdesk serve did not answer within ${timeoutMs} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    base,
    started,
    log: () => log,
    /** JSON API calls as the same solo user, with the CSRF token the server hands out. */
    async api(method, path, body) {
      const me = await (await fetch(base + '/api/me')).json();
      const r = await fetch(base + '/api' + path, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const data = await r.json();
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(data)}`);
      return data;
    },
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

export async function browser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function artifactPath(name) {
  await mkdir(artifacts, { recursive: true });
  return join(artifacts, name);
}
