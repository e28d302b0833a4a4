import { describe, expect, test } from 'vitest';
import { readCookie } from './cookies.ts';

describe('readCookie', () => {
  test('when the header holds several cookies, then the named one is found and the first of duplicates wins', () => {
    // Act / Assert
    expect(readCookie('a=1; doitcrm_sid=abc; b=2', 'doitcrm_sid')).toBe('abc');
    expect(readCookie('doitcrm_sid=first; doitcrm_sid=second', 'doitcrm_sid')).toBe('first');
    expect(readCookie('doitcrm_sid="quoted"', 'doitcrm_sid')).toBe('quoted');
    expect(readCookie('xdoitcrm_sid=no; doitcrm_sidx=no', 'doitcrm_sid')).toBeUndefined();
  });

  test('when the header is missing or the value is badly encoded, then no cookie is read', () => {
    // Act / Assert
    expect(readCookie(undefined, 'doitcrm_sid')).toBeUndefined();
    expect(readCookie('doitcrm_sid=%E0%A4%A', 'doitcrm_sid')).toBeUndefined();
    expect(readCookie('garbage', 'doitcrm_sid')).toBeUndefined();
  });
});
