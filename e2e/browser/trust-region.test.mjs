// The trust-region lab in real headless Chromium: the KL, gains and estimates it
// shows must match klplay.trustRegionLab and values computed here from the
// policies; TRPO must stay inside δ at every update; PG with a big step must not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, opener, readoutValues, PHONE, hashState } from '../harness.mjs';

const { server, browser } = await fixture();

const open = opener(browser, server.url, '#lab=trust-region');

const readouts = (page) => readoutValues(page, '.lab-trust-region output[data-readout]');

const softmax = (z) => { const m = Math.max(...z); const e = z.map((v) => Math.exp(v - m)); const s = e.reduce((a, b) => a + b, 0); return e.map((v) => v / s); };
const kl = (p, q) => p.reduce((s, pi, i) => s + pi * Math.log(pi / q[i]), 0);
const stateOf = (h) => ({ old: h.old.split(',').map(Number), adv: h.adv.split(',').map(Number), method: h.method, epsilon: +h.epsilon, delta: +h.delta, lr: +h.lr, samples: +h.samples, seed: +h.seed, updates: +h.updates });

test('TRPO stays inside δ at every update, and each number matches the policies', async () => {
  const { page } = await open();
  let r = await readouts(page);
  assert.equal(r.kl, 0);
  assert.equal(r.update, 0);
  const h = stateOf(await hashState(page));
  assert.deepEqual(softmax(h.old).map((v) => +v.toFixed(12)), Array.from(await page.evaluate((st) => klplay.trustRegionLab(st, {}).oldPi, h)).map((v) => +v.toFixed(12)));
  // Play to the end, recording the readouts at every frame.
  await page.click('[data-action="play"]');
  const rows = await page.evaluate(() => new Promise((resolve) => {
    const out = [];
    const tick = () => {
      const get = (k) => Number(document.querySelector(`.readouts output[data-readout="${k}"]`)?.dataset.value);
      out.push({ k: Number(document.querySelector('output[data-readout="update"]').dataset.value), kl: get('kl'), delta: get('delta') });
      if (document.querySelector('[data-action="play"]').getAttribute('aria-pressed') === 'false' && out.length > 3) resolve(out); else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }));
  const seen = new Set(rows.map((x) => x.k));
  assert.ok(seen.size >= 15, `saw ${seen.size} updates`);
  for (const x of rows) assert.ok(x.kl <= x.delta * (1 + 1e-9), `update ${x.k}: KL ${x.kl} > δ ${x.delta}`);
  r = await readouts(page);
  assert.equal(r.update, 20);
  // The shown KL is KL(π_old‖π) of the policies the core returns for update 20.
  const api = await page.evaluate((st) => { const o = klplay.trustRegionLab(st, { update: 20 }); return { old: Array.from(o.oldPi), pi: Array.from(o.current.pi), gain: o.current.gain }; }, h);
  assert.ok(Math.abs(r.kl - kl(api.old, api.pi)) < 1e-12);
  const gain = api.pi.reduce((s, p, i) => s + (p - api.old[i]) * h.adv[i], 0);
  assert.ok(Math.abs(r.gain - gain) < 1e-12, `gain ${r.gain} vs ${gain}`);
  assert.ok(r.gain > 0);
  // The simplex: contours, the bold δ contour, four paths.
  assert.ok(await page.locator('.tr-simplex path.contour').count() >= 5);
  assert.equal(await page.locator('.tr-simplex path.contour-delta').count(), 1);
  assert.equal(await page.locator('.tr-simplex path.mpath').count(), 4);
  // Reset returns to update 0.
  await page.click('[data-action="reset"]');
  await page.waitForFunction(() => document.querySelector('output[data-readout="update"]').dataset.value === '0');
});

test('plain policy gradient with a big step leaves the trust region', async () => {
  const { page } = await open('#lab=trust-region&method=pg&lr=5', { reducedMotion: 'reduce' });
  await page.click('[data-action="play"]'); // reduced motion: jumps to the last update
  await page.waitForFunction(() => document.querySelector('output[data-readout="update"]').dataset.value === '20');
  const r = await readouts(page);
  assert.ok(r.kl > r.delta, `KL ${r.kl} should exceed δ ${r.delta}`);
  assert.match(await page.locator('.tr-status').innerText(), /Outside the trust region/);
  // Another method starts again from update 0; Step takes one update.
  await page.check('#tr-method-ppo-clip');
  await page.waitForFunction(() => document.querySelector('output[data-readout="update"]').dataset.value === '0');
  await page.click('[data-action="step"]');
  await page.waitForFunction(() => document.querySelector('output[data-readout="update"]').dataset.value === '1');
  const h = await hashState(page);
  assert.equal(h.method, 'ppo-clip');
});

test('the PPO-clip figure marks each action’s ratio on the right panel', async () => {
  const { page } = await open('#lab=trust-region&method=ppo-clip');
  for (let i = 0; i < 5; i++) await page.click('[data-action="step"]');
  await page.waitForFunction(() => document.querySelector('output[data-readout="update"]').dataset.value === '5');
  // Defaults: advantages (−0.5, 1, 0.3): two positive, one negative.
  const [pos, neg] = await page.evaluate(() => [...document.querySelectorAll('.tr-clip .rdots')].map((g) => g.querySelectorAll('circle').length));
  assert.equal(pos, 2);
  assert.equal(neg, 1);
  // The clipped gain never exceeds ε·Σ π_old |A|.
  const r = await readouts(page);
  const po = softmax([0.4, 0, -0.4]);
  const bound = 0.2 * po.reduce((s, p, i) => s + p * Math.abs([-0.5, 1, 0.3][i]), 0);
  assert.ok(r.clipObj <= bound + 1e-12 && r.clipObj > 0);
});

test('sampled KL: k1 and k3 agree with the exact KL within their errors', async () => {
  const { page } = await open('#lab=trust-region&samples=100000&seed=3');
  for (let i = 0; i < 3; i++) await page.click('[data-action="step"]');
  await page.waitForFunction(() => document.querySelector('output[data-readout="update"]').dataset.value === '3');
  const s = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('output[data-sampled]')].map((o) => [o.dataset.sampled, Number(o.dataset.value)])));
  const r = await readouts(page);
  assert.equal(s.exact, r.kl);
  assert.ok(Math.abs(s.k1 - s.exact) < 0.01, `k1 ${s.k1} vs ${s.exact}`);
  assert.ok(Math.abs(s.k3 - s.exact) < 0.002, `k3 ${s.k3} vs ${s.exact}`);
  assert.equal(await page.locator('.tr-sampled tbody .err').count(), 3);
  // A new seed gives new draws.
  await page.click('text=New draws');
  await page.waitForFunction((old) => Number(document.querySelector('output[data-sampled="k1"]').dataset.value) !== old, s.k1);
});

test('actions, sliders and the URL hash', async () => {
  const { page } = await open('#lab=trust-region&old=0.5,0.2,0,-0.3,-0.6&adv=0.2,-1,0.8,0.1,-0.4&method=ppo-kl&delta=0.05');
  assert.equal(await page.locator('#tr-count').inputValue(), '5');
  assert.match(await page.locator('.tr-simplex .fig-note').innerText(), /choose 3 actions/);
  assert.equal(await page.locator('.tr-simplex path.contour').count(), 0);
  // The advantage of a2 by keyboard: ↑ adds 0.05.
  await page.locator('.tr-row').nth(1).locator('.tr-adv input[type="range"]').focus();
  await page.keyboard.press('ArrowUp');
  await page.waitForFunction(() => location.hash.includes('adv=0.2%2C-0.95') || location.hash.includes('adv=0.2,-0.95'));
  const h = await hashState(page);
  assert.equal(h.adv, '0.2,-0.95,0.8,0.1,-0.4');
  assert.equal(h.method, 'ppo-kl');
  assert.equal(h.delta, '0.05');
  // Fewer actions: the simplex appears.
  await page.click('[aria-label="Fewer actions"]');
  await page.click('[aria-label="Fewer actions"]');
  await page.waitForSelector('.tr-simplex path.contour');
  // Mismatched lengths in a link are repaired with a notice.
  await page.goto(`${server.url}#lab=trust-region&old=0,0,0,0&adv=1,2,3`);
  await page.waitForFunction(() => !document.querySelector('.notice').hidden);
  assert.match(await page.locator('.notice-text').innerText(), /adv had 3 entries for 4 actions/);
});

test('fits a 375 px screen without sideways scrolling', async () => {
  const { page } = await open('#lab=trust-region', PHONE);
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= 375, `scrollWidth ${sw}`);
});

test('the KL trace keeps δ readable beside PG’s large KL: δ is drawn well inside the plot', async () => {
  const { page } = await open();
  const chart = page.locator('.tr-traces .chart-host').nth(1);
  const { deltaY, plotHeight, top } = await chart.evaluate((host) => {
    const axis = host.querySelector('g.axis').getAttribute('transform');
    const lines = [...host.querySelectorAll('path.mline')].map((p) => p.getBBox());
    return {
      deltaY: Number(host.querySelector('line.delta').getAttribute('y1')),
      plotHeight: Number(axis.match(/translate\(0,([\d.]+)\)/)[1]),
      top: Math.min(...lines.map((b) => b.y)),
    };
  });
  const r = await readoutValues(page, '.lab-trust-region output[data-readout]');
  assert.ok(r.delta > 0);
  // With a linear axis up to PG's KL of about 1.7, δ = 0.02 would sit within 2 % of the floor.
  assert.ok(deltaY > 0.15 * plotHeight && deltaY < 0.85 * plotHeight, `δ at ${deltaY} of ${plotHeight} px`);
  assert.ok(top < 0.2 * plotHeight, `the largest KL reaches near the top (${top} px)`);
});
