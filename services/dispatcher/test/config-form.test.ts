import { describe, expect, it } from 'vitest';
import { diffValues, problemsByPath, setAt } from '../web/config-form.ts';

describe('the configuration form\'s draft helpers', () => {
  it('when an optional limit is cleared, then its key goes and so do the objects it leaves empty, but never a top-level key', () => {
    const draft: Record<string, unknown> = { channels: { sms: { dailyCap: 10 } }, providers: { aliyun: { dailyCap: 5, rate: [{ limit: 1, windowMs: 1000 }] } } };

    setAt(draft, ['channels', 'sms', 'dailyCap'], undefined);
    setAt(draft, ['providers', 'aliyun', 'dailyCap'], undefined);
    setAt(draft, ['providers', 'tencent', 'dailyCap'], 7);

    expect(draft).toEqual({ channels: {}, providers: { aliyun: { rate: [{ limit: 1, windowMs: 1000 }] }, tencent: { dailyCap: 7 } } });
  });

  it('when a value changes in one leaf, then the diff lists that path alone with before and after', () => {
    const before = { enabled: true, start: '21:30', channels: ['sms'], providers: { aliyun: { rate: [{ limit: 5000, windowMs: 1000 }] } } };
    const after = { enabled: true, start: '22:00', channels: ['sms', 'email'], providers: { aliyun: { rate: [{ limit: 5000, windowMs: 1000 }], dailyCap: 3 } } };

    expect(diffValues(before, after)).toEqual([
      { path: 'channels', before: '["sms"]', after: '["sms","email"]' },
      { path: 'providers.aliyun.dailyCap', before: '—', after: '3' },
      { path: 'start', before: '"21:30"', after: '"22:00"' },
    ]);
    expect(diffValues(before, before)).toEqual([]);
  });

  it('when the server names problems under value, then they are keyed by their path inside the value', () => {
    expect(problemsByPath([{ field: 'value.providers.aliyun.dailyCap', message: 'Too small' }, { field: 'value', message: 'bad' }]))
      .toEqual({ 'providers.aliyun.dailyCap': 'Too small', '': 'bad' });
  });
});
