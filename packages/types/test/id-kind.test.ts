import { describe, expect, it } from 'vitest';
import { idKindOf } from '../src/index.ts';

describe('idKindOf', () => {
  it.each([
    ['wmAbCdEfGhIjKlMnOpQrStUv', 'user_id', 'external_wechat'],
    ['woAbCdEfGhIjKlMnOpQrStUv', 'user_id', 'external_wecom'],
    ['wbAbCdEfGhIjKlMnOpQrStUv', 'user_id', 'bot'],
    ['ZhangLi', 'user_id', 'staff'],
    ['wang.fang', 'user_id', 'staff'],
    ['wrAbCdEfGhIjKlMnOpQrStUv', 'room_id', 'customer_group'],
    ['1234567890123456789', 'room_id', 'internal_group'],
  ] as const)('when the id is %s (%s), then its kind is %s', (id, type, kind) => {
    // Act
    const result = idKindOf(id, type);

    // Assert
    expect(result).toBe(kind);
  });

  it('when a room id starts with wm, then it is still a room (the id type decides first)', () => {
    // Act / Assert
    expect(idKindOf('wmSomething', 'room_id')).toBe('internal_group');
  });
});
