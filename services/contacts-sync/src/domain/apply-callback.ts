import type { Queryable } from '@doitcrm/kit';
import { classifyWecomFailure, parseEvent, type CallbackEvent, type WecomClient } from '@doitcrm/wecom';
import { replaceCorpTags } from '../data-access/corp-tag-writer.ts';
import { addHalfContacts, writeContacts, writeRelations } from '../data-access/follow-writer.ts';
import { groupWecomStatus, markGroupLost, writeGroups } from '../data-access/group-writer.ts';
import { markRelationDeleted } from '../data-access/lost-marker.ts';
import { announceNames, raiseChurnAlerts } from './publish-changes.ts';
import { contactRecord, groupRecord, halfContactRecord, relationRecord } from './records.ts';

/** What applying a callback calls: the one client, so callbacks spend from the corp's shared rate budget. */
export type CallbackClient = Pick<WecomClient, 'getExternalContact' | 'getCustomerGroup' | 'listCorpTags'>;

/**
 * Rows written by a callback carry pass 0: they belong to no sync pass (first_seen_pass / changed_pass say which
 * pass saw or changed a row; a callback is between passes, and the next pass compares hashes as usual).
 */
export const CALLBACK_PASS = 0;

export interface ApplyOutcome {
  outcome: 'applied' | 'not_applied';
  /** why nothing changed, or what changed, for the inbox row */
  note: string | null;
}

type Named = { id: string; name: string; room?: boolean };

/**
 * Applies one stored callback in `tx` (the caller's transaction, which also marks the inbox row): the event is a
 * hint, WeCom's current answer is the truth, so every change refetches what it names and writes it through the
 * sync's own writers (unchanged hashes write nothing: applying twice is harmless). Each applied event announces the
 * names it touched (contacts.changed, source callback) through the outbox of the same transaction.
 */
export async function applyCallback(tx: Queryable, client: CallbackClient, event: CallbackEvent): Promise<ApplyOutcome> {
  const names: Named[] = [];
  const outcome = await applyEvent(tx, client, event, names);
  if (outcome.outcome === 'applied') await announceNames(tx, null, names.filter((n) => n.name !== ''), 'callback');
  return outcome;
}

/**
 * Reads a stored event once, for both its inbox type columns and applying it; a known event type missing a field
 * is "invalid" (its apply fails and is retried like any failure, so the error shows on the monitor).
 */
export function readEvent(plaintext: string): { event: CallbackEvent | null; error: unknown; eventType: string; changeType: string } {
  try {
    const event = parseEvent(plaintext);
    const eventType = event.kind === 'unknown' ? event.event || 'unknown' : event.kind;
    return { event, error: null, eventType, changeType: event.changeType };
  } catch (error) {
    return { event: null, error, eventType: 'invalid', changeType: '' };
  }
}

async function applyEvent(tx: Queryable, client: CallbackClient, event: CallbackEvent, names: Named[]): Promise<ApplyOutcome> {
  switch (event.kind) {
    case 'change_external_contact':
      if (event.changeType === 'del_follow_user' || event.changeType === 'del_external_contact') {
        // https://developer.work.weixin.qq.com/document/path/92130: del_follow_user = the customer deleted the member;
        // del_external_contact = the member deleted the customer (Source DELETE_BY_TRANSFER: moved to a colleague, no churn)
        const byCustomer = event.changeType === 'del_follow_user';
        const transfer = event.changeType === 'del_external_contact' && event.source === 'DELETE_BY_TRANSFER';
        const marked = await markRelationDeleted(tx, CALLBACK_PASS, event, byCustomer ? 'deleted_by_customer' : 'deleted_by_staff', !transfer);
        await raiseChurnAlerts(tx, marked.relations);
        for (const r of marked.relations) names.push({ id: r.externalUserId, name: r.customerName === r.externalUserId ? '' : r.customerName });
        return { outcome: 'applied', note: marked.relations.length ? null : '关系已不是活跃状态，无需标记 (relation was not active)' };
      }
      return refetchCustomer(tx, client, event.externalUserId, names);
    case 'change_external_chat':
      return event.changeType === 'dismiss' ? groupGone(tx, event.chatId) : refetchGroup(tx, client, event.chatId, names);
    case 'change_external_tag': {
      const { tags } = await replaceCorpTags(tx, await client.listCorpTags());
      return { outcome: 'applied', note: `标签库已刷新：${tags} 个标签` };
    }
    case 'unknown':
      return { outcome: 'not_applied', note: `未处理的事件类型 ${event.event || '(无)'}/${event.changeType || '(无)'}：已保存，未应用` };
  }
}

/** externalcontact/get for the one customer; a customer WeCom no longer knows (84061…) leaves the relations to the deletions' own events. */
async function refetchCustomer(tx: Queryable, client: CallbackClient, externalUserId: string, names: Named[]): Promise<ApplyOutcome> {
  let detail;
  try {
    detail = await client.getExternalContact(externalUserId);
  } catch (error) {
    const failure = classifyWecomFailure(error);
    if (failure.kind === 'id') return { outcome: 'applied', note: `企业微信已查不到该客户 (${failure.reason})，未写入` };
    throw error;
  }
  await writeContacts(tx, CALLBACK_PASS, [contactRecord(detail)]);
  await writeRelations(tx, CALLBACK_PASS, detail.followers.map((f) => relationRecord(detail.externalUserId, f)));
  names.push({ id: detail.externalUserId, name: detail.name });
  return { outcome: 'applied', note: null };
}

async function refetchGroup(tx: Queryable, client: CallbackClient, chatId: string, names: Named[]): Promise<ApplyOutcome> {
  let group;
  try {
    group = await client.getCustomerGroup(chatId, { needName: true });
  } catch (error) {
    // 49008: dismissed since the event was sent (its own dismiss event follows); other id errors: out of scope
    if (classifyWecomFailure(error).kind === 'id') return groupGone(tx, chatId);
    throw error;
  }
  const record = groupRecord(group, await groupWecomStatus(tx, chatId));
  await writeGroups(tx, CALLBACK_PASS, [record]);
  const half = record.members.filter((m) => m.type === 2).map((m) => halfContactRecord(m.member_id, m.name));
  await addHalfContacts(tx, CALLBACK_PASS, half);
  names.push({ id: chatId, name: group.name, room: true });
  return { outcome: 'applied', note: null };
}

async function groupGone(tx: Queryable, chatId: string): Promise<ApplyOutcome> {
  const marked = await markGroupLost(tx, CALLBACK_PASS, chatId);
  return { outcome: 'applied', note: marked ? '客户群已解散，标记为 lost' : '客户群未知或已标记' };
}
