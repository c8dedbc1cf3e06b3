// The browser's range logic (themes/default/static/affected.js) answers every
// case of tests/fixtures/range-cases.json as the Rust code does (tests/affected.rs
// checks the same file): version order per ecosystem, the compact syntax and
// the events it makes (or the offset and reason of its mistake), and OSV's evaluation of
// affected entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { english, loadAffectedJs, repo } from './helpers.mjs';

const cases = JSON.parse(readFileSync(join(repo, 'tests/fixtures/range-cases.json'), 'utf8'));
const js = loadAffectedJs();
/** A value of the script's realm as one of this realm (for deepEqual). */
const here = (value) => JSON.parse(JSON.stringify(value));

test('versions compare as in Rust, in every ecosystem of the vectors', () => {
  assert.ok(cases.order.length >= 25);
  for (const c of cases.order) {
    const s = js.schemeOf(c.ecosystem);
    assert.equal(js.compare(js.parse(s, c.a), js.parse(s, c.b)), c.order, `${c.ecosystem}: ${c.a} vs ${c.b}`);
    assert.equal(js.compare(js.parse(s, c.b), js.parse(s, c.a)), -c.order || 0, `${c.ecosystem}: ${c.b} vs ${c.a}`);
  }
});

test('the compact syntax makes the same events, or fails at the same offset', () => {
  for (const c of cases.compact) {
    const s = js.schemeOf(c.ecosystem);
    if ('error_at' in c) {
      // The reason is a whole English sentence (english throws on a key or argument missing).
      assert.throws(() => js.parseCompact(c.versions, s), (e) => e.offset === c.error_at && english(e) !== '', `${c.ecosystem}: ${c.versions}`);
    } else {
      const got = here(js.parseCompact(c.versions, s));
      assert.deepEqual(got.events, c.events, `${c.ecosystem}: ${c.versions}`);
      assert.deepEqual(got.exact, c.versions_listed || [], `${c.ecosystem}: ${c.versions}`);
    }
  }
});

test('affected entries answer every version as in Rust (null: not a version)', () => {
  for (const c of cases.affected) {
    for (const [version, expected] of Object.entries(c.versions)) {
      let got;
      try {
        got = js.affects(c.entry, version);
      } catch (e) {
        if (!(e instanceof js.NotAVersion)) throw e;
        assert.notEqual(english(e), '');
        got = null;
      }
      assert.equal(got, expected, `${version} in ${JSON.stringify(c.entry)}`);
    }
  }
});
