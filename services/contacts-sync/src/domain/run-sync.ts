import { withTransaction, type Logger, type Pool, type PoolClient } from '@doitcrm/kit';
import { classifyWecomFailure, type ExternalContactFollow, type WecomUser } from '@doitcrm/wecom';
import { recordChanges, type ChangeRow } from '../data-access/change-log.ts';
import { replaceCorpTags } from '../data-access/corp-tag-writer.ts';
import { addHalfContacts, parkMissingRelations, parkRelationsOfUnlistedMembers, writeContacts, writeRelations } from '../data-access/follow-writer.ts';
import { knownGroups, parkMissingGroups, writeGroups } from '../data-access/group-writer.ts';
import { addDailyMetrics, lostShare, markParkedLost } from '../data-access/lost-marker.ts';
import { findRun, finishRun, hasLaterRun, markRunning, saveProgress, type Checkpoint, type SyncRun } from '../data-access/run-repository.ts';
import { knownStaff, parkMissingStaff, writeStaff, type WriteResult } from '../data-access/staff-writer.ts';
import { announceNames, raiseChurnAlerts } from './publish-changes.ts';
import { contactRecord, groupRecord, halfContactRecord, relationRecord, staffRecord, type ContactRecord } from './records.ts';
import { emptyCounters, rowsWritten, type RunCounters } from './run-counters.ts';
import { BatchAbortedError, CommitTurns, relationBatchSize } from './relation-batches.ts';
import { WriteAhead } from './write-ahead.ts';
import {
  countingClient, fetchFollowPairs, fetchGroups, listGroups, listMemberDepartments, mapWithConcurrency, type SyncClient,
} from './wecom-snapshot.ts';

export interface SyncSettings {
  membersPerBatch: number;
  concurrency: number;
  lostGuardRatio: number;
  timezone: string;
}

export interface SyncDeps {
  pool: Pool;
  client: SyncClient;
  logger: Logger;
  settings: SyncSettings;
}

export interface RunOptions {
  onProgress?: (done: number, total: number, message: string) => Promise<void> | void;
  /** tests: stop (as a killed process would) after this many staff batches of this run */
  stopAfterBatches?: number;
}

/** The run stopped on purpose midway (tests), leaving its checkpoint as a killed process would. */
export class SyncStoppedError extends Error {
  constructor() {
    super('同步在中途停止 (stopped midway on purpose)');
    this.name = 'SyncStoppedError';
  }
}

/** The run was replaced (a forced run took over its pass): a late redelivery of its job does nothing. */
export class RunNotActiveError extends Error {
  constructor(runId: number) {
    super(`同步 ${runId} 已被新的同步取代 (run ${runId} was replaced by a later run)`);
    this.name = 'RunNotActiveError';
  }
}

/** A complete pass that would mark too many relations lost: nothing is marked, an operator looks first. */
export class MassLossError extends Error {
  constructor(parked: number, active: number) {
    super(`本次同步将有 ${parked}/${active} 个客户关系标记为流失，超过阈值，未做标记：请先检查应用的可见范围与「客户联系」权限是否被改动 `
      + `(a complete pass would mark ${parked} of ${active} relations lost; nothing was marked)`);
    this.name = 'MassLossError';
  }
}

/** pairs a batch writes ahead of its commit at a time (see write-ahead.ts) */
const WRITE_AHEAD_PAIRS = 5_000;

const chunk = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * One sync run from its checkpoint to the end of its pass: staff, then the follow relations one staff batch at a
 * time (each batch's writes, lost candidates, change log, events and checkpoint in one transaction), then customer
 * groups, then the pass's completion, the only step that marks anything lost. A run that fails keeps its
 * checkpoint; the next run of the same mode (or this job's redelivery) continues the pass from there.
 */
export async function runSync(deps: SyncDeps, runId: number, options: RunOptions = {}): Promise<RunCounters> {
  const run = await findRun(deps.pool, runId);
  if (!run) throw new Error(`no sync run ${runId}`);
  if (run.state === 'succeeded') return { ...emptyCounters(), ...run.counters } as RunCounters;
  if (run.state === 'abandoned' || ((run.state === 'failed') && await hasLaterRun(deps.pool, runId))) throw new RunNotActiveError(runId);
  await markRunning(deps.pool, runId);
  const counters: RunCounters = { ...emptyCounters(), ...(run.counters as Partial<RunCounters>) };
  const client = countingClient(deps.client, counters.wecomCalls);
  const pass = new PassWork(deps, run, counters, client, options);
  try {
    await pass.run();
    return counters;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // after a mass-loss stop the parked candidates describe a broken scope: the next run starts a fresh pass
    await finishRun(deps.pool, runId, { state: 'failed', counters, error: message, restartPass: error instanceof MassLossError });
    await addDailyMetrics(deps.pool, deps.settings.timezone, { failed: true, written: rowsWritten(counters), added: counters.relationsAdded, lost: 0, calls: totalCalls(counters) })
      .catch((metricsError: unknown) => deps.logger.warn({ err: metricsError }, 'daily metrics not updated'));
    throw error;
  }
}

const totalCalls = (counters: RunCounters) => Object.values(counters.wecomCalls).reduce((a, b) => a + b, 0);

class PassWork {
  private checkpoint: Checkpoint;
  private batchesThisRun = 0;
  private groupsAhead: ReturnType<PassWork['fetchGroupsStage']> | null = null;

  constructor(
    private readonly deps: SyncDeps, private readonly syncRun: SyncRun, private readonly counters: RunCounters,
    private readonly client: SyncClient, private readonly options: RunOptions,
  ) {
    this.checkpoint = syncRun.checkpoint;
  }

  private get full(): boolean {
    return this.syncRun.mode === 'full';
  }

  async run(): Promise<void> {
    try {
      if (this.checkpoint.stage === 'staff') await this.staff();
      if (this.checkpoint.stage === 'relations') await this.relations();
      if (this.checkpoint.stage === 'groups') await this.groups();
      await this.complete();
    } finally {
      // a run that stops midway leaves no call of its own in flight behind it
      await this.groupsAhead?.catch(() => undefined);
    }
  }

  private async progress(message: string): Promise<void> {
    const batches = 'members' in this.checkpoint ? Math.ceil(this.checkpoint.members.length / this.checkpoint.batchSize) : 0;
    const stageDone = { staff: 0, relations: 1, groups: 1 + batches, finalize: 2 + batches }[this.checkpoint.stage];
    const done = stageDone + (this.checkpoint.stage === 'relations' ? this.checkpoint.batchesDone : 0);
    await this.options.onProgress?.(done, batches + 3, message);
  }

  /** Writes a unit's results with its change rows, name events and the checkpoint after it, in one transaction. */
  private async commit(next: Checkpoint, write: (tx: PoolClient) => Promise<WriteResult[]>): Promise<void> {
    await withTransaction(this.deps.pool, async (tx) => {
      const results = await write(tx);
      const changes: ChangeRow[] = results.flatMap((r) => r.changes);
      await recordChanges(tx, this.syncRun.id, changes);
      const names = results.flatMap((r) => r.renamed);
      this.counters.namesAnnounced += names.length;
      await announceNames(tx, this.syncRun.id, names);
      this.counters.relationsAdded += changes.filter((c) => c.entity === 'relation' && c.change === 'added').length;
      await saveProgress(tx, this.syncRun.id, next, this.counters);
    });
    this.checkpoint = next;
  }

  private async staff(): Promise<void> {
    await this.progress('读取成员');
    const departments = await listMemberDepartments(this.client);
    const known = this.full ? new Map<string, { name: string; wecomStatus: number | null }>() : await knownStaff(this.deps.pool);
    // an incremental pass asks user/get only for members it has never seen; names of known ones come from a full pass
    const toAsk = [...departments.keys()].filter((id) => this.full || !known.has(id));
    const users = await mapWithConcurrency(toAsk, this.deps.settings.concurrency, (id) => this.userOrNull(id));
    const asked = new Map(toAsk.map((id, i) => [id, users[i] ?? null]));
    const records = [...departments].flatMap(([id, deps]) => {
      const user = asked.has(id) ? asked.get(id) : { name: known.get(id)?.name ?? '', status: known.get(id)?.wecomStatus ?? undefined };
      // a member user/get refused (left between the two calls) is left as it is, not blanked
      return user ? [staffRecord(id, deps, user)] : [];
    });
    this.counters.staffSeen = departments.size;
    const members = (await this.client.listFollowUsers()).slice().sort();
    if (members.length === 0) this.deps.logger.warn('get_follow_user_list is empty: no member has 客户联系 enabled within the app\'s visibility');
    const { membersPerBatch, concurrency } = this.deps.settings;
    await this.commit({ stage: 'relations', members, batchSize: relationBatchSize(members.length, membersPerBatch, concurrency), batchesDone: 0 }, async (tx) => {
      const written = await writeStaff(tx, this.syncRun.pass, records);
      await parkMissingStaff(tx, this.syncRun.pass, [...departments.keys()]);
      this.counters.staffWritten += written.written;
      return [written];
    });
  }

  private async userOrNull(id: string): Promise<Pick<WecomUser, 'name' | 'status'> | null> {
    try {
      return await this.client.getUser(id);
    } catch (error) {
      if (classifyWecomFailure(error).kind === 'id') return null;
      throw error;
    }
  }

  /**
   * The relation walk: up to `concurrency` batches' cursor chains at once (relation-batches.ts), each batch committed
   * in order with the checkpoint after it, so the checkpoint stays "the first n batches are done".
   */
  private async relations(): Promise<void> {
    if (this.checkpoint.stage !== 'relations') return;
    const { members, batchSize, batchesDone } = this.checkpoint;
    const batches = chunk(members, batchSize);
    this.counters.batchesTotal = batches.length;
    this.groupsAhead = this.fetchGroupsStage();
    // a failure here is the groups stage's to report; the walk must not die of an unhandled rejection meanwhile
    this.groupsAhead.catch(() => undefined);
    const turns = new CommitTurns();
    const indexes = Array.from({ length: batches.length - batchesDone }, (_, i) => batchesDone + i);
    await mapWithConcurrency(indexes, this.deps.settings.concurrency, (index) => this.relationBatch({ members, batchSize, index, batches }, turns));
    if (batches.length === 0) this.checkpoint = { stage: 'groups', members, batchSize, batchesDone: 0 };
  }

  private async relationBatch(
    { members, batchSize, index, batches }: { members: string[]; batchSize: number; index: number; batches: readonly string[][] }, turns: CommitTurns,
  ): Promise<void> {
    const turn = turns.take();
    try {
      const ahead = new WriteAhead(WRITE_AHEAD_PAIRS, (early) => this.writeAhead(early));
      const onPair = (pair: ExternalContactFollow) => {
        // a stopping pass stops its other chains at their next page instead of following them to the end
        if (turns.stopping) throw new BatchAbortedError();
        ahead.add(pair);
      };
      const { pairs, fetched, streamed } = await this.fetchBatch(batches[index]!, onPair)
        // a failed chain leaves no write of its own running behind the run's failure
        .catch(async (error: unknown) => { await ahead.finish().catch(() => []); throw error; });
      const left = await ahead.finish();
      await turn.wait();
      const rest = this.pairRecords(streamed ? left : pairs);
      const relations = pairs.map((pair) => relationRecord(pair.contact.externalUserId, pair.follower));
      const position = { members, batchSize, batchesDone: index + 1 };
      const next: Checkpoint = index + 1 < batches.length ? { stage: 'relations', ...position } : { stage: 'groups', ...position };
      await this.commit(next, async (tx) => {
        const writtenContacts = await writeContacts(tx, this.syncRun.pass, rest.contacts);
        const writtenRelations = await writeRelations(tx, this.syncRun.pass, rest.relations);
        this.counters.relationsParked += await parkMissingRelations(tx, this.syncRun.pass, fetched, relations);
        this.counters.contactsWritten += writtenContacts.written;
        this.counters.relationsWritten += writtenRelations.written;
        this.counters.relationsSeen += relations.length;
        this.counters.customersSeen += new Set(pairs.map((pair) => pair.contact.externalUserId)).size;
        return [writtenContacts, writtenRelations];
      });
      this.counters.batchesDone = index + 1;
      this.batchesThisRun += 1;
      await this.progress(`客户：第 ${index + 1}/${batches.length} 批成员`);
    } catch (error) {
      turn.done(false);
      throw error;
    }
    if (this.options.stopAfterBatches !== undefined && this.batchesThisRun >= this.options.stopAfterBatches && index + 1 < batches.length) {
      turn.done(false);
      throw new SyncStoppedError();
    }
    turn.done(true);
  }

  private pairRecords(pairs: readonly ExternalContactFollow[]) {
    const contacts = new Map<string, ContactRecord>();
    for (const pair of pairs) contacts.set(pair.contact.externalUserId, contactRecord(pair.contact));
    // chains write at once and share customers: every transaction locks them in one order, so none waits in a cycle
    const sorted = [...contacts.keys()].sort().map((id) => contacts.get(id)!);
    return { contacts: sorted, relations: pairs.map((pair) => relationRecord(pair.contact.externalUserId, pair.follower)) };
  }

  /** Pairs written before their batch's commit: rows, change log and names, no checkpoint (write-ahead.ts). */
  private async writeAhead(pairs: readonly ExternalContactFollow[]): Promise<void> {
    const { contacts, relations } = this.pairRecords(pairs);
    await withTransaction(this.deps.pool, async (tx) => {
      const writtenContacts = await writeContacts(tx, this.syncRun.pass, contacts);
      const writtenRelations = await writeRelations(tx, this.syncRun.pass, relations);
      const results = [writtenContacts, writtenRelations];
      const changes = results.flatMap((r) => r.changes);
      await recordChanges(tx, this.syncRun.id, changes);
      const names = results.flatMap((r) => r.renamed);
      await announceNames(tx, this.syncRun.id, names);
      this.counters.namesAnnounced += names.length;
      this.counters.relationsAdded += changes.filter((c) => c.entity === 'relation' && c.change === 'added').length;
      this.counters.contactsWritten += writtenContacts.written;
      this.counters.relationsWritten += writtenRelations.written;
    });
  }

  /**
   * One batch's pairs. WeCom refuses the whole batch when one member in it is unknown (left between the member list
   * and this call: 60111): the batch is then asked member by member, and a member WeCom no longer knows is skipped —
   * their relations are neither seen nor parked in this pass (the next pass, without them in its list, parks them).
   */
  private async fetchBatch(batch: readonly string[], onPair: (pair: ExternalContactFollow) => void): Promise<{ pairs: ExternalContactFollow[]; fetched: string[]; streamed: boolean }> {
    try {
      return { pairs: await fetchFollowPairs(this.client, batch, onPair), fetched: [...batch], streamed: true };
    } catch (error) {
      if (batch.length === 1 || classifyWecomFailure(error).kind !== 'id') throw error;
    }
    const pairs: ExternalContactFollow[] = [];
    const fetched: string[] = [];
    for (const member of batch) {
      try {
        pairs.push(...await fetchFollowPairs(this.client, [member]));
        fetched.push(member);
      } catch (error) {
        if (classifyWecomFailure(error).kind !== 'id') throw error;
        this.counters.membersSkipped += 1;
        this.deps.logger.warn({ userId: member, err: error }, 'member skipped: WeCom no longer knows them');
      }
    }
    // the pairs the failed whole-batch chain streamed are asked again above: the commit writes these, not those
    return { pairs, fetched, streamed: false };
  }

  /**
   * What the groups stage writes, fetched (nothing written). Started beside the relation walk: that walk spends much
   * of its time waiting for the next minute of batch/get_by_user's budget, and groupchat/get counts against a budget
   * of its own, so the groups' calls fit in that wait instead of adding their time after it.
   */
  private async fetchGroupsStage() {
    const listed = await listGroups(this.client);
    const known = this.full ? null : await knownGroups(this.deps.pool);
    // an incremental pass reads only groups that are new, back, or whose status changed; a full pass reads them all
    const toRead = listed.filter((g) => !known || !known.get(g.chatId)?.active || known.get(g.chatId)?.wecomStatus !== g.status);
    const details = await fetchGroups(this.client, toRead.map((g) => g.chatId), this.deps.settings.concurrency);
    // the tag library, once a pass: relations carry tag ids only, and without it the page shows those raw ids
    // (a change_external_tag callback refreshes it too, but WeCom sends none for tags made through its API)
    const tagLibrary = await this.client.listCorpTags();
    return { listed, toRead, details, tagLibrary };
  }

  private async groups(): Promise<void> {
    if (this.checkpoint.stage !== 'groups') return;
    await this.progress('客户群');
    const { listed, toRead, details, tagLibrary } = await (this.groupsAhead ?? this.fetchGroupsStage());
    const records = details.flatMap((group, i) => (group ? [groupRecord(group, toRead[i]!.status)] : []));
    this.counters.groupsSeen = listed.length;
    const half = new Map<string, ContactRecord>();
    for (const record of records) for (const m of record.members) if (m.type === 2) half.set(m.member_id, halfContactRecord(m.member_id, m.name));
    const { stage: _stage, ...position } = this.checkpoint;
    const { members } = position;
    await this.commit({ stage: 'finalize', ...position }, async (tx) => {
      const groups = await writeGroups(tx, this.syncRun.pass, records);
      const halfContacts = await addHalfContacts(tx, this.syncRun.pass, [...half.values()]);
      await parkMissingGroups(tx, this.syncRun.pass, listed.map((g) => g.chatId));
      this.counters.relationsParked += await parkRelationsOfUnlistedMembers(tx, this.syncRun.pass, members);
      this.counters.groupsWritten += groups.written;
      this.counters.groupMembersWritten += groups.members;
      this.counters.halfContactsAdded += halfContacts.written;
      const tags = await replaceCorpTags(tx, tagLibrary);
      this.counters.corpTags = tags.tags;
      this.counters.corpTagsWritten += tags.written + tags.removed;
      return [groups, halfContacts];
    });
  }

  private async complete(): Promise<void> {
    await this.progress('标记流失');
    const { parked, active } = await lostShare(this.deps.pool, this.syncRun.pass);
    if (parked > 10 && parked > active * this.deps.settings.lostGuardRatio) throw new MassLossError(parked, active);
    await withTransaction(this.deps.pool, async (tx) => {
      const lost = await markParkedLost(tx, this.syncRun.pass);
      await recordChanges(tx, this.syncRun.id, lost.changes);
      this.counters.relationsLost += lost.relations.length;
      this.counters.contactsDeleted += lost.contactsDeleted;
      this.counters.groupsLost += lost.groupsLost;
      this.counters.staffGone += lost.staffGone;
      this.counters.alertsRaised += await raiseChurnAlerts(tx, lost.relations);
      await finishRun(tx, this.syncRun.id, { state: 'succeeded', counters: this.counters, passComplete: true });
      await addDailyMetrics(tx, this.deps.settings.timezone, {
        failed: false, written: rowsWritten(this.counters), added: this.counters.relationsAdded, lost: lost.relations.length, calls: totalCalls(this.counters),
      });
    });
    await this.options.onProgress?.(1, 1, '完成');
  }
}
