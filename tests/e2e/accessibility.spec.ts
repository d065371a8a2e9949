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
  {
    test(`every route is accessible (${locale}${elder ? ', 长辈模式' : ''}${dark ? ', dark' : ''})`, async ({ page, request }) => {
      test.setTimeout(90_000);
      await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light' });
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
        if (elder || dark) {
          await screenshot(page, `${dark ? 'dark-' : ''}${elder ? 'elder-' : ''}${locale}-${index}`);
        }
        await expectAccessible(page);
      }
    });
  }
}
