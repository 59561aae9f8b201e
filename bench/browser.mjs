// Browser benchmarks, in the same headless Chromium the tests use, against the
// real server (bin/klplay). Figures only: nothing here passes or fails on time.
// Writes bench/results.json and prints a table; medians over repeated runs.
//
//   make bench        (builds first)
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { launch, ready, root, startServer } from '../e2e/harness.mjs';

const RUNS = Number(process.env.RUNS ?? 9);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

const server = await startServer();
const floorServer = await startServer(['-dir', path.join(root, 'bench', 'floor', 'dist')]);
const browser = await launch();
const results = { date: new Date().toISOString(), runs: RUNS, chromium: browser.version() };

try {
  // Loads, cold (a fresh context: empty cache, no service worker) and warm (a
  // second visit in the same context), of the playground's first lab, of its
  // default link (the start view, painted from the HTML the build wrote, with
  // Go's numbers, before any script runs: drawnMs, its first paint) and of the
  // floor (bench/floor: Go's runtime and one KL, same Go, flags, server and
  // compression), alternated run by run so that all see the same machine.
  const load = async (ctx, url, worker) => {
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    let transferred = 0;
    cdp.on('Network.loadingFinished', (e) => { transferred += e.encodedDataLength; });
    await page.goto(url);
    await ready(page);
    const readyMs = await page.evaluate(() => performance.getEntriesByName('klplay:ready')[0]?.startTime ?? NaN);
    // The first paint. On the default link it is the start view the build wrote
    // into index.html, numbers included (web/first-paint.js shows nothing else there).
    const drawnMs = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
    await page.waitForLoadState('networkidle');
    // The playground's service worker holds the build once it is ready (the floor has none).
    if (worker) await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.close();
    return { bytes: transferred, readyMs, drawnMs };
  };
  const sample = { site: { cold: [], warm: [] }, home: { cold: [], warm: [] }, floor: { cold: [], warm: [] } };
  // The first lab, as before there was a start view: the figure is comparable across builds.
  const urls = { site: `${server.url}#lab=divergence`, home: server.url, floor: floorServer.url };
  for (let i = 0; i < RUNS; i++) {
    for (const which of ['site', 'home', 'floor']) {
      const ctx = await browser.newContext();
      sample[which].cold.push(await load(ctx, urls[which], which !== 'floor'));
      sample[which].warm.push(await load(ctx, urls[which], false));
      await ctx.close();
    }
  }
  const summary = (xs) => ({ bytes: median(xs.map((x) => x.bytes)), readyMs: median(xs.map((x) => x.readyMs)), drawnMs: median(xs.map((x) => x.drawnMs)) });
  results.loads = {};
  for (const which of ['site', 'home', 'floor']) results.loads[which] = { cold: summary(sample[which].cold), warm: summary(sample[which].warm) };
  const L = results.loads;
  results.loadRatios = {
    coldBytes: L.site.cold.bytes / L.floor.cold.bytes,
    coldReady: L.site.cold.readyMs / L.floor.cold.readyMs,
    warmReady: L.site.warm.readyMs / L.floor.warm.readyMs,
    homeColdDrawn: L.home.cold.drawnMs / L.floor.cold.readyMs,
    homeColdReady: L.home.cold.readyMs / L.floor.cold.readyMs,
    homeWarmDrawn: L.home.warm.drawnMs / L.floor.warm.readyMs,
  };
  results.firstLoadBytes = L.site.cold.bytes;
  results.timeToInteractiveMs = L.site.cold.readyMs;

  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(server.url);
  await ready(page);

  // Edits, as the reader makes them: keyboard steps on a lab's main control (its
  // first slider; the VAE's β, since its first, n, draws new data and a new model).
  // Each edit's frame is timed in the page: a capture listener's animation frame
  // callback runs in the first frame after the input, as the lab's draw does (the
  // same input scheduled it), and a message posted from it arrives when that
  // frame's main-thread work (script, style, layout, paint) is done; raster and
  // compositing come after and are not in it. An edit's main thread is done within
  // the frame when the lab drew in that first frame and its work took at most one
  // 16.7 ms frame. The presentation is the Event Timing API's input to next paint,
  // in 8 ms steps from 16 ms: beside each lab's, a control page's, a slider whose
  // frame writes one number, with no script and with the 4 ms of script the targets
  // allow an edit; an edit presented as soon as that 4 ms control's median is
  // presented in the next frame as far as this measure can tell. Pointer drags
  // cannot be timed so: the API leaves out continuous events (pointermove).
  const MAIN = { vae: '[data-field="beta"] input[type=range]' };
  const watchEdits = (page) => page.evaluate(() => {
    window.__edits = [];
    window.__keydowns = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) if (e.name === 'keydown') window.__keydowns.push(e.duration); })
      .observe({ type: 'event', durationThreshold: 16 });
    addEventListener('keydown', (e) => requestAnimationFrame((start) => {
      const c = new MessageChannel();
      c.port1.onmessage = () => {
        const drew = performance.getEntriesByName('klplay:frame').at(-1);
        const now = performance.now();
        window.__edits.push({ frameMs: now - start, inputMs: now - e.timeStamp, drewInIt: !!drew && drew.startTime >= start });
      };
      c.port2.postMessage(0);
    }), true);
  });
  // presentedBy: the control's Event Timing median, for the share of edits presented as soon.
  const timeEdits = async (page, control, presentedBy = null, n = 40) => {
    await control.focus();
    const [e0, k0, f0] = await page.evaluate(() => [window.__edits.length, window.__keydowns.length, performance.getEntriesByName('klplay:frame').length]);
    const c0 = await page.evaluate(() => globalThis.klplay?.stats.calls ?? 0);
    for (let i = 0; i < n; i++) {
      await page.keyboard.press(i % 20 < 10 ? 'ArrowRight' : 'ArrowLeft');
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    }
    await page.waitForTimeout(200); // the observer hears of an event after its next paint
    const { edits, keydowns, frames, calls } = await page.evaluate(([e0, k0, f0]) => ({
      edits: window.__edits.slice(e0), keydowns: window.__keydowns.slice(k0),
      frames: performance.getEntriesByName('klplay:frame').slice(f0).map((m) => m.duration), calls: globalThis.klplay?.stats.calls ?? 0,
    }), [e0, k0, f0]);
    const frameMs = edits.map((e) => e.frameMs);
    // Entries under 16 ms are not reported: they count as 16.
    const eventTimings = [...keydowns, ...Array(Math.max(0, n - keydowns.length)).fill(16)];
    return {
      updates: frames.length, medianMs: median(frames), p95Ms: pct(frames, 0.95), goCallsPerUpdate: (calls - c0) / Math.max(1, frames.length),
      frameMedianMs: median(frameMs), frameP95Ms: pct(frameMs, 0.95), inputToDoneMedianMs: median(edits.map((e) => e.inputMs)),
      mainThreadInFrame: edits.filter((e) => e.drewInIt && e.frameMs <= 1000 / 60).length / Math.max(1, edits.length),
      eventTimingMedianMs: median(eventTimings),
      ...(presentedBy === null ? {} : { presentedWithControl: eventTimings.filter((d) => d <= presentedBy).length / n }),
    };
  };

  // The control (see above).
  {
    const cctx = await browser.newContext();
    const cpage = await cctx.newPage();
    await cpage.setContent('<input type=range><output></output><script>window.work = 0; const r = document.querySelector("input"), o = document.querySelector("output"); r.oninput = () => requestAnimationFrame(() => { const t = performance.now(); while (performance.now() - t < window.work); o.textContent = r.value; performance.measure("klplay:frame", { start: t }); });</script>');
    await watchEdits(cpage);
    results.editControl = {};
    for (const work of [0, 4]) {
      await cpage.evaluate((w) => { window.work = w; }, work);
      results.editControl[`${work}ms`] = await timeEdits(cpage, cpage.locator('input'));
    }
    await cctx.close();
  }

  await watchEdits(page);
  const labIds = await page.$$eval('nav a[data-lab]', (as) => as.map((a) => a.dataset.lab));
  results.labs = {};
  const frameCount = () => page.evaluate(() => performance.getEntriesByName('klplay:frame').length);
  const framesSince = (n) => page.evaluate((n) => performance.getEntriesByName('klplay:frame').slice(n).map((m) => m.duration), n);
  for (const id of labIds) {
    await page.evaluate((id) => { location.hash = `lab=${id}`; }, id);
    await page.waitForFunction((id) => document.querySelector(`nav a[data-lab="${id}"]`)?.getAttribute('aria-current') === 'page', id);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const r = {};
    const control = page.locator(MAIN[id] ?? 'main input[type=range], main [role=slider]').first();
    if (await control.count()) r.interaction = await timeEdits(page, control, results.editControl['4ms'].eventTimingMedianMs);
    // Every Play of the lab (a lab may animate more than one thing: the Cross-entropy
    // lab's fit of its points, the MI lab's critics), two seconds each; the start
    // view's thumbnail plays by itself.
    const plays = await page.locator('main [data-action="play"], main [data-action="fit-play"]').all();
    for (const [k, play] of plays.entries()) {
      if (!(await play.isVisible())) continue;
      await play.scrollIntoViewIfNeeded();
      const n0 = await frameCount();
      await play.click();
      await page.waitForTimeout(2000);
      await play.click();
      const frames = await framesSince(n0);
      const section = await play.evaluate((b) => b.closest('section.card, figure.card, .card')?.querySelector('h2, h3')?.textContent.trim() ?? '');
      const a = { frames: frames.length, medianMs: median(frames), p95Ms: pct(frames, 0.95), section };
      if (k === 0) r.animation = a;
      else (r.more ??= []).push(a);
    }
    if (id === 'start') {
      const n0 = await frameCount();
      await page.waitForTimeout(2000);
      const frames = await framesSince(n0);
      r.animation = { frames: frames.length, medianMs: median(frames), p95Ms: pct(frames, 0.95) };
    }
    results.labs[id] = r;
  }

  // The Mutual information lab's β sweep (its own call into Go, behind a button):
  // its script time as the lab measures it (performance measure 'klplay:sweep'),
  // 81 values of β with |T| = 4 on the default 4 × 4 table.
  if (labIds.includes('mutual-information')) {
    await page.evaluate(() => { location.hash = 'lab=mutual-information&clusters=4'; });
    const sweep = page.locator('.lab-mutual-information [data-action="sweep"]');
    await sweep.waitFor();
    const n0 = await page.evaluate(() => performance.getEntriesByName('klplay:sweep').length);
    for (let i = 0; i < RUNS; i++) {
      await sweep.click();
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    }
    const ms = await page.evaluate((n) => performance.getEntriesByName('klplay:sweep').slice(n).map((m) => m.duration), n0);
    results.bottleneckSweep = { sweeps: ms.length, betas: 81, clusters: 4, medianMs: median(ms), p95Ms: pct(ms, 0.95) };
  }

  // The VAE lab's training: one epoch on 1000 points (20 minibatches of 50, the
  // default MLP with a 2-D latent, K = 1, Adam, and the epoch's trace point),
  // one klplay.vaeLab call each, on a model slot of its own.
  if (labIds.includes('vae')) {
    results.vaeEpoch1000 = await page.evaluate((runs) => {
      const st = { data: 'moons', n: 1000, noise: 0.08, seed: 1, latent: 2, arch: 'mlp', samples: 1, beta: 1, optimizer: 'adam', lr: 0.01 };
      klplay.vaeLab(st, { slot: 'bench', reset: true, epochs: 1 });
      const ms = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        klplay.vaeLab(st, { slot: 'bench', epochs: 1, show: 0 });
        ms.push(performance.now() - t);
      }
      ms.sort((a, b) => a - b);
      return { points: 1000, epochs: ms.length, medianMs: ms[Math.floor(ms.length / 2)], p95Ms: ms[Math.min(ms.length - 1, Math.floor(0.95 * ms.length))] };
    }, Math.max(RUNS, 21));
  }

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

  // Sessions on IndexedDB, through klplay.sessions as the page's panel uses it, in a
  // fresh context: save and get of one session, then list with 1000 stored (filled
  // by one import), warm and after a reload (nothing cached).
  const sctx = await browser.newContext();
  const spage = await sctx.newPage();
  await spage.goto(server.url);
  await ready(spage);
  const timeSessions = (runs) => spage.evaluate(async (runs) => {
    const S = klplay.sessions;
    const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const state = { p: [0.05, 0.15, 0.35, 0.3, 0.1, 0.05], q: [0.1, 0.3, 0.3, 0.15, 0.1, 0.05], unit: 'nats', names: [] };
    const save = [], get = [];
    let last;
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      last = await S.save({ name: `bench ${i}`, lab: 'divergence', state, notes: 'n'.repeat(200) });
      save.push(performance.now() - t);
      t = performance.now();
      await S.get(last.id);
      get.push(performance.now() - t);
    }
    const file = JSON.parse(await S.exportOne(last.id));
    const one = file.sessions[0];
    const have = (await S.list()).length;
    file.sessions = Array.from({ length: 1000 - have }, (_, i) => ({ ...one, id: `bench-${i}`, name: `imported ${i}` }));
    await S.importAll(JSON.stringify(file));
    const list = [];
    let n = 0;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      n = (await S.list()).length;
      list.push(performance.now() - t);
    }
    return { saveMs: med(save), getMs: med(get), list1000Ms: med(list), listed: n };
  }, runs);
  results.sessions = await timeSessions(RUNS);
  await spage.reload();
  await ready(spage);
  results.sessions.list1000ColdMs = await spage.evaluate(async () => {
    const t = performance.now();
    await klplay.sessions.list();
    return performance.now() - t;
  });
  await sctx.close();

  // Memory of five figure embeds on one post (another origin, as a blog is): the
  // resident memory of every renderer process (Linux /proc) with the post and its
  // five frames drawn, less the same post without them.
  const figures = (await import('../web/figures.js')).figures;
  const embedLabs = ['divergence', 'fit', 'gan', 'elbo', 'mutual-information'];
  const browserCDP = await browser.newBrowserCDPSession();
  const rendererKiB = async () => {
    const { processInfo } = await browserCDP.send('SystemInfo.getProcessInfo');
    let kib = 0;
    for (const p of processInfo.filter((x) => x.type === 'renderer')) {
      const status = await readFile(`/proc/${p.id}/status`, 'utf8').catch(() => '');
      kib += Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
    }
    return kib;
  };
  const post = async (frames) => {
    const mctx = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const mpage = await mctx.newPage();
    await mpage.route('http://blog.test/**', (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>Post</title><main style="max-width:680px;margin:auto">${frames}</main>` }));
    await mpage.goto('http://blog.test/post.html');
    for (let i = 0; i < embedLabs.length && frames; i++) {
      const f = mpage.locator('iframe').nth(i);
      await f.scrollIntoViewIfNeeded();
      const frame = await (await f.elementHandle()).contentFrame();
      await frame.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 30_000 });
    }
    await new Promise((r) => setTimeout(r, 500));
    const kib = await rendererKiB();
    await mctx.close();
    return kib;
  };
  const frames = embedLabs.map((id) => `<iframe src="${server.url}?embed=1&lab=${id}&show=${figures[id].join(',')}&text=0#lab=${id}" width="100%" height="760" loading="lazy" style="border:0"></iframe><p style="height:1200px">Prose.</p>`).join('');
  // The same post with five floor pages: what one Go runtime per frame costs at least.
  const floors = embedLabs.map(() => `<iframe src="${floorServer.url}" width="100%" height="760" loading="lazy" style="border:0"></iframe><p style="height:1200px">Prose.</p>`).join('');
  const bare = [], five = [], fiveFloors = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) { bare.push(await post('')); five.push(await post(frames)); fiveFloors.push(await post(floors)); }
  const mib = (xs) => (median(xs) - median(bare)) / 1024;
  results.fiveEmbeds = { totalMiB: mib(five), perEmbedMiB: mib(five) / embedLabs.length, floorPerFrameMiB: mib(fiveFloors) / embedLabs.length };
} finally {
  await browser.close();
  await server.stop();
  await floorServer.stop();
}

await writeFile(path.join(root, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
const L = results.loads;
const R = results.loadRatios;
const lines = [
  `load, cold:  ${(L.site.cold.bytes / 1024).toFixed(0)} KiB, ready at ${L.site.cold.readyMs.toFixed(0)} ms; floor ${(L.floor.cold.bytes / 1024).toFixed(0)} KiB at ${L.floor.cold.readyMs.toFixed(0)} ms: bytes ${R.coldBytes.toFixed(2)}× (target ≤ 1.8×), ready ${R.coldReady.toFixed(2)}× (target ≤ 1.0× drawn, ≤ 1.5× interactive)`,
  `load, warm:  ${(L.site.warm.bytes / 1024).toFixed(0)} KiB, ready at ${L.site.warm.readyMs.toFixed(0)} ms; floor ${(L.floor.warm.bytes / 1024).toFixed(0)} KiB at ${L.floor.warm.readyMs.toFixed(0)} ms: ready ${R.warmReady.toFixed(2)}×`,
  `default link (start view), cold: ${(L.home.cold.bytes / 1024).toFixed(0)} KiB, first paint (the start view with Go's numbers, from the HTML) at ${L.home.cold.drawnMs.toFixed(0)} ms (${R.homeColdDrawn.toFixed(2)}× the floor's ready, target ≤ 1.0×), Go ready at ${L.home.cold.readyMs.toFixed(0)} ms (${R.homeColdReady.toFixed(2)}×, target ≤ 1.5×); warm: drawn at ${L.home.warm.drawnMs.toFixed(0)} ms (${R.homeWarmDrawn.toFixed(2)}×)`,
  `KL at n=1e6:                  Go/wasm ${results.kl1e6.goMs.toFixed(1)} ms, JS ${results.kl1e6.jsMs.toFixed(1)} ms, ratio ${results.kl1e6.ratio.toFixed(2)}×`,
];
const ss = results.sessions;
lines.push(`sessions (IndexedDB):        save ${ss.saveMs.toFixed(2)} ms (budget 20), get ${ss.getMs.toFixed(2)} ms (budget 20), list of ${ss.listed} ${ss.list1000Ms.toFixed(1)} ms (budget 100; first after a reload ${ss.list1000ColdMs.toFixed(1)} ms)`);
if (results.bottleneckSweep) {
  const b = results.bottleneckSweep;
  lines.push(`β sweep (bottleneck):        median ${b.medianMs.toFixed(1)} ms, p95 ${b.p95Ms.toFixed(1)} ms for ${b.betas} βs at |T| = ${b.clusters}`);
}
if (results.vaeEpoch1000) {
  const v = results.vaeEpoch1000;
  lines.push(`VAE epoch on 1000 points:    median ${v.medianMs.toFixed(1)} ms, p95 ${v.p95Ms.toFixed(1)} ms (one klplay.vaeLab call, Go in wasm)`);
}
if (results.fiveEmbeds) {
  const m = results.fiveEmbeds;
  lines.push(`five embeds on one post:     ${m.totalMiB.toFixed(0)} MiB of renderer memory, ${m.perEmbedMiB.toFixed(1)} MiB per embed (a floor frame: ${m.floorPerFrameMiB.toFixed(1)} MiB, ratio ${(m.perEmbedMiB / m.floorPerFrameMiB).toFixed(2)}×)`);
}
for (const [k, c] of Object.entries(results.editControl)) {
  lines.push(`control, ${k.padEnd(4)} of script per edit: frame median ${c.frameMedianMs.toFixed(1)} ms, p95 ${c.frameP95Ms.toFixed(1)} ms; main thread done within the frame after ${(100 * c.mainThreadInFrame).toFixed(0)} % of edits; Event Timing median ${c.eventTimingMedianMs} ms`);
}
for (const [id, r] of Object.entries(results.labs)) {
  if (r.interaction) lines.push(`${id.padEnd(20)} per edit:  script median ${r.interaction.medianMs.toFixed(2)} ms, p95 ${r.interaction.p95Ms.toFixed(2)} ms (budget 4), ${r.interaction.goCallsPerUpdate.toFixed(2)} Go calls per update; its frame median ${r.interaction.frameMedianMs.toFixed(1)} ms, p95 ${r.interaction.frameP95Ms.toFixed(1)} ms (input to done ${r.interaction.inputToDoneMedianMs.toFixed(1)} ms); main thread done within the frame after ${(100 * r.interaction.mainThreadInFrame).toFixed(0)} % of edits; presented as soon as the 4 ms control after ${(100 * r.interaction.presentedWithControl).toFixed(0)} % (target ≥ 95 %); Event Timing median ${r.interaction.eventTimingMedianMs} ms`);
  for (const a of [r.animation, ...(r.more ?? [])].filter(Boolean)) {
    lines.push(`${id.padEnd(20)} per frame: median ${a.medianMs.toFixed(2)} ms, p95 ${a.p95Ms.toFixed(2)} ms (budget 8), ${a.frames} frames in 2 s${a === r.animation ? '' : ` (${a.section})`}`);
  }
}
console.log(lines.join('\n'));
