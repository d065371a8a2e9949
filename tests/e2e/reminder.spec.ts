import { test, expect, expectAccessible, screenshot, openApp, fileReceipt, keepOnDevice } from './fixtures';

// `cargo xtask test` starts a server of its own with `--dev-time-travel` for this test, so that
// moving its clock forward to a deadline disturbs no other test.
const timeTravelURL = process.env.TIME_TRAVEL_URL ?? '';
test.use({ baseURL: timeTravelURL });

test('催办 is offered only once a deadline has passed, and then at most once a day', async ({ page, request }) => {
  expect(timeTravelURL, 'TIME_TRAVEL_URL is set by cargo xtask test').toMatch(/^http:/);
  const receipt = await fileReceipt(request, '楼顶漏水，签收时限过了还没人来');
  const number = receipt.tracking_number as string;
  const token = receipt.access_token as string;
  await keepOnDevice(page, number, token);
  await openApp(page, `/complaints/${number}`);
  await expect(page.getByRole('button', { name: '补充材料' })).toBeVisible();
  await expect(page.getByRole('button', { name: '催办' })).toHaveCount(0);
  // 漏水渗水 is urgent: two hours to sign for it, a day to resolve it, each with the time left.
  const timesLeft = page.locator('.complaint-card .time-left');
  await expect(timesLeft).toHaveText([/^还剩 1 小时 5\d 分$/, /^还剩 2\d 小时 \d+ 分$/]);

  /** Moves the server's clock, and the phone's with it, `minutes` forward. */
  const advance = async (minutes: number) => {
    const moved = await request.post('/api/v1/dev/clock', { data: { minutes } });
    expect(moved.status()).toBe(200);
    await page.clock.setFixedTime(new Date((await moved.json()).now));
  };
  const view = await (await request.get(`/api/v1/complaints/${number}`, { headers: { Authorization: `Bearer ${token}` } })).json();
  await advance(Math.ceil((Date.parse(view.sign_deadline.due_at) - Date.now()) / 60_000) + 60);

  // The page follows by itself; no reload.
  const urge = page.getByRole('button', { name: '催办' });
  await expect(urge).toBeVisible({ timeout: 15_000 });
  await expect(page.locator('.complaint-card')).toContainText('已超时');
  await expect(timesLeft).toHaveText([/^还剩 2\d 小时 \d+ 分$/]);
  await urge.click();
  await expect(page.getByText('已经超过办理时限，可以催一催，每天一次。')).toBeVisible();
  await screenshot(page, 'progress-urge-zh');
  await expectAccessible(page);
  await page.locator('#action-form').getByRole('button', { name: '提交' }).click();

  await expect(page.getByText('已提交，办理进度已更新。')).toBeVisible();
  await expect(page.locator('.timeline').getByText('催办', { exact: true })).toBeVisible();
  await expect(urge).toHaveCount(0);

  // A day later it may be sent again.
  await advance(24 * 60 + 1);
  await page.reload();
  await expect(page.locator('#app-shell')).toHaveCount(0);
  await expect(urge).toBeVisible();
});
