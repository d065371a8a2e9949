import { test, expectAccessible, openApp, fileReceipt, keepOnDevice, expect, screenshot } from './fixtures';

/** Every route, in both languages, with and without 长辈模式, and in the dark scheme the phone may
 *  ask for: zero axe violations (contrast included). */
const variants = [
  { locale: 'zh-CN', elder: false, dark: false },
  { locale: 'zh-CN', elder: true, dark: false },
  { locale: 'en', elder: false, dark: false },
  { locale: 'en', elder: true, dark: false },
  { locale: 'zh-CN', elder: false, dark: true },
  { locale: 'zh-CN', elder: true, dark: true },
];
for (const { locale, elder, dark } of variants) {
  test(`every route is accessible (${locale}${elder ? ', 长辈模式' : ''}${dark ? ', dark' : ''})`, async ({ page, request }) => {
    test.setTimeout(90_000);
    await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light' });
    const receipt = await fileReceipt(request, '无障碍检查用的投诉：楼道灯不亮');
    await keepOnDevice(page, receipt.tracking_number, receipt.access_token);
    await page.evaluate(([language, large]) => {
      localStorage.setItem('mashang.locale', language);
      localStorage.setItem('mashang.elder', large ? 'on' : 'off');
    }, [locale, elder] as const);
    // Each route with what shows that it rendered its own page.
    const routes = [
      ['/', '.home-actions'],
      ['/file', '.complaint-form'],
      [`/receipt/${receipt.tracking_number}`, '.receipt'],
      [`/track?number=${receipt.tracking_number}`, '.lookup-form'],
      [`/complaints/${receipt.tracking_number}`, '.complaint-card'],
      ['/mine', '.complaint-list'],
      ['/scorecards', '.score-roll'],
      ['/scorecards/companies/1', '.trend-table'],
      ['/no/such/page', 'main .button-primary'],
    ];
    for (const [index, [route, landmark]] of routes.entries()) {
      await openApp(page, route);
      await expect(page.locator(landmark).first(), `${route} shows its page`).toBeVisible();
      await expect(page.locator('html')).toHaveAttribute('lang', locale);
      await expect(page.locator('main#main')).not.toBeEmpty();
      // Let the data arrive before scanning.
      await page.waitForLoadState('networkidle');
      await screenshot(page, `sweep-${dark ? 'dark-' : ''}${elder ? 'elder-' : ''}${locale}-${index}`);
      await expectAccessible(page);
      // Nothing wider than the phone: no sideways scrolling, whatever the language and type size.
      // (Measured on the elements, against the configured width: a phone browser widens its
      // layout to fit what overflows, so the document's own width would not tell.)
      const width = page.viewportSize()?.width ?? 360;
      const rightmost = await page.evaluate(() =>
        Math.max(...[...document.querySelectorAll('body *')].map((element) => element.getBoundingClientRect().right)));
      expect(rightmost, `${route} is wider than the screen`).toBeLessThanOrEqual(width + 0.5);
    }
  });
}
