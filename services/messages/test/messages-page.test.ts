import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCozeFake, type StartedCozeFake } from '@doitcrm/fakes';
import { screenshotPath, useTestPage } from '@doitcrm/kit/testing';
import { generateSchool, loadSchool } from '@doitcrm/demo-data';
import { createMessagesApp } from '../src/app.ts';
import { messagesConfigShape } from '../src/config.ts';
import { createSummaryBots } from '../src/domain/summary-bots.ts';
import { createSummaryRoutes } from '../src/entry-points/api/summary-routes.ts';
import { startSummarizeConsumer } from '../src/entry-points/queue/summarize-consumer.ts';
import { createFamily, insertMessages, minutesBefore, text, type Family } from './chat-factory.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';

let coze: StartedCozeFake;
let bots: ReturnType<typeof createSummaryBots>;
let f: Family;
let refundMsgid: string;
/** a group with more messages above its one 犇 than a single-character call reads */
let deep: Family;

beforeAll(async () => {
  coze = await startCozeFake({ stream: { deltaDelayMs: 60, chunkSize: 2 } });
});
afterAll(async () => {
  await coze?.close();
});
const t = useTestPage('messages', messagesConfigShape, (context) => createMessagesApp(context, [createSummaryRoutes(context, bots)]), {
  env: () => ({ COZE_BASE_URL: coze.url, COZE_API_TOKEN: coze.token, COZE_PARENT_BOT_ID: coze.parentBotId, COZE_TEACHER_BOT_ID: coze.teacherBotId }),
  async prepare(context) {
    const { pool } = context;
    await loadSchool(pool, generateSchool());
    f = await createFamily(pool);
    await pool.query("UPDATE crm.identities SET wecom_nickname = $2 WHERE original_id = $1", [f.unmappedParent, HOSTILE]);
    const base = new Date(Date.now() - 2 * 86_400_000);
    const written = await insertMessages(pool, [
      { from: f.parent, to: [f.teacher], roomId: f.room, at: minutesBefore(base, 120), ...text('老师好，孩子明天请假一天') },
      { from: f.teacher, to: [f.parent], roomId: f.room, at: minutesBefore(base, 110), ...text('好的，收到，记得补作业') },
      { from: f.unmappedParent, to: [f.teacher], roomId: f.room, at: minutesBefore(base, 100), ...text(`请问怎么退费？${HOSTILE}`) },
      { from: f.teacher, to: [f.parent], roomId: f.room, at: minutesBefore(base, 90), msgtype: 'file', payload: { filename: '寒假作业.pdf', filesize: 204_800 } },
      { from: f.parent, to: [f.teacher], roomId: null, at: minutesBefore(base, 60), ...text('私下问一下下学期的课表') },
      { from: f.teacher, to: [f.parent], roomId: null, at: minutesBefore(base, 50), msgtype: 'voice', payload: { play_length: 8, voice_size: 9000 } },
    ]);
    refundMsgid = written[2]!;
    deep = await createFamily(pool);
    await insertMessages(pool, [{ from: deep.parent, to: [deep.teacher], roomId: deep.room, at: minutesBefore(base, 20_000), ...text('犇犇今天请假') }]);
    await insertMessages(pool, Array.from({ length: 8_100 }, (_, i) => ({
      from: deep.teacher, to: [deep.parent], roomId: deep.room, at: minutesBefore(base, i), ...text(`第${i}条通知`),
    })));
    bots = createSummaryBots({ ...context.config }, context.logger);
    await startSummarizeConsumer(context, bots);
  },
  timeout: 180_000,
});

describe('messages page in Chromium', () => {
  it('when staff find a parent by the child\'s English name, search 退费, jump to the hit and browse to the class group, then each view shows the right messages', async () => {
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 860 } });
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => { dialogs.push(dialog.message()); void dialog.dismiss(); });
    await t.logIn(page);

    await page.locator('input[data-test=person-search]').fill(f.englishName);
    await page.getByRole('heading', { name: `${f.studentName}妈妈` }).waitFor();
    // the group conversation shows the teacher's reply as context around the parent's own message
    await page.locator('.conversation-chip', { hasText: `${f.className}家长群` }).click();
    await page.locator('.msg', { hasText: '好的，收到，记得补作业' }).getByText('上下文').waitFor();
    await page.locator('.msg--own', { hasText: '孩子明天请假一天' }).waitFor();
    await page.screenshot({ path: screenshotPath('messages-person.png'), fullPage: true });
    expect(new URL(page.url()).searchParams.get('user')).toBe(f.parent);

    await page.getByRole('tab', { name: '全文搜索' }).click();
    await page.locator('input[data-test=search-input]').fill('退费');
    await page.locator('[data-test=search-button]').click();
    const hit = page.locator('.hit', { hasText: '请问怎么' });
    await hit.locator('mark', { hasText: '退费' }).waitFor();
    // an attacker's nickname and text are shown as text, never run
    expect(await hit.textContent()).toContain(HOSTILE);
    await page.screenshot({ path: screenshotPath('messages-search.png'), fullPage: true });
    await hit.locator('[data-test=jump]').click();
    await page.locator('.msg--target', { hasText: '请问怎么退费' }).waitFor();
    await page.locator('.msg', { hasText: '寒假作业.pdf' }).getByText('200 KB').waitFor();
    expect(new URL(page.url()).searchParams.get('msg')).toBe(refundMsgid);
    await page.screenshot({ path: screenshotPath('messages-context.png'), fullPage: true });

    const tree = page.locator('[data-test=room-tree]');
    await tree.getByText('一段', { exact: true }).click();
    await tree.getByText(/^L2（\d+）$/).click();
    await tree.getByText(`${f.className}家长群`).click();
    await page.locator('[data-test=room-title]', { hasText: `${f.className}家长群` }).waitFor();
    await page.locator('.msg', { hasText: '请问怎么退费' }).getByText('未映射家长').waitFor();
    await page.locator('[data-test=only-unmapped]').click();
    await page.locator('.msg', { hasText: '记得补作业' }).waitFor({ state: 'detached' });
    // the tree's clicks scrolled the window: a full-page capture of a scrolled page draws the sticky bar mid-page
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath('messages-room.png'), fullPage: true });
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('when one character lies deeper in a group than one call reads, then the page goes on searching by itself and shows the hit', async () => {
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 860 } });
    await t.logIn(page, `/?room=${encodeURIComponent(deep.room)}`);
    await page.locator('[data-test=room-title]').waitFor();
    await page.getByRole('tab', { name: '全文搜索' }).click();
    await page.getByText('只搜当前群').click();
    await page.locator('input[data-test=search-input]').fill('犇');
    const answers: Array<{ searchedTo: string | null; items: unknown[] }> = [];
    page.on('response', (response) => {
      if (response.url().includes('/api/search?')) void response.json().then((body: { searchedTo: string | null; items: unknown[] }) => answers.push(body));
    });
    await page.locator('[data-test=search-button]').click();
    await page.locator('.hit mark', { hasText: '犇' }).first().waitFor();
    await page.locator('[data-test=searched-to]').waitFor({ state: 'detached' });
    await page.screenshot({ path: screenshotPath('messages-search-one-character.png'), fullPage: true });

    // the first call stopped at its budget and said how far it got; the second found the hit and the end
    expect(answers.map((answer) => [answer.searchedTo !== null, answer.items.length])).toEqual([[true, 0], [false, 1]]);
    expect(await page.locator('.hit').count()).toBe(1);
    await page.close();
  });

  it('when staff make a cohort summary, then the text streams in from the Coze fake', async () => {
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 860 } });
    await t.logIn(page);
    await page.getByRole('tab', { name: '群体筛选与总结' }).click();
    await page.getByPlaceholder('姓名 / 学员 / ID').fill(f.englishName);
    await page.locator('[data-test=cohort-query]').click();
    await page.locator('[data-test=cohort-table] .el-table__row', { hasText: `${f.studentName}妈妈` }).waitFor();
    await page.locator('[data-test=cohort-table] .el-table__header .el-checkbox').click();
    await page.locator('[data-test=aggregate]').click();
    await page.locator('.aggregate-text', { hasText: '私下问一下下学期的课表' }).waitFor();
    await page.locator('[data-test=cohort-summary]').click();
    await page.locator('[data-test=start-summary]').click();
    await page.locator('[data-test=summary-text]', { hasText: '【模拟' }).waitFor();
    const partial = await page.locator('[data-test=summary-text]').first().textContent();
    await page.locator('[data-test=summary-done]').waitFor({ timeout: 20_000 });
    const final = await page.locator('[data-test=summary-text]').first().textContent();
    expect(final).toContain('【模拟家长沟通总结】');
    expect(final!.startsWith(partial!)).toBe(true);
    await page.screenshot({ path: screenshotPath('messages-summary.png'), fullPage: true });
    await page.close();
  });

  it('when a link opens a person on a phone, then the month is readable at phone width', async () => {
    const page = await t.browser.newPage({ viewport: { width: 390, height: 844 } });
    await t.logIn(page, `/?user=${encodeURIComponent(f.parent)}`);
    await page.getByRole('heading', { name: `${f.studentName}妈妈` }).waitFor();
    await page.locator('.msg', { hasText: '[语音]' }).getByText('8 秒').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: screenshotPath('messages-phone.png'), fullPage: true });
    await page.close();
  });
});
