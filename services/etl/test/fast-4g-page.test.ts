import { describe, it } from 'vitest';
import { checkFirstVisitOnFast4G, useTestPage } from '@doitcrm/kit/testing';
import { createEtlApp } from '../src/app.ts';
import { etlConfigShape } from '../src/config.ts';

const t = useTestPage('etl', etlConfigShape, createEtlApp, {
  // a few messages, so the page shows its counts rather than the empty-archive hint
  prepare: (context) => context.pool.query(
    `INSERT INTO chat.messages (msgid, action, msgtype, msgtime, from_id, room_id, to_ids, payload, raw)
     SELECT 'FAST4G' || n, 'send', 'text', now() - n * interval '1 hour', 'zhangsan', NULL, ARRAY['lisi'],
            jsonb_build_object('content', '老师好'), '{}'::jsonb
     FROM generate_series(1, 20) n`,
  ),
});

describe('etl page on a phone network', () => {
  it('when staff open the import page on Chromium\'s Fast 4G profile, then the archive counts show after a first visit of under 600 kB, and the next visit takes its files from the cache', async () => {
    await checkFirstVisitOnFast4G('etl', t, '.dc-stat__value');
  }, 120_000);
});
