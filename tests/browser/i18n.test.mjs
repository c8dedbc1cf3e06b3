// The demo built with `language: de` in Chromium: what the scripts write
// (search status, facets, result dates, the version box, the incident
// list's filter count, the colour theme button) is German, from the page's
// strings blocks, and the pages still make no request elsewhere and break
// no CSP rule. The checker's reasons too: why a typed text is no version
// (SemVer, Go, PEP 440, Maven), why a lock file cannot be read (TOML, JSON,
// go.sum, requirements.txt, no lock file) and why an entry is not checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAndServe, englishStrings, launch, repo, watchedPage } from './helpers.mjs';

/** A copy of the demo whose seckb.yaml says `language: de`. */
function germanDemo() {
  const root = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'seckb-de-'));
  cpSync(join(repo, 'content'), join(root, 'content'), { recursive: true });
  const config = readFileSync(join(repo, 'seckb.yaml'), 'utf8').replace('\nlanguage: en\n', '\nlanguage: de\n');
  writeFileSync(join(root, 'seckb.yaml'), config);
  return root;
}

/** Types `version` into the version box (for the option `label`, if given); resolves with the text once the state shows. */
async function check(page, version, state, label) {
  if (label) await page.selectOption('#version-check-target', { label });
  await page.fill('#version-check-input', version);
  await page.waitForSelector(`#version-check-result[data-state="${state}"]`);
  return page.textContent('#version-check-result');
}

/**
 * The English of every reason the checker's parsers give, as fragments
 * between placeholders (of three letters or more): none may show on a
 * German page.
 */
function englishReasons() {
  return Object.entries(englishStrings())
    .filter(([key]) => /^checker\.(why|lock|skip|compact)\./.test(key))
    .flatMap(([, text]) => text.split(/\{[a-z_]+\}/))
    .map((part) => part.trim())
    .filter((part) => /[a-z]{3,}/.test(part));
}

/** The texts a German reader is shown, none holding an English reason. */
function assertNoEnglishReason(texts) {
  const english = englishReasons();
  assert.ok(english.length > 40, english.join(' | '));
  for (const text of texts) {
    const left = english.filter((part) => text.includes(part));
    assert.deepEqual(left, [], text);
  }
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
    assert.match(await page.textContent('#version-check-result'), /^„1\.1“ ist keine SemVer-Version \(erwartet: MAJOR\.MINOR\.PATCH\)\. Erwartet: eine SemVer-Version/);
    const shown = [await check(page, '01.2.0', 'invalid'), await check(page, '1.2.0-', 'invalid')];
    assert.deepEqual(shown.map((s) => s.replace(/\. Erwartet: .*$/, '')), [
      '„01.2.0“ ist keine SemVer-Version (eine Zahl mit führender Null)',
      '„1.2.0-“ ist keine SemVer-Version (ein leerer Bezeichner)',
    ]);
    assert.equal((await page.textContent('#theme-toggle')).trim(), 'Farbschema: automatisch');

    await page.goto(server.url + 'incidents/acme-python-sdk-logs-api-keys/', { waitUntil: 'load' });
    await page.waitForSelector('#version-check:not([hidden])');
    shown.push(await check(page, '3.6.2x', 'invalid'));
    assert.equal(shown[2], '„3.6.2x“ ist keine PEP-440-Version (unerwartetes "x" nach "3.6.2"). Erwartet: eine PEP-440-Version wie 3.6.2, 2.0rc1 oder 1.0.post1.');
    await page.goto(server.url + 'incidents/acme-gateway-rce-cve-2025-48213/', { waitUntil: 'load' });
    await page.waitForSelector('#version-check:not([hidden])');
    shown.push(await check(page, 'v5.0', 'invalid', 'github.com/acme/gateway/v5 (Go)'));
    assert.match(shown[3], /^„v5\.0“ ist keine Go-Modulversion \(erwartet: MAJOR\.MINOR\.PATCH\)\. Erwartet: eine Go-Modulversion/);
    // A vendor product's range is read in Maven order: a range word is no version.
    shown.push(await check(page, 'before', 'invalid', 'Acme Gateway'));
    assert.equal(shown[4], '„before“ ist keine Maven-Version (`before` bezeichnet einen Bereich, keine einzelne Version). Erwartet: eine Maven-Version wie 2.17.1 oder 1.0-beta-2.');
    shown.push(await check(page, '5.0 .1', 'invalid'));
    assert.match(shown[5], /^„5\.0 \.1“ ist keine Maven-Version \(" " darf in einer Version nicht vorkommen\)/);
    assertNoEnglishReason(shown);

    await page.goto(server.url + 'incidents/?severity=critical');
    await page.waitForFunction(() => /angezeigt\.$/.test(document.getElementById('filter-count').textContent));
    await page.click('th[data-sort="title"] button');
    assert.match(await page.textContent('#sort-note'), /^, sortiert nach Titel, (aufsteigend|absteigend)$/);
    assert.deepEqual(problems, []);
    await lockFilesInGerman(page, server.url);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

const file = (name, text) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });

/** The lock-file page in German: each reader's refusal, and why entries are not checked. */
async function lockFilesInGerman(page, url) {
  await page.goto(url + 'affected/', { waitUntil: 'load' });
  await page.waitForSelector('#checker-form[data-ready]');
  await page.evaluate(() => document.getElementById('checker-results').removeAttribute('data-done'));
  await page.setInputFiles('#checker-file', [
    file('Cargo.lock', '[[package]]\nname = "acme-cli"\nversion "1.0.0"\n'),
    file('poetry.lock', '[[package]]\nname = "a"\nversion = "1.0"\nfiles = [\n  {file = "a", hash = "b"\n]\n'),
    file('package-lock.json', '{"lockfileVersion": 3}'),
    file('go.sum', 'golang.org/x/text v0.3.0 h1:AAAA=\ngolang.org/x/text 0.3.1 h1:AAAA=\n'),
    file('requirements.txt', 'foo==banana\n'),
    file('notes.md', '# keine Lock-Datei\n'),
    file('deps.txt', 'acme-python==3.5.0\nrequests>=2.31\nflask\n-r base.txt\n'),
  ]);
  await page.waitForSelector('#checker-results[data-done]');
  const error = (name) => page.locator(`#checker-results section[data-file="${name}"] .checker-error`).textContent();
  const errors = await Promise.all(['Cargo.lock', 'poetry.lock', 'package-lock.json', 'go.sum', 'requirements.txt', 'notes.md'].map(error));
  assert.deepEqual(errors, [
    'Cargo.lock konnte nicht gelesen werden, Zeile 3: nach dem Schlüssel `version` wird `=` erwartet.',
    'poetry.lock konnte nicht gelesen werden, Zeile 5: in einer Inline-Tabelle wird `,` oder `}` erwartet.',
    'package-lock.json konnte nicht gelesen werden: weder `packages` noch `dependencies`: Das ist keine package-lock.json.',
    'go.sum konnte nicht gelesen werden, Zeile 2: erwartet: `MODUL VERSION HASH` (`golang.org/x/text v0.14.0 h1:…`), gefunden: `golang.org/x/text 0.3.1 h1:AAAA=`.',
    'requirements.txt konnte nicht gelesen werden, Zeile 1: `banana` ist keine PEP-440-Version (in `foo==banana`).',
    'notes.md konnte nicht gelesen werden: keine Lock-Datei, die seckb liest: erwartet Cargo.lock, package-lock.json, go.sum, requirements.txt oder poetry.lock.',
  ]);
  const deps = page.locator('#checker-results section[data-file="deps.txt"]');
  assert.equal(await deps.locator('.checker-skipped summary').textContent(), 'Nicht geprüft: 3 Einträge');
  const skipped = await deps.locator('.checker-skipped li').allTextContents();
  assert.deepEqual(skipped, [
    'requests >=2.31 (Zeile 2): nicht auf eine Version festgelegt: pip kann jede passende installieren',
    'flask (Zeile 3): nicht festgelegt: Jede Version kann installiert werden',
    '-r base.txt (Zeile 4): eine Option von pip, keine Anforderung',
  ]);
  assertNoEnglishReason([...errors, ...skipped]);
}
