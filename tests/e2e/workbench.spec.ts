import type { Browser, Page, APIRequestContext } from '@playwright/test';
import { test, expect, expectAccessible, screenshot, openApp, fileReceipt, keepOnDevice, png } from './fixtures';

/** The demo account of each demo property company. */
const COMPANY_ACCOUNTS: Record<string, string> = {
  '蜀锦物业服务有限公司': 'wy-shujin',
  '天府安居物业管理有限公司': 'wy-tianfu',
  '金沙和家物业服务有限公司': 'wy-jinsha',
  '芙蓉里物业管理有限公司': 'wy-furongli',
  '锦官城物业服务有限公司': 'wy-jinguancheng',
};

/** Files a complaint in the community at `index` of the list; returns its receipt and the
 *  account of the company that handles it. */
async function fileIn(request: APIRequestContext, index: number, description: string) {
  const communities = await (await request.get('/api/v1/communities')).json();
  const categories = await (await request.get('/api/v1/categories')).json();
  const community = communities[index];
  const response = await request.post('/api/v1/complaints', {
    headers: { 'Idempotency-Key': crypto.randomUUID() },
    data: { community_id: community.id, category_id: categories[0].children[0].id, description, phone: '13900139000', name: '王阿姨', consent: true },
  });
  expect(response.status()).toBe(201);
  const receipt = await response.json();
  return { receipt, account: COMPANY_ACCOUNTS[community.property_company] as string, company: community.property_company as string };
}

/** Opens the workbench in a fresh browser context and signs in by the form. */
async function signedIn(browser: Browser, username: string, viewport = { width: 360, height: 740 }) {
  const context = await browser.newContext({ viewport, baseURL: process.env.BASE_URL });
  const page = await context.newPage();
  await openApp(page, '/staff/');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(process.env.STAFF_PASSWORD as string);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page.getByRole('button', { name: '退出登录' })).toBeVisible();
  return page;
}

async function openComplaint(staff: Page, number: string) {
  await staff.goto(`/staff/complaints/${number}`);
  await expect(staff.locator('.wb-facts')).toBeVisible();
}

async function act(staff: Page, action: string, note?: string) {
  await staff.getByRole('button', { name: action, exact: true }).click();
  if (note !== undefined) await staff.locator('#action-note').fill(note);
  await staff.getByRole('button', { name: '提交', exact: true }).click();
  await expect(staff.locator('#action-status')).toContainText(`已${action}`);
}

test('a handler signs, asks for more, the resident adds it, the handler resolves with a photo; each step reaches the other side without a reload', async ({ page, browser, request }) => {
  test.setTimeout(180_000);
  const { receipt, account } = await fileIn(request, 0, '2栋地下车库入口的排水沟堵了，一下雨就积水，车辆进出溅水。');
  const number: string = receipt.tracking_number;
  await keepOnDevice(page, number, receipt.access_token);
  await openApp(page, `/complaints/${number}`);
  const stage = page.locator('.stages [aria-current="step"]');
  await expect(stage).toHaveText('已提交');

  const staff = await signedIn(browser, account);
  // Signed in through the form after a signed-out visit: the page's preloads (401s then) answer
  // nothing now, so the filters' category list loads like everything else.
  await expect.poll(() => staff.locator('#filter-category option').count()).toBeGreaterThan(10);
  // New complaints come in marked unread.
  await staff.getByLabel('受理编号').fill(number.slice(0, 10));
  const row = staff.locator('tr.wb-row', { hasText: number.slice(6, 10) }).filter({ has: staff.locator(`a[href$="${number}"]`) });
  await expect(row.getByText('新', { exact: true })).toBeVisible();
  await screenshot(staff, 'workbench-queue-360-zh');
  await row.locator('a.wb-row-link').click();
  await expect(staff.locator('.wb-facts')).toContainText('排水沟堵了');
  // The contact is masked until asked for, and the asking is logged.
  await expect(staff.locator('.wb-contact')).toContainText('139****9000');
  await staff.getByRole('button', { name: '显示联系方式' }).click();
  await expect(staff.locator('.wb-contact')).toContainText('13900139000');
  await expect(staff.locator('.wb-contact')).toContainText('王阿姨');

  await act(staff, '签收');
  await expect(stage).toHaveText('已签收', { timeout: 25_000 });

  await act(staff, '要求补充', '请拍一张排水沟堵塞处的照片，并说明具体在哪个入口。');
  await expect(page.locator('.timeline')).toContainText('请拍一张排水沟堵塞处的照片', { timeout: 25_000 });

  // The resident answers; the handler's page shows it by itself.
  await page.getByRole('button', { name: '补充材料' }).click();
  await page.locator('#action-note').fill('是靠近小区东门的那个入口，堵了一个多月了。');
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: '已提交，办理进度已更新。' })).toBeVisible();
  await expect(staff.locator('.timeline')).toContainText('靠近小区东门', { timeout: 25_000 });

  // Resolved with a photo of the work, taken with the camera on a phone.
  await staff.getByRole('button', { name: '办结', exact: true }).click();
  await expect(staff.locator('#photo-input')).toHaveAttribute('capture', 'environment');
  await staff.locator('#photo-input').setInputFiles({ name: 'done.png', mimeType: 'image/png', buffer: png(1600, 1200) });
  await expect(staff.locator('.photo-status')).toHaveText('已上传', { timeout: 20_000 });
  await staff.locator('#action-note').fill('已疏通东门入口排水沟，清出淤泥两车，并加装了防堵格栅。');
  // The page refreshes every 15 s; what is being typed survives it.
  await staff.waitForTimeout(16_000);
  await expect(staff.locator('#action-note')).toHaveValue('已疏通东门入口排水沟，清出淤泥两车，并加装了防堵格栅。');
  await expect(staff.locator('.photo-tile')).toHaveCount(1);
  await screenshot(staff, 'workbench-resolve-360-zh');
  await expectAccessible(staff);
  await staff.getByRole('button', { name: '提交', exact: true }).click();
  await expect(staff.locator('#action-status')).toContainText('已办结');

  await expect(stage).toHaveText('已办结', { timeout: 25_000 });
  await expect(page.locator('.timeline')).toContainText('加装了防堵格栅');
  const photo = page.locator('.timeline-item').last().locator('img');
  await expect(photo).toHaveCount(1);
  await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  await screenshot(page, 'progress-resolved-with-staff-photo-zh');
  await staff.context().close();
});

test('a property company sees nothing of another company’s complaints', async ({ browser, request }) => {
  const communities = await (await request.get('/api/v1/communities')).json();
  const index = communities.findIndex((c: { property_company: string }) => c.property_company !== communities[0].property_company);
  const { receipt, company } = await fileIn(request, index, '消防通道被私家车长期占用，物业不管。');
  const number: string = receipt.tracking_number;
  const other = Object.entries(COMPANY_ACCOUNTS).find(([name]) => name !== company)![1];
  const staff = await signedIn(browser, other);
  // The API refuses it to this session's cookie, asked from the workbench's own page…
  const status = await staff.evaluate((n) => fetch(`../api/v1/staff/complaints/${n}`).then((r) => r.status), number);
  expect(status).toBe(404);
  const queue = await staff.evaluate(() => fetch('../api/v1/staff/queue?limit=500').then((r) => r.text()));
  expect(queue).toContain('"items"');
  expect(queue).not.toContain(number);
  // …and the screens show nothing of it.
  await openComplaint(staff, number).catch(() => {});
  await expect(staff.getByText('找不到这件投诉，或它不归您的单位办理。')).toBeVisible();
  await expect(staff.locator('body')).not.toContainText('消防通道被私家车');
  await staff.goto('/staff/');
  await expect(staff.locator('.wb-summary')).toBeVisible();
  await expect(staff.locator('body')).not.toContainText(number.slice(6));
  await staff.context().close();
});

test('a supervisor sees who to call in, 督办s a complaint with a deadline, and exports the board as the API has it', async ({ browser }) => {
  test.setTimeout(120_000);
  const bureau = await signedIn(browser, 'zjj-supervisor', { width: 1280, height: 800 });
  await bureau.getByRole('link', { name: '督办看板' }).click();
  await expect(bureau.getByRole('heading', { name: '超期、督办和重复投诉' })).toBeVisible();
  const board = await bureau.evaluate(() => fetch('../api/v1/staff/board').then((r) => r.json()));
  expect(board.rows.length).toBeGreaterThan(0);
  const flagged = board.by_company.filter((g: { interview: boolean }) => g.interview);
  if (flagged.length > 0) await expect(bureau.locator('.wb-interview')).toContainText(flagged[0].name);
  await screenshot(bureau, 'workbench-board-1280-zh');

  // The CSV the button downloads has the board's rows, in its order, readable by Excel.
  const [download] = await Promise.all([bureau.waitForEvent('download'), bureau.getByRole('link', { name: '导出 CSV（Excel）' }).click()]);
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    download.createReadStream().then((stream) => {
      const parts: Buffer[] = [];
      stream.on('data', (part: Buffer) => parts.push(part));
      stream.on('end', () => resolve(Buffer.concat(parts)));
      stream.on('error', reject);
    });
  });
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString('utf8').split('\r\n').filter((line) => line !== '');
  expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(board.rows.map((r: { item: { complaint: { tracking_number: string } } }) => r.item.complaint.tracking_number));

  // 督办 one of them, by a date.
  const open = board.rows.find((r: { item: { complaint: { status: string } } }) => r.item.complaint.status !== 'resolved');
  const number = open.item.complaint.tracking_number;
  await bureau.locator(`a[href$="${number}"]`).first().click();
  await expect(bureau.locator('.wb-facts')).toBeVisible();
  await bureau.getByRole('button', { name: '督办', exact: true }).click();
  const due = new Date(Date.now() + 3 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 16);
  await bureau.locator('#action-due').fill(due);
  await bureau.locator('#action-note').fill('请于期限内办结并上传整改照片。');
  await bureau.getByRole('button', { name: '提交', exact: true }).click();
  await expect(bureau.locator('#action-status')).toContainText('已督办');
  await expect(bureau.locator('.timeline')).toContainText('请于期限内办结并上传整改照片。');
  await bureau.context().close();
});

test('every staff screen passes axe at a phone’s and a desk’s width, in both languages', async ({ browser, request }) => {
  test.setTimeout(240_000);
  const { receipt, account } = await fileIn(request, 1, '单元门禁坏了一周，外人随便进出。');
  const screens: [string, string, string][] = [
    [account, '/staff/', 'queue'],
    [account, `/staff/complaints/${receipt.tracking_number}`, 'complaint'],
    [account, '/staff/templates', 'templates'],
    ['zjj-supervisor', '/staff/board', 'board'],
    ['zjj-supervisor', '/staff/audit', 'audit'],
  ];
  for (const viewport of [{ width: 360, height: 740 }, { width: 1280, height: 800 }]) {
    // The sign-in form itself.
    const context = await browser.newContext({ viewport, baseURL: process.env.BASE_URL });
    const anonymous = await context.newPage();
    await openApp(anonymous, '/staff/');
    await expect(anonymous.getByRole('heading', { name: '工作人员登录' })).toBeVisible();
    await expectAccessible(anonymous);
    await context.close();
    for (const [username, path, name] of screens) {
      const staff = await signedIn(browser, username, viewport);
      await staff.goto(path);
      await expect(staff.locator('main#main h1')).toBeVisible();
      await expect(staff.locator('.loading')).toHaveCount(0);
      for (const language of ['zh', 'en']) {
        if (language === 'en') await staff.getByRole('button', { name: 'Switch to English' }).click();
        await expect(staff.locator('html')).toHaveAttribute('lang', language === 'en' ? 'en' : 'zh-CN');
        await expectAccessible(staff);
        const overflow = await staff.evaluate((width) => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > width + 1).map((e) => e.outerHTML.slice(0, 80)), viewport.width);
        expect(overflow, `${name} at ${viewport.width} px`).toEqual([]);
        await screenshot(staff, `workbench-${name}-${viewport.width}-${language}`);
      }
      await staff.getByRole('button', { name: '中文' }).click();
      await staff.context().close();
    }
  }
});

test('a number typed quickly shows its own complaint, even when the answers for its first digits come back last', async ({ browser, request }) => {
  const { receipt, account } = await fileIn(request, 3, '地下车库排水沟堵了，下雨就积水。');
  const number: string = receipt.tracking_number;
  const staff = await signedIn(browser, account, { width: 1280, height: 800 });
  await expect(staff.locator('a.wb-row-link').first()).toBeVisible();
  // Each keystroke asks again. The answers to the earlier searches are held back, the shorter the
  // longer, so that they arrive after the answer to the whole number and the first digit's (every
  // complaint of the day) arrives last, as on a slow network.
  let heldBack = 0;
  await staff.route(/\/staff\/queue\?/, async (route) => {
    const typed = new URL(route.request().url()).searchParams.get('number') ?? '';
    if (typed.length < number.length) {
      heldBack += 1;
      await new Promise((resolve) => setTimeout(resolve, 500 + (number.length - typed.length) * 120));
    }
    await route.continue();
  });
  await staff.getByLabel('受理编号').pressSequentially(number);
  await expect(staff.locator('a.wb-row-link')).toHaveCount(1);
  await staff.waitForTimeout(2500);
  expect(heldBack).toBeGreaterThan(0);
  await expect(staff.locator('a.wb-row-link')).toHaveCount(1);
  await expect(staff.locator('a.wb-row-link')).toHaveAttribute('href', new RegExp(`${number}$`));
  await staff.context().close();
});

test('the whole handler flow works by keyboard alone', async ({ browser, request }) => {
  test.setTimeout(120_000);
  const { receipt, account } = await fileIn(request, 2, '楼道声控灯不亮，晚上老人上下楼看不见。');
  const number: string = receipt.tracking_number;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: process.env.BASE_URL });
  const staff = await context.newPage();
  await openApp(staff, '/staff/');
  await staff.keyboard.press('Tab');
  const focusedId = () => staff.evaluate(() => document.activeElement?.id ?? '');
  // Tab to the username field, type, on to the password, type, Enter.
  for (let i = 0; i < 6 && (await focusedId()) !== 'username'; i++) await staff.keyboard.press('Tab');
  expect(await focusedId()).toBe('username');
  await staff.keyboard.type(account);
  await staff.keyboard.press('Tab');
  await staff.keyboard.type(process.env.STAFF_PASSWORD as string);
  await staff.keyboard.press('Enter');
  await expect(staff.getByRole('button', { name: '退出登录' })).toBeVisible();

  // Search by number, then move down into the rows with the arrow keys and open one with Enter.
  await staff.getByLabel('受理编号').focus();
  await staff.keyboard.type(number);
  await expect(staff.locator('a.wb-row-link')).toHaveCount(1);
  for (let i = 0; i < 12; i++) {
    await staff.keyboard.press('Tab');
    if (await staff.evaluate(() => document.activeElement?.classList.contains('wb-row-link'))) break;
  }
  await expect(staff.locator('a.wb-row-link:focus')).toHaveCount(1);
  await staff.keyboard.press('ArrowDown');
  await expect(staff.locator('a.wb-row-link:focus')).toHaveCount(1);
  await staff.keyboard.press('Enter');
  await expect(staff.locator('.wb-facts')).toContainText('声控灯');

  // 签收 by keyboard: Tab to the button, Enter, Tab to 提交, Enter.
  const tabTo = async (name: string) => {
    for (let i = 0; i < 40; i++) {
      await staff.keyboard.press('Tab');
      const text = await staff.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText?.trim() ?? '');
      if (text === name) return;
    }
    throw new Error(`could not reach ${name} by Tab`);
  };
  await tabTo('签收');
  await staff.keyboard.press('Enter');
  await tabTo('提交');
  await staff.keyboard.press('Enter');
  await expect(staff.locator('#action-status')).toContainText('已签收');
  // 办结 with a reply, typed.
  await staff.locator('#action-status').focus();
  await tabTo('办结');
  await staff.keyboard.press('Enter');
  await staff.keyboard.press('Tab');
  for (let i = 0; i < 5 && (await focusedId()) !== 'action-note'; i++) await staff.keyboard.press('Tab');
  expect(await focusedId()).toBe('action-note');
  await staff.keyboard.type('已更换声控灯 6 盏，逐层测试正常。');
  await tabTo('提交');
  await staff.keyboard.press('Enter');
  await expect(staff.locator('#action-status')).toContainText('已办结');
  await context.close();
});
