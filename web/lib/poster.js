// The poster an embed's iframe shows until its figure is drawn: an SVG, small
// enough to live in the snippet as the frame's CSS background, with the lab's
// title and the figure's headline numbers as the Embed dialog's preview shows
// them. An embed far below the fold loads lazily; a reader who scrolls to it
// before Go has started sees these numbers, in the reserved height, instead of
// an empty box. The embedded page keeps itself transparent until its first draw
// (?poster=1, lib/embed.js) so that the poster shows through.

const MAX_LINES = 3;
const PALETTE = {
  light: { bg: '#f6f5f1', card: '#ffffff', rule: '#e4e2dc', ink: '#1b2129', muted: '#67707c' },
  dark: { bg: '#0f1318', card: '#171c23', rule: '#28303a', ink: '#e7e9ec', muted: '#939ca8' },
};

// A value's parts (the number, its unit) are separate elements: joined with spaces.
const text = (node) => (node ? [...node.childNodes].map((c) => c.textContent).join(' ') : '').replace(/\s+/g, ' ').trim();

/** A readout's name without its aside (the muted "· about" some labs add). */
function nameOf(node) {
  if (!node) return '';
  return [...node.childNodes].filter((c) => !c.classList?.contains('muted')).map((c) => c.textContent).join('').replace(/\s+/g, ' ').trim();
}

/**
 * The figure's headline numbers in `doc` (the preview's document), as [{name,
 * value}]: the readouts the figure shows (the hero among them), in page order,
 * at most three; when it shows none, the lab's hero, or else its readouts,
 * hidden or not.
 */
export function headlines(doc) {
  const all = [...doc.querySelectorAll('.hero, .readout, .fit-readout')];
  const row = (n) => ({
    name: nameOf(n.querySelector('.hero-name, .readout-name')),
    value: text(n.querySelector('.hero-value, .readout-value')),
  });
  const shown = all.filter((n) => n.getClientRects().length > 0).map(row).filter((r) => r.name && r.value);
  if (shown.length) return shown.slice(0, MAX_LINES);
  const hero = doc.querySelector('.hero');
  return (hero ? [hero] : all).map(row).filter((r) => r.name && r.value).slice(0, MAX_LINES);
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function rules(c) {
  return `.bg{fill:${c.bg}}.card{fill:${c.card};stroke:${c.rule}}.m{fill:${c.muted}}.i{fill:${c.ink}}`;
}

/**
 * The poster's SVG markup, width × height CSS px: a card with `title`, the
 * `lines` ([{name, value}]) and a note that the live figure is on its way.
 * theme 'light' or 'dark' fixes the colours; otherwise they follow the reader's.
 */
export function posterSVG({ title, lines, width, height, theme = '' }) {
  const style = theme === 'dark' ? rules(PALETTE.dark)
    : theme === 'light' ? rules(PALETTE.light)
      : `${rules(PALETTE.light)}@media (prefers-color-scheme:dark){${rules(PALETTE.dark)}}`;
  const font = 'font-family="system-ui,-apple-system,Segoe UI,Roboto,DejaVu Sans,sans-serif"';
  const note = 96 + lines.length * 44 + 8;
  const plot = height - note - 24 - 36; // the figure's place, below the numbers
  const rows = lines.slice(0, MAX_LINES).map((l, i) => `<text x="28" y="${96 + i * 44}" font-size="${i === 0 ? 26 : 20}"><tspan class="m">${esc(l.name)} = </tspan><tspan class="i" font-weight="600">${esc(l.value)}</tspan></text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ${font}><style>${style}</style>`
    + `<rect class="bg" width="100%" height="100%"/><rect class="card" x="0.5" y="12.5" width="${width - 1}" height="${Math.max(0, height - 17)}" rx="14"/>`
    + `<text class="m" x="28" y="48" font-size="14" font-weight="600">${esc(title)}</text>${rows.join('')}`
    + `<text class="m" x="28" y="${note}" font-size="14">The live figure starts as you scroll to it.</text>`
    + (plot > 40 ? `<rect class="bg" x="28" y="${note + 24}" width="${width - 56}" height="${plot}" rx="8"/>` : '')
    + '</svg>';
}

/** The poster as a CSS background for a style attribute written in double quotes. */
export function posterBackground(svg) {
  const url = `data:image/svg+xml,${encodeURIComponent(svg).replace(/'/g, '%27')}`;
  return `background:url('${url}') top left/100% auto no-repeat`;
}
