// The Forward vs reverse KL lab in real headless Chromium: play, pause, step and
// reset drive the fits, and the numbers shown are the Go core's for the same
// number of steps; Play on every preset ends where the lab says; the pace is
// steps per animation frame; a link opens at its step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, opener, readoutValues, PHONE, drawn, hashSettled } from '../harness.mjs';
import { presets } from '../../web/labs/fit/presets.js';
import { readFileSync } from 'node:fs';

const labInfo = JSON.parse(readFileSync(new URL('../../core/session/labs/fit.json', import.meta.url)));

const { server, browser } = await fixture();

const open = opener(browser, server.url, '#lab=fit');

const readouts = (page) => readoutValues(page, '.readouts output[data-readout]');

const steps = (page) => page.evaluate(() => Number(document.querySelector('.steps-out').dataset.value));

const playing = (page) => page.getAttribute('[data-action="play"]', 'aria-pressed');

/** Waits for Play to stop by itself (the fits converged). */
const stopped = (page) => page.waitForFunction(() => document.querySelector('[data-action="play"]').getAttribute('aria-pressed') === 'false', null, { timeout: 30_000 });

/** What the core says after n steps from the start, for the state in the hash. */
function coreAfter(page, n) {
  return page.evaluate((n) => {
    const h = Object.fromEntries(location.hash.slice(1).split('&').map((kv) => kv.split('=').map(decodeURIComponent)));
    const state = { target: h.target.split(',').map(Number), startMu: Number(h.startMu), startSigma: Number(h.startSigma), lr: Number(h.lr) };
    const r = globalThis.klplay.fitLab(state, { steps: n, converge: true });
    return { fmu: r.forward.mu, fsigma: r.forward.sigma, fkl: r.forward.kl, rmu: r.reverse.mu, rsigma: r.reverse.sigma, rkl: r.reverse.kl, end: Math.max(r.converged.forward, r.converged.reverse) };
  }, n);
}

/** The page's step after `frames` more animation frames. */
// The steps shown and the frame times from frame `skip` until `frames` more frames or `ms`
// milliseconds have passed, read in one evaluate: frames that pass between two calls (a loaded
// machine's round trip) would be uncounted steps. `capped` is the seconds the Player counts:
// each frame's time, at most its 0.1 s cap.
const stepsOver = (page, skip, { frames = Infinity, ms = Infinity, upTo = Infinity }) => page.evaluate(([skip, frames, ms, upTo]) => new Promise((resolve) => {
  const shown = () => Number(document.querySelector('.steps-out').dataset.value);
  let n = 0;
  let a;
  let t0;
  let last;
  let capped = 0;
  const f = (now) => {
    n += 1;
    if (n > skip) capped += Math.min(0.1, (now - last) / 1000);
    last = now;
    if (n === skip) { a = shown(); t0 = now; }
    if (n > skip && (n - skip >= frames || now - t0 >= ms || shown() >= upTo)) resolve({ steps: shown() - a, seconds: (now - t0) / 1000, frames: n - skip, capped });
    else requestAnimationFrame(f);
  };
  requestAnimationFrame(f);
}), [skip, frames, ms, upTo]);

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

test('Play on every preset: it stops when both fits have converged, the forward fit on p’s moments, the reverse one where the preset says', async () => {
  const { page } = await open('#lab=fit&speed=300');
  for (const ps of presets) {
    await page.click(`.presets button[data-preset="${ps.id}"]`);
    await page.waitForFunction((id) => document.querySelector(`.presets button[data-preset="${id}"]`).getAttribute('aria-pressed') === 'true', ps.id);
    await page.click('[data-action="play"]');
    await stopped(page);
    await hashSettled(page);
    const r = await readouts(page);
    const c = await coreAfter(page, 0);
    assert.equal(r.steps, c.end, `${ps.id}: Play stopped at step ${r.steps}, the fits converge at ${c.end}`);
    assert.equal(await page.locator('.fit-status').textContent(), 'converged', ps.id);
    assert.equal(await page.locator('.steps-of').textContent(), ` of ${c.end}`, ps.id);
    assert.ok(Math.abs(r.forwardMu - r.momentMu) < 1e-4 && Math.abs(r.forwardSigma - r.momentSigma) < 1e-4, `${ps.id}: forward ${r.forwardMu}, ${r.forwardSigma}; moments ${r.momentMu}, ${r.momentSigma}`);
    const t = ps.st.target;
    const modes = Array.from({ length: t.length / 3 }, (_, k) => ({ mu: t[3 * k + 1], sigma: t[3 * k + 2] }));
    if (ps.promise.between) {
      // One wide q across the modes, centred between them, wider than any mode.
      const mid = (Math.min(...modes.map((m) => m.mu)) + Math.max(...modes.map((m) => m.mu))) / 2;
      assert.ok(Math.abs(r.reverseMu - mid) < 0.05 && r.reverseSigma > 1.5 * Math.max(...modes.map((m) => m.sigma)), `${ps.id}: reverse ${r.reverseMu}, ${r.reverseSigma}`);
    } else {
      const m = modes[ps.promise.mode];
      assert.ok(Math.abs(r.reverseMu - m.mu) < 0.05 && Math.abs(r.reverseSigma - m.sigma) < 0.05, `${ps.id}: reverse ${r.reverseMu}, ${r.reverseSigma}, want mode ${m.mu}, ${m.sigma}`);
    }
    // The covering fit wins KL(P‖Q), its global minimum; the seeking fit, a local
    // minimum of KL(Q‖P), wins that column unless the preset says it is stuck on a small mode.
    assert.ok(r.coverForwardKL < r.seekForwardKL, `${ps.id}: KL(P‖Q) covering ${r.coverForwardKL}, seeking ${r.seekForwardKL}`);
    assert.equal(r.seekReverseKL < r.coverReverseKL, !ps.promise.seekLoses, `${ps.id}: KL(Q‖P) seeking ${r.seekReverseKL}, covering ${r.coverReverseKL}`);
  }
});

test('the pace: steps a second follow the slider, whatever the frame rate; the default plays the fit in 4 to 8 s', async () => {
  const { page } = await open();
  await hashSettled(page);
  const st = labInfo.fields.find((f) => f.name === 'speed');
  const { end } = await coreAfter(page, 0);
  assert.ok(end / st.default >= 4 && end / st.default <= 8, `the default fit: ${end} steps at ${st.default} a second`);
  for (const pace of [12, 90]) {
    await page.locator('.fit-pace .slider-box').fill(String(pace));
    await page.locator('.fit-pace .slider-box').press('Enter');
    await page.waitForFunction((pace) => new URLSearchParams(location.hash.slice(1)).get('speed') === String(pace), pace);
    await page.click('[data-action="reset"]');
    await page.click('[data-action="play"]');
    // A second of frames at most, and no further than 80 % of the run: a loaded machine's
    // frames come slower, and the count stops where the fits converge.
    const { steps, seconds, frames, capped } = await stepsOver(page, 5, { frames: 60, upTo: Math.floor(0.8 * end) });
    await page.click('[data-action="play"]');
    // pace × the seconds the Player counts (each frame's at most 0.1 s: a loaded machine's
    // stalled frame drops time, not the pace), give or take what two frames show (the count is
    // read from the page, which draws a step in the frame after it is taken).
    const want = pace * capped;
    const slack = 2 + 2 * pace * (capped / frames);
    assert.ok(Math.abs(steps - want) <= slack, `pace ${pace}: ${steps} steps in ${seconds.toFixed(2)} s (${capped.toFixed(2)} s counted); ${want.toFixed(0)} ± ${slack.toFixed(0)} wanted`);
  }
});

test('the pace holds when frames come slower: a throttled CPU drops frames, not steps', async () => {
  const { page } = await open('#lab=fit&speed=60&lr=0.02');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 8 });
  await page.click('[data-action="play"]');
  const { steps, seconds, frames, capped } = await stepsOver(page, 5, { ms: 1500 });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await page.click('[data-action="play"]');
  const fps = frames / seconds;
  // Counted per frame, the pace would fall with the frame rate (one step a frame here); counted
  // in seconds it is 60 a second of the time the Player counts (each frame at most 0.1 s), give
  // or take two frames' steps for the draw that follows a step.
  assert.ok(fps < 50, `the throttle slowed the frames (${fps.toFixed(0)} a second), or this test shows nothing`);
  const want = 60 * capped;
  const slack = 2 + 2 * 60 * (capped / frames);
  assert.ok(Math.abs(steps - want) <= slack, `${steps} steps in ${seconds.toFixed(2)} s at ${fps.toFixed(0)} frames a second; ${want.toFixed(0)} ± ${slack.toFixed(0)} wanted`);
});

test('a share link opens at its step, replayed: the same fits and trace as the page that made it', async () => {
  const { page } = await open('#lab=fit&speed=60&lr=0.2');
  await page.click('[data-action="play"]');
  await page.waitForFunction(() => Number(document.querySelector('.steps-out').dataset.value) >= 17);
  await page.click('[data-action="play"]');
  const hash = await hashSettled(page);
  const r = await readouts(page);
  assert.equal(new URLSearchParams(hash.slice(1)).get('step'), String(r.steps));
  const trace = await page.locator('.fig-trace path.trace-rev').getAttribute('d');
  const { page: other } = await open(hash);
  const o = await readouts(other);
  assert.deepEqual(o, r);
  assert.equal(await other.locator('.fig-trace path.trace-rev').getAttribute('d'), trace);
  assert.equal(await hashSettled(other), hash);
  // At the end: "of n, converged".
  const { end } = await coreAfter(other, 0);
  const { page: done } = await open(hash.replace(/step=\d+/, `step=${end}`));
  assert.equal(await done.locator('.fit-status').textContent(), 'converged');
  assert.equal((await readouts(done)).steps, end);
  // Stepped past the end (Step, or a link): the count is not "of n", the status says where it converged.
  const { page: past } = await open(hash.replace(/step=\d+/, `step=${end + 40}`));
  assert.equal((await readouts(past)).steps, end + 40);
  assert.equal(await past.locator('.steps-of').textContent(), '');
  assert.equal(await past.locator('.fit-status').textContent(), `converged at step ${end}`);
  // A hostile step is clamped to the schema's maximum (and said so), not run for ever.
  const { page: big } = await open('#lab=fit&step=99999999');
  assert.equal((await readouts(big)).steps, labInfo.fields.find((f) => f.name === 'step').max);
  assert.match(await big.locator('.notice-text').textContent(), /step was above/);
});

test('forward KL matches moments; reverse KL picks the mode the start is near', async () => {
  const { page } = await open('#lab=fit&lr=0.5&speed=60');
  await page.click('[data-action="play"]');
  await stopped(page);
  let r = await readouts(page);
  assert.ok(Math.abs(r.forwardMu - r.momentMu) < 1e-4 && Math.abs(r.forwardSigma - r.momentSigma) < 1e-4, `forward ${r.forwardMu}, ${r.forwardSigma}`);
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
  await stopped(page);
  r = await readouts(page);
  assert.ok(Math.abs(r.reverseMu - 3) < 0.02, `reverse found the right mode: ${r.reverseMu}`);
});

test('each fit scored both ways: at convergence each wins its own KL and loses the other, as the core scores them', async () => {
  const { page } = await open('#lab=fit&lr=0.5&speed=60');
  await page.click('[data-action="play"]');
  await stopped(page);
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

test('with reduced motion, Play jumps to the converged fits without animating', async () => {
  const { page } = await open('#lab=fit', { reducedMotion: 'reduce' });
  await hashSettled(page);
  const c0 = await coreAfter(page, 0);
  await page.click('[data-action="play"]');
  await page.waitForFunction((end) => document.querySelector('.steps-out').dataset.value === String(end), c0.end);
  assert.equal(await playing(page), 'false');
  await page.waitForTimeout(300); // about time: nothing animates on after the jump
  assert.equal(await steps(page), c0.end);
  assert.equal(await page.locator('.fit-status').textContent(), 'converged');
  const c = await coreAfter(page, c0.end);
  assert.equal((await readouts(page)).reverseMu, c.rmu);
});

test('keyboard moves a mode; the slider mirrors it; the hash round-trips; 375 px fits', async () => {
  const hash = '#lab=fit&target=0.2,-2,0.5,0.5,2,1,0.3,5,0.4&startMu=1.5&startSigma=2&lr=0.3&speed=4&step=0&show=reverse';
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
