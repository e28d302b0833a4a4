import supertest from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_UNAVAILABLE_MESSAGE } from '@doitcrm/kit';
import { useTestApp, whileAuditLogRefusesRows } from '@doitcrm/kit/testing';
import { createEtlApp } from '../src/app.ts';
import { etlConfigShape } from '../src/config.ts';

// Quarantined lines are chat records as they came (families' messages): like every other read of messages they are
// recorded before they are sent, and not sent when that cannot be recorded (finding 4 of the hardening).

const t = useTestApp('etl', etlConfigShape, createEtlApp, { roles: ['staff'] });
const LINE = '{"msgid":"broken","content":"孩子的体检报告在这里"';
let runId = 0;

beforeAll(async () => {
  const { rows: [run] } = await t.context.pool.query(
    "INSERT INTO chat.import_runs (source, origin, conflict_mode, status) VALUES ('家长群.jsonl', 'cli', 'skip', 'succeeded') RETURNING id");
  runId = Number(run.id);
  await t.context.pool.query("INSERT INTO chat.quarantine (run_id, source, line_no, reason, raw_text) VALUES ($1, '家长群.jsonl', 7, 'not valid JSON', $2)",
    [runId, LINE]);
});

describe('quarantined lines', () => {
  it.each(['quarantine', 'quarantine.jsonl'])('when the audit log refuses rows and staff read /%s, then 503 says so and no line is sent', async (path) => {
    const response = await whileAuditLogRefusesRows(t.context.pool, () => supertest(t.app).get(`/api/runs/${runId}/${path}`).set('Cookie', t.cookies.staff));

    expect(response.status).toBe(503);
    expect(response.body.message).toBe(AUDIT_UNAVAILABLE_MESSAGE);
    expect(response.text).not.toContain('体检报告');
  });
});
