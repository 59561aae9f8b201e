// The VAE lab: a variational autoencoder on 2-D toy data, trained in the
// browser by the Go core (klplay.vaeLab keeps the model between calls). Each
// animation frame makes one call that takes a few minibatch steps and returns
// the terms, the new per-epoch trace points, the codes and reconstructions of a
// subsample, and the decoder's image of the prior. Plots: the data and their
// reconstructions, the codes over the prior N(0, I), the traces of ELBO,
// reconstruction and KL, and the identity ELBO = recon − KL as a bar.
import { scaleLinear } from 'd3-scale';
import { axisBottom, axisLeft } from 'd3-axis';
import { line, area } from 'd3-shape';
import { path as d3path } from 'd3-path';
import { bin, max, min } from 'd3-array';
import { format } from 'd3-format';
import { h, uniqueId } from '../../lib/dom.js';
import { LabView, defineLab, formula, labHead, presetChips, prose, segmented, toolbar } from '../../lib/lab.js';
import { waterfall } from '../../lib/waterfall.js';
import { dotLayer } from '../../lib/chart.js';
import { number } from '../../lib/format.js';
import { transport, fieldSlider, intInput } from '../../lib/controls.js';
import { Player } from '../../lib/player.js';
import formulas from './formulas.tex';
import labInfo from '../../../core/session/labs/vae.json';

const { fields: schema } = labInfo;
const field = (name) => schema.find((f) => f.name === name);
const SHOW = 200; // points whose codes and reconstructions are drawn
const FRAME_BUDGET = 3; // ms of Go per animation frame; the steps per frame adapt to it
const REDUCED_EPOCHS = 25; // with reduced motion, Play trains this many epochs at once
const MAX_TRACE = 5000;
const DRAW_POINTS = 400;
const COMPONENT = ['#e69f00', '#56b4e9', '#009e73', '#cc79a7', '#0072b2'];
const STRUCTURE = ['data', 'n', 'noise', 'seed', 'latent', 'arch'];

const PRESETS = [
  { label: 'β = 1', about: 'the ELBO itself: reconstruction and KL in balance', st: { beta: 1 } },
  { label: 'β = 20 (collapse)', about: 'a heavy KL penalty: q(z|x) falls back to the prior and the reconstructions to the data mean', st: { beta: 20 } },
];
const TRACES = [
  { key: 'elbo', name: 'ELBO', cls: 'tr-elbo', panel: 'bound' },
  { key: 'recon', name: 'reconstruction', cls: 'tr-recon', panel: 'bound' },
  { key: 'kl', name: 'KL', cls: 'tr-kl', panel: 'kl' },
  { key: 'betaKl', name: 'β·KL', cls: 'tr-betakl', panel: 'kl' },
];
const fmt = format('~g');

class View extends LabView {
  constructor(el, ctx) {
    super(el, ctx, { delay: 800 });
    this.first = true;
    this.stepsPerFrame = 4;
    this.trace = null;
    this.data = null;
    this.player = new Player(el, {
      tick: () => this.ctx.refresh({ steps: this.stepsPerFrame, run: true }),
      step: () => this.ctx.refresh({ epochs: 1 }),
      reset: () => this.ctx.refresh({ reset: true }),
      reduced: () => this.ctx.refresh({ epochs: REDUCED_EPOCHS }),
    });
    this.build();
  }

  // ---- DOM ------------------------------------------------------------------

  build() {
    const { el } = this;
    const { out } = this.readouts;
    const radios = (name, values, legend) => {
      const choice = segmented({ name: `vae-${name}`, legend, choose: (v) => this.set({ [name]: v }), options: values.map(([value, label]) => ({ value, label })) });
      (this.choices ??= {})[name] = choice;
      return choice.el;
    };
    const int = (name, label) => {
      const input = intInput(field(name), { id: `vae-${name}`, cls: 'vae-int', current: () => this.ctx.state()[name], onValue: (v) => this.set({ [name]: v }) });
      (this.ints ??= {})[name] = input;
      return h('label', { class: 'field', for: input.id }, h('span', { class: 'toolbar-label' }, label), input);
    };
    const logSlider = (name, label, hint) => {
      const sl = fieldSlider(field(name), { log: true, label, boxLabel: `${label}, log₁₀`, step: 0.01, hint,
        onInput: (v) => this.set({ [name]: +(10 ** v).toPrecision(3) }) });
      sl.el.dataset.field = name;
      return sl;
    };

    this.presets = presetChips(PRESETS, (ps) => { this.set({ ...ps.st }); if (!this.player.playing) this.player.play(); }, (ps) => ({ 'data-preset': ps.st.beta }));

    el.append(
      labHead('vae', 'A small VAE', 'An encoder maps each point x to a Gaussian ', h('strong', { class: 'ink-q' }, 'q(z|x)'),
          ' in latent space, a decoder maps z back to a reconstruction x̂. Training maximises the ELBO: reconstruct well, but pay KL(q(z|x)‖N(0, I)) for every nat of information the code carries. Press Play and watch the two terms trade — then raise β.'),
      toolbar('vae', { presets: this.presets.buttons }),
    );

    // Transport and the identity.
    this.transport = transport({ player: this.player, label: 'Train the VAE', text: { step: 'Step (1 epoch)' } });
    this.epochOut = out('epoch');
    this.stepOut = out('step');
    this.barHost = h('div', { class: 'chart-host vae-bar-host' });
    this.speedNote = h('span', { class: 'small' }, '');
    this.dimsNote = h('p', { class: 'small vae-dims' }, '');
    this.runNote = h('p', { class: 'fig-note', 'aria-live': 'polite' }, '');
    el.append(h('section', { class: 'card vae-run', 'aria-labelledby': 'vae-run-h' },
      h('div', { class: 'vae-run-head' },
        h('h2', { id: 'vae-run-h' }, 'Training'),
        this.transport.el,
        h('span', { class: 'small vae-count' }, 'epoch ', this.epochOut, ' · step ', this.stepOut, ' ', this.speedNote)),
      h('div', { class: 'vae-run-body' },
        h('div', { class: 'readout-grid vae-terms' },
          h('div', { class: 'readout readout-recon' }, h('span', { class: 'readout-name', id: 'vae-ro-recon' }, 'reconstruction'),
            h('span', { class: 'readout-value' }, out('recon'), h('span', { class: 'unit' }, 'nats')), h('span', { class: 'readout-hint' }, 'E_q[log p(x|z)], per point')),
          h('div', { class: 'readout readout-kl' }, h('span', { class: 'readout-name', id: 'vae-ro-kl' }, 'KL(q(z|x)‖p(z))'),
            h('span', { class: 'readout-value' }, out('kl'), h('span', { class: 'unit' }, 'nats')), h('span', { class: 'readout-hint' }, 'per point, closed form')),
          h('div', { class: 'readout readout-elbo' }, h('span', { class: 'readout-name', id: 'vae-ro-elbo' }, 'ELBO'),
            h('span', { class: 'readout-value' }, out('elbo'), h('span', { class: 'unit' }, 'nats')), h('span', { class: 'readout-hint' }, 'reconstruction − KL')),
          h('div', { class: 'readout readout-beta' }, h('span', { class: 'readout-name', id: 'vae-ro-betaelbo' }, 'β-ELBO (the objective)'),
            h('span', { class: 'readout-value' }, out('betaElbo'), h('span', { class: 'unit' }, 'nats')), h('span', { class: 'readout-hint' }, 'reconstruction − β·KL = ', out('betaKl')))),
        h('figure', { class: 'vae-bar' }, this.barHost),
        this.dimsNote),
      this.runNote));

    // The two pictures.
    this.dataHost = h('div', { class: 'chart-host vae-square' });
    this.latentHost = h('div', { class: 'chart-host vae-square' });
    this.legendComp = h('span', {});
    el.append(h('div', { class: 'grid grid-mid' },
      h('figure', { class: 'card vae-data' },
        h('figcaption', {}, h('h2', {}, 'Data and reconstructions'),
          h('p', { class: 'legend' },
            h('span', {}, h('span', { class: 'dot-swatch', style: `background:${COMPONENT[0]}` }), h('span', { class: 'dot-swatch', style: `background:${COMPONENT[1]}` }), 'data x (by component)'),
            h('span', {}, h('span', { class: 'dot-swatch recon-swatch' }), 'reconstruction x̂(μ(x))'),
            h('span', {}, h('span', { class: 'line-swatch manifold-swatch' }), 'decoder’s image of the prior'))),
        this.dataHost,
        h('p', { class: 'fig-note', 'data-embed': 'text' }, `Each of ${SHOW} points is joined to its reconstruction, the decoder applied to its code μ(x). The thin lines are x̂(z) along lines of latent space: where the decoder sends the prior.`)),
      h('figure', { class: 'card vae-latent' },
        h('figcaption', {}, h('h2', {}, 'Codes in latent space'),
          h('p', { class: 'legend' },
            h('span', {}, h('span', { class: 'dot-swatch', style: `background:${COMPONENT[0]}` }), 'codes μ(x), coloured as the data'),
            h('span', {}, h('span', { class: 'line-swatch prior-swatch' }), 'prior N(0, I)'))),
        this.latentHost,
        this.latentNote = h('p', { class: 'fig-note' }, ''))));

    // Traces.
    this.boundHost = h('div', { class: 'chart-host small-chart' });
    this.klHost = h('div', { class: 'chart-host small-chart' });
    el.append(h('section', { class: 'card vae-traces', 'aria-labelledby': 'vae-traces-h' },
      h('h2', { id: 'vae-traces-h' }, 'The terms, epoch by epoch'),
      h('div', { class: 'grid grid-charts' },
        h('figure', { class: 'fig-trace' },
          h('figcaption', {}, h('h3', {}, 'ELBO and reconstruction'),
            h('p', { class: 'legend' }, TRACES.filter((t) => t.panel === 'bound').map((t) => h('span', {}, h('span', { class: `line-swatch ${t.cls}` }), t.name)))),
          this.boundHost),
        h('figure', { class: 'fig-trace' },
          h('figcaption', {}, h('h3', {}, 'KL to the prior'),
            this.klLegend = h('p', { class: 'legend' }, TRACES.filter((t) => t.panel === 'kl').map((t) => h('span', { 'data-trace': t.key }, h('span', { class: `line-swatch ${t.cls}` }), t.name)))),
          this.klHost))));

    // Settings.
    this.nSlider = fieldSlider(field('n'), { label: 'n', step: 50, hint: 'data points', onInput: (v, { final }) => { if (final) this.set({ n: Math.round(v) }); } });
    this.noiseSlider = fieldSlider(field('noise'), { label: 'noise', step: 0.01, hint: 'sd added to each coordinate',
      onInput: (v, { final }) => { if (final) this.set({ noise: v }); } });
    this.betaSlider = logSlider('beta', 'β', 'weight of the KL term (log scale)');
    this.lrSlider = logSlider('lr', 'learning rate', 'log scale');
    el.append(h('section', { class: 'card vae-settings', 'aria-labelledby': 'vae-settings-h', 'data-embed-group': 'settings' },
      h('h2', { id: 'vae-settings-h' }, 'The model and its training'),
      h('div', { class: 'vae-settings-grid' },
        h('div', { class: 'vae-group' },
          h('h3', {}, 'Data'),
          radios('data', [['moons', 'two moons'], ['rings', 'rings'], ['clusters', 'clusters']], 'Set'),
          this.nSlider.el, this.noiseSlider.el,
          int('seed', 'Seed')),
        h('div', { class: 'vae-group' },
          h('h3', {}, 'Model'),
          radios('latent', [[1, '1-D'], [2, '2-D']], 'Latent z'),
          radios('arch', [['linear', 'linear'], ['mlp', '16 tanh units']], 'Encoder and decoder'),
          this.betaSlider.el,
          h('p', { class: 'small' }, 'Decoder: p(x|z) = N(x̂(z), 0.3²·I), a fixed variance. Changing the data, the seed, the latent size or the architecture starts a new model; β, K, the optimiser and the learning rate apply from the next step.')),
        h('div', { class: 'vae-group' },
          h('h3', {}, 'Optimiser'),
          radios('optimizer', [['adam', 'Adam'], ['sgd', 'SGD']], 'Method'),
          this.lrSlider.el,
          int('samples', 'K (draws of z per point)'),
          h('p', { class: 'small' }, 'Minibatches of 50 points; one epoch is one pass over the data.')))));

    // Formulas and prose.
    el.append(h('div', { class: 'grid grid-mid' },
      h('section', { class: 'card formulas', 'aria-labelledby': 'vae-formulas-h', 'data-embed-group': 'formulas' },
        h('h2', { id: 'vae-formulas-h' }, 'The formulas, live'),
        formula(formulas.elbo, h('p', { class: 'formula-value identity' }, out('betaElbo'), ' = ', out('recon'), ' − ', h('span', { class: 'vae-beta-now' }, '1'), ' × ', out('kl'))),
        formula(formulas.kl),
        formula(formulas.recon)),
      prose('vae', 'What you are looking at',
        'The ELBO has two terms pulling against each other. The reconstruction term rewards codes that tell the decoder where x was; the KL term charges for every way q(z|x) differs from the prior N(0, I) — for every nat the code carries about x. At β = 1 the codes spread out until each extra nat of KL no longer buys a nat of reconstruction, and the points find their places on the decoder’s curve or sheet.',
        'Raise β and information gets expensive. Past a point (here about 1/s² ≈ 11 for data of unit variance) no code is worth its price: the encoder answers N(0, I) whatever x is, the KL falls to zero, the decoder learns to ignore z and returns the data mean — every reconstruction collapses to the centre. This is posterior collapse, and the traces show the moment it happens.',
        'The reconstruction term is estimated with one fixed draw of z per point, so the trace moves only when the model does; the KL is exact. With K draws per point the gradient is less noisy, not the bound different.')));

    el.append(this.readouts.live);

    const sq = (w) => Math.round(Math.max(260, Math.min(440, w)));
    this.dataChart = this.frame(this.dataHost, { height: sq, margin: { top: 10, right: 12, bottom: 30, left: 36 }, label: 'The data, their reconstructions and the decoder’s image of the prior', draw: (f) => this.drawData(f),
      csv: () => {
        const { r, data } = this;
        const m = r && data ? r.recon.length / 2 : 0;
        return { columns: ['point', 'component', 'x₁', 'x₂', 'x̂₁', 'x̂₂'], rows: Array.from({ length: m }, (_, i) => [i + 1, data.labels[i], data.xy[2 * i], data.xy[2 * i + 1], r.recon[2 * i], r.recon[2 * i + 1]]) };
      } });
    this.latentChart = this.frame(this.latentHost, { height: sq, margin: { top: 10, right: 12, bottom: 30, left: 36 }, label: 'The codes μ(x) over the prior N(0, I)', draw: (f) => this.drawLatent(f),
      csv: () => {
        const L = this.state.latent;
        const codes = this.r?.codes ?? [];
        return { columns: ['point', ...Array.from({ length: L }, (_, k) => `μ(x) z${k + 1}`)], rows: Array.from({ length: codes.length / L }, (_, i) => [i + 1, ...Array.from({ length: L }, (_, k) => codes[i * L + k])]) };
      } });
    this.bar = this.frame(this.barHost, { height: 150, margin: { top: 6, right: 14, bottom: 26, left: 110 }, label: 'The identity as bars: reconstruction minus KL is the ELBO', draw: (f) => this.drawBar(f),
      csv: () => { const t = this.r?.terms; return { columns: ['term', 'value (nats)'], rows: t ? [['reconstruction', t.recon], ['KL', t.kl], ['ELBO', t.elbo], ['β·KL', t.betaKl], ['β-ELBO', t.betaElbo]] : [] }; } });
    this.boundChart = this.frame(this.boundHost, { height: 200, margin: { top: 10, right: 12, bottom: 30, left: 48 }, label: 'ELBO and reconstruction against the epoch', draw: (f) => this.drawTrace(f, 'bound'), csv: () => this.traceCSV('bound') });
    this.klChart = this.frame(this.klHost, { height: 200, margin: { top: 10, right: 12, bottom: 30, left: 48 }, label: 'KL to the prior against the epoch', draw: (f) => this.drawTrace(f, 'kl'), csv: () => this.traceCSV('kl') });
  }

  // ---- update ---------------------------------------------------------------

  update(state, info = {}) {
    const prev = this.state;
    const run = info.run && this.player.playing;
    const steps = info.run && !this.player.playing ? 0 : Math.min(info.steps ?? 0, 2000);
    let r;
    const t0 = performance.now();
    try {
      r = this.ctx.klplay.vaeLab(state,
        { reset: !!info.reset, steps, epochs: info.epochs ?? 0, show: SHOW, history: this.first });
    } catch (err) {
      this.player.pause();
      if (err.code === 'out-of-range' && /diverged/.test(err.message)) {
        this.runNote.textContent = 'Training diverged: a gradient overflowed. Lower the learning rate; the model was reset.';
        this.ctx.refresh({ reset: true });
        return;
      }
      this.ctx.notify(`Those settings cannot be computed: ${err.message}. Back to the defaults.`);
      this.ctx.set(this.ctx.defaults(), { reset: true });
      return;
    }
    const dt = performance.now() - t0;
    this.first = false;
    this.r = r;
    if (run && steps > 0) {
      // Keep each frame's Go call near the budget: more steps when they are cheap.
      const per = dt / steps;
      this.stepsPerFrame = Math.max(1, Math.min(200, Math.round(FRAME_BUDGET / Math.max(per, 0.005))));
    }
    if (r.data) {
      this.data = { xy: r.data, labels: r.labels, components: components(r.labels), key: STRUCTURE.map((k) => state[k]).join('|') };
      this.dataKey = null;
      this.trace = { epoch: [], recon: [], kl: [], elbo: [], betaKl: [] };
      if (r.built && !info.reset && prev) this.runNote.textContent = '';
    }
    if (info.reset) this.runNote.textContent = '';
    const tr = this.trace;
    const t = r.trace;
    for (let i = 0; i < t.epoch.length; i++) {
      tr.epoch.push(t.epoch[i]);
      tr.recon.push(t.recon[i]);
      tr.kl.push(t.kl[i]);
      tr.elbo.push(t.elbo[i]);
      tr.betaKl.push(state.beta * t.kl[i]);
    }
    if (tr.epoch.length > MAX_TRACE) for (const k of Object.keys(tr)) tr[k].splice(0, tr[k].length - MAX_TRACE);
    this.state = state;

    // Controls.
    for (const [name, choice] of Object.entries(this.choices)) choice.set(state[name]);
    for (const [name, input] of Object.entries(this.ints)) if (document.activeElement !== input) input.value = String(state[name]);
    this.nSlider.set(state.n);
    this.noiseSlider.set(state.noise);
    this.betaSlider.set(Math.log10(state.beta));
    if (document.activeElement !== this.betaSlider.box) this.betaSlider.box.value = String(state.beta);
    this.lrSlider.set(Math.log10(state.lr));
    if (document.activeElement !== this.lrSlider.box) this.lrSlider.box.value = String(state.lr);
    this.presets.mark((ps) => state.beta === ps.st.beta);

    // Readouts.
    const tm = r.terms;
    const values = { ...tm, epoch: r.epoch, step: r.step };
    this.readouts.set(values, (v, key) => number(v, { digits: key === 'epoch' || key === 'step' ? 0 : 4 }));
    for (const n of this.el.querySelectorAll('.vae-beta-now')) n.textContent = number(state.beta, { digits: 2 }).replace(/\.?0+$/, '');
    this.speedNote.textContent = this.player.playing ? `(${this.stepsPerFrame} steps a frame)` : '';
    const dims = Array.from(tm.klDims);
    this.dimsNote.textContent = dims.length > 1
      ? `KL by latent dimension: z₁ ${number(dims[0], { digits: 3 })}, z₂ ${number(dims[1], { digits: 3 })} nats. A dimension near 0 is unused: its code is the prior whatever x is.`
      : `One latent dimension: all ${number(dims[0], { digits: 3 })} nats of KL go through z₁.`;
    const collapsed = tm.kl < 0.05 && r.epoch > 0;
    this.latentNote.textContent = collapsed
      ? 'Collapsed: every code sits at the origin with q(z|x) ≈ N(0, I), so z says nothing about x.'
      : (state.latent === 2 ? 'Circles: the prior’s 1, 2 and 3 standard-deviation contours.' : 'The curve is the prior’s density; the bars the histogram of the codes; below, the codes themselves.');
    this.klLegend.querySelector('[data-trace="betaKl"]').hidden = state.beta === 1;

    for (const c of [this.dataChart, this.latentChart, this.bar, this.boundChart, this.klChart]) { c.ready = true; c.redraw(); }
    if (prev !== null) this.readouts.announce();
  }

  speak() {
    const t = this.r?.terms;
    if (!t) return;
    return `Epoch ${this.r.epoch}: ELBO ${number(t.elbo, { digits: 3 })} nats = reconstruction ${number(t.recon, { digits: 3 })} minus KL ${number(t.kl, { digits: 3 })}.`;
  }

  // ---- charts ---------------------------------------------------------------

  squareScales(f, lim) {
    const side = Math.min(f.innerWidth, f.innerHeight);
    const x0 = (f.innerWidth - side) / 2;
    const x = scaleLinear().domain([-lim, lim]).range([x0, x0 + side]);
    const y = scaleLinear().domain([-lim, lim]).range([side, 0]);
    return { x, y, side, x0 };
  }

  axes(f, x, y, side, x0, names) {
    f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid').attr('transform', `translate(${x0},0)`)
      .call(axisLeft(y).ticks(5).tickSize(-side).tickFormat(fmt)).call((g) => g.select('.domain').remove());
    f.plot.selectAll('g.axis').data([0]).join('g').attr('class', 'axis').attr('transform', `translate(0,${side})`)
      .call(axisBottom(x).ticks(5).tickFormat(fmt));
    f.plot.selectAll('text.axis-name').data(names).join('text').attr('class', 'axis-unit axis-name').attr('text-anchor', 'end')
      .attr('x', (d, i) => (i === 0 ? x0 + side : x0 + 14)).attr('y', (d, i) => (i === 0 ? side + 27 : 10)).text((d) => d);
  }

  drawData(f) {
    const { r, data } = this;
    if (!r || !data) return;
    const { x, y, side, x0 } = this.squareScales(f, 2.8);
    const key = `${data.key}|${f.innerWidth}|${f.innerHeight}`;
    if (key !== this.dataKey) {
      this.dataKey = key;
      this.axes(f, x, y, side, x0, ['x₁', 'x₂']);
      const pts = Array.from(data.labels, (l, i) => i);
      f.plot.selectAll('g.data-layer').data([0]).join('g').attr('class', 'data-layer')
        .selectAll('circle').data(pts).join('circle').attr('r', 2.2)
        .attr('cx', (i) => x(data.xy[2 * i])).attr('cy', (i) => y(data.xy[2 * i + 1])).attr('fill', (i) => COMPONENT[data.labels[i]]);
    }
    const m = r.recon.length / 2;
    const p = d3path();
    for (let i = 0; i < m; i++) {
      p.moveTo(x(data.xy[2 * i]), y(data.xy[2 * i + 1]));
      p.lineTo(x(r.recon[2 * i]), y(r.recon[2 * i + 1]));
    }
    f.plot.selectAll('path.recon-links').data([0]).join('path').attr('class', 'recon-links').attr('d', p.toString());
    const { xy, lines, per } = r.manifold;
    const mline = line().x((k) => x(k[0])).y((k) => y(k[1]));
    const lim = (v) => Math.max(-6, Math.min(6, v));
    const paths = Array.from({ length: lines }, (_, l) => mline(Array.from({ length: per }, (_, k) => [lim(xy[2 * (l * per + k)]), lim(xy[2 * (l * per + k) + 1])])));
    f.plot.selectAll('path.manifold').data(paths).join('path').attr('class', (d, l) => `manifold${lines > 1 && (l % 5) === 2 ? ' axis-line' : ''}`).attr('d', (d) => d);
    this.reconLayer ??= dotLayer(f);
    const dots = this.reconLayer;
    dots.draw(m, { x: (i) => x(r.recon[2 * i]), y: (i) => y(r.recon[2 * i + 1]), r: 2.4, fill: dots.colour('var(--q)'), stroke: dots.colour('var(--card)'), strokeWidth: 0.6 });
    f.defs.selectAll('clipPath').data([0]).join('clipPath').attr('id', this.clip ??= uniqueId('vae-clip'))
      .selectAll('rect').data([0]).join('rect').attr('x', x0).attr('y', 0).attr('width', side).attr('height', side);
    f.plot.selectAll('path.manifold, path.recon-links').attr('clip-path', `url(#${this.clip})`);
  }

  drawLatent(f) {
    const { r, data, state } = this;
    if (!r || !data) return;
    const L = state.latent;
    const m = r.codes.length / L;
    if (L === 2) {
      let lim = 3.5;
      for (const v of r.codes) lim = Math.max(lim, Math.min(12, Math.abs(v) * 1.05));
      const { x, y, side, x0 } = this.squareScales(f, lim);
      const key = `2|${lim}|${f.innerWidth}|${f.innerHeight}`;
      if (key !== this.latentKey) {
        this.latentKey = key;
        f.plot.selectAll('rect.hist, path.prior-curve, g.yaxis').remove();
        this.axes(f, x, y, side, x0, ['z₁', 'z₂']);
        const k = (x(1) - x(0));
        f.plot.selectAll('circle.prior-ring').data([3, 2, 1]).join('circle').attr('class', 'prior-ring')
          .attr('cx', x(0)).attr('cy', y(0)).attr('r', (d) => d * k).attr('fill-opacity', (d) => 0.05 + 0.05 * (3 - d));
      }
      this.drawCodes(f, m, data, (i) => x(r.codes[2 * i]), (i) => y(r.codes[2 * i + 1]));
      return;
    }
    if (this.latentKey?.startsWith('2|')) f.plot.selectAll('circle.prior-ring, g.grid').remove();
    this.latentKey = '1';
    let lim = 4;
    for (const v of r.codes) lim = Math.max(lim, Math.min(12, Math.abs(v) * 1.05));
    const x = scaleLinear().domain([-lim, lim]).range([0, f.innerWidth]);
    const stripH = Math.min(70, f.innerHeight * 0.28);
    const top = f.innerHeight - stripH - 8;
    const bins = bin().domain([-lim, lim]).thresholds(40)(Array.from(r.codes));
    const width = (2 * lim) / 40;
    const dens = bins.map((b) => b.length / (m * width));
    const peak = Math.max(0.45, Math.min(4, max(dens) ?? 0));
    const y = scaleLinear().domain([0, peak * 1.08]).range([top, 0]);
    f.plot.selectAll('g.axis').data([0]).join('g').attr('class', 'axis').attr('transform', `translate(0,${f.innerHeight})`)
      .call(axisBottom(x).ticks(6).tickFormat(fmt));
    f.plot.selectAll('g.yaxis').data([0]).join('g').attr('class', 'axis yaxis').call(axisLeft(y).ticks(4).tickFormat(fmt));
    f.plot.selectAll('text.axis-name').data(['z']).join('text').attr('class', 'axis-unit axis-name').attr('text-anchor', 'end')
      .attr('x', f.innerWidth).attr('y', f.innerHeight + 27).text((d) => d);
    f.plot.selectAll('rect.hist').data(bins).join('rect').attr('class', 'hist')
      .attr('x', (b) => x(b.x0) + 0.5).attr('width', (b) => Math.max(0, x(b.x1) - x(b.x0) - 1))
      .attr('y', (b, i) => y(Math.min(peak * 1.08, dens[i]))).attr('height', (b, i) => top - y(Math.min(peak * 1.08, dens[i])));
    const zs = Array.from({ length: 121 }, (_, i) => -lim + (2 * lim * i) / 120);
    const prior = area().x((z) => x(z)).y0(top).y1((z) => y(Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)));
    f.plot.selectAll('path.prior-curve').data([0]).join('path').attr('class', 'prior-curve').attr('d', prior(zs));
    const rows = data.components;
    this.drawCodes(f, m, data, (i) => x(r.codes[i]),
      (i) => top + 8 + ((data.labels[i] + 0.5) / rows) * stripH + (((i * 7919) % 13) / 13 - 0.5) * (stripH / rows) * 0.6);
  }

  /** The code dots, coloured as the data: on a canvas over the chart, since they move every epoch. */
  drawCodes(f, m, data, x, y) {
    this.codeLayer ??= dotLayer(f);
    const dots = this.codeLayer;
    dots.draw(m, { x, y, r: 2.5, fill: (i) => COMPONENT[data.labels[i]], stroke: dots.colour('var(--card)'), strokeWidth: 0.5 });
  }

  drawBar(f) {
    const t = this.r?.terms;
    if (!t) return;
    const beta = this.state.beta;
    const rows = [
      { k: 'recon', label: 'reconstruction', from: 0, to: t.recon, v: t.recon },
      { k: 'kl', label: '− KL', from: t.recon, to: t.elbo, v: -t.kl },
      { k: 'elbo', label: 'ELBO', from: 0, to: t.elbo, v: t.elbo },
    ];
    if (beta !== 1) rows.push({ k: 'betakl', label: `− β·KL (β = ${fmt(+beta.toPrecision(3))})`, from: t.recon, to: t.betaElbo, v: -t.betaKl });
    waterfall(f, rows, { tickFormat: fmt });
  }

  /** One panel's traces as a table: a row per epoch. */
  traceCSV(panel) {
    const tr = this.trace;
    const defs = TRACES.filter((d) => d.panel === panel);
    return { columns: ['epoch', ...defs.map((d) => `${d.name} (nats)`)], rows: tr ? Array.from(tr.epoch, (e, i) => [e, ...defs.map((d) => tr[d.key][i])]) : [] };
  }

  drawTrace(f, panel) {
    const tr = this.trace;
    if (!tr) return;
    const n = tr.epoch.length;
    const stride = Math.max(1, Math.ceil(n / DRAW_POINTS));
    const idx = [];
    for (let i = 0; i < n; i += stride) idx.push(i);
    if (n && idx[idx.length - 1] !== n - 1) idx.push(n - 1);
    const defs = TRACES.filter((d) => d.panel === panel && !(d.key === 'betaKl' && this.state.beta === 1));
    let lo = Infinity;
    let hi = -Infinity;
    for (const d of defs) for (const i of idx) { const v = tr[d.key][i]; if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }
    if (panel === 'kl') lo = 0;
    if (!Number.isFinite(lo)) { lo = -1; hi = 0; }
    if (hi - lo < 1e-6) { lo -= 0.5; hi += 0.5; }
    // Untrained models start far below: keep the recent part readable.
    if (panel === 'bound' && n > 4) {
      const recent = idx.filter((i) => i >= n / 4);
      const rlo = min(recent, (i) => Math.min(tr.elbo[i], tr.recon[i]));
      lo = Math.max(lo, rlo - 2 * Math.max(0.5, hi - rlo));
    }
    const x = scaleLinear().domain([0, Math.max(10, tr.epoch[n - 1] ?? 0)]).range([0, f.innerWidth]);
    const y = scaleLinear().domain([lo, hi]).range([f.innerHeight, 0]).nice(4);
    const [ylo, yhi] = y.domain();
    f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid')
      .call(axisLeft(y).ticks(4).tickSize(-f.innerWidth).tickFormat(fmt)).call((g) => g.select('.domain').remove());
    f.plot.selectAll('g.axis').data([0]).join('g').attr('class', 'axis').attr('transform', `translate(0,${f.innerHeight})`)
      .call(axisBottom(x).ticks(Math.max(3, Math.floor(f.innerWidth / 80))).tickFormat(fmt));
    f.plot.selectAll('text.axis-name').data([0]).join('text').attr('class', 'axis-unit axis-name').attr('text-anchor', 'end')
      .attr('x', f.innerWidth).attr('y', f.innerHeight + 27).text('epoch');
    const cl = (v) => Math.min(yhi, Math.max(ylo, v));
    f.plot.selectAll('path.trace').data(defs, (d) => d.key).join('path').attr('class', (d) => `trace ${d.cls}`)
      .attr('d', (d) => line().x((i) => x(tr.epoch[i])).y((i) => y(cl(tr[d.key][i])))(idx));
    f.plot.selectAll('circle.now').data(n ? defs : [], (d) => d.key).join('circle')
      .attr('class', (d) => `now ${d.cls}`).attr('r', 3).attr('cx', x(tr.epoch[n - 1])).attr('cy', (d) => y(cl(tr[d.key][n - 1])));
  }

}

function components(labels) {
  let k = 0;
  for (const l of labels) k = Math.max(k, l);
  return k + 1;
}

export default defineLab({
  id: 'vae',
  title: 'VAE',
  blurb: 'A small VAE trained in the browser: reconstruction against KL, and posterior collapse at large β',
  schema,
  View,
});
