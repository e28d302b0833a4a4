import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath, uniqueSuffix, useTestPage } from '@doitcrm/kit/testing';
import { generateSchool, loadSchool } from '@doitcrm/demo-data';
import { createMapperApp } from '../src/app.ts';
import { mapperConfigShape } from '../src/config.ts';

const HOSTILE_NICKNAME = '<img src=x onerror=alert(1)>';

let parentId: string;
let children: Array<{ id: number; name: string }>;

const t = useTestPage('mapper', mapperConfigShape, createMapperApp, {
  async prepare(context) {
    const { pool } = context;
    await loadSchool(pool, generateSchool());
    // a WeChat user whose chosen nickname is markup, with notes written earlier that a save must keep
    parentId = `wmPAGE${uniqueSuffix()}`;
    await pool.query(
      `INSERT INTO crm.identities (id_type, original_id, id_kind, wecom_nickname, notes) VALUES ('user_id', $1, 'external_wechat', $2, $3)`,
      [parentId, HOSTILE_NICKNAME, '只在周末回复'],
    );
    // two children whose names are unique in the roster, so the picker offers exactly one option for each
    children = (await pool.query<{ id: number; name: string }>(
      `SELECT s.id, s.name FROM crm.students s WHERE (SELECT count(*) FROM crm.students t WHERE t.name = s.name) = 1 ORDER BY s.id LIMIT 2`,
    )).rows;
  },
});

async function addChild(page: Page, row: ReturnType<Page['locator']>, name: string): Promise<void> {
  const search = row.locator('.mapper-student-picker input');
  await search.click();
  await search.fill(name);
  const option = page.locator('.mapper-student-picker__popper:visible .el-select-dropdown__item', { hasText: name }).first();
  await option.waitFor();
  await option.click();
  await row.getByText(name, { exact: true }).waitFor();
}

describe('mapper page in Chromium', () => {
  it('when a signed-out user opens the page, then it asks for a login and shows no data', async () => {
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 800 } });

    await page.goto(`${t.baseUrl}/`);

    await page.getByPlaceholder('请输入用户名').waitFor();
    expect(await page.getByText('用户总数').count()).toBe(0);
    await page.close();
  });

  it('when staff find a user with a markup nickname and make them a parent of two children, then it is shown as text and saved with the notes kept', async () => {
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 800 } });
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => { dialogs.push(dialog.message()); void dialog.dismiss(); });
    const [first, second] = children as [{ id: number; name: string }, { id: number; name: string }];

    await t.logIn(page);
    await page.getByText('用户总数').waitFor();
    await page.getByLabel('关键词').first().fill(parentId);
    const row = page.locator('.mapper-table tbody tr', { has: page.locator(`input[aria-label="${parentId} 的业务称呼"]`) });
    await row.waitFor();
    await row.locator(`input[aria-label="${parentId} 的业务称呼"]`).fill(`${first.name}妈妈`);
    await row.locator('.el-select').first().click();
    await page.getByRole('option', { name: '家长', exact: true }).click();
    await addChild(page, row, first.name);
    await addChild(page, row, second.name);
    await page.screenshot({ path: screenshotPath('mapper-edit-parent.png') });
    await row.getByRole('button', { name: '保存' }).click();
    await row.getByText('已映射').waitFor();
    await page.screenshot({ path: screenshotPath('mapper-saved-parent.png') });

    const text = await page.locator('body').innerText();
    expect(text).toContain(HOSTILE_NICKNAME);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    const { rows } = await t.context.pool.query<{ business_name: string; user_role: string; notes: string; children: number[] }>(
      `SELECT i.business_name, i.user_role, i.notes,
         array(SELECT g.student_id FROM crm.guardianships g WHERE g.identity_id = i.id ORDER BY g.student_id) AS children
       FROM crm.identities i WHERE i.id_type = 'user_id' AND i.original_id = $1`,
      [parentId],
    );
    expect(rows[0]).toEqual({
      business_name: `${first.name}妈妈`, user_role: 'parent', notes: '只在周末回复', children: [first.id, second.id].sort((a, b) => a - b),
    });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('.mapper-card').first().waitFor();
    await page.screenshot({ path: screenshotPath('mapper-phone.png'), fullPage: true });
    await page.close();
  });
});
