// The trust-region lab in real headless Chromium: Play on every preset as
// shipped must keep the lab's promise — TRPO's KL ≤ δ on every update while
// plain policy gradient's true return ends below TRPO's or below its own start
// — the numbers shown must be klplay.trustRegionLab's, and a share link must
// open at the update it was taken at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture, opener, readoutValues, PHONE, hashState } from '../harness.mjs';

const { server, browser } = await fixture();

const open = opener(browser, server.url, '#lab=trust-region');
const PRESETS = JSON.parse(readFileSync(new URL('../../web/labs/trust-region/presets.json', import.meta.url)));

const readouts = (page) => readoutValues(page, '.lab-trust-region output[data-readout]');
const num = (v) => (v.includes(',') ? v.split(',').map(Number) : Number.isNaN(Number(v)) ? v : Number(v));
const stateOf = (h) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== 'lab').map(([k, v]) => [k, k === 'method' ? v : num(v)]));

/** Plays to the end, recording the update and the readouts at every animation frame. */
function playAndRecord(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const out = [];
    document.querySelector('[data-action="play"]').click();
    const tick = () => {
      const get = (k) => Number(document.querySelector(`.readouts output[data-readout="${k}"]`)?.dataset.value);
      out.push({ k: Number(document.querySelector('output[data-readout="update"]').dataset.value), kl: get('kl'), delta: get('delta'), ret: get('ret') });
      if (document.querySelector('[data-action="play"]').getAttribute('aria-pressed') === 'false' && out.length > 3) resolve(out); else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }));
}

for (const ps of PRESETS) {
  test(`${ps.label}: Play keeps TRPO inside δ on every update while PG's true return ${ps.promise === 'below-start' ? 'drops below its start' : 'ends below TRPO’s'}`, async () => {
    const { page } = await open();
    await page.click(`.presets button:has-text("${ps.label}")`);
    await page.waitForFunction((label) => [...document.querySelectorAll('.presets button')].find((b) => b.textContent === label).getAttribute('aria-pressed') === 'true', ps.label);
    assert.equal((await readouts(page)).update, 0);
    const rows = await playAndRecord(page);
    const seen = new Set(rows.map((x) => x.k));
    assert.ok(seen.size >= 15, `saw ${seen.size} updates`);
    for (const x of rows) assert.ok(x.kl <= x.delta * (1 + 1e-12), `update ${x.k}: TRPO's KL ${x.kl} > δ ${x.delta}`);
    const N = ps.st.updates;
    assert.equal((await readouts(page)).update, N);
    const st = stateOf(await hashState(page));
    assert.equal(st.k, N);
    const api = await page.evaluate((s) => {
      const o = klplay.trustRegionLab(s, {});
      return Object.fromEntries(['pg', 'trpo', 'ppo-clip', 'ppo-kl'].map((m) => [m, { ret: Array.from(o.methods[m].ret), kl: Array.from(o.methods[m].kl) }]));
    }, st);
    // What the page shows is TRPO's run at update N, and TRPO's return rose.
    const r = await readouts(page);
    assert.equal(r.ret, api.trpo.ret[N]);
    assert.ok(api.trpo.ret[N] > api.trpo.ret[0], `TRPO ${api.trpo.ret[0]} → ${api.trpo.ret[N]}`);
    assert.ok(api.trpo.kl.every((v) => v <= ps.st.delta), 'TRPO within δ in the run');
    // PG stepped far outside δ and paid for it in true return.
    assert.ok(Math.max(...api.pg.kl) > 10 * ps.st.delta, `PG's largest KL ${Math.max(...api.pg.kl)}`);
    if (ps.promise === 'below-start') assert.ok(api.pg.ret[N] < api.pg.ret[0], `PG ${api.pg.ret[0]} → ${api.pg.ret[N]}`);
    else assert.ok(api.pg.ret[N] < api.trpo.ret[N] - 0.1, `PG ends at ${api.pg.ret[N]}, TRPO at ${api.trpo.ret[N]}`);
    // Choosing PG shows its run at the same update, with the drop told in words.
    await page.check('#tr-method-pg');
    await page.waitForFunction((v) => Number(document.querySelector('.readouts output[data-readout="ret"]').dataset.value) === v, api.pg.ret[N]);
    const note = await page.locator('.tr-status').innerText();
    assert.match(note, /Outside the trust region|Inside the trust region/);
    if (ps.promise === 'below-start') assert.match(note, /True return down/);
    // The true-return chart draws four runs and the best action's mean.
    assert.equal(await page.locator('.tr-traces .chart-host').first().locator('path.mline').count(), 4);
  });
}

test('a share link opens at the update it was taken at, and replays the same run from the seed', async () => {
  const { page } = await open('#lab=trust-region&method=ppo-kl&seed=7', { reducedMotion: 'reduce' });
  await page.click('[data-action="play"]'); // reduced motion: straight to the last update
  await page.waitForFunction(() => document.querySelector('output[data-readout="update"]').dataset.value === '20');
  const h = await hashState(page);
  assert.equal(h.k, '20');
  const before = await readouts(page);
  const link = await page.evaluate(() => location.href);
  const { page: again } = await open(link.slice(link.indexOf('#')));
  const after = await readouts(again);
  assert.equal(after.update, 20);
  for (const key of ['kl', 'ret', 'ret0', 'gain', 'trueGain', 'beta']) assert.equal(after[key], before[key], key);
  assert.match(await again.locator('.tr-transport').innerText(), /update 20 of 20/);
  // Step, then Reset, move k and the URL with it.
  await again.click('[data-action="reset"]');
  await again.waitForFunction(() => document.querySelector('output[data-readout="update"]').dataset.value === '0');
  await again.click('[data-action="step"]');
  await again.waitForFunction(() => document.querySelector('output[data-readout="update"]').dataset.value === '1');
  assert.equal((await hashState(again)).k, '1');
  // A k past the run shows its last update; a k past the schema's bound is refused with a notice.
  const { page: past } = await open('#lab=trust-region&updates=5&k=50');
  assert.equal((await readouts(past)).update, 5);
  const { page: hostile } = await open('#lab=trust-region&k=1000000000');
  await hostile.waitForFunction(() => !document.querySelector('.notice').hidden);
  assert.ok((await readouts(hostile)).update <= 100);
});

test('the batch’s KL estimates agree with the exact KL within their errors', async () => {
  const { page } = await open('#lab=trust-region&samples=1000&method=pg&lr=1&k=3');
  const s = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('output[data-sampled]')].map((o) => [o.dataset.sampled, Number(o.dataset.value)])));
  const r = await readouts(page);
  assert.equal(s.exact, r.kl);
  assert.ok(r.kl > 0);
  const api = await page.evaluate(() => klplay.trustRegionLab({ samples: 1000, method: 'pg', lr: 1, k: 3 }, {}).sampled);
  assert.equal(api.samples, 1000);
  for (const [i, e] of [[0, 'k1'], [2, 'k3']]) assert.ok(Math.abs(s[e] - s.exact) <= 5 * api.stdErr[i] + 1e-12, `${e} ${s[e]} vs ${s.exact}`);
  assert.match(await page.locator('.tr-sampled').innerText(), /From the 1000 actions of update 3/);
  // Update 0 has drawn nothing yet.
  await page.click('[data-action="reset"]');
  await page.waitForFunction(() => /No batch yet/.test(document.querySelector('.tr-sampled').innerText));
});

test('actions, sliders and the URL hash', async () => {
  const { page } = await open('#lab=trust-region&start=0,0,0,0,0&mean=1,0,0,0,-1&method=ppo-clip');
  assert.equal(await page.locator('#tr-count').inputValue(), '5');
  assert.match(await page.locator('.tr-simplex .fig-note').innerText(), /choose 3 actions/);
  assert.equal(await page.locator('.tr-simplex path.contour').count(), 0);
  // The mean reward of a2 by keyboard: ↑ adds 0.05.
  await page.locator('.tr-row').nth(1).locator('.tr-adv input[type="range"]').focus();
  await page.keyboard.press('ArrowUp');
  await page.waitForFunction(() => /mean=1(%2C|,)0.05(%2C|,)/.test(location.hash));
  const h = await hashState(page);
  assert.equal(h.mean, '1,0.05,0,0,-1');
  assert.equal(h.method, 'ppo-clip');
  // Fewer actions: the simplex appears, with the δ contour around π_old.
  await page.click('[aria-label="Fewer actions"]');
  await page.click('[aria-label="Fewer actions"]');
  await page.waitForSelector('.tr-simplex path.contour-delta');
  assert.equal(await page.locator('.tr-simplex path.mpath').count(), 4);
  // Mismatched lengths in a link are repaired with a notice.
  await page.goto(`${server.url}#lab=trust-region&start=0,0,0,0&mean=1,2,0`);
  await page.waitForFunction(() => !document.querySelector('.notice').hidden);
  assert.match(await page.locator('.notice-text').innerText(), /mean had 3 entries for 4 actions/);
});

test('fits a 375 px screen without sideways scrolling', async () => {
  const { page } = await open('#lab=trust-region', PHONE);
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= 375, `scrollWidth ${sw}`);
});

test('the “best action’s μ” and δ labels sit clear of every method’s line, at 1280 and 375 px', async () => {
  for (const options of [undefined, PHONE]) {
    const { page } = await open('#lab=trust-region&k=20', options);
    const crossed = await page.locator('.tr-traces').evaluate((fig) => [...fig.querySelectorAll('.chart-host')].slice(0, 2).map((host) => {
      const b = host.querySelector('text.delta-label').getBBox();
      let n = 0;
      for (const p of host.querySelectorAll('path.mline')) {
        for (let s = 0, len = p.getTotalLength(); s <= len; s += 1.5) {
          const pt = p.getPointAtLength(s);
          if (pt.x >= b.x && pt.x <= b.x + b.width && pt.y >= b.y && pt.y <= b.y + b.height) n++;
        }
      }
      return `${host.querySelector('text.delta-label').textContent}: ${n}`;
    }));
    assert.deepEqual(crossed, ['best action’s μ: 0', 'δ: 0'], options ? '375 px' : '1280 px');
  }
});

test('the KL trace keeps δ readable beside PG’s large KL: δ is drawn well inside the plot', async () => {
  const { page } = await open('#lab=trust-region&k=20');
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
  // On a linear axis up to PG's KL of several nats, δ = 0.05 would sit on the floor.
  assert.ok(deltaY > 0.15 * plotHeight && deltaY < 0.85 * plotHeight, `δ at ${deltaY} of ${plotHeight} px`);
  assert.ok(top < 0.2 * plotHeight, `the largest KL reaches near the top (${top} px)`);
});
