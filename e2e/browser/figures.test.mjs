// Figure-sized embeds (lib/panels.js, the Embed dialog's builder): for every lab
// the default figure built in the dialog, pasted into a blog post's 680 px column
// with no host script, fits its frame; with embed-host.js it follows a change
// that grows it; five on one page all draw when scrolled to; a local draft (a
// file, another localhost port) can frame them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixture, watchErrors, ready, hashSettled } from '../harness.mjs';

const { server, browser } = await fixture();
const BLOG = 'http://blog.test/';
const LABS = ['divergence', 'continuous', 'cross-entropy', 'mle', 'fit', 'elbo', 'vae', 'trust-region', 'gan', 'mutual-information'];

/** The iframe snippet of the dialog's default figure for a lab, once its preview has been measured. */
async function defaultSnippet(lab) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(`${server.url}#lab=${lab}`);
  await ready(page);
  await hashSettled(page);
  await page.locator('[data-action="embed"]').click();
  const dialog = page.locator('dialog.embed-dialog');
  await page.waitForFunction(() => document.querySelector('dialog.embed-dialog')?.dataset.measured);
  const html = await dialog.locator('pre.embed-code').first().textContent();
  const ticked = await dialog.locator('.embed-panels input:checked').count();
  const all = await dialog.locator('.embed-panels input').count();
  assert.deepEqual(errors, []);
  await page.close();
  return { html, ticked, all };
}

/** A blog post with a 680 px column holding `body`. */
async function blogPage(body, viewport = { width: 1000, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const errors = watchErrors(page);
  await page.route(`${BLOG}**`, (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A post</title></head>
      <body style="margin:0;font:18px Georgia,serif"><main style="max-width:680px;margin:0 auto;padding:0 16px">
      <h1>Notes on KL</h1><p>Some text before the figure.</p>${body}<p>The end.</p></main></body></html>`,
  }));
  await page.goto(`${BLOG}post.html`);
  return { page, errors };
}

async function frameOf(page, i = 0) {
  const handle = await page.locator('iframe').nth(i).elementHandle();
  await handle.scrollIntoViewIfNeeded();
  const frame = await handle.contentFrame();
  await frame.waitForFunction(() => document.body?.dataset.ready === 'true', null, { timeout: 20_000 });
  return frame;
}

/** The frame's height in the post, and its content's. */
async function fit(page, frame, i = 0) {
  const outer = await page.locator('iframe').nth(i).evaluate((f) => f.getBoundingClientRect().height);
  const inner = await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r({
    content: Math.ceil(document.documentElement.getBoundingClientRect().height),
    scroll: document.scrollingElement.scrollHeight,
    view: innerHeight,
  })))));
  return { outer, ...inner };
}

const noScript = (html) => html.replace(/\n?<script[^>]*><\/script>/, '');

/** The poster in a snippet's style: its SVG and the values it shows (the bold half of each line). */
function posterOf(html) {
  const m = /background:url\('data:image\/svg\+xml,([^']*)'\)/.exec(html);
  assert.ok(m, 'the snippet gives the frame a poster');
  const svg = decodeURIComponent(m[1]);
  return { svg, values: [...svg.matchAll(/<tspan class="i"[^>]*>([^<]*)<\/tspan>/g)].map((v) => v[1].replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')) };
}

for (const lab of LABS) {
  test(`${lab}: the dialog’s default figure fits its frame in a 680 px column with no script, under 800 px`, async () => {
    const { html, ticked, all } = await defaultSnippet(lab);
    assert.ok(ticked >= 1 && ticked < all, `a chosen figure, not the whole lab (${ticked} of ${all} panels)`);
    const height = Number(html.match(/height="(\d+)"/)[1]);
    assert.ok(height <= 800, `${height} px tall`);
    const { page, errors } = await blogPage(noScript(html));
    const frame = await frameOf(page);
    const f = await fit(page, frame);
    assert.equal(f.outer, height);
    assert.ok(f.scroll <= f.view, `no inner scrollbar: content scrolls to ${f.scroll} in a ${f.view} px frame`);
    assert.ok(f.content >= height - 2, `nothing cut off and no gap: content ${f.content} px in ${height} px`);
    const { values } = posterOf(html);
    assert.ok(values.length >= 1, 'the poster has the figure’s numbers');
    // Compared without spaces: the page's number and unit are separate elements.
    const shown = await frame.evaluate(() => document.querySelector('main').textContent.replace(/\s+/g, ''));
    for (const v of values) assert.ok(shown.includes(v.replace(/\s+/g, '')), `the poster’s ${v} is what the lab shows`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('the dialog shows the width it uses (clamped in the box, measured again), and a ticked prose card brings the text', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${server.url}#lab=gan`);
  await ready(page);
  await page.locator('[data-action="embed"]').click();
  await page.waitForFunction(() => document.querySelector('dialog.embed-dialog')?.dataset.measured);
  // Ticking the prose card brings the text with it: the card is all text.
  const text = page.locator('dialog .embed-options input[type="checkbox"]');
  assert.equal(await text.isChecked(), false);
  await page.locator('dialog .embed-panels input[value="prose"]').check();
  await page.waitForFunction(() => document.querySelector('dialog .embed-options input[type="checkbox"]').checked);
  await page.waitForFunction(() => document.querySelector('dialog.embed-dialog').dataset.measured);
  assert.doesNotMatch(await page.locator('dialog pre.embed-code').first().textContent(), /text=0/);
  const width = page.locator('dialog .embed-width');
  for (const [typed, used] of [['5000', '1400'], ['10', '280']]) {
    await width.fill(typed);
    await width.press('Enter');
    await width.blur();
    await page.waitForFunction((w) => document.querySelector('dialog .embed-width').value === w && document.querySelector('dialog.embed-dialog').dataset.measured, used);
    assert.match(await page.locator('dialog pre.embed-code').first().textContent(), new RegExp(`max-width:${used}px`));
    assert.match(await page.locator('dialog .embed-status').textContent(), new RegExp(`Measured at ${used} px wide`));
  }
  await page.close();
});

test('with embed-host.js the frame follows a change that grows the figure (a narrower column wraps its controls)', async () => {
  const { html } = await defaultSnippet('fit');
  const { page, errors } = await blogPage(html);
  const frame = await frameOf(page);
  const before = await fit(page, frame);
  await page.setViewportSize({ width: 420, height: 900 });
  // The figure may grow in steps (the controls wrap, then the chart redraws): wait
  // until the frame's height is its content's, whatever that settles at.
  await frame.waitForFunction((h) => Math.ceil(document.documentElement.getBoundingClientRect().height) > h, before.content);
  for (let settled = false; !settled;) {
    const grown = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
    settled = await page.waitForFunction((h) => Math.abs(document.querySelector('iframe').getBoundingClientRect().height - h) <= 1, grown, { timeout: 2000 }).then(() => true, () => false);
  }
  const after = await fit(page, frame);
  assert.ok(after.outer > before.outer, `${before.outer} → ${after.outer}`);
  assert.ok(after.scroll <= after.view + 1, 'still no inner scrollbar');
  assert.deepEqual(errors, []);
  await page.close();
});

test('five embeds on one page: each loads as it nears the viewport, with its height reserved, and all draw', async () => {
  const labs = ['divergence', 'fit', 'gan', 'elbo', 'mutual-information'];
  const snippets = [];
  for (const lab of labs) snippets.push(noScript((await defaultSnippet(lab)).html));
  const filler = '<p style="height:1400px">A long stretch of prose.</p>';
  const { page, errors } = await blogPage(snippets.join(filler));
  const reserved = await page.locator('iframe').evaluateAll((fs) => fs.map((f) => f.getBoundingClientRect().height));
  const want = snippets.map((s) => Number(s.match(/height="(\d+)"/)[1]));
  assert.deepEqual(reserved, want, 'each frame holds its figure’s height before it loads');
  // Far below the fold, the last one has not loaded yet (a lazy frame).
  const loaded = (i) => page.locator('iframe').nth(i).evaluate((f) => { try { return f.contentDocument?.body?.dataset.ready === 'true'; } catch { return false; } });
  assert.equal(await loaded(4), false, 'the fifth frame waits until it is near');
  for (let i = 0; i < labs.length; i++) {
    const frame = await frameOf(page, i);
    assert.ok(await frame.evaluate((lab) => document.querySelector(`section.lab-${lab} svg.chart`) !== null, labs[i]), `${labs[i]} drew`);
    const f = await fit(page, frame, i);
    assert.equal(f.outer, want[i], `${labs[i]}: nothing jumped`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('until its figure is drawn, a frame shows the snippet’s poster through its transparent page', async () => {
  const { html } = await defaultSnippet('divergence');
  const { svg, values } = posterOf(html);
  assert.match(svg, /KL\(P‖Q\) = /);
  const shot = async (body) => {
    const { page, errors } = await blogPage(body);
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route('**/klplay.wasm', async (route) => { await held; await route.continue(); });
    const frameEl = page.locator('iframe');
    await page.reload();
    const frame = await (await frameEl.elementHandle()).contentFrame();
    // The page's script has run (it shows the lab's frame while Go loads), so its stylesheet applies.
    await frame.waitForFunction(() => document.querySelector('main > section.lab:not(.start-static)') !== null);
    const before = await frame.evaluate(() => ({ hidden: getComputedStyle(document.body).visibility, ready: document.body.dataset.ready ?? null }));
    const image = await frameEl.screenshot();
    release();
    await frame.waitForFunction(() => document.body?.dataset.ready === 'true', null, { timeout: 20_000 });
    const afterDraw = await frame.evaluate(() => getComputedStyle(document.body).visibility);
    assert.deepEqual(errors, []);
    await page.close();
    return { before, image, afterDraw };
  };
  const withPoster = await shot(noScript(html));
  assert.deepEqual(withPoster.before, { hidden: 'hidden', ready: null }, 'before Go the page is empty and transparent');
  assert.equal(withPoster.afterDraw, 'visible');
  // The same frame without the poster's background: what the reader would see differs.
  const bare = await shot(noScript(html).replace(/;background:url\('[^']*'\)[^"]*/, ''));
  assert.ok(!withPoster.image.equals(bare.image), 'the poster shows through the frame');
  assert.ok(values.length >= 1);
});

test('a local draft can frame an embed: a page opened from a file, and one on another localhost port', async () => {
  const { html } = await defaultSnippet('divergence');
  const dir = await mkdtemp(path.join(tmpdir(), 'klplay-draft-'));
  const draft = path.join(dir, 'draft.html');
  await writeFile(draft, `<!doctype html><meta charset="utf-8"><title>Draft</title><h1>Draft</h1>${noScript(html)}`);
  const other = http.createServer((req, res) => { res.setHeader('content-type', 'text/html; charset=utf-8'); res.end(`<!doctype html><meta charset="utf-8"><title>Draft</title>${noScript(html)}`); });
  await new Promise((r) => other.listen(0, '127.0.0.1', r));
  after(async () => { other.close(); await rm(dir, { recursive: true, force: true }); });
  for (const url of [`file://${draft}`, `http://localhost:${other.address().port}/draft.html`]) {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    await page.goto(url);
    const frame = await frameOf(page);
    assert.ok(await frame.evaluate(() => document.querySelector('section.lab-divergence svg.chart') !== null), `${url}: drawn`);
    await page.close();
  }
});
