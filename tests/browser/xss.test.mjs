// The XSS fixture in a real browser: on every page type (and while searching
// for the hostile text) no dialog opens, no CSP violation or console error is
// reported, and nothing is requested from another origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildAndServe, launch, repo, searched, watchedPage } from './helpers.mjs';

function htmlPages(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...htmlPages(path));
    else if (name.endsWith('.html')) out.push(path);
  }
  return out;
}

test('hostile content runs no script on any page', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const server = await buildAndServe({ root: join(repo, 'tests/fixtures/xss'), basePath: '/kb/' });
  try {
    const { page, problems } = await watchedPage(browser, server.origin);
    const pages = htmlPages(server.dir).map((p) => relative(server.dir, p).replace(/index\.html$/, ''));
    assert.ok(pages.length > 15, `only ${pages.length} pages`);
    for (const path of pages) {
      // `goto` returns after the load event, when every onload and onerror
      // handler of the page's elements has run, if any survived; moving
      // the mouse runs mouseover handlers before it returns.
      await page.goto(server.url + path);
      await page.mouse.move(200, 300);
    }
    // Searching shows hostile titles and snippets: they must stay text.
    for (const query of ['alert', 'script']) {
      await page.goto(server.url + `search/?q=${query}`);
      await searched(page, query);
    }
    // One more round trip: every event the page sent before it has arrived.
    await page.evaluate(() => 0);
    const expected = problems.filter((p) => !p.startsWith('HTTP 404') || !p.endsWith('/kb/404.html'));
    assert.deepEqual(expected, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
