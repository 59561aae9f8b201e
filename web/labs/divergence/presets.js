// The Divergence lab's presets. Each takes the current number of categories and
// returns {p, q, names} as weights (turned into exact units by the caller).

const gauss = (n, centre, sigma) => Array.from({ length: n }, (_, i) => Math.exp(-((i - centre) ** 2) / (2 * sigma ** 2)));
const floor = (w, eps) => {
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s + eps);
};
const atLeast = (n, m) => Math.max(n, m);

export const presets = [
  {
    id: 'dog-vs-cat',
    label: 'Dog vs cat',
    about: 'a label that says “dog” against a classifier that is 90 % sure',
    make: () => ({ p: [1, 0], q: [0.9, 0.1], names: ['dog', 'cat'] }),
  },
  {
    id: 'uniform',
    label: 'Uniform',
    about: 'P and Q both uniform: identical, so KL is 0',
    make: (n) => {
      const m = atLeast(n, 4);
      return { p: Array(m).fill(1), q: Array(m).fill(1), names: [] };
    },
  },
  {
    id: 'peaked',
    label: 'Peaked',
    about: 'a sharp P against a flat Q',
    make: (n) => {
      const m = atLeast(n, 6);
      return { p: floor(gauss(m, (m - 1) / 2, Math.max(0.55, m / 12)), 0.002), q: Array(m).fill(1), names: [] };
    },
  },
  {
    id: 'shifted',
    label: 'Shifted',
    about: 'the same bump, moved over',
    make: (n) => {
      const m = atLeast(n, 6);
      const s = Math.max(0.8, m / 7);
      return { p: floor(gauss(m, (m - 1) * 0.35, s), 0.004), q: floor(gauss(m, (m - 1) * 0.62, s), 0.004), names: [] };
    },
  },
  {
    id: 'disjoint',
    label: 'Disjoint supports',
    about: 'P and Q never overlap: KL is infinite, JS reaches its ceiling log 2',
    make: (n) => {
      const m = atLeast(n, 4);
      const half = Math.floor(m / 2);
      return { p: Array.from({ length: m }, (_, i) => (i < half ? 1 : 0)), q: Array.from({ length: m }, (_, i) => (i < half ? 0 : 1)), names: [] };
    },
  },
  {
    id: 'q-misses',
    label: 'Q misses a category',
    about: 'Q gives zero probability to something P does: KL(P‖Q) = ∞',
    make: (n) => {
      const m = atLeast(n, 4);
      const p = Array.from({ length: m }, (_, i) => 1 + 0.5 * Math.sin(i + 1));
      const q = p.map((x, i) => (i === m - 1 ? 0 : x + 0.3 * Math.cos(i)));
      return { p, q, names: [] };
    },
  },
];
