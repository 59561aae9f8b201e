// The path through the labs: the start view (the summary table made live), the
// navigation at desktop and phone widths, Previous/Next at the foot of every lab,
// and the lab's frame shown while the calculator loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, opener, PHONE, ready, drawn, watched, labDrawn } from '../harness.mjs';

const { server, browser } = await fixture();
const open = opener(browser, server.url);

const navIds = (page) => page.locator('.site-nav a[data-lab]').evaluateAll((as) => as.map((a) => a.dataset.lab));

test('an address without a lab opens the start view: a row per lab, each linking into it, thumbnails drawn', async () => {
  const { page } = await open();
  assert.ok(await page.locator('section.lab-start h1').isVisible());
  await page.waitForFunction(() => document.querySelector('section.lab-start')?.dataset.thumbs === 'drawn');
  const labs = (await navIds(page)).filter((id) => id !== 'start');
  assert.equal(labs.length, 10);
  const rows = await page.locator('.start-table tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    id: tr.dataset.row, href: tr.querySelector('a.start-lab').getAttribute('href'), drawn: tr.dataset.drawn === 'true',
    marks: tr.querySelectorAll('svg.thumb *').length, value: tr.querySelector('.thumb-value').textContent,
  })));
  assert.deepEqual(rows.map((r) => r.id), labs, 'one row per lab, in the nav’s order');
  for (const r of rows) {
    assert.ok(r.drawn && r.marks > 1, `${r.id}: thumbnail drawn (${r.marks} marks)`);
    assert.match(r.value, /\d/, `${r.id}: a number under the thumbnail`);
    assert.equal(new URLSearchParams(r.href.slice(1)).get('lab'), r.id);
  }
  // Every link opens its lab, with no notice (the state it carries is valid).
  for (const r of rows) {
    await page.evaluate((href) => { location.hash = href; }, r.href);
    await labDrawn(page, r.id);
    assert.ok(!(await page.locator('.notice').isVisible()), `${r.id}: ${await page.locator('.notice-text').textContent()}`);
  }
});

test('a thumbnail is the lab’s own number: the GAN row’s JS and the Trust-regions row’s return are the lab’s readouts', async () => {
  const { page } = await open();
  await page.waitForFunction(() => document.querySelector('section.lab-start')?.dataset.thumbs === 'drawn');
  const value = (id) => page.locator(`tr[data-row="${id}"] .thumb-value`).textContent();
  const href = (id) => page.locator(`tr[data-row="${id}"] a.start-lab`).getAttribute('href');
  const js = Number((await value('gan')).match(/[-\d.]+/)[0]);
  const { page: gan } = await open(await href('gan'));
  const labJS = Number(await gan.locator('output[data-readout="js"]').first().getAttribute('data-value'));
  assert.ok(Math.abs(labJS - js) < 5e-5, `thumbnail ${js}, lab ${labJS}`);
  // The link opens at the last update with TRPO shown: the lab's true return is the thumbnail's.
  const ret = Number((await value('trust-region')).match(/[-\d.]+$/)[0]);
  const { page: tr } = await open(await href('trust-region'));
  const labRet = Number(await tr.locator('output[data-readout="ret"]').getAttribute('data-value'));
  assert.ok(Math.abs(labRet - ret) < 5e-5, `thumbnail ${ret}, lab ${labRet}`);
});

test('something moves on the start view within a second, and Pause stops it; reduced motion keeps it still', async () => {
  const { page } = await open();
  const bars = () => page.locator('tr[data-row="divergence"] svg.thumb rect.thumb-q').evaluateAll((rs) => rs.map((r) => r.getAttribute('y')).join());
  await page.waitForFunction(() => document.querySelector('tr[data-row="divergence"]')?.dataset.drawn === 'true');
  const a = await bars();
  await page.waitForTimeout(1000);
  const b = await bars();
  assert.notEqual(a, b, 'Q’s bars moved');
  await page.getByRole('button', { name: 'Pause' }).click();
  await drawn(page);
  const c = await bars();
  await page.waitForTimeout(500);
  assert.equal(await bars(), c, 'paused');
  const { page: still } = await open('', { reducedMotion: 'reduce' });
  await still.waitForFunction(() => document.querySelector('section.lab-start')?.dataset.thumbs === 'drawn');
  const s1 = await still.locator('tr[data-row="divergence"] svg.thumb rect.thumb-q').evaluateAll((rs) => rs.map((r) => r.getAttribute('y')).join());
  await still.waitForTimeout(600);
  const s2 = await still.locator('tr[data-row="divergence"] svg.thumb rect.thumb-q').evaluateAll((rs) => rs.map((r) => r.getAttribute('y')).join());
  assert.equal(s1, s2);
  assert.ok(!(await still.getByRole('button', { name: 'Pause' }).isVisible()));
});

test('every lab ends with Previous and Next in teaching order and one line on what it builds on; Next opens at the top', async () => {
  const { page } = await open('#lab=divergence');
  const order = await navIds(page);
  for (const [i, id] of order.entries()) {
    if (id === 'start') continue;
    await page.evaluate((id) => { location.hash = `#lab=${id}`; }, id);
    await labDrawn(page, id);
    const foot = page.locator('section.lab nav.lab-path');
    assert.match(await foot.locator('.path-builds').textContent(), /\w/, `${id}: builds on`);
    const prev = await foot.locator('a.path-prev').getAttribute('href');
    assert.equal(prev === '#' ? 'start' : new URLSearchParams(prev.slice(1)).get('lab'), order[i - 1], `${id}: previous`);
    const next = foot.locator('a.path-next');
    if (i === order.length - 1) assert.equal(await next.count(), 0, `${id}: the last lab has no Next`);
    else assert.equal(new URLSearchParams((await next.getAttribute('href')).slice(1)).get('lab'), order[i + 1], `${id}: next`);
  }
  await page.evaluate(() => { location.hash = '#lab=divergence'; });
  await labDrawn(page, 'divergence');
  await page.locator('a.path-next').scrollIntoViewIfNeeded();
  assert.ok(await page.evaluate(() => scrollY) > 0);
  await page.locator('a.path-next').click();
  await labDrawn(page, order[2]);
  assert.equal(await page.evaluate(() => scrollY), 0);
});

test('the navigation is one row at 1280 px; on a phone a menu names the lab and opens the whole list', async () => {
  const { page } = await open('#lab=elbo');
  const tops = await page.locator('.nav-list a').evaluateAll((as) => as.map((a) => a.getBoundingClientRect().top));
  assert.equal(new Set(tops).size, 1, `rows at ${[...new Set(tops)]}`);
  assert.ok(!(await page.locator('.nav-menu').isVisible()));

  const { page: phone } = await open('#lab=elbo', PHONE);
  const menu = phone.locator('.nav-menu');
  assert.ok(await menu.isVisible());
  assert.match(await menu.textContent(), /ELBO/);
  assert.ok(!(await phone.locator('.nav-list').isVisible()), 'the list is folded away');
  await menu.click();
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  const links = phone.locator('.nav-list a');
  assert.equal(await links.count(), 11);
  for (const a of await links.all()) assert.ok(await a.isVisible());
  const box = await phone.locator('.nav-list').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 375, `menu inside the screen: ${box.x}..${box.x + box.width}`);
  await phone.locator('.nav-list a[data-lab="gan"]').click();
  await labDrawn(phone, 'gan');
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.ok(!(await phone.locator('.nav-list').isVisible()));
  assert.match(await menu.textContent(), /GANs/);
  assert.ok(await phone.evaluate(() => document.scrollingElement.scrollWidth) <= 375);
});

test('while the calculator loads, the page shows the lab’s frame: its title, its text and empty chart cards', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watched(page);
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/klplay.wasm', async (route) => { await held; await route.continue(); });
  await page.goto(`${server.url}#lab=fit`);
  await page.waitForSelector('section.lab-frame');
  assert.equal(await page.locator('section.lab-frame h1').textContent(), 'Forward vs reverse KL');
  assert.match(await page.locator('section.lab-frame .lede').textContent(), /mode covering/);
  assert.equal(await page.locator('section.lab-frame .frame-card').count(), 2);
  assert.equal(await page.locator('.site-nav a[aria-current="page"]').getAttribute('data-lab'), 'fit');
  assert.equal(await page.evaluate(() => document.body.dataset.ready), undefined);
  release();
  await ready(page);
  await labDrawn(page, 'fit');
  assert.equal(await page.locator('section.lab-frame').count(), 0);
  await page.close();
});

test('on the start view the sessions panel lists and opens sessions but offers no save; in a lab it does', async () => {
  const { page } = await open();
  await page.locator('.sessions-toggle').click();
  assert.ok(await page.locator('.sessions-nothing').isVisible());
  assert.ok(!(await page.locator('.sessions-save').isVisible()));
  await page.locator('.site-nav a[data-lab="divergence"]').click();
  await labDrawn(page, 'divergence');
  await page.waitForFunction(() => !document.querySelector('.sessions-save').hidden);
  assert.ok(await page.locator('.sessions-save').isVisible());
  assert.ok(!(await page.locator('.sessions-nothing').isVisible()));
  await page.locator('.site-nav a[data-lab="start"]').click();
  await page.waitForFunction(() => document.querySelector('.sessions-save').hidden);
  assert.ok(await page.locator('.sessions-nothing').isVisible());
});

test('Back and Forward move between the start view and a lab', async () => {
  const { page } = await open();
  await page.locator('.site-nav a[data-lab="fit"]').click();
  await labDrawn(page, 'fit');
  await page.locator('.site-nav a[data-lab="start"]').click();
  await page.waitForSelector('section.lab-start');
  await page.goBack();
  await labDrawn(page, 'fit');
  assert.equal(await page.locator('.site-nav a[aria-current="page"]').getAttribute('data-lab'), 'fit');
  await page.goForward();
  await page.waitForSelector('section.lab-start');
  assert.equal(await page.locator('.site-nav a[aria-current="page"]').getAttribute('data-lab'), 'start');
});

test('the default link shows Go’s numbers before any script has run: the page the build wrote, then the view, equal to what Go draws when it takes over', async () => {
  // Reduced motion: the moving thumbnail stays at t = 0, the state the build computed.
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  watched(page);
  const hold = async (pattern) => {
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route(pattern, async (route) => { await held; await route.continue(); });
    return release;
  };
  const releaseScript = await hold('**/app.js');
  const releaseWasm = await hold('**/klplay.wasm');
  await page.goto(server.url, { waitUntil: 'commit' });
  const rows = (section) => page.locator(`${section} .start-table tbody tr`).evaluateAll((trs) => trs.map((tr) => ({
    id: tr.dataset.row, drawn: tr.dataset.drawn, value: tr.querySelector('.thumb-value').textContent, marks: tr.querySelector('svg.thumb').innerHTML,
  })));
  // The HTML alone: the page's modules have not arrived.
  await page.locator('section.start-static').waitFor();
  assert.ok(await page.locator('.site-nav a[data-lab="divergence"]').isVisible(), 'the navigation is in the page too');
  assert.ok(!(await page.locator('main > .loading').isVisible()), 'no loading line on the default link');
  const written = await rows('section.start-static');
  assert.equal(written.length, 10);
  for (const r of written) {
    assert.equal(r.drawn, 'build', `${r.id}: drawn from the build`);
    assert.match(r.value, /\d\.\d{4}/, `${r.id}: a number (${r.value})`);
    assert.ok((r.marks.match(/<(rect|path|circle)/g) ?? []).length >= 2, `${r.id}: a thumbnail`);
  }
  // The script's view replaces it with the same rows, still before Go.
  releaseScript();
  await page.waitForFunction(() => document.querySelector('section.lab-start:not(.start-static)')?.dataset.thumbs === 'built');
  assert.equal(await page.locator('section.start-static').count(), 0);
  assert.deepEqual(await rows('section.lab-start'), written, 'the view builds what the page showed');
  assert.equal(await page.evaluate(() => document.body.dataset.ready ?? null), null, 'Go is not running yet');
  releaseWasm();
  await page.waitForFunction(() => document.querySelector('section.lab-start')?.dataset.thumbs === 'drawn');
  const live = await rows('section.lab-start');
  assert.deepEqual(live.map((r) => r.drawn), written.map(() => 'true'), 'Go drew every row');
  assert.deepEqual(live.map(({ id, value, marks }) => ({ id, value, marks })), written.map(({ id, value, marks }) => ({ id, value, marks })), 'Go’s numbers and marks are the build’s');
});

test('a lab’s link and an embed never show the start view the page holds for the default link', async () => {
  for (const url of [`${server.url}#lab=gan`, `${server.url}?embed=1&lab=gan#lab=gan`]) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    watched(page);
    await page.route('**/app.js', () => {}); // the HTML alone, as the first paint shows it
    await page.goto(url, { waitUntil: 'commit' });
    await page.locator('main > .loading').waitFor({ state: url.includes('embed') ? 'attached' : 'visible' });
    assert.ok(!(await page.locator('section.start-static').isVisible()), `${url}: the start view stays hidden`);
    if (url.includes('embed')) assert.ok(!(await page.locator('.site-header').isVisible()), 'an embed shows no site header, even before its script');
    await page.close();
  }
});

test('every thumbnail is drawn even when the moving one is out of sight', async () => {
  // 200 px tall: the first row's thumbnail starts below the fold, so its animation never runs.
  const { page } = await open('', { viewport: { width: 1280, height: 200 } });
  await page.waitForFunction(() => document.querySelector('section.lab-start')?.dataset.thumbs === 'drawn');
  assert.equal(await page.locator('.start-table tr[data-drawn="true"]').count(), 10);
});

test('on a phone the open menu folds away when the reader taps elsewhere or tabs out', async () => {
  const { page } = await open('#lab=elbo', PHONE);
  const menu = page.locator('.nav-menu');
  await menu.click();
  assert.ok(await page.locator('.nav-list').isVisible());
  // A tap on the page below the open list (the list covers the lab's title).
  const list = await page.locator('.nav-list').boundingBox();
  await page.mouse.click(180, Math.min(790, list.y + list.height + 60));
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.ok(!(await page.locator('.nav-list').isVisible()));
  await menu.click();
  await page.locator('.nav-list a').last().focus();
  await page.keyboard.press('Tab');
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
});
