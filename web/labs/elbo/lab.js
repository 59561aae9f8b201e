// The ELBO lab: a one-dimensional latent-variable model (prior N(0, 1), one
// observation x), its exact posterior, and a Gaussian q(z) = N(m, s²) set by
// hand or by gradient ascent. The identity log p(x) = ELBO + KL(q‖p(z|x)) and
// ELBO = E_q[log p(x|z)] − KL(q‖p(z)) drawn as a waterfall that always adds
// up; traces of every term while q is optimised; and the β-ELBO's optimum as β
// moves. One call into Go (klplay.elboLab) per update; while optimising, one
// call per animation frame that also advances q a few steps.
import { scaleLinear } from 'd3-scale';
import { axisBottom, axisLeft } from 'd3-axis';
import { area, line, symbol, symbolDiamond } from 'd3-shape';
import { drag } from 'd3-drag';
import { max, min } from 'd3-array';
import { format } from 'd3-format';
import { h, mathml, setText } from '../../lib/dom.js';
import { LabView, defineLab, formula, labHead, presetChips, prose, segmented, toolbar } from '../../lib/lab.js';
import { handles, hatch, swatch, traceAxes } from '../../lib/chart.js';
import { waterfall } from '../../lib/waterfall.js';
import { number, setOutput } from '../../lib/format.js';
import { transport, fieldSlider, intInput } from '../../lib/controls.js';
import { Player } from '../../lib/player.js';
import formulas from './formulas.tex';
import labInfo from '../../../core/session/labs/elbo.json';

const { fields: schema } = labInfo;
const field = (name) => schema.find((f) => f.name === name);
const STEPS_PER_FRAME = 2;
const REDUCED_STEPS = 200; // with reduced motion, Play takes this many steps at once
const MAX_TRACE = 3000;
const STUCK_NATS = 0.05; // a run that stops further than this below the best q's β-ELBO is stuck
const DRAW_POINTS = 400; // traces longer than this are thinned for drawing

const PRESETS = [
  { label: 'Gaussian: q can be exact', about: 'the linear model: at the optimum the gap is zero',
    st: { model: 'linear', x: 1.5, w: 1, b: 0, sigma: 0.7, m: -1.5, s: 0.4, beta: 1 } },
  { label: 'Two modes: a gap remains', about: 'x | z ~ N(z², σ²): the posterior has two modes, a Gaussian q cannot cover both',
    st: { model: 'square', x: 2, w: 1, b: 0, sigma: 0.5, m: -1, s: 0.5, beta: 1 } },
  { label: 'β = 3: q widens towards the prior', about: 'a heavy KL penalty pulls q towards N(0, 1): the best q sits nearer 0 than the posterior and is wider than it (s = 0.5 against the posterior’s 0.32)',
    st: { model: 'linear', x: 2.5, w: 1.5, b: 0, sigma: 0.5, m: 1, s: 0.3, beta: 3 } },
];

const TERMS = [
  { key: 'recon', name: 'E_q[log p(x|z)]', hint: 'reconstruction', cls: 'recon' },
  { key: 'klPrior', name: 'KL(q‖p(z))', hint: 'to the prior', cls: 'klprior' },
  { key: 'elbo', name: 'ELBO', hint: 'the lower bound', cls: 'elbo' },
  { key: 'gap', name: 'KL(q‖p(z|x))', hint: 'the gap', cls: 'gap' },
];

const TRACES = [
  { key: 'logPx', name: 'log p(x)', cls: 'tr-logpx', panel: 'bound' },
  { key: 'elbo', name: 'ELBO', cls: 'tr-elbo', panel: 'bound' },
  { key: 'estimate', name: 'ELBO estimate from K draws: a dot a step', cls: 'tr-est', panel: 'bound', dots: true },
  { key: 'noiseless', name: 'ELBO without noise: exact gradients from the same start', cls: 'tr-exact', panel: 'bound', reparam: true }, // drawn only beside a noisy run
  { key: 'recon', name: 'E_q[log p(x|z)]', cls: 'tr-recon', panel: 'terms' },
  { key: 'klPrior', name: 'KL(q‖p(z))', cls: 'tr-klprior', panel: 'terms' },
  { key: 'gap', name: 'KL(q‖p(z|x))', cls: 'tr-gap', panel: 'terms' },
];

const fmt = format('~g');
const clampTo = (f, v) => Math.min(f.max, Math.max(f.min, v));

class View extends LabView {
  constructor(el, ctx) {
    super(el, ctx);
    this.iter = 0;
    this.trace = null;
    this.modelKey = null;
    this.pathKey = null;
    this.path = null;
    this.dragging = null;
    this.player = new Player(el, {
      start: () => { if (this.trace && this.trace.iter.length >= MAX_TRACE) this.trace = null; },
      tick: () => this.ctx.refresh({ steps: STEPS_PER_FRAME, run: true }),
      step: () => this.ctx.refresh({ steps: 1, run: false }),
      reset: () => this.reset(),
      reduced: () => this.ctx.refresh({ steps: REDUCED_STEPS, run: false }),
    });
    this.build();
  }

  // ---- state changes ------------------------------------------------------

  setQ(m, s) {
    const st = this.ctx.state();
    m = clampTo(field('m'), m);
    s = clampTo(field('s'), s);
    if (m === st.m && s === st.s) return;
    this.set({ m, s, step: 0 });
  }

  /** Back to where the trace started (Reset, after the player paused). */
  reset() {
    const start = this.trace?.start;
    this.trace = null;
    this.iter = 0;
    if (start) this.set({ m: start.m, s: start.s, step: 0 }, {});
    else this.ctx.refresh({});
  }

  // ---- DOM ------------------------------------------------------------------

  build() {
    const { el } = this;
    const { out } = this.readouts;

    this.presets = presetChips(PRESETS, (ps) => { this.player.pause(); this.set({ ...ps.st }, {}); });
    this.modelChoice = segmented({ name: 'elbo-model', legend: 'Likelihood', group: 'model', choose: (v) => this.set({ model: v }, {}),
      options: [{ value: 'linear', label: 'x | z ~ N(wz + b, σ²)' }, { value: 'square', label: 'x | z ~ N(wz² + b, σ²)' }] });

    el.append(
      labHead('elbo', 'The ELBO', 'A hidden cause z, one observation x, and a Gaussian guess ',
          h('strong', { class: 'ink-q' }, 'q(z)'), ' at the ', h('strong', { class: 'ink-p' }, 'posterior p(z|x)'),
          '. The evidence log p(x) splits into the ELBO and the gap KL(q‖p(z|x)); the ELBO splits into a reconstruction term and a KL to the prior. Move q — drag ● and ◆, or use the sliders — or let gradient ascent move it, and watch every term.'),
      toolbar('elbo', { presets: this.presets.buttons, settings: [this.modelChoice.el] }),
    );

    // Densities and the identity.
    this.densHost = h('div', { class: 'chart-host' });
    this.barHost = h('div', { class: 'chart-host elbo-bar-host' });
    this.qSliders = {
      m: fieldSlider(field('m'), { label: 'm', step: 0.01, onInput: (v) => this.setQ(v, this.ctx.state().s), hint: 'the mean of q' }),
      s: fieldSlider(field('s'), { label: 's', step: 0.005, onInput: (v) => this.setQ(this.ctx.state().m, v), hint: 'the standard deviation of q' }),
    };
    this.modelSliders = {};
    const ms = (name, label, hint, step) => {
      const sl = fieldSlider(field(name), { label, step, hint, onInput: (v) => this.set({ [name]: v }) });
      sl.el.dataset.field = name;
      this.modelSliders[name] = sl;
      return sl.el;
    };
    this.methodNote = h('span', { class: 'method' }, '');
    this.residual = h('output', { 'data-readout': 'residual' }, '—');

    el.append(h('div', { class: 'grid grid-top' },
      h('figure', { class: 'card fig-dens elbo-dens' },
        h('figcaption', {}, h('h2', {}, 'Prior, posterior and q'),
          h('p', { class: 'legend' },
            h('span', {}, swatch('prior'), 'p(z), the prior'),
            h('span', {}, swatch('p'), 'p(z|x), the posterior'),
            h('span', {}, swatch('q'), 'q(z)'),
            h('span', {}, swatch('opt'), 'best q for this β'))),
        this.densHost,
        h('div', { class: 'elbo-qsliders' }, this.qSliders.m.el, this.qSliders.s.el),
        h('p', { class: 'fig-note', 'data-embed': 'hint' }, 'Drag ● to move q’s mean and ◆ to change its spread. Keyboard: Tab to a handle, then ← → (Shift for finer steps).')),
      h('aside', { class: 'card readouts', 'aria-label': 'The identity', 'data-embed-group': 'readouts' },
        h('div', { class: 'hero' },
          h('span', { class: 'hero-name', id: 'elbo-ro-logpx' }, 'log p(x), the evidence'),
          h('span', { class: 'hero-value' }, out('logPx', { 'aria-labelledby': 'elbo-ro-logpx' }), h('span', { class: 'unit' }, 'nats')),
          h('span', { class: 'hero-hint' }, 'by ', this.methodNote, '; it does not depend on q')),
        h('div', { class: 'elbo-bar' }, h('h2', {}, 'The bar that always adds up'), this.barHost),
        h('div', { class: 'readout-grid' }, TERMS.map((d) => h('div', { class: `readout readout-${d.cls}` },
          h('span', { class: 'readout-name', id: `elbo-ro-${d.key}` }, d.name),
          h('span', { class: 'readout-value' }, out(d.key, { 'aria-labelledby': `elbo-ro-${d.key}` }), h('span', { class: 'unit' }, 'nats')),
          h('span', { class: 'readout-hint' }, d.hint)))),
        h('p', { class: 'small' }, 'log p(x) − ELBO − KL(q‖p(z|x)) = ', this.residual, ' (rounding and quadrature error only).')),
    ));

    // Optimisation.
    this.transport = transport({ player: this.player, label: 'Optimise q' });
    this.gradChoice = segmented({ name: 'elbo-grad', legend: 'Gradient', choose: (v) => this.set({ gradient: v }),
      options: [{ value: 'reparam', label: 'Reparameterised (K draws)' }, { value: 'exact', label: 'Exact gradient' }] });
    const int = (name, id) => intInput(field(name), { id, cls: 'elbo-int', current: () => this.ctx.state()[name], onValue: (v) => this.set({ [name]: v }) });
    this.samplesInput = int('samples', 'elbo-samples');
    this.seedInput = int('seed', 'elbo-seed');
    this.lrSlider = fieldSlider(field('lr'), { log: true, label: 'Learning rate', step: 0.01, onInput: (v) => this.set({ lr: +(10 ** v).toPrecision(3) }) });
    this.lrSlider.box.setAttribute('aria-label', 'Learning rate, log₁₀');
    this.iterOut = h('output', { 'data-readout': 'iter' }, '0');
    this.traceNote = h('p', { class: 'fig-note', 'aria-live': 'polite' }, '');
    this.boundHost = h('div', { class: 'chart-host small-chart' });
    this.termsHost = h('div', { class: 'chart-host small-chart' });
    el.append(h('section', { class: 'card elbo-opt', 'aria-labelledby': 'elbo-opt-h', 'data-embed-group': 'optimise' },
      h('div', { class: 'elbo-opt-head' },
        h('h2', { id: 'elbo-opt-h' }, 'Optimise q: gradient ascent on the ELBO'),
        this.transport.el,
        h('span', { class: 'small elbo-iter' }, 'step ', this.iterOut)),
      h('div', { class: 'elbo-opt-controls' },
        this.gradChoice.el,
        h('label', { class: 'field', for: 'elbo-samples' }, h('span', { class: 'toolbar-label' }, 'K'), this.samplesInput),
        h('label', { class: 'field', for: 'elbo-seed' }, h('span', { class: 'toolbar-label' }, 'Seed'), this.seedInput),
        h('div', { class: 'elbo-lr' }, this.lrSlider.el)),
      h('div', { class: 'grid grid-charts elbo-traces' },
        h('figure', { class: 'fig-trace' },
          h('figcaption', {}, h('h3', {}, 'ELBO under log p(x)'),
            h('p', { class: 'legend' }, TRACES.filter((t) => t.panel === 'bound').map((t) => h('span', { 'data-trace': t.key }, h('span', { class: `line-swatch ${t.cls}` }), t.name)))),
          this.boundHost),
        h('figure', { class: 'fig-trace' },
          h('figcaption', {}, h('h3', {}, 'The terms'),
            h('p', { class: 'legend' }, TRACES.filter((t) => t.panel === 'terms').map((t) => h('span', {}, h('span', { class: `line-swatch ${t.cls}` }), t.name)))),
          this.termsHost)),
      this.traceNote));

    // Model and β.
    this.betaSlider = fieldSlider(field('beta'), { label: 'β', step: 0.01, onInput: (v) => this.set({ beta: v }), hint: 'weight of KL(q‖p(z)) in the objective' });
    this.betaHost = h('div', { class: 'chart-host small-chart' });
    el.append(h('div', { class: 'grid grid-mid' },
      h('section', { class: 'card elbo-model', 'aria-labelledby': 'elbo-model-h', 'data-embed-group': 'model-card' },
        h('h2', { id: 'elbo-model-h' }, 'The model'),
        this.modelMath = h('div', { class: 'math' }),
        h('div', { class: 'elbo-model-sliders' },
          ms('x', 'x', 'the observation', 0.01), ms('w', 'w', 'weight', 0.01), ms('b', 'b', 'offset', 0.01), ms('sigma', 'σ', 'noise of x given z', 0.01)),
        this.postNote = h('p', { class: 'small' }, '')),
      h('section', { class: 'card elbo-beta', 'aria-labelledby': 'elbo-beta-h', 'data-embed-group': 'beta' },
        h('h2', { id: 'elbo-beta-h' }, 'β: trading reconstruction for KL'),
        h('div', { class: 'math' }, mathml(formulas.beta)),
        this.betaSlider.el,
        h('div', { class: 'readout-grid elbo-beta-ro' },
          h('div', { class: 'readout' }, h('span', { class: 'readout-name' }, 'β-ELBO of q'), h('span', { class: 'readout-value' }, out('betaElbo'))),
          h('div', { class: 'readout' }, h('span', { class: 'readout-name' }, 'best m'), h('span', { class: 'readout-value' }, out('optM'))),
          h('div', { class: 'readout' }, h('span', { class: 'readout-name' }, 'best s'), h('span', { class: 'readout-value' }, out('optS')))),
        this.betaHost,
        h('p', { class: 'fig-note' }, 'At the best q for each β: the reconstruction term and the KL to the prior. β = 1 is the ELBO itself; larger β pays for a smaller KL with a worse reconstruction, and q moves towards the prior (the dotted curve above): smoothly for the linear model; for the square model it can jump, from a posterior mode to the symmetric q at m = 0, where two maxima tie.'))));

    // Formulas and prose.
    el.append(h('div', { class: 'grid grid-mid' },
      h('section', { class: 'card formulas', 'aria-labelledby': 'elbo-formulas-h', 'data-embed-group': 'formulas' },
        h('h2', { id: 'elbo-formulas-h' }, 'The formulas, live'),
        formula(formulas.identity, h('p', { class: 'formula-value identity' }, out('logPx'), ' = ', out('recon'), ' − ', out('klPrior'), ' + ', out('gap'))),
        formula(formulas.klprior, h('p', { class: 'formula-value' }, '= ', out('klPrior'))),
        formula(formulas.reparam)),
      prose('elbo', 'What you are looking at',
        'Bayes’ rule needs the evidence p(x) = ∫ p(z) p(x|z) dz, which is rarely computable. Variational inference sidesteps it: pick a simple q and maximise the ELBO, which needs only p(z) and p(x|z). Because log p(x) is fixed, every nat the ELBO gains is a nat less of KL(q‖p(z|x)) — maximising the bound is fitting q to the posterior.',
        'The ELBO itself is a tug of war: the reconstruction term wants q where z explains x well; the KL to the prior wants q to stay like N(0, 1). In the Gaussian model the posterior is itself Gaussian, so the best q closes the gap completely. With x | z ~ N(z², σ²) and x > 0 the posterior has two modes, and a single Gaussian q has to choose one (or straddle both): the gap can never reach zero.',
        'The reparameterised gradient writes z = m + s·ε so that the random draw no longer depends on q’s parameters; with K = 1 the steps are noisy, with more draws they approach the exact gradient. Press Play with each and compare the paths.')));

    el.append(this.readouts.live);

    const dh = (w) => Math.round(Math.max(230, Math.min(330, w * 0.5)));
    this.dens = this.frame(this.densHost, { height: dh, margin: { top: 12, right: 12, bottom: 30, left: 42 }, role: 'group', label: 'Densities of the prior, the posterior and q, with handles for q', draw: (f) => this.drawDens(f),
      csv: () => {
        const { r } = this;
        const o = r.optimum;
        return { columns: ['z', 'p(z), the prior', 'p(z|x), the posterior', 'q(z)', 'q(z) best for β'],
          rows: Array.from(r.zs, (z, i) => { const u = (z - o.m) / o.s; return [z, r.prior[i], r.posterior[i], r.q[i], Math.exp(-0.5 * u * u) / (o.s * Math.sqrt(2 * Math.PI))]; }) };
      } });
    this.bar = this.frame(this.barHost, { height: 200, margin: { top: 8, right: 14, bottom: 28, left: 118 }, label: 'The identity as a waterfall: reconstruction, minus KL to the prior, is the ELBO; plus the gap, is log p(x)', draw: (f) => this.drawBar(f),
      csv: () => { const t = this.r.terms; return { columns: ['term', 'value (nats)'], rows: [['E_q[log p(x|z)]', t.recon], ['KL(q‖p(z))', t.klPrior], ['ELBO', t.elbo], ['KL(q‖p(z|x))', t.gap], ['log p(x)', t.logPx]] }; } });
    this.boundChart = this.frame(this.boundHost, { height: 200, margin: { top: 10, right: 12, bottom: 30, left: 48 }, label: 'ELBO, its estimate and log p(x) against the step', draw: (f) => this.drawTrace(f, 'bound'), csv: () => this.traceCSV('bound') });
    this.termsChart = this.frame(this.termsHost, { height: 200, margin: { top: 10, right: 12, bottom: 30, left: 48 }, label: 'Reconstruction, KL to the prior and the gap against the step', draw: (f) => this.drawTrace(f, 'terms'), csv: () => this.traceCSV('terms') });
    this.betaChart = this.frame(this.betaHost, { height: 190, margin: { top: 12, right: 12, bottom: 32, left: 48 }, label: 'Reconstruction and KL at the best q against β', draw: (f) => this.drawBeta(f),
      csv: () => { const p = this.path; return { columns: ['β', 'E_q[log p(x|z)] (nats)', 'KL(q‖p(z)) (nats)'], rows: p ? Array.from(p.beta, (b, i) => [b, p.recon[i], p.klPrior[i]]) : [] }; } });
    this.pat = { gap: hatch(this.bar.defs, 'var(--q)', { opacity: 0.9 }), gapBand: hatch(this.boundChart.defs, 'var(--q)', { opacity: 0.45 }) };
    this.clipId = `elbo-clip-${Math.random().toString(36).slice(2, 8)}`;
    this.dens.defs.append('clipPath').attr('id', this.clipId).append('rect');
  }

  // ---- update ---------------------------------------------------------------

  modelOf(st) { return [st.model, st.x, st.w, st.b, st.sigma].join('|'); }

  update(state, info = {}) {
    // A link at step N (or a saved session): replay the run from its start, which is
    // a function of the state and the seed, so it opens at the same q, trace and outcome.
    if (!info.steps && state.step > 0 && state.step !== this.iter) {
      this.trace = null;
      this.iter = 0;
      this.update({ ...state, m: state.m0, s: state.s0, step: 0 }, { steps: state.step, replay: true });
      return;
    }
    const prev = this.state;
    // A frame the play loop asked for before Pause was pressed takes no steps.
    const steps = info.run && !this.player.playing ? 0 : Math.min(info.steps ?? 0, MAX_TRACE);
    const mk = this.modelOf(state);
    // A new trace when the problem changed, or when q was moved by hand.
    const moved = this.trace && (state.m !== this.trace.m || state.s !== this.trace.s);
    // The run's settings are part of it: a run continued under others could not be replayed from a link.
    const rk = [state.gradient, state.samples, state.lr, state.seed].join('|');
    if (!this.trace || mk !== this.trace.model || state.beta !== this.trace.beta || rk !== this.trace.run || moved) {
      if (this.trace && state.step > 0 && !info.replay) {
        state = { ...state, step: 0 };
        this.ctx.set(state, {});
      }
      this.trace = { model: mk, beta: state.beta, run: rk, start: { m: state.m, s: state.s }, m: state.m, s: state.s,
        iter: [], logPx: [], elbo: [], estimate: [], noiseless: [], recon: [], klPrior: [], gap: [],
        // The noise-free path from the same start, drawn beside a noisy run.
        exact: state.gradient === 'reparam' ? { m: state.m, s: state.s, done: false } : null };
      this.iter = 0;
      this.traceNote.textContent = '';
      delete this.traceNote.dataset.outcome;
    }
    const wantPath = mk !== this.pathKey;
    const ex = state.gradient === 'reparam' ? this.trace.exact : null;
    let r;
    try {
      r = this.ctx.klplay.elboLab(state,
        { steps, iter: this.iter, calm: this.trace.calm ?? 0, path: wantPath, start: steps > 0 && this.trace.iter.length === 0,
          ...(steps > 0 && ex && !ex.done ? { exactPath: true, exactM: ex.m, exactS: ex.s } : {}) });
    } catch (err) {
      this.player.pause();
      this.ctx.notify(`Those settings cannot be computed: ${err.message}. Back to the defaults.`);
      this.ctx.set(this.ctx.defaults());
      return;
    }
    this.r = r;
    if (r.path) { this.path = r.path; this.pathKey = mk; }
    const tr = this.trace;
    if (tr.iter.length === 0) {
      this.pushTrace(0, steps > 0 ? r.startTerms : r.terms);
      if (tr.exact) tr.noiseless[0] = tr.elbo[0];
    }
    if (steps > 0) {
      const t = r.trace ?? { elbo: [] };
      // Row i of the trace is q after step i; the estimate of step i was taken at q before it.
      for (let i = 0; i < t.elbo.length; i++) {
        tr.estimate[tr.estimate.length - 1] = t.estimate[i];
        this.pushTrace(this.iter + i + 1, { logPx: t.logPx[i], elbo: t.elbo[i], recon: t.recon[i], klPrior: t.klPrior[i], gap: t.gap[i] });
      }
      if (r.exact && ex) {
        // Only as far as the noisy run went: the chart's step axis is the noisy run's.
        const e = r.exact;
        // Past its convergence the noise-free path stays at its last value, however the steps were batched.
        const from = tr.noiseless.length - t.elbo.length;
        for (let i = 0; i < t.elbo.length; i++) tr.noiseless[from + i] = i < e.elbo.length ? e.elbo[i] : tr.noiseless[from + i - 1];
        Object.assign(ex, { m: e.m, s: e.s, done: e.converged });
      }
      this.iter += t.elbo.length;
      tr.m = r.m;
      tr.s = r.s;
      tr.calm = r.calm;
      if (r.converged || tr.iter.length >= MAX_TRACE) {
        const short = Math.max(0, r.optimum.betaElbo - r.terms.betaElbo);
        const why = `the gradient has vanished${state.gradient === 'reparam' ? ' (below 0.05 for 50 steps)' : ''}`;
        // A vanishing gradient means a stationary point, not necessarily the best q (the square model's m = 0).
        this.traceNote.textContent = !r.converged ? `Paused after ${MAX_TRACE} steps.`
          : short <= STUCK_NATS ? `Converged at step ${this.iter}: ${why}; the β-ELBO is ${number(short, { digits: 2 })} nats below the best q's.`
            : `Stuck at step ${this.iter}: ${why}, but at a stationary point that is not the best q — the β-ELBO is ${number(short, { digits: 2 })} nats below the best q's. Gradient ascent finds a local optimum; start q nearer a mode.`;
        this.traceNote.dataset.outcome = !r.converged ? 'paused' : short <= STUCK_NATS ? 'converged' : 'stuck';
        this.player.pause();
      }
      state = { ...state, m: r.m, s: r.s, step: this.iter, m0: tr.start.m, s0: tr.start.s };
      this.ctx.set(state, {});
    }
    this.state = state;

    // Controls.
    this.modelChoice.set(state.model);
    this.gradChoice.set(state.gradient);
    this.qSliders.m.set(state.m);
    this.qSliders.s.set(state.s);
    for (const [k, sl] of Object.entries(this.modelSliders)) sl.set(state[k]);
    this.betaSlider.set(state.beta);
    this.lrSlider.set(Math.log10(state.lr));
    if (document.activeElement !== this.lrSlider.box) this.lrSlider.box.value = String(state.lr);
    if (document.activeElement !== this.samplesInput) this.samplesInput.value = String(state.samples);
    if (document.activeElement !== this.seedInput) this.seedInput.value = String(state.seed);
    this.samplesInput.disabled = state.gradient === 'exact';
    for (const t of TRACES) if (t.reparam) this.el.querySelector(`.legend [data-trace="${t.key}"]`).hidden = state.gradient === 'exact';
    if (this.modelMathKind !== state.model) {
      this.modelMathKind = state.model;
      this.modelMath.replaceChildren(mathml(formulas[state.model]));
    }
    this.presets.mark((ps) => Object.entries(ps.st).every(([k, v]) => state[k] === v));

    // Readouts.
    const { terms } = r;
    const values = { ...terms, optM: r.optimum.m, optS: r.optimum.s, iter: this.iter };
    this.readouts.set(values);
    setOutput(this.residual, terms.logPx - terms.elbo - terms.gap);
    setText(this.iterOut, String(this.iter), String(this.iter));
    this.methodNote.textContent = terms.method === 'closed-form' ? 'a closed form' : `quadrature (±${number(terms.errorEstimate, { digits: 2 })})`;
    this.postNote.textContent = r.gaussian
      ? `The posterior is Gaussian: N(${number(r.postMean, { digits: 3 })}, ${number(r.postSd, { digits: 3 })}²). A Gaussian q can match it exactly.`
      : `The posterior is not Gaussian${r.modes.length > 1 ? `: it has two modes, at ±${number(r.modes[1], { digits: 3 })}` : ''}; its standard deviation is ${number(r.postSd, { digits: 3 })}. log p(x) and the gap come from adaptive quadrature.`;

    for (const c of [this.dens, this.bar, this.boundChart, this.termsChart, this.betaChart]) c.ready = true;
    this.dens.redraw();
    this.bar.redraw();
    this.boundChart.redraw();
    this.termsChart.redraw();
    if (r.path || !prev || prev.beta !== state.beta) this.betaChart.redraw();
    if (prev !== null) this.readouts.announce();
  }

  pushTrace(i, t) {
    const tr = this.trace;
    tr.iter.push(i);
    for (const k of ['logPx', 'elbo', 'recon', 'klPrior', 'gap']) tr[k].push(t[k]);
    tr.estimate.push(NaN);
    tr.noiseless.push(tr.noiseless.length ? tr.noiseless[tr.noiseless.length - 1] : NaN);
  }

  speak() {
    const t = this.r?.terms;
    if (!t) return;
    return `ELBO ${number(t.elbo, { digits: 3 })} nats = reconstruction ${number(t.recon, { digits: 3 })} minus KL to the prior ${number(t.klPrior, { digits: 3 })}; gap ${number(t.gap, { digits: 3 })}; log p(x) ${number(t.logPx, { digits: 3 })}.`;
  }

  // ---- charts ---------------------------------------------------------------

  drawDens(f) {
    const { r, state } = this;
    const x = scaleLinear().domain([r.lo, r.hi]).range([0, f.innerWidth]);
    this.x = x;
    const peak = Math.max(max(r.posterior), max(r.prior));
    const top = Math.max(0.45, 1.15 * Math.max(peak, Math.min(max(r.q), 2 * peak)));
    const y = scaleLinear().domain([0, top]).range([f.innerHeight, 0]).nice(4);
    f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid')
      .call(axisLeft(y).ticks(4).tickSize(-f.innerWidth).tickFormat(fmt)).call((g) => g.select('.domain').remove());
    f.plot.selectAll('g.axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${f.innerHeight})`)
      .call(axisBottom(x).ticks(Math.max(4, Math.floor(f.innerWidth / 70))).tickFormat(fmt));
    f.plot.selectAll('text.axis-name').data([0]).join('text').attr('class', 'axis-unit axis-name').attr('text-anchor', 'end')
      .attr('x', f.innerWidth).attr('y', f.innerHeight + 27).text('z');
    f.defs.select(`#${this.clipId} rect`).attr('x', -2).attr('y', -4).attr('width', f.innerWidth + 4).attr('height', f.innerHeight + 4);
    const pts = (arr) => Array.from(r.zs, (z, i) => [z, Math.min(arr[i], top * 1.05)]);
    const l = line().x((d) => x(d[0])).y((d) => y(d[1]));
    const a = area().x((d) => x(d[0])).y0(y(0)).y1((d) => y(d[1]));
    // The prior, the posterior and the β-optimal q change only with the model, β or the size:
    // their paths are kept between frames (an optimisation run moves q alone).
    const o = r.optimum;
    const key = `${this.modelOf(state)}|${f.innerWidth}|${f.innerHeight}|${y.domain()[1]}|${o.m}|${o.s}`;
    if (key !== this.densKey) {
      this.densKey = key;
      const opt = Array.from(r.zs, (z) => { const u = (z - o.m) / o.s; return [z, Math.min(top * 1.05, Math.exp(-0.5 * u * u) / (o.s * Math.sqrt(2 * Math.PI)))]; });
      const post = pts(r.posterior);
      this.fixed = { prior: l(pts(r.prior)), opt: l(opt), post: l(post), postFill: a(post) };
    }
    const qd = pts(r.q);
    const paths = { prior: this.fixed.prior, opt: this.fixed.opt, post: this.fixed.post, q: l(qd) };
    const fills = { post: this.fixed.postFill, q: a(qd) };
    const g = f.plot.selectAll('g.curves').data([0]).join('g').attr('class', 'curves').attr('clip-path', `url(#${this.clipId})`);
    g.selectAll('path.fill').data(['post', 'q']).join('path').attr('class', (k) => `fill fill-${k}`).attr('d', (k) => fills[k]);
    g.selectAll('path.curve').data(['prior', 'opt', 'post', 'q']).join('path').attr('class', (k) => `curve curve-${k}`).attr('d', (k) => paths[k]);

    // Handles for q: ● at the mean, ◆ at m + s, with a bracket between.
    const qAt = (z) => { const u = (z - state.m) / state.s; return Math.exp(-0.5 * u * u) / (state.s * Math.sqrt(2 * Math.PI)); };
    const [lo, hi] = x.domain();
    const yTop = y.domain()[1];
    const hy = (v) => y(Math.min(v, yTop));
    const data = [
      { kind: 'mean', z: state.m, v: qAt(state.m), label: 'Mean of q', now: state.m, text: `m = ${+state.m.toFixed(3)}` },
      { kind: 'sd', z: state.m + state.s, v: qAt(state.m + state.s), label: 'Spread of q (mean + 1 standard deviation)', now: state.s, text: `s = ${+state.s.toFixed(3)}` },
    ];
    const hg = f.plot.selectAll('g.handles').data([0]).join('g').attr('class', 'handles').raise();
    hg.selectAll('line.bracket').data([0]).join('line').attr('class', 'bracket bracket-q')
      .attr('x1', x(Math.max(lo, Math.min(hi, state.m)))).attr('x2', x(Math.max(lo, Math.min(hi, state.m + state.s))))
      .attr('y1', hy(data[1].v)).attr('y2', hy(data[1].v));
    const diamond = symbol(symbolDiamond, 90)();
    handles(hg, data, { key: (d) => d.kind, onKey: (event, d) => this.onKey(event, d), drag: this.dragBehaviour(f) })
      .call((sel) => sel.select('path.mark').attr('d', (d) => (d.kind === 'mean' ? symbol().size(90)() : diamond)))
      .attr('class', (d) => `handle handle-q handle-${d.kind}`).attr('data-kind', (d) => d.kind)
      .attr('transform', (d) => `translate(${x(Math.min(hi, Math.max(lo, d.z)))},${hy(d.v)})`)
      .attr('aria-label', (d) => d.label).attr('aria-valuenow', (d) => d.now).attr('aria-valuetext', (d) => d.text);
  }

  moveHandle(d, z) {
    const st = this.ctx.state();
    if (d.kind === 'mean') this.setQ(z, st.s);
    else this.setQ(st.m, Math.abs(z - st.m));
  }

  dragBehaviour(f) {
    return drag()
      .container(() => f.plot.node())
      .subject((event) => ({ x: event.x, y: event.y }))
      .on('start', (event, d) => {
        this.player.pause();
        this.dragging = d.kind;
        f.svg.classed('dragging', true);
        event.sourceEvent?.target?.closest?.('g.handle')?.focus?.({ preventScroll: true });
      })
      .on('drag', (event, d) => this.moveHandle(d, this.x.invert(event.x)))
      .on('end', () => { this.dragging = null; f.svg.classed('dragging', false); });
  }

  onKey(event, d) {
    const dir = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 8, PageDown: -8 }[event.key];
    if (dir === undefined) return;
    event.preventDefault();
    this.player.pause();
    const st = this.ctx.state();
    const step = event.shiftKey ? 0.01 : 0.05;
    if (d.kind === 'mean') this.setQ(st.m + dir * step, st.s);
    else this.setQ(st.m, Math.max(field('s').min, st.s + dir * step));
  }

  drawBar(f) {
    const t = this.r.terms;
    const rows = [
      { k: 'recon', label: 'E_q[log p(x|z)]', from: 0, to: t.recon, v: t.recon },
      { k: 'klprior', label: '− KL(q‖p(z))', from: t.recon, to: t.elbo, v: -t.klPrior },
      { k: 'elbo', label: '= ELBO', from: 0, to: t.elbo, v: t.elbo },
      { k: 'gap', label: '+ KL(q‖p(z|x))', from: t.elbo, to: t.elbo + t.gap, v: t.gap },
      { k: 'logpx', label: '= log p(x)', from: 0, to: t.logPx, v: t.logPx },
    ];
    waterfall(f, rows, {
      padding: 0.28,
      ticks: Math.max(3, Math.floor(f.innerWidth / 70)),
      tickFormat: fmt,
      room: 52,
      fill: (d) => (d.k === 'gap' ? this.pat.gap : null),
      under: (x) => {
        f.plot.selectAll('line.zero').data([0]).join('line').attr('class', 'zero').attr('x1', x(0)).attr('x2', x(0)).attr('y1', 0).attr('y2', f.innerHeight);
        f.plot.selectAll('line.logpx-line').data([0]).join('line').attr('class', 'logpx-line')
          .attr('x1', x(t.logPx)).attr('x2', x(t.logPx)).attr('y1', -4).attr('y2', f.innerHeight);
      },
    });
  }

  /** One panel's traces as a table: a row per iteration. */
  traceCSV(panel) {
    const tr = this.trace;
    const defs = TRACES.filter((d) => d.panel === panel);
    return { columns: ['iteration', ...defs.map((d) => `${d.name} (nats)`)], rows: Array.from(tr.iter, (it, i) => [it, ...defs.map((d) => tr[d.key][i])]) };
  }

  drawTrace(f, panel) {
    const tr = this.trace;
    const n = tr.iter.length;
    const stride = Math.max(1, Math.ceil(n / DRAW_POINTS));
    const idx = [];
    for (let i = 0; i < n; i += stride) idx.push(i);
    if (n && idx[idx.length - 1] !== n - 1) idx.push(n - 1);
    const defs = TRACES.filter((d) => d.panel === panel);
    let lo = Infinity;
    let hi = -Infinity;
    for (const d of defs) for (const i of idx) { const v = tr[d.key][i]; if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }
    if (panel === 'terms') lo = Math.min(lo, 0);
    if (!Number.isFinite(lo)) { lo = -1; hi = 0; }
    if (hi - lo < 1e-6) { lo -= 0.5; hi += 0.5; }
    // Keep the bound panel readable when a noisy estimate dives: clip it to 3× the exact curves' range.
    if (panel === 'bound') {
      let elo = Infinity;
      let ehi = -Infinity;
      for (const i of idx) for (const k of ['elbo', 'logPx']) { elo = Math.min(elo, tr[k][i]); ehi = Math.max(ehi, tr[k][i]); }
      const pad = Math.max(0.5, ehi - elo);
      lo = Math.max(lo, elo - pad);
      hi = Math.min(hi, ehi + pad * 0.3);
    }
    const x = scaleLinear().domain([0, Math.max(10, tr.iter[n - 1] ?? 0)]).range([0, f.innerWidth]);
    const y = scaleLinear().domain([lo, hi]).range([f.innerHeight, 0]).nice(4);
    const [ylo, yhi] = y.domain();
    traceAxes(f, x, y, { xFormat: fmt, unit: '' });
    const cl = (v) => Math.min(yhi, Math.max(ylo, v));
    if (panel === 'bound') {
      const band = area().x((i) => x(tr.iter[i])).y0((i) => y(cl(tr.elbo[i]))).y1((i) => y(cl(tr.logPx[i])));
      f.plot.selectAll('path.gap-band').data([idx]).join('path').attr('class', 'gap-band').attr('fill', this.pat.gapBand).attr('d', band);
    }
    // A noisy estimate as a cloud of dots under the lines: joined into a line, its spikes hid the ELBO it scatters around.
    const cloud = defs.find((d) => d.dots);
    const dots = f.plot.selectAll('g.est-dots').data(cloud ? [cloud] : []).join((e) => e.insert('g', ':first-child')).attr('class', (d) => `est-dots ${d.cls}`);
    dots.selectAll('circle').data(cloud ? idx.filter((i) => Number.isFinite(tr[cloud.key][i])) : []).join('circle')
      .attr('r', 1.6).attr('cx', (i) => x(tr.iter[i])).attr('cy', (i) => y(cl(tr[cloud.key][i])));
    f.plot.selectAll('path.trace').data(defs.filter((d) => !d.dots), (d) => d.key).join('path').attr('class', (d) => `trace ${d.cls}`)
      .attr('d', (d) => line().defined((i) => Number.isFinite(tr[d.key][i])).x((i) => x(tr.iter[i])).y((i) => y(cl(tr[d.key][i])))(idx));
    f.plot.selectAll('circle.now').data(n ? defs.filter((d) => Number.isFinite(tr[d.key][n - 1]) && !d.dots && d.key !== 'noiseless') : [], (d) => d.key).join('circle')
      .attr('class', (d) => `now ${d.cls}`).attr('r', 3).attr('cx', x(tr.iter[n - 1])).attr('cy', (d) => y(cl(tr[d.key][n - 1])));
  }

  drawBeta(f) {
    const p = this.path;
    if (!p) return;
    const st = this.state;
    const x = scaleLinear().domain([0, max(p.beta)]).range([0, f.innerWidth]);
    const vals = [...p.recon, ...p.klPrior].filter(Number.isFinite);
    const lo = Math.max(min(vals), max(p.recon.filter(Number.isFinite)) - 4 * Math.max(1, max(p.klPrior)));
    const y = scaleLinear().domain([Math.min(lo, 0), Math.max(0.5, max(vals))]).range([f.innerHeight, 0]).nice(4);
    const [ylo] = y.domain();
    f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid')
      .call(axisLeft(y).ticks(4).tickSize(-f.innerWidth).tickFormat(fmt)).call((g) => g.select('.domain').remove());
    f.plot.selectAll('g.axis').data([0]).join('g').attr('class', 'axis').attr('transform', `translate(0,${f.innerHeight})`)
      .call(axisBottom(x).ticks(5).tickFormat(fmt));
    f.plot.selectAll('text.axis-name').data([0]).join('text').attr('class', 'axis-unit axis-name').attr('text-anchor', 'end')
      .attr('x', f.innerWidth).attr('y', f.innerHeight + 28).text('β');
    const series = [{ k: 'recon', cls: 'tr-recon', v: p.recon, name: 'E_q[log p(x|z)]' }, { k: 'klPrior', cls: 'tr-klprior', v: p.klPrior, name: 'KL(q‖p(z))' }];
    f.plot.selectAll('path.trace').data(series, (d) => d.k).join('path').attr('class', (d) => `trace ${d.cls}`)
      .attr('d', (d) => line().x((_, i) => x(p.beta[i])).y((v) => y(Math.max(ylo, v)))(Array.from(d.v)));
    f.plot.selectAll('text.series-label').data(series, (d) => d.k).join('text').attr('class', (d) => `series-label ${d.cls}`).attr('text-anchor', 'end')
      .attr('x', f.innerWidth - 2).attr('y', (d) => y(Math.max(ylo, d.v[d.v.length - 1])) - 6).text((d) => d.name);
    const b = Math.min(st.beta, max(p.beta));
    f.plot.selectAll('line.beta-now').data([0]).join('line').attr('class', 'beta-now').attr('x1', x(b)).attr('x2', x(b)).attr('y1', 0).attr('y2', f.innerHeight);
    const o = this.r.optimum;
    f.plot.selectAll('circle.now').data([{ cls: 'tr-recon', v: o.recon }, { cls: 'tr-klprior', v: o.klPrior }]).join('circle')
      .attr('class', (d) => `now ${d.cls}`).attr('r', 4).attr('cx', x(b)).attr('cy', (d) => y(Math.max(ylo, d.v)));
  }
}

export default defineLab({
  id: 'elbo',
  title: 'ELBO',
  blurb: 'log p(x) = ELBO + KL(q‖p(z|x)): the terms, exactly, while q is optimised',
  schema,
  View,
});
