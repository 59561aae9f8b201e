// Tiny DOM helpers. Text always goes in through textContent (never innerHTML), so
// reader- or URL-supplied strings can never become markup.

/**
 * h('button', {class: 'x', onclick: fn, 'aria-label': 'y'}, 'text', child…)
 * Attributes whose value is false/null/undefined are skipped; on* functions
 * become event listeners; strings and numbers among children become text nodes.
 */
export function h(tag, attrs = {}, ...children) {
  const svg = tag.startsWith('svg:');
  const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === false || v == null) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Parses a build-time MathML string (never reader input) into a node. */
export function mathml(markup) {
  const t = document.createElement('template');
  t.innerHTML = markup; // build-time constant from Temml, see web/build.mjs
  return t.content.firstElementChild;
}

/**
 * Sets el's text, and its data-value when `value` is given, writing only what
 * differs: the browser restyles and relays out for a write of the same text.
 */
export function setText(el, text, value) {
  if (el.textContent !== text) el.textContent = text;
  if (value !== undefined && el.dataset.value !== value) el.dataset.value = value;
}

let uid = 0;
/** A page-unique id with a readable prefix. */
export function uniqueId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** Calls fn after `ms` of quiet; .flush() runs a pending call now, .cancel() drops it. */
export function debounce(fn, ms) {
  let timer = null;
  let args = null;
  const run = () => { timer = null; const a = args; args = null; fn(...a); };
  const d = (...a) => { args = a; clearTimeout(timer); timer = setTimeout(run, ms); };
  d.flush = () => { if (timer !== null) { clearTimeout(timer); run(); } };
  d.cancel = () => { clearTimeout(timer); timer = null; args = null; };
  return d;
}

/** True when the reader asked for less motion (re-read on every call: it can change). */
export function reducedMotion() {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}
