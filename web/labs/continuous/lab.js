// The Continuous lab: two distributions of any family (densities, or both mass
// functions), edited with sliders, typed values and handles on the curves; the
// signed integrand p log(p/q); KL both ways with the method behind each number;
// and a three-way check (closed form, quadrature, Monte Carlo k1/k2/k3). One
// call into Go (klplay.continuousLab) per update; the Monte Carlo part of that
// call runs only when P, Q, the sample count or the seed changed, after the
// reader stops dragging (CHECK_DELAY ms of quiet).
import { scaleLinear, scaleLog } from 'd3-scale';
import { axisBottom, axisLeft } from 'd3-axis';
import { area, line, curveLinear, symbol, symbolDiamond } from 'd3-shape';
import { drag } from 'd3-drag';
import { max } from 'd3-array';
import { format } from 'd3-format';
import { h, debounce, setText } from '../../lib/dom.js';
import { LabView, defineLab, formula, labHead, presetChips, prose, sameValues, segmented, toolbar } from '../../lib/lab.js';
import { handles, hatch, once, swatch } from '../../lib/chart.js';
import { number } from '../../lib/format.js';
import { slider, intInput } from '../../lib/controls.js';
import { FAMILIES, MAX_COMPONENTS, paramInfo, problem, fromMoments, hasScale } from './families.js';
import formulas from './formulas.tex';
import labInfo from '../../../core/session/labs/continuous.json';

const { fields: schema } = labInfo;
const field = (name) => schema.find((f) => f.name === name);
const CHECK_DELAY = 250;
const EST = [
  { key: 'k1', color: 'var(--k1)', dash: null, about: 'unbiased, noisy; single draws can be negative' },
  { key: 'k2', color: 'var(--k2)', dash: '6 3', about: 'biased, quiet when Q is close to P' },
  { key: 'k3', color: 'var(--k3)', dash: '2 2', about: 'unbiased only if Q has no mass where P has none; quiet when Q is close to P' },
];

/** k3's bias E[k3] − KL when Q puts mass where P has none (check.qMassOutside > 0), else null (also while the bridge omits the fields). */
function k3Offset(c) {
  if (!c || !(c.qMassOutside > 0) || !Number.isFinite(c.k3Expected) || !Number.isFinite(c.reference)) return null;
  return c.k3Expected - c.reference;
}

const PRESETS = [
  { label: 'Close normals', pFamily: 'normal', p: [0, 1], qFamily: 'normal', q: [0.5, 1.1], about: 'k3 beats k1 here' },
  { label: 'Wide Q', pFamily: 'normal', p: [0, 1], qFamily: 'normal', q: [1, 1.5], about: 'Q wider than √2·P: k3 has infinite variance' },
  { label: 'Two modes vs one', pFamily: 'mixture', p: [0.5, -2, 0.6, 0.5, 2, 0.6], qFamily: 'normal', q: [0, 2.2], about: 'no closed form: quadrature' },
  { label: 'Support mismatch', pFamily: 'normal', p: [1, 1], qFamily: 'exponential', q: [1], about: 'q = 0 < p for x < 0' },
  { label: 'Uniform in uniform', pFamily: 'uniform', p: [0, 1], qFamily: 'uniform', q: [-1, 2], about: 'KL(P‖Q) = log 3, KL(Q‖P) = ∞' },
  { label: 'Gamma vs log-normal', pFamily: 'gamma', p: [3, 1.5], qFamily: 'lognormal', q: [0.6, 0.5], about: 'a cross-family pair' },
  { label: 'Poisson', pFamily: 'poisson', p: [3], qFamily: 'poisson', q: [5], about: 'mass functions: sums, not integrals' },
];

const SIDES = [
  { s: 'p', name: 'P', fam: 'pFamily' },
  { s: 'q', name: 'Q', fam: 'qFamily' },
];

/** Cross-field rules: each side's parameters suit its family; P and Q are of one kind. */
function check(state) {
  const problems = [];
  const st = { ...state };
  for (const { s, name, fam } of SIDES) {
    const why = problem(st[fam], st[s]);
    if (why) {
      problems.push(`${name} ${why}; using the ${st[fam]} defaults`);
      st[s] = [...FAMILIES[st[fam]].def];
    }
  }
  if (Boolean(FAMILIES[st.pFamily].discrete) !== Boolean(FAMILIES[st.qFamily].discrete)) {
    problems.push('P and Q must both be densities or both mass functions; Q now matches P');
    st.qFamily = st.pFamily;
    st.q = [...FAMILIES[st.pFamily].def];
  }
  return { state: st, problems };
}

const fmtTick = format('~g');
const methodName = { 'closed-form': 'closed form', quadrature: 'quadrature', series: 'series', 'monte-carlo': 'Monte Carlo' };

class View extends LabView {
  constructor(el, ctx) {
    super(el, ctx);
    this.check = null;
    this.checkKey = null;
    this.dragging = null;
    this.domain = null;
    this.yTop = 0;
    this.requestCheck = debounce(() => this.ctx.refresh({ check: true }), CHECK_DELAY);
    this.build();
  }

  // ---- state changes ------------------------------------------------------

  setParam(s, i, v) {
    const st = this.ctx.state();
    const next = [...st[s]];
    next[i] = v;
    const fam = st[`${s}Family`];
    if (fam === 'uniform') { // keep min < max by moving the other end
      if (i === 0 && next[1] <= v) next[1] = Math.min(10, v + 0.01);
      if (i === 1 && next[0] >= v) next[0] = Math.max(-10, v - 0.01);
    }
    if (problem(fam, next)) return;
    this.set({ [s]: next });
  }

  setFamily(s, fam) {
    const st = this.ctx.state();
    const patch = { [`${s}Family`]: fam, [s]: [...FAMILIES[fam].def] };
    const other = s === 'p' ? 'q' : 'p';
    if (Boolean(FAMILIES[fam].discrete) !== Boolean(FAMILIES[st[`${other}Family`]].discrete)) {
      patch[`${other}Family`] = fam;
      const d = [...FAMILIES[fam].def];
      if (d.length === 1) d[0] = fam === 'bernoulli' ? 0.6 : d[0] + 2;
      patch[other] = d;
      this.ctx.notify(`${s === 'p' ? 'Q' : 'P'} switched to ${FAMILIES[fam].label.toLowerCase()} too: KL compares two densities or two mass functions, never one of each.`);
    }
    this.set(patch, { animate: true });
  }

  addComponent(s) {
    const st = this.ctx.state();
    if (st[s].length >= 3 * MAX_COMPONENTS) return;
    const last = st[s].slice(-3);
    this.set({ [s]: [...st[s], last[0], Math.min(10, last[1] + 1.5), last[2]] });
  }

  removeComponent(s, k) {
    const st = this.ctx.state();
    if (st[s].length <= 3) return;
    const next = [...st[s]];
    next.splice(3 * k, 3);
    if (problem('mixture', next)) next[0] = 1;
    this.set({ [s]: next });
  }

  // ---- DOM ------------------------------------------------------------------

  build() {
    const { el } = this;
    const { out } = this.readouts;
    this.unitSpans = [];
    const unitSpan = () => { const u = h('span', { class: 'unit' }, 'nats'); this.unitSpans.push(u); return u; };
    this.methodSpans = {};
    const method = (key) => (this.methodSpans[key] = h('span', { class: 'method', 'data-method': key }, ''));

    this.presets = presetChips(PRESETS, (ps) => this.set({ pFamily: ps.pFamily, p: [...ps.p], qFamily: ps.qFamily, q: [...ps.q] }, { animate: true }));
    this.unitChoice = segmented({ name: 'cont-unit', legend: 'Units', group: 'unit', choose: (u) => this.set({ unit: u }), options: [{ value: 'nats' }, { value: 'bits' }] });

    el.append(
      labHead('continuous', 'Continuous', 'KL for densities: ', h('strong', { class: 'ink-p' }, 'P'), ' and ', h('strong', { class: 'ink-q' }, 'Q'),
          ' are curves now, and the sum becomes an integral. Pick a family for each, drag the handles on the curves (● moves the mean, ◆ the spread), or use the sliders; then check the number three ways.'),
      toolbar('cont', { presets: this.presets.buttons, settings: [this.unitChoice.el,
        h('button', { type: 'button', class: 'chip', 'data-embed-group': 'swap', onclick: () => { const st = this.ctx.state(); this.set({ pFamily: st.qFamily, p: st.q, qFamily: st.pFamily, q: st.p }, { animate: true }); } }, 'Swap P ⇄ Q')] }),
    );

    // Densities + integrand, and the readouts.
    this.densHost = h('div', { class: 'chart-host' });
    this.intHost = h('div', { class: 'chart-host' });
    this.infNote = h('div', { class: 'callout callout-inf', hidden: true });
    this.dirChoice = segmented({ name: 'cont-dir', legend: 'Which integrand', cls: 'small-seg', hideLegend: true, choose: (v) => this.set({ integrand: v }),
      options: [{ value: 'forward', label: 'p log(p/q) — KL(P‖Q)' }, { value: 'reverse', label: 'q log(q/p) — KL(Q‖P)' }] });
    const ro = (key, name, hint) => h('div', { class: 'readout' },
      h('span', { class: 'readout-name', id: `cont-ro-${key}` }, name),
      h('span', { class: 'readout-value' }, out(key, { 'aria-labelledby': `cont-ro-${key}` }), unitSpan()),
      h('span', { class: 'readout-hint' }, hint, ' · ', method(key)));

    el.append(h('div', { class: 'grid grid-top' },
      h('figure', { class: 'card fig-dens' },
        h('figcaption', {}, h('h2', {}, 'Densities'),
          h('p', { class: 'legend' }, h('span', {}, swatch('p'), 'p(x)'), h('span', {}, swatch('q'), 'q(x)'), h('span', {}, swatch('mismatch'), 'q = 0 < p'))),
        this.densHost,
        h('figcaption', { class: 'sub-caption' },
          h('h2', {}, 'The integrand'),
          this.dirChoice.el),
        this.intHost,
        h('p', { class: 'fig-note', 'data-embed': 'hint' }, 'Green area counts towards KL, orange (hatched) against it; the net area is the divergence, never negative. Drag ● or ◆ sideways; keyboard: Tab to a handle, then ← →.')),
      h('aside', { class: 'card readouts', 'aria-label': 'Readouts', 'data-embed-group': 'readouts' },
        h('div', { class: 'hero' },
          h('span', { class: 'hero-name', id: 'cont-ro-kl' }, 'KL(P‖Q)'),
          h('span', { class: 'hero-value' }, out('kl', { 'aria-labelledby': 'cont-ro-kl' }), unitSpan()),
          h('span', { class: 'hero-hint' }, 'by ', method('kl'))),
        this.infNote,
        h('div', { class: 'readout-grid' },
          ro('reverseKL', 'KL(Q‖P)', 'the other direction'),
          ro('crossEntropy', 'H(P, Q)', 'cross-entropy'),
          ro('entropyP', 'H(P)', 'entropy of P'),
          ro('entropyQ', 'H(Q)', 'entropy of Q'),
          ro('reverseCrossEntropy', 'H(Q, P)', 'cross-entropy')),
        h('p', { class: 'small' }, 'Differential entropies can be negative (a narrow density); KL never is.')),
    ));

    // Parameters.
    this.sideHosts = {};
    const paramCards = SIDES.map(({ s, name }) => {
      const select = h('select', { id: `cont-${s}-family`, onchange: (e) => this.setFamily(s, e.target.value) },
        Object.entries(FAMILIES).map(([k, f]) => h('option', { value: k }, f.label)));
      const host = h('div', { class: 'params' });
      this.sideHosts[s] = { select, host, key: null, sliders: [] };
      return h('section', { class: `card side side-${s}`, 'aria-labelledby': `cont-${s}-h` },
        h('div', { class: 'side-head' },
          h('h2', { id: `cont-${s}-h` }, h('span', { class: `ink-${s}` }, name)),
          h('label', { for: select.id, class: 'sr-only' }, `Family of ${name}`), select),
        host);
    });
    el.append(h('div', { class: 'grid grid-mid', 'data-embed-group': 'parameters' }, paramCards));

    // The three-way check.
    const int = (name, id) => intInput(field(name), { id, current: () => this.ctx.state()[name], onValue: (v) => this.set({ [name]: v }) });
    this.samplesInput = int('samples', 'cont-samples');
    this.seedInput = int('seed', 'cont-seed');
    this.checkStatus = h('span', { class: 'check-status', 'aria-live': 'polite' }, '');
    this.checkBody = h('tbody');
    this.biasHost = h('div', { class: 'chart-host small-chart' });
    this.spreadHost = h('div', { class: 'chart-host small-chart' });
    el.append(h('section', { class: 'card check', 'aria-labelledby': 'cont-check-h', 'data-embed-group': 'check' },
      h('div', { class: 'check-head' },
        h('h2', { id: 'cont-check-h' }, 'Check it three ways'),
        h('div', { class: 'settings' },
          h('label', { class: 'field' }, h('span', { class: 'toolbar-label' }, 'Samples'), this.samplesInput),
          h('label', { class: 'field' }, h('span', { class: 'toolbar-label' }, 'Seed'), this.seedInput),
          h('button', { type: 'button', class: 'chip', onclick: () => this.set({ seed: (this.ctx.state().seed % 1000000) + 1 }) }, 'New seed'),
          this.checkStatus)),
      h('div', { class: 'grid grid-check' },
        h('div', { class: 'table-wrap' },
          h('table', { class: 'check-table' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Method'), h('th', { scope: 'col' }, 'KL(P‖Q) ± error'), h('th', { scope: 'col' }, 'minus reference'))),
            this.checkBody),
          this.k3Note = h('p', { class: 'callout k3-note', hidden: true }, ''),
          h('p', { class: 'small' }, 'Monte Carlo draws x ~ P with the seed above; the three estimators share the draws. The Monte Carlo part is recomputed only when P, Q, the sample count or the seed change, a moment after you stop dragging.')),
        h('figure', { class: 'bias-figs' },
          h('figcaption', {}, h('h3', {}, 'Bias and spread as samples grow'),
            h('p', { class: 'legend' }, EST.map((e) => h('span', {}, h('span', { class: `est-swatch est-${e.key}` }), e.key, ' ', h('span', { class: 'muted', 'data-about': e.key }, e.about))))),
          h('div', { class: 'bias-pair' }, this.biasHost, this.spreadHost),
          this.seriesNote = h('p', { class: 'fig-note' }, '')))));

    // Formulas and prose.
    el.append(h('div', { class: 'grid grid-mid' },
      h('section', { class: 'card formulas', 'aria-labelledby': 'cont-formulas-h', 'data-embed-group': 'formulas' },
        h('h2', { id: 'cont-formulas-h' }, 'The formulas, live'),
        formula(formulas.kl, h('p', { class: 'formula-value' }, '= ', out('kl'), ' ', unitSpan())),
        formula(formulas.cross, h('p', { class: 'formula-value identity' }, out('crossEntropy'), ' = ', out('entropyP'), ' + ', out('kl'), ' ', unitSpan())),
        formula(formulas.estimators)),
      prose('cont', 'What you are looking at',
        'For densities, KL(P‖Q) is the area under p(x) log(p(x)/q(x)). Where Q is denser than P the integrand dips below zero, but the total never does. Where Q is exactly zero and P is not, the integrand is infinite, and so is KL — move the exponential’s support under a normal and watch.',
        'Some pairs have a closed form; others need numerical integration (quadrature); mass functions are sums (series). Each number says which. Sampling gives a third opinion, from draws x ~ P and r = log(q(x)/p(x)): k1 averages −r and is unbiased but noisy (a single draw can be negative); k2 averages ½r², which is never negative and is calm when Q is close to P, but it estimates a different quantity that matches KL only to second order, so its bias stays as n grows; k3 adds e^r − 1 = q/p − 1, whose mean under P is Q’s mass on P’s support minus 1. That is zero when Q puts no mass where P has none, and then k3 is unbiased and, when Q is close to P, much calmer than k1.',
        'Try “Uniform in uniform”: Q spreads over three times P’s width, so two thirds of Q’s mass lies where P has none. No draw from P ever lands there, and k3 averages log 3 − 2/3 ≈ 0.432 instead of KL = log 3 ≈ 1.099 — biased by −2/3 at every sample size. Whenever Q has mass outside P’s support, k3 is low by exactly that mass; the check above says so and marks it on the bias chart.',
        'Now try “Wide Q”. When a normal Q is more than √2 times wider than a normal P, q/p explodes in the tails and k3’s variance is infinite — its error bar stops shrinking like 1/√n.')));

    el.append(this.readouts.live);

    const dh = (w) => Math.round(Math.max(220, Math.min(320, w * 0.45)));
    this.dens = this.frame(this.densHost, { height: dh, margin: { top: 14, right: 12, bottom: 28, left: 44 }, role: 'group', label: 'Densities of P and Q with draggable handles', draw: (f, info) => this.drawDens(f, info),
      csv: () => ({ columns: ['x', 'p(x)', 'q(x)'], rows: Array.from(this.r.xs, (x, i) => [x, this.r.p[i], this.r.q[i]]) }) });
    this.int = this.frame(this.intHost, { height: 170, margin: { top: 16, right: 12, bottom: 28, left: 44 }, label: 'The integrand p log(p/q)', draw: (f) => this.drawInt(f),
      csv: () => { const rev = this.state.integrand === 'reverse'; const v = rev ? this.r.reverseIntegrand : this.r.integrand; return { columns: ['x', `${rev ? 'q log(q/p)' : 'p log(p/q)'} (${this.state.unit})`], rows: Array.from(this.r.xs, (x, i) => [x, v[i]]) }; } });
    this.bias = this.frame(this.biasHost, { height: 190, margin: { top: 22, right: 10, bottom: 30, left: 50 }, label: 'Bias of k1, k2, k3 against the number of samples', draw: (f) => this.drawSeries(f, 'bias'), csv: () => this.seriesCSV('bias') });
    this.spread = this.frame(this.spreadHost, { height: 190, margin: { top: 22, right: 10, bottom: 30, left: 50 }, label: 'Standard deviation of k1, k2, k3 against the number of samples', draw: (f) => this.drawSeries(f, 'spread'), csv: () => this.seriesCSV('spread') });
    this.pat = {
      mismatch: hatch(this.dens.defs, 'var(--q)', { opacity: 0.5 }),
      mismatchInt: hatch(this.int.defs, 'var(--q)', { opacity: 0.5 }),
      rmismatch: hatch(this.dens.defs, 'var(--p)', { opacity: 0.35 }),
      neg: hatch(this.int.defs, 'var(--neg)', { opacity: 0.9 }),
    };
  }

  /** The slider rows of one side; rebuilt only when the family or the component count changes. */
  buildParams(s, st) {
    const side = this.sideHosts[s];
    const fam = st[`${s}Family`];
    const params = st[s];
    const key = `${fam}|${params.length}`;
    if (side.key !== key) {
      side.key = key;
      side.sliders = [];
      const rows = [];
      const make = (i, label) => {
        const info = paramInfo(fam, i);
        const sl = slider({ label, min: info.min, max: info.max, step: info.step, value: params[i], onInput: (v) => this.setParam(s, i, v) });
        sl.el.dataset.param = String(i);
        side.sliders[i] = sl;
        return sl.el;
      };
      if (fam === 'mixture') {
        const k = params.length / 3;
        for (let c = 0; c < k; c++) {
          rows.push(h('div', { class: 'component' },
            h('div', { class: 'component-head' }, h('span', {}, `Component ${c + 1}`),
              k > 1 ? h('button', { type: 'button', class: 'chip mini', 'aria-label': `Remove component ${c + 1} of ${s.toUpperCase()}`, onclick: () => this.removeComponent(s, c) }, 'Remove') : null),
            make(3 * c, `w${sub(c)}`), make(3 * c + 1, `μ${sub(c)}`), make(3 * c + 2, `σ${sub(c)}`)));
        }
        if (k < MAX_COMPONENTS) rows.push(h('button', { type: 'button', class: 'chip', onclick: () => this.addComponent(s) }, '+ Add a component'));
        rows.push(h('p', { class: 'small' }, 'Weights are relative: they are divided by their sum.'));
      } else {
        FAMILIES[fam].params.forEach((pi, i) => rows.push(make(i, pi.name)));
      }
      side.host.replaceChildren(...rows);
    }
    if (side.select.value !== fam) side.select.value = fam;
    side.sliders.forEach((sl, i) => sl.set(params[i]));
  }

  // ---- update ---------------------------------------------------------------

  update(state, info = {}) {
    const prev = this.state;
    this.state = state;
    const key = JSON.stringify([state.pFamily, state.p, state.qFamily, state.q, state.unit, state.samples, state.seed]);
    const wantCheck = key !== this.checkKey && !this.dragging && (info.check || this.checkKey === null);
    const view = this.dragging && this.domain ? { lo: this.domain[0], hi: this.domain[1], check: false } : { check: wantCheck };
    let r;
    try {
      r = this.ctx.klplay.continuousLab(state, view);
    } catch (err) {
      this.ctx.notify(`Those settings cannot be computed: ${err.message}. Back to the defaults.`);
      this.ctx.set(this.ctx.defaults());
      return;
    }
    this.r = r;
    if (!this.dragging) this.domain = [r.lo, r.hi];
    if (r.check) { this.check = r.check; this.checkKey = key; }
    const stale = key !== this.checkKey;
    if (stale && !this.dragging) this.requestCheck();
    this.checkStatus.textContent = stale ? 'updating…' : '';
    this.el.querySelector('.check').classList.toggle('is-stale', stale);

    // Controls.
    this.unitChoice.set(state.unit);
    this.dirChoice.set(state.integrand);
    for (const u of this.unitSpans) setText(u, state.unit);
    if (document.activeElement !== this.samplesInput) this.samplesInput.value = String(state.samples);
    if (document.activeElement !== this.seedInput) this.seedInput.value = String(state.seed);
    for (const { s } of SIDES) this.buildParams(s, state);
    this.presets.mark((ps) => ps.pFamily === state.pFamily && ps.qFamily === state.qFamily && sameValues(ps.p, state.p) && sameValues(ps.q, state.q));

    // Readouts.
    this.readouts.set((key) => r[key].value);
    for (const [k, span] of Object.entries(this.methodSpans)) {
      const res = r[k];
      span.textContent = `${methodName[res.method] ?? res.method}${res.errorEstimate > 0 ? ` ±${number(res.errorEstimate, { digits: 2 })}` : ''}`;
    }
    this.el.querySelector('.hero').classList.toggle('is-inf', r.kl.value === Infinity);
    this.explainInfinity();

    this.dens.ready = this.int.ready = this.bias.ready = this.spread.ready = true;
    const animate = Boolean(info.animate) && prev !== null;
    this.dens.redraw({ animate });
    this.int.redraw({});
    if (r.check || prev === null) { this.fillCheck(); this.bias.redraw(); this.spread.redraw(); }
    if (prev !== null) this.readouts.announce();
  }

  explainInfinity() {
    const { r } = this;
    const parts = [];
    const where = (m) => {
      const xs = [];
      for (let i = 0; i < m.length; i += 2) xs.push(`[${fmtTick(+m[i].toPrecision(3))}, ${fmtTick(+m[i + 1].toPrecision(3))}]`);
      return xs.join(' and ');
    };
    if (r.kl.value === Infinity) {
      parts.push(h('p', {}, h('strong', {}, 'KL(P‖Q) = ∞. '),
        r.mismatch.length ? `On ${where(r.mismatch)} (hatched), Q gives zero density where P does not. ` : 'Q’s support does not cover P’s. ',
        'Every sample from P that lands there has log(p/q) = ∞: a model that rules out what happens is infinitely surprised.'));
    }
    if (r.reverseKL.value === Infinity) {
      parts.push(h('p', {}, h('strong', {}, `KL(Q‖P) = ∞${r.kl.value === Infinity ? ' too' : ''}. `),
        r.reverseMismatch.length ? `P is zero on ${where(r.reverseMismatch)} where Q is not.` : 'P’s support does not cover Q’s.'));
    }
    this.infNote.replaceChildren(...parts);
    this.infNote.hidden = parts.length === 0;
  }

  fillCheck() {
    const c = this.check;
    if (!c) return;
    const rows = [];
    const row = (label, v, err, key) => h('tr', { 'data-row': key },
      h('th', { scope: 'row' }, label),
      h('td', {}, h('output', { 'data-check': key, 'data-value': String(v) }, number(v)),
        h('span', { class: 'err' }, !Number.isFinite(v) ? (key.startsWith('k') ? 'a draw landed where q = 0' : '') : err === 0 && !key.startsWith('k') ? 'exact' : `± ${number(err, { digits: 3 })}`)),
      h('td', { class: 'num' }, Number.isFinite(v) && Number.isFinite(c.reference) ? signed(v - c.reference) : ''));
    if (c.closed) rows.push(row('Closed form', c.closed.value, 0, 'closed'));
    else rows.push(h('tr', { 'data-row': 'closed' }, h('th', { scope: 'row' }, 'Closed form'), h('td', { colspan: 2, class: 'muted' }, 'none for this pair')));
    rows.push(row(c.numeric.method === 'series' ? 'Series' : 'Quadrature', c.numeric.value, c.numeric.errorEstimate, 'numeric'));
    c.mc.forEach((m) => rows.push(row(h('span', {}, h('span', { class: `est-swatch est-${m.estimator}` }), `Monte Carlo ${m.estimator}`), m.mean, m.stdErr, m.estimator)));
    this.checkBody.replaceChildren(...rows);
    this.seriesNote.textContent = c.ns.length
      ? `Each point: ${c.reps} independent runs of n draws. Bias = their mean minus the ${c.closed ? 'closed form' : c.numeric.method}; spread = their standard deviation.`
      : 'KL is infinite, so there is no bias to measure: every estimator returns ∞ as soon as one draw lands where q = 0.';
    const off = k3Offset(c);
    const unit = this.state?.unit ?? 'nats';
    this.k3Note.hidden = off === null;
    this.k3Note.textContent = off === null ? ''
      : `k3 is biased here by ${signed(off)} ${unit}: Q puts ${number(c.qMassOutside, { digits: 3 })} of its mass where P has none, and no draw from P lands there, so k3 averages KL − ${number(-off, { digits: 3 })} = ${number(c.k3Expected)} ${unit} at every sample size.`;
    const about = this.el.querySelector('[data-about="k3"]');
    if (about) about.textContent = off === null ? EST[2].about : `biased here by ${signed(off)} ${unit}: Q puts ${number(c.qMassOutside, { digits: 3 })} of its mass where P has none`;
  }

  speak() {
    const { r, state } = this;
    if (!r) return;
    return `KL(P‖Q) ${number(r.kl.value)} ${state.unit} by ${methodName[r.kl.method]}; KL(Q‖P) ${number(r.reverseKL.value)} ${state.unit}.`;
  }

  // ---- charts ---------------------------------------------------------------

  axes(f, x, y) {
    const grid = f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid');
    once(grid, `${y.domain()}|${f.innerWidth}|${f.innerHeight}`, (g) => g.call(axisLeft(y).ticks(4).tickSize(-f.innerWidth).tickFormat(fmtTick)).call((s) => s.select('.domain').remove()));
    const xa = f.plot.selectAll('g.x-axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${f.innerHeight})`);
    once(xa, `${x.domain()}|${f.innerWidth}`, (g) => g.call(axisBottom(x).ticks(Math.max(3, Math.floor(f.innerWidth / 70))).tickFormat(fmtTick).tickSizeOuter(0)));
  }

  xScale(f) {
    return scaleLinear().domain(this.domain ?? [this.r.lo, this.r.hi]).range([0, f.innerWidth]);
  }

  drawDens(f) {
    const { r, state } = this;
    const x = this.xScale(f);
    const vals = [...r.p, ...r.q].filter(Number.isFinite);
    const sorted = vals.sort((a, b) => a - b);
    const q98 = sorted[Math.floor(sorted.length * 0.98)] ?? 1;
    let top = Math.min(sorted.at(-1) ?? 1, q98 * 2.5) * 1.12 || 1;
    top = this.dragging ? Math.max(this.yTop, top) : top;
    this.yTop = top;
    const y = scaleLinear().domain([0, top]).range([f.innerHeight, 0]).nice(4);
    this.y = y;
    this.x = x;
    this.axes(f, x, y);

    // Support mismatch bands.
    const bands = [];
    for (let i = 0; i < r.mismatch.length; i += 2) bands.push({ a: r.mismatch[i], b: r.mismatch[i + 1], kind: 'fwd' });
    for (let i = 0; i < r.reverseMismatch.length; i += 2) bands.push({ a: r.reverseMismatch[i], b: r.reverseMismatch[i + 1], kind: 'rev' });
    f.plot.selectAll('rect.mismatch').data(bands).join('rect')
      .attr('class', (d) => `mismatch mismatch-${d.kind}`)
      .attr('x', (d) => x(d.a)).attr('width', (d) => Math.max(1, x(d.b) - x(d.a))).attr('y', 0).attr('height', f.innerHeight)
      .attr('fill', (d) => (d.kind === 'fwd' ? this.pat.mismatch : this.pat.rmismatch));
    f.plot.selectAll('text.mismatch-label').data(bands.filter((d) => x(d.b) - x(d.a) > 60)).join('text').attr('class', 'mismatch-label')
      .attr('x', (d) => (x(d.a) + x(d.b)) / 2).attr('y', 14).attr('text-anchor', 'middle')
      .text((d) => (d.kind === 'fwd' ? 'q = 0 < p' : 'p = 0 < q'));

    const cl = (v) => (Number.isFinite(v) ? Math.min(v, top * 1.5) : top * 1.5);
    const xs = r.xs;
    const pts = (arr) => Array.from(xs, (xv, i) => [xv, cl(arr[i])]);
    if (r.discrete) {
      const w = Math.max(2, Math.min(10, (x(xs[1] ?? xs[0] + 1) - x(xs[0])) * 0.18));
      const stems = [...pts(r.p).map(([a, v]) => ({ s: 'p', a, v })), ...pts(r.q).map(([a, v]) => ({ s: 'q', a, v }))];
      const off = (d) => x(d.a) + (d.s === 'p' ? -w : w);
      f.plot.selectAll('path.curve, path.fill').remove();
      f.plot.selectAll('line.stem').data(stems).join('line').attr('class', (d) => `stem stem-${d.s}`)
        .attr('x1', off).attr('x2', off).attr('y1', y(0)).attr('y2', (d) => y(d.v));
      f.plot.selectAll('circle.dot').data(stems).join('circle').attr('class', (d) => `dot dot-${d.s}`).attr('r', 3.2)
        .attr('cx', off).attr('cy', (d) => y(d.v));
    } else {
      f.plot.selectAll('line.stem, circle.dot').remove();
      const a = area().x((d) => x(d[0])).y0(y(0)).y1((d) => y(d[1])).curve(curveLinear);
      const l = line().x((d) => x(d[0])).y((d) => y(d[1]));
      const series = [{ s: 'p', d: pts(r.p) }, { s: 'q', d: pts(r.q) }];
      f.plot.selectAll('path.fill').data(series, (d) => d.s).join('path').attr('class', (d) => `fill fill-${d.s}`).attr('d', (d) => a(d.d));
      f.plot.selectAll('path.curve').data(series, (d) => d.s).join('path').attr('class', (d) => `curve curve-${d.s}`).attr('d', (d) => l(d.d));
    }
    f.plot.selectAll('g.handles').data([0]).join('g').attr('class', 'handles').raise();
    this.drawHandles(f, x, y);
  }

  drawHandles(f, x, y) {
    const { r, state } = this;
    const data = [];
    for (const { s, name, fam } of SIDES) {
      const hd = r[`handles${s.toUpperCase()}`];
      const family = state[fam];
      for (let k = 0; k < hd.mean.length; k++) {
        const comp = family === 'mixture' ? ` component ${k + 1}` : '';
        data.push({ s, k, kind: 'mean', x: hd.mean[k], y: hd.atMean[k], mean: hd.mean[k], sd: hd.sd[k], family, key: `${s}m${k}`, label: `${name}${comp} mean` });
        if (hasScale(family)) data.push({ s, k, kind: 'sd', x: hd.mean[k] + hd.sd[k], y: hd.atSd[k], mean: hd.mean[k], sd: hd.sd[k], family, key: `${s}s${k}`, label: `${name}${comp} spread (mean + 1 sd)` });
      }
    }
    const [lo, hi] = x.domain();
    const top = y.domain()[1];
    const cy = (d) => y(Math.min(d.y, top));
    const g = f.plot.select('g.handles');
    // A bracket from the mean to mean + sd at the ◆'s height.
    g.selectAll('line.bracket').data(data.filter((d) => d.kind === 'sd'), (d) => d.key).join('line')
      .attr('class', (d) => `bracket bracket-${d.s}`).attr('x1', (d) => x(d.mean)).attr('x2', (d) => x(d.x)).attr('y1', cy).attr('y2', cy);
    const diamond = symbol(symbolDiamond, 90)();
    handles(g, data, { key: (d) => d.key, onKey: (event, d) => this.onKey(event, d), drag: this.dragBehaviour(f) })
      .attr('class', (d) => `handle handle-${d.s} handle-${d.kind}`)
      .attr('data-series', (d) => d.s).attr('data-kind', (d) => d.kind).attr('data-k', (d) => d.k)
      .attr('transform', (d) => `translate(${x(Math.min(hi, Math.max(lo, d.x)))},${cy(d)})`)
      .attr('aria-label', (d) => d.label)
      .attr('aria-valuenow', (d) => (d.kind === 'mean' ? d.mean : d.sd))
      .attr('aria-valuetext', (d) => (d.kind === 'mean' ? `mean ${fmtTick(+d.mean.toPrecision(4))}` : `standard deviation ${fmtTick(+d.sd.toPrecision(4))}`))
      .select('path.mark').attr('d', (d) => (d.kind === 'mean' ? symbol().size(80)() : diamond));
  }

  moveHandle(d, xv) {
    const st = this.ctx.state();
    const fam = st[`${d.s}Family`];
    const hd = this.r[`handles${d.s.toUpperCase()}`];
    const mean = hd.mean[d.k];
    const sd = hd.sd[d.k];
    let next;
    if (d.kind === 'mean') next = fromMoments(fam, st[d.s], d.k, xv, fam === 'poisson' ? Math.sqrt(Math.max(0.1, xv)) : sd);
    else next = fromMoments(fam, st[d.s], d.k, mean, xv - mean);
    if (fam === 'exponential' && d.kind === 'mean') next = fromMoments(fam, st[d.s], d.k, xv, xv);
    if (problem(fam, next) || sameValues(next, st[d.s])) return;
    this.set({ [d.s]: next });
  }

  dragBehaviour(f) {
    return drag()
      .container(() => f.plot.node())
      .subject((event) => ({ x: event.x, y: event.y }))
      .on('start', (event, d) => {
        this.dragging = d.key;
        f.svg.classed('dragging', true);
        event.sourceEvent?.target?.closest?.('g.handle')?.focus?.({ preventScroll: true });
      })
      .on('drag', (event, d) => this.moveHandle(d, this.x.invert(event.x)))
      .on('end', () => {
        this.dragging = null;
        f.svg.classed('dragging', false);
        this.ctx.refresh({ animate: true });
      });
  }

  onKey(event, d) {
    const [lo, hi] = this.x.domain();
    const step = (hi - lo) / (event.shiftKey ? 400 : 80);
    const dir = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 8, PageDown: -8 }[event.key];
    if (dir === undefined) return;
    event.preventDefault();
    const hd = this.r[`handles${d.s.toUpperCase()}`];
    const cur = d.kind === 'mean' ? hd.mean[d.k] : hd.mean[d.k] + hd.sd[d.k];
    this.moveHandle(d, cur + dir * step);
  }

  drawInt(f) {
    const { r, state } = this;
    const rev = state.integrand === 'reverse';
    const vals = rev ? r.reverseIntegrand : r.integrand;
    const mism = rev ? r.reverseMismatch : r.mismatch;
    const x = this.xScale(f);
    const finite = Array.from(vals).filter(Number.isFinite);
    let lo = Math.min(0, ...finite);
    let hi = Math.max(0, ...finite);
    if (hi - lo < 1e-9) hi = lo + 0.1;
    const hasInf = mism.length > 0 || Array.from(vals).some((v) => v === Infinity);
    const y = scaleLinear().domain([lo, hi]).range([f.innerHeight, hasInf ? 16 : 0]).nice(4);
    [lo, hi] = y.domain();
    this.axes(f, x, y);
    f.plot.selectAll('text.axis-unit').data([0]).join('text').attr('class', 'axis-unit').attr('x', -f.margin.left + 2).attr('y', -5).text(state.unit);

    const bands = [];
    for (let i = 0; i < mism.length; i += 2) bands.push({ a: mism[i], b: mism[i + 1] });
    f.plot.selectAll('rect.inf-band').data(bands).join('rect').attr('class', 'inf-band')
      .attr('x', (d) => x(d.a)).attr('width', (d) => Math.max(1, x(d.b) - x(d.a))).attr('y', 0).attr('height', f.innerHeight).attr('fill', this.pat.mismatchInt);
    f.plot.selectAll('text.inf-mark').data(bands).join('text').attr('class', 'inf-mark').attr('text-anchor', 'middle')
      .attr('x', (d) => (x(d.a) + x(d.b)) / 2).attr('y', 13).text('∞');

    const pts = Array.from(r.xs, (xv, i) => [xv, Number.isFinite(vals[i]) ? vals[i] : 0]);
    if (r.discrete) {
      f.plot.selectAll('path.pos, path.neg').remove();
      const w = Math.max(3, Math.min(24, (x(r.xs[1] ?? r.xs[0] + 1) - x(r.xs[0])) * 0.5));
      f.plot.selectAll('rect.term').data(pts).join('rect').attr('class', (d) => `term ${d[1] < 0 ? 'term-neg' : 'term-pos'}`)
        .attr('fill', (d) => (d[1] < 0 ? this.pat.neg : null))
        .attr('x', (d) => x(d[0]) - w / 2).attr('width', w).attr('y', (d) => Math.min(y(0), y(d[1]))).attr('height', (d) => Math.abs(y(d[1]) - y(0)));
    } else {
      f.plot.selectAll('rect.term').remove();
      const pos = area().x((d) => x(d[0])).y0(y(0)).y1((d) => y(Math.max(0, d[1])));
      const neg = area().x((d) => x(d[0])).y0(y(0)).y1((d) => y(Math.min(0, d[1])));
      f.plot.selectAll('path.pos').data([pts]).join('path').attr('class', 'pos term-pos').attr('d', pos);
      f.plot.selectAll('path.neg').data([pts]).join('path').attr('class', 'neg term-neg').attr('fill', this.pat.neg).attr('d', neg);
    }
    f.plot.selectAll('line.zero').data([0]).join('line').attr('class', 'zero').attr('x1', 0).attr('x2', f.innerWidth).attr('y1', y(0)).attr('y2', y(0));
    const total = rev ? r.reverseKL.value : r.kl.value;
    f.plot.selectAll('text.sum-label').data([0]).join('text').attr('class', 'sum-label').attr('text-anchor', 'end').attr('x', f.innerWidth - 2).attr('y', hasInf ? 28 : 12)
      .text(`area = ${rev ? 'KL(Q‖P)' : 'KL(P‖Q)'} = ${number(total, { digits: 3 })}`);
  }

  /** The bias or spread series as a table: one row per sample size, one column per estimator. */
  seriesCSV(which) {
    const c = this.check;
    return { columns: ['samples', ...EST.map((e) => `${e.key} ${which}`)], rows: c ? Array.from(c.ns, (n, j) => [n, ...EST.map((_, i) => c[which][i][j])]) : [] };
  }

  drawSeries(f, which) {
    const c = this.check;
    const data = c && c.ns.length ? EST.map((e, i) => ({ ...e, pts: Array.from(c.ns, (n, j) => [n, c[which][i][j]]) })) : [];
    const ns = c?.ns.length ? Array.from(c.ns) : [10, 1000];
    const x = scaleLog().domain([ns[0], ns.at(-1)]).range([0, f.innerWidth]);
    const k3Off = which === 'bias' && data.length ? k3Offset(c) : null;
    const all = [...data.flatMap((d) => d.pts.map((p) => p[1])), ...(k3Off === null ? [] : [k3Off])].filter(Number.isFinite);
    let y;
    if (which === 'spread') {
      const pos = all.filter((v) => v > 0);
      y = scaleLog().domain(pos.length ? [Math.min(...pos) / 1.3, Math.max(...pos) * 1.3] : [0.01, 1]).range([f.innerHeight, 0]);
    } else {
      const m = Math.max(1e-3, ...all.map(Math.abs)) * 1.15;
      y = scaleLinear().domain([-m, m]).range([f.innerHeight, 0]).nice(4);
    }
    f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid')
      .call(axisLeft(y).ticks(which === 'spread' ? 3 : 4, '~g').tickSize(-f.innerWidth)).call((g) => g.select('.domain').remove());
    f.plot.selectAll('g.x-axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${f.innerHeight})`)
      .call(axisBottom(x).tickValues(ns).tickFormat(format('~s')).tickSizeOuter(0));
    f.plot.selectAll('text.chart-title').data([0]).join('text').attr('class', 'chart-title').attr('x', 0).attr('y', -8)
      .text(which === 'bias' ? 'bias (mean − reference)' : 'spread (standard deviation), log scale');
    if (which === 'bias') f.plot.selectAll('line.zero').data([0]).join('line').attr('class', 'zero').attr('x1', 0).attr('x2', f.innerWidth).attr('y1', y(0)).attr('y2', y(0));
    // Where k3's bias settles when Q has mass outside P's support: E[k3] − KL = −(that mass, in the unit).
    f.plot.selectAll('line.k3-expected').data(k3Off === null ? [] : [k3Off]).join('line').attr('class', 'k3-expected')
      .attr('data-value', (v) => String(v)).style('stroke', 'var(--k3)').attr('stroke-dasharray', '5 4')
      .attr('x1', 0).attr('x2', f.innerWidth).attr('y1', (v) => y(v)).attr('y2', (v) => y(v));
    f.plot.selectAll('text.k3-expected-label').data(k3Off === null ? [] : [k3Off]).join('text').attr('class', 'k3-expected-label')
      .style('fill', 'var(--k3)').attr('text-anchor', 'end').attr('x', f.innerWidth - 2).attr('y', (v) => y(v) + 13) // below its line: k1 and k2 sit above k3's bias
      .text((v) => `E[k3] − KL = ${signed(v)}`);
    const l = line().x((d) => x(d[0])).y((d) => y(d[1])).defined((d) => Number.isFinite(d[1]) && (which !== 'spread' || d[1] > 0));
    f.plot.selectAll('path.est').data(data, (d) => d.key).join('path').attr('class', (d) => `est est-${d.key}`)
      .attr('stroke-dasharray', (d) => d.dash).attr('d', (d) => l(d.pts));
    f.plot.selectAll('g.est-dots').data(data, (d) => d.key).join('g').attr('class', (d) => `est-dots est-${d.key}`)
      .selectAll('circle').data((d) => d.pts.filter((p) => Number.isFinite(p[1]) && (which !== 'spread' || p[1] > 0))).join('circle').attr('r', 2.8)
      .attr('cx', (p) => x(p[0])).attr('cy', (p) => y(p[1]));
    f.plot.selectAll('text.empty').data(data.length ? [] : [0]).join('text').attr('class', 'empty').attr('x', f.innerWidth / 2).attr('y', f.innerHeight / 2).attr('text-anchor', 'middle')
      .text(c ? 'KL = ∞: nothing to measure' : 'computing…');
  }

  destroy() {
    this.requestCheck.cancel();
    super.destroy();
  }
}

const SUBS = '₁₂₃₄';
const sub = (i) => SUBS[i];
const signed = (v) => (v === 0 ? '0' : `${v > 0 ? '+' : ''}${number(v, { digits: 4 })}`);

export default defineLab({
  id: 'continuous',
  title: 'Continuous',
  blurb: 'KL between densities: the integrand, closed form vs quadrature vs sampling',
  schema,
  check,
  View,
});
