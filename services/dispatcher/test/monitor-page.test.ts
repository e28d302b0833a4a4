import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ServiceContext } from '@doitcrm/kit';
import { createTestUser, logInThroughForm, screenshotPath, useTestPage, VIEWPORTS } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import { seedDemoTemplates } from '../src/domain/demo-templates.ts';
import { sendQueue } from '../src/queue/topology.ts';
import { insertMessages, type MessageSeed } from './monitor-fixtures.ts';

const FAILED_BATCH = randomUUID();

function beijingDay(offsetDays: number): string {
  return new Date(Date.now() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** A day of traffic over every demo template, some failures in one batch, a week of roll-ups, two live workers. */
async function seedTraffic(context: ServiceContext): Promise<void> {
  await seedDemoTemplates(context.pool);
  const { rows: templates } = await context.pool.query<{ id: number; channel: string }>('SELECT id, channel FROM dispatch.templates ORDER BY id');
  const seeds: MessageSeed[] = templates.flatMap((template, index) => Array.from({ length: 5 + index * 3 }, (_, n) => ({
    templateId: template.id, channel: template.channel, recipient: template.channel === 'email' ? `parent${n}@example.com` : `1390000${String(n).padStart(4, '0')}`,
    latencyMs: 80 + ((n * 37) % 400), ageSeconds: n * 20,
  })));
  seeds.push(...Array.from({ length: 4 }, (_, n) => ({
    templateId: templates[0]!.id, channel: templates[0]!.channel, status: 'failed', batchId: FAILED_BATCH, recipient: `1370000000${n}`, lastError: '服务商拒绝：号码格式错误',
  })));
  await insertMessages(context.pool, seeds);
  for (let day = 1; day <= 6; day += 1) {
    await context.pool.query(
      `INSERT INTO dispatch.daily_stats (day, channel, template_id, sent, failed, latency_p50_ms, latency_p95_ms, latency_p99_ms)
       SELECT $1, channel, id, 100 + $2 * 40 + id * 3, $2 + id % 3, 150, 400, 900 FROM dispatch.templates`, [beijingDay(-day), 7 - day]);
  }
  await context.redis.hset('dispatch:workers:demo-1', { 'sms.busy': 20, 'sms.capacity': 32, 'email.busy': 4, 'email.capacity': 16 });
  await context.redis.expire('dispatch:workers:demo-1', 600);
  // a backlog in two of the topology's queues, for the depth chart
  for (const [channel, tier, count] of [['sms', 1, 6], ['wecom_app', 3, 3]] as const) {
    for (let n = 0; n < count; n += 1) await context.broker.sendJob(sendQueue(channel, tier), { messageId: n + 1, attempt: 0 });
  }
}

const t = useTestPage('dispatcher', dispatcherConfigShape, createDispatcherApp, { prepare: seedTraffic, timeout: 120_000 });

async function open(page: Page, username?: string): Promise<void> {
  if (username) await logInThroughForm(page, `${t.baseUrl}/`, username);
  else await t.logIn(page);
  await page.locator('.disp-card-sent .dc-stat__value').filter({ hasNotText: '—' }).waitFor();
}

const cardValue = (page: Page, card: string) => page.locator(`.${card} .dc-stat__value`).textContent();

describe('dispatcher monitor page in Chromium', () => {
  it('when staff open the page, then the four cards show today\'s figures, the charts draw, and the realtime figures refresh by themselves', async () => {
    const page = await t.browser.newPage({ viewport: VIEWPORTS.desktop });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await open(page);

    const { rows: [today] } = await t.context.pool.query("SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*) FILTER (WHERE status = 'failed')::int AS failed FROM dispatch.messages");
    expect(await cardValue(page, 'disp-card-sent')).toBe(today.sent.toLocaleString('zh-CN'));
    expect(await cardValue(page, 'disp-card-failed')).toBe(String(today.failed));
    expect(await cardValue(page, 'disp-card-rate')).toBe(`${((today.sent / (today.sent + today.failed)) * 100).toFixed(1)}%`);
    expect(await cardValue(page, 'disp-card-latency')).toMatch(/毫秒$/u);
    for (const chart of ['.disp-chart-trend', '.disp-chart-gauge', '.disp-chart-queues']) await page.locator(`${chart} canvas`).first().waitFor();
    expect(await page.locator('.disp-chart canvas').count()).toBeGreaterThanOrEqual(5);
    await page.screenshot({ path: screenshotPath('dispatcher-desktop-monitor.png'), fullPage: true });

    const before = await page.locator('.disp-card-sent .dc-stat__hint').textContent();
    const { rows: [template] } = await t.context.pool.query("SELECT id FROM dispatch.templates WHERE channel = 'sms' LIMIT 1");
    await insertMessages(t.context.pool, Array.from({ length: 120 }, () => ({ templateId: template.id })));
    await page.locator('.disp-card-sent .dc-stat__hint').filter({ hasNotText: before ?? '' }).waitFor({ timeout: 12_000 });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('when staff search a failed batch, then the trace shows its timeline, and retrying the batch queues its failures', async () => {
    const page = await t.browser.newPage({ viewport: VIEWPORTS.desktop });
    await open(page);
    await page.getByRole('tab', { name: '消息查询' }).click();
    await page.getByLabel('批次号').fill(FAILED_BATCH);
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => page.locator('.disp-messages .el-table__row').count()).toBe(4);

    await page.locator('.disp-recipient').first().click();
    await page.locator('.disp-trace-timeline .disp-stage', { hasText: '发送失败' }).waitFor();
    expect(await page.locator('.disp-trace-timeline .disp-stage').allTextContents()).toEqual(['入队', '发送失败']);
    await page.locator('.disp-trace-timeline .disp-error', { hasText: '服务商拒绝：号码格式错误' }).waitFor();
    await page.screenshot({ path: screenshotPath('dispatcher-desktop-trace.png') });
    await page.locator('.el-drawer__close-btn').click();

    await page.getByRole('button', { name: '重试本批次失败' }).click();
    await page.locator('.el-popconfirm').getByRole('button', { name: '重试' }).click();
    await page.locator('.disp-retried', { hasText: '本批次：已重新排队 4 条' }).waitFor();
    await expect.poll(() => page.locator('.el-popconfirm:visible').count()).toBe(0);
    expect(await page.locator('.disp-messages .disp-status').allTextContents()).toEqual(['排队中', '排队中', '排队中', '排队中']);
    const { rows } = await t.context.pool.query('SELECT count(*)::int AS n FROM dispatch.outbox o JOIN dispatch.messages m ON m.id = o.message_id WHERE m.batch_id = $1', [FAILED_BATCH]);
    expect(rows[0].n).toBe(4);
    await page.screenshot({ path: screenshotPath('dispatcher-desktop-messages.png') });
    await page.close();
  });

  it('when an admin saves a configuration, then a bad value is refused naming the field and a good one is saved at the next version', async () => {
    const admin = await createTestUser(t.context, 'admin');
    const page = await t.browser.newPage({ viewport: VIEWPORTS.desktop });
    await open(page, admin.username);
    await page.getByRole('tab', { name: '配置' }).click();
    const dedupe = page.locator('.disp-config[data-key="dedupe"]');
    // the form: a number field, a confirm step listing the change, then the server's answer
    await dedupe.getByLabel('去重窗口').fill('-5');
    await dedupe.getByLabel('去重窗口').press('Tab');
    await dedupe.locator('.disp-config-save').click();
    await page.locator('.disp-config-confirm-save').click();
    await dedupe.locator('.disp-config-problems', { hasText: 'value.windowSeconds' }).waitFor();

    await dedupe.getByLabel('去重窗口').fill('300');
    await dedupe.getByLabel('去重窗口').press('Tab');
    await dedupe.locator('.disp-config-save').click();
    await page.locator('.disp-config-confirm-save').click();
    await dedupe.locator('.disp-config-saved', { hasText: '已保存，版本 1' }).waitFor();
    const { rows } = await t.context.pool.query("SELECT value, version FROM dispatch.configs WHERE key = 'dedupe'");
    expect(rows).toEqual([{ value: { windowSeconds: 300 }, version: 1 }]);
    await page.screenshot({ path: screenshotPath('dispatcher-desktop-config.png'), fullPage: true });
    await page.close();
  });

  it('when a viewer searches messages, then recipients are masked and there is nothing to retry', async () => {
    const viewer = await createTestUser(t.context, 'viewer');
    const page = await t.browser.newPage({ viewport: VIEWPORTS.desktop });
    await open(page, viewer.username);
    await page.getByRole('tab', { name: '消息查询' }).click();
    await page.locator('.disp-recipient').first().waitFor();

    const recipients = await page.locator('.disp-recipient').allTextContents();
    expect(recipients.length).toBeGreaterThan(0);
    for (const recipient of recipients) expect(recipient).toMatch(/^\d{3}\*{4}\d{4}$|^\w\*{3}@example\.com$/u);
    expect(await page.getByRole('button', { name: '重试' }).count()).toBe(0);
    await page.close();
  });

  it('when a phone opens the monitor and the message search, then cards sit two a row, charts fill the width, and staff see the configuration read-only', async () => {
    const page = await t.browser.newPage({ viewport: VIEWPORTS.phone, isMobile: true, hasTouch: true });
    await open(page);
    await page.locator('.disp-chart-trend canvas').first().waitFor();
    const cards = await Promise.all(['disp-card-sent', 'disp-card-rate', 'disp-card-latency'].map((card) => page.locator(`.${card}`).boundingBox()));
    expect(cards[0]!.y).toBe(cards[1]!.y);
    expect(cards[2]!.y).toBeGreaterThan(cards[0]!.y);
    expect((await page.locator('.disp-chart-trend').boundingBox())!.width).toBeGreaterThan(300);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: screenshotPath('dispatcher-phone-monitor.png'), fullPage: true });

    await page.getByRole('tab', { name: '消息查询' }).click();
    await page.locator('.disp-recipient').first().waitFor();
    await page.screenshot({ path: screenshotPath('dispatcher-phone-messages.png'), fullPage: true });
    await page.locator('.disp-recipient').first().click();
    await page.locator('.disp-trace-timeline .disp-stage').first().waitFor();
    // the drawer slides in: measured once it has arrived
    await expect.poll(async () => (await page.locator('.el-drawer').last().boundingBox())?.x).toBe(0);
    expect((await page.locator('.el-drawer').last().boundingBox())!.width).toBeGreaterThanOrEqual(389);
    await page.screenshot({ path: screenshotPath('dispatcher-phone-trace.png') });
    await page.locator('.el-drawer__close-btn').last().click();

    await page.getByRole('tab', { name: '配置' }).click();
    await page.locator('.disp-config').first().waitFor();
    expect(await page.locator('.disp-config-save').count()).toBe(0);
    // the form is there to read, not to change; the raw JSON is a read-only view
    expect(await page.getByLabel('最多尝试').isDisabled()).toBe(true);
    expect(await page.locator('.disp-config textarea').count()).toBe(0);
    await page.close();
  });
});
