import { describe, expect, it } from 'vitest';
import { useTestPage } from '@doitcrm/kit/testing';
import { createEtlApp } from '../src/app.ts';
import { etlConfigShape } from '../src/config.ts';

const t = useTestPage('etl', etlConfigShape, createEtlApp, {
  prepare: (context) => context.pool.query(
    `INSERT INTO chat.messages (msgid, action, msgtype, msgtime, from_id, room_id, to_ids, payload, raw)
     SELECT 'PRELOAD' || n, 'send', 'text', now() - n * interval '1 hour', 'zhangsan', NULL, ARRAY['lisi'],
            jsonb_build_object('content', '老师好'), '{}'::jsonb
     FROM generate_series(1, 7) n`,
  ),
});

describe('ETL page data asked for by its HTML', () => {
  it('when someone signed out opens the page and logs in, then the counts come from the server, not the 401 the page preloaded before the login', async () => {
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 800 } });
    const statsAnswers: number[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/stats') statsAnswers.push(response.status());
    });

    // the login form is shown on the page as first loaded, signed out: its preloads were answered 401
    await t.logIn(page);
    await page.locator('.dc-stat__value').first().waitFor();

    expect(await page.locator('link[rel="preload"][as="fetch"][href="/api/stats"]').count()).toBe(1);
    expect(statsAnswers).toEqual([401, 200]);
    expect(await page.locator('.dc-stat__value').first().innerText()).toBe('7');
    await page.close();
  });
});
