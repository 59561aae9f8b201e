// The Cross-entropy lab in real headless Chromium: the reader moves logits, picks
// and smooths the label, trains, and uses a batch; every number shown must be
// the core's (klplay.*) or an independently derived value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture, opener, readoutsOf, PHONE, drawn, hashState } from '../harness.mjs';

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

test('the default is the dog-vs-cat example: loss −log 0.9, all of it KL', async () => {
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

// ---- The points panel: softmax regression, where Q depends on the input ----

const labSchema = JSON.parse(readFileSync(new URL('../../core/session/labs/cross-entropy.json', import.meta.url))).fields;
const POINTS = labSchema.find((f) => f.name === 'points').default;
const MAX_FIT = labSchema.find((f) => f.name === 'fitStep').max;
const triples = (flat) => Array.from({ length: flat.length / 3 }, (_, i) => ({ x: flat[3 * i], y: flat[3 * i + 1], c: flat[3 * i + 2] }));

/** The panel's readouts, exact. */
const pointReadouts = (page) => readoutsOf(page, ['ptLoss', 'ptFloor', 'ptGap', 'fitStep'], '.lr-panel');

/** q(·|x) = softmax(Wx + b) for weights θ = [w_0x, w_0y, b_0, w_1x, …], in plain JavaScript. */
const predict = (th, x, y) => softmax(Array.from({ length: th.length / 3 }, (_, k) => th[3 * k] * x + th[3 * k + 1] * y + th[3 * k + 2]));

/** The world's posterior p(k|x): round Gaussians of spread σ around the centres the lab describes, equal priors. */
function posterior(k, sigma, x, y) {
  const mu = k === 2 ? [[-1.5, 0], [1.5, 0]] : [[0, 2], [-Math.sqrt(3), -1], [Math.sqrt(3), -1]];
  const d = mu.map(([a, b]) => Math.exp(-((x - a) ** 2 + (y - b) ** 2) / (2 * sigma * sigma)));
  const s = d.reduce((a, b) => a + b, 0);
  return d.map((v) => v / s);
}

/**
 * Full-batch gradient descent from θ = 0 in plain JavaScript: step size 2/λ_max of
 * the points' (x, y, 1) second-moment matrix (λ_max by power iteration).
 */
function descend(pts, k, targets, steps) {
  const n = pts.length;
  const S = [0, 1, 2].map((a) => [0, 1, 2].map((b) => pts.reduce((s, p) => { const v = [p.x, p.y, 1]; return s + (v[a] * v[b]) / n; }, 0)));
  let v = [1, 0.7, 0.3];
  let lam = 0;
  for (let it = 0; it < 5000; it++) {
    const u = S.map((row) => row[0] * v[0] + row[1] * v[1] + row[2] * v[2]);
    lam = Math.hypot(...u);
    v = u.map((e) => e / lam);
  }
  const eta = 2 / lam;
  const th = new Array(3 * k).fill(0);
  for (let t = 0; t < steps; t++) {
    const g = new Array(3 * k).fill(0);
    pts.forEach((p, i) => {
      const q = predict(th, p.x, p.y);
      for (let c = 0; c < k; c++) {
        const d = q[c] - targets[i][c];
        g[3 * c] += d * p.x; g[3 * c + 1] += d * p.y; g[3 * c + 2] += d;
      }
    });
    for (let j = 0; j < th.length; j++) th[j] -= (eta * g[j]) / n;
  }
  return th;
}

const oneHot = (pts, k) => pts.map((p) => Array.from({ length: k }, (_, c) => (c === p.c ? 1 : 0)));

test('points model: the loss shown is the mean of −log q(yᵢ|xᵢ), with q from gradient descent done here; dragging a point changes it', async () => {
  const { page } = await open('#lab=cross-entropy&pointLabels=onehot&fitStep=40');
  let st = await hashState(page);
  let pts = triples(st.points.split(',').map(Number));
  assert.deepEqual(pts, triples(POINTS));
  const th = descend(pts, 3, oneHot(pts, 3), 40);
  const mean = (t) => pts.reduce((s, p) => s - Math.log(predict(t, p.x, p.y)[p.c]), 0) / pts.length;
  let r = await pointReadouts(page);
  assert.equal(r.fitStep, 40);
  assert.ok(close(r.ptLoss, mean(th), 1e-9), `loss ${r.ptLoss}, mean −log q ${mean(th)}`);
  assert.equal(r.ptFloor, 0, 'one-hot labels have no entropy');
  assert.ok(r.ptLoss < Math.log(3) - 0.3, 'training lowered the loss from log 3');
  // The per-point bars are the same terms.
  const api = await page.evaluate(() => { const f = globalThis.klplay.crossEntropyPoints({ pointLabels: 'onehot', fitStep: 40 }); return { terms: Array.from(f.terms), weights: Array.from(f.weights) }; });
  assert.ok(api.weights.every((w, j) => Math.abs(w - th[j]) < 1e-9), `weights ${api.weights} vs ${th}`);
  api.terms.forEach((t, i) => assert.ok(close(t, -Math.log(predict(th, pts[i].x, pts[i].y)[pts[i].c]), 1e-9)));
  assert.equal(await page.locator('.lr-panel .bars rect.lr-term-gap').count(), pts.length);

  // Drag point 1 (class A, at (1.1, 1.3)) down into class C's cloud.
  const before = r.ptLoss;
  await page.locator('.lr-fig-plane').scrollIntoViewIfNeeded();
  const box = await page.locator('g.lr-pt[data-index="0"]').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width / 2 + 4 * i, box.y + box.height / 2 + 12 * i);
  await page.mouse.up();
  await page.waitForFunction((v) => Number(document.querySelector('.lr-panel output[data-readout="ptLoss"]').dataset.value) !== v, before);
  st = await hashState(page);
  pts = triples(st.points.split(',').map(Number));
  assert.ok(pts[0].y < 0 && pts[0].c === 0, `dragged to ${JSON.stringify(pts[0])}`);
  assert.deepEqual(pts.slice(1), triples(POINTS).slice(1));
  r = await pointReadouts(page);
  assert.equal(r.fitStep, 40, 'a drag keeps the iteration: the fit is replayed on the moved points');
  const th2 = descend(pts, 3, oneHot(pts, 3), 40);
  assert.ok(close(r.ptLoss, mean(th2), 1e-9), `after the drag: loss ${r.ptLoss}, mean −log q ${mean(th2)}`);
  assert.ok(r.ptLoss > before, 'a point dragged among another class costs more');
});

test('points model: with overlapping classes Play lowers the loss towards the aleatoric floor H(Y|X) and never below it', async () => {
  const { page } = await open();
  const pts = triples(POINTS);
  // The floor is the mean entropy of the world's posterior at the points, computed here.
  const floor = pts.reduce((s, p) => s + entropy(posterior(3, 1.2, p.x, p.y)), 0) / pts.length;
  let r = await pointReadouts(page);
  assert.ok(close(r.ptFloor, floor, 1e-12), `floor ${r.ptFloor} vs ${floor}`);
  assert.ok(floor > 0.2, `the default classes overlap: H(Y|X) = ${floor}`);
  assert.ok(close(r.ptLoss, Math.log(3), 1e-14), 'W = 0: q uniform');
  assert.ok(close(r.ptGap, r.ptLoss - r.ptFloor, 1e-12));
  // Record every loss the page shows while it trains.
  await page.evaluate(() => {
    const out = document.querySelector('.lr-panel output[data-readout="ptLoss"]');
    globalThis.seen = [];
    new MutationObserver(() => globalThis.seen.push([Number(out.dataset.value), Number(document.querySelector('.lr-panel output[data-readout="ptFloor"]').dataset.value)]))
      .observe(out, { attributes: true, attributeFilter: ['data-value'] });
  });
  await page.locator('[data-action="fit-play"]').click();
  await page.waitForFunction(() => /Converged/.test(document.querySelector('.lr-panel .callout').textContent), null, { timeout: 30_000 });
  assert.equal(await page.locator('[data-action="fit-play"]').getAttribute('aria-pressed'), 'false', 'Play stops itself once converged');
  const seen = await page.evaluate(() => globalThis.seen);
  assert.ok(seen.length > 10, `${seen.length} frames of training`);
  for (let i = 0; i < seen.length; i++) {
    assert.ok(seen[i][0] >= seen[i][1], `frame ${i}: loss ${seen[i][0]} below the floor ${seen[i][1]}`);
    if (i > 0) assert.ok(seen[i][0] <= seen[i - 1][0] * (1 + 1e-15), `frame ${i}: the loss rose from ${seen[i - 1][0]} to ${seen[i][0]}`);
  }
  r = await pointReadouts(page);
  assert.ok(r.ptLoss - floor < 1e-6 && r.ptLoss >= floor, `converged at ${r.ptLoss}, floor ${floor}`);
  // The model reaches the world's own posterior (the truth is a softmax of a linear function).
  const th = await page.evaluate((s) => Array.from(globalThis.klplay.crossEntropyPoints({ fitStep: s }).weights), r.fitStep);
  for (const p of pts) {
    const q = predict(th, p.x, p.y);
    posterior(3, 1.2, p.x, p.y).forEach((v, c) => assert.ok(Math.abs(q[c] - v) < 1e-3, `q ${q} vs p ${v}`));
  }
  // The trace and its floor are drawn, with the floor named.
  assert.match(await page.locator('.lr-panel .lr-floor-label').textContent(), /^aleatoric \(irreducible\)/);
  assert.equal(await page.locator('.lr-panel circle.lr-cur').count(), 1);
});

test('points model: a share link holds the iteration and reopens at the same loss; a hostile step is capped', async () => {
  const { page } = await open('#lab=cross-entropy&pointClasses=2&spread=1.5&points=-1,0,0,1,0.5,1,0.4,0.2,0,-0.3,-0.2,1,2,1,1,-2,-1,0');
  const play = page.locator('[data-action="fit-play"]');
  await play.click();
  await page.waitForFunction(() => Number(document.querySelector('.lr-panel output[data-readout="fitStep"]').dataset.value) >= 12);
  await play.click();
  const st = await hashState(page);
  const r = await pointReadouts(page);
  assert.equal(Number(st.fitStep), r.fitStep);
  assert.ok(r.ptLoss < Math.log(2) && r.ptGap > 0);
  const hash = `#${Object.entries(st).map(([k, v]) => `${k}=${v}`).join('&')}`;
  const { page: copy } = await open(hash);
  assert.deepEqual(await pointReadouts(copy), r, 'the link replays the fit to the same iteration, to the bit');
  // Two classes here: the true labels at six points, computed here, give the floor.
  const pts = triples(st.points.split(',').map(Number));
  const floor = pts.reduce((s, p) => s + entropy(posterior(2, 1.5, p.x, p.y)), 0) / pts.length;
  assert.ok(close(r.ptFloor, floor, 1e-12), `floor ${r.ptFloor} vs ${floor}`);
  const { page: hostile } = await open('#lab=cross-entropy&fitStep=99999999');
  assert.equal((await pointReadouts(hostile)).fitStep, MAX_FIT);
  assert.match(await hostile.locator(".notice-text").first().textContent(), new RegExp(`fitStep was above ${MAX_FIT}`));
  // Half a point, a class that does not exist, coordinates off the square: repaired and said so.
  const { page: bad } = await open('#lab=cross-entropy&pointClasses=2&points=1,2,5,9,9');
  const note = await bad.locator('.notice-text').first().textContent();
  assert.match(note, /points had entries outside -4 to 4; clamped/);
  assert.match(note, /points had 5 numbers, not whole triples/);
  assert.match(note, /points named classes that do not exist/);
  const fixed = await hashState(bad);
  assert.equal(fixed.points, '1,2,0');
  assert.ok(close((await pointReadouts(bad)).ptLoss, Math.LN2, 1e-15), 'one point, W = 0: log 2');
});

test('points model: add a point by clicking, move one by keys, remove one by double-click', async () => {
  const { page } = await open('#lab=cross-entropy&fitStep=5');
  const count = () => page.locator('g.lr-pt').count();
  assert.equal(await count(), 24);
  await page.getByRole('radio', { name: 'C', exact: true }).check();
  await page.locator('.lr-fig-plane').scrollIntoViewIfNeeded();
  const ground = await page.locator('rect.lr-ground').boundingBox();
  // The square is [−4, 4]²: its centre is the origin.
  await page.mouse.click(ground.x + ground.width / 2, ground.y + ground.height / 2);
  await page.waitForFunction(() => document.querySelectorAll('g.lr-pt').length === 25);
  let st = await hashState(page);
  const added = triples(st.points.split(',').map(Number)).at(-1);
  assert.ok(Math.abs(added.x) < 0.1 && Math.abs(added.y) < 0.1 && added.c === 2, JSON.stringify(added));
  const pt = page.locator('g.lr-pt[data-index="3"]');
  await pt.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /^-0\.35,/.test(new URLSearchParams(location.hash.slice(1)).get('points').split(',').slice(9).join(',')));
  await page.locator('g.lr-pt[data-index="5"]').dblclick();
  await page.waitForFunction(() => document.querySelectorAll('g.lr-pt').length === 24);
  st = await hashState(page);
  const now = triples(st.points.split(',').map(Number));
  const want = [...triples(POINTS), added].filter((_, i) => i !== 5);
  want[3] = { ...want[3], x: -0.35 };
  assert.deepEqual(now, want);
  // Without a pointer: + point puts one of the chosen class at the centre.
  await page.getByRole('radio', { name: 'B', exact: true }).check();
  await page.getByRole('button', { name: '+ point' }).click();
  await page.waitForFunction(() => document.querySelectorAll('g.lr-pt').length === 25);
  now.push({ x: 0, y: 0, c: 1 });
  assert.deepEqual(triples((await hashState(page)).points.split(',').map(Number)), now);
  const r = await pointReadouts(page);
  const th = descend(now, 3, now.map((p) => posterior(3, 1.2, p.x, p.y)), 5);
  const loss = now.reduce((s, p) => s - posterior(3, 1.2, p.x, p.y).reduce((a, v, c) => a + v * Math.log(predict(th, p.x, p.y)[c]), 0), 0) / now.length;
  assert.ok(close(r.ptLoss, loss, 1e-9), `${r.ptLoss} vs ${loss}`);
});

test('375 px: the points panel fits, the TRUE header stays on one line, and the text says the dog-vs-cat example', async () => {
  const { page } = await open('#lab=cross-entropy', PHONE);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375), 'no horizontal scroll');
  const head = await page.evaluate(() => {
    const el = document.querySelector('.xe-row-head .xe-col-label');
    const range = document.createRange();
    range.selectNodeContents(el);
    return { lines: range.getClientRects().length, text: el.textContent };
  });
  assert.deepEqual(head, { lines: 1, text: 'true' });
  const box = await page.locator('.lr-panel').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 375, `panel ${JSON.stringify(box)}`);
  const text = await page.locator('main').innerText();
  assert.match(text, /Start with the dog-vs-cat example/);
  assert.doesNotMatch(text, /seed/i);
});
