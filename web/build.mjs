// Builds the static site into dist/ (the wasm is built by the Makefile):
// bundles and minifies the page's modules and styles with esbuild, typesets the
// formulas with Temml at build time (the page ships MathML, not a TeX engine),
// and copies the loader and index.html, into which it writes the start view's
// first numbers, computed by the built wasm under Node (labs/start/rows.js
// firstView), so that the default link is drawn before Go is ready in the
// browser. Every URL it writes is relative, so
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
outputs(await build({
  entryPoints: [path.join(web, 'style.css')],
  bundle: true,
  minify: true,
  outfile: path.join(out, 'style.css'),
  loader: { '.woff2': 'file' },
  logLevel: 'warning',
  metafile: true,
}));
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
for (const f of ['favicon.ico', 'embed-host.js']) {
  await copyFile(path.join(web, f), path.join(out, f));
  written.add(f);
}

// The first view: rows.js bundled for Node, run against the wasm this build ships.
const rowsModule = await build({
  entryPoints: [path.join(web, 'labs', 'start', 'rows.js')], bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'warning',
});
const { firstView } = await import(`data:text/javascript;base64,${Buffer.from(rowsModule.outputFiles[0].contents).toString('base64')}`);
const { load } = await import(pathToFileURL(path.join(out, 'klplay.js')).href);
const first = JSON.stringify(firstView(await load())).replace(/</g, '\\u003c');
const html = await readFile(path.join(web, 'index.html'), 'utf8');
if (!html.includes('</body>')) throw new Error('index.html has no </body> to put the first view before');
await writeFile(path.join(out, 'index.html'), html.replace('</body>', `<script type="application/json" id="klplay-first-view">${first}</script>\n</body>`));
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
