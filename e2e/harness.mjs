// Shared set-up for the browser tests and benchmarks: the real server (bin/klplay,
// serving the embedded build) on a free loopback port, and Debian's Chromium
// driven by playwright-core. Nothing here downloads a browser.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Starts bin/klplay on 127.0.0.1 with a free port; resolves to {url, stop}. */
export async function startServer(args = []) {
  const proc = spawn(path.join(root, 'bin', 'klplay'), ['-addr', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('klplay did not start within 10 s')), 10_000);
    proc.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/http:\/\/\S+\//);
      if (m) { clearTimeout(timer); resolve(m[0]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`klplay exited with ${code}`)); });
  });
  const exited = new Promise((r) => proc.once('exit', r));
  return { url, stop: () => { proc.kill(); return exited; } };
}

// Local Network Access checks are off because the test server is on loopback:
// Chromium refuses requests to 127.0.0.1 from a document it does not count as
// local (a test page answered by route.fulfill, an opaque-origin frame in it).
// Production sites are not on a local address, so nothing real is hidden.
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--disable-features=LocalNetworkAccessChecks'];

/** Launches headless Chromium from $CHROMIUM (default /usr/bin/chromium). */
export async function launch() {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  return chromium.launch({ executablePath, headless: true, args: chromiumArgs });
}

/**
 * Launches headless Chromium on a profile directory (see profileDir) and resolves
 * to its BrowserContext: close it and launch again on the same directory to
 * test what survives a browser restart.
 */
export async function launchPersistent(dir) {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  return chromium.launchPersistentContext(dir, { executablePath, headless: true, args: chromiumArgs });
}

/** A fresh profile directory, for tests that need storage to survive a browser restart. */
export async function profileDir() {
  const dir = await mkdtemp(path.join(tmpdir(), 'klplay-profile-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Collects console errors and page errors; assert it is empty at the end of a test. */
export function watchErrors(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

/** Waits until the page's lab has drawn its numbers (data-ready on <body>). */
export async function ready(page) {
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 15_000 });
}

/** The state the URL hash holds, once it has stopped changing (the shell writes it 250 ms after a frame). */
export async function hashState(page) {
  let last = null;
  for (;;) {
    await page.waitForTimeout(400);
    const now = await page.evaluate(() => location.hash);
    if (now === last) break;
    last = now;
  }
  return page.evaluate(() => Object.fromEntries(location.hash.slice(1).split('&').map((kv) => kv.split('=').map(decodeURIComponent))));
}
