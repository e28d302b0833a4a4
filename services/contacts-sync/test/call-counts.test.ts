import { describe, expect, it } from 'vitest';
import { useTestService } from '@doitcrm/kit/testing';
import { contactsSyncConfigShape } from '../src/config.ts';
import { insertRun } from '../src/data-access/run-repository.ts';
import { relationBatchSize } from '../src/domain/relation-batches.ts';
import { runSync } from '../src/domain/run-sync.ts';
import { fakeDirectory, followMembers, TEST_SETTINGS, useFakeWecom } from './sync-fixture.ts';

const wecom = useFakeWecom();
const t = useTestService('contacts-sync', contactsSyncConfigShape);

function callsByEndpoint(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of wecom.fake.calls.all()) counts[call.endpoint] = (counts[call.endpoint] ?? 0) + 1;
  return counts;
}

/** The calls batches of `size` members make: one per 100 (customer, member) pairs of each batch, at least one. */
function splitCalls(members: readonly string[], size: number): number {
  const pairsOf = new Map<string, number>();
  for (const contact of wecom.fake.state.directory.externalContacts.values()) {
    for (const f of contact.follow_user) pairsOf.set(f.userid, (pairsOf.get(f.userid) ?? 0) + 1);
  }
  let calls = 0;
  for (let i = 0; i < members.length; i += size) {
    const pairs = members.slice(i, i + size).reduce((sum, id) => sum + (pairsOf.get(id) ?? 0), 0);
    calls += Math.max(1, Math.ceil(pairs / 100));
  }
  return calls;
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
    // the members fit one batch of 100, so the pass cuts them into `concurrency` batches walked at once
    // (relation-batches.ts): one call per 100 pairs of each batch, at most one more than the minimum per extra batch
    const split = splitCalls(members, relationBatchSize(members.length, 100, settings.concurrency));
    expect(Math.ceil(members.length / relationBatchSize(members.length, 100, settings.concurrency))).toBe(settings.concurrency);
    expect(split).toBeLessThanOrEqual(minimum * 1.1);
    expect(split).toBeLessThanOrEqual(minimum + settings.concurrency - 1);
    expect(fullCalls['externalcontact/batch/get_by_user']).toBe(split);
    expect(fullCalls['user/get']).toBe(wecom.fake.state.directory.users.size);
    expect(fullCalls['externalcontact/groupchat/get']).toBe(fakeDirectory(wecom.fake).groups.length);
    expect(incrementalCalls['externalcontact/batch/get_by_user']).toBe(split);
    expect(incrementalCalls['user/get']).toBeUndefined();
    expect(incrementalCalls['externalcontact/groupchat/get']).toBeUndefined();
  });
});
