import { test, expect, expectAccessible, screenshot, openApp } from './fixtures';

test('长辈模式: larger text and targets, a simpler home, remembered on the device', async ({ page }) => {
  await openApp(page, '/');
  const toggle = page.getByRole('button', { name: /长辈模式/ });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveClass(/elder/);
  const rootSize = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  expect(rootSize).toBeGreaterThanOrEqual(20);
  const tile = await page.getByRole('link', { name: /我要投诉/ }).boundingBox();
  expect(tile?.height).toBeGreaterThanOrEqual(60);
  await expect(page.getByRole('heading', { name: '常见问题' })).toBeHidden();
  await screenshot(page, 'home-elder-zh');
  await expectAccessible(page);

  await page.reload();
  await expect(page.locator('html')).toHaveClass(/elder/);

  await page.getByRole('link', { name: /我要投诉/ }).click();
  await page.getByRole('button', { name: '提交投诉' }).click();
  await expect(page.locator('#error-summary')).toBeFocused();
  for (const control of [page.getByLabel('手机号'), page.getByRole('button', { name: '提交投诉' })]) {
    const box = await control.boundingBox();
    expect(box?.height).toBeGreaterThanOrEqual(60);
  }
  await screenshot(page, 'file-errors-elder-zh');
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expect(page.locator('#community-error')).toContainText('Community: please choose one.');
  await screenshot(page, 'file-errors-elder-en');
  await expectAccessible(page);
});
