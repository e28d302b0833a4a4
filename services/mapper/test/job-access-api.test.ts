import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { insertJob, type JobSnapshot } from '@doitcrm/kit';
import { useTestApp } from '@doitcrm/kit/testing';
import { createMapperApp } from '../src/app.ts';
import { mapperConfigShape } from '../src/config.ts';

// ops.jobs holds every service's jobs: the mapper's job routes must answer only for the mapper's own types.
const t = useTestApp('mapper', mapperConfigShape, createMapperApp, { roles: ['staff', 'viewer'] });

describe('job routes on the mapper, played by a hostile user', () => {
  it('when messages.summarize jobs are asked of the mapper, then list, job and stream answer 404, also to staff', async () => {
    const summaryJob = await insertJob(t.context.pool, { type: 'messages.summarize', createdBy: t.users.staff.id });

    const responses = await Promise.all([
      supertest(t.app).get('/api/jobs?type=messages.summarize').set('Cookie', t.cookies.viewer),
      supertest(t.app).get('/api/jobs?type=messages.summarize').set('Cookie', t.cookies.staff),
      supertest(t.app).get(`/api/jobs/${summaryJob.id}`).set('Cookie', t.cookies.staff),
      supertest(t.app).get(`/api/jobs/${summaryJob.id}/events`).set('Cookie', t.cookies.staff),
    ]);

    expect(responses.map((response) => response.status)).toEqual([404, 404, 404, 404]);
  });

  it('when staff list the mapper\'s jobs, then extraction and nickname jobs are there and no other service\'s', async () => {
    const extract = await insertJob(t.context.pool, { type: 'mapper.extract', createdBy: t.users.staff.id });
    const names = await insertJob(t.context.pool, { type: 'mapper.fetch-names', createdBy: t.users.staff.id });
    await insertJob(t.context.pool, { type: 'etl.import', createdBy: t.users.staff.id });

    const list = await supertest(t.app).get('/api/jobs?limit=100').set('Cookie', t.cookies.staff);
    const viewerList = await supertest(t.app).get('/api/jobs?limit=100').set('Cookie', t.cookies.viewer);

    expect(list.body.items.map((item: JobSnapshot) => item.id)).toEqual(expect.arrayContaining([extract.id, names.id]));
    expect(new Set(list.body.items.map((item: JobSnapshot) => item.type))).toEqual(new Set(['mapper.extract', 'mapper.fetch-names']));
    expect(viewerList.body.items).toEqual([]);
  });
});
