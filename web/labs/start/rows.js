// The start view's table, one row per lab in the path's order: where KL appears
// in that context, the state the row's link opens (rowState), and a thumbnail
// from the lab's own Go call on that state. compute(klplay, st, size, t) returns
// {value, marks}: the row's headline number and the thumbnail's SVG marks
// ([{el, attrs}], coordinates in a size {w, h} box), plain data with no DOM, so
// that the build computes the first view under Node (firstView) and the page
// draws it before Go is ready; t is the seconds of the thumbnail's animation
// (only `animated` rows get t > 0).
import { scaleLinear } from 'd3-scale';
import { area, line } from 'd3-shape';
import { defaults } from '../../lib/schema.js';
import { toProbabilities } from '../../lib/measure.js';
import { number } from '../../lib/format.js';
import { labs } from '../../path.js';

const SCHEMAS = new Map(labs.map((l) => [l.id, l.schema]));

export const SIZE = { w: 168, h: 60 };
const PAD = 3;
const MAX_POINTS = SIZE.w / 2; // a curve's points: one per 2 px is smooth at this size, and keeps the built page small
const MAX_DOTS = 160; // a scatter's points: enough to show its clusters at this size

const px = (v) => Math.round(v * 10) / 10;
const mark = (el, attrs) => ({ el, attrs });

/** Every k-th index of n, at most MAX_POINTS of them, the last one included. */
function thinned(n) {
  const k = Math.max(1, Math.ceil(n / MAX_POINTS));
  const idx = [];
  for (let i = 0; i < n; i += k) idx.push(i);
  if (idx.at(-1) !== n - 1) idx.push(n - 1);
  return idx;
}

/** Bars of p and q side by side, p solid and q outlined, as the labs draw them. */
function pairBars({ w, h }, p, q) {
  const n = p.length;
  const top = Math.max(...Array.from(p), ...Array.from(q));
  const y = scaleLinear().domain([0, top]).range([h - PAD, PAD]);
  const slot = (w - 2 * PAD) / n;
  const bw = px(slot * 0.36);
  const bar = (k, v, i) => mark('rect', {
    class: `bar thumb-${k}`, x: px(PAD + i * slot + (k === 'p' ? slot * 0.12 : slot * 0.5)), width: bw, y: px(y(v)), height: px(Math.max(0, y(0) - y(v))),
  });
  return [...Array.from(p, (v, i) => bar('p', v, i)), ...Array.from(q, (v, i) => bar('q', v, i))];
}

/** Curves over a shared x grid: [{ys, cls, fill?}], scaled together. */
function curves({ w, h }, xs, series) {
  const top = Math.max(...series.flatMap((s) => Array.from(s.ys)));
  const x = scaleLinear().domain([xs[0], xs[xs.length - 1]]).range([PAD, w - PAD]);
  const y = scaleLinear().domain([0, top || 1]).range([h - PAD, PAD]);
  const idx = thinned(xs.length);
  return series.map((d) => mark('path', {
    class: `curve ${d.cls}${d.fill ? ' filled' : ''}`,
    d: (d.fill ? area().x((i) => x(xs[i])).y0(y(0)).y1((i) => y(d.ys[i])) : line().x((i) => x(xs[i])).y((i) => y(d.ys[i]))).digits(1)(idx),
  }));
}

/** Lines against the step: [{ys, cls}]. */
function traces({ w, h }, series) {
  const all = series.flatMap((s) => Array.from(s.ys));
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const n = Math.max(...series.map((s) => s.ys.length));
  const x = scaleLinear().domain([0, n - 1]).range([PAD, w - PAD]);
  const y = scaleLinear().domain([lo, hi > lo ? hi : lo + 1]).range([h - PAD, PAD]);
  return series.map((d) => mark('path', { class: `curve ${d.cls}`, d: line().x((i) => x(i)).y((i) => y(d.ys[i])).digits(1)(thinned(d.ys.length)) }));
}

const nats = (v) => `${number(v)} nats`;

export const rows = [
  {
    id: 'divergence',
    context: 'What KL measures',
    role: 'The extra nats you pay for coding samples of P with a code built for Q. Zero only when Q = P.',
    formula: 'divergence',
    animated: true,
    compute(klplay, st, size, t) {
      const p = toProbabilities(st.p);
      const q0 = toProbabilities(st.q);
      // Q drifts towards P and back: the bars and KL move together.
      const a = 0.5 - 0.5 * Math.cos((2 * Math.PI * t) / 8);
      const q = Array.from(q0, (v, i) => (1 - a) * v + a * p[i]);
      const r = klplay.divergenceLab({ ...st, p, q });
      return { value: `KL(P‖Q) = ${nats(r.kl)}`, marks: pairBars(size, p, q) };
    },
  },
  {
    id: 'continuous',
    context: 'Densities',
    role: 'The same average of log(p/q), now an integral: closed form, quadrature and sampling agree.',
    formula: 'continuous',
    compute(klplay, st, size) {
      const r = klplay.continuousLab(st);
      return { value: `KL(P‖Q) = ${nats(r.kl.value)}`, marks: curves(size, r.xs, [{ ys: r.p, cls: 'thumb-p', fill: true }, { ys: r.q, cls: 'thumb-q' }]) };
    },
  },
  {
    id: 'cross-entropy',
    context: 'Classification',
    role: 'The cross-entropy loss is KL from the true label to the model’s prediction, plus the label’s entropy.',
    formula: 'crossEntropy',
    compute(klplay, st, size) {
      const r = klplay.crossEntropyLab(st);
      return { value: `H(P,Q) = ${nats(r.crossEntropy)}`, marks: pairBars(size, r.p, r.q) };
    },
  },
  {
    id: 'mle',
    context: 'Maximum likelihood',
    role: 'Maximising the likelihood of data minimises KL from the data’s distribution to the model.',
    formula: 'mle',
    compute(klplay, st, size) {
      const data = klplay.mleData({ truth: st.truth, a: st.a, b: st.b, n: st.n, seed: st.seed });
      const r = klplay.mleLab(st, { data: data.handle, steps: 0, closed: true });
      const e = r.histEdges;
      const xs = Array.from(r.histDensity, (_, i) => (e[i] + e[i + 1]) / 2);
      const fit = Array.from(xs, (x) => { let j = 0; while (j < r.curveX.length - 1 && r.curveX[j] < x) j++; return r.curveY[j]; });
      return { value: `KL(P‖P_θ) = ${nats(r.kl)}`, marks: curves(size, xs, [{ ys: r.histDensity, cls: 'thumb-p', fill: true }, { ys: fit, cls: 'thumb-q' }]) };
    },
  },
  {
    id: 'fit',
    context: 'Which direction?',
    role: 'Minimising KL(P‖Q) covers every mode of P; minimising KL(Q‖P) picks one. The choice shapes every fit below.',
    formula: 'fit',
    // The link opens at the start, ready for Play; the thumbnail shows where Play ends.
    compute(klplay, st, size) {
      const r = klplay.fitLab({ target: st.target, startMu: st.startMu, startSigma: st.startSigma, lr: st.lr }, { steps: 400, converge: true });
      return { value: `KL(Q‖P) = ${nats(r.reverse.kl)}`, marks: curves(size, r.xs, [{ ys: r.p, cls: 'thumb-p', fill: true }, { ys: r.qForward, cls: 'thumb-q' }, { ys: r.qReverse, cls: 'thumb-r' }]) };
    },
  },
  {
    id: 'elbo',
    context: 'Variational inference',
    role: 'log p(x) = ELBO + KL(q‖p(z|x)): raising the ELBO pulls q towards the posterior.',
    formula: 'elbo',
    compute(klplay, st, size) {
      const r = klplay.elboLab(st);
      return { value: `gap ${nats(r.terms.gap)}`, marks: curves(size, r.zs, [{ ys: r.posterior, cls: 'thumb-p', fill: true }, { ys: r.prior, cls: 'thumb-prior' }, { ys: r.q, cls: 'thumb-q' }]) };
    },
  },
  {
    id: 'vae',
    context: 'VAE',
    role: 'Each point’s encoder gives its own q(z|x); KL to the prior keeps the latent space in shape.',
    formula: 'vae',
    compute(klplay, st, { w, h }) {
      const r = klplay.vaeLab(st, { steps: 0, epochs: 0 });
      const d = r.data;
      const n = d.length / 2;
      const xs = Array.from({ length: n }, (_, i) => d[2 * i]);
      const ys = Array.from({ length: n }, (_, i) => d[2 * i + 1]);
      const x = scaleLinear().domain([Math.min(...xs), Math.max(...xs)]).range([PAD, w - PAD]);
      const y = scaleLinear().domain([Math.min(...ys), Math.max(...ys)]).range([h - PAD, PAD]);
      const dots = [];
      for (let i = 0, k = Math.ceil(n / MAX_DOTS); i < n; i += k) dots.push(mark('circle', { class: `dot c${r.labels[i] ?? 0}`, r: 1.3, cx: px(x(xs[i])), cy: px(y(ys[i])) }));
      return { value: `ELBO ${nats(r.terms.elbo)}`, marks: dots };
    },
  },
  {
    id: 'trust-region',
    context: 'RL: TRPO and PPO',
    role: 'Each policy update is kept within a KL budget δ of the policy that collected the data.',
    formula: 'trustRegion',
    stateFrom: (st) => ({ k: st.updates }),
    compute(klplay, st, size) {
      const r = klplay.trustRegionLab(st, { contours: false, grid: 3 });
      return { value: `TRPO’s return ${number(r.methods.trpo.ret.at(-1))}`, marks: traces(size, [{ ys: r.methods.pg.ret, cls: 'thumb-r' }, { ys: r.methods.trpo.ret, cls: 'thumb-q' }]) };
    },
  },
  {
    id: 'gan',
    context: 'GANs',
    role: 'The original GAN’s generator minimises JS, built from two KLs to the mixture M = (P + Q)/2.',
    formula: 'gan',
    compute(klplay, st, size) {
      const r = klplay.ganLab({ shape: st.shape, theta: st.theta, step: 0, gens: st.gens, alpha: st.alpha }, { sweep: false, curves: false });
      return { value: `JS = ${nats(r.div.js)}`, marks: curves(size, r.xs, [{ ys: r.p, cls: 'thumb-p', fill: true }, { ys: r.q, cls: 'thumb-q' }, { ys: r.m, cls: 'thumb-m' }]) };
    },
  },
  {
    id: 'mutual-information',
    context: 'Information bottleneck',
    role: 'Mutual information is KL from the joint to the product of its marginals; the bottleneck trades I(X;T) for I(T;Y).',
    formula: 'mutualInformation',
    compute(klplay, st, { w, h }) {
      const joint = toProbabilities(st.distribution);
      const r = klplay.mutualInformationLab({ ...st, distribution: joint });
      const top = Math.max(...joint);
      const c = h - 2 * PAD;
      const cell = c / st.rows;
      const cells = Array.from(joint, (v, i) => mark('rect', {
        class: 'cell thumb-cell', x: px((w - cell * st.cols) / 2 + (i % st.cols) * cell), y: px(PAD + Math.floor(i / st.cols) * cell),
        width: px(cell - 1), height: px(cell - 1), 'fill-opacity': Math.round((0.08 + 0.92 * (v / top)) * 1000) / 1000,
      }));
      return { value: `I(X;Y) = ${number(r.mi)} ${st.unit}`, marks: cells };
    },
  },
];

/** The state a row's link opens: the lab's defaults, with the row's changes. */
export function rowState(row) {
  const d = defaults(SCHEMAS.get(row.id));
  return { ...d, ...row.state, ...row.stateFrom?.(d) };
}

/**
 * Every row's {value, marks} at t = 0, by id: what the build puts into the page
 * (web/build.mjs) and the start view draws before Go is ready. A row that
 * throws fails the build, not the page.
 */
export function firstView(klplay) {
  return Object.fromEntries(rows.map((row) => [row.id, row.compute(klplay, rowState(row), SIZE, 0)]));
}
