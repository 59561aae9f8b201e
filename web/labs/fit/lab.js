// The Forward vs reverse KL lab: one Gaussian q fitted to a two- or three-mode
// target p by natural-gradient steps on KL(P‖Q) and on KL(Q‖P), side by side.
// One call into Go (klplay.fitLab) per update. The state's `step` is where both
// fits are (steps from the start); Play advances it at `speed` steps a second
// until both fits have converged, and a link replays the fits to its step.
import { scaleLinear, scaleSymlog } from 'd3-scale';
import { axisBottom, axisLeft } from 'd3-axis';
import { area, line, symbol, symbolDiamond } from 'd3-shape';
import { drag } from 'd3-drag';
import { format } from 'd3-format';
import { h, setText } from '../../lib/dom.js';
import { LabView, defineLab, formula, labHead, presetChips, prose, sameValues, segmented, toolbar } from '../../lib/lab.js';
import { handles, niceCeil, once, swatch } from '../../lib/chart.js';
import { number } from '../../lib/format.js';
import { slider, transport, fieldSlider } from '../../lib/controls.js';
import { Player } from '../../lib/player.js';
import formulas from './formulas.tex';
import labInfo from '../../../core/session/labs/fit.json';
import { presets } from './presets.js';

const { fields: schema } = labInfo;
const field = (n) => schema.find((f) => f.name === n);
const MAX_STEP = field('step').max;
const fmt = format('~g');
const SUBS = '₁₂₃';
const MOMENT_LABEL = 'p’s mean: the KL(P‖Q) optimum';

function check(state) {
  const problems = [];
  const t = state.target;
  let ok = t.length % 3 === 0 && t.length >= 6 && t.length <= 9;
  let sum = 0;
  for (let i = 0; ok && i < t.length; i += 3) {
    if (t[i] < 0 || !(t[i + 2] >= 0.1) || t[i + 2] > 3 || Math.abs(t[i + 1]) > 6) ok = false;
    sum += t[i];
  }
  if (!ok || !(sum > 0)) {
    problems.push('target must be 2 or 3 components (weight ≥ 0, |μ| ≤ 6, 0.1 ≤ σ ≤ 3); using the default');
    return { state: { ...state, target: [...field('target').default] }, problems };
  }
  return { state, problems };
}

const DIRS = [
  { key: 'forward', name: 'KL(P‖Q)', long: 'forward KL(P‖Q)', cls: 'fwd', about: 'mode covering' },
  { key: 'reverse', name: 'KL(Q‖P)', long: 'reverse KL(Q‖P)', cls: 'rev', about: 'mode seeking' },
];

class View extends LabView {
  constructor(el, ctx) {
    super(el, ctx);
    this.fits = null; // {forward: {mu, sigma}, reverse: {...}}
    this.trace = { forward: [], reverse: [] };
    this.stepCount = 0;
    this.fitKey = null;
    this.conv = null; // {forward, reverse}: steps to convergence from the start (null: not within MAX_STEP)
    this.due = 0; // steps owed to the pace, carried from frame to frame
    this.player = new Player(el, {
      start: () => {
        if (this.ctx.state().step >= this.end()) this.set({ step: 0 });
        this.due = 1; // the first frame of Play takes a step
      },
      tick: (dt) => this.advance(dt),
      step: () => this.set({ step: Math.min(MAX_STEP, this.ctx.state().step + 1) }),
      reset: () => this.set({ step: 0 }),
      // Less motion: Play shows the converged fits at once.
      reduced: () => this.set({ step: this.end(this.converged(this.ctx.state())) }),
    });
    this.build();
  }

  /** The step Play stops at: where both fits have converged, or MAX_STEP. */
  end(conv = this.conv) {
    if (!conv || conv.forward === null || conv.reverse === null) return MAX_STEP;
    return Math.max(conv.forward, conv.reverse);
  }

  /** Steps to convergence for a state (one call into Go, remembered there). */
  converged(state) {
    return this.ctx.klplay.fitLab(this.fitState(state), { converge: true }).converged;
  }

  fitState(state) {
    return { target: state.target, startMu: state.startMu, startSigma: state.startSigma, lr: state.lr };
  }

  /** One frame of Play: the steps the pace owes for dt seconds, up to the end. */
  advance(dt) {
    const st = this.ctx.state();
    this.due += st.speed * dt;
    const k = Math.min(Math.floor(this.due), this.end() - st.step);
    if (k <= 0 && st.step >= this.end()) { this.player.pause(); return; }
    if (k <= 0) return;
    this.due -= k;
    this.set({ step: st.step + k });
  }

  /** A change of the target, the start or the step size: the fits start over. */
  restart(patch) {
    this.player.pause();
    this.set({ ...patch, step: 0 });
  }

  setTarget(i, v) {
    const t = [...this.ctx.state().target];
    t[i] = v;
    if (t.filter((_, j) => j % 3 === 0).reduce((a, b) => a + b, 0) <= 0) return;
    this.restart({ target: t });
  }

  // ---- DOM ------------------------------------------------------------------

  build() {
    const { el } = this;
    const { out } = this.readouts;

    this.transport = transport({ player: this.player, label: 'Fitting' });
    this.lr = fieldSlider(field('lr'), { label: 'Step size η', step: 0.01, onInput: (v) => this.restart({ lr: v }) });
    this.speed = fieldSlider(field('speed'), { label: 'Pace (steps per second)', step: 1, cls: 'fit-pace', onInput: (v) => this.set({ speed: Math.round(v) }) });
    this.startMu = fieldSlider(field('startMu'), { label: 'Start μ', step: 0.01, onInput: (v) => this.restart({ startMu: v }) });
    this.startSigma = fieldSlider(field('startSigma'), { label: 'Start σ', step: 0.01, onInput: (v) => this.restart({ startSigma: v }) });
    this.presets = presetChips(presets, (ps) => this.restart({ ...ps.st }), (ps) => ({ 'data-preset': ps.id }));
    this.showChoice = segmented({ name: 'fit-show', legend: 'Show', group: 'show', choose: (v) => this.set({ show: v }),
      options: [{ value: 'both', label: 'Both' }, { value: 'forward', label: 'KL(P‖Q)' }, { value: 'reverse', label: 'KL(Q‖P)' }] });

    el.append(
      labHead('fit', 'Forward vs reverse KL', 'Fit one Gaussian ', h('strong', { class: 'ink-q' }, 'q'), ' to a target ', h('strong', { class: 'ink-p' }, 'p'),
        ' with two or three modes, twice: once minimising KL(P‖Q), once KL(Q‖P). Press Play and watch them part ways. Then move the start point and play again: which mode does the reverse fit pick?'),
      toolbar('fit', { lead: [this.transport.el, this.showChoice.el], presets: this.presets.buttons }),
    );

    this.plotHost = h('div', { class: 'chart-host' });
    this.traceHost = h('div', { class: 'chart-host' });
    const dirReadout = (d) => h('div', { class: `fit-readout fit-${d.cls}`, 'data-dir': d.key },
      h('div', { class: 'readout-name' }, h('span', { class: `line-swatch ls-${d.cls}` }), d.long, ' ', h('span', { class: 'muted' }, `· ${d.about}`)),
      h('div', { class: 'readout-value' }, out(`${d.key}KL`), h('span', { class: 'unit' }, 'nats')),
      h('div', { class: 'readout-hint' }, 'μ = ', out(`${d.key}Mu`), ', σ = ', out(`${d.key}Sigma`), h('span', { class: 'fit-done', 'data-dir': d.key })));
    el.append(h('div', { class: 'grid grid-top' },
      h('figure', { class: 'card fig-fit' },
        h('figcaption', {}, h('h2', {}, 'The target and the fits'),
          h('p', { class: 'legend' }, h('span', {}, swatch('p'), 'p, the target'), h('span', {}, h('span', { class: 'line-swatch ls-fwd' }), 'q for KL(P‖Q)'),
            h('span', {}, h('span', { class: 'line-swatch ls-rev' }), 'q for KL(Q‖P)'), h('span', {}, h('span', { class: 'line-swatch ls-start' }), 'start'))),
        this.plotHost,
        h('p', { class: 'fig-note', 'data-embed': 'hint' }, 'Drag a ● to move a mode of p, ◆ to move the start of the fits. Keyboard: Tab to a handle, then ← →.')),
      h('aside', { class: 'card readouts', 'aria-label': 'Readouts', 'data-embed-group': 'readouts' },
        h('div', { class: 'fit-step' },
          h('span', { class: 'readout-name' }, 'Step'), h('output', { 'data-readout': 'steps', class: 'steps-out' }, '0'),
          this.stepOf = h('span', { class: 'steps-of' }), this.stepStatus = h('span', { class: 'fit-status' })),
        this.progress = h('progress', { class: 'fit-progress', max: 1, value: 0, 'aria-label': 'Progress of the fits' }),
        DIRS.map(dirReadout),
        h('table', { class: 'fit-scores' },
          h('caption', {}, 'Each fit, scored both ways (nats)'),
          h('thead', {}, h('tr', {}, h('td', {}), h('th', { scope: 'col' }, 'KL(P‖Q)'), h('th', { scope: 'col' }, 'KL(Q‖P)'))),
          h('tbody', {},
            h('tr', {}, h('th', { scope: 'row' }, h('span', { class: 'line-swatch ls-fwd' }), 'covering q'), h('td', {}, out('coverForwardKL')), h('td', {}, out('coverReverseKL'))),
            h('tr', {}, h('th', { scope: 'row' }, h('span', { class: 'line-swatch ls-rev' }), 'seeking q'), h('td', {}, out('seekForwardKL')), h('td', {}, out('seekReverseKL'))))),
        h('p', { class: 'small fit-scores-note' }, 'The covering fit always wins the KL(P‖Q) column: matching p’s moments is that objective’s only minimum. The seeking fit has found only a local minimum of KL(Q‖P): it usually wins that column too, but a poor minimum can lose even there — on a small mode it loses both (try Small mode). No Gaussian is best for p, only best under a chosen KL.'),
        h('p', { class: 'small' }, 'The forward optimum is known in closed form: q matches p’s mean ', out('momentMu'), ' and standard deviation ', out('momentSigma'), '. The reverse one depends on where you start.'),
        this.lr.el, this.speed.el, this.startMu.el, this.startSigma.el),
    ));

    // Trace, target controls.
    this.compHost = h('div', { class: 'params' });
    el.append(h('div', { class: 'grid grid-mid' },
      h('figure', { class: 'card fig-trace' },
        h('figcaption', {}, h('h2', {}, 'The objectives, step by step'),
          h('p', { class: 'legend' }, h('span', {}, h('span', { class: 'line-swatch ls-fwd' }), 'KL(P‖Q) of the forward fit'), h('span', {}, h('span', { class: 'line-swatch ls-rev' }), 'KL(Q‖P) of the reverse fit'))),
        this.traceHost,
        h('p', { class: 'fig-note', 'data-embed': 'text' }, 'The dotted line is log 2: a q sitting on one of two equal, well-separated modes pays about that much in reverse KL.')),
      h('section', { class: 'card side side-p', 'aria-labelledby': 'fit-target-h', 'data-embed-group': 'target' },
        h('div', { class: 'side-head' }, h('h2', { id: 'fit-target-h' }, 'Target ', h('span', { class: 'ink-p' }, 'p')),
          this.countButton = h('button', { type: 'button', class: 'chip', onclick: () => this.toggleThird() }, '')),
        this.compHost)));

    el.append(h('div', { class: 'grid grid-mid' },
      h('section', { class: 'card formulas', 'aria-labelledby': 'fit-formulas-h', 'data-embed-group': 'formulas' },
        h('h2', { id: 'fit-formulas-h' }, 'The formulas, live'),
        formula(formulas.forward),
        h('p', { class: 'formula-value' }, 'now: ', out('forwardKL'), ' nats'),
        formula(formulas.reverse),
        h('p', { class: 'formula-value' }, 'now: ', out('reverseKL'), ' nats'),
        formula(formulas.step),
        h('p', { class: 'small' }, 'Natural-gradient steps (the gradient scaled by the inverse Fisher information of q), so one step size suits every σ. Play stops once a full natural step would move μ by less than 10⁻⁵σ and σ by less than 10⁻⁵ of itself. Gradients are not sampled: the forward one in closed form, the reverse one by Gauss–Legendre quadrature, so every run (and every link) replays exactly.')),
      prose('fit', 'What you are looking at',
        'KL(P‖Q) averages log(p/q) over p: wherever p has mass, q must too, or the cost explodes. One Gaussian can only cover two modes by straddling them, so the forward fit lands on p’s mean and variance — with its peak in the empty gap. This is what maximum likelihood does.',
        'KL(Q‖P) averages over q instead: q is punished hard for putting mass where p has little, and only mildly for ignoring a mode (sitting on one of two equal modes costs log 2). So the reverse fit squeezes into one mode and stays there. Which one depends on where it starts — the objective has a local minimum per mode, and the one it finds need not be the best. Variational inference minimises this direction, which is why it tends to underestimate uncertainty.',
        'Bring two equal modes closer — under about five of their standard deviations apart — and no one-mode fit is a minimum any more: from every start the reverse fit settles between them on one wide q (try Close modes). Further apart, that wide q is still a local minimum, found from starts between the modes.')));

    el.append(this.readouts.live);

    const ph = (w) => Math.round(Math.max(230, Math.min(340, w * 0.48)));
    this.plot = this.frame(this.plotHost, { height: ph, margin: { top: 14, right: 12, bottom: 28, left: 44 }, role: 'group', label: 'Target p and the two fitted Gaussians, with draggable handles', draw: (f) => this.drawPlot(f),
      csv: () => ({ columns: ['x', 'p(x)', 'q(x) forward fit', 'q(x) reverse fit', 'q(x) start'], rows: Array.from(this.r.xs, (x, i) => [x, this.r.p[i], this.r.qForward[i], this.r.qReverse[i], this.r.qStart[i]]) }) });
    this.traceChart = this.frame(this.traceHost, { height: 220, margin: { top: 14, right: 12, bottom: 30, left: 44 }, label: 'The two objectives against the step number', draw: (f) => this.drawTrace(f),
      csv: () => {
        const { forward, reverse } = this.trace;
        return { columns: ['step', 'KL(P‖Q) of the forward fit (nats)', 'KL(Q‖P) of the reverse fit (nats)'], rows: Array.from(forward, (v, i) => [i, v, reverse[i]]) };
      } });
  }

  toggleThird() {
    const t = this.ctx.state().target;
    if (t.length === 9) this.restart({ target: t.slice(0, 6) });
    else this.restart({ target: [...t, 0.3, 0, 0.5] });
  }

  buildComponents(state) {
    const k = state.target.length / 3;
    if (this.compKey !== k) {
      this.compKey = k;
      this.compSliders = [];
      const rows = [];
      const ranges = [{ min: 0, max: 1, step: 0.01 }, { min: -6, max: 6, step: 0.01 }, { min: 0.1, max: 3, step: 0.01 }];
      for (let c = 0; c < k; c++) {
        const sl = ['w', 'μ', 'σ'].map((n, j) => {
          const s = slider({ label: `${n}${SUBS[c]}`, ...ranges[j], value: state.target[3 * c + j], onInput: (v) => this.setTarget(3 * c + j, v) });
          this.compSliders[3 * c + j] = s;
          return s.el;
        });
        rows.push(h('div', { class: 'component' }, h('div', { class: 'component-head' }, `Mode ${c + 1}`), sl));
      }
      rows.push(h('p', { class: 'small' }, 'Weights are relative: they are divided by their sum.'));
      this.compHost.replaceChildren(...rows);
      this.countButton.textContent = k === 3 ? 'Remove the third mode' : 'Add a third mode';
    }
    this.compSliders.forEach((s, i) => s.set(state.target[i]));
  }

  // ---- update ---------------------------------------------------------------

  update(state) {
    const prev = this.state;
    this.state = state;
    // The fits are a function of (target, start, lr, step): replayed from the
    // start when any of the first three changed or the step went back.
    const fitKey = `${state.target}|${state.startMu}|${state.startSigma}|${state.lr}`;
    if (fitKey !== this.fitKey || state.step < this.stepCount || !this.fits) {
      if (fitKey !== this.fitKey) this.conv = null;
      this.fitKey = fitKey;
      this.fits = null;
      this.trace = { forward: [], reverse: [] };
      this.stepCount = 0;
    }
    const steps = state.step - this.stepCount;
    let r;
    try {
      // Steps to convergence once the fits move (a drag of the start at step 0 does not pay for them).
      r = this.ctx.klplay.fitLab(this.fitState(state), { ...(this.fits ?? {}), steps, converge: state.step > 0 });
    } catch (err) {
      this.player.pause();
      this.ctx.notify(`That cannot be computed: ${err.message}. Back to the defaults.`);
      this.ctx.set(this.ctx.defaults());
      return;
    }
    this.r = r;
    if (r.converged) this.conv = r.converged;
    this.fits = { forward: { mu: r.forward.mu, sigma: r.forward.sigma }, reverse: { mu: r.reverse.mu, sigma: r.reverse.sigma } };
    for (const d of DIRS) {
      const tr = this.trace[d.key];
      tr.pop();
      tr.push(...r[d.key].values, r[d.key].kl);
    }
    this.stepCount = state.step;
    const end = this.end();
    if (this.player.playing && this.stepCount >= end) this.player.pause();

    // Controls.
    this.lr.set(state.lr);
    this.speed.set(state.speed);
    this.startMu.set(state.startMu);
    this.startSigma.set(state.startSigma);
    this.showChoice.set(state.show);
    this.buildComponents(state);
    this.el.dataset.show = state.show;

    // Readouts.
    const vals = {
      forwardKL: r.forward.kl, forwardMu: r.forward.mu, forwardSigma: r.forward.sigma,
      reverseKL: r.reverse.kl, reverseMu: r.reverse.mu, reverseSigma: r.reverse.sigma,
      momentMu: r.moments.mu, momentSigma: r.moments.sigma,
      coverForwardKL: r.scores.forward.forward, coverReverseKL: r.scores.forward.reverse,
      seekForwardKL: r.scores.reverse.forward, seekReverseKL: r.scores.reverse.reverse,
    };
    this.readouts.set(vals, (v, key) => number(key.endsWith('KL') ? v : Math.round(v * 1e4) / 1e4)); // μ and σ to 4 decimals, no 10⁻⁸ noise
    // The better score in each column, in bold.
    for (const [a, b] of [['coverForwardKL', 'seekForwardKL'], ['seekReverseKL', 'coverReverseKL']]) {
      const [oa, ob] = [a, b].map((k) => this.el.querySelector(`.fit-scores output[data-readout="${k}"]`));
      oa.classList.toggle('best', vals[a] < vals[b]);
      ob.classList.toggle('best', vals[b] < vals[a]);
    }
    setText(this.el.querySelector('.steps-out'), String(this.stepCount), String(this.stepCount));
    this.showProgress(end);
    this.presets.mark((ps) => sameValues(ps.st.target, state.target) && ps.st.startMu === state.startMu && ps.st.startSigma === state.startSigma);

    this.plot.ready = this.traceChart.ready = true;
    this.plot.redraw();
    this.traceChart.redraw();
    if (prev !== null && !this.player.playing) this.readouts.announce();
  }

  /** "Step i of n", and which fits have converged (known once the fits have moved). */
  showProgress(end) {
    const i = this.stepCount;
    const { conv } = this;
    const done = conv !== null && i >= end;
    // Step can go past where Play stops: "step 200 of 111" would read as a count gone wrong.
    this.stepOf.textContent = conv && i <= end ? ` of ${end}` : '';
    const never = conv !== null && DIRS.some((d) => conv[d.key] === null);
    this.stepStatus.textContent = !conv ? (i === 0 ? 'press Play' : '')
      : never ? 'not converging at this step size'
        : done ? (i > end ? `converged at step ${end}` : 'converged') : i === 0 ? '' : 'converging…';
    this.stepStatus.dataset.state = done ? 'done' : conv ? 'running' : 'idle';
    this.progress.max = end;
    this.progress.value = conv ? Math.min(i, end) : 0;
    for (const d of DIRS) {
      const n = conv?.[d.key];
      this.el.querySelector(`.fit-done[data-dir="${d.key}"]`).textContent = n !== null && n !== undefined && i >= n ? ` · converged at step ${n}` : '';
    }
  }

  speak() {
    const { r } = this;
    if (!r) return;
    return `Step ${this.stepCount}${this.conv && this.stepCount <= this.end() ? ` of ${this.end()}` : ''}: forward fit μ ${number(r.forward.mu)}, σ ${number(r.forward.sigma)}; reverse fit μ ${number(r.reverse.mu)}, σ ${number(r.reverse.sigma)}.`;
  }

  // ---- charts ---------------------------------------------------------------

  drawPlot(f) {
    const { r, state } = this;
    const x = scaleLinear().domain([-9, 9]).range([0, f.innerWidth]);
    const shown = [r.p, state.show !== 'reverse' ? r.qForward : [], state.show !== 'forward' ? r.qReverse : [], this.stepCount > 0 ? r.qStart : []];
    const top = Math.max(Math.max(...r.p) * 1.6, ...shown.map((a) => Math.max(0, ...a) * 1.08));
    const y = scaleLinear().domain([0, top]).range([f.innerHeight, 0]).nice(4);
    this.x = x;
    once(f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid'), `${y.domain()}|${f.innerWidth}|${f.innerHeight}`,
      (g) => g.call(axisLeft(y).ticks(4).tickSize(-f.innerWidth).tickFormat(fmt)).call((s) => s.select('.domain').remove()));
    once(f.plot.selectAll('g.x-axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${f.innerHeight})`), `${f.innerWidth}`,
      (g) => g.call(axisBottom(x).ticks(Math.max(4, Math.floor(f.innerWidth / 60))).tickFormat(fmt).tickSizeOuter(0)));
    const ymax = y.domain()[1];
    // Only the grid points inside the x domain, so that no curve runs past the plot.
    const [x0, x1] = x.domain();
    const pts = (arr) => Array.from(r.xs, (xv, i) => [xv, Math.min(arr[i], ymax * 1.02)]).filter(([xv]) => xv >= x0 - 1e-9 && xv <= x1 + 1e-9);
    const l = line().x((d) => x(d[0])).y((d) => y(d[1]));
    f.plot.selectAll('path.target-fill').data([pts(r.p)]).join('path').attr('class', 'target-fill').attr('d', area().x((d) => x(d[0])).y0(y(0)).y1((d) => y(d[1])));
    const curves = [
      { key: 'start', d: pts(r.qStart), on: this.stepCount > 0 },
      { key: 'p', d: pts(r.p), on: true },
      { key: 'fwd', d: pts(r.qForward), on: state.show !== 'reverse' },
      { key: 'rev', d: pts(r.qReverse), on: state.show !== 'forward' },
    ].filter((c) => c.on);
    f.plot.selectAll('path.fit-curve').data(curves, (c) => c.key).join('path').attr('class', (c) => `fit-curve curve-${c.key}`).attr('d', (c) => l(c.d));

    // Forward optimum marker: the moments.
    const m = r.moments;
    f.plot.selectAll('line.moment').data(state.show !== 'reverse' ? [m.mu] : []).join('line').attr('class', 'moment')
      .attr('x1', x).attr('x2', x).attr('y1', y(0)).attr('y2', 0);
    // Its label at the top, on the side with more room.
    f.plot.selectAll('text.moment-label').data(state.show !== 'reverse' ? [m.mu] : []).join('text').attr('class', 'moment-label')
      .attr('x', (v) => x(v) + (x(v) < f.innerWidth / 2 ? 5 : -5)).attr('y', 10).attr('text-anchor', (v) => (x(v) < f.innerWidth / 2 ? 'start' : 'end'))
      .each((v, i, nodes) => {
        const node = nodes[i];
        // Where the side is too narrow for the whole label (375 px), the short one, so that it does not run into the axis.
        // The long label's width is measured once the fonts are in: measured every frame, it forced a layout in the middle of the draw.
        const room = x(v) < f.innerWidth / 2 ? f.innerWidth - x(v) - 5 : x(v) - 5;
        if (!this.momentLabelWidth || this.momentLabelFonts !== document.fonts.status) {
          node.textContent = MOMENT_LABEL;
          this.momentLabelWidth = node.getComputedTextLength();
          this.momentLabelFonts = document.fonts.status;
        }
        setText(node, this.momentLabelWidth > room ? 'KL(P‖Q) optimum' : MOMENT_LABEL);
      });

    // Handles: target modes (●) and the start (◆).
    const hd = r.handles;
    const data = Array.from(hd.mean, (mu, k) => ({ key: `m${k}`, kind: 'mode', k, x: mu, y: hd.atMean[k], label: `Mode ${k + 1} of p, mean` }));
    const startY = 1 / (state.startSigma * Math.sqrt(2 * Math.PI));
    data.push({ key: 'start', kind: 'start', x: state.startMu, y: Math.min(startY, ymax), label: 'Start of the fits, mean' });
    const g = f.plot.selectAll('g.handles').data([0]).join('g').attr('class', 'handles');
    handles(g, data, { key: (d) => d.key, onKey: (event, d) => this.onKey(event, d), drag: this.dragBehaviour(f) })
      .attr('class', (d) => `handle handle-${d.kind === 'mode' ? 'p' : 'start'}`)
      .attr('data-kind', (d) => d.kind).attr('data-k', (d) => d.k)
      .attr('transform', (d) => `translate(${x(d.x)},${y(Math.min(d.y, ymax))})`)
      .attr('aria-label', (d) => d.label).attr('aria-valuenow', (d) => d.x).attr('aria-valuemin', -6).attr('aria-valuemax', 6)
      .attr('aria-valuetext', (d) => `μ = ${fmt(+d.x.toPrecision(4))}`)
      .select('path.mark').attr('d', (d) => (d.kind === 'mode' ? symbol().size(80)() : symbol(symbolDiamond, 90)()));
  }

  moveHandle(d, xv) {
    const st = this.ctx.state();
    if (d.kind === 'start') {
      const v = Math.round(Math.min(8, Math.max(-8, xv)) * 100) / 100;
      if (v !== st.startMu) this.restart({ startMu: v });
      return;
    }
    const t = [...st.target];
    t[3 * d.k + 1] = Math.round(Math.min(6, Math.max(-6, xv)) * 100) / 100;
    if (t[3 * d.k + 1] !== st.target[3 * d.k + 1]) this.restart({ target: t });
  }

  dragBehaviour(f) {
    return drag().container(() => f.plot.node()).subject((event) => ({ x: event.x, y: event.y }))
      .on('start', (event) => { f.svg.classed('dragging', true); event.sourceEvent?.target?.closest?.('g.handle')?.focus?.({ preventScroll: true }); })
      .on('drag', (event, d) => this.moveHandle(d, this.x.invert(event.x)))
      .on('end', () => f.svg.classed('dragging', false));
  }

  onKey(event, d) {
    const dir = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 10, PageDown: -10 }[event.key];
    if (dir === undefined) return;
    event.preventDefault();
    const st = this.ctx.state();
    const cur = d.kind === 'start' ? st.startMu : st.target[3 * d.k + 1];
    this.moveHandle(d, cur + dir * (event.shiftKey ? 0.01 : 0.1));
  }

  drawTrace(f) {
    const { state } = this;
    const series = DIRS.filter((d) => state.show === 'both' || state.show === d.key).map((d) => ({ ...d, v: this.trace[d.key] }));
    // Out to where Play stops, once known, so the axis holds still while the fits move.
    const last = Math.max(10, ...series.map((s) => s.v.length - 1));
    const n = this.conv ? Math.max(last, this.end()) : niceCeil(last);
    let peak = 1;
    for (const s of series) for (const v of s.v) if (v > peak && Number.isFinite(v)) peak = v;
    const x = scaleLinear().domain([0, n]).range([0, f.innerWidth]);
    // Symmetric-log: the first steps (often many nats) and the last (near log 2) both stay readable.
    const y = scaleSymlog().constant(0.5).domain([0, niceCeil(peak * 1.1)]).range([f.innerHeight, 0]);
    const ticks = [0, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500].filter((t) => t <= y.domain()[1]);
    once(f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid'), `${y.domain()}|${f.innerWidth}|${f.innerHeight}`,
      (g) => g.call(axisLeft(y).tickValues(ticks).tickSize(-f.innerWidth).tickFormat(fmt)).call((s) => s.select('.domain').remove()));
    once(f.plot.selectAll('g.x-axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${f.innerHeight})`), `${n}|${f.innerWidth}`,
      (g) => g.call(axisBottom(x).ticks(5).tickFormat(fmt).tickSizeOuter(0)));
    f.plot.selectAll('text.axis-unit').data([0]).join('text').attr('class', 'axis-unit').attr('x', -f.margin.left + 2).attr('y', -4).text('nats');
    f.plot.selectAll('text.x-label').data([0]).join('text').attr('class', 'axis-unit').attr('x', f.innerWidth).attr('y', f.innerHeight + 26).attr('text-anchor', 'end').text('step');
    f.plot.selectAll('line.ln2').data([Math.LN2]).join('line').attr('class', 'ln2').attr('x1', 0).attr('x2', f.innerWidth).attr('y1', y).attr('y2', y);
    const l = line().x((_, i) => x(i)).y((v) => y(v));
    f.plot.selectAll('path.trace').data(series, (s) => s.key).join('path').attr('class', (s) => `trace trace-${s.cls}`).attr('d', (s) => l(s.v));
  }
}

export default defineLab({
  id: 'fit',
  title: 'Forward vs reverse KL',
  blurb: 'Fit one Gaussian to a two-mode target: mode covering vs mode seeking',
  schema,
  check,
  View,
});
