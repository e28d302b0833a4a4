import { describe, expect, it } from 'vitest';
import { DEFAULT_DISPATCH_SETTINGS } from './dispatch-settings.ts';
import { holdFor, quietPeriodEnd } from './holds.ts';

const beijing = (local: string) => new Date(`${local}+08:00`);

describe('quiet hours and send_at holds', () => {
  it('when quiet hours span midnight, then a time before midnight ends the next morning and one after midnight the same morning', () => {
    const quiet = { start: '21:30', end: '08:00' };
    expect(quietPeriodEnd(quiet, beijing('2026-12-07T21:30:00'))).toEqual(beijing('2026-12-08T08:00:00'));
    expect(quietPeriodEnd(quiet, beijing('2026-12-08T03:00:00'))).toEqual(beijing('2026-12-08T08:00:00'));
    expect(quietPeriodEnd(quiet, beijing('2026-12-08T08:00:00'))).toBeNull();
    expect(quietPeriodEnd(quiet, beijing('2026-12-07T21:29:59'))).toBeNull();
  });

  it('when quiet hours lie within one day or start equals end, then only that span holds and an empty span never does', () => {
    expect(quietPeriodEnd({ start: '12:00', end: '13:30' }, beijing('2026-12-07T12:45:00'))).toEqual(beijing('2026-12-07T13:30:00'));
    expect(quietPeriodEnd({ start: '12:00', end: '13:30' }, beijing('2026-12-07T13:30:00'))).toBeNull();
    expect(quietPeriodEnd({ start: '08:00', end: '08:00' }, beijing('2026-12-07T08:00:00'))).toBeNull();
  });

  it('when quiet hours are disabled or send_at is past, then nothing is held', () => {
    const now = beijing('2026-12-07T23:00:00');
    const quietHours = { ...DEFAULT_DISPATCH_SETTINGS.quiet_hours, enabled: false };
    expect(holdFor({ channel: 'sms', priority: 5, sendAt: beijing('2026-12-07T22:00:00'), now, quietHours })).toBeNull();
    expect(holdFor({ channel: 'sms', priority: 5, sendAt: beijing('2026-12-08T09:00:00'), now, quietHours }))
      .toEqual({ reason: 'send_at', dueAt: beijing('2026-12-08T09:00:00') });
  });
});

describe('quiet hours of a template or an alert rule', () => {
  const global = DEFAULT_DISPATCH_SETTINGS.quiet_hours;
  const at2300 = beijing('2026-12-07T23:00:00');

  it('when a template sets its own hours, then they decide, also on a channel the global setting leaves alone', () => {
    const own = { enabled: true as const, start: '20:00', end: '07:00', bypassPriority: 10 };
    expect(holdFor({ channel: 'wecom_robot', priority: 9, sendAt: null, now: at2300, quietHours: global, overrides: [own] }))
      .toEqual({ reason: 'quiet_hours', dueAt: beijing('2026-12-08T07:00:00') });
    expect(holdFor({ channel: 'wecom_robot', priority: 9, sendAt: null, now: at2300, quietHours: global, overrides: [null] })).toBeNull();
  });

  it('when a template is never quiet, then a message at 23:00 goes now though the global hours hold its channel', () => {
    expect(holdFor({ channel: 'sms', priority: 1, sendAt: null, now: at2300, quietHours: global, overrides: [{ enabled: false }] })).toBeNull();
    expect(holdFor({ channel: 'sms', priority: 1, sendAt: null, now: at2300, quietHours: global, overrides: [null] }))
      .toEqual({ reason: 'quiet_hours', dueAt: beijing('2026-12-08T08:00:00') });
  });

  it('when an alert rule and its template both set hours, then the rule (its recipients) wins and null falls through to the template', () => {
    const template = { enabled: true as const, start: '22:00', end: '06:00', bypassPriority: 9 };
    const rule = { enabled: true as const, start: '21:00', end: '09:30', bypassPriority: 9 };
    expect(holdFor({ channel: 'wecom_robot', priority: 5, sendAt: null, now: at2300, quietHours: global, overrides: [rule, template] }))
      .toEqual({ reason: 'quiet_hours', dueAt: beijing('2026-12-08T09:30:00') });
    expect(holdFor({ channel: 'wecom_robot', priority: 5, sendAt: null, now: at2300, quietHours: global, overrides: [null, template] }))
      .toEqual({ reason: 'quiet_hours', dueAt: beijing('2026-12-08T06:00:00') });
    expect(holdFor({ channel: 'wecom_robot', priority: 5, sendAt: null, now: at2300, quietHours: global, overrides: [{ enabled: false }, template] })).toBeNull();
  });
});
