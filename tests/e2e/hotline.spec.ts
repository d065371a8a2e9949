import { createHmac } from 'node:crypto';
import { test, expect, expectAccessible, screenshot, openApp } from './fixtures';

/** A resident who called the 12345 hotline finds that complaint in 我的投诉, with where it came
 *  from, once the hotline's tickets are imported (README, "12345 hotline exchange"). */
test('a hotline caller signs in and finds their imported ticket in 我的投诉, marked 来自12345热线', async ({ page, request }) => {
  const key = process.env.HOTLINE_KEY;
  const secret = process.env.HANDOFF_SECRET;
  expect(key && secret, 'HOTLINE_KEY and HANDOFF_SECRET come from cargo xtask test').toBeTruthy();
  const phone = '1371234' + String(Date.now() % 10000).padStart(4, '0');
  const ticketId = `SC12345-E2E-${Date.now()}`;
  const ticket = {
    ticket_id: ticketId,
    received_at: new Date(Date.now() - 3600_000).toISOString(),
    caller_phone: phone,
    community: '金府花园',
    category: '电梯故障',
    content: '来电反映：5栋电梯停运两天，家里老人下不了楼',
    hotline_status: '已派单',
  };
  const imported = await request.post('/api/v1/hotline/imports', {
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
    data: JSON.stringify(ticket) + '\n',
  });
  expect(imported.status()).toBe(200);
  expect((await imported.json()).imported).toBe(1);

  // Signed in as the citizen-services app signs residents in.
  const message = `v1.${phone}.${Math.floor(Date.now() / 1000) + 300}`;
  const token = `${message}.${createHmac('sha256', secret!).update(message).digest('base64url')}`;
  await openApp(page, `/mine#handoff=${token}`);
  const row = page.locator('.complaint-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('电梯故障');
  await expect(row.locator('.origin-badge')).toHaveText('来自12345热线');
  await screenshot(page, 'mine-from-hotline-zh');
  await expectAccessible(page);
  await row.click();

  const origin = page.locator('.timeline-item').filter({ hasText: '来自12345热线' });
  await expect(origin).toHaveCount(1);
  await expect(origin).toContainText(`热线工单 ${ticketId}（热线状态：已派单）`);
  await expect(page.getByText('5栋电梯停运两天')).toBeVisible();
  await screenshot(page, 'complaint-from-hotline-zh');
  await expectAccessible(page);
});
