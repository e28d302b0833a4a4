import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@doitcrm/kit';
import { screenshotPath, useTestPage } from '@doitcrm/kit/testing';
import { createEtlApp } from '../src/app.ts';
import { etlConfigShape } from '../src/config.ts';
import { runLegacyImport } from '../src/legacy/legacy-import.ts';
import { V1_CHAT, V1_MAPPINGS, chatRow, createLegacyDatabase, textRecord, type LegacyDatabase } from './legacy-fixtures.ts';

const t = useTestPage('etl', etlConfigShape, createEtlApp);
let legacy: LegacyDatabase;

beforeAll(async () => {
  legacy = await createLegacyDatabase([V1_CHAT, V1_MAPPINGS, chatRow('public', textRecord('page-1', 'wmA', 'teacher', '你好')),
    chatRow('public', { msgid: 'page-bad', action: 'send', msgtype: 'text', text: { content: '没有时间' } })].join('\n'));
});
afterAll(async () => { await legacy?.drop(); });

describe('ETL page: past migrations', () => {
  it('when a school was migrated from the original DoitCRM, then the history lists the run as a migration with its report to download', async () => {
    const report = await runLegacyImport({ fromUrl: legacy.url, mode: 'import', preferLegacy: false, cipher: null },
      { pool: t.context.pool, logger: createLogger({ service: 'legacy-test', level: 'silent' }) });
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 900 } });

    await t.logIn(page);
    await page.getByText('旧版迁移').first().waitFor();
    await page.locator('.el-table__expand-icon').first().click();
    const link = page.locator('a', { hasText: '下载迁移报告（JSON）' });
    await link.waitFor();
    await page.screenshot({ path: screenshotPath('etl-legacy-history.png'), fullPage: true });

    expect(await link.getAttribute('href')).toBe(`/api/runs/${report.runId}/report`);
    const [server, database] = report.source.split('/');
    expect(await page.locator('body').innerText()).toContain(`旧版 DoitCRM ${database}@${server}`);
    await page.close();
  });
});
