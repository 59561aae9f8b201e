// Presets of the Mutual information lab: joint tables of any size R × C as flat,
// row-major weights (the page turns them into a distribution).

/** The column x maps to: rows spread evenly over the columns. */
const target = (i, R, C) => Math.floor((i * C) / R);

/** The R × C weights w(i, j), row-major. */
function table(R, C, w) {
  const out = [];
  for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) out.push(w(i, j));
  return out;
}

export const presets = [
  {
    id: 'independent',
    label: 'Independent',
    about: 'P(x, y) = P(x) P(y): the joint is the product of its marginals, so I(X;Y) = 0',
    make: (R, C) => table(R, C, (i, j) => (R - i + 1) * (j + 2)),
  },
  {
    id: 'deterministic',
    label: 'Deterministic',
    about: 'Y is a function of X: H(Y|X) = 0, and I(X;Y) = H(Y)',
    make: (R, C) => table(R, C, (i, j) => (j === target(i, R, C) ? 1 : 0)),
  },
  {
    id: 'noisy',
    label: 'Noisy channel',
    about: 'X uniform; Y is X’s column with probability 1 − noise, else uniformly random',
    make: (R, C, noise) => table(R, C, (i, j) => (j === target(i, R, C) ? 1 - noise : 0) + noise / C),
  },
  {
    id: 'xor',
    label: 'XOR-like',
    about: 'A checkerboard: each row and each column alone look even, yet X fixes the parity of Y',
    make: (R, C) => table(R, C, (i, j) => ((i + j) % 2 === 0 ? 1 : 0)),
  },
];
