import { test, expect, expectAccessible, screenshot, openApp, fileReceipt, keepOnDevice, actAsStaff, sendComplaint, sentCode } from './fixtures';

const current = (page: import('@playwright/test').Page) => page.locator('.stages [aria-current="step"]');

test('a resident follows a complaint to its resolution, rates it and reopens it, without reloading', async ({ page, request }) => {
  test.setTimeout(120_000);
  await openApp(page, '/file');
  await page.getByLabel('所在小区').selectOption({ label: '玉林北苑（芙蓉里物业管理有限公司）' });
  await page.getByLabel('问题类型').selectOption({ label: '电梯故障' });
  await page.getByLabel('问题描述').fill('5栋电梯经常停在半层，老人被困过两次，请尽快检修。');
  await page.getByLabel('手机号').fill('13800138000');
  await page.getByLabel('我已阅读并同意个人信息告知').check();
  await sendComplaint(page);
  const number = (await page.getByTestId('tracking-number').innerText()).replace(/\s/g, '');
  await page.getByRole('link', { name: '查看办理进度' }).click();

  await expect(current(page)).toHaveText('已提交');
  await expect(page.getByRole('button', { name: '撤回投诉' })).toBeVisible();
  await expect(page.getByRole('button', { name: '评价办理结果' })).toHaveCount(0);
  await screenshot(page, 'progress-submitted-zh');
  await expectAccessible(page);

  // The property company signs for it and resolves it; the page follows by itself.
  await actAsStaff(request, 'wy-furongli', number, { action: 'accept' });
  await expect(current(page)).toHaveText('已签收', { timeout: 25_000 });
  const reply = '已联系维保单位更换了门机板，连续三天测试运行正常。';
  await actAsStaff(request, 'wy-furongli', number, { action: 'resolve', note: reply });
  await expect(current(page)).toHaveText('已办结', { timeout: 25_000 });
  await expect(page.locator('.timeline')).toContainText(reply);
  await expect(page.getByRole('button', { name: '撤回投诉' })).toHaveCount(0);

  // Not solved: rate it so.
  await page.getByRole('button', { name: '评价办理结果' }).click();
  await page.getByLabel('未解决').check();
  await page.getByLabel('不满意').check();
  await page.getByLabel('想说的话').fill('今天又停在半层了。');
  await screenshot(page, 'progress-rating-zh');
  await expectAccessible(page);
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: '已提交，办理进度已更新。' })).toBeVisible();
  await expect(current(page)).toHaveText('已评价');
  await expect(page.locator('.timeline')).toContainText('未解决 · 不满意');

  // Reopening needs an explanation.
  await page.getByRole('button', { name: '没解决，重新办理' }).click();
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expect(page.locator('#action-note-error')).toContainText('请填写说明。');
  await page.getByLabel('请说明哪里还没有解决。').fill('换了门机板还是会停，请彻底检修。');
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expect(current(page)).toHaveText('处理中');
  await expect(page.locator('.timeline-item').last()).toContainText('重新办理');
  await expect(page.locator('.timeline-item').last()).toContainText('换了门机板还是会停，请彻底检修。');
  await screenshot(page, 'progress-reopened-zh');
  await expectAccessible(page);
});

test('a resident withdraws a complaint before it is signed for, after confirming', async ({ page, request }) => {
  const receipt = await fileReceipt(request, '楼下的共享单车堆满了消防通道');
  await keepOnDevice(page, receipt.tracking_number, receipt.access_token);
  await openApp(page, `/complaints/${receipt.tracking_number}`);
  await page.getByRole('button', { name: '撤回投诉' }).click();
  await expect(page.getByText('确定撤回这条投诉吗？撤回后不再办理。')).toBeVisible();
  await page.getByRole('button', { name: '确定撤回' }).click();
  await expect(page.getByText('这条投诉已撤回，不再办理。')).toBeVisible();
  await expect(page.locator('.actions')).toHaveCount(0);

  // In English too.
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expect(page.getByText('This complaint was withdrawn and will not be handled.')).toBeVisible();
  await screenshot(page, 'progress-withdrawn-en');
  await expectAccessible(page);
});

test('my complaints lists what this device filed, and home offers it', async ({ page, request }) => {
  const receipt = await fileReceipt(request, '小区东门的垃圾三天没人清运了');
  await keepOnDevice(page, receipt.tracking_number, receipt.access_token);
  await openApp(page, '/');
  await page.getByRole('link', { name: /我的投诉/ }).click();
  const row = page.locator('.complaint-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('已提交');
  await screenshot(page, 'mine-zh');
  await expectAccessible(page);
  await row.click();
  await expect(page).toHaveURL(new RegExp(`/complaints/${receipt.tracking_number}$`));
  await expect(current(page)).toHaveText('已提交');

  // Complaints that cannot be loaded are not silently left out (the list asks for all at once).
  await page.route('**/api/v1/complaints/summaries', (route) => route.fulfill({ status: 503 }));
  await openApp(page, '/mine');
  await expect(page.getByText('有的投诉暂时加载不了，请检查网络后重试。')).toBeVisible();
  await expect(page.getByText('这台设备上还没有提交过投诉。')).toHaveCount(0);
  await page.unroute('**/api/v1/complaints/summaries');
  await page.getByRole('button', { name: '重试' }).click();
  await expect(page.locator('.complaint-row')).toHaveCount(1);
  await expect(page.getByText('有的投诉暂时加载不了')).toHaveCount(0);

  // With the server out of reach, the list as it last was, with its time.
  await page.route('**/api/v1/complaints/summaries', (route) => route.abort('connectionrefused'));
  await openApp(page, '/mine');
  await expect(page.getByText(/暂时连不上服务器。下面是 .+ 时的办理状态/)).toBeVisible();
  await expect(page.locator('.complaint-row')).toContainText('已提交');
});

test('home says when complaints moved, my complaints marks and filters them, and opening one clears it', async ({ page, request }) => {
  const receipt = await fileReceipt(request, '单元门禁坏了，外人随便进出');
  const number = receipt.tracking_number as string;
  await keepOnDevice(page, number, receipt.access_token);
  await openApp(page, '/');
  const mineTile = page.getByRole('link', { name: /我的投诉/ });
  await expect(mineTile).toBeVisible();
  // Give the badge's check time to run: nothing has moved yet.
  await page.waitForLoadState('networkidle');
  await expect(mineTile).not.toContainText('有新进展');

  // 望江锦苑's property company signs for it.
  await actAsStaff(request, 'wy-shujin', number, { action: 'accept' });
  await openApp(page, '/');
  await expect(mineTile).toContainText('1 件有新进展');
  await screenshot(page, 'home-updates-zh');
  await expectAccessible(page);

  await mineTile.click();
  const row = page.locator('.complaint-row');
  await expect(row).toContainText('有新进展');
  await expect(row).toContainText('已签收');
  await page.getByLabel('已结束').check();
  await expect(page.getByText('这一类里没有投诉。')).toBeVisible();
  await page.getByLabel('办理中').check();
  await expect(row).toBeVisible();
  await screenshot(page, 'mine-filter-zh');
  await expectAccessible(page);

  await row.click();
  await expect(current(page)).toHaveText('已签收');
  await openApp(page, '/');
  await page.waitForLoadState('networkidle');
  await expect(mineTile).toBeVisible();
  await expect(mineTile).not.toContainText('有新进展');
});

test('a device without the pass is sent to look the complaint up', async ({ page, request }) => {
  const receipt = await fileReceipt(request, '地下车库的灯坏了一半，很暗');
  await openApp(page, `/complaints/${receipt.tracking_number}`);
  await expect(page.getByText('这台设备上没有这条投诉的查看凭证')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: '去查询' }).click();
  await expect(page).toHaveURL(new RegExp(`/track\\?number=${receipt.tracking_number}$`));
});

test('signing in by SMS code shows complaints filed elsewhere, and opens them', async ({ page, request }) => {
  const phone = '13700000055';
  const receipt = await fileReceipt(request, '在12345热线反映的：小区路灯坏了', phone);
  await openApp(page, '/mine');
  await expect(page.getByText('这台设备上还没有提交过投诉。')).toBeVisible();
  await page.getByLabel('手机号').fill(phone);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.getByText('验证码已发送，请查看短信。')).toBeVisible();
  await page.getByLabel('验证码').fill(await sentCode(request, phone));
  await screenshot(page, 'mine-signin-zh');
  await expectAccessible(page);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByText('已用 137****0055 登录')).toBeVisible();
  const row = page.locator('.complaint-row');
  await expect(row).toHaveCount(1);
  await row.click();
  await expect(page).toHaveURL(new RegExp(`/complaints/${receipt.tracking_number}$`));
  await expect(current(page)).toHaveText('已提交');
  await expect(page.getByRole('button', { name: '撤回投诉' })).toBeVisible();
});

test('coming back to the progress view shows what happened meanwhile at once', async ({ page, request }) => {
  const receipt = await fileReceipt(request, '电梯按钮失灵，回到页面就能看到进展');
  const number = receipt.tracking_number as string;
  await keepOnDevice(page, number, receipt.access_token);
  await openApp(page, `/complaints/${number}`);
  await expect(current(page)).toHaveText('已提交');
  await actAsStaff(request, 'wy-shujin', number, { action: 'accept' });
  // The resident switches back to this tab (browsers fire this, bubbling, at the document): the
  // page asks at once instead of at the next period.
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
  await expect(current(page)).toHaveText('已签收', { timeout: 3_000 });
});
