// The lab functions as an author calls them: each takes its lab's state, read
// against the lab's schema (core/session/labs/<id>.json), so a missing field
// is the schema's default, the state's unit is the unit of the answer, and a
// field the schema does not know, or a BigInt anywhere, is an error naming it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';

let klplay;
before(async () => {
  const mod = await import('../../dist/klplay.js');
  klplay = await mod.load();
});

const schema = (id) => JSON.parse(readFileSync(new URL(`../../core/session/labs/${id}.json`, import.meta.url))).fields;
const defaults = (id) => Object.fromEntries(schema(id).map((f) => [f.name, f.default]));

// Plain values for deepEqual: typed arrays as arrays.
const plain = (v) => JSON.parse(JSON.stringify(v, (_, x) => (ArrayBuffer.isView(x) ? Array.from(x) : x)));

const close = (got, want, rel = 1e-12) =>
  assert.ok(Math.abs(got - want) <= rel * Math.max(1, Math.abs(want)), `got ${got}, want ${want}`);

// Each lab function with the options that make one deterministic frame.
const calls = {
  divergence: (s) => klplay.divergenceLab(s),
  continuous: (s) => klplay.continuousLab(s, { check: true }),
  'cross-entropy': (s) => klplay.crossEntropyLab(s, { steps: 3 }),
  fit: (s) => klplay.fitLab(s, { steps: 5 }),
  elbo: (s) => klplay.elboLab(s, { steps: 3, path: true }),
  'trust-region': (s) => klplay.trustRegionLab(s, { contours: true }),
  gan: (s) => klplay.ganLab(s, { curves: true }),
  'mutual-information': (s) => klplay.mutualInformationLab(s),
  vae: (s) => klplay.vaeLab(s, { slot: 'labs-test', reset: true, steps: 2 }),
  mle: (s) => { const d = klplay.mleData(s); return { d: { ...d, handle: 0 }, r: klplay.mleLab(s, { data: d.handle, steps: 3 }) }; },
};

describe('a missing field is the schema’s default', () => {
  for (const [id, call] of Object.entries(calls)) {
    test(`${id}: {} answers as the schema's defaults spelt out`, () => {
      assert.deepEqual(plain(call({})), plain(call(defaults(id))));
      assert.deepEqual(plain(call(undefined)), plain(call(defaults(id))));
    });
  }
  test('the defaults are the schema’s, not the bridge’s own', () => {
    const fit = klplay.fitLab({}, { steps: 0 });
    assert.deepEqual([fit.forward.mu, fit.forward.sigma], [-1, 0.7]);
    close(klplay.ganLab({}).div.w1, 1.2); // W₁ of a shift by θ is |θ|
    assert.equal(klplay.mleData({}).n, 500);
    assert.equal(klplay.mleLab({}, { data: klplay.mleData({}).handle }).model, 'gamma');
    const elbo = klplay.elboLab({}, {});
    assert.deepEqual([elbo.m, elbo.s], [-1.5, 0.4]);
  });
});

describe('the state’s unit is the unit of the answer', () => {
  const p = [0.2, 0.5, 0.3];
  const q = [0.4, 0.4, 0.2];
  const want = p.reduce((s, pi, i) => s + pi * Math.log(pi / q[i]), 0);
  test('divergenceLab', () => {
    close(klplay.divergenceLab({ p, q }).kl, want);
    close(klplay.divergenceLab({ p, q, unit: 'nats' }).kl, want);
    close(klplay.divergenceLab({ p, q, unit: 'bits' }).kl, want / Math.LN2);
  });
  test('mutualInformationLab and its sweep (the schema’s default unit is bits)', () => {
    const st = { rows: 2, cols: 2, distribution: [0.4, 0.1, 0.1, 0.4] };
    const mi = 0.8 * Math.log(1.6) + 0.2 * Math.log(0.4);
    close(klplay.mutualInformationLab({ ...st, unit: 'nats' }).mi, mi);
    close(klplay.mutualInformationLab(st).mi, mi / Math.LN2);
    close(klplay.mutualInformationSweep({ ...st, unit: 'nats' }).ixy, mi);
  });
  test('mutualInformationTrain: the true I is −½ log(1 − ρ²), and every InfoNCE batch ≤ log K', () => {
    const st = { rho: 0.8, batch: 6, trainSeed: 2, trainStep: 30 };
    const nats = klplay.mutualInformationTrain({ ...st, unit: 'nats' });
    const bits = klplay.mutualInformationTrain(st);
    close(nats.trueMI, -0.5 * Math.log(1 - 0.64));
    close(bits.trueMI, nats.trueMI / Math.LN2);
    close(nats.logK, Math.log(6));
    assert.equal(nats.nce.length, 30);
    for (const v of nats.nce) assert.ok(v <= nats.logK);
    nats.nce.forEach((v, i) => close(bits.nce[i], v / Math.LN2));
    assert.throws(() => klplay.mutualInformationTrain({ rho: 1 }), (e) => e.code === 'out-of-range' && /state\.rho/.test(e.message));
  });
  test('continuousLab and crossEntropyLab', () => {
    const c = { pFamily: 'normal', p: [0, 1], qFamily: 'normal', q: [1, 2] };
    const kl = Math.log(2) + (1 + 1) / 8 - 0.5;
    close(klplay.continuousLab(c).kl.value, kl);
    close(klplay.continuousLab({ ...c, unit: 'bits' }).kl.value, kl / Math.LN2);
    const x = { logits: [Math.log(9), 0], label: 0 };
    close(klplay.crossEntropyLab(x).crossEntropy, -Math.log(0.9));
    close(klplay.crossEntropyLab({ ...x, unit: 'bits' }).crossEntropy, -Math.log2(0.9));
  });
  test('crossEntropyPoints: {} is the defaults spelt out; at W = 0 the loss is log K in the state’s unit', () => {
    assert.deepEqual(plain(klplay.crossEntropyPoints({ fitStep: 7 })), plain(klplay.crossEntropyPoints({ ...defaults('cross-entropy'), fitStep: 7 })));
    close(klplay.crossEntropyPoints({}).loss, Math.log(3));
    close(klplay.crossEntropyPoints({ unit: 'bits', pointClasses: 2, points: [0, 1, 1] }).loss, 1);
    assert.throws(() => klplay.crossEntropyPoints({ points: [0, 0, 3] }), (e) => e.code === 'out-of-range' && e.arg === 'state.points[2]');
  });
});

describe('the measures’ options: base is e unless given, and 0 is no base', () => {
  const n01 = { family: 'normal', mu: 0, sigma: 1 };
  const n12 = { family: 'normal', mu: 1, sigma: 2 };
  const nats = Math.log(2) + (1 + 1) / 8 - 0.5; // log(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½
  test('klDist answers in the base asked for', () => {
    close(klplay.klDist(n01, n12).value, nats);
    close(klplay.klDist(n01, n12, { base: 2 }).value, nats / Math.LN2);
    close(klplay.klDist(n01, n12, { base: Math.E }).value, nats);
  });
  test('an explicit base 0 is bad-base, for every measure', () => {
    for (const f of [() => klplay.kl([1], [1], { base: 0 }), () => klplay.entropy([1], { base: 0 }), () => klplay.klDist(n01, n12, { base: 0 })]) {
      assert.throws(f, (e) => e.code === 'bad-base' && e.arg === 'base');
    }
    close(klplay.kl([1, 0], [0.5, 0.5], { base: null }), Math.LN2);
  });
});

describe('bad state is an error that names the field, and the next call works', () => {
  const expectError = (f, code, arg) => assert.throws(f, (e) => e.code === code && e.arg === arg && e.message.includes(arg));
  test('a field the schema does not know', () => {
    expectError(() => klplay.divergenceLab({ p: [0.5, 0.5], q: [0.5, 0.5], base: 2 }), 'invalid', 'state.base');
    expectError(() => klplay.crossEntropyLab({ steps: 3 }), 'invalid', 'state.steps');
  });
  test('a value out of the schema’s bounds, or not one of its names', () => {
    expectError(() => klplay.ganLab({ theta: 7 }), 'out-of-range', 'state.theta');
    expectError(() => klplay.divergenceLab({ unit: 'hartleys' }), 'unknown-name', 'state.unit');
  });
  for (const [id, call] of Object.entries(calls)) {
    test(`${id}: a BigInt in any field is wrong-type, named`, () => {
      for (const f of schema(id)) expectError(() => call({ [f.name]: 2n }), 'wrong-type', `state.${f.name}`);
      const arrays = schema(id).filter((f) => Array.isArray(f.default) && f.default.length > 0);
      for (const f of arrays) expectError(() => call({ [f.name]: [...f.default.slice(0, -1), 1n] }), 'wrong-type', `state.${f.name}[${f.default.length - 1}]`);
      assert.deepEqual(plain(call({})), plain(call(defaults(id))), 'the next call works');
    });
  }
  test('a BigInt in the options, or in the measures’ arguments', () => {
    expectError(() => klplay.ganLab({}, { sweep: 2n }), 'wrong-type', 'opts.sweep');
    expectError(() => klplay.fitLab({}, { steps: 2n }), 'wrong-type', 'opts.steps');
    expectError(() => klplay.kl([1n], [1]), 'wrong-type', 'p[0]');
    expectError(() => klplay.kl([1], [1], { base: 2n }), 'wrong-type', 'opts.base');
    expectError(() => klplay.klDist({ family: 'normal', mu: 0n, sigma: 1 }, { family: 'normal', mu: 0, sigma: 1 }), 'wrong-type', 'pSpec.mu');
    expectError(() => klplay.divergenceLab(2n), 'wrong-type', 'state');
    close(klplay.kl([1, 0], [0.5, 0.5]), Math.LN2);
  });
});
