import { describe, expect, it } from 'vitest';
import { createTestUser, logInThroughForm, screenshotPath, useTestPage } from '@doitcrm/kit/testing';
import { createMessagesApp } from '../src/app.ts';
import { messagesConfigShape } from '../src/config.ts';

const t = useTestPage('messages', messagesConfigShape, createMessagesApp);
const STAFF_ACTIONS = ['导出家长沟通汇总 CSV', '导出 CSV', '导出文本', '智能总结'];

async function staffActionsOffered(page: import('playwright-core').Page): Promise<string[]> {
  await page.getByRole('tab', { name: '群体筛选与总结' }).click();
  await page.locator('[data-test=cohort-query]').waitFor();
  const offered: string[] = [];
  for (const label of STAFF_ACTIONS) if (await page.locator('.cohort-tab').getByText(label, { exact: true }).count() > 0) offered.push(label);
  return offered;
}

describe('cohort exports in Chromium', () => {
  it('when a viewer opens the cohort tab, then neither an export nor a summary is offered; staff are offered all four', async () => {
    const viewer = await createTestUser(t.context, 'viewer');
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await logInThroughForm(page, `${t.baseUrl}/`, viewer.username);

    expect(await staffActionsOffered(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('messages-desktop-viewer-cohort.png') });
    await page.close();

    const staffPage = await t.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await t.logIn(staffPage);
    expect(await staffActionsOffered(staffPage)).toEqual(STAFF_ACTIONS);
    await staffPage.close();
  });
});
