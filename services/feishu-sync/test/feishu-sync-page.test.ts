import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createTestUser, logInThroughForm, screenshotPath, useTestPage } from '@doitcrm/kit/testing';
import { createFeishuSyncApp } from '../src/app.ts';
import { feishuSyncConfigShape } from '../src/config.ts';
import { finishRun, insertRun } from '../src/data-access/run-repository.ts';
import { acceptUpload } from '../src/domain/accept-upload.ts';
import { sampleCsv } from '../src/domain/sample-file.ts';
import { startSyncConsumer } from '../src/entry-points/queue/sync-consumer.ts';
import { connectionOf, exportCsv, fakeStudents, feishuEnv, tablesSnapshot, useFeishuFake } from './feishu-fixture.ts';

const feishu = useFeishuFake();
const t = useTestPage('feishu-sync', feishuSyncConfigShape, (context) => createFeishuSyncApp(context, connectionOf(context)), {
  env: () => feishuEnv(feishu),
  prepare: (context) => startSyncConsumer(context, connectionOf(context)),
  timeout: 120_000,
});

const csvFile = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });

/** A finished run in the history (its upload made here), without writing to the fake. */
async function finishedRun(): Promise<number> {
  const upload = await acceptUpload(t.context.pool, { bytes: Buffer.from(sampleCsv()), fileName: '历史.csv', userId: null }, 10);
  const run = await insertRun(t.context.pool, { uploadId: upload.uploadId, jobId: null, createdBy: null });
  await finishRun(t.context.pool, run.id, { state: 'succeeded' });
  return run.id;
}

async function openPage(page: Page): Promise<void> {
  await t.logIn(page);
  await page.getByText('将小鹅通导出的 CSV 或 .xlsx 拖到此处').waitFor();
}

describe('feishu-sync page in Chromium', () => {
  it('when staff upload the sample with a renamed column, map it, preview, sync and roll back, then each step shows its figures and the tables end as they began', async () => {
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const before = tablesSnapshot(feishu);
    const studentsBefore = fakeStudents(feishu).length;
    await openPage(page);
    expect(await page.getByRole('link', { name: '下载示例文件' }).getAttribute('href')).toBe('/api/sample.csv');
    await page.getByText('单个文件不超过 10 MB').waitFor();
    await page.screenshot({ animations: 'disabled', path: screenshotPath('feishu-sync-desktop-upload.png') });

    // the sample with its course column named as no 小鹅通 export does: refused until the mapping names it
    const renamed = sampleCsv().replace('课程', '班课名');
    await page.locator('.dc-file-drop input[type=file]').setInputFiles(csvFile('小鹅通导出.csv', renamed));
    await page.getByText(/缺少.*课程/).first().waitFor();
    await page.getByRole('button', { name: '下一步：字段映射' }).click();
    await page.getByLabel('课程 对应的列').fill('班课名');
    await page.screenshot({ animations: 'disabled', path: screenshotPath('feishu-sync-desktop-mapping.png') });
    await page.getByRole('button', { name: '保存映射并重新检查文件' }).click();

    const check = page.getByRole('region', { name: '文件检查结果' });
    await check.getByText('有效 3 行').waitFor();
    expect(await check.innerText()).toContain('UTF-8');
    expect(await check.innerText()).toContain('课程 ← 班课名');
    expect(await check.innerText()).toContain('199****1234');
    expect(await check.innerText()).not.toContain('19900001234');
    expect((await t.context.pool.query("SELECT mapping->>'course' AS course FROM feishu.field_mappings WHERE name = 'default'")).rows[0].course).toBe('班课名');

    await page.getByRole('button', { name: '预览同步（不写入）' }).click();
    const preview = page.getByRole('region', { name: '预览结果' });
    await preview.getByText('没有写入任何数据').waitFor();
    expect(await preview.locator('.dc-stat', { hasText: '新学员' }).first().innerText()).toContain('2');
    expect(await preview.locator('.dc-stat', { hasText: '新学习记录' }).innerText()).toContain('3');
    expect(await preview.locator('.el-table__row:visible').count()).toBe(2);
    await page.screenshot({ animations: 'disabled', path: screenshotPath('feishu-sync-desktop-preview.png'), fullPage: true });

    await page.getByRole('button', { name: '开始同步' }).click();
    await page.getByText('同步完成', { exact: true }).waitFor({ timeout: 60_000 });
    expect(await page.locator('.fs-result-counts').innerText()).toBe('新学员 2，更新学员 0，新学习记录 3，跳过已有 0');
    expect(await page.locator('.fs-result').innerText()).toMatch(/调用飞书 API \d+ 次/);
    expect(fakeStudents(feishu).length).toBe(studentsBefore + 2);
    await page.screenshot({ animations: 'disabled', path: screenshotPath('feishu-sync-desktop-synced.png'), fullPage: true });

    await page.getByRole('button', { name: '查看历史' }).click();
    const row = page.locator('.fs-history .el-table__row').first();
    await row.getByText('新学员 2，更新学员 0，新学习记录 3').waitFor();
    expect(await row.innerText()).toContain('已完成');
    expect(await row.locator('.fs-file-name').innerText()).toBe('小鹅通导出.csv');
    expect(await row.innerText()).toContain('3 行');
    expect(await row.getByRole('link', { name: '错误报告' }).getAttribute('href')).toMatch(/^\/api\/runs\/\d+\/errors\.csv$/);
    await row.getByRole('button', { name: '回滚' }).click();
    const dialog = page.getByRole('dialog', { name: '回滚同步' });
    await dialog.waitFor();
    await page.screenshot({ animations: 'disabled', path: screenshotPath('feishu-sync-desktop-rollback-confirm.png') });
    // the students' delete waits out a 429, so the rollback job's progress is on screen for a moment
    const slow = feishu.fake.inject({ kind: 'rate_limited', endpoint: 'records_batch_delete', after: 1, times: 1, resetSeconds: 2 });
    await dialog.getByRole('button', { name: '回滚' }).click();
    const progress = page.getByRole('region', { name: '回滚进度' });
    await progress.getByText('3 / 5').waitFor();
    expect(await progress.innerText()).toContain('正在回滚第');
    await page.screenshot({ animations: 'disabled', path: screenshotPath('feishu-sync-desktop-rollback-progress.png') });
    await row.getByText('已回滚').waitFor();
    slow.remove();
    await page.getByText('已回滚：删除 5 条，恢复 0 条').waitFor();
    expect(tablesSnapshot(feishu)).toBe(before);
    await page.screenshot({ animations: 'disabled', path: screenshotPath('feishu-sync-desktop-history.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('when an export has bad cells, then each is listed by row and column and the good rows are counted', async () => {
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await openPage(page);
    const csv = exportCsv(['用户ID', '昵称', '手机号', '课程', '学习日期'], [
      ['u_page_1', '好行', '19900007777', '非暴力沟通入门课', '2025-05-01'],
      ['u_page_2', '坏日期', '', '非暴力沟通入门课', '明天'],
      ['u_page_3', '坏手机', '12345', '非暴力沟通入门课', '2025-05-03'],
    ]);
    await page.locator('.dc-file-drop input[type=file]').setInputFiles(csvFile('有错误.csv', csv));
    const check = page.getByRole('region', { name: '文件检查结果' });
    await check.getByText('有效 1 行').waitFor();
    const cells = await check.locator('.fs-errors .el-table__row').evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('td')).slice(0, 2).map((td) => td.textContent?.trim())));
    expect(cells).toEqual([['3', '学习日期'], ['4', '手机号']]);
    await page.screenshot({ animations: 'disabled', path: screenshotPath('feishu-sync-desktop-bad-rows.png'), fullPage: true });
    await page.close();
  });

  it('when a viewer opens the page, then upload, rollback and the connection test are disabled with the reason, and the API refuses them', async () => {
    // a finished run in the history, so there is a rollback button to find disabled
    const runId = await finishedRun();
    const viewer = await createTestUser(t.context, 'viewer');
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await logInThroughForm(page, `${t.baseUrl}/`, viewer.username);
    await page.locator('.fs-viewer-note').getByText('查看者只能查看').waitFor();
    expect(await page.locator('.dc-file-drop input[type=file]').isDisabled()).toBe(true);
    await page.screenshot({ animations: 'disabled', path: screenshotPath('feishu-sync-desktop-viewer.png') });

    await page.getByRole('tab', { name: '历史' }).click();
    const rollback = page.locator('.fs-history .el-table__row')
      .filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${runId}$`) }) }).getByRole('button', { name: '回滚' });
    await rollback.waitFor();
    expect(await rollback.isDisabled()).toBe(true);
    await page.getByRole('tab', { name: '测试连接' }).click();
    expect(await page.getByRole('button', { name: '测试连接' }).isDisabled()).toBe(true);

    const request = page.request;
    const upload = await request.post(`${t.baseUrl}/api/uploads`, { multipart: { file: csvFile('x.csv', sampleCsv()) } });
    expect(upload.status()).toBe(403);
    expect((await request.post(`${t.baseUrl}/api/runs`, { data: { uploadId: 1 } })).status()).toBe(403);
    expect((await request.post(`${t.baseUrl}/api/runs/${runId}/rollback`)).status()).toBe(403);
    expect((await t.context.pool.query('SELECT state FROM feishu.runs WHERE id = $1', [runId])).rows[0].state).toBe('succeeded');
    expect((await request.post(`${t.baseUrl}/api/test-connection`)).status()).toBe(403);
    expect((await request.put(`${t.baseUrl}/api/mapping`, { data: {} })).status()).toBe(403);
    expect((await request.get(`${t.baseUrl}/api/runs`)).status()).toBe(200);
    await page.close();
  });

  it('when the records table lacks a field, then the connection test names it', async () => {
    const table = feishu.fake.state.bases.get(feishu.fake.demo.appToken)!.tables.get(feishu.fake.demo.recordsTableId)!;
    const index = table.fields.findIndex((f) => f.field_name === '学习日期');
    const [removed] = table.fields.splice(index, 1);
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 900 } });
    try {
      await openPage(page);
      await page.getByRole('tab', { name: '测试连接' }).click();
      await page.getByRole('button', { name: '测试连接' }).click();
      const result = page.getByRole('region', { name: '连接测试结果' });
      await result.getByText('缺少字段：学习日期').waitFor();
      expect(await result.innerText()).toContain('连接有问题');
      await page.screenshot({ animations: 'disabled', path: screenshotPath('feishu-sync-desktop-connection.png') });
    } finally {
      table.fields.splice(index, 0, removed!);
      await page.close();
    }
  });

  it('when staff open the page on a phone, then the steps, the drop zone and the history fit the screen', async () => {
    await finishedRun();
    const page = await t.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await openPage(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ animations: 'disabled', path: screenshotPath('feishu-sync-phone-upload.png'), fullPage: true });

    await page.getByRole('tab', { name: '历史' }).click();
    await page.locator('.fs-history .el-table__row').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ animations: 'disabled', path: screenshotPath('feishu-sync-phone-history.png') });
    await page.close();
  });
});
