// The Divergence lab: two discrete distributions P and Q over 2–32 categories,
// edited by dragging, keyboard or typing; KL(P‖Q) and its relatives read out in
// nats or bits; the pointwise terms and the coding view charted. One call into
// Go (klplay.divergenceLab) per update gives every number a frame draws.
import { scaleBand, scaleLinear } from 'd3-scale';
import { axisBottom, axisLeft } from 'd3-axis';
import { drag } from 'd3-drag';
import { max, min, range } from 'd3-array';
import { format } from 'd3-format';
import { h, mathml, setText } from '../../lib/dom.js';
import { LabView, defineLab, formula, labHead, presetChips, prose, sameValues, segmented, toolbar } from '../../lib/lab.js';
import { hatch, fade, maybeTransition, thinTicks, swatch } from '../../lib/chart.js';
import { number, setOutput, probability } from '../../lib/format.js';
import { UNIT, toProbabilities, setProbability, resize, fromWeights } from '../../lib/measure.js';
import { presets } from './presets.js';
import formulas from './formulas.tex';
import labInfo from '../../../core/session/labs/divergence.json';

// The state's schema is shared with the Go core, which validates saved sessions
// against the same file: the controls, the URL hash and the store agree.
const { fields: schema } = labInfo;
const MIN_N = schema.find((f) => f.name === 'p').minLength;
const MAX_N = schema.find((f) => f.name === 'p').maxLength;

/** Cross-field rules the per-field schema cannot say: P and Q share their categories. */
function check(state) {
  const problems = [];
  let { p, q, names } = state;
  if (p.length !== q.length) {
    problems.push(`p has ${p.length} entries but q has ${q.length}; both reset`);
    const d = schema.reduce((o, f) => ({ ...o, [f.name]: f.default }), {});
    p = fromWeights(d.p);
    q = fromWeights(d.q);
  }
  if (names.length && names.length !== p.length) {
    problems.push(`names gave ${names.length} names for ${p.length} categories; dropped`);
    names = [];
  }
  return { state: { ...state, p, q, names }, problems };
}

// The readouts beside the hero KL(P‖Q); `unit` false for the unitless distances.
const READOUTS = [
  { key: 'reverseKL', name: 'KL(Q‖P)', hint: 'the other direction', unit: true },
  { key: 'jensenShannon', name: 'JS(P, Q)', hint: 'symmetric, at most log 2', unit: true },
  { key: 'entropyP', name: 'H(P)', hint: 'entropy of P', unit: true },
  { key: 'entropyQ', name: 'H(Q)', hint: 'entropy of Q', unit: true },
  { key: 'crossEntropy', name: 'H(P, Q)', hint: 'cross-entropy', unit: true },
  { key: 'totalVariation', name: 'TV(P, Q)', hint: '½ Σ |p − q|, no unit', unit: false },
  { key: 'hellinger', name: 'Hellinger', hint: 'a distance, no unit', unit: false },
  { key: 'squaredHellinger', name: 'Hellinger²', hint: '1 − Σ √(p q), no unit', unit: false },
];

const SERIES = [
  { s: 'p', name: 'P' },
  { s: 'q', name: 'Q' },
];

const tick2 = format('.2~f');
const label2 = format('.2f');

class View extends LabView {
  constructor(el, ctx) {
    super(el, ctx);
    this.dragging = null;
    this.yTop = 0.5;
    this.build();
  }

  // ---- state changes ------------------------------------------------------

  label(i, state = this.state) {
    return state.names[i] || String(i + 1);
  }

  setValue(s, i, v, info) {
    const st = this.ctx.state();
    this.ctx.set({ ...st, [s]: setProbability(st[s], i, v) }, info);
  }

  setCount(n) {
    const st = this.ctx.state();
    n = Math.max(MIN_N, Math.min(MAX_N, Math.round(n)));
    if (!Number.isFinite(n) || n === st.p.length) return;
    let names = [];
    if (st.names.length) names = n <= st.names.length ? st.names.slice(0, n) : [...st.names, ...range(st.names.length, n).map((i) => String(i + 1))];
    this.ctx.set({ ...st, p: resize(st.p, n), q: resize(st.q, n), names }, { animate: true });
  }

  applyPreset(preset) {
    const st = this.ctx.state();
    const m = preset.make(st.p.length);
    this.ctx.set({ ...st, p: fromWeights(m.p), q: fromWeights(m.q), names: m.names }, { animate: true });
  }

  // ---- DOM ------------------------------------------------------------------

  build() {
    const { el } = this;
    const { out } = this.readouts;
    const unitSpan = () => { const s = h('span', { class: 'unit' }, 'nats'); (this.unitSpans ??= []).push(s); return s; };

    // Header and toolbar.
    this.presets = presetChips(presets, (ps) => this.applyPreset(ps));
    this.countInput = h('input', { type: 'number', id: 'div-count', min: MIN_N, max: MAX_N, step: 1, inputmode: 'numeric', onchange: (e) => this.setCount(Number(e.target.value)) });
    this.unitChoice = segmented({ name: 'div-unit', legend: 'Units', group: 'unit', choose: (u) => this.ctx.set({ ...this.ctx.state(), unit: u }), options: [{ value: 'nats' }, { value: 'bits' }] });

    el.append(
      labHead('divergence', 'Divergence', 'Two distributions over the same categories: ', h('strong', { class: 'ink-p' }, 'P'), ', what actually happens, and ',
          h('strong', { class: 'ink-q' }, 'Q'), ', what a model expects. Drag the bars (or focus one and use the arrow keys, or type the numbers below); the other bars rescale so each distribution still sums to 1.'),
      toolbar('div', { presets: this.presets.buttons, settings: [h('div', { class: 'stepper', 'data-embed-group': 'count' },
            h('label', { for: 'div-count', class: 'toolbar-label' }, 'Categories'),
            h('button', { type: 'button', class: 'step', 'aria-label': 'Fewer categories', onclick: () => this.setCount(this.ctx.state().p.length - 1) }, '−'),
            this.countInput,
            h('button', { type: 'button', class: 'step', 'aria-label': 'More categories', onclick: () => this.setCount(this.ctx.state().p.length + 1) }, '+')),
          this.unitChoice.el,
          h('button', { type: 'button', class: 'chip swap', 'data-embed-group': 'swap', onclick: () => { const st = this.ctx.state(); this.ctx.set({ ...st, p: st.q, q: st.p }, { animate: true }); } },
            'Swap P ⇄ Q')] }),
    );

    // The distributions and the readouts.
    this.distHost = h('div', { class: 'chart-host' });
    this.infNote = h('div', { class: 'callout callout-inf', hidden: true });
    this.eqNote = h('p', { class: 'callout callout-eq', hidden: true }, 'P = Q, so KL(P‖Q) = 0. That is the only way to make it zero: for any other pair it is positive.');
    const readoutRows = READOUTS.map((d) => h('div', { class: 'readout' },
      h('span', { class: 'readout-name', id: `div-ro-${d.key}` }, d.name),
      h('span', { class: 'readout-value' }, out(d.key, { 'aria-labelledby': `div-ro-${d.key}` }), d.unit ? unitSpan() : null),
      h('span', { class: 'readout-hint' }, d.hint)));

    el.append(h('div', { class: 'grid grid-top' },
      h('figure', { class: 'card fig-dist' },
        h('figcaption', {},
          h('h2', {}, 'P and Q'),
          h('p', { class: 'legend' }, h('span', {}, swatch('p'), 'P, the truth'), h('span', {}, swatch('q'), 'Q, the model'),
            h('span', { title: 'The mixture that the Jensen–Shannon divergence measures P and Q against' }, h('span', { class: 'mix-swatch', 'aria-hidden': 'true' }), 'M = (P + Q)/2'))),
        this.distHost,
        h('p', { class: 'fig-note', 'data-embed': 'hint' }, 'Drag a bar up or down. Keyboard: Tab to a bar, then ↑ ↓ (Shift for finer steps, Page Up/Down for coarser, Home/End for 0 and 1).')),
      h('aside', { class: 'card readouts', 'aria-label': 'Readouts', 'data-embed-group': 'readouts' },
        h('div', { class: 'hero' },
          h('span', { class: 'hero-name', id: 'div-ro-kl' }, 'KL(P‖Q)'),
          h('span', { class: 'hero-value' }, out('kl', { 'aria-labelledby': 'div-ro-kl' }), unitSpan()),
          h('span', { class: 'hero-hint' }, 'how far Q is from P, seen from P')),
        this.eqNote,
        this.infNote,
        h('div', { class: 'readout-grid' }, readoutRows)),
    ));

    // The formulas with live numbers, and the explanation.
    el.append(h('div', { class: 'grid grid-mid' },
      h('section', { class: 'card formulas', 'aria-labelledby': 'div-formulas-h', 'data-embed-group': 'formulas' },
        h('h2', { id: 'div-formulas-h' }, 'The formula, live'),
        formula(formulas.kl, h('p', { class: 'formula-value' }, '= ', out('kl'), ' ', unitSpan())),
        formula(formulas.cross, h('p', { class: 'formula-value identity' },
            out('crossEntropy'), ' = ', out('entropyP'), ' + ', out('kl'), ' ', unitSpan())),
        h('p', { class: 'small' }, 'Cross-entropy is the entropy of P plus the divergence. When P is fixed — the labels of a data set — H(P) is a constant, so minimising cross-entropy and minimising KL are the same thing.'),
        h('div', { class: 'formula js-formula' }, h('div', { class: 'math' }, mathml(formulas.js), mathml(formulas.mix)),
          h('p', { class: 'formula-value identity' }, out('jensenShannon'), ' = ', h('span', { class: 'pair' }, '½ · ', out('klPM')), ' + ', h('span', { class: 'pair' }, '½ · ', out('klQM'), ' ', unitSpan())),
          this.jsBar = h('div', { class: 'js-bar', role: 'img' },
            this.jsSegP = h('span', { class: 'js-seg js-seg-p' }), this.jsSegQ = h('span', { class: 'js-seg js-seg-q' }),
            h('span', { class: 'js-cap' }, 'log 2')),
          h('p', { class: 'legend js-legend' }, h('span', {}, h('span', { class: 'js-key js-key-p' }), '½ KL(P‖M)'), h('span', {}, h('span', { class: 'js-key js-key-q' }), '½ KL(Q‖M)'),
            h('span', {}, 'out of log 2 = ', out('log2'), ' ', unitSpan()))),
        h('p', { class: 'small' }, 'JS is built from KL: both P and Q are measured against their average M, which covers both supports, so neither term can be infinite. Each is at most log 2, reached when P and Q never overlap.')),
      prose('div', 'What you are looking at',
        'KL(P‖Q) averages log(p/q) over outcomes drawn from P: how much more surprised you are, on average, when you expected Q but the world behaves like P. It is never negative, and it is zero only when P and Q are the same.',
        h('p', {}, 'It is not symmetric. Press ', h('em', {}, 'Swap'), ' and the number changes: KL(P‖Q) punishes Q for being small where P is large — a zero there makes it infinite — but barely notices Q spending mass where P has none.'),
        h('p', {}, 'In the ', h('em', {}, 'Dog vs cat'), ' preset, P = [1, 0] is the label “dog” and Q = [0.9, 0.1] is a classifier’s answer. H(P) = 0, so the cross-entropy loss −log 0.9 is all divergence: 0.152 bits.')),
    ));

    // Pointwise terms and the coding view.
    this.termsHost = h('div', { class: 'chart-host' });
    this.codeHost = h('div', { class: 'chart-host' });
    el.append(h('div', { class: 'grid grid-charts' },
      h('figure', { class: 'card fig-terms' },
        h('figcaption', {},
          h('h2', {}, 'Pointwise terms p', h('sub', {}, 'i'), ' log(p', h('sub', {}, 'i'), '/q', h('sub', {}, 'i'), ')'),
          h('p', { class: 'legend' }, h('span', {}, swatch('pos'), 'P more likely than Q'), h('span', {}, swatch('neg'), 'Q more likely'), h('span', {}, swatch('sum'), 'their sum, KL'))),
        this.termsHost,
        h('p', { class: 'fig-note', 'data-embed': 'text' }, 'Terms below zero are real, but they never outweigh the rest: the sum is KL(P‖Q) ≥ 0. A category with p = 0 contributes nothing (0 · log 0 = 0).')),
      h('figure', { class: 'card fig-code' },
        h('figcaption', {},
          h('h2', {}, 'The coding view, in bits'),
          h('p', { class: 'legend' }, h('span', {}, swatch('p'), '−log₂ p: code for P'), h('span', {}, swatch('q'), '−log₂ q: code for Q'))),
        this.codeHost,
        h('p', { class: 'fig-note' },
          'Send outcomes of P with a code built for Q and each message costs, on average, ',
          out('crossEntropyBits'), ' bits instead of ', out('entropyPBits'),
          ': ', h('strong', {}, out('extraBits'), ' extra bits'), ', which is KL(P‖Q) in bits. Faded categories never occur under P, so their code lengths cost nothing.')),
    ));

    // Typing the numbers.
    this.tbody = h('tbody');
    el.append(this.details = h('details', { class: 'card numbers', 'data-embed-group': 'table' },
      h('summary', {}, h('h2', {}, 'Edit the numbers')),
      h('div', { class: 'table-wrap' },
        h('table', {},
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Category'), h('th', { scope: 'col', class: 'ink-p' }, 'P'), h('th', { scope: 'col', class: 'ink-q' }, 'Q'),
            h('th', { scope: 'col' }, 'p log(p/q) ', unitSpan()))),
          this.tbody)),
      this.typeNote = h('p', { class: 'field-note', id: 'div-type-note', role: 'status', hidden: true }),
      h('p', { class: 'small' }, 'Type a probability and press Enter; the rest of that distribution rescales to keep the total at 1.')));

    el.append(this.readouts.live);

    // Charts.
    const distHeight = (w) => Math.round(Math.max(230, Math.min(390, w * 0.58)));
    this.dist = this.frame(this.distHost, { height: distHeight, margin: { top: 24, right: 8, bottom: 30, left: 40 }, role: 'group', label: 'P and Q as bars; each bar is a slider', draw: (f, info) => this.drawDist(f, info),
      csv: () => ({ columns: ['category', 'P', 'Q', 'M = (P + Q)/2'], rows: Array.from(this.p, (v, i) => [this.label(i), v, this.q[i], this.r.mixture[i]]) }) });
    this.terms = this.frame(this.termsHost, { height: 240, margin: { top: 20, right: 10, bottom: 30, left: 48 }, label: 'Pointwise terms of KL(P‖Q) per category', draw: (f, info) => this.drawTerms(f, info),
      csv: () => ({ columns: ['category', `p log(p/q) (${this.state.unit})`], rows: Array.from(this.r.terms, (v, i) => [this.label(i), v]) }) });
    this.code = this.frame(this.codeHost, { height: 240, margin: { top: 20, right: 10, bottom: 30, left: 40 }, label: 'Code lengths in bits for codes built for P and for Q', draw: (f, info) => this.drawCode(f, info),
      csv: () => ({ columns: ['category', 'p', '−log₂ p (bits)', '−log₂ q (bits)'], rows: Array.from(this.r.codeP, (v, i) => [this.label(i), this.p[i], v, this.r.codeQ[i]]) }) });
    this.patterns = {
      q: hatch(this.dist.defs, 'var(--q)'),
      qCode: hatch(this.code.defs, 'var(--q)'),
      neg: hatch(this.terms.defs, 'var(--neg)', { opacity: 0.9 }),
      fadeTerm: fade(this.terms.defs, 'var(--pos)'),
      fadeQ: fade(this.code.defs, 'var(--q)'),
      fadeP: fade(this.code.defs, 'var(--p)'),
    };
  }

  // ---- update ---------------------------------------------------------------

  update(state, info = {}) {
    const prev = this.state;
    this.state = state;
    this.p = toProbabilities(state.p);
    this.q = toProbabilities(state.q);
    this.r = this.ctx.klplay.divergenceLab({ ...state, p: this.p, q: this.q });
    const { r } = this;

    // Controls.
    const n = state.p.length;
    if (document.activeElement !== this.countInput) this.countInput.value = String(n);
    this.unitChoice.set(state.unit);
    for (const s of this.unitSpans) setText(s, state.unit);
    this.presets.mark((ps) => {
      const m = ps.make(n);
      return m.p.length === n && sameValues(fromWeights(m.p), state.p) && sameValues(fromWeights(m.q), state.q);
    });

    // Readouts.
    const bits = (v) => (state.unit === 'bits' ? v : v / Math.LN2);
    const log2 = state.unit === 'bits' ? 1 : Math.LN2;
    const values = { ...r, crossEntropyBits: bits(r.crossEntropy), entropyPBits: bits(r.entropyP), log2 };
    this.readouts.set(values);
    this.drawJSBar(r, log2, state.unit);
    this.el.querySelector('.hero').classList.toggle('is-inf', r.kl === Infinity);
    this.eqNote.hidden = r.kl !== 0;
    this.explainInfinity();

    // Charts and table.
    const animate = Boolean(info.animate) && prev !== null;
    this.dist.ready = this.terms.ready = this.code.ready = true;
    this.dist.redraw({ animate });
    this.terms.redraw({ animate });
    this.code.redraw({ animate });
    this.fillTable();
    if (prev !== null) this.readouts.announce();
  }

  /** JS as two halves adding up on a bar from 0 to log 2, its ceiling. */
  drawJSBar(r, log2, unit) {
    const a = r.klPM / 2;
    const b = r.klQM / 2;
    this.jsSegP.style.width = `${(100 * a) / log2}%`;
    this.jsSegQ.style.width = `${(100 * b) / log2}%`;
    this.jsBar.setAttribute('aria-label', `JS = ½ KL(P‖M) + ½ KL(Q‖M) = ${number(a)} + ${number(b)} = ${number(r.jensenShannon)} ${unit}, out of log 2 = ${number(log2)}`);
  }

  explainInfinity() {
    const { p, q, r } = this;
    const note = this.infNote;
    const parts = [];
    const miss = (a, b) => { for (let i = 0; i < a.length; i++) if (a[i] > 0 && b[i] === 0) return i; return -1; };
    const i = miss(p, q);
    const j = miss(q, p);
    if (i >= 0) {
      parts.push(h('p', {}, h('strong', {}, 'KL(P‖Q) = ∞. '), `Q gives category “${this.label(i)}” probability 0, but P gives it ${probability(p[i])}. `,
        'A code built for Q has no codeword for an outcome that P produces, so the expected extra length is infinite: a model that rules out something that happens is infinitely surprised by it.'));
    }
    if (j >= 0) {
      parts.push(h('p', {}, h('strong', {}, `KL(Q‖P) = ∞${i >= 0 ? ' too' : ''}. `), `P gives category “${this.label(j)}” probability 0 where Q gives it ${probability(q[j])}.`));
    }
    if (parts.length) parts.push(h('p', { class: 'small' }, `JS and TV stay finite (JS = ${number(r.jensenShannon)} ${this.state.unit}${r.jensenShannon > 0 && Math.abs(r.totalVariation - 1) < 1e-12 ? ', its ceiling: the supports are disjoint' : ''}).`));
    note.replaceChildren(...parts);
    note.hidden = parts.length === 0;
  }

  speak() {
    const { r, state } = this;
    if (!r) return;
    return `KL(P‖Q) ${number(r.kl)} ${state.unit}; KL(Q‖P) ${number(r.reverseKL)} ${state.unit}; JS ${number(r.jensenShannon)} ${state.unit}.`;
  }

  /**
   * A typed probability: a value outside [0, 1] is clamped and the field shows
   * the value used, with a note saying what was done (so the field never
   * shows a number the page is not using).
   */
  typed(input, s, i) {
    const text = input.value.trim();
    const v = Number(text);
    const name = `${s.toUpperCase()}(${this.label(i)})`;
    const say = (msg) => {
      this.typeNote.textContent = msg;
      this.typeNote.hidden = !msg;
      if (msg) input.setAttribute('aria-describedby', this.typeNote.id);
      else input.removeAttribute('aria-describedby');
    };
    if (text === '' || !Number.isFinite(v)) {
      input.value = probability(this.ctx.state()[s][i] / UNIT);
      say(`${name}: that is not a number, so it stays ${input.value}.`);
      return;
    }
    const used = Math.min(1, Math.max(0, v));
    this.setValue(s, i, used);
    input.value = probability(this.ctx.state()[s][i] / UNIT);
    if (used !== v) say(`${name}: ${text.replace('-', '−')} is ${v < 0 ? 'below 0' : 'above 1'}, and a probability lies between 0 and 1, so ${input.value} is used; the rest of ${s.toUpperCase()} rescales to keep the total at 1.`);
    else if (Number(input.value) !== v) say(`${name}: ${text} is kept to six decimals, ${input.value}.`);
    else say('');
  }

  fillTable() {
    const { state, r } = this;
    const n = state.p.length;
    const key = `${n}|${state.names.join('\u0000')}`;
    if (this.tableKey !== key) {
      if (this.tableKey === undefined) this.details.open = n <= 10; // open on first view unless it would be a long list
      this.tableKey = key;
      const rows = [];
      for (let i = 0; i < n; i++) {
        const cells = SERIES.map(({ s, name }) => h('td', {}, h('input', {
          type: 'number', min: 0, max: 1, step: 0.01, inputmode: 'decimal', 'aria-label': `${name}(${this.label(i)})`, 'data-series': s, 'data-index': i,
          onchange: (e) => this.typed(e.target, s, i),
        })));
        rows.push(h('tr', {}, h('th', { scope: 'row' }, this.label(i)), cells, h('td', { class: 'num' }, h('output', { 'data-term': i }))));
      }
      this.tbody.replaceChildren(...rows);
    }
    for (const input of this.tbody.querySelectorAll('input')) {
      if (input === document.activeElement) continue;
      const v = probability(state[input.dataset.series][Number(input.dataset.index)] / UNIT);
      if (input.value !== v) input.value = v;
    }
    this.tbody.querySelectorAll('output[data-term]').forEach((o, i) => setOutput(o, r.terms[i]));
  }

  // ---- charts ---------------------------------------------------------------

  bands(f) {
    const n = this.state.p.length;
    const x = scaleBand().domain(range(n)).range([0, f.innerWidth]).paddingInner(n > 12 ? 0.2 : 0.3).paddingOuter(0.15);
    const sub = scaleBand().domain(['p', 'q']).range([0, x.bandwidth()]).paddingInner(0.1);
    return { n, x, sub };
  }

  xAxis(f, x) {
    const longest = max(x.domain(), (i) => this.label(i).length);
    const g = f.plot.selectAll('g.x-axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${f.innerHeight})`);
    g.call(axisBottom(x).tickValues(thinTicks(x.domain(), x.step(), longest)).tickFormat((i) => this.label(i)).tickSizeOuter(0).tickSize(4));
  }

  drawDist(f, { animate }) {
    const { state } = this;
    const { x, sub } = this.bands(f);
    const probs = { p: this.p, q: this.q };
    const need = max([...this.p, ...this.q]) * 1.08;
    const top = [0.25, 0.5, 1].find((t) => t >= need) ?? 1;
    this.yTop = this.dragging ? Math.max(this.yTop, top) : top;
    const y = scaleLinear().domain([0, this.yTop]).range([f.innerHeight, 0]);
    this.y = y;

    f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid')
      .call(axisLeft(y).ticks(5).tickSize(-f.innerWidth).tickFormat(tick2))
      .call((g) => g.select('.domain').remove());
    this.xAxis(f, x);

    const data = SERIES.flatMap(({ s, name }) => Array.from(probs[s], (v, i) => ({ s, name, i, v, key: `${s}${i}` })));
    const bx = (d) => x(d.i) + sub(d.s);
    const t = (sel) => maybeTransition(sel, animate);

    const bars = f.plot.selectAll('g.bars').data([0]).join('g').attr('class', 'bars');
    bars.selectAll('rect.bar').data(data, (d) => d.key).join(
      (enter) => enter.append('rect').attr('class', (d) => `bar bar-${d.s}`).attr('y', y(0)).attr('height', 0)
        .attr('fill', (d) => (d.s === 'q' ? this.patterns.q : null)),
    ).attr('x', bx).attr('width', sub.bandwidth())
      .call((sel) => t(sel).attr('y', (d) => y(Math.min(d.v, this.yTop))).attr('height', (d) => y(0) - y(Math.min(d.v, this.yTop))));

    // A grip on top of each bar: the affordance for dragging.
    const grip = Math.min(18, sub.bandwidth() * 0.6);
    bars.selectAll('line.grip').data(data, (d) => d.key).join((enter) => enter.append('line').attr('class', (d) => `grip grip-${d.s}`).attr('y1', y(0)).attr('y2', y(0)))
      .attr('x1', (d) => bx(d) + sub.bandwidth() / 2 - grip / 2).attr('x2', (d) => bx(d) + sub.bandwidth() / 2 + grip / 2)
      .call((sel) => t(sel).attr('y1', (d) => y(Math.min(d.v, this.yTop))).attr('y2', (d) => y(Math.min(d.v, this.yTop))));

    // The mixture M = (P + Q)/2, a dashed mark across each category's pair of bars.
    const m = this.r.mixture;
    const mix = Array.from(m, (v, i) => ({ i, v }));
    f.plot.selectAll('g.mixture').data([0]).join('g').attr('class', 'mixture')
      .selectAll('line.mix').data(mix, (d) => d.i)
      .join((enter) => enter.append('line').attr('class', 'mix').attr('y1', y(0)).attr('y2', y(0)))
      .attr('x1', (d) => x(d.i) - 2).attr('x2', (d) => x(d.i) + x.bandwidth() + 2)
      .call((sel) => t(sel).attr('y1', (d) => y(Math.min(d.v, this.yTop))).attr('y2', (d) => y(Math.min(d.v, this.yTop))));

    // Values above the bars when there is room, and above M's mark where it crosses the bar's top.
    const showValues = sub.bandwidth() >= 24;
    bars.selectAll('text.value').data(showValues ? data : [], (d) => d.key)
      .join((enter) => enter.append('text').attr('class', (d) => `value value-${d.s}`).attr('text-anchor', 'middle').attr('y', y(0) - 6))
      .attr('x', (d) => bx(d) + sub.bandwidth() / 2).text((d) => label2(d.v))
      .call((sel) => t(sel).attr('y', (d) => y(Math.min(Math.max(d.v, m[d.i]), this.yTop)) - 7));

    // The hit areas: one per bar, full height, focusable sliders.
    const pad = Math.min(4, (x.step() - x.bandwidth()) / 2);
    f.plot.selectAll('g.hits').data([0]).join('g').attr('class', 'hits')
      .selectAll('rect.hit').data(data, (d) => d.key)
      .join((enter) => enter.append('rect').attr('class', (d) => `hit hit-${d.s}`).attr('tabindex', 0).attr('role', 'slider')
        .attr('aria-valuemin', 0).attr('aria-valuemax', 1).attr('pointer-events', 'all').attr('rx', 4)
        .on('keydown', (event, d) => this.onKey(event, d))
        .call(this.dragBehaviour(f)))
      .attr('x', (d) => bx(d) - (d.s === 'p' ? pad : 0)).attr('width', sub.bandwidth() + pad)
      .attr('y', -f.margin.top + 2).attr('height', f.innerHeight + f.margin.top - 2)
      .attr('data-series', (d) => d.s).attr('data-index', (d) => d.i)
      .attr('aria-label', (d) => `${d.name}(${this.label(d.i, state)})`)
      .attr('aria-valuenow', (d) => d.v).attr('aria-valuetext', (d) => `${d.name}(${this.label(d.i, state)}) = ${probability(d.v)}`);
  }

  dragBehaviour(f) {
    const valueAt = (event) => Math.max(0, Math.min(1, this.y.invert(event.y)));
    return drag()
      .container(() => f.plot.node())
      .subject((event) => ({ x: event.x, y: event.y }))
      .on('start', (event, d) => {
        this.dragging = d.key;
        f.svg.classed('dragging', true);
        event.sourceEvent?.target?.focus?.({ preventScroll: true });
        this.setValue(d.s, d.i, valueAt(event));
      })
      .on('drag', (event, d) => this.setValue(d.s, d.i, valueAt(event)))
      .on('end', () => {
        this.dragging = null;
        f.svg.classed('dragging', false);
        this.ctx.refresh({ animate: true }); // rescale the axis now that the pointer is gone
      });
  }

  onKey(event, d) {
    const cur = this.ctx.state()[d.s][d.i] / UNIT;
    const step = event.shiftKey ? 0.001 : 0.01;
    const next = {
      ArrowUp: cur + step, ArrowRight: cur + step, ArrowDown: cur - step, ArrowLeft: cur - step,
      PageUp: cur + 0.1, PageDown: cur - 0.1, Home: 0, End: 1,
    }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    this.setValue(d.s, d.i, Math.max(0, Math.min(1, next)));
  }

  /** A y scale with a band at the top for ∞ when needed (the band holds the ∞ marks), and `below` px left free at the bottom. */
  infScale(f, lo, hi, hasInf, below = 0) {
    return scaleLinear().domain([lo, hi]).range([f.innerHeight - below, hasInf ? 22 : 0]).nice(5);
  }

  drawTerms(f, { animate }) {
    const { r, state } = this;
    const { x } = this.bands(f);
    const terms = Array.from(r.terms);
    const finite = terms.filter(Number.isFinite);
    const hasInf = terms.some((v) => v === Infinity) || r.kl === Infinity;
    const lo = Math.min(0, min(finite) ?? 0);
    let hi = Math.max(0, max(finite) ?? 0, Number.isFinite(r.kl) ? r.kl : 0);
    if (hi - lo < 1e-9) hi = lo + (state.unit === 'bits' ? 0.2 : 0.15);
    const t = (sel) => maybeTransition(sel, animate);
    const w = Math.min(x.bandwidth(), 56);
    const bx = (i) => x(i) + (x.bandwidth() - w) / 2;
    const labelled = w >= 30;
    // A negative term's value sits under its bar: keep room for it above the category names.
    const below = labelled && finite.some((v) => v < 0) ? 17 : 0;
    const y = this.infScale(f, lo, hi, hasInf, below);

    // The tick labels take the precision of the tick step (d3's tickFormat), so no two read the same.
    f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid')
      .call(axisLeft(y).ticks(5).tickSize(-f.innerWidth).tickFormat(y.tickFormat(5, '~f')))
      .call((g) => g.select('.domain').remove());
    this.xAxis(f, x);
    f.plot.selectAll('text.axis-unit').data([0]).join('text').attr('class', 'axis-unit').attr('x', -f.margin.left + 2).attr('y', -8).text(state.unit);

    const data = terms.map((v, i) => ({ i, v }));
    const top = 0;
    const yv = (v) => (v === Infinity ? top : y(v));
    f.plot.selectAll('g.bars').data([0]).join('g').attr('class', 'bars')
      .selectAll('rect.term').data(data, (d) => d.i)
      .join((enter) => enter.append('rect').attr('y', y(0)).attr('height', 0))
      .attr('class', (d) => `term ${d.v === Infinity ? 'term-inf' : d.v < 0 ? 'term-neg' : 'term-pos'}`)
      .attr('fill', (d) => (d.v === Infinity ? this.patterns.fadeTerm : d.v < 0 ? this.patterns.neg : null))
      .attr('x', (d) => bx(d.i)).attr('width', w)
      .call((sel) => t(sel).attr('y', (d) => Math.min(y(0), yv(d.v))).attr('height', (d) => Math.abs(yv(d.v) - y(0))));

    const labels = labelled ? data : data.filter((d) => d.v === Infinity);
    f.plot.selectAll('g.labels').data([0]).join('g').attr('class', 'labels')
      .selectAll('text').data(labels, (d) => d.i)
      .join('text').attr('text-anchor', 'middle')
      .attr('class', (d) => (d.v === Infinity ? 'inf-mark' : 'value'))
      .attr('x', (d) => bx(d.i) + w / 2)
      .attr('y', (d) => (d.v === Infinity ? 14 : d.v < 0 ? y(d.v) + 13 : y(d.v) - 5))
      .text((d) => (d.v === Infinity ? '∞' : number(d.v, { digits: 3 })));

    f.plot.selectAll('line.zero').data([0]).join('line').attr('class', 'zero').attr('x1', 0).attr('x2', f.innerWidth).attr('y1', y(0)).attr('y2', y(0));
    // The sum as a line across the terms; when it is infinite, only its label (at the top, with the ∞ marks).
    const sy = r.kl === Infinity ? 0 : y(r.kl);
    f.plot.selectAll('line.sum').data(r.kl === Infinity ? [] : [0]).join('line').attr('class', 'sum').attr('x1', 0).attr('x2', f.innerWidth)
      .call((sel) => t(sel).attr('y1', sy).attr('y2', sy));
    f.plot.selectAll('text.sum-label').data([0]).join('text').attr('class', 'sum-label').attr('text-anchor', 'end').attr('x', f.innerWidth - 2)
      .text(`Σ = KL = ${number(r.kl, { digits: 3 })}`)
      .call((sel) => t(sel).attr('y', r.kl === Infinity ? -6 : sy - 5 < 12 ? sy + 14 : sy - 5));
  }

  drawCode(f, { animate }) {
    const { r, p } = this;
    const { x, sub } = this.bands(f);
    const codes = { p: Array.from(r.codeP), q: Array.from(r.codeQ) };
    const all = [...codes.p, ...codes.q];
    const finite = all.filter(Number.isFinite);
    const hasInf = all.some((v) => v === Infinity);
    const y = this.infScale(f, 0, Math.max(2, max(finite) ?? 0), hasInf);
    const t = (sel) => maybeTransition(sel, animate);

    f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid')
      .call(axisLeft(y).ticks(5).tickSize(-f.innerWidth).tickFormat(format('~g')))
      .call((g) => g.select('.domain').remove());
    this.xAxis(f, x);
    f.plot.selectAll('text.axis-unit').data([0]).join('text').attr('class', 'axis-unit').attr('x', -f.margin.left + 2).attr('y', -8).text('bits');

    const data = SERIES.flatMap(({ s }) => codes[s].map((v, i) => ({ s, i, v, key: `${s}${i}`, unused: !(p[i] > 0) })));
    const yv = (v) => (v === Infinity ? 0 : y(v));
    const fill = (d) => (d.v === Infinity ? (d.s === 'p' ? this.patterns.fadeP : this.patterns.fadeQ) : d.s === 'q' ? this.patterns.qCode : null);
    f.plot.selectAll('g.bars').data([0]).join('g').attr('class', 'bars')
      .selectAll('rect.bar').data(data, (d) => d.key)
      .join((enter) => enter.append('rect').attr('y', y(0)).attr('height', 0))
      .attr('class', (d) => `bar bar-${d.s}${d.v === Infinity ? ' bar-inf' : ''}${d.unused ? ' unused' : ''}`)
      .attr('fill', fill)
      .attr('x', (d) => x(d.i) + sub(d.s)).attr('width', sub.bandwidth())
      .call((sel) => t(sel).attr('y', (d) => yv(d.v)).attr('height', (d) => y(0) - yv(d.v)));
    const roomy = sub.bandwidth() >= 26;
    f.plot.selectAll('g.labels').data([0]).join('g').attr('class', 'labels')
      .selectAll('text').data(data.filter((d) => d.v === Infinity || roomy), (d) => d.key)
      .join('text').attr('text-anchor', 'middle')
      .attr('class', (d) => `${d.v === Infinity ? 'inf-mark' : `value value-${d.s}`}${d.unused ? ' unused' : ''}`)
      .attr('x', (d) => x(d.i) + sub(d.s) + sub.bandwidth() / 2)
      .attr('y', (d) => (d.v === Infinity ? 14 : y(d.v) - 5)).text((d) => (d.v === Infinity ? '∞' : number(d.v, { digits: 2 })));
  }

}

export default defineLab({
  id: 'divergence',
  title: 'Divergence',
  blurb: 'KL(P‖Q) between two discrete distributions: drag, compare, decode',
  schema,
  check,
  View,
});
