import { describe, expect, it } from 'vitest';
import { createTestUser, logInThroughForm, screenshotPath, useTestPage } from '@doitcrm/kit/testing';
import { createMapperApp } from '../src/app.ts';
import { mapperConfigShape } from '../src/config.ts';

const t = useTestPage('mapper', mapperConfigShape, createMapperApp);

describe('mapper export in Chromium', () => {
  it('when a viewer opens the workbench, then 导出 CSV is not offered; staff are offered it', async () => {
    const viewer = await createTestUser(t.context, 'viewer');
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await logInThroughForm(page, `${t.baseUrl}/`, viewer.username);
    await page.getByText('用户总数').waitFor();
    await page.getByRole('button', { name: '映射建议' }).waitFor();

    expect(await page.getByText('导出 CSV').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('mapper-desktop-viewer-toolbar.png') });
    await page.close();

    const staffPage = await t.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await t.logIn(staffPage);
    await staffPage.getByText('导出 CSV').waitFor();
    await staffPage.close();
  });
});
