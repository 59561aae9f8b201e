// The service worker: the whole site, precached on the first visit, so the
// playground opens and works with no network afterwards. web/build.mjs puts
// `const BUILD = {version, files}` in front of this file: the version is a hash
// of every file, so klplay.wasm and wasm_exec.js (and everything else) come from
// one cache, of one build, and can never be mixed.
//
// A new build installs beside the old one and waits: the page offers the update
// (it posts 'skip-waiting' when the reader accepts) instead of swapping files
// under a running session. Old caches are deleted when the new worker activates.
/* global BUILD */
const CACHE = `klplay-${BUILD.version}`;

// 'no-cache' revalidates each file with the server (its ETag) instead of
// downloading it again: the page has just fetched every file, so the first visit
// costs one transfer of the wasm, not two, and the cache still holds what the
// server serves now.
self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(BUILD.files.map((f) => new Request(f, { cache: 'no-cache' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('klplay-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  event.respondWith((async () => {
    // Every page of the site is index.html with a query (?embed=1) or a hash.
    const key = req.mode === 'navigate' ? new URL('./', self.location).href : req;
    const hit = await (await caches.open(CACHE)).match(key, { ignoreSearch: true });
    return hit ?? fetch(req);
  })());
});
