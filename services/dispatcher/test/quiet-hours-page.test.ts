import { describe, expect, it } from 'vitest';
import { screenshotPath, useTestPage, VIEWPORTS } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import { seedDemoTemplates } from '../src/domain/demo-templates.ts';

const t = useTestPage('dispatcher', dispatcherConfigShape, createDispatcherApp, {
  prepare: (context) => seedDemoTemplates(context.pool),
  timeout: 120_000,
});

describe('quiet hours on the 模板 tab in Chromium', () => {
  it('when staff give an SMS template its own quiet hours in the editor, then they are saved and the list shows them', async () => {
    const page = await t.browser.newPage({ viewport: VIEWPORTS.desktop });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await t.logIn(page);
    await page.getByRole('tab', { name: '模板' }).click();
    await page.locator('.disp-template-name', { hasText: '订单发货短信' }).click();
    const field = page.locator('.disp-quiet');
    expect(await field.locator('.el-radio-button.is-active').textContent()).toBe('跟随全局设置');

    await field.getByText('自定义').click();
    await page.getByLabel('照发优先级', { exact: true }).fill('10');
    await page.getByLabel('照发优先级', { exact: true }).press('Tab');
    await page.screenshot({ path: screenshotPath('dispatcher-desktop-template-quiet-hours.png') });
    await page.getByRole('button', { name: '保存' }).click();

    const row = page.locator('.el-table__row', { hasText: '订单发货短信' });
    await row.locator('.disp-quiet-cell', { hasText: '21:30–08:00（优先级 ≥ 10 照发）' }).waitFor();
    const { rows } = await t.context.pool.query("SELECT quiet_hours FROM dispatch.templates WHERE name = '订单发货短信'");
    expect(rows).toEqual([{ quiet_hours: { enabled: true, start: '21:30', end: '08:00', bypassPriority: 10 } }]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('when staff open a new alert rule, then its recipients\' quiet hours follow the template unless set, and 自定义 shows its hours', async () => {
    const page = await t.browser.newPage({ viewport: VIEWPORTS.desktop });
    await t.logIn(page);
    await page.getByRole('tab', { name: '告警规则' }).click();
    await page.getByRole('button', { name: '新建告警规则' }).click();
    const field = page.locator('.el-dialog .disp-quiet');
    expect(await field.locator('.el-radio-button.is-active').textContent()).toMatch(/^跟随模板/u);

    await field.getByText('自定义').click();

    expect(await page.getByLabel('照发优先级', { exact: true }).inputValue()).toBe('9');
    await page.screenshot({ path: screenshotPath('dispatcher-desktop-alert-rule-quiet-hours.png') });
    await page.close();
  });
});
