// The Embed button every lab gets in its header, and its dialog: a figure
// builder (the panels to show, the text or not, the column width, the colours)
// with a live preview at that width, whose measured height goes into the
// snippet, so that it fits with no script. The iframe snippet (absolute URL,
// lazy, titled), the same as a Hugo shortcode, a Jekyll include and an Astro
// component, and a poster image (the lab's first chart as a PNG at 2×) with a
// linked <img> for hosts that strip iframes. The iframe snippet also carries a
// small poster of the figure's numbers (lib/poster.js) that the frame shows
// until its figure is drawn. Everything is text in <pre> elements.
import { h, uniqueId, debounce } from './dom.js';
import { serialise } from './schema.js';
import { chartPNG, slug } from './export.js';
import { panels } from './panels.js';
import { headlines, posterBackground, posterSVG } from './poster.js';

const MIN_HEIGHT = 100;
const MAX_HEIGHT = 5000;
const WIDTH = { default: 680, min: 280, max: 1400 };
const PREVIEW = 'klplay-preview'; // the preview frame's childId, numbered per load: a message from the document it replaced does not count

/** Escapes text for a double-quoted HTML attribute. */
function attr(s) {
  return String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * The embed URL and the full-page URL of a lab's state with the chosen options
 * (show: panel ids, all when empty; poster: the frame stays transparent, showing
 * its poster background, until the figure is drawn).
 */
export function embedURLs(lab, state, { theme = '', text = true, show = [], poster = false } = {}) {
  const base = `${location.origin}${location.pathname}`;
  const hash = serialise(lab.schema, lab.id, state);
  const q = [`embed=1`, `lab=${encodeURIComponent(lab.id)}`];
  if (show.length) q.push(`show=${show.join(',')}`);
  if (theme === 'light' || theme === 'dark') q.push(`theme=${theme}`);
  if (!text) q.push('text=0');
  if (poster) q.push('poster=1');
  return {
    embed: `${base}?${q.join('&')}#${hash}`,
    full: `${base}#${hash}`,
    host: new URL('embed-host.js', `${base}`).href,
  };
}

/**
 * The snippets for each kind of host page; the HTML frame is as wide as the
 * column, up to the width it was measured at (opts.width), with the poster's SVG
 * (when given) as its background.
 */
export function snippets(lab, state, opts, height, poster = null) {
  const u = embedURLs(lab, state, { ...opts, poster: Boolean(poster) });
  const src = embedURLs(lab, state, opts).embed; // the templates' fixed style has no poster to show through
  const title = `KL Playground: ${lab.title}`;
  const style = [opts.width ? `border:0;max-width:${opts.width}px` : 'border:0', poster ? posterBackground(poster) : ''].filter(Boolean).join(';');
  const iframe = `<iframe src="${attr(u.embed)}" title="${attr(title)}" width="100%" height="${height}" loading="lazy" style="${style}" data-klplay></iframe>\n<script src="${attr(u.host)}" async></script>`;
  return {
    iframe,
    hugoDef: `<iframe src="{{ .Get "src" }}" title="{{ .Get "title" }}" width="100%" height="{{ .Get "height" | default "${height}" }}" loading="lazy" style="border:0" data-klplay></iframe>\n<script src="${attr(u.host)}" async></script>`,
    hugo: `{{< klplay src="${src}" title="${title}" height="${height}" >}}`,
    jekyllDef: `<iframe src="{{ include.src }}" title="{{ include.title }}" width="100%" height="{{ include.height | default: ${height} }}" loading="lazy" style="border:0" data-klplay></iframe>\n<script src="${attr(u.host)}" async></script>`,
    jekyll: `{% include klplay.html src="${src}" title="${title}" height="${height}" %}`,
    astroDef: `---\nconst { src, title, height = ${height} } = Astro.props;\n---\n<iframe src={src} title={title} width="100%" height={height} loading="lazy" style="border:0" data-klplay></iframe>\n<script is:inline src="${attr(u.host)}" async></script>`,
    astro: `---\nimport KLPlayground from '../components/KLPlayground.astro';\n---\n<KLPlayground src="${src}" title="${title}" height={${height}} />`,
    full: u.full,
    title,
  };
}

async function copyText(text, status) {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = 'Copied.';
  } catch {
    status.textContent = 'Copying is not allowed here: select the text and copy it yourself.';
  }
}

/** A titled <pre> with a Copy button; returns {el, set(text)}. */
function block(title, note, status) {
  const id = uniqueId('embed-code');
  const pre = h('pre', { class: 'embed-code', id, tabindex: 0, 'aria-labelledby': `${id}-t` });
  const el = h('div', { class: 'embed-block' },
    h('div', { class: 'embed-block-head' },
      h('h3', { id: `${id}-t` }, title),
      h('button', { type: 'button', class: 'btn btn-small', 'data-copy': id, 'aria-label': `Copy: ${title}`, onclick: () => copyText(pre.textContent, status) }, 'Copy')),
    note ? h('p', { class: 'small' }, note) : null,
    pre);
  return { el, set(text) { pre.textContent = text; } };
}

let dialog = null; // one dialog, rebuilt for each opening

/** Adds the Embed button to a lab's header (el is the lab's section); figure: the panel ids ticked at first. */
export function addEmbedButton(lab, el, current, figure = []) {
  const head = el.querySelector('.lab-head');
  if (!head) return;
  const button = h('button', { type: 'button', class: 'chip embed-button', 'data-action': 'embed', 'aria-haspopup': 'dialog' },
    h('span', { 'aria-hidden': 'true' }, '</> '), 'Embed');
  button.addEventListener('click', () => openDialog(lab, el, current()?.lab === lab ? current().state : null, button, figure));
  head.prepend(button);
}

function openDialog(lab, el, state, opener, figure) {
  if (!state) return;
  dialog?.remove();
  const status = h('p', { class: 'embed-status', role: 'status' });
  const titleId = uniqueId('embed-title');
  const themeSelect = h('select', { id: uniqueId('embed-theme') },
    h('option', { value: '' }, 'the reader’s'), h('option', { value: 'light' }, 'light'), h('option', { value: 'dark' }, 'dark'));
  const textBox = h('input', { type: 'checkbox', id: uniqueId('embed-text') });
  const widthBox = h('input', { type: 'number', id: uniqueId('embed-width'), min: WIDTH.min, max: WIDTH.max, step: 10, value: WIDTH.default, class: 'embed-width' });
  // The panels the lab shows now; the figure's ticked, or the whole lab when it names none of them.
  const parts = panels(el).filter((p) => p.node.getClientRects().length > 0);
  const ticked = new Set(figure.filter((id) => parts.some((p) => p.id === id)));
  if (!ticked.size) for (const p of parts) ticked.add(p.id);
  const boxes = parts.map((p) => h('input', { type: 'checkbox', id: uniqueId('embed-panel'), value: p.id, checked: ticked.has(p.id) }));
  const chosen = () => {
    const ids = parts.filter((_, i) => boxes[i].checked).map((p) => p.id);
    return ids.length === parts.length ? [] : ids;
  };
  const width = () => {
    const v = widthBox.value.trim() === '' ? NaN : Number(widthBox.value);
    return Number.isFinite(v) ? Math.round(Math.min(WIDTH.max, Math.max(WIDTH.min, v))) : WIDTH.default;
  };
  const opts = () => ({ theme: themeSelect.value, text: textBox.checked, show: chosen(), width: width() });

  // The preview: the embed itself at the chosen width, scaled to fit the dialog; its own height messages give the snippet's height.
  const preview = h('iframe', { class: 'embed-preview', title: `Preview of the embedded ${lab.title}`, tabindex: '-1', 'aria-hidden': 'true' });
  const stage = h('div', { class: 'embed-stage' }, preview);
  let measured = null;
  let poster = null; // the poster's SVG, made from the preview once it is drawn
  let loads = 0;
  let dlg = null;
  const onMessage = (e) => {
    if (e.source !== preview.contentWindow || typeof e.data !== 'string') return;
    const m = new RegExp(`^pymxPYMx${PREVIEW}-${loads}xPYMxheightxPYMx(\\d{1,6})$`).exec(e.data);
    if (!m) return;
    measured = Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, Number(m[1])));
    const o = opts();
    poster = posterSVG({ title: `KL Playground · ${lab.title}`, lines: headlines(preview.contentDocument), width: o.width, height: measured, theme: o.theme });
    fitStage();
    dlg.dataset.measured = String(measured);
    refresh();
  };
  window.addEventListener('message', onMessage);
  const fitStage = () => {
    const w = width();
    const k = Math.min(1, (stage.clientWidth || w) / w);
    preview.style.width = `${w}px`;
    preview.style.height = `${measured ?? 400}px`;
    preview.style.transform = `scale(${k})`;
    stage.style.height = `${Math.ceil((measured ?? 400) * k)}px`;
  };
  const load = debounce(() => {
    // A ticked panel that is all text (the prose card) shows only with the text.
    if (parts.some((p, i) => boxes[i].checked && p.node.matches('[data-embed~="text"]'))) textBox.checked = true;
    measured = null;
    poster = null;
    delete dlg.dataset.measured;
    widthBox.value = String(width()); // the width used, not what was typed
    const u = embedURLs(lab, state, opts());
    const [path, hash] = u.embed.split('#');
    loads += 1;
    preview.src = `${path}&childId=${PREVIEW}-${loads}#${hash}`;
    fitStage();
    refresh();
  }, 250);
  for (const b of boxes) b.addEventListener('change', load);

  const blocks = {
    iframe: block('HTML', 'Paste into any page. The script is optional: it sizes the frame to the lab.', status),
    hugoDef: block('Hugo: layouts/shortcodes/klplay.html', 'Create this file once…', status),
    hugo: block('Hugo: in a post', '…then use it in any post:', status),
    jekyllDef: block('Jekyll: _includes/klplay.html', 'Create this file once…', status),
    jekyll: block('Jekyll: in a post', '…then use it in any post:', status),
    astroDef: block('Astro: src/components/KLPlayground.astro', 'Create this component once…', status),
    astro: block('Astro: in a page', '…then use it in any page:', status),
    poster: block('Poster, for hosts that strip iframes', 'Upload the image beside your post; it links to this view.', status),
  };

  const posterImg = h('img', { class: 'embed-poster-img', alt: `The first chart of ${lab.title}, as it looks now` });
  const posterLink = h('a', { class: 'btn btn-small', 'data-action': 'poster-download', hidden: true }, 'Download poster (PNG)');
  const posterName = `klplay-${slug(lab.id)}.png`;
  const chart = el.querySelector('svg.chart');
  let posterSize = null;

  const refresh = () => {
    const o = opts();
    const s = snippets(lab, state, o, measured ?? 600, poster);
    dlg?.classList.toggle('is-measuring', measured === null);
    const none = !boxes.some((b) => b.checked);
    if (measured !== null) status.textContent = `${none ? 'Nothing ticked, so the whole lab is shown. ' : ''}Measured at ${o.width} px wide: ${measured} px tall.`;
    for (const k of Object.keys(blocks)) if (k !== 'poster') blocks[k].set(s[k]);
    const size = posterSize ? ` width="${posterSize.w}" height="${posterSize.h}"` : '';
    blocks.poster.set(`<a href="${attr(s.full)}"><img src="${posterName}"${size} alt="${attr(`${s.title} (opens the interactive lab)`)}"></a>`);
  };
  themeSelect.addEventListener('change', load);
  textBox.addEventListener('change', load);
  widthBox.addEventListener('change', load);

  const close = h('button', { type: 'button', class: 'embed-close', 'aria-label': 'Close' }, '×');
  dlg = dialog = h('dialog', { class: 'embed-dialog', 'aria-labelledby': titleId },
    h('div', { class: 'embed-dialog-head' }, h('h2', { id: titleId }, `Embed ${lab.title}`), close),
    h('p', { class: 'small' }, 'Build a figure from this view as it is now: tick the parts to show and set your column’s width. Readers can play with it in your page; a link under it opens the full playground.'),
    h('fieldset', { class: 'embed-panels' }, h('legend', {}, 'Show'), boxes.map((b, i) => h('label', { class: 'embed-panel', for: b.id }, b, ` ${parts[i].title}`))),
    h('div', { class: 'embed-options' },
      h('span', { class: 'embed-option' }, h('label', { for: widthBox.id }, 'Column width (px)'), widthBox),
      h('span', { class: 'embed-option' }, h('label', { for: themeSelect.id }, 'Colours'), themeSelect),
      h('span', { class: 'embed-option' }, textBox, h('label', { for: textBox.id }, 'Show the text (ledes and notes)'))),
    stage,
    status,
    blocks.iframe.el,
    h('details', { class: 'embed-more' }, h('summary', {}, 'Hugo, Jekyll and Astro'),
      blocks.hugoDef.el, blocks.hugo.el, blocks.jekyllDef.el, blocks.jekyll.el, blocks.astroDef.el, blocks.astro.el),
    h('div', { class: 'embed-poster' }, blocks.poster.el, h('div', { class: 'embed-poster-row' }, posterImg, posterLink)));
  close.addEventListener('click', () => dlg.close());
  dlg.addEventListener('click', (e) => { if (e.target === dlg) dlg.close(); }); // the backdrop
  dlg.addEventListener('close', () => {
    window.removeEventListener('message', onMessage);
    load.cancel();
    if (posterLink.href) URL.revokeObjectURL(posterLink.href);
    dlg.remove();
    if (dialog === dlg) dialog = null;
    opener.focus();
  });
  document.body.append(dlg);
  dlg.showModal();
  load();
  load.flush();

  if (chart) {
    chartPNG(chart, { scale: 2, title: `KL Playground: ${lab.title}` }).then((blob) => {
      if (!dlg.isConnected) return; // closed before the poster was drawn
      const url = URL.createObjectURL(blob);
      posterSize = { w: Number(chart.getAttribute('width')), h: Number(chart.getAttribute('height')) };
      posterImg.src = url;
      posterLink.href = url;
      posterLink.download = posterName;
      posterLink.hidden = false;
      refresh();
    }, (err) => { status.textContent = `The poster could not be drawn: ${err?.message ?? err}`; });
  }
}
