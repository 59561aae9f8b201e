// Number formatting for readouts and chart labels. Every readout also carries the
// exact value in data-value, so tests and copy-paste never depend on rounding.
import { format } from 'd3-format';
import { setText } from './dom.js';

const fixed4 = format('.4f');
const fixed3 = format('.3f');
const sci = format('.2e');
const superscript = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/** 0.1520, 0, ∞, 1.23 × 10⁻⁵, with a real minus sign. */
export function number(v, { digits = 4 } = {}) {
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  if (Number.isNaN(v)) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) {
    const [m, e] = sci(v).split('e');
    const exp = String(Number(e.replace('−', '-')));
    return `${m.replace('-', '−')} × 10${[...exp].map((c) => superscript[c]).join('')}`;
  }
  const s = digits === 3 ? fixed3(v) : digits === 4 ? fixed4(v) : format(`.${digits}f`)(v);
  return s.replace('-', '−');
}

/** Probabilities as the reader types them: up to 6 decimals, no trailing zeros. */
export function probability(v) {
  return String(Math.round(v * 1e6) / 1e6);
}

/** Puts a value into an <output> (text and exact data-value). */
export function setOutput(el, v, opts) {
  setText(el, number(v, opts), String(v));
}
