// Loads klplay.wasm and defines globalThis.klplay: the same API for the page,
// for blog authors and for Node scripts (Node ≥ 20).
//
//   import { load } from './klplay.js';
//   const klplay = await load();            // next to klplay.wasm and wasm_exec.js
//   klplay.kl([0.5, 0.5], [0.9, 0.1]);      // 0.5108256237659907
//
// Go cannot throw into JavaScript, so each Go function returns one shared
// failure object when it fails; the wrappers below turn that into a thrown
// KlplayError with code, arg and message. Everything else passes through.

export class KlplayError extends Error {
  constructor(code, arg, message) {
    super(message);
    this.name = 'KlplayError';
    this.code = code;
    this.arg = arg;
  }
}

let loading;

/**
 * Loads the runtime once and resolves to globalThis.klplay.
 * @param {{wasm?: string|URL|ArrayBuffer|Uint8Array, execScript?: string|URL}} [opts]
 *   where klplay.wasm and wasm_exec.js are (default: beside this module), or the wasm bytes.
 */
export function load(opts = {}) {
  loading ??= start(opts).catch((err) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

async function start({ wasm = new URL('./klplay.wasm', import.meta.url), execScript = new URL('./wasm_exec.js', import.meta.url) } = {}) {
  if (typeof globalThis.Go !== 'function') await importScript(execScript);
  const go = new globalThis.Go();
  const raw = new Promise((resolve) => { globalThis.__klplayReady = resolve; });
  globalThis.__klplayAllNumbers = (a) => a.every((x) => typeof x === 'number');
  const { instance } = await instantiate(wasm, go.importObject);
  go.run(instance).finally(() => {
    if (globalThis.klplay) globalThis.klplay.exited = true;
  });
  const api = wrap(await raw);
  delete globalThis.__klplayReady;
  delete globalThis.__klplayAllNumbers;
  globalThis.klplay = api;
  return api;
}

function wrap(raw) {
  const failure = raw.failure;
  // stats.calls counts calls into Go, so benchmarks can check "one call per update".
  const stats = { calls: 0 };
  const api = { version: raw.version, stats };
  for (const [name, fn] of Object.entries(raw)) {
    if (name === 'failure') continue;
    if (typeof fn !== 'function') { api[name] = fn; continue; }
    api[name] = (...args) => {
      stats.calls++;
      const v = fn(...args);
      if (v === failure) throw new KlplayError(failure.code, failure.arg, failure.message);
      return v;
    };
  }
  return Object.freeze(api);
}

async function importScript(url) {
  if (typeof document !== 'undefined') {
    await new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = String(url);
      s.onload = resolve;
      s.onerror = () => reject(new Error(`could not load ${url}`));
      document.head.append(s);
    });
    return;
  }
  // Node: wasm_exec.js is a classic script; run it for its side effect (globalThis.Go).
  const { readFile } = await import('node:fs/promises');
  const { runInThisContext } = await import('node:vm');
  runInThisContext(await readFile(url, 'utf8'), { filename: String(url) });
}

async function instantiate(wasm, imports) {
  if (wasm instanceof ArrayBuffer || ArrayBuffer.isView(wasm)) return WebAssembly.instantiate(wasm, imports);
  const url = wasm instanceof URL ? wasm : new URL(wasm, typeof location !== 'undefined' ? location.href : import.meta.url);
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return WebAssembly.instantiate(await readFile(url), imports);
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load ${url}: HTTP ${res.status}`);
  if (res.headers.get('content-type')?.startsWith('application/wasm')) return WebAssembly.instantiateStreaming(res, imports);
  return WebAssembly.instantiate(await res.arrayBuffer(), imports);
}
