// The shell around the labs: the URL hash round trip, the notice on a bad link,
// the navigation, the small-screen layout and the message when the wasm cannot load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, opener, PHONE, ready, drawn } from '../harness.mjs';

const { server, browser } = await fixture();

const KEYS = ['kl', 'reverseKL', 'jensenShannon', 'entropyP', 'entropyQ', 'crossEntropy', 'totalVariation', 'hellinger'];

const open = opener(browser, server.url, '#lab=divergence');

/** Everything the reader can see as numbers: readouts (exact), slider values, unit and labels. */
function snapshot(page) {
  return page.evaluate((keys) => ({
    readouts: Object.fromEntries(keys.map((k) => [k, document.querySelector(`.readouts output[data-readout="${k}"]`).dataset.value])),
    text: Object.fromEntries(keys.map((k) => [k, document.querySelector(`.readouts output[data-readout="${k}"]`).textContent])),
    sliders: [...document.querySelectorAll('.fig-dist [role="slider"]')].map((el) => `${el.getAttribute('aria-label')}=${el.getAttribute('aria-valuenow')}`),
    unit: document.querySelector('.hero .unit').textContent,
  }), KEYS);
}

const notice = (page) => page.locator('.notice[role="status"]');

test('a URL with state reproduces the view exactly', async () => {
  const { page } = await open();
  await page.getByRole('button', { name: 'Shifted' }).click();
  await page.getByLabel('bits', { exact: true }).check();
  const slider = page.locator('.fig-dist [role="slider"][data-series="p"][data-index="1"]');
  await slider.focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Shift+ArrowUp');
  // The hash follows the state once the reader pauses.
  await page.waitForFunction(() => location.hash.includes('unit=bits') && document.querySelector('.fig-dist [role="slider"][data-series="p"][data-index="1"]').getAttribute('aria-valuenow') === location.hash.match(/[#&]p=([^&]*)/)[1].split(',')[1]);
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /^#lab=divergence&p=[\d.,]+&q=[\d.,]+&unit=bits$/);
  const want = await snapshot(page);
  assert.ok(!(await notice(page).isVisible()));

  const { page: copy } = await open(hash);
  const got = await snapshot(copy);
  assert.deepEqual(got, want);
  assert.ok(!(await notice(copy).isVisible()), 'a good link raises no notice');
});

test('names in the URL label the categories, as text', async () => {
  const { page } = await open('#lab=divergence&p=0.7,0.3&q=0.5,0.5&names=%3Cb%3Edog%3C%2Fb%3E,cat%2Cdog');
  assert.deepEqual(await page.locator('.fig-dist .x-axis .tick text').allTextContents(), ['<b>dog</b>', 'cat,dog']);
  assert.equal(await page.locator('.fig-dist b').count(), 0, 'URL text never becomes markup');
  assert.equal(await page.locator('.fig-dist [role="slider"]').first().getAttribute('aria-label'), 'P(<b>dog</b>)');
  assert.ok(Math.abs(Number(await page.locator('.readouts output[data-readout="kl"]').getAttribute('data-value')) - (0.7 * Math.log(1.4) + 0.3 * Math.log(0.6))) < 1e-12);
});

test('a URL with garbage in the hash falls back to defaults with a visible notice', async () => {
  const { page: clean } = await open();
  const defaults = await snapshot(clean);
  await clean.close();

  // An address that cannot be read at all names no lab: the start view, with the notice.
  const { page: lost } = await open('#%E0%A4%A&&===');
  assert.match(await notice(lost).textContent(), /could not be read/);
  assert.ok(await lost.locator('section.lab-start').isVisible());
  for (const hash of ['#lab=divergence&p=banana&q=1,,2&unit=furlongs', '#lab=divergence&p=0.5,0.5,0&q=0.5,0.5']) {
    const { page } = await open(hash);
    const box = notice(page);
    assert.ok(await box.isVisible(), `notice for ${hash}`);
    assert.match(await box.textContent(), /invalid|defaults/);
    assert.deepEqual(await snapshot(page), defaults, `defaults for ${hash}`);
    // The notice can be dismissed.
    await page.getByRole('button', { name: 'Dismiss this notice' }).click();
    assert.ok(!(await box.isVisible()));
  }
});

test('out-of-range values are clamped or rescaled, and the notice says so', async () => {
  const forty = Array(40).fill(0.025).join(',');
  const { page } = await open(`#lab=divergence&p=${forty}&q=${forty}`);
  assert.equal(await page.locator('.fig-dist [role="slider"][data-series="p"]').count(), 32);
  assert.match(await notice(page).textContent(), /more than 32 entries/);
  const vals = await page.locator('.fig-dist [role="slider"][data-series="q"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('aria-valuenow'))));
  assert.ok(Math.abs(vals.reduce((a, b) => a + b, 0) - 1) < 1e-9);

  const { page: p2 } = await open('#lab=divergence&p=2,-1,2&q=1,1,2&unit=bits');
  assert.match(await notice(p2).textContent(), /negative/);
  assert.match(await notice(p2).textContent(), /summed to 4, not 1; rescaled/);
  const p = await p2.locator('.fig-dist [role="slider"][data-series="p"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('aria-valuenow'))));
  assert.deepEqual(p, [0.5, 0, 0.5]);
  assert.equal(await p2.locator('.hero .unit').textContent(), 'bits');
});

test('the navigation lists the labs and marks the current one; editing the hash by hand re-routes', async () => {
  const { page } = await open('#lab=nowhere');
  assert.match(await notice(page).textContent(), /no lab called “nowhere”/);
  // No such lab: the start view, marked in the nav.
  const home = page.getByRole('navigation', { name: 'Labs' }).getByRole('link', { name: 'Start here', exact: true });
  assert.equal(await home.getAttribute('aria-current'), 'page');
  await page.evaluate(() => { location.hash = '#lab=divergence'; });
  const link = page.getByRole('navigation', { name: 'Labs' }).getByRole('link', { name: 'Divergence', exact: true });
  await page.waitForFunction(() => document.querySelector('.site-nav a[data-lab="divergence"]').getAttribute('aria-current') === 'page');
  assert.equal(await home.getAttribute('aria-current'), null);
  assert.equal(await link.getAttribute('aria-current'), 'page');
  await page.evaluate(() => { location.hash = '#lab=divergence&p=0.25,0.75&q=0.75,0.25'; });
  await page.waitForFunction(() => document.querySelectorAll('.fig-dist [role="slider"][data-series="p"]').length === 2);
  assert.ok(!(await notice(page).isVisible()));
  const kl = Number(await page.locator('.readouts output[data-readout="kl"]').getAttribute('data-value'));
  assert.ok(Math.abs(kl - 0.5 * Math.log(3)) < 1e-12, `kl ${kl}`);
});

test('a link followed just after an edit is not lost to the edit’s hash write', async () => {
  const { page } = await open();
  const slider = page.locator('.fig-dist [role="slider"][data-series="p"][data-index="1"]');
  await slider.focus();
  await page.keyboard.press('ArrowUp');
  await drawn(page);
  // The race, made certain: the address changes (as a followed link changes it), the edit's
  // hash write comes due (250 ms of quiet), and only then is the hashchange handled.
  await page.evaluate(() => new Promise((resolve) => {
    history.pushState(null, '', '#lab=fit');
    setTimeout(() => { dispatchEvent(new HashChangeEvent('hashchange')); resolve(); }, 400);
  }));
  await page.waitForFunction(() => document.querySelector('section.lab-fit') !== null, null, { timeout: 5000 });
  assert.match(await page.evaluate(() => location.hash), /^#lab=fit/);
});

test('the layout holds at 375 px wide', async () => {
  const { page } = await open(undefined, PHONE);
  const widths = async () => page.evaluate(() => document.scrollingElement.scrollWidth);
  assert.ok((await widths()) <= 375, `scrollWidth ${await widths()}`);
  for (const name of ['Dog vs cat', 'Q misses a category', 'Disjoint supports']) {
    await page.getByRole('button', { name }).click();
    await drawn(page);
    assert.ok((await widths()) <= 375, `${name}: scrollWidth ${await widths()}`);
  }
  const count = page.getByRole('spinbutton', { name: 'Categories' });
  await count.fill('32');
  await count.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('.fig-dist [role="slider"][data-series="p"]').length === 32);
  assert.ok((await widths()) <= 375, `32 categories: scrollWidth ${await widths()}`);
  // The charts fit their cards.
  const overflow = await page.evaluate(() => [...document.querySelectorAll('svg.chart')].map((s) => s.getBoundingClientRect().right));
  for (const right of overflow) assert.ok(right <= 375, `chart right edge ${right}`);
});

test('a wasm that cannot load gives a clear message instead of a broken page', async () => {
  const page = await browser.newPage();
  await page.route('**/klplay.wasm', (r) => r.fulfill({ status: 404, body: 'gone' }));
  await page.goto(server.url);
  await page.waitForFunction(() => document.body?.dataset.ready === 'error');
  const alert = page.getByRole('alert');
  assert.match(await alert.textContent(), /could not start/);
  assert.match(await alert.textContent(), /HTTP 404/);
  // Following a link afterwards keeps the message: no frame waits for a calculator that failed.
  await page.evaluate(() => { location.hash = '#lab=fit'; });
  await page.waitForFunction(() => location.hash === '#lab=fit');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  assert.match(await page.getByRole('alert').textContent(), /could not start/);
  assert.equal(await page.locator('section.lab-frame').count(), 0);
  await page.close();
});

test('an edit writes only what it changes: no chart attribute, readout or unit is rewritten with the value it had, in any lab', async () => {
  const { page, errors } = await open('');
  const labs = await page.locator('.site-nav a[data-lab]:not([data-lab="start"])').evaluateAll((as) => as.map((a) => a.dataset.lab));
  for (const id of labs) {
    await page.evaluate((id) => { location.hash = `lab=${id}`; }, id);
    await page.waitForFunction((id) => document.querySelector(`.site-nav a[data-lab="${id}"]`)?.getAttribute('aria-current') === 'page', id);
    await drawn(page);
    const slider = page.locator('main input[type=range], main [role=slider]').first();
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await drawn(page);
    await page.evaluate(() => {
      window.__same = [];
      window.__writes = 0;
      window.__seen = (records) => {
        for (const r of records) {
          const el = r.target;
          if (!el.closest('svg.chart, output, .unit, .unit-inline')) continue;
          window.__writes += 1;
          const same = r.type === 'attributes' ? r.oldValue === el.getAttribute(r.attributeName)
            : r.type === 'childList' && r.addedNodes.length === 1 && r.removedNodes.length === 1 && r.addedNodes[0].nodeType === 3 && r.removedNodes[0].nodeType === 3
              && r.addedNodes[0].data === r.removedNodes[0].data;
          if (same) window.__same.push(`${el.tagName}.${el.getAttribute('class') ?? ''} ${r.type === 'attributes' ? r.attributeName : 'text'}`);
        }
      };
      window.__watch = new MutationObserver(window.__seen);
      window.__watch.observe(document.querySelector('main'), { subtree: true, attributes: true, attributeOldValue: true, childList: true });
    });
    await page.keyboard.press('ArrowLeft');
    await drawn(page);
    const { same, writes } = await page.evaluate(() => {
      window.__seen(window.__watch.takeRecords());
      window.__watch.disconnect();
      return { same: window.__same, writes: window.__writes };
    });
    assert.ok(writes > 0, `${id}: the edit changed no chart, so this shows nothing`);
    assert.deepEqual([...new Set(same)], [], `${id}: ${same.length} of ${writes} writes to charts, readouts and units kept the value they had`);
  }
  assert.deepEqual(errors, []);
});
