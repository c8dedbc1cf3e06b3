// Regenerates the README's screenshots (docs/screenshots/*.png): builds the
// demo site with a fixed clock, serves it, and captures the home page, an
// incident page and the search page in light and dark mode with headless
// Chromium. Everything that could vary is pinned (viewport, scale, clock,
// colour scheme, reduced motion, no caret, no animations, a fresh browser
// context per shot so no link shows as visited); fonts are the system's.
//
//   cargo build && node scripts/screenshots.mjs [OUTPUT_DIR]
//
// tests/browser/screenshots.test.mjs regenerates them into a temporary folder
// and fails when they differ from the committed ones.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildAndServe, chromiumPath, launchOptions, repo, searched } from '../tests/browser/helpers.mjs';

export const screenshotDir = join(repo, 'docs', 'screenshots');

/** What is captured: name → path under the site, whole page or the first screen, the search to wait for. */
export const SHOTS = [
  { name: 'home', path: '', fullPage: true },
  { name: 'incident', path: 'incidents/metricly-analytics-vendor-breach/' },
  { name: 'search', path: 'search/?q=metricly', query: 'metricly' },
];
export const SCHEMES = ['light', 'dark'];
const VIEWPORT = { width: 1280, height: 960 };
/** Extra Chromium flags for stable pixels: pass them to `launch` too. */
export const CHROMIUM_ARGS = ['--hide-scrollbars', '--font-render-hinting=none', '--force-color-profile=srgb'];

/** The file names `capture` writes: home-light.png, home-dark.png, … */
export const files = () => SHOTS.flatMap((s) => SCHEMES.map((c) => `${s.name}-${c}.png`));

/**
 * Captures every screenshot into `outDir` with `browser` (launched by the
 * caller) and returns the file names written.
 */
export async function capture(browser, outDir) {
  mkdirSync(outDir, { recursive: true });
  const server = await buildAndServe();
  const written = [];
  try {
    for (const shot of SHOTS) {
      for (const colorScheme of SCHEMES) {
        const context = await browser.newContext({
          viewport: VIEWPORT, deviceScaleFactor: 1, colorScheme, reducedMotion: 'reduce',
          locale: 'en-GB', timezoneId: 'UTC',
        });
        try {
          const page = await context.newPage();
          await page.goto(server.url + shot.path, { waitUntil: 'networkidle' });
          // The search page fills in from its index, the first result
          // before the others: wait until its status line says it is done.
          if (shot.query) await searched(page, shot.query);
          await page.evaluate(() => document.fonts.ready);
          // Nothing focused: no focus ring, whatever a script focuses on load.
          await page.evaluate(() => document.activeElement && document.activeElement.blur());
          const file = `${shot.name}-${colorScheme}.png`;
          await page.screenshot({ path: join(outDir, file), fullPage: Boolean(shot.fullPage), animations: 'disabled', caret: 'hide', scale: 'css' });
          written.push(file);
        } finally {
          await context.close();
        }
      }
    }
  } finally {
    await server.close();
  }
  return written;
}

async function main() {
  const outDir = resolve(process.argv[2] || screenshotDir);
  const cargo = spawnSync('cargo', ['build', '--quiet'], { cwd: repo, stdio: 'inherit' });
  if (cargo.status !== 0) throw new Error('cargo build failed');
  if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath} (set CHROMIUM)`);
  const browser = await chromium.launch(launchOptions(CHROMIUM_ARGS));
  try {
    for (const file of await capture(browser, outDir)) console.log(join(outDir, file));
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
