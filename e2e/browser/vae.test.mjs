// The VAE lab in real headless Chromium, driven like a reader: training runs
// frame by frame in Go; the readouts must satisfy ELBO = recon − KL at every
// frame, match the core's own run for the same seed, and show posterior
// collapse at β = 20.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, opener, readoutValues, PHONE, hashState } from '../harness.mjs';

const { server, browser } = await fixture();

const open = opener(browser, server.url, '#lab=vae');

const readouts = (page) => readoutValues(page, '.vae-terms output[data-readout], .vae-count output[data-readout]');

const typed = (h) => ({ data: h.data, n: +h.n, noise: +h.noise, seed: +h.seed, latent: +h.latent, arch: h.arch,
  samples: +h.samples, beta: +h.beta, optimizer: h.optimizer, lr: +h.lr });

test('play then pause: the ELBO improves, and ELBO = recon − KL at every frame', async () => {
  const { page } = await open();
  const start = await readouts(page);
  assert.equal(start.epoch, 0);
  await page.click('[data-action="play"]');
  const rows = await page.evaluate((n) => new Promise((resolve) => {
    const out = [];
    const get = (k) => Number(document.querySelector(`.vae-terms output[data-readout="${k}"]`).dataset.value);
    const tick = () => {
      out.push({ epoch: Number(document.querySelector('output[data-readout="epoch"]').dataset.value),
        recon: get('recon'), kl: get('kl'), elbo: get('elbo'), betaElbo: get('betaElbo') });
      if (out.length >= n) resolve(out); else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }), 90);
  await page.click('[data-action="play"]');
  assert.equal(await page.locator('[data-action="play"]').getAttribute('aria-pressed'), 'false');
  const epochs = new Set(rows.map((r) => r.epoch));
  assert.ok(epochs.size > 5, `training advanced (${epochs.size} distinct epochs)`);
  for (const r of rows) {
    assert.ok(Math.abs(r.elbo - (r.recon - r.kl)) <= 1e-9, `epoch ${r.epoch}: ELBO − (recon − KL) = ${r.elbo - (r.recon - r.kl)}`);
    assert.ok(Math.abs(r.betaElbo - r.elbo) <= 1e-9, 'β = 1: the objective is the ELBO');
    assert.ok(r.kl >= 0);
  }
  const end = await readouts(page);
  assert.ok(end.elbo > start.elbo + 2, `the ELBO improved: ${start.elbo} → ${end.elbo}`);
  // Paused means paused: nothing moves any more.
  await page.waitForTimeout(300); // about time: however long one waits
  assert.equal((await readouts(page)).step, end.step);
  // The trace has one point per epoch.
  assert.equal(await page.locator('.vae-traces path.trace').count(), 3);
});

test('Step trains one epoch, exactly as the core does for the same seed', async () => {
  const { page } = await open('#lab=vae&data=rings&n=300&seed=7&samples=2&latent=1');
  for (let i = 1; i <= 3; i++) {
    await page.click('[data-action="step"]');
    await page.waitForFunction((e) => Number(document.querySelector('output[data-readout="epoch"]').dataset.value) === e, i);
  }
  const r = await readouts(page);
  assert.equal(r.epoch, 3);
  assert.equal(r.step, 3 * 6); // ⌈300 / 50⌉ minibatches per epoch
  const st = typed(await hashState(page));
  const core = await page.evaluate((st) => {
    const c = klplay.vaeLab(st, { slot: 'check', reset: true, epochs: 3 });
    return { epoch: c.epoch, step: c.step, terms: c.terms, trace: Array.from(c.trace.elbo) };
  }, st);
  assert.equal(core.epoch, 3);
  for (const k of ['recon', 'kl', 'elbo']) assert.equal(r[k], core.terms[k], `${k}: page ${r[k]}, core ${core.terms[k]}`);
  assert.equal(core.trace.length, 4);
  assert.equal(core.trace[3], r.elbo);
  // Reset goes back to epoch 0 and the untrained model's terms.
  await page.click('[data-action="reset"]');
  await page.waitForFunction(() => document.querySelector('output[data-readout="epoch"]').dataset.value === '0');
  const fresh = await page.evaluate((st) => klplay.vaeLab(st, { slot: 'check2', reset: true }).terms.elbo, st);
  assert.equal((await readouts(page)).elbo, fresh);
});

test('β = 20 collapses the posterior: KL per point → 0, reconstructions → the data mean', async () => {
  // Reduced motion: Play trains 25 epochs at once instead of animating.
  const { page } = await open('#lab=vae&data=clusters', { reducedMotion: 'reduce' });
  await page.click('button[data-preset="20"]');
  await page.waitForFunction(() => location.hash.includes('beta=20'));
  for (let e = 25; e <= 150; e += 25) {
    if (e > 25) await page.click('[data-action="play"]');
    await page.waitForFunction((n) => Number(document.querySelector('output[data-readout="epoch"]').dataset.value) >= n, e);
  }
  const r = await readouts(page);
  assert.ok(r.kl < 0.05, `KL per point ${r.kl}`);
  assert.ok(Math.abs(r.betaKl - 20 * r.kl) < 1e-12);
  assert.match(await page.locator('.vae-latent').innerText(), /Collapsed/);
  // The page's model (slot "page", same settings, no steps): every reconstruction at the data mean (0, 0).
  const st = typed(await hashState(page));
  const rec = await page.evaluate((st) => Array.from(klplay.vaeLab(st, {}).recon), st);
  const worst = Math.max(...rec.map(Math.abs));
  assert.ok(worst < 0.15, `reconstructions within ${worst} of the mean`);
});

test('the URL hash round-trips, bad values are clamped with a notice', async () => {
  const hash = '#lab=vae&data=clusters&n=700&noise=0.2&seed=42&latent=1&arch=linear&samples=4&beta=2.5&optimizer=sgd&lr=0.03';
  const { page } = await open(hash);
  const h = await hashState(page);
  assert.deepEqual(h, { lab: 'vae', data: 'clusters', n: '700', noise: '0.2', seed: '42', latent: '1', arch: 'linear', samples: '4', beta: '2.5', optimizer: 'sgd', lr: '0.03' });
  assert.equal(await page.locator('#vae-data-clusters').isChecked(), true);
  assert.equal(await page.locator('#vae-latent-1').isChecked(), true);
  assert.equal(await page.locator('#vae-arch-linear').isChecked(), true);
  assert.equal(await page.locator('#vae-optimizer-sgd').isChecked(), true);
  assert.equal(await page.locator('#vae-samples').inputValue(), '4');
  assert.equal(await page.locator('#vae-seed').inputValue(), '42');
  // The readouts are the core's for this state.
  const core = await page.evaluate((st) => klplay.vaeLab(st, { slot: 'check', reset: true }).terms, typed(h));
  assert.equal((await readouts(page)).elbo, core.elbo);
  // A control changes the hash: the 2-D latent.
  await page.click('#vae-latent-2');
  assert.equal((await hashState(page)).latent, '2');
  await page.goto(`${server.url}#lab=vae&beta=500&data=spiral`);
  await page.waitForFunction(() => !document.querySelector('.notice').hidden);
  const notice = await page.locator('.notice-text').innerText();
  assert.match(notice, /beta/);
  assert.match(notice, /data/);
  const h2 = await hashState(page);
  assert.equal(h2.beta, '100');
  assert.equal(h2.data, 'moons');
});

test('fits a 375 px screen without sideways scrolling, also while training', async () => {
  const { page } = await open('#lab=vae', PHONE);
  await page.click('[data-action="play"]');
  await page.waitForFunction(() => Number(document.querySelector('output[data-readout="epoch"]').dataset.value) >= 2);
  await page.click('[data-action="play"]');
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= 375, `scrollWidth ${sw}`);
});

test('bad calls throw typed errors naming the argument, and the next call works', async () => {
  const { page } = await open();
  const res = await page.evaluate(() => {
    const st = { data: 'moons', n: 500, noise: 0.08, seed: 1, latent: 2, arch: 'mlp', samples: 1, beta: 1, optimizer: 'adam', lr: 0.01 };
    const tryIt = (s, v) => { try { klplay.vaeLab(s, v); return null; } catch (e) { return [e.code, e.message]; } };
    return {
      latent: tryIt({ ...st, latent: 3 }, { slot: 'x' }),
      kind: tryIt({ ...st, n: '500' }, { slot: 'x' }),
      steps: tryIt(st, { slot: 'x', steps: -1 }),
      ok: klplay.vaeLab(st, { slot: 'x', steps: 2 }).step,
    };
  });
  assert.equal(res.latent[0], 'out-of-range');
  assert.match(res.latent[1], /latent/);
  assert.equal(res.kind[0], 'wrong-type');
  assert.match(res.steps[1], /steps/);
  assert.equal(res.ok, 2);
});
