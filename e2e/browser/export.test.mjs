// Chart export (lib/export.js through lib/chart.js's chartFrame): every chart of
// every lab exports valid SVG and CSV from its ⋯ menu, PNG is a real PNG at twice
// the chart's width, and the Divergence lab's CSV holds the numbers it draws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, downloaded, watched, ready, labDrawn } from '../harness.mjs';

const { server, browser } = await fixture();

/** Records CSP violations in the page, or in every page of a context (read with cspViolations). */
async function watchCSP(target) {
  await target.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
}
const cspViolations = (page) => page.evaluate(() => window.__csp);

/** Opens a chart's export menu and saves one format; resolves to {name, data: Buffer}. */
async function exportChart(page, menu, kind) {
  // The menu is a <details>: click its summary only when it is closed (a second click would close it).
  if (!(await menu.evaluate((d) => d.open))) await menu.locator('summary').click();
  const [download] = await Promise.all([page.waitForEvent('download'), menu.locator(`[data-export="${kind}"]`).click()]);
  return { name: download.suggestedFilename(), data: await downloaded(download) };
}

/** RFC 4180 CSV → array of rows of strings. */
function parseCSV(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += c;
  }
  assert.equal(field, '', 'CSV ends with a line break');
  assert.equal(row.length, 0);
  return rows;
}

const NUMERIC = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$|^-?Infinity$|^NaN$/;

/** Asserts an SVG file parses, is standalone (no var(), no classes needed) and holds `texts`. */
async function checkSVG(page, svgText, texts = []) {
  const r = await page.evaluate((s) => {
    const doc = new DOMParser().parseFromString(s, 'image/svg+xml');
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: doc.documentElement.localName,
      ns: doc.documentElement.namespaceURI,
      text: doc.documentElement.textContent,
      width: doc.documentElement.getAttribute('width'),
    };
  }, svgText);
  assert.equal(r.error, null, 'the SVG parses');
  assert.equal(r.root, 'svg');
  assert.equal(r.ns, 'http://www.w3.org/2000/svg');
  assert.ok(!/var\(--/.test(svgText), 'no CSS variables are left unresolved');
  for (const t of texts) assert.ok(r.text.includes(t), `the SVG contains “${t}”`);
  return r;
}

test('Divergence: SVG, PNG at 2× and CSV hold what the charts draw', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watched(page);
  await watchCSP(page);
  await page.goto(`${server.url}#lab=divergence&p=0.5,0.25,0.25,0&q=0.25,0.25,0.25,0.25&unit=nats&names=a%2Cb,%3Dcmd,c,d`);
  await ready(page);
  const menus = page.locator('.lab .chart-export');
  assert.equal(await menus.count(), 3, 'each of the three charts has an export menu');

  // The first chart: P and Q.
  const menu = page.locator('.fig-dist .chart-export');
  const svg = await exportChart(page, menu, 'svg');
  assert.match(svg.name, /^klplay-divergence-p-and-q\.svg$/);
  const svgText = svg.data.toString('utf8');
  await checkSVG(page, svgText, ['0.50', '0.25', 'a,b']);
  assert.match(svgText, /fill:rgb\(0, 114, 178\)/, 'P’s blue is inlined as a computed colour');
  // It stands alone: the figure's heading and every legend entry are drawn into it.
  const caption = await page.locator('.fig-dist figcaption').evaluate((c) => ({
    title: c.querySelector('h2').textContent, entries: [...c.querySelector('.legend').children].map((e) => e.textContent.trim()),
  }));
  assert.equal(caption.title, 'P and Q');
  assert.deepEqual(caption.entries, ['P, the truth', 'Q, the model', 'M = (P + Q)/2']);
  const drawnTexts = await page.evaluate((t) => [...new DOMParser().parseFromString(t, 'image/svg+xml').querySelectorAll('.export-caption text')].map((e) => e.textContent), svgText);
  assert.deepEqual(drawnTexts, [caption.title, ...caption.entries], 'the heading, then each legend entry, as text of the SVG');

  const png = await exportChart(page, menu, 'png');
  assert.equal(png.data.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'PNG signature');
  const width = await page.locator('.fig-dist svg.chart').evaluate((s) => Number(s.getAttribute('width')));
  const height = await page.locator('.fig-dist svg.chart').evaluate((s) => Number(s.getAttribute('height')));
  assert.equal(png.data.readUInt32BE(16), 2 * width, 'the PNG is twice the chart’s width');
  assert.ok(png.data.readUInt32BE(20) > 2 * height + 2 * 30, `taller than the chart alone (${png.data.readUInt32BE(20)} px for a chart of ${height}): the heading and legend are above it`);

  const csv = parseCSV((await exportChart(page, menu, 'csv')).data.toString('utf8'));
  assert.deepEqual(csv[0], ['category', 'P', 'Q', 'M = (P + Q)/2']);
  assert.deepEqual(csv.slice(1), [['a,b', '0.5', '0.25', '0.375'], ["'=cmd", '0.25', '0.25', '0.25'], ['c', '0.25', '0.25', '0.25'], ['d', '0', '0.25', '0.125']],
    'names quoted (a comma) and defused (a leading =), numbers exact');

  // Pointwise terms: full precision, summing to the KL the page shows.
  const terms = parseCSV((await exportChart(page, page.locator('.fig-terms .chart-export'), 'csv')).data.toString('utf8'));
  assert.deepEqual(terms[0], ['category', 'p log(p/q) (nats)']);
  const sum = terms.slice(1).reduce((s, r) => s + Number(r[1]), 0);
  const kl = Number(await page.locator('.hero output[data-readout="kl"]').getAttribute('data-value'));
  assert.ok(Math.abs(sum - kl) < 1e-12, `terms sum to KL (${sum} vs ${kl})`);
  assert.equal(terms[1][1], String(0.5 * Math.log(2)), 'written with every digit');

  // Code lengths: a category P never produces costs −log₂ 0 = Infinity for P’s code.
  const code = parseCSV((await exportChart(page, page.locator('.fig-code .chart-export'), 'csv')).data.toString('utf8'));
  assert.deepEqual(code[0], ['category', 'p', '−log₂ p (bits)', '−log₂ q (bits)']);
  assert.equal(code[4][2], 'Infinity');
  assert.equal(Number(code[1][2]), 1);

  // The menu is keyboard operable: Escape closes it and focus returns to its toggle.
  await menu.locator('summary').focus();
  await page.keyboard.press('Enter');
  assert.equal(await menu.evaluate((d) => d.open), true);
  await page.keyboard.press('Escape');
  assert.equal(await menu.evaluate((d) => d.open), false);
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('chart-export-toggle')), true);

  assert.deepEqual(await cspViolations(page), []);
});

test('a dark-mode export carries the dark colours it was drawn with', async () => {
  const page = await browser.newPage({ viewport: { width: 900, height: 900 }, colorScheme: 'dark' });
  watched(page);
  await page.goto(`${server.url}#lab=divergence`);
  await ready(page);
  const svg = (await exportChart(page, page.locator('.fig-dist .chart-export'), 'svg')).data.toString('utf8');
  assert.match(svg, /<rect width="100%" height="100%" fill="rgb\(23, 28, 35\)"/, 'the dark card behind the chart is its background');
  assert.match(svg, /rgb\(43, 143, 208\)/, 'dark P blue');
  // The heading and legend are in the dark theme's ink, readable on the dark card.
  const ink = await page.locator('.fig-dist figcaption h2').evaluate((e) => getComputedStyle(e).color);
  const muted = await page.locator('.fig-dist figcaption .legend').evaluate((e) => getComputedStyle(e).color);
  const fills = await page.evaluate((t) => [...new DOMParser().parseFromString(t, 'image/svg+xml').querySelectorAll('.export-caption text')]
    .map((e) => e.getAttribute('style').match(/fill:([^;]+)/)[1]), svg);
  assert.equal(fills[0], ink);
  assert.ok(fills.slice(1).every((f) => f === muted), `${fills} vs ${muted}`);
  const lum = (rgb) => { const [r, g, b] = rgb.match(/\d+/g).map(Number); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  assert.ok(lum(ink) > 180 && lum(muted) > 110, `light text on the dark card: ${ink}, ${muted}`);
});

test('an exported legend draws each swatch in the page’s colour and form', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watched(page);
  await page.goto(`${server.url}#lab=mutual-information&trainStep=20`);
  await ready(page);
  await labDrawn(page, 'mutual-information');
  const svg = (await exportChart(page, page.locator('.fig-nce .chart-export'), 'svg')).data.toString('utf8');
  // Each legend entry is a group (its swatch) followed by its text.
  const marks = await page.evaluate((t) => [...new DOMParser().parseFromString(t, 'image/svg+xml').querySelectorAll('.export-caption > g')].map((g) => {
    const m = g.firstElementChild;
    const style = m?.getAttribute('style') ?? '';
    const prop = (name) => style.match(new RegExp(`(?:^|;)${name}:([^;]+)`))?.[1] ?? null;
    return { text: g.nextElementSibling?.textContent, shape: m?.localName ?? null, fill: prop('fill'), stroke: prop('stroke'), dashed: (prop('stroke-dasharray') ?? 'none') !== 'none' };
  }), svg);
  assert.deepEqual(marks, [
    { text: 'InfoNCE', shape: 'line', fill: null, stroke: 'rgb(0, 114, 178)', dashed: false },
    { text: 'NWJ', shape: 'circle', fill: 'rgb(213, 94, 0)', stroke: null, dashed: false },
    { text: 'NWJ’s expected value for its critic', shape: 'line', fill: null, stroke: 'rgb(179, 79, 0)', dashed: true },
    { text: 'true I(X;Y)', shape: 'line', fill: null, stroke: 'rgb(0, 158, 115)', dashed: true },
    { text: 'log K', shape: 'line', fill: null, stroke: 'rgb(61, 70, 82)', dashed: true },
  ], 'InfoNCE solid blue, NWJ a vermillion dot, the rest dotted or dashed in their chart colours');
});

// Every other chart is read where its file is handed to the browser: a click on
// the <a download> that lib/export.js's download() makes is caught, and the Blob
// behind its URL (recorded as URL.createObjectURL makes it, since the page's CSP
// rightly lets no fetch read a blob: URL) read in the page. The bytes are the
// download's (the Divergence test above takes them through real downloads),
// without Chromium's throttle, which drops without a word a download asked for
// when a frame has asked for 10 within the last second.
async function catchDownloads(page) {
  await page.addInitScript(() => {
    window.__files = [];
    const blobs = new Map();
    const createObjectURL = URL.createObjectURL;
    URL.createObjectURL = (blob) => {
      const url = createObjectURL.call(URL, blob);
      blobs.set(url, blob);
      return url;
    };
    document.addEventListener('click', (e) => {
      const a = e.target instanceof HTMLAnchorElement && e.target.hasAttribute('download') ? e.target : null;
      if (!a) return;
      e.preventDefault();
      const name = a.download;
      window.__files.push(blobs.get(a.href).text().then((text) => ({ name, text })));
    }, true);
  });
}

/** Like exportChart, for a page under catchDownloads: resolves to {name, text}. */
async function caughtExport(page, menu, kind) {
  if (!(await menu.evaluate((d) => d.open))) await menu.locator('summary').click();
  await menu.locator(`[data-export="${kind}"]`).click();
  await page.waitForFunction(() => window.__files.length > 0);
  return page.evaluate(() => window.__files.shift());
}

test('every chart in every lab exports valid SVG and CSV', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watched(page);
  await watchCSP(page);
  await catchDownloads(page);
  await page.goto(server.url);
  await ready(page);
  // Every lab; the start view has thumbnails, not charts.
  const labs = await page.locator('.site-nav a[data-lab]:not([data-lab="start"])').evaluateAll((as) => as.map((a) => a.dataset.lab));
  assert.ok(labs.length >= 8, `${labs.length} labs`);
  let charts = 0;
  let layered = 0;
  // A chart of training batches has rows once there are batches: the MI lab opens at update 20.
  const state = { 'mutual-information': '&trainStep=20' };
  for (const lab of labs) {
    await page.evaluate((hash) => { location.hash = hash; }, `#lab=${lab}${state[lab] ?? ''}`);
    await labDrawn(page, lab);
    const menus = page.locator('section.lab .chart-host:visible > .chart-export');
    const n = await menus.count();
    assert.ok(n >= 2, `${lab}: ${n} charts with an export menu`);
    for (let i = 0; i < n; i++) {
      const menu = menus.nth(i);
      const label = await menu.locator('summary').getAttribute('aria-label');
      const hasCSV = await menu.locator('[data-export="csv"]').count();
      assert.equal(hasCSV, 1, `${lab}: ${label} exports CSV`);
      const csvFile = await caughtExport(page, menu, 'csv');
      assert.match(csvFile.name, new RegExp(`^klplay-${lab}-[a-z0-9-]+\\.csv$`));
      const rows = parseCSV(csvFile.text);
      assert.ok(rows.length >= 1 && rows[0].length >= 2, `${lab}: ${label}: a header of at least two columns`);
      for (const row of rows.slice(1)) {
        assert.equal(row.length, rows[0].length, `${lab}: ${label}: every row as wide as the header`);
        for (const cell of row) {
          if (NUMERIC.test(cell)) assert.equal(String(Number(cell)), cell, `${lab}: ${label}: ${cell} is written as the number it is, every digit`);
        }
      }
      assert.ok(rows.length >= 2 && rows.slice(1).some((r) => r.some((c) => NUMERIC.test(c))), `${lab}: ${label}: rows of numbers under the header`);
      const svgFile = await caughtExport(page, menu, 'svg');
      assert.match(svgFile.name, new RegExp(`^klplay-${lab}-[a-z0-9-]+\\.svg$`));
      await checkSVG(page, svgFile.text);
      const heading = await page.evaluate((t) => new DOMParser().parseFromString(t, 'image/svg+xml').querySelector('.export-caption text')?.textContent ?? '', svgFile.text);
      assert.ok(heading.trim().length > 2, `${lab}: ${label}: the exported SVG carries its heading (“${heading}”)`);
      // A swatch export.js cannot read comes out as a black box (the SVG default fill).
      const black = await page.evaluate((t) => [...new DOMParser().parseFromString(t, 'image/svg+xml').querySelectorAll('.export-caption > g > *')]
        .filter((m) => /(?:^|;)(?:fill|stroke):rgb\(0, 0, 0\)/.test(m.getAttribute('style') ?? '')).length, svgFile.text);
      assert.equal(black, 0, `${lab}: ${label}: no legend swatch is drawn as a black box`);
      // Every entry the page's legend shows with a mark has one in the file (a class's marker shape too), and no other.
      const marked = await menu.evaluate((m) => [...(m.closest('figure')?.querySelectorAll('figcaption .legend > *') ?? [])]
        .filter((e) => !e.hidden && e.getAttribute('aria-pressed') !== 'false' && e.textContent.trim() && e.querySelector('svg, [class*="swatch"]'))
        .map((e) => e.textContent.replace(/\s+/g, ' ').trim()));
      const inFile = await page.evaluate((t) => [...new DOMParser().parseFromString(t, 'image/svg+xml').querySelectorAll('.export-caption > text')].slice(1)
        .filter((x) => x.previousElementSibling?.localName === 'g' && x.previousElementSibling.childElementCount > 0).map((x) => x.textContent), svgFile.text);
      assert.deepEqual(inFile.filter((x) => marked.includes(x)), marked, `${lab}: ${label}: the legend's marks in the file`);
      // Dots drawn on a canvas over the chart (chart.js dotLayer) are in the file, as circles over the chart, and its PNG is made.
      const drawn = await menu.evaluate((m) => [...m.parentElement.querySelectorAll(':scope > canvas.chart-dots')].map((c) => {
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let k = 3; k < px.length; k += 4) if (px[k] > 0) n += 1;
        return n;
      }));
      if (drawn.length) {
        assert.ok(drawn.every((n) => n > 1000), `${lab}: ${label}: the canvas holds dots (${drawn} inked pixels)`);
        const circles = await page.evaluate((t) => [...new DOMParser().parseFromString(t, 'image/svg+xml').querySelectorAll('g.dots > circle')]
          .filter((c) => Number.isFinite(Number(c.getAttribute('cx'))) && Number.isFinite(Number(c.getAttribute('cy')))).length, svgFile.text);
        assert.ok(circles >= 100 * drawn.length, `${lab}: ${label}: ${circles} dots in the file`);
        const png = await caughtExport(page, menu, 'png');
        assert.ok(png.text.startsWith('\uFFFDPNG'), `${lab}: ${label}: a PNG`);
        layered += 1;
      }
      charts += 1;
    }
  }
  assert.deepEqual(await cspViolations(page), []);
  assert.ok(charts >= 30, `${charts} charts exported`);
  assert.ok(layered >= 2, `${layered} charts with dots on a canvas (the VAE's reconstructions and codes)`);
});
