// Shared set-up for the browser tests and benchmarks: the real server (bin/klplay,
// serving the embedded build) on a free loopback port, and Debian's Chromium
// driven by playwright-core. Nothing here downloads a browser.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { after, afterEach } from 'node:test';
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

const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

/** Launches headless Chromium from $CHROMIUM (default /usr/bin/chromium). */
export async function launch() {
  return chromium.launch({ executablePath, headless: true, args: chromiumArgs });
}

/** Launches headless Chromium for other processes to connect to (see e2e/run.mjs). */
export async function launchServer() {
  return chromium.launchServer({ executablePath, headless: true, args: chromiumArgs });
}

/**
 * The server and browser of a test file: the ones e2e/run.mjs started for the
 * whole run (named by KLPLAY_URL and KLPLAY_BROWSER), or, for a file run on its
 * own, its own. Let go after the file's last test; disconnecting closes every
 * context the file opened, so nothing it leaves behind reaches the next file.
 */
export async function fixture() {
  afterEach(settle);
  if (process.env.KLPLAY_URL) {
    const browser = await chromium.connect(process.env.KLPLAY_BROWSER);
    after(() => browser.close());
    return { server: { url: process.env.KLPLAY_URL }, browser };
  }
  const server = await startServer();
  after(() => server.stop());
  const browser = await launch();
  after(() => browser.close());
  return { server, browser };
}

/**
 * Launches headless Chromium on a profile directory (see profileDir) and resolves
 * to its BrowserContext: close it and launch again on the same directory to
 * test what survives a browser restart.
 */
export async function launchPersistent(dir) {
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

// What the running test opened through watched(): checked and closed after it.
const opened = [];

/**
 * Watches page for errors (see watchErrors) until the running test ends; then it
 * must have logged none, and `owner` (the page, or the context made for it) is
 * closed, whether the test passed or not. Needs fixture(), which checks after each test.
 */
export function watched(page, owner = page) {
  const errors = watchErrors(page);
  opened.push({ errors, owner });
  return errors;
}

async function settle() {
  const done = opened.splice(0);
  for (const owner of new Set(done.map((o) => o.owner))) await owner.close();
  for (const { errors } of done) assert.deepEqual(errors, []);
}

/** The bytes of a finished download (download.path() is not there over a connection to another process's browser). */
export async function downloaded(download) {
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Waits until the page's lab has drawn its numbers (data-ready on <body>). */
export async function ready(page) {
  await page.waitForFunction(() => document.body?.dataset.ready === 'true', null, { timeout: 15_000 });
}

/**
 * Resolves once the page has drawn every state set before the call: the shell
 * draws in the animation frame it asked for, and a frame callback asked for now
 * runs after it.
 */
export async function drawn(page) {
  await page.evaluate(() => new Promise((resolve) => { requestAnimationFrame(() => resolve()); }));
}

// What a lab draws after its first frame, in a task of its own: the MI lab traces
// its bottleneck curve, the Continuous lab runs its Monte Carlo check.
const drawnLater = {
  'mutual-information': () => document.querySelector('.ib-curve[data-ixt]') !== null,
  continuous: () => !document.querySelector('.check').classList.contains('is-stale'),
};

/** Waits until the page shows lab `id` with all it draws, the parts drawn after its first frame too. */
export async function labDrawn(page, id) {
  await page.waitForFunction((lab) => document.querySelector(`section.lab-${lab}`) !== null, id);
  await drawn(page);
  if (drawnLater[id]) await page.waitForFunction(drawnLater[id]);
}

/** Waits until the URL hash holds the state of the last frame drawn (the shell marks data-hash-written when it writes it). */
export async function hashSettled(page) {
  await drawn(page);
  await page.waitForFunction(() => { const d = document.body?.dataset ?? {}; return d.frame !== undefined && d.hashWritten === d.frame; });
  return page.evaluate(() => location.hash);
}

/** The state the URL hash holds once it has caught up with the view, as {key: value}. */
export async function hashState(page) {
  const hash = await hashSettled(page);
  return Object.fromEntries(hash.slice(1).split('&').map((kv) => kv.split('=').map(decodeURIComponent)));
}

/** A phone-sized viewport, for the small-screen layout tests. */
export const PHONE = { viewport: { width: 375, height: 800 } };

/**
 * The open(hash, options) of a lab's test file: a new page of `browser` (options
 * as for browser.newPage, 1280×900 unless a viewport is given) at url + hash,
 * once its lab is ready; resolves to {page, errors}. The page is watched (see
 * watched): the test fails if it logs an error, and it is closed after the test.
 */
export function opener(browser, url, defaultHash = '') {
  return async (hash = defaultHash, options = {}) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, ...options });
    const errors = watched(page);
    await page.goto(url + hash);
    await ready(page);
    return { page, errors };
  };
}

/** Every readout's exact value (data-value) under the selector `outputs`, by its data-readout key. */
export function readoutValues(page, outputs) {
  return page.evaluate((sel) => Object.fromEntries([...document.querySelectorAll(sel)].map((o) => [o.dataset.readout, Number(o.dataset.value)])), outputs);
}

/** The readouts named by `keys` (in the element `scope`) as exact numbers; NaN for one the page does not show. */
export function readoutsOf(page, keys, scope = '.readouts') {
  return page.evaluate(([keys, scope]) => Object.fromEntries(keys.map((k) => [k, Number(document.querySelector(`${scope} output[data-readout="${k}"]`)?.dataset.value)])), [keys, scope]);
}

/**
 * Each waterfall value (lib/waterfall.js) drawn inside its bar under `scope`,
 * as {text, ratio}: the WCAG contrast ratio of its fill against what is behind
 * it, the bar's solid fill, or for a patterned bar the halo it is drawn with.
 */
export function insideValueContrast(page, scope) {
  return page.evaluate((scope) => {
    const rgb = (c) => c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
    const lum = (c) => {
      const [r, g, b] = rgb(c).map((v) => { const s = v / 255; return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a, b) => { const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x); return (hi + 0.05) / (lo + 0.05); };
    const svg = document.querySelector(scope);
    const rects = [...svg.querySelectorAll('rect.wf')];
    return [...svg.querySelectorAll('text.bar-value')].map((t, i) => [t, rects[i]]).filter(([t]) => t.classList.contains('inside')).map(([t, r]) => {
      const ts = getComputedStyle(t);
      const behind = getComputedStyle(r).fill.startsWith('rgb') ? getComputedStyle(r).fill : ts.stroke;
      return { text: t.textContent, ratio: ratio(ts.fill, behind) };
    });
  }, scope);
}
