// The search page of the demo site in Chromium, at / and under /kb/: results
// as you type with the expected document first, highlighted snippets, facets
// that filter and are kept in the URL, keyboard navigation to a result, the
// header search box, and no console error or request to another origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAndServe, launch, repo, searched, watchedPage } from './helpers.mjs';

const METRICLY = 'incidents/metricly-analytics-vendor-breach/';

/** Hrefs of the result links, once the list shows all results for `query` (no filters). */
async function results(page, query) {
  await searched(page, query);
  return page.$$eval('#search-results .summary-title a', (links) => links.map((a) => a.getAttribute('href')));
}

for (const basePath of ['/', '/kb/']) {
  test(`search page under ${basePath}`, async (t) => {
    const browser = await launch(t);
    if (!browser) return;
    const server = await buildAndServe({ basePath });
    try {
      const { page, problems } = await watchedPage(browser, server.origin);
      await page.goto(server.url + 'search/');

      // Results as you type: the word being typed is a prefix.
      await page.locator('#search-input').pressSequentially('metric');
      let hrefs = await results(page, 'metric');
      assert.equal(hrefs[0], basePath + METRICLY);
      await page.locator('#search-input').pressSequentially('ly');
      hrefs = await results(page, 'metricly');
      assert.equal(hrefs[0], basePath + METRICLY);
      assert.ok(hrefs.length >= 4, hrefs.join(' '));
      const status = await page.textContent('#search-status');
      assert.match(status, new RegExp(`^${hrefs.length} results for “metricly”`));
      const marks = await page.$$eval('#search-results li:first-child mark', (m) => m.map((e) => e.textContent.toLowerCase()));
      assert.ok(marks.includes('metricly'), marks.join(','));

      // A severity facet narrows the list; the query and filter go into the URL.
      const lowBox = page.locator('#facet-severity-low');
      const lowCount = Number((await page.textContent('label[for="facet-severity-low"] .facet-count')).replace(/\D/g, ''));
      assert.ok(lowCount >= 1 && lowCount < hrefs.length);
      await lowBox.check();
      await page.waitForFunction((n) => document.querySelectorAll('#search-results > li').length === n, lowCount);
      const filtered = await page.$$eval('#search-results > li', (items) => items.map((li) => li.className));
      assert.ok(filtered.every((c) => c.includes('summary-sev-low')), filtered.join(' '));
      await page.waitForFunction(() => window.location.search.includes('severity=low'));
      const shared = new URL(page.url());
      assert.equal(shared.searchParams.get('q'), 'metricly');
      assert.equal(shared.pathname, basePath + 'search/');

      // The shared URL restores the same search.
      await page.goto(shared.href);
      await page.waitForFunction(() => document.getElementById('search-status').textContent.endsWith('for “metricly” with these filters.'));
      assert.equal(await page.inputValue('#search-input'), 'metricly');
      assert.ok(await page.isChecked('#facet-severity-low'));
      assert.equal(await page.locator('#search-results > li').count(), lowCount);
      await page.uncheck('#facet-severity-low');
      assert.deepEqual(await results(page, 'metricly'), hrefs);

      // Keyboard: ArrowDown reaches the results, Enter follows the focused one.
      await page.focus('#search-input');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      const second = await page.evaluate(() => document.activeElement.getAttribute('href'));
      assert.equal(second, hrefs[1]);
      await page.keyboard.press('ArrowUp');
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), basePath + METRICLY);
      await Promise.all([page.waitForURL(server.origin + basePath + METRICLY), page.keyboard.press('Enter')]);
      assert.match(await page.textContent('h1'), /Metricly/);

      // The header box on any page leads to the search page; "/" focuses it.
      await page.keyboard.press('/');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'site-search');
      await page.keyboard.type('CVE-2025-48213');
      await Promise.all([page.waitForURL(/\/search\/\?q=CVE-2025-48213$/), page.keyboard.press('Enter')]);
      hrefs = await results(page, 'CVE-2025-48213');
      assert.equal(hrefs[0], basePath + 'incidents/acme-gateway-rce-cve-2025-48213/');

      // One typo in a long word is forgiven.
      await page.fill('#search-input', 'phishnig ');
      hrefs = await results(page, 'phishnig');
      assert.equal(hrefs[0], basePath + 'incidents/phishing-impersonating-acme-billing/');

      // More than ten results: a button shows the next ten and moves focus to the first of them.
      await page.fill('#search-input', 'acme');
      hrefs = await results(page, 'acme');
      assert.equal(hrefs.length, 10);
      await page.click('#search-more');
      await page.waitForFunction(() => document.querySelectorAll('#search-results > li').length > 10);
      const focused = await page.evaluate(() => document.activeElement.getAttribute('href'));
      assert.equal(focused, await page.$eval('#search-results > li:nth-child(11) .summary-title a', (a) => a.getAttribute('href')));

      // Filters alone list the matching documents.
      await page.goto(server.url + 'search/?severity=critical');
      await page.waitForFunction(() => /match(es)? these filters/.test(document.getElementById('search-status').textContent));
      const critical = await page.$$eval('#search-results > li', (items) => items.map((li) => li.className));
      assert.ok(critical.length >= 1 && critical.every((c) => c.includes('summary-sev-critical')), critical.join(' '));

      // The vendor facet: filtering by a vendor lists exactly the documents of its vendor page.
      const vendorPage = await browser.newPage();
      await vendorPage.goto(server.url + 'vendors/metricly/');
      const ofMetricly = (await vendorPage.$$eval('.summary-title a', (l) => l.map((x) => x.getAttribute('href')))).sort();
      await vendorPage.goto(server.url + 'vendors/acme/');
      const ofAcme = (await vendorPage.$$eval('.summary-title a', (l) => l.map((x) => x.getAttribute('href')))).sort();
      await vendorPage.close();
      assert.ok(ofMetricly.length >= 1 && ofAcme.length > ofMetricly.length, `${ofMetricly} / ${ofAcme}`);
      await page.goto(server.url + 'search/');
      await page.fill('#search-input', 'incident');
      await page.waitForSelector('#facet-vendor-metricly');
      const before = await page.locator('#search-results > li').count();
      const metriclyCount = Number((await page.textContent('label[for="facet-vendor-metricly"] .facet-count')).replace(/\D/g, ''));
      await page.check('#facet-vendor-metricly');
      await page.waitForFunction(() => window.location.search.includes('vendor=metricly'));
      await page.waitForFunction((n) => document.querySelectorAll('#search-results > li').length === n, metriclyCount);
      const narrowed = await page.$$eval('#search-results .summary-title a', (l) => l.map((x) => x.getAttribute('href')));
      assert.ok(narrowed.length >= 1 && narrowed.length <= before, `${narrowed.length} of ${before}`);
      assert.ok(narrowed.every((h) => ofMetricly.includes(h)), narrowed.join(' '));
      // The vendor alone, from the URL: every document of the vendor and no other.
      await page.goto(server.url + 'search/?vendor=acme');
      await page.waitForFunction(() => /match(es)? these filters/.test(document.getElementById('search-status').textContent));
      while (await page.locator('#search-more').count()) {
        const shownNow = await page.locator('#search-results > li').count();
        await page.click('#search-more');
        await page.waitForFunction((n) => document.querySelectorAll('#search-results > li').length > n, shownNow);
      }
      const acme = (await page.$$eval('#search-results .summary-title a', (l) => l.map((x) => x.getAttribute('href')))).sort();
      assert.deepEqual(acme, ofAcme);
      assert.equal(await page.textContent('fieldset[data-facet="vendor"] legend'), 'Vendor');

      // Chromium's tokenizer agrees with the shared cases too.
      const { cases } = JSON.parse(readFileSync(join(repo, 'tests/fixtures/tokenizer-cases.json'), 'utf8'));
      const got = await page.evaluate((inputs) => inputs.map((i) => window.seckbSearch.tokenize(i).map((t) => [t.text, t.role])), cases.map((c) => c.input));
      assert.deepEqual(got, cases.map((c) => c.tokens));

      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      await server.close();
    }
  });
}

test('index files a server sends with Content-Encoding: gzip are read as the browser hands them over', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const server = await buildAndServe({ gzipEncoded: true });
  try {
    const { page, problems } = await watchedPage(browser, server.origin);
    await page.goto(server.url + 'search/');
    await page.locator('#search-input').fill('metricly');
    const hrefs = await results(page, 'metricly');
    assert.equal(hrefs[0], '/' + METRICLY);
    const marks = await page.$$eval('#search-results li:first-child mark', (m) => m.map((e) => e.textContent.toLowerCase()));
    assert.ok(marks.includes('metricly'), marks.join(','));
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
