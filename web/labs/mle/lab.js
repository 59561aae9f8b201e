// The Maximum-likelihood lab: data sampled from a known distribution or the
// reader's own numbers; a model family fitted by natural-gradient ascent on
// the mean log-likelihood (animated) and by its closed form; the histogram
// with both densities; the mean NLL and KL(P_data‖P_θ) traced together, their
// gap the entropy of P_data plus a term that vanishes with n (truth) or with
// the bin width (histogram); and, for sampled data, the fit against the
// sample size. Data live in Go behind a handle (klplay.mleData, once per data
// change); every update and animation frame is one klplay.mleLab call.
import { scaleLinear, scaleLog } from 'd3-scale';
import { axisBottom, axisLeft } from 'd3-axis';
import { area, line } from 'd3-shape';
import { extent, max } from 'd3-array';
import { format } from 'd3-format';
import { h, setText } from '../../lib/dom.js';
import { LabView, defineLab, formula, labHead, prose, segmented, toolbar } from '../../lib/lab.js';
import { bounds } from '../../lib/controls.js';
import { decades, niceCeil, once, swatch } from '../../lib/chart.js';
import { number, setOutput } from '../../lib/format.js';
import { Player } from '../../lib/player.js';
import formulas from './formulas.tex';
import labInfo from '../../../core/session/labs/mle.json';

const { fields: schema } = labInfo;
const field = (name) => schema.find((f) => f.name === name);
const MAX_TRACE = 2000;

// Each true family's two parameters: label and range (b unused by some).
const TRUTHS = {
  normal: { label: 'Normal', a: ['mean μ', -10, 10, 0.1], b: ['σ', 0.05, 20, 0.05] },
  laplace: { label: 'Laplace', a: ['location μ', -10, 10, 0.1], b: ['scale b', 0.05, 20, 0.05] },
  exponential: { label: 'Exponential', a: ['rate λ', 0.05, 20, 0.05], b: null },
  gamma: { label: 'Gamma', a: ['shape k', 0.05, 20, 0.05], b: ['rate β', 0.05, 20, 0.05] },
  mixture: { label: 'Two normals (0.35 / 0.65)', a: ['centres ±a', 0, 10, 0.1], b: ['σ', 0.05, 20, 0.05] },
  poisson: { label: 'Poisson (counts)', a: ['rate λ', 0.1, 50, 0.1], b: null },
};
const MODELS = { normal: 'Normal', laplace: 'Laplace', exponential: 'Exponential', gamma: 'Gamma', mixture: 'Mixture of two normals', categorical: 'Categorical (counts)' };
const PARAMS = { normal: 2, laplace: 2, exponential: 1, gamma: 2, mixture: 5 };
const EXAMPLE = `height_cm
171.2, 165.3, 180.1, 158.7, 176.4, 169.9, 174.2, 162.5, 185.0, 167.8
172.6, 160.4, 178.9, 170.3, 166.1, 181.7, 163.9, 175.5, 168.2, 173.8
159.6, 177.3, 171.9, 164.7, 182.4, 169.1, 174.9, 161.8, 179.6, 167.0`;

/** Cross-field rule: the truth's first parameter lies in its family's range. */
function check(state) {
  const t = TRUTHS[state.truth];
  const [, lo, hi] = t.a;
  if (state.a < lo || state.a > hi) {
    return { state: { ...state, a: Math.min(hi, Math.max(lo, state.a)) }, problems: [`a is outside ${lo} to ${hi} for a ${state.truth} truth; clamped`] };
  }
  return { state, problems: [] };
}

const fmt3 = format('.3~g');

class View extends LabView {
  constructor(el, ctx) {
    super(el, ctx);
    this.theta = null;
    this.trace = { step: [], nll: [], kl: [] };
    this.stepsTaken = 0;
    this.data = null; // {key, handle, info}
    this.pasted = null; // {handle, info, text}
    this.player = new Player(el, {
      start: () => { if (this.stepsTaken >= MAX_TRACE) this.restart(); },
      tick: () => this.ctx.refresh({ train: 1, run: true }),
      step: () => this.ctx.refresh({ train: 1 }),
      reset: () => { this.restart(); this.ctx.refresh({}); },
      reduced: () => this.ctx.refresh({ train: 300 }),
      onChange: (on) => {
        this.playBtn.setAttribute('aria-pressed', String(on));
        this.playBtn.textContent = on ? '❚❚ Pause' : '▶ Fit';
      },
    });
    this.build();
  }

  // ---- training -------------------------------------------------------------

  restart() {
    this.theta = null;
    this.trace = { step: [], nll: [], kl: [] };
    this.stepsTaken = 0;
    this.note.textContent = '';
  }

  // ---- DOM ------------------------------------------------------------------

  build() {
    const { el } = this;
    const { out } = this.readouts;
    const select = (id, options, onchange) => h('select', { id, onchange: (e) => onchange(e.target.value) },
      Object.entries(options).map(([v, label]) => h('option', { value: v }, typeof label === 'string' ? label : label.label)));

    this.sourceChoice = segmented({ name: 'mle-source', legend: 'Data', group: 'source', choose: (v) => this.set({ source: v }, { animate: true }),
      options: [{ value: 'sample', label: 'Sample' }, { value: 'paste', label: 'My numbers' }] });
    this.modelSelect = select('mle-model', MODELS, (v) => this.set({ model: v }));

    el.append(
      labHead('mle', 'Maximum likelihood', 'Fitting a model by maximum likelihood is minimising a KL divergence: the mean negative log-likelihood of the data estimates the cross-entropy ',
          'H(P', h('sub', {}, 'data'), ') + KL(P', h('sub', {}, 'data'), '‖P', h('sub', {}, 'θ'), '), and the first term does not depend on θ. Draw a sample (or bring your own numbers), pick a model, and press Fit.'),
      toolbar('mle', { settings: [this.sourceChoice.el,
          h('span', { class: 'mle-field', 'data-embed-group': 'model' }, h('label', { for: 'mle-model', class: 'toolbar-label' }, 'Model'), this.modelSelect)] }),
    );

    // Data controls.
    this.truthSelect = select('mle-truth', TRUTHS, (v) => {
      const t = TRUTHS[v];
      const st = this.ctx.state();
      const a = Math.min(t.a[2], Math.max(t.a[1], st.a));
      this.set({ truth: v, a: v === 'gamma' || v === 'exponential' || v === 'poisson' ? (a > 0 ? a : 2) : a });
    });
    const param = (key) => {
      const range = h('input', { type: 'range', id: `mle-${key}`, oninput: (e) => this.set({ [key]: Number(e.target.value) }) });
      const num = h('input', { type: 'number', class: 'mle-num', onchange: (e) => { const v = Number(e.target.value); if (e.target.value !== '' && Number.isFinite(v)) this.setParam(key, v); } });
      const label = h('label', { for: `mle-${key}` }, key);
      const row = h('div', { class: 'mle-param' }, label, range, num);
      return { range, num, label, row };
    };
    this.pa = param('a');
    this.pb = param('b');
    this.nInput = h('input', { type: 'number', id: 'mle-n', ...bounds(field('n')), step: 1, class: 'mle-num mle-wide',
      onchange: (e) => { const v = Math.round(Number(e.target.value)); if (Number.isFinite(v)) this.set({ n: Math.min(field('n').max, Math.max(field('n').min, v)) }); } });
    this.seedInput = h('input', { type: 'number', id: 'mle-seed', ...bounds(field('seed')), step: 1, class: 'mle-num',
      onchange: (e) => { const v = Math.round(Number(e.target.value)); if (Number.isFinite(v)) this.set({ seed: Math.min(field('seed').max, Math.max(field('seed').min, v)) }); } });
    this.sampleBox = h('div', { class: 'mle-data' },
      h('div', { class: 'mle-param' }, h('label', { for: 'mle-truth' }, 'True P'), this.truthSelect),
      this.pa.row, this.pb.row,
      h('div', { class: 'mle-param' }, h('label', { for: 'mle-n' }, 'Sample size n'), this.nInput,
        h('span', { class: 'mle-ns' }, [100, 1000, 10000, 100000].map((n) => h('button', { type: 'button', class: 'chip', onclick: () => this.set({ n }) }, n >= 1000 ? `${n / 1000}k` : String(n))))),
      h('div', { class: 'mle-param' }, h('label', { for: 'mle-seed' }, 'Seed'), this.seedInput,
        h('button', { type: 'button', class: 'chip', onclick: () => this.set({ seed: (this.ctx.state().seed + 1) % field('seed').max }) }, 'New sample')));
    this.textarea = h('textarea', { id: 'mle-text', rows: 5, spellcheck: 'false', 'aria-describedby': 'mle-paste-help' });
    this.textarea.value = EXAMPLE;
    this.fileInput = h('input', { type: 'file', accept: '.csv,.txt,.tsv,text/csv,text/plain', id: 'mle-file', onchange: (e) => this.loadFile(e.target.files?.[0]) });
    this.pasteError = h('p', { class: 'callout callout-inf', role: 'alert', hidden: true });
    this.pasteInfo = h('p', { class: 'small' });
    this.pasteBox = h('div', { class: 'mle-data', hidden: true },
      h('label', { for: 'mle-text' }, 'Your numbers'), this.textarea,
      h('p', { class: 'small', id: 'mle-paste-help' }, 'Numbers separated by commas, spaces or new lines; a header line is skipped; up to a million values. They stay in your browser and are not saved in the link.'),
      h('div', { class: 'mle-paste-actions' },
        h('button', { type: 'button', class: 'chip chip-strong', onclick: () => this.usePasted(this.textarea.value) }, 'Use these numbers'),
        h('label', { for: 'mle-file', class: 'chip mle-file' }, 'Load a CSV file…'), this.fileInput),
      this.pasteError, this.pasteInfo);

    this.binsInput = h('input', { type: 'range', id: 'mle-bins', ...bounds(field('bins')), step: 1, oninput: (e) => this.set({ bins: Number(e.target.value) }) });
    this.binsOut = h('output', { for: 'mle-bins' });
    this.histHost = h('div', { class: 'chart-host' });

    // Readouts.
    const ro = (key, name, hint) => h('div', { class: 'readout' },
      h('span', { class: 'readout-name', id: `mle-ro-${key}` }, name),
      h('span', { class: 'readout-value' }, out(key, { 'aria-labelledby': `mle-ro-${key}` }), h('span', { class: 'unit' }, 'nats')),
      h('span', { class: 'readout-hint' }, hint));
    this.klName = h('span', { class: 'hero-name', id: 'mle-ro-kl' }, 'KL(P‖P_θ)');
    this.klHint = h('span', { class: 'hero-hint' });
    this.paramBody = h('tbody');
    this.agree = h('p', { class: 'small mle-agree' });
    this.hName = h('span', {}, 'H(P)');

    el.append(h('div', { class: 'grid grid-top' },
      h('figure', { class: 'card fig-hist' },
        h('figcaption', {},
          h('h2', {}, 'Data and fitted density'),
          h('p', { class: 'legend' }, h('span', {}, swatch('hist'), 'data'), this.truthLegend = h('span', {}, swatch('p'), 'true P'), h('span', {}, swatch('q'), 'P', h('sub', {}, 'θ'), ' (fit)'))),
        this.histHost,
        h('div', { class: 'mle-param mle-bins' }, h('label', { for: 'mle-bins' }, 'Bins'), this.binsInput, this.binsOut),
        this.sampleBox, this.pasteBox),
      h('aside', { class: 'card readouts', 'aria-label': 'Readouts', 'data-embed-group': 'readouts' },
        h('div', { class: 'hero' }, this.klName,
          h('span', { class: 'hero-value' }, out('kl', { 'aria-labelledby': 'mle-ro-kl' }), h('span', { class: 'unit' }, 'nats')),
          this.klHint),
        h('div', { class: 'readout-grid' },
          ro('nll', 'mean NLL', '−(1/n) Σ log p_θ(x)'),
          h('div', { class: 'readout' }, h('span', { class: 'readout-name', id: 'mle-ro-h' }, this.hName),
            h('span', { class: 'readout-value' }, out('h', { 'aria-labelledby': 'mle-ro-h' }), h('span', { class: 'unit' }, 'nats')),
            this.hHint = h('span', { class: 'readout-hint' }, 'does not depend on θ')),
          this.gapRo = ro('gap', 'NLL − KL', '')),
        h('div', { class: 'table-wrap' }, h('table', { class: 'mle-params' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'parameter'), h('th', { scope: 'col' }, 'gradient ascent'), h('th', { scope: 'col' }, this.closedHead = h('span', {}, 'closed form')))),
          this.paramBody)),
        this.agree),
    ));

    // Fitting and sample size.
    this.playBtn = h('button', { type: 'button', class: 'chip xe-play', 'data-action': 'play', 'aria-pressed': 'false', onclick: this.player.toggle }, '▶ Fit');
    this.lrInput = h('input', { type: 'range', id: 'mle-lr', ...bounds(field('lr')), step: 0.01, oninput: (e) => this.set({ lr: Number(e.target.value) }) });
    this.lrOut = h('output', { for: 'mle-lr' });
    this.stepOut = h('output', { 'data-readout': 'steps' }, '0');
    this.note = h('p', { class: 'fig-note' });
    this.refChoice = segmented({ name: 'mle-ref', legend: 'KL from', choose: (v) => this.set({ reference: v }),
      options: [{ value: 'truth', label: 'the truth' }, { value: 'bins', label: 'histogram' }] });
    this.refBox = this.refChoice.el;
    this.traceHost = h('div', { class: 'chart-host' });
    this.studyHost = h('div', { class: 'chart-host' });
    this.studyBody = h('tbody');
    this.studyNote = h('p', { class: 'fig-note' });
    this.studyCard = h('figure', { class: 'card fig-study' },
      h('figcaption', {}, h('h2', {}, 'More data, better fit'),
        h('p', { class: 'legend' }, h('span', {}, swatch('q'), 'KL(P‖P_θ̂) from the first n values'), h('span', {}, swatch('sum'), 'd / 2n'))),
      this.studyHost, this.studyNote,
      h('details', { class: 'mle-study-table' }, h('summary', {}, 'The numbers'),
        h('div', { class: 'table-wrap' }, h('table', {}, this.studyHead = h('thead'), this.studyBody))));
    el.append(h('div', { class: 'grid grid-charts' },
      h('figure', { class: 'card fig-trace' },
        h('figcaption', {}, h('h2', {}, 'The fit: NLL and KL move together'),
          h('p', { class: 'legend' }, h('span', {}, swatch('sum'), 'mean NLL'), h('span', {}, swatch('q'), 'KL(P_data‖P_θ)'), h('span', {}, swatch('p'), 'the gap NLL − KL'))),
        h('div', { class: 'xe-train' }, this.playBtn,
          h('button', { type: 'button', class: 'chip', 'data-action': 'step', onclick: this.player.step }, 'Step'),
          h('button', { type: 'button', class: 'chip', 'data-action': 'reset', onclick: this.player.reset }, 'Restart'),
          h('span', { class: 'xe-lr' }, h('label', { for: 'mle-lr' }, 'Step size η'), this.lrInput, this.lrOut),
          h('span', { class: 'small xe-steps' }, 'step ', this.stepOut)),
        this.refBox,
        this.traceHost, this.note),
      this.studyCard));

    el.append(h('div', { class: 'grid grid-mid' },
      h('section', { class: 'card formulas', 'aria-labelledby': 'mle-formulas-h', 'data-embed-group': 'formulas' },
        h('h2', { id: 'mle-formulas-h' }, 'The formulas, live'),
        formula(formulas.nll, h('p', { class: 'formula-value identity' }, out('nll'), ' ≈ ', out('h'), ' + ', out('kl'), ' nats')),
        formula(formulas.argmax),
        formula(formulas.step),
        formula(formulas.rate)),
      prose('mle', 'Why likelihood is a divergence',
        h('p', {}, 'Average −log p', h('sub', {}, 'θ'), '(x) over the data and you get a cross-entropy: the cost of coding the data with a code built for the model. Split it as in the Cross-entropy lab and it is H(P', h('sub', {}, 'data'), '), fixed by the data, plus KL(P', h('sub', {}, 'data'), '‖P', h('sub', {}, 'θ'), '), the only part θ can change. So the θ with the highest likelihood is the θ with the smallest divergence.'),
        h('p', {}, 'Watch the two curves as the fit runs: they fall by nearly the same amount at every step. How nearly depends on P', h('sub', {}, 'data'), '. For a sample, P', h('sub', {}, 'data'), ' is the true P and the NLL is a sample mean whose expectation is the cross-entropy H(P) + KL(P‖P', h('sub', {}, 'θ'), '): the gap NLL − KL is H(P) plus that mean’s sampling error, which differs a little from one θ, and one model, to the next, and shrinks like 1/√n. For a categorical model, P', h('sub', {}, 'data'), ' is the data’s frequencies P̂ and NLL = H(P̂) + KL(P̂‖P', h('sub', {}, 'θ'), ') exactly, for every θ.'),
        h('p', {}, 'With the histogram as P', h('sub', {}, 'data'), ' (bins of width w, the model’s mass Q', h('sub', {}, 'θ'), ' in each from its CDF), the exact identity is for the binned data: −(1/n) Σ log(Q', h('sub', {}, 'θ'), '(bin of x)/w) = H(P', h('sub', {}, 'bins'), ') + log w + KL(P', h('sub', {}, 'bins'), '‖P', h('sub', {}, 'θ'), ') for every θ and every model. H(P', h('sub', {}, 'bins'), ') + log w, the entropy of the histogram’s density, is the H shown. The NLL of the density itself differs from the binned one by r(θ), the mean over the data of log(Q', h('sub', {}, 'θ'), '/w) − log p', h('sub', {}, 'θ'), '(x): so the gap is H(P', h('sub', {}, 'bins'), ') + log w + r(θ). r depends on θ and on the model, most where the density changes much within a bin (a steep side, a narrow peak, the Laplace kink), and vanishes as the bins narrow: switch models with few wide bins and the gap moves by r alone.'),
        'When a family has a formula for its maximum — the sample mean and variance for a normal, the median for a Laplace, 1/x̄ for an exponential, the frequencies for a categorical — the animated ascent lands on it. A gamma needs a one-dimensional root-finder; a mixture has no formula at all and can stop at a local maximum.',
        'If the family contains the truth, the divergence left after fitting shrinks like d/2n (d parameters). If it does not, it levels off at the closest the family can get: try a normal model on gamma data.'),
    ));

    el.append(this.readouts.live);

    this.hist = this.frame(this.histHost, { height: (w) => Math.round(Math.max(220, Math.min(320, w * 0.5))), margin: { top: 14, right: 10, bottom: 30, left: 44 }, label: 'Histogram of the data with the fitted and the true density', draw: (f) => this.drawHist(f),
      csv: () => {
        const { r } = this;
        const rows = Array.from(r.histDensity, (v, j) => ['histogram', r.histEdges[j], r.histEdges[j + 1], v]);
        for (let i = 0; i < r.curveX.length; i++) rows.push(['fit', r.curveX[i], '', r.curveY[i]]);
        if (this.state.source === 'sample' && r.truthX) for (let i = 0; i < r.truthX.length; i++) rows.push(['truth', r.truthX[i], '', r.truthY[i]]);
        return { columns: ['series', 'x', 'bin end', 'density'], rows };
      } });
    this.traceChart = this.frame(this.traceHost, { height: 230, margin: { top: 14, right: 12, bottom: 30, left: 44 }, label: 'The mean NLL and the KL divergence during the fit', draw: (f) => this.drawTrace(f),
      csv: () => { const t = this.trace; return { columns: ['step', 'mean NLL (nats)', 'KL (nats)'], rows: Array.from(t.step, (s, i) => [s, t.nll[i], t.kl[i]]) }; } });
    this.study = this.frame(this.studyHost, { height: 230, margin: { top: 14, right: 12, bottom: 32, left: 50 }, label: 'KL to the truth against the sample size, log–log', draw: (f) => this.drawStudy(f),
      csv: () => {
        const s = this.studyR;
        const d = PARAMS[this.model] ?? 1;
        return { columns: ['n', 'KL to the truth (nats)', 'd / (2n)'], rows: s && this.state.source === 'sample' ? Array.from(s.n, (n, i) => [n, s.kl[i], d / (2 * n)]) : [] };
      } });
  }

  setParam(key, v) {
    const t = TRUTHS[this.ctx.state().truth];
    const spec = key === 'a' ? t.a : t.b;
    if (!spec) return;
    this.set({ [key]: Math.min(spec[2], Math.max(spec[1], v)) });
  }

  async loadFile(file) {
    if (!file) return;
    if (file.size > 64 * 1024 * 1024) { this.showPasteError('That file is larger than 64 MB; a million numbers fit in far less.'); return; }
    const text = await file.text();
    this.textarea.value = text.length > 200_000 ? `${text.slice(0, 200_000)}\n# … (the rest of ${file.name} is loaded but not shown)` : text;
    this.usePasted(text, file.name);
  }

  showPasteError(msg) {
    this.pasteError.textContent = msg;
    this.pasteError.hidden = !msg;
  }

  /** Sends the text to Go once; the lab then refers to it by handle. */
  usePasted(text, name) {
    try {
      const info = this.ctx.klplay.mleData(null, { text });
      this.pasted = { handle: info.handle, info, text, name };
      this.showPasteError('');
      this.pasteInfo.textContent = `${info.n.toLocaleString('en')} values${info.header ? ` (header “${info.header}” skipped)` : ''}${name ? ` from ${name}` : ''}, from ${fmt3(info.min)} to ${fmt3(info.max)}.`;
      this.data = null;
      if (this.ctx.state().source !== 'paste') this.set({ source: 'paste' }, { animate: true });
      else this.ctx.refresh({});
    } catch (err) {
      this.showPasteError(`These numbers could not be used: ${String(err.message).replace(/^mleData: data: /, '')}`);
    }
  }

  // ---- update ---------------------------------------------------------------

  dataKey(s) {
    return s.source === 'sample' ? `s|${s.truth}|${s.a}|${s.b}|${s.n}|${s.seed}` : `p|${this.pasted?.handle}`;
  }

  ensureData(state) {
    const key = this.dataKey(state);
    if (this.data?.key === key) return this.data;
    if (state.source === 'paste') {
      if (!this.pasted) this.usePastedQuiet();
      this.data = { key: this.dataKey(state), handle: this.pasted.handle, info: this.pasted.info };
    } else {
      const info = this.ctx.klplay.mleData({ truth: state.truth, a: state.a, b: state.b, n: state.n, seed: state.seed });
      this.data = { key, handle: info.handle, info };
    }
    this.fitKey = null;
    return this.data;
  }

  usePastedQuiet() {
    const info = this.ctx.klplay.mleData(null, { text: this.textarea.value });
    this.pasted = { handle: info.handle, info, text: this.textarea.value };
    this.pasteInfo.textContent = `${info.n.toLocaleString('en')} values${info.header ? ` (header “${info.header}” skipped)` : ''}.`;
  }

  /** One mleLab call; Go fits the state's model, or a normal where the data cannot take it (r.model says which). */
  call(state, steps, study) {
    const data = this.ensureData(state);
    // Training frames skip the closed form (unchanged while θ moves) and the study.
    const view = { data: data.handle, theta: this.theta, steps, study, closed: steps === 0 || !this.r?.closed };
    try {
      return this.ctx.klplay.mleLab(state, view);
    } catch (err) {
      if (err.arg !== 'opts.data') throw err;
      // The data set was evicted from Go's cache: register it again.
      this.data = null;
      if (state.source === 'paste') this.usePastedQuiet();
      const again = this.ensureData(state);
      return this.ctx.klplay.mleLab(state, { ...view, data: again.handle });
    }
  }

  update(state, info = {}) {
    const prev = this.state;
    this.state = state;
    // A frame the play loop asked for before Pause was pressed trains no more.
    const steps = info.run && !this.player.playing ? 0 : Math.min(info.train ?? 0, 2000);
    this.ensureData(state);
    // The model actually fitted follows from the data and state.model, so both name the fit.
    const fitKey = `${this.data.key}|${state.model}`;
    const fresh = fitKey !== this.fitKey;
    if (fresh) {
      this.restart();
      this.fitKey = fitKey;
    }
    const refKey = `${state.reference}|${state.bins}`;
    if (refKey !== this.refKey && !fresh) {
      // A different P_data: the KL curve so far measured something else.
      this.trace = { step: [], nll: [], kl: [] };
    }
    this.refKey = refKey;
    const r = this.call(state, steps, fresh);
    if (fresh) this.studyR = r.study;
    if (steps > 0 && r.closed === undefined) r.closed = this.r?.closed ?? null; // kept from the last full update
    this.r = r;
    this.model = r.model;
    const before = this.theta;
    if (steps > 0 || this.theta === null) this.theta = Array.from(r.theta);
    const moved = before ? Math.max(...this.theta.map((v, i) => Math.abs(v - before[i]))) : Infinity;
    if (steps > 0) this.stepsTaken += steps;
    const t = this.trace;
    if (!t.step.length || t.step[t.step.length - 1] !== this.stepsTaken) {
      t.step.push(this.stepsTaken); t.nll.push(r.nll); t.kl.push(r.kl);
    }
    if (steps > 0) {
      const still = moved < 1e-10;
      if (still || this.stepsTaken >= MAX_TRACE) {
        this.player.pause();
        this.note.textContent = still ? `Converged after ${this.stepsTaken} steps.` : `Paused after ${MAX_TRACE} steps.`;
      }
    }

    // Controls.
    const sample = state.source === 'sample';
    this.sourceChoice.set(state.source);
    this.refChoice.set(state.reference);
    this.refBox.hidden = !sample || this.model === 'categorical' || state.truth === 'poisson';
    this.sampleBox.hidden = !sample;
    this.pasteBox.hidden = sample;
    this.modelSelect.value = state.model;
    this.truthSelect.value = state.truth;
    const tr = TRUTHS[state.truth];
    for (const [key, p, spec] of [['a', this.pa, tr.a], ['b', this.pb, tr.b]]) {
      p.row.hidden = !spec;
      if (!spec) continue;
      p.label.textContent = spec[0];
      Object.assign(p.range, { min: spec[1], max: spec[2], step: spec[3] });
      p.range.setAttribute('aria-label', `True ${spec[0]}`);
      p.num.setAttribute('aria-label', `True ${spec[0]}, typed`);
      Object.assign(p.num, { min: spec[1], max: spec[2], step: spec[3] });
      if (document.activeElement !== p.range) p.range.value = String(state[key]);
      if (document.activeElement !== p.num) p.num.value = String(state[key]);
    }
    if (document.activeElement !== this.nInput) this.nInput.value = String(state.n);
    if (document.activeElement !== this.seedInput) this.seedInput.value = String(state.seed);
    if (document.activeElement !== this.lrInput) this.lrInput.value = String(state.lr);
    setText(this.lrOut, String(state.lr));
    if (document.activeElement !== this.binsInput) this.binsInput.value = String(state.bins);
    setText(this.binsOut, String(state.bins));
    setText(this.stepOut, String(this.stepsTaken));
    this.truthLegend.hidden = !sample;

    // Readouts.
    const kind = r.kind;
    const pTheta = () => ['P', h('sub', {}, 'θ')];
    this.klName.replaceChildren(...(kind === 'truth' ? ['KL(P ‖ ', ...pTheta(), '), P the truth'] : kind === 'empirical' ? ['KL(P̂ ‖ ', ...pTheta(), '), P̂ the data'] : ['KL(P', h('sub', {}, 'bins'), ' ‖ ', ...pTheta(), ')']));
    this.klHint.textContent = kind === 'truth' ? `computed by ${r.method}` : kind === 'empirical' ? 'the data’s frequencies against the model' : `on ${r.histDensity.length} bins of the data`;
    this.hName.replaceChildren(...(kind === 'truth' ? ['H(P)'] : kind === 'empirical' ? ['H(P̂)'] : ['H(P', h('sub', {}, 'bins'), ') + log w']));
    this.hHint.textContent = kind === 'bins' ? 'the histogram density’s entropy (w the bin width); the same for every θ and model' : 'does not depend on θ';
    this.gapRo.lastChild.textContent = kind === 'truth' ? '= H(P) + sampling error: moves a little with θ, less as n grows' : kind === 'empirical' ? '= H(P̂) exactly, for every θ' : '= H(P_bins) + log w + r(θ): r, from the density’s shape within each bin, shrinks with the bins';
    this.readouts.set(r);
    if (this.model !== state.model) this.note.textContent = `A ${state.model} model cannot describe these data (${state.model === 'categorical' ? 'it needs whole numbers from 0 to 999' : 'it needs positive values'}); fitting a normal instead.`;
    this.fillParams(r);
    this.fillStudy(state);

    this.hist.ready = this.traceChart.ready = this.study.ready = true;
    this.hist.redraw();
    this.traceChart.redraw();
    if (fresh || !prev) this.study.redraw();
    if (prev !== null) this.readouts.announce();
  }

  fillParams(r) {
    const names = r.names;
    const closed = r.closed;
    this.closedHead.textContent = closed ? (closed.method === 'numerical' ? 'numerical MLE' : 'closed form') : 'closed form';
    const shown = Math.min(names.length, 12);
    if (this.paramBody.children.length !== shown + 1 || this.paramNames !== names.join()) {
      this.paramNames = names.join();
      const rows = [];
      for (let i = 0; i < shown; i++) rows.push(h('tr', {}, h('th', { scope: 'row' }, names[i]), h('td', {}, h('output', { 'data-param': i })), h('td', {}, h('output', { 'data-closed': i }))));
      rows.push(h('tr', { class: 'mle-kl-row' }, h('th', { scope: 'row' }, 'KL'), h('td', {}, h('output', { 'data-param': 'kl' })), h('td', {}, h('output', { 'data-closed': 'kl' }))));
      this.paramBody.replaceChildren(...rows);
    }
    for (const o of this.paramBody.querySelectorAll('output[data-param]')) {
      const k = o.dataset.param;
      setOutput(o, k === 'kl' ? r.kl : r.params[Number(k)]);
    }
    for (const o of this.paramBody.querySelectorAll('output[data-closed]')) {
      const k = o.dataset.closed;
      if (!closed) { o.textContent = '—'; delete o.dataset.value; continue; }
      setOutput(o, k === 'kl' ? closed.kl : closed.params[Number(k)]);
    }
    if (!closed) {
      this.agree.textContent = this.model === 'mixture' ? 'A mixture has no closed form: its likelihood can have several peaks, and the ascent finds one of them.' : 'No closed form for these data.';
      return;
    }
    let worst = 0;
    for (let i = 0; i < r.params.length; i++) worst = Math.max(worst, Math.abs(r.params[i] - closed.params[i]) / Math.max(1, Math.abs(closed.params[i])));
    this.agree.textContent = worst < 1e-6
      ? `Gradient ascent and the ${closed.method === 'numerical' ? 'numerical MLE' : 'closed form'} agree (to ${worst === 0 ? 'the last digit' : `${number(worst, { digits: 1 })} relative`}).`
      : `Gradient ascent is still on its way: its parameters differ from the ${closed.method === 'numerical' ? 'numerical MLE' : 'closed form'} by up to ${fmt3(worst * 100)} %.`;
    this.agree.dataset.agree = String(worst < 1e-6);
  }

  fillStudy(state) {
    const s = this.studyR;
    const sample = state.source === 'sample';
    this.studyCard.hidden = false;
    this.studyHost.hidden = !sample || !s;
    if (!sample || !s) {
      this.studyNote.textContent = !sample ? 'With your own numbers there is no true distribution to compare with; draw a sample to see how the fit improves with n.'
        : this.model === 'mixture' ? 'A mixture has no closed-form fit to repeat at every sample size.' : 'For counts (a categorical model or a Poisson truth) the study is not drawn: the fitted categorical puts no mass beyond the largest count seen, so its KL from the truth is infinite.';
      this.studyBody.replaceChildren();
      this.studyHead.replaceChildren();
      return;
    }
    const last = s.kl[s.kl.length - 1];
    const d = PARAMS[this.model] ?? 1;
    this.studyNote.textContent = `Each point refits the ${this.model} by its ${this.model === 'gamma' ? 'numerical MLE' : 'closed form'} to the first n values of this sample. At n = ${s.n[s.n.length - 1].toLocaleString('en')}, KL = ${number(last)} nats; d/2n = ${number(d / (2 * s.n[s.n.length - 1]))}.`;
    const names = this.r.names;
    this.studyHead.replaceChildren(h('tr', {}, h('th', { scope: 'col' }, 'n'), names.map((nm) => h('th', { scope: 'col' }, nm)), h('th', { scope: 'col' }, 'KL')));
    this.studyBody.replaceChildren(...Array.from(s.n, (n, i) => h('tr', {}, h('td', {}, n.toLocaleString('en')), s.params.map((col) => h('td', {}, number(col[i]))), h('td', {}, number(s.kl[i])))));
  }

  speak() {
    const { r } = this;
    if (!r) return;
    return `Mean NLL ${number(r.nll)}, KL ${number(r.kl)} nats, gap ${number(r.gap)}.`;
  }

  // ---- charts ---------------------------------------------------------------

  drawHist(f) {
    const { r, state } = this;
    const edges = r.histEdges;
    const dens = r.histDensity;
    const discrete = this.model === 'categorical';
    const lo = Math.min(edges[0], r.curveX[0]);
    const hi = Math.max(edges[edges.length - 1], r.curveX[r.curveX.length - 1]);
    const x = scaleLinear().domain([lo, hi]).range([0, f.innerWidth]);
    // The y range follows the data (and the truth), not the moving fit, so the axes stay put while it runs.
    const yMax = Math.max(max(dens), r.truthY && state.source === 'sample' ? max(r.truthY) : 0);
    const y = scaleLinear().domain([0, yMax * 1.15 || 1]).range([f.innerHeight, 0]).nice(4);
    once(f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid'), `${f.innerWidth}|${f.innerHeight}|${y.domain()}`,
      (sel) => sel.call(axisLeft(y).ticks(4).tickSize(-f.innerWidth).tickFormat(format('~g'))).call((g) => g.select('.domain').remove()));
    once(f.plot.selectAll('g.x-axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${f.innerHeight})`), `${f.innerWidth}|${x.domain()}`,
      (sel) => sel.call(axisBottom(x).ticks(Math.max(3, Math.floor(f.innerWidth / 70))).tickFormat(format('~g')).tickSizeOuter(0)));
    const bars = Array.from(dens, (v, j) => ({ x0: edges[j], x1: edges[j + 1], v }));
    const cl = (v) => y(Math.min(v, y.domain()[1]));
    f.plot.selectAll('g.hist').data([0]).join('g').attr('class', 'hist')
      .selectAll('rect').data(bars).join('rect').attr('class', 'mle-bar')
      .attr('x', (d) => x(d.x0) + 0.5).attr('width', (d) => Math.max(0.5, x(d.x1) - x(d.x0) - 1))
      .attr('y', (d) => cl(d.v)).attr('height', (d) => y(0) - cl(d.v));
    const pathOf = (xs, ys) => line().defined((i) => Number.isFinite(ys[i])).x((i) => x(xs[i])).y((i) => cl(ys[i]))(Array.from(xs, (_, i) => i));
    const showTruth = state.source === 'sample' && r.truthX;
    if (discrete) {
      const pts = Array.from(r.curveX, (v, i) => ({ v, p: r.curveY[i] }));
      f.plot.selectAll('path.mle-fit').data([]).join('path');
      f.plot.selectAll('g.mle-stems').data([0]).join('g').attr('class', 'mle-stems')
        .selectAll('circle').data(pts).join('circle').attr('class', 'mle-dot').attr('r', 4).attr('cx', (d) => x(d.v)).attr('cy', (d) => cl(d.p));
    } else {
      f.plot.selectAll('g.mle-stems').data([]).join('g');
      f.plot.selectAll('path.mle-fit').data([0]).join('path').attr('class', 'mle-fit').attr('d', pathOf(r.curveX, r.curveY));
    }
    f.plot.selectAll('path.mle-truth').data(showTruth ? [0] : []).join('path').attr('class', 'mle-truth').attr('d', () => pathOf(r.truthX, r.truthY));
  }

  drawTrace(f) {
    const t = this.trace;
    const n = t.step.length;
    const x = scaleLinear().domain([0, niceCeil(Math.max(20, t.step[n - 1] ?? 0))]).range([0, f.innerWidth]);
    const vals = [...t.nll, ...t.kl].filter(Number.isFinite);
    const [lo, hi] = extent(vals.length ? vals : [0, 1]);
    const y = scaleLinear().domain([Math.min(0, lo), hi + 0.05 * (hi - Math.min(0, lo) || 1)]).range([f.innerHeight, 0]).nice(4);
    once(f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid'), `${f.innerWidth}|${f.innerHeight}|${y.domain()}`,
      (sel) => sel.call(axisLeft(y).ticks(5).tickSize(-f.innerWidth).tickFormat(format('~g'))).call((g) => g.select('.domain').remove()));
    once(f.plot.selectAll('g.x-axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${f.innerHeight})`), `${f.innerWidth}|${x.domain()}`,
      (sel) => sel.call(axisBottom(x).ticks(Math.max(2, Math.floor(f.innerWidth / 80))).tickFormat(format('~d')).tickSizeOuter(0)));
    f.plot.selectAll('text.axis-unit').data([0]).join('text').attr('class', 'axis-unit').attr('x', -f.margin.left + 2).attr('y', -4).text('nats');
    f.plot.selectAll('text.axis-step').data([0]).join('text').attr('class', 'axis-unit axis-step').attr('text-anchor', 'end').attr('x', f.innerWidth).attr('y', f.innerHeight + 26).text('step');
    const idx = Array.from({ length: n }, (_, i) => i).filter((i) => Number.isFinite(t.nll[i]) && Number.isFinite(t.kl[i]));
    const X = (i) => x(t.step[i]);
    f.plot.selectAll('path.mle-gap').data([idx]).join('path').attr('class', 'xe-area-h mle-gap').attr('d', area().x(X).y0((i) => y(t.kl[i])).y1((i) => y(t.nll[i])));
    f.plot.selectAll('path.mle-kl').data([idx]).join('path').attr('class', 'xe-line-kl mle-kl').attr('d', line().x(X).y((i) => y(t.kl[i])));
    f.plot.selectAll('path.mle-nll').data([idx]).join('path').attr('class', 'xe-line-loss mle-nll').attr('d', line().x(X).y((i) => y(t.nll[i])));
    const last = idx[idx.length - 1];
    f.plot.selectAll('circle.mle-now').data(last === undefined ? [] : ['nll', 'kl']).join('circle').attr('class', (k) => `mle-now mle-now-${k}`).attr('r', 3.5)
      .attr('cx', X(last)).attr('cy', (k) => y(t[k][last]));
    const lab = last === undefined ? [] : [{ y: (y(t.nll[last]) + y(t.kl[last])) / 2, text: `gap ${number(t.nll[last] - t.kl[last], { digits: 3 })}` }];
    f.plot.selectAll('text.mle-gap-label').data(lab).join('text').attr('class', 'mle-gap-label sum-label').attr('text-anchor', 'end')
      .attr('x', f.innerWidth - 4).attr('y', (d) => d.y + 4).text((d) => d.text);
  }

  drawStudy(f) {
    const s = this.studyR;
    const sample = this.state.source === 'sample';
    const has = sample && s && s.n.length > 0;
    f.svg.style('display', has ? null : 'none');
    if (!has) return;
    const ns = Array.from(s.n);
    const kls = Array.from(s.kl).map((v) => Math.max(v, 1e-9));
    const d = PARAMS[this.model] ?? 1;
    const x = scaleLog().domain([ns[0], ns[ns.length - 1]]).range([0, f.innerWidth]);
    const ref = ns.map((n) => d / (2 * n));
    const [ylo, yhi] = extent([...kls, ...ref]);
    const y = scaleLog().domain([ylo / 2, yhi * 2]).range([f.innerHeight, 0]);
    f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid')
      .call(axisLeft(y).tickValues(decades(y.domain())).tickFormat(format('~g')).tickSize(-f.innerWidth)).call((g) => g.select('.domain').remove());
    f.plot.selectAll('g.x-axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${f.innerHeight})`)
      .call(axisBottom(x).tickValues(decades(x.domain())).tickFormat(format('~s')).tickSizeOuter(0));
    f.plot.selectAll('text.axis-step').data([0]).join('text').attr('class', 'axis-unit axis-step').attr('text-anchor', 'end').attr('x', f.innerWidth).attr('y', f.innerHeight + 28).text('n');
    const I = ns.map((_, i) => i);
    f.plot.selectAll('path.mle-ref').data([0]).join('path').attr('class', 'sum mle-ref').attr('fill', 'none').attr('d', line().x((i) => x(ns[i])).y((i) => y(ref[i]))(I));
    f.plot.selectAll('path.mle-study').data([0]).join('path').attr('class', 'xe-line-kl mle-study').attr('d', line().x((i) => x(ns[i])).y((i) => y(kls[i]))(I));
    f.plot.selectAll('circle.mle-study-dot').data(I).join('circle').attr('class', 'mle-study-dot').attr('r', 3.5).attr('cx', (i) => x(ns[i])).attr('cy', (i) => y(kls[i]));
  }
}

export default defineLab({
  id: 'mle',
  title: 'Maximum likelihood',
  blurb: 'Fitting a model by maximum likelihood minimises KL(P_data‖P_θ); the mean NLL estimates H(P_data) + KL(P_data‖P_θ)',
  schema,
  check,
  View,
});
