import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ServiceContext } from '@doitcrm/kit';
import { screenshotPath, useTestPage, VIEWPORTS } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import { insertMessages, insertTemplate, type SeededMessage } from './monitor-fixtures.ts';
import { RECEIPT_TOKEN } from './receipt-fixture.ts';

const OUT_OF_SERVICE = '13712340001';
const seeded: { undelivered: SeededMessage; wecom: SeededMessage } = {} as never;

/** Two SMS sent through Aliyun (their receipts come through the HTTP endpoint below) and one WeCom app message. */
async function seedSends(context: ServiceContext): Promise<void> {
  const sms = await insertTemplate(context.pool, 'sms');
  const wecom = await insertTemplate(context.pool, 'wecom_app');
  const [undelivered, delivered] = await insertMessages(context.pool, [
    { templateId: sms, recipient: OUT_OF_SERVICE, ageSeconds: 30 }, { templateId: sms, recipient: '13712340002', ageSeconds: 20 },
  ]);
  const [wecomMessage] = await insertMessages(context.pool, [{ templateId: wecom, channel: 'wecom_app', recipient: 'zhang.laoshi', ageSeconds: 10 }]);
  for (const [message, bizId] of [[undelivered!, 'BIZ-PAGE-1^0'], [delivered!, 'BIZ-PAGE-2^0']] as const) {
    await context.pool.query("UPDATE dispatch.messages SET provider = 'sms_aliyun', provider_message_id = $2, delivery_status = 'unknown' WHERE id = $1", [message.id, bizId]);
  }
  await context.pool.query("UPDATE dispatch.messages SET provider = 'wecom_app', delivery_status = 'unknown' WHERE id = $1", [wecomMessage!.id]);
  Object.assign(seeded, { undelivered: undelivered!, wecom: wecomMessage! });
}

const t = useTestPage('dispatcher', dispatcherConfigShape, createDispatcherApp, { env: { DISPATCH_RECEIPT_TOKEN: RECEIPT_TOKEN }, prepare: seedSends, timeout: 120_000 });

const report = (bizId: string, outId: string, success: boolean) => ({
  phone_number: success ? '13712340002' : OUT_OF_SERVICE, send_time: '2026-12-06 09:00:00', report_time: '2026-12-06 09:00:03', success,
  err_code: success ? 'DELIVERED' : 'UNDELIV', err_msg: success ? '用户接收成功' : '用户停机或空号', sms_size: '1', biz_id: bizId, out_id: outId,
});

async function openTrace(page: Page, recipient: string): Promise<void> {
  await page.locator('.disp-recipient', { hasText: recipient }).click();
  await page.locator('.disp-trace-timeline .disp-stage').first().waitFor();
}

/** The drawer slides in and the tags zoom in: screenshots wait for every running transition. */
const settled = (page: Page) => page.evaluate(() => Promise.all(document.getAnimations().map((animation) => animation.finished)));

describe('delivery receipts on the 消息查询 tab in Chromium', () => {
  it('when Aliyun pushes an undelivered receipt, then the message is found by 未送达, its trace ends with the callback stage and its error, and staff may retry it', async () => {
    const { rows } = await t.context.pool.query<{ trace_id: string; provider_message_id: string }>(
      "SELECT trace_id, provider_message_id FROM dispatch.messages WHERE provider = 'sms_aliyun' ORDER BY id");
    const pushed = await fetch(`${t.baseUrl}/api/receipts/sms/aliyun?token=${RECEIPT_TOKEN}`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify([report(rows[0]!.provider_message_id, rows[0]!.trace_id, false), report(rows[1]!.provider_message_id, rows[1]!.trace_id, true)]),
    });
    expect(pushed.status).toBe(200);
    expect(await pushed.json()).toEqual({ code: 0, msg: '成功' });

    const page = await t.browser.newPage({ viewport: VIEWPORTS.desktop });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await t.logIn(page);
    await page.getByRole('tab', { name: '消息查询' }).click();
    await page.locator('.el-select:has(input[aria-label="送达状态筛选"])').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '未送达' }).click();
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => page.locator('.disp-messages .disp-recipient').allTextContents()).toEqual([OUT_OF_SERVICE]);
    expect(await page.locator('.disp-messages .disp-delivery').allTextContents()).toEqual(['未送达']);
    expect(await page.locator('.disp-messages .disp-retry-one').count()).toBe(1);

    await openTrace(page, OUT_OF_SERVICE);
    await page.locator('.disp-trace-timeline .disp-stage', { hasText: '送达回执' }).waitFor();
    expect(await page.locator('.disp-trace-timeline .disp-stage').allTextContents()).toEqual(['入队', '发送成功', '送达回执']);
    await page.locator('.disp-trace-timeline .disp-error', { hasText: 'UNDELIV 用户停机或空号' }).waitFor();
    expect(await page.locator('.disp-trace-delivery').textContent()).toBe('未送达');
    expect(await page.locator('.disp-trace-retry').count()).toBe(1);
    await page.locator('.disp-trace-timeline .disp-detail', { hasText: 'reportedAt: 2026-12-06T09:00:03.000+08:00' }).waitFor();
    await settled(page);
    await page.screenshot({ path: screenshotPath('dispatcher-desktop-receipt-trace.png') });

    await page.locator('.el-drawer__close-btn').click();
    await page.getByRole('tab', { name: '监控' }).click();
    await page.locator('.disp-delivery-summary', { hasText: '短信送达：已送达 1 · 未送达 1' }).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('when a WeCom app message is traced, then its callback stage says the provider sends no receipt', async () => {
    const page = await t.browser.newPage({ viewport: VIEWPORTS.desktop });
    await t.logIn(page);
    await page.getByRole('tab', { name: '消息查询' }).click();
    await openTrace(page, 'zhang.laoshi');

    await page.locator('.disp-receipt-note').waitFor();
    expect(await page.locator('.disp-trace-timeline .disp-stage').allTextContents()).toEqual(['入队', '发送成功', '送达回执']);
    expect(await page.locator('.disp-receipt-note .disp-detail').textContent()).toBe('此服务商不提供送达回执');
    await settled(page);
    await page.screenshot({ path: screenshotPath('dispatcher-desktop-no-receipt-trace.png') });
    await page.close();
  });
});
