import { test, expectAccessible, openApp, fileReceipt, keepOnDevice, expect, screenshot } from './fixtures';

/** Every route, in both languages, with and without 长辈模式: zero axe violations. */
for (const locale of ['zh-CN', 'en']) {
  for (const elder of [false, true]) {
    test(`every route is accessible (${locale}${elder ? ', 长辈模式' : ''})`, async ({ page, request }) => {
      test.setTimeout(90_000);
      const receipt = await fileReceipt(request, '无障碍检查用的投诉：楼道灯不亮');
      await keepOnDevice(page, receipt.tracking_number, receipt.access_token);
      await page.evaluate(([language, large]) => {
        localStorage.setItem('mashang.locale', language);
        localStorage.setItem('mashang.elder', large ? 'on' : 'off');
      }, [locale, elder] as const);
      const routes = [
        '/',
        '/file',
        `/receipt/${receipt.tracking_number}`,
        `/track?number=${receipt.tracking_number}`,
        `/complaints/${receipt.tracking_number}`,
        '/mine',
        '/no/such/page',
      ];
      for (const [index, route] of routes.entries()) {
        await openApp(page, route);
        await expect(page.locator('html')).toHaveAttribute('lang', locale);
        await expect(page.locator('main#main')).not.toBeEmpty();
        // Let the data arrive before scanning.
        await page.waitForLoadState('networkidle');
        if (elder) {
          await screenshot(page, `elder-${locale}-${index}`);
        }
        await expectAccessible(page);
      }
    });
  }
}
