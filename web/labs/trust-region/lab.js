// The trust-region lab: a softmax policy over 3–6 actions, an old policy and
// advantages the reader sets, and four ways to improve the policy while
// keeping KL(π_old‖π) in check — plain policy gradient, PPO-clip, PPO with an
// adaptive KL penalty and TRPO — stepped or played update by update. One call
// into Go (klplay.trustRegionLab) per update returns every method's path, the
// PPO-clip figure, the sampled KL and (with three actions) the KL contours.
import { scaleBand, scaleLinear, scaleLog } from 'd3-scale';
import { axisBottom, axisLeft } from 'd3-axis';
import { line, curveLinearClosed } from 'd3-shape';
import { contours } from 'd3-contour';
import { max, min, range } from 'd3-array';
import { format } from 'd3-format';
import { h } from '../../lib/dom.js';
import { LabView, defineLab, formula, labHead, presetChips, prose, sameValues, segmented, toolbar } from '../../lib/lab.js';
import { decades, hatch, swatch } from '../../lib/chart.js';
import { number } from '../../lib/format.js';
import { slider, transport, fieldSlider, intInput, bounds } from '../../lib/controls.js';
import { Player } from '../../lib/player.js';
import formulas from './formulas.tex';
import labInfo from '../../../core/session/labs/trust-region.json';

const { fields: schema } = labInfo;
const field = (name) => schema.find((f) => f.name === name);
const MIN_N = field('old').minLength;
const MAX_N = field('old').maxLength;
const ADVANCE_MS = 140; // while playing, one update per this many ms
const METHODS = [
  { id: 'pg', name: 'Policy gradient', short: 'PG', cls: 'm-pg' },
  { id: 'ppo-clip', name: 'PPO-clip', short: 'PPO-clip', cls: 'm-clip' },
  { id: 'ppo-kl', name: 'PPO, KL penalty', short: 'PPO-KL', cls: 'm-kl' },
  { id: 'trpo', name: 'TRPO', short: 'TRPO', cls: 'm-trpo' },
];
const PRESETS = [
  { label: 'Three actions', about: 'the simplex view', st: { old: [0.4, 0, -0.4], adv: [-0.5, 1, 0.3] } },
  { label: 'Rare good action', about: 'the best action is unlikely under π_old: ratios explode', st: { old: [1.5, 0, -1.5], adv: [0, -0.2, 1.5] } },
  { label: 'Five actions', about: 'no simplex, same story', st: { old: [0.5, 0.2, 0, -0.3, -0.6], adv: [0.2, -1, 0.8, 0.1, -0.4] } },
];

const fmt = format('~g');

/** Cross-field rules: the logits and the advantages name the same actions. */
function check(state) {
  if (state.old.length === state.adv.length) return { state, problems: [] };
  const n = state.old.length;
  const adv = range(n).map((i) => state.adv[i] ?? 0);
  return { state: { ...state, adv }, problems: [`adv had ${state.adv.length} entries for ${n} actions; padded or cut to ${n}`] };
}

class View extends LabView {
  constructor(el, ctx) {
    super(el, ctx);
    this.k = 0; // the update shown
    this.gridKey = null;
    const last = () => this.ctx.state().updates;
    this.player = new Player(el, {
      interval: ADVANCE_MS,
      start: () => { if (this.k >= last()) this.k = 0; },
      tick: () => { this.k = Math.min(last(), this.k + 1); this.ctx.refresh({}); },
      step: () => { this.k = Math.min(last(), this.k + 1); this.ctx.refresh({}); },
      reset: () => { this.k = 0; this.ctx.refresh({}); },
      reduced: () => { this.k = last(); this.ctx.refresh({}); },
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
    if (!Number.isFinite(n) || n === st.old.length) return;
    this.set({ old: range(n).map((i) => st.old[i] ?? 0), adv: range(n).map((i) => st.adv[i] ?? 0) });
  }

  // ---- DOM ------------------------------------------------------------------

  build() {
    const { el } = this;
    const { out } = this.readouts;

    this.presets = presetChips(PRESETS, (ps) => { this.player.pause(); this.k = 0; this.set({ old: [...ps.st.old], adv: [...ps.st.adv] }); });
    this.countInput = h('input', { type: 'number', id: 'tr-count', min: MIN_N, max: MAX_N, step: 1, inputmode: 'numeric', onchange: (e) => this.setCount(Number(e.target.value)) });
    this.methodChoice = segmented({ name: 'tr-method', legend: 'Method', group: 'method', cls: 'tr-methods', choose: (v) => this.set({ method: v }),
      options: METHODS.map((m) => ({ value: m.id, label: m.short })) });

    el.append(
      labHead('trust-region', 'Trust regions: TRPO and PPO', 'A policy picks one of a few actions. The advantages say which actions were better than expected; the surrogate L rewards moving probability towards them. But the surrogate is only trustworthy near the ',
          h('strong', { class: 'ink-p' }, 'old policy'), ', so each method keeps the ', h('strong', { class: 'ink-q' }, 'new policy'),
          ' close — by clipping ratios, by a KL penalty, or by a hard KL budget δ. Step through the updates and watch KL(π_old‖π).'),
      toolbar('tr', { presets: this.presets.buttons, settings: [h('div', { class: 'stepper', 'data-embed-group': 'count' },
            h('label', { for: 'tr-count', class: 'toolbar-label' }, 'Actions'),
            h('button', { type: 'button', class: 'step', 'aria-label': 'Fewer actions', onclick: () => this.setCount(this.ctx.state().old.length - 1) }, '−'),
            this.countInput,
            h('button', { type: 'button', class: 'step', 'aria-label': 'More actions', onclick: () => this.setCount(this.ctx.state().old.length + 1) }, '+'))] }),
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
          h('p', { class: 'legend' }, h('span', {}, swatch('p'), 'π_old'), h('span', {}, swatch('q'), 'π after the updates'))),
        h('div', { class: 'tr-method-row' },
          this.methodChoice.el),
        h('div', { class: 'tr-transport' }, this.transport.el, h('span', { class: 'small' }, 'update ', this.kOut, ' of ', this.nOut = h('span', {}, '20'))),
        this.barsHost,
        this.rowsHost),
      h('aside', { class: 'card readouts', 'aria-label': 'Readouts', 'data-embed-group': 'readouts' },
        h('div', { class: 'hero' },
          h('span', { class: 'hero-name', id: 'tr-ro-kl' }, 'KL(π_old‖π)'),
          h('span', { class: 'hero-value' }, out('kl', { 'aria-labelledby': 'tr-ro-kl' }), h('span', { class: 'unit' }, 'nats')),
          h('span', { class: 'hero-hint' }, 'against the budget δ = ', out('delta'))),
        this.statusNote,
        h('div', { class: 'readout-grid' },
          h('div', { class: 'readout' }, h('span', { class: 'readout-name' }, 'Surrogate gain'), h('span', { class: 'readout-value' }, out('gain')), h('span', { class: 'readout-hint' }, 'L(θ) − L(θ_old)')),
          h('div', { class: 'readout' }, h('span', { class: 'readout-name' }, 'Clipped gain'), h('span', { class: 'readout-value' }, out('clipObj')), h('span', { class: 'readout-hint' }, 'L^clip(θ) − L^clip(θ_old)')),
          this.betaRo = h('div', { class: 'readout' }, h('span', { class: 'readout-name' }, 'β (PPO-KL)'), h('span', { class: 'readout-value' }, out('beta')), h('span', { class: 'readout-hint' }, 'doubles above 1.5δ, halves below δ/1.5')),
          this.btRo = h('div', { class: 'readout' }, h('span', { class: 'readout-name' }, 'Line search'), h('span', { class: 'readout-value' }, out('backtracks')), h('span', { class: 'readout-hint' }, 'halvings in this TRPO update'))),
        h('div', { class: 'tr-settings' },
          (this.epsSlider = fieldSlider(field('epsilon'), { label: 'ε', step: 0.01, hint: 'PPO clip range', onInput: (v) => this.set({ epsilon: v }) })).el,
          (this.deltaSlider = fieldSlider(field('delta'), { log: true, label: 'δ', step: 0.01, hint: 'KL budget (log scale): TRPO’s bound, PPO-KL’s target', onInput: (v) => this.set({ delta: +(10 ** v).toPrecision(3) }) })).el,
          (this.lrSlider = fieldSlider(field('lr'), { log: true, label: 'step', step: 0.01, hint: 'learning rate of PG and both PPOs (log scale)', onInput: (v) => this.set({ lr: +(10 ** v).toPrecision(3) }) })).el,
          (this.updatesSlider = fieldSlider(field('updates'), { label: 'updates', step: 1, onInput: (v) => this.set({ updates: Math.round(v) }) })).el)),
    ));
    this.deltaSlider.box.setAttribute('aria-label', 'δ, log₁₀');
    this.lrSlider.box.setAttribute('aria-label', 'Step size, log₁₀');

    // Simplex and per-update traces.
    this.simplexHost = h('div', { class: 'chart-host tr-simplex-host' });
    this.simplexNote = h('p', { class: 'fig-note' }, '');
    this.gainHost = h('div', { class: 'chart-host small-chart' });
    this.klHost = h('div', { class: 'chart-host small-chart' });
    const methodLegend = () => h('p', { class: 'legend' }, METHODS.map((m) => h('span', {}, h('span', { class: `line-swatch ${m.cls}` }), m.short)));
    el.append(h('div', { class: 'grid grid-charts' },
      h('figure', { class: 'card tr-simplex' },
        h('figcaption', {}, h('h2', {}, 'The policy simplex'), methodLegend()),
        this.simplexHost, this.simplexNote),
      h('figure', { class: 'card tr-traces' },
        h('figcaption', {}, h('h2', {}, 'Per update'), methodLegend()),
        h('h3', {}, 'Surrogate gain L(θ) − L(θ_old)'), this.gainHost,
        h('h3', {}, 'KL(π_old‖π) against δ'), this.klHost),
    ));

    // PPO-clip figure and sampled KL.
    this.clipHosts = [h('div', { class: 'chart-host small-chart' }), h('div', { class: 'chart-host small-chart' })];
    const int = (name, id) => intInput(field(name), { id, cls: 'tr-int', current: () => this.ctx.state()[name], onValue: (v) => this.set({ [name]: v }) });
    this.samplesInput = int('samples', 'tr-samples');
    this.seedInput = int('seed', 'tr-seed');
    this.sampleBody = h('tbody');
    el.append(h('div', { class: 'grid grid-charts' },
      h('figure', { class: 'card tr-clip' },
        h('figcaption', {}, h('h2', {}, 'The PPO-clip objective of one action'),
          h('p', { class: 'legend' }, h('span', {}, h('span', { class: 'line-swatch clip-plain' }), 'r·A'), h('span', {}, h('span', { class: 'line-swatch clip-clipped' }), 'min(r·A, clip(r)·A)'), h('span', {}, swatch('band'), '[1 − ε, 1 + ε]'))),
        h('div', { class: 'tr-clip-pair' },
          h('div', {}, h('h3', {}, 'A > 0'), this.clipHosts[0]),
          h('div', {}, h('h3', {}, 'A < 0'), this.clipHosts[1])),
        h('p', { class: 'fig-note', 'data-embed': 'text' }, 'Dots: the current ratio r = π(a)/π_old(a) of each action with that sign of advantage. Where the curve is flat the gradient is zero: PPO stops pushing an action once its ratio has left the band in the direction its advantage wants.')),
      h('section', { class: 'card tr-sampled', 'aria-labelledby': 'tr-sampled-h', 'data-embed-group': 'sampled' },
        h('h2', { id: 'tr-sampled-h' }, 'Sampled KL'),
        h('p', { class: 'small' }, 'In practice KL(π_old‖π) is estimated from the actions the old policy took. Draw them, and compare Schulman’s estimators with the exact value.'),
        h('div', { class: 'settings tr-sample-settings' },
          h('label', { class: 'field', for: 'tr-samples' }, h('span', { class: 'toolbar-label' }, 'Actions drawn'), this.samplesInput),
          h('label', { class: 'field', for: 'tr-seed' }, h('span', { class: 'toolbar-label' }, 'Seed'), this.seedInput),
          h('button', { type: 'button', class: 'chip', onclick: () => this.set({ seed: (this.ctx.state().seed % 1000000) + 1 }) }, 'New draws')),
        h('div', { class: 'table-wrap' }, h('table', {},
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Estimator'), h('th', { scope: 'col' }, 'Estimate ± s.e.'), h('th', { scope: 'col' }, 'minus exact'))),
          this.sampleBody)),
        h('p', { class: 'small' }, 'k1 = −r, k2 = r²/2, k3 = (eʳ − 1) − r with r = log π(a)/π_old(a), a ~ π_old. k1 and k3 are unbiased; k3 is never negative and usually much quieter.'))));

    // Formulas and prose.
    el.append(h('div', { class: 'grid grid-mid' },
      h('section', { class: 'card formulas', 'aria-labelledby': 'tr-formulas-h', 'data-embed-group': 'formulas' },
        h('h2', { id: 'tr-formulas-h' }, 'The objectives'),
        formula(formulas.surrogate),
        formula(formulas.clip),
        formula(formulas.penalty),
        formula(formulas.trpo),
        formula(formulas.natural)),
      prose('tr', 'What you are looking at',
        'The surrogate L is built from data the old policy collected. It is an honest estimate of improvement only while the new policy stays close to the old one; follow its gradient too far (plain policy gradient with a large step) and the policy collapses onto one action, far outside any trust region.',
        'TRPO makes the closeness a hard rule: maximise L subject to KL(π_old‖π) ≤ δ. It steps along the natural gradient — the gradient measured in KL rather than in logits — sized so the quadratic estimate of KL equals δ; if the exact KL is over δ it halves the step until it fits, then bisects back out to the boundary. On the simplex its path hugs the δ contour.',
        'PPO gets most of the benefit with first-order steps. PPO-clip flattens the objective once a ratio leaves [1 − ε, 1 + ε], so the gradient vanishes there; a step so long that it would lower the clipped objective is halved. PPO-KL subtracts β·KL and tunes β after each update to aim for δ. Neither guarantees the bound; compare their KL traces with the dashed δ line.')));

    el.append(this.readouts.live);

    this.bars = this.frame(this.barsHost, { height: 210, margin: { top: 16, right: 8, bottom: 44, left: 40 }, label: 'Old and new policy probabilities per action, with advantages', draw: (f) => this.drawBars(f),
      csv: () => ({ columns: ['action', 'π_old', 'π', 'advantage'], rows: Array.from(this.r.oldPi, (v, i) => [`a${i + 1}`, v, this.r.current.pi[i], this.state.adv[i]]) }) });
    this.simplex = this.frame(this.simplexHost, { height: (w) => Math.round(Math.min(420, w * 0.87)), margin: { top: 22, right: 22, bottom: 26, left: 22 }, label: 'The probability simplex of three actions with contours of KL from the old policy and each method’s path', draw: (f) => this.drawSimplex(f),
      csv: () => ({ columns: ['method', 'update', 'simplex x', 'simplex y'], rows: this.r.n !== 3 ? [] : METHODS.flatMap((m) => Array.from(this.r.methods[m.id].sx, (x, i) => [m.short, i, x, this.r.methods[m.id].sy[i]])) }) });
    this.gainChart = this.frame(this.gainHost, { height: 160, margin: { top: 8, right: 10, bottom: 26, left: 46 }, label: 'Surrogate gain per update for each method', draw: (f) => this.drawTrace(f, 'gain'), csv: () => this.traceCSV('gain') });
    this.klChart = this.frame(this.klHost, { height: 160, margin: { top: 8, right: 10, bottom: 26, left: 46 }, label: 'KL from the old policy per update for each method, with δ', draw: (f) => this.drawTrace(f, 'kl'), csv: () => this.traceCSV('kl') });
    this.clipCharts = this.clipHosts.map((host, i) => this.frame(host, { height: 150, margin: { top: 8, right: 10, bottom: 28, left: 36 }, label: i === 0 ? 'Clipped objective against the ratio for a positive advantage' : 'Clipped objective against the ratio for a negative advantage', draw: (f) => this.drawClip(f, i === 0 ? 1 : -1),
      csv: () => { const c = this.r.clip; const [plain, clipped] = i === 0 ? [c.posPlain, c.posClipped] : [c.negPlain, c.negClipped]; return { columns: ['r', `r·A (A = ${i === 0 ? 1 : -1})`, 'min(r·A, clip(r)·A)'], rows: Array.from(c.r, (v, j) => [v, plain[j], clipped[j]]) }; } }));
    this.pat = { q: hatch(this.bars.defs, 'var(--q)') };
  }

  buildRows(n) {
    this.rows = range(n).map((i) => {
      const old = slider({ label: `logit ${i + 1}`, ...bounds(field('old')), step: 0.05, value: 0, onInput: (v) => { this.k = 0; this.setAt('old', i, v); } });
      const adv = slider({ label: `A${i + 1}`, ...bounds(field('adv')), step: 0.05, value: 0, onInput: (v) => { this.k = 0; this.setAt('adv', i, v); } });
      old.el.classList.add('tr-old');
      adv.el.classList.add('tr-adv');
      return { old, adv, el: h('div', { class: 'tr-row' }, h('span', { class: 'tr-row-name' }, `a${i + 1}`), old.el, adv.el) };
    });
    this.rowsHost.replaceChildren(h('p', { class: 'small' }, 'Set the old policy’s logits and each action’s advantage:'), ...this.rows.map((r) => r.el));
  }

  // ---- update ---------------------------------------------------------------

  update(state, info = {}) {
    const prev = this.state;
    if (prev && (prev.old !== state.old || prev.adv !== state.adv || prev.method !== state.method)) {
      if (!this.player.playing) this.k = 0;
    }
    this.k = Math.min(this.k, state.updates);
    // Play stops on the frame that draws the last update.
    if (this.k >= state.updates) this.player.pause();
    const n = state.old.length;
    const gridKey = `${state.old.join(',')}`;
    const wantGrid = n === 3 && gridKey !== this.gridKey;
    let r;
    try {
      r = this.ctx.klplay.trustRegionLab(state,
        { update: this.k, contours: wantGrid, grid: 61 });
    } catch (err) {
      this.player.pause();
      this.ctx.notify(`Those settings cannot be computed: ${err.message}. Back to the defaults.`);
      this.ctx.set(this.ctx.defaults());
      return;
    }
    this.r = r;
    if (r.grid) { this.grid = r.grid; this.gridKey = gridKey; this.contourCache = null; }
    this.state = state;
    void info;

    // Controls.
    if (!this.rows || this.rows.length !== n) this.buildRows(n);
    this.rows.forEach((row, i) => { row.old.set(state.old[i]); row.adv.set(state.adv[i]); });
    if (document.activeElement !== this.countInput) this.countInput.value = String(n);
    this.methodChoice.set(state.method);
    this.epsSlider.set(state.epsilon);
    this.deltaSlider.set(Math.log10(state.delta));
    if (document.activeElement !== this.deltaSlider.box) this.deltaSlider.box.value = String(state.delta);
    this.lrSlider.set(Math.log10(state.lr));
    if (document.activeElement !== this.lrSlider.box) this.lrSlider.box.value = String(state.lr);
    this.updatesSlider.set(state.updates);
    if (document.activeElement !== this.samplesInput) this.samplesInput.value = String(state.samples);
    if (document.activeElement !== this.seedInput) this.seedInput.value = String(state.seed);
    this.presets.mark((ps) => sameValues(ps.st.old, state.old) && sameValues(ps.st.adv, state.adv));

    // Readouts.
    const m = r.methods[state.method];
    const k = this.k;
    const values = { kl: m.kl[k], gain: m.gain[k], clipObj: m.clipObj[k], beta: m.beta[k], backtracks: m.backtracks[k], delta: state.delta, update: k };
    this.readouts.set(values, (v, key) => (key === 'backtracks' ? String(v) : number(v)));
    this.kOut.textContent = String(k);
    this.kOut.dataset.value = String(k);
    this.nOut.textContent = String(state.updates);
    this.betaRo.hidden = state.method !== 'ppo-kl';
    this.btRo.hidden = state.method !== 'trpo';
    const over = m.kl[k] > state.delta * (1 + 1e-9);
    this.el.querySelector('.hero').classList.toggle('is-inf', over);
    this.statusNote.hidden = k === 0;
    this.statusNote.className = `callout tr-status ${over ? 'callout-inf' : 'callout-eq'}`;
    this.statusNote.textContent = over
      ? `Outside the trust region: KL is ${number(m.kl[k] / state.delta, { digits: 2 })}× δ.`
      : `Inside the trust region (KL ≤ δ).`;
    this.fillSampled();

    for (const c of [this.bars, this.simplex, this.gainChart, this.klChart, ...this.clipCharts]) c.ready = true;
    this.bars.redraw();
    this.simplex.redraw();
    this.gainChart.redraw();
    this.klChart.redraw();
    for (const c of this.clipCharts) c.redraw();
    this.simplexNote.textContent = n === 3
      ? 'Each corner is a policy that always takes that action. Contours: KL(π_old‖π) = 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1; the bold one is δ. ● π_old; the paths are the four methods, the bold one is the chosen method up to this update.'
      : `With ${n} actions the policies live in a ${n - 1}-dimensional simplex; choose 3 actions to see it.`;
    if (prev !== null) this.readouts.announce();
  }

  fillSampled() {
    const s = this.r.sampled;
    const rows = ['k1', 'k2', 'k3'].map((e, i) => h('tr', { 'data-row': e },
      h('th', { scope: 'row' }, e),
      h('td', {}, h('output', { 'data-sampled': e, 'data-value': String(s.mean[i]) }, number(s.mean[i])), h('span', { class: 'err' }, ` ± ${number(s.stdErr[i], { digits: 3 })}`)),
      h('td', { class: 'num' }, number(s.mean[i] - s.exact))));
    rows.push(h('tr', { 'data-row': 'exact' }, h('th', { scope: 'row' }, 'exact'),
      h('td', {}, h('output', { 'data-sampled': 'exact', 'data-value': String(s.exact) }, number(s.exact))), h('td', {}, '')));
    this.sampleBody.replaceChildren(...rows);
  }

  speak() {
    const st = this.state;
    const m = this.r.methods[st.method];
    return `${METHODS.find((x) => x.id === st.method).name}, update ${this.k}: KL ${number(m.kl[this.k], { digits: 3 })} nats, budget ${number(st.delta, { digits: 3 })}; surrogate gain ${number(m.gain[this.k], { digits: 3 })}.`;
  }

  // ---- charts ---------------------------------------------------------------

  drawBars(f) {
    const { r, state } = this;
    const n = r.n;
    const x = scaleBand().domain(range(n)).range([0, f.innerWidth]).padding(0.25);
    const sub = scaleBand().domain(['p', 'q']).range([0, x.bandwidth()]).padding(0.08);
    const pi = r.current.pi;
    const y = scaleLinear().domain([0, Math.max(0.5, max(pi), max(r.oldPi))]).range([f.innerHeight, 0]).nice(4);
    f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid')
      .call(axisLeft(y).ticks(4).tickSize(-f.innerWidth).tickFormat(fmt)).call((g) => g.select('.domain').remove());
    f.plot.selectAll('g.axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${f.innerHeight})`)
      .call(axisBottom(x).tickFormat((i) => `a${i + 1}`));
    const data = [...range(n).map((i) => ({ s: 'p', i, v: r.oldPi[i] })), ...range(n).map((i) => ({ s: 'q', i, v: pi[i] }))];
    f.plot.selectAll('rect.bar').data(data, (d) => `${d.s}${d.i}`).join('rect').attr('class', (d) => `bar bar-${d.s}`)
      .attr('fill', (d) => (d.s === 'q' ? this.pat.q : null))
      .attr('x', (d) => x(d.i) + sub(d.s)).attr('width', sub.bandwidth()).attr('y', (d) => y(d.v)).attr('height', (d) => y(0) - y(d.v));
    f.plot.selectAll('text.value').data(data, (d) => `${d.s}${d.i}`).join('text').attr('class', (d) => `value value-${d.s}`).attr('text-anchor', 'middle')
      .attr('x', (d) => x(d.i) + sub(d.s) + sub.bandwidth() / 2).attr('y', (d) => y(d.v) - 4).text((d) => (sub.bandwidth() >= 26 ? number(d.v, { digits: 2 }) : ''));
    f.plot.selectAll('text.adv').data(range(n)).join('text').attr('class', (i) => `adv ${state.adv[i] >= 0 ? 'adv-pos' : 'adv-neg'}`).attr('text-anchor', 'middle')
      .attr('x', (i) => x(i) + x.bandwidth() / 2).attr('y', f.innerHeight + 34).text((i) => `A = ${fmt(+state.adv[i].toFixed(2))}`);
  }

  contourSet(f, x, y) {
    const g = this.grid;
    const key = `${f.innerWidth}|${f.innerHeight}|${this.state.delta}`;
    if (this.contourCache?.key === key) return this.contourCache.paths;
    const levels = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1];
    const ths = [...new Set([...levels, this.state.delta])].sort((a, b) => a - b);
    const polys = contours().size([g.nx, g.ny]).thresholds(ths)(Array.from(g.values));
    // d3-contour puts grid value (i, j) at (i + ½, j + ½); the value was sampled at the
    // triangle's point (i/(nx−1), (√3/2)(1 − j/(ny−1))).
    const sx = (u) => x((u - 0.5) / (g.nx - 1));
    const sy = (v) => y((Math.sqrt(3) / 2) * (1 - (v - 0.5) / (g.ny - 1)));
    const ring = line().x((d) => sx(d[0])).y((d) => sy(d[1])).curve(curveLinearClosed);
    const paths = polys.map((p) => ({ value: p.value, d: p.coordinates.flatMap((poly) => poly.map((rg) => ring(rg))).join(''), delta: p.value === this.state.delta }));
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
      .selectAll('path').data(cs, (d) => d.value).join('path').attr('class', (d) => `contour${d.delta ? ' contour-delta' : ''}`).attr('d', (d) => d.d);
    f.plot.selectAll('text.corner').data(['a1', 'a2', 'a3']).join('text').attr('class', 'corner').attr('text-anchor', 'middle')
      .attr('x', (_, i) => x(tri[i][0]) + (i === 0 ? -8 : i === 1 ? 8 : 0)).attr('y', (_, i) => y(tri[i][1]) + (i === 2 ? -8 : 16)).text((d) => d);
    const paths = METHODS.map((m) => {
      const mm = r.methods[m.id];
      const upto = m.id === state.method ? this.k + 1 : mm.sx.length;
      return { ...m, pts: Array.from(mm.sx.slice(0, upto), (v, i) => [v, mm.sy[i]]), chosen: m.id === state.method };
    });
    const l = line().x((d) => x(d[0])).y((d) => y(d[1]));
    f.plot.selectAll('path.mpath').data(paths, (d) => d.id).join('path').attr('class', (d) => `mpath ${d.cls}${d.chosen ? ' chosen' : ''}`).attr('d', (d) => l(d.pts));
    f.plot.selectAll('g.dots').data([0]).join('g').attr('class', 'dots').selectAll('circle').data(paths.filter((d) => d.chosen)[0].pts, (_, i) => i).join('circle')
      .attr('class', `mdot ${METHODS.find((m) => m.id === state.method).cls}`).attr('r', 2.2).attr('cx', (d) => x(d[0])).attr('cy', (d) => y(d[1]));
    const [ox, oy] = [r.methods.pg.sx[0], r.methods.pg.sy[0]];
    f.plot.selectAll('circle.old').data([0]).join('circle').attr('class', 'old').attr('r', 5).attr('cx', x(ox)).attr('cy', y(oy));
    const cur = paths.find((d) => d.chosen).pts.at(-1);
    f.plot.selectAll('circle.cur').data([0]).join('circle').attr('class', `cur ${METHODS.find((m) => m.id === state.method).cls}`).attr('r', 5.5).attr('cx', x(cur[0])).attr('cy', y(cur[1]));
  }

  /** One trace per method as a table: a row per update. */
  traceCSV(key) {
    const cols = METHODS.map((m) => Array.from(this.r.methods[m.id][key]));
    return { columns: ['update', ...METHODS.map((m) => `${m.short} ${key === 'kl' ? 'KL(π_old‖π)' : 'surrogate gain'}`)], rows: cols[0].map((_, i) => [i, ...cols.map((c) => c[i])]) };
  }

  drawTrace(f, key) {
    const { r, state } = this;
    const N = state.updates;
    const x = scaleLinear().domain([0, N]).range([0, f.innerWidth]);
    const all = METHODS.flatMap((m) => Array.from(r.methods[m.id][key]));
    let y;
    let ticks;
    if (key === 'kl') {
      // KL on a log axis: PG's KL can be a hundred times δ, and δ and the methods
      // that keep to it must stay readable beside it. A KL of 0 (the first update) sits on the floor.
      const lo = Math.min(state.delta / 10, min(all.filter((v) => v > 0)) ?? Infinity);
      const hi = Math.max(max(all), state.delta * 3);
      y = scaleLog().domain([lo, hi]).range([f.innerHeight, 0]).clamp(true);
      ticks = decades(y.domain());
    } else {
      const lo = Math.min(0, min(all));
      const hi = max(all);
      y = scaleLinear().domain([lo, hi > lo ? hi : lo + 1]).range([f.innerHeight, 0]).nice(4);
      ticks = y.ticks(4);
    }
    f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid')
      .call(axisLeft(y).tickValues(ticks).tickSize(-f.innerWidth).tickFormat(fmt)).call((g) => g.select('.domain').remove());
    f.plot.selectAll('g.axis').data([0]).join('g').attr('class', 'axis').attr('transform', `translate(0,${f.innerHeight})`)
      .call(axisBottom(x).ticks(Math.min(N, 6)).tickFormat(fmt));
    if (key === 'kl') {
      f.plot.selectAll('line.delta').data([state.delta]).join('line').attr('class', 'delta').attr('x1', 0).attr('x2', f.innerWidth).attr('y1', (d) => y(d)).attr('y2', (d) => y(d));
      f.plot.selectAll('text.delta-label').data([state.delta]).join('text').attr('class', 'delta-label').attr('x', 4).attr('y', (d) => y(d) - 4).text('δ');
    }
    const l = (arr) => line().x((_, i) => x(i)).y((v) => y(v))(Array.from(arr));
    f.plot.selectAll('path.mline').data(METHODS, (d) => d.id).join('path').attr('class', (d) => `mline ${d.cls}${d.id === state.method ? ' chosen' : ''}`)
      .attr('d', (d) => l(r.methods[d.id][key]));
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
    f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid')
      .call(axisLeft(y).ticks(4).tickSize(-f.innerWidth).tickFormat(fmt)).call((g) => g.select('.domain').remove());
    f.plot.selectAll('g.axis').data([0]).join('g').attr('class', 'axis').attr('transform', `translate(0,${f.innerHeight})`)
      .call(axisBottom(x).ticks(4).tickFormat(fmt));
    f.plot.selectAll('text.axis-name').data([0]).join('text').attr('class', 'axis-unit axis-name').attr('text-anchor', 'end').attr('x', f.innerWidth).attr('y', f.innerHeight + 26).text('r');
    const pts = (arr) => Array.from(c.r, (v, i) => [v, arr[i]]);
    const l = line().x((d) => x(d[0])).y((d) => y(d[1]));
    f.plot.selectAll('path.clip-plain').data([pts(plain)]).join('path').attr('class', 'clip-plain').attr('d', l);
    f.plot.selectAll('path.clip-clipped').data([pts(clipped)]).join('path').attr('class', 'clip-clipped').attr('d', l);
    // Each action's current ratio, scaled to |A| = 1, on the clipped curve.
    const eps = state.epsilon;
    const dots = range(r.n).filter((i) => (sign > 0 ? state.adv[i] > 0 : state.adv[i] < 0)).map((i) => {
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
  blurb: 'TRPO and PPO: KL between old and new policy, the δ constraint, the clip band, sampled KL',
  schema,
  check,
  View,
});
