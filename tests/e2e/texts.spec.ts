import { test, expect, expectAccessible, screenshot, openApp, fillComplaint, sendComplaint, actAsStaff } from './fixtures';

/** The texts the test server's log sender "sent" to a phone (README, "Texts to residents"). */
async function textsTo(request: import('@playwright/test').APIRequestContext, phone: string) {
  const answer = await request.get(`/api/v1/dev/texts/${phone}`);
  expect(answer.status()).toBe(200);
  return (await answer.json()).texts as { key: string; text: string }[];
}

test('a resident asks for texts when filing, is texted when the unit signs, and turns texts off on the progress view', async ({ page, request }) => {
  const phone = '1365555' + String(Date.now() % 10000).padStart(4, '0');
  const description = '小区东门的垃圾桶三天没人清运，气味很大。';
  await openApp(page, '/file');
  await fillComplaint(page, description, phone);
  const ask = page.getByLabel('有进展时发短信告诉我');
  await expect(ask).not.toBeChecked();
  await expect(page.locator('#texts-hint')).toContainText('不含您写的内容');
  await ask.check();
  await page.getByRole('button', { name: '提交投诉' }).click();
  await expect(page.locator('.review')).toContainText('有进展时发短信告诉我');
  await page.getByRole('button', { name: '确认提交' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('提交成功');
  const number = (await page.getByTestId('tracking-number').innerText()).replace(/\s/g, '');

  await actAsStaff(request, 'wy-jinsha', number, { action: 'accept' });
  await expect.poll(async () => (await textsTo(request, phone)).length, { timeout: 15_000 }).toBe(1);
  const [sent] = await textsTo(request, phone);
  expect(sent.text).toContain('已被办理单位签收');
  expect(sent.text).not.toContain('垃圾桶');
  // The link in the text opens the progress view on the phone that filed.
  const link = sent.text.split('查看进度：')[1];
  expect(link).toMatch(new RegExp(`/complaints/${number}$`));
  await page.goto(link);
  const box = page.getByLabel('有进展时发短信告诉我');
  await expect(box).toBeChecked();
  await expect(page.locator('.timeline')).toContainText('签收');
  await screenshot(page, 'progress-texts-zh');
  await expectAccessible(page);

  await box.uncheck();
  await expect(page.locator('#texts-status')).toHaveText('已关闭短信提醒，进度仍可在这里查看。');
  await page.reload();
  await expect(page.getByLabel('有进展时发短信告诉我')).not.toBeChecked();
  await actAsStaff(request, 'wy-jinsha', number, { action: 'resolve', note: '已清运并消毒。' });
  await expect(page.locator('.timeline')).toContainText('已清运并消毒。', { timeout: 20_000 });
  // The sender looks every two seconds; two rounds later there is still only the first text.
  await page.waitForTimeout(4_500);
  expect(await textsTo(request, phone)).toHaveLength(1);
});

test('a choice of texts that cannot be saved says so and the box shows what the server has', async ({ page, request }) => {
  const phone = '1365556' + String(Date.now() % 10000).padStart(4, '0');
  await openApp(page, '/file');
  await fillComplaint(page, '地下车库的照明灯坏了一半，晚上取车看不清。', phone);
  await sendComplaint(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('提交成功');
  const number = (await page.getByTestId('tracking-number').innerText()).replace(/\s/g, '');
  await page.goto(`/complaints/${number}`);
  const box = page.getByLabel('有进展时发短信告诉我');
  await expect(box).not.toBeChecked();
  await page.route(/\/texts$/, (route) => route.abort('internetdisconnected'));
  // A click, not check(): the box goes back as soon as the request fails, before check() would
  // look at it.
  await box.click();
  await expect(page.locator('#texts-status')).toHaveText('没能保存短信提醒的设置，请检查网络后再试。');
  await expect(box).not.toBeChecked();
  await screenshot(page, 'progress-texts-failed-zh');
  await page.unroute(/\/texts$/);
  await box.check();
  await expect(page.locator('#texts-status')).toHaveText('已开启短信提醒。');
  await actAsStaff(request, 'wy-jinsha', number, { action: 'accept' });
  await expect.poll(async () => (await textsTo(request, phone)).length, { timeout: 15_000 }).toBe(1);
});
