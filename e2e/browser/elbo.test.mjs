// The ELBO lab in real headless Chromium, driven like a reader: the numbers it
// shows must be the model's closed forms (or klplay.elboLab's quadrature), and
// log p(x) = ELBO + KL(q‖p(z|x)) must hold to 1e-9 at every step of a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, opener, readoutValues, PHONE, hashState, downloaded } from '../harness.mjs';

const { server, browser } = await fixture();

const open = opener(browser, server.url, '#lab=elbo');

const readouts = (page) => readoutValues(page, '.lab-elbo output[data-readout]');

// Independent closed forms for the linear model, y = x − b:
// log p(x) = log N(x; b, w² + σ²); E_q[log p(x|z)] = −½ log 2πσ² − ((y − wm)² + w²s²)/(2σ²);
// KL(q‖N(0,1)) = ½(m² + s² − 1) − log s; the posterior is N(wy/(σ²+w²), σ²/(σ²+w²)).
function linear({ x, w, b, sigma, m, s }) {
  const y = x - b;
  const v = w * w + sigma * sigma;
  const logPx = -0.5 * Math.log(2 * Math.PI * v) - (y * y) / (2 * v);
  const recon = -0.5 * Math.log(2 * Math.PI * sigma * sigma) - ((y - w * m) ** 2 + w * w * s * s) / (2 * sigma * sigma);
  const klPrior = 0.5 * (m * m + s * s - 1) - Math.log(s);
  const pm = (w * y) / v;
  const ps = Math.sqrt((sigma * sigma) / v);
  const gap = Math.log(ps / s) + (s * s + (m - pm) ** 2) / (2 * ps * ps) - 0.5;
  return { logPx, recon, klPrior, elbo: recon - klPrior, gap, pm, ps };
}

const close = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('the defaults show the closed forms of the linear model', async () => {
  const { page } = await open();
  const r = await readouts(page);
  const want = linear({ x: 1.5, w: 1, b: 0, sigma: 0.7, m: -1.5, s: 0.4 });
  for (const k of ['logPx', 'recon', 'klPrior', 'elbo', 'gap']) close(r[k], want[k], 1e-12, k);
  assert.ok(Math.abs(r.residual) < 1e-12);
  // The bar draws five rows, the gap row from the ELBO to log p(x).
  assert.equal(await page.locator('.elbo-bar rect.wf').count(), 5);
  assert.match(await page.locator('.elbo-model').innerText(), /posterior is Gaussian/);
});

/** Plays for `frames` animation frames, reading every readout at each; returns the rows. */
async function playAndRecord(page, frames) {
  await page.click('[data-action="play"]');
  const rows = await page.evaluate((n) => new Promise((resolve) => {
    const out = [];
    const tick = () => {
      const get = (k) => Number(document.querySelector(`.readouts output[data-readout="${k}"]`).dataset.value);
      out.push({ iter: Number(document.querySelector('output[data-readout="iter"]').dataset.value ?? 0),
        logPx: get('logPx'), elbo: get('elbo'), gap: get('gap'), recon: get('recon'), klPrior: get('klPrior') });
      if (out.length >= n) resolve(out); else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }), frames);
  await page.click('[data-action="play"]');
  return rows;
}

for (const model of ['linear', 'square']) {
  test(`${model}: the identity holds to 1e-9 at every step of an optimisation run`, async () => {
    const hash = model === 'linear' ? '#lab=elbo' : '#lab=elbo&model=square&x=2&w=1&b=0&sigma=0.5&m=-0.3&s=1.2&samples=3';
    const { page } = await open(hash);
    const start = await readouts(page);
    const rows = await playAndRecord(page, 60);
    const iters = new Set(rows.map((r) => r.iter));
    assert.ok(iters.size > 15, `the run advanced (${iters.size} distinct steps)`);
    for (const r of rows) {
      assert.ok(Math.abs(r.logPx - r.elbo - r.gap) <= 1e-9, `step ${r.iter}: log p(x) − ELBO − gap = ${r.logPx - r.elbo - r.gap}`);
      assert.ok(Math.abs(r.elbo - (r.recon - r.klPrior)) <= 1e-12, `step ${r.iter}: ELBO ≠ recon − KL`);
      assert.ok(r.gap >= 0 && r.klPrior >= 0);
    }
    // The ELBO went up from the start. Not from the first frame recorded: with one
    // sample per step the run jitters around the optimum once there (by step 15 on
    // the defaults), and a loaded machine may record its first frame that late.
    assert.ok(rows.at(-1).elbo > start.elbo, `the ELBO increased from ${start.elbo} to ${rows.at(-1).elbo}`);
    // Step: one step at a time, and each is checked again against the core, called independently.
    for (let i = 0; i < 3; i++) {
      const before = Number(await page.locator('output[data-readout="iter"]').getAttribute('data-value'));
      await page.click('[data-action="step"]');
      await page.waitForFunction((b) => Number(document.querySelector('output[data-readout="iter"]').dataset.value) === b + 1, before);
    }
    const h = await hashState(page);
    const r = await readouts(page);
    const direct = await page.evaluate((st) => klplay.elboLab(st, {}), {
      model: h.model, x: +h.x, w: +h.w, b: +h.b, sigma: +h.sigma, m: +h.m, s: +h.s, beta: +h.beta, lr: +h.lr, samples: +h.samples, seed: +h.seed, gradient: h.gradient });
    for (const k of ['logPx', 'elbo', 'gap', 'recon', 'klPrior']) close(r[k], direct.terms[k], 1e-12, `${k} against the core`);
    assert.ok(Math.abs(r.logPx - r.elbo - r.gap) <= 1e-9);
    if (model === 'linear') {
      const want = linear({ x: 1.5, w: 1, b: 0, sigma: 0.7, m: +h.m, s: +h.s });
      for (const k of ['logPx', 'elbo', 'gap']) close(r[k], want[k], 1e-12, `${k} closed form`);
    }
  });
}

test('square model: log p(x) and the gap agree with the core and with mpmath', async () => {
  const { page } = await open('#lab=elbo&model=square&x=2&w=1&b=0&sigma=0.5&m=1&s=0.3');
  const r = await readouts(page);
  // mpmath (30 digits): log ∫ N(z;0,1) N(2; z², 0.25) dz and ∫ q log(q/p(z|x)) for q = N(1, 0.3²).
  close(r.logPx, -2.1693276095449371995, 1e-9, 'log p(x)');
  close(r.gap, 1.7140365474257262253, 1e-9, 'gap');
  close(r.recon, -2.6343913526447273985, 1e-12, 'recon');
  const direct = await page.evaluate(() => klplay.elboLab({ model: 'square', x: 2, w: 1, b: 0, sigma: 0.5, m: 1, s: 0.3, beta: 1, lr: 0.05, samples: 1, seed: 1, gradient: 'exact' }, {}));
  assert.equal(r.gap, direct.terms.gap);
  assert.equal(direct.terms.method, 'quadrature');
  assert.match(await page.locator('.elbo-model').innerText(), /two modes/);
});

test('dragging the handles and the keyboard move q', async () => {
  const { page } = await open();
  const mean = page.locator('g.handle-mean');
  const box = await mean.boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx + 60, cy, { steps: 5 });
  await page.mouse.move(cx + 120, cy, { steps: 5 });
  await page.mouse.up();
  const h = await hashState(page);
  assert.ok(Number(h.m) > -1.5 + 0.5, `m moved right: ${h.m}`);
  assert.equal(Number(h.s), 0.4);
  const r = await readouts(page);
  const want = linear({ x: 1.5, w: 1, b: 0, sigma: 0.7, m: Number(h.m), s: 0.4 });
  close(r.gap, want.gap, 1e-9, 'gap after drag');
  // Keyboard on the ◆ handle: → widens q by 0.05.
  await page.locator('g.handle-sd').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const h2 = await hashState(page);
  close(Number(h2.s), 0.5, 1e-12, 's after two → presses');
});

test('exact gradients converge to the posterior: the gap closes', async () => {
  const { page } = await open('#lab=elbo&gradient=exact&lr=0.3', { reducedMotion: 'reduce' });
  // Reduced motion: Play takes up to 200 steps at once; the run stops by itself once the gradient vanishes.
  await page.click('[data-action="play"]');
  await page.waitForFunction(() => document.querySelector('.elbo-opt .fig-note').dataset.outcome);
  assert.equal(await page.locator('.elbo-opt .fig-note').getAttribute('data-outcome'), 'converged');
  const note = await page.locator('.elbo-opt .fig-note').innerText();
  const iter = Number(await page.locator('output[data-readout="iter"]').getAttribute('data-value'));
  assert.ok(iter > 0 && iter < 200, `stopped at step ${iter}`);
  assert.match(note, new RegExp(`^Converged at step ${iter}: the gradient has vanished; the β-ELBO is .+ nats below the best q's\\.$`));
  // Play again: a converged run takes no more steps.
  await page.click('[data-action="play"]');
  assert.equal(Number(await page.locator('output[data-readout="iter"]').getAttribute('data-value')), iter);
  const r = await readouts(page);
  assert.ok(r.gap < 1e-8, `gap ${r.gap}`);
  const want = linear({ x: 1.5, w: 1, b: 0, sigma: 0.7, m: 0, s: 1 });
  close(r.elbo, want.logPx, 1e-8, 'ELBO reaches log p(x)');
  // The displayed best q is the posterior, and q is there.
  close(r.optM, want.pm, 1e-12, 'best m is the posterior mean');
  close(r.optS, want.ps, 1e-12, 'best s is the posterior sd');
  const h = await hashState(page);
  close(Number(h.m), r.optM, 1e-6, 'm → best m');
  close(Number(h.s), r.optS, 1e-6, 's → best s');
  // Reset puts q back where the run started.
  await page.click('[data-action="reset"]');
  const h2 = await hashState(page);
  assert.equal(Number(h2.m), -1.5);
  assert.equal(Number(h2.s), 0.4);
  assert.equal(await page.locator('output[data-readout="iter"]').getAttribute('data-value'), '0');
});

test('Play on every preset and the default (K = 1, the shipped settings) stops by itself at the best q', async () => {
  const { page } = await open();
  const chips = await page.locator('.lab-elbo .presets .chip').count();
  assert.ok(chips >= 3, `${chips} presets`);
  for (let i = -1; i < chips; i++) {
    if (i >= 0) await page.locator('.lab-elbo .presets .chip').nth(i).click();
    const what = i < 0 ? 'the default' : await page.locator('.lab-elbo .presets .chip').nth(i).innerText();
    await page.click('[data-action="play"]');
    await page.waitForFunction(() => document.querySelector('.elbo-opt .fig-note').dataset.outcome, null, { timeout: 60000 });
    const outcome = await page.locator('.elbo-opt .fig-note').getAttribute('data-outcome');
    const note = await page.locator('.elbo-opt .fig-note').innerText();
    assert.equal(outcome, 'converged', `${what}: ${note}`);
    assert.match(note, /^Converged at step \d+: the gradient has vanished \(below 0\.05 for 50 steps\)/, what);
    assert.equal(await page.locator('[data-action="play"]').getAttribute('aria-pressed'), 'false', `${what}: paused`);
    const st = await hashState(page);
    assert.equal(st.gradient ?? 'reparam', 'reparam');
    const r = await readouts(page);
    // The β-ELBO of q against that of the displayed best q, both from klplay.elboLab.
    const num = (k) => Number(st[k]);
    const full = { model: st.model ?? 'linear', x: num('x'), w: num('w'), b: num('b'), sigma: num('sigma'), beta: num('beta'),
      gradient: 'reparam', samples: 1, lr: 0.05, seed: 1 };
    for (const k of ['x', 'w', 'b', 'sigma', 'beta']) if (st[k] === undefined) full[k] = { x: 1.5, w: 1, b: 0, sigma: 0.7, beta: 1 }[k];
    const best = await page.evaluate((q) => klplay.elboLab(q, {}).terms.betaElbo, { ...full, m: r.optM, s: r.optS });
    const mine = await page.evaluate((q) => klplay.elboLab(q, {}).terms.betaElbo, { ...full, m: num('m'), s: num('s') });
    close(r.betaElbo, mine, 1e-9, `${what}: displayed β-ELBO`);
    assert.ok(best - mine >= -1e-9 && best - mine < 0.02, `${what}: β-ELBO ${mine} vs best ${best}`);
    // q is not parked at a slider bound.
    assert.ok(Math.abs(num('m')) < 6 - 1e-3 && num('s') > 0.005 + 1e-3 && num('s') < 5 - 1e-3, `${what}: q at (${st.m}, ${st.s})`);
    assert.ok(Math.abs(num('m') - r.optM) < 0.15 && Math.abs(num('s') - r.optS) < 0.1, `${what}: q (${st.m}, ${st.s}) vs best (${r.optM}, ${r.optS})`);
  }
});

test('a run that stalls at the square model’s symmetric stationary point says it is stuck', async () => {
  // From (−0.3, 1.2) exact ascent runs to m = 0, s ≈ 0.83: the gradient vanishes 2.7 nats below the best q.
  const { page } = await open('#lab=elbo&model=square&x=2&w=1&b=0&sigma=0.5&m=-0.3&s=1.2&gradient=exact', { reducedMotion: 'reduce' });
  for (let i = 0; i < 5; i++) {
    await page.click('[data-action="play"]');
    if (await page.locator('.elbo-opt .fig-note').getAttribute('data-outcome')) break;
  }
  const note = await page.locator('.elbo-opt .fig-note').innerText();
  assert.equal(await page.locator('.elbo-opt .fig-note').getAttribute('data-outcome'), 'stuck', note);
  assert.match(note, /^Stuck at step \d+: the gradient has vanished, but at a stationary point that is not the best q/);
  const h = await hashState(page);
  assert.ok(Math.abs(Number(h.m)) < 1e-3, `m ${h.m}`);
  const r = await readouts(page);
  const best = await page.evaluate((q) => klplay.elboLab(q, {}).terms.betaElbo,
    { model: 'square', x: 2, w: 1, b: 0, sigma: 0.5, beta: 1, gradient: 'exact', samples: 1, lr: 0.05, seed: 1, m: r.optM, s: r.optS });
  const short = best - r.betaElbo;
  assert.ok(short > 1, `${short} nats short`);
  assert.match(note, new RegExp(`β-ELBO is ${short.toFixed(2)} nats below`));
});

test('the noise-free path is drawn beside a noisy run, and it is the exact-gradient run from the same start', async () => {
  const { page } = await open('#lab=elbo', { reducedMotion: 'reduce' });
  await page.click('[data-action="play"]'); // reduced motion: 200 K = 1 steps at once
  await page.waitForFunction(() => Number(document.querySelector('output[data-readout="iter"]').dataset.value) > 0);
  const legend = page.locator('.elbo-traces .legend [data-trace="noiseless"]');
  assert.ok(await legend.isVisible(), 'labelled in the legend');
  assert.match(await legend.innerText(), /without noise/);
  await page.waitForFunction(() => (document.querySelector('.elbo-traces path.trace.tr-exact')?.getAttribute('d') ?? '').length > 10);
  // The noisy estimate is a cloud of dots drawn under the ELBO's line, not a line whose spikes hide it.
  const cloud = await page.evaluate(() => {
    const g = document.querySelector('.elbo-traces g.est-dots');
    const elbo = document.querySelector('.elbo-traces path.trace.tr-elbo');
    return { dots: g?.querySelectorAll('circle').length ?? 0, under: !!g && !!(g.compareDocumentPosition(elbo) & Node.DOCUMENT_POSITION_FOLLOWING), line: !!document.querySelector('.elbo-traces path.tr-est') };
  });
  assert.ok(cloud.dots > 100 && cloud.under && !cloud.line, JSON.stringify(cloud));
  const menu = page.locator('.elbo-traces .fig-trace').first().locator('.chart-export');
  await menu.locator('summary').click();
  const [download] = await Promise.all([page.waitForEvent('download'), menu.locator('[data-export="csv"]').click()]);
  const rows = (await downloaded(download)).toString('utf8').trim().split(/\r?\n/).map((l) => l.split(','));
  const col = rows[0].findIndex((c) => /without noise/.test(c));
  assert.ok(col > 0, rows[0].join('|'));
  const last = rows[rows.length - 1];
  const n = Number(last[0]);
  assert.ok(n > 0, `last step ${n}`);
  // The same start, exact gradients, as many steps: the page's own ELBO readout.
  const { page: exact } = await open('#lab=elbo&gradient=exact', { reducedMotion: 'reduce' });
  await exact.click('[data-action="play"]');
  // Play's 200 steps land in the next frame: a Step clicked before then would be taken after them.
  await exact.waitForFunction(() => Number(document.querySelector('output[data-readout="iter"]').dataset.value) > 0);
  while (Number(await exact.locator('output[data-readout="iter"]').getAttribute('data-value')) < n
      && !(await exact.locator('.elbo-opt .fig-note').getAttribute('data-outcome'))) await exact.click('[data-action="step"]');
  const stepped = Number(await exact.locator('output[data-readout="iter"]').getAttribute('data-value'));
  const r = await readouts(exact);
  // The exact run may converge first; the noise-free path then stays at its last value.
  assert.ok(stepped <= n, `${stepped} steps against ${n}`);
  // The readout is of q as the state (and the link) holds it, rounded: agreement to 1e-7, not to the last digit.
  close(Number(last[col]), r.elbo, 1e-7, `noise-free ELBO at step ${n}`);
  // With exact gradients there is no second path.
  assert.ok(!(await exact.locator('.elbo-traces .legend [data-trace="noiseless"]').isVisible()), 'no legend entry for exact gradients');
  assert.equal(await exact.locator('.elbo-traces path.trace.tr-exact').getAttribute('d'), null, 'not drawn for exact gradients');
});

test('β: the best q is the closed form w·y/(w² + βσ²), √(βσ²/(w² + βσ²))', async () => {
  const { page } = await open('#lab=elbo&beta=3&x=2.5&w=1.5&sigma=0.5');
  const r = await readouts(page);
  const [w, y, s2, beta] = [1.5, 2.5, 0.25, 3];
  close(r.optM, (w * y) / (w * w + beta * s2), 1e-12, 'best m');
  close(r.optS, Math.sqrt((beta * s2) / (w * w + beta * s2)), 1e-12, 'best s');
  const rec = linear({ x: 2.5, w, b: 0, sigma: 0.5, m: -1.5, s: 0.4 });
  close(r.betaElbo, rec.recon - beta * rec.klPrior, 1e-12, 'β-ELBO');
  // Moving β with the keyboard moves the best q towards the prior.
  const slider = page.locator('.elbo-beta input[type="range"]');
  await slider.focus();
  await page.keyboard.press('End');
  await page.waitForFunction(() => location.hash.includes('beta=4'));
  const h = await hashState(page);
  assert.equal(Number(h.beta), 4);
  const r2 = await readouts(page);
  assert.ok(Math.abs(r2.optM) < Math.abs(r.optM));
});

test('the URL hash round-trips, bad values are clamped with a notice', async () => {
  const hash = '#lab=elbo&model=square&x=3&w=-1&b=1&sigma=1&m=0.5&s=0.6&beta=0.5&gradient=exact&samples=7&lr=0.02&seed=42';
  const { page } = await open(hash);
  const h = await hashState(page);
  assert.deepEqual(h, { lab: 'elbo', model: 'square', x: '3', w: '-1', b: '1', sigma: '1', m: '0.5', s: '0.6', beta: '0.5', gradient: 'exact', samples: '7', lr: '0.02', seed: '42',
    step: '0', m0: '-1.5', s0: '0.4' });
  assert.equal(await page.locator('#elbo-model-square').isChecked(), true);
  assert.equal(await page.locator('#elbo-samples').inputValue(), '7');
  const r = await readouts(page);
  // mpmath: x=3, w=−1, b=1, σ=1, q=N(0.5, 0.6²).
  close(r.logPx, -3.7713008260401728562, 1e-9, 'log p(x)');
  close(r.gap, 1.1791133309304904904, 1e-9, 'gap');
  await page.goto(`${server.url}#lab=elbo&sigma=-4&model=cubic`);
  await page.waitForFunction(() => !document.querySelector('.notice').hidden);
  const notice = await page.locator('.notice-text').innerText();
  assert.match(notice, /sigma/);
  assert.match(notice, /model/);
  const h2 = await hashState(page);
  assert.equal(h2.sigma, '0.1');
  assert.equal(h2.model, 'linear');
});

test('a share link opens at the run’s step: the same q, trace and outcome, replayed from the seed', async () => {
  const { page } = await open('#lab=elbo', { reducedMotion: 'reduce' });
  await page.locator('.lab-elbo .presets .chip', { hasText: 'Two modes' }).click();
  const start = await hashState(page);
  // With reduced motion each Play takes 200 steps at once: 400 is mid-run (K = 1 converges after 700 or so).
  for (let i = 0; i < 2; i++) {
    await page.click('[data-action="play"]');
    await page.waitForFunction((n) => document.querySelector('output[data-readout="iter"]').dataset.value === String(n), 200 * (i + 1));
  }
  const seen = async (p) => ({ state: await hashState(p), r: await readouts(p), note: await p.locator('.elbo-opt .fig-note').innerText(),
    trace: await p.locator('.elbo-opt path').evaluateAll((ps) => ps.map((x) => `${x.getAttribute('class')}:${x.getAttribute('d')}`)) });
  const mid = await seen(page);
  assert.equal(mid.state.step, '400');
  assert.deepEqual([mid.state.m0, mid.state.s0], [start.m, start.s]);
  assert.notEqual(mid.state.m, start.m);
  const { page: again } = await open(await page.evaluate(() => location.hash), { reducedMotion: 'reduce' });
  await again.waitForFunction(() => document.querySelector('output[data-readout="iter"]').dataset.value === '400');
  // Every path of the figure too: the noise-free one is the same whether its steps came 200 or 400 at a time.
  assert.deepEqual(await seen(again), mid);
  // Both go on alike to the same converged end.
  for (const p of [page, again]) {
    for (let i = 0; i < 10 && !(await p.locator('.elbo-opt .fig-note').getAttribute('data-outcome')); i++) await p.click('[data-action="play"]');
  }
  const end = await seen(page);
  assert.match(end.note, /^Converged at step \d+/);
  assert.deepEqual(await seen(again), end);
  const { page: third } = await open(await page.evaluate(() => location.hash));
  await third.waitForFunction(() => document.querySelector('.elbo-opt .fig-note').dataset.outcome === 'converged');
  assert.deepEqual(await seen(third), end);
  // Moving q by hand starts a new run: the link no longer replays the old one.
  await third.locator('g.handle-mean').focus();
  await third.keyboard.press('ArrowRight');
  await third.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('step') === '0');
});

test('fits a 375 px screen without sideways scrolling', async () => {
  const { page } = await open('#lab=elbo', PHONE);
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= 375, `scrollWidth ${sw}`);
});

test('the β = 3 preset says what q does: it widens towards the prior, to the s its text gives', async () => {
  const { page } = await open();
  const chip = page.locator('.lab-elbo .presets .chip', { hasText: 'β = 3' });
  assert.match(await chip.innerText(), /q widens towards the prior/);
  await chip.click();
  await page.waitForFunction(() => location.hash.includes('beta=3'));
  const st = await hashState(page);
  const r = await readouts(page);
  const [w, sigma] = [Number(st.w), Number(st.sigma)];
  const posteriorS = Math.sqrt((sigma * sigma) / (w * w + sigma * sigma));
  assert.ok(r.optS > Number(st.s) && r.optS > posteriorS, `best s ${r.optS} vs start ${st.s} and posterior ${posteriorS}`);
  assert.ok(Math.abs(r.optM) < Math.abs((w * Number(st.x)) / (w * w + sigma * sigma)), 'and nearer 0 than the posterior');
  const about = await chip.getAttribute('title');
  const [, best, post] = about.match(/s = ([\d.]+) against the posterior’s ([\d.]+)/);
  close(Number(best), r.optS, 0.01, 'the best s the text gives');
  close(Number(post), posteriorS, 0.02, 'the posterior s the text gives');
});
