import { describe, expect, it } from 'vitest';
import { decideDataset } from './marker.ts';

describe('decideDataset', () => {
  it('when no database has the name, then it is built', () => {
    expect(decideDataset({ exists: false, marker: null, messages: 200_000 })).toBe('build');
  });

  it('when the database exists without the marker, then it is a build that died and is built again, never reused', () => {
    expect(decideDataset({ exists: true, marker: null, messages: 200_000 })).toBe('rebuild');
  });

  it('when the marker says the build of this size finished, then it is reused', () => {
    expect(decideDataset({ exists: true, marker: { messages: 200_000 }, messages: 200_000 })).toBe('reuse');
  });

  it('when the finished build is of another size, then it is neither reused nor dropped', () => {
    expect(decideDataset({ exists: true, marker: { messages: 5000 }, messages: 200_000 })).toBe('mismatch');
  });

  it('when --reuse names a database, then only a finished build of any size is taken, and an unfinished one is refused', () => {
    expect(decideDataset({ exists: true, marker: { messages: 2_000_000 }, messages: null })).toBe('reuse');
    expect(decideDataset({ exists: true, marker: null, messages: null })).toBe('missing');
    expect(decideDataset({ exists: false, marker: null, messages: null })).toBe('missing');
  });
});
