import { test, expect, expectAccessible, screenshot, openApp, fileThroughApi, unfiledTrackingNumber, DEMO_PHONE } from './fixtures';

test('home offers filing and tracking, in Chinese', async ({ page }) => {
  await openApp(page, '/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('马上办');
  await expect(page.getByRole('link', { name: /我要投诉/ })).toBeVisible();
  await expect(page.getByRole('link', { name: /查询进度/ })).toBeVisible();
  await screenshot(page, 'home-zh');
  await expectAccessible(page);
});

test('a resident files a complaint and tracks it by number and phone', async ({ page }) => {
  await openApp(page, '/');
  await page.getByRole('link', { name: /我要投诉/ }).click();
  await expect(page).toHaveURL(/\/file$/);

  await page.getByLabel('所在小区').selectOption({ label: '玉林北苑（芙蓉里物业管理有限公司）' });
  await page.getByLabel('问题类型').selectOption({ label: '漏水渗水（紧急）' });
  const description = '5栋3单元楼顶漏水，下雨时12楼走廊积水 👨‍👩‍👧 𠀀';
  await page.getByLabel('问题描述').fill(description);
  await expect(page.locator('#description-count')).toContainText(`已写 ${[...description].length} 字`);
  // A shared area is one tap; the text stays editable.
  const carPark = page.getByRole('button', { name: '停车场' });
  await carPark.click();
  await expect(page.getByLabel('具体位置')).toHaveValue('停车场');
  await expect(page.getByLabel('具体位置')).toBeFocused();
  await expect(carPark).toHaveAttribute('aria-pressed', 'true');
  await page.getByLabel('具体位置').fill('5栋3单元12楼');
  await expect(carPark).toHaveAttribute('aria-pressed', 'false');
  await page.getByLabel('手机号').fill('+86 138-0013-8000');
  await page.getByLabel('我已阅读并同意个人信息告知').check();
  await screenshot(page, 'file-filled-zh');
  await expectAccessible(page);
  // Review-only controls stay out of the form (the `hidden` attribute beats the button's display).
  await expect(page.getByRole('button', { name: '返回修改' })).toBeHidden();
  await page.getByRole('button', { name: '提交投诉' }).click();

  // The review shows what will be sent, before anything is sent.
  const review = page.locator('.review');
  await expect(review.getByRole('heading', { name: '请确认投诉内容' })).toBeFocused();
  await expect(review).toContainText('玉林北苑（芙蓉里物业管理有限公司）');
  await expect(review).toContainText('漏水渗水');
  await expect(review).toContainText('5栋3单元12楼');
  await expect(review).toContainText('未填写');
  await expect(review).toContainText('13800138000');
  await expect(page.getByLabel('问题描述')).toBeHidden();
  await screenshot(page, 'file-review-zh');
  await expectAccessible(page);
  await page.getByRole('button', { name: '返回修改' }).click();
  await expect(page.getByLabel('问题描述')).toHaveValue(description);
  await page.getByRole('button', { name: '提交投诉' }).click();
  await page.getByRole('button', { name: '确认提交' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('提交成功');
  const shown = await page.getByTestId('tracking-number').innerText();
  const number = shown.replace(/\s/g, '');
  expect(number).toMatch(/^\d{14}$/);
  await expect(page).toHaveURL(new RegExp(`/receipt/${number}$`));
  // 漏水渗水 is urgent: signed for within 2 hours.
  await expect(page.locator('.receipt-deadlines')).toContainText('前签收');
  await screenshot(page, 'receipt-zh');
  await expectAccessible(page);

  // This device filed it, so it opens the progress view; anyone else looks it up by number.
  await page.getByRole('link', { name: '查看办理进度' }).click();
  await expect(page).toHaveURL(new RegExp(`/complaints/${number}$`));
  await openApp(page, `/track?number=${number}`);
  await expect(page.getByLabel('受理编号')).toHaveValue(number);
  await page.getByLabel('手机号').fill('13800138000');
  await page.getByRole('button', { name: '查询' }).click();

  const result = page.locator('.complaint-card');
  await expect(result).toContainText('已提交');
  await expect(result).toContainText(description);
  await expect(result).toContainText('玉林北苑');
  await expect(result).toContainText('5栋3单元12楼');
  await expect(result).toContainText('芙蓉里物业管理有限公司');
  await expect(result).toContainText('138****8000');
  await expect(result).not.toContainText('13800138000');
  await expect(result.locator('.timeline-item')).toHaveCount(1);
  await screenshot(page, 'track-found-zh');
  await expectAccessible(page);
});

test('an empty form shows every field error, summarised and next to each field', async ({ page }) => {
  await openApp(page, '/file');
  await expect(page.getByLabel('所在小区').locator('option')).not.toHaveCount(1);
  await page.getByRole('button', { name: '提交投诉' }).click();

  const summary = page.locator('#error-summary');
  await expect(summary).toBeVisible();
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('listitem')).toHaveCount(5);
  for (const [id, message] of [
    ['community', '请选择所在小区。'],
    ['category', '请选择问题类型。'],
    ['description', '请填写问题描述。'],
    ['phone', '请填写手机号。'],
    ['consent', '请阅读个人信息告知，并勾选同意。'],
  ]) {
    await expect(page.locator(`#${id}-error`)).toContainText(message);
    await expect(page.locator(`#${id}`)).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator(`#${id}`)).toHaveAttribute('aria-describedby', new RegExp(`${id}-error`));
  }
  await screenshot(page, 'file-errors-zh');
  await expectAccessible(page);

  // A summary entry takes the resident to its field.
  await summary.getByRole('link', { name: '请填写手机号。' }).click();
  await expect(page.locator('#phone')).toBeFocused();

  // Correcting one field and resubmitting leaves only the remaining errors.
  await page.getByLabel('手机号').fill('028-85123456');
  await page.getByRole('button', { name: '提交投诉' }).click();
  await expect(page.locator('#phone-error')).toContainText('请填写11位手机号');
  await expect(page).toHaveURL(/\/file$/);
});

test('a wrong phone and an unknown number get the same not-found answer', async ({ page, request }) => {
  const number = await fileThroughApi(request, '小区门口路灯不亮已经一周了');
  const answers: string[] = [];
  for (const [tracking, phone] of [
    [number, '13912345678'],
    [unfiledTrackingNumber(), DEMO_PHONE],
  ]) {
    await openApp(page, '/track');
    await page.getByLabel('受理编号').fill(tracking);
    await page.getByLabel('手机号').fill(phone);
    await page.getByRole('button', { name: '查询' }).click();
    const notice = page.getByRole('alert').filter({ hasText: '没有找到' });
    await expect(notice).toBeVisible();
    answers.push(await notice.innerText());
  }
  expect(answers[0]).toBe(answers[1]);
  await screenshot(page, 'track-not-found-zh');
  await expectAccessible(page);
});

test('a malformed tracking number is caught before asking the server', async ({ page }) => {
  await openApp(page, '/track');
  let lookups = 0;
  page.on('request', (r) => r.url().endsWith('/complaints/lookup') && lookups++);
  await page.getByLabel('受理编号').fill('2611 2701');
  await page.getByLabel('手机号').fill(DEMO_PHONE);
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.locator('#tracking-number-error')).toContainText('14位数字');
  expect(lookups).toBe(0);
  await expectAccessible(page);
});

test('markup typed into a complaint is shown as text, never run', async ({ page, request }) => {
  const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> javascript:alert(1)';
  const number = await fileThroughApi(request, hostile);
  page.on('dialog', (dialog) => {
    throw new Error(`unexpected dialog: ${dialog.message()}`);
  });
  await openApp(page, `/track?number=${number}`);
  await page.getByLabel('手机号').fill(DEMO_PHONE);
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.locator('.description-text')).toHaveText(hostile);
  await expect(page.locator('.description-text img')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test('the app works in English too', async ({ page }) => {
  await openApp(page, '/');
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('link', { name: /Report a problem/ })).toBeVisible();
  await screenshot(page, 'home-en');
  await expectAccessible(page);

  await page.getByRole('link', { name: /Report a problem/ }).click();
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.locator('#community-error')).toContainText('Community: please choose one.');
  await screenshot(page, 'file-errors-en');
  await expectAccessible(page);

  // The choice is remembered on this device.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Submit' })).toBeVisible();
});

test('deep links open the right page and unknown paths say so', async ({ page }) => {
  await openApp(page, '/track?number=26112700000001');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('查询进度');
  await expect(page.getByLabel('受理编号')).toHaveValue('26112700000001');

  await openApp(page, '/no/such/page');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('页面不存在');
  await screenshot(page, 'not-found-zh');
  await expectAccessible(page);
  await page.getByRole('link', { name: '返回首页' }).last().click();
  await expect(page).toHaveURL(/\/$/);
});

test('an Enter that picks an input-method candidate submits nothing; the next Enter does', async ({ page }) => {
  for (const [path, field] of [['/file', '问题描述'], ['/track', '手机号']] as const) {
    await openApp(page, path);
    const input = page.getByLabel(field);
    await input.click();
    // As when typing pinyin: a composition opens, Enter picks a candidate, the composition ends.
    await input.dispatchEvent('compositionstart', { data: '' });
    await input.press(field === '问题描述' ? 'Control+Enter' : 'Enter');
    await page.locator('form').first().evaluate((form: HTMLFormElement) => form.requestSubmit());
    await input.dispatchEvent('compositionend', { data: '楼顶' });
    await page.waitForTimeout(300);
    await expect(page.getByText('还有几处需要修改：'), `${path}: no validation while composing`).toHaveCount(0);

    await page.locator('form').first().evaluate((form: HTMLFormElement) => form.requestSubmit());
    await expect(page.getByText('还有几处需要修改：'), `${path}: validated once committed`).toBeVisible();
  }
});
