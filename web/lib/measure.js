// Discrete distributions as the page edits them. A distribution is held as
// integer micro-units (UNIT = 10⁶ per whole) that sum to UNIT exactly, so the
// probabilities handed to Go sum to 1 within 1e-15, and every value prints in
// the URL as at most six decimals and parses back to the very same double.

export const UNIT = 1_000_000;

/** Units → probabilities (a Float64Array summing to 1). */
export function toProbabilities(units) {
  return Float64Array.from(units, (u) => u / UNIT);
}

/**
 * Non-negative weights → integer units summing to `total` (largest remainder:
 * each share is rounded down, then the leftover units go to the largest remainders).
 * Weights summing to 0 share the total evenly.
 */
export function apportion(weights, total = UNIT) {
  const n = weights.length;
  let sum = 0;
  for (const w of weights) sum += w;
  const share = sum > 0 ? weights.map((w) => (w / sum) * total) : weights.map(() => total / n);
  const units = share.map(Math.floor);
  let left = total - units.reduce((a, b) => a + b, 0);
  const order = share.map((s, i) => [s - Math.floor(s), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % n, left--) units[order[k][1]] += 1;
  return units;
}

/**
 * Sets category i to probability v (clamped to [0, 1]) and rescales the others
 * proportionally so the whole still sums to 1. Others all zero: they share the rest evenly.
 */
export function setProbability(units, i, v) {
  const target = Math.min(UNIT, Math.max(0, Math.round(v * UNIT)));
  const others = units.filter((_, j) => j !== i);
  const rest = apportion(others, UNIT - target);
  const out = [];
  for (let j = 0, k = 0; j < units.length; j++) out.push(j === i ? target : rest[k++]);
  return out;
}

/**
 * Changes the number of categories. Added ones get the mean mass of the others
 * (1/n₀ each, for n₀ before), so that a new category starts visible, and then
 * all are rescaled to sum to 1; removing categories rescales the rest.
 */
export function resize(units, n) {
  const grown = n > units.length ? [...units, ...Array(n - units.length).fill(UNIT / units.length)] : units.slice(0, n);
  return apportion(grown);
}

/** Probabilities or weights → units. */
export function fromWeights(weights) {
  return apportion(weights.map((w) => (Number.isFinite(w) && w > 0 ? w : 0)));
}
