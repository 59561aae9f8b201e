// The GANs and f-divergences lab: P fixed, Q = P shifted by θ. Play trains
// the generator: gradient descent on θ under JS, KL, reverse KL, TV and W₁
// from the same start θ₀ (the state's theta), the step in the state (step),
// so that a link replays the run; the JS generator's Q is drawn with the
// mixture M, D* and a discriminator learned alongside. Every divergence against
// θ on one chart (JS stalls at log 2 once the supports separate, KL is
// infinite, W₁ keeps growing), and the f-divergence family: generators f(u)
// and D_f = E_q[f(p/q)]. One call into Go (klplay.ganLab) per update; the
// sweep over θ comes once per shape and is cached here. Sweeping θ by hand
// (the handle, the slider, a click on the divergence chart) sets the start.
import { scaleLinear, scaleLog, scaleSymlog } from 'd3-scale';
import { axisBottom, axisLeft, axisRight } from 'd3-axis';
import { area, line, symbol, symbolDiamond } from 'd3-shape';
import { drag } from 'd3-drag';
import { pointer } from 'd3-selection';
import { format } from 'd3-format';
import { h, mathml } from '../../lib/dom.js';
import { LabView, defineLab, formula, labHead, prose, toolbar } from '../../lib/lab.js';
import { clearSpot, densify, handles, hatch, once, swatch } from '../../lib/chart.js';
import { number } from '../../lib/format.js';
import { transport, fieldSlider } from '../../lib/controls.js';
import { Player } from '../../lib/player.js';
import formulas from './formulas.tex';
import labInfo from '../../../core/session/labs/gan.json';

const { fields: schema } = labInfo;
const field = (n) => schema.find((f) => f.name === n);
const THETA = field('theta');
const fmt = format('~g');
const STEP = field('step');
const RATE = 12; // generator steps per second while training
const GFLOOR = 1e-6; // the gradient chart's floor: smaller magnitudes, 0 included, sit on it
// The divergences the generator is trained under, as the core names them.
const TRAIN = [
  { key: 'js', name: 'JS' }, { key: 'kl', name: 'KL(P‖Q)' }, { key: 'reverse-kl', name: 'KL(Q‖P)' }, { key: 'tv', name: 'TV' }, { key: 'w1', name: 'W₁' },
];
const YMAX = 100; // top of the finite part of the divergence chart
const SYMLOG = 0.1;

const SHAPES = [
  { key: 'uniform', label: 'Uniform', about: 'p = ½ on [−1, 1]' },
  { key: 'triangular', label: 'Triangle', about: 'p = 1 − |x| on [−1, 1]' },
  { key: 'bump', label: 'Bump', about: 'p = (15/16)(1 − x²)² on [−1, 1], a Beta(3, 3)' },
  { key: 'normal', label: 'Normal', about: 'p = N(0, 0.5²): support the whole line, for contrast' },
];

// The seven curves of the sweep, keyed as the core names them.
const DIVS = [
  { key: 'kl', name: 'KL(P‖Q)', long: 'KL(P‖Q) = ∫ p log(p/q)', gen: 'kl' },
  { key: 'reverse-kl', name: 'KL(Q‖P)', long: 'KL(Q‖P) = ∫ q log(q/p)', gen: 'reverse-kl' },
  { key: 'js', name: 'JS', long: 'JS(P‖Q), in nats', gen: 'jensen-shannon' },
  { key: 'tv', name: 'TV', long: 'TV = ½∫|p − q|', gen: 'total-variation' },
  { key: 'hellinger2', name: 'H²', long: 'H² = 1 − ∫√(pq)', gen: 'squared-hellinger' },
  { key: 'chi2', name: 'χ²', long: 'χ²(P‖Q) = ∫ (p − q)²/q', gen: 'pearson-chi2' },
  { key: 'w1', name: 'W₁', long: 'W₁ = ∫|F_P − F_Q|, not an f-divergence', gen: null },
];

// Every named f-divergence of the core, with its generator written out.
const GENS = [
  { key: 'kl', name: 'KL', f: 'u log u' },
  { key: 'reverse-kl', name: 'reverse KL', f: '−log u' },
  { key: 'jeffreys', name: 'Jeffreys', f: '(u − 1) log u' },
  { key: 'jensen-shannon', name: 'Jensen–Shannon', f: '½[u log u − (u+1) log((u+1)/2)]' },
  { key: 'total-variation', name: 'total variation', f: '½|u − 1|' },
  { key: 'squared-hellinger', name: 'squared Hellinger', f: '½(√u − 1)²' },
  { key: 'pearson-chi2', name: 'Pearson χ²', f: '(u − 1)²' },
  { key: 'neyman-chi2', name: 'Neyman χ²', f: '(1 − u)²/u' },
  { key: 'triangular', name: 'triangular', f: '(u − 1)²/(u + 1)' },
  { key: 'amari-alpha', name: 'Amari α', f: '[u^α − 1 − α(u − 1)]/(α(α − 1))' },
  { key: 't-power', name: 't-power', f: '±[u^t − 1 − t(u − 1)], t = α' },
  { key: 'log1p-abs', name: 'log1p-abs', f: 'max(u, 1/u) − 1' },
  { key: 'modified-gan', name: 'modified GAN', f: 'log(1+u) − log u + ½(u − 1) − log 2' },
  { key: 'arithmetic-geometric', name: 'arithmetic–geometric', f: '(1 + u) log((1 + u)/(2√u))' },
];
const GEN_KEYS = GENS.map((g) => g.key);
// Curve classes: the six f-divergences of the sweep keep their colours in the generator chart.
const genClass = (k) => {
  const d = DIVS.find((x) => x.gen === k);
  return d ? `c-${d.key}` : `g-${k}`;
};

function check(state) {
  const problems = [];
  const gens = state.gens.filter((g, i) => GEN_KEYS.includes(g) && state.gens.indexOf(g) === i);
  if (gens.length !== state.gens.length) problems.push('gens named unknown or repeated generators; those were dropped');
  const hide = state.hide.filter((k, i) => DIVS.some((d) => d.key === k) && state.hide.indexOf(k) === i);
  if (hide.length !== state.hide.length) problems.push('hide named unknown curves; those were dropped');
  return { state: { ...state, gens, hide }, problems };
}

const clampTheta = (v) => Math.round(Math.min(THETA.max, Math.max(THETA.min, v)) * 1000) / 1000;

class View extends LabView {
  constructor(el, ctx) {
    super(el, ctx);
    this.sweeps = new Map(); // shape → sweep (Float64Arrays)
    this.curves = null; // generator curves {us, <name>: Float64Array}
    this.curvesKey = null;
    this.acc = 0; // fractional steps carried between ticks
    this.player = new Player(el, {
      tick: (dt) => this.train(dt),
      step: () => this.setStep(this.ctx.state().step + 1),
      reset: () => this.set({ step: 0 }),
      start: () => { this.acc = 0; if (this.ctx.state().step >= STEP.max) this.set({ step: 0 }); },
      reduced: () => this.setStep(STEP.max),
    });
    this.build();
  }

  setTheta(v) {
    const t = clampTheta(v);
    const st = this.ctx.state();
    if (t !== st.theta || st.step !== 0) this.set({ theta: t, step: 0 });
  }

  // ---- animation ----------------------------------------------------------

  setStep(k) { this.set({ step: Math.min(STEP.max, Math.max(0, k)) }); }

  /** RATE generator steps a second; stops at the last step. */
  train(dt) {
    this.acc += RATE * dt;
    const n = Math.floor(this.acc);
    if (n < 1) return;
    this.acc -= n;
    const k = Math.min(STEP.max, this.ctx.state().step + n);
    this.set({ step: k });
    if (k >= STEP.max) this.player.pause();
  }

  // ---- DOM ------------------------------------------------------------------

  build() {
    const { el } = this;
    const { out } = this.readouts;

    this.transport = transport({ player: this.player, label: 'Train the generator' });
    this.shapeRadios = SHAPES.map((s) => ({
      s, r: h('input', { type: 'radio', name: 'gan-shape', value: s.key, id: `gan-shape-${s.key}`, onchange: () => this.set({ shape: s.key, step: 0 }) }),
    }));
    this.theta = fieldSlider(THETA, { label: 'Start θ₀', step: 0.01, onInput: (v) => this.setTheta(v), cls: 'gan-theta' });

    el.append(
      labHead('gan', 'GANs and f-divergences', 'A generator moves its distribution ', h('strong', { class: 'ink-q' }, 'Q'), ' towards the data ', h('strong', { class: 'ink-p' }, 'P'),
          ' by following the gradient of a divergence. Here Q is P shifted by θ. Slide Q away until the two no longer overlap and watch which divergences still tell it which way to go.'),
      toolbar('gan', { lead: [this.transport.el, h('fieldset', { class: 'segmented gan-shapes', 'data-embed-group': 'shape' }, h('legend', { class: 'toolbar-label' }, 'Shape of P'),
          this.shapeRadios.map(({ s, r }) => h('span', { class: 'seg', title: s.about }, r, h('label', { for: r.id }, s.label))))] }),
    );

    // Densities and D*; readouts.
    this.densHost = h('div', { class: 'chart-host' });
    this.divRows = DIVS.map((d) => h('tr', { 'data-div': d.key },
      h('th', { scope: 'row' }, h('span', { class: `line-swatch c-${d.key}` }), d.name),
      h('td', {}, out(d.key)), h('td', { class: 'num' }, out(`${d.key}Slope`))));
    el.append(h('div', { class: 'grid grid-top' },
      h('figure', { class: 'card fig-dens' },
        h('figcaption', {}, h('h2', {}, 'P, Q and the best discriminator'),
          h('p', { class: 'legend' }, h('span', {}, swatch('p'), 'p(x)'), h('span', {}, swatch('q'), 'q(x) = p(x − θ)'),
            h('span', {}, h('span', { class: 'line-swatch c-mix' }), 'M = (P + Q)/2'),
            h('span', {}, h('span', { class: 'line-swatch c-dstar' }), 'D*(x), right axis'), h('span', {}, h('span', { class: 'line-swatch c-dlearn' }), 'learned D'),
            h('span', {}, swatch('mismatch'), 'q = 0 < p'))),
        this.densHost,
        this.theta.el,
        h('p', { class: 'fig-note', 'data-embed': 'hint' }, 'Drag ◆ (or the slider) to set where Q starts; Play trains it. D* = 1 where only P has mass, 0 where only Q has: once the supports are apart, the discriminator is perfect and flat, and its gradient tells Q nothing. The learned D = σ(a·x² + b·x + c) climbs the GAN objective towards D*.')),
      h('aside', { class: 'card readouts', 'aria-label': 'Readouts', 'data-embed-group': 'readouts' },
        h('div', { class: 'hero' },
          h('span', { class: 'hero-name', id: 'gan-ro-js' }, 'JS(P‖Q) at θ = ', out('theta')),
          h('span', { class: 'hero-value' }, out('jsHero', { 'aria-labelledby': 'gan-ro-js' }), h('span', { class: 'unit' }, 'nats')),
          h('span', { class: 'hero-hint' }, 'of at most log 2 = 0.6931 · generator loss 2·JS − log 4 = ', out('loss')),
          h('span', { class: 'hero-hint gan-js-halves' }, 'JS = ½ KL(P‖M) + ½ KL(Q‖M) = ½ · ', out('klPM'), ' + ½ · ', out('klQM'), ', M = (P + Q)/2'),
          h('span', { class: 'hero-hint' }, 'step ', out('step'), ' of ', String(STEP.max), ' from θ₀ = ', out('theta0'), ' · learned D: ', out('value'), ', short of D* by ', out('gap'))),
        h('div', { class: 'table-wrap gan-table' }, h('table', {},
          h('thead', {}, h('tr', {}, h('th', {}, 'divergence'), h('th', {}, 'value'), h('th', {}, '∂/∂θ'))),
          h('tbody', {}, this.divRows))),
        this.stallNote = h('p', { class: 'callout callout-inf', hidden: true }, ''),
        h('p', { class: 'small' }, '∂/∂θ is the gradient the generator would follow, by central differences of the core’s values; — where the divergence is infinite.'))));

    // Training: θ and |gradient| against the step, one line per divergence.
    this.pathHost = h('div', { class: 'chart-host' });
    this.gradHost = h('div', { class: 'chart-host' });
    this.trainRows = TRAIN.map((d) => h('tr', { 'data-train': d.key },
      h('th', { scope: 'row' }, h('span', { class: `line-swatch c-${d.key}` }), d.name),
      h('td', {}, out(`th:${d.key}`)), h('td', { class: 'num' }, out(`g:${d.key}`))));
    el.append(h('figure', { class: 'card fig-train' },
      h('figcaption', {}, h('h2', {}, 'Training the generator: gradient descent on θ'),
        h('p', { class: 'legend' }, TRAIN.map((d) => h('span', {}, h('span', { class: `line-swatch c-${d.key}` }), d.name)))),
      h('div', { class: 'train-grid' }, this.pathHost, this.gradHost,
        h('div', { class: 'table-wrap train-table' }, h('table', {},
          h('thead', {}, h('tr', {}, h('th', {}, 'trained on'), h('th', {}, 'θ now'), h('th', {}, 'gradient'))),
          h('tbody', {}, this.trainRows)))),
      this.trainNote = h('p', { class: 'fig-note', 'data-embed': 'text' }, '')));

    // All divergences against θ.
    this.divHost = h('div', { class: 'chart-host' });
    this.legendButtons = DIVS.map((d) => h('button', { type: 'button', class: 'chip legend-chip', 'aria-pressed': 'true', 'data-div': d.key, title: d.long,
      onclick: () => this.toggleCurve(d.key) }, h('span', { class: `line-swatch c-${d.key}` }), d.name));
    el.append(h('figure', { class: 'card fig-divs' },
      h('figcaption', {}, h('h2', {}, 'Every divergence against θ'),
        h('div', { class: 'legend', role: 'group', 'aria-label': 'Curves shown' }, this.legendButtons)),
      this.divHost,
      h('p', { class: 'fig-note', 'data-embed': 'hint' }, 'Symmetric-log scale, so that log 2 and 100 fit on one axis; the band at the top is ∞. The dots are the values at the current θ; click or drag on the chart to move θ.')));

    // The f-divergence view.
    this.genHost = h('div', { class: 'chart-host' });
    this.alpha = fieldSlider(field('alpha'), { label: 'α (or t)', step: 0.05, onInput: (v) => this.set({ alpha: v }), hint: 'the parameter of Amari α and t-power' });
    this.genRows = GENS.map((g) => {
      const box = h('input', { type: 'checkbox', id: `gan-gen-${g.key}`, value: g.key, onchange: () => this.toggleGen(g.key) });
      return {
        g, box,
        row: h('tr', { 'data-gen': g.key },
          h('td', { class: 'gen-pick' }, box),
          h('th', { scope: 'row' }, h('label', { for: box.id }, h('span', { class: `line-swatch ${genClass(g.key)}` }), g.name)),
          h('td', { class: 'gen-f' }, g.f),
          h('td', {}, out(`f:${g.key}`))),
      };
    });
    el.append(h('div', { class: 'grid grid-mid' },
      h('figure', { class: 'card fig-gen' },
        h('figcaption', {}, h('h2', {}, 'The generators f(u)')),
        this.genHost,
        h('p', { class: 'fig-note', 'data-embed': 'text' }, 'Every f is convex with f(1) = 0: the divergence counts how far the ratio u = p/q strays from 1, weighted by q. What f does at u = 0 (P absent) and as u → ∞ (Q absent) decides what happens when the supports part.')),
      h('section', { class: 'card gen-table', 'aria-labelledby': 'gan-fdiv-h', 'data-embed-group': 'generators' },
        h('h2', { id: 'gan-fdiv-h' }, 'D', h('sub', {}, 'f'), '(P‖Q) at this θ'),
        h('div', { class: 'math' }, mathml(formulas.fdiv)),
        h('div', { class: 'table-wrap' }, h('table', {},
          h('thead', {}, h('tr', {}, h('th', {}, h('span', { class: 'sr-only' }, 'plot')), h('th', {}, 'name'), h('th', { class: 'gen-f' }, 'f(u)'), h('th', {}, 'D', h('sub', {}, 'f')))),
          h('tbody', {}, this.genRows.map((r) => r.row)))),
        this.alpha.el)));

    // Formulas and prose.
    el.append(h('div', { class: 'grid grid-mid' },
      h('section', { class: 'card formulas', 'aria-labelledby': 'gan-formulas-h', 'data-embed-group': 'formulas' },
        h('h2', { id: 'gan-formulas-h' }, 'The formulas, live'),
        formula(formulas.shift),
        formula(formulas.dstar),
        h('p', { class: 'small' }, 'the discriminator that maximises the GAN’s value for a fixed Q; it is ½ where p = q.'),
        formula(formulas.gan),
        h('p', { class: 'formula-value' }, 'now: 2 × ', out('jsF'), ' − 1.3863 = ', out('lossF')),
        formula(formulas.js),
        h('p', { class: 'formula-value' }, 'now: ', out('jsF'), ' = ½ · ', out('klPMF'), ' + ½ · ', out('klQMF')),
        h('p', { class: 'small' }, 'Equal halves here: P is symmetric and Q is P shifted, so the mirror x ↦ θ − x swaps P and Q and keeps M.'),
        formula(formulas.kl),
        h('p', { class: 'formula-value' }, 'now: ', out('klF'), h('span', { class: 'small' }, ' — ∞ as soon as q = 0 < p on an interval')),
        formula(formulas.w1),
        h('p', { class: 'formula-value' }, 'now: ', out('w1F'))),
      prose('gan', 'Why the original GAN stalls',
        'Against the best discriminator, the original GAN’s generator minimises 2·JS(P‖Q) − log 4. JS only sees where p and q overlap: the part of P that Q misses always counts ½ log 2, whether Q is a hair or a mile away. So once the supports are apart JS is log 2 exactly, flat in θ — its gradient is zero, and gradient descent has nothing to follow. In high dimensions real and generated images live on thin sets that hardly ever overlap, which is the vanishing-gradient problem of early GANs.',
        'KL is worse: log(p/q) is infinite wherever q = 0 < p, so with bounded supports KL(P‖Q) is ∞ the moment Q moves at all — no gradient either, just an explosion. χ² and reverse KL fail the same way. Total variation and Hellinger saturate at 1, like JS.',
        'The Wasserstein-1 distance measures how far mass must travel, not how densities compare point by point. For a shift it is exactly |θ|: its slope is ±1 however far apart P and Q are, so a generator always knows which way to move. That is the idea behind the Wasserstein GAN. Switch P to the normal to see the contrast: with full support every divergence stays finite and keeps a slope, if a tiny one.')));

    el.append(this.readouts.live);

    const th = (w) => Math.round(Math.max(190, Math.min(260, w * 0.6)));
    const tm = { top: 12, right: 12, bottom: 30, left: 44 };
    this.pathChart = this.frame(this.pathHost, { height: th, margin: tm, label: 'θ of each trained generator against the step', draw: (f) => this.drawPaths(f),
      csv: () => this.trainCsv('theta') });
    this.gradChart = this.frame(this.gradHost, { height: th, margin: tm, label: 'The gradient magnitude of each divergence against the step, log scale', draw: (f) => this.drawGrads(f),
      csv: () => this.trainCsv('grad') });
    const dh = (w) => Math.round(Math.max(220, Math.min(320, w * 0.45)));
    this.dens = this.frame(this.densHost, { height: dh, margin: { top: 12, right: 38, bottom: 28, left: 40 }, role: 'group', label: 'Densities p and q with the optimal discriminator, and a draggable handle for the shift', draw: (f) => this.drawDens(f),
      csv: () => ({ columns: ['x', 'p(x)', 'q(x)', 'D*(x)'], rows: Array.from(this.r.xs, (x, i) => [x, this.r.p[i], this.r.q[i], this.r.d[i]]) }) });
    this.divChart = this.frame(this.divHost, { height: (w) => Math.round(Math.max(260, Math.min(380, w * 0.36))), margin: { top: 22, right: 36, bottom: 30, left: 40 }, label: 'Every divergence between P and Q against the shift θ', draw: (f) => this.drawDivs(f),
      csv: () => {
        const sw = this.sweeps.get(this.state.shape);
        const shown = DIVS.filter((d) => !this.state.hide.includes(d.key));
        return { columns: ['θ', ...shown.map((d) => d.name)], rows: sw ? Array.from(sw.theta, (t, i) => [t, ...shown.map((d) => sw[d.key][i])]) : [] };
      } });
    this.genChart = this.frame(this.genHost, { height: (w) => Math.round(Math.max(220, Math.min(300, w * 0.6))), margin: { top: 12, right: 12, bottom: 30, left: 36 }, label: 'The generators f(u) of the chosen f-divergences', draw: (f) => this.drawGen(f),
      csv: () => {
        const c = this.curves;
        const keys = c ? this.state.gens.filter((k) => c[k]) : [];
        return { columns: ['u = p/q', ...keys.map((k) => `f(u), ${k}`)], rows: c ? Array.from(c.us, (u, i) => [u, ...keys.map((k) => c[k][i])]) : [] };
      } });
  }

  trainCsv(what) {
    const t = this.r.train;
    return { columns: ['step', ...TRAIN.map((d) => `${what === 'theta' ? 'θ' : 'dD/dθ'}, ${d.name}`)], rows: Array.from(t.theta.js, (_, k) => [k, ...TRAIN.map((d) => t[what][d.key][k])]) };
  }

  toggleCurve(key) {
    const hide = new Set(this.ctx.state().hide);
    if (hide.has(key)) hide.delete(key); else hide.add(key);
    this.set({ hide: DIVS.map((d) => d.key).filter((k) => hide.has(k)) });
  }

  toggleGen(key) {
    const on = new Set(this.ctx.state().gens);
    if (on.has(key)) on.delete(key); else on.add(key);
    this.set({ gens: GEN_KEYS.filter((k) => on.has(k)) });
  }

  // ---- update ---------------------------------------------------------------

  update(state) {
    const prev = this.state;
    this.state = state;
    const curvesKey = `${state.alpha}|${state.gens.join(',')}`;
    const wantSweep = !this.sweeps.has(state.shape);
    const wantCurves = curvesKey !== this.curvesKey;
    let r;
    try {
      r = this.ctx.klplay.ganLab({ shape: state.shape, theta: state.theta, step: state.step, gens: state.gens, alpha: state.alpha }, { sweep: wantSweep, curves: wantCurves });
    } catch (err) {
      this.player.pause();
      this.ctx.notify(`That cannot be computed: ${err.message}. Back to the defaults.`);
      this.ctx.set(this.ctx.defaults());
      return;
    }
    if (r.sweep) this.sweeps.set(state.shape, r.sweep);
    if (r.generators) { this.curves = r.generators; this.curvesKey = curvesKey; }
    this.r = r;

    // Controls.
    this.theta.set(state.theta);
    this.alpha.set(state.alpha);
    for (const { s, r: radio } of this.shapeRadios) radio.checked = s.key === state.shape;
    for (const b of this.legendButtons) b.setAttribute('aria-pressed', String(!state.hide.includes(b.dataset.div)));
    for (const { g, box } of this.genRows) box.checked = state.gens.includes(g.key);
    const param = state.gens.includes('amari-alpha') || state.gens.includes('t-power');
    this.alpha.el.classList.toggle('is-off', !param);
    this.alpha.input.disabled = this.alpha.box.disabled = !param;

    // Readouts.
    const t = r.train;
    const vals = { theta: r.at, theta0: state.theta, step: state.step, value: t.value, gap: r.loss - t.value, jsHero: r.div.js, loss: r.loss, jsF: r.div.js, klPM: r.klPM, klQM: r.klQM, klPMF: r.klPM, klQMF: r.klQM, lossF: r.loss, klF: r.div.kl, w1F: r.div.w1 };
    for (const d of DIVS) { vals[d.key] = r.div[d.key]; vals[`${d.key}Slope`] = r.slopes[d.key]; }
    for (const g of GEN_KEYS) vals[`f:${g}`] = r.f[g];
    for (const d of TRAIN) { vals[`th:${d.key}`] = t.theta[d.key][state.step]; vals[`g:${d.key}`] = t.grad[d.key][state.step]; }
    this.readouts.set(vals, (v, key) => (key === 'step' ? String(v) : number(v, key === 'theta' || key === 'theta0' ? { digits: 2 } : undefined)));
    for (const row of this.divRows) row.classList.toggle('is-inf', r.div[row.dataset.div] === Infinity);
    const b = state.shape !== 'normal' && Math.abs(r.at) >= 2;
    this.stallNote.hidden = !b;
    if (b) this.stallNote.textContent = 'The supports are apart: JS is exactly log 2 and its slope is 0, so the original GAN’s generator gets no gradient. W₁ still has slope ±1.';

    // Redraw at the charts' known sizes: frame.redraw() reads the host's width,
    // which would force a layout after the readouts changed. The frames redraw
    // themselves on resize.
    this.trainNote.textContent = state.shape === 'normal'
      ? `Same start, same learning rate η = ${t.rate}. With full support every divergence has a gradient, but JS’s is tiny while P and Q are far apart: W₁ always pulls with slope ±1.`
      : `Same start, same learning rate η = ${t.rate}. KL and reverse KL are ∞ for every θ ≠ 0 here: no gradient, no move. Once the supports are apart (|θ| ≥ 2) JS is flat at log 2 and its gradient is 0, while W₁ pulls with slope ±1.`;
    for (const [frame, draw] of [[this.pathChart, (f) => this.drawPaths(f)], [this.gradChart, (f) => this.drawGrads(f)], [this.dens, (f) => this.drawDens(f)], [this.divChart, (f) => this.drawDivs(f)], [this.genChart, (f) => this.drawGen(f)]]) {
      if (!frame.ready || frame.width === 0) { frame.ready = true; frame.redraw(); } else draw(frame);
    }
    if (prev !== null && !this.player.playing) this.readouts.announce();
  }

  speak() {
    const { r, state } = this;
    if (!r) return;
    return `step ${state.step}, θ ${number(r.at, { digits: 2 })}: JS ${number(r.div.js)} nats, slope ${number(r.slopes.js)}; KL ${number(r.div.kl)}; W₁ ${number(r.div.w1)}, slope ${number(r.slopes.w1)}.`;
  }

  // ---- charts ---------------------------------------------------------------

  drawDens(f) {
    const { r, state } = this;
    const x = scaleLinear().domain([r.xs[0], r.xs[r.xs.length - 1]]).range([0, f.innerWidth]);
    let top = 0;
    for (const v of r.p) if (v > top) top = v;
    const y = scaleLinear().domain([0, top * 1.18]).range([f.innerHeight, 0]);
    const yd = scaleLinear().domain([0, 1]).range([f.innerHeight, 0]);
    this.x = x;
    once(f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid'), `${state.shape}|${f.innerWidth}|${f.innerHeight}`,
      (g) => g.call(axisLeft(y).ticks(4).tickSize(-f.innerWidth).tickFormat(fmt)).call((s) => s.select('.domain').remove()));
    once(f.plot.selectAll('g.x-axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${f.innerHeight})`), `${f.innerWidth}|${f.innerHeight}`,
      (g) => g.call(axisBottom(x).ticks(Math.max(4, Math.floor(f.innerWidth / 55))).tickFormat(fmt).tickSizeOuter(0)));
    once(f.plot.selectAll('g.y2-axis').data([0]).join('g').attr('class', 'axis y2-axis').attr('transform', `translate(${f.innerWidth},0)`), `${f.innerWidth}|${f.innerHeight}`,
      (g) => g.call(axisRight(yd).tickValues([0, 0.5, 1]).tickFormat(fmt).tickSizeOuter(0)));
    f.plot.selectAll('text.y2-unit').data([0]).join('text').attr('class', 'axis-unit y2-unit').attr('x', f.innerWidth + f.margin.right - 2).attr('y', -2).attr('text-anchor', 'end').text('D*');

    const hatchUrl = (this.hatchUrl ??= hatch(f.defs, 'var(--q)'));
    const n = r.xs.length;
    const pts = (arr) => { const o = new Array(n); for (let i = 0; i < n; i++) o[i] = [r.xs[i], arr[i]]; return o; };
    const pp = pts(r.p);
    const qq = pts(r.q);
    const fill = area().x((d) => x(d[0])).y0(y(0)).y1((d) => y(d[1]));
    const miss = area().defined((d, i) => d[1] > 0 && r.q[i] === 0).x((d) => x(d[0])).y0(y(0)).y1((d) => y(d[1]));
    const l = line().x((d) => x(d[0])).y((d) => y(d[1]));
    // p changes only with the shape and the size.
    once(f.plot.selectAll('g.p-layer').data([0]).join('g').attr('class', 'p-layer'), `${state.shape}|${f.innerWidth}|${f.innerHeight}`, (g) => {
      g.selectAll('path.p-fill').data([pp]).join('path').attr('class', 'p-fill').attr('d', fill);
      g.selectAll('path.curve-p').data([pp]).join('path').attr('class', 'dens-curve curve-p').attr('d', l);
    });
    f.plot.selectAll('path.q-fill').data([qq]).join('path').attr('class', 'q-fill').attr('d', fill);
    f.plot.selectAll('path.mismatch').data([pp]).join('path').attr('class', 'mismatch').attr('fill', hatchUrl).attr('d', miss);
    f.plot.selectAll('path.curve-q').data([qq]).join('path').attr('class', 'dens-curve curve-q').attr('d', l);
    f.plot.selectAll('line.half').data([0.5]).join('line').attr('class', 'half').attr('x1', 0).attr('x2', f.innerWidth).attr('y1', yd).attr('y2', yd);
    const dl = line().defined((d) => !Number.isNaN(d[1])).x((d) => x(d[0])).y((d) => yd(d[1]));
    f.plot.selectAll('path.dstar').data([pts(r.d)]).join('path').attr('class', 'dstar').attr('d', dl);
    f.plot.selectAll('path.dlearn').data([pts(r.dlearn)]).join('path').attr('class', 'dlearn').attr('d', dl);
    f.plot.selectAll('path.mix').data([pts(r.m)]).join('path').attr('class', 'mix').attr('d', l);

    // The handle on Q's mode: drag or arrow keys move θ.
    const hd = [{ x: r.at, y: r.p[Math.round((0 - r.xs[0]) / (r.xs[1] - r.xs[0]))] }];
    handles(f.plot, hd, {
      onKey: (event) => this.onKey(event),
      drag: drag().container(() => f.plot.node()).subject((event) => ({ x: event.x, y: event.y }))
        .on('start', (event) => { this.player.pause(); f.svg.classed('dragging', true); event.sourceEvent?.target?.closest?.('g.handle')?.focus?.({ preventScroll: true }); })
        .on('drag', (event) => this.setTheta(Math.round(this.x.invert(event.x) * 100) / 100))
        .on('end', () => f.svg.classed('dragging', false)),
    }).call((sel) => sel.select('path.mark').attr('d', symbol(symbolDiamond, 110)()))
      .attr('class', 'handle handle-q').attr('aria-label', 'Shift θ of Q').attr('aria-valuemin', THETA.min).attr('aria-valuemax', THETA.max)
      .attr('transform', (d) => `translate(${x(d.x)},${y(d.y)})`)
      .attr('aria-valuenow', (d) => d.x).attr('aria-valuetext', (d) => `θ = ${fmt(d.x)}`);
  }

  /** The x scale and axes of a training chart: the step, 0 … STEP.max. */
  trainAxes(f, y, yTicks, yFormat, unit) {
    const x = scaleLinear().domain([0, STEP.max]).range([0, f.innerWidth]);
    const key = `${f.innerWidth}|${f.innerHeight}|${y.domain()}`;
    once(f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid'), key,
      (g) => g.call(axisLeft(y).tickValues(yTicks).tickSize(-f.innerWidth).tickFormat(yFormat)).call((s) => s.select('.domain').remove()));
    once(f.plot.selectAll('g.x-axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${f.innerHeight})`), key,
      (g) => g.call(axisBottom(x).ticks(Math.max(3, Math.floor(f.innerWidth / 60))).tickFormat(fmt).tickSizeOuter(0)));
    f.plot.selectAll('text.x-label').data([0]).join('text').attr('class', 'axis-unit x-label').attr('x', f.innerWidth).attr('y', f.innerHeight + 26).attr('text-anchor', 'end').text('step');
    f.plot.selectAll('text.y-unit').data([0]).join('text').attr('class', 'axis-unit y-unit').attr('x', -f.margin.left + 2).attr('y', -2).text(unit);
    const now = x(this.state.step);
    f.plot.selectAll('line.now').data([0]).join('line').attr('class', 'now').attr('x1', now).attr('x2', now).attr('y1', 0).attr('y2', f.innerHeight);
    return x;
  }

  drawPaths(f) {
    const { r, state } = this;
    const t = r.train;
    const lo = Math.min(0, state.theta) - 0.5;
    const hi = Math.max(0, state.theta) + 0.5;
    const y = scaleLinear().domain([lo, hi]).range([f.innerHeight, 0]);
    const x = this.trainAxes(f, y, y.ticks(5), fmt, 'θ');
    const z = y(0);
    f.plot.selectAll('line.zero').data([0]).join('line').attr('class', 'zero').attr('x1', 0).attr('x2', f.innerWidth).attr('y1', z).attr('y2', z);
    const l = line().x((_, k) => x(k)).y((v) => y(Math.max(lo, Math.min(hi, v))));
    f.plot.selectAll('path.train-curve').data(TRAIN, (d) => d.key).join('path').attr('class', (d) => `train-curve c-${d.key}`).attr('data-train', (d) => d.key).attr('d', (d) => l(t.theta[d.key]));
    const pts = TRAIN.flatMap((d) => densify(Array.from(t.theta[d.key], (v, k) => [x(k), y(Math.max(lo, Math.min(hi, v)))])));
    const text = 'θ = 0: Q = P';
    // Trained paths settle on the line (W₁ and TV zig-zag across it), so the label may also sit off it, at the start.
    const at = clearSpot([
      ...[0.98, 0.75, 0.5, 0.25].flatMap((u) => [{ x: u * f.innerWidth, y: z - 4, anchor: 'end' }, { x: u * f.innerWidth, y: z + 14, anchor: 'end' }]),
      ...[[z + 14, z - 4], [z + 22, z - 12]].flat().map((v) => ({ x: 4, y: v, anchor: 'start' })),
    ].filter((c) => c.y > 12 && c.y < f.innerHeight - 2), text, pts, { width: f.innerWidth });
    f.plot.selectAll('text.zero-label').data([0]).join('text').attr('class', 'zero-label').attr('x', at.x).attr('y', at.y).attr('text-anchor', at.anchor).text(text);
  }

  drawGrads(f) {
    const t = this.r.train;
    const y = scaleLog().domain([GFLOOR, 30]).range([f.innerHeight, 0]);
    const x = this.trainAxes(f, y, [1e-6, 1e-4, 1e-2, 1], (v) => (v === GFLOOR ? '≤1e-6' : v >= 1 ? fmt(v) : `1e${Math.round(Math.log10(v))}`), '|dD/dθ|');
    const l = line().defined((v) => !Number.isNaN(v)).x((_, k) => x(k)).y((v) => y(Math.min(30, Math.max(GFLOOR, Math.abs(v)))));
    f.plot.selectAll('path.train-curve').data(TRAIN, (d) => d.key).join('path').attr('class', (d) => `train-curve c-${d.key}`).attr('data-train', (d) => d.key).attr('d', (d) => l(t.grad[d.key]) ?? '');
  }

  onKey(event) {
    const d = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 10, PageDown: -10 }[event.key];
    if (d === undefined && event.key !== 'Home' && event.key !== 'End') return;
    event.preventDefault();
    this.player.pause();
    if (event.key === 'Home') { this.setTheta(THETA.min); return; }
    if (event.key === 'End') { this.setTheta(THETA.max); return; }
    this.setTheta(this.ctx.state().theta + d * (event.shiftKey ? 0.01 : 0.1));
  }

  drawDivs(f) {
    const { r, state } = this;
    const sw = this.sweeps.get(state.shape);
    if (!sw) return;
    const x = scaleLinear().domain([THETA.min, THETA.max]).range([0, f.innerWidth]);
    const y = scaleSymlog().constant(SYMLOG).domain([0, YMAX]).range([f.innerHeight, 0]);
    const yInf = -12; // the ∞ band, above the finite part
    const yv = (v) => (v === Infinity ? yInf : y(Math.min(v, YMAX)));
    this.divX = x;
    once(f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid'), `${f.innerWidth}|${f.innerHeight}`,
      (g) => g.call(axisLeft(y).tickValues([0, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100]).tickSize(-f.innerWidth).tickFormat(fmt)).call((s) => s.select('.domain').remove()));
    once(f.plot.selectAll('g.x-axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${f.innerHeight})`), `${f.innerWidth}|${f.innerHeight}`,
      (g) => g.call(axisBottom(x).ticks(Math.max(4, Math.floor(f.innerWidth / 50))).tickFormat(fmt).tickSizeOuter(0)));
    f.plot.selectAll('text.x-label').data([0]).join('text').attr('class', 'axis-unit x-label').attr('x', f.innerWidth).attr('y', f.innerHeight + 26).attr('text-anchor', 'end').text('θ');
    f.plot.selectAll('rect.inf-band').data([0]).join('rect').attr('class', 'inf-band').attr('x', 0).attr('width', f.innerWidth).attr('y', yInf - 8).attr('height', 16);
    f.plot.selectAll('text.inf-label').data([0]).join('text').attr('class', 'inf-mark inf-label').attr('x', -8).attr('y', yInf + 5).attr('text-anchor', 'end').text('∞');
    const ln2 = y(Math.LN2);
    f.plot.selectAll('line.ln2').data([0]).join('line').attr('class', 'ln2').attr('x1', 0).attr('x2', f.innerWidth).attr('y1', ln2).attr('y2', ln2);

    // The curves change only with the shape, the hidden set and the size; log 2 is labelled in the right margin, where no curve runs.
    const shown = DIVS.filter((d) => !state.hide.includes(d.key));
    once(f.plot.selectAll('g.curves').data([0]).join('g').attr('class', 'curves'), `${state.shape}|${state.hide}|${f.innerWidth}|${f.innerHeight}`, (g) => {
      const l = line().x((_, i) => x(sw.theta[i])).y((v) => yv(v));
      g.selectAll('path.div-curve').data(shown, (d) => d.key).join('path').attr('class', (d) => `div-curve c-${d.key}`).attr('data-div', (d) => d.key).attr('d', (d) => l(sw[d.key]));
      // The curves' points in pixels, which every label placement below avoids.
      this.curvePts = shown.flatMap((d) => densify(Array.from(sw[d.key], (v, i) => [x(sw.theta[i]), yv(v)])));
      f.plot.selectAll('text.ln2-label').data([0]).join('text').attr('class', 'ln2-label').attr('x', f.innerWidth + 4).attr('y', ln2 + 4).text('log 2');
    });

    // The current θ: a rule, and the exact values as dots.
    const tx = x(state.theta);
    f.plot.selectAll('line.now').data([0]).join('line').attr('class', 'now').attr('x1', tx).attr('x2', tx).attr('y1', yInf - 8).attr('y2', f.innerHeight);
    const dots = shown.map((d) => ({ ...d, v: r.div[d.key] }));
    f.plot.selectAll('path.now-dot').data(dots, (d) => d.key).join('path').attr('class', (d) => `now-dot c-${d.key}`)
      .attr('d', (d) => (d.v > YMAX && d.v !== Infinity ? symbol().type({ draw: (c, s) => { const a = Math.sqrt(s); c.moveTo(0, -a); c.lineTo(a * 0.8, a * 0.5); c.lineTo(-a * 0.8, a * 0.5); c.closePath(); } }).size(50)() : symbol().size(38)()))
      .attr('transform', (d) => `translate(${tx},${yv(d.v)})`);
    const js = shown.some((d) => d.key === 'js');
    const lossText = `2·JS − log 4 = ${number(r.loss)}`;
    const yj = y(r.div.js);
    const side = tx > f.innerWidth * 0.6 ? -1 : 1;
    const anchor = side < 0 ? 'end' : 'start';
    // Beside the JS dot if there is room, else higher up where only the ∞ spike runs, with a leader to the dot.
    const near = [16, -8, 30, -22, 44].flatMap((dy) => [{ x: tx + side * 8, y: yj + dy, anchor }, { x: tx - side * 8, y: yj + dy, anchor: side < 0 ? 'start' : 'end' }]);
    const far = [3, 8, 20, 50].flatMap((v) => [
      ...['start', 'end', 'middle'].map((a) => ({ x: tx + (a === 'start' ? 8 : a === 'end' ? -8 : 0), y: y(v), anchor: a })),
      ...[0.2, 0.35, 0.65, 0.8].map((u) => ({ x: u * f.innerWidth, y: y(v), anchor: 'middle' })),
    ]);
    // On a narrow chart the label takes two lines: one was wider than half the plot, so no spot beside θ = 0 was clear.
    const lines = f.innerWidth < 420 ? ['2·JS − log 4', `= ${number(r.loss)}`] : [lossText];
    const spot = clearSpot([...near, ...far].filter((c) => c.y > yInf + 14 * lines.length + 6 && c.y < f.innerHeight - 2),
      lines.reduce((a, b) => (b.length > a.length ? b : a)), this.curvePts, { width: f.innerWidth, height: 14 * lines.length - 2 });
    f.plot.selectAll('text.loss-label').data(js ? [r.loss] : []).join('text').attr('class', 'loss-label')
      .attr('x', spot.x).attr('text-anchor', spot.anchor).attr('y', spot.y - 14 * (lines.length - 1)).attr('aria-label', lossText)
      .selectAll('tspan').data(lines).join('tspan').attr('x', spot.x).attr('dy', (_, i) => (i ? 14 : 0)).text((d) => d);
    const lead = js && Math.abs(spot.y - yj) > 50;
    const lx = spot.anchor === 'middle' ? spot.x : spot.anchor === 'start' ? spot.x + 4 : spot.x - 4;
    f.plot.selectAll('line.loss-leader').data(lead ? [0] : []).join('line').attr('class', 'loss-leader')
      .attr('x1', lx).attr('x2', tx).attr('y1', spot.y + 4).attr('y2', yj - 5);

    // Click or drag anywhere on the chart to move θ.
    f.plot.selectAll('rect.scrub').data([0]).join((enter) => enter.append('rect').attr('class', 'scrub')
      .on('pointerdown', (event) => {
        this.player.pause();
        const node = event.currentTarget;
        node.setPointerCapture?.(event.pointerId);
        this.setTheta(Math.round(this.divX.invert(pointer(event, f.plot.node())[0]) * 100) / 100);
      })
      .on('pointermove', (event) => {
        if (!event.buttons) return;
        this.setTheta(Math.round(this.divX.invert(pointer(event, f.plot.node())[0]) * 100) / 100);
      }))
      .attr('x', 0).attr('y', yInf - 8).attr('width', f.innerWidth).attr('height', f.innerHeight - yInf + 8);
  }

  drawGen(f) {
    const { state } = this;
    const c = this.curves;
    if (!c) return;
    once(f.plot.selectAll('g.gen-all').data([0]).join('g').attr('class', 'gen-all'), `${this.curvesKey}|${f.innerWidth}|${f.innerHeight}`, (g) => {
      const x = scaleLinear().domain([c.us[0], c.us[c.us.length - 1]]).range([0, f.innerWidth]);
      const y = scaleLinear().domain([-1, 3]).range([f.innerHeight, 0]);
      g.selectAll('g.grid').data([0]).join('g').attr('class', 'grid')
        .call(axisLeft(y).ticks(5).tickSize(-f.innerWidth).tickFormat(fmt)).call((s) => s.select('.domain').remove());
      g.selectAll('g.x-axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${y(0)})`)
        .call(axisBottom(x).ticks(5).tickFormat(fmt).tickSizeOuter(0));
      g.selectAll('text.x-label').data([0]).join('text').attr('class', 'axis-unit').attr('x', f.innerWidth).attr('y', f.innerHeight + 24).attr('text-anchor', 'end').text('u = p/q');
      g.selectAll('line.one').data([1]).join('line').attr('class', 'one').attr('x1', x).attr('x2', x).attr('y1', 0).attr('y2', f.innerHeight);
      const lo = y.domain()[0] - 0.5;
      const hi = y.domain()[1] + 0.5;
      const l = line().defined((v) => Number.isFinite(v)).x((_, i) => x(c.us[i])).y((v) => y(Math.max(lo, Math.min(hi, v))));
      const data = state.gens.filter((k) => c[k]).map((k) => ({ key: k, v: c[k] }));
      g.selectAll('path.gen-curve').data(data, (d) => d.key).join('path').attr('class', (d) => `gen-curve ${genClass(d.key)}`).attr('data-gen', (d) => d.key).attr('d', (d) => l(d.v));
      if (!this.clipId) {
        this.clipId = `gan-gen-clip-${Math.random().toString(36).slice(2, 8)}`;
        f.defs.append('clipPath').attr('id', this.clipId).append('rect');
      }
      f.defs.select(`#${this.clipId} rect`).attr('x', 0).attr('y', 0).attr('width', f.innerWidth).attr('height', f.innerHeight);
      g.selectAll('path.gen-curve').attr('clip-path', `url(#${this.clipId})`);
    });
  }
}

export default defineLab({
  id: 'gan',
  title: 'GANs and f-divergences',
  blurb: 'Shift Q away from P: JS stalls at log 2, KL explodes, Wasserstein keeps a gradient',
  schema,
  check,
  View,
});
