// The start view: the summary table of where KL appears, made live. One row per
// lab in the path's order, each with its KL in a formula, a thumbnail computed by
// the lab's own Go call on the state its link opens, and that link.
//
// The build computes the rows' numbers and thumbnails with the same wasm
// (rows.js firstView) and writes this view into index.html (startNodes on
// lib/markup.js), so the default link is drawn by the HTML alone; the numbers
// are in the page as JSON too, from which this view builds the same rows when
// its script runs. Once Go is ready it takes over one row per update, so that no
// frame waits for ten Go calls, and the first row's thumbnail moves (Q drifting
// towards P and back) unless the reader asked for less motion.
import { h, mathml } from '../../lib/dom.js';
import { LabView, defineLab } from '../../lib/lab.js';
import { serialise } from '../../lib/schema.js';
import { Player } from '../../lib/player.js';
import { path } from '../../path.js';
import { SIZE, rows, rowState } from './rows.js';
import formulas from './formulas.tex';

const byId = new Map(path.map((p) => [p.lab.id, p]));
const SVG = 'http://www.w3.org/2000/svg';

/** The build's first view ({id: {value, marks}}), or null when the page has none (a page built without it). */
function builtFirstView() {
  const el = document.getElementById('klplay-first-view');
  try { return el ? JSON.parse(el.textContent) : null; } catch { return null; }
}

/** Draws marks ([{el, attrs}]) into g, reusing its children and writing only the attributes that changed. */
function drawMarks(g, marks) {
  const kids = g.children;
  marks.forEach((m, i) => {
    let node = kids[i];
    if (!node || node.localName !== m.el) {
      node = document.createElementNS(SVG, m.el);
      g.insertBefore(node, kids[i] ?? null);
    }
    for (const [k, v] of Object.entries(m.attrs)) if (node.getAttribute(k) !== String(v)) node.setAttribute(k, v);
  });
  while (kids.length > marks.length) kids[marks.length].remove();
}

/**
 * The view's nodes, made with h and mathml: lib/dom.js's in the page, and
 * lib/markup.js's when the build writes the view into index.html. `first` (the
 * build's numbers, or null) fills the rows it covers (data-drawn="build");
 * onMotion is the moving thumbnail's Pause button. Returns {nodes, items}.
 */
export function startNodes(h, mathml, first, onMotion) {
  const items = rows.map((row) => {
    const { lab } = byId.get(row.id);
    const st = rowState(row);
    const built = first?.[row.id];
    const g = h('svg:g', {}, built ? built.marks.map((m) => h(`svg:${m.el}`, m.attrs)) : []);
    const svg = h('svg:svg', { class: 'thumb', viewBox: `0 0 ${SIZE.w} ${SIZE.h}`, width: SIZE.w, height: SIZE.h, role: 'img', 'aria-label': `${lab.title}: thumbnail` }, g);
    const value = h('span', { class: 'thumb-value', 'aria-live': row.animated ? 'off' : undefined }, built?.value ?? '');
    const motion = row.animated ? h('button', { type: 'button', class: 'chip start-motion', hidden: true, 'aria-label': 'Pause the moving thumbnail', onclick: onMotion }, 'Pause') : null;
    const href = `#${serialise(lab.schema, lab.id, st)}`;
    const tr = h('tr', { 'data-row': row.id, 'data-drawn': built ? 'build' : undefined },
      h('th', { scope: 'row' }, h('a', { class: 'start-lab', href }, row.context), h('span', { class: 'start-labname' }, lab.title)),
      h('td', { class: 'start-role' }, row.role),
      h('td', { class: 'start-formula' }, h('div', { class: 'math' }, mathml(formulas[row.formula]))),
      h('td', { class: 'start-thumb' }, h('a', { href, tabindex: '-1', 'aria-hidden': 'true' }, svg), value, motion));
    return { row, st, svg, g, value, tr, motion, href };
  });
  const first0 = byId.get(rows[0].id).lab;
  const nodes = [
    h('header', { class: 'lab-head start-head' },
      h('h1', { id: 'lab-title-start' }, 'KL divergence, everywhere'),
      h('p', { class: 'lede' }, 'One quantity, D', h('sub', {}, 'KL'), '(P‖Q), sits under the losses and constraints of machine learning: classification, maximum likelihood, variational inference, VAEs, reinforcement learning, GANs and the information bottleneck. Each row is a lab: where KL appears, a live picture, and a link.'),
      h('p', { class: 'start-here' }, h('strong', {}, 'New to KL? '), 'Start with ',
        h('a', { href: items[0].href, class: 'start-first' }, `the ${first0.title} lab`),
        ': drag two distributions and watch every term move. Each lab ends with a link to the next.')),
    h('div', { class: 'card start-card' },
      h('table', { class: 'start-table' },
        h('caption', { class: 'sr-only' }, 'Where KL divergence appears, one lab per row'),
        h('colgroup', {}, ['context', 'role', 'formula', 'thumb'].map((c) => h('col', { class: `c-${c}` }))),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Context'), h('th', { scope: 'col' }, 'Role of KL'), h('th', { scope: 'col' }, 'Formula'), h('th', { scope: 'col' }, 'Live'))),
        h('tbody', {}, items.map((it) => it.tr)))),
  ];
  return { nodes, items };
}

class StartView extends LabView {
  constructor(el, ctx) {
    super(el, ctx);
    this.t = 0;
    this.drawn = 0; // rows Go has drawn, in order
    this.first = ctx.klplay ? null : builtFirstView();
    const { nodes, items } = startNodes(h, mathml, this.first, () => this.player.toggle());
    this.items = items;
    this.motion = items[0].motion;
    el.append(...nodes);
    if (this.first) el.dataset.thumbs = 'built';
    this.player = new Player(this.items[0].svg, {
      tick: (dt) => { this.t += dt; this.ctx.refresh(); },
      reduced: () => {},
      interval: 1000 / 30,
      onChange: (on) => {
        this.motion.textContent = on ? 'Pause' : 'Play';
        this.motion.setAttribute('aria-label', `${on ? 'Pause' : 'Play'} the moving thumbnail`);
      },
    });
  }

  update() {
    const { klplay } = this.ctx;
    if (!klplay) return; // the build's numbers are on screen from the constructor
    const [first] = this.items;
    this.drawRow(first, this.t);
    if (this.drawn === 0) {
      this.drawn = 1;
      this.player.play();
      this.motion.hidden = !this.player.playing;
    }
    // One more thumbnail per update, asked for whether or not the first one plays
    // (it stops when scrolled away or paused); the shell folds both into one frame.
    if (this.drawn < this.items.length) {
      this.drawRow(this.items[this.drawn], 0);
      this.drawn += 1;
      if (this.drawn < this.items.length) requestAnimationFrame(() => this.ctx.refresh());
    }
    if (this.drawn === this.items.length) this.el.dataset.thumbs = 'drawn';
  }

  drawRow(it, t) {
    try {
      const r = it.row.compute(this.ctx.klplay, it.st, SIZE, t);
      it.value.textContent = r.value;
      drawMarks(it.g, r.marks);
      it.tr.dataset.drawn = 'true';
    } catch (err) {
      it.value.textContent = 'could not be drawn';
      console.warn(`klplay: the ${it.row.id} thumbnail failed:`, err);
    }
  }
}

export default defineLab({
  id: 'start',
  title: 'Start here',
  blurb: 'Where KL divergence appears in machine learning, one lab per row',
  schema: [],
  View: StartView,
});
