import { test, expect, expectAccessible, screenshot, openApp } from './fixtures';

/** The quarter before the current one, as the period select names it (2026Q3). */
function previousQuarter(): string {
  // China time: the server's quarters begin at midnight in Chengdu.
  const now = new Date(Date.now() + 8 * 3600_000);
  const quarter = Math.floor(now.getUTCMonth() / 3) + 1;
  return quarter === 1 ? `${now.getUTCFullYear() - 1}Q4` : `${now.getUTCFullYear()}Q${quarter - 1}`;
}

test('the public ranking names 红榜 and 黑榜, keeps 样本不足 apart, and opens a company with its trend', async ({ page }) => {
  await openApp(page, '/');
  await page.getByRole('link', { name: /物业服务评价/ }).click();
  await expect(page.getByRole('heading', { name: '物业服务评价', level: 1 })).toBeVisible();
  await page.getByLabel('统计周期').selectOption(previousQuarter());
  const best = page.locator('.roll-best');
  const worst = page.locator('.roll-worst');
  await expect(best.getByRole('heading', { name: '红榜' })).toBeVisible();
  await expect(worst.getByRole('heading', { name: '黑榜' })).toBeVisible();
  await expect(best.locator('.score-verdict').first()).toHaveText(/^\d+\.\d · [A-D]$/);
  // The best and the worst differ, and a newcomer with too few ratings is not ranked.
  const top = await best.locator('.score-verdict').first().textContent();
  const bottom = await worst.locator('.score-verdict').first().textContent();
  expect(top).not.toEqual(bottom);
  const unranked = page.locator('.score-roll', { has: page.getByRole('heading', { name: /样本不足/ }) });
  await expect(unranked).toContainText('蓉新物业服务有限公司');
  await expect(unranked.locator('.score-verdict').first()).toHaveText('样本不足');
  await expect(page.getByRole('heading', { name: '评价方法' })).toBeVisible();
  await screenshot(page, 'scorecards-ranking-zh');
  await expectAccessible(page);

  // One district's ranking: only the companies that manage communities there.
  await page.getByLabel('区域').selectOption('锦江区');
  await expect(page.locator('main')).toContainText('蜀锦物业服务有限公司');
  await expect(page.locator('main')).not.toContainText('锦官城物业服务有限公司');
  await expect(page.locator('main')).not.toContainText('芙蓉里物业管理有限公司');
  await page.getByLabel('区域').selectOption('');
  await expect(page.locator('main')).toContainText('锦官城物业服务有限公司');

  // A company: its figures, the chart, and the chart's numbers as a table.
  const company = (await best.getByRole('link').first().locator('span').first().textContent()) ?? '';
  await best.getByRole('link').first().click();
  await expect(page).toHaveURL(/\/scorecards\/companies\/\d+$/);
  await page.getByLabel('统计周期').selectOption(previousQuarter());
  await expect(page.getByRole('heading', { name: company, level: 2 })).toBeVisible();
  await expect(page.locator('.score-facts')).toContainText('满意率');
  await expect(page.locator('.score-facts')).toContainText('响应率（按时签收）');
  const chart = page.getByRole('img', { name: '满意率和按时办结率走势图，数据见下表' });
  await expect(chart).toBeVisible();
  await expect(chart.locator('polyline')).toHaveCount(2);
  const table = page.getByRole('table', { name: '近四期走势' });
  await expect(table.locator('tbody tr')).toHaveCount(4);
  await expect(table.locator('tbody tr').last().locator('th')).toHaveText(/^\d{4}年Q\d$/);
  await expect(table.locator('tbody tr').last().locator('td').first()).toHaveText(/^\d+%$/);
  await screenshot(page, 'scorecards-company-zh');
  await expectAccessible(page);

  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('table', { name: 'The last four periods' })).toBeVisible();
  await expect(page.locator('.score-facts')).toContainText('Signed on time');
  await screenshot(page, 'scorecards-company-en');
  await expectAccessible(page);
});

test('the filing form links to the chosen community\'s record', async ({ page }) => {
  await openApp(page, '/file');
  await page.getByLabel('所在小区').selectOption({ label: '玉林北苑（芙蓉里物业管理有限公司）' });
  await page.getByRole('link', { name: '查看这个小区的物业服务评价' }).click();
  await expect(page).toHaveURL(/\/scorecards\/communities\/\d+$/);
  await expect(page.getByRole('heading', { name: '玉林北苑', level: 2 })).toBeVisible();
  await expect(page.locator('.scorecard')).toContainText('芙蓉里物业管理有限公司');
  await screenshot(page, 'scorecards-community-zh');
  await expectAccessible(page);
});
