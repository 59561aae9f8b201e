// The JavaScript API as a blog author's build script meets it: the published
// loader dist/klplay.js and dist/klplay.wasm under Node, no browser.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

let klplay;
let KlplayError;
before(async () => {
  const mod = await import('../../dist/klplay.js');
  KlplayError = mod.KlplayError;
  klplay = await mod.load();
});

const close = (got, want, rel = 1e-12) =>
  assert.ok(Math.abs(got - want) <= rel * Math.max(1, Math.abs(want)), `got ${got}, want ${want}`);

describe('values', () => {
  test('globalThis.klplay is the loaded API', () => {
    assert.equal(globalThis.klplay, klplay);
    assert.match(klplay.version, /^\d+\.\d+\.\d+/);
  });
  test('dog vs cat: KL([1,0] ‖ [0.9,0.1]) = ln(1/0.9)', () => {
    close(klplay.kl([1, 0], [0.9, 0.1]), Math.log(1 / 0.9));
    close(klplay.kl([1, 0], [0.9, 0.1], { base: 2 }), Math.log2(1 / 0.9));
  });
  test('entropy, cross-entropy and H(P,Q) = H(P) + KL(P‖Q)', () => {
    const p = [0.1, 0.2, 0.3, 0.4];
    const q = new Float64Array([0.25, 0.25, 0.25, 0.25]);
    close(klplay.entropy(q), Math.log(4));
    close(klplay.crossEntropy(p, q), Math.log(4));
    close(klplay.crossEntropy(p, q), klplay.entropy(p) + klplay.kl(p, q));
  });
  test('Jensen–Shannon is log 2 for disjoint supports', () => {
    close(klplay.jensenShannon([1, 0], [0, 1]), Math.log(2));
    close(klplay.jensenShannon([1, 0], [0, 1], { base: 2 }), 1);
  });
  test('f-divergences by name', () => {
    const p = [0.5, 0.5], q = [0.9, 0.1];
    close(klplay.fDivergence('kl', p, q), klplay.kl(p, q));
    close(klplay.fDivergence('total-variation', p, q), 0.4);
    close(klplay.fDivergence('squared-hellinger', p, q), 1 - Math.sqrt(0.45) - Math.sqrt(0.05));
    close(klplay.fDivergence('pearson-chi2', p, q), 0.16 / 0.9 + 0.16 / 0.1);
    close(klplay.fDivergence('neyman-chi2', p, q), 0.16 / 0.5 + 0.16 / 0.5);
  });
  test('Rényi of order 1 is KL; order 2 is log(1 + χ²)', () => {
    const p = [0.5, 0.5], q = [0.9, 0.1];
    close(klplay.renyi(p, q, 1), klplay.kl(p, q));
    close(klplay.renyi(p, q, 2), Math.log(1 + klplay.fDivergence('pearson-chi2', p, q)));
  });
  test('mutual information of a noiseless bit is 1 bit; of independent bits 0', () => {
    close(klplay.mutualInformation([[0.5, 0], [0, 0.5]], { base: 2 }), 1);
    close(klplay.mutualInformation([[0.25, 0.25], [0.25, 0.25]]), 0);
  });
  test('klDist: closed form for two normals', () => {
    const r = klplay.klDist({ family: 'normal', mu: 0, sigma: 1 }, { family: 'normal', mu: 1, sigma: 2 });
    assert.equal(r.method, 'closed-form');
    close(r.value, Math.log(2) + 2 / 8 - 0.5);
  });
  test('klDist: q that misses p’s support is Infinity', () => {
    const r = klplay.klDist({ family: 'uniform', min: 0, max: 2 }, { family: 'uniform', min: 0, max: 1 });
    assert.equal(r.value, Infinity);
  });
  test('normalize rescales only when asked', () => {
    close(klplay.kl([1, 1], [9, 1], { normalize: true }), klplay.kl([0.5, 0.5], [0.9, 0.1]));
  });
  test('a million entries in one call, exact to 1e-12', () => {
    const n = 1e6;
    const p = new Float64Array(n).fill(1 / n);
    const q = new Float64Array(n);
    for (let i = 0; i < n; i++) q[i] = i < n / 2 ? 1.5 / n : 0.5 / n;
    // KL = ½ log(1/1.5) + ½ log(1/0.5) = ½ log(4/3)
    close(klplay.kl(p, q), 0.5 * Math.log(4 / 3), 1e-12);
  });
  test('divergenceLab returns readouts and chart arrays in one call', () => {
    const r = klplay.divergenceLab({ p: [1, 0], q: [0.9, 0.1], unit: 'bits' });
    close(r.kl, Math.log2(1 / 0.9));
    assert.equal(r.reverseKL, Infinity);
    assert.ok(r.terms instanceof Float64Array && r.terms.length === 2);
    close(r.terms[0] + r.terms[1], r.kl);
    close(r.codeQ[1], -Math.log2(0.1));
    assert.equal(r.codeP[1], Infinity);
  });
});

describe('bad input throws a KlplayError naming the problem, and the next call works', () => {
  const cases = [
    ['a string for p', () => klplay.kl('abc', null), 'wrong-type', 'p'],
    ['null q', () => klplay.kl([1], null), 'wrong-type', 'q'],
    ['a string entry', () => klplay.kl([0.5, '0.5'], [0.5, 0.5]), 'wrong-type', 'p[1]'],
    ['a negative entry', () => klplay.kl([1.5, -0.5], [0.5, 0.5]), 'negative', 'p[1]'],
    ['NaN', () => klplay.entropy([NaN, 1]), 'not-finite', 'p[0]'],
    ['Infinity', () => klplay.kl([0.5, 0.5], [Infinity, 0]), 'not-finite', 'q[0]'],
    ['different lengths', () => klplay.kl([0.5, 0.5], [1]), 'length-mismatch', 'q'],
    ['empty', () => klplay.entropy([]), 'empty', 'p'],
    ['not normalised', () => klplay.kl([0.5, 0.6], [0.5, 0.5]), 'not-normalized', 'p'],
    ['base 1', () => klplay.kl([1], [1], { base: 1 }), 'bad-base', 'base'],
    ['base 0', () => klplay.kl([1], [1], { base: 0 }), 'bad-base', 'base'],
    ['base −2', () => klplay.entropy([1], { base: -2 }), 'bad-base', 'base'],
    ['base as a string', () => klplay.entropy([1], { base: '2' }), 'wrong-type', 'opts.base'],
    ['opts as a number', () => klplay.entropy([1], 7), 'wrong-type', 'opts'],
    ['α < 0', () => klplay.renyi([1], [1], -1), 'out-of-range', 'alpha'],
    ['α missing', () => klplay.renyi([1], [1]), 'wrong-type', 'alpha'],
    ['unknown f-divergence', () => klplay.fDivergence('nope', [1], [1]), 'unknown-name', 'name'],
    ['ragged joint table', () => klplay.mutualInformation([[0.5, 0.25], [0.25]]), 'ragged', 'joint[1]'],
    ['joint not rows', () => klplay.mutualInformation('x'), 'wrong-type', 'joint'],
    ['unknown family', () => klplay.klDist({ family: 'cauchy' }, { family: 'normal', mu: 0, sigma: 1 }), 'unknown-family', 'family'],
    ['σ ≤ 0', () => klplay.klDist({ family: 'normal', mu: 0, sigma: 0 }, { family: 'normal', mu: 0, sigma: 1 }), 'out-of-range', 'sigma'],
    ['σ not a number', () => klplay.klDist({ family: 'normal', mu: 0, sigma: 'wide' }, { family: 'normal', mu: 0, sigma: 1 }), 'wrong-type', 'sigma'],
    ['spec not an object', () => klplay.klDist(42, { family: 'normal', mu: 0, sigma: 1 }), 'wrong-type', 'pSpec'],
    ['unknown estimator', () => klplay.klDist({ family: 'normal', mu: 0, sigma: 1 }, { family: 'normal', mu: 1, sigma: 1 }, { method: 'monte-carlo', estimator: 'k9' }), 'unknown-name', 'estimator'],
  ];
  for (const [name, call, code, arg] of cases) {
    test(name, () => {
      assert.throws(call, (err) => {
        assert.ok(err instanceof KlplayError && err instanceof Error, `not a KlplayError: ${err}`);
        assert.equal(err.code, code, err.message);
        assert.equal(err.arg, arg, err.message);
        assert.ok(err.message.includes(arg), `message "${err.message}" does not name ${arg}`);
        return true;
      });
      close(klplay.kl([0.5, 0.5], [0.9, 0.1]), 0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(0.5 / 0.1));
    });
  }
});
