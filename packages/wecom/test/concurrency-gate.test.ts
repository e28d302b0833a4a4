import { describe, expect, test } from 'vitest';
import { ConcurrencyGate } from '../src/index.ts';

describe('ConcurrencyGate', () => {
  test('when the limit is reached, then the next caller waits until a place is released', async () => {
    // Arrange
    const gate = new ConcurrencyGate(2);
    const first = await gate.acquire();
    await gate.acquire();
    let thirdIn = false;

    // Act
    const third = gate.acquire().then((permit) => {
      thirdIn = true;
      return permit;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const waitedWhileFull = !thirdIn;
    first.release();
    await third;

    // Assert
    expect(waitedWhileFull).toBe(true);
    expect(thirdIn).toBe(true);
    expect(gate.inFlight).toBe(2);
  });

  test('when a burst of calls started under one limit all see 45033, then the limit halves once, not once per call', async () => {
    // Arrange
    const gate = new ConcurrencyGate(8);
    const permits = await Promise.all(Array.from({ length: 8 }, () => gate.acquire()));

    // Act
    const lowered = permits.map((p) => gate.lower(p.generation));

    // Assert
    expect(lowered.filter(Boolean)).toHaveLength(1);
    expect(gate.limit).toBe(4);
  });

  test('when calls started under the lowered limit still see 45033, then it halves again but never below 1', async () => {
    // Arrange
    const gate = new ConcurrencyGate(4);
    const lowerNow = async () => {
      const permit = await gate.acquire();
      gate.lower(permit.generation);
      permit.release();
    };

    // Act
    for (let i = 0; i < 5; i++) await lowerNow();

    // Assert
    expect(gate.limit).toBe(1);
  });

  test('when a lowered gate sees a long run of successes, then it allows one more call in flight, up to its maximum', async () => {
    // Arrange
    const gate = new ConcurrencyGate(2);
    gate.lower(gate.generation);

    // Act
    for (let i = 0; i < 49; i++) gate.noteSuccess();
    const before = gate.limit;
    gate.noteSuccess();
    for (let i = 0; i < 500; i++) gate.noteSuccess();

    // Assert
    expect(before).toBe(1);
    expect(gate.limit).toBe(2);
  });

  test('when a permit is released twice, then the count of calls in flight stays right', async () => {
    // Arrange
    const gate = new ConcurrencyGate(3);
    const permit = await gate.acquire();
    await gate.acquire();

    // Act
    permit.release();
    permit.release();

    // Assert
    expect(gate.inFlight).toBe(1);
  });
});
