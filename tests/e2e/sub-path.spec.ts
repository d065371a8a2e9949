import { test, expect, expectAccessible, screenshot, fillComplaint, sendComplaint } from './fixtures';

// `cargo xtask test` starts a second server with `--base-path /city/mashang/`, as a city's reverse
// proxy might mount the app.
const subPathURL = process.env.SUB_PATH_URL ?? '';

test('under a sub-path, a resident files and follows a complaint and every request stays under it', async ({ page }) => {
  expect(subPathURL, 'SUB_PATH_URL is set by cargo xtask test').toMatch(/\/city\/mashang\/$/);
  const requested: string[] = [];
  page.on('request', (request) => requested.push(new URL(request.url()).pathname));

  await page.goto(subPathURL);
  await expect(page.locator('#app-shell')).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('马上办');
  await page.getByRole('link', { name: /我要投诉/ }).click();
  await expect(page).toHaveURL(`${subPathURL}file`);

  await fillComplaint(page, '子路径部署：3栋电梯按钮失灵', '13900139021');
  await sendComplaint(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('提交成功');
  const number = (await page.getByTestId('tracking-number').innerText()).replace(/\s/g, '');
  await expect(page).toHaveURL(`${subPathURL}receipt/${number}`);

  await page.getByRole('link', { name: '查看办理进度' }).click();
  await expect(page).toHaveURL(`${subPathURL}complaints/${number}`);
  // Opened afresh, the deep link still finds the app's files under the sub-path.
  await page.reload();
  await expect(page.locator('#app-shell')).toHaveCount(0);
  await expect(page.locator('.timeline')).toContainText('提交');
  await screenshot(page, 'sub-path-progress');
  await expectAccessible(page);

  await page.getByRole('link', { name: /返回/ }).first().click();
  await expect(page).toHaveURL(/\/city\/mashang\/?$/);
  await expect(page.getByRole('link', { name: /查询进度/ })).toBeVisible();

  const outside = requested.filter((path) => !path.startsWith('/city/mashang/'));
  expect(outside, 'requests outside the sub-path').toEqual([]);
});
