// d3 selections that write only what changed. A lab redraws its charts from the
// state on every edit, and most of each chart (its ticks, its other bars, their
// labels) comes out the same; Chromium invalidates style and layout for every
// attribute or text written, same value or not, so an edit of one bar relaid out
// the whole page. attr(), style() and text() here compare with what the node holds
// and skip equal writes; everything else is d3's. chart.js installs it, so every
// selection of the page (d3-axis's too) goes through it.
import { namespace, selection } from 'd3-selection';

const proto = selection.prototype;
const attr = proto.attr;
const style = proto.style;
const text = proto.text;

function setAttr(node, full, v) {
  if (full.local) {
    if (v == null) node.removeAttributeNS(full.space, full.local);
    else if (node.getAttributeNS(full.space, full.local) !== String(v)) node.setAttributeNS(full.space, full.local, v);
  } else if (v == null) node.removeAttribute(full);
  else if (node.getAttribute(full) !== String(v)) node.setAttribute(full, v);
}

proto.attr = function (name, value) {
  if (arguments.length < 2) return attr.call(this, name);
  const full = namespace(name);
  return this.each(typeof value === 'function'
    ? function (d, i, nodes) { setAttr(this, full, value.call(this, d, i, nodes)); }
    : function () { setAttr(this, full, value); });
};

function setStyle(node, name, v, priority) {
  if (v == null) node.style.removeProperty(name);
  else if (node.style.getPropertyValue(name) !== String(v) || node.style.getPropertyPriority(name) !== priority) node.style.setProperty(name, v, priority);
}

proto.style = function (name, value, priority) {
  if (arguments.length < 2) return style.call(this, name);
  const p = priority ?? '';
  return this.each(typeof value === 'function'
    ? function (d, i, nodes) { setStyle(this, name, value.call(this, d, i, nodes), p); }
    : function () { setStyle(this, name, value, p); });
};

// Equal when the node holds just that text: a node with other children (tspans)
// is rewritten, as textContent would flatten them.
function setText(node, v) {
  const s = v == null ? '' : String(v);
  const c = node.firstChild;
  if (c ? c === node.lastChild && c.nodeType === 3 && c.data === s : s === '') return;
  node.textContent = s;
}

proto.text = function (value) {
  if (!arguments.length) return text.call(this);
  return this.each(typeof value === 'function'
    ? function (d, i, nodes) { setText(this, value.call(this, d, i, nodes)); }
    : function () { setText(this, value); });
};
