import type { Page } from 'playwright-core';
import type { PoolClient } from 'pg';
import { describe, expect, it } from 'vitest';
import { screenshotPath, useTestPage } from '@doitcrm/kit/testing';
import { generateSchool, loadSchool } from '@doitcrm/demo-data';
import { createDashboardApp } from '../src/app.ts';
import { dashboardConfigShape } from '../src/config.ts';
import { evaluateAlerts } from '../src/domain/evaluate-alerts.ts';
import { refreshRollups } from '../src/domain/refresh-rollups.ts';

/**
 * Twenty days of chat for the demo school, shaped like a real one: in most classes seven families in eight write in
 * the group and a teacher answers each within the hour; one class in twelve is quiet (one family in six writes), and
 * in one class in twelve the answers take seven hours. One parent complains. Nothing older: the window before the
 * default 30 days lies before the data, so the page must say 无上期数据.
 */
async function seedRecentChat(): Promise<void> {
  const client = await t.context.pool.connect();
  try {
    await seedWith(client);
  } finally {
    client.release();
  }
}

async function seedWith(pool: PoolClient): Promise<void> {
  await pool.query(
    `CREATE TEMP TABLE seeded AS
     SELECT g.class_id, g.parent_id, g.n, c.room_id,
            now() - (g.n % 20) * interval '1 day' - interval '10 hours' - (g.n % 6) * interval '10 minutes' AS asked_at,
            (5 + g.n % 40) * interval '1 minute' + CASE WHEN g.class_id % 12 = 5 THEN interval '7 hours' ELSE interval '0' END AS reply_after
     FROM (SELECT DISTINCT ON (class_id, parent_id) class_id, parent_id, row_number() OVER (ORDER BY class_id, parent_id) AS n
           FROM dashboard.class_guardians) g
     JOIN crm.classes c ON c.id = g.class_id
     WHERE CASE WHEN g.class_id % 12 = 0 THEN g.n % 6 = 0 ELSE g.n % 8 <> 0 END`);
  await pool.query(
    `INSERT INTO chat.messages (msgid, action, msgtype, msgtime, from_id, room_id, to_ids, payload, raw)
     SELECT 'PAGE' || s.n, 'send', 'text', s.asked_at, s.parent_id, s.room_id, '{}',
            jsonb_build_object('content', CASE WHEN s.n = 7 THEN '上课质量不满意，考虑退费' ELSE '老师好，今天的作业是哪几页？' END), '{}'::jsonb
     FROM seeded s`);
  await pool.query(
    `INSERT INTO chat.messages (msgid, action, msgtype, msgtime, from_id, room_id, to_ids, payload, raw)
     SELECT 'PAGER' || s.n, 'send', 'text', s.asked_at + s.reply_after, i.original_id, s.room_id, '{}',
            jsonb_build_object('content', '第 12 到 13 页，家长辛苦了'), '{}'::jsonb
     FROM seeded s JOIN crm.classes c ON c.id = s.class_id
     JOIN crm.staff st ON st.id = CASE WHEN s.n % 2 = 0 THEN c.teacher_staff_id ELSE c.head_teacher_staff_id END
     JOIN crm.identities i ON i.id = st.identity_id`);
  await pool.query('DROP TABLE seeded');
}

const t = useTestPage('dashboard', dashboardConfigShape, createDashboardApp, {
  async prepare(context) {
    const { pool } = context;
    await loadSchool(pool, generateSchool());
    await seedRecentChat();
    await refreshRollups(pool, { full: true }, { timezone: 'Asia/Shanghai' });
    await evaluateAlerts(pool, { timezone: 'Asia/Shanghai' });
  },
  timeout: 180_000,
});

async function logIn(page: Page): Promise<void> {
  await t.logIn(page);
  await page.getByText('学员总数').waitFor();
  await page.locator('.dash-class').first().waitFor();
}

async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.locator(`.dash-filters .el-select:has(input[aria-label="${label}"])`).click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click();
}

describe('dashboard page in Chromium', () => {
  it('when the principal goes from the overview to a class, then to an alert, then the alert links to the right message on :5006', async () => {
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await logIn(page);
    await page.screenshot({ path: screenshotPath('dashboard-desktop-overview.png'), fullPage: false });
    // the seeded chat starts 20 days ago: the 30 days before the window hold no data to compare with
    await expect.poll(() => page.locator('.dash-card__delta', { hasText: '无上期数据' }).count()).toBe(3);
    expect(await page.locator('.dash-card__delta', { hasText: '较上期' }).count()).toBe(0);
    // a believable mix: the quiet and slow classes (and those that lost many pupils) are flagged, not every class
    const cards = await page.locator('.dash-class').count();
    const flagged = await page.locator('.dash-class--attention').count();
    expect(flagged).toBeGreaterThan(0);
    expect(flagged).toBeLessThan(cards / 2);

    await choose(page, '段', '二段');
    await expect.poll(async () => (await page.locator('.dash-class .el-tag').allTextContents()).filter((t) => t.includes('段')).every((t) => t.startsWith('二段')), { timeout: 15_000 }).toBe(true);
    await choose(page, '阶', 'L5');
    await expect.poll(async () => {
      const tags = (await page.locator('.dash-class .el-tag').allTextContents()).filter((t) => t.includes('段'));
      return tags.length > 0 && tags.every((t) => t === '二段 L5');
    }, { timeout: 15_000 }).toBe(true);

    await page.locator('.dash-class').first().click();
    await page.getByText('学员与家长').waitFor();
    await page.locator('.dash-students .el-table__row').first().waitFor();
    const personLink = await page.locator('.dash-students a', { hasText: '查看消息' }).first().getAttribute('href');
    expect(personLink).toMatch(/^http:\/\/127\.0\.0\.1:5006\/\?user=/);
    await page.screenshot({ path: screenshotPath('dashboard-desktop-class.png') });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '导出本班 Excel' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: '重置筛选' }).click();
    await page.getByRole('tab', { name: /沟通热力图/ }).click();
    await page.locator('.dash-heatmap canvas').first().waitFor();
    // let the charts finish their entry animation before the picture
    await page.waitForTimeout(1500);
    await page.screenshot({ path: screenshotPath('dashboard-desktop-heatmap.png') });
    await page.getByRole('tab', { name: /趋势/ }).click();
    await page.locator('.dash-trend-messages canvas').first().waitFor();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: screenshotPath('dashboard-desktop-trends.png') });

    await page.getByRole('tab', { name: /异常提醒/ }).click();
    await page.locator('.el-radio-button', { hasText: '关键词' }).click();
    const alert = page.locator('.dash-alert').first();
    await alert.getByText('退费').first().waitFor();
    const { rows } = await t.context.pool.query("SELECT msgid FROM chat.messages WHERE payload->>'content' LIKE '%退费%' AND msgid LIKE 'PAGE%'");
    // the list re-renders when the keyword filter's answer arrives: read the link of the list as it settles, not of
    // the unfiltered list whose first row may also mention 退费 (it failed that way once under load)
    await expect.poll(() => alert.getByRole('link', { name: '查看消息' }).getAttribute('href')).toBe(`http://127.0.0.1:5006/?msg=${rows[0].msgid}`);
    await page.screenshot({ path: screenshotPath('dashboard-desktop-alerts.png') });

    // a churn alert whose student has no guardian with a WeCom id says why there is nothing to open
    await page.locator('.el-radio-button', { hasText: '流失风险' }).click();
    await expect.poll(() => page.locator('.dash-alert').evaluateAll((rows) => rows.length > 0 && rows.every((row) => row.textContent!.includes('流失风险')))).toBe(true);
    const { rows: [unlinked] } = await t.context.pool.query<{ title: string }>(
      "SELECT title FROM dashboard.alerts WHERE kind = 'churn_risk' AND evidence_query IS NULL AND resolved_at IS NULL ORDER BY severity_rank, last_contact_at NULLS FIRST, raised_at DESC, id DESC LIMIT 1");
    const unlinkedRow = page.locator('.dash-alert', { hasText: unlinked!.title }).first();
    await expect.poll(() => unlinkedRow.textContent()).toContain('未关联家长微信');
    expect(await unlinkedRow.getByRole('link', { name: '查看消息' }).count()).toBe(0);
    await page.screenshot({ path: screenshotPath('dashboard-desktop-churn.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('when opened at a phone width, then the cards, alerts and a class detail fit the screen', async () => {
    const page = await t.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await logIn(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: screenshotPath('dashboard-phone-overview.png'), fullPage: false });

    await page.locator('.dash-class').first().click();
    await page.getByText('学员与家长').waitFor();
    await page.screenshot({ path: screenshotPath('dashboard-phone-class.png') });
    await page.keyboard.press('Escape');
    await page.getByRole('tab', { name: /异常提醒/ }).click();
    await page.locator('.dash-alert').first().waitFor();
    await page.screenshot({ path: screenshotPath('dashboard-phone-alerts.png') });
    await page.close();
  });
});
