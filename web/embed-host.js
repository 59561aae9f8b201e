// KL Playground embed host script (optional). Include it once on a page that
// embeds labs in iframes:
//   <script src="https://…/embed-host.js" async></script>
// Each embedded lab posts its height; this script sets its iframe's height to it.
// A message is used only when it comes from the iframe's own window
// (event.source) and the iframe's own origin (event.origin, from its src), and
// has one of the two known shapes with a height in [100, 5000] px: AMP
// {sentinel: 'amp', type: 'embed-size', height} or the pym.js string
// 'pymxPYMx<id>xPYMxheightxPYMx<height>'. Anything else is ignored.
(function () {
  'use strict';
  if (window.klplayEmbedHost) return; // included twice
  window.klplayEmbedHost = true;
  var MIN = 100;
  var MAX = 5000;
  var PYM = /^pymxPYMx[A-Za-z0-9_.:-]{1,64}xPYMxheightxPYMx(\d{1,6})$/;

  function heightOf(data) {
    var v = null;
    if (typeof data === 'string') {
      if (data.length > 200) return null;
      var m = PYM.exec(data);
      if (m) v = Number(m[1]);
    } else if (data && typeof data === 'object' && data.sentinel === 'amp' && data.type === 'embed-size') {
      v = data.height;
    }
    if (typeof v !== 'number' || !isFinite(v)) return null;
    return Math.round(Math.min(MAX, Math.max(MIN, v)));
  }

  // The origin a frame's messages must come from: its src's, or "null" for a
  // frame sandboxed without allow-same-origin (an opaque origin).
  function originOf(frame) {
    var sandbox = frame.getAttribute('sandbox');
    if (sandbox !== null && !/(^|\s)allow-same-origin(\s|$)/.test(sandbox)) return 'null';
    try { return new URL(frame.src, location.href).origin; } catch (e) { return ''; }
  }

  function isEmbed(frame) {
    if (frame.hasAttribute('data-klplay')) return true;
    try { return new URL(frame.src, location.href).searchParams.get('embed') === '1'; } catch (e) { return false; }
  }

  window.addEventListener('message', function (event) {
    if (!event.source) return;
    var frames = document.getElementsByTagName('iframe');
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow !== event.source) continue;
      if (!isEmbed(frame) || event.origin !== originOf(frame)) return;
      var height = heightOf(event.data);
      if (height !== null) frame.style.height = height + 'px';
      return;
    }
  });
}());
