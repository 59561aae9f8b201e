// The page shell shared by every lab: the header and its navigation, the notice
// area, routing from the URL hash, and the update loop.
//
// A lab is a module whose default export is
//   { id, title, blurb, schema, check?(state) → {state, problems},
//     mount(el, ctx), update(state, info), destroy() }
// The shell owns the lab's state. Inputs call ctx.set(next); the shell coalesces
// every set() of a frame into one lab.update() inside requestAnimationFrame (the
// lab makes one call into Go there), then writes the state to the hash. The
// sessions panel (sessions.js) is mounted here for every lab: it autosaves each
// drawn state, and a lab's autosaved state is what a link without state shows.
//
// The home view (labs/start/) has the same contract with an empty schema. It is
// what an address without a lab shows; it is never saved and writes no hash.
// Until Go is ready the page shows the routed lab's frame (its title, its lede
// and empty chart cards), or the home view, which draws the numbers the build
// computed (labs/start/rows.js firstView) until Go takes over.
import { h, debounce } from './dom.js';
import { splitHash, parse, serialise, defaults } from './schema.js';
import { mountSessions } from './sessions.js';

const HASH_DELAY = 250; // ms of quiet before the URL follows the state (history.replaceState is rate-limited)

/** A lab's address: the home view's is the bare '#'. */
const hrefOf = (lab, home) => (lab === home ? '#' : `#lab=${encodeURIComponent(lab.id)}`);

/**
 * The navigation's nodes, made with h (lib/dom.js's in the page, lib/markup.js's
 * when the build writes the page): a list of links, one row on a wide screen,
 * and for phones a menu button that names the current lab (menuName) and opens
 * the list. path: per lab id, {short}; onMenu: the button's click.
 */
export function navNodes(h, { labs, home, path, onMenu }) {
  const list = h('ul', { class: 'nav-list', id: 'nav-list' }, (home ? [home, ...labs] : labs).map((lab) => h('li', {},
    h('a', { href: hrefOf(lab, home), 'data-lab': lab.id, title: `${lab.title}: ${lab.blurb}` }, path.get(lab.id)?.short ?? lab.title))));
  const menuName = h('span', { class: 'nav-menu-name' }, '');
  const menu = h('button', { type: 'button', class: 'nav-menu', 'aria-expanded': 'false', 'aria-controls': 'nav-list', onclick: onMenu },
    h('span', { class: 'nav-menu-label' }, 'Labs'), menuName);
  return { menu, list, menuName };
}

// hooks (optional): mounted(lab, el) after a lab is mounted, drawn(lab, state) after each update (lib/embed.js).
// path: per lab id, {short, buildsOn}: the nav's short name and the lab's line on what it builds on.
export function startShell({ labs, home, path = new Map(), nav, notice, main, load, hooks = {} }) {
  const byId = new Map(labs.map((l) => [l.id, l]));
  if (home) byId.set(home.id, home);
  const remembered = new Map(); // lab id → last state, so the nav returns to where the reader was
  let current = null; // {lab, el, state, info}
  let frame = 0;
  // Marks on <body> that the browser tests wait on instead of on time: data-frame
  // counts the frames drawn, data-hash-written is the frame whose state the URL holds.
  const marks = document.body.dataset;
  let frames = 0;
  let drawn = false;
  let api = null;
  let sessions = null;
  let failed = false; // Go could not start: the page shows why, and nothing replaces that

  // The navigation replaces the copy the build wrote into the page.
  const { menu, list, menuName } = navNodes(h, { labs, home, path, onMenu: () => setMenu(menu.getAttribute('aria-expanded') !== 'true') });
  function setMenu(open) {
    menu.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('is-open', open);
  }
  list.addEventListener('click', (e) => { if (e.target.closest('a')) setMenu(false); });
  // The open menu lies over the page: focus or a tap anywhere else folds it away.
  nav.addEventListener('focusout', (e) => { if (!nav.contains(e.relatedTarget)) setMenu(false); });
  document.addEventListener('pointerdown', (e) => { if (!nav.contains(e.target)) setMenu(false); });
  nav.addEventListener('keydown', (e) => { if (e.key === 'Escape' && nav.classList.contains('is-open')) { setMenu(false); menu.focus(); } });
  nav.replaceChildren(menu, list);

  const noticeText = notice.querySelector('.notice-text');
  notice.querySelector('button').addEventListener('click', () => { notice.hidden = true; });
  function notify(message) {
    noticeText.textContent = message;
    notice.hidden = false;
  }
  function clearNotice() {
    notice.hidden = true;
    noticeText.textContent = '';
  }

  // The address the view on screen was routed from, or last wrote. An address that
  // differs is a navigation whose hashchange has not been handled yet: writing the
  // view's state over it would lose it (a link followed just after an edit).
  let shownHash = location.hash;
  const writeHash = debounce(() => {
    if (!current) return;
    if (location.hash !== shownHash) return;
    const hash = serialise(current.lab.schema, current.lab.id, current.state);
    if (location.hash.slice(1) !== hash) {
      history.replaceState(history.state, '', `#${hash}`);
      shownHash = location.hash;
    }
    marks.hashWritten = String(frames);
  }, HASH_DELAY);

  function schedule(info) {
    if (info) current.info = { ...current.info, ...info };
    if (frame) return;
    frame = requestAnimationFrame(render);
  }

  function render() {
    frame = 0;
    if (!current) return;
    const info = current.info;
    current.info = {};
    // 'klplay:frame' is the script time of one update (Go call and charts), read by `make bench`.
    const start = performance.now();
    current.lab.update(current.state, info);
    performance.measure('klplay:frame', { start, end: performance.now() });
    marks.frame = String(++frames);
    if (!api) return; // the home view, drawn before Go is ready
    if (!drawn) {
      drawn = true;
      performance.mark('klplay:ready');
      marks.ready = 'true';
    }
    if (current.lab === home) {
      sessions?.follow();
      marks.hashWritten = String(frames);
      return;
    }
    hooks.drawn?.(current.lab, current.state);
    remembered.set(current.lab.id, current.state);
    sessions?.changed(current.lab, current.state);
    writeHash();
  }

  function ctxFor(lab) {
    return {
      get klplay() { return api; },
      /** The state as of the last set(). */
      state: () => current.state,
      /** Replaces the state; info (e.g. {animate: true}) reaches update(). Drawn in the next frame. */
      set(next, info) {
        if (current?.lab !== lab) return;
        current.state = next;
        schedule(info ?? {});
      },
      /** Redraws without a state change (e.g. after a drag ends). */
      refresh(info) { if (current?.lab === lab) schedule(info ?? {}); },
      notify,
      clearNotice,
      defaults: () => defaults(lab.schema),
    };
  }

  /** The lab the hash names (default the start view, else the first lab), its state fields, and what could not be read. */
  function readHash() {
    const pairs = splitHash(location.hash);
    const problems = [];
    let lab = home ?? labs[0];
    let fields = [];
    if (pairs === null) {
      problems.push('the address after # could not be read');
    } else {
      const id = pairs.find(([k]) => k === 'lab')?.[1];
      if (id !== undefined && !byId.has(id)) problems.push(`there is no lab called “${id.length > 24 ? `${id.slice(0, 24)}…` : id}”`);
      else if (id !== undefined) lab = byId.get(id);
      fields = pairs.filter(([k]) => k !== 'lab');
    }
    return { lab, fields, problems };
  }

  function route() {
    shownHash = location.hash;
    const { lab, fields, problems } = readHash();
    let state;
    if (lab === home) {
      state = {};
    } else if (fields.length === 0 && problems.length === 0 && remembered.has(lab.id)) {
      state = remembered.get(lab.id);
    } else {
      const r = parse(lab.schema, fields);
      problems.push(...r.problems);
      state = r.state;
      if (lab.check) {
        const c = lab.check(state);
        state = c.state;
        problems.push(...c.problems);
      }
    }
    if (problems.length) notify(`This link’s settings were partly invalid, so defaults are shown where needed: ${problems.join('; ')}.`);
    else clearNotice();
    show(lab, state, { animate: current?.lab === lab });
  }

  function markNav(lab) {
    for (const a of nav.querySelectorAll('a[data-lab]')) {
      if (a.dataset.lab === lab.id) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    menuName.textContent = path.get(lab.id)?.short ?? lab.title;
    document.title = lab === home ? 'KL Playground' : `${lab.title} · KL Playground`;
  }

  /** Previous and Next in teaching order, and what this lab builds on. */
  function pathNav(lab) {
    const i = labs.indexOf(lab);
    const link = (l, rel, label) => (l ? h('a', { class: `path-${rel}`, href: hrefOf(l, home), rel },
      h('span', { class: 'path-dir' }, label), h('span', { class: 'path-name' }, l.title)) : h('span'));
    return h('nav', { class: 'lab-path', 'aria-label': 'The path through the labs' },
      h('p', { class: 'path-builds' }, path.get(lab.id)?.buildsOn ?? ''),
      h('div', { class: 'path-links' }, link(i > 0 ? labs[i - 1] : home, 'prev', 'Previous'), link(labs[i + 1], 'next', 'Next')));
  }

  function show(lab, state, info) {
    markNav(lab);
    if (current?.lab !== lab) {
      const moved = current !== null;
      if (current) { current.lab.destroy(); current.el.remove(); }
      const el = h('section', { class: `lab lab-${lab.id}`, 'aria-labelledby': `lab-title-${lab.id}` });
      main.replaceChildren(el);
      current = { lab, el, state, info: {} };
      lab.mount(el, ctxFor(lab));
      if (lab !== home) el.append(pathNav(lab));
      hooks.mounted?.(lab, el, { home: lab === home });
      // A lab reached from another (the nav, Next at the foot of a lab) opens at its top.
      if (moved) window.scrollTo(0, 0);
    }
    current.state = state;
    schedule(info);
  }

  /** Before Go is ready: the lab's frame, so the page has its shape (and the home view all of it). */
  function showFrame() {
    const { lab } = readHash();
    if (lab === home) { show(home, {}, {}); return; }
    markNav(lab);
    const empty = () => h('div', { class: 'card frame-card' }, h('div', { class: 'frame-chart' }), h('p', { class: 'frame-note' }, 'Starting the calculator…'));
    main.replaceChildren(h('section', { class: `lab lab-frame lab-${lab.id}`, 'aria-busy': 'true', 'aria-labelledby': `lab-title-${lab.id}` },
      h('header', { class: 'lab-head' }, h('h1', { id: `lab-title-${lab.id}` }, lab.title), h('p', { class: 'lede' }, `${lab.blurb}.`)),
      h('div', { class: 'grid grid-top' }, empty(), empty())));
  }

  /** Shows a lab with a given state (an opened session), as if the reader had set it. */
  function openState(lab, state) {
    writeHash.cancel();
    clearNotice();
    show(lab, state, { animate: current?.lab === lab });
  }

  /** The autosaved states become what each lab shows when a link carries no state; the
   * first draw waits (briefly) only for the lab it shows, and only when its link names a lab but no state. */
  async function restoreAutosaved() {
    const { lab, fields, problems } = readHash();
    const pending = labs.map((l) => sessions.restore(l).then((state) => {
      if (state && !remembered.has(l.id)) remembered.set(l.id, state);
    }));
    if (lab !== home && fields.length === 0 && problems.length === 0) {
      await Promise.race([pending[labs.indexOf(lab)], new Promise((r) => { setTimeout(r, sessions.restoreWait); })]);
    }
  }

  // A hash that is the view on screen (the lab's own, written back) needs nothing;
  // any other, Back and Forward included, is routed.
  window.addEventListener('hashchange', () => {
    if (failed) return;
    if (current && current.lab !== home && location.hash.slice(1) === serialise(current.lab.schema, current.lab.id, current.state)) {
      shownHash = location.hash;
      return;
    }
    writeHash.cancel();
    if (api) route();
    else showFrame();
  });

  showFrame();
  return load().then(
    async (klplay) => {
      api = klplay;
      sessions = mountSessions({
        klplay,
        labs,
        header: nav.parentElement,
        current: () => (current && current.lab !== home ? { lab: current.lab, state: current.state } : null),
        open: openState,
        link: (lab, state) => `${location.href.split('#')[0]}#${serialise(lab.schema, lab.id, state)}`,
      });
      await restoreAutosaved();
      route();
    },
    (err) => {
      failed = true;
      current?.lab.destroy();
      current = null;
      marks.ready = 'error';
      main.replaceChildren(h('div', { class: 'load-error', role: 'alert' },
        h('h2', {}, 'The calculator could not start'),
        h('p', {}, 'Every number on this page is computed by a small WebAssembly program, and it did not load: ',
          h('code', {}, String(err?.message ?? err)), '.'),
        h('p', {}, 'Reload the page to try again. If it keeps failing, your browser may have WebAssembly turned off, or the files klplay.wasm and wasm_exec.js are missing next to this page.')));
      throw err;
    },
  );
}
