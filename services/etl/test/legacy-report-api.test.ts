import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@doitcrm/kit';
import { useTestApp } from '@doitcrm/kit/testing';
import { createEtlApp } from '../src/app.ts';
import { etlConfigShape } from '../src/config.ts';
import { runLegacyImport } from '../src/legacy/legacy-import.ts';
import { V1_CHAT, V1_MAPPINGS, chatRow, createLegacyDatabase, textRecord, type LegacyDatabase } from './legacy-fixtures.ts';

const t = useTestApp('etl', etlConfigShape, createEtlApp, { roles: ['staff', 'viewer'] });
let legacy: LegacyDatabase;

beforeAll(async () => {
  legacy = await createLegacyDatabase([V1_CHAT, V1_MAPPINGS, chatRow('public', textRecord('api-1', 'wmA', 'teacher', '你好')),
    `INSERT INTO public.wecom_id_mappings (id_type, original_id, display_name, user_role) VALUES ('user_id', '', '无 ID', '家长')`].join('\n'));
});
afterAll(async () => { await legacy?.drop(); });

describe('a migration in the ETL page\'s history', () => {
  it('when a school was migrated, then its run is listed with a report staff can download (audited) and viewers cannot', async () => {
    const report = await runLegacyImport({ fromUrl: legacy.url, mode: 'import', preferLegacy: false, cipher: null },
      { pool: t.context.pool, logger: createLogger({ service: 'legacy-test', level: 'silent' }) });

    const runs = await supertest(t.app).get('/api/runs').set('Cookie', t.cookies.viewer);
    const download = await supertest(t.app).get(`/api/runs/${report.runId}/report`).set('Cookie', t.cookies.staff);
    const asViewer = await supertest(t.app).get(`/api/runs/${report.runId}/report`).set('Cookie', t.cookies.viewer);

    expect(runs.body.items[0]).toMatchObject({ id: report.runId, origin: 'legacy', status: 'succeeded', inserted: 1, hasReport: true });
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toMatch(/attachment; filename="legacy-import-run-\d+\.json"/);
    expect(download.body.problems).toContainEqual(expect.objectContaining({ table: 'public.wecom_id_mappings', reason: expect.stringMatching(/original_id/) }));
    expect(asViewer.status).toBe(403);
    const { rows } = await t.context.pool.query(`SELECT action FROM auth.audit_log WHERE action = 'etl.legacy-report.download' AND target_id = $1`, [String(report.runId)]);
    expect(rows).toHaveLength(1);
  });
});
