// The query engine of search.js over a real index, read from disk: an exact
// id or CVE outranks documents that only mention it, the word being typed
// matches as a prefix, one typo is forgiven in long words, facets count and
// filter, and unpublished documents are never found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { build, loadSearchJs, repo } from './helpers.mjs';

const out = build({ root: join(repo, 'tests/fixtures/search') });
const { createEngine } = loadSearchJs();
const fetched = [];
const engine = createEngine((path) => {
  fetched.push(path);
  const file = join(out, 'search', path.split('?')[0]);
  const bytes = readFileSync(file);
  return Promise.resolve(JSON.parse((file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')));
});
await engine.open();

async function urls(query) {
  const { docs } = await engine.search(query);
  const loaded = await Promise.all(docs.map((d) => engine.doc(d)));
  return loaded.map((d) => d.url);
}

test('an exact id or CVE comes before documents that mention it', async () => {
  for (const q of ['INC-2026-0101', 'inc-2026-0101', 'CVE-2026-11111']) {
    assert.deepEqual(await urls(q), ['/kb/incidents/gateway-exposure/', '/kb/incidents/quarterly-patch-review/'], q);
  }
  // The other way round for the review's own id.
  assert.equal((await urls('INC-2026-0102'))[0], '/kb/incidents/quarterly-patch-review/');
});

test('title words outrank body words', async () => {
  // "gateway" is in the title of the exposure, a tag of the FAQ, the body of the review.
  const found = await urls('gateway');
  assert.equal(found[0], '/kb/incidents/gateway-exposure/');
  assert.equal(found.at(-1), '/kb/incidents/quarterly-patch-review/');
});

test('the word being typed matches as a prefix', async () => {
  assert.deepEqual(await urls('periwin'), ['/kb/faq/api-keys/#are-keys-ever-logged']);
  assert.deepEqual(await urls('periwin '), [], 'a finished word is not a prefix');
  assert.ok((await urls('CVE-2026-111')).includes('/kb/incidents/gateway-exposure/'));
});

test('identifiers are found by their parts, and diacritics are folded', async () => {
  assert.deepEqual(await urls('11111 proxyco'), ['/kb/incidents/gateway-exposure/']);
  assert.ok((await urls('umlaut')).includes('/kb/incidents/gateway-exposure/'));
  assert.deepEqual(await urls('Cafe'), ['/kb/guides/hardening/']);
  assert.deepEqual(await urls('café'), ['/kb/guides/hardening/']);
});

test('one typo is forgiven in words of five letters or more', async () => {
  assert.deepEqual(await urls('periwinlke '), ['/kb/faq/api-keys/#are-keys-ever-logged'], 'transposition');
  assert.deepEqual(await urls('periwinkl '), ['/kb/faq/api-keys/#are-keys-ever-logged'], 'deletion');
  assert.deepEqual(await urls('hardenimg '), ['/kb/guides/hardening/'], 'substitution');
  assert.deepEqual(await urls('keyz '), [], 'not in short words');
});

test('facets count the results and filter them', async () => {
  const { docs } = await engine.search('gateway');
  const early = await engine.facet(docs, {});
  assert.equal(early.tags, false, 'tag counts wait for tags.json');
  assert.equal(early.counts.severity.get('high'), 1);
  await engine.tags();
  const all = await engine.facet(docs, {});
  assert.equal(all.tags, true);
  assert.equal(all.docs.length, docs.length);
  assert.equal(all.counts.severity.get('high'), 1);
  assert.equal(all.counts.severity.get('low'), 1);
  assert.equal(all.counts.kind.get('faq') >= 1, true);
  assert.equal(all.counts.tag.get('gateway') >= 2, true);
  const high = await engine.facet(docs, { severity: ['high'] });
  assert.equal(high.docs.length, 1);
  assert.equal((await engine.doc(high.docs[0])).url, '/kb/incidents/gateway-exposure/');
  // A facet's own counts ignore its own selection (so other values stay choosable).
  assert.equal(high.counts.severity.get('low'), 1);
  assert.equal(high.counts.kind.get('faq'), undefined);
});

test('unpublished documents are not found', async () => {
  for (const q of ['zanzibarquokka', 'xylophonewombat', 'marmaladequasar', 'INC-2026-0103', 'amberonlytag']) {
    assert.deepEqual(await urls(q), [], q);
  }
});

test('every fetch carries the index generation', () => {
  const generation = JSON.parse(readFileSync(join(out, 'search/manifest.json'), 'utf8')).generation;
  assert.ok(fetched.length > 3);
  for (const path of fetched.filter((p) => p !== 'manifest.json')) assert.ok(path.endsWith(`?v=${generation}`), path);
});
