// Offline use: registers the service worker (sw.js, beside the page) and offers
// a new build when one has installed, instead of swapping files under a running
// session. Where service workers are unavailable (an opaque-origin iframe, a
// browser setting) the page simply works online.
import { h } from './dom.js';

export function registerOffline(banner) {
  let sw;
  try {
    sw = navigator.serviceWorker; // an opaque-origin frame throws SecurityError here
  } catch {
    return;
  }
  if (!sw) return;
  let accepted = false;
  sw.addEventListener('controllerchange', () => {
    if (accepted) location.reload();
  });
  const offer = (worker) => {
    banner.replaceChildren(
      h('p', {}, 'A new version of KL Playground is ready.'),
      h('button', {
        type: 'button',
        'data-action': 'update',
        onclick: () => { accepted = true; worker.postMessage('skip-waiting'); },
      }, 'Reload to update'),
      h('button', { type: 'button', class: 'quiet', onclick: () => { banner.hidden = true; } }, 'Later'));
    banner.hidden = false;
  };
  // A new worker may be waiting already, or installing since before this ran
  // (the browser checks for updates on navigation): watch all three cases.
  const watch = (w) => {
    if (!w) return;
    const check = () => { if (w.state === 'installed' && sw.controller) offer(w); };
    w.addEventListener('statechange', check);
    check();
  };
  sw.register('./sw.js').then((reg) => {
    watch(reg.waiting);
    watch(reg.installing);
    reg.addEventListener('updatefound', () => watch(reg.installing));
  }, (err) => console.info('KL Playground works online only here:', err.message));
}
