import { test, expect, expectAccessible, screenshot, openApp, fileReceipt, keepOnDevice, complaintsFiledWith, fillComplaint, sendComplaint } from './fixtures';

// What this file tests is the service worker (public/sw.js); the other tests block it.
test.use({ serviceWorkers: 'allow' });

test('opened once, the app starts with no network: home, draft and last-known complaints; back online the outbox sends once', async ({ page, context, request }) => {
  // A number of its own on every run, so that counting its complaints counts this test's.
  const phone = `1370${String(Date.now()).slice(-7)}`;
  const receipt = await fileReceipt(request, '离线之前提交的投诉：电梯有异响', phone);
  const grouped = `${receipt.tracking_number.slice(0, 6)} ${receipt.tracking_number.slice(6, 10)} ${receipt.tracking_number.slice(10)}`;
  await keepOnDevice(page, receipt.tracking_number, receipt.access_token);
  await openApp(page, '/mine');
  await expect(page.locator('.complaint-row')).toContainText(grouped);
  // The worker takes over once the app has fetched its chunks, and keeps the whole build.
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(scope).toBe(new URL('/', page.url()).href);
  await openApp(page, '/file');
  await fillComplaint(page, '离线时写的投诉：楼道灯坏了', phone);

  await context.setOffline(true);
  expect(await page.evaluate(() => fetch('api/v1/health').then(() => 'online', () => 'offline'))).toBe('offline');
  await page.reload();
  await expect(page.locator('#app-shell')).toHaveCount(0);
  await expect(page.getByLabel('问题描述')).toHaveValue('离线时写的投诉：楼道灯坏了');
  await expect(page.getByText('网络断开了')).toBeVisible();
  await page.getByRole('link', { name: /返回/ }).first().click();
  await expect(page.getByRole('link', { name: /继续填写/ })).toBeVisible();
  await screenshot(page, 'home-offline-zh');
  await page.getByRole('link', { name: /我的投诉/ }).click();
  await expect(page.getByText(/暂时连不上服务器。下面是 .+ 时的办理状态/)).toBeVisible();
  await expect(page.locator('.complaint-row')).toContainText(grouped);
  await screenshot(page, 'mine-offline-zh');
  await expectAccessible(page);

  // Sent with no network, the complaint waits in the outbox, and goes once the network is back.
  await page.getByRole('link', { name: /返回/ }).first().click();
  await page.getByRole('link', { name: /继续填写/ }).click();
  await sendComplaint(page);
  await expect(page.getByText('未提交，正在重试')).toBeVisible();
  await context.setOffline(false);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('提交成功', { timeout: 30_000 });
  const shown = (await page.getByTestId('tracking-number').innerText()).replace(/\s/g, '');
  const filed = (await complaintsFiledWith(request, phone)).map((c) => c.tracking_number);
  expect(filed.sort()).toEqual([receipt.tracking_number, shown].sort());
});

test('the app can be installed: its manifest names it, starts it under its own path and gives its icons', async ({ page, request }) => {
  await openApp(page, '/');
  const href = await page.locator('link[rel=manifest]').getAttribute('href');
  const manifestUrl = new URL(href!, page.url());
  const answer = await request.get(manifestUrl.href);
  expect(answer.headers()['content-type']).toContain('manifest+json');
  const manifest = await answer.json();
  expect(manifest.short_name).toBe('马上办');
  expect(new URL(manifest.start_url, manifestUrl).href).toBe(new URL('/', page.url()).href);
  for (const icon of manifest.icons) {
    const image = await request.get(new URL(icon.src, manifestUrl).href);
    expect(image.status(), icon.src).toBe(200);
    expect(image.headers()['content-type']).toBe('image/png');
  }
});

test('under a sub-path the worker keeps to it, and the app starts there with no network', async ({ page, context }) => {
  const base = process.env.SUB_PATH_URL!;
  await openApp(page, base);
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(scope).toBe(base);
  const manifestUrl = new URL((await page.locator('link[rel=manifest]').getAttribute('href'))!, page.url());
  expect(manifestUrl.href).toBe(`${base}manifest.webmanifest`);
  await context.setOffline(true);
  await openApp(page, `${base}track`);
  await expect(page.getByLabel('受理编号')).toBeVisible();
  // The worker kept the chunks of pages this device has not opened yet.
  await openApp(page, `${base}file`);
  await expect(page.getByLabel('问题描述')).toBeVisible();
  await page.getByRole('link', { name: /返回/ }).first().click();
  await expect(page).toHaveURL(base);
  await expect(page.getByRole('link', { name: /我要投诉/ })).toBeVisible();
});
