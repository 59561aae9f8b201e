// HTML as text, for the build: html() has the signature of lib/dom.js's h(), so
// a view written against an `h` parameter makes nodes in the page and markup in
// web/build.mjs, which writes the start view into index.html. Text is escaped;
// on* handlers are dropped (the page's own view replaces this markup when its
// script runs); raw() passes build-time markup (Temml's MathML) through.

const VOID = new Set(['area', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const RAW = Symbol('markup');

const escText = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escAttr = (s) => escText(s).replace(/"/g, '&quot;');

/** Markup that html() inserts as it is. */
export function raw(markup) {
  return { [RAW]: markup };
}

/** html('a', {href: '#'}, 'text', child…): the element's markup, as raw(). */
export function html(tag, attrs = {}, ...children) {
  const name = tag.startsWith('svg:') ? tag.slice(4) : tag;
  let out = `<${name}`;
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === false || v == null || (k.startsWith('on') && typeof v === 'function')) continue;
    if (k === 'dataset') {
      for (const [dk, dv] of Object.entries(v)) out += ` data-${dk.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}="${escAttr(dv)}"`;
    } else {
      out += v === true ? ` ${k}` : ` ${k}="${escAttr(v)}"`;
    }
  }
  out += '>';
  if (VOID.has(name)) return raw(out);
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    out += c[RAW] ?? escText(c);
  }
  return raw(`${out}</${name}>`);
}

/** The text of markup made by html() or raw(). */
export function toString(node) {
  return node[RAW];
}
