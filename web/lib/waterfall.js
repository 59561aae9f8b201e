// A waterfall of terms that add up (ELBO = reconstruction − KL, log p(x) = ELBO + gap):
// one horizontal bar per row, from `from` to `to` on a shared axis, labelled on the
// left and valued beside the bar, drawn into a chartFrame's plot.
import { scaleBand, scaleLinear } from 'd3-scale';
import { axisBottom } from 'd3-axis';
import { number } from './format.js';
import { themeKey } from './chart.js';

/**
 * The class that makes a value readable on the bar `rect`: ' on-dark' (white) or
 * ' on-light' (black) for a solid fill, '' for a pattern or a faint fill, where
 * the ink with its halo of the card's colour (.value) reads best.
 */
function luminanceClass(rect) {
  const cs = getComputedStyle(rect);
  const m = cs.fill.match(/^rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)$/);
  if (!m || Number(m[4] ?? 1) * Number(cs.fillOpacity) < 0.6) return '';
  // Relative luminance (WCAG 2), from sRGB.
  const [r, g, b] = m.slice(1, 4).map((c) => { const v = c / 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.18 ? ' on-dark' : ' on-light';
}

// Reading a computed style in the middle of a draw recalculates the style of
// everything written before it in the frame (6 ms a frame in the VAE, when its 400
// moving dots were SVG), so each bar's class is kept until what its fill depends on
// changes: its class, its fill, the theme.
const onFillSeen = new WeakMap();
function onFill(rect) {
  if (!rect) return '';
  const key = `${rect.getAttribute('class')}|${rect.getAttribute('fill')}|${themeKey()}`;
  const seen = onFillSeen.get(rect);
  if (seen?.key === key) return seen.value;
  const value = luminanceClass(rect);
  onFillSeen.set(rect, { key, value });
  return value;
}

/**
 * Draws rows [{k, label, from, to, v}] into frame f. Options: padding (between
 * bars), ticks (count), tickFormat, room (px a value needs beside its bar),
 * fill(d) (a bar's fill, null for its class's), under(x, y) (drawn above the
 * grid and below the bars).
 */
export function waterfall(f, rows, { padding = 0.25, ticks = 5, tickFormat, room = 56, fill = () => null, under } = {}) {
  const lo = Math.min(0, ...rows.map((d) => Math.min(d.from, d.to)));
  const hi = Math.max(0, ...rows.map((d) => Math.max(d.from, d.to)));
  const x = scaleLinear().domain([lo, hi]).range([0, f.innerWidth]).nice(5);
  const y = scaleBand().domain(rows.map((d) => d.k)).range([0, f.innerHeight]).padding(padding);
  f.plot.selectAll('g.grid').data([0]).join('g').attr('class', 'grid').attr('transform', `translate(0,${f.innerHeight})`)
    .call(axisBottom(x).ticks(ticks).tickSize(-f.innerHeight).tickFormat(tickFormat)).call((g) => g.select('.domain').remove());
  under?.(x, y);
  f.plot.selectAll('rect.wf').data(rows, (d) => d.k).join('rect').attr('class', (d) => `wf wf-${d.k}`)
    .attr('fill', fill)
    .attr('x', (d) => x(Math.min(d.from, d.to))).attr('width', (d) => Math.max(1, Math.abs(x(d.to) - x(d.from))))
    .attr('y', (d) => y(d.k)).attr('height', y.bandwidth());
  f.plot.selectAll('text.row-label').data(rows, (d) => d.k).join('text').attr('class', 'row-label').attr('text-anchor', 'end')
    .attr('x', -8).attr('y', (d) => y(d.k) + y.bandwidth() / 2 + 4).text((d) => d.label);
  // Each value sits just outside its bar, on whichever side has room (inside, in white, when neither has).
  const place = (d) => {
    const a = x(Math.min(d.from, d.to));
    const b = x(Math.max(d.from, d.to));
    if (a >= room) return { x: a - 5, anchor: 'end', inside: false };
    if (f.innerWidth - b >= room) return { x: b + 5, anchor: 'start', inside: false };
    return { x: a + 5, anchor: 'start', inside: true };
  };
  const bars = new Map(f.plot.selectAll('rect.wf').nodes().map((n) => [n.__data__.k, n]));
  f.plot.selectAll('text.bar-value').data(rows, (d) => d.k).join('text')
    .attr('class', (d) => `value bar-value${place(d).inside ? ` inside${onFill(bars.get(d.k))}` : ''}`)
    .attr('text-anchor', (d) => place(d).anchor).attr('x', (d) => place(d).x)
    .attr('y', (d) => y(d.k) + y.bandwidth() / 2 + 4).text((d) => number(d.v, { digits: 3 }));
}
