// Offline use: after one visit the service worker has precached the build, so a
// reload with the network off still shows a working lab; a new build installs
// beside the old, is offered (not forced), and replaces the old cache cleanly.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fixture, ready, root, startServer, watchErrors } from '../harness.mjs';

// The run's browser; the servers are this file's own, on a copy of dist/ that a test rebuilds.
const { browser } = await fixture();
const site = await mkdtemp(path.join(tmpdir(), 'klplay-site-'));
after(() => rm(site, { recursive: true, force: true }));
await cp(path.join(root, 'dist'), site, { recursive: true });

const klShown = (page) => page.locator('.readouts output[data-readout="kl"]').first().getAttribute('data-value');

test('after one visit the playground opens and computes with the network off', async () => {
  const server = await startServer(['-dir', site]);
  const ctx = await browser.newContext();
  // The wasm's bytes over the network, once for the page and once for the worker's precache.
  const wasm = { page: null, worker: null };
  const precached = new Promise((resolve) => {
    ctx.on('requestfinished', async (r) => {
      if (!r.url().endsWith('/klplay.wasm')) return;
      const { responseBodySize } = await r.sizes();
      if (r.serviceWorker()) { wasm.worker = responseBodySize; resolve(); } else wasm.page = responseBodySize;
    });
  });
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(`${server.url}#lab=divergence&p=1,0&q=0.9,0.1&unit=bits`);
    await ready(page);
    await page.evaluate(() => navigator.serviceWorker.ready);
    // The precache revalidates what the page has just fetched: the wasm crosses the network once.
    await precached;
    assert.ok(wasm.page > 100_000, `the page fetched the wasm (${wasm.page} bytes)`);
    assert.equal(wasm.worker, 0, 'the service worker took the wasm from the HTTP cache, not the network');
    await ctx.setOffline(true);
    await page.reload();
    await ready(page);
    const v = await page.evaluate(() => klplay.kl([1, 0], [0.9, 0.1], { base: 2 }));
    assert.ok(Math.abs(v - 0.15200309344504995) < 1e-15, `kl = ${v}`);
    const shown = Number(await klShown(page));
    assert.ok(Math.abs(shown - 0.15200309344504995) < 1e-12, `the page shows ${shown}`);
    // The server is gone too: everything comes from the cache.
    await server.stop();
    await page.reload();
    await ready(page);
    assert.deepEqual(errors.filter((e) => !/net::ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(e)), []);
  } finally {
    await ctx.close();
    await server.stop().catch(() => {});
  }
});

test('a new build is offered, and replaces the old cache when accepted', async () => {
  const first = await startServer(['-dir', site]);
  const addr = new URL(first.url).host;
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  try {
    await page.goto(first.url);
    await ready(page);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const oldCaches = await page.evaluate(() => caches.keys());
    assert.equal(oldCaches.length, 1);

    // A new build: a changed file and, as web/build.mjs would write it, a new version.
    await first.stop();
    const css = path.join(site, 'style.css');
    await writeFile(css, `${await readFile(css, 'utf8')}\n/* next build */\n`);
    const swPath = path.join(site, 'sw.js');
    const sw = await readFile(swPath, 'utf8');
    await writeFile(swPath, sw.replace(/"version":"([0-9a-f]+)"/, '"version":"$1next"'));
    const second = await startServer(['-dir', site, '-addr', addr]);
    try {
      await page.reload();
      await ready(page);
      const update = page.locator('[data-action="update"]');
      // The new worker precaches the whole build (the wasm is 4 MB) before it is offered.
      await update.waitFor({ timeout: 60_000 });
      // Offered, not forced: the old worker still controls the page.
      assert.deepEqual(await page.evaluate(() => caches.keys()).then((k) => k.includes(oldCaches[0])), true);
      await Promise.all([page.waitForEvent('load'), update.click()]);
      await ready(page);
      await page.waitForFunction((old) => caches.keys().then((k) => k.length === 1 && k[0] !== old), oldCaches[0], { timeout: 30_000 });
      const css2 = await page.evaluate(() => fetch('./style.css').then((r) => r.text()));
      assert.match(css2, /next build/);
    } finally {
      await second.stop();
    }
  } finally {
    await ctx.close();
  }
});
