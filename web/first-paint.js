// Runs in <head>, before the body is parsed, so that the first paint is the
// right one. index.html holds the start view as the build wrote it (its numbers
// computed by the wasm): the default link shows it at once, a lab's link shows
// the loading line. An embed hides the site's chrome (and, with poster=1, the
// whole page, so the poster behind the frame shows) from the first paint too;
// lib/embed.js validates the parameters and sets the same classes again.
(function () {
  'use strict';
  var root = document.documentElement;
  var q = new URLSearchParams(location.search.length > 2048 ? '' : location.search); // lib/embed.js reads no longer query
  if (q.get('embed') === '1') {
    root.classList.add('embed');
    if (q.get('poster') === '1') root.classList.add('embed-poster');
  } else if (/^#?$/.test(location.hash)) {
    root.classList.add('first-start');
  }
}());
