// Offline use: registers the service worker (sw.js, beside the page) and offers
// a new build when one has installed, instead of swapping files under a running
// session. Where service workers are unavailable (an opaque-origin iframe, a
// browser setting) the page simply works online.
import { h } from './dom.js';

export function registerOffline(banner) {
  if (!('serviceWorker' in navigator)) return;
  let accepted = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
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
  navigator.serviceWorker.register('./sw.js').then((reg) => {
    if (reg.waiting && navigator.serviceWorker.controller) offer(reg.waiting);
    reg.addEventListener('updatefound', () => {
      const w = reg.installing;
      w?.addEventListener('statechange', () => {
        if (w.state === 'installed' && navigator.serviceWorker.controller) offer(w);
      });
    });
  }, (err) => console.info('KL Playground works online only here:', err.message));
}
