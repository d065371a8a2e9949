import { chromium } from 'playwright-core';
const url = process.argv[2]; const RUNS = +(process.argv[3] ?? 7);
const throttling = { latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const frames = [], forms = [], homes = [];
for (let run = 0; run < RUNS; run++) {
  for (const [path, sels, out] of [['file', ['main#main p.intro', '#description'], [frames, forms]], ['', ['main#main nav.home-actions a'], [homes]]]) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, serviceWorkers: 'block' });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, ...throttling });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const started = Date.now();
    await page.goto(url + path, { waitUntil: 'commit' });
    for (let i = 0; i < sels.length; i++) { await page.waitForSelector(sels[i], { timeout: 60000 }); out[i].push(Date.now() - started); }
    await context.close();
  }
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log('frame', med(frames), frames.join(','), '| form', med(forms), forms.join(','), '| home', med(homes), homes.join(','));
await browser.close();
