/**
 * 07's ε explorer, as a reader uses it: one click on the slider's first step must redraw every
 * image, the perturbations and the class-probability bars. Shared by the exported-page test
 * (browser.test.js) and the JupyterLab test (jupyterlab.test.js); `plot` is a playwright locator of
 * the explorer's plotly element, wherever it is shown.
 */
'use strict';
const assert = require('node:assert/strict');

/** What the explorer shows: the active step, its label, each image's data URL, the bars' paths. */
const state = plot =>
  plot.evaluate(gd => ({
    active: gd.layout.sliders[0].active,
    label: (gd.querySelector('.slider-container text.slider-label') || {}).textContent,
    images: [...gd.querySelectorAll('g.hm image')].map(i => i.getAttribute('href') || i.getAttribute('xlink:href')),
    bars: [...gd.querySelectorAll('g.trace.bars path')].map(p => p.getAttribute('d')).join('|'),
  }));

/** Clicks the slider's first step and asserts that everything the explorer draws changed. */
async function checkExplorerSlide(page, plot) {
  await plot.locator('.slider-container').first().waitFor({ timeout: 60000 });
  await plot.scrollIntoViewIfNeeded();
  const before = await state(plot);
  assert.ok(before.images.length > 0, 'the explorer draws its digits as heatmap images');
  assert.notEqual(before.active, 0, 'the explorer does not start at the first ε');
  const box = await plot.locator('.slider-rail-touch-rect').first().boundingBox();
  await page.mouse.click(box.x + 3, box.y + box.height / 2);
  await plot.evaluate(
    gd =>
      new Promise((resolve, reject) => {
        const t0 = Date.now();
        (function poll() {
          if (gd.layout.sliders[0].active === 0) resolve();
          else if (Date.now() - t0 > 20000) reject(new Error('the slider did not move to the first ε within 20 s'));
          else setTimeout(poll, 100);
        })();
      }),
  );
  await page.waitForTimeout(500);
  const after = await state(plot);
  assert.notEqual(after.label, before.label, 'the slider label shows the new ε');
  assert.equal(after.images.length, before.images.length);
  assert.ok(
    after.images.every((h, i) => h !== before.images[i]),
    'every adversarial image and perturbation is redrawn',
  );
  assert.notEqual(after.bars, before.bars, 'the class-probability bars are redrawn');
}

module.exports = { checkExplorerSlide };
