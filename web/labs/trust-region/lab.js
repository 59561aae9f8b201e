// The trust-region lab: a bandit whose reward is noisy, a softmax policy over
// 3–6 actions, and four ways to improve it from batches it draws itself —
// plain policy gradient, PPO-clip, PPO with an adaptive KL penalty and TRPO.
// Every update draws a fresh batch from the current policy and estimates the
// advantages from it; the true return J(π) = Σ π μ, which no method sees, is
// drawn beside what the batch promised. One call into Go
// (klplay.trustRegionLab) per frame returns every method's run (cached in Go;
// a run depends on the seed alone), the update shown (state.k), the PPO-clip
// figure, the batch's sampled KL and (with three actions) the δ contour.
import { scaleBand, scaleLinear, scaleLog } from 'd3-scale';
import { axisBottom, axisLeft } from 'd3-axis';
import { line, curveLinearClosed } from 'd3-shape';
import { contours } from 'd3-contour';
import { max, min, range } from 'd3-array';
import { format } from 'd3-format';
import { h, setText } from '../../lib/dom.js';
import { LabView, defineLab, formula, labHead, presetChips, prose, sameValues, segmented, toolbar } from '../../lib/lab.js';
import { clearSpot, decades, hatch, once, swatch } from '../../lib/chart.js';
import { number } from '../../lib/format.js';
import { slider, transport, fieldSlider, intInput, bounds } from '../../lib/controls.js';
import { Player } from '../../lib/player.js';
import formulas from './formulas.tex';
import labInfo from '../../../core/session/labs/trust-region.json';
import PRESETS from './presets.json';

const { fields: schema } = labInfo;
const field = (name) => schema.find((f) => f.name === name);
const MIN_N = field('start').minLength;
const MAX_N = field('start').maxLength;
const ADVANCE_MS = 300; // while playing, one update per this many ms: 20 updates in 6 s
const METHODS = [
  { id: 'pg', name: 'Policy gradient', short: 'PG', cls: 'm-pg' },
  { id: 'ppo-clip', name: 'PPO-clip', short: 'PPO-clip', cls: 'm-clip' },
  { id: 'ppo-kl', name: 'PPO, KL penalty', short: 'PPO-KL', cls: 'm-kl' },
  { id: 'trpo', name: 'TRPO', short: 'TRPO', cls: 'm-trpo' },
];
const PRESET_KEYS = ['start', 'mean', 'noise', 'samples', 'epsilon', 'delta', 'lr', 'ppoLr', 'updates', 'seed'];
const isPreset = (ps, st) => PRESET_KEYS.every((k) => (Array.isArray(ps.st[k]) ? sameValues(ps.st[k], st[k]) : ps.st[k] === st[k]));

const fmt = format('~g');

/**
 * A chart's grid (the left axis `left`, ticks across) and bottom axis `bottom`,
 * rebuilt only when the scales x and y change: most frames only move the update shown.
 */
function axes(f, x, y, left, bottom, axisCls = 'axis') {
  const key = [x.domain(), x.range(), y.domain(), y.range()].join('|');
  once(f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid'), key,
    (g) => g.call(left.tickSize(-f.innerWidth)).call((d) => d.select('.domain').remove()));
  once(f.plot.selectAll('g.axis').data([0]).join('g').attr('class', axisCls).attr('transform', `translate(0,${f.innerHeight})`), key, (g) => g.call(bottom));
}

/** Cross-field rules: the logits and the mean rewards name the same actions. */
function check(state) {
  if (state.start.length === state.mean.length) return { state, problems: [] };
  const n = state.start.length;
  const mean = range(n).map((i) => state.mean[i] ?? 0);
  return { state: { ...state, mean }, problems: [`mean had ${state.mean.length} entries for ${n} actions; padded or cut to ${n}`] };
}

class View extends LabView {
  constructor(el, ctx) {
    super(el, ctx);
    const st = () => this.ctx.state();
    const to = (k) => this.set({ k: Math.max(0, Math.min(st().updates, k)) });
    this.player = new Player(el, {
      interval: ADVANCE_MS,
      start: () => { if (st().k >= st().updates) to(0); },
      tick: () => to(st().k + 1),
      step: () => to(st().k + 1),
      reset: () => to(0),
      reduced: () => to(st().updates),
    });
    this.build();
  }

  setAt(key, i, v) {
    const f = field(key);
    if (!Number.isFinite(v)) return;
    const arr = [...this.ctx.state()[key]];
    arr[i] = Math.min(f.max, Math.max(f.min, v));
    this.set({ [key]: arr });
  }

  setCount(n) {
    const st = this.ctx.state();
    n = Math.max(MIN_N, Math.min(MAX_N, Math.round(n)));
    if (!Number.isFinite(n) || n === st.start.length) return;
    this.set({ start: range(n).map((i) => st.start[i] ?? 0), mean: range(n).map((i) => st.mean[i] ?? 0) });
  }

  // ---- DOM ------------------------------------------------------------------

  build() {
    const { el } = this;
    const { out } = this.readouts;

    this.presets = presetChips(PRESETS, (ps) => { this.player.pause(); this.set({ ...ps.st, start: [...ps.st.start], mean: [...ps.st.mean], k: 0 }); });
    this.countInput = h('input', { type: 'number', id: 'tr-count', min: MIN_N, max: MAX_N, step: 1, inputmode: 'numeric', onchange: (e) => this.setCount(Number(e.target.value)) });
    this.methodChoice = segmented({ name: 'tr-method', legend: 'Method', group: 'method', cls: 'tr-methods', choose: (v) => this.set({ method: v }),
      options: METHODS.map((m) => ({ value: m.id, label: m.short })) });

    el.append(
      labHead('trust-region', 'Trust regions: TRPO and PPO', 'A policy picks one of a few slot machines; each pays a noisy reward around its mean μ. Nobody knows μ: every update the policy plays a small batch, estimates from it which actions were better than average, and moves towards them. That estimate — the surrogate — is only trustworthy near the ',
          h('strong', { class: 'ink-p' }, 'policy that collected it'), ', so TRPO and PPO keep the ', h('strong', { class: 'ink-q' }, 'new policy'),
          ' within a KL budget δ of it. Press Play and watch the true return J(π) that no method sees.'),
      toolbar('tr', { presets: this.presets.buttons, settings: [h('div', { class: 'stepper', 'data-embed-group': 'count' },
            h('label', { for: 'tr-count', class: 'toolbar-label' }, 'Actions'),
            h('button', { type: 'button', class: 'step', 'aria-label': 'Fewer actions', onclick: () => this.setCount(this.ctx.state().start.length - 1) }, '−'),
            this.countInput,
            h('button', { type: 'button', class: 'step', 'aria-label': 'More actions', onclick: () => this.setCount(this.ctx.state().start.length + 1) }, '+'))] }),
    );

    // Method, transport and the policy.
    this.transport = transport({ player: this.player, label: 'Updates' });
    this.kOut = h('output', { 'data-readout': 'update' }, '0');
    this.barsHost = h('div', { class: 'chart-host' });
    this.rowsHost = h('div', { class: 'tr-rows' });
    this.statusNote = h('p', { class: 'callout tr-status', hidden: true });
    el.append(h('div', { class: 'grid grid-top' },
      h('figure', { class: 'card tr-policy' },
        h('figcaption', {}, h('h2', {}, 'The policy, update by update'),
          h('p', { class: 'legend' }, h('span', {}, swatch('p'), 'π_old (drew the batch)'), h('span', {}, swatch('q'), 'π after the update'))),
        h('div', { class: 'tr-method-row' },
          this.methodChoice.el),
        h('div', { class: 'tr-transport' }, this.transport.el, h('span', { class: 'small' }, 'update ', this.kOut, ' of ', this.nOut = h('span', {}, '20'))),
        this.barsHost,
        this.rowsHost),
      h('aside', { class: 'card readouts', 'aria-label': 'Readouts', 'data-embed-group': 'readouts' },
        h('div', { class: 'hero' },
          h('span', { class: 'hero-name', id: 'tr-ro-kl' }, 'KL(π_old‖π) this update'),
          h('span', { class: 'hero-value' }, out('kl', { 'aria-labelledby': 'tr-ro-kl' }), h('span', { class: 'unit' }, 'nats')),
          h('span', { class: 'hero-hint' }, 'against the budget δ = ', out('delta'))),
        this.statusNote,
        h('div', { class: 'readout-grid' },
          h('div', { class: 'readout' }, h('span', { class: 'readout-name' }, 'True return J(π)'), h('span', { class: 'readout-value' }, out('ret')), h('span', { class: 'readout-hint' }, 'Σ π μ; it started at ', out('ret0'))),
          h('div', { class: 'readout' }, h('span', { class: 'readout-name' }, 'Promised gain'), h('span', { class: 'readout-value' }, out('gain')), h('span', { class: 'readout-hint' }, 'the batch’s surrogate L̂(θ) − L̂(θ_old)')),
          h('div', { class: 'readout' }, h('span', { class: 'readout-name' }, 'True gain'), h('span', { class: 'readout-value' }, out('trueGain')), h('span', { class: 'readout-hint' }, 'J(π) − J(π_old)')),
          this.betaRo = h('div', { class: 'readout' }, h('span', { class: 'readout-name' }, 'β (PPO-KL)'), h('span', { class: 'readout-value' }, out('beta')), h('span', { class: 'readout-hint' }, 'doubles above 1.5δ, halves below δ/1.5')),
          this.btRo = h('div', { class: 'readout' }, h('span', { class: 'readout-name' }, 'Line search'), h('span', { class: 'readout-value' }, out('backtracks')), h('span', { class: 'readout-hint' }, 'halvings in this TRPO update'))),
        h('div', { class: 'tr-settings' },
          (this.noiseSlider = fieldSlider(field('noise'), { label: 'σ', step: 0.05, hint: 'reward noise: R = μ + σ·z', onInput: (v) => this.set({ noise: v }) })).el,
          (this.samplesSlider = fieldSlider(field('samples'), { log: true, label: 'N', step: 0.01, hint: 'actions drawn per update (log scale)', onInput: (v) => this.set({ samples: Math.round(10 ** v) }) })).el,
          (this.deltaSlider = fieldSlider(field('delta'), { log: true, label: 'δ', step: 0.01, hint: 'KL budget (log scale): TRPO’s bound, PPO-KL’s target, PPO’s early stop at 1.5δ', onInput: (v) => this.set({ delta: +(10 ** v).toPrecision(3) }) })).el,
          (this.epsSlider = fieldSlider(field('epsilon'), { label: 'ε', step: 0.01, hint: 'PPO clip range', onInput: (v) => this.set({ epsilon: v }) })).el,
          (this.lrSlider = fieldSlider(field('lr'), { log: true, label: 'PG step', step: 0.01, hint: 'plain policy gradient: one step of this size per batch (log scale)', onInput: (v) => this.set({ lr: +(10 ** v).toPrecision(3) }) })).el,
          (this.ppoLrSlider = fieldSlider(field('ppoLr'), { log: true, label: 'PPO step', step: 0.01, hint: 'each of PPO’s 10 epochs on a batch (log scale)', onInput: (v) => this.set({ ppoLr: +(10 ** v).toPrecision(3) }) })).el,
          (this.updatesSlider = fieldSlider(field('updates'), { label: 'updates', step: 1, onInput: (v) => this.set({ updates: Math.round(v) }) })).el,
          h('div', { class: 'tr-seed-row' },
            h('label', { class: 'field', for: 'tr-seed' }, h('span', { class: 'toolbar-label' }, 'Seed'), this.seedInput = intInput(field('seed'), { id: 'tr-seed', cls: 'tr-int', current: () => this.ctx.state().seed, onValue: (v) => this.set({ seed: v }) })),
            h('button', { type: 'button', class: 'chip', onclick: () => this.set({ seed: (this.ctx.state().seed % field('seed').max) + 1 }) }, 'New seed')))),
    ));
    this.samplesSlider.box.setAttribute('aria-label', 'N, log₁₀');
    this.deltaSlider.box.setAttribute('aria-label', 'δ, log₁₀');
    this.lrSlider.box.setAttribute('aria-label', 'PG step size, log₁₀');
    this.ppoLrSlider.box.setAttribute('aria-label', 'PPO step size, log₁₀');

    // True return and per-update traces, the simplex.
    this.retHost = h('div', { class: 'chart-host' });
    this.klHost = h('div', { class: 'chart-host small-chart' });
    this.gainHost = h('div', { class: 'chart-host small-chart' });
    this.simplexHost = h('div', { class: 'chart-host tr-simplex-host' });
    this.simplexNote = h('p', { class: 'fig-note' }, '');
    const methodLegend = () => h('p', { class: 'legend' }, METHODS.map((m) => h('span', {}, h('span', { class: `line-swatch ${m.cls}` }), m.short)));
    this.gainLegend = h('p', { class: 'legend' }, h('span', {}, h('span', { class: 'line-swatch promised' }), 'promised by the batch'), h('span', {}, h('span', { class: 'line-swatch truth' }), 'true gain'));
    el.append(h('div', { class: 'grid grid-charts' },
      h('figure', { class: 'card tr-traces' },
        h('figcaption', {}, h('h2', {}, 'What each method earns'), methodLegend()),
        h('h3', {}, 'True return J(π) = Σ π μ, per update'), this.retHost,
        h('h3', {}, 'KL(π_old‖π) of each update against δ (log scale)'), this.klHost,
        h('h3', {}, 'The chosen method’s promised and true gain, per update'), this.gainLegend, this.gainHost),
      h('figure', { class: 'card tr-simplex' },
        h('figcaption', {}, h('h2', {}, 'The policy simplex'), methodLegend()),
        this.simplexHost, this.simplexNote),
    ));

    // PPO-clip figure and sampled KL.
    this.clipHosts = [h('div', { class: 'chart-host small-chart' }), h('div', { class: 'chart-host small-chart' })];
    this.sampleBody = h('tbody');
    this.sampleNote = h('p', { class: 'small' }, '');
    el.append(h('div', { class: 'grid grid-charts' },
      h('figure', { class: 'card tr-clip' },
        h('figcaption', {}, h('h2', {}, 'The PPO-clip objective of one action'),
          h('p', { class: 'legend' }, h('span', {}, h('span', { class: 'line-swatch clip-plain' }), 'r·A'), h('span', {}, h('span', { class: 'line-swatch clip-clipped' }), 'min(r·A, clip(r)·A)'), h('span', {}, swatch('band'), '[1 − ε, 1 + ε]'))),
        h('div', { class: 'tr-clip-pair' },
          h('div', {}, h('h3', {}, 'Â > 0'), this.clipHosts[0]),
          h('div', {}, h('h3', {}, 'Â < 0'), this.clipHosts[1])),
        h('p', { class: 'fig-note', 'data-embed': 'text' }, 'Dots: this update’s ratio r = π(a)/π_old(a) of each action the batch drew, by the sign of its estimated advantage. Where the curve is flat the gradient is zero: PPO stops pushing an action once its ratio has left the band in the direction its advantage wants.')),
      h('section', { class: 'card tr-sampled', 'aria-labelledby': 'tr-sampled-h', 'data-embed-group': 'sampled' },
        h('h2', { id: 'tr-sampled-h' }, 'KL from the batch'),
        h('p', { class: 'small' }, 'In practice KL(π_old‖π) is estimated from the very actions the batch drew from π_old. Here are Schulman’s estimators on this update’s batch, beside the exact value.'),
        h('div', { class: 'table-wrap' }, h('table', {},
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Estimator'), h('th', { scope: 'col' }, 'Estimate ± s.e.'), h('th', { scope: 'col' }, 'minus exact'))),
          this.sampleBody)),
        this.sampleNote,
        h('p', { class: 'small' }, 'k1 = −r, k2 = r²/2, k3 = (eʳ − 1) − r with r = log π(a)/π_old(a), a ~ π_old. k1 and k3 are unbiased; k3 is never negative and usually much quieter.'))));

    // Formulas and prose.
    el.append(h('div', { class: 'grid grid-mid' },
      h('section', { class: 'card formulas', 'aria-labelledby': 'tr-formulas-h', 'data-embed-group': 'formulas' },
        h('h2', { id: 'tr-formulas-h' }, 'The objectives'),
        formula(formulas.advantage),
        formula(formulas.surrogate),
        formula(formulas.clip),
        formula(formulas.penalty),
        formula(formulas.trpo),
        formula(formulas.natural)),
      prose('tr', 'What you are looking at',
        'Each update the current policy plays N times. From those draws alone it estimates advantages — how much better than the batch’s average each action did, Â = R − (mean of the other rewards), which makes the gradient estimate unbiased — and builds the surrogate L̂, its forecast of how the return would change. The forecast is honest only near the policy that drew the batch: the batch says little about actions it rarely tried, and nothing about those it never tried. The true return J(π) = Σ π μ (top chart) is what the forecast is meant to predict.',
        'Plain policy gradient with a big step believes one batch completely. In “Rare best action” the batch rarely contains a3, so the gradient points at the frequently drawn a1; one step far outside δ puts nearly all probability there, and a policy that never plays a3 again can never learn that a3 pays most: PG is stuck below TRPO (on 90 % of 400 seeds checked). In “Noisy rewards” ten draws with σ = 2 cannot tell the good action from five duds; PG bets everything on whichever looked best and, on this seed as on 55 % of seeds, lands on a dud, below where it started.',
        'TRPO makes the closeness a rule: maximise L̂ subject to KL(π_old‖π) ≤ δ. It steps along the natural gradient, sized so the quadratic estimate of KL equals δ, halves the step until the exact KL fits, then bisects back out to the boundary: its KL trace never crosses the dashed δ line, and because it keeps playing every action it keeps learning, and its return climbs. PPO keeps the policy close with first-order steps: 10 epochs on each batch, stopped early once KL passes 1.5δ; PPO-clip flattens the objective once a ratio leaves [1 − ε, 1 + ε], PPO-KL subtracts β·KL and tunes β. Staying close keeps them from PG’s collapse, but their steps point where PG’s does: on “Rare best action” they creep while TRPO’s natural gradient finds a3; on “Noisy rewards” they rise with TRPO. Neither guarantees the bound — compare their KL traces with δ, and try new seeds.')));

    el.append(this.readouts.live);

    this.bars = this.frame(this.barsHost, { height: 226, margin: { top: 16, right: 8, bottom: 60, left: 40 }, label: 'Probabilities per action before and after the update shown, with each action’s mean reward and its draws in the batch', draw: (f) => this.drawBars(f),
      csv: () => ({ columns: ['action', 'π_old', 'π', 'μ', 'drawn'], rows: Array.from(this.r.current.oldPi, (v, i) => [`a${i + 1}`, v, this.r.current.pi[i], this.state.mean[i], this.r.current.counts[i]]) }) });
    this.retChart = this.frame(this.retHost, { height: 190, margin: { top: 10, right: 10, bottom: 26, left: 46 }, label: 'True return per update for each method, with the best action’s mean', draw: (f) => this.drawTrace(f, 'ret'), csv: () => this.traceCSV('ret') });
    this.klChart = this.frame(this.klHost, { height: 160, margin: { top: 8, right: 10, bottom: 26, left: 46 }, label: 'KL between the policies before and after each update for each method, with δ', draw: (f) => this.drawTrace(f, 'kl'), csv: () => this.traceCSV('kl') });
    this.gainChart = this.frame(this.gainHost, { height: 150, margin: { top: 8, right: 10, bottom: 26, left: 46 }, label: 'The chosen method’s promised surrogate gain and true gain per update', draw: (f) => this.drawGain(f),
      csv: () => { const m = this.r.methods[this.state.method]; return { columns: ['update', 'promised gain', 'true gain'], rows: Array.from(m.gain, (g, i) => [i, g, m.trueGain[i]]) }; } });
    this.simplex = this.frame(this.simplexHost, { height: (w) => Math.round(Math.min(420, w * 0.87)), margin: { top: 22, right: 22, bottom: 26, left: 22 }, label: 'The probability simplex of three actions with the δ contour around the update’s old policy and each method’s path', draw: (f) => this.drawSimplex(f),
      csv: () => ({ columns: ['method', 'update', 'simplex x', 'simplex y'], rows: this.r.n !== 3 ? [] : METHODS.flatMap((m) => Array.from(this.r.methods[m.id].sx, (x, i) => [m.short, i, x, this.r.methods[m.id].sy[i]])) }) });
    this.clipCharts = this.clipHosts.map((host, i) => this.frame(host, { height: 150, margin: { top: 8, right: 10, bottom: 28, left: 36 }, label: i === 0 ? 'Clipped objective against the ratio for a positive advantage' : 'Clipped objective against the ratio for a negative advantage', draw: (f) => this.drawClip(f, i === 0 ? 1 : -1),
      csv: () => { const c = this.r.clip; const [plain, clipped] = i === 0 ? [c.posPlain, c.posClipped] : [c.negPlain, c.negClipped]; return { columns: ['r', `r·A (A = ${i === 0 ? 1 : -1})`, 'min(r·A, clip(r)·A)'], rows: Array.from(c.r, (v, j) => [v, plain[j], clipped[j]]) }; } }));
    this.pat = { q: hatch(this.bars.defs, 'var(--q)') };
  }

  buildRows(n) {
    this.rows = range(n).map((i) => {
      const start = slider({ label: `logit ${i + 1}`, ...bounds(field('start')), step: 0.05, value: 0, onInput: (v) => this.setAt('start', i, v) });
      const mean = slider({ label: `μ${i + 1}`, ...bounds(field('mean')), step: 0.05, value: 0, onInput: (v) => this.setAt('mean', i, v) });
      start.el.classList.add('tr-old');
      mean.el.classList.add('tr-adv');
      return { start, mean, el: h('div', { class: 'tr-row' }, h('span', { class: 'tr-row-name' }, `a${i + 1}`), start.el, mean.el) };
    });
    this.rowsHost.replaceChildren(h('p', { class: 'small' }, 'Set the starting policy’s logits and each action’s mean reward μ (the methods never see μ):'), ...this.rows.map((r) => r.el));
  }

  // ---- update ---------------------------------------------------------------

  update(state) {
    const prev = this.state;
    // Play stops on the frame that draws the last update.
    if (state.k >= state.updates) this.player.pause();
    const n = state.start.length;
    let r;
    try {
      r = this.ctx.klplay.trustRegionLab(state, { contours: n === 3, grid: 61 });
    } catch (err) {
      this.player.pause();
      this.ctx.notify(`Those settings cannot be computed: ${err.message}. Back to the defaults.`);
      this.ctx.set(this.ctx.defaults());
      return;
    }
    this.r = r;
    this.k = r.current.k;
    if (r.grid) { this.grid = r.grid; this.contourCache = null; }
    this.state = state;

    // Controls.
    if (!this.rows || this.rows.length !== n) this.buildRows(n);
    this.rows.forEach((row, i) => { row.start.set(state.start[i]); row.mean.set(state.mean[i]); });
    if (document.activeElement !== this.countInput) this.countInput.value = String(n);
    this.methodChoice.set(state.method);
    this.noiseSlider.set(state.noise);
    this.epsSlider.set(state.epsilon);
    for (const [sl, key] of [[this.samplesSlider, 'samples'], [this.deltaSlider, 'delta'], [this.lrSlider, 'lr'], [this.ppoLrSlider, 'ppoLr']]) {
      sl.set(Math.log10(state[key]));
      if (document.activeElement !== sl.box) sl.box.value = String(state[key]);
    }
    this.updatesSlider.set(state.updates);
    if (document.activeElement !== this.seedInput) this.seedInput.value = String(state.seed);
    this.presets.mark((ps) => isPreset(ps, state));

    // Readouts.
    const m = r.methods[state.method];
    const k = this.k;
    const values = { kl: m.kl[k], gain: m.gain[k], trueGain: m.trueGain[k], ret: m.ret[k], ret0: m.ret[0], beta: m.beta[k], backtracks: m.backtracks[k], delta: state.delta, update: k };
    this.readouts.set(values, (v, key) => (key === 'backtracks' || key === 'update' ? String(v) : key === 'ret' || key === 'ret0' ? v.toFixed(3)
      // A batch of one action promises 0 up to rounding (6e-18, say): gains are read to 4 places, like J.
      : key === 'gain' || key === 'trueGain' ? (Math.abs(v) < 5e-5 ? 0 : v).toFixed(4) : number(v)));
    setText(this.kOut, String(k), String(k));
    setText(this.nOut, String(state.updates));
    this.betaRo.hidden = state.method !== 'ppo-kl';
    this.btRo.hidden = state.method !== 'trpo';
    const over = m.kl[k] > state.delta * (1 + 1e-9);
    this.el.querySelector('.hero').classList.toggle('is-inf', over);
    this.statusNote.hidden = k === 0;
    this.statusNote.className = `callout tr-status ${over ? 'callout-inf' : 'callout-eq'}`;
    const dj = m.ret[k] - m.ret[0];
    this.statusNote.textContent = `${over ? `Outside the trust region: KL is ${number(m.kl[k] / state.delta, { digits: 2 })}× δ.` : 'Inside the trust region (KL ≤ δ).'} True return ${dj >= 0 ? 'up' : 'down'} ${number(Math.abs(dj), { digits: 2 })} since the start.`;
    this.fillSampled();

    for (const c of [this.bars, this.simplex, this.retChart, this.gainChart, this.klChart, ...this.clipCharts]) { c.ready = true; c.redraw(); }
    this.simplexNote.textContent = n === 3
      ? 'Each corner is a policy that always takes that action. The dashed contour is KL(π_old‖π) = δ around the policy that drew this update’s batch (○). The paths are the four methods; the bold one is the chosen method up to this update.'
      : `With ${n} actions the policies live in a ${n - 1}-dimensional simplex; choose 3 actions to see it.`;
    if (prev !== null) this.readouts.announce();
  }

  fillSampled() {
    const s = this.r.sampled;
    if (s.samples === 0) {
      this.sampleBody.replaceChildren(h('tr', {}, h('td', { colspan: 3 }, 'No batch yet: step to update 1.')));
      this.sampleNote.textContent = '';
      return;
    }
    const rows = ['k1', 'k2', 'k3'].map((e, i) => h('tr', { 'data-row': e },
      h('th', { scope: 'row' }, e),
      h('td', {}, h('output', { 'data-sampled': e, 'data-value': String(s.mean[i]) }, number(s.mean[i])), h('span', { class: 'err' }, ` ± ${number(s.stdErr[i], { digits: 3 })}`)),
      h('td', { class: 'num' }, number(s.mean[i] - s.exact))));
    rows.push(h('tr', { 'data-row': 'exact' }, h('th', { scope: 'row' }, 'exact'),
      h('td', {}, h('output', { 'data-sampled': 'exact', 'data-value': String(s.exact) }, number(s.exact))), h('td', {}, '')));
    this.sampleBody.replaceChildren(...rows);
    this.sampleNote.textContent = `From the ${s.samples} actions of update ${this.k}’s batch.`;
  }

  speak() {
    const st = this.state;
    const m = this.r.methods[st.method];
    return `${METHODS.find((x) => x.id === st.method).name}, update ${this.k}: KL ${number(m.kl[this.k], { digits: 3 })} nats, budget ${number(st.delta, { digits: 3 })}; true return ${number(m.ret[this.k], { digits: 3 })}, from ${number(m.ret[0], { digits: 3 })} at the start.`;
  }

  // ---- charts ---------------------------------------------------------------

  drawBars(f) {
    const { r, state } = this;
    const n = r.n;
    const x = scaleBand().domain(range(n)).range([0, f.innerWidth]).padding(0.25);
    const sub = scaleBand().domain(['p', 'q']).range([0, x.bandwidth()]).padding(0.08);
    const { pi, oldPi, counts } = r.current;
    const y = scaleLinear().domain([0, Math.max(0.5, max(pi), max(oldPi))]).range([f.innerHeight, 0]).nice(4);
    axes(f, x, y, axisLeft(y).ticks(4).tickFormat(fmt), axisBottom(x).tickFormat((i) => `a${i + 1}`), 'axis x-axis');
    const data = [...range(n).map((i) => ({ s: 'p', i, v: oldPi[i] })), ...range(n).map((i) => ({ s: 'q', i, v: pi[i] }))];
    f.plot.selectAll('rect.bar').data(data, (d) => `${d.s}${d.i}`).join('rect').attr('class', (d) => `bar bar-${d.s}`)
      .attr('fill', (d) => (d.s === 'q' ? this.pat.q : null))
      .attr('x', (d) => x(d.i) + sub(d.s)).attr('width', sub.bandwidth()).attr('y', (d) => y(d.v)).attr('height', (d) => y(0) - y(d.v));
    f.plot.selectAll('text.value').data(data, (d) => `${d.s}${d.i}`).join('text').attr('class', (d) => `value value-${d.s}`).attr('text-anchor', 'middle')
      .attr('x', (d) => x(d.i) + sub(d.s) + sub.bandwidth() / 2).attr('y', (d) => y(d.v) - 4).text((d) => (sub.bandwidth() >= 26 ? d.v.toFixed(2) : ''));
    const best = r.best;
    f.plot.selectAll('text.adv').data(range(n)).join('text').attr('class', (i) => `adv ${state.mean[i] === best ? 'adv-pos' : ''}`).attr('text-anchor', 'middle')
      .attr('x', (i) => x(i) + x.bandwidth() / 2).attr('y', f.innerHeight + 34).text((i) => `μ ${fmt(+state.mean[i].toFixed(2))}`);
    f.plot.selectAll('text.drawn').data(range(n)).join('text').attr('class', 'drawn').attr('text-anchor', 'middle')
      .attr('x', (i) => x(i) + x.bandwidth() / 2).attr('y', f.innerHeight + 50).text((i) => (this.k === 0 ? '' : `${counts[i]}×`));
  }

  contourSet(f, x, y) {
    const g = this.grid;
    const key = `${f.innerWidth}|${f.innerHeight}|${this.state.delta}`;
    if (this.contourCache?.key === key) return this.contourCache.paths;
    const polys = contours().size([g.nx, g.ny]).thresholds([this.state.delta])(Array.from(g.values));
    // d3-contour puts grid value (i, j) at (i + ½, j + ½); the value was sampled at the
    // triangle's point (i/(nx−1), (√3/2)(1 − j/(ny−1))).
    const sx = (u) => x((u - 0.5) / (g.nx - 1));
    const sy = (v) => y((Math.sqrt(3) / 2) * (1 - (v - 0.5) / (g.ny - 1)));
    const ring = line().x((d) => sx(d[0])).y((d) => sy(d[1])).curve(curveLinearClosed);
    const paths = polys.map((p) => ({ value: p.value, d: p.coordinates.flatMap((poly) => poly.map((rg) => ring(rg))).join(''), delta: true }));
    this.contourCache = { key, paths };
    return paths;
  }

  drawSimplex(f) {
    const { r, state } = this;
    const on = r.n === 3 && this.grid;
    f.svg.attr('aria-hidden', on ? null : 'true');
    if (!on) { f.plot.selectAll('*').remove(); f.svg.attr('height', 40); return; }
    const hgt = Math.sqrt(3) / 2;
    const side = Math.min(f.innerWidth, f.innerHeight / hgt);
    const x0 = (f.innerWidth - side) / 2;
    const x = scaleLinear().domain([0, 1]).range([x0, x0 + side]);
    const y = scaleLinear().domain([0, hgt]).range([side * hgt, 0]);
    const tri = [[0, 0], [1, 0], [0.5, hgt]];
    const clipId = (this.simplexClip ??= `tr-tri-${Math.random().toString(36).slice(2, 8)}`);
    f.defs.selectAll('clipPath').data([0]).join('clipPath').attr('id', clipId).selectAll('path').data([0]).join('path')
      .attr('d', `M${tri.map(([a, b]) => `${x(a)},${y(b)}`).join('L')}Z`);
    f.plot.selectAll('path.tri').data([0]).join('path').attr('class', 'tri').attr('d', `M${tri.map(([a, b]) => `${x(a)},${y(b)}`).join('L')}Z`);
    const cs = this.contourSet(f, x, y);
    f.plot.selectAll('g.contours').data([0]).join('g').attr('class', 'contours').attr('clip-path', `url(#${clipId})`)
      .selectAll('path').data(cs, (d) => d.value).join('path').attr('class', 'contour contour-delta').attr('d', (d) => d.d);
    f.plot.selectAll('text.corner').data(['a1', 'a2', 'a3']).join('text').attr('class', 'corner').attr('text-anchor', 'middle')
      .attr('x', (_, i) => x(tri[i][0]) + (i === 0 ? -8 : i === 1 ? 8 : 0)).attr('y', (_, i) => y(tri[i][1]) + (i === 2 ? -8 : 16)).text((d) => d);
    const paths = METHODS.map((m) => {
      const mm = r.methods[m.id];
      const upto = m.id === state.method ? this.k + 1 : mm.sx.length;
      return { ...m, pts: Array.from(mm.sx.slice(0, upto), (v, i) => [v, mm.sy[i]]), chosen: m.id === state.method };
    });
    const l = line().x((d) => x(d[0])).y((d) => y(d[1]));
    f.plot.selectAll('path.mpath').data(paths, (d) => d.id).join('path').attr('class', (d) => `mpath ${d.cls}${d.chosen ? ' chosen' : ''}`).attr('d', (d) => l(d.pts));
    const chosen = paths.find((d) => d.chosen);
    f.plot.selectAll('g.dots').data([0]).join('g').attr('class', 'dots').selectAll('circle').data(chosen.pts, (_, i) => i).join('circle')
      .attr('class', `mdot ${chosen.cls}`).attr('r', 2.2).attr('cx', (d) => x(d[0])).attr('cy', (d) => y(d[1]));
    const old = chosen.pts[Math.max(0, this.k - 1)];
    f.plot.selectAll('circle.old').data([0]).join('circle').attr('class', 'old').attr('r', 5).attr('cx', x(old[0])).attr('cy', y(old[1]));
    const cur = chosen.pts.at(-1);
    f.plot.selectAll('circle.cur').data([0]).join('circle').attr('class', `cur ${chosen.cls}`).attr('r', 5.5).attr('cx', x(cur[0])).attr('cy', y(cur[1]));
  }

  /** One trace per method as a table: a row per update. */
  traceCSV(key) {
    const cols = METHODS.map((m) => Array.from(this.r.methods[m.id][key]));
    return { columns: ['update', ...METHODS.map((m) => `${m.short} ${key === 'kl' ? 'KL(π_old‖π)' : 'true return J'}`)], rows: cols[0].map((_, i) => [i, ...cols.map((c) => c[i])]) };
  }

  drawTrace(f, key) {
    const { r, state } = this;
    const N = state.updates;
    const x = scaleLinear().domain([0, N]).range([0, f.innerWidth]);
    // Row 0 is the start: no update, no KL.
    const from = key === 'kl' ? 1 : 0;
    const all = METHODS.flatMap((m) => Array.from(r.methods[m.id][key]).slice(from));
    let y;
    let ticks;
    if (key === 'kl') {
      // KL on a log axis: PG's KL can be a hundred times δ, and δ and the methods
      // that keep to it must stay readable beside it. A KL of 0 sits on the floor.
      const lo = Math.min(state.delta / 10, min(all.filter((v) => v > 0)) ?? Infinity);
      const hi = Math.max(max(all) ?? 0, state.delta * 3);
      y = scaleLog().domain([Math.max(lo, state.delta / 1e4), hi]).range([f.innerHeight, 0]).clamp(true);
      ticks = decades(y.domain());
    } else {
      y = scaleLinear().domain([Math.min(r.worst, min(all)), Math.max(r.best, max(all))]).range([f.innerHeight, 0]).nice(4);
      if (y.domain()[1] <= y.domain()[0]) y.domain([y.domain()[0], y.domain()[0] + 1]);
      ticks = y.ticks(4);
    }
    axes(f, x, y, axisLeft(y).tickValues(ticks).tickFormat(fmt), axisBottom(x).ticks(Math.min(N, 6)).tickFormat(fmt));
    const ref = key === 'kl' ? { v: state.delta, text: 'δ' } : { v: r.best, text: 'best action’s μ' };
    f.plot.selectAll('line.delta').data([ref]).join('line').attr('class', 'delta').attr('x1', 0).attr('x2', f.innerWidth).attr('y1', (d) => y(d.v)).attr('y2', (d) => y(d.v));
    // The label sits where no method's line crosses it (TRPO hugs δ and climbs to the best μ):
    // each line sampled every 3 px, as drawn, straight between updates.
    const pts = METHODS.flatMap((m) => {
      const ys = Array.from(r.methods[m.id][key]).slice(from).map((v) => y(v));
      return ys.slice(1).flatMap((b, i) => {
        const a = ys[i];
        const n = Math.max(1, Math.ceil((x(i + from + 1) - x(i + from)) / 3));
        return Array.from({ length: n }, (_, j) => [x(i + from + j / n), a + ((b - a) * j) / n]);
      });
    });
    const yr = y(ref.v);
    // Above the line, or below it where the top is too near.
    const rows = yr < 16 ? [yr + 13] : [yr - 4, yr + 13];
    const spot = clearSpot([[f.innerWidth - 4, 'end'], [f.innerWidth / 2, 'middle'], [4, 'start']]
      .flatMap(([cx, anchor]) => rows.map((cy) => ({ x: cx, y: cy, anchor }))), ref.text, pts, { width: f.innerWidth });
    f.plot.selectAll('text.delta-label').data([ref]).join('text').attr('class', 'delta-label').attr('text-anchor', spot.anchor).attr('x', spot.x)
      .attr('y', spot.y).text((d) => d.text);
    const l = (arr) => line().x((_, i) => x(i + from)).y((v) => y(v))(Array.from(arr).slice(from));
    f.plot.selectAll('path.mline').data(METHODS, (d) => d.id).join('path').attr('class', (d) => `mline ${d.cls}${d.id === state.method ? ' chosen' : ''}`)
      .attr('d', (d) => l(r.methods[d.id][key]));
    f.plot.selectAll('line.now-line').data([this.k]).join('line').attr('class', 'now-line').attr('x1', (d) => x(d)).attr('x2', (d) => x(d)).attr('y1', 0).attr('y2', f.innerHeight);
  }

  drawGain(f) {
    const { r, state } = this;
    const N = state.updates;
    const m = r.methods[state.method];
    const x = scaleLinear().domain([0, N]).range([0, f.innerWidth]);
    const vals = [...Array.from(m.gain).slice(1), ...Array.from(m.trueGain).slice(1), 0];
    const y = scaleLinear().domain([min(vals), max(vals)]).range([f.innerHeight, 0]).nice(4);
    if (y.domain()[1] <= y.domain()[0]) y.domain([-1, 1]);
    axes(f, x, y, axisLeft(y).ticks(4).tickFormat(fmt), axisBottom(x).ticks(Math.min(N, 6)).tickFormat(fmt));
    f.plot.selectAll('line.zero').data([0]).join('line').attr('class', 'zero').attr('x1', 0).attr('x2', f.innerWidth).attr('y1', y(0)).attr('y2', y(0));
    const l = (arr) => line().x((_, i) => x(i + 1)).y((v) => y(v))(Array.from(arr).slice(1, this.k + 1));
    f.plot.selectAll('path.gline').data([['promised', m.gain], ['truth', m.trueGain]]).join('path').attr('class', (d) => `gline ${d[0]} ${METHODS.find((mm) => mm.id === state.method).cls}`)
      .attr('d', (d) => l(d[1]) ?? '');
    f.plot.selectAll('line.now-line').data([this.k]).join('line').attr('class', 'now-line').attr('x1', (d) => x(d)).attr('x2', (d) => x(d)).attr('y1', 0).attr('y2', f.innerHeight);
  }

  drawClip(f, sign) {
    const { r, state } = this;
    const c = r.clip;
    const plain = sign > 0 ? c.posPlain : c.negPlain;
    const clipped = sign > 0 ? c.posClipped : c.negClipped;
    const x = scaleLinear().domain([0, 2]).range([0, f.innerWidth]);
    const y = scaleLinear().domain([-2, 2]).range([f.innerHeight, 0]);
    f.plot.selectAll('rect.band').data([0]).join('rect').attr('class', 'band')
      .attr('x', x(1 - state.epsilon)).attr('width', x(1 + state.epsilon) - x(1 - state.epsilon)).attr('y', 0).attr('height', f.innerHeight);
    axes(f, x, y, axisLeft(y).ticks(4).tickFormat(fmt), axisBottom(x).ticks(4).tickFormat(fmt));
    f.plot.selectAll('text.axis-name').data([0]).join('text').attr('class', 'axis-unit axis-name').attr('text-anchor', 'end').attr('x', f.innerWidth).attr('y', f.innerHeight + 26).text('r');
    const pts = (arr) => Array.from(c.r, (v, i) => [v, arr[i]]);
    const l = line().x((d) => x(d[0])).y((d) => y(d[1]));
    f.plot.selectAll('path.clip-plain').data([pts(plain)]).join('path').attr('class', 'clip-plain').attr('d', l);
    f.plot.selectAll('path.clip-clipped').data([pts(clipped)]).join('path').attr('class', 'clip-clipped').attr('d', l);
    // Each action's current ratio, scaled to |A| = 1, on the clipped curve.
    const eps = state.epsilon;
    const adv = r.current.adv;
    const dots = range(r.n).filter((i) => (sign > 0 ? adv[i] > 0 : adv[i] < 0)).map((i) => {
      const rr = Math.min(2, r.current.ratio[i]);
      const cl = Math.min(1 + eps, Math.max(1 - eps, rr));
      return { i, r: rr, v: Math.min(rr * sign, cl * sign) };
    });
    f.plot.selectAll('g.rdots').data([0]).join('g').attr('class', 'rdots').selectAll('g').data(dots, (d) => d.i).join((e) => {
      const g = e.append('g');
      g.append('circle').attr('r', 4.5);
      g.append('text').attr('dy', -8).attr('text-anchor', 'middle');
      return g;
    }).attr('transform', (d) => `translate(${x(d.r)},${y(d.v)})`).select('text').text((d) => `a${d.i + 1}`);
  }

}

export default defineLab({
  id: 'trust-region',
  title: 'Trust regions',
  blurb: 'TRPO and PPO on a noisy bandit: KL between old and new policy, the δ constraint, the true return a big step costs',
  schema,
  check,
  View,
});
