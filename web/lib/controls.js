// Small form controls shared by labs: a labelled range slider mirrored by a
// number input, number boxes for a schema's fields, and play/pause/step/reset
// buttons for animations. Bounds come from the lab's schema (core/session/labs),
// never from literals here or in a lab. Text goes in through h() (textContent),
// never markup.
import { h, uniqueId } from './dom.js';

/**
 * The {min, max} a control offers for a schema field: its range when the schema
 * gives one (a span inside [min, max]), else [min, max]; log10 of both when log.
 */
export function bounds(f, { log = false } = {}) {
  const [lo, hi] = f.range ?? [f.min, f.max];
  return log ? { min: Math.log10(lo), max: Math.log10(hi) } : { min: lo, max: hi };
}

/**
 * slider() for a schema field: min, max and the starting value from the schema;
 * with log: true the slider moves log10 of the value (onInput and set() then
 * speak log10 too). Other options go to slider().
 */
export function fieldSlider(f, { log = false, ...opts }) {
  const value = log ? Math.log10(f.default) : f.default;
  return slider({ label: f.name, value, ...bounds(f, { log }), ...opts });
}

/**
 * A number box for an integer field. A typed whole number inside the field's
 * bounds goes to onValue; anything else puts back current().
 */
export function intInput(f, { id, cls, current, onValue }) {
  return h('input', {
    type: 'number', id, class: cls, ...bounds(f), step: 1, inputmode: 'numeric',
    onchange: (e) => {
      const v = Math.round(Number(e.target.value));
      const { min, max } = bounds(f);
      if (e.target.value !== '' && v >= min && v <= max) onValue(v);
      else e.target.value = String(current());
    },
  });
}

/**
 * A labelled slider with a number box beside it. `onInput(v, {final})` is
 * called while dragging (final false) and on change/Enter (final true) with a
 * value clamped to [min, max]. Returns {el, input, box, set(v), setRange(min, max, step)}.
 * `label` may be a string or nodes; `hint` an optional small text under it;
 * `boxLabel` names the number box when the label alone would mislead (the box
 * shows log10, say).
 */
export function slider({ label, min, max, step, value, onInput, hint, boxLabel, cls = '' }) {
  const id = uniqueId('sl');
  const input = h('input', { type: 'range', id, min, max, step, value });
  const box = h('input', { type: 'number', class: 'slider-box', min, max, step: 'any', value, inputmode: 'decimal',
    'aria-label': boxLabel, 'aria-labelledby': boxLabel ? null : `${id}-l` });
  const clamp = (v) => Math.min(Number(input.max), Math.max(Number(input.min), v));
  input.addEventListener('input', () => { box.value = input.value; onInput(Number(input.value), { final: false }); });
  input.addEventListener('change', () => onInput(Number(input.value), { final: true }));
  box.addEventListener('change', () => {
    const v = Number(box.value);
    if (box.value === '' || !Number.isFinite(v)) { box.value = input.value; return; }
    onInput(clamp(v), { final: true });
  });
  const el = h('div', { class: `slider ${cls}` },
    h('label', { for: id, id: `${id}-l`, class: 'slider-label' }, label),
    input, box,
    hint ? h('span', { class: 'slider-hint' }, hint) : null);
  return {
    el, input, box,
    set(v) {
      if (document.activeElement !== input) input.value = String(v);
      if (document.activeElement !== box) box.value = String(+Number(v).toPrecision(6));
    },
    setRange(lo, hi, st) {
      input.min = lo; input.max = hi; if (st !== undefined) input.step = st;
      box.min = lo; box.max = hi;
    },
  };
}

/**
 * Play/pause, step and reset buttons driving a Player (lib/player.js), whose state
 * the play button then shows. The play button carries data-action="play"
 * (benchmarks click it) and toggles aria-pressed and its text. `text` and
 * `actions` ({play, step, reset}, any of them) rename the buttons (play's is the
 * word after ▶) and their data-action values, for a second transport on a page.
 */
export function transport({ player, label = 'Animation', text = {}, actions = {} }) {
  const words = { play: 'Play', step: 'Step', reset: 'Reset', ...text };
  const action = { play: 'play', step: 'step', reset: 'reset', ...actions };
  const play = h('button', { type: 'button', class: 'chip transport-play', 'data-action': action.play, 'aria-pressed': 'false', onclick: player.toggle }, `▶ ${words.play}`);
  const step = h('button', { type: 'button', class: 'chip', 'data-action': action.step, onclick: player.step }, words.step);
  const reset = h('button', { type: 'button', class: 'chip', 'data-action': action.reset, onclick: player.reset }, words.reset);
  const el = h('div', { class: 'transport', role: 'group', 'aria-label': label }, play, step, reset);
  player.onChange = (on) => {
    play.setAttribute('aria-pressed', String(on));
    play.textContent = on ? '❚❚ Pause' : `▶ ${words.play}`;
  };
  return { el, play, step, reset };
}
