// The page's entry point: the shell with its list of labs. A new lab is a module
// under labs/ (see lib/shell.js for the contract) added to this list.
import { load } from './klplay.js';
import { startShell } from './lib/shell.js';
import divergence from './labs/divergence/lab.js';
import crossEntropy from './labs/cross-entropy/lab.js';
import continuous from './labs/continuous/lab.js';

const labs = [divergence, crossEntropy, continuous];

startShell({
  labs,
  nav: document.querySelector('.site-nav'),
  notice: document.querySelector('.notice'),
  main: document.querySelector('main'),
  load,
}).catch((err) => console.error('KL Playground could not start:', err));
