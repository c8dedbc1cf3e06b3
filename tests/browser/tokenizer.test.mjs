// The browser's tokenizer (themes/default/static/search.js) splits every case
// of tests/fixtures/tokenizer-cases.json exactly as the Rust one does
// (tests/suite/search.rs checks the same file), so a query finds what the index holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSearchJs, repo } from './helpers.mjs';

test('search.js tokenizes every shared case like the Rust tokenizer', () => {
  const { tokenize } = loadSearchJs();
  const { cases } = JSON.parse(readFileSync(join(repo, 'tests/fixtures/tokenizer-cases.json'), 'utf8'));
  assert.ok(cases.length >= 15);
  for (const c of cases) {
    const got = tokenize(c.input).map((t) => [t.text, t.role]);
    assert.deepEqual(got, c.tokens, `input: ${c.input}`);
  }
});

test('token offsets point into the original text', () => {
  const { tokenize } = loadSearchJs();
  const text = 'Ünïcode ＣＶＥ-2026-1 🔥 sk-proj';
  const spans = tokenize(text).filter((t) => t.role !== 'part').map((t) => text.slice(t.start, t.end));
  assert.deepEqual(spans, ['Ünïcode', 'ＣＶＥ-2026-1', 'sk-proj']);
});
