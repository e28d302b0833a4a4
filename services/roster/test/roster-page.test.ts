import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { DESKTOP_AND_PHONE, screenshotPath, useTestPage } from '@doitcrm/kit/testing';
import { createRosterApp } from '../src/app.ts';
import { rosterConfigShape } from '../src/config.ts';
import { freshMatrix } from './roster-harness.ts';

const t = useTestPage('roster', rosterConfigShape, createRosterApp);

describe.each(DESKTOP_AND_PHONE)('roster page in Chromium (%s)', (label, viewport) => {
  it('when staff drop a GBK matrix with a hostile pupil name, then the preview shows it escaped, commit reports it, the tree shows the class and undo removes it', async () => {
    const page = await t.browser.newPage({ viewport });
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => { dialogs.push(dialog.message()); void dialog.dismiss(); });
    const hostile = '<img src=x onerror=alert(1)>';
    const { csv, names } = freshMatrix([{ stage: '二段L4', pupils: ['张小明', `${hostile}`, '李小红(休学)'], teacher: '王老师' }, { stage: '高级', pupils: ['赵小刚'] }]);

    await t.logIn(page);
    await page.getByText('将花名册 CSV 拖到此处').waitFor();
    await page.screenshot({ path: screenshotPath(`roster-${label}-upload.png`), fullPage: true });
    await page.locator('input[type=file]').setInputFiles({ name: '花名册-GBK.csv', mimeType: 'text/csv', buffer: iconv.encode(csv, 'gbk') });
    await page.getByText('编码 GBK / GB18030').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath(`roster-${label}-preview.png`), fullPage: true });

    const text = await page.locator('body').innerText();
    expect(text).toContain(hostile);
    expect(text).toContain('张小明');
    expect(text).toMatch(/新增 3/u);
    expect(text).toMatch(/未匹配 1/u);
    expect(text).toContain('所在阶段');
    expect(await page.locator('img[src="x"]').count()).toBe(0);

    await page.getByText('提示', { exact: false }).first().click();
    await page.getByRole('tab', { name: /班级/u }).click();
    await page.getByRole('button', { name: '修改' }).nth(1).click();
    await page.getByRole('dialog').getByPlaceholder('如 L3、二段L4').fill('L5');
    await page.getByRole('button', { name: '保存到预览' }).click();
    await page.getByText(/新增 2/u).first().waitFor();

    // the preview lives on the server: reloading the page loses nothing, the history opens it again
    await page.reload();
    await page.getByRole('tab', { name: '导入历史' }).click();
    await page.getByRole('button', { name: '打开' }).first().click();
    await page.getByText('编码 GBK / GB18030').waitFor();
    await page.getByRole('tab', { name: /班级/u }).click();
    expect(await page.locator('.roster-preview').innerText()).toContain('L5');

    await page.getByRole('button', { name: '提交导入' }).click();
    await page.getByRole('button', { name: '提交', exact: true }).click();
    await page.getByText('导入已提交').waitFor({ timeout: 30_000 });
    await page.locator('.el-message-box').waitFor({ state: 'hidden' });
    await page.screenshot({ path: screenshotPath(`roster-${label}-report.png`), fullPage: true });
    expect(await page.locator('body').innerText()).toMatch(/学员：新增 4/u);

    // the same file with one status edited previews as exactly that change, highlighted
    await page.getByRole('button', { name: '导入下一个文件' }).click();
    await page.locator('input[type=file]').setInputFiles({ name: '花名册-改.csv', mimeType: 'text/csv', buffer: iconv.encode(csv.replace(',张小明,', ',张小明(休学),').replace('所在阶段,二段L4,高级', '所在阶段,二段L4,L5'), 'gbk') });
    await page.getByText('花名册-改.csv').waitFor();
    const changedRow = page.locator('.roster-row--changed');
    await changedRow.first().waitFor();
    expect(await changedRow.count()).toBe(1);
    expect(await changedRow.innerText()).toMatch(/张小明[\s\S]*状态\s*在读\s*→\s*休学/u);
    expect(await page.locator('mark').first().innerText()).toBe('休学');
    await page.screenshot({ path: screenshotPath(`roster-${label}-changed.png`), fullPage: true });
    await page.getByRole('button', { name: '放弃' }).click();
    await page.getByText('将花名册 CSV 拖到此处').waitFor();

    await page.getByRole('tab', { name: '花名册' }).click();
    await page.getByText('二段').first().click();
    await page.getByText(/^L4/u).first().click();
    await page.getByText(new RegExp(`${names[0]} · 3 人`, 'u')).click();
    await page.getByText('学员（3）').waitFor();
    await page.getByText('张小明').waitFor();
    await page.screenshot({ path: screenshotPath(`roster-${label}-roster.png`), fullPage: true });

    await page.getByRole('tab', { name: '导入历史' }).click();
    await page.getByRole('button', { name: '撤销' }).first().waitFor();
    await page.screenshot({ path: screenshotPath(`roster-${label}-history.png`), fullPage: true });
    await page.getByRole('button', { name: '撤销' }).first().click();
    await page.getByRole('dialog').getByRole('button', { name: '撤销' }).click();
    await page.getByText(/已撤销，恢复 \d+ 条记录/u).waitFor();
    expect((await t.context.pool.query('SELECT 1 FROM crm.classes WHERE name = $1', [names[0]])).rowCount).toBe(0);
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
