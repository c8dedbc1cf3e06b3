// Bytes downloaded and time to first results, seckb's search page against
// Pagefind, in headless Chromium (benches/search/run.sh calls this).
//
//   node benches/search/browser.mjs OUT "one-word query" "three word query" ...
//
// OUT is a seckb build with a Pagefind index in OUT/pagefind/. It is served the
// way GitHub Pages serves a site (gzip for text, HTTP/1.1 on loopback). For each
// engine and query, a fresh browser context (empty cache) opens the engine's
// page, waits until it is idle (seckb has read its manifest, Pagefind has run
// init()), then puts the whole query into the field at once and measures:
//   - bytes: every request of the search machinery (of the page and its
//     workers) from opening the page until the first result shows, until ten
//     show (and how much of that the documents' files took: seckb
//     search/docs/*, Pagefind pagefind/fragment/*), and with what the page
//     loads after them (seckb: search.js and search/*; Pagefind:
//     pagefind/*), as transferred (compressed body and headers);
//   - time: from the input event to the first result in the DOM, and to ten
//     (medians of RUNS).
// Both show ten results with title and excerpt. Pagefind runs on a plain page
// (no CSP: its WebAssembly needs 'wasm-unsafe-eval').
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const [out, ...queries] = process.argv.slice(2);
const RUNS = Number(process.env.RUNS || 5);
if (!out || queries.length === 0) {
  console.error('usage: node benches/search/browser.mjs OUT QUERY...');
  process.exit(2);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.xml': 'application/xml', '.wasm': 'application/wasm',
  // seckb's compressed documents and term shards: sent as stored, not compressed again (as GitHub Pages does).
  '.gz': 'application/gzip',
};
const COMPRESS = new Set(['.html', '.css', '.js', '.json', '.svg', '.xml']);

// The Pagefind page: its documented JS API, ten results with excerpts.
mkdirSync(join(out, 'pagefind-bench'), { recursive: true });
writeFileSync(join(out, 'pagefind-bench/index.html'), `<!doctype html><meta charset="utf-8"><title>Pagefind</title>
<input id="search-input" type="search"><ol id="search-results"></ol><script type="module" src="bench.js"></script>`);
writeFileSync(join(out, 'pagefind-bench/bench.js'), `
const pagefind = await import('/pagefind/pagefind.js');
await pagefind.init();
const input = document.getElementById('search-input');
const list = document.getElementById('search-results');
let sequence = 0;
input.addEventListener('input', async () => {
  const mine = ++sequence;
  const search = await pagefind.search(input.value);
  const data = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
  if (mine !== sequence) return;
  list.replaceChildren(...data.map((d) => {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = d.url;
    a.textContent = d.meta.title;
    const p = document.createElement('p');
    p.innerHTML = d.excerpt;
    li.append(a, p);
    return li;
  }));
});
window.benchReady = true;
`);

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  let file = join(out, normalize(decodeURIComponent(url.pathname)));
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file)) {
    res.writeHead(404);
    return res.end();
  }
  let body = readFileSync(file);
  const headers = { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'cache-control': 'max-age=600' };
  if (COMPRESS.has(extname(file)) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
    body = gzipSync(body);
    headers['content-encoding'] = 'gzip';
  }
  res.writeHead(200, headers);
  res.end(body);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update'],
});

const ENGINES = {
  seckb: {
    page: '/search/',
    ready: () => window.seckbSearch !== undefined && performance.getEntriesByType('resource').some((r) => r.name.includes('/search/manifest.json')),
    counts: (path) => path === '/search.js' || (path.startsWith('/search/') && path !== '/search/'),
    // The files that hold what the results show (title, excerpt).
    documents: (path) => path.startsWith('/search/docs/'),
  },
  pagefind: {
    page: '/pagefind-bench/',
    ready: () => window.benchReady === true,
    counts: (path) => path.startsWith('/pagefind/'),
    documents: (path) => path.startsWith('/pagefind/fragment/'),
  },
};

async function measure(engine, query) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Playwright sees the requests of the page and of its workers (Pagefind
  // searches in a Web Worker), with the bytes each took on the wire.
  const finished = [];
  context.on('requestfinished', async (request) => {
    const at = Date.now();
    const sizes = await request.sizes();
    finished.push({ path: new URL(request.url()).pathname, at, bytes: sizes.responseBodySize + sizes.responseHeadersSize });
  });
  let shownAt = 0;
  let tenAt = 0;
  await page.exposeFunction('benchShown', (count) => {
    if (count === 1) shownAt = Date.now();
    else tenAt = Date.now();
  });
  await page.goto(origin + ENGINES[engine].page);
  await page.waitForFunction(ENGINES[engine].ready);
  await page.waitForLoadState('networkidle');
  const [ms, tenMs] = await page.evaluate(async (q) => {
    const input = document.getElementById('search-input');
    const list = document.getElementById('search-results');
    list.replaceChildren();
    let first = 0;
    const shown = new Promise((resolve) => {
      new MutationObserver((_, observer) => {
        const count = list.querySelectorAll(':scope > li').length;
        if (count > 0 && !first) {
          first = performance.now();
          window.benchShown(1);
        }
        if (count >= 10) {
          observer.disconnect();
          window.benchShown(10);
          resolve(performance.now());
        }
      }).observe(list, { childList: true });
    });
    const start = performance.now();
    input.value = q;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const ten = await shown;
    return [first - start, ten - start];
  }, query);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
  const shown = await page.$$eval('#search-results > li', (l) => l.length);
  await context.close();
  if (errors.length) throw new Error(`${engine}: ${errors.join('; ')}`);
  const mine = finished.filter((f) => ENGINES[engine].counts(f.path));
  const sum = (list) => list.reduce((s, f) => s + f.bytes, 0);
  const first = mine.filter((f) => f.at <= shownAt);
  const ten = mine.filter((f) => f.at <= tenAt);
  if (process.env.DETAIL) console.log(mine.map((f) => `  ${f.at <= shownAt ? '*' : ' '} ${f.path} ${f.bytes}`).join('\n'));
  return {
    ms, tenMs, shown,
    bytes: sum(first), requests: first.length,
    tenBytes: sum(ten), tenRequests: ten.length,
    docBytes: sum(ten.filter((f) => ENGINES[engine].documents(f.path))),
    docRequests: ten.filter((f) => ENGINES[engine].documents(f.path)).length,
    allBytes: sum(mine), allRequests: mine.length,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  for (const query of queries) {
    for (const engine of Object.keys(ENGINES)) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measure(engine, query));
      const r = runs[0];
      const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
      console.log(
        `${engine.padEnd(8)} "${query}": first result ${median(runs.map((x) => x.ms)).toFixed(0)} ms (${kib(r.bytes)}, ${r.requests} requests); ` +
          `ten results ${median(runs.map((x) => x.tenMs)).toFixed(0)} ms (${kib(r.tenBytes)}, ${r.tenRequests} requests, ` +
          `of which documents ${kib(r.docBytes)} in ${r.docRequests}); ` +
          `everything, with what loads after (seckb: the tag facet): ${kib(r.allBytes)}, ${r.allRequests} requests. ` +
          `Times: medians of ${RUNS} (first: ${runs.map((x) => x.ms.toFixed(0)).join(' ')})`,
      );
    }
  }
} finally {
  await browser.close();
  server.close();
}
