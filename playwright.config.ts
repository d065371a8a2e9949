import { defineConfig } from '@playwright/test';

// Started by `cargo xtask test`, which builds the app, starts the real server on a free loopback
// port with a fresh database and passes its address in BASE_URL.
const baseURL = process.env.BASE_URL;
if (!baseURL) {
  throw new Error('BASE_URL is not set: run the browser tests with `cargo xtask test`.');
}

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'target/e2e/results',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list'], ['json']],
  use: {
    baseURL,
    // A mid-range phone.
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    screenshot: 'only-on-failure',
    // The service worker serves a kept build to every later page of a context, which would hide
    // requests from the tests that fail them on purpose; offline.spec.ts allows it and tests it.
    serviceWorkers: 'block',
    launchOptions: {
      // Debian's Chromium: Playwright's own browser download cannot work here.
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
