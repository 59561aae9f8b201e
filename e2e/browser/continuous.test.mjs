// The Continuous lab in real headless Chromium: every number the page shows must
// be the one klplay.klDist computes for the state the reader sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, opener, PHONE, ready, drawn, hashState as settledState } from '../harness.mjs';

const { server, browser } = await fixture();

const openLab = opener(browser, server.url, '#lab=continuous');

// The Monte Carlo check table is drawn after the lab is ready.
async function open(hash, options) {
  const opened = await openLab(hash, options);
  await opened.page.waitForSelector('.check-table output[data-check="k3"]');
  return opened;
}

const SPEC_KEYS = {
  normal: ['mu', 'sigma'], laplace: ['mu', 'b'], exponential: ['rate'], gamma: ['shape', 'rate'], beta: ['alpha', 'beta'],
  uniform: ['min', 'max'], lognormal: ['mu', 'sigma'], poisson: ['rate'], bernoulli: ['p'],
};

/** The state the URL hash holds, once the Monte Carlo check (a frame of its own, 250 ms after a change) has caught up too. */
async function hashState(page) {
  await drawn(page);
  await page.waitForFunction(() => !document.querySelector('.check').classList.contains('is-stale'));
  return settledState(page);
}

function spec(family, params) {
  if (family === 'mixture') {
    const w = [], components = [];
    const sum = params.filter((_, i) => i % 3 === 0).reduce((a, b) => a + b, 0);
    for (let i = 0; i < params.length; i += 3) { w.push(params[i] / sum); components.push({ family: 'normal', mu: params[i + 1], sigma: params[i + 2] }); }
    return { family, weights: w, components };
  }
  return Object.fromEntries([['family', family], ...SPEC_KEYS[family].map((k, i) => [k, params[i]])]);
}

function specsOf(h) {
  return { p: spec(h.pFamily, h.p.split(',').map(Number)), q: spec(h.qFamily, h.q.split(',').map(Number)) };
}

function readouts(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('.readouts output[data-readout]')].map((o) => [o.dataset.readout, Number(o.dataset.value)])));
}

function klDist(page, p, q, opts) {
  return page.evaluate(([p, q, o]) => globalThis.klplay.klDist(p, q, o), [p, q, opts]);
}

const close = (a, b, rel = 1e-12) => a === b || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));

test('the default page shows the numbers klDist computes, and the three-way check agrees', async () => {
  const { page } = await open();
  const h = await hashState(page);
  assert.equal(h.pFamily, 'normal');
  const { p, q } = specsOf(h);
  const r = await readouts(page);
  const fwd = await klDist(page, p, q);
  const rev = await klDist(page, q, p);
  assert.equal(fwd.method, 'closed-form');
  assert.ok(close(r.kl, fwd.value), `kl ${r.kl} vs ${fwd.value}`);
  assert.ok(close(r.reverseKL, rev.value));
  // KL(N(0,1)‖N(0.5,1.1)) = log 1.1 + (1 + 0.25)/(2·1.21) − ½, worked by hand.
  assert.ok(close(r.kl, Math.log(1.1) + 1.25 / 2.42 - 0.5, 1e-12));
  assert.ok(close(r.crossEntropy, r.entropyP + r.kl, 1e-12));
  assert.equal(await page.locator('.hero .method').textContent(), 'closed form');

  const cells = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('.check-table output[data-check]')].map((o) => [o.dataset.check, Number(o.dataset.value)])));
  assert.ok(close(cells.closed, fwd.value));
  const quad = await klDist(page, p, q, { method: 'quadrature' });
  assert.ok(close(cells.numeric, quad.value));
  for (const k of ['k1', 'k2', 'k3']) {
    const mc = await klDist(page, p, q, { method: 'monte-carlo', samples: Number(h.samples), seed: Number(h.seed), estimator: k });
    assert.equal(cells[k], mc.value, `${k}: page ${cells[k]} vs klDist ${mc.value}`);
  }
  assert.equal(await page.locator('.bias-pair path.est').count(), 6, 'bias and spread lines for k1, k2, k3');
});

test('dragging P’s mean handle moves μ and the readouts follow', async () => {
  const { page } = await open();
  const before = await readouts(page);
  const handle = page.locator('g.handle[data-series="p"][data-kind="mean"]');
  const box = await handle.boundingBox();
  const x0 = box.x + box.width / 2, y0 = box.y + box.height / 2;
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move(x0 - 120, y0 + 30, { steps: 8 });
  await page.mouse.up();
  await page.waitForFunction((v) => document.querySelector('.readouts output[data-readout="kl"]').dataset.value !== v, String(before.kl));
  const h = await hashState(page);
  const mu = Number(h.p.split(',')[0]);
  // 120 px of a ~430 px axis spanning about 10 units: μ moves by about 2.8.
  assert.ok(mu < -2 && mu > -4, `μ moved left to ${mu}`);
  assert.equal(Number(h.p.split(',')[1]), 1, 'σ unchanged by the mean handle');
  assert.equal(await page.locator('.side-p .slider-box').first().inputValue(), String(mu), 'the slider mirrors the handle');
  const { p, q } = specsOf(h);
  const r = await readouts(page);
  assert.ok(close(r.kl, (await klDist(page, p, q)).value));
  // The Monte Carlo check catches up after the drag.
  await page.waitForFunction(() => !document.querySelector('.check').classList.contains('is-stale'));
  const k1 = Number(await page.locator('.check-table output[data-check="k1"]').getAttribute('data-value'));
  assert.equal(k1, (await klDist(page, p, q, { method: 'monte-carlo', samples: 10000, seed: 1, estimator: 'k1' })).value);
});

test('the keyboard moves Q’s spread handle; typing a value sets a parameter', async () => {
  const { page } = await open();
  const h0 = await hashState(page);
  await page.locator('g.handle[data-series="q"][data-kind="sd"]').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const h1 = await hashState(page);
  assert.ok(Number(h1.q.split(',')[1]) > Number(h0.q.split(',')[1]), `σ_Q ${h0.q} → ${h1.q}`);
  assert.equal(h1.q.split(',')[0], h0.q.split(',')[0], 'μ_Q unchanged');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.kind), 'sd', 'focus stays on the handle');

  const box = page.locator('.side-p .slider-box').nth(1);
  await box.fill('2');
  await box.press('Enter');
  const h2 = await hashState(page);
  assert.equal(h2.p, '0,2');
  const r = await readouts(page);
  const { p, q } = specsOf(h2);
  assert.ok(close(r.kl, (await klDist(page, p, q)).value));
});

test('a support mismatch reads ∞ and marks the region where q = 0 < p', async () => {
  const { page } = await open();
  await page.getByRole('button', { name: 'Support mismatch' }).click();
  await page.waitForFunction(() => document.querySelector('.readouts output[data-readout="kl"]').dataset.value === 'Infinity');
  assert.equal(await page.locator('.hero output').textContent(), '∞');
  assert.ok(await page.locator('.callout-inf').isVisible());
  assert.match(await page.locator('.callout-inf').textContent(), /KL\(P‖Q\) = ∞/);
  const band = await page.locator('.fig-dens rect.mismatch-fwd').first().boundingBox();
  const zero = await page.evaluate(() => {
    const ticks = [...document.querySelectorAll('.fig-dens .x-axis .tick')];
    const t = ticks.find((e) => e.textContent === '0');
    return t.getBoundingClientRect().x + t.getBoundingClientRect().width / 2;
  });
  assert.ok(Math.abs(band.x + band.width - zero) < 2, `band ends at x = 0 (${band.x + band.width} vs ${zero})`);
  const r = await readouts(page);
  assert.ok(Number.isFinite(r.reverseKL), 'KL(Q‖P) stays finite');
  await page.waitForFunction(() => !document.querySelector('.check').classList.contains('is-stale'));
  assert.equal(await page.locator('.check-table output[data-check="k1"]').getAttribute('data-value'), 'Infinity');
});

test('a mixture from a link: components, quadrature, and the hash round-trips', async () => {
  const hash = '#lab=continuous&pFamily=mixture&p=1,-2,0.5,3,1,1&qFamily=normal&q=0,2&integrand=reverse&unit=bits&samples=2000&seed=5';
  const { page } = await open(hash);
  assert.equal(await page.locator('.side-p .component').count(), 2);
  const h = await hashState(page);
  assert.equal(`#${Object.entries(h).map(([k, v]) => `${k}=${v}`).join('&')}`, hash);
  const r = await readouts(page);
  const { p, q } = specsOf(h);
  // 0.25·N(−2, 0.5) + 0.75·N(1, 1) against N(0, 2), in bits (mpmath quad: 0.18509373317740766 nats).
  assert.ok(close(r.kl, 0.185093733177407660 / Math.LN2, 1e-8), `kl ${r.kl}`);
  assert.ok(close(r.kl, (await klDist(page, p, q)).value / Math.LN2, 1e-12));
  assert.equal(await page.locator('.hero .method').textContent().then((t) => t.split(' ')[0]), 'quadrature');
  assert.match(await page.locator('.fig-dens .sum-label').textContent(), /KL\(Q‖P\)/);
  await page.getByRole('button', { name: '+ Add a component' }).first().click();
  await page.waitForFunction(() => document.querySelectorAll('.side-p .component').length === 3);
  assert.equal((await hashState(page)).p.split(',').length, 9);
  assert.equal(await page.locator('g.handle[data-series="p"][data-kind="mean"]').count(), 3);
});

test('a bad link falls back with a notice; a discrete P brings Q along', async () => {
  const { page } = await open('#lab=continuous&pFamily=normal&p=0,-1');
  assert.match(await page.locator('.notice-text').textContent(), /P has σ ≤ 0/);
  assert.equal((await hashState(page)).p, '0,1');
  await page.selectOption('#cont-p-family', 'poisson');
  await page.waitForFunction(() => document.querySelector('#cont-q-family').value === 'poisson');
  const h = await hashState(page);
  assert.equal(h.qFamily, 'poisson');
  const r = await readouts(page);
  const { p, q } = specsOf(h);
  const want = await klDist(page, p, q);
  assert.ok(close(r.kl, want.value));
  assert.equal(await page.locator('.fig-dens line.stem').count() > 0, true, 'mass functions are drawn as stems');
});

test('at 375 px nothing scrolls sideways', async () => {
  const { page } = await open('#lab=continuous&pFamily=mixture&p=0.5,-2,0.6,0.5,2,0.6&qFamily=normal&q=0,2.2', PHONE);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375));
});
