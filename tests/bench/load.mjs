// Cold-load figures for `cargo xtask bench-app`: bytes of the first route, raw and brotli, and the
// time until the page is interactive in Chromium with a slow network and a slow CPU, median of 5,
// for the app and for a trivial Leptos page (the floor). Prints figures; judges nothing.
import { chromium } from 'playwright-core';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

const [appUrl, appDist, floorUrl, floorDist] = process.argv.slice(2);
const RUNS = 5;
const throttling = { latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };

function firstRouteBytes(dist) {
  let raw = 0;
  let brotli = 0;
  for (const name of readdirSync(dist)) {
    if (!/\.(html|js|wasm|css|json)$/.test(name)) continue;
    const bytes = readFileSync(join(dist, name));
    raw += bytes.length;
    brotli += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { raw, brotli };
}

async function coldLoad(browser, url, ready) {
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, ...throttling });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const started = Date.now();
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForSelector(ready, { timeout: 60_000 });
    times.push(Date.now() - started);
    await context.close();
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], all: times };
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const appBytes = firstRouteBytes(appDist);
const floorBytes = firstRouteBytes(floorDist);
// The home screen is interactive once the app has replaced the static shell with its own page.
const app = await coldLoad(browser, appUrl, 'main#main nav.home-actions a');
const floor = await coldLoad(browser, floorUrl, '#ready');
await browser.close();

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(`first route (HTML + JS + wasm + CSS + config): ${kb(appBytes.raw)} raw, ${kb(appBytes.brotli)} brotli (budget 150 KB)`);
console.log(`floor (trivial Leptos page):                     ${kb(floorBytes.raw)} raw, ${kb(floorBytes.brotli)} brotli`);
console.log(`cold load to interactive, 150 ms RTT, 1.6 Mbit/s, 4x CPU, median of ${RUNS}:`);
console.log(`  app   ${app.median} ms  (${app.all.join(', ')})`);
console.log(`  floor ${floor.median} ms  (${floor.all.join(', ')})`);
console.log(`  ratio ${(app.median / floor.median).toFixed(2)} (budget 1.8)`);
