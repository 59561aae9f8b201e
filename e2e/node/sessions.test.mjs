// klplay.sessions as a Node script meets it through the published loader: Node
// has no IndexedDB, so the store is the memory one, with the same API.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

let klplay;
before(async () => {
  const mod = await import('../../dist/klplay.js');
  klplay = await mod.load();
});

const draft = (name) => ({ name, lab: 'divergence', state: { p: [0.5, 0.5], q: [0.9, 0.1] } });

test('sessions falls back to memory and says why', async () => {
  const S = klplay.sessions;
  assert.equal(S.storage, 'memory');
  assert.match(S.storageNote, /IndexedDB is unavailable in this context \(indexedDB is not defined\)/);
  assert.deepEqual(await S.ready(), { storage: 'memory', storageNote: S.storageNote });
});

test('save, list, get, export and import work in memory', async () => {
  const S = klplay.sessions;
  const a = await S.save(draft('one'));
  const b = await S.save(draft('two'));
  assert.deepEqual((await S.list()).map((s) => s.id), [b.id, a.id]);
  assert.deepEqual(await S.get(a.id), a);
  const file = await S.exportAll();
  const r = await S.importAll(file);
  assert.equal(r.added.length, 0);
  assert.equal(r.skipped.length, 2);
});

test('failures reject with an Error carrying code and arg, and the next call works', async () => {
  const S = klplay.sessions;
  await assert.rejects(S.get('missing'), (e) => e instanceof Error && e.name === 'KlplayError' && e.code === 'not-found' && e.arg === 'id');
  await assert.rejects(S.save({ name: 'x', lab: 'nope', state: {} }), (e) => e.code === 'unknown-name' && /lab/.test(e.message));
  await assert.rejects(S.importAll('{'), (e) => e.code === 'invalid');
  assert.ok(S.list() instanceof Promise, 'a Promise, never the failure object');
  assert.equal(klplay.kl([1, 0], [0.5, 0.5]), Math.log(2));
});
