// Shared pieces of the browser tests: build a site with the seckb binary,
// serve it the way GitHub Pages does (under a base path, 404.html for unknown
// paths), and drive headless Chromium while recording console errors,
// CSP violations and requests to other origins.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, normalize, resolve } from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const bin = process.env.SECKB_BIN || join(process.env.CARGO_TARGET_DIR || join(repo, 'target'), 'debug', 'seckb');

/**
 * How long a wait for an event (a page's reload, a line from seckb serve,
 * search results) may take before the test fails instead of hanging.
 * Generous: a busy machine makes a test slower, never failing. Tests wait
 * for events, never for a fixed time.
 */
export const WAIT = 120_000;

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.json': 'application/json', '.xml': 'application/xml', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.txt': 'text/plain; charset=utf-8', '.woff2': 'font/woff2',
};

/** Temporary folders made here, removed when the test process exits. */
const temporary = [];
process.on('exit', () => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A new temporary folder, named `prefix…`, removed at exit. */
function temporaryFolder(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

/** Runs `seckb build` for the site at `root` into a fresh temporary folder. */
export function build({ root = repo, baseUrl, args = [] } = {}) {
  const out = temporaryFolder('seckb-browser-');
  const argv = ['--root', root, 'build', '--output', out, '--now', '2026-11-29T12:00:00Z', ...args];
  if (baseUrl) argv.push('--base-url', baseUrl);
  const r = spawnSync(bin, argv, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`seckb build failed (${r.status}):\n${r.stderr}`);
  return out;
}

/**
 * Serves a folder under `basePath` like GitHub Pages (index.html for folders,
 * 404.html for unknown paths). `site.dir` may be set after the server starts,
 * so a site can be built for the server's port. With `gzipEncoded`, `.gz`
 * files are sent as some servers send them: as they are, with
 * `Content-Encoding: gzip` (the browser decompresses them). Returns {url,
 * port, site, close}.
 */
export async function serve(dir, basePath = '/', { gzipEncoded = false } = {}) {
  const site = { dir };
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const root = site.dir;
    const send = (status, file) => {
      const headers = { 'content-type': TYPES[extname(file)] || 'application/octet-stream' };
      if (gzipEncoded && file.endsWith('.gz')) headers['content-encoding'] = 'gzip';
      res.writeHead(status, headers);
      res.end(readFileSync(file));
    };
    const notFound = () => (existsSync(join(root, '404.html')) ? send(404, join(root, '404.html')) : (res.writeHead(404), res.end()));
    let path = decodeURIComponent(url.pathname);
    if (!path.startsWith(basePath)) return notFound();
    path = normalize(path.slice(basePath.length));
    if (path.startsWith('..')) return notFound();
    let file = join(root, path);
    if (existsSync(file) && statSync(file).isDirectory()) {
      if (!url.pathname.endsWith('/')) { res.writeHead(301, { location: url.pathname + '/' }); return res.end(); }
      file = join(file, 'index.html');
    }
    if (!existsSync(file)) return notFound();
    send(200, file);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { port, site, url: `http://127.0.0.1:${port}${basePath}`, origin: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(ok)) };
}

/** A temporary copy of the site at `root` (what a build reads), to edit freely. */
export function copySite(root = repo) {
  const dir = temporaryFolder('seckb-site-');
  for (const name of ['seckb.yaml', 'content', 'templates', 'static', 'themes']) {
    if (existsSync(join(root, name))) cpSync(join(root, name), join(dir, name), { recursive: true });
  }
  return dir;
}

/**
 * Runs `seckb serve` on a free port for the site at `root` (a child process;
 * `args` are added, e.g. --drafts). Resolves once it serves and watches the
 * site's files (an edit saved before would go unseen), with
 * {url, origin, output, next, stop}: `output()` is its stderr so far,
 * `next(pattern)` resolves at the first line matching `pattern` that it
 * prints after the call.
 */
export function seckbServe({ root, args = [] }) {
  const child = spawn(bin, ['--root', root, 'serve', '--port', '0', '--now', '2026-11-29T12:00:00Z', ...args], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr.setEncoding('utf8');
  let stderr = '';
  child.stderr.on('data', (text) => { stderr += text; });
  const stop = () => new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) return ok();
    child.once('exit', ok);
    child.kill();
  });
  const next = (pattern) => {
    const from = stderr.length;
    return new Promise((ok, fail) => {
      const check = () => {
        const line = stderr.slice(from).split('\n').slice(0, -1).find((l) => pattern.test(l));
        if (line === undefined) return;
        child.stderr.off('data', check);
        ok(line);
      };
      child.stderr.on('data', check);
      child.once('exit', (code) => fail(new Error(`seckb serve exited (${code}) before printing ${pattern}:\n${stderr}`)));
    });
  };
  const watching = next(/^ {2}watching content\//);
  return new Promise((ok, fail) => {
    child.once('exit', (code) => fail(new Error(`seckb serve exited (${code}):\n${stderr}`)));
    next(/^warning: cannot watch/).then((line) => fail(new Error(line)), () => {});
    watching.then(() => {
      const url = /^Serving (http:\/\/\S+)$/m.exec(stderr)?.[1];
      if (!url) return fail(new Error(`no address from seckb serve:\n${stderr}`));
      ok({ url, origin: new URL(url).origin, output: () => stderr, next, stop });
    }, fail);
  });
}

/**
 * Saves `text` to `file` as an editor does: into a hidden temporary file
 * beside it, renamed over it. A watcher sees one change however busy the
 * machine; a plain write truncates first, and when its bytes land after the
 * watcher's quiet time that is two edits, the first of an empty file.
 */
export function save(file, text) {
  const temporary = join(dirname(file), `.${basename(file)}.tmp`);
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

/** The build id `seckb serve` wrote into a page's reload script URL. */
export function buildId(html) {
  return /__seckb\/reload\.js\?build=([^"&]+)"/.exec(html)?.[1];
}

/**
 * Resolves once the search page shows what it found (results, or none) for
 * `query` without filters: the status line names the query.
 */
export function searched(page, query) {
  return page.waitForFunction(
    (q) => document.getElementById('search-status').textContent.includes(`for “${q}”.`),
    query,
    { timeout: WAIT },
  );
}

/** Starts a server, builds the site for its address, and serves the build. */
export async function buildAndServe({ root = repo, basePath = '/', args = [], gzipEncoded = false } = {}) {
  const server = await serve(null, basePath, { gzipEncoded });
  server.site.dir = build({ root, baseUrl: server.url, args });
  return { ...server, dir: server.site.dir };
}

/**
 * Launches headless Chromium. Without a browser the test is skipped locally,
 * and fails when CI is set (CI must never pass by skipping).
 */
export async function launch(t, extraArgs = []) {
  if (!existsSync(chromiumPath)) {
    if (process.env.CI) throw new Error(`Chromium not found at ${chromiumPath}; install chromium`);
    t.skip(`Chromium not found at ${chromiumPath}`);
    return null;
  }
  return chromium.launch(launchOptions(extraArgs));
}

/** Chromium's launch options, shared by the tests and scripts/screenshots.mjs. */
export function launchOptions(extraArgs = []) {
  return {
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync', ...extraArgs],
  };
}

/**
 * Opens a page that records problems: console errors, uncaught exceptions,
 * CSP violations, dialogs and any request to an origin other than `origin`.
 */
export async function watchedPage(browser, origin, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    // A failed load is reported with its URL by the response handler below.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol !== 'data:' && u.origin !== origin) problems.push(`request to another origin: ${r.url()}`);
  });
  return { page, problems, context };
}

/**
 * Runs the theme's search.js outside a page (no document: only its engine
 * and tokenizer load) and returns what it exports as `seckbSearch`.
 * `tokenize` results are copied into this realm so deepEqual can compare them.
 */
export function loadSearchJs() {
  const code = readFileSync(join(repo, 'themes/default/static/search.js'), 'utf8');
  const context = vm.createContext({});
  vm.runInContext(code, context, { filename: 'search.js' });
  const api = context.seckbSearch;
  return { ...api, tokenize: (text) => JSON.parse(JSON.stringify(api.tokenize(text))) };
}

/**
 * Runs the theme's affected.js outside a page (no document: only its
 * versions, ranges and lock-file readers load) and returns `seckbAffected`.
 */
export function loadAffectedJs() {
  const code = readFileSync(join(repo, 'themes/default/static/affected.js'), 'utf8');
  const context = vm.createContext({ TextEncoder });
  vm.runInContext(code, context, { filename: 'affected.js' });
  return context.seckbAffected;
}

/**
 * The text a reason of affected.js's parsers ({key, args}, arguments that
 * are reasons themselves) reads as in English, from en.yaml as the page's
 * strings block carries it. Throws when en.yaml lacks the key or a
 * placeholder is left unfilled, so a test of a reason also proves the
 * reader is shown a whole sentence.
 */
export function english(reason) {
  const en = englishStrings();
  if (!(reason.key in en)) throw new Error(`en.yaml has no ${reason.key}`);
  const args = {};
  for (const [name, value] of Object.entries(reason.args || {})) {
    args[name] = value !== null && typeof value === 'object' && 'key' in value ? english(value) : value;
  }
  return en[reason.key].replace(/\{([A-Za-z0-9_]+)\}/g, (m, name) => {
    if (!(name in args)) throw new Error(`${reason.key}: no {${name}} in ${JSON.stringify(args)}`);
    return String(args[name]);
  });
}

let enStrings = null;
/** en.yaml's one-line strings (its plurals left as written): plain, or double-quoted as JSON writes them. */
export function englishStrings() {
  if (enStrings) return enStrings;
  enStrings = {};
  for (const line of readFileSync(join(repo, 'themes/default/i18n/en.yaml'), 'utf8').split('\n')) {
    const m = /^([a-z0-9_.]+): (.*)$/.exec(line);
    if (m) enStrings[m[1]] = m[2].startsWith('"') ? JSON.parse(m[2]) : m[2];
  }
  return enStrings;
}
