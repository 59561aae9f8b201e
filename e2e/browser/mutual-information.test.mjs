// The Mutual information lab in real headless Chromium: the reader edits the
// joint table by keyboard, drag, typing and presets, and traces the bottleneck
// curve; every number shown must be the core's (klplay.*) for the table the
// page shows, or an independently derived value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, opener, readoutsOf, PHONE, drawn, hashSettled } from '../harness.mjs';

const { server, browser } = await fixture();

const KEYS = ['mi', 'hx', 'hy', 'hxy', 'hxGivenY', 'hyGivenX', 'ixt', 'ity'];
const close = (a, b, rel = 1e-12) => a === b || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
const sum = (a) => a.reduce((x, y) => x + y, 0);

const open = opener(browser, server.url, '#lab=mutual-information');

const readouts = (page) => readoutsOf(page, KEYS, '.lab-mutual-information');

/** The table the reader sees: each cell's aria-valuenow, with its shape. */
function table(page) {
  return page.evaluate(() => {
    const cells = [...document.querySelectorAll('.fig-joint rect.cell[role="slider"]')];
    const rows = 1 + Math.max(...cells.map((c) => Number(c.dataset.i)));
    const cols = 1 + Math.max(...cells.map((c) => Number(c.dataset.j)));
    const flat = Array(rows * cols).fill(NaN);
    for (const c of cells) flat[Number(c.dataset.k)] = Number(c.getAttribute('aria-valuenow'));
    return { rows, cols, flat };
  });
}

/**
 * What the core says for that table, computed in the page: I(X;Y) as
 * klplay.kl(joint, product of marginals) and as klplay.mutualInformation, and
 * the entropies from klplay.entropy on the marginals and the joint.
 */
function core(page, { rows, cols, flat }, base = 2) {
  return page.evaluate(([rows, cols, flat, base]) => {
    const k = globalThis.klplay;
    const px = Array.from({ length: rows }, (_, i) => flat.slice(i * cols, (i + 1) * cols).reduce((a, b) => a + b, 0));
    const py = Array.from({ length: cols }, (_, j) => px.reduce((a, _x, i) => a + flat[i * cols + j], 0));
    const product = [];
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) product.push(px[i] * py[j]);
    const o = { base, normalize: true };
    const rowsOf = Array.from({ length: rows }, (_, i) => flat.slice(i * cols, (i + 1) * cols));
    return {
      klProduct: k.kl(flat, product, o),
      mi: k.mutualInformation(rowsOf, o),
      hx: k.entropy(px, o),
      hy: k.entropy(py, o),
      hxy: k.entropy(flat, o),
    };
  }, [rows, cols, flat, base]);
}

async function assertMatchesCore(page, base = 2) {
  const t = await table(page);
  assert.ok(Math.abs(sum(t.flat) - 1) < 1e-9, `table sums to ${sum(t.flat)}`);
  const r = await readouts(page);
  const c = await core(page, t, base);
  assert.ok(Math.abs(r.mi - c.klProduct) <= 1e-9 * r.mi + 1e-15, `I(X;Y) ${r.mi} vs kl(joint, product) ${c.klProduct}`);
  assert.ok(close(r.mi, c.mi, 1e-12), `I(X;Y) ${r.mi} vs mutualInformation ${c.mi}`);
  for (const key of ['hx', 'hy', 'hxy']) assert.ok(close(r[key], c[key], 1e-12), `${key} ${r[key]} vs ${c[key]}`);
  assert.ok(Math.abs(r.hxGivenY - (c.hxy - c.hy)) < 1e-12 && Math.abs(r.hyGivenX - (c.hxy - c.hx)) < 1e-12);
  assert.ok(r.ity <= r.mi + 1e-12 && r.ity <= r.ixt + 1e-12, `bottleneck point (${r.ixt}, ${r.ity}) above a bound (I(X;Y) ${r.mi})`);
  return { t, r };
}

async function waitChange(page, key, before) {
  await page.waitForFunction(([k, v]) => document.querySelector(`.lab-mutual-information output[data-readout="${k}"]`).dataset.value !== v, [key, String(before)]);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

test('the page loads with no console errors and shows the numbers Go computes', async () => {
  const { page } = await open();
  assert.equal(await page.locator('h1').textContent(), 'Mutual information');
  const { t, r } = await assertMatchesCore(page);
  assert.equal(t.rows, 4);
  assert.equal(t.cols, 4);
  // The default table's I(X;Y) in bits (mpmath, 30 digits, from the definition).
  assert.ok(close(r.mi, 0.411040636055915960654528145187, 1e-12), `I = ${r.mi}`);
  assert.equal(await page.locator('.hero output[data-readout="mi"]').textContent(), '0.4110');
  // The pointwise terms sum to I(X;Y).
  const terms = await page.$$eval('.fig-terms rect.cell', (els) => els.map((e) => Number(e.getAttribute('data-term'))));
  assert.equal(terms.length, 16);
  assert.ok(Math.abs(sum(terms) - r.mi) < 1e-12);
  // The encoder's rows sum to 1, and its numbers are the core's for the same state.
  const enc = await page.$$eval('.fig-encoder rect.cell', (els) => els.map((e) => Number(e.getAttribute('data-value'))));
  assert.equal(enc.length, 4 * 2);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(enc[2 * i] + enc[2 * i + 1] - 1) < 1e-12);
  const direct = await page.evaluate((flat) => {
    const x = globalThis.klplay.mutualInformationLab({ distribution: flat, rows: 4, cols: 4, clusters: 2, beta: 8, seed: 1, unit: 'bits' });
    return { ixt: x.ixt, ity: x.ity };
  }, t.flat);
  assert.equal(r.ixt, direct.ixt);
  assert.equal(r.ity, direct.ity);
});

test('keyboard: arrow keys move between cells, + and − and Page Up/Down change the mass', async () => {
  const { page } = await open();
  const t0 = await table(page);
  await page.locator('.fig-joint rect.cell[data-k="0"]').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.k), '5', 'focus moved to x2, y2');
  assert.equal(await page.locator('.fig-joint rect.cell[tabindex="0"]').count(), 1, 'one tab stop for the whole table');
  const before = await readouts(page);
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  await page.waitForFunction((v) => Number(document.activeElement.getAttribute('aria-valuenow')) > v + 0.029, t0.flat[5]);
  await waitChange(page, 'mi', before.mi);
  let t1 = await table(page);
  assert.ok(Math.abs(t1.flat[5] - (t0.flat[5] + 0.03)) < 1e-9, `cell 5: ${t0.flat[5]} → ${t1.flat[5]}`);
  // The others rescaled proportionally (to the page's 1e-6 grid).
  assert.ok(Math.abs(t1.flat[0] / t1.flat[15] - t0.flat[0] / t0.flat[15]) < 1e-4);
  await assertMatchesCore(page);
  await page.keyboard.press('PageDown');
  await page.waitForFunction((v) => Math.abs(Number(document.activeElement.getAttribute('aria-valuenow')) - v) < 1e-9, t1.flat[5] - 0.05);
  await page.keyboard.press('-');
  await page.waitForFunction((v) => Math.abs(Number(document.activeElement.getAttribute('aria-valuenow')) - v) < 1e-9, t1.flat[5] - 0.06);
  await page.keyboard.press('0');
  await page.waitForFunction(() => document.activeElement.getAttribute('aria-valuenow') === '0');
  t1 = await table(page);
  assert.equal(t1.flat[5], 0);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.k), '5', 'focus stays on the cell');
  await drawn(page);
  await assertMatchesCore(page);
  // Arrow keys stop at the edges.
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowLeft');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.k), '4');
});

test('dragging a cell up gives it more mass, and the numbers follow', async () => {
  const { page } = await open();
  const t0 = await table(page);
  const before = await readouts(page);
  const cell = page.locator('.fig-joint rect.cell[data-k="3"]');
  const box = await cell.boundingBox();
  const x = box.x + box.width / 2;
  await page.mouse.move(x, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(x, box.y + box.height / 2 - 60, { steps: 6 });
  await page.mouse.up();
  await waitChange(page, 'mi', before.mi);
  await drawn(page);
  const t1 = await table(page);
  assert.ok(t1.flat[3] > t0.flat[3] + 0.15, `cell 3: ${t0.flat[3]} → ${t1.flat[3]}`);
  await assertMatchesCore(page);
});

test('presets: independent gives 0, deterministic H(X), XOR-like 1 bit, the noisy channel its formula', async () => {
  const { page } = await open();
  await page.getByRole('button', { name: 'Independent' }).click();
  await page.waitForFunction(() => Number(document.querySelector('.hero output[data-readout="mi"]').dataset.value) < 1e-9);
  let { r } = await assertMatchesCore(page);
  assert.ok(r.mi < 1e-9);
  assert.ok(await page.locator('.callout-eq').isVisible());
  assert.equal(await page.getByRole('button', { name: 'Independent' }).getAttribute('aria-pressed'), 'true');

  await page.getByRole('button', { name: 'Deterministic' }).click();
  await page.waitForFunction(() => Number(document.querySelector('.hero output[data-readout="mi"]').dataset.value) > 1.9);
  ({ r } = await assertMatchesCore(page));
  assert.ok(close(r.mi, 2, 1e-12) && r.hyGivenX === 0, `deterministic 4 × 4: I = ${r.mi}, H(Y|X) = ${r.hyGivenX}`);

  await page.getByRole('button', { name: 'XOR-like' }).click();
  await page.waitForFunction(() => Math.abs(Number(document.querySelector('.hero output[data-readout="mi"]').dataset.value) - 1) < 1e-9);
  ({ r } = await assertMatchesCore(page));
  assert.ok(close(r.mi, 1, 1e-12) && close(r.hx, 2, 1e-12) && close(r.hy, 2, 1e-12), 'marginals uniform, one bit shared');

  // Noisy channel: X uniform over 4, Y = X with probability 1 − ε + ε/4, else each other value ε/4:
  // I = 2 − H(row) bits, computed here in plain JavaScript.
  await page.evaluate(() => { const s = document.querySelector('.mi-noise input'); s.value = '0.5'; s.dispatchEvent(new Event('input', { bubbles: true })); });
  await page.waitForFunction(() => document.querySelector('.mi-noise output').textContent === '0.50');
  await drawn(page);
  ({ r } = await assertMatchesCore(page));
  const e = 0.5, hit = 1 - e + e / 4, miss = e / 4;
  const want = 2 + hit * Math.log2(hit) + 3 * miss * Math.log2(miss);
  assert.ok(Math.abs(r.mi - want) < 1e-5, `noisy channel ε = 0.5: ${r.mi} vs ${want}`);
  assert.equal(await page.getByRole('button', { name: 'Noisy channel' }).getAttribute('aria-pressed'), 'true');
  await page.waitForFunction(() => location.hash.includes('noise=0.5'));
});

test('the bottleneck curve stays under I(X;Y) and I(X;T), and reaches I(X;Y) when |T| = |X|', async () => {
  const { page } = await open();
  // Traced once for the first table; the curve carries its points.
  await page.waitForSelector('.fig-curve path.ib-curve[data-ity]');
  const curve = () => page.evaluate(() => {
    const p = document.querySelector('.fig-curve path.ib-curve');
    const nums = (a) => (p.getAttribute(a) ? p.getAttribute(a).split(',').map(Number) : []);
    return { ixt: nums('data-ixt'), ity: nums('data-ity'), bound: Number(document.querySelector('.fig-curve line.bound').dataset.value) };
  });
  let c = await curve();
  const r = await readouts(page);
  assert.equal(c.ity.length, 81);
  assert.equal(c.bound, r.mi);
  for (let i = 0; i < c.ity.length; i++) {
    assert.ok(c.ity[i] <= r.mi + 1e-12, `point ${i}: I(T;Y) ${c.ity[i]} > I(X;Y) ${r.mi}`);
    assert.ok(c.ity[i] <= c.ixt[i] + 1e-12, `point ${i}: I(T;Y) ${c.ity[i]} > I(X;T) ${c.ixt[i]}`);
  }
  assert.ok(c.ixt[0] < 1e-9, 'small β forgets X');
  // Changing |T| drops the cached curve; tracing again at |T| = 4 = |X| reaches I(X;Y).
  await page.getByRole('button', { name: 'More clusters' }).click();
  await page.getByRole('button', { name: 'More clusters' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.fig-encoder rect.cell').length === 16);
  assert.equal((await curve()).ity.length, 0, 'the old curve is gone');
  const t0 = await page.evaluate(() => performance.getEntriesByName('klplay:sweep').length);
  await page.getByRole('button', { name: /Trace the curve/ }).click();
  await page.waitForSelector('.fig-curve path.ib-curve[data-ity]');
  assert.equal(await page.evaluate(() => performance.getEntriesByName('klplay:sweep').length), t0 + 1, 'one sweep call');
  c = await curve();
  const last = c.ity.length - 1;
  assert.ok(Math.abs(c.ity[last] - r.mi) < 1e-6, `β = 1000, |T| = 4: I(T;Y) = ${c.ity[last]}, I(X;Y) = ${r.mi}`);
  assert.ok(Math.abs(c.ixt[last] - 2) < 1e-6);
  for (let i = 0; i < c.ity.length; i++) assert.ok(c.ity[i] <= r.mi + 1e-12);
  // The β slider moves the highlighted point, which is the core's solution at that β.
  await page.locator('.mi-beta input[type="number"]').fill('0.5');
  await page.locator('.mi-beta input[type="number"]').press('Enter');
  await page.waitForFunction(() => Number(document.querySelector('output[data-readout="ixt"]').dataset.value) < 1e-9);
  const now = await page.evaluate(() => Number(document.querySelector('.fig-curve circle.ib-now').dataset.ity));
  assert.ok(now < 1e-9);
  assert.equal((await curve()).ity.length, 81, 'β does not invalidate the curve');
  await page.waitForFunction(() => location.hash.includes('beta=0.5') && location.hash.includes('clusters=4'));
});

test('the URL hash round-trips the state, and a bad table falls back with a notice', async () => {
  const hash = '#lab=mutual-information&rows=3&cols=2&distribution=0.3,0.1,0.05,0.25,0.1,0.2&unit=nats&clusters=3&beta=20&seed=7';
  const { page } = await open(hash);
  const t = await table(page);
  assert.deepEqual([t.rows, t.cols], [3, 2]);
  assert.deepEqual(t.flat, [0.3, 0.1, 0.05, 0.25, 0.1, 0.2]);
  const r = (await assertMatchesCore(page, Math.E)).r;
  assert.equal(await page.locator('.hero .unit').textContent(), 'nats');
  assert.equal(await page.locator('.fig-encoder rect.cell').count(), 9);
  // Edit, let the hash follow, and open the new link elsewhere: the same numbers.
  const h0 = await hashSettled(page);
  await page.locator('.fig-joint rect.cell[data-k="2"]').focus();
  await page.keyboard.press('PageUp');
  await waitChange(page, 'mi', r.mi);
  await page.waitForFunction((h) => location.hash !== h, h0);
  const link = await page.evaluate(() => location.hash);
  const a = await readouts(page);
  const { page: page2 } = await open(link);
  const b = await readouts(page2);
  assert.deepEqual(b, a);
  assert.deepEqual(await table(page2), await table(page));

  const { page: page3 } = await open('#lab=mutual-information&rows=3&cols=3&distribution=0.2,0.2,0.2,0.2,0.1,0.1');
  assert.ok(await page3.locator('.notice:not(.update-banner)').isVisible());
  assert.match(await page3.locator('.notice .notice-text').first().textContent(), /distribution has 6 cells/);
  const t3 = await table(page3);
  assert.deepEqual([t3.rows, t3.cols], [4, 4]);
  await assertMatchesCore(page3);
});

test('the table grows and shrinks, and typed numbers set a cell', async () => {
  const { page } = await open();
  await page.getByRole('button', { name: 'More rows' }).click();
  await page.getByRole('button', { name: 'More columns' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.fig-joint rect.cell').length === 25);
  let t = await table(page);
  assert.deepEqual([t.rows, t.cols], [5, 5]);
  await assertMatchesCore(page);
  const rowsBox = page.getByRole('spinbutton', { name: 'X values' });
  await rowsBox.fill('8');
  await rowsBox.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('.fig-joint rect.cell').length === 40);
  await page.locator('details.numbers summary').click();
  const input = page.getByRole('spinbutton', { name: 'P(x8, y5)', exact: true });
  await input.fill('0.3');
  await input.press('Enter');
  await page.waitForFunction(() => document.querySelector('.fig-joint rect.cell[data-k="39"]').getAttribute('aria-valuenow') === '0.3');
  await drawn(page);
  t = await table(page);
  assert.equal(t.flat[39], 0.3);
  await assertMatchesCore(page);
  await rowsBox.fill('1'); // clamped to 2
  await rowsBox.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('.fig-joint rect.cell').length === 10);
  await drawn(page);
  await assertMatchesCore(page);
});

test('at 375 px wide: no horizontal scroll, and the table still works by keyboard', async () => {
  const { page } = await open('#lab=mutual-information&rows=8&cols=8&distribution=' + Array(64).fill(1 / 64).map((v) => v.toFixed(6)).join(','), PHONE);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scroll');
  const box = await page.locator('.fig-joint svg.chart').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 375, `joint chart ${box.x}..${box.x + box.width}`);
  await page.locator('.fig-joint rect.cell[data-k="63"]').focus();
  await page.keyboard.press('PageUp');
  await page.waitForFunction(() => Number(document.activeElement.getAttribute('aria-valuenow')) > 0.06);
  await drawn(page);
  await assertMatchesCore(page);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
});

// ---- the self-supervised section: InfoNCE and NWJ as critics train ----

/** What the training chart and readouts show: the per-batch estimates, the update, the levels. */
function training(page) {
  return page.evaluate(() => {
    const q = (s) => document.querySelector(`.mi-nce ${s}`);
    const values = (s) => { const a = q(s).getAttribute('data-values'); return a ? a.split(',').map(Number) : []; };
    const ro = (k) => Number(q(`output[data-readout="${k}"]`).dataset.value);
    return {
      nce: values('path.nce-nce'), nwj: values('g.nce-nwj'), nwjMean: values('path.nce-nwj-mean'),
      step: ro('nceStep'), trueMI: ro('nceTrue'), logK: ro('nceLogK'), now: ro('nceNow'), nwjNow: ro('nwjNow'), expected: ro('nwjExpected'),
      trueLine: Number(q('line.nce-level-true').dataset.value), logKLine: Number(q('line.nce-level-logk').dataset.value),
      dots: document.querySelectorAll('.mi-nce g.nce-nwj circle').length,
    };
  });
}

/** Presses Play, waits until the update reaches n, presses Pause and waits for the frame. */
async function trainTo(page, n) {
  const play = page.locator('.mi-nce [data-action="play"]');
  await play.click();
  await page.waitForFunction((k) => Number(document.querySelector('.mi-nce output[data-readout="nceStep"]').dataset.value) >= k, n, { timeout: 60_000 });
  await play.click();
  await drawn(page);
}

const mean = (a) => sum(a) / a.length;

test('training: the true I is −½ log(1 − ρ²), and InfoNCE stays ≤ log K on every batch shown', async () => {
  const { page } = await open('#lab=mutual-information&rho=0.98&batch=4');
  let t = await training(page);
  const truth = -0.5 * Math.log(1 - 0.98 ** 2) / Math.LN2; // the default unit is bits
  assert.ok(close(t.trueMI, truth, 1e-12) && close(t.trueLine, truth, 1e-12), `true I ${t.trueMI} (line ${t.trueLine}), want ${truth}`);
  assert.ok(close(t.logK, 2, 1e-15) && t.logKLine === t.logK, `log₂ 4 shown as ${t.logK}`);
  assert.equal(t.step, 0);
  assert.deepEqual(t.nce, []);
  await page.getByRole('button', { name: 'Step', exact: true }).first().click();
  await page.waitForFunction(() => document.querySelector('.mi-nce output[data-readout="nceStep"]').dataset.value === '1');
  await drawn(page);
  assert.equal((await training(page)).nce.length, 1);
  await trainTo(page, 120);
  t = await training(page);
  assert.equal(t.nce.length, t.step);
  assert.equal(t.nwj.length, t.step);
  assert.equal(t.dots, t.step);
  for (const [i, v] of t.nce.entries()) assert.ok(v <= t.logK, `update ${i + 1}: InfoNCE ${v} > log K ${t.logK}`);
  assert.equal(t.now, t.nce.at(-1));
  // Here log K < I: the cap binds, and InfoNCE stays clear below I.
  assert.ok(t.logK < t.trueMI && mean(t.nce.slice(-30)) < t.logK);
  // NWJ is not capped: some batch passes log K.
  assert.ok(t.nwj.some((v) => v > t.logK), 'no NWJ batch above log K');
  // The two level labels sit clear of the data (right of every point drawn), inside the chart, apart.
  for (const viewport of [{ width: 1280, height: 900 }, PHONE.viewport]) {
    await page.setViewportSize(viewport);
    await page.waitForFunction(() => document.querySelector('.mi-nce svg.chart').getBoundingClientRect().width > 0);
    await drawn(page);
    const box = await page.evaluate(() => {
      const r = (el) => el.getBoundingClientRect();
      const data = [...document.querySelectorAll('.mi-nce g.nce-nwj circle, .mi-nce path.nce-series')].map(r);
      return { right: Math.max(...data.map((b) => b.right)), labels: [...document.querySelectorAll('.mi-nce text.nce-level-label')].map(r), svg: r(document.querySelector('.mi-nce svg.chart')) };
    });
    assert.equal(box.labels.length, 2);
    for (const l of box.labels) assert.ok(l.left > box.right && l.right <= box.svg.right && l.width > 0, `${viewport.width} px: label ${l.left}–${l.right}, data to ${box.right}, chart to ${box.svg.right}`);
    const [a, b] = box.labels;
    assert.ok(a.bottom <= b.top || b.bottom <= a.top, `${viewport.width} px: the labels overlap`);
  }
  // Reset empties the chart and the hash follows.
  await page.locator('.mi-nce [data-action="reset"]').click();
  await drawn(page);
  t = await training(page);
  assert.equal(t.step, 0);
  assert.deepEqual(t.nce, []);
});

test('training moves both estimates toward the true I when log K is above it', async () => {
  const { page } = await open('#lab=mutual-information&rho=0.9&batch=64&unit=nats');
  await trainTo(page, 150);
  const t = await training(page);
  const truth = -0.5 * Math.log(1 - 0.81);
  assert.ok(close(t.trueMI, truth, 1e-12));
  assert.ok(t.logK > truth);
  const first = mean(t.nce.slice(0, 10)), last = mean(t.nce.slice(-20));
  assert.ok(Math.abs(last - truth) < Math.abs(first - truth) / 3 && Math.abs(last - truth) < 0.1, `InfoNCE from ${first} to ${last}; I ${truth}`);
  const nFirst = mean(t.nwj.slice(0, 10)), nLast = mean(t.nwj.slice(-20));
  assert.ok(Math.abs(nLast - truth) < Math.abs(nFirst - truth) / 2, `NWJ from ${nFirst} to ${nLast}`);
  assert.ok(Math.abs(t.expected - truth) < 0.1 && t.expected <= truth, `E[NWJ] of the critic ${t.expected}`);
});

test('raising K above exp I lets InfoNCE approach I; a new K restarts the training', async () => {
  const rho = 0.98, truth = -0.5 * Math.log(1 - rho ** 2); // exp I ≈ 5
  const { page } = await open(`#lab=mutual-information&rho=${rho}&batch=4&unit=nats&trainStep=300`);
  const small = await training(page);
  assert.equal(small.step, 300);
  assert.ok(close(small.logK, Math.log(4), 1e-15) && small.logK < truth);
  // The reader types K = 64: log K jumps above I, and the run starts over.
  const k = page.getByRole('spinbutton', { name: 'batch K' });
  await k.fill('64');
  await k.press('Enter');
  await page.waitForFunction(() => document.querySelector('.mi-nce output[data-readout="nceLogK"]').dataset.value !== String(Math.log(4)));
  await drawn(page);
  const restarted = await training(page);
  assert.ok(close(restarted.logK, Math.log(64), 1e-15) && restarted.step === 0 && restarted.nce.length === 0);
  const { page: page2 } = await open(`#lab=mutual-information&rho=${rho}&batch=64&unit=nats&trainStep=300`);
  const large = await training(page2);
  const gapSmall = truth - mean(small.nce.slice(-50)), gapLarge = truth - mean(large.nce.slice(-50));
  assert.ok(gapSmall > truth - Math.log(4), `K = 4 short of I by ${gapSmall}`);
  assert.ok(gapLarge < gapSmall / 2, `K = 64 short of I by ${gapLarge}, K = 4 by ${gapSmall}`);
  for (const v of large.nce) assert.ok(v <= large.logK);
});

test('a share link with the training step reopens at the same estimates; a hostile step is clamped', async () => {
  const { page } = await open('#lab=mutual-information&rho=0.7&batch=16&trainSeed=5');
  await trainTo(page, 40);
  const a = await training(page);
  const link = await hashSettled(page);
  assert.match(link, new RegExp(`trainStep=${a.step}(&|$)`));
  const { page: page2 } = await open(link);
  const b = await training(page2);
  assert.deepEqual(b, a);
  // Another seed draws other batches.
  const { page: page3 } = await open(link.replace('trainSeed=5', 'trainSeed=6'));
  assert.notDeepEqual((await training(page3)).nce, a.nce);
  const { page: page4 } = await open('#lab=mutual-information&batch=8&trainStep=99999999');
  const c = await training(page4);
  assert.ok(c.step === 500 && c.nce.length === 500, `step ${c.step}`);
  assert.match(await page4.locator('.notice .notice-text').first().textContent(), /trainStep/);
});

test('training: when I ≈ log K the two level labels are pushed apart, still clear of the data', async () => {
  // ρ = 0.87, K = 2: I = 0.7085 nats against log 2 = 0.6931.
  const { page } = await open('#lab=mutual-information&rho=0.87&batch=2&unit=nats&trainStep=60', PHONE);
  const t = await training(page);
  assert.ok(Math.abs(t.trueMI - t.logK) < 0.02);
  const box = await page.evaluate(() => {
    const r = (el) => el.getBoundingClientRect();
    const data = [...document.querySelectorAll('.mi-nce g.nce-nwj circle, .mi-nce path.nce-series')].map(r);
    return { right: Math.max(...data.map((b) => b.right)), labels: [...document.querySelectorAll('.mi-nce text.nce-level-label')].map(r) };
  });
  const [a, b] = box.labels;
  assert.ok(a.bottom <= b.top || b.bottom <= a.top, `labels ${a.top}–${a.bottom} and ${b.top}–${b.bottom} overlap`);
  for (const l of box.labels) assert.ok(l.left > box.right);
});
