// The figure a post most likely wants from each lab: the panels (lib/panels.js
// ids) the Embed dialog ticks at first. Each is the lab's main chart with the
// control that drives it and, where it fits, its headline number: 550 to 760 px
// tall in a 680 px column without the text (the embed tests hold them under 800).
export const figures = {
  divergence: ['fig-dist', 'hero'],
  continuous: ['fig-dens'],
  'cross-entropy': ['fig-dist', 'hero'],
  mle: ['fig-hist'],
  fit: ['controls', 'fig-fit'],
  elbo: ['fig-dens'],
  vae: ['vae-run'],
  'trust-region': ['tr-policy'],
  gan: ['fig-dens'],
  'mutual-information': ['fig-joint', 'hero'],
};
