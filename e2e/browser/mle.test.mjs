// The Maximum-likelihood lab in real headless Chromium: sampled and pasted data,
// the animated fit against the closed form, NLL = H(P_data) + KL, the decoder's
// messages, the sample-size study, the URL and the phone layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, opener, readoutsOf, PHONE } from '../harness.mjs';

const { server, browser } = await fixture();

const KEYS = ['kl', 'nll', 'h', 'gap'];
const close = (a, b, rel = 1e-12) => a === b || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));

const open = opener(browser, server.url, '#lab=mle');

const readouts = (page) => readoutsOf(page, KEYS);
const params = (page, attr) => page.evaluate((a) => [...document.querySelectorAll(`.mle-params output[data-${a}]`)].filter((o) => o.dataset[a] !== 'kl').map((o) => Number(o.dataset.value)), attr);
const steps = (page) => page.evaluate(() => Number(document.querySelector('output[data-readout="steps"]').textContent));

async function fitToEnd(page) {
  await page.locator('[data-action="play"]').click();
  await page.waitForFunction(() => /Converged|Paused/.test(document.querySelector('.fig-trace .fig-note').textContent), null, { timeout: 30_000 });
}

async function paste(page, text) {
  await page.getByRole('radio', { name: 'My numbers' }).check();
  await page.getByLabel('Your numbers').fill(text);
  await page.getByRole('button', { name: 'Use these numbers' }).click();
}

test('the default sample: gamma fitted by ascent lands on the numerical MLE, NLL − KL stays at H(P)', async () => {
  const { page } = await open();
  const r0 = await readouts(page);
  for (const k of KEYS) assert.ok(Number.isFinite(r0[k]), `${k} ${r0[k]}`);
  // H(P) of gamma(2, 1): 1 + log Γ(2) − log 1 + (1 − 2)ψ(2) = 2 − (1 − γ) = 1 + γ (γ Euler's constant).
  assert.ok(close(r0.h, 1 + 0.5772156649015329, 1e-9), `H ${r0.h}`);
  await fitToEnd(page);
  const r1 = await readouts(page);
  assert.ok(r1.kl < r0.kl - 0.05, `KL ${r0.kl} → ${r1.kl}`);
  assert.ok(r1.nll < r0.nll);
  // The NLL fell by (nearly) what the KL fell by: their gap barely moved.
  assert.ok(Math.abs(r1.gap - r0.gap) < 0.02 * Math.abs(r0.kl - r1.kl) + 0.005, `gap ${r0.gap} → ${r1.gap}`);
  const fitP = await params(page, 'param');
  const closedP = await params(page, 'closed');
  assert.equal(fitP.length, 2);
  fitP.forEach((v, i) => assert.ok(close(v, closedP[i], 1e-6), `${v} vs ${closedP[i]}`));
  assert.match(await page.locator('.mle-agree').textContent(), /agree/);
  // The same numbers from the API, called as a blog author would.
  const api = await page.evaluate(() => {
    const d = globalThis.klplay.mleData({ truth: 'gamma', a: 2, b: 1, n: 500, seed: 1 });
    const r = globalThis.klplay.mleLab({ model: 'gamma', bins: 30, reference: 'truth' }, { data: d.handle, theta: null, steps: 0 });
    return { closed: Array.from(r.closed.params), h: r.h, method: r.closed.method };
  });
  assert.deepEqual(api.closed, closedP);
  assert.equal(api.method, 'numerical');
  // The sample-size study is drawn and its KL falls.
  const dots = await page.locator('.fig-study circle.mle-study-dot').count();
  assert.ok(dots >= 5, `${dots} study points`);
});

test('pasted numbers: the normal closed form is the mean and the biased standard deviation', async () => {
  const { page } = await open('#lab=mle&model=normal');
  await paste(page, 'x_value\n1, 2\n3\n4\n');
  await page.waitForFunction(() => /4 values \(header “x_value” skipped\)/.test(document.querySelector('.mle-data:not([hidden]) .small:last-child').textContent));
  await page.waitForFunction(() => document.querySelector('.mle-params output[data-closed="0"]')?.dataset.value === '2.5');
  const closedP = await params(page, 'closed');
  assert.deepEqual(closedP, [2.5, Math.sqrt(1.25)]);
  await fitToEnd(page);
  const fitP = await params(page, 'param');
  fitP.forEach((v, i) => assert.ok(close(v, closedP[i], 1e-8), `${v} vs ${closedP[i]}`));
  // Histogram reference for pasted data: the binned identity holds exactly.
  const r = await readouts(page);
  assert.ok(Number.isFinite(r.kl) && r.kl >= 0);
  assert.equal(await page.locator('.fig-trace fieldset.segmented').isVisible(), false, 'no truth to choose for pasted data');
  assert.equal(await page.locator('.fig-study svg.chart').isVisible(), false);
});

test('bad pasted input gets a clear message with line and column, and nothing breaks', async () => {
  const { page } = await open();
  const before = await readouts(page);
  await paste(page, '1.5, 2\n3, abc\n');
  const alert = page.locator('.mle-data [role="alert"]');
  await alert.waitFor({ state: 'visible' });
  assert.match(await alert.textContent(), /line 2, column 4: "abc" is not a number/);
  await paste(page, '   \n');
  await page.waitForFunction(() => /empty/.test(document.querySelector('.mle-data [role="alert"]').textContent));
  await paste(page, '1\nNaN');
  await page.waitForFunction(() => /line 2, column 1: "NaN" is not a finite number/.test(document.querySelector('.mle-data [role="alert"]').textContent));
  // Too many values, straight through the API: a typed error, and the next call works.
  const res = await page.evaluate(() => {
    const big = '1\n'.repeat(1_000_000);
    const ok = globalThis.klplay.mleData(null, { text: big });
    let code;
    try { globalThis.klplay.mleData(null, { text: `${big}2` }); } catch (e) { code = e.code; }
    const r = globalThis.klplay.mleLab({ model: 'categorical', bins: 30 }, { data: ok.handle, steps: 0 });
    return { n: ok.n, code, kl: r.kl };
  });
  assert.deepEqual(res, { n: 1_000_000, code: 'too-large', kl: Math.LN2 }); // KL([0, 1] ‖ [½, ½]) at the uniform start
  await page.getByRole('radio', { name: 'Sample' }).check();
  await page.waitForFunction((v) => Number(document.querySelector('.readouts output[data-readout="kl"]').dataset.value) === v, before.kl);
});

test('a CSV file loads through the file picker', async () => {
  const { page } = await open('#lab=mle&model=exponential');
  await page.getByRole('radio', { name: 'My numbers' }).check();
  const csv = `wait_s\n${Array.from({ length: 200 }, (_, i) => ((i * 37) % 101) / 10 + 0.05).join('\n')}\n`;
  await page.locator('#mle-file').setInputFiles({ name: 'waits.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.waitForFunction(() => /200 values \(header “wait_s” skipped\) from waits\.csv/.test(document.querySelector('.mle-data:not([hidden]) .small:last-child').textContent));
  const xs = csv.trim().split('\n').slice(1).map(Number);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  await page.waitForFunction((v) => Math.abs(Number(document.querySelector('.mle-params output[data-closed="0"]')?.dataset.value) - v) < 1e-12 * v, 1 / mean);
});

test('counts with a categorical model: NLL = H(P̂) + KL(P̂‖P_θ) exactly, and the fit reaches the frequencies', async () => {
  const { page } = await open('#lab=mle&truth=poisson&a=3&model=categorical&n=300&lr=0.5');
  const r0 = await readouts(page);
  assert.ok(close(r0.nll, r0.h + r0.kl, 1e-12), `${r0.nll} vs ${r0.h} + ${r0.kl}`);
  await fitToEnd(page);
  const r1 = await readouts(page);
  assert.ok(close(r1.nll, r1.h + r1.kl, 1e-12));
  assert.ok(r1.kl < 1e-6, `KL ${r1.kl}`);
  assert.ok(Math.abs(r1.gap - r0.gap) < 1e-12, 'the gap is exactly H(P̂), before and after');
  assert.ok(await page.locator('.fig-hist circle.mle-dot').count() >= 5);
});

test('Step advances one step; the URL reproduces the view; the histogram reference works', async () => {
  const { page } = await open('#lab=mle&truth=normal&a=1&b=2&model=laplace&n=1000&seed=7');
  await page.getByRole('button', { name: 'Step' }).click();
  await page.waitForFunction(() => document.querySelector('output[data-readout="steps"]').textContent === '1');
  await page.getByRole('radio', { name: 'histogram' }).check();
  await page.waitForFunction(() => /bins/.test(document.querySelector('.hero .hero-hint').textContent));
  const hash = await page.evaluate(() => location.hash);
  await page.waitForFunction(() => location.hash.includes('reference=bins'));
  const r = await readouts(page);
  assert.ok(Number.isFinite(r.kl) && r.kl > 0);
  const { page: copy } = await open(await page.evaluate(() => location.hash));
  const closedA = await params(page, 'closed');
  assert.deepEqual(await params(copy, 'closed'), closedA, 'same data, same closed form');
  assert.ok(close(closedA[0], await page.evaluate(() => {
    const d = globalThis.klplay.mleData({ truth: 'normal', a: 1, b: 2, n: 1000, seed: 7 });
    return globalThis.klplay.mleLab({ model: 'laplace', bins: 30 }, { data: d.handle }).closed.params[0];
  })));
  assert.ok(hash.includes('model=laplace'));
});

test('375 px wide: no horizontal scroll', async () => {
  const { page } = await open('#lab=mle', PHONE);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375));
  await page.getByRole('radio', { name: 'My numbers' }).check();
  await page.waitForSelector('#mle-text');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375));
});
