import { afterAll, describe, expect, it } from 'vitest';
import { screenshotPath, useTestPage } from '@doitcrm/kit/testing';
import { createMapperApp } from '@doitcrm/mapper/src/app.ts';
import { mapperConfigShape } from '@doitcrm/mapper/src/config.ts';
import { extractIds } from '@doitcrm/mapper/src/domain/extract-ids.ts';
import { runLegacyImport } from '../src/legacy/legacy-import.ts';
import { SMALL_SCHOOL, createLegacyDatabase, type LegacyDatabase } from './legacy-fixtures.ts';

// needs the mapper's page built (npm run build)
let legacy: LegacyDatabase | undefined;
const t = useTestPage('mapper', mapperConfigShape, createMapperApp, {
  async prepare(context) {
    legacy = await createLegacyDatabase(SMALL_SCHOOL);
    const report = await runLegacyImport({ fromUrl: legacy.url, mode: 'import', preferLegacy: false, cipher: null }, { pool: context.pool, logger: context.logger });
    // what the mapper's chat.ingested consumer does with the import's run: each person's messages per day
    await extractIds(context.pool, { runId: report.runId! }, { timezone: 'Asia/Shanghai' });
  },
});
afterAll(async () => { await legacy?.drop(); });

describe('the mapper page after a legacy import, in Chromium', () => {
  it('when staff open the mapper, then the imported parents, their names, children and messages are on the page', async () => {
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 800 } });

    await t.logIn(page);
    const mum = page.locator('.mapper-table tbody tr', { has: page.locator('input[aria-label="wmMum 的业务称呼"]') });
    await mum.waitFor();

    expect(await mum.locator('input[aria-label="wmMum 的业务称呼"]').inputValue()).toBe('小明小红妈妈');
    await mum.getByText('王小明').first().waitFor();
    await mum.getByText('王小红').first().waitFor();
    // the mother wrote one of the 1:1 messages and received the other
    await mum.getByText('发 1 · 收 1').waitFor();
    await page.screenshot({ path: screenshotPath('legacy-school-mapper.png') });
    await page.close();
  });
});
