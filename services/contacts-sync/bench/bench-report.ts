// The pure part of `npm run bench:contacts`: the fewest WeCom calls a full pass can make, the least time the rate
// limits allow for the calls it made, and the printed table.

/** What the corp in the fake holds: the inputs of the minimum. */
export interface CorpShape {
  members: number;
  /** members get_follow_user_list names (with 客户联系 and at least one customer) */
  followMembers: number;
  /** (customer, member) pairs */
  relations: number;
  groups: number;
}

/** WeCom's largest pages (spec external-apis.md §1): user/list_id 10,000, batch/get_by_user 100 members × 100 pairs, groupchat/list 1,000. */
const PAGE = { userList: 10_000, batchMembers: 100, batchPairs: 100, groupList: 1_000 } as const;

/**
 * The fewest calls a full pass can make, by API. `user/get` and `groupchat/get` have no batch form, so one call per
 * member and per group, one for the tag library; batch/get_by_user needs a call per 100 pairs and at least one per 100 members.
 */
export function minimumCalls(shape: CorpShape): Record<string, number> {
  return {
    gettoken: 1,
    'user/list_id': Math.max(1, Math.ceil(shape.members / PAGE.userList)),
    'user/get': shape.members,
    'externalcontact/get_follow_user_list': 1,
    'externalcontact/batch/get_by_user': Math.max(Math.ceil(shape.relations / PAGE.batchPairs), Math.ceil(shape.followMembers / PAGE.batchMembers)),
    'externalcontact/groupchat/list': Math.max(1, Math.ceil(shape.groups / PAGE.groupList)),
    'externalcontact/groupchat/get': shape.groups,
    // the tag library is one call whatever its size (get_corp_tag_list without tag_id answers it whole)
    'externalcontact/get_corp_tag_list': 1,
  };
}

export const sumCalls = (calls: Record<string, number>): number => Object.values(calls).reduce((sum, n) => sum + n, 0);

/**
 * The least wall time the rate limits allow for `calls`: WeCom counts each API in fixed windows (a minute, an hour),
 * so the nth call of an API can leave no earlier than ⌊(n − 1) / limit⌋ windows after its first; APIs are counted
 * apart and could overlap, so the floor is the largest of them. Round trips are not counted: this is what the
 * limits alone would allow.
 */
export function rateLimitFloorMs(calls: Record<string, number>, limits: { perMinute: number; perHour: number }): number {
  let floor = 0;
  for (const n of Object.values(calls)) {
    if (n <= 0) continue;
    floor = Math.max(floor, Math.floor((n - 1) / limits.perMinute) * 60_000, Math.floor((n - 1) / limits.perHour) * 3_600_000);
  }
  return floor;
}

export interface TableRow {
  measure: string;
  measured: string;
  against: string;
  ratio: number | null;
  goal: string;
  met: boolean | null;
}

export const ratioText = (ratio: number | null) => (ratio === null || !Number.isFinite(ratio) ? '—' : `${ratio.toFixed(2)}×`);

/** A markdown table, so the README takes it as printed. */
export function formatTable(rows: readonly TableRow[]): string {
  const header = ['measure', 'measured', 'against', 'ratio', 'goal', 'met'];
  const cells = rows.map((row) => [row.measure, row.measured, row.against, ratioText(row.ratio), row.goal, row.met === null ? '—' : row.met ? 'yes' : 'NO']);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((line) => line[i]!.length)));
  const line = (values: string[]) => `| ${values.map((value, i) => value.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
