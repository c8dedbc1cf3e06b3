// Paginated lists under a base path: the pager's links, the no-JavaScript
// fallback, and filtering and sorting across the whole list from its JSON
// chunks (entries of other pages appear), with the state in the query string.
// The fixture (tests/fixtures/pages) shows 3 entries a page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAndServe, launch, repo, watchedPage, WAIT } from './helpers.mjs';

const root = join(repo, 'tests', 'fixtures', 'pages');
const rows = (page) => page.locator('#incident-table tbody tr');
const ids = (page) => rows(page).evaluateAll((trs) => trs.map((tr) => tr.querySelector('.doc-id').textContent));

async function open(page, url) {
  await page.goto(url, { waitUntil: 'load', timeout: WAIT });
}

test('paginated incident list under /kb/: pager, filters and sorting over the whole list', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const server = await buildAndServe({ root, basePath: '/kb/' });
  try {
    const { page, problems } = await watchedPage(browser, server.origin);
    await open(page, server.url + 'incidents/');
    assert.equal(await rows(page).count(), 3, 'one page of rows');
    const first = await ids(page);
    // The pager's links: next, a page number, previous.
    await page.click('#list-pager a[rel=next]');
    assert.equal(new URL(page.url()).pathname, '/kb/incidents/page/2/');
    assert.equal(await page.getAttribute('#list-pager a[aria-current=page]', 'href'), '/kb/incidents/page/2/');
    assert.match(await page.title(), /page 2 of 5/);
    const second = await ids(page);
    assert.notDeepEqual(second, first);
    await page.click('#list-pager a[aria-label="Page 5"]');
    assert.equal(new URL(page.url()).pathname, '/kb/incidents/page/5/');
    await page.click('#list-pager a[rel=prev]');
    assert.equal(new URL(page.url()).pathname, '/kb/incidents/page/4/');

    // Filtering on page 1 shows matches from every page (the JSON chunks).
    await open(page, server.url + 'incidents/');
    await page.selectOption('#filter-severity', 'high');
    await page.waitForFunction(() => document.getElementById('filter-count').textContent !== '');
    const high = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.dataset.severity));
    assert.ok(high.length > 0 && high.every((s) => s === 'high'), `${high} ${await page.textContent('#filter-count')} ${problems}`);
    const highIds = await ids(page);
    assert.ok(highIds.some((id) => !first.includes(id)), 'entries of other pages appear');
    assert.match(await page.textContent('#filter-count'), /Showing \d+ of 13 incidents/);
    assert.equal(await page.locator('#list-pager').isVisible(), false, 'the page\'s own pager is replaced');
    assert.match(new URL(page.url()).search, /severity=high/);
    // A link of a row built from the data leads to its page under the base path.
    const href = await rows(page).first().locator('th a').getAttribute('href');
    assert.match(href, /^\/kb\/incidents\/incident-\d\d\/$/);

    // Sorting across the whole list: by ID ascending, paged by the script's pager.
    await page.click('button[type=reset]');
    await page.waitForFunction(() => document.getElementById('filter-count').textContent === '');
    await page.click('th[data-sort=id] button');
    await page.waitForFunction(() => document.querySelector('th[data-sort=id]').getAttribute('aria-sort') === 'ascending'
      && document.querySelector('#incident-table tbody .doc-id').textContent === 'PG-001');
    assert.deepEqual(await ids(page), ['PG-001', 'PG-002', 'PG-003']);
    await page.click('#filter-pager button[aria-label="Page 2"]');
    await page.waitForFunction(() => document.querySelector('#incident-table tbody .doc-id').textContent === 'PG-004');
    assert.deepEqual(await ids(page), ['PG-004', 'PG-006', 'PG-007'], 'PG-005 is TLP:GREEN, not published');
    const query = new URL(page.url()).search;
    assert.match(query, /sort=id/);
    assert.match(query, /page=2/);

    // The query string restores the view on load (a shared link).
    await open(page, server.url + 'incidents/page/3/?status=resolved&sort=id&dir=descending');
    await page.waitForFunction(() => document.getElementById('filter-count').textContent !== '');
    const resolved = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.dataset.status));
    assert.ok(resolved.length > 0 && resolved.every((s) => s === 'resolved'));
    const order = await ids(page);
    assert.deepEqual(order, [...order].sort().reverse());
    assert.equal(await page.inputValue('#filter-status'), 'resolved');
    assert.deepEqual(problems, []);

    // Without JavaScript: every page by its links, each entry once, no filter form.
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    const plain = await noJs.newPage();
    await open(plain, server.url + 'incidents/');
    assert.equal(await plain.locator('#incident-filters').isVisible(), false);
    const seen = [];
    for (;;) {
      seen.push(...await ids(plain));
      const next = plain.locator('#list-pager a[rel=next]');
      if (await next.count() === 0) break;
      await next.click();
    }
    assert.equal(seen.length, 13);
    assert.equal(new Set(seen).size, 13, 'each entry once');
    await noJs.close();
  } finally {
    await browser.close();
    await server.close();
  }
});

/** axe-core's serious and critical violations on `page` as it is now. */
async function violations(page, server) {
  await page.addScriptTag({ url: server.url + 'axe.min.js' });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

for (const colorScheme of ['light', 'dark']) {
  test(`pagers are accessible: the pages' own and the script's (${colorScheme})`, async (t) => {
    const browser = await launch(t);
    if (!browser) return;
    const server = await buildAndServe({ root, basePath: '/kb/' });
    // Served from the site's origin: the pages' CSP (script-src 'self') allows it.
    copyFileSync(join(repo, 'node_modules', 'axe-core', 'axe.min.js'), join(server.dir, 'axe.min.js'));
    try {
      const { page, problems } = await watchedPage(browser, server.origin, { colorScheme });
      const found = [];
      for (const path of ['incidents/page/3/', 'tags/pagetag/page/2/', 'faq/page/2/']) {
        await open(page, server.url + path);
        found.push(...(await violations(page, server)).map((v) => `/${path}: ${v}`));
      }
      await open(page, server.url + 'incidents/?sort=id&dir=ascending&page=2');
      await page.waitForSelector('#filter-pager button[aria-current=page]');
      found.push(...(await violations(page, server)).map((v) => `filtered: ${v}`));
      assert.deepEqual(found, []);
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      await server.close();
    }
  });
}

test('without the list data the filters still narrow this page, and say so', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const server = await buildAndServe({ root, basePath: '/kb/' });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.route('**/list.json', (route) => route.abort());
    await open(page, server.url + 'incidents/');
    const severities = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.dataset.severity));
    const wanted = severities[0];
    await page.selectOption('#filter-severity', wanted);
    await page.waitForFunction(() => document.getElementById('filter-count').textContent.includes('could not be loaded'));
    const shown = await page.locator('#incident-table tbody tr:visible').evaluateAll((trs) => trs.map((tr) => tr.dataset.severity));
    assert.deepEqual(shown, severities.filter((s) => s === wanted));
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});
