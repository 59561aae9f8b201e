// The page's entry point: the shell with its list of labs. A new lab is a module
// under labs/ (see lib/shell.js for the contract) added to this list.
import { load } from './klplay.js';
import { startShell } from './lib/shell.js';
import { registerOffline } from './lib/offline.js';
import { setupPage } from './lib/embed.js';
import divergence from './labs/divergence/lab.js';
import crossEntropy from './labs/cross-entropy/lab.js';
import mle from './labs/mle/lab.js';
import continuous from './labs/continuous/lab.js';
import fit from './labs/fit/lab.js';
import elbo from './labs/elbo/lab.js';
import trustRegion from './labs/trust-region/lab.js';
import vae from './labs/vae/lab.js';
import gan from './labs/gan/lab.js';
import mutualInformation from './labs/mutual-information/lab.js';

// In teaching order: discrete KL, densities, the losses built on it, fitting, then the fields that use it.
const labs = [divergence, continuous, crossEntropy, mle, fit, elbo, vae, trustRegion, gan, mutualInformation];

// Query parameters: embed mode (one lab, no chrome, for iframes), theme (lib/embed.js).
const page = setupPage({ labs });

startShell({
  labs,
  hooks: page,
  nav: document.querySelector('.site-nav'),
  notice: document.querySelector('.notice'),
  main: document.querySelector('main'),
  load,
})
  .then(() => { if (!page.params.embed) registerOffline(document.querySelector('.update-banner')); })
  .catch((err) => console.error('KL Playground could not start:', err));
