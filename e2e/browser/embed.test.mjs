// Embedding (lib/embed.js, lib/embed-dialog.js, embed-host.js): the snippet from
// the Embed dialog, pasted into a page on another origin (http://blog.test/,
// answered by the test), sizes itself through embed-host.js, works, and links to
// the full playground with its state; a sandboxed frame runs on the memory store;
// the parameters hide, theme and text do what they say and nothing else; hostile
// messages and hashes change nothing but the view they validly describe; the CSP
// reports no violations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, downloaded, watchErrors, ready, hashSettled } from '../harness.mjs';

const { server, browser } = await fixture();

const BLOG = 'http://blog.test/';

async function watchCSP(page) {
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
}

/** A blog post on another origin holding `body`; resolves when the page has loaded. */
async function blogPage(body, { viewport = { width: 900, height: 800 } } = {}) {
  const page = await browser.newPage({ viewport });
  const errors = watchErrors(page);
  await watchCSP(page); // in every frame, the lab's too
  await page.route(`${BLOG}**`, (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A post</title></head><body style="margin:0;font:16px sans-serif">
      <h1>My post about KL</h1><p>Here is a figure:</p>${body}<p>The end.</p></body></html>`,
  }));
  await page.goto(`${BLOG}post.html`);
  return { page, errors };
}

/** The embedded lab's Frame once it has drawn. */
async function embeddedFrame(page, index = 0) {
  await page.waitForFunction((i) => document.querySelectorAll('iframe')[i]?.contentWindow, index);
  // blogPage waited for the post's load event, which waits for its frames' documents.
  const frame = await (await page.locator('iframe').nth(index).elementHandle()).contentFrame();
  assert.ok(frame?.url().includes('embed=1'), 'the embedded frame exists');
  await frame.waitForFunction(() => document.body?.dataset.ready === 'true', null, { timeout: 15_000 });
  return frame;
}

/**
 * Resolves once the window of `to` (a Page or Frame) has handled every message
 * posted to it before `post(key)` posts it a key: a window handles the messages
 * from one sender, or one process, in the order they were sent.
 */
async function afterMessages(to, post) {
  const key = `klplay-test-${Math.random()}`;
  await to.evaluate((k) => { addEventListener('message', (e) => { if (e.data === k) window[k] = true; }); }, key);
  await post(key);
  await to.waitForFunction((k) => window[k] === true, key);
}

/** The snippet the Embed dialog offers for a view of the full page. */
async function snippetFor(hash) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(`${server.url}#${hash}`);
  await ready(page);
  await hashSettled(page);
  // Keyboard: the Embed button opens the dialog, Escape closes it, focus returns.
  await page.locator('[data-action="embed"]').focus();
  await page.keyboard.press('Enter');
  const dialog = page.locator('dialog.embed-dialog');
  await dialog.waitFor();
  assert.equal(await dialog.evaluate((d) => d.open && d.matches(':modal')), true, 'a modal dialog');
  // The snippets carry the height of the figure as the preview measured it.
  await page.waitForFunction(() => document.querySelector('dialog.embed-dialog').dataset.measured);
  const blocks = await dialog.locator('pre.embed-code').evaluateAll((ps) => ps.map((p) => p.textContent));
  const [html, hugoDef, hugo, jekyllDef, jekyll, astroDef, astro, poster] = blocks;
  // The poster: a PNG of the first chart at 2×, downloadable.
  await dialog.locator('[data-action="poster-download"]:not([hidden])').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.locator('[data-action="poster-download"]').click()]);
  const buf = await downloaded(download);
  const png = {
    sig: [...buf.subarray(0, 8)], width: buf.readUInt32BE(16), download: download.suggestedFilename(),
    chartWidth: await page.locator('section.lab svg.chart').first().evaluate((s) => Number(s.getAttribute('width'))),
    shown: await dialog.locator('img.embed-poster-img').evaluate((i) => i.naturalWidth),
  };
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.action), 'embed', 'focus returns to the Embed button');
  assert.deepEqual(errors, []);
  await page.close();
  return { html, hugoDef, hugo, jekyllDef, jekyll, astroDef, astro, poster, png };
}

test('the Embed dialog’s snippets, in every flavour, for the current view', async () => {
  const s = await snippetFor('lab=divergence&p=0.5,0.5&q=0.9,0.1&unit=bits');
  // The dialog's default figure for the lab: its chart and headline number, without the text.
  // The HTML frame shows its poster (poster=1) until drawn; the templates, whose style has none, do not ask for it.
  const src = `${server.url}?embed=1&lab=divergence&show=fig-dist,hero&text=0#lab=divergence&p=0.5,0.5&q=0.9,0.1&unit=bits`;
  const attr = src.replace('text=0', 'text=0&poster=1').replace(/&/g, '&amp;');
  assert.ok(s.html.startsWith(`<iframe src="${attr}" title="KL Playground: Divergence" width="100%" height="`), s.html);
  assert.match(s.html, /style="border:0;max-width:680px;background:url\('data:image\/svg\+xml,[^']+'\) top left\/100% auto no-repeat"/);
  assert.ok(s.hugo.includes(`src="${src}"`), s.hugo);
  assert.match(s.html, /loading="lazy"/);
  assert.ok(s.html.includes(`<script src="${server.url}embed-host.js" async></script>`));
  for (const x of [s.hugo, s.jekyll, s.astro]) assert.ok(x.includes(src), x);
  assert.match(s.hugo, /^\{\{< klplay src="/);
  assert.match(s.jekyll, /^\{% include klplay\.html src="/);
  assert.match(s.astro, /<KLPlayground src="/);
  assert.match(s.hugoDef, /\{\{ \.Get "src" \}\}/);
  assert.match(s.jekyllDef, /\{\{ include\.src \}\}/);
  assert.match(s.astroDef, /Astro\.props/);
  assert.ok(s.poster.startsWith(`<a href="${`${server.url}#lab=divergence&p=0.5,0.5&q=0.9,0.1&unit=bits`.replace(/&/g, '&amp;')}"><img src="klplay-divergence.png"`), s.poster);
  assert.deepEqual(s.png.sig, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(s.png.width, 2 * s.png.chartWidth, 'the poster is the first chart at 2×');
  assert.equal(s.png.shown, s.png.width, 'and the dialog shows it');
  assert.equal(s.png.download, 'klplay-divergence.png');
});

test('the snippet on another origin sizes itself, works, and opens the full playground with its state', async () => {
  const { html } = await snippetFor('lab=divergence&p=0.05,0.15,0.35,0.3,0.1,0.05&q=0.1,0.3,0.3,0.15,0.1,0.05&unit=nats');
  const initial = Number(html.match(/height="(\d+)"/)[1]);
  const { page, errors } = await blogPage(html);
  const frame = await embeddedFrame(page);
  assert.equal(await frame.evaluate(() => document.querySelector('.site-header').offsetParent), null, 'no site header');
  assert.equal(await frame.evaluate(() => getComputedStyle(document.querySelector('.site-footer')).display), 'none', 'no footer');
  assert.equal(await frame.evaluate(() => getComputedStyle(document.querySelector('.sessions-toggle')).display), 'none', 'no sessions panel');
  assert.equal(await frame.locator('[data-action="embed"]').count(), 0, 'no Embed button inside an embed');

  // Sized by embed-host.js to its content, which the snippet's measured height already was.
  await page.waitForFunction(() => document.querySelector('iframe').style.height !== '');
  const frameHeight = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
  await page.waitForFunction((h) => Math.abs(document.querySelector('iframe').getBoundingClientRect().height - h) <= 1, frameHeight);
  const outer = await page.evaluate(() => document.querySelector('iframe').getBoundingClientRect().height);
  assert.ok(Math.abs(outer - frameHeight) <= 1, `iframe ${outer}px, content ${frameHeight}px`);
  assert.ok(Math.abs(initial - frameHeight) <= 1, `the snippet said ${initial} px, the content is ${frameHeight} px`);
  assert.ok(await frame.evaluate(() => document.documentElement.scrollHeight <= innerHeight + 1), 'no scrollbar inside the frame');

  // It works: a key on P(1) changes KL.
  const kl = frame.locator('.hero output[data-readout="kl"]');
  const before = await kl.getAttribute('data-value');
  await frame.locator('rect.hit-p[data-index="0"]').focus();
  await frame.locator('rect.hit-p[data-index="0"]').press('ArrowUp');
  await frame.waitForFunction((b) => document.querySelector('.hero output[data-readout="kl"]').dataset.value !== b, before);

  // And it grows or shrinks with its content: the iframe follows (the table of numbers, left out of the figure, put back and taken out).
  const settle = () => frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(Math.ceil(document.documentElement.getBoundingClientRect().height))))));
  await frame.evaluate(() => { const d = document.querySelector('details.numbers'); d.classList.remove('embed-hidden'); d.open = true; });
  const grown = await settle();
  assert.ok(grown > frameHeight + 100, `${frameHeight} → ${grown}`);
  await page.waitForFunction((h) => Math.abs(document.querySelector('iframe').getBoundingClientRect().height - h) <= 1, grown);
  await frame.evaluate(() => { document.querySelector('details.numbers').classList.add('embed-hidden'); });
  const shrunk = await settle();
  assert.ok(shrunk < grown);
  await page.waitForFunction((h) => Math.abs(document.querySelector('iframe').getBoundingClientRect().height - h) <= 1, shrunk);

  // The link out carries the new state, opens a new tab, without an opener.
  const open = frame.locator('a.embed-open');
  await frame.waitForFunction(() => location.hash.includes('p=0.06,') && document.querySelector('a.embed-open').href.endsWith(location.hash));
  const href = await open.getAttribute('href');
  assert.equal(href, `${server.url}${await frame.evaluate(() => location.hash)}`, 'the link is the full page with the frame’s state');
  assert.match(href, /#lab=divergence&p=0\.06,/);
  assert.equal(await open.getAttribute('target'), '_blank');
  assert.equal(await open.getAttribute('rel'), 'noopener');
  const [tab] = await Promise.all([page.context().waitForEvent('page'), open.click()]);
  await ready(tab);
  assert.equal(new URL(tab.url()).search, '', 'the full playground, not the embed');
  assert.equal(await tab.evaluate(() => document.querySelector('.site-header').offsetParent !== null), true);
  assert.equal(await tab.locator('.hero output[data-readout="kl"]').getAttribute('data-value'), await kl.getAttribute('data-value'), 'the same view, the same KL');
  assert.equal(await tab.evaluate(() => window.opener), null);
  await tab.close();

  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(await frame.evaluate(() => window.__csp ?? []), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('hostile messages change nothing; out-of-range heights are bounded', async () => {
  const src = `${server.url}?embed=1&lab=divergence#lab=divergence&p=0.5,0.5&q=0.9,0.1`;
  const { page, errors } = await blogPage(`<iframe src="${src.replace(/&/g, '&amp;')}" title="Lab" width="100%" height="300" style="border:0" data-klplay></iframe>
    <iframe srcdoc="<p>an advert</p>" title="Advert" width="300" height="50"></iframe>
    <script src="${server.url}embed-host.js"></script>`);
  const frame = await embeddedFrame(page);
  await frame.waitForFunction(() => location.hash.includes('unit=')); // the hash has followed the state
  const settled = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
  await page.waitForFunction((h) => Math.abs(document.querySelector('iframe').getBoundingClientRect().height - h) <= 1, settled);
  const height = () => page.evaluate(() => document.querySelector('iframe').getBoundingClientRect().height);
  const state = () => frame.evaluate(() => ({ hash: location.hash, kl: document.querySelector('.hero output[data-readout="kl"]').dataset.value, html: document.documentElement.className }));
  const stateBefore = await state();
  const h0 = await height();

  // Messages to the host page from anything but the lab's frame: the host page itself, another frame.
  await page.evaluate(() => {
    window.postMessage({ sentinel: 'amp', type: 'embed-size', height: 4000 }, '*');
    window.postMessage('pymxPYMxdivergencexPYMxheightxPYMx4000', '*');
    const advert = document.querySelectorAll('iframe')[1].contentWindow;
    const s = advert.document.createElement('script');
    s.textContent = "parent.postMessage({sentinel: 'amp', type: 'embed-size', height: 4321}, '*'); parent.postMessage('pymxPYMxdivergencexPYMxheightxPYMx4321', '*');";
    advert.document.body.append(s);
  });
  await afterMessages(page, (key) => page.evaluate((k) => postMessage(k, '*'), key));
  assert.equal(await height(), h0, 'the host ignores messages that are not from the lab’s frame');

  // Messages to the embedded lab: it listens to none, so nothing changes.
  await page.evaluate(() => {
    const w = document.querySelector('iframe').contentWindow;
    const hostile = [
      { sentinel: 'amp', type: 'embed-size', height: 1 }, 'pymxPYMxdivergencexPYMxwidthxPYMx10', { lab: 'mle', p: [1, 0] },
      '#lab=mle', 'x'.repeat(1e6), { __proto__: { polluted: true } }, { type: 'set-state', state: { p: [0, 1] } }, null, 42,
    ];
    for (const m of hostile) w.postMessage(m, '*');
  });
  await afterMessages(frame, (key) => page.evaluate((k) => document.querySelector('iframe').contentWindow.postMessage(k, '*'), key));
  await hashSettled(frame); // a view a message had changed would be drawn and in the hash by now
  assert.deepEqual(await state(), stateBefore, 'the lab shows the same view');
  assert.equal(await frame.evaluate(() => ({}).polluted), undefined);

  // From the lab's own frame, malformed or out-of-range heights: ignored or bounded to [100, 5000].
  const post = (m) => frame.evaluate((msg) => parent.postMessage(msg, '*'), m);
  await post({ sentinel: 'amp', type: 'embed-size', height: 1e9 });
  await page.waitForFunction(() => document.querySelector('iframe').getBoundingClientRect().height === 5000);
  await post({ sentinel: 'amp', type: 'embed-size', height: -5 });
  await page.waitForFunction(() => document.querySelector('iframe').getBoundingClientRect().height === 100);
  for (const m of [{ sentinel: 'amp', type: 'embed-size', height: 'NaN' }, { sentinel: 'amp', type: 'embed-size', height: Infinity },
    { sentinel: 'amp', type: 'embed-size', height: '700' }, 'pymxPYMxdivergencexPYMxheightxPYMx7e3', `pymxPYMx${'a'.repeat(300)}xPYMxheightxPYMx700`,
    'pymxPYMx<script>xPYMxheightxPYMx700', { sentinel: 'other', type: 'embed-size', height: 700 }]) await post(m);
  await afterMessages(page, post);
  assert.equal(await height(), 100, 'malformed heights are ignored');
  await post('pymxPYMxdivergencexPYMxheightxPYMx640');
  await page.waitForFunction(() => document.querySelector('iframe').getBoundingClientRect().height === 640);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a hostile hash shows only what it validly describes, as text', async () => {
  const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
  const errors = watchErrors(page);
  await watchCSP(page);
  let dialogs = 0;
  page.on('dialog', (d) => { dialogs += 1; d.dismiss(); });
  const evil = encodeURIComponent('<img src=x onerror=alert(1)>');
  await page.goto(`${server.url}?embed=1&lab=divergence#lab=divergence&p=0.5,0.5&q=0.25,0.75&names=${evil},%3Cb%3Eb&javascript:alert(1)=1&__proto__=x`);
  await ready(page);
  assert.equal(await page.locator('main img, main b, main script').count(), 0, 'no markup from the hash');
  const ticks = await page.locator('.fig-dist .x-axis text').allTextContents();
  assert.ok(ticks[0].startsWith('<img src=x'), `the name is shown as text (cut to its length limit): ${ticks[0]}`);
  assert.equal(ticks[1], '<b>b');
  assert.match(await page.locator('.notice-text').textContent(), /not a setting of this lab/);
  assert.equal(await page.locator('.hero output[data-readout="kl"]').getAttribute('data-value'), String(await page.evaluate(() => klplay.kl([0.5, 0.5], [0.25, 0.75]))));

  // An absurdly long hash is not read at all; the lab shows its defaults and says why.
  await page.goto(`${server.url}?embed=1&lab=divergence#lab=divergence&names=${'a,'.repeat(20000)}a`);
  await ready(page);
  assert.match(await page.locator('.notice-text').textContent(), /could not be read/);
  assert.equal(dialogs, 0);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('embed parameters: hide, text=0 and theme; unknown values are ignored', async () => {
  const page = await browser.newPage({ viewport: { width: 900, height: 800 }, colorScheme: 'light' });
  const errors = watchErrors(page);
  await page.goto(`${server.url}?embed=1&lab=cross-entropy&hide=presets,unit,NOT%20A%20NAME,%3Cscript%3E&text=0&theme=dark`);
  await ready(page);
  assert.equal(await page.evaluate(() => location.hash.startsWith('#lab=cross-entropy')), true, 'the query picks the lab');
  assert.equal(await page.locator('[data-embed-group~="unit"]').first().isVisible(), false, 'the units control is hidden');
  assert.equal(await page.locator('[data-embed-group~="mode"]').isVisible(), true, 'other controls stay');
  assert.equal(await page.locator('.prose').isVisible(), false, 'the explanation is hidden');
  assert.equal(await page.locator('.lede').isVisible(), false);
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('theme-dark')), true);
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(15, 19, 24)', 'dark although the reader prefers light');

  await page.goto(`${server.url}?embed=1&lab=nope&theme=%22%3E%3Cscript%3E&hide=${'x,'.repeat(500)}&childId=%3Cx%3E`);
  await ready(page);
  assert.equal(await page.evaluate(() => document.documentElement.className), 'embed', 'only embed mode: no theme, text shown');
  assert.equal(await page.evaluate(() => location.hash.startsWith('#lab=divergence')), true, 'an unknown lab falls back to the first');
  assert.equal(await page.locator('.prose').isVisible(), true);

  // theme= also works outside embed mode.
  await page.goto(`${server.url}?theme=dark#lab=divergence`);
  await ready(page);
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(15, 19, 24)');
  assert.equal(await page.locator('.site-header').isVisible(), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a sandboxed iframe (opaque origin) works on the memory store, said once and quietly', async () => {
  const src = `${server.url}?embed=1&lab=divergence#lab=divergence&p=0.5,0.5&q=0.9,0.1`;
  const { page, errors } = await blogPage(`<iframe sandbox="allow-scripts" src="${src.replace(/&/g, '&amp;')}" title="Lab" width="100%" height="300" style="border:0" data-klplay></iframe>
    <script src="${server.url}embed-host.js"></script>`);
  const frame = await embeddedFrame(page);
  assert.equal(await frame.evaluate(() => self.origin), 'null', 'an opaque origin');
  assert.equal(await frame.evaluate(() => klplay.sessions.storage), 'memory');
  const note = frame.locator('.embed-note');
  await note.waitFor({ state: 'visible' });
  assert.match(await note.textContent(), /kept in this page only/);
  assert.equal(await frame.locator('.embed-note').count(), 1, 'said once');
  assert.equal(await frame.locator('[role="alert"]').count(), 0, 'not an alarm');
  const before = await frame.locator('.hero output[data-readout="kl"]').getAttribute('data-value');
  await frame.locator('rect.hit-q[data-index="1"]').focus();
  await frame.locator('rect.hit-q[data-index="1"]').press('ArrowUp');
  await frame.waitForFunction((b) => document.querySelector('.hero output[data-readout="kl"]').dataset.value !== b, before);
  // Sized too: the host accepts the "null" origin for a frame sandboxed without allow-same-origin.
  const h = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
  await page.waitForFunction((x) => Math.abs(document.querySelector('iframe').getBoundingClientRect().height - x) <= 1, h);
  assert.deepEqual(errors.filter((e) => !/service ?worker/i.test(e)), []);
  await page.close();
});
