// The sessions panel (web/lib/sessions.js) as a reader meets it: save, reload and
// restart, open, autosave, share link, rename, delete and undo, notes, export and
// import (picker and drag-and-drop) with bad files, a conflicting save from another
// tab, a failed write, small screens and keyboard, and the page inside a
// sandboxed iframe on the memory store. Each test has its own browser context, so
// its own empty storage.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixture, downloaded, launchPersistent, profileDir, watched, ready, hashSettled } from '../harness.mjs';

const { server, browser } = await fixture();
const tmp = await mkdtemp(path.join(tmpdir(), 'klplay-sessions-'));
after(() => rm(tmp, { recursive: true, force: true }));

const DESKTOP = { width: 1280, height: 900 };

async function openPage(context, hash = '#lab=divergence') {
  const page = await context.newPage();
  const errors = watched(page, context);
  await page.goto(server.url + hash);
  await ready(page);
  return { page, errors };
}

const panel = (page) => page.locator('aside.sessions');
const toggle = (page) => page.locator('.sessions-toggle');
const message = (page) => page.locator('.sessions-message');

async function openPanel(page) {
  if (await toggle(page).getAttribute('aria-expanded') !== 'true') await toggle(page).click();
  await page.waitForFunction(() => document.querySelector('aside.sessions')?.classList.contains('is-open'));
}

/** Names listed in the panel, newest first. */
async function listed(page) {
  return page.locator('.sessions-list .session-name').allTextContents();
}

async function waitListed(page, n) {
  await page.waitForFunction((n) => document.querySelectorAll('.sessions-list .session').length === n, n);
}

/** Saves the current view from the panel's form. */
async function saveAs(page, name, notes = '') {
  await openPanel(page);
  const n = (await listed(page)).length;
  await page.locator('.sessions-save input[name="name"]').fill(name);
  await page.locator('.sessions-save textarea[name="notes"]').fill(notes);
  await page.locator('[data-action="save-session"]').click();
  await waitListed(page, n + 1);
  await page.waitForFunction(() => document.querySelector('.sessions-message')?.textContent.startsWith('Saved'));
}

const row = (page, name) => page.locator('.sessions-list .session').filter({ has: page.locator('.session-name', { hasText: name }) });

async function expand(page, name) {
  const r = row(page, name);
  if (await r.locator('.session-more').getAttribute('aria-expanded') !== 'true') await r.locator('.session-more').click();
  await r.locator('.session-form').waitFor();
  return r;
}

/** The Divergence lab's numbers as shown (exact data-values) and the state in the hash. */
async function divergenceView(page) {
  await page.waitForFunction(() => /[#&]p=/.test(location.hash));
  return page.evaluate(() => ({
    kl: document.querySelector('.readouts output[data-readout="kl"]').dataset.value,
    js: document.querySelector('.readouts output[data-readout="jensenShannon"]').dataset.value,
    unit: document.querySelector('.hero .unit').textContent,
    sliders: [...document.querySelectorAll('.fig-dist [role="slider"]')].map((el) => el.getAttribute('aria-valuenow')),
  }));
}

async function shifted(page) {
  await page.getByRole('button', { name: 'Shifted' }).click();
  await page.getByLabel('bits', { exact: true }).check();
  return hashSettled(page);
}

const allSessions = (page) => page.evaluate(async () => {
  const S = globalThis.klplay.sessions;
  const list = await S.list();
  return Promise.all(list.map((s) => S.get(s.id)));
});

test('save → reload and browser restart → still there, and opening it restores the lab and its state', async () => {
  const profile = await profileDir();
  try {
    let context = await launchPersistent(profile.dir);
    let { page, errors } = await openPage(context);
    const hash = await shifted(page);
    const want = await divergenceView(page);
    await saveAs(page, 'Shifted, in bits', 'Mass moved one category right.');
    assert.deepEqual(await listed(page), ['Shifted, in bits']);
    assert.match(await row(page, 'Shifted, in bits').locator('.session-meta').textContent(), /^Divergence · just now$/);
    const stored = (await allSessions(page))[0];
    assert.equal(stored.notes, 'Mass moved one category right.');
    assert.equal(stored.lab, 'divergence');
    // The store holds probabilities (the page's micro-units converted), valid for the core.
    assert.deepEqual(stored.state.p, hash.match(/[#&]p=([^&]*)/)[1].split(',').map(Number));
    assert.ok(Math.abs(stored.state.q.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.equal(stored.state.unit, 'bits');

    // Elsewhere, then reload: the session is listed; opening it switches lab and state.
    await page.locator('.site-nav a[data-lab="cross-entropy"]').click();
    await page.waitForFunction(() => document.querySelector('.lab-cross-entropy'));
    await page.reload();
    await ready(page);
    await openPanel(page);
    await waitListed(page, 1);
    await row(page, 'Shifted, in bits').locator('.session-open').click();
    await page.waitForFunction(() => document.querySelector('.lab-divergence') && document.querySelector('.site-nav a[aria-current="page"]')?.dataset.lab === 'divergence');
    assert.deepEqual(await divergenceView(page), want);
    assert.equal(await hashSettled(page), hash, 'the URL carries the opened state');
    assert.ok(await row(page, 'Shifted, in bits').evaluate((li) => li.classList.contains('is-opened')));
    assert.deepEqual(errors, []);
    await context.close();

    // A browser restart keeps it too, notes included.
    context = await launchPersistent(profile.dir);
    ({ page, errors } = await openPage(context, '#lab=cross-entropy'));
    await openPanel(page);
    await waitListed(page, 1);
    const r = await expand(page, 'Shifted, in bits');
    assert.equal(await r.locator('textarea[data-field="notes"]').inputValue(), 'Mass moved one category right.');
    await r.locator('.session-open').click();
    await page.waitForFunction(() => document.querySelector('.lab-divergence'));
    assert.deepEqual(await divergenceView(page), want);
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await profile.remove();
  }
});

test('the current state is autosaved and comes back on a link without state; a link with state wins', async () => {
  const context = await browser.newContext({ viewport: DESKTOP });
  const { page } = await openPage(context);
  const defaults = await divergenceView(page);
  await shifted(page);
  const slider = page.locator('.fig-dist [role="slider"][data-series="q"][data-index="2"]');
  await slider.focus();
  const kept = async () => page.evaluate(async () => (await globalThis.klplay.sessions.loadCurrent('divergence'))?.state ?? null);
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  let state = await kept(); // at once, well inside the quiet moment the autosave waits for
  const hash = await hashSettled(page);
  const want = await divergenceView(page);
  assert.notDeepEqual(want, defaults);
  // Kept after about a second of quiet.
  const q = hash.match(/[#&]q=([^&]*)/)[1].split(',').map(Number);
  assert.notDeepEqual(state?.q, q, 'not at once: the autosave waits for a quiet moment');
  // The page reads the store each frame until it holds the new state.
  await page.evaluate(() => {
    const read = async () => { window.__keptQ = JSON.stringify((await globalThis.klplay.sessions.loadCurrent('divergence'))?.state?.q); requestAnimationFrame(read); };
    read();
  });
  await page.waitForFunction((q) => window.__keptQ === q, JSON.stringify(q));
  state = await kept();
  assert.deepEqual(state.q, q);
  assert.equal(state.unit, 'bits');

  // A bare address is the start view; the lab named without a state is the autosaved one.
  await page.goto(server.url);
  await ready(page);
  assert.ok(await page.locator('section.lab-start').isVisible());
  await page.goto(`${server.url}#lab=divergence`);
  await ready(page);
  assert.deepEqual(await divergenceView(page), want);
  assert.equal(await hashSettled(page), hash);

  await page.goto(`${server.url}#lab=cross-entropy`);
  await page.goto(`${server.url}#lab=divergence`); // the lab named, but no state
  await page.reload();
  await ready(page);
  assert.deepEqual(await divergenceView(page), want);

  const shared = '#lab=divergence&p=0.5,0.5&q=0.9,0.1&unit=nats';
  const { page: other } = await openPage(context, shared);
  const got = await divergenceView(other);
  assert.deepEqual(got.sliders, ['0.5', '0.5', '0.9', '0.1']);
  assert.ok(Math.abs(Number(got.kl) - (0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(0.5 / 0.1))) < 1e-12, 'a shared link shows what was shared');
});

test('copy link puts the URL of this exact view on the clipboard, with a confirmation', async () => {
  const context = await browser.newContext({ viewport: DESKTOP });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const { page } = await openPage(context);
  const hash = await shifted(page);
  const want = await divergenceView(page);
  await openPanel(page);
  await page.locator('[data-action="copy-link"]').click();
  await page.locator('.toast', { hasText: 'Link copied' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, server.url + hash);
  const { page: other } = await openPage(await browser.newContext({ viewport: DESKTOP }), new URL(copied).hash);
  assert.deepEqual(await divergenceView(other), want);
});

test('rename, notes, and delete with undo', async () => {
  const context = await browser.newContext({ viewport: DESKTOP });
  const { page } = await openPage(context);
  await saveAs(page, 'First');
  await shifted(page);
  await saveAs(page, 'Second', 'to delete');
  assert.deepEqual(await listed(page), ['Second', 'First']);

  // Rename (and notes) from the details of a session.
  let r = await expand(page, 'First');
  await r.locator('input[data-field="name"]').fill('Renamed <i>first</i>');
  await r.locator('[data-action="save-edits"]').click();
  await page.waitForFunction(() => document.querySelector('.sessions-message').textContent.includes('Saved your changes'));
  // The message comes as soon as the rename is stored; the list is re-sorted after it.
  await page.waitForFunction(() => document.querySelector('.sessions-list .session-name')?.textContent.startsWith('Renamed')).catch(() => {});
  assert.deepEqual(await listed(page), ['Renamed <i>first</i>', 'Second']);
  r = await expand(page, 'Renamed');
  await r.locator('textarea[data-field="notes"]').fill('Line one\nline <b>two</b>');
  await r.locator('[data-action="save-edits"]').click();
  await page.waitForFunction(() => document.querySelector('.sessions-message').textContent.includes('Saved your changes'));
  let all = await allSessions(page);
  assert.equal(all.find((s) => s.name === 'Renamed <i>first</i>').notes, 'Line one\nline <b>two</b>');
  assert.equal(await panel(page).locator('i, b').count(), 0, 'names and notes are text, never markup');

  // Delete, then undo: the same session (id, state, notes) is back.
  const before = all.find((s) => s.name === 'Second');
  r = await expand(page, 'Second');
  await r.locator('[data-action="delete"]').click();
  await waitListed(page, 1);
  const toast = page.locator('.toast');
  await toast.filter({ hasText: 'Deleted “Second”' }).waitFor();
  assert.equal((await allSessions(page)).length, 1);
  await toast.getByRole('button', { name: 'Undo' }).click();
  await waitListed(page, 2);
  all = await allSessions(page);
  const back = all.find((s) => s.name === 'Second');
  assert.equal(back.id, before.id);
  assert.deepEqual(back.state, before.state);
  assert.equal(back.notes, 'to delete');
  assert.equal(back.created, before.created);

  // Reload: the rename stuck.
  await page.reload();
  await ready(page);
  await openPanel(page);
  await waitListed(page, 2);
  assert.deepEqual((await listed(page)).sort(), ['Renamed <i>first</i>', 'Second']);
});

test('export all → delete all → import → the same sessions back; duplicates are skipped, changed copies kept beside', async () => {
  const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
  const { page } = await openPage(context);
  await saveAs(page, 'Defaults', 'first notes');
  await shifted(page);
  await saveAs(page, 'Shifted');
  await page.locator('.site-nav a[data-lab="cross-entropy"]').click();
  await page.waitForFunction(() => document.querySelector('.lab-cross-entropy'));
  await saveAs(page, 'Cross-entropy view', 'ü ∑ 😀');
  const original = await allSessions(page);
  assert.equal(original.length, 3);

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-action="export-all"]').click()]);
  assert.match(download.suggestedFilename(), /^klplay-sessions-\d{4}-\d\d-\d\d\.json$/);
  const file = path.join(tmp, 'all.json');
  await download.saveAs(file);
  const text = await readFile(file, 'utf8');
  assert.equal(JSON.parse(text).sessions.length, 3);
  assert.match(await message(page).textContent(), /Exported 3 sessions/);

  // One session alone.
  const r = await expand(page, 'Shifted');
  const [one] = await Promise.all([page.waitForEvent('download'), r.locator('[data-action="export-one"]').click()]);
  assert.match(one.suggestedFilename(), /^klplay-shifted-\d{4}-\d\d-\d\d\.json$/);
  const oneText = (await downloaded(one)).toString('utf8');
  assert.deepEqual(JSON.parse(oneText).sessions.map((s) => s.name), ['Shifted']);

  for (let n = 3; n > 0; n--) {
    await (await expand(page, (await listed(page))[0])).locator('[data-action="delete"]').click();
    await waitListed(page, n - 1);
  }
  assert.equal((await allSessions(page)).length, 0);
  assert.ok(await page.locator('.sessions-empty').isVisible());

  await page.locator('input[data-action="import-file"]').setInputFiles(file);
  await page.waitForFunction(() => document.querySelector('.sessions-message').textContent.includes('Imported 3 of 3'));
  await waitListed(page, 3);
  const back = await allSessions(page);
  const byId = (xs) => Object.fromEntries(xs.map((s) => [s.id, s]));
  assert.deepEqual(byId(back), byId(original), 'the same sessions: ids, names, states, notes, times');

  // The same file again: nothing changes, each skipped as already there.
  await page.locator('input[data-action="import-file"]').setInputFiles(file);
  await page.waitForFunction(() => document.querySelector('.sessions-message').textContent.includes('Nothing new was imported'));
  assert.match(await message(page).textContent(), /Skipped 3:(“[^”]+”: Already there: a session with this id and the same content exists\.){3}$/);
  assert.equal((await allSessions(page)).length, 3);

  // Dropped onto the panel: a session with a known id but other notes is kept beside it.
  const changed = JSON.parse(oneText);
  changed.sessions[0].notes = 'edited on another machine';
  const dt = await page.evaluateHandle((text) => {
    const d = new DataTransfer();
    d.items.add(new File([text], 'from-laptop.json', { type: 'application/json' }));
    return d;
  }, JSON.stringify(changed));
  await panel(page).dispatchEvent('dragenter', { dataTransfer: dt });
  assert.ok(await panel(page).evaluate((el) => el.classList.contains('is-drop')), 'the panel shows where to drop');
  await panel(page).dispatchEvent('drop', { dataTransfer: dt });
  await page.waitForFunction(() => document.querySelector('.sessions-message').textContent.includes('Imported 1 of 1'));
  assert.match(await message(page).textContent(), /“Shifted” \(Divergence\) — kept beside a different session with the same id/);
  assert.ok(!(await panel(page).evaluate((el) => el.classList.contains('is-drop'))));
  const now = await allSessions(page);
  assert.equal(now.length, 4);
  const shiftedCopies = now.filter((s) => s.name === 'Shifted');
  assert.deepEqual(shiftedCopies.map((s) => s.notes).sort(), ['', 'edited on another machine']);
  assert.equal(new Set(shiftedCopies.map((s) => s.id)).size, 2);
});

test('a malformed file, a file with <script> in a name and a 50 MB file are refused or shown safely, with nothing changed', async () => {
  const context = await browser.newContext({ viewport: DESKTOP });
  const { page } = await openPage(context);
  await saveAs(page, 'Keep me', 'unchanged');
  const before = await page.evaluate(() => globalThis.klplay.sessions.exportAll().then((t) => JSON.parse(t).sessions));
  const exported = JSON.parse(await page.evaluate(() => globalThis.klplay.sessions.exportAll()));
  const picker = page.locator('input[data-action="import-file"]');
  const unchanged = async () => {
    const now = await page.evaluate(() => globalThis.klplay.sessions.exportAll().then((t) => JSON.parse(t).sessions));
    assert.deepEqual(now, before);
    assert.deepEqual(await listed(page), ['Keep me']);
  };

  const cases = [
    ['truncated.json', '{"format": "klplay-sessions", "version": 1, "sessions": [', /Nothing was imported.*truncated\.json.*not valid JSON/s],
    ['not-ours.json', JSON.stringify({ hello: 'world' }), /Nothing was imported.*not a KL Playground export/s],
    ['future.json', JSON.stringify({ ...exported, version: 99 }), /Nothing was imported.*version 99/s],
    ['empty.json', '', /Nothing was imported/],
  ];
  for (const [name, text, want] of cases) {
    await picker.setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
    await page.waitForFunction((name) => document.querySelector('.sessions-message').textContent.includes(name), name);
    assert.match(await message(page).textContent(), want, name);
    await unchanged();
  }

  // 50 MB: refused before it is read.
  const big = path.join(tmp, 'big.json');
  await writeFile(big, Buffer.alloc(50 * 2 ** 20, 0x20));
  await picker.setInputFiles(big);
  await page.waitForFunction(() => document.querySelector('.sessions-message').textContent.includes('big.json'));
  assert.match(await message(page).textContent(), /Nothing was imported.*50\.0 MB.*at most 16 MB/s);
  await unchanged();

  // Markup in a name (and in the file name) is shown as the literal text and never runs.
  const evil = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
  const file = { ...exported, sessions: [{ ...exported.sessions[0], id: 'evil-1', name: evil, notes: '<b>bold?</b>' }, { ...exported.sessions[0], id: 'bad-2', name: 'Bad lab <img src=y onerror="window.__pwned = 3">', lab: 'nope' }] };
  await picker.setInputFiles({ name: '<img src=z onerror="window.__pwned=4">.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
  await page.waitForFunction(() => document.querySelector('.sessions-message').textContent.includes('Imported 1 of 2'));
  await waitListed(page, 2);
  const text = await message(page).textContent();
  assert.ok(text.includes(`“${evil}” (Divergence)`), text);
  assert.match(text, /Skipped 1:.*“Bad lab <img src=y onerror="window.__pwned = 3">”: .*The lab is "nope", which is not a lab of this playground\./s);
  assert.ok(text.includes('<img src=z onerror="window.__pwned=4">.json'));
  assert.deepEqual((await listed(page)).sort(), [evil, 'Keep me'].sort(), 'the name is listed as it was written');
  const r = await expand(page, '<script>');
  assert.equal(await r.locator('textarea[data-field="notes"]').inputValue(), '<b>bold?</b>');
  assert.equal(await page.locator('aside.sessions script, aside.sessions img, aside.sessions b').count(), 0);
  // No element anywhere carries a handler from the file, so none can run later either.
  assert.equal(await page.locator('[onerror], [onload]').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no script ran');
});

test('a save that would overwrite a newer version from another tab asks first', async () => {
  const context = await browser.newContext({ viewport: DESKTOP });
  const { page: a } = await openPage(context);
  await saveAs(a, 'Shared', 'from A');
  const { page: b } = await openPage(context, '#lab=divergence');
  await openPanel(b);
  await waitListed(b, 1);
  const rb = await expand(b, 'Shared');
  await rb.locator('textarea[data-field="notes"]').fill('from B');
  await rb.locator('[data-action="save-edits"]').click();
  await b.waitForFunction(() => document.querySelector('.sessions-message').textContent.includes('Saved your changes'));

  // A, which opened (saved) the older version, changes the view and updates the session.
  await a.bringToFront();
  const hashA = await shifted(a);
  const update = a.locator('[data-action="update-session"]');
  assert.equal(await update.textContent(), 'Update “Shared”');
  await update.click();
  const keep = a.getByRole('button', { name: 'Keep the other version' });
  await keep.waitFor();
  assert.match(await message(a).textContent(), /“Shared” was changed in another tab/);
  assert.ok(await keep.evaluate((el) => el.ownerDocument.activeElement === el.previousElementSibling), 'focus is on the choice');
  await keep.click();
  let stored = (await allSessions(a))[0];
  assert.equal(stored.notes, 'from B');
  const defaultsP = stored.state.p;

  await update.click();
  await a.getByRole('button', { name: 'Overwrite' }).click();
  await a.waitForFunction(() => document.querySelector('.sessions-message').textContent.includes('Updated “Shared”'));
  stored = (await allSessions(a))[0];
  assert.deepEqual(stored.state.p, hashA.match(/[#&]p=([^&]*)/)[1].split(',').map(Number));
  assert.notDeepEqual(stored.state.p, defaultsP);
  assert.equal(stored.notes, 'from B', 'only the view was replaced');
});

test('a failed write says so and leaves the stored version intact', async () => {
  const context = await browser.newContext({ viewport: DESKTOP });
  const { page } = await openPage(context);
  await saveAs(page, 'Stable', 'original notes');
  // The browser refusing a write (quota, an aborted transaction), as the store reports it.
  await page.evaluate(() => {
    const S = globalThis.klplay.sessions;
    S.realSave = S.save;
    S.save = () => Promise.reject(Object.assign(new Error('sessions.save: storage: the transaction was aborted (QuotaExceededError)'), { name: 'KlplayError', code: 'storage', arg: 'storage' }));
  });
  const r = await expand(page, 'Stable');
  await r.locator('textarea[data-field="notes"]').fill('lost?');
  await r.locator('[data-action="save-edits"]').click();
  await page.waitForFunction(() => document.querySelector('.sessions-message').textContent.includes('failed'));
  assert.match(await message(page).textContent(), /^Saving the changes failed: the browser refused to write\. The transaction was aborted \(QuotaExceededError\)\. Whatever was stored before is unchanged\.$/);
  await page.evaluate(() => { const S = globalThis.klplay.sessions; S.save = S.realSave; });
  assert.equal((await allSessions(page))[0].notes, 'original notes');
});

test('keyboard: the toggle opens the panel, Escape closes it and focus returns; it fits 375 px', async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
  const { page } = await openPage(context);
  await toggle(page).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('aside.sessions').classList.contains('is-open'));
  assert.equal(await toggle(page).getAttribute('aria-expanded'), 'true');
  assert.ok(await page.evaluate(() => document.querySelector('aside.sessions').contains(document.activeElement)), 'focus moved into the panel');
  await page.keyboard.type('Typed name');
  await page.keyboard.press('Enter'); // submits the form
  await waitListed(page, 1);
  assert.deepEqual(await listed(page), ['Typed name']);
  // The panel slides in over 200 ms; measure it once the slide has finished.
  await page.waitForFunction(() => document.querySelector('aside.sessions').getAnimations().length === 0);
  const box = await panel(page).boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 375, `panel ${JSON.stringify(box)} fits`);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 375, 'no horizontal scroll');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('aside.sessions').classList.contains('is-open'));
  assert.ok(await toggle(page).evaluate((el) => el === document.activeElement), 'focus back on the toggle');
  // Opening a session on a small screen closes the panel to show the lab.
  await page.keyboard.press('Enter');
  await page.locator('.session-open').first().click();
  await page.waitForFunction(() => !document.querySelector('aside.sessions').classList.contains('is-open'));
});

test('in an iframe with sandbox="allow-scripts" the page works on the memory store and says so', async () => {
  const context = await browser.newContext({ viewport: DESKTOP });
  await context.route('**/__embed__.html', (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    body: '<!doctype html><meta charset="utf-8"><title>a blog</title><iframe sandbox="allow-scripts" src="./#lab=divergence&p=0.5,0.5&q=0.9,0.1" style="width:1000px;height:850px;border:0"></iframe>',
  }));
  const page = await context.newPage();
  watched(page, context);
  await page.goto(server.url + '__embed__.html');
  const frame = page.frameLocator('iframe');
  await frame.locator('body[data-ready="true"]').waitFor({ timeout: 15_000 });
  const f = page.frames().find((x) => x !== page.mainFrame());
  assert.equal(await f.evaluate(() => self.origin), 'null', 'an opaque origin');
  assert.ok(Math.abs(Number(await frame.locator('.readouts output[data-readout="kl"]').getAttribute('data-value')) - (0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(0.5 / 0.1))) < 1e-12);
  await frame.locator('.sessions-toggle').click();
  const note = frame.locator('.sessions-storage');
  await note.waitFor();
  assert.match(await note.textContent(), /^Kept in this tab only\. IndexedDB is unavailable in this context .*until the tab closes; export them to keep them\.$/);
  assert.equal(await frame.locator('aside.sessions').getAttribute('data-storage'), 'memory');
  await frame.locator('.sessions-save input[name="name"]').fill('In a frame');
  await frame.locator('[data-action="save-session"]').click();
  await frame.locator('.sessions-list .session-name', { hasText: 'In a frame' }).waitFor();
  await frame.locator('[data-action="export-all"]').click();
  await frame.locator('.sessions-message', { hasText: 'Exported one session' }).waitFor();
});
