// The page's entry point: the shell with the start view and the labs in teaching
// order (path.js). A new lab is a module under labs/ (see lib/shell.js for the
// contract) added to the path.
import { load } from './klplay.js';
import { startShell } from './lib/shell.js';
import { registerOffline } from './lib/offline.js';
import { setupPage } from './lib/embed.js';
import { labs, pathInfo } from './path.js';
import start from './labs/start/view.js';
import { figures } from './figures.js';

// Query parameters: embed mode (one lab, no chrome, for iframes), theme (lib/embed.js).
const page = setupPage({ labs, figures });

startShell({
  labs,
  home: page.params.embed ? undefined : start,
  path: pathInfo,
  hooks: page,
  nav: document.querySelector('.site-nav'),
  notice: document.querySelector('.notice'),
  main: document.querySelector('main'),
  load,
})
  .then(() => { if (!page.params.embed) registerOffline(document.querySelector('.update-banner')); })
  .catch((err) => console.error('KL Playground could not start:', err));
