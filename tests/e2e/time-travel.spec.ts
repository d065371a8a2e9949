import type { APIRequestContext, Page } from '@playwright/test';
import { test, expect, expectAccessible, screenshot, openApp, fileReceipt, keepOnDevice, sentCode } from './fixtures';

// `cargo xtask test` starts a server of its own with `--dev-time-travel` for these tests, so that
// moving its clock forward to a deadline disturbs no other test. They share that clock, so they
// run one after another, in this order.
const timeTravelURL = process.env.TIME_TRAVEL_URL ?? '';
test.use({ baseURL: timeTravelURL });
test.describe.configure({ mode: 'serial' });

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

/** A resident session for `phone` through the development outbox. */
async function signIn(request: APIRequestContext, phone: string): Promise<string> {
  expect((await request.post('/api/v1/auth/codes', { data: { phone } })).status()).toBe(202);
  const code = await sentCode(request, phone);
  const session = await (await request.post('/api/v1/auth/codes/verify', { data: { phone, code } })).json();
  return session.token as string;
}

/** Files a complaint neighbours may see, in a community and category no other test uses. */
async function fileShared(request: APIRequestContext, phone: string, description: string) {
  const communities = await (await request.get('/api/v1/communities?q=棠湖春晓')).json();
  const categories = await (await request.get('/api/v1/categories')).json();
  const greenery = categories.flatMap((group: { children: { id: number; name: { zh: string } }[] }) => group.children)
    .find((leaf: { name: { zh: string } }) => leaf.name.zh === '绿化养护');
  const response = await request.post('/api/v1/complaints', {
    headers: { 'Idempotency-Key': crypto.randomUUID() },
    data: {
      community_id: communities[0].id, category_id: greenery.id, location: '中心花园', description, phone,
      consent: true, visible_to_neighbours: true,
    },
  });
  expect(response.status()).toBe(201);
  return await response.json();
}

async function timelineKinds(page: Page) {
  return await page.locator('.timeline .timeline-what').allTextContents();
}

test('a neighbour finds the same problem while filing, joins it, and five households raise it a level', async ({ page, browser, request }) => {
  const filer = await fileShared(request, '13600000001', '中心花园的大树枝条快压到三楼窗户了，刮风很危险');
  const number = filer.tracking_number as string;

  // A second resident starts filing the same problem.
  await openApp(page, '/file');
  await page.getByLabel('所在小区').selectOption({ label: '棠湖春晓（蜀锦物业服务有限公司）' });
  await page.getByLabel('问题类型').selectOption({ label: '绿化养护' });
  const similar = page.locator('.similar');
  await expect(similar.getByRole('heading', { name: '同小区已有相似问题' })).toBeVisible();
  await expect(similar).toContainText('中心花园的大树枝条快压到三楼窗户了');
  await expect(similar).not.toContainText('136');
  await similar.getByRole('button', { name: '我也遇到了，附议' }).click();
  await expect(similar.getByText('附议前请先用手机号验证')).toBeVisible();
  await page.locator('#signin-phone').fill('13600000002');
  await similar.getByRole('button', { name: '获取验证码' }).click();
  // Only once the app says the code was sent does the server have it to read back.
  await expect(similar.getByText('验证码已发送，请查看短信。')).toBeVisible();
  const code = await sentCode(request, '13600000002');
  await page.locator('#signin-code').fill(code);
  await screenshot(page, 'file-similar-join-zh');
  await expectAccessible(page);
  await similar.getByRole('button', { name: '登录' }).click();
  await expect(similar.getByText('将以 136****0002 附议。')).toBeVisible();
  await similar.getByRole('button', { name: '确认附议' }).click();

  // It is theirs to follow now: the progress view, and my complaints.
  await expect(page).toHaveURL(new RegExp(`/complaints/${number}$`));
  await expect(page.getByText('1 户邻居已附议')).toBeVisible();
  await expect(page.getByRole('button', { name: '撤回投诉' })).toHaveCount(0);
  await expect(page.locator('.complaint-card')).not.toContainText('13600000001');
  await screenshot(page, 'progress-joined-zh');
  await expectAccessible(page);
  await openApp(page, '/mine');
  await expect(page.locator('.complaint-row', { hasText: '绿化养护' })).toHaveCount(1);

  // The filer watches; three more households join; the fifth raises it a level.
  const filerContext = await browser.newContext({
    baseURL: timeTravelURL, viewport: { width: 360, height: 740 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
  });
  const filerPage = await filerContext.newPage();
  await keepOnDevice(filerPage, number, filer.access_token);
  await openApp(filerPage, `/complaints/${number}`);
  await expect(filerPage.getByText('1 户邻居已附议')).toBeVisible();
  for (const phone of ['13600000003', '13600000004', '13600000005']) {
    const session = await signIn(request, phone);
    const joined = await request.post(`/api/v1/complaints/${number}/joins`, { headers: { Authorization: `Bearer ${session}` } });
    expect(joined.status()).toBe(200);
  }
  // No reload: the page follows by itself.
  await expect(filerPage.locator('.notice-escalation')).toHaveText('已提级办理：现由街道办事处牵头', { timeout: 15_000 });
  expect(await timelineKinds(filerPage)).toContain('提级办理');
  await expect(filerPage.getByText('4 户邻居已附议')).toBeVisible();
  await expect(filerPage.locator('.timeline')).toContainText('多户居民反映同一问题，提级办理。');
  await screenshot(filerPage, 'progress-group-raised-zh');
  await expectAccessible(filerPage);
  await filerContext.close();
});

test('a complaint left unresolved is put under 挂牌督办 before the resident\'s eyes', async ({ page, request }) => {
  const receipt = await fileReceipt(request, '单元门禁坏了两周，一直没人修');
  const number = receipt.tracking_number as string;
  await keepOnDevice(page, number, receipt.access_token);
  await openApp(page, `/complaints/${number}`);
  await expect(page.locator('.notice-escalation')).toHaveCount(0);
  // Past the resolution deadline, the next working day's yellow card and five working days more.
  const moved = await request.post('/api/v1/dev/clock', { data: { minutes: 11 * 24 * 60 } });
  expect(moved.status()).toBe(200);
  await page.clock.setFixedTime(new Date((await moved.json()).now));
  const banner = page.locator('.notice-escalation');
  await expect(banner).toContainText('已挂牌督办：住建局要求', { timeout: 15_000 });
  expect(await timelineKinds(page)).toEqual(expect.arrayContaining(['督办', '挂牌督办']));
  await expect(page.locator('.timeline')).toContainText('超时仍未办结，红牌挂牌督办，在物业服务评价中公开。');
  await screenshot(page, 'progress-red-card-zh');
  await expectAccessible(page);

  // The same in English.
  await page.getByRole('button', { name: 'English' }).click();
  await expect(banner).toContainText('Red card: the housing bureau wants it resolved by');
  await expect(page.locator('.timeline')).toContainText('Still not resolved: a red card, shown on the public scorecard.');
  await screenshot(page, 'progress-red-card-en');
  await expectAccessible(page);
});
