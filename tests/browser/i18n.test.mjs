// The demo built with `language: de` in Chromium: what the scripts write
// (search status, facets, result dates, the version box, the incident
// list's filter count, the colour theme button) is German, from the page's
// strings blocks, and the pages still make no request elsewhere and break
// no CSP rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAndServe, launch, repo, watchedPage } from './helpers.mjs';

/** A copy of the demo whose seckb.yaml says `language: de`. */
function germanDemo() {
  const root = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'seckb-de-'));
  cpSync(join(repo, 'content'), join(root, 'content'), { recursive: true });
  const config = readFileSync(join(repo, 'seckb.yaml'), 'utf8').replace('\nlanguage: en\n', '\nlanguage: de\n');
  writeFileSync(join(root, 'seckb.yaml'), config);
  return root;
}

test('the scripts speak the site language (de)', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const server = await buildAndServe({ root: germanDemo() });
  try {
    const { page, problems } = await watchedPage(browser, server.origin);
    await page.goto(server.url + 'search/');
    await page.fill('#search-input', 'metricly');
    await page.waitForFunction(() => /Ergebnisse für „metricly“\.$/.test(document.getElementById('search-status').textContent));
    await page.waitForSelector('fieldset[data-facet="vendor"]');
    const legends = await page.$$eval('#search-facets legend', (l) => l.map((x) => x.textContent));
    assert.ok(legends.includes('Schweregrad') && legends.includes('Hersteller') && legends.includes('Schlagwort'), legends.join(', '));
    const dates = await page.$$eval('#search-results time', (t) => t.map((x) => [x.dateTime, x.textContent]));
    assert.ok(dates.length > 0 && dates.every(([iso, shown]) => /^\d{4}-\d{2}-\d{2}$/.test(iso) && /^\d{1,2}\. [A-ZÄ][a-zä]+ \d{4}$/.test(shown)), JSON.stringify(dates));
    const badge = await page.textContent('#search-results .badge.sev');
    assert.match(badge, /^Schweregrad: (Kritisch|Hoch|Mittel|Niedrig)$/);

    await page.goto(server.url + 'incidents/acme-cli-token-file-permissions/', { waitUntil: 'load' });
    await page.waitForSelector('#version-check:not([hidden])');
    await page.fill('#version-check-input', '1.2.1');
    await page.waitForSelector('#version-check-result[data-state="not-affected"]');
    assert.equal(await page.textContent('#version-check-result'), 'acme-cli 1.2.1 ist nicht betroffen.');
    await page.fill('#version-check-input', '1.1');
    await page.waitForSelector('#version-check-result[data-state="invalid"]');
    assert.match(await page.textContent('#version-check-result'), /^„1\.1“ ist keine SemVer-Version .*Erwartet: eine SemVer-Version/);
    assert.equal((await page.textContent('#theme-toggle')).trim(), 'Farbschema: automatisch');

    await page.goto(server.url + 'incidents/?severity=critical');
    await page.waitForFunction(() => /angezeigt\.$/.test(document.getElementById('filter-count').textContent));
    await page.click('th[data-sort="title"] button');
    assert.match(await page.textContent('#sort-note'), /^, sortiert nach Titel, (aufsteigend|absteigend)$/);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
