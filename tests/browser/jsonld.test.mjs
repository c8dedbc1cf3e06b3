// schema.org JSON-LD in a real browser: the `<script type="application/ld+json">`
// blocks are data, so the strict CSP (`script-src 'self'`) reports nothing;
// the FAQ's block parses and names exactly the questions a reader sees. The
// CSAF listing pages under .well-known/ load cleanly too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAndServe, launch, watchedPage } from './helpers.mjs';

test('JSON-LD blocks raise no CSP error and match the visible FAQ questions', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const server = await buildAndServe({ basePath: '/kb/' });
  try {
    const { page, problems } = await watchedPage(browser, server.origin);
    const violations = [];
    await page.exposeFunction('reportViolation', (v) => violations.push(v));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(`${e.violatedDirective}: ${e.blockedURI}`));
    });

    await page.goto(server.url + 'faq/metricly-incident/');
    const faq = await page.evaluate(() => {
      const blocks = [...document.querySelectorAll('script[type="application/ld+json"]')];
      return { count: blocks.length, data: JSON.parse(blocks[0].textContent) };
    });
    assert.equal(faq.count, 1);
    assert.equal(faq.data['@type'], 'FAQPage');
    const visible = await page.$$eval('main h2', (hs) => hs
      .filter((h) => h.offsetParent !== null)
      .map((h) => h.firstChild.textContent.trim()));
    const questions = faq.data.mainEntity.map((q) => q.name);
    assert.ok(questions.length > 3);
    for (const q of questions) assert.ok(visible.includes(q), `"${q}" is not a visible heading`);
    for (const q of faq.data.mainEntity) assert.ok(q.acceptedAnswer.text.length > 20, q.name);

    for (const path of ['incidents/metricly-analytics-vendor-breach/', 'guides/api-key-policy/']) {
      await page.goto(server.url + path);
      const data = await page.evaluate(() => JSON.parse(document.querySelector('script[type="application/ld+json"]').textContent));
      assert.match(data['@type'], /^(Article|TechArticle)$/, path);
      assert.equal(data.headline, await page.$eval('h1', (h) => h.textContent.trim()));
    }

    for (const path of ['.well-known/csaf/', '.well-known/csaf/2026/']) {
      const response = await page.goto(server.url + path);
      assert.equal(response.status(), 200, path);
      const links = await page.$$eval('main a, body a', (as) => as.map((a) => a.href));
      assert.ok(links.some((l) => l.endsWith('.json')), `${path} lists no document`);
    }
    assert.deepEqual(violations, []);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
