// A lab's state is described by a schema: a list of fields, each with a name, a
// type, a default and bounds. The same schema drives the URL hash (serialise and
// parse, clamping to the bounds and falling back to defaults with a reason) and
// the controls that labs build from it.
//
// Field types:
//   {name, type: 'int', default, min, max}
//   {name, type: 'number', default, min, max}
//   {name, type: 'enum', default, values: [...]}
//   {name, type: 'bool', default}
//   {name, type: 'distribution', default: [probabilities], minLength, maxLength}
//       held as integer micro-units (see measure.js); written as probabilities
//   {name, type: 'labels', default: [], maxLength, maxChars}   short category names
//   {name, type: 'numbers', default: [...], min, max, minLength, maxLength}
//       a list of finite numbers (logits, class indices), each clamped to [min, max]
//
// The hash is `#lab=<id>&<field>=<value>…`; arrays are comma-separated, each item
// percent-encoded (so a comma inside a label survives).
import { UNIT, apportion, fromWeights } from './measure.js';

/** The default state of a schema (fresh arrays, never shared). */
export function defaults(schema) {
  const s = {};
  for (const f of schema) s[f.name] = defaultOf(f);
  return s;
}

function defaultOf(f) {
  if (f.type === 'distribution') return fromWeights(f.default);
  if (Array.isArray(f.default)) return [...f.default];
  return f.default;
}

// The longest hash read at all: the longest valid state (32 labels of 24 escaped
// characters and two 32-entry distributions) is about 6,000 characters.
export const MAX_HASH = 16384;

/** Splits a location.hash into [key, raw value] pairs; null when it is not key=value form at all (or too long). */
export function splitHash(hash) {
  const s = String(hash ?? '').replace(/^#/, '');
  if (s === '') return [];
  if (s.length > MAX_HASH) return null;
  const pairs = [];
  for (const part of s.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    const key = safeDecode(part.slice(0, eq));
    if (key === null) return null;
    pairs.push([key, part.slice(eq + 1)]);
  }
  return pairs;
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * Parses the raw hash values of one lab into a state. Returns {state, problems}:
 * problems lists, in words, each field that was invalid (and fell back to its
 * default) or out of bounds (and was clamped). Missing fields take their defaults
 * silently; unknown keys are reported.
 */
export function parse(schema, pairs) {
  const state = defaults(schema);
  const problems = [];
  const byName = new Map(schema.map((f) => [f.name, f]));
  const seen = new Set();
  for (const [key, raw] of pairs) {
    if (key === 'lab') continue;
    const f = byName.get(key);
    if (!f) { problems.push(`“${clip(key)}” is not a setting of this lab`); continue; }
    if (seen.has(key)) { problems.push(`${key} was given twice`); continue; }
    seen.add(key);
    const r = parseField(f, raw);
    if (r.error) problems.push(`${key} ${r.error}; using the default`);
    else {
      state[key] = r.value;
      if (r.note) problems.push(`${key} ${r.note}`);
    }
  }
  return { state, problems };
}

function clip(s) {
  return s.length > 24 ? `${s.slice(0, 24)}…` : s;
}

function parseField(f, raw) {
  const text = safeDecode(raw);
  if (text === null) return { error: 'is not readable' };
  switch (f.type) {
    case 'int':
    case 'number': {
      if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text)) return { error: 'is not a number' };
      let v = Number(text);
      if (f.type === 'int') v = Math.round(v);
      if (v < f.min) return { value: f.min, note: `was below ${f.min}; clamped` };
      if (v > f.max) return { value: f.max, note: `was above ${f.max}; clamped` };
      return { value: v };
    }
    case 'enum':
      return f.values.includes(text) ? { value: text } : { error: `must be one of ${f.values.join(', ')}` };
    case 'bool':
      if (text === '1' || text === 'true') return { value: true };
      if (text === '0' || text === 'false') return { value: false };
      return { error: 'must be 1 or 0' };
    case 'distribution':
      return parseDistribution(f, raw);
    case 'numbers':
      return parseNumbers(f, raw);
    case 'labels': {
      const items = raw.split(',').map(safeDecode);
      if (items.some((x) => x === null)) return { error: 'is not readable' };
      let note;
      let out = items.map((x) => x.trim());
      if (out.length > f.maxLength) { out = out.slice(0, f.maxLength); note = `had more than ${f.maxLength} names; cut`; }
      if (out.some((x) => x.length > f.maxChars)) { out = out.map((x) => x.slice(0, f.maxChars)); note = `names were longer than ${f.maxChars} characters; cut`; }
      return { value: out, note };
    }
    default:
      throw new Error(`schema: unknown field type ${f.type}`);
  }
}

const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/**
 * The finite numbers of a comma list, cut to f.maxLength (and said so in notes),
 * or {error}: what every list-valued field reads first.
 */
function parseList(f, raw, notes) {
  const items = raw.split(',').map(safeDecode);
  if (items.some((x) => x === null || !NUMBER.test(x))) return { error: 'is not a list of numbers' };
  const values = items.map(Number);
  if (values.some((v) => !Number.isFinite(v))) return { error: 'is not a list of finite numbers' };
  if (values.length < f.minLength) return { error: `needs at least ${f.minLength} entries` };
  if (values.length <= f.maxLength) return { values };
  notes.push(`had more than ${f.maxLength} entries; cut to ${f.maxLength}`);
  return { values: values.slice(0, f.maxLength) };
}

function parseDistribution(f, raw) {
  const notes = [];
  const list = parseList(f, raw, notes);
  if (list.error) return list;
  let { values } = list;
  if (values.some((v) => v < 0)) {
    values = values.map((v) => Math.max(0, v));
    notes.push('had negative entries; set to 0');
  }
  const sum = values.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return { error: 'has no mass (all zero)' };
  // Six-decimal values that sum to 1 land on whole units; anything else is rescaled, and said so.
  const units = values.map((v) => Math.round(v * UNIT));
  const total = units.reduce((a, b) => a + b, 0);
  if (total === UNIT && values.every((v, i) => Math.abs(v * UNIT - units[i]) < 1e-6)) return { value: units, note: notes.join(', ') || undefined };
  if (Math.abs(sum - 1) > 1e-6) notes.push(`summed to ${+sum.toPrecision(6)}, not 1; rescaled`);
  return { value: apportion(values), note: notes.join(', ') || undefined };
}

function parseNumbers(f, raw) {
  const notes = [];
  const list = parseList(f, raw, notes);
  if (list.error) return list;
  let { values } = list;
  if (values.some((v) => v < f.min || v > f.max)) {
    values = values.map((v) => Math.min(f.max, Math.max(f.min, v)));
    notes.push(`had entries outside ${f.min} to ${f.max}; clamped`);
  }
  return { value: values, note: notes.join(', ') || undefined };
}

/** The hash for a lab's state: `lab=<id>&a=1&p=0.5,0.5…` (labels omitted when empty). */
export function serialise(schema, labId, state) {
  const parts = [`lab=${encodeURIComponent(labId)}`];
  for (const f of schema) {
    const v = state[f.name];
    let text;
    switch (f.type) {
      case 'distribution': text = v.map((u) => String(u / UNIT)).join(','); break;
      case 'labels': if (!v.length) continue; text = v.map((x) => encodeURIComponent(x)).join(','); break;
      case 'numbers': text = v.map((x) => String(x)).join(','); break;
      case 'bool': text = v ? '1' : '0'; break;
      default: text = encodeURIComponent(String(v));
    }
    parts.push(`${encodeURIComponent(f.name)}=${text}`);
  }
  return parts.join('&');
}
