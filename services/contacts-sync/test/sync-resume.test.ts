import { describe, expect, it } from 'vitest';
import { useTestService } from '@doitcrm/kit/testing';
import { contactsSyncConfigShape } from '../src/config.ts';
import { listContacts } from '../src/data-access/contact-read-repository.ts';
import { findRun } from '../src/data-access/run-repository.ts';
import { SyncStoppedError } from '../src/domain/run-sync.ts';
import { activeRelationPairs, fakeDirectory, followMembers, syncNow, TEST_SETTINGS, useFakeWecom } from './sync-fixture.ts';

const wecom = useFakeWecom();
const t = useTestService('contacts-sync', contactsSyncConfigShape);
const deps = () => ({ pool: t.context.pool, logger: t.context.logger, client: wecom.client });
const rows = async (sql: string, values: unknown[] = []) => (await t.context.pool.query(sql, values)).rows;

describe('a pass stopped midway', () => {
  it('when a full pass stops after its first staff batch and runs again, then the second run resumes the pass at batch 2 (with the pass\'s batch size) and ends in the same state, without duplicates', async () => {
    const batches = Math.ceil(followMembers(wecom.fake).length / TEST_SETTINGS.membersPerBatch);
    expect(batches).toBeGreaterThan(2);

    const first = syncNow(deps(), 'full', { stopAfterBatches: 1 });
    await expect(first).rejects.toBeInstanceOf(SyncStoppedError);
    const [stopped] = await rows("SELECT id, pass, state, checkpoint FROM contacts.sync_runs ORDER BY id DESC LIMIT 1");
    expect(stopped).toMatchObject({ state: 'failed', checkpoint: { stage: 'relations', batchesDone: 1 } });
    const relationsAfterFirst = (await activeRelationPairs(t.context.pool)).length;
    expect(relationsAfterFirst).toBeGreaterThan(0);
    expect(relationsAfterFirst).toBeLessThan(fakeDirectory(wecom.fake).pairs.length);

    // the batch size changed in between: the pass keeps the batches it started with
    const { run, counters } = await syncNow(deps(), 'full', {}, { membersPerBatch: 3 });

    expect(run.resumedFrom).toBe(Number(stopped.id));
    expect(run.pass).toBe(Number(stopped.pass));
    // only the batches the first run did not reach were asked again, and no member's customers twice
    expect(counters.batchesDone).toBe(batches);
    expect(counters.relationsSeen).toBe(fakeDirectory(wecom.fake).pairs.length - relationsAfterFirst);
    expect(await activeRelationPairs(t.context.pool)).toEqual(fakeDirectory(wecom.fake).pairs);
    const [dupes] = await rows(`SELECT count(*)::int - count(DISTINCT (external_userid, userid))::int AS n FROM contacts.follow_relations`);
    expect(dupes.n).toBe(0);
    expect((await findRun(t.context.pool, run.id))).toMatchObject({ state: 'succeeded', passComplete: true });
  });
});

describe('a member leaving during a pass', () => {
  it('when a member of a later batch leaves before the batch is asked, then the pass completes without them, leaves their relations as they were, and the next pass marks those lost', async () => {
    const { directory } = wecom.fake.state;
    await syncNow(deps(), 'incremental');
    const leaver = followMembers(wecom.fake)[TEST_SETTINGS.membersPerBatch]!;
    const theirs = async () => rows('SELECT status FROM contacts.follow_relations WHERE userid = $1', [leaver]);
    const activeBefore = (await theirs()).length;
    await expect(syncNow(deps(), 'incremental', { stopAfterBatches: 1 })).rejects.toBeInstanceOf(SyncStoppedError);
    const user = directory.users.get(leaver)!;
    directory.users.delete(leaver);
    try {
      // batch 2 now names a member WeCom answers 60111 for: asked member by member, the leaver skipped
      const resumed = await syncNow(deps(), 'incremental');
      expect(resumed.run.resumedFrom).not.toBeNull();
      expect(resumed.counters.membersSkipped).toBe(1);
      expect(resumed.counters.relationsLost).toBe(0);
      expect((await theirs()).every((r) => r.status === 'active')).toBe(true);

      const next = await syncNow(deps(), 'incremental');
      expect(next.counters.relationsLost).toBe(activeBefore);
      expect((await theirs()).every((r) => r.status === 'lost')).toBe(true);
    } finally {
      directory.users.set(leaver, user);
    }
    const back = await syncNow(deps(), 'incremental');
    expect(back.counters.relationsLost).toBe(0);
    expect((await theirs()).every((r) => r.status === 'active')).toBe(true);
  });
});

describe('lost only after a complete pass', () => {
  it('when a relation disappears, then a pass stopped midway marks nothing, the completed pass marks it lost with one churn alert, and a later pass raises none again', async () => {
    const firstBatch = followMembers(wecom.fake).slice(0, TEST_SETTINGS.membersPerBatch);
    // a customer followed by two members of the first batch: one deletes them now, the other later
    const [externalId, contact] = [...wecom.fake.state.directory.externalContacts]
      .find(([, c]) => c.follow_user.length === 2 && c.follow_user.every((f) => firstBatch.includes(f.userid)))!;
    const member = contact.follow_user[0]!.userid;
    const removed = contact.follow_user.splice(0, 1);
    const relation = async () => (await rows('SELECT id, status, lost_at FROM contacts.follow_relations WHERE external_userid = $1 AND userid = $2', [externalId, member]))[0];
    const alertEvents = async () => rows("SELECT envelope FROM ops.outbox WHERE routing_key = 'alert.raised' AND envelope->'payload'->>'title' LIKE '%' || $1 || '%'", [contact.external_contact.name]);

    // the member is in batch 1: this pass sees the relation missing, parks it, and stops before completing
    await expect(syncNow(deps(), 'incremental', { stopAfterBatches: 1 })).rejects.toBeInstanceOf(SyncStoppedError);
    expect(await relation()).toMatchObject({ status: 'active', lost_at: null });
    expect(await rows("SELECT kind FROM contacts.lost_candidates WHERE kind = 'relation'")).toHaveLength(1);

    const { counters } = await syncNow(deps(), 'incremental');

    expect(await relation()).toMatchObject({ status: 'lost' });
    expect(counters.relationsLost).toBe(1);
    const lostList = await listContacts(t.context.pool, { status: 'lost', limit: 200 });
    expect(lostList.items.map((c) => c.externalUserId)).toEqual([externalId]);
    expect(counters.alertsRaised).toBe(1);
    const customerStatus = async () => (await rows('SELECT status FROM contacts.external_contacts WHERE external_userid = $1', [externalId]))[0].status;
    // the other member still follows them: a customer, not a deleted one
    expect(await customerStatus()).toBe('normal');
    const events = await alertEvents();
    expect(events).toHaveLength(1);
    expect(events[0].envelope.payload).toMatchObject({ kind: 'churn_risk', severity: 'warning', classId: null });
    expect(events[0].envelope.payload.alertId).toBeGreaterThanOrEqual(1_000_000_000);

    const again = await syncNow(deps(), 'full');
    expect(again.counters.relationsLost).toBe(0);
    expect(await alertEvents()).toHaveLength(1);

    const last = contact.follow_user.splice(0, 1);
    const gone = await syncNow(deps(), 'incremental');
    expect(gone.counters).toMatchObject({ relationsLost: 1, contactsDeleted: 1, alertsRaised: 1 });
    expect(await customerStatus()).toBe('deleted');
    expect(await alertEvents()).toHaveLength(2);

    contact.follow_user.push(...removed, ...last);
    const back = await syncNow(deps(), 'incremental');
    expect(await relation()).toMatchObject({ status: 'active', lost_at: null });
    expect(await customerStatus()).toBe('normal');
    expect(await rows("SELECT change FROM contacts.changes WHERE run_id = $1 AND entity = 'relation'", [back.run.id])).toEqual([{ change: 'restored' }, { change: 'restored' }]);
  });

  it('when a complete pass would mark most relations lost (a narrowed visibility scope looks like that), then it marks nothing and fails naming the likely cause', async () => {
    const saved = new Map(wecom.fake.state.directory.externalContacts);
    const keep = [...saved].slice(0, 10);
    wecom.fake.state.directory.externalContacts = new Map(keep);
    const lost = async () => (await rows("SELECT count(*)::int AS n FROM contacts.follow_relations WHERE status = 'lost'"))[0].n;
    const before = await lost();
    try {
      await expect(syncNow(deps(), 'incremental')).rejects.toThrow(/可见范围/);
      expect(await lost()).toBe(before);
    } finally {
      wecom.fake.state.directory.externalContacts = saved;
    }
    // scope fixed: the next run opens a new pass instead of resuming the one that saw the broken scope
    const { run, counters } = await syncNow(deps(), 'incremental');
    expect(run.resumedFrom).toBeNull();
    expect(counters.relationsLost).toBe(0);
    expect(await lost()).toBe(before);
  });
});
