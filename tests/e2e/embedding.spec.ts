import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test as plain } from '@playwright/test';
import { test, expect, screenshot, fillComplaint, sendComplaint } from './fixtures';

/** A city portal on `localhost` (another site than the server's 127.0.0.1) framing the app. */
async function portal(port: number, appUrl: string) {
  const page = `<!doctype html><html lang="zh-CN"><meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1"><title>市民服务门户</title>
    <body style="margin:0"><p style="margin:0;padding:8px;background:#c00;color:#fff">市民服务门户</p>
    <iframe src="${appUrl}" title="马上办" style="display:block;width:100%;height:680px;border:0"></iframe></body></html>`;
  const server = http.createServer((_, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

test('a listed portal frames the app: filing and tracking work inside it, without first-party storage', async ({ page, context, baseURL }) => {
  const port = Number(process.env.PORTAL_PORT);
  expect(port, 'PORTAL_PORT comes from cargo xtask test').toBeGreaterThan(0);
  const server = await portal(port, `${baseURL}/`);
  try {
    await page.goto(`http://localhost:${port}/`);
    const app = page.frameLocator('iframe');
    await expect(app.locator('main#main')).toBeVisible();
    await app.getByRole('link', { name: /我要投诉/ }).click();
    await fillComplaint(app, '小区东门道闸坏了，车辆进出要人工开门', '13800138000');
    await sendComplaint(app);
    await expect(app.getByRole('heading', { level: 1 })).toHaveText('提交成功');
    const number = (await app.getByTestId('tracking-number').innerText()).replace(/\s/g, '');
    await screenshot(page, 'embedded-receipt-zh');

    await app.getByRole('link', { name: '查看办理进度' }).click();
    await expect(app.locator('.complaint-card')).toContainText('小区东门道闸坏了');
    await app.getByRole('link', { name: /返回/ }).first().click();
    await app.getByRole('link', { name: /查询进度/ }).click();
    await app.getByLabel('受理编号').fill(number);
    await app.getByLabel('手机号').fill('13800138000');
    await app.getByRole('button', { name: '查询' }).click();
    await expect(app.locator('.complaint-card')).toContainText('已提交');

    // Chromium refuses this third-party frame its localStorage (or partitions it under the
    // portal): the app ran on what it keeps in memory, and nothing leaked to the app's own site.
    const framed = page.frames().find((frame) => frame !== page.mainFrame())!;
    const framedStorage = await framed.evaluate(() => {
      try {
        return localStorage.getItem('mashang.complaints') ?? '';
      } catch {
        return 'refused';
      }
    });
    expect(framedStorage === 'refused' || framedStorage.includes(number), framedStorage).toBe(true);
    const direct = await context.newPage();
    await direct.goto('/');
    expect(await direct.evaluate(() => localStorage.getItem('mashang.complaints') ?? '')).not.toContain(number);
    await direct.close();
  } finally {
    server.close();
  }
});

// Without the fixture: the refusal is a console error, and it is what this test waits for.
plain('a site that is not listed cannot frame the app', async ({ page, baseURL }) => {
  const server = await portal(0, `${baseURL}/`);
  try {
    const refused = new Promise<string>((resolve) =>
      page.on('console', (message) => message.text().includes('frame-ancestors') && resolve(message.text())),
    );
    await page.goto(`http://localhost:${(server.address() as AddressInfo).port}/`);
    expect(await refused).toContain("frame-ancestors http://localhost:");
    await expect(page.frameLocator('iframe').locator('main#main')).toHaveCount(0);
  } finally {
    server.close();
  }
});
