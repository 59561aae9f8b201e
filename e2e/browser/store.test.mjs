// The sessions store (klplay.sessions) on real IndexedDB in headless Chromium:
// the JavaScript API the page uses, driven through page.evaluate. Most tests run
// on a blank page of the served origin (routed by the test, so that raw
// IndexedDB set-up can run before the wasm loads and the page's own lab cannot
// interfere); the first one checks that the built page exposes the same API.
// Each test gets a fresh browser context, hence an empty database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, launchPersistent, profileDir, watched } from '../harness.mjs';

const { server, browser } = await fixture();

const BLANK = '__store_test__.html';

// Helpers defined in every page and frame before its scripts run.
function helpers() {
  // attempt(promise) → {value} or {error: {name, code, arg, message, isError}}
  globalThis.attempt = async (p) => {
    try {
      return { value: await p };
    } catch (e) {
      return { error: { name: e?.name, code: e?.code, arg: e?.arg, message: String(e?.message ?? e), isError: e instanceof Error } };
    }
  };
  globalThis.draft = (name, extra = {}) => ({ name, lab: 'divergence', state: { p: [0.5, 0.5], q: [0.9, 0.1], unit: 'bits' }, ...extra });
  // Raw IndexedDB, as another program (or an older KL Playground) would use it.
  globalThis.rawOpen = (version, upgrade) => new Promise((resolve, reject) => {
    const r = version ? indexedDB.open('klplay', version) : indexedDB.open('klplay');
    r.onupgradeneeded = (ev) => upgrade?.(r.result, r.transaction, ev.oldVersion);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  globalThis.rawWrite = (db, store, fn) => new Promise((resolve, reject) => {
    const tx = db.transaction(store, 'readwrite');
    fn(tx.objectStore(store));
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error);
  });
  globalThis.rawRead = (db, store, key) => new Promise((resolve, reject) => {
    const r = db.transaction(store).objectStore(store).get(key);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  globalThis.median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
}

async function newContext(ctx) {
  const context = ctx ?? await browser.newContext();
  await context.addInitScript(helpers);
  await context.route(`**/${BLANK}`, (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    body: '<!doctype html><meta charset="utf-8"><title>store test</title><p>store test</p>',
  }));
  return context;
}

async function blankPage(context) {
  const page = await context.newPage();
  const errors = watched(page, context);
  await page.goto(server.url + BLANK);
  return { page, errors };
}

/** Loads the API in page (or frame) and resolves to sessions.ready(). */
async function loadKlplay(page, { waitReady = true } = {}) {
  return page.evaluate(async (waitReady) => {
    if (!globalThis.klplay) {
      const m = await import('./klplay.js');
      await m.load();
    }
    return waitReady ? globalThis.klplay.sessions.ready() : null;
  }, waitReady);
}

test('the served page exposes klplay.sessions on IndexedDB', async () => {
  const context = await newContext();
  const page = await context.newPage();
  await page.goto(server.url);
  // The page loads the API itself; if it does not (yet), load it here.
  const has = await page.waitForFunction(() => globalThis.klplay, null, { timeout: 10_000 }).then(() => true, () => false);
  if (!has) await loadKlplay(page, { waitReady: false });
  const r = await page.evaluate(async () => {
    const S = klplay.sessions;
    const ready = await S.ready();
    const fns = ['list', 'get', 'save', 'rename', 'delete', 'exportAll', 'exportOne', 'importAll', 'saveCurrent', 'loadCurrent', 'ready']
      .filter((f) => typeof S[f] !== 'function');
    const s = await S.save(draft('from the page'));
    const listed = (await S.list()).some((x) => x.id === s.id);
    await S.delete(s.id);
    return { ready, storage: S.storage, missing: fns, listed, isPromise: S.list() instanceof Promise };
  });
  assert.deepEqual(r.missing, []);
  assert.equal(r.storage, 'indexeddb');
  assert.deepEqual(r.ready, { storage: 'indexeddb', storageNote: '' });
  assert.ok(r.listed && r.isPromise);
  await context.close();
});

test('create, list newest first, get, update, rename, delete and undo', async () => {
  const context = await newContext();
  const { page } = await blankPage(context);
  assert.deepEqual(await loadKlplay(page), { storage: 'indexeddb', storageNote: '' });
  const r = await page.evaluate(async () => {
    const S = klplay.sessions;
    const t0 = Date.now();
    const a = await S.save(draft('first', { notes: 'a <b>note</b>' }));
    const b = await S.save(draft('second'));
    const c = await S.save(draft('third'));
    const list1 = await S.list();
    const got = await S.get(a.id);
    const updated = await S.save({ ...got, notes: 'changed', state: { ...got.state, unit: 'nats' } });
    const list2 = await S.list();
    const renamed = await S.rename(b.id, 'second, renamed');
    const badName = await attempt(S.rename(b.id, ''));
    const missing = await attempt(S.get('no-such-id'));
    const deleted = await S.delete(c.id);
    const afterDelete = await attempt(S.get(c.id));
    const deleteAgain = await attempt(S.delete(c.id));
    const undone = await S.save(deleted);
    const list3 = await S.list();
    return { t0, a, b, c, list1, got, updated, list2, renamed, badName, missing, deleted, afterDelete, deleteAgain, undone, list3 };
  });
  const { a, b, c } = r;
  for (const s of [a, b, c]) {
    assert.match(s.id, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(s.version, 2);
    assert.ok(s.created >= r.t0 && s.updated === s.created, JSON.stringify(s));
  }
  assert.ok(a.updated < b.updated && b.updated < c.updated, 'stamps increase in save order');
  assert.deepEqual(r.list1.map((s) => s.id), [c.id, b.id, a.id]);
  assert.deepEqual(Object.keys(r.list1[0]).sort(), ['created', 'id', 'lab', 'name', 'updated'], 'list has no state or notes');
  assert.deepEqual(r.got, a, 'get returns exactly what save returned');
  assert.equal(r.got.notes, 'a <b>note</b>');
  assert.equal(r.updated.id, a.id);
  assert.equal(r.updated.created, a.created);
  assert.ok(r.updated.updated > c.updated);
  assert.equal(r.updated.state.unit, 'nats');
  assert.deepEqual(r.list2.map((s) => s.id), [a.id, c.id, b.id], 'an update moves the session to the top');
  assert.equal(r.renamed.name, 'second, renamed');
  assert.ok(r.renamed.updated > r.updated.updated);
  assert.equal(r.badName.error.code, 'empty');
  assert.equal(r.missing.error.code, 'not-found');
  assert.ok(r.missing.error.isError && r.missing.error.name === 'KlplayError' && r.missing.error.arg === 'id');
  assert.deepEqual(r.deleted, c, 'delete resolves to the deleted session');
  assert.equal(r.afterDelete.error.code, 'not-found');
  assert.equal(r.deleteAgain.error.code, 'not-found');
  assert.equal(r.undone.id, c.id);
  assert.equal(r.undone.created, c.created);
  assert.deepEqual(r.list3.map((s) => s.id), [c.id, b.id, a.id]);
});

test('a stale save is refused with "conflict" unless forced', async () => {
  const context = await newContext();
  const { page } = await blankPage(context);
  await loadKlplay(page);
  const r = await page.evaluate(async () => {
    const S = klplay.sessions;
    const s = await S.save(draft('shared'));
    const copy1 = await S.get(s.id);
    const copy2 = await S.get(s.id);
    const first = await S.save({ ...copy1, notes: 'one' });
    const stale = await attempt(S.save({ ...copy2, notes: 'two' }));
    const kept = await S.get(s.id);
    const forced = await S.save({ ...copy2, notes: 'two' }, { force: true });
    const noTime = await attempt(S.save({ ...draft('shared'), id: s.id }));
    return { first, stale, kept, forced, noTime };
  });
  assert.equal(r.stale.error.code, 'conflict');
  assert.equal(r.stale.error.arg, 'updated');
  assert.match(r.stale.error.message, /force: true/);
  assert.equal(r.kept.notes, 'one', 'the refused save changed nothing');
  assert.equal(r.forced.notes, 'two');
  assert.ok(r.forced.updated > r.first.updated);
  assert.equal(r.noTime.error.code, 'conflict');
});

test('1000 sessions: all saved, listed newest first (with timings)', async (t) => {
  const context = await newContext();
  const { page } = await blankPage(context);
  await loadKlplay(page);
  const r = await page.evaluate(async () => {
    const S = klplay.sessions;
    const ids = [];
    const save = [];
    for (let i = 0; i < 1000; i++) {
      const t0 = performance.now();
      const s = await S.save(draft(`session ${i}`, { notes: 'n'.repeat(i % 200) }));
      save.push(performance.now() - t0);
      ids.push(s.id);
    }
    const listT = [];
    let list;
    for (let k = 0; k < 9; k++) {
      const t0 = performance.now();
      list = await S.list();
      listT.push(performance.now() - t0);
    }
    const get = [];
    for (let i = 0; i < 1000; i += 5) {
      const t0 = performance.now();
      await S.get(ids[i]);
      get.push(performance.now() - t0);
    }
    const exportT0 = performance.now();
    const file = await S.exportAll();
    const exportMs = performance.now() - exportT0;
    return {
      n: list.length,
      order: list.every((s, i) => s.id === ids[999 - i]),
      descending: list.every((s, i) => i === 0 || list[i - 1].updated > s.updated),
      saveMs: median(save), getMs: median(get), listMs: median(listT), exportMs, fileBytes: file.length,
    };
  });
  assert.equal(r.n, 1000);
  assert.ok(r.order, 'list is the reverse of the order of saving');
  assert.ok(r.descending);
  // After a reload nothing is cached: the first list decodes every session.
  await page.reload();
  await loadKlplay(page);
  const cold = await page.evaluate(async () => {
    const t0 = performance.now();
    const n = (await klplay.sessions.list()).length;
    return { n, ms: performance.now() - t0 };
  });
  assert.equal(cold.n, 1000);
  const figures = `IndexedDB medians: save ${r.saveMs.toFixed(2)} ms, get ${r.getMs.toFixed(2)} ms, list of 1000 ${r.listMs.toFixed(1)} ms (first list after a reload ${cold.ms.toFixed(1)} ms); exportAll of 1000 ${r.exportMs.toFixed(1)} ms (${(r.fileBytes / 1024).toFixed(0)} KiB)`;
  t.diagnostic(figures);
  console.log(`# ${figures}`);
});

test('corrupt records are skipped and reported; the others load', async () => {
  const context = await newContext();
  const { page } = await blankPage(context);
  await loadKlplay(page);
  const r = await page.evaluate(async () => {
    const S = klplay.sessions;
    const good = [await S.save(draft('good 1')), await S.save(draft('good 2'))];
    const base = { notes: '', lab: 'divergence', state: {}, created: 1, updated: Date.now() + 1e6 };
    const db = await rawOpen();
    await rawWrite(db, 'sessions', (st) => {
      st.put({ id: 'wrong-shape', hello: 'world' }); // no updated: not in the index
      st.put({ ...base, id: 'unknown-lab', name: 'from elsewhere', lab: 'no-such-lab', version: 2 });
      st.put({ ...base, id: 'bad-version', name: 'from the future', version: 9 });
      st.put({ ...base, id: 'bad-state', name: 'bad state', state: { p: 'many' }, version: 2 });
      st.put({ ...base, id: 'string-time', name: 'string time', updated: 'yesterday', version: 2 });
      st.put({ ...base, id: 'big', name: 'bigint', version: 2n });
    });
    db.close();
    const plain = await S.list();
    const full = await S.list({ withSkipped: true });
    const getBad = await attempt(S.get('unknown-lab'));
    const exported = JSON.parse(await S.exportAll()).sessions.length;
    const del = await attempt(S.delete('wrong-shape'));
    const after = await S.list({ withSkipped: true });
    return { good: good.map((s) => s.id), plain, full, getBad, exported, del, after };
  });
  assert.deepEqual(r.plain.map((s) => s.id), [r.good[1], r.good[0]]);
  assert.deepEqual(r.full.sessions, r.plain);
  const skipped = Object.fromEntries(r.full.skipped.map((s) => [s.id, s]));
  assert.deepEqual(Object.keys(skipped).sort(), ['bad-state', 'bad-version', 'big', 'string-time', 'unknown-lab', 'wrong-shape']);
  assert.equal(skipped['unknown-lab'].code, 'unknown-name');
  assert.equal(skipped['unknown-lab'].name, 'from elsewhere');
  assert.match(skipped['unknown-lab'].reason, /no-such-lab/);
  assert.equal(skipped['bad-version'].code, 'out-of-range');
  assert.match(skipped['bad-version'].reason, /version/);
  assert.equal(skipped['bad-state'].code, 'wrong-type');
  assert.equal(skipped['wrong-shape'].code, 'wrong-type');
  assert.equal(skipped.big.code, 'corrupt');
  assert.equal(r.getBad.error.code, 'corrupt');
  assert.equal(r.exported, 2, 'export leaves the damaged records out');
  assert.equal(r.del.value.hello, 'world', 'a damaged record can be deleted, and comes back as stored');
  assert.equal(r.after.skipped.length, 5);
});

test('upgrade from the version 1 schema, created before the wasm loads', async () => {
  const context = await newContext();
  const { page } = await blankPage(context);
  await page.evaluate(async () => {
    const v1 = (id, title, updated) => ({ id, title, lab: 'divergence', state: { p: [0.25, 0.75], q: [0.5, 0.5] }, notes: `${title} notes`, created: '2024-01-01T00:00:00Z', updated, version: 1 });
    const db = await rawOpen(1, (db) => {
      const st = db.createObjectStore('sessions', { keyPath: 'id' });
      st.put(v1('v1-a', 'oldest', '2024-01-01T10:00:00Z'));
      st.put(v1('v1-b', 'middle', '2024-06-01T10:00:00.500Z'));
      st.put(v1('v1-c', 'newest', '2025-01-01T00:00:00+01:00'));
      st.put(v1('v1-broken', 'broken', 'not a time'));
    });
    db.close();
  });
  assert.deepEqual(await loadKlplay(page), { storage: 'indexeddb', storageNote: '' });
  const r = await page.evaluate(async () => {
    const S = klplay.sessions;
    const list = await S.list({ withSkipped: true });
    const a = await S.get('v1-a');
    const db = await rawOpen();
    const schema = {
      version: db.version,
      stores: [...db.objectStoreNames].sort(),
      indexes: [...db.transaction('sessions').objectStore('sessions').indexNames],
      rawA: await rawRead(db, 'sessions', 'v1-a'),
    };
    db.close();
    const added = await S.save(draft('after the upgrade'));
    const current = await S.saveCurrent('divergence', { p: [0.5, 0.5], q: [0.5, 0.5] });
    return { list, a, schema, added, current, top: (await S.list())[0].id };
  });
  assert.deepEqual(r.list.sessions.map((s) => [s.id, s.name, s.updated]), [
    ['v1-c', 'newest', Date.parse('2025-01-01T00:00:00+01:00')],
    ['v1-b', 'middle', Date.parse('2024-06-01T10:00:00.500Z')],
    ['v1-a', 'oldest', Date.parse('2024-01-01T10:00:00Z')],
  ]);
  assert.equal(r.list.skipped.length, 1);
  assert.equal(r.list.skipped[0].id, 'v1-broken');
  assert.match(r.list.skipped[0].reason, /RFC 3339/);
  assert.deepEqual(r.a, {
    id: 'v1-a', name: 'oldest', lab: 'divergence', state: { p: [0.25, 0.75], q: [0.5, 0.5] }, notes: 'oldest notes',
    created: Date.parse('2024-01-01T00:00:00Z'), updated: Date.parse('2024-01-01T10:00:00Z'), version: 2,
  });
  assert.deepEqual(r.schema.version, 2);
  assert.deepEqual(r.schema.stores, ['current', 'sessions']);
  assert.deepEqual(r.schema.indexes, ['updated']);
  assert.deepEqual(r.schema.rawA, r.a, 'the record was migrated in place, as plain JSON');
  assert.equal(r.top, r.added.id);
  assert.deepEqual(r.current.state, { p: [0.5, 0.5], q: [0.5, 0.5] });
});

test('an open blocked by another tab rejects with "blocked", then completes when it lets go', async () => {
  const context = await newContext();
  const holder = (await blankPage(context)).page;
  // An older tab: a version 1 connection that ignores versionchange.
  await holder.evaluate(async () => {
    globalThis.held = await rawOpen(1, (db) => {
      db.createObjectStore('sessions', { keyPath: 'id' }).put({
        id: 'held', title: 'from the old tab', lab: 'divergence', state: {}, notes: '', created: '2024-02-02T00:00:00Z', updated: '2024-02-02T00:00:00Z', version: 1,
      });
    });
  });
  const { page } = await blankPage(context);
  await loadKlplay(page, { waitReady: false });
  const t0 = Date.now();
  const blocked = await page.evaluate(() => attempt(klplay.sessions.list()));
  const waited = Date.now() - t0;
  assert.equal(blocked.error?.code, 'blocked', JSON.stringify(blocked));
  assert.match(blocked.error.message, /close or reload other KL Playground tabs/);
  assert.ok(waited < 10_000, `rejected after ${waited} ms`);
  assert.equal(await page.evaluate(() => klplay.kl([1, 0], [0.5, 0.5])), Math.log(2), 'the page still computes');
  await holder.evaluate(() => globalThis.held.close());
  const r = await page.evaluate(() => attempt(klplay.sessions.list()));
  assert.deepEqual(r.value?.map((s) => [s.id, s.name]), [['held', 'from the old tab']], JSON.stringify(r));
});

test('two pages at once: each sees the other’s saves; a stale save conflicts; an upgrade elsewhere does not hang', async () => {
  const context = await newContext();
  const A = await blankPage(context);
  const B = await blankPage(context);
  await loadKlplay(A.page);
  await loadKlplay(B.page);
  const s = await A.page.evaluate(() => klplay.sessions.save(draft('made in A')));
  const inB = await B.page.evaluate(() => klplay.sessions.list());
  assert.deepEqual(inB.map((x) => x.id), [s.id]);
  const copyB = await B.page.evaluate((id) => klplay.sessions.get(id), s.id);
  await A.page.evaluate((s) => klplay.sessions.save({ ...s, notes: 'A was here' }), s);
  const stale = await B.page.evaluate((c) => attempt(klplay.sessions.save({ ...c, notes: 'B was here' })), copyB);
  assert.equal(stale.error?.code, 'conflict');
  const [inA, both] = await Promise.all([
    A.page.evaluate(() => Promise.all([1, 2, 3].map((i) => klplay.sessions.save(draft(`A ${i}`))))),
    B.page.evaluate(() => Promise.all([1, 2, 3].map((i) => klplay.sessions.save(draft(`B ${i}`))))),
  ]);
  assert.equal(inA.length + both.length, 6);
  assert.equal((await A.page.evaluate(() => klplay.sessions.list())).length, 7, 'concurrent saves from two pages all land');

  // A third page upgrades the database (a newer KL Playground): both pages let
  // go of their connections, so it does not hang.
  const C = await blankPage(context);
  const upgraded = await C.page.evaluate(() => Promise.race([
    rawOpen(3, () => {}).then((db) => { const v = db.version; db.close(); return v; }),
    new Promise((r) => setTimeout(() => r('hung'), 5000)),
  ]));
  assert.equal(upgraded, 3);
  const after = await A.page.evaluate(() => attempt(klplay.sessions.list()));
  assert.equal(after.error?.code, 'storage');
  assert.match(after.error.message, /newer KL Playground/);
  assert.equal(await A.page.evaluate(() => klplay.entropy([0.5, 0.5])), Math.log(2), 'the page still computes');
});

test('import: good, duplicate, mixed and bad files; export → clear → import gives the same sessions', async () => {
  const context = await newContext();
  const { page } = await blankPage(context);
  await loadKlplay(page);
  const r = await page.evaluate(async () => {
    const S = klplay.sessions;
    for (let i = 0; i < 5; i++) await S.save(draft(`s${i}`, { notes: `notes ${i} <script>alert(1)</script>` }));
    const before = await S.list();
    const full = await Promise.all(before.map((s) => S.get(s.id)));
    const file = await S.exportAll();
    for (const s of before) await S.delete(s.id);
    const emptied = (await S.list()).length;
    const imported = await S.importAll(file);
    const after = await S.list();
    const fullAfter = await Promise.all(after.map((s) => S.get(s.id)));
    const again = await S.importAll(file);
    const one = JSON.parse(await S.exportOne(before[0].id));
    // A file holding a bad session and a new one, in that order.
    const doc = JSON.parse(file);
    doc.sessions = [{ ...doc.sessions[0], id: 'other-id-1', lab: 'nope' }, { ...doc.sessions[1], id: 'brand-new' }];
    const mixed = await S.importAll(JSON.stringify(doc));
    const count = (await S.list()).length;
    const bad = {};
    const big = `{"format":"klplay-sessions","version":1,"sessions":[],"pad":"${'x'.repeat(17 << 20)}"}`;
    for (const [name, text] of [['not json', '{oops'], ['other format', '{"format":"zip","version":1,"sessions":[]}'],
      ['newer version', '{"format":"klplay-sessions","version":2,"sessions":[]}'], ['17 MB', big], ['not a string', 42]]) {
      bad[name] = (await attempt(S.importAll(text))).error;
    }
    const unchanged = (await S.list()).length === count;
    return { before, full, emptied, imported, after, fullAfter, again, one, mixed, bad, unchanged };
  });
  assert.equal(r.emptied, 0);
  assert.equal(r.imported.added.length, 5);
  assert.deepEqual(r.imported.skipped, []);
  assert.deepEqual(r.after, r.before, 'the same list back');
  assert.deepEqual(r.fullAfter, r.full, 'the same sessions back, state and notes included');
  assert.equal(r.again.added.length, 0);
  assert.deepEqual(r.again.skipped.map((s) => s.index), [0, 1, 2, 3, 4]);
  assert.match(r.again.skipped[0].reason, /already there/);
  assert.equal(r.one.format, 'klplay-sessions');
  assert.deepEqual(r.one.sessions, [r.full[0]]);
  assert.deepEqual(r.mixed.added.map((s) => s.id), ['brand-new']);
  assert.deepEqual(r.mixed.skipped.map((s) => [s.index, s.id]), [[0, 'other-id-1']]);
  assert.match(r.mixed.skipped[0].reason, /lab/);
  assert.deepEqual(Object.fromEntries(Object.entries(r.bad).map(([k, e]) => [k, e?.code])), {
    'not json': 'invalid', 'other format': 'invalid', 'newer version': 'out-of-range', '17 MB': 'too-large', 'not a string': 'wrong-type',
  });
  assert.ok(Object.values(r.bad).every((e) => e.isError && e.name === 'KlplayError'));
  assert.ok(r.unchanged, 'bad files changed nothing');
});

test('a failed write leaves the previous version intact and rejects with "storage"', async () => {
  const context = await newContext();
  const { page } = await blankPage(context);
  await loadKlplay(page);
  const r = await page.evaluate(async () => {
    const S = klplay.sessions;
    const s = await S.save(draft('precious', { notes: 'version 1' }));
    const others = [await S.save(draft('other 1')), await S.save(draft('other 2'))];
    // Every put aborts its transaction, as a full disk (QuotaExceededError) does.
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (...a) { const req = put.apply(this, a); this.transaction.abort(); return req; };
    const failed = await attempt(S.save({ ...s, notes: 'version 2' }));
    const failedRename = await attempt(S.rename(s.id, 'renamed'));
    IDBObjectStore.prototype.put = put;
    const kept = await S.get(s.id);
    // An import whose third add aborts the transaction imports nothing.
    const file = await S.exportAll();
    for (const x of [s, ...others]) await S.delete(x.id);
    const add = IDBObjectStore.prototype.add;
    let n = 0;
    IDBObjectStore.prototype.add = function (...a) { const req = add.apply(this, a); if (++n === 3) this.transaction.abort(); return req; };
    const failedImport = await attempt(S.importAll(file));
    IDBObjectStore.prototype.add = add;
    const afterImport = (await S.list()).length;
    const retried = await S.importAll(file);
    const works = await S.save({ ...(await S.get(s.id)), notes: 'version 2' });
    return { failed, failedRename, kept, failedImport, afterImport, retried, works };
  });
  assert.equal(r.failed.error?.code, 'storage', JSON.stringify(r.failed));
  assert.match(r.failed.error.message, /previous version is intact/);
  assert.equal(r.failedRename.error?.code, 'storage');
  assert.equal(r.kept.notes, 'version 1');
  assert.equal(r.kept.name, 'precious');
  assert.equal(r.failedImport.error?.code, 'storage', JSON.stringify(r.failedImport));
  assert.match(r.failedImport.error.message, /nothing was imported/);
  assert.equal(r.afterImport, 0, 'the aborted import added nothing');
  assert.equal(r.retried.added.length, 3);
  assert.equal(r.works.notes, 'version 2');
});

test('sessions and the autosave survive a browser restart', async () => {
  const profile = await profileDir();
  try {
    let context = await newContext(await launchPersistent(profile.dir));
    let { page } = await blankPage(context);
    await loadKlplay(page);
    const saved = await page.evaluate(async () => {
      const S = klplay.sessions;
      const a = await S.save(draft('kept 1'));
      const b = await S.save(draft('kept 2', { notes: 'over a restart' }));
      const cur = await S.saveCurrent('divergence', { p: [0.1, 0.9], q: [0.9, 0.1], unit: 'nats' });
      return { list: await S.list(), b, cur };
    });
    await context.close();

    context = await newContext(await launchPersistent(profile.dir));
    ({ page } = await blankPage(context));
    await loadKlplay(page);
    const r = await page.evaluate(async (id) => ({
      list: await klplay.sessions.list(),
      b: await klplay.sessions.get(id),
      cur: await klplay.sessions.loadCurrent('divergence'),
    }), saved.b.id);
    assert.deepEqual(r.list, saved.list);
    assert.deepEqual(r.b, saved.b);
    assert.deepEqual(r.cur, saved.cur);
    await context.close();
  } finally {
    await profile.remove();
  }
});

test('in an iframe with sandbox="allow-scripts" the store falls back to memory and still works', async () => {
  const context = await newContext();
  await context.route('**/__sandbox__.html', (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    body: '<!doctype html><meta charset="utf-8"><iframe sandbox="allow-scripts" src="__frame__.html"></iframe>',
  }));
  await context.route('**/__frame__.html', (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    body: '<!doctype html><meta charset="utf-8"><title>frame</title>',
  }));
  // The sandboxed frame has an opaque origin: its module import and its fetch of
  // the wasm are cross-origin requests, served by the real server, which allows
  // them (Access-Control-Allow-Origin: *, cmd/klplay/handler.go).
  const page = await context.newPage();
  watched(page, context);
  await page.goto(server.url + '__sandbox__.html'); // resolves on the load event, which waits for the frame's document
  const frame = await (await page.locator('iframe').elementHandle()).contentFrame();
  assert.ok(frame?.url().endsWith('__frame__.html'), 'the frame loaded');
  await frame.waitForLoadState();
  const r = await frame.evaluate(async () => {
    const m = await import('./klplay.js');
    const k = await m.load();
    const S = k.sessions;
    const ready = await S.ready();
    const s = await S.save(draft('in a sandbox'));
    const got = await S.get(s.id);
    const list = await S.list();
    const file = await S.exportAll();
    await S.save({ ...s, notes: 'newer' });
    const stale = await attempt(S.save({ ...s, notes: 'stale' }));
    return { origin: self.origin, storage: S.storage, note: S.storageNote, ready, same: JSON.stringify(got) === JSON.stringify(s), n: list.length, exported: JSON.parse(file).sessions.length, stale };
  });
  assert.equal(r.origin, 'null');
  assert.equal(r.storage, 'memory');
  assert.equal(r.ready.storage, 'memory');
  assert.match(r.note, /IndexedDB is unavailable in this context \(SecurityError/);
  assert.match(r.note, /until the tab closes/);
  assert.ok(r.same);
  assert.equal(r.n, 1);
  assert.equal(r.exported, 1, 'export still works');
  assert.equal(r.stale.error?.code, 'conflict', 'the same rules as IndexedDB');
});
