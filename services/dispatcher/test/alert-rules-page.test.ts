import { describe, expect, it } from 'vitest';
import { screenshotPath, useTestPage } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import { seedDemoAlertRules } from '../src/domain/demo-alert-rules.ts';
import { seedDemoTemplates } from '../src/domain/demo-templates.ts';

const t = useTestPage('dispatcher', dispatcherConfigShape, createDispatcherApp, {
  prepare: async (context) => {
    await seedDemoTemplates(context.pool);
    await seedDemoAlertRules(context.pool);
  },
  timeout: 120_000,
});

describe('alert rules tab in Chromium', () => {
  it('when staff open the alert rules tab and add a rule, then the demo rules and the new one are listed and the rule is stored', async () => {
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await t.logIn(page);

    await page.getByRole('tab', { name: '告警规则' }).click();
    await page.locator('.disp-rule-name', { hasText: '需关注班级 → 校长群机器人' }).waitFor();
    await page.getByRole('button', { name: '新建告警规则' }).click();
    await page.getByLabel('规则名称').fill('关键词告警 → 教务群');
    await page.locator('.el-select:has(input[aria-label="告警类型"])').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '关键词' }).click();
    await page.locator('.el-select:has(input[aria-label="接收人"]) input').fill('教务群');
    await page.locator('.el-select-dropdown__item:visible', { hasText: '教务群' }).click();
    await page.locator('.el-select:has(input[aria-label="接收人"]) .el-tag', { hasText: '教务群' }).waitFor();
    await page.screenshot({ path: screenshotPath('dispatcher-desktop-alert-rule.png') });
    await page.getByRole('button', { name: '保存' }).click();

    await page.locator('.disp-rule-name', { hasText: '关键词告警 → 教务群' }).waitFor();
    const { rows } = await t.context.pool.query("SELECT kind, recipients FROM dispatch.alert_rules WHERE name = '关键词告警 → 教务群'");
    expect(rows).toEqual([{ kind: 'keyword', recipients: ['教务群'] }]);
    expect(await page.locator('.disp-alert-rules .el-table__row').count()).toBe(3);
    await page.locator('.disp-alert-rules .el-loading-mask').waitFor({ state: 'hidden' });
    await page.screenshot({ path: screenshotPath('dispatcher-desktop-alert-rules.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
