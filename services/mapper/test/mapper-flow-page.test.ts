import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotPath, uniqueSuffix, useTestPage } from '@doitcrm/kit/testing';
import { loadSchool } from '@doitcrm/demo-data';
import type { InjectionHandle } from '@doitcrm/fakes';
import { createWecomClientFromSettings, type WecomClient } from '@doitcrm/wecom';
import { createMapperApp } from '../src/app.ts';
import { mapperConfigShape } from '../src/config.ts';
import { createSuggestionRoutes } from '../src/entry-points/api/suggestion-routes.ts';
import { createWecomRoutes } from '../src/entry-points/api/wecom-routes.ts';
import { startExtractConsumer } from '../src/entry-points/queue/extract-consumer.ts';
import { startFetchNamesConsumer } from '../src/entry-points/queue/fetch-names-consumer.ts';
import { insertMessages } from './chat-factory.ts';
import { FAST_CLIENT_OPTIONS, FAST_JOB_OPTIONS, school, startFakeWecom, type FakeServer } from './fetch-names-fixtures.ts';

// The acceptance flow of the ID workbench, as staff would click it, against the WeCom fake over HTTP:
// extract → fetch every name (one id WeCom refuses for good, two transient failures) → link a group to a class →
// accept a suggestion.

let wecom: FakeServer;
let client: WecomClient;
let silentId: string;
let refusedId: string;
let transient: InjectionHandle;
let freedClass: { id: number; name: string; room_id: string };

beforeAll(async () => {
  wecom = await startFakeWecom();
});
afterAll(async () => {
  await wecom?.close();
});
const t = useTestPage('mapper', mapperConfigShape, (context) => createMapperApp(context, [createWecomRoutes(context, client), createSuggestionRoutes(context)]), {
  env: () => ({ WECOM_BASE_URL: wecom.url, WECOM_CORP_ID: wecom.fake.corpId, WECOM_SECRET: wecom.fake.secret, WECOM_ARCHIVE_SECRET: wecom.fake.archiveSecret }),
  async prepare(context) {
    const { pool } = context;
    await loadSchool(pool, school);
    // as in a school that just started: the parents nobody mapped yet still have no WeCom name
    const { rows: forgotten } = await pool.query<{ original_id: string }>(
      `UPDATE crm.identities SET wecom_nickname = NULL, name_status = 'pending', name_fetched_at = NULL
       WHERE id_type = 'user_id' AND business_name IS NULL AND id_kind = 'external_wechat' RETURNING original_id`);
    refusedId = forgotten[0]!.original_id;
    // a class whose group nobody has linked yet
    freedClass = (await pool.query<{ id: number; name: string; room_id: string }>(
      `UPDATE crm.classes c SET room_id = NULL FROM (SELECT id, room_id FROM crm.classes ORDER BY id LIMIT 1) old
       WHERE c.id = old.id RETURNING c.id, c.name, old.room_id`)).rows[0]!;
    // a grandparent who sits in that group and never writes: only the archive knows them
    silentId = `wmFLOW${uniqueSuffix()}`;
    await insertMessages(pool, [{ from: 'teacher.flow', to: [silentId], roomId: freedClass.room_id, at: new Date() }]);

    wecom.fake.inject({ endpoint: 'externalcontact/get', errcode: 84061, forIds: [refusedId] });
    transient = wecom.fake.inject({ endpoint: 'externalcontact/get', errcode: -1, times: 2 });

    client = createWecomClientFromSettings(context.config, { logger: context.logger, redis: context.redis }, FAST_CLIENT_OPTIONS)!;
    await startFetchNamesConsumer(context, client, FAST_JOB_OPTIONS);
    await startExtractConsumer(context);
  },
  timeout: 180_000,
});

async function logIn(page: Page): Promise<void> {
  await t.logIn(page);
  await page.getByText('用户总数').waitFor();
}

async function identity(originalId: string) {
  const { rows } = await t.context.pool.query<{ wecom_nickname: string | null; name_status: string; name_error: string | null; user_role: string | null }>(
    "SELECT wecom_nickname, name_status, name_error, user_role FROM crm.identities WHERE id_type = 'user_id' AND original_id = $1", [originalId]);
  return rows[0];
}

describe('mapper acceptance flow in Chromium, against the WeCom fake', () => {
  it('when staff extract, fetch every name, link a group and accept a suggestion, then each step shows and is stored', async () => {
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await logIn(page);

    await page.getByRole('button', { name: '提取 ID（不覆盖）' }).click();
    await page.getByRole('button', { name: '开始提取' }).click();
    await page.getByText(/提取完成/).first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: screenshotPath('mapper-flow-extracted.png') });
    await page.getByRole('dialog', { name: '提取 ID（不覆盖）' }).getByRole('button', { name: '关闭', exact: true }).click();
    expect(await identity(silentId)).toMatchObject({ name_status: 'pending', user_role: null });

    await page.getByRole('button', { name: /批量获取昵称/ }).click();
    await page.getByRole('button', { name: '开始获取' }).click();
    const summary = page.locator('.mapper-fetch-summary');
    await summary.waitFor({ timeout: 60_000 });
    await page.screenshot({ path: screenshotPath('mapper-flow-fetch-summary.png') });
    const summaryText = await summary.innerText();
    expect(summaryText).toContain(refusedId);
    expect(summaryText).toContain(silentId);
    await page.getByRole('button', { name: '完成' }).click();

    const refused = await identity(refusedId);
    expect(refused).toMatchObject({ name_status: 'unresolvable', wecom_nickname: null });
    expect(refused?.name_error).toContain('84061');
    expect(await identity(silentId)).toMatchObject({ name_status: 'unresolvable' });
    expect(transient.fired).toBe(2);
    const { rows: [names] } = await t.context.pool.query<{ pending: number; resolved: number }>(
      `SELECT count(*) FILTER (WHERE name_status = 'pending')::int AS pending,
              count(*) FILTER (WHERE name_status = 'resolved' AND wecom_nickname IS NOT NULL)::int AS resolved
       FROM crm.identities WHERE id_type = 'user_id'`);
    expect(names).toMatchObject({ pending: 0 });

    await page.getByRole('tab', { name: '群组' }).click();
    await page.getByLabel('关键词').last().fill(freedClass.room_id);
    const picker = page.locator(`input[aria-label="${freedClass.room_id} 关联的班级"]`);
    await picker.click();
    await picker.fill(freedClass.name);
    await page.locator('.el-select-dropdown__item:visible', { hasText: freedClass.name }).first().click();
    await expect.poll(async () => (await t.context.pool.query('SELECT room_id FROM crm.classes WHERE id = $1', [freedClass.id])).rows[0].room_id,
      { timeout: 10_000 }).toBe(freedClass.room_id);
    await page.screenshot({ path: screenshotPath('mapper-flow-group-linked.png') });

    await page.getByRole('button', { name: '映射建议' }).click();
    const first = page.locator('.mapper-suggestion').first();
    await first.waitFor({ timeout: 30_000 });
    const suggestedId = (await first.locator('code').innerText()).trim();
    await first.locator('.el-checkbox').click();
    await page.getByRole('button', { name: '全部接受所选' }).click();
    await first.locator('.mapper-suggestion__outcome.is-ok').waitFor();
    await page.screenshot({ path: screenshotPath('mapper-flow-suggestion-accepted.png') });
    expect((await identity(suggestedId))?.user_role).not.toBeNull();
    await page.close();
  });
});
