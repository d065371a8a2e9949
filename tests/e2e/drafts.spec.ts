import { test, expect, expectAccessible, screenshot, openApp, complaintsFiledWith, fillComplaint, sendComplaint } from './fixtures';

test('a draft survives a reload and is cleared only once the server has it', async ({ page }) => {
  await openApp(page, '/file');
  await expect(page.getByText('填写的内容会自动保存在这台设备上')).toBeVisible();
  await fillComplaint(page, '东门垃圾站三天没有清运了', '13700000011');
  await page.reload();
  await expect(page.locator('#app-shell')).toHaveCount(0);
  await expect(page.getByLabel('问题描述')).toHaveValue('东门垃圾站三天没有清运了');
  await expect(page.getByLabel('手机号')).toHaveValue('13700000011');
  await expect(page.getByLabel('问题类型')).toHaveValue(/\d+/);
  await expect(page.getByLabel('所在小区').locator('option:checked')).toHaveText('金府花园（金沙和家物业服务有限公司）');

  await openApp(page, '/');
  await expect(page.getByRole('link', { name: /继续填写/ })).toBeVisible();
  await screenshot(page, 'home-resume-zh');
  await expectAccessible(page);
  await page.getByRole('link', { name: /继续填写/ }).click();
  await sendComplaint(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('提交成功');

  await openApp(page, '/file');
  await expect(page.getByLabel('问题描述')).toHaveValue('');
  await openApp(page, '/');
  await expect(page.getByRole('link', { name: /继续填写/ })).toHaveCount(0);
});

test('offline at submit: the complaint waits, is resent when the network returns, and is filed once', async ({ page, context, request }) => {
  const phone = '13700000022';
  await openApp(page, '/file');
  await fillComplaint(page, '断网时提交的投诉：垃圾站满了', phone);
  await context.setOffline(true);
  await sendComplaint(page);
  await expect(page.getByText('未提交，正在重试')).toBeVisible();
  await expect(page.getByText('网络断开了。填写的内容不会丢，网络恢复后会自动提交。')).toBeVisible();
  await expect(page.getByLabel('问题描述')).toBeDisabled();
  await screenshot(page, 'file-pending-zh');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('我要投诉', { timeout: 3_000 });

  await context.setOffline(false);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('提交成功', { timeout: 30_000 });
  await expect(page.getByText('网络断开了')).toBeHidden();
  const shown = (await page.getByTestId('tracking-number').innerText()).replace(/\s/g, '');
  const filed = await complaintsFiledWith(request, phone);
  expect(filed.map((c) => c.tracking_number)).toEqual([shown]);
});

test('an answer lost after the server filed it: the retry gets the same number, one complaint', async ({ page, request }) => {
  const phone = '13700000033';
  let firstNumber: string | undefined;
  await page.route('**/api/v1/complaints', async (route) => {
    if (route.request().method() === 'POST' && firstNumber === undefined) {
      const response = await route.fetch();
      firstNumber = (await response.json()).tracking_number;
      await route.abort('connectionreset');
    } else {
      await route.continue();
    }
  });
  await openApp(page, '/file');
  await fillComplaint(page, '回执丢失时的投诉：垃圾清运不及时', phone);
  await sendComplaint(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('提交成功', { timeout: 30_000 });
  const shown = (await page.getByTestId('tracking-number').innerText()).replace(/\s/g, '');
  expect(firstNumber).toBeDefined();
  expect(shown).toBe(firstNumber);
  const filed = await complaintsFiledWith(request, phone);
  expect(filed.map((c) => c.tracking_number)).toEqual([shown]);
});

test('a common problem on the home screen opens the form with it chosen', async ({ page }) => {
  await openApp(page, '/');
  await page.getByRole('link', { name: '漏水渗水' }).click();
  await expect(page).toHaveURL(/\/file\?category=/);
  await expect(page.getByLabel('问题类型').locator('option:checked')).toHaveText('漏水渗水（紧急）');
});

test('communities are found by name, street or district, and the chosen one stays chosen', async ({ page }) => {
  await openApp(page, '/file');
  const search = page.getByRole('searchbox', { name: '输入小区名、街道或区搜索' });
  await search.fill('玉林');
  await expect(page.getByLabel('所在小区').locator('option')).toHaveText(['请选择小区', '玉林北苑（芙蓉里物业管理有限公司）']);
  await page.getByLabel('所在小区').selectOption({ label: '玉林北苑（芙蓉里物业管理有限公司）' });
  await search.fill('高新区');
  await expect(page.getByLabel('所在小区').locator('option')).toHaveCount(5);
  await expect(page.getByLabel('所在小区').locator('option:checked')).toHaveText('玉林北苑（芙蓉里物业管理有限公司）');
  await expectAccessible(page);
});
