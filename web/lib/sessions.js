// The sessions panel, shared by every lab (mounted by shell.js): save the current
// view under a name with notes, list, open, rename, delete with undo, export and
// import files, copy a share link; and the autosave of each lab's current state.
// Storage is klplay.sessions (wasm/sessions.go): IndexedDB, or memory where the
// browser refuses it, which the panel then says.
//
// Reader-supplied text (names, notes, file names, messages quoting them) only
// ever goes in through textContent (h() from dom.js), never as markup.
import { h, debounce, uniqueId } from './dom.js';
import { defaults } from './schema.js';
import { UNIT, apportion } from './measure.js';

const AUTOSAVE_DELAY = 1000; // ms of quiet before the current state is kept
const RESTORE_WAIT = 1500; // ms the first draw waits for an autosaved state at most
const UNDO_MS = 10_000; // how long "Undo" is offered after a delete
const MAX_IMPORT_BYTES = 16 << 20; // core/session MaxImportSize: larger files are refused unread
const MAX_NAME = 120; // core/session MaxNameLen
const MAX_NOTES = 20_000; // core/session MaxNotesLen
const LISTED = 12; // names listed in an import report before "and N more"

/**
 * The page's state → the stored state (core/session/labs/<id>.json): distributions,
 * held by the page as integer micro-units, become probabilities; arrays are copied.
 */
export function toStored(schema, state) {
  const out = {};
  for (const f of schema) {
    const v = state[f.name];
    if (v === undefined) continue;
    if (f.type === 'distribution') out[f.name] = v.map((u) => u / UNIT);
    else out[f.name] = Array.isArray(v) ? [...v] : v;
  }
  return out;
}

const KINDS = {
  int: (v) => typeof v === 'number' && Number.isFinite(v),
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  bool: (v) => typeof v === 'boolean',
  enum: (v, f) => f.values.includes(v),
  labels: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  numbers: (v) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x)),
  distribution: (v) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0) && v.some((x) => x > 0),
};

/**
 * A stored state → the page's state: probabilities become micro-units (exactly,
 * when they are whole units summing to one, as the page saves them; else
 * apportioned), missing or ill-typed fields take their defaults. The core has
 * validated stored states already; this only guards the page. Apply the lab's
 * check() after it.
 */
export function fromStored(schema, stored) {
  const state = defaults(schema);
  for (const f of schema) {
    const v = stored?.[f.name];
    if (v === undefined || v === null || !(KINDS[f.type]?.(v, f) ?? true)) continue;
    if (f.type === 'distribution') {
      const units = v.map((x) => Math.round(x * UNIT));
      const whole = units.reduce((a, b) => a + b, 0) === UNIT && v.every((x, i) => Math.abs(x * UNIT - units[i]) < 1e-6);
      state[f.name] = whole ? units : apportion(v);
    } else {
      state[f.name] = Array.isArray(v) ? [...v] : v;
    }
  }
  return state;
}

/** A lab's state from a stored one, through the lab's own cross-field check. */
function pageState(lab, stored) {
  const state = fromStored(lab.schema, stored);
  return lab.check ? lab.check(state).state : state;
}

/** An error as a sentence for the reader: "sessions.save: name: is empty" → "The name is empty.". */
function plain(err) {
  let msg = String(err?.message ?? err).replace(/^sessions\.\w+: /, '');
  const m = msg.match(/^([a-z][\w.]*): ([^]*)$/);
  const verb = /^(is|has|must|contains|was|needs|holds|should) /;
  if (m && verb.test(m[2])) msg = `The ${m[1]} ${m[2]}`;
  else if (m && m[1] === err?.arg) msg = m[2];
  return msg.charAt(0).toUpperCase() + msg.slice(1).replace(/\.?$/, '.');
}

const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const full = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
const short = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** "just now", "5 minutes ago", "yesterday", "3 weeks ago"… */
export function ago(ms, now = Date.now()) {
  const s = (ms - now) / 1000;
  const a = Math.abs(s);
  if (a < 45) return 'just now';
  for (const [unit, size, below] of [['minute', 60, 3600], ['hour', 3600, 86400], ['day', 86400, 604800], ['week', 604800, 2629800], ['month', 2629800, 31557600]]) {
    if (a < below) return rtf.format(Math.round(s / size), unit);
  }
  return rtf.format(Math.round(s / 31557600), 'year');
}

const icon = (d, stroke = 1.8) => h('svg:svg', { viewBox: '0 0 24 24', width: 18, height: 18, 'aria-hidden': 'true', focusable: 'false', class: 'icon' },
  h('svg:path', { d, fill: 'none', stroke: 'currentColor', 'stroke-width': stroke, 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }));
const BOOKMARK = 'M6 3.5h12v17l-6-4.2-6 4.2z';
const MORE = 'M5 12h.01M12 12h.01M19 12h.01';
const LINK = 'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1';

/**
 * Mounts the panel and its header toggle. host:
 *   klplay        the loaded API (klplay.sessions)
 *   labs          every lab module ({id, title, schema, check?})
 *   header        the element the toggle goes in (the header row)
 *   current()     → {lab, state} shown now, or null
 *   open(lab, state)  shows a lab with a state
 *   link(lab, state)  → the share URL of a state
 * Returns {changed(lab, state), follow(), restore(lab) → Promise<state|null>, restoreWait}.
 */
export function mountSessions({ klplay, labs, header, current, open, link }) {
  const S = klplay.sessions;
  const byId = new Map(labs.map((l) => [l.id, l]));
  const labTitle = (id) => byId.get(id)?.title ?? id;
  let opened = null; // the stored session the view was opened from (or last saved as): {id, name, lab, updated, notes}
  let shownLab = null;
  let summaries = [];
  let listed = false; // the list has been read at least once

  // --- the toggle in the header
  const panelId = uniqueId('sessions');
  const toggle = h('button', { type: 'button', class: 'sessions-toggle', 'aria-expanded': 'false', 'aria-controls': panelId, title: 'Save, open, share, export and import your work' },
    icon(BOOKMARK), h('span', {}, 'Sessions'));
  header.append(toggle);

  // --- the save form: "This view"
  const nameId = uniqueId('sess-name');
  const notesId = uniqueId('sess-notes');
  const viewLab = h('span', { class: 'sessions-lab' });
  const nameInput = h('input', { id: nameId, name: 'name', type: 'text', maxlength: MAX_NAME, autocomplete: 'off', spellcheck: 'false' });
  const notesInput = h('textarea', { id: notesId, name: 'notes', rows: 2, maxlength: MAX_NOTES, placeholder: 'What you noticed, what to try next…' });
  const saveButton = h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'save-session', onclick: () => saveNew() }, 'Save');
  const updateButton = h('button', { type: 'button', class: 'btn', 'data-action': 'update-session', hidden: true, onclick: () => updateOpened() });
  const copyButton = h('button', { type: 'button', class: 'btn btn-small btn-link', 'data-action': 'copy-link', onclick: () => copyLink() }, icon(LINK), 'Copy link');
  // Not a <form>: a frame sandboxed without allow-forms drops submit events.
  onEnter(nameInput, () => saveNew());
  const form = h('div', { class: 'sessions-save', role: 'group', 'aria-label': 'Save this view' },
    h('div', { class: 'sessions-viewhead' }, h('p', { class: 'sessions-kicker' }, 'This view · ', viewLab), copyButton),
    h('label', { for: nameId, class: 'sessions-label' }, 'Name'),
    nameInput,
    h('label', { for: notesId, class: 'sessions-label' }, 'Notes ', h('span', { class: 'sessions-optional' }, '(optional, yours)')),
    notesInput,
    h('div', { class: 'sessions-actions' }, saveButton, updateButton));
  // The start view has no state to keep: the panel lists and opens sessions, and says where saving is.
  const nothingHere = h('p', { class: 'sessions-nothing', hidden: true }, 'Open a lab to save its view; your saved sessions are below.');

  // --- messages, storage note, list
  const storageNote = h('p', { class: 'sessions-storage', hidden: true });
  const message = h('div', { class: 'sessions-message', role: 'status', 'aria-live': 'polite' });
  const fileInput = h('input', { type: 'file', accept: '.json,application/json', hidden: true, tabindex: -1, 'data-action': 'import-file' });
  fileInput.addEventListener('change', () => { const f = fileInput.files?.[0]; fileInput.value = ''; importFile(f); });
  const count = h('span', { class: 'sessions-count' });
  const list = h('ul', { class: 'sessions-list', 'aria-label': 'Saved sessions' });
  const empty = h('p', { class: 'sessions-empty', hidden: true }, 'Nothing saved yet. In a lab, name its view and press Save; it stays in this browser until you delete it.');
  const skippedNote = h('div', { class: 'sessions-skipped', hidden: true });
  const closeButton = h('button', { type: 'button', class: 'sessions-close', 'aria-label': 'Close sessions', onclick: () => setOpen(false) }, '×');
  const titleId = uniqueId('sessions-title');
  const panel = h('aside', { id: panelId, class: 'sessions', 'aria-labelledby': titleId, tabindex: -1 },
    h('div', { class: 'sessions-head' }, h('h2', { id: titleId }, 'Sessions'), closeButton),
    h('div', { class: 'sessions-body' },
      storageNote,
      form,
      nothingHere,
      message,
      h('div', { class: 'sessions-listhead' },
        h('h3', {}, 'Saved ', count),
        h('div', { class: 'sessions-tools' },
          h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'import', onclick: () => fileInput.click() }, 'Import…'),
          h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'export-all', onclick: () => exportAll() }, 'Export all'))),
      fileInput,
      list,
      empty,
      skippedNote,
      h('p', { class: 'sessions-hint' }, 'Drop an exported .json file here to import it. A link from Copy link shows exactly this view to anyone.')),
    h('div', { class: 'sessions-drop', 'aria-hidden': 'true' }, 'Drop to import'));
  document.body.append(panel);

  // --- the toast (undo, confirmations)
  const toastText = h('span', { class: 'toast-text' });
  const toastButton = h('button', { type: 'button', class: 'toast-action', hidden: true });
  const toast = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite', hidden: true }, toastText, toastButton);
  document.body.append(toast);
  let toastTimer = 0;
  let toastRun = null;
  function showToast(text, action) {
    clearTimeout(toastTimer);
    toastText.textContent = text;
    toastRun = action?.run ?? null;
    toastButton.hidden = !action;
    toastButton.textContent = action?.label ?? '';
    toast.hidden = false;
    toastTimer = setTimeout(hideToast, action ? UNDO_MS : 3500);
  }
  function hideToast() { clearTimeout(toastTimer); toast.hidden = true; toastRun = null; }
  toastButton.addEventListener('click', () => { const run = toastRun; hideToast(); run?.(); });

  // --- open and close
  let isOpen = false;
  function setOpen(on, { focus = true } = {}) {
    if (on === isOpen) return;
    isOpen = on;
    panel.classList.toggle('is-open', on);
    toggle.setAttribute('aria-expanded', String(on));
    if (on) {
      syncView();
      refresh();
      if (focus) ((listed && summaries.length) || form.hidden ? panel : nameInput).focus({ preventScroll: true });
    } else if (focus) {
      const at = document.activeElement;
      if (panel.contains(at) || at === document.body || at === null) toggle.focus();
    }
  }
  toggle.addEventListener('click', () => setOpen(!isOpen));
  // Escape closes the panel when focus is in it (or nowhere in particular).
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented || !isOpen) return;
    const at = document.activeElement;
    if (panel.contains(at) || at === toggle || at === document.body || at === null) { e.preventDefault(); setOpen(false); }
  });
  // Relative times stay true while the panel is open; other tabs' changes show on return.
  setInterval(() => { if (isOpen && !document.hidden) renderList(); }, 60_000);
  document.addEventListener('visibilitychange', () => { if (isOpen && !document.hidden) refresh(); });

  // --- the storage note, said once
  S.ready().then(({ storage, storageNote: note }) => {
    panel.dataset.storage = storage;
    if (storage === 'memory') {
      storageNote.replaceChildren(h('strong', {}, 'Kept in this tab only. '), note ? `${note.charAt(0).toUpperCase()}${note.slice(1).replace(/\.?$/, '.')}` : 'This browser does not let the page store anything here; export your sessions to keep them.');
      storageNote.hidden = false;
      empty.textContent = 'Nothing saved yet. In a lab, name its view and press Save; it lasts until this tab closes, so export what you want to keep.';
    }
  }, () => {});

  // --- messages in the panel
  function say(kind, ...parts) {
    message.replaceChildren(h('div', { class: `sessions-note sessions-note-${kind}` }, ...parts));
  }
  function clearSay() { message.replaceChildren(); }
  function failed(what, err) {
    if (err?.code === 'storage') say('error', h('strong', {}, `${what} failed: `), `the browser refused to write. ${plain(err)} Whatever was stored before is unchanged.`);
    else if (err?.code === 'blocked') say('error', h('strong', {}, `${what} failed: `), 'another tab of KL Playground is holding the storage. Close or reload the other tabs and try again.');
    else say('error', h('strong', {}, `${what} failed: `), plain(err));
  }

  /** Asks inline (no modal dialog: a sandboxed frame may forbid them); resolves to the chosen value. */
  function ask(text, choices) {
    return new Promise((resolve) => {
      const buttons = choices.map(([label, value], i) => h('button', { type: 'button', class: i === 0 ? 'btn btn-primary btn-small' : 'btn btn-small', onclick: () => { clearSay(); resolve(value); } }, label));
      say('warn', h('p', {}, text), h('div', { class: 'sessions-actions' }, buttons));
      buttons[0].focus();
    });
  }

  /** save() that asks before overwriting a newer version saved elsewhere. Resolves to the stored session, or null. */
  async function saveChecked(session) {
    try {
      return await S.save(session);
    } catch (err) {
      if (err?.code !== 'conflict') throw err;
      const force = await ask(`“${session.name}” was changed in another tab after you opened it here. Overwrite that version with this one?`,
        [['Overwrite', true], ['Keep the other version', false]]);
      if (!force) { await refresh(); return null; }
      return S.save(session, { force: true });
    }
  }

  // --- "This view"
  function syncView() {
    const cur = current();
    form.hidden = !cur;
    nothingHere.hidden = !!cur;
    if (!cur) { shownLab = null; return; }
    if (shownLab !== cur.lab) {
      shownLab = cur.lab;
      viewLab.textContent = cur.lab.title;
    }
    nameInput.placeholder = `${cur.lab.title}, ${short.format(Date.now())}`;
    const canUpdate = opened && opened.lab === cur.lab.id;
    updateButton.hidden = !canUpdate;
    saveButton.textContent = canUpdate ? 'Save as new' : 'Save';
    if (canUpdate) {
      updateButton.textContent = `Update “${clip(opened.name, 18)}”`;
      updateButton.title = `Store this view in “${opened.name}”`;
    }
  }

  async function saveNew() {
    const cur = current();
    if (!cur) return;
    const name = nameInput.value.trim() || nameInput.placeholder;
    if (!busy(saveButton, true)) return;
    try {
      const s = await S.save({ name, lab: cur.lab.id, state: toStored(cur.lab.schema, cur.state), notes: notesInput.value });
      remember(s);
      nameInput.value = '';
      notesInput.value = '';
      say('ok', 'Saved “', s.name, '”.');
      await refresh(s.id);
    } catch (err) {
      failed('Saving', err);
    } finally {
      busy(saveButton, false);
      syncView();
    }
  }

  async function updateOpened() {
    const cur = current();
    if (!cur || !opened || opened.lab !== cur.lab.id) return;
    if (!busy(updateButton, true)) return;
    try {
      const base = await S.get(opened.id).catch((err) => { if (err?.code === 'not-found') return null; throw err; });
      if (!base) { say('warn', '“', opened.name, '” is no longer stored (deleted in another tab?). Save this view as a new session instead.'); opened = null; await refresh(); return; }
      const s = await saveChecked({ ...base, state: toStored(cur.lab.schema, cur.state), updated: opened.updated });
      if (s) { remember(s); say('ok', 'Updated “', s.name, '” with this view.'); await refresh(s.id); }
    } catch (err) {
      failed('Updating', err);
    } finally {
      busy(updateButton, false);
      syncView();
    }
  }

  function remember(s) {
    opened = { id: s.id, name: s.name, lab: s.lab, updated: s.updated };
  }

  async function copyLink() {
    const cur = current();
    if (!cur) return;
    const url = link(cur.lab, cur.state);
    copyButton.dataset.link = url;
    try {
      await navigator.clipboard.writeText(url);
      showToast('Link copied: it opens this exact view.');
    } catch {
      // No clipboard here (permissions, a sandboxed frame): offer the link to copy by hand.
      const field = h('input', { type: 'text', readonly: true, value: url, class: 'sessions-link', 'aria-label': 'Link to this view' });
      say('info', h('p', {}, 'Copy this link (the browser did not allow copying it for you):'), field);
      field.focus();
      field.select();
    }
  }

  // --- the list
  async function refresh(focusId) {
    try {
      const r = await S.list({ withSkipped: true });
      summaries = r.sessions;
      listed = true;
      renderList(focusId);
      renderSkipped(r.skipped);
    } catch (err) {
      failed('Reading the saved sessions', err);
    }
  }

  function renderList(focusId) {
    const editing = new Map([...list.querySelectorAll('.session.is-editing')].map((li) => [li.dataset.id, li]));
    count.textContent = summaries.length ? `(${summaries.length})` : '';
    empty.hidden = summaries.length > 0;
    const now = Date.now();
    list.replaceChildren(...summaries.map((s) => editing.get(s.id) ?? item(s, now)));
    for (const li of list.children) {
      const s = summaries.find((x) => x.id === li.dataset.id);
      if (editing.has(s.id)) li.querySelector('time').textContent = ago(s.updated, now);
      li.classList.toggle('is-opened', opened?.id === s.id);
    }
    if (focusId) list.querySelector(`.session[data-id="${CSS.escape(focusId)}"] .session-open`)?.scrollIntoView({ block: 'nearest' });
  }

  function item(s, now) {
    const editId = uniqueId('sess-edit');
    const openButton = h('button', { type: 'button', class: 'session-open', 'data-action': 'open', onclick: () => openSession(s.id) },
      h('span', { class: 'session-name' }, s.name),
      h('span', { class: 'session-meta' }, labTitle(s.lab), ' · ',
        h('time', { datetime: new Date(s.updated).toISOString(), title: full.format(s.updated) }, ago(s.updated, now))));
    openButton.setAttribute('aria-label', `Open ${s.name} (${labTitle(s.lab)}, saved ${ago(s.updated, now)})`);
    const more = h('button', { type: 'button', class: 'session-more', 'data-action': 'edit', 'aria-expanded': 'false', 'aria-controls': editId, title: 'Notes, rename, export, delete' }, icon(MORE, 3));
    more.setAttribute('aria-label', `Details of ${s.name}`);
    const li = h('li', { class: 'session', 'data-id': s.id }, h('div', { class: 'session-row' }, openButton, more));
    const editor = h('div', { class: 'session-edit', id: editId, hidden: true });
    li.append(editor);
    more.addEventListener('click', () => {
      const on = editor.hidden;
      editor.hidden = !on;
      more.setAttribute('aria-expanded', String(on));
      li.classList.toggle('is-editing', on);
      if (on) fillEditor(s.id, editor);
    });
    return li;
  }

  async function fillEditor(id, editor) {
    editor.replaceChildren(h('p', { class: 'sessions-hint' }, 'Loading…'));
    let s;
    try {
      s = await S.get(id);
    } catch (err) {
      editor.replaceChildren(h('p', { class: 'sessions-note sessions-note-error' }, plain(err)),
        h('div', { class: 'sessions-actions' }, h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-action': 'delete', onclick: () => remove(id) }, 'Delete')));
      return;
    }
    const nId = uniqueId('sess-n');
    const tId = uniqueId('sess-t');
    const name = h('input', { id: nId, type: 'text', value: s.name, maxlength: MAX_NAME, autocomplete: 'off', spellcheck: 'false', 'data-field': 'name' });
    const notes = h('textarea', { id: tId, rows: 4, maxlength: MAX_NOTES, 'data-field': 'notes', placeholder: 'Your notes on this session' });
    notes.value = s.notes;
    const saveEdits = h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-action': 'save-edits', onclick: () => commit() });
    saveEdits.textContent = 'Save changes';
    onEnter(name, () => commit());
    async function commit() {
      const newName = name.value.trim();
      if (!newName) { say('error', 'A session needs a name.'); name.focus(); return; }
      if (!busy(saveEdits, true)) return;
      try {
        // A new name alone is a rename (no conflict to fear); notes save the whole session.
        const out = notes.value === s.notes
          ? (newName === s.name ? s : await S.rename(s.id, newName))
          : await saveChecked({ ...s, name: newName, notes: notes.value });
        if (!out) return;
        s = out;
        if (opened?.id === s.id) remember(s);
        say('ok', 'Saved your changes to “', s.name, '”.');
        const i = summaries.findIndex((x) => x.id === s.id);
        if (i >= 0) {
          summaries[i] = { ...summaries[i], name: s.name, updated: s.updated };
          const li = editor.closest('.session');
          li.querySelector('.session-name').textContent = s.name;
          li.querySelector('.session-open').setAttribute('aria-label', `Open ${s.name} (${labTitle(s.lab)}, saved just now)`);
          li.querySelector('.session-more').setAttribute('aria-label', `Details of ${s.name}`);
        }
        await refresh();
        syncView();
      } catch (err) {
        failed('Saving the changes', err);
      } finally {
        busy(saveEdits, false);
      }
    }
    const f = h('div', { class: 'session-form', role: 'group', 'aria-label': `Edit ${s.name}` },
    h('label', { for: nId, class: 'sessions-label' }, 'Name'), name,
    h('label', { for: tId, class: 'sessions-label' }, 'Notes'), notes,
    h('div', { class: 'sessions-actions' },
      saveEdits,
      h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'export-one', onclick: () => exportOne(s) }, 'Export'),
      h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-action': 'delete', onclick: () => remove(s.id) }, 'Delete')),
    h('p', { class: 'sessions-hint' }, 'Created ', full.format(s.created), '.'));
    editor.replaceChildren(f);
  }

  function renderSkipped(skipped) {
    skippedNote.hidden = !skipped.length;
    if (!skipped.length) { skippedNote.replaceChildren(); return; }
    skippedNote.replaceChildren(
      h('p', {}, skipped.length === 1 ? 'One stored session cannot be read and is left out:' : `${skipped.length} stored sessions cannot be read and are left out:`),
      h('ul', {}, skipped.slice(0, LISTED).map((c) => h('li', {},
        c.name ? `“${c.name}”: ` : `${c.id}: `, plain({ message: c.reason }), ' ',
        h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => remove(c.id) }, 'Delete')))));
  }

  async function openSession(id) {
    let s;
    try {
      s = await S.get(id);
    } catch (err) {
      if (err?.code === 'not-found') { say('warn', 'That session is gone (deleted in another tab?).'); await refresh(); return; }
      failed('Opening', err);
      return;
    }
    const lab = byId.get(s.lab);
    if (!lab) { say('error', 'This session belongs to a lab this page does not have.'); return; }
    remember(s);
    open(lab, pageState(lab, s.state));
    clearSay();
    syncView();
    renderList();
    showToast(`Opened “${clip(s.name, 40)}”.`);
    if (matchMedia('(max-width: 700px)').matches) setOpen(false);
  }

  async function remove(id) {
    let gone;
    try {
      gone = await S.delete(id);
    } catch (err) {
      failed('Deleting', err);
      return;
    }
    const at = summaries.findIndex((x) => x.id === id);
    if (opened?.id === id) opened = null;
    await refresh();
    syncView();
    const next = list.children[Math.min(Math.max(at, 0), list.children.length - 1)];
    (next?.querySelector('.session-open') ?? nameInput).focus();
    showToast(`Deleted “${clip(String(gone?.name ?? id), 40)}”.`, {
      label: 'Undo',
      run: async () => {
        try {
          const back = await S.save(gone);
          showToast(`“${clip(back.name, 40)}” is back.`);
          await refresh(back.id);
          list.querySelector(`.session[data-id="${CSS.escape(back.id)}"] .session-open`)?.focus();
        } catch (err) {
          failed('Undoing the delete', err);
        }
      },
    });
  }

  // --- export and import
  function download(text, filename) {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = h('a', { href: url, download: filename, class: 'sessions-download' }, filename);
    a.addEventListener('click', () => setTimeout(() => URL.revokeObjectURL(url), 60_000), { once: true });
    document.body.append(a);
    a.click();
    a.remove();
  }
  const stamp = () => new Date().toISOString().slice(0, 10);
  const slug = (name) => name.normalize('NFKD').replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).toLowerCase() || 'session';

  async function exportAll() {
    try {
      const text = await S.exportAll();
      const n = JSON.parse(text).sessions.length;
      if (!n) { say('info', 'There is nothing to export yet.'); return; }
      const file = `klplay-sessions-${stamp()}.json`;
      download(text, file);
      say('ok', `Exported ${n === 1 ? 'one session' : `${n} sessions`} to ${file}.`);
    } catch (err) {
      failed('Exporting', err);
    }
  }

  async function exportOne(s) {
    try {
      const file = `klplay-${slug(s.name)}-${stamp()}.json`;
      download(await S.exportOne(s.id), file);
      say('ok', 'Exported “', s.name, `” to ${file}.`);
    } catch (err) {
      failed('Exporting', err);
    }
  }

  async function importFile(file) {
    if (!file) return;
    if (file.size > MAX_IMPORT_BYTES) {
      say('error', h('strong', {}, 'Nothing was imported. '), '“', file.name, `” is ${(file.size / 2 ** 20).toFixed(1)} MB; an export file of KL Playground is at most ${MAX_IMPORT_BYTES / 2 ** 20} MB.`);
      return;
    }
    let text;
    try {
      text = await file.text();
    } catch (err) {
      say('error', h('strong', {}, 'Nothing was imported. '), 'The file “', file.name, '” could not be read: ', String(err?.message ?? err));
      return;
    }
    let r;
    try {
      r = await S.importAll(text);
    } catch (err) {
      if (err?.code === 'storage' || err?.code === 'blocked' || err?.code === 'conflict') failed('Importing', err);
      else say('error', h('strong', {}, 'Nothing was imported. '), '“', file.name, '”: ', plain(err));
      return;
    }
    reportImport(file.name, r);
    await refresh(r.added[0]?.id);
  }

  function reportImport(fileName, { added, skipped }) {
    const names = (xs, fn) => h('ul', {}, xs.slice(0, LISTED).map(fn), xs.length > LISTED ? h('li', {}, `and ${xs.length - LISTED} more`) : null);
    const total = added.length + skipped.length;
    const parts = [h('p', {}, h('strong', {}, added.length ? `Imported ${added.length} of ${total} session${total === 1 ? '' : 's'}` : 'Nothing new was imported'), ' from “', fileName, '”.')];
    if (added.length) {
      parts.push(names(added, (a) => h('li', {}, '“', a.name, '” (', labTitle(a.lab), ')',
        a.originalId ? ' — kept beside a different session with the same id' : '')));
    }
    if (skipped.length) {
      parts.push(h('p', {}, `Skipped ${skipped.length}:`));
      parts.push(names(skipped, (sk) => h('li', {}, sk.name ? ['“', sk.name, '”'] : `entry ${sk.index + 1}`, ': ', plain({ message: sk.reason }))));
    }
    say(added.length ? 'ok' : 'info', ...parts);
  }

  // Drag and drop onto the panel.
  let depth = 0;
  const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  panel.addEventListener('dragenter', (e) => { if (!hasFiles(e)) return; e.preventDefault(); depth++; panel.classList.add('is-drop'); });
  panel.addEventListener('dragover', (e) => { if (!hasFiles(e)) return; e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; });
  panel.addEventListener('dragleave', () => { depth = Math.max(0, depth - 1); if (!depth) panel.classList.remove('is-drop'); });
  panel.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    panel.classList.remove('is-drop');
    importFile(e.dataTransfer?.files?.[0]);
  });

  // --- autosave
  let autosaveFailed = false;
  const autosave = debounce((lab, state) => {
    S.saveCurrent(lab.id, toStored(lab.schema, state)).then(() => { autosaveFailed = false; }, (err) => {
      if (autosaveFailed) return;
      autosaveFailed = true;
      if (err?.code === 'storage' || err?.code === 'blocked') failed('Keeping this view for next time', err);
      else console.warn('klplay: the autosave was refused:', err);
    });
  }, AUTOSAVE_DELAY);
  const flush = () => autosave.flush();
  window.addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => { if (document.hidden) flush(); });

  return {
    /** Called after each drawn update: keeps the state (debounced) and follows the lab. */
    changed(lab, state) {
      autosave(lab, state);
      if (isOpen && lab !== shownLab) syncView();
    },
    /** Called when the page shows a view that is not a lab (the start view). */
    follow() { if (isOpen) syncView(); },
    /** The autosaved state of a lab as the page holds it, or null. */
    async restore(lab) {
      try {
        const c = await S.loadCurrent(lab.id);
        return c ? pageState(lab, c.state) : null;
      } catch {
        return null;
      }
    },
    restoreWait: RESTORE_WAIT,
    /** For tests: the panel element. */
    panel,
  };
}

/**
 * Marks a button busy while its action runs (aria-disabled, not disabled: a
 * disabled button would drop the keyboard focus). busy(b, true) is false when
 * it already was.
 */
function busy(button, on) {
  if (on && button.getAttribute('aria-disabled') === 'true') return false;
  if (on) button.setAttribute('aria-disabled', 'true');
  else button.removeAttribute('aria-disabled');
  return true;
}

function onEnter(input, fn) {
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.isComposing) { e.preventDefault(); fn(); }
  });
}

function clip(s, n) {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
