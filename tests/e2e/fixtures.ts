import { test as base, expect, type Page, type FrameLocator, type APIRequestContext } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { deflateSync } from 'node:zlib';

/**
 * Every test fails on an uncaught error in the page, so a release build that renders a blank
 * page (a wasm that dies at start) can never pass.
 */
export const test = base.extend({
  page: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // A 4xx answer the app handles (not found, field errors) is logged by Chromium as a failed
      // resource load; that is expected, anything else logged as an error is not.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        problems.push(`console error: ${message.text()}`);
      }
    });
    await use(page);
    expect(problems, 'errors raised in the page').toEqual([]);
  },
});

export { expect };

/** Scans the page as it is now with axe-core at the WCAG 2.2 AA tags. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(summary, 'axe-core violations').toEqual([]);
}

/** Saves a full-page screenshot under target/e2e/screenshots for a person to look at. */
export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `target/e2e/screenshots/${name}.png`, fullPage: true });
}

export const DEMO_PHONE = '13800138000';

/** Files a complaint through the API (for tests about tracking, not filing); returns its number. */
export async function fileThroughApi(request: APIRequestContext, description: string, phone = DEMO_PHONE) {
  return (await fileReceipt(request, description, phone)).tracking_number as string;
}

/** Files a complaint through the API; returns the whole receipt, access token included. */
export async function fileReceipt(request: APIRequestContext, description: string, phone = DEMO_PHONE) {
  const [communities, categories] = await Promise.all([
    request.get('/api/v1/communities').then((r) => r.json()),
    request.get('/api/v1/categories').then((r) => r.json()),
  ]);
  const response = await request.post('/api/v1/complaints', {
    headers: { 'Idempotency-Key': crypto.randomUUID() },
    data: {
      community_id: communities[0].id,
      category_id: categories[0].children[0].id,
      description,
      phone,
      consent: true,
    },
  });
  expect(response.status()).toBe(201);
  return await response.json();
}

/** Gives this browser the access token of a complaint, as if it had filed it. */
export async function keepOnDevice(page: Page, number: string, token: string) {
  await page.goto('/');
  await page.evaluate(([n, t]) => localStorage.setItem('mashang.complaints', JSON.stringify({ [n]: t })), [number, token]);
}

/** Acts on a complaint as a demo member of staff, through the staff API. */
export async function actAsStaff(request: APIRequestContext, username: string, number: string, body: object) {
  const session = await request.post('/api/v1/staff/sessions', {
    data: { username, password: process.env.STAFF_PASSWORD },
  });
  expect(session.status(), 'staff sign-in (STAFF_PASSWORD comes from cargo xtask test)').toBe(200);
  const { token } = await session.json();
  const response = await request.post(`/api/v1/staff/complaints/${number}/actions`, {
    headers: { Authorization: `Bearer ${token}` },
    data: body,
  });
  expect(response.status(), JSON.stringify(await response.json())).toBe(200);
}

/** Waits until the wasm app has replaced the static shell. */
export async function openApp(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator('#app-shell')).toHaveCount(0);
  await expect(page.locator('main#main')).toBeVisible();
}

/** A well-formed tracking number (valid check digit) that no complaint has. */
export function unfiledTrackingNumber(): string {
  const body = '2601010000000';
  const sum = [...body].reverse().reduce((total, digit, index) => {
    const value = Number(digit) * (index % 2 === 0 ? 2 : 1);
    return total + (value > 9 ? value - 9 : value);
  }, 0);
  return body + String((10 - (sum % 10)) % 10);
}

/** The last sign-in code sent to `phone`, read back from the test server's development outbox.
 *  Fails, rather than handing back an error's fields, when no code has been sent. */
export async function sentCode(request: APIRequestContext, phone: string): Promise<string> {
  const answer = await request.get(`/api/v1/dev/codes/${phone}`);
  expect(answer.status(), `a code was sent to ${phone}`).toBe(200);
  const { code } = await answer.json();
  expect(code).toMatch(/^\d{6}$/);
  return code as string;
}

/** How many complaints were filed with this phone, asked of the server as a signed-in resident
 *  (the test server exposes sign-in codes for this). */
export async function complaintsFiledWith(request: APIRequestContext, phone: string) {
  expect((await request.post('/api/v1/auth/codes', { data: { phone } })).status()).toBe(202);
  const code = await sentCode(request, phone);
  const session = await (await request.post('/api/v1/auth/codes/verify', { data: { phone, code } })).json();
  const mine = await request.get('/api/v1/me/complaints', { headers: { Authorization: `Bearer ${session.token}` } });
  return (await mine.json()) as { tracking_number: string }[];
}

/** Fills the filing form with a valid complaint. */
export async function fillComplaint(page: Page | FrameLocator, description: string, phone: string) {
  await page.getByLabel('所在小区').selectOption({ label: '金府花园（金沙和家物业服务有限公司）' });
  await page.getByLabel('问题类型').selectOption({ label: '垃圾清运' });
  await page.getByLabel('问题描述').fill(description);
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('我已阅读并同意个人信息告知').check();
}

/** Sends a valid form: the first tap shows the review, the second sends. */
export async function sendComplaint(page: Page | FrameLocator) {
  await page.getByRole('button', { name: '提交投诉' }).click();
  await expect(page.getByRole('heading', { name: '请确认投诉内容' })).toBeVisible();
  await page.getByRole('button', { name: '确认提交' }).click();
}

function crc32(bytes: Buffer) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A real PNG photo-sized image: a gradient, width × height. */
export function png(width: number, height: number) {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      rows[row + 1 + x * 3] = x % 256;
      rows[row + 2 + x * 3] = y % 256;
      rows[row + 3 + x * 3] = 128;
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
