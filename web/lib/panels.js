// The panels an embedded figure is built from (?show=… in lib/embed.js, the
// Embed dialog's builder): a lab's toolbars, its top-level cards and marked
// groups, and its headline number. A panel's id is its data-embed-group, else
// its first class other than "card" (fig-dist, readouts, prose…): names the lab
// already gives its parts, so a link keeps working as a lab's text changes.
/** A name ?show= and ?hide= accept (lib/embed.js): a panel id is always one. */
export const NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
const PART = '.toolbar, .card, [data-embed-group]';
const NAMES = { controls: 'Controls', readouts: 'All readouts', formulas: 'Formulas', table: 'Table of numbers', hero: 'Headline number' };

/** [{id, title, node}] of the lab section `el`, in page order; the headline number (.hero) is a panel of its own. */
export function panels(el) {
  const out = [];
  const seen = new Set();
  const add = (node, id) => {
    let k = id;
    for (let i = 2; seen.has(k); i++) k = `${id}-${i}`;
    seen.add(k);
    const heading = node.querySelector('h2, h3, summary')?.textContent.trim();
    out.push({ id: k, title: NAMES[id] ?? (heading || id), node });
  };
  for (const node of el.querySelectorAll(PART)) {
    if (node.parentElement.closest(PART)) continue;
    const id = node.dataset.embedGroup ?? [...node.classList].find((c) => c !== 'card' && NAME.test(c));
    if (id) add(node, id);
  }
  const hero = el.querySelector('.hero');
  if (hero) add(hero, 'hero');
  return out;
}

/**
 * Hides every panel of `el` but those `show` names (ids as panels() gives them).
 * A panel inside a hidden one (the headline number inside the readouts) stays,
 * and only its way up is kept. The title stays: a figure says what it is. Names
 * that match no panel are ignored; if none matches, nothing is hidden.
 */
export function showOnly(el, show) {
  const all = panels(el);
  const shown = all.filter((p) => show.includes(p.id)).map((p) => p.node);
  if (!shown.length) return;
  const holds = (n) => shown.some((s) => n === s || n.contains(s));
  for (const p of all) {
    if (holds(p.node)) continue;
    p.node.classList.add('embed-hidden');
  }
  // Inside a panel that only holds a shown one, hide what is beside the way down to it.
  for (const s of shown) {
    for (let n = s; n && n !== el; n = n.parentElement) {
      const parent = n.parentElement;
      if (!parent || parent === el || !all.some((p) => p.node === parent || p.node.contains(parent))) break;
      if (shown.includes(parent)) break;
      for (const sib of parent.children) if (!holds(sib)) sib.classList.add('embed-hidden');
    }
  }
  // A grid left with nothing in it would still keep its margin.
  for (const g of el.querySelectorAll('.grid')) {
    if ([...g.children].every((c) => c.classList.contains('embed-hidden'))) g.classList.add('embed-hidden');
  }
}
