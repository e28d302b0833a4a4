import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createTestUser, logInThroughForm, screenshotPath, useTestPage, VIEWPORTS } from '@doitcrm/kit/testing';
import { createContactsSyncApp } from '../src/app.ts';
import { contactsSyncConfigShape } from '../src/config.ts';
import { startSyncConsumer } from '../src/entry-points/queue/sync-consumer.ts';
import { syncNow, useFakeWecom, wecomEnv } from './sync-fixture.ts';

const wecom = useFakeWecom();
const t = useTestPage('contacts-sync', contactsSyncConfigShape, (context) => createContactsSyncApp(context, wecom.client), {
  env: () => wecomEnv(wecom),
  prepare: (context) => startSyncConsumer(context, wecom.client),
  timeout: 120_000,
});
const rows = async (sql: string, values: unknown[] = []) => (await t.context.pool.query(sql, values)).rows;

/** The copy the health and customer tests read: the first test's sync through the page, or one here when run alone. */
async function ensureSynced(): Promise<void> {
  const { rows: [done] } = await t.context.pool.query("SELECT count(*)::int AS n FROM contacts.sync_runs WHERE state = 'succeeded'");
  if (done.n === 0) await syncNow({ pool: t.context.pool, logger: t.context.logger, client: wecom.client }, 'full');
}

async function open(page: Page, username?: string): Promise<void> {
  if (username) await logInThroughForm(page, `${t.baseUrl}/`, username);
  else await t.logIn(page);
  await page.locator('.cs-last').waitFor();
}

describe('contacts-sync page in Chromium', () => {
  it('when staff start a full sync, then its progress shows live and the run ends 成功 with the customers counted', async () => {
    const page = await t.browser.newPage({ viewport: VIEWPORTS.desktop });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await open(page);
    await page.locator('.cs-last', { hasText: '尚未成功同步' }).waitFor();
    // the shared shell's bar links the service now that it is ready
    expect(await page.getByRole('navigation', { name: '服务导航' }).getByRole('link', { name: '客户同步', exact: true }).getAttribute('href')).toBe('http://127.0.0.1:5030/');

    await page.getByRole('button', { name: '全量同步' }).click();
    await page.locator('.cs-progress').waitFor();
    await page.locator('.cs-finished', { hasText: '同步完成' }).waitFor({ timeout: 60_000 });
    await page.locator('.cs-runs .cs-run-state', { hasText: '成功' }).first().waitFor();

    const [run] = await rows("SELECT counters->>'customersSeen' AS customers FROM contacts.sync_runs WHERE state = 'succeeded'");
    await page.locator('.cs-last', { hasText: Number(run.customers).toLocaleString('zh-CN') }).waitFor();
    expect(await page.locator('.cs-progress').textContent()).toContain('已完成');
    expect(errors).toEqual([]);
    await page.screenshot({ animations: 'disabled', path: screenshotPath('contacts-sync-desktop-status.png'), fullPage: true });
    await page.close();
  });

  it('when staff open the health tab, then the gauge shows the score with its four parts and the daily charts draw', async () => {
    await ensureSynced();
    const page = await t.browser.newPage({ viewport: VIEWPORTS.desktop });
    await open(page);
    await page.getByRole('tab', { name: '健康监控' }).click();

    for (const chart of ['.cs-chart-gauge', '.cs-chart-success', '.cs-chart-calls', '.cs-chart-callbacks', '.cs-chart-delay']) await page.locator(`${chart} canvas`).first().waitFor();
    expect(await page.locator('.cs-part').count()).toBe(4);
    // one good run today: full marks for success rate (40 of 40)
    expect(await page.locator('.cs-part[data-part="successRate"] .dc-stat__value').textContent()).toBe('40');
    await page.locator('.cs-part[data-part="successRate"] .cs-part__inputs', { hasText: '同步次数' }).waitFor();
    await page.screenshot({ animations: 'disabled', path: screenshotPath('contacts-sync-desktop-health.png'), fullPage: true });
    await page.close();
  });

  it('when staff search a customer, then the list finds them with phones masked, the detail shows relations and groups, and both reads are audited', async () => {
    await ensureSynced();
    const [wanted] = await rows(
      `SELECT c.external_userid, c.name FROM contacts.external_contacts c JOIN contacts.follow_relations r USING (external_userid)
        WHERE cardinality(r.remark_mobiles_masked) > 0 AND EXISTS (SELECT 1 FROM contacts.group_members g WHERE g.member_id = c.external_userid)
        ORDER BY c.external_userid LIMIT 1`);
    const page = await t.browser.newPage({ viewport: VIEWPORTS.desktop });
    await open(page);
    await page.getByRole('tab', { name: '客户' }).click();
    await page.locator('.cs-contact-table .el-table__row').first().waitFor();

    await page.getByLabel('搜索客户').fill(wanted.name);
    await page.getByRole('button', { name: '查询' }).click();
    const row = page.locator('.cs-contact-table .el-table__row', { hasText: wanted.name }).first();
    await row.waitFor();
    const phones = await page.locator('.cs-contact-table .cs-phone').allTextContents();
    expect(phones.length).toBeGreaterThan(0);
    for (const phone of phones) expect(phone).toMatch(/^\d{3}\*{4}\d{4}$/u);
    await page.screenshot({ animations: 'disabled', path: screenshotPath('contacts-sync-desktop-contacts.png'), fullPage: true });

    await row.locator('.cs-contact-name').click();
    await page.locator('.cs-contact-drawer .cs-relation').first().waitFor();
    await page.locator('.cs-contact-drawer .cs-groups li').first().waitFor();
    expect(await page.locator('.cs-contact-drawer').textContent()).not.toMatch(/1\d{10}/u);
    await page.screenshot({ animations: 'disabled', path: screenshotPath('contacts-sync-desktop-contact-detail.png') });

    const audits = await rows("SELECT action, target_id, details FROM auth.audit_log WHERE action LIKE 'contacts.contact.%' ORDER BY id");
    expect(audits.some((a) => a.action === 'contacts.contact.list' && a.details.ids.includes(wanted.external_userid))).toBe(true);
    expect(audits.some((a) => a.action === 'contacts.contact.view' && a.target_id === wanted.external_userid)).toBe(true);
    await page.close();
  });

  it('when staff save the schedules, then a bad time is refused with a Chinese error naming the field, and a good one is saved', async () => {
    const page = await t.browser.newPage({ viewport: VIEWPORTS.desktop });
    await open(page);
    await page.locator('.cs-schedule__next').first().waitFor();

    await page.getByLabel('全量同步时间').fill('25:00');
    await page.getByRole('button', { name: '保存定时设置' }).click();
    await page.locator('.dc-api-error', { hasText: '全量同步的时间须为 HH:MM（00:00–23:59）' }).waitFor();
    expect(await rows('SELECT name FROM contacts.schedule_settings')).toEqual([]);
    await page.screenshot({ animations: 'disabled', path: screenshotPath('contacts-sync-desktop-schedule-error.png') });

    await page.getByLabel('全量同步时间').fill('01:30');
    await page.getByLabel('增量同步分钟').fill('15');
    await page.getByRole('button', { name: '保存定时设置' }).click();
    await page.locator('.cs-schedule-saved').waitFor();
    expect(await rows("SELECT name, minute, hour FROM contacts.schedule_settings WHERE name IN ('full', 'incremental') ORDER BY name")).toEqual([
      { name: 'full', minute: 30, hour: 1 }, { name: 'incremental', minute: 15, hour: null },
    ]);
    await page.locator('[data-schedule="full"] .cs-schedule__next', { hasText: '01:30' }).waitFor();
    await page.screenshot({ animations: 'disabled', path: screenshotPath('contacts-sync-desktop-schedules.png'), fullPage: true });
    await page.close();
  });

  it('when a viewer opens the page, then the sync buttons are disabled, the schedules read-only, and no sync can start', async () => {
    const viewer = await createTestUser(t.context, 'viewer');
    const page = await t.browser.newPage({ viewport: VIEWPORTS.desktop });
    await open(page, viewer.username);

    for (const name of ['全量同步', '增量同步', '测试连接']) expect(await page.getByRole('button', { name }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: '保存定时设置' }).count()).toBe(0);
    expect(await page.getByLabel('全量同步时间').isDisabled()).toBe(true);
    const before = await rows('SELECT count(*)::int AS n FROM contacts.sync_runs');
    await page.getByRole('button', { name: '全量同步' }).click({ force: true });
    await page.waitForTimeout(300);
    expect(await rows('SELECT count(*)::int AS n FROM contacts.sync_runs')).toEqual(before);
    await page.screenshot({ animations: 'disabled', path: screenshotPath('contacts-sync-desktop-viewer.png') });
    await page.close();
  });

  it('when a phone opens the page, then nothing overflows the width and the customers fit', async () => {
    await ensureSynced();
    const page = await t.browser.newPage({ viewport: VIEWPORTS.phone, isMobile: true, hasTouch: true });
    await open(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORTS.phone.width);
    await page.screenshot({ animations: 'disabled', path: screenshotPath('contacts-sync-phone-status.png'), fullPage: true });
    await page.getByRole('tab', { name: '客户' }).click();
    await page.locator('.cs-contact-table .el-table__row').first().waitFor();
    await page.screenshot({ animations: 'disabled', path: screenshotPath('contacts-sync-phone-contacts.png'), fullPage: true });
    await page.close();
  });
});
