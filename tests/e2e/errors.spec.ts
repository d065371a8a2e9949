import { test, expect, expectAccessible, screenshot, openApp, fileReceipt, keepOnDevice, DEMO_PHONE } from './fixtures';

// Every data load has an error state (a Leptos ErrorBoundary): a sentence in the resident's
// language, a retry, and the page around it still usable.

test('a list that cannot load says so under its field, and loads on retry', async ({ page }) => {
  await page.route('**/api/v1/communities**', (route) => route.abort('internetdisconnected'));
  await openApp(page, '/file');
  const problem = page.getByRole('alert').filter({ hasText: '加载失败。请检查网络后重试。' });
  await expect(problem).toBeVisible();
  // The rest of the form is there and usable while one list is missing.
  await expect(page.getByLabel('问题类型').locator('option', { hasText: '垃圾清运' })).toHaveCount(1);
  await page.getByLabel('问题描述').fill('小区列表加载失败时写的内容');
  await screenshot(page, 'file-list-failed-zh');
  await expectAccessible(page);

  await page.unroute('**/api/v1/communities**');
  await problem.getByRole('button', { name: '重试' }).click();
  await expect(problem).toHaveCount(0);
  await page.getByLabel('所在小区').selectOption({ label: '金府花园（金沙和家物业服务有限公司）' });
  await expect(page.getByLabel('问题描述')).toHaveValue('小区列表加载失败时写的内容');
});

test('the progress view that cannot load offers a retry, in either language', async ({ page, request }) => {
  const receipt = await fileReceipt(request, '加载失败后重试的投诉');
  const number = receipt.tracking_number as string;
  await keepOnDevice(page, number, receipt.access_token);
  const complaintURL = `**/api/v1/complaints/${number}`;
  await page.route(complaintURL, (route) => route.abort('internetdisconnected'));

  await openApp(page, `/complaints/${number}`);
  const problem = page.getByRole('alert').filter({ hasText: '加载失败。请检查网络后重试。' });
  await expect(problem).toBeVisible();
  await screenshot(page, 'progress-failed-zh');
  await expectAccessible(page);

  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Could not load. Check your network and try again.' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: '中文' }).click();

  await page.unroute(complaintURL);
  await problem.getByRole('button', { name: '重试' }).click();
  await expect(problem).toHaveCount(0);
  await expect(page.locator('.complaint-card')).toContainText('加载失败后重试的投诉');
});

test('a lookup the server fails says what to do, and the retry finds the complaint', async ({ page, request }) => {
  const number = (await fileReceipt(request, '服务器出错后重试查询')).tracking_number as string;
  let failures = 1;
  await page.route('**/api/v1/complaints/lookup', async (route) => {
    if (failures-- > 0) {
      await route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        headers: { 'Retry-After': '1' },
        body: JSON.stringify({ type: 'about:blank', title: 'Busy', status: 503, code: 'busy', errors: [] }),
      });
    } else {
      await route.continue();
    }
  });
  await openApp(page, `/track?number=${number}`);
  await page.getByLabel('手机号').fill(DEMO_PHONE);
  await page.getByRole('button', { name: '查询' }).click();
  const problem = page.getByRole('alert').filter({ hasText: '系统正忙，请稍等几秒再试。' });
  await expect(problem).toBeVisible();
  await expectAccessible(page);
  await problem.getByRole('button', { name: '重试' }).click();
  await expect(problem).toHaveCount(0);
  await expect(page.locator('.complaint-card')).toContainText('服务器出错后重试查询');
});
