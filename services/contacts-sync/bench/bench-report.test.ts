import { describe, expect, it } from 'vitest';
import { formatTable, minimumCalls, rateLimitFloorMs, sumCalls } from './bench-report.ts';

describe('contacts bench arithmetic', () => {
  it('when 50 members follow 2,000 customers each, then the batch endpoint needs 1,000 calls and the pass 1,000 + one per member and group + 5', () => {
    const calls = minimumCalls({ members: 50, followMembers: 50, relations: 100_000, groups: 200 });
    expect(calls['externalcontact/batch/get_by_user']).toBe(1_000);
    expect(sumCalls(calls)).toBe(1_000 + 50 + 200 + 5);
    expect(calls['externalcontact/get_corp_tag_list']).toBe(1);
  });

  it('when members outnumber pages of pairs, then each 100 members still cost a batch call', () => {
    expect(minimumCalls({ members: 250, followMembers: 250, relations: 120, groups: 0 })['externalcontact/batch/get_by_user']).toBe(3);
  });

  it('when an API needs 1,000 calls at 600 a minute, then the limits allow no less than one minute; other APIs do not add up', () => {
    expect(rateLimitFloorMs({ a: 1_000, b: 700, c: 10 }, { perMinute: 600, perHour: 15_000 })).toBe(60_000);
    expect(rateLimitFloorMs({ a: 600 }, { perMinute: 600, perHour: 15_000 })).toBe(0);
    expect(rateLimitFloorMs({ a: 1_201 }, { perMinute: 600, perHour: 15_000 })).toBe(120_000);
  });

  it('when the hour window binds before the minute one, then the floor is in hours', () => {
    expect(rateLimitFloorMs({ a: 20_000 }, { perMinute: 10_000, perHour: 15_000 })).toBe(3_600_000);
  });

  it('when a goal is missed, then its row says NO', () => {
    const table = formatTable([
      { measure: 'calls', measured: '1,100', against: '1,000', ratio: 1.1, goal: '≤ 1.1×', met: true },
      { measure: 'p99', measured: '120 ms', against: '5 ms', ratio: 24, goal: '< 100 ms', met: false },
    ]);
    expect(table.split('\n')).toHaveLength(4);
    expect(table).toContain('| 1.10× ');
    expect(table.split('\n')[3]).toMatch(/\| NO +\|$/);
  });
});
