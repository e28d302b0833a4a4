import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath, useTestPage } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import { seedDemoTemplates } from '../src/domain/demo-templates.ts';

const t = useTestPage('dispatcher', dispatcherConfigShape, createDispatcherApp, {
  prepare: (context) => seedDemoTemplates(context.pool),
  timeout: 120_000,
});

async function openPage(page: Page): Promise<void> {
  await t.logIn(page);
  // the monitor is the first tab; the templates have their own
  await page.getByRole('tab', { name: '模板' }).click();
  await page.locator('.disp-template-name', { hasText: '订单发货短信' }).waitFor();
}

describe('dispatcher page in Chromium', () => {
  it('when staff write an e-mail template, then the preview names the missing variable, shows a value\'s markup escaped, and the saved template is listed', async () => {
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await openPage(page);
    await page.screenshot({ path: screenshotPath('dispatcher-desktop-templates.png') });

    await page.getByRole('button', { name: '新建模板' }).click();
    await page.getByLabel('模板名称').fill('报名确认邮件');
    // the dropdown slides open: under load a click on an option still moving can be lost, so pick until it shows
    const channel = page.locator('.el-select:has(input[aria-label="渠道"])');
    for (let tries = 0; tries < 5 && !((await channel.textContent()) ?? '').includes('邮件'); tries += 1) {
      await channel.click();
      await page.locator('.el-select-dropdown__item:visible', { hasText: '邮件' }).first().click();
      await page.waitForTimeout(300);
    }
    expect(await channel.textContent()).toContain('邮件');
    await page.getByLabel('主题').fill('{{student_name}} 报名成功');
    await page.getByLabel('正文').fill('<p>{{parent_name}}您好，{{student_name}} 已报名 {{course}}。</p>');
    await page.locator('.disp-missing', { hasText: '缺少变量：student_name、parent_name、course' }).waitFor();

    await page.getByLabel('示例值 student_name').fill('李小明');
    await page.getByLabel('示例值 parent_name').fill('李');
    await page.getByLabel('示例值 course').fill('<b>英语</b>');
    await page.locator('.disp-preview-subject', { hasText: '李小明 报名成功' }).waitFor();
    const preview = page.frameLocator('iframe.disp-preview-html');
    await preview.locator('p', { hasText: '李您好，李小明 已报名 <b>英语</b>。' }).waitFor();
    expect(await preview.locator('b').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('dispatcher-desktop-editor.png') });

    await page.getByRole('button', { name: '保存' }).click();
    await page.locator('.disp-template-name', { hasText: '报名确认邮件' }).waitFor();
    const row = page.locator('.el-table__row', { hasText: '报名确认邮件' });
    expect(await row.locator('.disp-var').allTextContents()).toEqual(['student_name', 'parent_name', 'course']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('when a phone opens a robot template, then the editor fills the screen and the preview shows the markdown with values escaped', async () => {
    const page = await t.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await openPage(page);
    await page.locator('.disp-template-name', { hasText: '班级需关注提醒' }).click();
    await page.getByLabel('示例值 class_name').fill('三年级*1班');
    await page.locator('.disp-preview-text', { hasText: '**需关注：三年级\\*1班**' }).waitFor();
    const drawer = await page.locator('.el-drawer').boundingBox();
    expect(drawer?.width).toBeGreaterThanOrEqual(389);
    await page.screenshot({ path: screenshotPath('dispatcher-phone-editor.png'), fullPage: true });
    await page.close();
  });
});
