import { describe, expect, test } from 'vitest';
import { TokenBucket, type TimeSource } from '../src/index.ts';

/** A clock that only moves when someone sleeps: the bucket's arithmetic without real waiting. */
function manualTime(start = 1_000_000): TimeSource & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe('TokenBucket', () => {
  test('when the bucket is full, then up to `burst` calls pass at once and the next one is told how long to wait', () => {
    // Arrange: 60/min = one token per second, burst of 3
    const time = manualTime();
    const bucket = new TokenBucket(60, 3, time);

    // Act
    const waits = [bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()];

    // Assert
    expect(waits).toEqual([0, 0, 0, 1000]);
  });

  test('when time passes, then tokens come back at the configured rate and never beyond the burst', () => {
    // Arrange
    const time = manualTime();
    const bucket = new TokenBucket(120, 2, time);
    bucket.tryTake();
    bucket.tryTake();

    // Act: 500 ms at 2 tokens/s refills exactly one; an hour refills only up to the burst
    const afterHalfSecond = [bucket.tryTake(time.now() + 500), bucket.tryTake(time.now() + 500)];
    const afterAnHour = [0, 1, 2].map(() => bucket.tryTake(time.now() + 3_600_000));

    // Assert
    expect(afterHalfSecond).toEqual([0, 500]);
    expect(afterAnHour).toEqual([0, 0, 500]);
  });

  test('when ten callers take at once from an empty bucket, then they leave one interval apart, in arrival order', async () => {
    // Arrange: 600/min = one every 100 ms, burst 1, already used
    const time = manualTime();
    const bucket = new TokenBucket(600, 1, time);
    bucket.tryTake();
    const order: number[] = [];
    const leftAt: number[] = [];

    // Act
    await Promise.all(Array.from({ length: 10 }, (_, i) => bucket.take().then(() => {
      order.push(i);
      leftAt.push(time.now());
    })));

    // Assert
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const gaps = leftAt.slice(1).map((t, i) => t - (leftAt[i] as number));
    expect(gaps.every((gap) => gap === 100)).toBe(true);
    expect((leftAt[9] as number) - 1_000_000).toBe(1000);
  });

  test('when paused, then nothing leaves before the pause ends and the bucket restarts empty instead of bursting', () => {
    // Arrange
    const time = manualTime();
    const bucket = new TokenBucket(60, 5, time);
    const until = time.now() + 60_000;

    // Act
    bucket.pauseUntil(until);
    const during = bucket.tryTake(time.now() + 1_000);
    const atEnd = bucket.tryTake(until);
    const oneSecondLater = bucket.tryTake(until + 1_000);

    // Assert
    expect(during).toBe(59_000);
    expect(atEnd).toBe(1_000);
    expect(oneSecondLater).toBe(0);
  });

  test('when constructed with a rate or burst that cannot work, then it refuses at once', () => {
    // Act / Assert
    expect(() => new TokenBucket(0, 1)).toThrow(RangeError);
    expect(() => new TokenBucket(60, 0)).toThrow(RangeError);
  });
});
