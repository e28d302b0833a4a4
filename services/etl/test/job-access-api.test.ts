import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { insertJob, type JobSnapshot } from '@doitcrm/kit';
import { useTestApp } from '@doitcrm/kit/testing';
import { createEtlApp } from '../src/app.ts';
import { etlConfigShape } from '../src/config.ts';

// The attack of issue 13 (finding 1): on the ETL port, a viewer listed `messages.summarize` jobs and read a parent's
// AI summary from a job's message. ops.jobs is one table for every service, so the rows are there to be found.
const t = useTestApp('etl', etlConfigShape, createEtlApp, { roles: ['admin', 'staff', 'viewer'] });

const SUMMARY_TEXT = '【家长沟通总结】王小明妈妈担心作业太难，询问退费流程';

/** A summary job as the messages service writes it (with the text where the old worker put it). */
async function summaryJobOfStaff(): Promise<JobSnapshot> {
  const job = await insertJob(t.context.pool, { type: 'messages.summarize', params: { mode: 'parent', people: 1 }, createdBy: t.users.staff.id });
  await t.context.pool.query("UPDATE ops.jobs SET status = 'succeeded', message = $2, finished_at = now() WHERE id = $1", [job.id, SUMMARY_TEXT]);
  return job;
}

describe('job routes on the ETL service, played by a hostile user', () => {
  it('when a viewer lists messages.summarize jobs on the ETL service, then 404 and no job of anyone comes back', async () => {
    await summaryJobOfStaff();

    const response = await supertest(t.app).get('/api/jobs?type=messages.summarize').set('Cookie', t.cookies.viewer);
    const unfiltered = await supertest(t.app).get('/api/jobs?limit=100').set('Cookie', t.cookies.viewer);

    expect(response.status).toBe(404);
    expect(JSON.stringify(response.body)).not.toContain(SUMMARY_TEXT);
    expect(unfiltered.status).toBe(200);
    expect(JSON.stringify(unfiltered.body)).not.toContain(SUMMARY_TEXT);
  });

  it('when even an admin asks the ETL service for a summary job by id or for its event stream, then 404 as for a job that does not exist', async () => {
    const job = await summaryJobOfStaff();

    const byId = await supertest(t.app).get(`/api/jobs/${job.id}`).set('Cookie', t.cookies.admin);
    const stream = await supertest(t.app).get(`/api/jobs/${job.id}/events`).set('Cookie', t.cookies.admin);
    const missing = await supertest(t.app).get('/api/jobs/00000000-0000-4000-8000-000000000000').set('Cookie', t.cookies.admin);

    for (const response of [byId, stream]) {
      expect(response.status).toBe(404);
      expect(response.text).not.toContain(SUMMARY_TEXT);
      expect(response.body.message).toBe(missing.body.message);
    }
  });

  it('when a viewer lists or opens import jobs, then only their own answer; staff see every import', async () => {
    const staffImport = await insertJob(t.context.pool, { type: 'etl.import', params: { originalName: 'a.jsonl' }, createdBy: t.users.staff.id });
    const viewerImport = await insertJob(t.context.pool, { type: 'etl.import', params: { originalName: 'b.jsonl' }, createdBy: t.users.viewer.id });

    const asViewer = await supertest(t.app).get('/api/jobs?type=etl.import&limit=100').set('Cookie', t.cookies.viewer);
    const othersAsViewer = await supertest(t.app).get(`/api/jobs/${staffImport.id}`).set('Cookie', t.cookies.viewer);
    const ownAsViewer = await supertest(t.app).get(`/api/jobs/${viewerImport.id}`).set('Cookie', t.cookies.viewer);
    const asStaff = await supertest(t.app).get('/api/jobs?type=etl.import&limit=100').set('Cookie', t.cookies.staff);

    expect(asViewer.body.items.map((item: JobSnapshot) => item.id)).toEqual([viewerImport.id]);
    expect(othersAsViewer.status).toBe(404);
    expect(ownAsViewer.status).toBe(200);
    expect(asStaff.body.items.map((item: JobSnapshot) => item.id)).toEqual(expect.arrayContaining([staffImport.id, viewerImport.id]));
  });
});
