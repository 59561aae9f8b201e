// Every lab on a phone (375 px): formulas fit or scroll visibly, the charts'
// export menus do not cover the charts, and a number in scientific notation
// stays on one line in every readout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, watched, ready, labDrawn, PHONE } from '../harness.mjs';

const { server, browser } = await fixture();

test('at 375 px every lab’s formulas, export menus and numbers fit the phone', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const page = await browser.newPage({ ...PHONE, colorScheme });
    watched(page);
    await page.goto(server.url);
    await ready(page);
    const labs = await page.locator('.site-nav a[data-lab]').evaluateAll((as) => as.map((a) => a.dataset.lab));
    assert.ok(labs.length >= 8, `${labs.length} labs`);
    let wide = 0;
    for (const lab of labs) {
      await page.evaluate((id) => { location.hash = `#lab=${id}`; }, lab);
      await labDrawn(page, lab);
      const r = await page.evaluate(() => {
        const visible = (e) => e.getClientRects().length > 0;
        // A formula wider than its box must scroll (overflow-x) and show that it does: the
        // edge shadows, radial gradients fixed to the box under card-coloured covers that scroll with it.
        const maths = [...document.querySelectorAll('section.lab .math, section.lab .table-wrap')].filter(visible).map((m) => {
          const cs = getComputedStyle(m);
          return {
            over: m.scrollWidth > m.clientWidth + 1,
            scrolls: ['auto', 'scroll'].includes(cs.overflowX),
            shadows: (cs.backgroundImage.match(/radial-gradient/g) ?? []).length === 2 && /local/.test(cs.backgroundAttachment) && /scroll/.test(cs.backgroundAttachment),
            cut: m.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5,
          };
        });
        const hit = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
        const covers = [...document.querySelectorAll('section.lab .chart-host > .chart-export')].filter(visible)
          .filter((d) => hit(d.querySelector('summary').getBoundingClientRect(), d.parentElement.querySelector('svg.chart').getBoundingClientRect())).length;
        // Nothing else reaches past the screen's edge (formulas and tables scroll inside their own boxes).
        const past = [...document.querySelectorAll('section.lab *')].filter((e) => !e.closest('.math, .table-wrap') && visible(e))
          .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).map((e) => `${e.tagName} “${e.textContent.slice(0, 40)}”`);
        // Every readout, showing a number in scientific notation, takes one line.
        const outs = [...document.querySelectorAll('section.lab output')].filter(visible);
        for (const o of outs) o.textContent = '1.26 × 10⁻⁴';
        const broken = outs.filter((o) => o.getClientRects().length > 1 || o.getBoundingClientRect().height > 2.2 * parseFloat(getComputedStyle(o).fontSize)).length;
        // … and it and its unit stay inside their card (not under its edge), outside the boxes that scroll.
        const inside = (e, card) => e.getBoundingClientRect().right <= card.getBoundingClientRect().right + 0.5;
        const spill = outs.filter((o) => !o.closest('.math, .table-wrap, .formula') && o.closest('.card'))
          .filter((o) => { const card = o.closest('.card'); const u = o.nextElementSibling?.classList.contains('unit') ? o.nextElementSibling : null; return !inside(o, card) || (u && !inside(u, card)); })
          .map((o) => o.dataset.readout);
        return { maths, covers, outs: outs.length, broken, past, spill };
      });
      for (const m of r.maths) {
        assert.ok(!m.cut, `${lab}: a formula or table box runs past the screen's edge`);
        if (m.over) assert.ok(m.scrolls && m.shadows, `${lab}: a formula or table is wider than its box with no sign that it scrolls`);
      }
      wide += r.maths.filter((m) => m.over).length;
      assert.deepEqual(r.past, [], `${lab}: past the screen's edge`);
      assert.equal(r.covers, 0, `${lab}: ${r.covers} export buttons cover their charts`);
      // The start view's numbers are under its thumbnails, not in readouts.
      if (lab !== 'start') assert.ok(r.outs > 0, `${lab}: readouts`);
      assert.equal(r.broken, 0, `${lab} (${colorScheme}): ${r.broken} of ${r.outs} readouts break a number over two lines`);
      assert.deepEqual(r.spill, [], `${lab}: readouts in scientific notation run out of their card`);
    }
    assert.ok(wide > 0, 'some formula is wider than a phone, so the scrolling was tested');
    await page.close();
  }
});
