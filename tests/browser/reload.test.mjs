// `seckb serve` in a real browser: an open page reloads by itself when its
// document is saved, shows the build errors when the front matter breaks, and
// comes back when it is fixed — with no console error, CSP violation or
// request to another origin along the way. Every step waits for an event (a
// page load, a line from seckb serve, a page's content), never for a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { WAIT, buildId, copySite, launch, save, seckbServe, watchedPage } from './helpers.mjs';

const DOC = 'content/incidents/2026-11-09-metricly-analytics-vendor-breach.md';
const PAGE = 'incidents/metricly-analytics-vendor-breach/';

test('an open page reloads by itself after an edit, and shows build errors until they are fixed', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const root = copySite();
  const server = await seckbServe({ root });
  try {
    const { page, problems } = await watchedPage(browser, server.origin);
    page.setDefaultTimeout(WAIT);
    let loads = 0;
    page.on('load', () => { loads += 1; });
    // The page's reload script opens its event stream once the page has loaded.
    const stream = page.waitForResponse((r) => r.url().includes('/__seckb/events?build='));
    const response = await page.goto(server.url + PAGE);
    assert.equal(response.status(), 200);
    assert.equal((await stream).headers()['content-type'], 'text/event-stream');
    assert.equal(loads, 1);

    // An edit of the body: the page reloads (its `load` event, not only its
    // text, since the text shows before the load event fires) and shows it.
    const file = join(root, DOC);
    const original = readFileSync(file, 'utf8');
    const marker = 'Reload marker qx7 added while the page is open.';
    const built = server.next(/ changed: built /);
    const reloaded = page.waitForEvent('load');
    save(file, `${original}\n${marker}\n`);
    await reloaded;
    assert.ok((await page.locator('body').innerText()).includes(marker));
    // Once the full build behind the quick re-render is served, the open
    // page is the one the server serves (the same id): no other reload is
    // coming, so the count is final.
    await built;
    const served = await fetch(server.url + PAGE).then((r) => r.text());
    assert.equal(buildId(await page.content()), buildId(served));
    assert.equal(loads, 2, 'the page reloaded once, by itself');

    // A save that breaks the front matter.
    save(file, original.replace('status: monitoring', 'status monitoring'));
    await page.waitForFunction(() => document.body.innerText.includes('The site did not build'));
    const errors = await page.locator('.seckb-where code').allInnerTexts();
    assert.ok(errors.some((e) => e.startsWith(`${DOC}:`)), errors.join('\n'));

    save(file, original);
    await page.waitForFunction(() => !!document.querySelector('main h1'));
    await page.waitForFunction(() => !document.body.innerText.includes('The site did not build'));
    assert.match(await page.locator('main h1').first().innerText(), /Metricly/);

    // The error page answers 500 on purpose; nothing else may go wrong.
    assert.deepEqual(problems.filter((p) => !p.startsWith('HTTP 500')), []);
  } finally {
    await browser.close();
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
});
