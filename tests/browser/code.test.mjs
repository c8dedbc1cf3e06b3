// A site whose documents quote code (JSON, Python, Bash, with lines wider
// than the page) in Chromium: axe-core, served from the site's own origin,
// finds no serious or critical violation on any page type, in light and dark
// (the OS preference, and the reader's choice with the header's button), so
// every syntax colour meets WCAG AA and every scrollable code block takes
// the keyboard focus. And the colour theme button: remembered, applied
// before the first paint, keyboard accessible.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAndServe, launch, repo, searched, watchedPage } from './helpers.mjs';

const root = join(repo, 'tests/fixtures/code');

/** One page of every type the fixture has. */
const PAGES = {
  home: '',
  incident: 'incidents/leaked-config/',
  faq: 'faq/rotate/',
  page: 'guides/checking/',
  list: 'incidents/',
  taxonomy: 'tags/',
  term: 'tags/configuration/',
  vendors: 'vendors/',
  severity: 'severity/high/',
  search: 'search/?q=configuration',
  notFound: '404.html',
};

async function site() {
  const server = await buildAndServe({ root });
  copyFileSync(join(repo, 'node_modules', 'axe-core', 'axe.min.js'), join(server.dir, 'axe.min.js'));
  return server;
}

/** The serious and critical violations axe-core finds on the open page. */
async function axe(page, server) {
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  await page.addScriptTag({ url: server.url + 'axe.min.js' });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n    ')}`);
  });
}

const MODES = [
  { name: 'light', colorScheme: 'light', stored: null },
  { name: 'dark', colorScheme: 'dark', stored: null },
  { name: 'dark chosen on a light OS', colorScheme: 'light', stored: 'dark' },
  { name: 'light chosen on a dark OS', colorScheme: 'dark', stored: 'light' },
];

for (const mode of MODES) {
  test(`axe-core: no serious or critical violation on a site with code (${mode.name})`, async (t) => {
    const browser = await launch(t);
    if (!browser) return;
    const server = await site();
    try {
      const { page, problems, context } = await watchedPage(browser, server.origin, { colorScheme: mode.colorScheme });
      if (mode.stored) await context.addInitScript((v) => window.localStorage.setItem('seckb-theme', v), mode.stored);
      const found = [];
      for (const [kind, path] of Object.entries(PAGES)) {
        const response = await page.goto(server.url + path, { waitUntil: 'networkidle' });
        assert.equal(response.status(), 200, path);
        if (kind === 'search') await searched(page, 'configuration');
        for (const v of await axe(page, server)) found.push(`${kind} /${path}: ${v}`);
      }
      // The incident page has highlighted code in three languages, each block focusable.
      await page.goto(server.url + PAGES.incident);
      const blocks = await page.$$eval('pre.code', (pres) => pres.map((p) => [p.dataset.lang, p.tabIndex, p.querySelectorAll('span[class]').length]));
      assert.deepEqual(blocks.map((b) => b[0]), ['json', 'python', 'bash']);
      assert.ok(blocks.every((b) => b[1] === 0 && b[2] > 3), JSON.stringify(blocks));
      assert.deepEqual(found, [], `axe-core violations (${mode.name}):\n${found.join('\n')}`);
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      await server.close();
    }
  });
}

test('the colour theme button: dark before the first paint, cycled by keyboard, remembered', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const server = await site();
  try {
    const { page, problems, context } = await watchedPage(browser, server.origin, { colorScheme: 'light' });
    // What <html data-theme> is when <body> first exists: before anything can be painted.
    await context.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (!document.body) return;
        window.themeAtBody = document.documentElement.getAttribute('data-theme');
        observer.disconnect();
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(server.url);
    assert.equal(await page.evaluate(() => window.themeAtBody), null, 'auto: no attribute');
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(await background(), 'rgb(255, 255, 255)');

    await page.evaluate(() => window.localStorage.setItem('seckb-theme', 'dark'));
    await page.goto(server.url + PAGES.incident);
    assert.equal(await page.evaluate(() => window.themeAtBody), 'dark');
    assert.equal(await background(), 'rgb(15, 18, 23)');

    // The button says what is chosen, in the site's language, and cycles auto → light → dark.
    const button = page.locator('#theme-toggle');
    assert.ok(await button.isVisible());
    assert.equal((await button.textContent()).trim(), 'Theme: dark');
    await button.focus();
    await page.keyboard.press('Enter');
    assert.equal((await button.textContent()).trim(), 'Theme: auto');
    assert.equal(await page.evaluate(() => window.localStorage.getItem('seckb-theme')), null);
    assert.equal(await background(), 'rgb(255, 255, 255)');
    await page.keyboard.press('Space');
    assert.equal((await button.textContent()).trim(), 'Theme: light');
    assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-theme')), 'light');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => window.localStorage.getItem('seckb-theme')), 'dark');
    assert.equal(await background(), 'rgb(15, 18, 23)');
    // Remembered on the next page.
    await page.goto(server.url + 'tags/');
    assert.equal(await page.evaluate(() => window.themeAtBody), 'dark');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
