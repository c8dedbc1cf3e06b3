// The lock-file readers and verdicts of themes/default/static/affected.js,
// outside a page: each format's packages (and what it leaves out, and why),
// a malformed file's line and reason, and what the reader is told of a
// version: affected with the version that fixes it, not affected, unknown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { english, loadAffectedJs, repo } from './helpers.mjs';

const js = loadAffectedJs();
const here = (value) => JSON.parse(JSON.stringify(value));
/** A file's packages as `ecosystem name version @line`, and its skipped entries as `what @line`. */
function read(name, text) {
  const found = here(js.readLockFile(name, text));
  return {
    format: found.format,
    packages: found.packages.map((p) => `${p.ecosystem} ${p.name} ${p.version} @${p.line}`),
    skipped: found.skipped.map((s) => `${s.what} @${s.line}`),
  };
}
/** Why each entry of a file is left out, as an English reader is told. */
const whys = (name, text) => here(js.readLockFile(name, text).skipped).map((s) => english(s.why));
/** The line and reason (as an English reader is told) a malformed file is refused with. */
function refused(name, text) {
  try {
    js.readLockFile(name, text);
  } catch (e) {
    if (e instanceof js.LockFileError) return [e.line, english(e)];
    throw e;
  }
  throw new Error(`${name} was read`);
}

test('Cargo.lock: crates from crates.io; workspace, path, git and other registries left out', () => {
  const text = [
    'version = 4', '',
    '[[package]]', 'name = "acme-cli"', 'version = "1.0.0"', 'source = "registry+https://github.com/rust-lang/crates.io-index"', 'checksum = "00"', 'dependencies = [', ' "serde",', ' "local",', ']', '',
    '[[package]]', 'name = "serde"', "version = '1.0.219' # a literal string", 'source = "sparse+https://index.crates.io/"', '',
    '[[package]]', 'name = "local"', 'version = "0.1.0"', '',
    '[[package]]', 'name = "forked"', 'version = "2.0.0"', 'source = "git+https://github.com/acme/forked?branch=main#0123abcd"', '',
    '[metadata]', '"checksum x 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)" = "00"', '',
  ].join('\n');
  assert.deepEqual(read('Cargo.lock', text), {
    format: 'Cargo.lock',
    packages: ['crates.io acme-cli 1.0.0 @3', 'crates.io serde 1.0.219 @13'],
    skipped: ['local 0.1.0 @18', 'forked 2.0.0 @22'],
  });
  assert.deepEqual(whys('Cargo.lock', text), ['a crate of the workspace or a path dependency, not from crates.io', 'from git+https://github.com/acme/forked?branch=main, not crates.io']);
  // The repository's own lock file reads whole.
  const own = read('Cargo.lock', readFileSync(join(repo, 'Cargo.lock'), 'utf8'));
  assert.ok(own.packages.length > 100 && own.packages.some((p) => p.startsWith('crates.io semver ')));
  // Its workspace members (seckb and the bench tools) have no source: left out.
  assert.deepEqual(own.skipped.map((s) => s.split(' ')[0]), ['seckb', 'seckb-bench-tools']);
  assert.deepEqual(refused('Cargo.lock', '[[package]]\nname = "a"\nversion "1.0.0"\n'), [3, 'expected `=` after the key `version`']);
  assert.deepEqual(refused('Cargo.lock', '[[package]]\nname = "a\nversion = "1.0.0"\n'), [2, 'a string that does not end on its line (no closing ")']);
  assert.deepEqual(refused('Cargo.lock', '[[package]]\nname = "a"\n'), [1, 'a [[package]] without a `version` string']);
  assert.deepEqual(refused('Cargo.lock', '[[package]\nname = "a"\n'), [1, 'expected `]]` after the table name `package`']);
  assert.deepEqual(refused('Cargo.lock', 'version = 4\n'), [0, 'no [[package]] tables: this is not a Cargo.lock']);
  assert.deepEqual(refused('Cargo.lock', 'dependencies = [\n "a"\n "b"\n]\n'), [3, 'expected `,` or `]` in an array']);
  assert.deepEqual(refused('Cargo.lock', 'a = "\\q"\n'), [1, 'an unknown escape \\q in a string']);
  assert.deepEqual(refused('Cargo.lock', 'a = 1 2\n'), [1, 'expected the end of the line after the value, found "2"']);
});

test('package-lock.json: registry packages of lockfile versions 1 to 3, aliases resolved', () => {
  const v3 = JSON.stringify({
    name: 'app', lockfileVersion: 3, requires: true,
    packages: {
      '': { name: 'app', version: '1.0.0' },
      'node_modules/@acme/sdk': { version: '2.3.1', resolved: 'https://registry.npmjs.org/@acme/sdk/-/sdk-2.3.1.tgz' },
      'node_modules/a/node_modules/@acme/sdk': { version: '2.4.0' },
      'node_modules/old-sdk': { name: '@acme/sdk', version: '1.0.0' },
      'node_modules/forked': { version: '3.0.0', resolved: 'git+ssh://git@github.com/acme/forked.git#0123abcd' },
      'node_modules/ws': { resolved: 'packages/ws', link: true },
      'packages/ws': { name: 'ws', version: '0.0.1' },
    },
  }, null, 2);
  assert.deepEqual(read('package-lock.json', v3), {
    format: 'package-lock.json',
    packages: ['npm @acme/sdk 2.3.1 @10', 'npm @acme/sdk 2.4.0 @14', 'npm @acme/sdk 1.0.0 @17'],
    skipped: ['forked 3.0.0 @21', 'ws @25', 'packages/ws @29'],
  });
  assert.deepEqual(whys('package-lock.json', v3), ['from git+ssh, not the npm registry', 'a link to a folder of the project', "a package of the project's workspace"]);
  const v1 = JSON.stringify({
    lockfileVersion: 1,
    dependencies: { a: { version: '1.0.0', dependencies: { b: { version: 'npm:@acme/sdk@2.3.0' } } }, c: { version: 'file:../c' } },
  });
  assert.deepEqual(read('npm-shrinkwrap.json', v1).packages, ['npm a 1.0.0 @1', 'npm @acme/sdk 2.3.0 @1']);
  assert.deepEqual(read('npm-shrinkwrap.json', v1).skipped, ['c file:../c @1']);
  const [line, message] = refused('package-lock.json', '{\n  "lockfileVersion": 3,\n  "packages": {\n    "": {}\n    "x": {}\n  }\n}\n');
  assert.equal(line, 5);
  assert.match(message, /^not valid JSON \(/);
  assert.deepEqual(refused('package-lock.json', '{"lockfileVersion": 3}'), [0, 'neither `packages` nor `dependencies`: this is not a package-lock.json']);
  assert.deepEqual(refused('package-lock.json', '{"packages": {"node_modules/a": "1.0.0"}}'), [1, 'the entry "node_modules/a" is not an object']);
});

test('go.sum: modules whose code was downloaded; go.mod-only lines left out', () => {
  const text = [
    'github.com/acme/gateway/v5 v5.0.3 h1:AAAA=',
    'github.com/acme/gateway/v5 v5.0.3/go.mod h1:BBBB=',
    'golang.org/x/crypto v0.0.0-20211202192323-5770296d904e h1:CCCC=',
    'golang.org/x/crypto v0.0.0-20211202192323-5770296d904e/go.mod h1:DDDD=',
    'golang.org/x/text v0.3.0/go.mod h1:EEEE=',
    '',
    'github.com/old/thing v2.0.0+incompatible h1:FFFF=',
  ].join('\r\n');
  assert.deepEqual(read('go.sum', text), {
    format: 'go.sum',
    packages: ['Go github.com/acme/gateway/v5 v5.0.3 @1', 'Go golang.org/x/crypto v0.0.0-20211202192323-5770296d904e @3', 'Go github.com/old/thing v2.0.0+incompatible @7'],
    skipped: ['golang.org/x/text v0.3.0 @5'],
  });
  assert.deepEqual(whys('go.sum', text), ['only its go.mod is listed: its code is not in the build']);
  const [line, message] = refused('go.sum', 'golang.org/x/text v0.3.0 h1:AAAA=\ngolang.org/x/text 0.3.1 h1:AAAA=\n');
  assert.equal(line, 2);
  assert.equal(message, 'expected `MODULE VERSION HASH` (`golang.org/x/text v0.14.0 h1:…`), found `golang.org/x/text 0.3.1 h1:AAAA=`');
});

test('requirements.txt: pinned requirements; others listed with the reason', () => {
  const text = [
    '# production dependencies',
    'acme-python==3.5.0 \\',
    '    --hash=sha256:0000',
    'Django[bcrypt] == 4.2.1 ; python_version > "3.8"  # pinned',
    'requests>=2.31,<3',
    'flask',
    'numpy==1.26.*',
    'legacy===1.0-weird',
    '-r base.txt',
    '-e git+https://github.com/acme/tool.git#egg=tool',
    'tool @ https://example.com/tool-1.0.whl',
    './local-package',
  ].join('\n');
  assert.deepEqual(read('requirements-prod.txt', text), {
    format: 'requirements.txt',
    packages: ['PyPI acme-python 3.5.0 @2', 'PyPI Django 4.2.1 @4'],
    skipped: ['requests >=2.31,<3 @5', 'flask @6', 'numpy ==1.26.* @7', 'legacy ===1.0-weird @8', '-r base.txt @9', '-e git+https://github.com/acme/tool.git#egg=tool @10', 'tool @ https://example.com/tool-1.0.whl @11', './local-package @12'],
  });
  assert.deepEqual(whys('requirements-prod.txt', text), [
    'not pinned to one version: pip may install any that matches', 'not pinned: any version may be installed',
    'not pinned to one version: pip may install any that matches', 'not a PEP 440 version, which seckb cannot compare',
    'an option of pip, not a requirement', 'an option of pip, not a requirement',
    'a URL or a path, not a version from a package index', 'a URL or a path, not a version from a package index',
  ]);
  assert.deepEqual(refused('requirements.txt', 'requests==2.31.0\nfoo bar baz\n'), [2, '`bar baz` is not a version specifier such as ==1.4.2 (in `foo bar baz`)']);
  assert.deepEqual(refused('requirements.txt', 'foo==banana\n'), [1, '`banana` is not a PEP 440 version (in `foo==banana`)']);
  assert.deepEqual(refused('requirements.txt', '{"a": 1}\n'), [1, '`{"a": 1}` is not a requirement: expected NAME==VERSION']);
});

test('poetry.lock: packages from an index; git, folder, file and URL sources left out', () => {
  const text = [
    '# This file is automatically @generated by Poetry 1.8.3 and should not be changed by hand.', '',
    '[[package]]', 'name = "acme-python"', 'version = "3.5.0"', 'description = "Acme\'s \\"SDK\\""', 'optional = false', 'python-versions = ">=3.8"',
    'files = [', '    {file = "acme_python-3.5.0.tar.gz", hash = "sha256:00"},', ']', '',
    '[package.dependencies]', 'requests = {version = ">=2", markers = "python_version >= \\"3.8\\""}', '',
    '[package.extras]', 'dev = ["pytest (>=7)"]', '',
    '[[package]]', 'name = "tool"', 'version = "0.1.0"', 'description = """', 'A tool', 'on two lines."""', '',
    '[package.source]', 'type = "git"', 'url = "https://github.com/acme/tool.git"', '',
    '[[package]]', 'name = "private"', 'version = "1.0"', '', '[package.source]', 'type = "legacy"', 'url = "https://pypi.acme.example/simple"', '',
    '[metadata]', 'lock-version = "2.0"', 'python-versions = "^3.8"', 'content-hash = "00"', '',
  ].join('\n');
  assert.deepEqual(read('poetry.lock', text), {
    format: 'poetry.lock',
    packages: ['PyPI acme-python 3.5.0 @3', 'PyPI private 1.0 @30'],
    skipped: ['tool 0.1.0 @19'],
  });
  assert.deepEqual(whys('poetry.lock', text), ['from git, not a package index']);
  // Recognised by what it holds when the name says nothing.
  assert.equal(read('deps.lock', text).format, 'poetry.lock');
  assert.deepEqual(refused('poetry.lock', '[[package]]\nname = "a"\nversion = "1.0"\nfiles = [\n  {file = "a", hash = "b"\n]\n'), [5, 'expected `,` or `}` in an inline table']);
});

test('a file of no format seckb reads says which it reads', () => {
  assert.deepEqual(refused('yarn.lock', '# yarn lockfile v1\n\nfoo@^1.0.0:\n  version "1.0.0"\n'), [0, 'not a lock file seckb reads: expected Cargo.lock, package-lock.json, go.sum, requirements.txt or poetry.lock']);
  assert.equal(read('lock', '{"lockfileVersion": 3, "packages": {}}').format, 'package-lock.json');
  assert.equal(read('deps', '[[package]]\nname = "a"\nversion = "1.0.0"\n').format, 'Cargo.lock');
  assert.equal(read('sums', 'golang.org/x/text v0.3.0 h1:AAAA=\n').format, 'go.sum');
});

const osv = (ecosystem, name, ranges, versions) => ({ package: { ecosystem, name }, ranges, ...(versions ? { versions } : {}) });
const range = (type, ...events) => ({ type, events: events.map(([k, v]) => ({ [k]: v })) });
const verdict = (entry, version) => here(js.verdict(js.target(entry), version));

test('a verdict names the lowest version that fixes it, or why it cannot tell', () => {
  const two = osv('crates.io', 'acme-cli', [range('SEMVER', ['introduced', '1.2.0'], ['fixed', '1.4.3'], ['introduced', '2.0.0'], ['fixed', '2.0.5'])]);
  assert.deepEqual(verdict(two, '1.3.0'), { state: 'affected', fixed: ['1.4.3'], lastAffected: null });
  assert.deepEqual(verdict(two, '2.0.1'), { state: 'affected', fixed: ['2.0.5'], lastAffected: null });
  assert.deepEqual(verdict(two, '1.4.3'), { state: 'not-affected', fixed: [] });
  assert.deepEqual(verdict(two, '1.4'), { state: 'invalid', why: { key: 'checker.why.major_minor_patch', args: {} }, scheme: 'semver' });
  assert.equal(english(verdict(two, '1.4').why), 'expected MAJOR.MINOR.PATCH');
  // A fix that a later interval affects again is no fix.
  const again = osv('npm', 'x', [range('SEMVER', ['introduced', '0'], ['fixed', '1.0.0']), range('SEMVER', ['introduced', '1.0.0'], ['fixed', '1.1.0'])]);
  assert.deepEqual(verdict(again, '0.5.0').fixed, ['1.1.0']);
  const last = osv('PyPI', 'x', [range('ECOSYSTEM', ['introduced', '0'], ['last_affected', '3.6.1'])]);
  assert.deepEqual(verdict(last, '3.6.1'), { state: 'affected', fixed: [], lastAffected: '3.6.1' });
  const limit = osv('npm', 'x', [range('SEMVER', ['introduced', '1.0.0'], ['limit', '1.5.0'])]);
  assert.deepEqual(verdict(limit, '1.2.0'), { state: 'affected', fixed: [], lastAffected: null });
  // Versions seckb cannot order: listed ones are known, others are not.
  const debian = osv('Debian:12', 'acme-agent', [range('ECOSYSTEM', ['introduced', '0'], ['fixed', '1.4-2+deb12u1'])], ['1.4-1']);
  assert.deepEqual(verdict(debian, '1.4-1'), { state: 'affected', fixed: ['1.4-2+deb12u1'], lastAffected: null });
  assert.deepEqual(verdict(debian, '1.4-2'), { state: 'unknown', fixed: ['1.4-2+deb12u1'] });
  const git = osv('Go', 'github.com/acme/agent', [{ type: 'GIT', repo: 'https://github.com/acme/agent', events: [{ introduced: '0' }] }]);
  assert.deepEqual(verdict(git, 'v1.0.0'), { state: 'unknown', fixed: [] });
});

test('findings match names as their ecosystem does', () => {
  const incidents = [
    { title: 'A', url: '/a/', severity: 'high', affected: [osv('PyPI', 'Acme_Python', [range('ECOSYSTEM', ['introduced', '0'], ['fixed', '3.6.2'])])] },
    { title: 'B', url: '/b/', severity: 'low', affected: [osv('npm', 'Left-Pad', [range('SEMVER', ['introduced', '0'])])] },
  ];
  const packages = [
    { ecosystem: 'PyPI', name: 'acme.python', version: '3.5.0', line: 1 },
    { ecosystem: 'PyPI', name: 'acme-python', version: '3.6.2', line: 2 },
    { ecosystem: 'npm', name: 'left-pad', version: '1.0.0', line: 3 },
  ];
  const found = here(js.findAffected(incidents, packages));
  assert.deepEqual(found.map((f) => `${f.incident.title} ${f.package.name} ${f.verdict.state}`), ['A acme.python affected']);
});
