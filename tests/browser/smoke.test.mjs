// The demo site in a real browser: pages load with no console errors, no CSP
// violations and no request to any other origin, at / and under a base path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAndServe, launch, watchedPage } from './helpers.mjs';

for (const basePath of ['/', '/kb/']) {
  test(`demo pages load cleanly under ${basePath}`, async (t) => {
    const browser = await launch(t);
    if (!browser) return;
    const server = await buildAndServe({ basePath });
    try {
      const { page, problems } = await watchedPage(browser, server.origin);
      for (const path of ['', 'incidents/', 'incidents/metricly-analytics-vendor-breach/', 'faq/metricly-incident/', 'tags/', 'search/']) {
        const response = await page.goto(server.url + path);
        assert.equal(response.status(), 200, path);
        const css = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
        assert.ok(css.length > 0);
      }
      const title = await page.goto(server.url).then(() => page.title());
      assert.match(title, /Acme Security Advisories/);
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      await server.close();
    }
  });
}
