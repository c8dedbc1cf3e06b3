// Every CSAF document the demo site produces passes the official CSAF 2.0
// JSON schema (strict) and every mandatory test of the OASIS standard, as
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
import { build } from './helpers.mjs';

const tests = [schemaTests.csaf_2_0_strict, ...Object.values(mandatoryTests)];

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
      const errors = result.tests.flatMap((t) => t.errors.map((e) => `${t.name} ${e.instancePath}: ${e.message}`));
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
