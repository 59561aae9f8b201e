// The Mutual information lab's self-supervised section: I(X;Y) of a correlated
// Gaussian pair estimated by InfoNCE and NWJ while a quadratic critic is trained
// on seeded batches of K pairs (core/contrastive). The training step is a state
// field (trainStep), so a link replays the run from its seed; one call into Go
// per frame (klplay.mutualInformationTrain), which grows the kept run by the
// steps taken since the last call.
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { format } from 'd3-format';
import { h, mathml, setText, uniqueId } from '../../lib/dom.js';
import { formula } from '../../lib/lab.js';
import { fieldSlider, intInput, transport } from '../../lib/controls.js';
import { traceAxes } from '../../lib/chart.js';
import { Player } from '../../lib/player.js';
import { number } from '../../lib/format.js';

export const TRAIN_FIELDS = ['rho', 'batch', 'trainSeed', 'trainStep'];
export const TRAIN_READOUTS = ['nceTrue', 'nceLogK', 'nceNow', 'nwjNow', 'nwjExpected'];
const RATE = 30; // training updates per second while playing

/**
 * Fixed decimals for the training numbers (order 0.1 to 10, an NWJ batch far
 * below): a rounding-level 1e-15 reads 0.0000, never a wrapped 10⁻¹⁵. d3-format
 * writes the minus as U+2212 and drops it from a negative that rounds to zero.
 */
export function fixed(v, digits = 4) {
  return Number.isFinite(v) ? format(`.${digits}f`)(v) : number(v);
}

export class Contrastive {
  /** view: the lab's View (its ctx, readouts, frame() and set()); field(name): the schema field. */
  constructor(view, field, formulas) {
    this.view = view;
    this.field = field;
    this.STEP = field('trainStep');
    this.acc = 0;
    this.t = null;
    this.player = new Player(view.el, {
      tick: (dt) => this.tick(dt),
      step: () => this.setStep(this.state().trainStep + 1),
      reset: () => view.set({ trainStep: 0 }),
      start: () => { this.acc = 0; if (this.state().trainStep >= this.STEP.max) view.set({ trainStep: 0 }); },
      reduced: () => this.setStep(this.STEP.max),
    });
    this.el = this.build(formulas);
  }

  state() { return this.view.ctx.state(); }

  setStep(k) { this.view.set({ trainStep: Math.min(this.STEP.max, Math.max(0, k)) }); }

  /** A new ρ, K or seed starts the training afresh. */
  restart(patch) {
    this.player.pause();
    this.view.set({ ...patch, trainStep: 0 });
  }

  tick(dt) {
    this.acc += RATE * dt;
    const n = Math.floor(this.acc);
    if (n < 1) return;
    this.acc -= n;
    const k = Math.min(this.STEP.max, this.state().trainStep + n);
    this.view.set({ trainStep: k });
    if (k >= this.STEP.max) this.player.pause();
  }

  build(formulas) {
    const { out } = this.view.readouts;
    const { field } = this;
    this.unitSpans = [];
    const unitSpan = () => { const s = h('span', { class: 'unit' }, 'bits'); this.unitSpans.push(s); return s; };
    this.rho = fieldSlider(field('rho'), { label: 'ρ', step: 0.01, cls: 'nce-rho', boxLabel: 'ρ, the correlation (typed)',
      onInput: (v, { final }) => { const r = Math.round(v * 100) / 100; if (r !== this.state().rho || final) this.restart({ rho: r }); } });
    const kId = uniqueId('nce-k');
    this.kInput = intInput(field('batch'), { id: kId, current: () => this.state().batch, onValue: (k) => this.restart({ batch: k }) });
    const kStep = (d) => () => { const f = field('batch'); this.restart({ batch: Math.min(f.max, Math.max(f.min, this.state().batch + d)) }); };
    const seedMax = field('trainSeed').max;
    this.seedOut = h('output', { class: 'small nce-seed' });
    this.transport = transport({ player: this.player, label: 'Train the critics' });
    this.stepOut = out('nceStep');
    this.chartHost = h('div', { class: 'chart-host' });
    this.offNote = h('p', { class: 'small nce-off', 'aria-live': 'polite' });
    const ro = (key, name, hint, cls = '') => h('div', { class: `readout ${cls}` },
      h('span', { class: 'readout-name', id: `mi-ro-${key}` }, name),
      h('span', { class: 'readout-value' }, out(key, { 'aria-labelledby': `mi-ro-${key}` }), unitSpan()),
      h('span', { class: 'readout-hint' }, hint));
    this.criticTable = h('tbody');
    return h('section', { class: 'card mi-nce', 'aria-labelledby': 'mi-nce-h', 'data-embed-group': 'contrastive' },
      h('div', { class: 'mi-ib-head' },
        h('h2', { id: 'mi-nce-h' }, 'Self-supervised learning: I(X;Y) from samples'),
        h('p', { class: 'small' }, 'Contrastive learning trains a critic f(x, y) to tell a matched pair from mismatched ones, and its loss is a lower bound on I(X;Y). Here X and Y are Gaussian with correlation ρ, so the true I(X;Y) is known; two critics learn from the same batches of K pairs, one on each bound.')),
      h('div', { class: 'mi-ib-controls' },
        this.rho.el,
        h('div', { class: 'stepper' },
          h('label', { for: kId, class: 'toolbar-label' }, 'batch K'),
          h('button', { type: 'button', class: 'step', 'aria-label': 'Smaller batch', onclick: kStep(-1) }, '−'),
          this.kInput,
          h('button', { type: 'button', class: 'step', 'aria-label': 'Larger batch', onclick: kStep(1) }, '+')),
        h('div', { class: 'mi-ib-buttons' },
          h('button', { type: 'button', class: 'chip', onclick: () => { const s = this.state().trainSeed; this.restart({ trainSeed: s >= seedMax ? 1 : s + 1 }); } }, 'New batches'),
          this.seedOut)),
      h('div', { class: 'nce-transport' }, this.transport.el, h('span', { class: 'small' }, 'update ', this.stepOut, ' of ', String(this.STEP.max))),
      h('div', { class: 'grid mi-nce-grid' },
        h('figure', { class: 'fig-nce' },
          h('figcaption', {}, h('h3', {}, 'The two bounds, batch by batch'),
            h('p', { class: 'legend' },
              h('span', {}, h('span', { class: 'line-swatch nce-sw-nce' }), 'InfoNCE'),
              h('span', {}, h('span', { class: 'line-swatch nce-sw-nwj' }), 'NWJ'),
              h('span', {}, h('span', { class: 'line-swatch nce-sw-mean' }), 'NWJ’s expected value for its critic'),
              h('span', {}, h('span', { class: 'line-swatch nce-sw-true' }), 'true I(X;Y)'),
              h('span', {}, h('span', { class: 'line-swatch nce-sw-logk' }), 'log K'))),
          this.chartHost,
          this.offNote),
        h('aside', { class: 'mi-nce-readouts', 'aria-label': 'Training readouts' },
          h('div', { class: 'readout-grid' },
            ro('nceTrue', 'I(X;Y)', '−½ log(1 − ρ²): the truth', 'nce-true'),
            ro('nceLogK', 'log K', 'InfoNCE can never pass it'),
            ro('nceNow', 'InfoNCE', 'on the last batch'),
            ro('nwjNow', 'NWJ', 'on the last batch'),
            ro('nwjExpected', 'E[NWJ]', 'the NWJ critic’s bound, exactly')),
          h('table', { class: 'nce-critics' },
            h('caption', { class: 'small' }, 'The critics f(x, y) = a·xy + b·x² + c·y² + d (nats)'),
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), ['a', 'b', 'c', 'd'].map((k) => h('th', { scope: 'col' }, k)))),
            this.criticTable))),
      formula(formulas.infonce),
      formula(formulas.nwj),
      formula(formulas.gauss, h('div', { class: 'math' }, mathml(formulas.critic))),
      h('p', { class: 'small' }, 'Every batch is fresh: K pairs drawn from the seed and the update’s number, so a link replays the same training. Each step moves a critic by 0.2 times its bound’s gradient on that batch (a step longer than 1 is shortened to 1). InfoNCE is the average log-probability of picking each xᵢ’s own yᵢ out of the K candidates, plus log K: it is at most log K on every batch, whatever the critic, so with K below exp I(X;Y) it cannot reach I(X;Y). NWJ has no cap and is unbiased, but exp f of the mismatched pairs is heavy-tailed: its batches scatter, and with a small K a batch can miss the tail altogether, so its critic may wander where its expected bound is −∞.'));
  }

  /** The training frame for the state (or the kept one when no training field nor the unit changed). */
  update(state, prev) {
    const changed = !prev || !this.t || prev.unit !== state.unit || TRAIN_FIELDS.some((k) => prev[k] !== state[k]);
    if (!changed) return false;
    this.t = this.view.ctx.klplay.mutualInformationTrain({ rho: state.rho, batch: state.batch, trainSeed: state.trainSeed, trainStep: state.trainStep, unit: state.unit });
    const { t } = this;
    this.rho.set(state.rho);
    if (document.activeElement !== this.kInput) this.kInput.value = String(state.batch);
    setText(this.seedOut, `seed ${state.trainSeed}`);
    for (const s of this.unitSpans) s.textContent = state.unit;
    const n = t.nce.length;
    this.values = {
      nceStep: state.trainStep, nceTrue: t.trueMI, nceLogK: t.logK,
      nceNow: n ? t.nce[n - 1] : NaN, nwjNow: n ? t.nwj[n - 1] : NaN, nwjExpected: t.expectedNWJ,
    };
    const c = t.critics;
    const nwjBest = { ...c.optimal, d: c.optimal.d + 1 };
    const rows = [['InfoNCE', c.nce], ['its optimum', c.optimal], ['NWJ', c.nwj], ['its optimum', nwjBest]];
    if (!this.criticTable.firstChild) {
      this.criticCells = rows.map(([name]) => {
        const tds = ['a', 'b', 'c', 'd'].map(() => h('td'));
        this.criticTable.append(h('tr', {}, h('th', { scope: 'row' }, name), tds));
        return tds;
      });
    }
    rows.forEach(([, v], i) => ['a', 'b', 'c', 'd'].forEach((k, j) => {
      // InfoNCE cannot see b or d: any value is as good.
      const text = i < 2 && (k === 'b' || k === 'd') ? 'any' : fixed(v[k], 2);
      if (this.criticCells[i][j].textContent !== text) this.criticCells[i][j].textContent = text;
    }));
    return true;
  }

  /** The chart: x the update, y the estimates; the true I and log K as labelled lines. */
  draw(f) {
    const { t, view } = this;
    if (!t) return;
    const unit = view.state.unit;
    const top = Math.max(t.trueMI, t.logK) * 1.12 + 0.05;
    const lo = -0.3 * top;
    const x = scaleLinear().domain([0, this.STEP.max]).range([0, f.innerWidth]);
    const y = scaleLinear().domain([lo, top]).range([f.innerHeight, 0]);
    traceAxes(f, x, y, { yTicks: 5, yFormat: format('.2~f'), xName: 'update', unit });
    const clip = (v) => y(Math.max(lo, Math.min(top, v)));
    // NWJ's batches as dots (they scatter too far for a line to be read); its
    // expectation as a line with gaps where it is −∞ or off the chart; InfoNCE on top.
    const nwj = f.plot.selectAll('g.nce-nwj').data([0]).join('g').attr('class', 'nce-nwj').attr('data-values', Array.from(t.nwj).join(','));
    nwj.selectAll('circle').data(t.nwj).join('circle').attr('r', 1.7).attr('cx', (_, i) => x(i + 1)).attr('cy', clip);
    const series = [
      { key: 'nwj-mean', values: t.nwjMean, path: line().defined((v) => v >= lo).x((_, i) => x(i + 1)).y(clip) },
      { key: 'nce', values: t.nce, path: line().x((_, i) => x(i + 1)).y(clip) },
    ];
    f.plot.selectAll('path.nce-series').data(series, (d) => d.key).join('path')
      .attr('class', (d) => `nce-series nce-${d.key}`)
      .attr('d', (d) => (d.values.length ? d.path(d.values) : null))
      .attr('data-values', (d) => Array.from(d.values).join(','));
    const lines = [
      { key: 'true', v: t.trueMI, text: 'I(X;Y)' },
      { key: 'logk', v: t.logK, text: 'log K' },
    ];
    f.plot.selectAll('line.nce-level').data(lines, (d) => d.key).join('line')
      .attr('class', (d) => `nce-level nce-level-${d.key}`).attr('data-value', (d) => d.v)
      .attr('x1', 0).attr('x2', f.innerWidth).attr('y1', (d) => y(d.v)).attr('y2', (d) => y(d.v));
    // The labels sit in the right margin at their lines' heights, where no data
    // is drawn, pushed apart when I(X;Y) and log K are close.
    const [a, b] = lines.map((d) => y(d.v));
    const gap = 15; // px: a label line at 11.5 px is 14 px tall
    let ya = a, yb = b;
    if (Math.abs(a - b) < gap) {
      const mid = (a + b) / 2, s = a <= b ? -1 : 1;
      ya = mid + (s * gap) / 2;
      yb = mid - (s * gap) / 2;
    }
    lines[0].ly = ya;
    lines[1].ly = yb;
    f.plot.selectAll('text.nce-level-label').data(lines, (d) => d.key).join('text')
      .attr('class', (d) => `nce-level-label nce-label-${d.key}`)
      .attr('x', f.innerWidth + 6).attr('y', (d) => d.ly + 4).text((d) => d.text);
    f.plot.selectAll('text.empty').data(t.nce.length ? [] : [0]).join('text').attr('class', 'empty').attr('text-anchor', 'middle')
      .attr('x', f.innerWidth / 2).attr('y', y(lo / 2) + 4).text('Press Play to train the critics');
    // Batches off the chart (NWJ's e^f can be enormous): say how many and how far.
    const below = Array.from(t.nwj).filter((v) => v < lo);
    const text = below.length
      ? `${below.length} NWJ batch${below.length === 1 ? '' : 'es'} fell below the chart (the lowest at ${fixed(Math.min(...below), 1)} ${unit}), drawn at its bottom edge.`
      : '';
    if (this.offNote.textContent !== text) this.offNote.textContent = text;
  }

  speak() {
    const { t } = this;
    if (!t) return '';
    const u = this.view.state.unit;
    const n = t.nce.length;
    return n ? ` Training: update ${n}, InfoNCE ${number(t.nce[n - 1])}, NWJ ${number(t.nwj[n - 1])}, true I ${number(t.trueMI)} ${u}, log K ${number(t.logK)}.` : '';
  }
}
