import { describe, expect, it } from 'vitest';
import { screenshotPath, useTestPage } from '@doitcrm/kit/testing';
import { createEtlApp } from '../src/app.ts';
import { etlConfigShape } from '../src/config.ts';
import { startImportConsumer } from '../src/entry-points/queue/import-consumer.ts';
import { manyTextRecords, toJsonl } from './archive-factory.ts';

const t = useTestPage('etl', etlConfigShape, createEtlApp, { prepare: startImportConsumer });

describe('ETL page in Chromium', () => {
  it('when a signed-out user opens the page, then it asks for a login and shows no data', async () => {
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 800 } });

    await page.goto(`${t.baseUrl}/`);

    await expect(page.getByRole('button', { name: '登录' })).toBeDefined();
    await page.getByPlaceholder('请输入用户名').waitFor();
    expect(await page.getByText('消息总数').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('etl-login.png') });
    await page.close();
  });

  it('when staff log in and upload an archive with a hostile file name, then the import runs live and the counts and quarantine show, escaped', async () => {
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 800 } });
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => { dialogs.push(dialog.message()); void dialog.dismiss(); });
    const hostileName = '<img src=x onerror=alert(1)>班级群.jsonl';
    const body = toJsonl([...manyTextRecords(12), 'oops not json']);

    await t.logIn(page);
    await page.getByText('还没有导入任何聊天记录').waitFor();
    await page.screenshot({ path: screenshotPath('etl-empty.png') });
    await page.locator('input[type=file]').setInputFiles({ name: hostileName, mimeType: 'application/x-ndjson', buffer: Buffer.from(body) });
    await page.getByRole('button', { name: '开始导入' }).click();
    await page.getByRole('button', { name: '导入下一个文件' }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: '刷新' }).click();
    await page.getByText('消息总数').waitFor();
    await page.screenshot({ path: screenshotPath('etl-after-import.png'), fullPage: true });

    const text = await page.locator('body').innerText();
    expect(text).toContain(hostileName);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(text).toMatch(/消息总数\s*12/);
    expect(text).toContain('隔离');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshotPath('etl-phone.png'), fullPage: true });
    await page.close();
  });
});
