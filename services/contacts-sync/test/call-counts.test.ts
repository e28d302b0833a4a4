import { describe, expect, it } from 'vitest';
import { useTestService } from '@doitcrm/kit/testing';
import { contactsSyncConfigShape } from '../src/config.ts';
import { insertRun } from '../src/data-access/run-repository.ts';
import { runSync } from '../src/domain/run-sync.ts';
import { fakeDirectory, followMembers, TEST_SETTINGS, useFakeWecom } from './sync-fixture.ts';

const wecom = useFakeWecom();
const t = useTestService('contacts-sync', contactsSyncConfigShape);

function callsByEndpoint(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of wecom.fake.calls.all()) counts[call.endpoint] = (counts[call.endpoint] ?? 0) + 1;
  return counts;
}

describe('WeCom calls of a pass', () => {
  it('when a full pass runs with batches of 100 members, then batch/get_by_user is called the minimum number of times: one per 100 relations of each batch', async () => {
    wecom.fake.calls.clear();
    const members = followMembers(wecom.fake);
    const pairs = fakeDirectory(wecom.fake).pairs.length;
    const settings = { ...TEST_SETTINGS, membersPerBatch: 100 };

    const full = await insertRun(t.context.pool, { mode: 'full', jobId: null, createdBy: null, state: 'running' });
    await runSync({ pool: t.context.pool, logger: t.context.logger, client: wecom.client, settings }, full.id);
    const fullCalls = callsByEndpoint();
    wecom.fake.calls.clear();
    const incremental = await insertRun(t.context.pool, { mode: 'incremental', jobId: null, createdBy: null, state: 'running' });
    await runSync({ pool: t.context.pool, logger: t.context.logger, client: wecom.client, settings }, incremental.id);
    const incrementalCalls = callsByEndpoint();
    console.info(JSON.stringify({ members: members.length, pairs, full: fullCalls, incremental: incrementalCalls }));

    expect(members.length).toBeLessThanOrEqual(100);
    const minimum = Math.ceil(members.length / 100) * Math.ceil(pairs / 100);
    expect(fullCalls['externalcontact/batch/get_by_user']).toBe(minimum);
    expect(fullCalls['user/get']).toBe(wecom.fake.state.directory.users.size);
    expect(fullCalls['externalcontact/groupchat/get']).toBe(fakeDirectory(wecom.fake).groups.length);
    expect(incrementalCalls['externalcontact/batch/get_by_user']).toBe(minimum);
    expect(incrementalCalls['user/get']).toBeUndefined();
    expect(incrementalCalls['externalcontact/groupchat/get']).toBeUndefined();
  });
});
