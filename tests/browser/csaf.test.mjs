// Every CSAF document the demo site produces passes the official CSAF 2.0
// JSON schema (strict), every mandatory test and every recommended
// ("optional") test of the OASIS standard with no error and no warning, as
// implemented by @secvisogram/csaf-validator-lib — in a public build, and in
// an internal preview build (all TLP levels, drafts) whose documents carry
// other TLP labels and the `draft` status. The distribution around them
// (index.txt, changes.csv, provider-metadata.json) must list exactly them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import validateStrict from '@secvisogram/csaf-validator-lib/validateStrict.js';
import * as schemaTests from '@secvisogram/csaf-validator-lib/schemaTests.js';
import * as mandatoryTests from '@secvisogram/csaf-validator-lib/mandatoryTests.js';
import * as optionalTests from '@secvisogram/csaf-validator-lib/optionalTests.js';
import { build } from './helpers.mjs';

// The informative tests (6.3.x) are not run: their findings are notes
// (product_version_range used, URLs not fetched here, a vulnerability
// without CVE) and 6.3.8 needs the hunspell program.
const tests = [schemaTests.csaf_2_0_strict, ...Object.values(mandatoryTests), ...Object.values(optionalTests)];

/** Relative paths (under .well-known/csaf/) of every CSAF document in a build. */
function documents(dir) {
  const root = join(dir, '.well-known', 'csaf');
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((year) => readdirSync(join(root, year.name))
      .filter((f) => f.endsWith('.json'))
      .map((f) => `${year.name}/${f}`))
    .sort();
}

for (const [name, args, expected] of [
  ['public build', [], { count: 8, labels: ['WHITE'], statuses: ['final', 'interim'] }],
  ['internal preview build', ['--tlp', 'red', '--drafts'], { count: 10, labels: ['AMBER', 'WHITE'], statuses: ['draft', 'final', 'interim'] }],
]) {
  test(`every CSAF document of the demo's ${name} is valid CSAF 2.0`, async () => {
    const dir = build({ baseUrl: 'https://acme.github.io/advisories/', args });
    const root = join(dir, '.well-known', 'csaf');
    const paths = documents(dir);
    assert.equal(paths.length, expected.count, `documents: ${paths.join(', ')}`);
    const labels = new Set();
    const statuses = new Set();
    const failures = [];
    for (const path of paths) {
      const doc = JSON.parse(readFileSync(join(root, path), 'utf8'));
      const result = await validateStrict(tests, doc);
      const errors = result.tests.flatMap((t) => [...t.errors, ...(t.warnings ?? [])].map((e) => `${t.name} ${e.instancePath}: ${e.message}`));
      if (!result.isValid || errors.length > 0) failures.push(`${path}:\n  ${errors.join('\n  ')}`);
      // The file name rule: lower-case tracking id, other runs of characters as `_`.
      const expectedName = doc.document.tracking.id.toLowerCase().replace(/[^+\-a-z0-9]+/g, '_') + '.json';
      assert.equal(path.split('/')[1], expectedName);
      assert.equal(path.split('/')[0], doc.document.tracking.initial_release_date.slice(0, 4));
      assert.equal(doc.document.category, 'csaf_security_incident_response');
      labels.add(doc.document.distribution.tlp.label);
      statuses.add(doc.document.tracking.status);
    }
    assert.deepEqual(failures, []);
    assert.deepEqual([...labels].sort(), expected.labels);
    assert.deepEqual([...statuses].sort(), expected.statuses);

    const index = readFileSync(join(root, 'index.txt'), 'utf8').trim().split('\n');
    assert.deepEqual(index, paths);
    const changes = readFileSync(join(root, 'changes.csv'), 'utf8').trim().split('\n')
      .map((line) => line.match(/^"([^"]+)","([^"]+)"$/).slice(1));
    assert.deepEqual(changes.map((c) => c[0]).sort(), paths);
    const dates = changes.map((c) => c[1]);
    assert.deepEqual(dates, [...dates].sort().reverse(), 'changes.csv is newest first');
    const meta = JSON.parse(readFileSync(join(root, 'provider-metadata.json'), 'utf8'));
    assert.equal(meta.canonical_url, 'https://acme.github.io/advisories/.well-known/csaf/provider-metadata.json');
    assert.equal(meta.metadata_version, '2.0');
    assert.equal(meta.last_updated, dates[0]);
    assert.deepEqual(meta.distributions, [{ directory_url: 'https://acme.github.io/advisories/.well-known/csaf/' }]);
    // An internal build must not ask aggregators to list or mirror it.
    assert.equal(meta.list_on_CSAF_aggregators, name === 'public build');
    for (const year of new Set(paths.map((p) => p.split('/')[0]))) {
      assert.ok(existsSync(join(root, year, 'index.html')), `no listing page for ${year}/`);
    }
  });
}

test('an incident with a CVE and packages has a product tree, statuses, scores, CWE and remediations', async () => {
  const dir = build({ baseUrl: 'https://acme.github.io/advisories/', args: [] });
  const doc = JSON.parse(readFileSync(join(dir, '.well-known', 'csaf', '2025', 'inc-2025-0019.json'), 'utf8'));
  const products = new Map();
  const walk = (branches, path) => {
    for (const b of branches ?? []) {
      if (b.product) products.set(b.product.product_id, [...path, b.category, b.name]);
      walk(b.branches, [...path, b.name]);
    }
  };
  walk(doc.product_tree.branches, []);
  const [v] = doc.vulnerabilities;
  assert.equal(v.cve, 'CVE-2025-48213');
  assert.deepEqual(v.cwe, { id: 'CWE-78', name: "Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')" });
  const affected = v.product_status.known_affected.map((id) => products.get(id));
  assert.deepEqual(affected, [
    ['Acme', 'Acme Gateway', 'product_version_range', 'vers:generic/>=4.8.0|<4.12.3'],
    ['Acme', 'Acme Gateway', 'product_version_range', 'vers:generic/>=5.0.0|<5.0.4'],
    ['Acme', 'github.com/acme/gateway/v4', 'product_version_range', 'vers:golang/>=4.8.0|<4.12.3'],
    ['Acme', 'github.com/acme/gateway/v5', 'product_version_range', 'vers:golang/>=5.0.0|<5.0.4'],
  ]);
  assert.deepEqual(v.product_status.fixed.map((id) => products.get(id).at(-1)), ['4.12.3', '5.0.4', '4.12.3', '5.0.4']);
  assert.deepEqual(v.scores[0].products, v.product_status.known_affected);
  assert.equal(v.scores[0].cvss_v3.vectorString, 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
  assert.deepEqual(v.remediations.map((r) => r.category), ['vendor_fix', 'vendor_fix', 'vendor_fix', 'vendor_fix', 'mitigation']);
  const python = JSON.parse(readFileSync(join(dir, '.well-known', 'csaf', '2026', 'inc-2026-0047.json'), 'utf8'));
  // The third party the incident lists as involved but not affected.
  assert.equal(python.vulnerabilities[0].product_status.known_not_affected.length, 1);
});

// The revision history follows the incident's `updates:`: one numbered
// revision per update (after the initial publication, when the first update
// is later than `date`), each with its date and what it changed; `version`
// and `current_release_date` are the last revision's; and the document
// passes the validator (schema, mandatory and recommended tests).
test('the revision history has one revision per update and passes the validator', async () => {
  const dir = build({ baseUrl: 'https://acme.github.io/advisories/', args: [] });
  const read = (path) => JSON.parse(readFileSync(join(dir, '.well-known', 'csaf', path), 'utf8'));
  const metricly = read('2026/inc-2026-0042.json');
  const stuffing = read('2026/inc-2026-0011.json');
  for (const doc of [metricly, stuffing]) {
    const result = await validateStrict(tests, doc);
    const errors = result.tests.flatMap((t) => [...t.errors, ...(t.warnings ?? [])].map((e) => `${t.name} ${e.instancePath}: ${e.message}`));
    assert.deepEqual(errors, [], doc.document.tracking.id);
    assert.ok(result.isValid);
    const history = doc.document.tracking.revision_history;
    assert.deepEqual(history.map((r) => r.number), history.map((_, i) => String(i + 1)));
    const dates = history.map((r) => r.date);
    assert.deepEqual(dates, [...dates].sort());
    assert.equal(doc.document.tracking.version, String(history.length));
    assert.equal(doc.document.tracking.current_release_date, dates.at(-1));
    assert.equal(doc.document.tracking.initial_release_date, dates[0]);
  }
  assert.deepEqual(metricly.document.tracking.revision_history.map((r) => [r.date, r.summary.split(':')[0]]), [
    ['2026-11-09T00:00:00Z', 'Initial publication.'],
    ['2026-11-11T16:20:00Z', 'Status investigating, severity low'],
    ['2026-11-14T18:00:00Z', 'Status investigating → identified, severity low → medium'],
    ['2026-11-17T15:00:00Z', 'Affected users and organization administrators are notified by email; see the FAQ.'],
    ['2026-11-28T12:00:00Z', 'Status identified → monitoring'],
  ]);
  const summaries = stuffing.document.tracking.revision_history.map((r) => r.summary);
  assert.equal(summaries.length, 4);
  assert.match(summaries[3], /^Status identified → resolved: No further successful attacker sign-ins/);
  assert.equal(stuffing.document.tracking.status, 'final');
});
