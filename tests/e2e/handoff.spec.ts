import { createHmac } from 'node:crypto';
import { test, expect, expectAccessible, screenshot, openApp, fileThroughApi, complaintsFiledWith, sendComplaint } from './fixtures';

/** A token as the citizen-services app makes it (README, "Hand-off"), with the secret the test
 *  server was started with. */
function handoffToken(phone: string, secondsAhead = 300) {
  const secret = process.env.HANDOFF_SECRET;
  expect(secret, 'HANDOFF_SECRET comes from cargo xtask test').toBeTruthy();
  const message = `v1.${phone}.${Math.floor(Date.now() / 1000) + secondsAhead}`;
  return `${message}.${createHmac('sha256', secret!).update(message).digest('base64url')}`;
}

function freshPhone(prefix: string) {
  return prefix + String(Date.now() % 10000).padStart(4, '0');
}

test('a hand-off signs the resident in: phone verified on the form, token used once and gone', async ({ page, request, baseURL }) => {
  const phone = freshPhone('1390013');
  const elsewhere = await fileThroughApi(request, '在市民热线反映过：3栋电梯经常停运', phone);
  const token = handoffToken(phone);
  const carriers: string[] = [];
  page.on('request', (r) => {
    const seen = [r.url(), r.postData() ?? '', ...Object.values(r.headers())].join(' ');
    if (seen.includes(token) || seen.includes(token.split('.').pop()!)) carriers.push(`${r.method()} ${r.url()}`);
  });

  await openApp(page, `/file#handoff=${token}`);
  const verified = page.locator('.verified-phone');
  await expect(verified).toContainText('已由市民服务应用验证');
  await expect(verified).toContainText(`${phone.slice(0, 3)}****${phone.slice(7)}`);
  await expect(page.getByRole('textbox', { name: '手机号' })).toHaveCount(0);
  expect(page.url()).toBe(`${baseURL}/file`);
  await screenshot(page, 'file-handoff-zh');
  await expectAccessible(page);

  await page.getByLabel('所在小区').selectOption({ label: '金府花园（金沙和家物业服务有限公司）' });
  await page.getByLabel('问题类型').selectOption({ label: '垃圾清运' });
  await page.getByLabel('问题描述').fill('2号垃圾站三天没有清运，气味很大');
  await page.getByLabel('我已阅读并同意个人信息告知').check();
  await sendComplaint(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('提交成功');
  const filed = (await page.getByTestId('tracking-number').innerText()).replace(/\s/g, '');

  // Filed with the verified number, and 我的投诉 has every complaint of that phone.
  const server = (await complaintsFiledWith(request, phone)).map((c) => c.tracking_number);
  expect(server.sort()).toEqual([elsewhere, filed].sort());
  await page.goto('/mine');
  await expect(page.getByText(`已用 ${phone.slice(0, 3)}****${phone.slice(7)} 登录`)).toBeVisible();
  for (const number of [elsewhere, filed]) {
    await expect(page.locator('.complaint-row').filter({ hasText: `${number.slice(0, 6)} ${number.slice(6, 10)} ${number.slice(10)}` })).toHaveCount(1);
  }
  // The token went to the exchange and nowhere else: not the page's own request, no Referer.
  expect(carriers).toEqual([`POST ${baseURL}/api/v1/auth/handoff`]);

  // Another number can still be used, for a parent or a neighbour.
  await page.goto('/file');
  await page.getByRole('button', { name: '用其他手机号提交' }).click();
  await expect(page.getByRole('textbox', { name: '手机号' })).toBeVisible();
  await page.getByRole('button', { name: '改用已验证的号码' }).click();
  await expect(page.locator('.verified-phone')).toBeVisible();
});

test('a used, expired or forged hand-off is one sentence; the app goes on as a guest and keeps the draft', async ({ page, request }) => {
  const phone = freshPhone('1390014');
  const used = handoffToken(phone);
  expect((await request.post('/api/v1/auth/handoff', { data: { token: used } })).status()).toBe(200);

  await openApp(page, '/file');
  await page.getByLabel('问题描述').fill('楼下商铺油烟直排');
  // The host app opens the page again with a token it already used.
  await openApp(page, `/file?handoff=${used}`);
  const alert = page.locator('.handoff-notice');
  await expect(alert).toContainText('市民服务应用的登录已失效或已用过');
  expect(page.url()).not.toContain('handoff');
  await expect(page.getByLabel('问题描述')).toHaveValue('楼下商铺油烟直排');
  await expect(page.getByRole('textbox', { name: '手机号' })).toBeVisible();
  await screenshot(page, 'file-handoff-refused-zh');
  await expectAccessible(page);
  await alert.getByRole('button', { name: '关闭' }).click();
  await expect(alert).toHaveCount(0);

  const expired = handoffToken(phone, -60);
  const forged = `v1.${phone}.${Math.floor(Date.now() / 1000) + 300}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
  for (const token of [expired, forged]) {
    await openApp(page, `/#handoff=${token}&from=citizen-app`);
    await expect(alert).toContainText('已失效或已用过');
    // Other parameters of the address are the host app's business and stay.
    expect(new URL(page.url()).hash).toBe('#from=citizen-app');
    await page.getByRole('link', { name: /我要投诉/ }).click();
    await expect(page.getByRole('textbox', { name: '手机号' })).toBeVisible();
  }
});
