import { describe, expect, it } from 'vitest';
import type { Request } from 'express';
import { actorFromRequest, auditAs, systemActor } from './actor.ts';

function fakeRequest(user: Request['user'], headers: Record<string, string>, ip: string): Request {
  return { user, ip, get: (name: string) => headers[name.toLowerCase()] } as unknown as Request;
}

describe('Actor', () => {
  it('takes the user, address and browser of a signed-in request', () => {
    const req = fakeRequest({ id: 7, username: 'teacher', displayName: '老师', role: 'staff' }, { 'user-agent': 'UA/1' }, '10.0.0.9');
    expect(actorFromRequest(req)).toEqual({ userId: 7, username: 'teacher', role: 'staff', ip: '10.0.0.9', userAgent: 'UA/1' });
  });

  it('names nobody when the request has no user, never inventing an id', () => {
    const actor = actorFromRequest(fakeRequest(undefined, {}, '127.0.0.1'));
    expect(actor.userId).toBeNull();
    expect(actor.username).toBeNull();
    expect(actor.userAgent).toBeNull();
  });

  it('writes audit rows that carry the actor and cannot be overridden by the entry', () => {
    const actor = systemActor('schedule:rollups');
    const entry = auditAs(actor, { service: 'dashboard', action: 'dashboard.rollups.refresh', targetType: 'rollup', targetId: 3 });
    expect(entry).toEqual({
      service: 'dashboard', action: 'dashboard.rollups.refresh', targetType: 'rollup', targetId: 3,
      userId: null, username: 'schedule:rollups', ip: null, userAgent: null,
    });
  });
});
