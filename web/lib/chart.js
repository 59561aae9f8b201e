// Chart plumbing shared by the labs: a responsive SVG frame drawn at its real
// pixel size (crisp text and lines, no viewBox scaling), a canvas layer for dots
// that move every frame, hatch patterns, and a transition helper that honours
// prefers-reduced-motion. Scales, axes and shapes come from d3; nothing here
// computes ticks or paths by hand. Every d3 selection of the page writes only what
// changed (selection.js, installed here).
import { select } from 'd3-selection';
import 'd3-transition';
import './selection.js';
import { axisBottom, axisLeft } from 'd3-axis';
import { format } from 'd3-format';
import { h, uniqueId, reducedMotion } from './dom.js';
import { exportMenu } from './export.js';

// Charts mounted but not measured yet. The first redraw of any of them measures
// them all, in one layout: measured one by one, each chart's read would force a
// layout after the writes of the chart drawn before it.
const unmeasured = new Set();

/**
 * An SVG chart inside `host` that re-measures itself. `draw(frame)` is called
 * with {svg, defs, plot, width, height, innerWidth, innerHeight, margin} on every
 * resize; call frame.redraw() after the data changes. Every chart gets an export
 * menu (SVG, PNG at 2×, and CSV when `csv` is given: a function returning
 * {columns: [names], rows: [[values], …]}, the numbers the chart draws).
 */
export function chartFrame(host, { height, margin, label, role = 'img', draw, csv }) {
  const svg = select(host).append('svg').attr('class', 'chart').attr('role', role).attr('aria-label', label);
  const defs = svg.append('defs');
  const plot = svg.append('g').attr('class', 'plot');
  const frame = { svg, defs, plot, margin, width: 0, height: 0, innerWidth: 0, innerHeight: 0 };
  // The host's width, kept by the ResizeObserver below: reading clientWidth on
  // every redraw would force a layout per chart per frame in an animation.
  let last = -1;
  const measure = () => { last = Math.floor(host.clientWidth); };
  unmeasured.add(measure);
  frame.redraw = (info = {}) => {
    if (last < 0) {
      for (const m of unmeasured) m();
      unmeasured.clear();
    }
    const width = Math.max(240, last);
    const hgt = typeof height === 'function' ? height(width) : height;
    Object.assign(frame, { width, height: hgt, innerWidth: width - margin.left - margin.right, innerHeight: hgt - margin.top - margin.bottom });
    svg.attr('width', width).attr('height', hgt).attr('viewBox', `0 0 ${width} ${hgt}`);
    plot.attr('transform', `translate(${margin.left},${margin.top})`);
    draw(frame, info);
  };
  const ro = new ResizeObserver(() => {
    const w = Math.floor(host.clientWidth);
    if (w !== last) { last = w; if (frame.ready) frame.redraw(); }
  });
  ro.observe(host);
  const menu = exportMenu(host, { svg: () => svg.node(), label, csv });
  frame.destroy = () => { unmeasured.delete(measure); ro.disconnect(); menu.destroy(); svg.remove(); };
  return frame;
}

/** What resolved colours depend on besides the style sheet: the theme the root forces and the one the system prefers. */
const darkScheme = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
export const themeKey = () => `${document.documentElement.className}|${darkScheme?.matches}`;

const PAD = 4; // px the layer reaches past the plot on each side, so that a dot on its edge is drawn whole

/**
 * A canvas over chart frame f's plot for marks too many to move as SVG elements
 * every frame (the VAE's hundreds of codes and reconstructions, each circle's cx
 * and cy written, restyled and laid out per frame). draw(n, {x(i), y(i), r, fill,
 * stroke, strokeWidth}) paints n dots, i = 0…n−1, in plot coordinates (fill a
 * colour or fill(i)), at the screen's pixel ratio. colour(css) resolves a CSS
 * colour (var(--q)) for the canvas, once per theme. The export draws the last
 * dots into the exported SVG as circles over the chart (canvas.svgDots, read by
 * export.js), so the file stays vector.
 */
export function dotLayer(f) {
  const host = f.svg.node().parentElement;
  const canvas = h('canvas', { class: 'chart-dots', 'aria-hidden': 'true' });
  const probe = h('span', { class: 'chart-dots-probe', hidden: true });
  host.append(canvas, probe);
  const g = canvas.getContext('2d');
  let size = '';
  let theme = '';
  const colours = new Map();
  let last = null;
  canvas.svgDots = () => {
    const group = h('svg:g', { class: 'dots', transform: `translate(${f.margin.left},${f.margin.top})` });
    if (!last) return group;
    const { n, x, y, r, fill, stroke, strokeWidth } = last;
    const edge = stroke ? `;stroke:${stroke};stroke-width:${strokeWidth}` : '';
    // The dots the canvas shows: those within PAD of the plot.
    const inside = (v, size) => v >= -PAD && v <= size + PAD;
    for (let i = 0; i < n; i++) {
      const cx = x(i);
      const cy = y(i);
      if (!inside(cx, f.innerWidth) || !inside(cy, f.innerHeight)) continue;
      group.append(h('svg:circle', { cx, cy, r, style: `fill:${typeof fill === 'function' ? fill(i) : fill}${edge}` }));
    }
    return group;
  };
  const layer = {
    canvas,
    colour(css) {
      if (themeKey() !== theme) { theme = themeKey(); colours.clear(); }
      if (!colours.has(css)) {
        probe.style.color = css;
        colours.set(css, getComputedStyle(probe).color);
      }
      return colours.get(css);
    },
    draw(n, { x, y, r, fill, stroke, strokeWidth = 1 }) {
      last = { n, x, y, r, fill, stroke, strokeWidth };
      const ratio = window.devicePixelRatio || 1;
      const w = f.innerWidth + 2 * PAD;
      const ht = f.innerHeight + 2 * PAD;
      const key = `${w}|${ht}|${ratio}|${f.margin.left}|${f.margin.top}`;
      if (key !== size) {
        size = key;
        canvas.width = Math.round(w * ratio);
        canvas.height = Math.round(ht * ratio);
        Object.assign(canvas.style, { left: `${f.margin.left - PAD}px`, top: `${f.margin.top - PAD}px`, width: `${w}px`, height: `${ht}px` });
      }
      g.setTransform(ratio, 0, 0, ratio, ratio * PAD, ratio * PAD);
      g.clearRect(-PAD, -PAD, w, ht);
      g.lineWidth = strokeWidth;
      if (stroke) g.strokeStyle = stroke;
      if (typeof fill !== 'function') g.fillStyle = fill;
      for (let i = 0; i < n; i++) {
        g.beginPath();
        g.arc(x(i), y(i), r, 0, 2 * Math.PI);
        if (typeof fill === 'function') g.fillStyle = fill(i);
        g.fill();
        if (stroke) g.stroke();
      }
    },
  };
  // A canvas follows neither the style sheet nor the screen: a change of the system's
  // theme, or of the pixel ratio (the window moved to another screen), redraws it.
  const redraw = () => { if (f.ready) f.redraw(); };
  darkScheme?.addEventListener('change', redraw);
  let resolution = null;
  const watchRatio = () => {
    resolution?.removeEventListener('change', onRatio);
    resolution = typeof matchMedia === 'function' ? matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`) : null;
    resolution?.addEventListener('change', onRatio);
  };
  function onRatio() { watchRatio(); redraw(); }
  watchRatio();
  const destroy = f.destroy;
  f.destroy = () => {
    darkScheme?.removeEventListener('change', redraw);
    resolution?.removeEventListener('change', onRatio);
    canvas.remove();
    probe.remove();
    destroy();
  };
  return layer;
}

/**
 * The points of a polyline ([x, y] in pixels) with points added along each segment
 * at most `spacing` apart, so that clearSpot sees a steep segment between two samples.
 */
export function densify(points, spacing = 4) {
  const out = [];
  for (let i = 0; i < points.length; i++) {
    const [x, y] = points[i];
    if (i > 0) {
      const [x0, y0] = points[i - 1];
      const n = Math.min(200, Math.floor(Math.hypot(x - x0, y - y0) / spacing));
      for (let k = 1; k < n; k++) out.push([x0 + ((x - x0) * k) / n, y0 + ((y - y0) * k) / n]);
    }
    out.push([x, y]);
  }
  return out;
}

/**
 * Of the candidate positions [{x, y, anchor}] for a label reading `text` (y its
 * baseline, anchor as SVG's text-anchor), the first whose box covers the fewest
 * of `points` ([x, y] in the same pixels): a label placed clear of the data.
 * With `width`, a box that would leave [0, width] counts as covering every point.
 */
export function clearSpot(candidates, text, points, { charWidth = 6.5, height = 12, pad = 3, width = Infinity } = {}) {
  const w = text.length * charWidth;
  let best = candidates[0];
  let fewest = Infinity;
  for (const c of candidates) {
    const x0 = (c.anchor === 'end' ? c.x - w : c.anchor === 'middle' ? c.x - w / 2 : c.x) - pad;
    const x1 = x0 + w + 2 * pad;
    const y0 = c.y - height - pad;
    const y1 = c.y + pad;
    if (x0 < 0 || x1 > width) continue;
    let n = 0;
    for (const [px, py] of points) if (px >= x0 && px <= x1 && py >= y0 && py <= y1) n++;
    if (n < fewest) {
      fewest = n;
      best = c;
      if (n === 0) break;
    }
  }
  return best;
}

/** A diagonal hatch pattern in `color` (a CSS value); returns its url(#id). */
export function hatch(defs, color, { spacing = 5, width = 1.4, opacity = 0.55 } = {}) {
  const id = uniqueId('hatch');
  defs.append('pattern').attr('id', id).attr('patternUnits', 'userSpaceOnUse')
    .attr('width', spacing).attr('height', spacing).attr('patternTransform', 'rotate(45)')
    .append('line').attr('x1', 0).attr('y1', 0).attr('x2', 0).attr('y2', spacing)
    .attr('stroke', color).attr('stroke-width', width).attr('stroke-opacity', opacity);
  return `url(#${id})`;
}

/** A vertical fade (opaque at the bottom) for bars that run off to infinity. */
export function fade(defs, color) {
  const id = uniqueId('fade');
  const g = defs.append('linearGradient').attr('id', id).attr('x1', 0).attr('x2', 0).attr('y1', 1).attr('y2', 0);
  g.append('stop').attr('offset', '0%').attr('stop-color', color).attr('stop-opacity', 1);
  g.append('stop').attr('offset', '100%').attr('stop-color', color).attr('stop-opacity', 0.08);
  return `url(#${id})`;
}

/** sel.transition() when animating is wanted and allowed, else sel itself (stopping any running transition). */
export function maybeTransition(sel, animate, duration = 320) {
  if (animate && !reducedMotion()) return sel.transition().duration(duration);
  sel.interrupt();
  return sel;
}

/** Shows every k-th tick so labels never collide (k from the band width and the longest label). */
export function thinTicks(domain, bandwidth, longest, charWidth = 7) {
  const need = Math.max(14, longest * charWidth + 6);
  const k = Math.max(1, Math.ceil(need / Math.max(1, bandwidth)));
  return domain.filter((_, i) => i % k === 0);
}

/** A legend swatch (small inline SVG) for figure captions. */
export function swatch(kind) {
  return h('svg:svg', { class: `swatch swatch-${kind}`, width: 18, height: 12, 'aria-hidden': 'true' },
    h('svg:rect', { x: 1, y: 1, width: 16, height: 10, rx: 1.5 }));
}

/** Runs sel.call(fn) only when key differs from the last call's (axes cost more than the data they frame). */
export function once(sel, key, fn) {
  const node = sel.node();
  if (node.__klKey !== key) {
    node.__klKey = key;
    sel.call(fn);
  }
  return sel;
}

/** The smallest 1, 2 or 5 × 10^k at least v: a chart domain that grows in rare jumps while playing. */
export function niceCeil(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((c) => c >= v);
}

/** The powers of ten within [lo, hi] (the ticks of a log axis, without the minor ones). */
export function decades([lo, hi]) {
  const out = [];
  for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9); e++) out.push(10 ** e);
  return out.length ? out : [lo, hi];
}

/**
 * The draggable handles in g, one per datum (keyed by key(d)): a focusable
 * role=slider group with a wide hit area and a mark path, driven by the
 * keyboard (onKey(event, d)) and the pointer (the d3 drag behaviour `drag`).
 * Returns the joined selection for the caller's attributes.
 */
export function handles(g, data, { key, onKey, drag }) {
  return g.selectAll('g.handle').data(data, key).join((enter) => {
    const e = enter.append('g').attr('tabindex', 0).attr('role', 'slider').on('keydown', onKey).call(drag);
    e.append('circle').attr('class', 'hit-area').attr('r', 16);
    e.append('path').attr('class', 'mark');
    return e;
  });
}

/**
 * The frame of a trace chart (a quantity against the optimiser's step): a grid
 * of y's ticks, the x axis at the bottom, "step" (or xName) at its right end and
 * the unit over the y axis. Axes are redrawn only when their scales or the size
 * change. Options: yTicks (count or values), yFormat, xFormat, unit ('' for none).
 * With x null there is no x axis (a chart of bars marks its categories itself).
 */
export function traceAxes(f, x, y, { yTicks = 4, yFormat = format('~g'), xFormat = format('~d'), xName = 'step', unit = 'nats' } = {}) {
  const size = `${f.innerWidth}|${f.innerHeight}`;
  const ticks = (axis) => (Array.isArray(yTicks) ? axis.tickValues(yTicks) : axis.ticks(yTicks));
  once(f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid'), `${size}|${y.domain()}|${yTicks}`,
    (g) => g.call(ticks(axisLeft(y)).tickSize(-f.innerWidth).tickFormat(yFormat)).call((s) => s.select('.domain').remove()));
  if (x) {
    once(f.plot.selectAll('g.x-axis').data([0]).join('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${f.innerHeight})`), `${size}|${x.domain()}`,
      (g) => g.call(axisBottom(x).ticks(Math.max(2, Math.floor(f.innerWidth / 80))).tickFormat(xFormat).tickSizeOuter(0)));
  }
  f.plot.selectAll('text.axis-step').data([0]).join('text').attr('class', 'axis-unit axis-step').attr('text-anchor', 'end')
    .attr('x', f.innerWidth).attr('y', f.innerHeight + 26).text(xName);
  f.plot.selectAll('text.axis-y-unit').data(unit ? [unit] : []).join('text').attr('class', 'axis-unit axis-y-unit')
    .attr('x', -f.margin.left + 2).attr('y', -4).text((u) => u);
}
