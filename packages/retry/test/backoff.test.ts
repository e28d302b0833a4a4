import { describe, expect, test } from 'vitest';
import { backoffDelayMs, sleep } from '../src/index.ts';

describe('back-off', () => {
  test('when retries go on, then the delay doubles from the base, stops at the cap, and never drops below half of it', () => {
    // Act
    const lowest = [0, 1, 2, 3, 4].map((retry) => backoffDelayMs(retry, 100, 500, () => 0));
    const highest = [0, 1, 2, 3, 4].map((retry) => backoffDelayMs(retry, 100, 500, () => 0.999999));

    // Assert
    expect(lowest).toEqual([50, 100, 200, 250, 250]);
    expect(highest).toEqual([100, 200, 400, 500, 500]);
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
