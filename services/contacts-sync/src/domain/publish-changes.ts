import { enqueueEvent, type Queryable } from '@doitcrm/kit';
import { idKindOf, type ContactsChanged } from '@doitcrm/types';
import type { LostRelation } from '../data-access/lost-marker.ts';

const NAMES_PER_EVENT = 1_000;
const shortName = (name: string) => (name.length > 40 ? `${name.slice(0, 40)}…` : name);

/**
 * contacts.changed for the names a unit of work wrote, in that unit's transaction (the outbox relays it after the
 * commit): a batch that rolls back announces nothing, and a batch redone after a crash writes and announces nothing new.
 */
export async function announceNames(
  db: Queryable, runId: number | null, names: ReadonlyArray<{ id: string; name: string; room?: boolean }>, source: ContactsChanged['source'] = 'sync',
): Promise<number> {
  let events = 0;
  for (let start = 0; start < names.length; start += NAMES_PER_EVENT) {
    const slice = names.slice(start, start + NAMES_PER_EVENT);
    const payload: ContactsChanged = {
      source, runId,
      names: slice.map((n) => ({ id: n.id, name: n.name, kind: idKindOf(n.id, n.room ? 'room_id' : 'user_id') })),
    };
    await enqueueEvent(db, 'contacts.changed', payload);
    events += 1;
  }
  return events;
}

/** alert.raised once per lost relation (the churn alert row that numbers it is unique per relation and loss). */
export async function raiseChurnAlerts(db: Queryable, lost: readonly LostRelation[]): Promise<number> {
  let raised = 0;
  for (const relation of lost) {
    if (relation.alertId === null) continue;
    await enqueueEvent(db, 'alert.raised', {
      alertId: relation.alertId,
      kind: 'churn_risk',
      severity: 'warning',
      classId: null,
      title: `客户「${shortName(relation.customerName)}」已不在「${shortName(relation.staffName)}」的客户列表中`,
      evidenceUrl: null,
    });
    raised += 1;
  }
  return raised;
}
