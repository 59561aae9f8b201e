// The Embed button every lab gets in its header, and its dialog: the iframe
// snippet for the current view (absolute URL, lazy, titled, full width), the
// same as a Hugo shortcode, a Jekyll include and an Astro component, and a
// poster image (the lab's first chart as a PNG at 2×) with a linked <img> for
// hosts that strip iframes. Everything is text in <pre> elements (textContent).
import { h, uniqueId } from './dom.js';
import { serialise } from './schema.js';
import { chartPNG, slug } from './export.js';

const MIN_HEIGHT = 320;
const MAX_HEIGHT = 5000;

/** Escapes text for a double-quoted HTML attribute. */
function attr(s) {
  return String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** The embed URL and the full-page URL of a lab's state with the chosen options. */
export function embedURLs(lab, state, { theme = '', text = true } = {}) {
  const base = `${location.origin}${location.pathname}`;
  const hash = serialise(lab.schema, lab.id, state);
  const q = [`embed=1`, `lab=${encodeURIComponent(lab.id)}`];
  if (theme === 'light' || theme === 'dark') q.push(`theme=${theme}`);
  if (!text) q.push('text=0');
  return {
    embed: `${base}?${q.join('&')}#${hash}`,
    full: `${base}#${hash}`,
    host: new URL('embed-host.js', `${base}`).href,
  };
}

/** The snippets for each kind of host page. */
export function snippets(lab, state, opts, height) {
  const u = embedURLs(lab, state, opts);
  const title = `KL Playground: ${lab.title}`;
  const iframe = `<iframe src="${attr(u.embed)}" title="${attr(title)}" width="100%" height="${height}" loading="lazy" style="border:0" data-klplay></iframe>\n<script src="${attr(u.host)}" async></script>`;
  return {
    iframe,
    hugoDef: `<iframe src="{{ .Get "src" }}" title="{{ .Get "title" }}" width="100%" height="{{ .Get "height" | default "${height}" }}" loading="lazy" style="border:0" data-klplay></iframe>\n<script src="${attr(u.host)}" async></script>`,
    hugo: `{{< klplay src="${u.embed}" title="${title}" height="${height}" >}}`,
    jekyllDef: `<iframe src="{{ include.src }}" title="{{ include.title }}" width="100%" height="{{ include.height | default: ${height} }}" loading="lazy" style="border:0" data-klplay></iframe>\n<script src="${attr(u.host)}" async></script>`,
    jekyll: `{% include klplay.html src="${u.embed}" title="${title}" height="${height}" %}`,
    astroDef: `---\nconst { src, title, height = ${height} } = Astro.props;\n---\n<iframe src={src} title={title} width="100%" height={height} loading="lazy" style="border:0" data-klplay></iframe>\n<script is:inline src="${attr(u.host)}" async></script>`,
    astro: `---\nimport KLPlayground from '../components/KLPlayground.astro';\n---\n<KLPlayground src="${u.embed}" title="${title}" height={${height}} />`,
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

/** Adds the Embed button to a lab's header (el is the lab's section). */
export function addEmbedButton(lab, el, current) {
  const head = el.querySelector('.lab-head');
  if (!head) return;
  const button = h('button', { type: 'button', class: 'chip embed-button', 'data-action': 'embed', 'aria-haspopup': 'dialog' },
    h('span', { 'aria-hidden': 'true' }, '</> '), 'Embed');
  button.addEventListener('click', () => openDialog(lab, el, current()?.lab === lab ? current().state : null, button));
  head.prepend(button);
}

function openDialog(lab, el, state, opener) {
  if (!state) return;
  dialog?.remove();
  const status = h('p', { class: 'embed-status', role: 'status' });
  const titleId = uniqueId('embed-title');
  const themeSelect = h('select', { id: uniqueId('embed-theme') },
    h('option', { value: '' }, 'the reader’s'), h('option', { value: 'light' }, 'light'), h('option', { value: 'dark' }, 'dark'));
  const textBox = h('input', { type: 'checkbox', id: uniqueId('embed-text'), checked: true });
  const labHeight = Math.round(el.getBoundingClientRect().height) + 60;
  const height = () => Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, textBox.checked ? labHeight : Math.round(labHeight * 0.8)));

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
    const opts = { theme: themeSelect.value, text: textBox.checked };
    const s = snippets(lab, state, opts, height());
    for (const k of Object.keys(blocks)) if (k !== 'poster') blocks[k].set(s[k]);
    const size = posterSize ? ` width="${posterSize.w}" height="${posterSize.h}"` : '';
    blocks.poster.set(`<a href="${attr(s.full)}"><img src="${posterName}"${size} alt="${attr(`${s.title} (opens the interactive lab)`)}"></a>`);
  };
  themeSelect.addEventListener('change', refresh);
  textBox.addEventListener('change', refresh);

  const close = h('button', { type: 'button', class: 'embed-close', 'aria-label': 'Close' }, '×');
  dialog = h('dialog', { class: 'embed-dialog', 'aria-labelledby': titleId },
    h('div', { class: 'embed-dialog-head' }, h('h2', { id: titleId }, `Embed ${lab.title}`), close),
    h('p', { class: 'small' }, 'The snippets show this view as it is now. Readers can play with it in your page; a link under it opens the full playground.'),
    h('div', { class: 'embed-options' },
      h('span', { class: 'embed-option' }, h('label', { for: themeSelect.id }, 'Colours'), themeSelect),
      h('span', { class: 'embed-option' }, textBox, h('label', { for: textBox.id }, 'Show the explanation'))),
    status,
    blocks.iframe.el,
    h('details', { class: 'embed-more' }, h('summary', {}, 'Hugo, Jekyll and Astro'),
      blocks.hugoDef.el, blocks.hugo.el, blocks.jekyllDef.el, blocks.jekyll.el, blocks.astroDef.el, blocks.astro.el),
    h('div', { class: 'embed-poster' }, blocks.poster.el, h('div', { class: 'embed-poster-row' }, posterImg, posterLink)));
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (e) => { if (e.target === dialog) dialog.close(); }); // the backdrop
  dialog.addEventListener('close', () => {
    if (posterLink.href) URL.revokeObjectURL(posterLink.href);
    dialog.remove();
    dialog = null;
    opener.focus();
  });
  refresh();
  document.body.append(dialog);
  dialog.showModal();

  if (chart) {
    chartPNG(chart, { scale: 2, title: `KL Playground: ${lab.title}` }).then((blob) => {
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
