// The start view's table, one row per lab in the path's order: where KL appears
// in that context, the state the row's link opens, and a thumbnail drawn from the
// lab's own Go call on that state. draw(klplay, st, g, size, t) draws into an SVG
// group of size {w, h} and returns the row's headline number; t is the seconds
// of the thumbnail's animation (only `animated` rows get t > 0).
import { scaleLinear } from 'd3-scale';
import { area, line } from 'd3-shape';
import { toProbabilities } from '../../lib/measure.js';
import { number } from '../../lib/format.js';

const PAD = 3;

/** Bars of p and q side by side, p solid and q outlined, as the labs draw them. */
function pairBars(g, { w, h }, p, q) {
  const n = p.length;
  const top = Math.max(...Array.from(p), ...Array.from(q));
  const y = scaleLinear().domain([0, top]).range([h - PAD, PAD]);
  const slot = (w - 2 * PAD) / n;
  const bw = slot * 0.36;
  const bars = [...Array.from(p, (v, i) => ({ k: 'p', i, v })), ...Array.from(q, (v, i) => ({ k: 'q', i, v }))];
  g.selectAll('rect.bar').data(bars).join('rect')
    .attr('class', (d) => `bar thumb-${d.k}`)
    .attr('x', (d) => PAD + d.i * slot + (d.k === 'p' ? slot * 0.12 : slot * 0.5))
    .attr('width', bw).attr('y', (d) => y(d.v)).attr('height', (d) => Math.max(0, y(0) - y(d.v)));
}

/** Curves over a shared x grid: [{ys, cls, fill?}], scaled together. */
function curves(g, { w, h }, xs, series) {
  const top = Math.max(...series.flatMap((s) => Array.from(s.ys)));
  const x = scaleLinear().domain([xs[0], xs[xs.length - 1]]).range([PAD, w - PAD]);
  const y = scaleLinear().domain([0, top || 1]).range([h - PAD, PAD]);
  g.selectAll('path.curve').data(series).join('path')
    .attr('class', (d) => `curve ${d.cls}${d.fill ? ' filled' : ''}`)
    .attr('d', (d) => (d.fill ? area().x((_, i) => x(xs[i])).y0(y(0)).y1((v) => y(v)) : line().x((_, i) => x(xs[i])).y((v) => y(v)))(Array.from(d.ys)));
}

/** Lines against the step: [{ys, cls}]. */
function traces(g, { w, h }, series) {
  const all = series.flatMap((s) => Array.from(s.ys));
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const n = Math.max(...series.map((s) => s.ys.length));
  const x = scaleLinear().domain([0, n - 1]).range([PAD, w - PAD]);
  const y = scaleLinear().domain([lo, hi > lo ? hi : lo + 1]).range([h - PAD, PAD]);
  g.selectAll('path.curve').data(series).join('path').attr('class', (d) => `curve ${d.cls}`)
    .attr('d', (d) => line().x((_, i) => x(i)).y((v) => y(v))(Array.from(d.ys)));
}

const nats = (v) => `${number(v)} nats`;

export const rows = [
  {
    id: 'divergence',
    context: 'What KL measures',
    role: 'The extra nats you pay for coding samples of P with a code built for Q. Zero only when Q = P.',
    formula: 'divergence',
    animated: true,
    draw(klplay, st, g, size, t) {
      const p = toProbabilities(st.p);
      const q0 = toProbabilities(st.q);
      // Q drifts towards P and back: the bars and KL move together.
      const a = 0.5 - 0.5 * Math.cos((2 * Math.PI * t) / 8);
      const q = Array.from(q0, (v, i) => (1 - a) * v + a * p[i]);
      const r = klplay.divergenceLab({ ...st, p, q });
      pairBars(g, size, p, q);
      return `KL(P‖Q) = ${nats(r.kl)}`;
    },
  },
  {
    id: 'continuous',
    context: 'Densities',
    role: 'The same average of log(p/q), now an integral: closed form, quadrature and sampling agree.',
    formula: 'continuous',
    draw(klplay, st, g, size) {
      const r = klplay.continuousLab(st);
      curves(g, size, r.xs, [{ ys: r.p, cls: 'thumb-p', fill: true }, { ys: r.q, cls: 'thumb-q' }]);
      return `KL(P‖Q) = ${nats(r.kl.value)}`;
    },
  },
  {
    id: 'cross-entropy',
    context: 'Classification',
    role: 'The cross-entropy loss is KL from the true label to the model’s prediction, plus the label’s entropy.',
    formula: 'crossEntropy',
    draw(klplay, st, g, size) {
      const r = klplay.crossEntropyLab(st);
      pairBars(g, size, r.p, r.q);
      return `H(P,Q) = ${nats(r.crossEntropy)}`;
    },
  },
  {
    id: 'mle',
    context: 'Maximum likelihood',
    role: 'Maximising the likelihood of data minimises KL from the data’s distribution to the model.',
    formula: 'mle',
    draw(klplay, st, g, size) {
      const data = klplay.mleData({ truth: st.truth, a: st.a, b: st.b, n: st.n, seed: st.seed });
      const r = klplay.mleLab(st, { data: data.handle, steps: 0, closed: true });
      const e = r.histEdges;
      const xs = Array.from(r.histDensity, (_, i) => (e[i] + e[i + 1]) / 2);
      const fit = Array.from(xs, (x) => { let j = 0; while (j < r.curveX.length - 1 && r.curveX[j] < x) j++; return r.curveY[j]; });
      curves(g, size, xs, [{ ys: r.histDensity, cls: 'thumb-p', fill: true }, { ys: fit, cls: 'thumb-q' }]);
      return `KL(P‖P_θ) = ${nats(r.kl)}`;
    },
  },
  {
    id: 'fit',
    context: 'Which direction?',
    role: 'Minimising KL(P‖Q) covers every mode of P; minimising KL(Q‖P) picks one. The choice shapes every fit below.',
    formula: 'fit',
    // The link opens at the start, ready for Play; the thumbnail shows where Play ends.
    draw(klplay, st, g, size) {
      const r = klplay.fitLab({ target: st.target, startMu: st.startMu, startSigma: st.startSigma, lr: st.lr }, { steps: 400, converge: true });
      curves(g, size, r.xs, [{ ys: r.p, cls: 'thumb-p', fill: true }, { ys: r.qForward, cls: 'thumb-q' }, { ys: r.qReverse, cls: 'thumb-r' }]);
      return `KL(Q‖P) = ${nats(r.reverse.kl)}`;
    },
  },
  {
    id: 'elbo',
    context: 'Variational inference',
    role: 'log p(x) = ELBO + KL(q‖p(z|x)): raising the ELBO pulls q towards the posterior.',
    formula: 'elbo',
    draw(klplay, st, g, size) {
      const r = klplay.elboLab(st);
      curves(g, size, r.zs, [{ ys: r.posterior, cls: 'thumb-p', fill: true }, { ys: r.prior, cls: 'thumb-prior' }, { ys: r.q, cls: 'thumb-q' }]);
      return `gap ${nats(r.terms.gap)}`;
    },
  },
  {
    id: 'vae',
    context: 'VAE',
    role: 'Each point’s encoder gives its own q(z|x); KL to the prior keeps the latent space in shape.',
    formula: 'vae',
    draw(klplay, st, g, { w, h }) {
      const r = klplay.vaeLab(st, { steps: 0, epochs: 0 });
      const d = r.data;
      const n = d.length / 2;
      const xs = Array.from({ length: n }, (_, i) => d[2 * i]);
      const ys = Array.from({ length: n }, (_, i) => d[2 * i + 1]);
      const x = scaleLinear().domain([Math.min(...xs), Math.max(...xs)]).range([PAD, w - PAD]);
      const y = scaleLinear().domain([Math.min(...ys), Math.max(...ys)]).range([h - PAD, PAD]);
      g.selectAll('circle').data(xs.filter((_, i) => i % 2 === 0)).join('circle')
        .attr('class', (_, k) => `dot c${r.labels[2 * k] ?? 0}`).attr('r', 1.3).attr('cx', (v) => x(v)).attr('cy', (_, k) => y(ys[2 * k]));
      return `ELBO ${nats(r.terms.elbo)}`;
    },
  },
  {
    id: 'trust-region',
    context: 'RL: TRPO and PPO',
    role: 'Each policy update is kept within a KL budget δ of the policy that collected the data.',
    formula: 'trustRegion',
    stateFrom: (st) => ({ k: st.updates }),
    draw(klplay, st, g, size) {
      const r = klplay.trustRegionLab(st, { contours: false, grid: 3 });
      traces(g, size, [{ ys: r.methods.pg.ret, cls: 'thumb-r' }, { ys: r.methods.trpo.ret, cls: 'thumb-q' }]);
      return `TRPO’s return ${number(r.methods.trpo.ret.at(-1))}`;
    },
  },
  {
    id: 'gan',
    context: 'GANs',
    role: 'The original GAN’s generator minimises JS, built from two KLs to the mixture M = (P + Q)/2.',
    formula: 'gan',
    draw(klplay, st, g, size) {
      const r = klplay.ganLab({ shape: st.shape, theta: st.theta, step: 0, gens: st.gens, alpha: st.alpha }, { sweep: false, curves: false });
      curves(g, size, r.xs, [{ ys: r.p, cls: 'thumb-p', fill: true }, { ys: r.q, cls: 'thumb-q' }, { ys: r.m, cls: 'thumb-m' }]);
      return `JS = ${nats(r.div.js)}`;
    },
  },
  {
    id: 'mutual-information',
    context: 'Information bottleneck',
    role: 'Mutual information is KL from the joint to the product of its marginals; the bottleneck trades I(X;T) for I(T;Y).',
    formula: 'mutualInformation',
    draw(klplay, st, g, { w, h }) {
      const joint = toProbabilities(st.distribution);
      const r = klplay.mutualInformationLab({ ...st, distribution: joint });
      const top = Math.max(...joint);
      const c = h - 2 * PAD;
      const cell = c / st.rows;
      g.selectAll('rect.cell').data(joint).join('rect').attr('class', 'cell thumb-cell')
        .attr('x', (_, i) => (w - cell * st.cols) / 2 + (i % st.cols) * cell).attr('y', (_, i) => PAD + Math.floor(i / st.cols) * cell)
        .attr('width', cell - 1).attr('height', cell - 1).attr('fill-opacity', (v) => 0.08 + 0.92 * (v / top));
      return `I(X;Y) = ${number(r.mi)} ${st.unit}`;
    },
  },
];
