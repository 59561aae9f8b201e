// The families the Continuous lab offers: their parameters as the sliders show
// them, defaults, and how a handle's mean and standard deviation map back to
// parameters (the inverse of the moments the core returns for the handles).

const mu = { name: 'μ', key: 'mu', min: -10, max: 10, step: 0.01 };
const sigma = { name: 'σ', key: 'sigma', min: 0.05, max: 10, step: 0.01 };

export const FAMILIES = {
  normal: { label: 'Normal', params: [mu, sigma], def: [0, 1] },
  laplace: { label: 'Laplace', params: [mu, { name: 'b', key: 'b', min: 0.05, max: 10, step: 0.01 }], def: [0, 1] },
  exponential: { label: 'Exponential', params: [{ name: 'λ', key: 'rate', min: 0.05, max: 10, step: 0.01 }], def: [1] },
  gamma: { label: 'Gamma', params: [{ name: 'k (shape)', key: 'shape', min: 0.1, max: 30, step: 0.01 }, { name: 'rate', key: 'rate', min: 0.05, max: 10, step: 0.01 }], def: [2, 1] },
  beta: { label: 'Beta', params: [{ name: 'α', key: 'alpha', min: 0.1, max: 30, step: 0.01 }, { name: 'β', key: 'beta', min: 0.1, max: 30, step: 0.01 }], def: [2, 5] },
  uniform: { label: 'Uniform', params: [{ name: 'min', key: 'min', min: -10, max: 10, step: 0.01 }, { name: 'max', key: 'max', min: -10, max: 10, step: 0.01 }], def: [-1, 1] },
  lognormal: { label: 'Log-normal', params: [{ ...mu, min: -3, max: 3 }, { ...sigma, max: 3 }], def: [0, 0.5] },
  mixture: { label: 'Mixture of normals', params: [], def: [0.5, -1.5, 0.6, 0.5, 1.5, 0.6] },
  poisson: { label: 'Poisson (discrete)', params: [{ name: 'λ', key: 'rate', min: 0.1, max: 100, step: 0.01 }], def: [4], discrete: true },
  bernoulli: { label: 'Bernoulli (discrete)', params: [{ name: 'p', key: 'p', min: 0, max: 1, step: 0.001 }], def: [0.3], discrete: true },
};

/** The slider of a mixture component's parameter j (0 weight, 1 μ, 2 σ). */
export const MIX_PARAMS = [{ name: 'w', key: 'w', min: 0, max: 1, step: 0.01 }, mu, sigma];

export const MAX_COMPONENTS = 4;

/** The slider description of parameter i of a family. */
export function paramInfo(family, i) {
  return family === 'mixture' ? MIX_PARAMS[i % 3] : FAMILIES[family].params[i];
}

/**
 * Why params do not suit family, or null. The Go core (continuous.FromParams)
 * is the authority; this catches what a hand-edited link gets wrong so the
 * shell can fall back to defaults with a reason.
 */
export function problem(family, params) {
  const f = FAMILIES[family];
  if (!f) return 'is not a family';
  if (family === 'mixture') {
    if (params.length % 3 !== 0 || params.length < 3 || params.length > 3 * MAX_COMPONENTS) return 'needs 3 numbers (w, μ, σ) per component, 1 to 4 components';
    let sum = 0;
    for (let i = 0; i < params.length; i += 3) {
      if (params[i] < 0) return 'has a negative weight';
      if (!(params[i + 2] > 0)) return 'has a σ that is not positive';
      sum += params[i];
    }
    return sum > 0 ? null : 'has no positive weight';
  }
  if (params.length !== f.params.length) return `needs ${f.params.length} number${f.params.length > 1 ? 's' : ''} for a ${family}`;
  for (let i = 0; i < params.length; i++) {
    const s = f.params[i];
    if (s.min > 0 && !(params[i] > 0)) return `has ${s.name} ≤ 0`;
  }
  if (family === 'uniform' && !(params[0] < params[1])) return 'has min ≥ max';
  if (family === 'bernoulli' && !(params[0] >= 0 && params[0] <= 1)) return 'has p outside [0, 1]';
  return null;
}

const clamp = (v, s) => Math.min(s.max, Math.max(s.min, v));
const round = (v) => Math.round(v * 1e4) / 1e4;

/**
 * New parameters after a handle moved: the distribution (or mixture component
 * k) with mean m and standard deviation s, within the sliders' ranges.
 */
export function fromMoments(family, params, k, m, s) {
  const out = [...params];
  const P = FAMILIES[family].params;
  const set = (i, v) => { out[i] = round(clamp(v, P[i])); };
  s = Math.max(1e-3, s);
  switch (family) {
    case 'mixture':
      out[3 * k + 1] = round(clamp(m, mu));
      out[3 * k + 2] = round(clamp(s, sigma));
      return out;
    case 'normal': set(0, m); set(1, s); return out;
    case 'laplace': set(0, m); set(1, s / Math.SQRT2); return out;
    case 'exponential': set(0, 1 / Math.max(1e-3, m)); return out;
    case 'poisson': set(0, m); return out;
    case 'bernoulli': set(0, m); return out;
    case 'uniform': {
      const half = Math.sqrt(3) * s;
      out[0] = round(Math.max(-10, m - half));
      out[1] = round(Math.min(10, Math.max(out[0] + 0.01, m + half)));
      return out;
    }
    case 'gamma': {
      m = Math.max(0.01, m);
      set(0, (m * m) / (s * s)); set(1, m / (s * s)); return out;
    }
    case 'beta': {
      m = Math.min(0.99, Math.max(0.01, m));
      const v = Math.min(s * s, m * (1 - m) * 0.95);
      const c = (m * (1 - m)) / v - 1;
      set(0, m * c); set(1, (1 - m) * c); return out;
    }
    case 'lognormal': {
      m = Math.max(0.01, m);
      const s2 = Math.log(1 + (s * s) / (m * m));
      set(1, Math.sqrt(s2)); set(0, Math.log(m) - s2 / 2); return out;
    }
    default: return out;
  }
}

/** Which handles a family has: the mean always; a scale unless one parameter fixes both. */
export function hasScale(family) {
  return !['exponential', 'poisson', 'bernoulli'].includes(family);
}
