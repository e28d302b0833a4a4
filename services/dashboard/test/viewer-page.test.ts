import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createTestUser, logInThroughForm, screenshotPath, useTestPage } from '@doitcrm/kit/testing';
import { createDashboardApp } from '../src/app.ts';
import { dashboardConfigShape } from '../src/config.ts';
import { evaluateAlerts } from '../src/domain/evaluate-alerts.ts';
import { refreshRollups } from '../src/domain/refresh-rollups.ts';
import { createClass, daysAgo, insertMessages } from './fixtures.ts';

const t = useTestPage('dashboard', dashboardConfigShape, createDashboardApp, {
  async prepare(context) {
    const cls = await createClass(context.pool, ['在读']);
    await insertMessages(context.pool, [{ from: cls.parents[0]!, roomId: cls.roomId, at: daysAgo(2), content: '我们想退费' }]);
    await refreshRollups(context.pool, { full: true }, { timezone: 'Asia/Shanghai' });
    await evaluateAlerts(context.pool, { timezone: 'Asia/Shanghai' });
  },
});

/** The export menu's entries, as the signed-in user is offered them. */
async function exportEntries(page: Page): Promise<string[]> {
  await page.getByRole('button', { name: '导出' }).click();
  const menu = page.locator('.el-dropdown-menu:visible');
  await menu.waitFor();
  return (await menu.locator('.el-dropdown-menu__item').allInnerTexts()).map((text) => text.trim());
}

describe('dashboard exports in Chromium', () => {
  it('when a viewer opens the dashboard, then only the report of classes is offered, neither the alert nor a class\'s student export', async () => {
    const viewer = await createTestUser(t.context, 'viewer');
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await logInThroughForm(page, `${t.baseUrl}/`, viewer.username);
    await page.locator('.dash-class').first().waitFor();

    expect(await exportEntries(page)).toEqual(['班级报告 Excel', '班级报告 CSV']);
    await page.screenshot({ path: screenshotPath('dashboard-desktop-viewer-exports.png') });
    await page.keyboard.press('Escape');
    await page.locator('.dash-class').first().click();
    await page.getByText('学员与家长').waitFor();
    expect(await page.getByRole('link', { name: '导出本班 Excel' }).count()).toBe(0);
    await page.screenshot({ path: screenshotPath('dashboard-desktop-viewer-class.png') });
    await page.close();
  });

  it('when staff open the dashboard, then the alert exports are offered too', async () => {
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await t.logIn(page);
    await page.locator('.dash-class').first().waitFor();

    expect(await exportEntries(page)).toEqual(['班级报告 Excel', '班级报告 CSV', '异常提醒 Excel', '异常提醒 CSV']);
    await page.close();
  });
});
