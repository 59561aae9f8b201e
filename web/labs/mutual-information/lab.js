// The Mutual information lab: a joint table P(X, Y) of up to 8 × 8 cells, edited
// by dragging a cell up or down, by keyboard or by typing; beside it the product
// of its marginals and the pointwise terms of I(X;Y) = KL(P_XY ‖ P_X P_Y); the
// entropies as two overlapping bars; and the information bottleneck of the same
// table: the encoder p(t|x) at one β and, on request, the whole curve traced by
// sweeping β. One call into Go per update (klplay.mutualInformationLab); the
// sweep is its own call (klplay.mutualInformationSweep), cached until the table,
// |T|, the seed or the unit change. Below them, contrastive.js estimates I(X;Y)
// of a Gaussian pair with InfoNCE and NWJ as critics train (its own call).
import { scaleBand, scaleLinear } from 'd3-scale';
import { axisBottom, axisLeft, axisTop } from 'd3-axis';
import { drag } from 'd3-drag';
import { line } from 'd3-shape';
import { range, max } from 'd3-array';
import { format } from 'd3-format';
import { select } from 'd3-selection';
import { h, mathml, setText, uniqueId } from '../../lib/dom.js';
import { LabView, defineLab, formula, labHead, presetChips, prose, sameValues, segmented, toolbar } from '../../lib/lab.js';
import { bounds } from '../../lib/controls.js';
import { hatch, swatch } from '../../lib/chart.js';
import { number, probability } from '../../lib/format.js';
import { UNIT, toProbabilities, setProbability, fromWeights } from '../../lib/measure.js';
import { presets } from './presets.js';
import formulas from './formulas.tex';
import { Contrastive, TRAIN_FIELDS, TRAIN_READOUTS, fixed } from './contrastive.js';
import labInfo from '../../../core/session/labs/mutual-information.json';

// One schema for the controls, the URL hash and saved sessions (core/session).
const { fields: schema } = labInfo;
const field = (name) => schema.find((f) => f.name === name);
const MIN_SIDE = field('rows').min;
const MAX_SIDE = field('rows').max;
const MIN_T = field('clusters').min;
const MAX_T = field('clusters').max;
const BETA_MIN = field('beta').min;
const BETA_MAX = field('beta').max;

/** Cross-field rule: the flat table has rows × cols cells (else all three fall back to their defaults). */
function check(state) {
  if (state.distribution.length === state.rows * state.cols) return { state, problems: [] };
  return {
    state: { ...state, rows: field('rows').default, cols: field('cols').default, distribution: fromWeights(field('distribution').default) },
    problems: [`distribution has ${state.distribution.length} cells but rows × cols is ${state.rows} × ${state.cols}; the table was reset`],
  };
}

const READOUTS = [
  { key: 'hx', name: 'H(X)', hint: 'entropy of X (the rows)' },
  { key: 'hy', name: 'H(Y)', hint: 'entropy of Y (the columns)' },
  { key: 'hxy', name: 'H(X, Y)', hint: 'joint entropy' },
  { key: 'hxGivenY', name: 'H(X | Y)', hint: 'X left unknown once Y is known' },
  { key: 'hyGivenX', name: 'H(Y | X)', hint: 'Y left unknown once X is known' },
];

const KEY_STEP = 0.01;
const PAGE_STEP = 0.05;
const DRAG_PX = 250; // pixels of vertical drag per unit of mass

const short = (v) => (v >= 0.995 ? '1' : format('.2f')(v).replace(/^0\./, '.'));
const signed = (v) => {
  if (v === 0) return '0';
  const s = format('.2f')(Math.abs(v)).replace(/^0\./, '.');
  if (s === '.00') return v > 0 ? '+0' : '−0';
  return `${v > 0 ? '+' : '−'}${s}`;
};
const roundBeta = (b) => Math.min(BETA_MAX, Math.max(BETA_MIN, Number(b.toPrecision(3))));

/** Resizes a flat R × C table to R2 × C2: new cells get the mean mass, then everything is rescaled. */
function resizeTable(units, R, C, R2, C2) {
  const mean = UNIT / (R * C);
  const w = [];
  for (let i = 0; i < R2; i++) for (let j = 0; j < C2; j++) w.push(i < R && j < C ? units[i * C + j] : mean);
  return fromWeights(w);
}

/** Square cells that fit the width: at most `maxCell` pixels, at least 18. */
function cellFor(width, margin, cols, maxCell = 58) {
  return Math.max(18, Math.min(maxCell, Math.floor((width - margin.left - margin.right) / cols)));
}

class View extends LabView {
  constructor(el, ctx) {
    super(el, ctx);
    this.sweep = null; // {key, beta, ixt, ity, ixy, hx, ms}
    this.focusK = 0;
    this.dragging = null;
    this.build();
  }

  // ---- state changes ------------------------------------------------------

  setCell(k, v) {
    const st = this.ctx.state();
    const next = setProbability(st.distribution, k, Math.max(0, Math.min(1, v)));
    if (!sameValues(next, st.distribution)) this.ctx.set({ ...st, distribution: next });
  }

  setSize(rows, cols) {
    const st = this.ctx.state();
    rows = Math.max(MIN_SIDE, Math.min(MAX_SIDE, Math.round(rows)));
    cols = Math.max(MIN_SIDE, Math.min(MAX_SIDE, Math.round(cols)));
    if (!Number.isFinite(rows) || !Number.isFinite(cols) || (rows === st.rows && cols === st.cols)) return;
    this.focusK = Math.min(this.focusK, rows * cols - 1);
    this.ctx.set({ ...st, rows, cols, distribution: resizeTable(st.distribution, st.rows, st.cols, rows, cols) });
  }

  applyPreset(ps, noise) {
    const st = this.ctx.state();
    const n = noise ?? st.noise;
    this.ctx.set({ ...st, noise: n, distribution: fromWeights(ps.make(st.rows, st.cols, n)) });
  }

  runSweep() {
    const st = this.ctx.state();
    const t0 = performance.now();
    const s = this.ctx.klplay.mutualInformationSweep(this.goState(st));
    // 'klplay:sweep' is the β sweep's script time, read by `make bench`.
    performance.measure('klplay:sweep', { start: t0, end: performance.now() });
    this.sweep = { key: this.sweepKey(st), ...s, ms: performance.now() - t0 };
    this.ctx.refresh();
  }

  sweepKey(st) {
    return `${st.rows}|${st.cols}|${st.clusters}|${st.seed}|${st.unit}|${st.distribution.join(',')}`;
  }

  goState(st) {
    return { ...st, distribution: toProbabilities(st.distribution) };
  }

  // ---- DOM ------------------------------------------------------------------

  build() {
    const { el } = this;
    const { keep, out } = this.readouts;
    this.unitSpans = [];
    const unitSpan = () => { const s = h('span', { class: 'unit' }, 'bits'); this.unitSpans.push(s); return s; };

    // Header and toolbar.
    this.presets = presetChips(presets, (ps) => this.applyPreset(ps));
    const noiseId = uniqueId('mi-noise');
    this.noiseInput = h('input', { type: 'range', id: noiseId, ...bounds(field('noise')), step: 0.01, oninput: (e) => this.applyPreset(presets[2], Number(e.target.value)) });
    this.noiseOut = h('output', { for: noiseId, class: 'mi-noise-value' });
    const stepper = (key, name, label, set) => {
      const id = `mi-${name}`;
      const get = () => this.ctx.state()[key];
      const input = h('input', { type: 'number', id, ...bounds(field(key)), step: 1, inputmode: 'numeric', onchange: (e) => set(Number(e.target.value)) });
      return {
        input,
        el: h('div', { class: 'stepper' },
          h('label', { for: id, class: 'toolbar-label' }, label),
          h('button', { type: 'button', class: 'step', 'aria-label': `Fewer ${name}`, onclick: () => set(get() - 1) }, '−'),
          input,
          h('button', { type: 'button', class: 'step', 'aria-label': `More ${name}`, onclick: () => set(get() + 1) }, '+')),
      };
    };
    this.rowsStep = stepper('rows', 'rows', 'X values', (n) => this.setSize(n, this.ctx.state().cols));
    this.colsStep = stepper('cols', 'columns', 'Y values', (n) => this.setSize(this.ctx.state().rows, n));
    this.unitChoice = segmented({ name: 'mi-unit', legend: 'Units', group: 'unit', choose: (u) => this.set({ unit: u }), options: [{ value: 'bits' }, { value: 'nats' }] });

    el.append(
      labHead('mutual-information', 'Mutual information', 'How much does knowing X tell you about Y? Mutual information answers with a divergence: how far the joint table P(X, Y) is from ',
          h('em', {}, 'the table it would be if X and Y were independent'), ', the product of its row and column sums. Edit the table; everything else follows.'),
      toolbar('mi', { presets: [this.presets.buttons,
          h('span', { class: 'mi-noise' }, h('label', { for: noiseId }, 'noise'), this.noiseInput, this.noiseOut)], settings: [this.rowsStep.el, this.colsStep.el, this.unitChoice.el] }),
    );

    // The joint table and the readouts.
    this.jointHost = h('div', { class: 'chart-host' });
    this.diagramHost = h('div', { class: 'chart-host mi-diagram-host' });
    const readoutRows = READOUTS.map((d) => h('div', { class: 'readout' },
      h('span', { class: 'readout-name', id: `mi-ro-${d.key}` }, d.name),
      h('span', { class: 'readout-value' }, out(d.key, { 'aria-labelledby': `mi-ro-${d.key}` }), unitSpan()),
      h('span', { class: 'readout-hint' }, d.hint)));
    this.zeroNote = h('p', { class: 'callout callout-eq', hidden: true }, 'The table is the product of its marginals: X and Y are independent, so I(X;Y) = 0. Knowing one tells you nothing about the other.');
    el.append(h('div', { class: 'grid grid-top' },
      h('figure', { class: 'card fig-joint' },
        h('figcaption', {}, h('h2', {}, 'The joint table P(X, Y)'),
          h('p', { class: 'legend' }, h('span', {}, swatch('p'), 'darker = more mass'), h('span', {}, 'side bars: P(X), P(Y)'))),
        this.jointHost,
        h('p', { class: 'fig-note', id: 'mi-keys', 'data-embed': 'hint' }, 'Drag a cell up or down to change its mass; the other cells rescale so the table still sums to 1. Keyboard: Tab into the table, arrow keys move between cells, + and − change the focused cell by 0.01 (Page Up and Page Down by 0.05), 0 empties it.')),
      h('aside', { class: 'card readouts', 'aria-label': 'Readouts', 'data-embed-group': 'readouts' },
        h('div', { class: 'hero' },
          h('span', { class: 'hero-name', id: 'mi-ro-mi' }, 'I(X;Y)'),
          h('span', { class: 'hero-value' }, out('mi', { 'aria-labelledby': 'mi-ro-mi' }), unitSpan()),
          h('span', { class: 'hero-hint' }, '= KL(P(X,Y) ‖ P(X) P(Y))')),
        this.zeroNote,
        h('div', { class: 'readout-grid' }, readoutRows),
        h('div', { class: 'mi-diagram' },
          h('h3', { class: 'mi-subhead' }, 'The entropies, to scale'),
          this.diagramHost,
          h('p', { class: 'fig-note' }, 'Bar lengths are the values. The overlap of H(X) and H(Y) is I(X;Y); together they span H(X, Y). The axis runs to log(rows × cols), the most a table this size can hold.'))),
    ));

    // The product of marginals and the pointwise terms.
    this.productHost = h('div', { class: 'chart-host' });
    this.termsHost = h('div', { class: 'chart-host' });
    el.append(h('div', { class: 'grid grid-charts' },
      h('figure', { class: 'card fig-product' },
        h('figcaption', {}, h('h2', {}, 'If they were independent: P(X) P(Y)'),
          h('p', { class: 'legend' }, h('span', {}, swatch('p'), 'same shading as the joint'))),
        this.productHost,
        h('p', { class: 'fig-note', 'data-embed': 'text' }, 'Each cell is its row’s total times its column’s total. Compare it cell by cell with the joint: wherever they differ, X and Y are dependent.')),
      h('figure', { class: 'card fig-terms' },
        h('figcaption', {}, h('h2', {}, 'Pointwise terms p log(p / (p(x) p(y)))'),
          h('p', { class: 'legend' }, h('span', {}, swatch('pos'), 'more often than independence predicts'), h('span', {}, swatch('neg'), 'less often'))),
        this.termsHost,
        h('p', { class: 'fig-note' }, 'In ', h('span', { class: 'unit-inline' }, 'bits'), '. They sum to I(X;Y). Negative cells are real, but they never outweigh the positive ones: I(X;Y) ≥ 0, with 0 only for independence.')),
    ));

    // Formulas and explanation.
    this.sumOut = keep('miSum', h('output', { 'data-readout': 'miSum' }));
    el.append(h('div', { class: 'grid grid-mid' },
      h('section', { class: 'card formulas', 'aria-labelledby': 'mi-formulas-h', 'data-embed-group': 'formulas' },
        h('h2', { id: 'mi-formulas-h' }, 'The formulas, live'),
        formula(formulas.mi, h('p', { class: 'formula-value' }, '= ', keep('mi', h('output', { 'data-readout': 'mi' })), ' ', unitSpan())),
        formula(formulas.entropies, h('p', { class: 'formula-value identity' }, keep('hx', h('output', {})), ' + ', keep('hy', h('output', {})), ' − ', keep('hxy', h('output', {})), ' ', unitSpan())),
        formula(formulas.conditional, h('p', { class: 'formula-value identity' }, keep('hx', h('output', {})), ' − ', keep('hxGivenY', h('output', {})), ' ', unitSpan()))),
      prose('mi', 'What you are looking at',
        'If X and Y were independent, every cell would be its row total times its column total. Mutual information is the KL divergence of the real table from that product: the expected number of extra bits you would pay for coding pairs (x, y) as if X and Y had nothing to do with each other.',
        h('p', {}, 'It is also the drop in uncertainty about one variable once you see the other, H(X) − H(X | Y), which is why it is symmetric and can never exceed either entropy. ',
          h('em', {}, 'Deterministic'), ' makes Y a function of X, so H(Y | X) = 0; ', h('em', {}, 'XOR-like'), ' spreads mass evenly over every row and every column and still carries information, because the pattern lives in the pairs, not in the marginals.')),
    ));

    // The information bottleneck.
    this.encoderHost = h('div', { class: 'chart-host' });
    this.curveHost = h('div', { class: 'chart-host' });
    const tId = 'mi-clusters';
    this.tInput = h('input', { type: 'number', id: tId, ...bounds(field('clusters')), step: 1, inputmode: 'numeric', onchange: (e) => this.setClusters(Number(e.target.value)) });
    this.betaRange = h('input', { type: 'range', id: 'mi-beta', ...bounds(field('beta'), { log: true }), step: 0.01,
      'aria-valuetext': '', oninput: (e) => this.setBeta(10 ** Number(e.target.value)) });
    this.betaBox = h('input', { type: 'number', class: 'slider-box', ...bounds(field('beta')), step: 'any', inputmode: 'decimal', 'aria-label': 'β (typed)',
      onchange: (e) => { const v = Number(e.target.value); if (e.target.value !== '' && Number.isFinite(v)) this.setBeta(v); else e.target.value = String(this.ctx.state().beta); } });
    this.sweepButton = h('button', { type: 'button', class: 'chip mi-sweep', 'data-action': 'sweep', onclick: () => this.runSweep() }, 'Trace the curve (sweep β)');
    this.seedButton = h('button', { type: 'button', class: 'chip', onclick: () => { const st = this.ctx.state(); this.ctx.set({ ...st, seed: st.seed >= field('seed').max ? 1 : st.seed + 1 }); } }, 'New random start');
    this.seedOut = h('output', { class: 'small mi-seed' });
    this.ibStatus = h('p', { class: 'small mi-ib-status' });
    this.ibStartNote = h('p', { class: 'small mi-ib-starts', 'aria-live': 'polite', hidden: true });
    this.sweepStatus = h('p', { class: 'small mi-sweep-status', 'aria-live': 'polite' });
    el.append(h('section', { class: 'card mi-ib', 'aria-labelledby': 'mi-ib-h', 'data-embed-group': 'bottleneck' },
      h('div', { class: 'mi-ib-head' },
        h('h2', { id: 'mi-ib-h' }, 'The information bottleneck'),
        h('p', { class: 'small' }, 'Squeeze X through a variable T with only |T| values, keeping what matters about Y. The encoder p(t|x) minimises I(X;T) − β I(T;Y): small β favours forgetting X, large β favours predicting Y.')),
      h('div', { class: 'mi-ib-controls' },
        h('div', { class: 'stepper' },
          h('label', { for: tId, class: 'toolbar-label' }, '|T|'),
          h('button', { type: 'button', class: 'step', 'aria-label': 'Fewer clusters', onclick: () => this.setClusters(this.ctx.state().clusters - 1) }, '−'),
          this.tInput,
          h('button', { type: 'button', class: 'step', 'aria-label': 'More clusters', onclick: () => this.setClusters(this.ctx.state().clusters + 1) }, '+')),
        h('div', { class: 'slider mi-beta' }, h('label', { for: 'mi-beta', class: 'slider-label' }, 'β'), this.betaRange, this.betaBox),
        h('div', { class: 'mi-ib-buttons' }, this.seedButton, this.seedOut)),
      h('div', { class: 'grid mi-ib-grid' },
        h('figure', { class: 'fig-encoder' },
          h('figcaption', {}, h('h3', {}, 'The encoder p(t | x)'),
            h('p', { class: 'legend' }, h('span', {}, swatch('t'), 'each row sums to 1'))),
          this.encoderHost,
          h('div', { class: 'readout-grid mi-ib-readouts' },
            h('div', { class: 'readout' }, h('span', { class: 'readout-name', id: 'mi-ro-ixt' }, 'I(X;T)'),
              h('span', { class: 'readout-value' }, out('ixt', { 'aria-labelledby': 'mi-ro-ixt' }), unitSpan()), h('span', { class: 'readout-hint' }, 'what T keeps about X: the cost')),
            h('div', { class: 'readout' }, h('span', { class: 'readout-name', id: 'mi-ro-ity' }, 'I(T;Y)'),
              h('span', { class: 'readout-value' }, out('ity', { 'aria-labelledby': 'mi-ro-ity' }), unitSpan()), h('span', { class: 'readout-hint' }, 'what T keeps about Y: the gain'))),
          this.ibStartNote,
          this.ibStatus),
        h('figure', { class: 'fig-curve' },
          h('figcaption', {}, h('h3', {}, 'The bottleneck curve'), this.sweepButton),
          this.curveHost,
          this.sweepStatus,
          h('p', { class: 'fig-note' }, 'Each point is the best trade-off found at one β, from 0.1 to 1000. T only sees X, so I(T;Y) can never pass I(X;Y) (the dashed ceiling) nor I(X;T) (the diagonal): the data-processing inequality.'))),
      formula(formulas.ib, h('div', { class: 'math' }, mathml(formulas.update))),
      h('p', { class: 'small' }, 'The page iterates the self-consistent equations of Tishby, Pereira and Bialek from several seeded random encoders until they stop moving, moves single rows between clusters (or into an emptied one) while that lowers I(X;T) − β I(T;Y), and keeps the best. The curve warms each β up from the solution at the β before it, so clusters split one by one as β crosses critical values, and each point is the lowest I(X;T) − β I(T;Y) among all the encoders the sweep found, at any β.')));

    // Self-supervised estimation of I(X;Y) by contrastive bounds.
    this.nce = new Contrastive(this, field, formulas);
    this.player = this.nce.player; // LabView.destroy() ends it with the lab
    el.append(this.nce.el);

    // Typing the numbers.
    this.tableEl = h('table', { class: 'mi-table' });
    el.append(this.details = h('details', { class: 'card numbers', 'data-embed-group': 'table' },
      h('summary', {}, h('h2', {}, 'Edit the numbers')),
      h('div', { class: 'table-wrap' }, this.tableEl),
      h('p', { class: 'small' }, 'Type a probability and press Enter; the other cells rescale to keep the total at 1.')));

    el.append(this.readouts.live);

    // Charts.
    const mJoint = { top: 26, right: 76, bottom: 46, left: 34 };
    const mHeat = { top: 26, right: 8, bottom: 8, left: 34 };
    const heatHeight = (m, rows, cols, maxCell) => (w) => m.top + m.bottom + rows() * cellFor(w, m, cols(), maxCell);
    const R = () => this.state?.rows ?? 4;
    const C = () => this.state?.cols ?? 4;
    this.joint = this.frame(this.jointHost, { height: heatHeight(mJoint, R, C, 76), margin: mJoint, role: 'group', label: 'The joint table P(X, Y); each cell is a slider. Arrow keys move between cells, plus and minus change the mass.', draw: (f, info) => this.drawJoint(f, info), csv: () => this.cellsCSV(this.P, 'P(x, y)') });
    this.product = this.frame(this.productHost, { height: heatHeight(mHeat, R, C, 48), margin: mHeat, label: 'The product of the marginals P(X) P(Y)', draw: (f, info) => this.drawProduct(f, info), csv: () => this.cellsCSV(this.r.product, 'P(x) P(y)') });
    this.terms = this.frame(this.termsHost, { height: heatHeight(mHeat, R, C, 48), margin: mHeat, label: 'Pointwise terms of I(X;Y), cell by cell', draw: (f, info) => this.drawTerms(f, info), csv: () => this.cellsCSV(this.r.terms, `P(x, y) log(P(x, y) / (P(x) P(y))) (${this.state.unit})`) });
    this.diagram = this.frame(this.diagramHost, { height: 128, margin: { top: 20, right: 10, bottom: 22, left: 10 }, label: 'H(X) and H(Y) as overlapping bars; the overlap is I(X;Y)', draw: (f, info) => this.drawDiagram(f, info),
      csv: () => ({ columns: ['quantity', `value (${this.state.unit})`], rows: [['H(X)', this.r.hx], ['H(Y)', this.r.hy], ['H(X, Y)', this.r.hxy], ['H(X | Y)', this.r.hxGivenY], ['I(X;Y)', this.r.mi]] }) });
    const mEnc = { top: 26, right: 8, bottom: 30, left: 34 };
    this.encoder = this.frame(this.encoderHost, { height: (w) => mEnc.top + mEnc.bottom + R() * cellFor(w, mEnc, this.state?.clusters ?? 2, 44), margin: mEnc, label: 'The encoder p(t|x): one row per x, one column per cluster t', draw: (f, info) => this.drawEncoder(f, info), csv: () => this.cellsCSV(this.r.encoder, 'p(t | x)', this.state.clusters, 't') });
    this.curve = this.frame(this.curveHost, { height: (w) => Math.round(Math.max(220, Math.min(300, w * 0.62))), margin: { top: 14, right: 14, bottom: 40, left: 48 }, label: 'The bottleneck curve: I(T;Y) against I(X;T) as β grows', draw: (f, info) => this.drawCurve(f, info),
      csv: () => { const s = this.sweep; const u = this.state.unit; return { columns: ['β', `I(X;T) (${u})`, `I(T;Y) (${u})`], rows: s ? Array.from(s.beta, (b, i) => [b, s.ixt[i], s.ity[i]]) : [] }; } });
    this.nceChart = this.frame(this.nce.chartHost, { height: (w) => Math.round(Math.max(230, Math.min(320, w * 0.5))), margin: { top: 16, right: 54, bottom: 34, left: 44 },
      label: 'InfoNCE and NWJ estimates of I(X;Y) on each training batch, with the true I(X;Y) and log K', draw: (f) => this.nce.draw(f),
      csv: () => { const t = this.nce.t; const u = this.state.unit; return { columns: ['update', `InfoNCE (${u})`, `NWJ (${u})`, `E[NWJ] of the critic (${u})`], rows: Array.from(t.nce, (v, i) => [i + 1, v, t.nwj[i], t.nwjMean[i]]) }; } });
    this.patterns = { hy: hatch(this.diagram.defs, 'var(--q)', { opacity: 0.8 }) };
    this.joint.draw = (f) => this.drawJoint(f);
    this.product.draw = (f) => this.drawProduct(f);
    this.terms.draw = (f) => this.drawTerms(f);
    this.diagram.draw = (f) => this.drawDiagram(f);
    this.encoder.draw = (f) => this.drawEncoder(f);
    this.curve.draw = (f) => this.drawCurve(f);
    this.nceChart.draw = (f) => this.nce.draw(f);
  }

  setClusters(n) {
    const st = this.ctx.state();
    n = Math.max(MIN_T, Math.min(MAX_T, Math.round(n)));
    if (Number.isFinite(n) && n !== st.clusters) this.ctx.set({ ...st, clusters: n });
  }

  setBeta(b) {
    const st = this.ctx.state();
    b = roundBeta(b);
    if (Number.isFinite(b) && b !== st.beta) this.ctx.set({ ...st, beta: b });
  }

  // ---- update ---------------------------------------------------------------

  update(state) {
    const prev = this.state;
    this.state = state;
    // The training section has its own call; the table and the bottleneck are
    // recomputed only when one of their fields changed (not on every training step).
    const trained = this.nce.update(state, prev);
    const mainChanged = !prev || this.sweepDrawn !== this.sweep || Object.keys(state).some((k) => !TRAIN_FIELDS.includes(k) && prev[k] !== state[k]);
    if (mainChanged) this.updateMain(state, prev);
    this.readouts.set({ ...this.mainValues, ...this.nce.values }, (v, key) => (key === 'nceStep' ? String(v) : TRAIN_READOUTS.includes(key) ? fixed(v) : number(v)));
    if (trained) {
      if (!this.nceChart.ready) { this.nceChart.ready = true; this.nceChart.redraw(); } else this.nceChart.draw(this.nceChart);
    }
    if (prev !== null && !this.player.playing) this.readouts.announce();
  }

  updateMain(state, prev) {
    this.P = toProbabilities(state.distribution);
    this.r = this.ctx.klplay.mutualInformationLab(this.goState(state));
    const { r } = this;
    if (this.sweep && this.sweep.key !== this.sweepKey(state)) this.sweep = null;

    // Controls.
    const { rows, cols } = state;
    if (document.activeElement !== this.rowsStep.input) this.rowsStep.input.value = String(rows);
    if (document.activeElement !== this.colsStep.input) this.colsStep.input.value = String(cols);
    if (document.activeElement !== this.tInput) this.tInput.value = String(state.clusters);
    this.unitChoice.set(state.unit);
    for (const s of this.unitSpans) setText(s, state.unit);
    for (const s of this.el.querySelectorAll('.unit-inline')) setText(s, state.unit);
    if (document.activeElement !== this.noiseInput) this.noiseInput.value = String(state.noise);
    setText(this.noiseOut, format('.2f')(state.noise));
    this.presets.mark((ps) => sameValues(fromWeights(ps.make(rows, cols, state.noise)), state.distribution));
    if (document.activeElement !== this.betaRange) this.betaRange.value = String(Math.log10(state.beta));
    this.betaRange.setAttribute('aria-valuetext', `β = ${state.beta}`);
    if (document.activeElement !== this.betaBox) this.betaBox.value = String(state.beta);
    setText(this.seedOut, `seed ${state.seed}`);
    if (this.focusK >= rows * cols) this.focusK = 0;

    // Readouts.
    this.mainValues = { ...r, miSum: r.mi };
    this.zeroNote.hidden = !(r.mi < 1e-9); // the page's 1e-6 grid leaves ~1e-11 of rounding
    const starts = r.starts > 1 ? `${r.starts} random starts` : 'the random start';
    this.ibStatus.textContent = `${r.converged ? 'Converged' : 'Stopped without converging'} after ${r.iterations} iteration${r.iterations === 1 ? '' : 's'} from ${starts} with seed ${state.seed}.`;
    // The readouts are the best of several starts; say so when the starts ended at different encoders.
    this.ibStartNote.hidden = !r.startDependent;
    this.ibStartNote.textContent = r.startDependent ? `Other starts find other encoders; this is the best of ${r.starts}.` : '';
    this.sweepButton.textContent = this.sweep ? 'Trace again' : 'Trace the curve (sweep β)';
    this.sweepStatus.textContent = this.sweep
      ? `Traced ${this.sweep.beta.length} values of β in ${Math.round(this.sweep.ms)} ms.`
      : 'Press “Trace the curve” to sweep β for this table.';

    // Charts and table.
    // Re-measure (frame.redraw reads the layout) only when the charts' shapes change;
    // otherwise draw into the frames as last measured: reading clientWidth after the
    // previous chart's writes would force a layout per chart. Each chart is drawn
    // only when what it shows changed.
    const shape = `${rows}x${cols}x${state.clusters}`;
    const fresh = shape !== this.shape;
    this.shape = shape;
    const tableChanged = !prev || prev.distribution !== state.distribution || prev.unit !== state.unit || fresh;
    const ibChanged = tableChanged || prev.beta !== state.beta || prev.seed !== state.seed;
    const charts = [
      [this.joint, tableChanged], [this.product, tableChanged], [this.terms, tableChanged], [this.diagram, tableChanged],
      [this.encoder, ibChanged], [this.curve, ibChanged || this.sweepDrawn !== this.sweep],
    ];
    for (const [c, changed] of charts) {
      if (fresh || !c.ready) { c.ready = true; c.redraw(); } else if (changed) c.draw(c);
    }
    this.sweepDrawn = this.sweep;
    this.fillTable();
    if (!this.autoSwept) {
      // Trace the curve once for the first table the reader sees; afterwards only on request.
      this.autoSwept = true;
      this.autoTimer = setTimeout(() => { if (!this.sweep) this.runSweep(); }, 0);
    }
  }

  speak() {
    const { r, state } = this;
    if (!r) return;
    const u = state.unit;
    return `I(X;Y) ${number(r.mi)} ${u}; H(X) ${number(r.hx)}; H(Y) ${number(r.hy)}; bottleneck I(X;T) ${number(r.ixt)}, I(T;Y) ${number(r.ity)} ${u}.${this.nce.speak()}`;
  }

  fillTable() {
    const { rows, cols } = this.state;
    const key = `${rows}x${cols}`;
    if (this.tableKey !== key) {
      if (this.tableKey === undefined) this.details.open = false;
      this.tableKey = key;
      const head = h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'P(x, y)'), range(cols).map((j) => h('th', { scope: 'col' }, `y${j + 1}`))));
      const body = h('tbody', {}, range(rows).map((i) => h('tr', {}, h('th', { scope: 'row' }, `x${i + 1}`),
        range(cols).map((j) => h('td', {}, h('input', {
          type: 'number', min: 0, max: 1, step: 0.01, inputmode: 'decimal', 'aria-label': `P(x${i + 1}, y${j + 1})`, 'data-k': i * cols + j,
          onchange: (e) => { const v = Number(e.target.value); if (e.target.value !== '' && Number.isFinite(v)) this.setCell(i * cols + j, v); else e.target.value = probability(this.ctx.state().distribution[i * cols + j] / UNIT); },
        }))))));
      this.tableEl.replaceChildren(head, body);
    }
    for (const input of this.tableEl.querySelectorAll('input')) {
      if (input === document.activeElement) continue;
      const v = probability(this.P[Number(input.dataset.k)]);
      if (input.value !== v) input.value = v;
    }
  }

  // ---- heatmaps ---------------------------------------------------------------

  /** The shared grid of a heatmap: square cells, centred, with x/y labels from d3 axes. */
  grid(f, rows, cols, maxCell, geom, rowName = 'x', colName = 'y') {
    const cell = cellFor(f.width, f.margin, cols, maxCell);
    if (!geom) return { g: f.plot.select('g.heat'), cell };
    const ox = Math.max(0, Math.floor((f.innerWidth - cols * cell) / 2));
    const g = f.plot.selectAll('g.heat').data([0]).join('g').attr('class', 'heat').attr('transform', `translate(${ox},0)`);
    const bx = scaleBand().domain(range(cols)).range([0, cols * cell]);
    const by = scaleBand().domain(range(rows)).range([0, rows * cell]);
    g.selectAll('g.x-labels').data([0]).join('g').attr('class', 'axis heat-axis x-labels')
      .call(axisTop(bx).tickSize(0).tickPadding(6).tickFormat((j) => `${colName}${j + 1}`)).call((s) => s.select('.domain').remove());
    g.selectAll('g.y-labels').data([0]).join('g').attr('class', 'axis heat-axis y-labels')
      .call(axisLeft(by).tickSize(0).tickPadding(6).tickFormat((i) => `${rowName}${i + 1}`)).call((s) => s.select('.domain').remove());
    return { g, cell };
  }

  /** Cells of a heatmap: data [{k, i, j, v}] coloured by `cls` and `alpha`, with a text label when there is room. */
  cells(g, cell, data, { cls, alpha, label }, geom) {
    const pad = cell >= 30 ? 1.5 : 1;
    const size = cell - 2 * pad;
    const layer = (name) => g.selectAll(`g.${name}`).data([0]).join('g').attr('class', name);
    const bgs = layer('cell-bgs'), cells = layer('cells'), texts = layer('cell-texts');
    const roomy = cell >= 30;
    const bg = bgs.selectAll('rect.cell-bg').data(data, (d) => d.k).join((e) => e.append('rect').attr('class', 'cell-bg').attr('rx', 3));
    const sel = cells.selectAll('rect.cell').data(data, (d) => d.k).join((e) => e.append('rect').attr('rx', 3));
    const txt = texts.selectAll('text.cell-value').data(roomy ? data : [], (d) => d.k).join((e) => e.append('text').attr('text-anchor', 'middle'));
    if (geom) {
      // Geometry only when the frame was measured; a data update touches colours and text.
      for (const s of [bg, sel]) s.attr('x', (d) => d.j * cell + pad).attr('y', (d) => d.i * cell + pad).attr('width', size).attr('height', size);
      txt.attr('x', (d) => d.j * cell + cell / 2).attr('y', (d) => d.i * cell + cell / 2 + 4);
    }
    sel.attr('class', (d) => `cell ${cls(d)}`).attr('fill-opacity', (d) => alpha(d));
    txt.attr('class', (d) => `cell-value${alpha(d) > 0.55 ? ' on-dark' : ''}`).text((d) => label(d));
    return sel;
  }

  /** A row-major table of values as CSV rows: x, the column variable, the value. */
  cellsCSV(values, name, cols = this.state.cols, colName = 'y') {
    return { columns: ['x', colName, name], rows: this.dataOf(values, this.state.rows, cols).map((d) => [d.i + 1, d.j + 1, d.v]) };
  }

  dataOf(values, rows, cols) {
    const out = [];
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out.push({ k: i * cols + j, i, j, v: values[i * cols + j] });
    return out;
  }

  drawJoint(f, info) {
    const geom = info !== undefined; // a measured redraw: geometry too, not just data
    const { rows, cols } = this.state;
    const { r } = this;
    const { g, cell } = this.grid(f, rows, cols, 76, geom);
    this.cellPx = cell;
    const top = Math.max(max(this.P), max(r.product));
    this.massTop = top;
    const data = this.dataOf(this.P, rows, cols);
    const rects = this.cells(g, cell, data, { cls: () => 'cell-p', alpha: (d) => (top > 0 ? 0.06 + 0.94 * (d.v / top) : 0) * (d.v > 0 ? 1 : 0), label: (d) => short(d.v) }, geom);
    // Marginals: P(X) as bars to the right of each row, P(Y) under each column.
    const mx = Math.max(1e-9, max(r.px)), my = Math.max(1e-9, max(r.py));
    const W = cols * cell, H = rows * cell, barW = 34, barH = 30;
    const m = g.selectAll('g.marg').data([0]).join('g').attr('class', 'marg');
    m.selectAll('rect.px').data(Array.from(r.px)).join('rect').attr('class', 'px marg-bar')
      .attr('x', W + 6).attr('y', (_, i) => i * cell + cell * 0.25).attr('height', cell * 0.5).attr('width', (v) => (barW * v) / mx);
    m.selectAll('text.px').data(cell >= 22 ? Array.from(r.px) : []).join('text').attr('class', 'px marg-label')
      .attr('x', (v) => W + 10 + (barW * v) / mx).attr('y', (_, i) => i * cell + cell / 2 + 4).text((v) => short(v));
    m.selectAll('rect.py').data(Array.from(r.py)).join('rect').attr('class', 'py marg-bar')
      .attr('x', (_, j) => j * cell + cell * 0.25).attr('y', H + 6).attr('width', cell * 0.5).attr('height', (v) => (barH * v) / my);
    m.selectAll('text.py').data(cell >= 30 ? Array.from(r.py) : []).join('text').attr('class', 'py marg-label').attr('text-anchor', 'middle')
      .attr('x', (_, j) => j * cell + cell / 2).attr('y', H + 6 + barH + 12).text((v) => short(v));
    m.selectAll('text.marg-name').data([0]).join('text').attr('class', 'marg-name').attr('x', W + 6).attr('y', -8).text('P(X)');

    // Every cell is a slider: focusable (one tab stop for the table), draggable, keyboard-driven.
    const self = this;
    if (geom) {
      rects.attr('tabindex', (d) => (d.k === this.focusK ? 0 : -1)).attr('role', 'slider')
        .attr('data-k', (d) => d.k).attr('data-i', (d) => d.i).attr('data-j', (d) => d.j)
        .attr('aria-label', (d) => `P(x${d.i + 1}, y${d.j + 1})`).attr('aria-describedby', 'mi-keys')
        .attr('aria-valuemin', 0).attr('aria-valuemax', 1)
        .each(function bind() {
          if (this.dataset.bound) return;
          this.dataset.bound = '1';
          this.addEventListener('keydown', (e) => self.onKey(e, Number(this.dataset.k)));
          this.addEventListener('focus', () => { self.focusK = Number(this.dataset.k); self.rovingTabs(); });
          select(this).call(self.dragBehaviour(f));
        });
    }
    rects.attr('aria-valuenow', (d) => d.v).attr('aria-valuetext', (d) => `x${d.i + 1}, y${d.j + 1}: ${probability(d.v)}`);
  }

  rovingTabs() {
    this.joint.plot.selectAll('rect.cell').attr('tabindex', (d) => (d.k === this.focusK ? 0 : -1));
  }

  focusCell(k) {
    this.focusK = k;
    this.rovingTabs();
    this.joint.plot.select(`rect.cell[data-k="${k}"]`).node()?.focus({ preventScroll: true });
  }

  onKey(event, k) {
    const { rows, cols } = this.ctx.state();
    const i = Math.floor(k / cols), j = k % cols;
    const move = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key];
    if (move) {
      event.preventDefault();
      const ni = Math.max(0, Math.min(rows - 1, i + move[0])), nj = Math.max(0, Math.min(cols - 1, j + move[1]));
      this.focusCell(ni * cols + nj);
      return;
    }
    if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      this.focusCell(event.key === 'Home' ? i * cols : i * cols + cols - 1);
      return;
    }
    const cur = this.ctx.state().distribution[k] / UNIT;
    const next = { '+': cur + KEY_STEP, '=': cur + KEY_STEP, '-': cur - KEY_STEP, '−': cur - KEY_STEP, _: cur - KEY_STEP,
      PageUp: cur + PAGE_STEP, PageDown: cur - PAGE_STEP, 0: 0, Delete: 0 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    this.setCell(k, next);
  }

  dragBehaviour(f) {
    return drag()
      .container(() => f.plot.node())
      .subject((event) => ({ x: event.x, y: event.y }))
      .on('start', (event, { k }) => {
        this.dragging = { k, v0: this.ctx.state().distribution[k] / UNIT, y0: event.y };
        f.svg.classed('dragging', true);
        this.focusCell(k);
      })
      .on('drag', (event) => {
        const d = this.dragging;
        if (d) this.setCell(d.k, d.v0 + (d.y0 - event.y) / DRAG_PX);
      })
      .on('end', () => { this.dragging = null; f.svg.classed('dragging', false); });
  }

  drawProduct(f, info) {
    const geom = info !== undefined; // a measured redraw: geometry too, not just data
    const { rows, cols } = this.state;
    const { g, cell } = this.grid(f, rows, cols, 48, geom);
    const top = this.massTop;
    this.cells(g, cell, this.dataOf(this.r.product, rows, cols), { cls: () => 'cell-p', alpha: (d) => (top > 0 && d.v > 0 ? 0.06 + 0.94 * (d.v / top) : 0), label: (d) => short(d.v) }, geom);
  }

  drawTerms(f, info) {
    const geom = info !== undefined; // a measured redraw: geometry too, not just data
    const { rows, cols } = this.state;
    const { g, cell } = this.grid(f, rows, cols, 48, geom);
    const t = this.r.terms;
    const top = Math.max(1e-12, max(t, Math.abs));
    this.cells(g, cell, this.dataOf(t, rows, cols), {
      cls: (d) => (d.v < 0 ? 'cell-neg' : 'cell-pos'),
      alpha: (d) => (d.v === 0 ? 0 : 0.08 + 0.92 * (Math.abs(d.v) / top)),
      label: (d) => (d.v === 0 && this.P[d.k] === 0 ? '' : signed(d.v)),
    }, geom).attr('data-term', (d) => d.v);
  }

  drawEncoder(f, info) {
    const geom = info !== undefined; // a measured redraw: geometry too, not just data
    const { rows, clusters } = this.state;
    const { g, cell } = this.grid(f, rows, clusters, 44, geom, 'x', 't');
    const enc = this.r.encoder;
    this.cells(g, cell, this.dataOf(enc, rows, clusters), { cls: () => 'cell-t', alpha: (d) => (d.v > 0 ? 0.04 + 0.96 * d.v : 0), label: (d) => short(d.v) }, geom)
      .attr('data-value', (d) => d.v);
    // p(t) under each column.
    const H = rows * cell;
    g.selectAll('text.pt').data(cell >= 30 ? Array.from(this.r.pt) : []).join('text').attr('class', 'pt marg-label').attr('text-anchor', 'middle')
      .attr('x', (_, j) => j * cell + cell / 2).attr('y', H + 16).text((v) => short(v));
    g.selectAll('text.pt-name').data(cell >= 30 ? [0] : []).join('text').attr('class', 'marg-name').attr('text-anchor', 'end').attr('x', -6).attr('y', H + 16).text('p(t)');
  }

  // ---- entropy diagram and bottleneck curve -----------------------------------

  drawDiagram(f, info) {
    const geom = info !== undefined; // a measured redraw: geometry too, not just data
    const { r, state } = this;
    const k = state.unit === 'bits' ? 1 / Math.LN2 : 1;
    const hMax = Math.log(state.rows * state.cols) * k;
    const x = scaleLinear().domain([0, hMax]).range([0, f.innerWidth]);
    const rowH = 20, gap = 6;
    const y1 = 0, y2 = rowH + gap, yB = 2 * rowH + gap + 12;
    const p = f.plot;
    p.selectAll('g.x-axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${f.innerHeight})`)
      .call(axisBottom(x).ticks(Math.max(2, Math.floor(f.innerWidth / 70))).tickSize(3).tickFormat(format('~g')));
    p.selectAll('text.axis-unit').data([0]).join('text').attr('class', 'axis-unit').attr('text-anchor', 'end').attr('x', f.innerWidth).attr('y', f.innerHeight - 6).text(state.unit);
    // The overlap first, spanning both bars.
    p.selectAll('rect.overlap').data([0]).join('rect').attr('class', 'overlap')
      .attr('x', x(r.hxGivenY)).attr('width', Math.max(0, x(r.hx) - x(r.hxGivenY))).attr('y', y1 - 3).attr('height', 2 * rowH + gap + 6);
    p.selectAll('rect.bar-hx').data([0]).join('rect').attr('class', 'bar-hx').attr('x', 0).attr('y', y1).attr('height', rowH).attr('width', x(r.hx)).attr('rx', 3);
    p.selectAll('rect.bar-hy').data([0]).join('rect').attr('class', 'bar-hy').attr('fill', this.patterns.hy)
      .attr('x', x(r.hxGivenY)).attr('y', y2).attr('height', rowH).attr('width', Math.max(0, x(r.hxy) - x(r.hxGivenY))).attr('rx', 3);
    const inBar = [
      { key: 'hx', text: `H(X) ${number(r.hx, { digits: 2 })}`, x0: 0, x1: r.hx, y: y1 },
      { key: 'hy', text: `H(Y) ${number(r.hy, { digits: 2 })}`, x0: r.hxGivenY, x1: r.hxy, y: y2 },
    ];
    p.selectAll('text.bar-label').data(inBar, (d) => d.key).join('text').attr('class', (d) => `bar-label bar-label-${d.key}`)
      .attr('x', (d) => x(d.x0) + 5).attr('y', (d) => d.y + rowH / 2 + 4)
      .text((d) => ((x(d.x1) - x(d.x0)) > 78 ? d.text : (x(d.x1) - x(d.x0)) > 34 ? d.text.split(' ')[0] : ''));
    // Brackets under the bars: H(X|Y) | I(X;Y) | H(Y|X).
    const parts = [
      { key: 'hxGivenY', name: 'H(X|Y)', a: 0, b: r.hxGivenY },
      { key: 'mi', name: 'I(X;Y)', a: r.hxGivenY, b: r.hx },
      { key: 'hyGivenX', name: 'H(Y|X)', a: r.hx, b: r.hxy },
    ];
    p.selectAll('path.bracket').data(parts, (d) => d.key).join('path').attr('class', (d) => `bracket bracket-${d.key}`)
      .attr('d', (d) => (x(d.b) - x(d.a) < 2 ? null : `M${x(d.a) + 1},${yB - 5}V${yB}H${x(d.b) - 1}V${yB - 5}`));
    p.selectAll('text.bracket-label').data(parts, (d) => d.key).join('text').attr('class', (d) => `bracket-label bracket-label-${d.key}`)
      .attr('text-anchor', 'middle').attr('x', (d) => (x(d.a) + x(d.b)) / 2).attr('y', yB + 13)
      .text((d) => (x(d.b) - x(d.a) >= 44 ? d.name : ''));
    p.selectAll('text.hxy-label').data([0]).join('text').attr('class', 'hxy-label').attr('x', x(r.hxy)).attr('y', y1 - 6).attr('text-anchor', x(r.hxy) > f.innerWidth - 60 ? 'end' : 'start')
      .text(`H(X,Y) ${number(r.hxy, { digits: 2 })}`);
    p.selectAll('line.hxy-tick').data([0]).join('line').attr('class', 'hxy-tick').attr('x1', x(r.hxy)).attr('x2', x(r.hxy)).attr('y1', y1 - 4).attr('y2', y2 + rowH);
  }

  drawCurve(f, info) {
    const geom = info !== undefined; // a measured redraw: geometry too, not just data
    const { r, state, sweep } = this;
    const p = f.plot;
    const xMax = Math.max(r.hx, r.ixt, 1e-6) * 1.06;
    const yMax = Math.max(r.mi, r.ity, 1e-6) * 1.15;
    const x = scaleLinear().domain([0, xMax]).range([0, f.innerWidth]);
    const y = scaleLinear().domain([0, yMax]).range([f.innerHeight, 0]);
    p.selectAll('g.grid').data([0]).join('g').attr('class', 'grid')
      .call(axisLeft(y).ticks(5).tickSize(-f.innerWidth).tickFormat(format('.2~f'))).call((s) => s.select('.domain').remove());
    p.selectAll('g.x-axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${f.innerHeight})`)
      .call(axisBottom(x).ticks(Math.max(2, Math.floor(f.innerWidth / 60))).tickSize(4).tickFormat(format('.2~f')));
    p.selectAll('text.x-title').data([0]).join('text').attr('class', 'axis-title x-title').attr('text-anchor', 'middle')
      .attr('x', f.innerWidth / 2).attr('y', f.innerHeight + 34).text(`I(X;T), ${state.unit}: what T keeps of X`);
    p.selectAll('text.y-title').data([0]).join('text').attr('class', 'axis-title y-title').attr('text-anchor', 'middle')
      .attr('transform', `translate(${-38},${f.innerHeight / 2}) rotate(-90)`).text(`I(T;Y), ${state.unit}`);
    // The bounds: the ceiling I(X;Y), the wall H(X), the diagonal I(T;Y) = I(X;T).
    p.selectAll('line.bound').data([0]).join('line').attr('class', 'bound').attr('data-value', r.mi)
      .attr('x1', 0).attr('x2', f.innerWidth).attr('y1', y(r.mi)).attr('y2', y(r.mi));
    p.selectAll('text.bound-label').data([0]).join('text').attr('class', 'bound-label').attr('text-anchor', 'end')
      .attr('x', f.innerWidth - 2).attr('y', y(r.mi) - 5).text(`I(X;Y) = ${number(r.mi, { digits: 3 })}`);
    p.selectAll('line.wall').data([0]).join('line').attr('class', 'wall').attr('x1', x(r.hx)).attr('x2', x(r.hx)).attr('y1', 0).attr('y2', f.innerHeight);
    p.selectAll('text.wall-label').data([0]).join('text').attr('class', 'wall-label').attr('text-anchor', 'end')
      .attr('x', x(r.hx) - 4).attr('y', f.innerHeight - 6).text('H(X)');
    const d = Math.min(xMax, yMax);
    p.selectAll('line.diagonal').data([0]).join('line').attr('class', 'diagonal').attr('x1', x(0)).attr('y1', y(0)).attr('x2', x(d)).attr('y2', y(d));

    const pts = sweep ? Array.from(sweep.ixt, (v, i) => [v, sweep.ity[i], sweep.beta[i]]) : [];
    p.selectAll('path.ib-curve').data([0]).join('path').attr('class', 'ib-curve')
      .attr('d', pts.length ? line().x((q) => x(q[0])).y((q) => y(q[1]))(pts) : null)
      .attr('data-ixt', sweep ? Array.from(sweep.ixt).join(',') : null)
      .attr('data-ity', sweep ? Array.from(sweep.ity).join(',') : null);
    p.selectAll('circle.ib-pt').data(pts).join('circle').attr('class', 'ib-pt').attr('r', 2.2)
      .attr('cx', (q) => x(q[0])).attr('cy', (q) => y(q[1]));
    p.selectAll('text.empty').data(sweep ? [] : [0]).join('text').attr('class', 'empty').attr('text-anchor', 'middle')
      .attr('x', f.innerWidth / 2).attr('y', f.innerHeight / 2).text('Trace the curve to see every β at once');
    // The current β.
    const cx = x(r.ixt), cy = y(r.ity);
    p.selectAll('circle.ib-now').data([0]).join('circle').attr('class', 'ib-now').attr('r', 6).attr('cx', cx).attr('cy', cy)
      .attr('data-ixt', r.ixt).attr('data-ity', r.ity);
    p.selectAll('text.ib-now-label').data([0]).join('text').attr('class', 'ib-now-label')
      .attr('text-anchor', cx > f.innerWidth - 70 ? 'end' : 'start').attr('x', cx > f.innerWidth - 70 ? cx - 9 : cx + 9).attr('y', cy + 16)
      .text(`β = ${state.beta}`);
  }

  destroy() {
    clearTimeout(this.autoTimer);
    super.destroy();
  }
}

export default defineLab({
  id: 'mutual-information',
  title: 'Mutual information',
  blurb: 'I(X;Y) = KL(joint ‖ product of marginals) on an editable table, and the information bottleneck',
  schema,
  check,
  View,
});
