// The Cross-entropy lab's second model, where Q depends on the input: softmax
// regression q(y|x) = softmax(Wx + b) on points of the plane the reader drags,
// adds and removes, trained by full-batch gradient descent from W = 0, b = 0.
// The state's fitStep is how far training has gone, so a link replays the fit
// to the same step (core/logistic keeps the descent path, so a frame of Play
// costs one step). One call into Go (klplay.crossEntropyPoints) per update.
import { scaleBand, scaleLinear } from 'd3-scale';
import { axisBottom, axisLeft } from 'd3-axis';
import { area, line, symbol, symbolCircle, symbolSquare, symbolTriangle } from 'd3-shape';
import { contours } from 'd3-contour';
import { drag } from 'd3-drag';
import { pointer } from 'd3-selection';
import { extent, max, range } from 'd3-array';
import { format } from 'd3-format';
import { h, uniqueId } from '../../lib/dom.js';
import { formula, segmented } from '../../lib/lab.js';
import { fieldSlider, transport } from '../../lib/controls.js';
import { hatch, niceCeil, once, traceAxes } from '../../lib/chart.js';
import { number } from '../../lib/format.js';
import { Player } from '../../lib/player.js';
import { Readouts } from '../../lib/readouts.js';

const CLASS_NAMES = ['A', 'B', 'C'];
const SHAPES = [symbolCircle, symbolSquare, symbolTriangle];
// Play's pace: a tick every TICK_MS, one iteration per tick at first (the boundary's
// first moves are the large ones), more later, where the fit creeps.
const TICK_MS = 60;
const perTick = (step) => Math.min(8, 1 + Math.floor(step / 40));
const CONVERGED = 1e-5; // ‖∇L‖ below which Play stops: a step moves the weights by under 10⁻⁵
const tick = format('~g');

const shape = (c, size = 86) => symbol(SHAPES[c], size)();
const round2 = (v) => Math.round(v * 100) / 100;

/** The points of the state's flat triples [x, y, class, …]. */
const unpack = (flat) => range(flat.length / 3).map((i) => ({ i, x: flat[3 * i], y: flat[3 * i + 1], c: flat[3 * i + 2] }));

/** The state's fields that belong to this panel alone (the lab's classifier reads none of them). */
export const POINT_FIELDS = ['points', 'pointClasses', 'spread', 'pointLabels', 'fitStep'];
/** The fields the core's points model reads, the unit too (the rest of the lab's state would only cost the bridge time). */
const MODEL_FIELDS = [...POINT_FIELDS, 'unit'];
const pointState = (state) => Object.fromEntries(MODEL_FIELDS.map((k) => [k, state[k]]));

/** The plot's square, centred: its side, its left edge and the scales of x, y ∈ [lo, hi] on it. */
function square(f, lo, hi) {
  const side = Math.min(f.innerWidth, f.innerHeight);
  const x0 = (f.innerWidth - side) / 2;
  return { side, x0, x: scaleLinear().domain([lo, hi]).range([x0, x0 + side]), y: scaleLinear().domain([lo, hi]).range([side, 0]) };
}

/** The two axes of a square(), in `parent`. */
function squareAxes(parent, f, { side, x0, x, y }) {
  const key = `${f.innerWidth}|${side}|${x.domain()}`;
  once(parent.selectAll('g.x-axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${side})`), key,
    (s) => s.call(axisBottom(x).ticks(5).tickFormat(tick).tickSizeOuter(0)));
  once(parent.selectAll('g.y-axis').data([0]).join('g').attr('class', 'axis y-axis').attr('transform', `translate(${x0},0)`), key,
    (s) => s.call(axisLeft(y).ticks(5).tickFormat(tick).tickSizeOuter(0)));
}

/** "rgb(r, g, b)" (what getComputedStyle gives) as [r, g, b]. */
const rgb = (css) => (css.match(/[\d.]+/g) ?? [0, 0, 0]).slice(0, 3).map(Number);

export class PointsPanel {
  /** view: the lab's LabView (its ctx, frame() and set()); field(name): the schema's field. */
  constructor(view, field) {
    this.view = view;
    this.ctx = view.ctx;
    this.maxStep = field('fitStep').max;
    this.extent = field('points').max;
    this.maxPoints = field('points').maxLength / 3;
    this.spreadField = field('spread');
    this.brush = 0;
    this.seed = 1;
    this.key = null;
    this.readouts = new Readouts({ speak: () => this.speak() });
    this.player = new Player(view.el, {
      start: () => { if (this.finished(this.ctx.state().fitStep)) this.view.set({ fitStep: 0 }); },
      tick: () => this.tick(),
      step: () => this.view.set({ fitStep: Math.min(this.maxStep, this.ctx.state().fitStep + 1) }),
      reset: () => this.view.set({ fitStep: 0 }),
      reduced: () => this.view.set({ fitStep: this.maxStep }),
      interval: TICK_MS,
    });
  }

  converged() { return this.r !== undefined && this.r.step > 0 && this.r.gradNorm < CONVERGED; }

  /** Whether Fit has no further to go from iteration `step`: the last one, or converged. */
  finished(step) { return step >= this.maxStep || this.converged(); }

  tick() {
    const st = this.ctx.state();
    if (this.finished(st.fitStep)) { this.player.pause(); return; }
    this.view.set({ fitStep: Math.min(this.maxStep, st.fitStep + perTick(st.fitStep)) });
  }

  /** The points as the state holds them, changed by fn(points) → points. */
  edit(fn) {
    const pts = fn(unpack(this.ctx.state().points));
    this.view.set({ points: pts.flatMap((p) => [p.x, p.y, p.c]) });
  }

  move(i, x, y) {
    const e = this.extent;
    this.edit((pts) => pts.map((p) => (p.i === i ? { ...p, x: round2(Math.max(-e, Math.min(e, x))), y: round2(Math.max(-e, Math.min(e, y))) } : p)));
  }

  add(x, y) {
    if (this.ctx.state().points.length / 3 >= this.maxPoints) return;
    this.edit((pts) => [...pts, { x: round2(x), y: round2(y), c: this.brush }]);
  }

  remove(i) {
    if (this.ctx.state().points.length <= 3) return; // the loss is a mean: one point at least
    this.edit((pts) => pts.filter((p) => p.i !== i));
  }

  /** A fresh sample from the world of the given classes and spread (the core draws it). */
  resample(patch = {}) {
    const st = { ...pointState(this.ctx.state()), ...patch, points: [0, 0, 0], fitStep: 0 };
    this.seed += 1;
    const r = this.ctx.klplay.crossEntropyPoints(st, { sample: this.seed });
    this.view.set({ ...patch, points: Array.from(r.sample), fitStep: 0 }, { animate: true });
  }

  // ---- DOM ------------------------------------------------------------------

  build(formulas) {
    const { out } = this.readouts;
    this.unitSpans = [];
    const unit = () => { const s = h('span', { class: 'unit' }, 'nats'); this.unitSpans.push(s); return s; };
    // Its data-action values are its own: the lab's classifier has a transport of its own on the page.
    this.transport = transport({ player: this.player, label: 'Training of the points model',
      text: { play: 'Fit', step: '+1 iteration', reset: 'Restart at W = 0' }, actions: { play: 'fit-play', step: 'fit-one', reset: 'fit-reset' } });
    this.stepOut = out('fitStep');
    this.transport.el.append(h('span', { class: 'small lr-iter' }, 'iteration ', this.stepOut, ` of ${this.maxStep}`));
    this.kChoice = segmented({ name: 'lr-k', legend: 'Classes', group: 'lr-classes', choose: (v) => this.resample({ pointClasses: Number(v) }),
      options: [{ value: '2' }, { value: '3' }] });
    this.labelChoice = segmented({ name: 'lr-labels', legend: 'Labels', group: 'lr-labels', choose: (v) => this.view.set({ pointLabels: v }, { animate: true }),
      options: [{ value: 'true', label: 'true p(y|x)', title: 'Each point’s label is the probability of each class where it lies' }, { value: 'onehot', label: 'one-hot', title: 'Each point’s label is its colour' }] });
    this.spread = fieldSlider(this.spreadField, { label: 'Spread σ', step: 0.05, cls: 'lr-spread', hint: 'the clouds’ overlap: it changes p(y|x) at every point; New sample redraws the points', onInput: (v) => this.view.set({ spread: v }) });
    this.brushChoice = segmented({ name: 'lr-brush', legend: 'Add', group: 'lr-brush', choose: (v) => { this.brush = Number(v); },
      options: CLASS_NAMES.map((n, c) => ({ value: String(c), label: n, title: `New points are of class ${n}` })) });
    this.brushChoice.el.classList.add('lr-brush');
    this.probes = CLASS_NAMES.map((_, c) => h('span', { class: `lr-probe lr-c${c}`, 'aria-hidden': 'true' }));
    this.probeBg = h('span', { class: 'lr-probe lr-bg', 'aria-hidden': 'true' });

    this.planeHost = h('div', { class: 'chart-host lr-plane-host' });
    this.stackHost = h('div', { class: 'chart-host xe-stack-host' });
    this.traceHost = h('div', { class: 'chart-host' });
    this.termsHost = h('div', { class: 'chart-host' });
    this.surfaceHost = h('div', { class: 'chart-host' });
    this.callout = h('p', { class: 'callout', hidden: true });
    this.planeNote = h('p', { class: 'fig-note lr-note' });
    this.termsNote = h('p', { class: 'fig-note' });
    this.termsLegend = h('p', { class: 'legend' });

    const ro = (key, name, hint, cls) => h('div', { class: `readout ${cls}` },
      h('span', { class: 'readout-name', id: `lr-ro-${key}` }, name),
      h('span', { class: 'readout-value' }, out(key, { 'aria-labelledby': `lr-ro-${key}` }), unit()),
      h('span', { class: 'readout-hint' }, hint));
    this.roFloor = ro('ptFloor', 'aleatoric (irreducible)', 'H(Y|X): the mean entropy of the true labels', 'lr-ro-floor');
    this.roGap = ro('ptGap', 'epistemic (reducible)', 'the mean KL(p‖q): what training removes', 'lr-ro-gap');
    this.roFloorName = this.roFloor.querySelector('.readout-name');
    this.roFloorHint = this.roFloor.querySelector('.readout-hint');
    this.roGapName = this.roGap.querySelector('.readout-name');

    this.section = h('section', { class: 'card lr-panel', 'aria-labelledby': 'lr-h' },
      h('div', { class: 'lr-head' },
        h('h2', { id: 'lr-h' }, 'When Q depends on the input: softmax regression'),
        h('p', { class: 'small', 'data-embed': 'text' }, 'Now each example is a point x of the plane, and the model’s prediction is a function of it: q(y|x) = softmax(Wx + b). The loss is the mean, over the points, of each point’s cross-entropy. Drag a point, click empty ground to add one of the chosen class, double-click a point to remove it, then press Fit.')),
      h('div', { class: 'lr-toolbar', 'data-embed-group': 'lr-controls' },
        this.transport.el,
        this.kChoice.el, this.labelChoice.el, this.brushChoice.el,
        h('button', { type: 'button', class: 'chip', 'data-action': 'fit-add', title: 'A point of the chosen class at the centre (then arrows move it)', onclick: () => this.add(0, 0) }, '+ point'),
        h('button', { type: 'button', class: 'chip', 'data-action': 'fit-sample', onclick: () => this.resample() }, 'New sample'),
        this.spread.el),
      h('div', { class: 'lr-grid' },
        h('figure', { class: 'lr-fig lr-fig-plane' },
          h('figcaption', {}, h('h3', {}, 'The points and the model’s q(y|x)'),
            h('p', { class: 'legend' }, this.classKeys = CLASS_NAMES.map((n, c) => h('span', { class: 'lr-key', 'data-class': c },
              h('svg:svg', { width: 14, height: 14, 'aria-hidden': 'true', class: `swatch lr-c${c}` }, h('svg:path', { d: shape(c, 70), transform: 'translate(7,7)', class: `lr-sym lr-sym-${c}` })), `class ${n}`)),
            h('span', {}, h('span', { class: 'line-swatch lr-boundary-swatch' }), 'decision boundary'))),
          this.planeHost, this.planeNote, ...this.probes, this.probeBg),
        h('div', { class: 'lr-side' },
          h('div', { class: 'hero' },
            h('span', { class: 'hero-name', id: 'lr-ro-loss' }, 'Average loss L'),
            h('span', { class: 'hero-value' }, out('ptLoss', { 'aria-labelledby': 'lr-ro-loss' }), unit()),
            this.heroHint = h('span', { class: 'hero-hint' }, 'the mean of the points’ cross-entropies')),
          h('div', {}, this.stackTitle = h('p', { class: 'small xe-stack-title' }, 'L = aleatoric + epistemic'), this.stackHost),
          h('div', { class: 'readout-grid' }, this.roFloor, this.roGap),
          this.callout,
          h('figure', { class: 'lr-fig' },
            h('figcaption', {}, h('h3', {}, 'Training: L against the iteration'),
              h('p', { class: 'legend' }, h('span', {}, h('span', { class: 'line-swatch lr-loss-swatch' }), 'L'),
                h('span', {}, h('span', { class: 'line-swatch lr-floor-swatch' }), this.floorKey = h('span', {}, 'aleatoric floor')),
                h('span', {}, h('span', { class: 'lr-sw lr-sw-gap' }), this.gapKey = h('span', {}, 'epistemic gap')))),
            this.traceHost))),
      h('div', { class: 'lr-grid lr-grid-low' },
        h('div', { class: 'lr-col' },
        h('figure', { class: 'lr-fig' },
          h('figcaption', {}, h('h3', {}, 'Each point’s term'), this.termsLegend),
          this.termsHost, this.termsNote),
        h('div', { class: 'formulas', 'data-embed-group': 'lr-formulas' },
          formula(formulas.ptModel),
          formula(formulas.ptLoss),
          formula(formulas.ptSplit, h('p', { class: 'formula-value identity' }, out('ptLoss'), ' = ', out('ptFloor'), ' + ', out('ptGap'), ' ', unit())),
          formula(formulas.ptBayes),
          formula(formulas.ptStep))),
        h('div', { class: 'lr-col' },
        h('figure', { class: 'lr-fig' },
          h('figcaption', {}, h('h3', {}, 'The loss surface over two weights'),
            h('p', { class: 'legend' }, h('span', {}, '● the current weights'), h('span', {}, '— their path'), this.starKey = h('span', { class: 'lr-star-key' }, h('span', {}, '✕ the true w', h('sub', {}, 'A'), ' = μ', h('sub', {}, 'A'), '/σ²')))),
          this.surfaceHost,
          h('p', { class: 'fig-note', 'data-embed': 'text' }, 'L as a function of class A’s two weights w', h('sub', {}, 'A,x'), ' and w', h('sub', {}, 'A,y'), ', every other weight held where training has it now; the deeper the blue, the lower L.')),
        h('div', { class: 'lr-prose', 'data-embed': 'text' },
          h('p', {}, 'The points come from three (or two) round Gaussian clouds of spread σ around fixed centres μ', h('sub', {}, 'k'), ', one per class, equally likely. Where the clouds overlap, x alone cannot settle the class: the best anyone can say is the probability p(y|x) that Bayes’ rule gives. With ', h('em', {}, 'true p(y|x)'), ' chosen, that probability is each point’s label.'),
          h('p', {}, 'Cross-entropy splits as before, point by point: the label’s entropy plus KL from the label to the prediction. The mean entropy H(Y|X) does not depend on the model at all. It is ', h('strong', {}, 'aleatoric'), ' uncertainty, noise in the world that no amount of training or data removes. The mean KL is ', h('strong', {}, 'epistemic'), ': what the model does not know yet, which training drives towards 0. Here the true p(y|x) is itself a softmax of a linear function of x, so the model can reach the floor exactly.'),
          h('p', {}, 'With ', h('em', {}, 'one-hot'), ' labels each point’s label is its colour, the loss is the mean of −log q(y', h('sub', {}, 'i'), '|x', h('sub', {}, 'i'), '), and the labels have no entropy: the whole loss is KL. On a few overlapping points it can fall below the world’s H(Y|X), because the model fits the particular labels that were drawn, not the chance of each label. That is overfitting, not knowledge.')))));
    this.section.append(this.readouts.live);

    const v = this.view;
    const planeHeight = (w) => Math.min(w - 44, 440) + 38;
    this.plane = v.frame(this.planeHost, { height: planeHeight, margin: { top: 10, right: 10, bottom: 28, left: 34 }, label: 'The points, coloured by class, over the shading of the model’s prediction, with its decision boundary', role: 'group', draw: (f) => this.drawPlane(f),
      csv: () => ({ columns: ['x', 'y', 'class', ...CLASS_NAMES.slice(0, this.r.classes).map((n) => `q(${n}|x)`), `term (${this.state.unit})`], rows: unpack(this.state.points).map((p) => [p.x, p.y, CLASS_NAMES[p.c], ...Array.from(this.r.q.slice(p.i * this.r.classes, (p.i + 1) * this.r.classes)), this.r.terms[p.i]]) }) });
    this.stack = v.frame(this.stackHost, { height: 64, margin: { top: 4, right: 10, bottom: 22, left: 4 }, label: 'The average loss as a stacked bar: aleatoric plus epistemic', draw: (f) => this.drawStack(f),
      csv: () => ({ columns: ['part', `value (${this.state.unit})`], rows: [['aleatoric', this.r.floor], ['epistemic', this.r.gap], ['L', this.r.loss]] }) });
    this.trace = v.frame(this.traceHost, { height: 200, margin: { top: 14, right: 12, bottom: 30, left: 44 }, label: 'The average loss against the iteration, with the aleatoric floor', draw: (f) => this.drawTrace(f),
      csv: () => ({ columns: ['iteration', `L (${this.state.unit})`, `aleatoric floor (${this.state.unit})`], rows: Array.from(this.r.trace, (l, t) => [t, l, this.r.floor]) }) });
    this.terms = v.frame(this.termsHost, { height: 200, margin: { top: 18, right: 8, bottom: 30, left: 40 }, label: 'Each point’s cross-entropy, split into its label’s entropy and its KL', draw: (f) => this.drawTerms(f),
      csv: () => ({ columns: ['point', 'class', `H(p) (${this.state.unit})`, `term (${this.state.unit})`], rows: Array.from(this.r.terms, (t, i) => [i + 1, CLASS_NAMES[this.state.points[3 * i + 2]], this.r.entropy[i], t]) }) });
    this.surface = v.frame(this.surfaceHost, { height: (w) => Math.min(w - 52, 300) + 44, margin: { top: 12, right: 12, bottom: 32, left: 40 }, label: 'The loss over two weights of class A, with the current weights marked', draw: (f) => this.drawSurface(f),
      csv: () => { const { r } = this; const n = r.surfaceN; const d = (r.surfaceHi - r.surfaceLo) / (n - 1); return { columns: ['w_A,x', 'w_A,y', `L (${this.state.unit})`], rows: Array.from(r.surface, (l, j) => [r.surfaceLo + (j % n) * d, r.surfaceHi - Math.floor(j / n) * d, l]) }; } });
    this.patterns = { gap: hatch(this.stack.defs, 'var(--lr-epi)', { opacity: 0.9 }), gapTerms: hatch(this.terms.defs, 'var(--lr-epi)', { opacity: 0.9 }), gapTrace: hatch(this.trace.defs, 'var(--lr-epi)', { opacity: 0.7 }) };
    this.canvas = document.createElement('canvas');
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    this.onScheme = () => { this.colours = null; if (this.r) this.redraw(); };
    scheme.addEventListener('change', this.onScheme);
    this.scheme = scheme;
    return this.section;
  }

  /** The classes' and the card's colours as RGB, resolved from the CSS (light or dark). */
  palette() {
    if (!this.colours) {
      const css = (el) => rgb(getComputedStyle(el).color);
      this.colours = { classes: this.probes.map(css), bg: css(this.probeBg) };
    }
    return this.colours;
  }

  // ---- update ---------------------------------------------------------------

  update(state, info = {}) {
    const key = MODEL_FIELDS.map((k) => state[k]).join('|');
    if (key === this.key) return;
    this.key = key;
    // Nodes that follow only the unit, the classes or the labels are written when those change, not every step.
    const prev = this.state ?? {};
    this.state = state;
    this.r = this.ctx.klplay.crossEntropyPoints(pointState(state));
    const { r } = this;
    const onehot = state.pointLabels === 'onehot';
    this.readouts.set({ ptLoss: r.loss, ptFloor: r.floor, ptGap: r.gap, fitStep: r.step }, (v, key) => (key === 'fitStep' ? String(v) : number(v)));
    if (prev.unit !== state.unit) for (const s of this.unitSpans) s.textContent = state.unit;
    this.kChoice.set(String(state.pointClasses));
    this.labelChoice.set(state.pointLabels);
    this.spread.set(state.spread);
    if (prev.pointClasses !== state.pointClasses) {
      this.brushChoice.inputs.forEach((input, c) => { input.disabled = c >= state.pointClasses; input.parentElement.hidden = c >= state.pointClasses; });
      if (this.brush >= state.pointClasses) this.brush = 0;
      this.classKeys.forEach((key, c) => { key.hidden = c >= state.pointClasses; });
    }
    this.brushChoice.set(String(this.brush));
    if (prev.pointLabels !== state.pointLabels) {
      this.stackTitle.textContent = onehot ? 'L = H(labels) + KL, and H(labels) = 0' : 'L = aleatoric + epistemic';
      this.floorKey.textContent = onehot ? 'floor 0' : 'aleatoric floor';
      this.gapKey.textContent = onehot ? 'KL' : 'epistemic gap';
      this.starKey.hidden = onehot;
      this.roFloorName.textContent = onehot ? 'entropy of the labels' : 'aleatoric (irreducible)';
      this.roFloorHint.textContent = onehot ? 'one-hot labels have no entropy' : 'H(Y|X): the mean entropy of the true labels';
      this.roGapName.textContent = onehot ? 'KL from the one-hot labels' : 'epistemic (reducible)';
      this.heroHint.textContent = onehot ? 'the mean of −log q(yᵢ|xᵢ) over the points' : 'the mean of the points’ cross-entropies H(pᵢ, qᵢ)';
      this.termsLegend.replaceChildren(...(onehot
        ? [h('span', {}, h('span', { class: 'lr-sw lr-sw-gap' }), '−log q(yᵢ|xᵢ)')]
        : [h('span', {}, h('span', { class: 'lr-sw lr-sw-floor' }), 'H(pᵢ), aleatoric'), h('span', {}, h('span', { class: 'lr-sw lr-sw-gap' }), 'KL(pᵢ‖qᵢ), epistemic')]));
    }
    const n = r.terms.length;
    this.termsNote.textContent = `${n} points; their mean is L = ${number(r.loss)} ${state.unit}.`;
    this.planeNote.textContent = `${n} of at most ${this.maxPoints} points. Shading: the colours mixed by q(y|x), fainter where the model is unsure. Keys: Tab to a point, arrows move it, Delete removes it.`;
    const converged = this.converged();
    let text = '';
    if (r.step === 0) text = `At W = 0, b = 0 the model says q = 1/${r.classes} everywhere, so every term is log ${r.classes} = ${number(Math.log(r.classes) / (state.unit === 'bits' ? Math.LN2 : 1))} ${state.unit}.`;
    else if (converged && !onehot) text = `Converged at iteration ${r.step}: the epistemic part is down to ${number(r.gap)} ${state.unit}, and L has reached the aleatoric floor, ${number(r.floor)} ${state.unit}.`;
    else if (converged) text = `Converged at iteration ${r.step}.`;
    else if (r.step >= this.maxStep) text = `Stopped after ${this.maxStep} iterations.`;
    this.callout.textContent = text;
    this.callout.hidden = text === '';
    if (this.player.playing && this.finished(r.step)) this.player.pause();
    this.redraw();
    if (info.animate !== undefined || !this.player.playing) this.readouts.announce();
  }

  redraw() {
    for (const c of [this.plane, this.stack, this.trace, this.terms, this.surface]) { c.ready = true; c.redraw(); }
  }

  speak() {
    const { r, state } = this;
    if (!r) return '';
    if (state.pointLabels === 'onehot') return `Iteration ${r.step}: average loss ${number(r.loss)} ${state.unit}, all of it KL from the one-hot labels.`;
    return `Iteration ${r.step}: average loss ${number(r.loss)} ${state.unit}, aleatoric ${number(r.floor)}, epistemic ${number(r.gap)}.`;
  }

  destroy() {
    this.player.destroy();
    this.readouts.destroy();
    this.scheme?.removeEventListener('change', this.onScheme);
  }

  // ---- charts ---------------------------------------------------------------

  drawPlane(f) {
    const { r, state } = this;
    const sq = square(f, -this.extent, this.extent);
    const { side, x0, x, y } = sq;
    const k = r.classes;
    const n = r.fieldN;
    // The shading: each cell the classes' colours mixed by q, more opaque where q is surer.
    const { classes, bg } = this.palette();
    if (this.canvas.width !== n) { this.canvas.width = n; this.canvas.height = n; }
    const g2 = this.canvas.getContext('2d');
    const img = g2.createImageData(n, n);
    for (let j = 0; j < n * n; j++) {
      let top = 0;
      const mix = [0, 0, 0];
      for (let c = 0; c < k; c++) {
        const q = r.field[j * k + c];
        top = Math.max(top, q);
        for (let a = 0; a < 3; a++) mix[a] += q * classes[c][a];
      }
      const sure = (top - 1 / k) / (1 - 1 / k);
      const alpha = 0.12 + 0.4 * sure;
      for (let a = 0; a < 3; a++) img.data[4 * j + a] = Math.round(alpha * mix[a] + (1 - alpha) * bg[a]);
      img.data[4 * j + 3] = 255;
    }
    g2.putImageData(img, 0, 0);
    // Layers made once, in drawing order (moving nodes every frame would cost a layout).
    if (!this.layers) {
      const layer = (cls) => f.plot.append('g').attr('class', cls);
      this.layers = { shade: layer('lr-l-shade'), ground: layer('lr-l-ground'), axes: layer('lr-l-axes'), boundary: layer('lr-l-boundary'), points: layer('lr-points') };
      this.layers.ground.append('rect').attr('class', 'lr-ground').on('click', (event) => {
        const [px, py] = pointer(event, f.plot.node());
        this.add(this.planeX.invert(px), this.planeY.invert(py));
      });
    }
    this.planeX = x;
    this.planeY = y;
    const L = this.layers;
    L.shade.selectAll('image').data([0]).join('image').attr('class', 'lr-shade').attr('preserveAspectRatio', 'none')
      .attr('x', x0).attr('y', 0).attr('width', side).attr('height', side).attr('href', this.canvas.toDataURL());
    L.ground.select('rect').attr('x', x0).attr('y', 0).attr('width', side).attr('height', side);
    squareAxes(L.axes, f, sq);
    // The decision boundary: where a class's q ties the best of the others
    // (d3-contour puts cell (i, j) at (i + ½, j + ½), as the core's cell centres).
    const gx = scaleLinear().domain([0, n]).range([x0, x0 + side]);
    const gy = scaleLinear().domain([0, n]).range([0, side]);
    const ring = line().x((d) => gx(d[0])).y((d) => gy(d[1]));
    // The outlines of the first K − 1 classes' regions hold every boundary between two classes.
    const paths = [];
    for (let c = 0; c < k - 1; c++) {
      const v = new Float64Array(n * n);
      for (let j = 0; j < n * n; j++) {
        let best = -Infinity;
        for (let o = 0; o < k; o++) if (o !== c) best = Math.max(best, r.field[j * k + o]);
        v[j] = Math.log(r.field[j * k + c]) - Math.log(best);
      }
      for (const poly of contours().size([n, n]).thresholds([0])(v)[0].coordinates) for (const rg of poly) paths.push(ring(rg));
    }
    const clipId = (this.clipId ??= uniqueId('lr-clip'));
    f.defs.selectAll('clipPath').data([0]).join('clipPath').attr('id', clipId).selectAll('rect').data([0]).join('rect')
      .attr('x', x0 + 3).attr('y', 3).attr('width', side - 6).attr('height', side - 6); // the ring's edges along the frame are not boundary
    L.boundary.selectAll('path').data([paths.join('')]).join('path').attr('class', 'lr-boundary').attr('clip-path', `url(#${clipId})`).attr('d', (d) => d);
    const pts = unpack(state.points);
    const q = (p) => r.q[p.i * k + p.c];
    L.points.selectAll('g.lr-pt').data(pts, (d) => d.i).join((enter) => {
      const g = enter.append('g').attr('class', 'lr-pt').attr('tabindex', 0).attr('role', 'button')
        .on('keydown', (event, d) => this.onKey(event, d))
        .on('dblclick', (event, d) => { event.stopPropagation(); this.remove(d.i); })
        .call(drag().subject((event, d) => ({ x: this.planeX(d.x), y: this.planeY(d.y) }))
          .on('drag', (event, d) => this.move(d.i, this.planeX.invert(event.x), this.planeY.invert(event.y))));
      g.append('circle').attr('class', 'hit-area').attr('r', 14);
      g.append('path').attr('class', 'mark');
      return g;
    })
      .attr('transform', (d) => `translate(${x(d.x)},${y(d.y)})`)
      .attr('data-index', (d) => d.i)
      .attr('aria-label', (d) => `Point ${d.i + 1}, class ${CLASS_NAMES[d.c]}, at (${d.x}, ${d.y}); q of its class ${number(q(d), { digits: 3 })}`)
      .select('path.mark').attr('class', (d) => `mark lr-sym lr-sym-${d.c}`).attr('d', (d) => shape(d.c));
  }

  onKey(event, d) {
    const by = event.shiftKey ? 0.5 : 0.1;
    const moves = { ArrowLeft: [-by, 0], ArrowRight: [by, 0], ArrowUp: [0, by], ArrowDown: [0, -by] };
    if (moves[event.key]) {
      event.preventDefault();
      // From the state, not the drawn datum: a second key can come before the next frame.
      const flat = this.ctx.state().points;
      this.move(d.i, flat[3 * d.i] + moves[event.key][0], flat[3 * d.i + 1] + moves[event.key][1]);
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      this.remove(d.i);
    }
  }

  drawStack(f) {
    const { r, state } = this;
    const nice = state.unit === 'bits' ? 0.5 : 0.25;
    const top = Math.max(nice, Math.ceil((r.loss * 1.05) / nice) * nice);
    const x = scaleLinear().domain([0, top]).range([0, f.innerWidth]);
    const hgt = f.innerHeight;
    once(f.plot.selectAll('g.axis').data([0]).join('g').attr('class', 'axis').attr('transform', `translate(0,${hgt})`), `${f.innerWidth}|${top}`,
      (s) => s.call(axisBottom(x).ticks(Math.max(2, Math.floor(f.innerWidth / 70))).tickFormat(tick).tickSizeOuter(0).tickSize(4)));
    const segs = [{ key: 'floor', x0: 0, x1: r.floor, cls: 'lr-seg-floor', fill: null }, { key: 'gap', x0: r.floor, x1: r.loss, cls: 'lr-seg-gap', fill: this.patterns.gap }];
    f.plot.selectAll('rect.seg').data(segs, (d) => d.key).join('rect').attr('class', (d) => `seg ${d.cls}`).attr('fill', (d) => d.fill)
      .attr('y', 0).attr('height', hgt).attr('x', (d) => x(d.x0)).attr('width', (d) => Math.max(0, x(d.x1) - x(d.x0)));
    const labels = [
      { key: 'floor', text: `aleatoric ${number(r.floor, { digits: 3 })}`, at: x(r.floor / 2), w: x(r.floor) },
      { key: 'gap', text: `${state.pointLabels === 'onehot' ? 'KL' : 'epistemic'} ${number(r.gap, { digits: 3 })}`, at: (x(r.floor) + x(r.loss)) / 2, w: x(r.loss) - x(r.floor) },
    ].filter((d) => d.w > d.text.length * 6.5);
    f.plot.selectAll('text.seg-label').data(labels, (d) => d.key).join('text').attr('class', 'seg-label value').attr('text-anchor', 'middle')
      .attr('x', (d) => d.at).attr('y', hgt / 2 + 4).text((d) => d.text);
  }

  drawTrace(f) {
    const { r, state } = this;
    const tr = r.trace;
    const last = tr.length - 1;
    const x = scaleLinear().domain([0, niceCeil(Math.max(50, last))]).range([0, f.innerWidth]);
    const y = scaleLinear().domain([0, niceCeil(Math.max(0.1, tr[0] * 1.08))]).range([f.innerHeight, 0]).nice(4);
    traceAxes(f, x, y, { unit: state.unit, xName: 'iteration' });
    const idx = range(tr.length);
    const floor = r.floor;
    f.plot.selectAll('path.lr-gap-area').data([idx]).join('path').attr('class', 'lr-gap-area').attr('fill', this.patterns.gapTrace)
      .attr('d', area().x((t) => x(t)).y0(y(floor)).y1((t) => y(tr[t])));
    f.plot.selectAll('path.lr-trace').data([idx]).join('path').attr('class', 'lr-trace').attr('d', line().x((t) => x(t)).y((t) => y(tr[t])));
    f.plot.selectAll('circle.lr-now').data([last]).join('circle').attr('class', 'lr-now').attr('r', 3.5).attr('cx', (t) => x(t)).attr('cy', (t) => y(tr[t]));
    f.plot.selectAll('line.lr-floor').data([floor]).join('line').attr('class', 'lr-floor').attr('x1', 0).attr('x2', f.innerWidth).attr('y1', (d) => y(d)).attr('y2', (d) => y(d));
    const fy = y(floor);
    const onehot = state.pointLabels === 'onehot';
    const floorText = onehot ? 'floor 0: one-hot labels' : `aleatoric (irreducible) ${number(floor, { digits: 3 })}`;
    // Below the line when there is room under it, else above; the curve meets the floor at the right.
    const below = f.innerHeight - fy > 18;
    f.plot.selectAll('text.lr-floor-label').data([floorText]).join('text').attr('class', 'lr-floor-label sum-label').attr('text-anchor', 'end')
      .attr('x', f.innerWidth - 2).attr('y', below ? fy + 15 : fy - 6).text((d) => d);
    // "epistemic (reducible)" inside the gap, at the first place where the gap holds
    // the label over its whole width (the curve falls to the right, so check all of it).
    const LABEL_W = 132;
    let at = null;
    if (!onehot) {
      for (let t = 0; t < tr.length && at === null; t++) {
        if (x(t) < 6 || x(t) + LABEL_W > f.innerWidth) continue;
        const end = Math.min(tr.length - 1, Math.ceil(x.invert(x(t) + LABEL_W)));
        let ok = true;
        for (let s = t; s <= end && ok; s++) ok = fy - y(tr[s]) > 20;
        if (ok && end < tr.length - 1) at = t;
      }
    }
    f.plot.selectAll('text.lr-gap-label').data(at === null ? [] : [at]).join('text').attr('class', 'lr-gap-label sum-label')
      .attr('x', (t) => x(t) + 4).attr('y', fy - 6).text('epistemic (reducible)');
  }

  drawTerms(f) {
    const { r, state } = this;
    const n = r.terms.length;
    const pts = unpack(state.points);
    const x = scaleBand().domain(range(n)).range([0, f.innerWidth]).paddingInner(0.25).paddingOuter(0.1);
    const y = scaleLinear().domain([0, Math.max(0.5, (max(r.terms) ?? 0) * 1.08)]).range([f.innerHeight, 0]).nice(4);
    traceAxes(f, null, y, { unit: state.unit, xName: 'points' });
    const bars = range(n).flatMap((i) => [
      { key: `f${i}`, i, y0: 0, y1: r.entropy[i], cls: 'lr-term-floor', fill: null },
      { key: `g${i}`, i, y0: r.entropy[i], y1: r.terms[i], cls: 'lr-term-gap', fill: this.patterns.gapTerms },
    ]);
    f.plot.selectAll('g.bars').data([0]).join('g').attr('class', 'bars').selectAll('rect').data(bars, (d) => d.key).join('rect')
      .attr('class', (d) => d.cls).attr('fill', (d) => d.fill).attr('x', (d) => x(d.i)).attr('width', x.bandwidth())
      .attr('y', (d) => y(d.y1)).attr('height', (d) => Math.max(0, y(d.y0) - y(d.y1)));
    const size = Math.max(14, Math.min(40, x.bandwidth() * x.bandwidth() * 0.5));
    f.plot.selectAll('g.marks').data([0]).join('g').attr('class', 'marks').selectAll('path').data(pts, (d) => d.i).join('path')
      .attr('class', (d) => `lr-sym lr-sym-${d.c}`).attr('transform', (d) => `translate(${x(d.i) + x.bandwidth() / 2},${f.innerHeight + 9})`).attr('d', (d) => shape(d.c, size));
    f.plot.selectAll('line.sum').data([r.loss]).join('line').attr('class', 'sum').attr('x1', 0).attr('x2', f.innerWidth).attr('y1', (d) => y(d)).attr('y2', (d) => y(d));
    // Named in the top margin, clear of the bars.
    f.plot.selectAll('text.sum-label').data([r.loss]).join('text').attr('class', 'sum-label').attr('text-anchor', 'end').attr('x', f.innerWidth)
      .attr('y', -3).text((d) => `- - mean L = ${number(d, { digits: 3 })}`);
  }

  drawSurface(f) {
    const { r, state } = this;
    const lo = r.surfaceLo;
    const hi = r.surfaceHi;
    const n = r.surfaceN;
    const sq = square(f, lo, hi);
    const { side, x0, x: u, y: v } = sq;
    const vals = r.surface;
    const [mn, mx] = extent(vals);
    // An image of the surface, darker where L is lower (on a square-root scale, so
    // the valley has room), and three level lines packed towards its floor.
    const { bg, classes } = this.palette();
    const ink = classes[0];
    const shade = (t) => [0, 1, 2].map((a) => Math.round(bg[a] + (ink[a] - bg[a]) * (0.9 - 0.82 * t)));
    const cv = (this.surfCanvas ??= document.createElement('canvas'));
    if (cv.width !== n) { cv.width = n; cv.height = n; }
    const g2 = cv.getContext('2d');
    const img = g2.createImageData(n, n);
    for (let j = 0; j < n * n; j++) {
      const c = shade(Math.sqrt((vals[j] - mn) / (mx - mn || 1)));
      img.data.set([c[0], c[1], c[2], 255], 4 * j);
    }
    g2.putImageData(img, 0, 0);
    // The core's nodes are the image's pixel centres: the image spans half a step beyond [lo, hi].
    const d = (hi - lo) / (n - 1);
    const clipId = (this.surfClip ??= uniqueId('lr-sclip'));
    f.defs.selectAll('clipPath').data([0]).join('clipPath').attr('id', clipId).selectAll('rect').data([0]).join('rect').attr('x', x0).attr('y', 0).attr('width', side).attr('height', side);
    f.plot.selectAll('image.lr-surf').data([0]).join('image').attr('class', 'lr-surf').attr('preserveAspectRatio', 'none').attr('clip-path', `url(#${clipId})`)
      .attr('x', u(lo - d / 2)).attr('y', v(hi + d / 2)).attr('width', u(hi + d / 2) - u(lo - d / 2)).attr('height', v(lo - d / 2) - v(hi + d / 2))
      .attr('href', cv.toDataURL());
    // d3-contour puts node i at i + ½.
    const ring = line().x((p) => u(lo + (p[0] - 0.5) * d)).y((p) => v(hi - (p[1] - 0.5) * d));
    const levels = [0.02, 0.1, 0.3].map((t) => mn + (mx - mn) * t);
    const lines = contours().size([n, n]).thresholds(levels)(vals);
    f.plot.selectAll('g.lr-levels').data([0]).join('g').attr('class', 'lr-levels').attr('clip-path', `url(#${clipId})`)
      .selectAll('path').data(lines).join('path').attr('class', 'lr-level').attr('d', (b) => b.coordinates.flatMap((poly) => poly.map((rg) => ring(rg))).join(''));
    squareAxes(f.plot, f, sq);
    f.plot.selectAll('text.lr-u').data([0]).join('text').attr('class', 'axis-unit lr-u').attr('text-anchor', 'end').attr('x', x0 + side).attr('y', side + 28).text('w(A,x)');
    f.plot.selectAll('text.lr-v').data([0]).join('text').attr('class', 'axis-unit lr-v').attr('x', x0 - f.margin.left + 2).attr('y', -2).text('w(A,y)');
    const path = Array.from(r.pathU, (pu, t) => [pu, r.pathV[t]]);
    f.plot.selectAll('path.lr-path').data([path]).join('path').attr('class', 'lr-path').attr('d', line().x((p) => u(p[0])).y((p) => v(p[1])));
    const tw = [r.trueWeights[0], r.trueWeights[1]];
    const star = state.pointLabels === 'true' && tw.every((w) => w >= lo && w <= hi) ? [tw] : [];
    f.plot.selectAll('text.lr-star').data(star).join('text').attr('class', 'lr-star').attr('text-anchor', 'middle')
      .attr('x', (p) => u(p[0])).attr('y', (p) => v(p[1]) + 5).text('✕');
    const now = path[path.length - 1];
    f.plot.selectAll('circle.lr-cur').data([now]).join('circle').attr('class', 'lr-cur').attr('r', 5).attr('cx', (p) => u(p[0])).attr('cy', (p) => v(p[1]));
  }
}
