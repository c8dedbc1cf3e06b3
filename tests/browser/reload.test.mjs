// `seckb serve` in a real browser: an open page reloads by itself when its
// document is saved, shows the build errors when the front matter breaks, and
// comes back when it is fixed — with no console error, CSP violation or
// request to another origin along the way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copySite, launch, seckbServe, watchedPage } from './helpers.mjs';

const DOC = 'content/incidents/2026-11-09-metricly-analytics-vendor-breach.md';
const PAGE = 'incidents/metricly-analytics-vendor-breach/';

test('an open page reloads by itself after an edit, and shows build errors until they are fixed', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const root = copySite();
  const server = await seckbServe({ root });
  try {
    const { page, problems } = await watchedPage(browser, server.origin);
    let loads = 0;
    page.on('load', () => { loads += 1; });
    // The page's reload script opens its event stream once the page has loaded.
    const stream = page.waitForResponse((r) => r.url().includes('/__seckb/events?build='));
    const response = await page.goto(server.url + PAGE);
    assert.equal(response.status(), 200);
    assert.equal((await stream).headers()['content-type'], 'text/event-stream');
    assert.equal(loads, 1);

    const file = join(root, DOC);
    const original = readFileSync(file, 'utf8');
    const marker = 'Reload marker qx7 added while the page is open.';
    writeFileSync(file, `${original}\n${marker}\n`);
    await page.waitForFunction((m) => document.body.innerText.includes(m), marker, { timeout: 15000 });
    assert.equal(loads, 2, 'the page reloaded once, by itself');

    // An editor's save: a temporary file renamed over the document, which breaks it.
    const temp = join(root, 'content/incidents/.metricly.md.tmp');
    writeFileSync(temp, original.replace('status: monitoring', 'status monitoring'));
    renameSync(temp, file);
    await page.waitForFunction(() => document.body.innerText.includes('The site did not build'), null, { timeout: 15000 });
    const errors = await page.locator('.seckb-where code').allInnerTexts();
    assert.ok(errors.some((e) => e.startsWith(`${DOC}:`)), errors.join('\n'));

    writeFileSync(file, original);
    await page.waitForFunction(() => !!document.querySelector('main h1'), null, { timeout: 15000 });
    await page.waitForFunction(() => !document.body.innerText.includes('The site did not build'), null, { timeout: 15000 });
    assert.match(await page.locator('main h1').first().innerText(), /Metricly/);

    // The error page answers 500 on purpose; nothing else may go wrong.
    assert.deepEqual(problems.filter((p) => !p.startsWith('HTTP 500')), []);
  } finally {
    await browser.close();
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
});
