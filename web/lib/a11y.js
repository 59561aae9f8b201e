// Small accessibility fixes applied to every lab after it mounts (see lib/embed.js
// setupPage): a region that scrolls sideways (a wide formula or table on a narrow
// screen) can be focused, so keyboard users can scroll it too (WCAG 2.1.1).
const SCROLLERS = '.math, .formula, .table-wrap';

function mark(node) {
  const ox = getComputedStyle(node).overflowX;
  const scrolls = (ox === 'auto' || ox === 'scroll') && node.scrollWidth > node.clientWidth + 1;
  if (scrolls && !node.hasAttribute('tabindex')) {
    node.tabIndex = 0;
    node.dataset.scrollFocus = '';
  } else if (!scrolls && 'scrollFocus' in node.dataset) {
    node.removeAttribute('tabindex');
    delete node.dataset.scrollFocus;
  }
}

let observer = null;

/** Watches the lab's scrollable regions (the previous lab's are let go). */
export function focusableScrollers(el) {
  observer?.disconnect();
  observer = new ResizeObserver((entries) => { for (const e of entries) mark(e.target); });
  for (const node of el.querySelectorAll(SCROLLERS)) observer.observe(node);
}
