import { test, expect, expectAccessible, screenshot, openApp, fillComplaint, fileReceipt, keepOnDevice, sendComplaint, png } from './fixtures';

test('photos are shrunk in the browser, uploaded one by one, kept in the draft and filed', async ({ page }) => {
  test.setTimeout(60_000);
  await openApp(page, '/file');
  await fillComplaint(page, '垃圾站旁边堆满了装修垃圾，附照片', '13700000044');
  const uploaded = page.waitForResponse((r) => r.url().endsWith('/api/v1/photos') && r.request().method() === 'POST');
  await page.locator('#photo-input').setInputFiles({ name: 'IMG_0001.png', mimeType: 'image/png', buffer: png(2400, 1200) });
  const photo = await (await uploaded).json();
  expect(photo.width).toBe(1600);
  expect(photo.height).toBe(800);
  await expect(page.locator('.photo-tile')).toHaveCount(1);
  await expect(page.locator('.photo-status')).toHaveText('已上传');
  await expect(page.locator('label.photo-add')).toHaveText('＋ 拍照或选择照片');
  await screenshot(page, 'file-photo-zh');
  await expectAccessible(page);

  // A reload keeps the uploaded photo with the rest of the draft.
  await page.reload();
  await expect(page.locator('#app-shell')).toHaveCount(0);
  // The preview comes back through the uploader's signed capability, and loads.
  await expect(page.locator('.photo-tile img')).toHaveAttribute('src', new RegExp(`/photos/${photo.id}\\?exp=\\d+&sig=`));
  await expect.poll(() => page.locator('.photo-tile img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  await expect(page.locator('.photo-status')).toHaveText('已上传');

  // Removing and adding again works; then the complaint is filed with its photo.
  await page.getByRole('button', { name: '删除这张照片' }).click();
  await expect(page.locator('.photo-tile')).toHaveCount(0);
  await page.locator('#photo-input').setInputFiles({ name: 'IMG_0001.png', mimeType: 'image/png', buffer: png(2400, 1200) });
  await expect(page.locator('.photo-status')).toHaveText('已上传');
  await sendComplaint(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('提交成功');
  await page.getByRole('link', { name: '查看办理进度' }).click();
  await expect(page.locator('.timeline-photo img')).toHaveCount(1);
  await expect(page.locator('.timeline-photo img')).toHaveAttribute('src', new RegExp(`/photos/${photo.id}\\?exp=\\d+&sig=`));

  // A photo opens full-screen, and Esc closes it.
  await page.locator('.timeline-photo').click();
  const viewer = page.getByRole('dialog');
  await expect(viewer).toBeVisible();
  await expect(viewer.getByRole('img', { name: '照片 1' })).toBeVisible();
  await screenshot(page, 'photo-viewer-zh');
  await expectAccessible(page);
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
  await expect(page).toHaveURL(/\/complaints\//);
});

test('a file that is not a photo is refused next to it, and can be removed', async ({ page }) => {
  await openApp(page, '/file');
  await page.locator('#photo-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
  await expect(page.locator('.photo-failed .photo-status')).toHaveText('这张照片打不开，请换一张。');
  await page.getByRole('button', { name: '删除这张照片' }).click();
  await expect(page.locator('.photo-tile')).toHaveCount(0);
});

test('photos alone make a supplement, and appear on the timeline', async ({ page, request }) => {
  const receipt = await fileReceipt(request, '楼道墙面大面积脱落，补充照片');
  await keepOnDevice(page, receipt.tracking_number, receipt.access_token);
  await openApp(page, `/complaints/${receipt.tracking_number}`);
  await page.getByRole('button', { name: '补充材料' }).click();
  await page.locator('#photo-input').setInputFiles({ name: 'wall.png', mimeType: 'image/png', buffer: png(800, 600) });
  await expect(page.locator('.photo-status')).toHaveText('已上传');
  await screenshot(page, 'progress-supplement-zh');
  await expectAccessible(page);
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: '已提交，办理进度已更新。' })).toBeVisible();
  const last = page.locator('.timeline-item').last();
  await expect(last).toContainText('补充材料');
  await expect(last.locator('.timeline-photo img')).toHaveCount(1);
});
