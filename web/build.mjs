// Builds the static site into dist/ (the wasm is built by the Makefile):
// bundles and minifies the page's modules and styles with esbuild, typesets the
// formulas with Temml at build time (the page ships MathML, not a TeX engine),
// and copies the loader and index.html, into which it writes the navigation and
// the start view with its numbers, computed by the built wasm under Node
// (labs/start/rows.js firstView), so that the default link is drawn by the HTML
// alone, before the page's script or Go has run. Every URL it writes is relative, so
// dist/ works from any static host and under any sub-path. The Makefile builds
// into the dist/ of the last build: files this build did not write (an old
// font name, say) are removed, so the result is what a clean build gives.
//
//   node web/build.mjs [outdir]
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import temml from 'temml';

const web = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(process.argv[2] ?? path.join(web, '..', 'dist'));

// A .tex file holds formulas, each after a line `%% name`; importing it yields
// {name: '<math>…</math>'}. A TeX error fails the build instead of the page.
const texPlugin = {
  name: 'tex',
  setup(b) {
    b.onLoad({ filter: /\.tex$/ }, async (args) => {
      const src = await readFile(args.path, 'utf8');
      const formulas = {};
      for (const block of src.split(/^%% /m).slice(1)) {
        const nl = block.indexOf('\n');
        const name = block.slice(0, nl).trim();
        formulas[name] = temml.renderToString(block.slice(nl + 1).trim(), { displayMode: true, throwOnError: true, annotate: true });
      }
      return { contents: `export default ${JSON.stringify(formulas)};`, loader: 'js' };
    });
  },
};

await mkdir(out, { recursive: true });
// What this build writes, relative to out: esbuild's outputs, the copies, and the wasm pair from the Makefile.
const written = new Set(['klplay.wasm', 'wasm_exec.js', 'sw.js']);
const outputs = (result) => { for (const f of Object.keys(result.metafile.outputs)) written.add(path.relative(out, f).split(path.sep).join('/')); };
outputs(await build({
  entryPoints: [path.join(web, 'app.js')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome111', 'firefox115', 'safari16.4'],
  external: ['node:*'],
  outfile: path.join(out, 'app.js'),
  plugins: [texPlugin],
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
}));
const styles = await build({
  entryPoints: [path.join(web, 'style.css')],
  bundle: true,
  minify: true,
  outfile: path.join(out, 'style.css'),
  loader: { '.woff2': 'file' },
  logLevel: 'warning',
  metafile: true,
});
outputs(styles);
// The math font, asked for with the stylesheet: otherwise it is found only once the formulas are laid out.
const fonts = Object.keys(styles.metafile.outputs).filter((f) => f.endsWith('.woff2')).map((f) => path.relative(out, f).split(path.sep).join('/'));
// The loader is also published on its own, for blog authors and Node scripts.
outputs(await build({
  entryPoints: [path.join(web, 'klplay.js')],
  minify: true,
  format: 'esm',
  outfile: path.join(out, 'klplay.js'),
  logLevel: 'warning',
  metafile: true,
}));
// embed-host.js is the optional script a blog page includes to size embedded labs (not bundled: it runs on their page).
for (const f of ['favicon.ico', 'embed-host.js', 'first-paint.js']) {
  await copyFile(path.join(web, f), path.join(out, f));
  written.add(f);
}

// The first page: the page's own builders (the start view's startNodes, the
// shell's navNodes) bundled for Node and run with lib/markup.js's html() for h,
// on the numbers the wasm this build ships computes. The numbers also go in as
// JSON, from which the start view builds the same rows when its script runs.
const pageModule = await build({
  stdin: {
    contents: `export { firstView } from './labs/start/rows.js';
      export { startNodes, default as start } from './labs/start/view.js';
      export { navNodes } from './lib/shell.js';
      export { html, raw, toString } from './lib/markup.js';
      export { labs, pathInfo } from './path.js';`,
    resolveDir: web,
    loader: 'js',
  },
  bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'warning', plugins: [texPlugin],
});
const m = await import(`data:text/javascript;base64,${Buffer.from(pageModule.outputFiles[0].contents).toString('base64')}`);
const { load } = await import(pathToFileURL(path.join(out, 'klplay.js')).href);
const first = m.firstView(await load());
const nav = m.navNodes(m.html, { labs: m.labs, home: m.start, path: m.pathInfo });
const view = m.startNodes(m.html, m.raw, first, null);
const section = m.html('section', { class: 'lab lab-start start-static', 'aria-labelledby': 'lab-title-start', 'data-thumbs': 'built' }, view.nodes);
let page = await readFile(path.join(web, 'index.html'), 'utf8');
for (const [mark, markup] of [
  ['<link rel="stylesheet" href="./style.css">', ['<link rel="stylesheet" href="./style.css">', ...fonts.map((f) => `<link rel="preload" href="./${f}" as="font" type="font/woff2" crossorigin>`)].join('\n  ')],
  ['<nav class="site-nav" aria-label="Labs"></nav>', `<nav class="site-nav" aria-label="Labs">${m.toString(nav.menu)}${m.toString(nav.list)}</nav>`],
  ['<p class="loading">', `${m.toString(section)}\n    <p class="loading">`],
  ['</body>', `<script type="application/json" id="klplay-first-view">${JSON.stringify(first).replace(/</g, '\\u003c')}</script>\n</body>`],
]) {
  if (!page.includes(mark)) throw new Error(`index.html has no ${mark} to write the first page at`);
  page = page.replace(mark, markup);
}
await writeFile(path.join(out, 'index.html'), page);
written.add('index.html');

for (const d of await readdir(out, { recursive: true, withFileTypes: true })) {
  const f = path.relative(out, path.join(d.parentPath ?? d.path, d.name)).split(path.sep).join('/');
  if (d.isFile() && !written.has(f.replace(/\.(br|gz)$/, ''))) await rm(path.join(out, f));
}

// The service worker's precache list: every file of the build, named relative to
// the worker (so the site works under any sub-path), and a version that changes
// whenever any of them does.
const files = (await readdir(out, { recursive: true, withFileTypes: true }))
  .filter((d) => d.isFile() && !/\.(br|gz|map)$|^sw\.js$|LEGAL\.txt$/.test(d.name))
  .map((d) => path.relative(out, path.join(d.parentPath ?? d.path, d.name)).split(path.sep).join('/'))
  .sort();
const hash = createHash('sha256');
for (const f of files) hash.update(f).update('\0').update(await readFile(path.join(out, f)));
const precache = { version: hash.digest('hex').slice(0, 16), files: ['./', ...files.map((f) => `./${f}`)] };
const sw = await readFile(path.join(web, 'sw.js'), 'utf8');
await writeFile(path.join(out, 'sw.js'), `const BUILD = ${JSON.stringify(precache)};\n${sw}`);
