// The Divergence lab in real headless Chromium: every number on the page must be
// the one the Go core computes for the state the reader sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, opener, readoutsOf, drawn, PHONE } from '../harness.mjs';

const { server, browser } = await fixture();

const LN2 = Math.LN2;
const UNIT_READOUTS = ['kl', 'reverseKL', 'jensenShannon', 'entropyP', 'entropyQ', 'crossEntropy'];
const ALL_READOUTS = [...UNIT_READOUTS, 'totalVariation', 'hellinger', 'squaredHellinger'];

const open = opener(browser, server.url, '#lab=divergence');

/** The readouts as exact numbers (from data-value), keyed by name. */
const readouts = (page) => readoutsOf(page, ALL_READOUTS);

/** The state the reader sees: each slider's aria-valuenow, P and Q in category order. */
function distributions(page) {
  return page.evaluate(() => {
    const read = (s) => [...document.querySelectorAll(`.fig-dist [role="slider"][data-series="${s}"]`)]
      .sort((a, b) => a.dataset.index - b.dataset.index).map((el) => Number(el.getAttribute('aria-valuenow')));
    return { p: read('p'), q: read('q') };
  });
}

/** KL(P‖Q) as the page's own klplay.kl computes it for the given state. */
function klInPage(page, { p, q }, base) {
  return page.evaluate(([p, q, base]) => globalThis.klplay.kl(p, q, base ? { base } : undefined), [p, q, base]);
}

const sum = (a) => a.reduce((x, y) => x + y, 0);
const close = (a, b, rel = 1e-12) => a === b || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));

async function waitForChange(page, key, before) {
  await page.waitForFunction(([k, v]) => document.querySelector(`.readouts output[data-readout="${k}"]`).dataset.value !== v, [key, String(before)]);
}

test('the page loads with no console errors and shows the numbers Go computes', async () => {
  const { page } = await open();
  const r = await readouts(page);
  const d = await distributions(page);
  assert.equal(d.p.length, 6);
  assert.ok(Math.abs(sum(d.p) - 1) < 1e-9 && Math.abs(sum(d.q) - 1) < 1e-9);
  for (const k of ALL_READOUTS) assert.ok(Number.isFinite(r[k]), `${k} = ${r[k]}`);
  assert.ok(close(r.kl, await klInPage(page, d)), `kl ${r.kl}`);
  assert.ok(close(r.reverseKL, await klInPage(page, { p: d.q, q: d.p })));
  assert.ok(r.kl > 0);
  const text = await page.locator('.readouts output[data-readout="kl"]').textContent();
  assert.equal(text, r.kl.toFixed(4));
  assert.equal(await page.locator('h1').textContent(), 'Divergence');
});

test('dragging a bar changes KL to the value klplay.kl computes for the new state', async () => {
  const { page } = await open();
  const before = await readouts(page);
  const d0 = await distributions(page);
  const hit = page.locator('.fig-dist [role="slider"][data-series="p"][data-index="0"]');
  const box = await hit.boundingBox();
  const x = box.x + box.width / 2;
  await page.mouse.move(x, box.y + box.height - 6);
  await page.mouse.down();
  await page.mouse.move(x, box.y + box.height * 0.45, { steps: 8 });
  await page.mouse.up();
  await waitForChange(page, 'kl', before.kl);
  await drawn(page);
  const d1 = await distributions(page);
  const after = await readouts(page);
  assert.ok(d1.p[0] > d0.p[0] + 0.1, `p0 went from ${d0.p[0]} to ${d1.p[0]}`);
  assert.ok(Math.abs(sum(d1.p) - 1) < 1e-9, `sum ${sum(d1.p)}`);
  // The others were rescaled proportionally: their ratios are kept (to the page's 1e-6 grid).
  assert.ok(Math.abs(d1.p[2] / d1.p[3] - d0.p[2] / d0.p[3]) < 1e-4);
  assert.deepEqual(d1.q, d0.q);
  assert.notEqual(after.kl, before.kl);
  assert.ok(close(after.kl, await klInPage(page, d1)), `readout ${after.kl} vs kl ${await klInPage(page, d1)}`);
});

test('arrow keys on a bar’s slider change the numbers', async () => {
  const { page } = await open();
  const before = await readouts(page);
  const d0 = await distributions(page);
  const slider = page.locator('.fig-dist [role="slider"][data-series="q"][data-index="2"]');
  await slider.focus();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await waitForChange(page, 'kl', before.kl);
  await drawn(page);
  const d1 = await distributions(page);
  assert.ok(Math.abs(d1.q[2] - (d0.q[2] + 0.03)) < 1e-9, `q2 ${d0.q[2]} → ${d1.q[2]}`);
  assert.ok(Math.abs(sum(d1.q) - 1) < 1e-9);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.index), '2', 'focus stays on the slider');
  const after = await readouts(page);
  assert.ok(close(after.kl, await klInPage(page, d1)));
  assert.ok(after.kl !== before.kl && after.reverseKL !== before.reverseKL);

  await page.keyboard.press('Shift+ArrowDown');
  await page.waitForFunction((v) => document.activeElement.getAttribute('aria-valuenow') !== v, String(d1.q[2]));
  const d2 = await distributions(page);
  assert.ok(Math.abs(d2.q[2] - (d1.q[2] - 0.001)) < 1e-9);

  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.activeElement.getAttribute('aria-valuenow') === '0');
  const d3 = await distributions(page);
  assert.equal(d3.q[2], 0);
  assert.ok(close((await readouts(page)).kl, await klInPage(page, d3)));
});

test('the nats/bits toggle multiplies every logarithmic readout by 1/ln 2', async () => {
  const { page } = await open();
  const nats = await readouts(page);
  await page.getByLabel('bits', { exact: true }).check();
  await waitForChange(page, 'kl', nats.kl);
  const bits = await readouts(page);
  for (const k of UNIT_READOUTS) assert.ok(close(bits[k], nats[k] / LN2, 1e-12), `${k}: ${bits[k]} vs ${nats[k] / LN2}`);
  assert.equal(bits.totalVariation, nats.totalVariation, 'TV has no unit');
  assert.equal(bits.hellinger, nats.hellinger, 'Hellinger has no unit');
  assert.ok(close(nats.squaredHellinger, nats.hellinger ** 2, 1e-12));
  assert.equal(await page.locator('.hero .unit').textContent(), 'bits');
  assert.ok(close(bits.kl, await klInPage(page, await distributions(page), 2)));
  await page.waitForFunction(() => location.hash.includes('unit=bits'));
});

test('the dog-vs-cat preset shows KL = 0.152 bits', async () => {
  const { page } = await open();
  await page.getByLabel('bits', { exact: true }).check();
  await page.getByRole('button', { name: 'Dog vs cat' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.fig-dist [role="slider"]').length === 4);
  await page.waitForFunction(() => document.querySelector('.readouts output[data-readout="kl"]').textContent === '0.1520');
  const r = await readouts(page);
  assert.ok(close(r.kl, 0.15200309344504995, 1e-12), `kl ${r.kl}`);
  assert.equal(r.entropyP, 0);
  assert.ok(close(r.crossEntropy, r.kl, 1e-12), 'with a one-hot P, cross-entropy is all divergence');
  assert.deepEqual(await distributions(page), { p: [1, 0], q: [0.9, 0.1] });
  assert.equal(await page.locator('.fig-dist [role="slider"][data-series="p"][data-index="0"]').getAttribute('aria-label'), 'P(dog)');
  assert.equal(await page.getByRole('button', { name: 'Dog vs cat' }).getAttribute('aria-pressed'), 'true');
  assert.deepEqual(await page.locator('.fig-dist .x-axis .tick text').allTextContents(), ['dog', 'cat']);
});

test('the “Q misses a category” preset shows ∞ and says why', async () => {
  const { page } = await open();
  await page.getByRole('button', { name: 'Q misses a category' }).click();
  await page.waitForFunction(() => document.querySelector('.readouts output[data-readout="kl"]').dataset.value === 'Infinity');
  assert.equal(await page.locator('.readouts output[data-readout="kl"]').textContent(), '∞');
  const r = await readouts(page);
  assert.equal(r.kl, Infinity);
  assert.equal(r.crossEntropy, Infinity);
  assert.ok(Number.isFinite(r.jensenShannon) && Number.isFinite(r.reverseKL) && Number.isFinite(r.totalVariation));
  const d = await distributions(page);
  assert.equal(await klInPage(page, d), Infinity);
  const note = page.locator('.callout-inf');
  assert.ok(await note.isVisible());
  assert.match(await note.textContent(), /Q gives category “\d+” probability 0/);
  assert.ok(await page.locator('.fig-terms .inf-mark').count() >= 1, 'the infinite term is marked');
  assert.match(await page.locator('.fig-terms .sum-label').textContent(), /∞/);
});

test('typing a probability sets it and rescales the others proportionally', async () => {
  const { page } = await open();
  const d0 = await distributions(page);
  const input = page.getByLabel('P(1)', { exact: true }).and(page.locator('input'));
  await input.fill('0.5');
  await input.press('Enter');
  await page.waitForFunction(() => document.querySelector('.fig-dist [role="slider"][data-series="p"][data-index="0"]').getAttribute('aria-valuenow') === '0.5');
  await drawn(page);
  const d1 = await distributions(page);
  assert.equal(d1.p[0], 0.5);
  assert.ok(Math.abs(sum(d1.p) - 1) < 1e-9);
  const scale = 0.5 / (1 - d0.p[0]);
  for (let i = 1; i < 6; i++) assert.ok(Math.abs(d1.p[i] - d0.p[i] * scale) <= 1e-6, `p${i}`);
  assert.ok(close((await readouts(page)).kl, await klInPage(page, d1)));
});

test('the category count goes from 2 to 32 and keeps both distributions normalised', async () => {
  const { page } = await open();
  const count = page.getByRole('spinbutton', { name: 'Categories' });
  await count.fill('32');
  await count.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('.fig-dist [role="slider"][data-series="p"]').length === 32);
  await page.getByRole('button', { name: 'More categories' }).click(); // clamped at 32
  await page.getByRole('button', { name: 'Fewer categories' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.fig-dist [role="slider"][data-series="p"]').length === 31);
  let d = await distributions(page);
  assert.ok(Math.abs(sum(d.p) - 1) < 1e-9 && Math.abs(sum(d.q) - 1) < 1e-9);
  assert.ok(close((await readouts(page)).kl, await klInPage(page, d)));
  await count.fill('1');
  await count.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('.fig-dist [role="slider"][data-series="p"]').length === 2);
  d = await distributions(page);
  assert.ok(Math.abs(sum(d.p) - 1) < 1e-9 && Math.abs(sum(d.q) - 1) < 1e-9);
  assert.ok(close((await readouts(page)).kl, await klInPage(page, d)));
});

test('swapping P and Q swaps KL(P‖Q) and KL(Q‖P)', async () => {
  const { page } = await open();
  const before = await readouts(page);
  await page.getByRole('button', { name: /Swap/ }).click();
  await waitForChange(page, 'kl', before.kl);
  const after = await readouts(page);
  assert.ok(close(after.kl, before.reverseKL) && close(after.reverseKL, before.kl));
  assert.ok(close(after.jensenShannon, before.jensenShannon, 1e-12));
});

/** The readouts of the JS formula block (JS and its two halves), exact. */
const jsParts = (page) => readoutsOf(page, ['jensenShannon', 'klPM', 'klQM'], '.js-formula');

test('JS is built from KL: M = (P + Q)/2 is drawn, and ½KL(P‖M) + ½KL(Q‖M) = JS live', async () => {
  const { page } = await open();
  const d = await distributions(page);
  const m = d.p.map((v, i) => (v + d.q[i]) / 2);
  const r = await jsParts(page);
  assert.ok(close(r.klPM, await klInPage(page, { p: d.p, q: m })), `KL(P‖M) ${r.klPM}`);
  assert.ok(close(r.klQM, await klInPage(page, { p: d.q, q: m })), `KL(Q‖M) ${r.klQM}`);
  assert.ok(close(0.5 * r.klPM + 0.5 * r.klQM, r.jensenShannon), `½·${r.klPM} + ½·${r.klQM} ≠ ${r.jensenShannon}`);
  assert.ok(close(r.jensenShannon, (await readouts(page)).jensenShannon, 0), 'the same JS as the readouts');
  assert.ok(r.klPM !== r.klQM, 'the two halves differ for this pair');

  // Each M mark sits halfway between the tops of its category's two bars (the y scale is linear).
  const marks = await page.evaluate(() => {
    const top = (s, i) => Number([...document.querySelectorAll(`.fig-dist rect.bar-${s}`)][i].getAttribute('y'));
    return [...document.querySelectorAll('.fig-dist line.mix')].map((l, i) => ({ y: Number(l.getAttribute('y1')), p: top('p', i), q: top('q', i) }));
  });
  assert.equal(marks.length, 6);
  for (const { y, p, q } of marks) assert.ok(Math.abs(y - (p + q) / 2) < 1e-6, `M at ${y}, bars at ${p} and ${q}`);
  assert.match(await page.locator('.fig-dist .legend').textContent(), /M = \(P \+ Q\)\/2/);

  // The bar: two segments in proportion to the halves, on a scale to log 2.
  const bar = async () => page.evaluate(() => {
    const w = (s) => document.querySelector(s).getBoundingClientRect().width;
    return { p: w('.js-seg-p'), q: w('.js-seg-q'), all: w('.js-bar') - 2 };
  });
  const b = await bar();
  assert.ok(Math.abs(b.p / b.all - r.klPM / 2 / LN2) < 0.01 && Math.abs(b.q / b.all - r.klQM / 2 / LN2) < 0.01, JSON.stringify(b));

  // Disjoint supports: both halves are log 2, and they fill the bar.
  await page.getByRole('button', { name: 'Disjoint supports' }).click();
  await page.waitForFunction(() => document.querySelector('.js-formula output[data-readout="klPM"]').dataset.value === String(Math.LN2));
  const dj = await jsParts(page);
  assert.equal(dj.klPM, LN2);
  assert.equal(dj.klQM, LN2);
  assert.ok(close(dj.jensenShannon, LN2));
  const full = await bar();
  assert.ok(Math.abs(full.p + full.q - full.all) < 1.5, JSON.stringify(full));

  // Bits: the same identity, log 2 = 1 bit.
  await page.getByLabel('bits', { exact: true }).check();
  await page.waitForFunction(() => document.querySelector('.js-formula output[data-readout="klPM"]').dataset.value === '1');
  assert.equal(await page.locator('.js-formula output[data-readout="log2"]').getAttribute('data-value'), '1');
});

/** The terms chart's y tick labels, and whether any value label overlaps a category name. */
function termsAxis(page) {
  return page.evaluate(() => {
    const ticks = [...document.querySelectorAll('.fig-terms .grid .tick text')].map((t) => t.textContent);
    const boxes = (sel) => [...document.querySelectorAll(sel)].map((t) => t.getBoundingClientRect());
    const names = boxes('.fig-terms .x-axis .tick text');
    const values = boxes('.fig-terms .labels text');
    const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    const overlaps = values.filter((v) => names.some((n) => hit(v, n))).length;
    return { ticks, overlaps };
  });
}

test('the pointwise-terms axis has distinct tick labels, and no value label covers a category name', async () => {
  // Small terms (a few hundredths): a fixed two-decimal format printed "−0.01" twice.
  for (const hash of ['#lab=divergence&p=0.3,0.2,0.25,0.25&q=0.25,0.25,0.25,0.25', '#lab=divergence&p=0.24,0.26,0.25,0.25&q=0.25,0.25,0.25,0.25',
    '#lab=divergence', '#lab=divergence&p=0.2,0.3,0.5&q=0.3,0.3,0.4']) {
    for (const viewport of [{ width: 1280, height: 900 }, PHONE.viewport]) {
      const { page } = await open(hash, { viewport });
      const { ticks, overlaps } = await termsAxis(page);
      assert.ok(ticks.length >= 3, `${hash}: ${ticks}`);
      assert.equal(new Set(ticks).size, ticks.length, `${hash} at ${viewport.width}: repeated tick labels ${ticks.join(', ')}`);
      assert.equal(overlaps, 0, `${hash} at ${viewport.width}: a value label overlaps a category name`);
      await page.close();
    }
  }
});

test('a typed probability outside [0, 1] shows the value used and says what was done', async () => {
  const { page } = await open();
  const input = page.getByLabel('P(1)', { exact: true }).and(page.locator('input'));
  const note = page.locator('.field-note');
  assert.equal(await note.isVisible(), false);
  await input.fill('-2');
  await input.press('Enter');
  await page.waitForFunction(() => document.querySelector('.fig-dist [role="slider"][data-series="p"][data-index="0"]').getAttribute('aria-valuenow') === '0');
  assert.equal(await input.inputValue(), '0', 'the field shows the value used, not −2');
  assert.ok(await note.isVisible());
  assert.match(await note.textContent(), /P\(1\): −2 is below 0.*so 0 is used/);
  assert.equal(await input.getAttribute('aria-describedby'), await note.getAttribute('id'));

  const q = page.getByLabel('Q(2)', { exact: true }).and(page.locator('input'));
  await q.fill('1.5');
  await q.press('Enter');
  await page.waitForFunction(() => document.querySelector('.fig-dist [role="slider"][data-series="q"][data-index="1"]').getAttribute('aria-valuenow') === '1');
  assert.equal(await q.inputValue(), '1');
  assert.match(await note.textContent(), /Q\(2\): 1\.5 is above 1.*so 1 is used/);
  const d = await distributions(page);
  assert.deepEqual(d.q, [0, 1, 0, 0, 0, 0]);

  // A value in range clears the note.
  await q.fill('0.5');
  await q.press('Enter');
  await page.waitForFunction(() => document.querySelector('.fig-dist [role="slider"][data-series="q"][data-index="1"]').getAttribute('aria-valuenow') === '0.5');
  assert.equal(await note.isVisible(), false);
});

test('a category added with + starts with the mean mass of the others, in P and in Q', async () => {
  const { page } = await open();
  const d0 = await distributions(page);
  await page.getByRole('button', { name: 'More categories' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.fig-dist [role="slider"][data-series="p"]').length === 7);
  await drawn(page);
  const d1 = await distributions(page);
  for (const s of ['p', 'q']) {
    assert.ok(Math.abs(d1[s][6] - 1 / 7) <= 1e-6, `${s}[6] = ${d1[s][6]}, want 1/7`);
    assert.ok(Math.abs(sum(d1[s]) - 1) < 1e-9);
    for (let i = 0; i < 6; i++) assert.ok(Math.abs(d1[s][i] - (d0[s][i] * 6) / 7) <= 1e-6, `${s}[${i}] rescaled by 6/7`);
  }
  const r = await readouts(page);
  assert.ok(Number.isFinite(r.kl) && close(r.kl, await klInPage(page, d1)));
});
