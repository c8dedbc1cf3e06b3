// The README's screenshots are current: scripts/screenshots.mjs regenerates
// them into a temporary folder, and each must equal the committed PNG byte
// for byte (Chromium encodes identical pixels identically). If the bytes
// differ, the decoded pixels are compared too, so a different PNG encoder
// alone does not fail the test; any changed pixel does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from './helpers.mjs';
import { CHROMIUM_ARGS, capture, files, screenshotDir } from '../../scripts/screenshots.mjs';

const FIX = 'regenerate them with `cargo build && node scripts/screenshots.mjs` and commit docs/screenshots/';

/** Decodes two PNGs in the browser and counts the pixels that differ. */
async function pixelDifference(page, a, b) {
  return page.evaluate(async ([a, b]) => {
    const decode = async (base64) => {
      const image = new Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(image, 0, 0);
      return ctx.getImageData(0, 0, canvas.width, canvas.height);
    };
    const [x, y] = [await decode(a), await decode(b)];
    if (x.width !== y.width || x.height !== y.height) return { size: `${x.width}×${x.height} vs ${y.width}×${y.height}` };
    let changed = 0;
    for (let i = 0; i < x.data.length; i += 4) {
      if (x.data[i] !== y.data[i] || x.data[i + 1] !== y.data[i + 1] || x.data[i + 2] !== y.data[i + 2] || x.data[i + 3] !== y.data[i + 3]) changed++;
    }
    return { changed, total: x.width * x.height };
  }, [a.toString('base64'), b.toString('base64')]);
}

test('README screenshots match what scripts/screenshots.mjs makes now', async (t) => {
  const browser = await launch(t, CHROMIUM_ARGS);
  if (!browser) return;
  try {
    const out = mkdtempSync(join(tmpdir(), 'seckb-screenshots-'));
    const written = await capture(browser, out);
    assert.deepEqual(written, files());
    const page = await browser.newPage();
    const stale = [];
    for (const file of written) {
      const committed = join(screenshotDir, file);
      if (!existsSync(committed)) {
        stale.push(`${file}: missing from docs/screenshots/`);
        continue;
      }
      const [fresh, old] = [readFileSync(join(out, file)), readFileSync(committed)];
      if (fresh.equals(old)) continue;
      const diff = await pixelDifference(page, fresh, old);
      if (diff.size) stale.push(`${file}: size changed (${diff.size})`);
      else if (diff.changed > 0) stale.push(`${file}: ${diff.changed} of ${diff.total} pixels changed`);
    }
    assert.deepEqual(stale, [], `The README screenshots are out of date; ${FIX}.\n${stale.join('\n')}\n(fresh ones are in ${out})`);
    rmSync(out, { recursive: true, force: true });
    // The README shows every one of them.
    const readme = readFileSync(join(screenshotDir, '..', '..', 'README.md'), 'utf8');
    for (const file of written) assert.ok(readme.includes(`docs/screenshots/${file}`), `README shows ${file}`);
  } finally {
    await browser.close();
  }
});
