// Chart plumbing shared by the labs: a responsive SVG frame drawn at its real
// pixel size (crisp text and lines, no viewBox scaling), hatch patterns, and a
// transition helper that honours prefers-reduced-motion. Scales, axes and shapes
// come from d3; nothing here computes ticks or paths by hand.
import { select } from 'd3-selection';
import 'd3-transition';
import { h, uniqueId, reducedMotion } from './dom.js';
import { exportMenu } from './export.js';

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
  frame.redraw = (info = {}) => {
    if (last < 0) last = Math.floor(host.clientWidth);
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
  frame.destroy = () => { ro.disconnect(); menu.destroy(); svg.remove(); };
  return frame;
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
