// The Cross-entropy lab in real headless Chromium: the reader moves logits, picks
// and smooths the label, trains, and uses a batch; every number shown must be
// the core's (klplay.*) or an independently derived value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, opener, readoutsOf, PHONE, drawn } from '../harness.mjs';

const { server, browser } = await fixture();

const KEYS = ['crossEntropy', 'entropyP', 'kl', 'qTrue', 'lossTrue', 'gradNorm'];
const close = (a, b, rel = 1e-12) => a === b || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));

// Independent of the page: softmax and entropy in plain JavaScript.
const softmax = (z) => { const m = Math.max(...z); const e = z.map((x) => Math.exp(x - m)); const s = e.reduce((a, b) => a + b, 0); return e.map((x) => x / s); };
const entropy = (p) => -p.reduce((a, x) => a + (x > 0 ? x * Math.log(x) : 0), 0);

const open = opener(browser, server.url, '#lab=cross-entropy');

const readouts = (page) => readoutsOf(page, KEYS);

/** The logits the page holds, exactly (each slider's data-value; the range input itself snaps to its step). */
function logits(page) {
  return page.evaluate(() => [...document.querySelectorAll('input.xe-slider')].map((el) => Number(el.dataset.value)));
}

/** What the core says for a state, called the way the page calls it. */
function core(page, state, view) {
  return page.evaluate(([s, v]) => {
    const r = globalThis.klplay.crossEntropyLab(s, v);
    return { ...r, q: Array.from(r.q), p: Array.from(r.p), losses: Array.from(r.losses), logits: Array.from(r.logits) };
  }, [state, view]);
}

/** Waits until readout `key` is > x ('gt'), < x ('lt') or within 1e-12 of x ('near'). */
async function waitValue(page, key, op, x) {
  await page.waitForFunction(([k, o, x]) => {
    const v = Number(document.querySelector(`.readouts output[data-readout="${k}"]`).dataset.value);
    return o === 'gt' ? v > x : o === 'lt' ? v < x : Math.abs(v - x) < 1e-12;
  }, [key, op, x]);
}

test('the default is the seeds’ dog-vs-cat example: loss −log 0.9, all of it KL', async () => {
  const { page } = await open();
  const r = await readouts(page);
  assert.ok(close(r.crossEntropy, 0.10536051565782628, 1e-14), `loss ${r.crossEntropy}`); // −ln 0.9
  assert.equal(r.entropyP, 0);
  assert.ok(close(r.kl, r.crossEntropy, 1e-14));
  assert.ok(close(r.qTrue, 0.9, 1e-14));
  assert.ok(close(r.lossTrue, 0.10536051565782628, 1e-14));
  assert.ok(close(r.gradNorm, Math.SQRT2 * 0.1, 1e-13)); // q − p = [−0.1, 0.1]
  // The same numbers from the core's plain measures.
  const viaApi = await page.evaluate(() => [globalThis.klplay.crossEntropy([1, 0], [0.9, 0.1]), globalThis.klplay.kl([1, 0], [0.9, 0.1])]);
  assert.ok(close(r.crossEntropy, viaApi[0], 1e-14) && close(r.kl, viaApi[1], 1e-14));
  assert.equal(await page.locator('.readouts output[data-readout="crossEntropy"]').textContent(), '0.1054');
  assert.deepEqual(await page.locator('.fig-dist .x-axis .tick text').allTextContents(), ['dog', 'cat']);
  assert.equal(await page.locator('h1').textContent(), 'Cross-entropy');
  assert.equal(await page.locator('.fig-grad rect.term').count(), 2);
});

test('keyboard on a logit slider and typing a logit change Q and the loss as softmax predicts', async () => {
  const { page } = await open();
  const slider = page.getByRole('slider', { name: 'Logit z(cat)' });
  await slider.focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => Math.abs(Number(document.querySelectorAll('input.xe-slider')[1].dataset.value) - 0.05) < 1e-9);
  await drawn(page);
  let z = await logits(page);
  assert.ok(Math.abs(z[1] - 0.05) < 1e-9, `z ${z}`);
  let q = softmax(z);
  let r = await readouts(page);
  assert.ok(close(r.qTrue, q[0], 1e-12) && close(r.crossEntropy, -Math.log(q[0]), 1e-12), `${r.crossEntropy} vs ${-Math.log(q[0])}`);

  const typed = page.getByRole('spinbutton', { name: 'Logit z(dog), typed' });
  await typed.fill('-1.5');
  await typed.press('Enter');
  await waitValue(page, 'qTrue', 'lt', 0.5);
  z = await logits(page);
  assert.equal(z[0], -1.5);
  q = softmax([-1.5, 0.05]);
  r = await readouts(page);
  assert.ok(close(r.qTrue, q[0], 1e-12) && close(r.lossTrue, -Math.log(q[0]), 1e-12));
  // Choosing cat as the true class: the loss becomes −log q_cat.
  await page.getByRole('radio', { name: 'The image is a cat' }).check();
  await waitValue(page, 'qTrue', 'gt', 0.5);
  r = await readouts(page);
  assert.ok(close(r.crossEntropy, -Math.log(q[1]), 1e-12), `${r.crossEntropy}`);
});

test('label smoothing gives H(P) > 0 and H(P, Q) = H(P) + KL(P‖Q)', async () => {
  const { page } = await open();
  const eps = page.getByRole('spinbutton', { name: 'Label smoothing ε, typed' });
  await eps.fill('0.1');
  await eps.press('Enter');
  await waitValue(page, 'entropyP', 'gt', 0);
  const r = await readouts(page);
  const p = [0.95, 0.05];
  // mpmath (30 digits): H = 0.198515243345872556, KL(P‖[0.9, 0.1]) = 0.0167065011787647139.
  assert.ok(close(r.entropyP, 0.198515243345872556, 1e-14) && close(r.entropyP, entropy(p), 1e-14));
  assert.ok(close(r.kl, 0.0167065011787647139, 1e-12), `kl ${r.kl}`);
  assert.ok(close(r.crossEntropy, r.entropyP + r.kl, 1e-14));
  const api = await page.evaluate((p) => globalThis.klplay.kl(p, [0.9, 0.1]), p);
  assert.ok(close(r.kl, api, 1e-12));
  // The stacked bar shows both parts with their widths in proportion.
  const w = await page.evaluate(() => ['xe-seg-h', 'xe-seg-kl'].map((c) => Number(document.querySelector(`.${c}`).getAttribute('width'))));
  assert.ok(Math.abs(w[0] / w[1] - r.entropyP / r.kl) < 0.05 * (r.entropyP / r.kl), `widths ${w}`);
  await page.getByLabel('bits', { exact: true }).check();
  await waitValue(page, 'entropyP', 'gt', r.entropyP + 0.01);
  const b = await readouts(page);
  assert.ok(close(b.entropyP, r.entropyP / Math.LN2, 1e-13) && close(b.crossEntropy, r.crossEntropy / Math.LN2, 1e-13));
});

test('Step takes one gradient step: z ← z − η(q − p)', async () => {
  const { page } = await open();
  await page.getByRole('button', { name: 'Step' }).click();
  await page.waitForFunction(() => document.querySelector('output[data-readout="steps"]').textContent === '1');
  await drawn(page);
  const z = await logits(page);
  assert.ok(Math.abs(z[0] - (Math.log(9) + 0.1)) < 1e-12 && Math.abs(z[1] + 0.1) < 1e-12, `z ${z}`);
  const r = await readouts(page);
  assert.ok(close(r.crossEntropy, 0.0870672854624423471583, 1e-13), `${r.crossEntropy}`); // mpmath: log(1 + e^−0.2/9)
});

test('training with a smoothed label: the loss falls to H(P) and stops there', async () => {
  const { page } = await open('#lab=cross-entropy&smoothing=0.5&lr=2');
  const r0 = await readouts(page);
  const play = page.locator('[data-action="play"]');
  await play.click();
  await page.waitForFunction(() => /Converged/.test(document.querySelector('.fig-trace .fig-note').textContent), null, { timeout: 20_000 });
  assert.equal(await play.getAttribute('aria-pressed'), 'false', 'training pauses itself at convergence');
  const r = await readouts(page);
  assert.ok(close(r.entropyP, entropy([0.75, 0.25]), 1e-14));
  assert.ok(Math.abs(r.crossEntropy - r.entropyP) < 1e-9 && r.kl < 1e-9, `loss ${r.crossEntropy}, H ${r.entropyP}`);
  assert.ok(r.crossEntropy < r0.crossEntropy);
  assert.ok(Math.abs(r.qTrue - 0.75) < 1e-6);
  // The curve and its floor are drawn.
  assert.ok(await page.locator('.fig-trace .xe-floor').count() === 1);
  const d = await page.locator('.fig-trace path.xe-line-loss').getAttribute('d');
  assert.ok(d && d.split(/[LC]/).length > 3, `a loss curve with several points: ${d}`);
  // The state reached is the one the core reaches from the same start.
  const steps = Number(await page.locator('output[data-readout="steps"]').textContent());
  const want = await core(page, { logits: [Math.log(9), 0], label: 0, smoothing: 0.5, mode: 'single', batch: [0], lr: 2 }, { steps });
  const z = await logits(page);
  assert.ok(z.every((v, i) => Math.abs(v - want.logits[i]) < 1e-12), `${z} vs ${want.logits}`);
  assert.ok(steps > 5);
});

test('play and pause: the one-hot loss keeps falling while playing and stops when paused', async () => {
  const { page } = await open();
  const play = page.locator('[data-action="play"]');
  await play.click();
  await page.waitForFunction(() => Number(document.querySelector('output[data-readout="steps"]').textContent) >= 20);
  await play.click();
  const r1 = await readouts(page);
  const s1 = await page.locator('output[data-readout="steps"]').textContent();
  await page.waitForTimeout(300); // about time: paused, no step comes however long one waits
  assert.equal(await page.locator('output[data-readout="steps"]').textContent(), s1, 'paused');
  assert.ok(r1.crossEntropy < 0.105 && r1.crossEntropy > 0, `${r1.crossEntropy}`);
  assert.equal(r1.entropyP, 0);
  assert.ok(close(r1.kl, r1.crossEntropy, 1e-12));
  const z = await logits(page);
  assert.ok(Math.abs(z[0] + z[1] - Math.log(9)) < 1e-9, 'the sum of the logits never changes');
});

test('batch mode: the mean loss is H(P̄, Q) and training reaches the label frequencies', async () => {
  const { page } = await open();
  await page.getByRole('radio', { name: 'A batch' }).check();
  await waitValue(page, 'entropyP', 'gt', 0);
  let r = await readouts(page);
  // dog, dog, cat, dog against [0.9, 0.1] (mpmath): mean loss 0.654666659991881147, H(P̄) 0.562335144618808350.
  assert.ok(close(r.crossEntropy, 0.654666659991881147, 1e-14), `${r.crossEntropy}`);
  assert.ok(close(r.entropyP, 0.562335144618808350, 1e-14));
  const bars = await page.locator('.xe-batch rect.xe-example-bar').count();
  assert.equal(bars, 4);
  assert.ok(close(Number(await page.locator('output[data-readout="meanLoss"]').first().getAttribute('data-value')), r.crossEntropy, 1e-14));
  // Add an example and make it a cat: P̄ = [0.6, 0.4].
  await page.getByRole('button', { name: '+ example' }).click();
  await page.getByRole('combobox', { name: 'Label of example 5' }).selectOption({ label: 'cat' });
  await waitValue(page, 'entropyP', 'near', 0.6730116670092565);
  r = await readouts(page);
  assert.ok(close(r.entropyP, entropy([0.6, 0.4]), 1e-14));
  const want = -(0.6 * Math.log(0.9) + 0.4 * Math.log(0.1));
  assert.ok(close(r.crossEntropy, want, 1e-13));
  await page.getByRole('spinbutton', { name: 'Learning rate η, typed' }).fill('2');
  await page.getByRole('spinbutton', { name: 'Learning rate η, typed' }).press('Enter');
  await page.locator('[data-action="play"]').click();
  await page.waitForFunction(() => /Converged/.test(document.querySelector('.fig-trace .fig-note').textContent), null, { timeout: 20_000 });
  r = await readouts(page);
  assert.ok(Math.abs(r.crossEntropy - entropy([0.6, 0.4])) < 1e-9 && r.kl < 1e-9);
  const q = softmax(await logits(page));
  assert.ok(Math.abs(q[0] - 0.6) < 1e-6, `q ${q}`);
});

test('classes and names: more classes, renamed, and the URL reproduces the view', async () => {
  const { page } = await open();
  await page.getByRole('button', { name: 'More classes' }).click();
  await page.waitForFunction(() => document.querySelectorAll('input.xe-slider').length === 3);
  const name = page.getByRole('textbox', { name: 'Name of class 2' });
  await name.fill('fox');
  await name.press('Enter');
  await page.waitForFunction(() => [...document.querySelectorAll('.fig-dist .x-axis .tick text')].map((t) => t.textContent).join() === 'dog,fox,bird');
  const slider = page.getByRole('slider', { name: 'Logit z(bird)' });
  await slider.focus();
  await page.keyboard.press('PageUp');
  await page.getByRole('radio', { name: 'The image is a bird' }).check();
  await page.waitForFunction(() => /label=2/.test(location.hash) && /names=dog,fox,bird/.test(location.hash) && !/logits=[^&]*,0$|logits=[^&]*,0&/.test(location.hash));
  const r = await readouts(page);
  const z = await logits(page);
  const q = softmax(z);
  assert.ok(close(r.crossEntropy, -Math.log(q[2]), 1e-12));
  const hash = await page.evaluate(() => location.hash);
  const { page: copy } = await open(hash);
  assert.deepEqual(await readouts(copy), r);
  assert.deepEqual(await logits(copy), z);
  assert.ok(!(await copy.locator('.notice').first().isVisible()));
});

test('a bad link is repaired and said so; the core rejects bad input without crashing', async () => {
  const { page } = await open('#lab=cross-entropy&logits=1,2,x&label=7&smoothing=3');
  assert.ok(await page.locator('.notice').first().isVisible());
  const text = await page.locator('.notice-text').first().textContent();
  assert.match(text, /logits is not a list of numbers/);
  assert.match(text, /smoothing was above 1/);
  assert.match(text, /label 7 is not one of the 2 classes/);
  const r = await readouts(page);
  assert.ok(Number.isFinite(r.crossEntropy));
  const codes = await page.evaluate(() => {
    const tries = [
      { logits: [1], label: 0 }, { logits: [0, 0], label: 5 }, { logits: [0, NaN] }, { logits: [0, 0], mode: 'many' },
      { logits: [0, 0], mode: 'batch', batch: [0.5] }, [{ logits: [0, 0], lr: 0 }, { steps: 1 }], { logits: 'x' },
    ];
    return tries.map((s) => { try { globalThis.klplay.crossEntropyLab(...[s].flat()); return 'ok'; } catch (e) { return e.code; } });
  });
  assert.deepEqual(codes, ['out-of-range', 'out-of-range', 'not-finite', 'unknown-name', 'out-of-range', 'out-of-range', 'wrong-type']);
  assert.ok(close(await page.evaluate(() => globalThis.klplay.crossEntropyLab({ logits: [0, 0] }).crossEntropy), Math.LN2, 1e-15), 'the next call works');
});

test('375 px wide: no horizontal scroll, and the controls still work', async () => {
  const { page } = await open('#lab=cross-entropy', PHONE);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375));
  const typed = page.getByRole('spinbutton', { name: 'Logit z(dog), typed' });
  await typed.fill('0');
  await typed.press('Enter');
  await waitValue(page, 'qTrue', 'near', 0.5);
  assert.ok(close((await readouts(page)).crossEntropy, Math.LN2, 1e-14));
  await page.getByRole('radio', { name: 'A batch' }).check();
  await page.waitForSelector('.xe-batch:not([hidden])');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375));
});
