// Accessibility: axe-core (npm) injected into the page finds no serious or
// critical violations in any lab (every lab in the nav), in light and in dark,
// nor in the Embed dialog, an open export menu, or embed mode; and a waterfall
// value drawn inside its bar reads at a contrast of at least 4.5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fixture, watchErrors, watched, ready, labDrawn, insideValueContrast } from '../harness.mjs';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');

const { server, browser } = await fixture();

/** A page whose CSP lets the test inject axe (the policy itself is checked in embed.test.mjs and export.test.mjs). */
async function newPage(options) {
  const context = await browser.newContext({ ...options, bypassCSP: true });
  return context.newPage(); // closed with page.context().close()
}

/** Serious and critical violations on the page now, one line each. */
async function violations(page, context = undefined) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: axePath });
  const results = await page.evaluate(async (ctx) => {
    const r = await window.axe.run(ctx ?? document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}${n.failureSummary ? ` [${n.failureSummary.split('\n').slice(1, 2).join(' ').trim()}]` : ''}`).join(' | ')}`);
  }, context);
  return results;
}

for (const scheme of ['light', 'dark']) {
  test(`every lab, ${scheme}: no serious or critical axe violations`, async () => {
    const page = await newPage({ viewport: { width: 1280, height: 900 }, colorScheme: scheme, reducedMotion: 'reduce' });
    const errors = watchErrors(page);
    await page.goto(server.url);
    await ready(page);
    const labs = await page.locator('.site-nav a[data-lab]').evaluateAll((as) => as.map((a) => a.dataset.lab));
    assert.ok(labs.length >= 8);
    const found = [];
    for (const lab of labs) {
      await page.goto(`${server.url}#lab=${lab}`);
      await labDrawn(page, lab);
      for (const v of await violations(page)) found.push(`${lab}: ${v}`);
    }
    assert.deepEqual(found, []);
    assert.deepEqual(errors, []);
    await page.context().close();
  });
}

test('the Embed dialog, an open export menu and embed mode: no serious or critical violations', async () => {
  const page = await newPage({ viewport: { width: 1280, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(`${server.url}#lab=divergence`);
  await ready(page);
  await page.locator('.fig-dist .chart-export summary').click();
  assert.deepEqual(await violations(page), []);
  await page.keyboard.press('Escape');
  await page.locator('[data-action="embed"]').click();
  await page.locator('dialog.embed-dialog [data-action="poster-download"]:not([hidden])').waitFor();
  await page.locator('dialog.embed-dialog details.embed-more > summary').click();
  assert.deepEqual(await violations(page), []);
  await page.keyboard.press('Escape');

  for (const theme of ['light', 'dark']) {
    await page.goto(`${server.url}?embed=1&lab=divergence&theme=${theme}`);
    await ready(page);
    await labDrawn(page, 'divergence');
    assert.deepEqual(await violations(page), [], `embed mode, ${theme}`);
  }
  assert.deepEqual(errors, []);
  await page.context().close();
});

// A waterfall value that does not fit beside its bar is drawn inside it; the
// defaults of both labs put some there (the ELBO's and the gap's, the VAE's ELBO).
for (const colorScheme of ['light', 'dark']) {
  test(`${colorScheme}: a waterfall value drawn inside its bar has contrast ≥ 4.5 (ELBO, VAE)`, async () => {
    for (const [lab, scope, atLeast] of [['elbo', '.elbo-bar svg', 2], ['vae', '.vae-bar svg', 1]]) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
      watched(page);
      await page.goto(`${server.url}#lab=${lab}`);
      await ready(page);
      const inside = await insideValueContrast(page, scope);
      assert.ok(inside.length >= atLeast, `${lab}: ${inside.length} values inside their bars`);
      for (const { text, ratio } of inside) assert.ok(ratio >= 4.5, `${lab}: ${text}: contrast ${ratio.toFixed(2)}`);
    }
  });
}
