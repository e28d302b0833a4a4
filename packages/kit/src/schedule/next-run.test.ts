import { describe, expect, it } from 'vitest';
import { nextRunOf } from './next-run.ts';

describe('when a schedule fires next', () => {
  it('when the cron says 07:30 and nothing names a zone, then it fires at 07:30 Beijing time, which is 23:30 UTC the day before', () => {
    const next = nextRunOf({ cron: '30 7 * * *' });
    // 22:00 UTC on 1 March is 06:00 on 2 March in Beijing: the next 07:30 there is 23:30 UTC, still 1 March
    expect(next(new Date('2026-03-01T22:00:00Z'))?.toISOString()).toBe('2026-03-01T23:30:00.000Z');
    // past that tick, across UTC midnight: the following Beijing morning
    expect(next(new Date('2026-03-01T23:40:00Z'))?.toISOString()).toBe('2026-03-02T23:30:00.000Z');
  });

  it('when the cron says Beijing midnight, then it fires at 16:00 UTC of the previous UTC day', () => {
    const next = nextRunOf({ cron: '0 0 * * *' });
    expect(next(new Date('2026-06-30T15:59:00Z'))?.toISOString()).toBe('2026-06-30T16:00:00.000Z');
    expect(next(new Date('2026-06-30T16:00:00Z'))?.toISOString()).toBe('2026-07-01T16:00:00.000Z');
  });

  it('when a weekday cron is read in Beijing, then the weekday is Beijing\'s, not UTC\'s', () => {
    // Monday 01:00 in Beijing is Sunday 17:00 UTC
    const next = nextRunOf({ cron: '0 1 * * 1' });
    expect(next(new Date('2026-03-01T00:00:00Z'))?.toISOString()).toBe('2026-03-01T17:00:00.000Z');
  });

  it('when a zone is given, then the cron is read in that zone instead', () => {
    const next = nextRunOf({ cron: '30 7 * * *', timezone: 'UTC' });
    expect(next(new Date('2026-03-01T22:00:00Z'))?.toISOString()).toBe('2026-03-02T07:30:00.000Z');
  });

  it('when the schedule is every n minutes, then every instance computes the same ticks from the epoch', () => {
    const next = nextRunOf({ everyMinutes: 15 });
    expect(next(new Date('2026-03-01T10:07:13Z'))?.toISOString()).toBe('2026-03-01T10:15:00.000Z');
    expect(next(new Date('2026-03-01T10:15:00Z'))?.toISOString()).toBe('2026-03-01T10:30:00.000Z');
  });

  it('when the cron expression is malformed or the interval is not positive, then starting fails at once', () => {
    expect(() => nextRunOf({ cron: '61 * * * *' })).toThrow();
    expect(() => nextRunOf({ everyMinutes: 0 })).toThrow(/positive/);
  });
});
