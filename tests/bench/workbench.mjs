// Time until the workbench's queue is on screen and can be used, for a signed-in unit holding
// thousands of open complaints, on `cargo xtask bench-app`'s throttled profile (150 ms RTT,
// 1.6 Mbit/s, 4x slower CPU), median of 5: cold (nothing cached) and warm (the app's files in the
// browser's cache, as at a desk that opens it every morning; the queue itself is always fetched).
// Prints figures; judges nothing.
import { chromium } from 'playwright-core';

const [baseUrl, username, password] = process.argv.slice(2);
const RUNS = 5;
const throttling = { latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };
// A row's link is rendered once the queue has arrived and been laid out.
const READY = '.wb-row .wb-row-link';

async function signedInContext(browser, viewport) {
  const context = await browser.newContext({ viewport, isMobile: viewport.width < 1024 });
  const answer = await context.request.post(`${baseUrl}api/v1/staff/sessions`, {
    data: { username, password, use_cookie: true },
  });
  if (!answer.ok()) throw new Error(`sign-in as ${username} failed: ${answer.status()}`);
  return context;
}

async function timeToQueue(page, cold) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: cold });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, ...throttling });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const started = Date.now();
  await page.goto(`${baseUrl}staff/`, { waitUntil: 'commit' });
  await page.waitForSelector(READY, { timeout: 60_000 });
  const elapsed = Date.now() - started;
  const rows = await page.locator('.wb-row').count();
  await cdp.detach();
  return { elapsed, rows };
}

async function measure(browser, viewport, cold) {
  const times = [];
  let rows = 0;
  for (let run = 0; run < RUNS; run++) {
    const context = await signedInContext(browser, viewport);
    const page = await context.newPage();
    if (!cold) {
      // Fill the cache at full speed first.
      await page.goto(`${baseUrl}staff/`);
      await page.waitForSelector(READY, { timeout: 60_000 });
    }
    const result = await timeToQueue(page, cold);
    times.push(result.elapsed);
    rows = result.rows;
    await context.close();
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], all: times, rows };
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const queue = await (await (await signedInContext(browser, { width: 1280, height: 800 })).request.get(`${baseUrl}api/v1/staff/queue`)).json();
console.log(`workbench queue of ${username}: ${queue.total} open complaints, first page of ${queue.items.length}`);
console.log(`time to a usable queue, 150 ms RTT, 1.6 Mbit/s, 4x CPU, median of ${RUNS} (budget 1.5 s):`);
for (const [label, viewport] of [['desk 1280x800', { width: 1280, height: 800 }], ['phone 360x740', { width: 360, height: 740 }]]) {
  for (const cold of [true, false]) {
    const result = await measure(browser, viewport, cold);
    console.log(`  ${label}, ${cold ? 'cold' : 'warm'}: ${result.median} ms  (${result.all.join(', ')}), ${result.rows} rows shown`);
  }
}
await browser.close();
