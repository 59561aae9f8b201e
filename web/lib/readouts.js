// A lab's live numbers: <output> elements registered under a key (one key may
// show in several places), set together from one object of values, and a polite
// screen-reader summary spoken once the numbers have been still for a moment.
import { h, debounce, setText } from './dom.js';
import { number } from './format.js';

export class Readouts {
  /**
   * speak(): the summary to announce, or nothing to stay quiet; delay: the
   * quiet time in ms before it is spoken (so dragging does not chatter).
   */
  constructor({ speak, delay = 700 } = {}) {
    this.nodes = {};
    /** The aria-live region; the lab places it. */
    this.live = h('div', { class: 'sr-only', 'aria-live': 'polite', 'aria-atomic': 'true' });
    this.announce = debounce(() => {
      const text = speak?.();
      if (text) this.live.textContent = text;
    }, delay);
    // Bound, so a lab's build() can take them apart: const { keep, out } = this.readouts.
    /** Registers node under key and returns it. */
    this.keep = (key, node) => {
      (this.nodes[key] ??= []).push(node);
      return node;
    };
    /** A new <output data-readout=key> showing '—' until set. */
    this.out = (key, attrs = {}) => this.keep(key, h('output', { 'data-readout': key, ...attrs }, '—'));
  }

  /**
   * Shows values[key] (or values(key)) in every node kept under key: the text
   * from text(v, key), number(v) by default; the exact value in data-value, for
   * tests and copying.
   */
  set(values, text = (v) => number(v)) {
    const get = typeof values === 'function' ? values : (key) => values[key];
    for (const [key, nodes] of Object.entries(this.nodes)) {
      const v = get(key);
      const t = text(v, key);
      for (const node of nodes) setText(node, t, String(v));
    }
  }

  destroy() { this.announce.cancel(); }
}
