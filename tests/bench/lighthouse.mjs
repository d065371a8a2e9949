// Lighthouse 12 (fetched by npx from the npm registry on demand, so CI does not install it) on
// the app's main pages, mobile form factor, with Debian's Chromium. Prints scores; judges nothing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = process.argv[2];
const pages = [
  ['home', '/'],
  ['file', '/file'],
  ['track', '/track'],
];
const flags = '--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run';
const scratch = mkdtempSync(join(tmpdir(), 'mashang-lighthouse-'));
console.log('Lighthouse 12, mobile (budgets: performance ≥ 95, accessibility 100):');
for (const [name, path] of pages) {
  const report = join(scratch, `${name}.json`);
  const run = () =>
    execFileSync(
      'npx',
      ['--yes', 'lighthouse@12.8.2', `${base}${path}`, '--quiet', `--chrome-flags=${flags}`,
        '--only-categories=performance,accessibility', '--output=json', `--output-path=${report}`],
      { env: { ...process.env, CHROME_PATH: '/usr/bin/chromium' }, stdio: ['ignore', 'ignore', 'inherit'] },
    );
  // Lighthouse sometimes loses its connection to a freshly started Chromium; one more try.
  try {
    run();
  } catch {
    run();
  }
  const result = JSON.parse(readFileSync(report, 'utf8'));
  const score = (category) => Math.round(result.categories[category].score * 100);
  const metric = (audit) => result.audits[audit].displayValue;
  console.log(`  ${name.padEnd(6)} performance ${score('performance')}, accessibility ${score('accessibility')}` +
    `  (FCP ${metric('first-contentful-paint')}, LCP ${metric('largest-contentful-paint')}, TBT ${metric('total-blocking-time')})`);
}
