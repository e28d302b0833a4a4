import { describe, expect, test } from 'vitest';
import { backoffDelayMs, sleep } from '../src/index.ts';

describe('back-off', () => {
  test('when the base is above the cap, then even the first retry waits between half the cap and the cap', () => {
    // Act
    const delays = [0, 0.25, 0.5, 0.999999].map((r) => backoffDelayMs(0, 30_000, 8_000, () => r));

    // Assert
    expect(delays).toEqual([4_000, 5_000, 6_000, 8_000]);
  });

  test('when the signal aborts during the sleep, then the sleep rejects with its reason at once', async () => {
    // Arrange
    const controller = new AbortController();
    const started = Date.now();

    // Act
    const slept = sleep(10_000, controller.signal).catch((e: unknown) => e);
    controller.abort(new Error('stopped'));

    // Assert
    expect(await slept).toMatchObject({ message: 'stopped' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('when the signal has aborted already, then the sleep does not start', async () => {
    // Act
    const error = await sleep(10_000, AbortSignal.abort(new Error('gone'))).catch((e: unknown) => e);

    // Assert
    expect(error).toMatchObject({ message: 'gone' });
  });
});
