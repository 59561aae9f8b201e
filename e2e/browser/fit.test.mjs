// The Forward vs reverse KL lab in real headless Chromium: play, pause, step and
// reset drive the fits, and the numbers shown are the Go core's for the same
// number of steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, opener, readoutValues, PHONE, drawn, hashSettled } from '../harness.mjs';

const { server, browser } = await fixture();

const open = opener(browser, server.url, '#lab=fit');

const readouts = (page) => readoutValues(page, '.readouts output[data-readout]');

const steps = (page) => page.evaluate(() => Number(document.querySelector('.steps-out').dataset.value));

/** What the core says after n steps from the start, for the state in the hash. */
function coreAfter(page, n) {
  return page.evaluate((n) => {
    const h = Object.fromEntries(location.hash.slice(1).split('&').map((kv) => kv.split('=').map(decodeURIComponent)));
    const state = { target: h.target.split(',').map(Number), startMu: Number(h.startMu), startSigma: Number(h.startSigma), lr: Number(h.lr) };
    const r = globalThis.klplay.fitLab(state, { steps: n });
    return { fmu: r.forward.mu, fsigma: r.forward.sigma, fkl: r.forward.kl, rmu: r.reverse.mu, rsigma: r.reverse.sigma, rkl: r.reverse.kl };
  }, n);
}

test('before any step both fits sit at the start; the moments are p’s', async () => {
  const { page } = await open();
  const r = await readouts(page);
  assert.equal(await steps(page), 0);
  assert.equal(r.forwardMu, -1);
  assert.equal(r.reverseSigma, 0.7);
  // p = ½N(−3, 0.7²) + ½N(3, 0.9²): mean 0, variance ½(0.49 + 9) + ½(0.81 + 9) = 9.65.
  assert.ok(Math.abs(r.momentMu) < 1e-15);
  assert.ok(Math.abs(r.momentSigma - Math.sqrt(9.65)) < 1e-12);
  await hashSettled(page); // coreAfter reads the state from the hash
  const c = await coreAfter(page, 0);
  assert.equal(r.forwardKL, c.fkl);
  assert.equal(r.reverseKL, c.rkl);
});

test('play, pause and step: the page’s fits equal the core’s after the same number of steps', async () => {
  const { page } = await open();
  await page.click('[data-action="play"]');
  assert.equal(await page.getAttribute('[data-action="play"]', 'aria-pressed'), 'true');
  await page.waitForFunction(() => Number(document.querySelector('.steps-out').dataset.value) >= 40);
  await page.click('[data-action="play"]');
  assert.equal(await page.getAttribute('[data-action="play"]', 'aria-pressed'), 'false');
  await drawn(page);
  const n = await steps(page);
  await page.waitForTimeout(300); // about time: paused, no step comes however long one waits
  assert.equal(await steps(page), n, 'paused: no more steps');
  await page.click('[data-action="step"]');
  await page.waitForFunction((n) => Number(document.querySelector('.steps-out').dataset.value) === n + 1, n);
  const r = await readouts(page);
  const c = await coreAfter(page, n + 1);
  assert.equal(r.forwardMu, c.fmu);
  assert.equal(r.reverseMu, c.rmu);
  assert.equal(r.reverseKL, c.rkl);
  assert.ok(r.reverseKL < (await coreAfter(page, 0)).rkl, 'the reverse objective went down');
  assert.ok(await page.locator('.fig-trace path.trace-rev').getAttribute('d'), 'the trace is drawn');

  await page.click('[data-action="reset"]');
  await page.waitForFunction(() => document.querySelector('.steps-out').dataset.value === '0');
  assert.equal((await readouts(page)).reverseMu, -1);
});

test('forward KL matches moments; reverse KL picks the mode the start is near', async () => {
  const { page } = await open('#lab=fit&lr=0.5&speed=10');
  await page.click('[data-action="play"]');
  await page.waitForFunction(() => document.querySelector('[data-action="play"]').getAttribute('aria-pressed') === 'false', null, { timeout: 20_000 });
  let r = await readouts(page);
  assert.ok(Math.abs(r.forwardMu - r.momentMu) < 1e-6 && Math.abs(r.forwardSigma - r.momentSigma) < 1e-6, `forward ${r.forwardMu}, ${r.forwardSigma}`);
  assert.ok(Math.abs(r.reverseMu + 3) < 0.02, `reverse found the left mode: ${r.reverseMu}`);

  // Drag the start (◆) to the right of 0: the fits reset, and reverse KL finds the right mode.
  const handle = page.locator('g.handle[data-kind="start"]');
  const box = await handle.boundingBox();
  const axis = await page.evaluate(() => {
    const t = [...document.querySelectorAll('.fig-fit .x-axis .tick')].find((e) => e.textContent === '2');
    const b = t.getBoundingClientRect();
    return b.x + b.width / 2;
  });
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(axis, box.y + box.height / 2, { steps: 6 });
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('.steps-out').dataset.value === '0');
  const start = Number(new URLSearchParams((await hashSettled(page)).slice(1)).get('startMu'));
  assert.ok(Math.abs(start - 2) < 0.15, `start moved to ${start}`);
  await page.click('[data-action="play"]');
  await page.waitForFunction(() => document.querySelector('[data-action="play"]').getAttribute('aria-pressed') === 'false', null, { timeout: 20_000 });
  r = await readouts(page);
  assert.ok(Math.abs(r.reverseMu - 3) < 0.02, `reverse found the right mode: ${r.reverseMu}`);
});

test('each fit scored both ways: at convergence each wins its own KL and loses the other, as the core scores them', async () => {
  const { page } = await open('#lab=fit&lr=0.5&speed=10');
  await page.click('[data-action="play"]');
  await page.waitForFunction(() => document.querySelector('[data-action="play"]').getAttribute('aria-pressed') === 'false', null, { timeout: 20_000 });
  const r = await readouts(page);
  assert.ok(r.coverForwardKL < r.seekForwardKL, `KL(P‖Q): covering ${r.coverForwardKL} < seeking ${r.seekForwardKL}`);
  assert.ok(r.seekReverseKL < r.coverReverseKL, `KL(Q‖P): seeking ${r.seekReverseKL} < covering ${r.coverReverseKL}`);
  assert.equal(r.coverForwardKL, r.forwardKL);
  assert.equal(r.seekReverseKL, r.reverseKL);
  // The seeking q sits on one of two equal, well-separated modes: about log 2 under KL(Q‖P).
  assert.ok(Math.abs(r.seekReverseKL - Math.log(2)) < 0.01, `${r.seekReverseKL}`);
  const core = await page.evaluate((r) => klplay.fitLab({}, { forward: { mu: r.forwardMu, sigma: r.forwardSigma }, reverse: { mu: r.reverseMu, sigma: r.reverseSigma } }).scores, r);
  assert.equal(r.coverReverseKL, core.forward.reverse);
  assert.equal(r.seekForwardKL, core.reverse.forward);
  // The winner of each column is the one in bold.
  const best = await page.locator('.fit-scores output.best').evaluateAll((os) => os.map((o) => o.dataset.readout).sort());
  assert.deepEqual(best, ['coverForwardKL', 'seekReverseKL']);
  assert.match(await page.locator('.fig-fit text.moment-label').textContent(), /optimum/);
});

test('with reduced motion, Play jumps ahead without animating', async () => {
  const { page } = await open('#lab=fit', { reducedMotion: 'reduce' });
  await page.click('[data-action="play"]');
  await page.waitForFunction(() => document.querySelector('.steps-out').dataset.value === '300');
  assert.equal(await page.getAttribute('[data-action="play"]', 'aria-pressed'), 'false');
  await page.waitForTimeout(300); // about time: nothing animates on after the jump
  assert.equal(await steps(page), 300);
  const c = await coreAfter(page, 300);
  assert.equal((await readouts(page)).reverseMu, c.rmu);
});

test('keyboard moves a mode; the slider mirrors it; the hash round-trips; 375 px fits', async () => {
  const hash = '#lab=fit&target=0.2,-2,0.5,0.5,2,1,0.3,5,0.4&startMu=1.5&startSigma=2&lr=0.3&speed=4&show=reverse';
  const { page } = await open(hash, PHONE);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375));
  assert.equal(await hashSettled(page), hash);
  assert.equal(await page.locator('.side-p .component').count(), 3);
  assert.equal(await page.locator('.fig-fit path.curve-fwd').count(), 0, 'show=reverse hides the forward fit');
  await page.locator('g.handle[data-kind="mode"][data-k="1"]').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('target') === '0.2,-2,0.5,0.5,2.2,1,0.3,5,0.4');
  assert.equal(await page.locator('.side-p .slider-box').nth(4).inputValue(), '2.2');
});
