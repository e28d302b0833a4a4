import { describe, expect, test } from 'vitest';
import { maskEmail, maskPhone } from './mask.ts';

describe('maskPhone', () => {
  test('when a mainland mobile is masked, then the first three and last four digits stay and the middle four are stars', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  test('when the number is written with spaces or dashes, then it masks like the bare digits', () => {
    expect(maskPhone('138 1234-5678')).toBe('138****5678');
  });

  test('when the number has another length, then at most a third is kept at each end and the middle never shows', () => {
    expect(maskPhone('02112345678901')).toBe('0211******8901');
    expect(maskPhone('12')).toBe('**');
  });

  test('when there is no number, then there is nothing to show', () => {
    expect(maskPhone(null)).toBeNull();
    expect(maskPhone('')).toBe('');
  });
});

describe('maskEmail', () => {
  test('when an address is masked, then only the mailbox\'s first character and the domain show', () => {
    expect(maskEmail('zhangsan@example.com')).toBe('z***@example.com');
    expect(maskEmail('@example.com')).toBe('***@example.com');
  });

  test('when the text has no @, then all but its first character is hidden', () => {
    expect(maskEmail('zhangsan')).toBe('z***');
    expect(maskEmail('')).toBe('');
    expect(maskEmail(null)).toBeNull();
  });
});
