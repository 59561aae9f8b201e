// The path through the labs: their teaching order (the nav's, and Previous/Next),
// the short name the nav shows, and the one line each lab says it builds on. The
// start view's table (labs/start/) follows the same order.
import divergence from './labs/divergence/lab.js';
import continuous from './labs/continuous/lab.js';
import crossEntropy from './labs/cross-entropy/lab.js';
import mle from './labs/mle/lab.js';
import fit from './labs/fit/lab.js';
import elbo from './labs/elbo/lab.js';
import vae from './labs/vae/lab.js';
import trustRegion from './labs/trust-region/lab.js';
import gan from './labs/gan/lab.js';
import mutualInformation from './labs/mutual-information/lab.js';

export const path = [
  { lab: divergence, short: 'Divergence', buildsOn: 'Nothing: it starts from two lists of probabilities.' },
  { lab: continuous, short: 'Densities', buildsOn: 'Builds on the Divergence lab: the same sum, now an integral over densities.' },
  { lab: crossEntropy, short: 'Cross-entropy', buildsOn: 'Builds on the Divergence lab: the loss is KL from the true labels plus their entropy.' },
  { lab: mle, short: 'Likelihood', buildsOn: 'Builds on Cross-entropy: the mean negative log-likelihood is a cross-entropy against the data.' },
  { lab: fit, short: 'Forward vs reverse', buildsOn: 'Builds on Likelihood: minimising KL(P‖Q) is maximum likelihood; KL(Q‖P) is the other direction.' },
  { lab: elbo, short: 'ELBO', buildsOn: 'Builds on Forward vs reverse: variational inference minimises the reverse KL to a posterior.' },
  { lab: vae, short: 'VAE', buildsOn: 'Builds on the ELBO: an encoder gives every data point its own q, trained on the ELBO.' },
  { lab: trustRegion, short: 'Trust regions', buildsOn: 'Builds on the Divergence lab: KL between two policies bounds how far an update may move.' },
  { lab: gan, short: 'GANs', buildsOn: 'Builds on the Divergence lab: JS is the mean KL of P and Q to their mixture M.' },
  { lab: mutualInformation, short: 'Mutual info', buildsOn: 'Builds on the Divergence lab: I(X;Y) is the KL from the joint to the product of its marginals.' },
];

export const labs = path.map((p) => p.lab);

/** Per lab id, {short, buildsOn}: what the shell's nav and Previous/Next show. */
export const pathInfo = new Map(path.map(({ lab, short, buildsOn }) => [lab.id, { short, buildsOn }]));
