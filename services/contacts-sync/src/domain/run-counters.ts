/** What one run did, kept on its row (and shown by /sync/status and the CLI). */
export interface RunCounters {
  staffSeen: number;
  staffWritten: number;
  batchesTotal: number;
  batchesDone: number;
  relationsSeen: number;
  customersSeen: number;
  contactsWritten: number;
  relationsWritten: number;
  relationsAdded: number;
  relationsParked: number;
  /** members WeCom no longer knew when their batch was asked (60111): their relations were left as they were */
  membersSkipped: number;
  groupsSeen: number;
  groupsWritten: number;
  groupMembersWritten: number;
  halfContactsAdded: number;
  /** tags in the library get_corp_tag_list answered, and tag rows it added, changed or removed */
  corpTags: number;
  corpTagsWritten: number;
  relationsLost: number;
  contactsDeleted: number;
  groupsLost: number;
  staffGone: number;
  alertsRaised: number;
  namesAnnounced: number;
  /** calls made by this run, by WeCom API (the client's own retries not counted) */
  wecomCalls: Record<string, number>;
}

export function emptyCounters(): RunCounters {
  return {
    staffSeen: 0, staffWritten: 0, batchesTotal: 0, batchesDone: 0, relationsSeen: 0, customersSeen: 0, contactsWritten: 0, relationsWritten: 0,
    relationsAdded: 0, relationsParked: 0, membersSkipped: 0, groupsSeen: 0, groupsWritten: 0, groupMembersWritten: 0, halfContactsAdded: 0, corpTags: 0, corpTagsWritten: 0, relationsLost: 0,
    contactsDeleted: 0, groupsLost: 0, staffGone: 0, alertsRaised: 0, namesAnnounced: 0, wecomCalls: {},
  };
}

/** Rows of the contacts tables the run inserted or changed (its bookkeeping — run row, change log, outbox — aside). */
export function rowsWritten(c: RunCounters): number {
  return c.staffWritten + c.contactsWritten + c.relationsWritten + c.groupsWritten + c.groupMembersWritten + c.halfContactsAdded + c.corpTagsWritten
    + c.relationsLost + c.contactsDeleted + c.groupsLost + c.staffGone;
}
