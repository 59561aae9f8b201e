// Embed mode and the page's query parameters. `?embed=1&lab=NAME` (the lab's
// state in the hash, as always) shows one lab without the site's chrome, for an
// iframe in someone's blog post:
//   show=a,b   shows only these panels of the lab (lib/panels.js: its cards,
//              toolbars and headline number), the figure the Embed dialog built
//   hide=a,b   hides the lab's elements marked data-embed-group="a" (or "b"):
//              control groups (presets, controls, table, formulas…) and single
//              controls named like the state's fields (unit, …)
//   text=0     hides the explanatory text (elements marked data-embed="text");
//              instructions ("Drag a bar…", data-embed="hint") stay
//   theme=light|dark   overrides prefers-color-scheme (also outside embed mode)
//   poster=1   the page stays transparent and empty until the lab is drawn (or
//              fails to start), so that the poster the snippet gives the iframe
//              as its background (lib/poster.js) shows through
//   childId=…  the id pym.js gives its frames (default: the lab's id)
// Every parameter is validated and bounded; anything unknown is ignored. The
// embedded page posts its height to the parent (AMP embed-size and pym.js
// shapes) whenever it changes; web/embed-host.js applies it on the host page.
// The page listens to no messages: nothing a parent posts can change it.
import { h } from './dom.js';
import { serialise, splitHash } from './schema.js';
import { addEmbedButton } from './embed-dialog.js';
import { focusableScrollers } from './a11y.js';
import { NAME, showOnly } from './panels.js';

const MAX_QUERY = 2048; // characters of location.search read at all
const MAX_NAMES = 24; // names in hide= and show=
const CHILD_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** A comma-separated list of names, validated and bounded. */
function names(v) {
  if (!v) return [];
  return [...new Set(v.slice(0, 512).split(',').map((x) => x.trim().toLowerCase()).filter((x) => NAME.test(x)))].slice(0, MAX_NAMES);
}

/**
 * The validated query parameters: {embed, lab, show: [names], hide: [names], text, theme, childId, poster}.
 * `labIds` are the labs that exist; anything else is dropped.
 */
export function readParams(search, labIds) {
  const out = { embed: false, lab: null, show: [], hide: [], text: true, theme: null, childId: null, poster: false };
  const s = String(search ?? '');
  if (s.length > MAX_QUERY) return out;
  let q;
  try { q = new URLSearchParams(s); } catch { return out; }
  out.embed = q.get('embed') === '1';
  const lab = q.get('lab');
  if (lab !== null && labIds.includes(lab)) out.lab = lab;
  const theme = q.get('theme');
  if (theme === 'light' || theme === 'dark') out.theme = theme;
  out.text = q.get('text') !== '0';
  out.poster = q.get('poster') === '1';
  out.show = names(q.get('show'));
  out.hide = names(q.get('hide'));
  const child = q.get('childId');
  out.childId = child !== null && CHILD_ID.test(child) ? child : null;
  return out;
}

/** The height of the page's content in CSS pixels. */
function contentHeight() {
  return Math.ceil(document.documentElement.getBoundingClientRect().height);
}

/**
 * Posts the page's height to the parent from the lab's first draw on, whenever it changes, in the
 * AMP shape {sentinel: 'amp', type: 'embed-size', height} and the pym.js string
 * shape. Heights are not secret, so the target origin is '*'.
 */
function reportHeight(id) {
  if (window.parent === window) return;
  let last = -1;
  const post = () => {
    const height = contentHeight();
    if (height === last || height <= 0) return;
    last = height;
    window.parent.postMessage({ sentinel: 'amp', type: 'embed-size', height }, '*');
    window.parent.postMessage(`pymxPYMx${id}xPYMxheightxPYMx${height}`, '*');
  };
  new ResizeObserver(post).observe(document.documentElement);
  window.addEventListener('load', post);
  post();
}

/** Hides the lab's marked elements the parameters name. */
function hideGroups(el, hide) {
  if (!hide.length) return;
  for (const node of el.querySelectorAll('[data-embed-group]')) {
    const groups = node.dataset.embedGroup.split(/\s+/);
    if (groups.some((g) => hide.includes(g))) node.classList.add('embed-hidden');
  }
}

/**
 * Reads the parameters and sets the page up before the shell starts: classes
 * on <html> for the theme and embed mode, the hash pointed at the embedded lab.
 * Returns the shell's hooks: mounted(lab, el, {home}) (the Embed button, or in embed
 * mode the panels ?show= leaves and the groups ?hide= hides; lib/a11y.js's fixes)
 * and drawn(lab, state).
 */
export function setupPage({ labs, figures = {} }) {
  const params = readParams(location.search, labs.map((l) => l.id));
  const root = document.documentElement;
  if (params.theme) root.classList.add(`theme-${params.theme}`);
  let current = null; // {lab, state} as last drawn

  if (!params.embed) {
    return {
      params,
      mounted(lab, el, { home } = {}) {
        if (!home) addEmbedButton(lab, el, () => current, figures[lab.id]);
        focusableScrollers(el);
      },
      drawn(lab, state) { current = { lab, state }; },
    };
  }

  root.classList.add('embed');
  if (!params.text) root.classList.add('embed-no-text');
  if (params.poster) root.classList.add('embed-poster');
  // The query names the lab (else the hash does, else the first lab); the hash carries its state.
  // A hash naming another lab (or none) is pointed at it.
  const pairs = splitHash(location.hash);
  const named = pairs?.find(([k]) => k === 'lab')?.[1];
  const lab = labs.find((l) => l.id === params.lab) ?? labs.find((l) => l.id === named) ?? labs[0];
  if (pairs === null || named !== lab.id) {
    const rest = named === undefined && pairs ? pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`) : [];
    history.replaceState(history.state, '', `#${[`lab=${encodeURIComponent(lab.id)}`, ...rest].join('&')}`);
  }

  const base = `${location.origin}${location.pathname}`;
  const open = h('a', { class: 'embed-open', href: `${base}#lab=${encodeURIComponent(lab.id)}`, target: '_blank', rel: 'noopener' },
    'Open in the full playground ', h('span', { 'aria-hidden': 'true' }, '↗'));
  const note = h('span', { class: 'embed-note', hidden: true });
  const bar = h('div', { class: 'embed-bar wrap' }, h('span', { class: 'embed-brand' }, 'KL Playground'), note, open);
  document.body.append(bar);

  // Heights are posted from the first draw: the frame shown while Go loads is
  // not the figure, and a host sizing itself to it would jump twice.
  let noted = false;
  let reporting = false;
  return {
    params,
    mounted(l, el) {
      if (params.show.length) showOnly(el, params.show);
      hideGroups(el, params.hide);
      focusableScrollers(el);
    },
    drawn(l, state) {
      current = { lab: l, state };
      if (!reporting) { reporting = true; reportHeight(params.childId ?? lab.id); }
      open.href = `${base}#${serialise(l.schema, l.id, state)}`;
      if (!noted) {
        noted = true;
        // Cross-site, the browser may partition or deny storage: the lab works on
        // the memory store and says so once, quietly.
        globalThis.klplay?.sessions?.ready?.().then(({ storage }) => {
          if (storage !== 'memory') return;
          note.textContent = 'Changes here are kept in this page only.';
          note.hidden = false;
        }, () => {});
      }
    },
  };
}
