// Load figures for `cargo xtask bench-app`: the brotli bytes each route needs (tests/bench/
// routes.mjs), and the time until the home screen is interactive in Chromium with a slow network
// and a slow CPU, median of 5: cold, and again on a repeat visit served by the service worker;
// for the app and for a trivial Leptos page (the floor); and a deep link to the form, cold.
// Prints figures with the README's budgets; judges nothing.
import { chromium } from 'playwright-core';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { routeBytes } from './routes.mjs';

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

async function throttled(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, ...throttling });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  return cdp;
}

/** Milliseconds from navigating to `url` until each of `readies` shows, in order. */
async function timesTo(page, url, readies) {
  const started = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  const times = [];
  for (const ready of readies) {
    await page.waitForSelector(ready, { timeout: 60_000 });
    times.push(Date.now() - started);
  }
  return times;
}

const timeTo = async (page, url, ready) => (await timesTo(page, url, [ready]))[0];

const median = (times) => {
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], all: times };
};

/** The median time until each of `readies` shows on a first visit, one median per selector. */
async function coldLoads(browser, url, readies) {
  const runs = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true });
    const page = await context.newPage();
    const cdp = await throttled(context, page);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    runs.push(await timesTo(page, url, readies));
    await context.close();
  }
  return readies.map((_, index) => median(runs.map((times) => times[index])));
}

const coldLoad = async (browser, url, ready) => (await coldLoads(browser, url, [ready]))[0];

/** The second visit of a resident who opened the app once: its files come from the service
 *  worker, only config.json and the API from the (throttled) network. */
async function repeatLoad(browser, url, ready) {
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector(ready);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await throttled(context, page);
    times.push(await timeTo(page, url, ready));
    await context.close();
  }
  return median(times);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const routes = routeBytes(appDist);
const floorBytes = firstRouteBytes(floorDist);
// The home screen is interactive once the app has replaced the static shell with its own page.
const HOME_READY = 'main#main nav.home-actions a';
const app = await coldLoad(browser, appUrl, HOME_READY);
const repeat = await repeatLoad(browser, appUrl, HOME_READY);
// A deep link to the form (a bookmark, the host app's button): its frame (title and opening line)
// paints with the main module, the form once its bundle is there.
const [formFrame, formReady] = await coldLoads(browser, new URL('file', appUrl).href, ['main#main p.intro', '#description']);
const floor = await coldLoad(browser, floorUrl, '#ready');
await browser.close();

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const BUDGETS = { 'home /': 175 * 1024, 'file /file': 268 * 1024 };
console.log('brotli bytes before each route is interactive (main module + its chunks):');
for (const [route, bytes] of Object.entries(routes.routes)) {
  const budget = BUDGETS[route] ? `  (budget ${kb(BUDGETS[route])})` : '';
  console.log(`  ${route.padEnd(28)} ${kb(bytes)}${budget}`);
}
console.log(`  ${'every file of the build'.padEnd(28)} ${kb(routes.everything)}`);
console.log(`floor (trivial Leptos page): ${kb(floorBytes.raw)} raw, ${kb(floorBytes.brotli)} brotli`);
console.log(`home to interactive, 150 ms RTT, 1.6 Mbit/s, 4x CPU, median of ${RUNS}:`);
console.log(`  app, cold           ${app.median} ms  (${app.all.join(', ')})`);
console.log(`  app, repeat visit   ${repeat.median} ms  (${repeat.all.join(', ')})  served by the service worker`);
console.log(`  floor, cold         ${floor.median} ms  (${floor.all.join(', ')})`);
console.log(`  cold ratio   ${(app.median / floor.median).toFixed(2)} (budget 2.6)`);
console.log(`  repeat ratio ${(repeat.median / floor.median).toFixed(2)} (budget 1.2)`);
console.log(`the form from a deep link, cold, same conditions:`);
console.log(`  frame painted       ${formFrame.median} ms  (${formFrame.all.join(', ')})`);
console.log(`  form usable         ${formReady.median} ms  (${formReady.all.join(', ')})`);
