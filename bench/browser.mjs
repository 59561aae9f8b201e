// Browser benchmarks, in the same headless Chromium the tests use, against the
// real server (bin/klplay). Figures only: nothing here passes or fails on time.
// Writes bench/results.json and prints a table; medians over repeated runs.
//
//   make bench        (builds first)
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { launch, ready, root, startServer } from '../e2e/harness.mjs';

const RUNS = Number(process.env.RUNS ?? 9);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

const server = await startServer();
const browser = await launch();
const results = { date: new Date().toISOString(), runs: RUNS, chromium: browser.version() };

try {
  // Cold first load: a fresh context (empty cache) each run.
  const bytes = [], tti = [];
  for (let i = 0; i < RUNS; i++) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    let transferred = 0;
    cdp.on('Network.loadingFinished', (e) => { transferred += e.encodedDataLength; });
    await page.goto(server.url);
    await ready(page);
    tti.push(await page.evaluate(() => performance.getEntriesByName('klplay:ready')[0]?.startTime ?? NaN));
    await page.waitForLoadState('networkidle');
    bytes.push(transferred);
    await ctx.close();
  }
  results.firstLoadBytes = median(bytes);
  results.timeToInteractiveMs = median(tti);

  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(server.url);
  await ready(page);

  // Script time per interaction in the Divergence lab: input → Go → charts, as the
  // lab measures it (performance.measure 'klplay:frame'), over many keyboard edits.
  const slider = page.locator('main input[type=range], main [role=slider]').first();
  await slider.focus();
  const before = await page.evaluate(() => ({ calls: klplay.stats.calls, frames: performance.getEntriesByName('klplay:frame').length }));
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press(i % 20 < 10 ? 'ArrowRight' : 'ArrowLeft');
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }
  const after = await page.evaluate(() => ({
    calls: klplay.stats.calls,
    frames: performance.getEntriesByName('klplay:frame').map((m) => m.duration),
  }));
  const frames = after.frames.slice(before.frames);
  results.divergence = {
    interactions: frames.length,
    scriptMsMedian: median(frames),
    scriptMsP95: pct(frames, 0.95),
    goCallsPerUpdate: (after.calls - before.calls) / Math.max(1, frames.length),
  };

  // KL at n = 10⁶: Go in wasm (one call, Float64Arrays copied in) against a plain
  // JavaScript loop over the same arrays, alternated in one page.
  results.kl1e6 = await page.evaluate((runs) => {
    const n = 1e6, p = new Float64Array(n), q = new Float64Array(n);
    let sp = 0, sq = 0;
    for (let i = 0; i < n; i++) { p[i] = 1 + Math.sin(i); q[i] = 1 + Math.cos(i); sp += p[i]; sq += q[i]; }
    for (let i = 0; i < n; i++) { p[i] /= sp; q[i] /= sq; }
    const jsKL = (p, q) => {
      let s = 0;
      for (let i = 0; i < p.length; i++) { const x = p[i]; if (x > 0) s += x * Math.log(x / q[i]); }
      return s;
    };
    const go = [], js = [];
    let vGo = 0, vJs = 0;
    for (let r = 0; r < runs; r++) {
      let t = performance.now(); vGo = klplay.kl(p, q); go.push(performance.now() - t);
      t = performance.now(); vJs = jsKL(p, q); js.push(performance.now() - t);
    }
    const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return { goMs: med(go), jsMs: med(js), ratio: med(go) / med(js), goValue: vGo, jsValue: vJs };
  }, Math.max(RUNS, 11));
  await ctx.close();
} finally {
  await browser.close();
  await server.stop();
}

await writeFile(path.join(root, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
const d = results.divergence;
console.log(`first load, compressed bytes: ${(results.firstLoadBytes / 1024).toFixed(0)} KiB (budget 800 KB)
time to interactive:          ${results.timeToInteractiveMs.toFixed(0)} ms (budget 400 ms)
divergence lab, per edit:     median ${d.scriptMsMedian.toFixed(2)} ms, p95 ${d.scriptMsP95.toFixed(2)} ms (budget 4 ms), ${d.goCallsPerUpdate.toFixed(2)} Go calls per update
KL at n=1e6:                  Go/wasm ${results.kl1e6.goMs.toFixed(1)} ms, JS ${results.kl1e6.jsMs.toFixed(1)} ms, ratio ${results.kl1e6.ratio.toFixed(2)}×`);
