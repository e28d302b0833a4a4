import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createTestUser, logInThroughForm, screenshotPath, useTestPage, VIEWPORTS } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';

const t = useTestPage('dispatcher', dispatcherConfigShape, createDispatcherApp, { timeout: 120_000 });

async function openConfig(page: Page, role: 'admin' | 'viewer'): Promise<void> {
  const user = await createTestUser(t.context, role);
  await logInThroughForm(page, `${t.baseUrl}/`, user.username);
  await page.getByRole('tab', { name: '配置' }).click();
  await page.locator('.disp-config[data-key="limits"] .disp-scope').first().waitFor();
}

/** Types into a number field of the form and leaves it, so Element Plus takes the value. */
async function type(page: Page, label: string, value: string): Promise<void> {
  const input = page.getByLabel(label, { exact: true });
  await input.fill(value);
  await input.press('Tab');
}

describe('dispatcher configuration form in Chromium', () => {
  it('when an admin sets Aliyun\'s daily cap through the form, then a bad value is refused under the named field, and a good one is confirmed, saved and in force', async () => {
    const page = await t.browser.newPage({ viewport: VIEWPORTS.desktop });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await openConfig(page, 'admin');
    const limits = page.locator('.disp-config[data-key="limits"]');
    expect(await limits.locator('.disp-config-version').textContent()).toBe('版本 0');

    await type(page, '阿里云短信 每日上限', '0');
    await limits.locator('.disp-config-save').click();
    const confirm = page.locator('.disp-config-confirm');
    await confirm.locator('.disp-config-diff', { hasText: 'providers.aliyun.dailyCap' }).waitFor();
    expect(await confirm.locator('.disp-diff-after').allTextContents()).toEqual(['0']);
    await confirm.locator('.disp-config-confirm-save').click();
    const field = limits.locator('[data-path="providers.aliyun.dailyCap"]');
    await field.locator('.el-form-item__error').waitFor();
    await limits.locator('.disp-config-problems', { hasText: 'value.providers.aliyun.dailyCap' }).waitFor();
    await page.screenshot({ path: screenshotPath('dispatcher-desktop-config-refused.png'), fullPage: true });
    expect((await t.context.pool.query("SELECT 1 FROM dispatch.configs WHERE key = 'limits'")).rows).toEqual([]);

    await type(page, '阿里云短信 每日上限', '50000');
    await limits.locator('.disp-config-save').click();
    await confirm.locator('.disp-config-confirm-save').click();
    await limits.locator('.disp-config-saved', { hasText: '已保存，版本 1' }).waitFor();
    // Element Plus fades the message out
    await expect.poll(() => field.locator('.el-form-item__error').count()).toBe(0);
    expect(await limits.locator('.disp-config-problems').count()).toBe(0);
    expect(await limits.locator('.disp-config-by').textContent()).toMatch(/最后由 \S+ 修改于/u);
    const { rows } = await t.context.pool.query("SELECT value, version FROM dispatch.configs WHERE key = 'limits'");
    expect(rows[0]!.version).toBe(1);
    expect(rows[0]!.value.providers.aliyun).toEqual({ rate: [{ limit: 5000, windowMs: 1000 }], dailyCap: 50000 });
    expect(rows[0]!.value.providers.tencent).toEqual({ rate: [{ limit: 3000, windowMs: 1000 }] });
    await limits.locator('.disp-config-raw .el-collapse-item__header').click();
    await limits.locator('.disp-config-json', { hasText: '"dailyCap": 50000' }).waitFor();
    await page.screenshot({ path: screenshotPath('dispatcher-desktop-config-form.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('when a viewer opens the configuration on a phone, then every field is read-only, there is no save, and nothing runs off the screen', async () => {
    const page = await t.browser.newPage({ viewport: VIEWPORTS.phone, isMobile: true, hasTouch: true });
    await openConfig(page, 'viewer');

    expect(await page.locator('.disp-config-save').count()).toBe(0);
    expect(await page.getByLabel('阿里云短信 每日上限', { exact: true }).isDisabled()).toBe(true);
    expect(await page.getByLabel('最多尝试', { exact: true }).isDisabled()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORTS.phone.width);
    await page.screenshot({ path: screenshotPath('dispatcher-phone-config.png') });
    await page.close();
  });
});
