const { chromium } = require('playwright-core');
const fs = require('fs'), os = require('os'), path = require('path');
(async () => {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chr-'));
  const ctx = await chromium.launchPersistentContext(userDir, { executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu'], viewport: { width: 1200, height: 900 } });
  const page = await ctx.newPage();
  await page.goto('file://' + process.argv[2]);
  await page.waitForFunction(() => [...document.querySelectorAll('.aelab-plot')].every(e => e.querySelector('.main-svg') || e.querySelector('.aelab-plot-missing')), null, { timeout: 30000 });
  const sel = process.argv[4] || '.jp-Cell';
  const els = await page.$$(sel);
  let i = 0;
  for (const el of els) { await el.screenshot({ path: `${process.argv[3]}-${String(i++).padStart(2, '0')}.png` }); }
  console.log(i, 'shots');
  await ctx.close();
  fs.rmSync(userDir, { recursive: true, force: true });
})();
