// Exporting a chart: its SVG as a standalone file (the computed styles it needs
// inlined, so it renders the same without the page's style sheet), a PNG at 2×
// drawn from that SVG, and its data as CSV. chartFrame (chart.js) gives every
// chart a small menu for these; the Embed dialog uses chartPNG for its poster.
import { h, uniqueId } from './dom.js';

// Properties SVG rendering depends on. Inherited ones are written where they
// differ from the parent (or the element has the attribute, which may hold a
// var() the standalone file cannot resolve); the others where they are not initial.
const INHERITED = ['fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'stroke-dashoffset',
  'stroke-linecap', 'stroke-linejoin', 'font-family', 'font-size', 'font-weight', 'font-style', 'font-variant-numeric', 'letter-spacing',
  'text-anchor', 'dominant-baseline', 'paint-order', 'visibility', 'shape-rendering'];
const OWN = { opacity: '1', display: 'inline', 'stop-color': 'rgb(0, 0, 0)', 'stop-opacity': '1', 'mix-blend-mode': 'normal' };
// Attributes that only matter on the page.
const PAGE_ONLY = ['tabindex', 'class', 'pointer-events', 'role', 'aria-valuemin', 'aria-valuemax', 'aria-valuenow', 'aria-valuetext'];

/** The nearest opaque background behind `el` (the card the chart sits on), as a CSS colour. */
function backgroundOf(el) {
  for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
    const bg = getComputedStyle(n).backgroundColor;
    if (bg && bg !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(bg)) return bg;
  }
  return '#ffffff';
}

/**
 * The chart `svg` (an element on the page) as the text of a standalone SVG file:
 * every style it is drawn with resolved and inlined (CSS variables, classes,
 * fonts), a background rectangle in the colour behind it, and no page-only
 * attributes. `title` becomes its <title>.
 */
export function chartSVG(svg, { title } = {}) {
  const clone = svg.cloneNode(true);
  const src = [svg, ...svg.querySelectorAll('*')];
  const dst = [clone, ...clone.querySelectorAll('*')];
  const computed = new Map();
  src.forEach((el, i) => {
    const cs = getComputedStyle(el);
    computed.set(el, cs);
    const parent = i === 0 ? null : computed.get(el.parentNode);
    const d = dst[i];
    const decl = [];
    for (const p of INHERITED) {
      const v = cs.getPropertyValue(p);
      if (v && (!parent || d.hasAttribute(p) || parent.getPropertyValue(p) !== v)) decl.push(`${p}:${v}`);
    }
    for (const [p, initial] of Object.entries(OWN)) {
      const v = cs.getPropertyValue(p);
      if (v && (v !== initial || d.hasAttribute(p))) decl.push(`${p}:${v}`);
    }
    for (const a of PAGE_ONLY) d.removeAttribute(a);
    // A presentation attribute holding var(--…) would mean nothing in a file of its own; its value is in the style now.
    for (const a of [...d.attributes]) if (a.value.includes('var(') && (INHERITED.includes(a.name) || a.name in OWN)) d.removeAttribute(a.name);
    if (decl.length) d.setAttribute('style', decl.join(';'));
    else d.removeAttribute('style');
  });
  const ns = 'http://www.w3.org/2000/svg';
  clone.setAttribute('xmlns', ns);
  clone.removeAttribute('aria-label');
  const bg = document.createElementNS(ns, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', backgroundOf(svg.parentElement));
  clone.prepend(bg);
  const t = document.createElementNS(ns, 'title');
  t.textContent = title ?? svg.getAttribute('aria-label') ?? 'KL Playground chart';
  clone.prepend(t);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}\n`;
}

/** The chart as a PNG Blob at `scale`× its size on the page, drawn from chartSVG. */
export async function chartPNG(svg, { scale = 2, title } = {}) {
  const width = Number(svg.getAttribute('width')) || svg.clientWidth;
  const height = Number(svg.getAttribute('height')) || svg.clientHeight;
  const url = URL.createObjectURL(new Blob([chartSVG(svg, { title })], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const c = canvas.getContext('2d');
    c.scale(scale, scale);
    c.drawImage(img, 0, 0, width, height);
    return await new Promise((resolve, reject) => {
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the PNG'))), 'image/png');
    });
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** One CSV field: numbers at full precision (Infinity, -Infinity, NaN by name), text quoted when needed. */
export function csvField(v) {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v); // String() round-trips every double; ±Infinity as words
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v == null) return '';
  let s = String(v);
  // A spreadsheet would run text starting with = + - @ as a formula: a category
  // name comes from the URL, so it is kept as text.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** {columns, rows} as CSV text (RFC 4180: CRLF line ends, a header line). */
export function toCSV({ columns, rows }) {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(Array.from(row, csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Saves `blob` as a download called `name`. */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** A file name from a title: lowercase words joined by hyphens, at most 48 characters. */
export function slug(text) {
  return String(text ?? '').normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48).replace(/-+$/, '') || 'chart';
}

/** The file name stem for a chart in `host`: klplay-<lab>-<figure title>. */
function stemFor(host, label) {
  const lab = host.closest('section.lab')?.className.match(/\blab-([a-z0-9-]+)/)?.[1] ?? 'lab';
  const title = host.closest('figure, .card')?.querySelector('h2, h3')?.textContent || label;
  return `klplay-${lab}-${slug(title)}`;
}

/**
 * The export menu of one chart, placed in `host` (the chart's container): SVG,
 * PNG (2×) and, when `csv` is given, CSV of what the chart draws. `svg()` returns
 * the chart's <svg> element; `csv()` returns {columns, rows}. Returns {el, destroy}.
 */
export function exportMenu(host, { svg, label, csv }) {
  const menuId = uniqueId('export');
  const status = h('span', { class: 'sr-only', role: 'status' });
  const run = async (kind) => {
    const node = svg();
    const stem = stemFor(host, label);
    try {
      if (kind === 'svg') download(new Blob([chartSVG(node, { title: label })], { type: 'image/svg+xml' }), `${stem}.svg`);
      else if (kind === 'png') download(await chartPNG(node, { scale: 2, title: label }), `${stem}.png`);
      else download(new Blob([toCSV(csv())], { type: 'text/csv' }), `${stem}.csv`);
      status.textContent = `Saved ${stem}.${kind}`;
    } catch (err) {
      status.textContent = `Could not export: ${err?.message ?? err}`;
      console.warn('export failed', err);
    }
    details.open = false;
    summary.focus({ preventScroll: true });
  };
  const item = (kind, text, about) => h('button', { type: 'button', class: 'chart-export-item', 'data-export': kind, title: about, onclick: () => run(kind) }, text);
  const summary = h('summary', { class: 'chart-export-toggle', 'aria-label': `Export: ${label}`, title: 'Export this chart (SVG, PNG, CSV)' }, h('span', { 'aria-hidden': 'true' }, '⋯'));
  const menu = h('div', { class: 'chart-export-menu', id: menuId, role: 'group', 'aria-label': 'Export formats' },
    item('svg', 'SVG', 'The chart as a vector image'),
    item('png', 'PNG', 'The chart as a picture at twice its size'),
    csv ? item('csv', 'CSV', 'The numbers the chart draws, as a table') : null);
  const details = h('details', { class: 'chart-export' }, summary, menu);
  const outside = (e) => { if (!details.contains(e.target)) details.open = false; };
  details.addEventListener('toggle', () => {
    if (details.open) document.addEventListener('pointerdown', outside, true);
    else document.removeEventListener('pointerdown', outside, true);
  });
  details.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && details.open) { e.preventDefault(); e.stopPropagation(); details.open = false; summary.focus(); }
  });
  host.classList.add('has-export');
  host.append(details, status);
  return { el: details, destroy() { document.removeEventListener('pointerdown', outside, true); details.remove(); status.remove(); } };
}
