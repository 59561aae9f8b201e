// The Cross-entropy lab: a classifier's logits → softmax Q, a label P (one-hot,
// smoothed with ε, or the mean label of a small batch), the loss
// H(P, Q) = H(P) + KL(P‖Q) and its gradient q − p, and gradient descent on the
// logits. One call into Go (klplay.crossEntropyLab) per update; while training,
// one call per animation frame that also advances the logits.
import { scaleBand, scaleLinear } from 'd3-scale';
import { axisBottom, axisLeft } from 'd3-axis';
import { area, line } from 'd3-shape';
import { max, range } from 'd3-array';
import { format } from 'd3-format';
import { h, mathml, setText } from '../../lib/dom.js';
import { LabView, defineLab, formula, labHead, prose, segmented, toolbar } from '../../lib/lab.js';
import { bounds, fieldSlider } from '../../lib/controls.js';
import { hatch, maybeTransition, niceCeil, once, swatch, thinTicks } from '../../lib/chart.js';
import { number, setOutput } from '../../lib/format.js';
import { Player } from '../../lib/player.js';
import { POINT_FIELDS, PointsPanel } from './points.js';
import formulas from './formulas.tex';
import labInfo from '../../../core/session/labs/cross-entropy.json';

const { fields: schema } = labInfo;
const field = (name) => schema.find((f) => f.name === name);
const MIN_K = field('logits').minLength;
const MAX_K = field('logits').maxLength;
const Z_MAX = field('logits').range[1];
const MAX_BATCH = field('batch').maxLength;
const NAME_CHARS = field('names').maxChars;
const LR_MIN = field('lr').min;
const LR_MAX = field('lr').max;
// Names for new classes, in order (the first two are the default example's dog and cat).
const NAMES = ['dog', 'cat', 'bird', 'fish', 'horse', 'frog', 'deer', 'ship', 'truck', 'plane'];
const MAX_TRACE = 3000; // steps kept in the loss curve; training pauses there
const STEPS_PER_FRAME = 1;

const nameOf = (state, i) => state.names[i] || `class ${i + 1}`;
const clampZ = (v) => Math.max(-Z_MAX, Math.min(Z_MAX, v));
const tick2 = format('.2~f');
const label2 = format('.2f');
const label3 = format('.3f');

/** Cross-field rules: one name per logit; the label and the batch's classes exist. */
function check(state) {
  const problems = [];
  const k = state.logits.length;
  let { names, label, batch } = state;
  if (names.length !== k) {
    if (names.length) problems.push(`names gave ${names.length} names for ${k} classes; adjusted`);
    names = range(k).map((i) => names[i] ?? NAMES[i]);
  }
  if (label >= k) {
    problems.push(`label ${label} is not one of the ${k} classes; using 0`);
    label = 0;
  }
  if (batch.some((c) => c >= k || c !== Math.round(c))) {
    problems.push(`batch named classes that do not exist; wrapped into 0–${k - 1}`);
    batch = batch.map((c) => Math.round(c) % k);
  }
  let { points } = state;
  const pk = state.pointClasses;
  if (points.length % 3 !== 0) {
    problems.push(`points had ${points.length} numbers, not whole triples x, y, class; the last ${points.length % 3} dropped`);
    points = points.slice(0, points.length - (points.length % 3));
  }
  if (points.some((v, j) => j % 3 === 2 && (v < 0 || v >= pk || v !== Math.round(v)))) {
    problems.push(`points named classes that do not exist; wrapped into 0–${pk - 1}`);
    points = points.map((v, j) => (j % 3 === 2 ? Math.round(Math.abs(v)) % pk : v));
  }
  return { state: { ...state, names, label, batch, points }, problems };
}

class View extends LabView {
  constructor(el, ctx) {
    super(el, ctx);
    this.trace = { step: [], loss: [], kl: [], h: [] };
    this.traceKey = null;
    this.player = new Player(el, {
      start: () => { if (this.stepsTaken >= MAX_TRACE) this.traceKey = null; }, // a full curve: start a new one
      tick: () => this.ctx.refresh({ train: STEPS_PER_FRAME, run: true }),
      step: () => this.ctx.refresh({ train: 1 }),
      reset: () => { this.traceKey = null; this.ctx.refresh({}); },
      // No animation: take the steps at once and show where they lead.
      reduced: () => this.ctx.refresh({ train: 200 }),
      onChange: (on) => {
        this.playBtn.setAttribute('aria-pressed', String(on));
        this.playBtn.textContent = on ? '❚❚ Pause' : '▶ Train';
      },
    });
    this.build();
    this.points = new PointsPanel(this, field);
    el.insertBefore(this.points.build(formulas), this.readouts.live);
  }

  destroy() {
    super.destroy();
    this.points.destroy();
  }

  // ---- state changes ------------------------------------------------------

  setLogit(i, v) {
    if (!Number.isFinite(v)) return;
    const logits = [...this.ctx.state().logits];
    logits[i] = clampZ(v);
    this.set({ logits });
  }

  setCount(n) {
    const st = this.ctx.state();
    n = Math.max(MIN_K, Math.min(MAX_K, Math.round(n)));
    if (!Number.isFinite(n) || n === st.logits.length) return;
    const logits = range(n).map((i) => st.logits[i] ?? 0);
    const names = range(n).map((i) => st.names[i] ?? NAMES[i]);
    this.set({ logits, names, label: st.label < n ? st.label : 0, batch: st.batch.map((c) => c % n) }, { animate: true });
  }

  setName(i, text) {
    const names = [...this.ctx.state().names];
    names[i] = text.trim().slice(0, NAME_CHARS) || NAMES[i];
    this.set({ names });
  }

  setBatch(batch) {
    this.set({ batch }, { animate: true });
  }

  // ---- DOM ------------------------------------------------------------------

  build() {
    const { el } = this;
    const { out } = this.readouts;
    this.unitSpans = [];
    const unitSpan = () => { const s = h('span', { class: 'unit' }, 'nats'); this.unitSpans.push(s); return s; };

    this.countInput = h('input', { type: 'number', id: 'xe-count', min: MIN_K, max: MAX_K, step: 1, inputmode: 'numeric', onchange: (e) => this.setCount(Number(e.target.value)) });
    this.modeChoice = segmented({ name: 'xe-mode', legend: 'Data', group: 'mode', choose: (v) => this.set({ mode: v }, { animate: true }),
      options: [{ value: 'single', label: 'One example' }, { value: 'batch', label: 'A batch' }] });
    this.unitChoice = segmented({ name: 'xe-unit', legend: 'Units', group: 'unit', choose: (v) => this.set({ unit: v }), options: [{ value: 'nats' }, { value: 'bits' }] });

    el.append(
      labHead('cross-entropy', 'Cross-entropy', 'A classifier turns an image into one score per class, its ', h('em', {}, 'logits'), '; the softmax turns them into ',
          h('strong', { class: 'ink-q' }, 'Q'), ', its prediction. The label ', h('strong', { class: 'ink-p' }, 'P'),
          ' says what the image really is. The loss it is trained on, the cross-entropy H(P, Q), is the entropy of the label plus KL(P‖Q). Move the logits, pick the label, then press Train.'),
      toolbar('xe', { settings: [h('div', { class: 'stepper', 'data-embed-group': 'count' },
            h('label', { for: 'xe-count', class: 'toolbar-label' }, 'Classes'),
            h('button', { type: 'button', class: 'step', 'aria-label': 'Fewer classes', onclick: () => this.setCount(this.ctx.state().logits.length - 1) }, '−'),
            this.countInput,
            h('button', { type: 'button', class: 'step', 'aria-label': 'More classes', onclick: () => this.setCount(this.ctx.state().logits.length + 1) }, '+')),
          this.modeChoice.el, this.unitChoice.el] }),
    );

    // The classifier: P and Q, the logits, the label.
    this.distHost = h('div', { class: 'chart-host' });
    this.rows = h('div', { class: 'xe-rows' });
    this.smooth = fieldSlider(field('smoothing'), { label: 'Label smoothing ε', boxLabel: 'Label smoothing ε, typed', step: 0.01, cls: 'xe-smooth', onInput: (v) => this.set({ smoothing: v }) });
    this.rowsHead = h('div', { class: 'xe-row xe-row-head', 'aria-hidden': 'true' },
      h('span', { class: 'xe-col-label' }, 'true'), h('span', {}, 'class'), h('span', {}, 'logit z'), h('span', {}, ''));

    this.stackHost = h('div', { class: 'chart-host xe-stack-host' });
    this.callout = h('p', { class: 'callout callout-eq', hidden: true });
    const ro = (key, name, hint, unit = true) => h('div', { class: 'readout' },
      h('span', { class: 'readout-name', id: `xe-ro-${key}` }, name),
      h('span', { class: 'readout-value' }, out(key, { 'aria-labelledby': `xe-ro-${key}` }), unit ? unitSpan() : null),
      h('span', { class: 'readout-hint' }, hint));
    this.roEntropy = ro('entropyP', 'H(P)', 'entropy of the label');
    this.roQc = ro('qTrue', ['q', h('sub', {}, 'c')], 'probability of the true class', false);
    this.roLogQc = ro('lossTrue', ['−log q', h('sub', {}, 'c')], 'loss with a one-hot label');

    el.append(h('div', { class: 'grid grid-top' },
      h('figure', { class: 'card fig-dist' },
        h('figcaption', {},
          h('h2', {}, 'The label P and the prediction Q'),
          h('p', { class: 'legend' }, h('span', {}, swatch('p'), 'P, the label'), h('span', {}, swatch('q'), 'Q = softmax(z)'))),
        this.distHost,
        h('div', { class: 'xe-controls' }, this.rowsHead, this.rows,
          this.smooth.el),
        h('p', { class: 'fig-note', 'data-embed': 'text' }, 'Slide or type a logit; the softmax rescales every q. Only differences between logits matter. Names are editable.')),
      h('aside', { class: 'card readouts', 'aria-label': 'Readouts', 'data-embed-group': 'readouts' },
        h('div', { class: 'hero' },
          h('span', { class: 'hero-name', id: 'xe-ro-loss' }, 'Loss H(P, Q)'),
          h('span', { class: 'hero-value' }, out('crossEntropy', { 'aria-labelledby': 'xe-ro-loss' }), unitSpan()),
          this.heroHint = h('span', { class: 'hero-hint' }, 'the cross-entropy of the prediction against the label')),
        h('div', {}, h('p', { class: 'small xe-stack-title' }, 'H(P, Q) = H(P) + KL(P‖Q)'), this.stackHost),
        this.callout,
        h('div', { class: 'readout-grid' },
          this.roEntropy,
          ro('kl', 'KL(P‖Q)', 'the part training can remove'),
          this.roQc, this.roLogQc,
          ro('gradNorm', '‖q − p‖', 'size of the gradient', false))),
    ));

    // Batch.
    this.batchRows = h('div', { class: 'xe-batch-rows' });
    this.batchHost = h('div', { class: 'chart-host' });
    this.batchCard = h('section', { class: 'card xe-batch', 'aria-labelledby': 'xe-batch-h', hidden: true },
      h('div', { class: 'xe-batch-head' },
        h('h2', { id: 'xe-batch-h' }, 'A batch of labelled examples'),
        h('div', { class: 'xe-batch-buttons' },
          h('button', { type: 'button', class: 'chip', onclick: () => { const b = this.ctx.state().batch; if (b.length < MAX_BATCH) this.setBatch([...b, b.length % this.ctx.state().logits.length]); } }, '+ example'),
          h('button', { type: 'button', class: 'chip', onclick: () => { const b = this.ctx.state().batch; if (b.length > 1) this.setBatch(b.slice(0, -1)); } }, '− example'))),
      h('p', { class: 'small' }, 'Here one set of logits answers for every example, as a model does before it has learned to tell the images apart. The batch loss is the mean of the examples’ losses, and that mean is the cross-entropy against the average label P̄. Training drives Q to P̄, the label frequencies, and the loss stops at H(P̄).'),
      this.batchRows, this.batchHost);
    el.append(this.batchCard);

    // Training and the gradient.
    this.traceHost = h('div', { class: 'chart-host' });
    this.gradHost = h('div', { class: 'chart-host' });
    this.playBtn = h('button', { type: 'button', class: 'chip xe-play', 'data-action': 'play', 'aria-pressed': 'false', onclick: this.player.toggle }, '▶ Train');
    this.lrRange = h('input', { type: 'range', id: 'xe-lr', ...bounds(field('lr'), { log: true }), step: 0.05,
      oninput: (e) => this.set({ lr: +(10 ** Number(e.target.value)).toPrecision(3) }) });
    this.lrNumber = h('input', { type: 'number', ...bounds(field('lr')), step: 0.1, class: 'xe-num', 'aria-label': 'Learning rate η, typed',
      onchange: (e) => { const v = Number(e.target.value); if (e.target.value !== '' && Number.isFinite(v)) this.set({ lr: Math.max(LR_MIN, Math.min(LR_MAX, v)) }); } });
    this.stepCount = h('output', { 'data-readout': 'steps' }, '0');
    this.traceNote = h('p', { class: 'fig-note' });
    el.append(h('div', { class: 'grid grid-charts' },
      h('figure', { class: 'card fig-trace' },
        h('figcaption', {},
          h('h2', {}, 'Training: gradient steps on the logits'),
          h('p', { class: 'legend' }, h('span', {}, swatch('sum'), 'loss H(P, Q)'), h('span', {}, swatch('q'), 'its KL part'), h('span', {}, swatch('p'), 'H(P)'))),
        h('div', { class: 'xe-train' },
          this.playBtn,
          h('button', { type: 'button', class: 'chip', 'data-action': 'step', onclick: this.player.step }, 'Step'),
          h('button', { type: 'button', class: 'chip', 'data-action': 'reset', onclick: this.player.reset }, 'Clear curve'),
          h('span', { class: 'xe-lr' }, h('label', { for: 'xe-lr' }, 'Learning rate η'), this.lrRange, this.lrNumber),
          h('span', { class: 'small xe-steps' }, 'step ', this.stepCount)),
        this.traceHost, this.traceNote),
      h('figure', { class: 'card fig-grad' },
        h('figcaption', {},
          h('h2', {}, 'The gradient q − p'),
          h('p', { class: 'legend' }, h('span', {}, swatch('pos'), 'q > p: the logit goes down'), h('span', {}, swatch('neg'), 'q < p: it goes up'))),
        this.gradHost,
        h('p', { class: 'fig-note', 'data-embed': 'text' }, 'The derivative of the loss with respect to each logit is simply q − p. A step moves each logit against its bar, by η times its length; the bars always sum to zero.')),
    ));

    // Formulas and explanation.
    el.append(h('div', { class: 'grid grid-mid' },
      h('section', { class: 'card formulas', 'aria-labelledby': 'xe-formulas-h', 'data-embed-group': 'formulas' },
        h('h2', { id: 'xe-formulas-h' }, 'The formulas, live'),
        formula(formulas.softmax),
        formula(formulas.identity, h('p', { class: 'formula-value identity' }, out('crossEntropy'), ' = ', out('entropyP'), ' + ', out('kl'), ' ', unitSpan())),
        this.onehotFormula = formula(formulas.onehot, h('p', { class: 'formula-value' }, '−log ', out('qTrue'), ' = ', out('lossTrue'), ' ', unitSpan())),
        formula(formulas.smooth),
        formula(formulas.grad),
        this.batchFormula = h('div', { class: 'formula', hidden: true }, h('div', { class: 'math' }, mathml(formulas.batch)),
          h('p', { class: 'formula-value identity' }, out('meanLoss'), ' = ', out('crossEntropy'), ' ', unitSpan()))),
      prose('xe', 'Why the loss is a divergence',
        'Start with the dog-vs-cat example: the image is a dog, so P = [1, 0], and the model says Q = [0.9, 0.1]. The loss is −log 0.9 ≈ 0.105 nats. A one-hot label has no entropy, so all of that is KL(P‖Q): the loss is the divergence.',
        'Now smooth the label. P spreads ε over every class and gains entropy H(P), which no model can remove: it is part of the target itself. Training pushes Q towards P, the KL part shrinks to zero, and the loss settles at H(P) instead of 0. Since H(P) does not depend on the model, minimising cross-entropy and minimising KL(P‖Q) move the logits in exactly the same way.',
        h('p', {}, 'With a one-hot label the loss keeps falling but never arrives: q', h('sub', {}, 'c'), ' = 1 needs an infinite gap between the logits, which is why smoothing is used to keep a classifier from growing ever more confident.'),
        'In batch mode the same identity holds for the average label: a model that must give one answer for several examples does best by predicting their label frequencies, which is maximum likelihood for a categorical distribution.'),
    ));

    el.append(this.readouts.live);

    const distHeight = (w) => Math.round(Math.max(200, Math.min(300, w * 0.45)));
    this.dist = this.frame(this.distHost, { height: distHeight, margin: { top: 22, right: 8, bottom: 28, left: 40 }, label: 'The label P and the prediction Q per class', draw: (f, info) => this.drawDist(f, info),
      csv: () => ({ columns: ['class', 'P', 'Q'], rows: Array.from(this.r.p, (v, i) => [nameOf(this.state, i), v, this.r.q[i]]) }) });
    this.stack = this.frame(this.stackHost, { height: 64, margin: { top: 4, right: 10, bottom: 22, left: 4 }, label: 'H(P, Q) as a stacked bar: H(P) plus KL(P‖Q)', draw: (f, info) => this.drawStack(f, info),
      csv: () => ({ columns: ['quantity', `value (${this.state.unit})`], rows: [['H(P)', this.r.entropyP], ['KL(P‖Q)', this.r.kl], ['H(P, Q)', this.r.crossEntropy]] }) });
    this.traceChart = this.frame(this.traceHost, { height: 240, margin: { top: 14, right: 12, bottom: 30, left: 44 }, label: 'The loss and its KL part during training', draw: (f) => this.drawTrace(f),
      csv: () => { const t = this.trace; const u = this.state.unit; return { columns: ['step', `loss H(P, Q) (${u})`, `KL(P‖Q) (${u})`, `H(P) (${u})`], rows: t.step.map((s, i) => [s, t.loss[i], t.kl[i], t.h[i]]) }; } });
    this.grad = this.frame(this.gradHost, { height: 240, margin: { top: 18, right: 8, bottom: 28, left: 44 }, label: 'The gradient q − p per class', draw: (f, info) => this.drawGrad(f, info),
      csv: () => ({ columns: ['class', 'q − p'], rows: Array.from(this.r.grad, (v, i) => [nameOf(this.state, i), v]) }) });
    this.batchChart = this.frame(this.batchHost, { height: 170, margin: { top: 18, right: 8, bottom: 28, left: 40 }, label: 'Each example’s loss and their mean', draw: (f, info) => this.drawBatch(f, info),
      csv: () => ({ columns: ['example', 'label', `loss (${this.state.unit})`], rows: Array.from(this.r.losses ?? [], (v, j) => [j + 1, nameOf(this.state, this.state.batch[j]), v]) }) });
    this.patterns = {
      q: hatch(this.dist.defs, 'var(--q)'),
      kl: hatch(this.stack.defs, 'var(--q)', { opacity: 0.8 }),
      klTrace: hatch(this.traceChart.defs, 'var(--q)', { opacity: 0.6 }),
      neg: hatch(this.grad.defs, 'var(--neg)', { opacity: 0.9 }),
    };
  }

  buildRows(state) {
    const k = state.logits.length;
    this.rowInputs = range(k).map((i) => {
      const radio = h('input', { type: 'radio', name: 'xe-label', value: i, class: 'xe-radio', onchange: () => this.set({ label: i }) });
      const name = h('input', { type: 'text', class: 'xe-name', maxlength: NAME_CHARS, 'aria-label': `Name of class ${i + 1}`,
        onchange: (e) => this.setName(i, e.target.value) });
      const slider = h('input', { type: 'range', ...bounds(field('logits')), step: 0.01, class: 'xe-slider', 'data-index': i,
        oninput: (e) => this.setLogit(i, Number(e.target.value)) });
      const typed = h('input', { type: 'number', ...bounds(field('logits')), step: 0.1, class: 'xe-num', 'data-index': i, inputmode: 'decimal',
        onchange: (e) => { const v = Number(e.target.value); if (e.target.value !== '' && Number.isFinite(v)) this.setLogit(i, v); else e.target.value = String(+this.ctx.state().logits[i].toFixed(3)); } });
      const row = h('div', { class: 'xe-row' }, h('span', { class: 'xe-col-label' }, radio), name, slider, typed);
      return { radio, name, slider, typed, row };
    });
    this.rows.replaceChildren(...this.rowInputs.map((r) => r.row));
  }

  // ---- update ---------------------------------------------------------------

  key(state) {
    return [state.logits.join(','), state.label, state.smoothing, state.mode, state.batch.join(','), state.unit].join('|');
  }

  update(state, info = {}) {
    this.points.update(state, info);
    // The classifier's part is redrawn only when its own fields changed (or it trains).
    const last = this.ownState;
    this.ownState = state;
    if (last && !info.train && Object.keys(state).every((k) => POINT_FIELDS.includes(k) || last[k] === state[k])) return;
    const prev = this.state;
    // A frame the play loop asked for before Pause was pressed trains no more.
    const steps = info.run && !this.player.playing ? 0 : Math.min(info.train ?? 0, 1000);
    const call = (s) => this.ctx.klplay.crossEntropyLab(s, { steps });
    if (this.key(state) !== this.traceKey) {
      // The reader changed the problem: a new curve starts from here.
      const startR = steps > 0 ? this.ctx.klplay.crossEntropyLab(state) : null;
      this.trace = { step: [], loss: [], kl: [], h: [] };
      this.stepsTaken = 0;
      this.traceNote.textContent = '';
      if (startR) this.pushTrace(0, startR.crossEntropy, startR.kl, startR.entropyP);
    }
    const r = call(state);
    this.r = r;
    if (steps > 0) {
      for (let t = 0; t < r.traceLoss.length; t++) this.pushTrace(this.stepsTaken + t + 1, r.traceLoss[t], r.traceKL[t], r.entropyP);
      this.stepsTaken += r.traceLoss.length;
      const next = { ...state, logits: Array.from(r.logits) };
      state = next;
      const converged = r.gradNorm < 1e-6;
      if (this.stepsTaken >= MAX_TRACE || converged) {
        this.traceNote.textContent = converged ? `Converged after ${this.stepsTaken} steps: Q = ${state.mode === 'batch' ? 'P̄' : 'P'}, so the KL part is 0 and the loss equals the label’s entropy.` : `Paused after ${MAX_TRACE} steps.`;
        this.player.pause();
      }
      this.traceKey = this.key(next);
      this.ctx.set(next, {});
    } else if (this.trace.step.length === 0 || this.key(state) !== this.traceKey) {
      this.traceKey = this.key(state);
      this.pushTrace(0, r.crossEntropy, r.kl, r.entropyP);
    }
    this.state = state;

    // Controls.
    const k = state.logits.length;
    if (!this.rowInputs || this.rowInputs.length !== k) this.buildRows(state);
    const batch = state.mode === 'batch';
    this.rowInputs.forEach((row, i) => {
      const nm = nameOf(state, i);
      row.radio.checked = i === state.label;
      row.radio.setAttribute('aria-label', `The image is a ${nm}`);
      row.radio.disabled = batch;
      if (document.activeElement !== row.name && row.name.value !== nm) row.name.value = nm;
      row.slider.setAttribute('aria-label', `Logit z(${nm})`);
      row.typed.setAttribute('aria-label', `Logit z(${nm}), typed`);
      const z = state.logits[i];
      if (document.activeElement !== row.slider && Number(row.slider.value) !== z) row.slider.value = String(z);
      row.slider.dataset.value = String(z); // exact: the range input itself snaps to its step
      row.slider.setAttribute('aria-valuetext', `${nm}: ${+z.toFixed(3)}`);
      const zt = String(+z.toFixed(3));
      if (document.activeElement !== row.typed && row.typed.value !== zt) row.typed.value = zt;
    });
    this.el.classList.toggle('xe-is-batch', batch);
    if (document.activeElement !== this.countInput) this.countInput.value = String(k);
    this.modeChoice.set(state.mode);
    this.unitChoice.set(state.unit);
    for (const s of this.unitSpans) setText(s, state.unit);
    this.smooth.set(state.smoothing);
    if (document.activeElement !== this.lrRange) this.lrRange.value = String(Math.log10(state.lr));
    if (document.activeElement !== this.lrNumber) this.lrNumber.value = String(state.lr);
    this.batchCard.hidden = !batch;
    this.batchFormula.hidden = !batch;
    this.onehotFormula.hidden = batch;
    this.roQc.hidden = batch;
    this.roLogQc.hidden = batch;
    this.roEntropy.querySelector('.readout-name').textContent = batch ? 'H(P̄)' : 'H(P)';
    this.heroHint.textContent = batch ? 'the mean cross-entropy over the batch' : 'the cross-entropy of the prediction against the label';
    if (batch) this.fillBatch(state);

    // Readouts.
    const c = state.label;
    const unitK = state.unit === 'bits' ? 1 / Math.LN2 : 1;
    const meanLoss = r.losses.reduce((a, b) => a + b, 0) / r.losses.length;
    const values = { ...r, qTrue: r.q[c], lossTrue: -r.logQ[c] * unitK, meanLoss, steps: this.stepsTaken };
    this.readouts.set(values);
    setOutput(this.stepCount, this.stepsTaken, { digits: 0 });
    this.explain(state);

    const animate = Boolean(info.animate) && prev !== null && !this.player.playing;
    for (const chart of [this.dist, this.stack, this.traceChart, this.grad, this.batchChart]) chart.ready = true;
    this.dist.redraw({ animate });
    this.stack.redraw({ animate });
    this.grad.redraw({ animate });
    this.traceChart.redraw();
    if (batch) this.batchChart.redraw({ animate });
    if (prev !== null) this.readouts.announce();
  }

  pushTrace(step, loss, kl, hp) {
    const t = this.trace;
    t.step.push(step);
    t.loss.push(loss);
    t.kl.push(kl);
    t.h.push(hp);
  }

  explain(state) {
    const { r } = this;
    const u = state.unit;
    let text = '';
    if (r.entropyP === 0 && r.kl < 1e-9) text = 'Q matches the one-hot label: the loss is 0.';
    else if (r.entropyP === 0) text = `The label is one-hot, so H(P) = 0 and the whole loss, ${number(r.crossEntropy)} ${u}, is KL(P‖Q).`;
    else if (r.kl < 1e-6) text = `Q = P: the KL part is gone and the loss equals H(${state.mode === 'batch' ? 'P̄' : 'P'}) = ${number(r.entropyP)} ${u}, the floor no model can go below.`;
    this.callout.textContent = text;
    this.callout.hidden = text === '';
  }

  fillBatch(state) {
    const k = state.logits.length;
    const key = `${state.batch.length}|${k}|${state.names.join('\u0000')}`;
    if (this.batchKey !== key) {
      this.batchKey = key;
      this.batchSelects = state.batch.map((_, j) => h('select', { 'aria-label': `Label of example ${j + 1}`, 'data-example': j,
        onchange: (e) => { const b = [...this.ctx.state().batch]; b[j] = Number(e.target.value); this.setBatch(b); } },
      range(k).map((i) => h('option', { value: i }, nameOf(state, i)))));
      this.batchRows.replaceChildren(...this.batchSelects.map((s, j) => h('label', { class: 'xe-example' }, h('span', {}, `#${j + 1}`), s)));
    }
    this.batchSelects.forEach((s, j) => { if (s.value !== String(state.batch[j])) s.value = String(state.batch[j]); });
  }

  speak() {
    const { r, state } = this;
    if (!r) return;
    return `Loss ${number(r.crossEntropy)} ${state.unit}: H(P) ${number(r.entropyP)} plus KL ${number(r.kl)}.`;
  }

  // ---- charts ---------------------------------------------------------------

  bands(f) {
    const k = this.state.logits.length;
    const x = scaleBand().domain(range(k)).range([0, f.innerWidth]).paddingInner(0.3).paddingOuter(0.15);
    return { k, x };
  }

  xAxis(f, x) {
    const longest = max(x.domain(), (i) => nameOf(this.state, i).length);
    const g = f.plot.selectAll('g.x-axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${f.innerHeight})`);
    once(g, `${f.innerWidth}|${this.state.names.join('\u0000')}|${x.domain().length}`,
      (sel) => sel.call(axisBottom(x).tickValues(thinTicks(x.domain(), x.step(), longest)).tickFormat((i) => nameOf(this.state, i)).tickSizeOuter(0).tickSize(4)));
  }

  grid(f, y, fmt = tick2, ticks = 5) {
    once(f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid'), `${f.innerWidth}|${f.innerHeight}|${y.domain()}|${ticks}`,
      (sel) => sel.call(axisLeft(y).ticks(ticks).tickSize(-f.innerWidth).tickFormat(fmt)).call((g) => g.select('.domain').remove()));
  }

  drawDist(f, { animate }) {
    const { r } = this;
    const { x } = this.bands(f);
    const sub = scaleBand().domain(['p', 'q']).range([0, x.bandwidth()]).paddingInner(0.1);
    const y = scaleLinear().domain([0, 1]).range([f.innerHeight, 0]);
    this.grid(f, y);
    this.xAxis(f, x);
    const data = ['p', 'q'].flatMap((s) => Array.from(r[s], (v, i) => ({ s, i, v, key: `${s}${i}` })));
    const t = (sel) => maybeTransition(sel, animate);
    const bars = f.plot.selectAll('g.bars').data([0]).join('g').attr('class', 'bars');
    bars.selectAll('rect.bar').data(data, (d) => d.key)
      .join((enter) => enter.append('rect').attr('class', (d) => `bar bar-${d.s}`).attr('y', y(0)).attr('height', 0).attr('fill', (d) => (d.s === 'q' ? this.patterns.q : null)))
      .attr('x', (d) => x(d.i) + sub(d.s)).attr('width', sub.bandwidth())
      .call((sel) => t(sel).attr('y', (d) => y(d.v)).attr('height', (d) => y(0) - y(d.v)));
    const show = sub.bandwidth() >= 24;
    bars.selectAll('text.value').data(show ? data : [], (d) => d.key)
      .join('text').attr('class', (d) => `value value-${d.s}`).attr('text-anchor', 'middle')
      .attr('x', (d) => x(d.i) + sub(d.s) + sub.bandwidth() / 2)
      .attr('y', (d) => y(d.v) - 5).text((d) => label2(d.v));
  }

  drawStack(f, { animate }) {
    const { r, state } = this;
    const finite = Number.isFinite(r.crossEntropy);
    const total = finite ? r.crossEntropy : r.entropyP + 1;
    const nice = state.unit === 'bits' ? 1 : 0.5;
    const top = Math.max(nice, Math.ceil((total * 1.05) / nice) * nice);
    const x = scaleLinear().domain([0, top]).range([0, f.innerWidth]);
    const hgt = f.innerHeight;
    once(f.plot.selectAll('g.axis').data([0]).join('g').attr('class', 'axis').attr('transform', `translate(0,${hgt})`), `${f.innerWidth}|${top}`,
      (sel) => sel.call(axisBottom(x).ticks(Math.max(2, Math.floor(f.innerWidth / 70))).tickFormat(format('~g')).tickSizeOuter(0).tickSize(4)));
    const segs = [
      { key: 'h', x0: 0, x1: r.entropyP, cls: 'xe-seg-h', fill: null },
      { key: 'kl', x0: r.entropyP, x1: finite ? r.crossEntropy : top, cls: 'xe-seg-kl', fill: this.patterns.kl },
    ];
    const t = (sel) => maybeTransition(sel, animate);
    f.plot.selectAll('rect.seg').data(segs, (d) => d.key)
      .join('rect').attr('class', (d) => `seg ${d.cls}`).attr('fill', (d) => d.fill).attr('y', 0).attr('height', hgt)
      .call((sel) => t(sel).attr('x', (d) => x(d.x0)).attr('width', (d) => Math.max(0, x(d.x1) - x(d.x0))));
    const labels = [
      { key: 'h', text: `H(P) ${number(r.entropyP, { digits: 3 })}`, at: x(r.entropyP / 2), w: x(r.entropyP) },
      { key: 'kl', text: `KL ${number(r.kl, { digits: 3 })}`, at: x(r.entropyP) + (x(finite ? r.crossEntropy : top) - x(r.entropyP)) / 2, w: x(finite ? r.crossEntropy : top) - x(r.entropyP) },
    ].filter((d) => d.w > d.text.length * 6.5);
    f.plot.selectAll('text.seg-label').data(labels, (d) => d.key).join('text').attr('class', 'seg-label value').attr('text-anchor', 'middle')
      .attr('x', (d) => d.at).attr('y', hgt / 2 + 4).text((d) => d.text);
  }

  drawGrad(f, { animate }) {
    const { r } = this;
    const { x } = this.bands(f);
    const g = Array.from(r.grad);
    const m = Math.max(0.25, ...g.map(Math.abs));
    const lim = [0.25, 0.5, 1].find((v) => v >= m) ?? 1;
    const y = scaleLinear().domain([-lim, lim]).range([f.innerHeight, 0]);
    this.grid(f, y, tick2, 4);
    this.xAxis(f, x);
    f.plot.select('g.x-axis').attr('transform', `translate(0,${f.innerHeight})`);
    const w = Math.min(x.bandwidth(), 48);
    const bx = (i) => x(i) + (x.bandwidth() - w) / 2;
    const data = g.map((v, i) => ({ i, v }));
    const t = (sel) => maybeTransition(sel, animate);
    f.plot.selectAll('g.bars').data([0]).join('g').attr('class', 'bars')
      .selectAll('rect').data(data, (d) => d.i)
      .join((enter) => enter.append('rect').attr('y', y(0)).attr('height', 0))
      .attr('class', (d) => (d.v < 0 ? 'term term-neg' : 'term term-pos'))
      .attr('fill', (d) => (d.v < 0 ? this.patterns.neg : null))
      .attr('x', (d) => bx(d.i)).attr('width', w)
      .call((sel) => t(sel).attr('y', (d) => Math.min(y(0), y(d.v))).attr('height', (d) => Math.abs(y(d.v) - y(0))));
    // The direction each logit moves in a step, as an arrow beside the zero line.
    f.plot.selectAll('g.arrows').data([0]).join('g').attr('class', 'arrows')
      .selectAll('text').data(data.filter((d) => Math.abs(d.v) > 1e-3), (d) => d.i)
      .join('text').attr('class', 'xe-arrow').attr('text-anchor', 'middle').attr('x', (d) => bx(d.i) + w / 2)
      .attr('y', (d) => (d.v > 0 ? y(0) - 6 : y(0) + 16)).text((d) => (d.v > 0 ? '↓ z' : '↑ z'));
    f.plot.selectAll('g.labels').data([0]).join('g').attr('class', 'labels')
      .selectAll('text').data(w >= 30 ? data : [], (d) => d.i)
      .join('text').attr('class', 'value').attr('text-anchor', 'middle').attr('x', (d) => bx(d.i) + w / 2)
      .attr('y', (d) => (d.v >= 0 ? y(d.v) - 5 : y(d.v) + 13)).text((d) => (Math.abs(d.v) < 5e-4 ? '0' : number(d.v, { digits: 3 })));
    f.plot.selectAll('line.zero').data([0]).join('line').attr('class', 'zero').attr('x1', 0).attr('x2', f.innerWidth).attr('y1', y(0)).attr('y2', y(0));
  }

  drawTrace(f) {
    const tr = this.trace;
    const n = tr.step.length;
    const last = n ? tr.step[n - 1] : 0;
    const x = scaleLinear().domain([0, niceCeil(Math.max(20, last))]).range([0, f.innerWidth]);
    const top = niceCeil(Math.max(0.1, max(tr.loss.filter(Number.isFinite)) ?? 0.1) * 1.08);
    const y = scaleLinear().domain([0, top]).range([f.innerHeight, 0]).nice(4);
    this.grid(f, y, format('~g'), 4);
    once(f.plot.selectAll('g.x-axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${f.innerHeight})`), `${f.innerWidth}|${x.domain()}`,
      (sel) => sel.call(axisBottom(x).ticks(Math.max(2, Math.floor(f.innerWidth / 80))).tickFormat(format('~d')).tickSizeOuter(0)));
    f.plot.selectAll('text.axis-unit').data([0]).join('text').attr('class', 'axis-unit').attr('x', -f.margin.left + 2).attr('y', -4).text(this.state.unit);
    f.plot.selectAll('text.axis-step').data([0]).join('text').attr('class', 'axis-unit axis-step').attr('text-anchor', 'end').attr('x', f.innerWidth).attr('y', f.innerHeight + 26).text('step');
    const idx = range(n).filter((i) => Number.isFinite(tr.loss[i]));
    const X = (i) => x(tr.step[i]);
    const cl = (v) => y(Math.min(v, top));
    f.plot.selectAll('path.xe-area-kl').data([idx]).join('path').attr('class', 'xe-area-kl').attr('fill', this.patterns.klTrace)
      .attr('d', area().x(X).y0(y(0)).y1((i) => cl(tr.kl[i])));
    f.plot.selectAll('path.xe-area-h').data([idx]).join('path').attr('class', 'xe-area-h')
      .attr('d', area().x(X).y0((i) => cl(tr.kl[i])).y1((i) => cl(tr.loss[i])));
    f.plot.selectAll('path.xe-line-kl').data([idx]).join('path').attr('class', 'xe-line-kl').attr('d', line().x(X).y((i) => cl(tr.kl[i])));
    f.plot.selectAll('path.xe-line-loss').data([idx]).join('path').attr('class', 'xe-line-loss').attr('d', line().x(X).y((i) => cl(tr.loss[i])));
    const hp = n ? tr.h[n - 1] : 0;
    f.plot.selectAll('line.xe-floor').data(hp > 0 ? [hp] : []).join('line').attr('class', 'xe-floor')
      .attr('x1', 0).attr('x2', f.innerWidth).attr('y1', (d) => y(d)).attr('y2', (d) => y(d));
    f.plot.selectAll('text.xe-floor-label').data(hp > 0 ? [hp] : []).join('text').attr('class', 'xe-floor-label sum-label').attr('text-anchor', 'end')
      .attr('x', f.innerWidth - 2).attr('y', (d) => y(d) - 5).text((d) => `floor H(P) = ${number(d, { digits: 3 })}`);
  }

  drawBatch(f, { animate }) {
    const { r, state } = this;
    const losses = Array.from(r.losses);
    const n = losses.length;
    const x = scaleBand().domain(range(n)).range([0, f.innerWidth]).paddingInner(0.3).paddingOuter(0.15);
    const finite = losses.filter(Number.isFinite);
    const y = scaleLinear().domain([0, Math.max(0.5, max(finite) ?? 0) * 1.1]).range([f.innerHeight, 0]).nice(4);
    this.grid(f, y, format('~g'), 4);
    once(f.plot.selectAll('g.x-axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${f.innerHeight})`),
      `${f.innerWidth}|${state.batch.join()}|${state.names.join('\u0000')}`,
      (sel) => sel.call(axisBottom(x).tickFormat((j) => nameOf(state, state.batch[j])).tickSizeOuter(0).tickSize(4)));
    const w = Math.min(x.bandwidth(), 44);
    const bx = (j) => x(j) + (x.bandwidth() - w) / 2;
    const t = (sel) => maybeTransition(sel, animate);
    f.plot.selectAll('g.bars').data([0]).join('g').attr('class', 'bars')
      .selectAll('rect').data(losses.map((v, j) => ({ j, v })), (d) => d.j)
      .join((enter) => enter.append('rect').attr('class', 'xe-example-bar').attr('y', y(0)).attr('height', 0))
      .attr('x', (d) => bx(d.j)).attr('width', w)
      .call((sel) => t(sel).attr('y', (d) => y(d.v)).attr('height', (d) => y(0) - y(d.v)));
    f.plot.selectAll('g.labels').data([0]).join('g').attr('class', 'labels')
      .selectAll('text').data(w >= 28 ? losses.map((v, j) => ({ j, v })) : [], (d) => d.j)
      .join('text').attr('class', 'value').attr('text-anchor', 'middle').attr('x', (d) => bx(d.j) + w / 2).attr('y', (d) => y(d.v) - 5).text((d) => label3(d.v));
    const mean = r.crossEntropy;
    f.plot.selectAll('line.sum').data([mean]).join('line').attr('class', 'sum').attr('x1', 0).attr('x2', f.innerWidth).attr('y1', (d) => y(d)).attr('y2', (d) => y(d));
    f.plot.selectAll('text.sum-label').data([mean]).join('text').attr('class', 'sum-label').attr('text-anchor', 'end').attr('x', f.innerWidth - 2)
      .attr('y', (d) => Math.max(12, y(d) - 5)).text((d) => `mean = H(P̄, Q) = ${number(d, { digits: 3 })}`);
  }
}

export default defineLab({
  id: 'cross-entropy',
  title: 'Cross-entropy',
  blurb: 'The dog-vs-cat classifier: logits, softmax, the loss H(P, Q) = H(P) + KL(P‖Q) and its gradient',
  schema,
  check,
  View,
});
