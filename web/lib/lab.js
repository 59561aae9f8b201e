// The lab skeleton every lab is built from: the module the shell loads
// (defineLab), a View base class holding what every view has (its element, the
// shell's ctx, the model's answer, its readouts, its charts), and the parts of
// the page every lab draws the same way: head, toolbar, preset chips, segmented
// choices, formula and prose cards. The data-embed marks are what an embed's
// ?show=… and text=0 select (lib/embed.js).
import { h, mathml } from './dom.js';
import { Readouts } from './readouts.js';
import { chartFrame } from './chart.js';

/**
 * The object lib/shell.js loads: {id, title, blurb, schema, check, mount,
 * update, destroy}, with one View (a LabView subclass) per mount.
 */
export function defineLab({ id, title, blurb, schema, check = (state) => ({ state, problems: [] }), View }) {
  let view = null;
  return {
    id, title, blurb, schema, check,
    mount(el, ctx) { view = new View(el, ctx); },
    update(state, info) { view.update(state, info); },
    destroy() { view?.destroy(); view = null; },
  };
}

export class LabView {
  /**
   * speak(): the readouts' screen-reader summary (see Readouts); delay: its quiet
   * time. Charts made by this.frame(), and this.player when there is one, are
   * destroyed with the view.
   */
  constructor(el, ctx, { delay } = {}) {
    this.el = el;
    this.ctx = ctx;
    this.state = null;
    this.r = null;
    this.charts = [];
    this.readouts = new Readouts({ speak: () => this.speak?.(), delay });
  }

  /** Merges patch into the lab's state; info (e.g. {animate: true}) reaches update(). */
  set(patch, info) { this.ctx.set({ ...this.ctx.state(), ...patch }, info); }

  /** chartFrame(host, opts) (lib/chart.js), destroyed with the view. */
  frame(host, opts) {
    const chart = chartFrame(host, opts);
    this.charts.push(chart);
    return chart;
  }

  destroy() {
    this.player?.destroy();
    this.readouts.destroy();
    for (const chart of this.charts) chart.destroy();
  }
}

/** True when two arrays hold the same values in the same order (a preset against the state, say). */
export function sameValues(a, b) {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The lab's title (h1#lab-title-<id>, which names the lab's region) and its lede, part of the text. */
export function labHead(id, title, ...lede) {
  return h('header', { class: 'lab-head' },
    h('h1', { id: `lab-title-${id}` }, title),
    h('p', { class: 'lede', 'data-embed': 'text' }, ...lede));
}

/**
 * One chip per preset ({label, about}); a click calls pick(preset). mark(isOn)
 * sets each chip's aria-pressed from isOn(preset, i).
 */
export function presetChips(presets, pick, attrs = () => ({})) {
  const buttons = presets.map((ps, i) => h('button', {
    type: 'button', class: 'chip', 'aria-pressed': 'false', title: ps.about, ...attrs(ps, i), onclick: () => pick(ps, i),
  }, ps.label));
  return {
    buttons,
    mark(isOn) {
      presets.forEach((ps, i) => {
        const on = String(Boolean(isOn(ps, i)));
        if (buttons[i].getAttribute('aria-pressed') !== on) buttons[i].setAttribute('aria-pressed', on);
      });
    },
  };
}

/**
 * The toolbar under the head: `lead` nodes first (a transport, say), then the
 * labelled group of preset chips when there are any, then the `settings` nodes.
 */
export function toolbar(id, { lead = [], presets = null, settings = [] }) {
  const labelId = `${id}-presets-label`;
  return h('div', { class: 'toolbar', 'data-embed-group': 'controls' }, lead,
    presets ? h('div', { class: 'presets', role: 'group', 'aria-labelledby': labelId, 'data-embed-group': 'presets' },
      h('span', { class: 'toolbar-label', id: labelId }, 'Presets'), presets) : null,
    settings.length ? h('div', { class: 'settings', 'data-embed-group': 'settings' }, settings) : null);
}

/**
 * A set of radio buttons drawn as one segmented control. options: [{value,
 * label, title}] (label defaults to the value); choose(value) runs on a change;
 * set(value) checks the option whose value is value. group names the control
 * for embeds; legend is visible unless hideLegend.
 */
export function segmented({ name, legend, options, choose, group, cls = '', hideLegend = false }) {
  const inputs = options.map((o) => h('input', {
    type: 'radio', name, value: o.value, id: `${name}-${o.value}`, onchange: () => choose(o.value),
  }));
  const el = h('fieldset', { class: `segmented ${cls}`.trim(), 'data-embed-group': group },
    h('legend', { class: hideLegend ? 'sr-only' : 'toolbar-label' }, legend),
    options.map((o, i) => h('span', { class: 'seg' }, inputs[i], h('label', { for: inputs[i].id, title: o.title }, o.label ?? o.value))));
  return {
    el, inputs,
    set(value) { for (const input of inputs) input.checked = input.value === String(value); },
  };
}

/** A displayed formula (build-time MathML) with whatever follows it (its value now, say). */
export function formula(markup, ...after) {
  return h('div', { class: 'formula' }, h('div', { class: 'math' }, mathml(markup)), ...after);
}

/** The explanatory card: a heading and paragraphs (strings or nodes), all of it text for embeds. */
export function prose(id, title, ...paragraphs) {
  const hid = `${id}-prose-h`;
  return h('section', { class: 'card prose', 'aria-labelledby': hid, 'data-embed': 'text' },
    h('h2', { id: hid }, title),
    paragraphs.map((p) => (p instanceof Node ? p : h('p', {}, p))));
}
