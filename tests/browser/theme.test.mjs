// The default theme in a real browser: accessible (axe-core finds no serious
// or critical violation, light and dark), responsive (no sideways scrolling
// at 360 px or 1280 px), a dashboard whose charts follow the colour scheme,
// an incident list that sorts and filters with JavaScript and still works
// without it, incident pages laid out for "how bad, am I affected, what do I
// do", and a print stylesheet that drops navigation, prints link URLs and
// turns badges grey.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAndServe, launch, repo, searched, watchedPage } from './helpers.mjs';

/** One page of every kind the theme renders. */
const PAGES = {
  home: '',
  incident: 'incidents/metricly-analytics-vendor-breach/',
  faq: 'faq/metricly-incident/',
  list: 'incidents/',
  taxonomy: 'tags/',
  term: 'tags/phishing/',
  vendors: 'vendors/',
  search: 'search/?q=metricly',
};

/** Opens `path` of PAGES; on the search page, waits until its results show. */
async function openPage(page, server, kind, path) {
  await open(page, server.url + path);
  if (kind === 'search') await searched(page, 'metricly');
}

/** Builds and serves the demo site with axe-core served from the site's own origin. */
async function demo() {
  const server = await buildAndServe();
  // Served as a same-origin file: the pages' CSP (script-src 'self') allows it.
  copyFileSync(join(repo, 'node_modules', 'axe-core', 'axe.min.js'), join(server.dir, 'axe.min.js'));
  return server;
}

async function open(page, url) {
  const response = await page.goto(url, { waitUntil: 'networkidle' });
  assert.equal(response.status(), 200, url);
}

for (const colorScheme of ['light', 'dark']) {
  test(`axe-core finds no serious or critical violation (${colorScheme})`, async (t) => {
    const browser = await launch(t);
    if (!browser) return;
    const server = await demo();
    try {
      const { page, problems } = await watchedPage(browser, server.origin, { colorScheme });
      const found = [];
      for (const [kind, path] of Object.entries(PAGES)) {
        await openPage(page, server, kind, path);
        // Closed <details> (the charts' data tables) are checked too.
        await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
        await page.addScriptTag({ url: server.url + 'axe.min.js' });
        const violations = await page.evaluate(async () => {
          const result = await window.axe.run(document, { resultTypes: ['violations'] });
          return result.violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n    ')}`);
        });
        for (const v of violations) found.push(`${kind} /${path}: ${v}`);
      }
      assert.deepEqual(found, [], `axe-core violations in ${colorScheme} mode:\n${found.join('\n')}`);
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      await server.close();
    }
  });
}

test('no page scrolls sideways at 360 px or 1280 px', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const server = await demo();
  try {
    const overflow = [];
    for (const width of [360, 1280]) {
      const { page, context } = await watchedPage(browser, server.origin, { viewport: { width, height: 800 } });
      for (const [kind, path] of Object.entries(PAGES)) {
        await openPage(page, server, kind, path);
        const { scroll, client, widest } = await page.evaluate(() => {
          const root = document.documentElement;
          // The element sticking out furthest, to say what to fix.
          let widest = '';
          let right = root.clientWidth;
          for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect().right;
            if (r > right + 0.5) {
              right = r;
              widest = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''}`;
            }
          }
          return { scroll: root.scrollWidth, client: root.clientWidth, widest };
        });
        if (scroll > client) overflow.push(`${kind} at ${width}px: scrollWidth ${scroll} > ${client} (${widest})`);
      }
      await context.close();
    }
    assert.deepEqual(overflow, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('dashboard charts follow the colour scheme and have a legend in words', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const server = await demo();
  try {
    const seen = {};
    for (const colorScheme of ['light', 'dark']) {
      const { page, context } = await watchedPage(browser, server.origin, { colorScheme });
      await open(page, server.url);
      seen[colorScheme] = await page.evaluate(() => {
        const fill = (sel) => getComputedStyle(document.querySelector(sel)).fill;
        return {
          bar: fill('.chart-months rect.chart-bar'),
          label: fill('.chart-months text.chart-value'),
          vendor: fill('.chart-vendors rect.chart-bar'),
          background: getComputedStyle(document.body).backgroundColor,
          legend: [...document.querySelectorAll('.chart-legend li')].map((li) => li.textContent.trim()),
          charts: [...document.querySelectorAll('.dashboard-charts svg[role=img]')].length,
        };
      });
      await context.close();
    }
    const { light, dark } = seen;
    assert.equal(light.charts, 2);
    assert.deepEqual(light.legend, ['Critical', 'High', 'Medium', 'Low']);
    for (const key of ['bar', 'label', 'vendor', 'background']) {
      assert.notEqual(light[key], dark[key], `${key} changes with the colour scheme`);
    }
    // Value labels are dark on the light page and light on the dark one.
    const luminance = (rgb) => rgb.match(/\d+/g).slice(0, 3).reduce((a, b) => a + Number(b), 0);
    assert.ok(luminance(light.label) < 200, light.label);
    assert.ok(luminance(dark.label) > 500, dark.label);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('the incident list sorts and filters (the whole list, from its JSON data), and works without JavaScript', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const server = await demo();
  try {
    const { page, problems } = await watchedPage(browser, server.origin);
    await open(page, server.url + 'incidents/');
    const rows = () => page.locator('#incident-table tbody tr:visible');
    const total = await rows().count();
    assert.ok(total >= 5);
    await page.selectOption('#filter-severity', 'high');
    // The rows come from the list's JSON chunks, fetched on the first choice.
    await page.waitForFunction(() => document.getElementById('filter-count').textContent !== '');
    const high = await rows().count();
    assert.ok(high > 0 && high < total, `${high} of ${total} rows are high`);
    for (const sev of await rows().evaluateAll((trs) => trs.map((tr) => tr.dataset.severity))) assert.equal(sev, 'high');
    assert.match(new URL(page.url()).search, /severity=high/);
    await page.click('button[type=reset]');
    // The list is redrawn after the browser has reset the selects (a task later).
    await page.waitForFunction((n) => [...document.querySelectorAll('#incident-table tbody tr')].filter((tr) => !tr.hidden).length === n, total);
    assert.equal(await rows().count(), total);
    await page.click('th[data-sort=severity] button');
    await page.waitForFunction(() => document.getElementById('sort-note').textContent.includes('severity'));
    const order = await rows().evaluateAll((trs) => trs.map((tr) => tr.dataset.severity));
    const rank = { critical: 4, high: 3, medium: 2, low: 1 };
    assert.deepEqual(order, [...order].sort((a, b) => rank[b] - rank[a]), 'most severe first');
    assert.equal(await page.getAttribute('th[data-sort=severity]', 'aria-sort'), 'descending');
    assert.deepEqual(problems, []);

    const noJs = await browser.newContext({ javaScriptEnabled: false });
    const plain = await noJs.newPage();
    await open(plain, server.url + 'incidents/');
    assert.equal(await plain.locator('#incident-table tbody tr:visible').count(), total, 'every incident listed');
    assert.equal(await plain.locator('#incident-filters').isVisible(), false, 'no dead filter form');
    // Without JavaScript, severity and status filters are links to term pages.
    await plain.click('.filter-links a[href$="severity/high/"]');
    assert.match(plain.url(), /severity\/high\/$/);
    assert.ok(await plain.locator('main .summary, main tr').count() > 0);
    await noJs.close();
  } finally {
    await browser.close();
    await server.close();
  }
});

test('incident page: badges first, the affected/actions box, a vertical timeline, references and related last', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const server = await demo();
  try {
    for (const width of [360, 1280]) {
      const { page, context } = await watchedPage(browser, server.origin, { viewport: { width, height: 800 } });
      await open(page, server.url + PAGES.incident);
      const layout = await page.evaluate(() => {
        const top = (sel) => {
          const el = document.querySelector(sel);
          return el ? el.getBoundingClientRect().top + window.scrollY : null;
        };
        const items = [...document.querySelectorAll('.timeline > li')].map((li) => li.getBoundingClientRect());
        return {
          badges: [...document.querySelectorAll('.doc-header .badges .badge')].map((b) => b.textContent.trim()),
          order: ['.doc-header .badges', '.callout', '.doc-body', '.timeline', '#sk-references', '#sk-related'].map(top),
          questions: [...document.querySelectorAll('.callout h2')].map((h) => h.textContent.trim()),
          affected: document.querySelectorAll('.callout .affected-list li').length,
          actions: document.querySelectorAll('.callout .checklist li').length,
          timelineTops: items.map((r) => r.top),
          timelineLefts: items.map((r) => Math.round(r.left)),
        };
      });
      assert.deepEqual(layout.badges.map((b) => b.replace(/^(Severity|Status): /, '')), ['Medium', 'Monitoring', 'TLP:CLEAR']);
      assert.ok(layout.order.every((y) => y !== null), `every part is there: ${layout.order}`);
      assert.deepEqual(layout.order, [...layout.order].sort((a, b) => a - b), `in reading order at ${width}px`);
      assert.deepEqual(layout.questions, ['Am I affected?', 'What should I do?']);
      assert.ok(layout.affected >= 1 && layout.actions >= 3);
      assert.ok(layout.timelineTops.length >= 5);
      for (let i = 1; i < layout.timelineTops.length; i++) assert.ok(layout.timelineTops[i] > layout.timelineTops[i - 1], 'one event under the other');
      assert.equal(new Set(layout.timelineLefts).size, 1, 'events share one vertical line');
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
});

test('keyboard: the skip link appears first and jumps to the content; focus is visible', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const server = await demo();
  try {
    for (const colorScheme of ['light', 'dark']) {
      const { page, context } = await watchedPage(browser, server.origin, { colorScheme });
      await open(page, server.url);
      await page.keyboard.press('Tab');
      const skip = await page.evaluate(() => {
        const el = document.activeElement;
        const r = el.getBoundingClientRect();
        return { text: el.textContent.trim(), visible: r.top >= 0 && r.bottom <= innerHeight && r.width > 0, href: el.getAttribute('href') };
      });
      assert.deepEqual(skip, { text: 'Skip to content', visible: true, href: '#main' });
      await page.keyboard.press('Enter');
      await page.keyboard.press('Tab');
      const next = await page.evaluate(() => {
        const el = document.activeElement;
        const s = getComputedStyle(el);
        return { inMain: Boolean(el.closest('main')), outline: s.outlineStyle, width: parseFloat(s.outlineWidth) };
      });
      assert.ok(next.inMain, 'after the skip link, Tab continues inside <main>');
      assert.equal(next.outline, 'solid', `focus ring (${colorScheme})`);
      assert.ok(next.width >= 2);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
});

test('print: no navigation, link URLs printed, badges grey', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const server = await demo();
  try {
    const { page } = await watchedPage(browser, server.origin, { colorScheme: 'dark' });
    await open(page, server.url + PAGES.incident);
    await page.emulateMedia({ media: 'print' });
    const printed = await page.evaluate(() => {
      const style = (sel, pseudo) => {
        const el = document.querySelector(sel);
        return el ? getComputedStyle(el, pseudo) : null;
      };
      const link = document.querySelector('main a.external[href^="http"]');
      return {
        header: style('.site-header').display,
        footer: style('.site-footer').display,
        breadcrumb: style('.breadcrumb').display,
        href: link.getAttribute('href'),
        after: getComputedStyle(link, '::after').content,
        badges: [...document.querySelectorAll('.doc-header .badge')].map((b) => {
          const s = getComputedStyle(b);
          return [s.color, s.backgroundColor];
        }),
        body: getComputedStyle(document.body).backgroundColor,
      };
    });
    assert.equal(printed.header, 'none');
    assert.equal(printed.footer, 'none');
    assert.equal(printed.breadcrumb, 'none');
    assert.ok(printed.after.includes(printed.href), `link URL printed: ${printed.after}`);
    assert.equal(printed.body, 'rgb(255, 255, 255)', 'white paper even in dark mode');
    assert.ok(printed.badges.length >= 3);
    for (const [color, background] of printed.badges) {
      assert.equal(color, 'rgb(0, 0, 0)');
      assert.equal(background, 'rgb(238, 238, 238)');
    }
  } finally {
    await browser.close();
    await server.close();
  }
});
