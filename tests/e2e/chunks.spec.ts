import { test, expect } from '@playwright/test';
import { fileReceipt, screenshot } from './fixtures';

// Without the fixture: a chunk that fails is logged by the chunk loader as a console error, which
// is what these tests cause. An uncaught error (a panic: the app dead) still fails them.

/** Each page that is a chunk of its own (src/lazy.rs), the split it waits for, and what shows
 *  once it is there. */
const LAZY_ROUTES: { path: (number: string) => string; split: string; ready: string }[] = [
  { path: () => '/file', split: 'file', ready: '#description' },
  { path: (n) => `/complaints/${n}`, split: 'progress', ready: '.complaint-card' },
  { path: (n) => `/receipt/${n}`, split: 'receipt', ready: '[data-testid="tracking-number"]' },
  { path: () => '/mine', split: 'mine', ready: '.complaint-list' },
  { path: () => '/scorecards', split: 'scorecards', ready: '.roll-best' },
  { path: () => '/scorecards/companies/1', split: 'scorecards', ready: '.score-verdict' },
];

for (const route of LAZY_ROUTES) {
  test(`a page whose chunk fails once (${route.path('…')}) says so, offers a retry, and then opens`, async ({ page, request }) => {
    const crashes: string[] = [];
    page.on('pageerror', (error) => crashes.push(error.message));
    const receipt = await fileReceipt(request, '单元门禁坏了，刷卡没反应');
    // The device holds the complaint's pass before the page's first script runs: no earlier
    // visit to the home screen, which would have fetched every chunk already.
    await page.addInitScript(
      ([number, token]) => localStorage.setItem('mashang.complaints', JSON.stringify({ [number]: token })),
      [receipt.tracking_number, receipt.access_token],
    );
    // A fresh context has a cold cache; the first fetch of the page's chunk fails, as on a
    // train going into a tunnel.
    let failures = 0;
    await page.route(new RegExp(`/bundle_${route.split}-[0-9a-f]+\\.bin$`), (request) =>
      failures++ === 0 ? request.abort('internetdisconnected') : request.continue(),
    );
    await page.goto(route.path(receipt.tracking_number));
    const failed = page.getByRole('alert').filter({ hasText: '这一页没能打开' });
    await expect(failed).toBeVisible();
    await expect(page.getByRole('link', { name: /返回/ })).toBeVisible();
    if (route.split === 'file') await screenshot(page, 'chunk-failed-zh');
    await failed.getByRole('button', { name: '重试' }).click();
    await expect(page.locator(route.ready).first()).toBeVisible();
    // Fetched again by the retry, or by the prefetch that follows the first screen.
    expect(failures).toBeGreaterThanOrEqual(2);
    expect(crashes).toEqual([]);
  });
}

// Without service workers the page prefetches the chunks itself. With a worker, the worker keeps
// them (offline.spec.ts opens pages offline that were never visited online).
test('without a service worker, the other pages are fetched once the home screen is up, so a tap does not wait', async ({ page }) => {
  // As in a browser or webview with no service workers (or a page served over plain http).
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'serviceWorker', { get: () => undefined }));
  const chunks: string[] = [];
  page.on('request', (request) => {
    if (/\/bundle_\w+-[0-9a-f]+\.bin$/.test(request.url())) chunks.push(request.url());
  });
  await page.goto('/');
  await expect(page.locator('nav.home-actions')).toBeVisible();
  const modules = (await page.locator('meta[name=mashang-chunks]').getAttribute('content'))!.split(' ').filter((name) => name.includes('/bundle_'));
  // Every page's module among them, and the English texts'.
  for (const route of LAZY_ROUTES) expect(modules.some((name) => name.includes(`/bundle_${route.split}-`))).toBe(true);
  expect(modules.some((name) => name.includes('/bundle_english-'))).toBe(true);
  // Every module's chunk, before any tap.
  await expect.poll(() => new Set(chunks).size).toBe(modules.length);
  await page.getByRole('link', { name: /我要投诉/ }).click();
  await expect(page.locator('#description')).toBeVisible();
});

// A page that always opens under the same title keeps the frame painted before its chunk: the
// title and opening line are the same elements before and after, so nothing is drawn twice (and
// the browser's largest paint is the early one).
for (const { path, title, intro } of [
  { path: '/file', title: '我要投诉', intro: '请说清楚在哪个小区' },
  { path: '/mine', title: '我的投诉', intro: '在这台设备上提交的投诉' },
  { path: '/scorecards', title: '物业服务评价', intro: '根据居民投诉的办理情况' },
]) {
  test(`the frame of ${path} painted before its chunk stays when the page arrives`, async ({ page }) => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/bundle_\w+-[0-9a-f]+\.bin$/, async (request) => {
      await held;
      await request.continue();
    });
    await page.goto(path);
    const heading = page.locator('h1.app-title');
    await expect(heading).toContainText(title);
    await expect(page.locator('p.intro')).toContainText(intro);
    await expect(page.locator('.loading')).toBeVisible();
    await heading.evaluate((element) => ((window as unknown as { painted: Element }).painted = element));
    await page.locator('p.intro').evaluate((element) => ((window as unknown as { intro: Element }).intro = element));
    release();
    await expect(page.locator('.loading')).toHaveCount(0);
    expect(await page.evaluate(() => {
      const seen = window as unknown as { painted: Element; intro: Element };
      return [seen.painted.isConnected, seen.intro.isConnected, document.querySelectorAll('h1').length];
    })).toEqual([true, true, 1]);
  });
}
