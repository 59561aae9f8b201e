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

const NS = 'http://www.w3.org/2000/svg';

/** A new SVG element with attributes. */
function el(name, attrs = {}, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) if (v != null) e.setAttribute(k, String(v));
  if (text != null) e.textContent = text;
  return e;
}

let measurer = null;
/** The width in pixels of `text` in the CSS font `font`. */
function textWidth(text, font) {
  measurer ??= document.createElement('canvas').getContext('2d');
  measurer.font = font;
  return measurer.measureText(text).width;
}

const fontOf = (cs, size = cs.fontSize, weight = cs.fontWeight) => `${weight} ${size} ${cs.fontFamily}`;

/** The first rgb()/rgba() colour in a CSS value (a gradient's), or null. */
const firstColour = (v) => v.match(/rgba?\([^)]*\)/)?.[0] ?? null;

/**
 * A legend entry's swatch drawn at (x, y) (its box 18 × 12) as SVG, from the
 * computed style of the page's swatch: an inline <svg class="swatch"> (its rect's
 * fill and stroke, or its path, a marker's shape), a line (a span with a top border: its colour, width and
 * dashes) or a patch or dot of colour (a span's background).
 */
function swatchMark(sw, x, y) {
  const g = el('g');
  if (sw instanceof SVGElement) {
    const rect = sw.querySelector('rect');
    const symbol = rect ? null : sw.querySelector('path'); // a class's marker (the Cross-entropy points' shapes)
    if (symbol) {
      const cs = getComputedStyle(symbol);
      g.append(el('path', { d: symbol.getAttribute('d'), transform: `translate(${x + 9},${y + 6}) scale(0.85)`, style: `fill:${cs.fill};stroke:${cs.stroke};stroke-width:${cs.strokeWidth}` }));
      return g;
    }
    const cs = getComputedStyle(rect ?? sw);
    const fill = cs.fill === 'none' ? null : cs.fill;
    const stroke = cs.stroke === 'none' ? null : cs.stroke;
    if (fill || stroke) {
      g.append(el('rect', { x: x + 1, y: y + 1, width: 16, height: 10, rx: 1.5, style: `fill:${fill ?? 'none'};stroke:${stroke ?? 'none'};stroke-width:${cs.strokeWidth};stroke-dasharray:${cs.strokeDasharray}` }));
      return g;
    }
    const line = firstColour(getComputedStyle(sw).backgroundImage); // a line drawn as a background (the sum's swatch)
    if (line) g.append(el('line', { x1: x + 1, x2: x + 17, y1: y + 6, y2: y + 6, style: `stroke:${line};stroke-width:2` }));
    return g;
  }
  const cs = getComputedStyle(sw);
  const bw = parseFloat(cs.borderTopWidth) || 0;
  if (bw > 0 && cs.borderTopStyle !== 'none') {
    const dash = cs.borderTopStyle === 'dashed' ? `${Math.max(4, 2 * bw)} 3` : cs.borderTopStyle === 'dotted' ? `${bw} ${bw}` : 'none';
    g.append(el('line', { x1: x, x2: x + 18, y1: y + 6, y2: y + 6, style: `stroke:${cs.borderTopColor};stroke-width:${bw};stroke-dasharray:${dash}` }));
    return g;
  }
  const bg = cs.backgroundColor && !/rgba\(.*,\s*0\)$/.test(cs.backgroundColor) ? cs.backgroundColor : firstColour(cs.backgroundImage);
  if (bg) {
    const round = parseFloat(cs.borderTopLeftRadius) >= parseFloat(cs.width) / 2;
    g.append(round ? el('circle', { cx: x + 9, cy: y + 6, r: 3.5, style: `fill:${bg}` }) : el('rect', { x: x + 2, y: y + 1, width: 14, height: 10, rx: 2, style: `fill:${bg}` }));
  }
  return g;
}

/**
 * The heading and legend of the figure `svg` sits in (outside a figure, the
 * heading before it in its card, and no legend; with no heading, `fallback`,
 * the chart's label), for a standalone file:
 * {heading (the h2's text nodes, <sub> marked), headingStyle, entries: [{swatch, text}], legendStyle},
 * or null with neither. Legend chips switched off (aria-pressed="false") and hidden entries are left out.
 */
function captionOf(svg, fallback) {
  const fig = svg.closest('figure');
  // Outside a figure, the heading is the last one of the chart's card before it.
  const before = (e) => e.compareDocumentPosition(svg) & Node.DOCUMENT_POSITION_FOLLOWING;
  const h2 = fig ? fig.querySelector('figcaption h2, figcaption h3') : [...(svg.closest('.card')?.querySelectorAll('h2, h3') ?? [])].filter(before).pop();
  if (!h2 && !fallback) return null;
  if (!h2) {
    // No heading on the page: the chart's own label, in the ink and weight of a heading.
    const cs = getComputedStyle(svg.parentElement);
    return { heading: [{ text: fallback }], headingStyle: { color: cs.color, fontFamily: cs.fontFamily, fontSize: '15px', fontWeight: '700' }, entries: [], legendStyle: cs };
  }
  const heading = [...h2.childNodes].map((n) => ({ text: n.textContent, sub: n.nodeName === 'SUB' })).filter((p) => p.text);
  const legend = fig?.querySelector('figcaption .legend');
  const entries = legend ? [...legend.children].filter((e) => !e.hidden && e.getAttribute('aria-pressed') !== 'false' && e.textContent.trim()).map((e) => ({
    swatch: e.querySelector('svg.swatch, [class*="swatch"], [class*="-key"]'),
    text: e.textContent.replace(/\s+/g, ' ').trim(),
  })) : [];
  return { heading, headingStyle: getComputedStyle(h2), entries, legendStyle: getComputedStyle(legend ?? h2) };
}

/**
 * The heading band of an exported chart `width` wide: the figure's title and
 * its legend entries (swatch and text, wrapped into rows), in the colours and
 * fonts the page shows them in. Returns {g, height}.
 */
function captionBand(cap, width) {
  const pad = 12;
  const g = el('g', { class: 'export-caption' });
  const hs = cap.headingStyle;
  const plain = cap.heading.map((p) => p.text).join('');
  const size = Math.min(16, parseFloat(hs.fontSize) || 16);
  const fit = Math.max(10, Math.min(size, (size * (width - 2 * pad)) / Math.max(1, textWidth(plain, fontOf(hs, `${size}px`)))));
  const title = el('text', { x: pad, y: pad + fit, style: `fill:${hs.color};font-family:${hs.fontFamily};font-size:${fit}px;font-weight:${hs.fontWeight}` });
  for (const p of cap.heading) title.append(el('tspan', p.sub ? { 'font-size': `${0.72 * fit}px`, 'baseline-shift': 'sub' } : {}, p.text));
  g.append(title);
  let y = pad + fit + 10;
  const ls = cap.legendStyle;
  const lsize = Math.min(13, parseFloat(ls.fontSize) || 13);
  const font = fontOf(ls, `${lsize}px`, 400);
  let x = pad;
  let rows = 0;
  for (const { swatch, text } of cap.entries) {
    const w = 18 + 6 + textWidth(text, font);
    if (rows === 0) rows = 1;
    else if (x + w > width - pad && x > pad) { x = pad; y += 18; rows += 1; }
    if (swatch) g.append(swatchMark(swatch, x, y));
    g.append(el('text', { x: x + (swatch ? 24 : 0), y: y + 10, style: `fill:${ls.color};font-family:${ls.fontFamily};font-size:${lsize}px` }, text));
    x += w + 16;
  }
  return { g, height: Math.ceil(y + (rows ? 18 : 0) + 4) };
}

/**
 * The chart `svg` (an element on the page) as the text of a standalone SVG file:
 * every style it is drawn with resolved and inlined (CSS variables, classes,
 * fonts), a background rectangle in the colour behind it, and no page-only
 * attributes. `title` becomes its <title>. With `caption` (the default) the
 * figure's heading and legend are drawn above the chart, so that the image
 * stands alone in a post. Returns {text, width, height}.
 */
function standalone(svg, { title, caption = true } = {}) {
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
  clone.setAttribute('xmlns', NS);
  clone.removeAttribute('aria-label');
  // Dots drawn on a canvas over the chart (chart.js dotLayer) go in as circles over it.
  for (const c of svg.parentElement.querySelectorAll(':scope > canvas.chart-dots')) clone.append(c.svgDots());
  const width = Number(svg.getAttribute('width')) || svg.clientWidth;
  let height = Number(svg.getAttribute('height')) || svg.clientHeight;
  const cap = caption ? captionOf(svg, svg.getAttribute('aria-label')) : null;
  if (cap) {
    // The chart moves down under the band; its own viewBox becomes that of the taller image.
    const band = captionBand(cap, width);
    const body = el('g', { transform: `translate(0,${band.height})` });
    body.append(...clone.childNodes);
    clone.append(band.g, body);
    height += band.height;
    clone.setAttribute('height', height);
    clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  }
  clone.prepend(el('rect', { width: '100%', height: '100%', fill: backgroundOf(svg.parentElement) }));
  clone.prepend(el('title', {}, title ?? svg.getAttribute('aria-label') ?? 'KL Playground chart'));
  return { text: `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}\n`, width, height };
}

/** The chart as the text of a standalone SVG file (see standalone; options {title, caption}). */
export function chartSVG(svg, opts) {
  return standalone(svg, opts).text;
}

/** The chart as a PNG Blob at `scale`× its size, drawn from the standalone SVG (caption included unless caption: false). */
export async function chartPNG(svg, { scale = 2, title, caption } = {}) {
  const { text, width, height } = standalone(svg, { title, caption });
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
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
