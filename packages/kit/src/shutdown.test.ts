import { afterEach, describe, expect, test, vi } from 'vitest';
import { captureLogger, sleep, waitFor } from './kit-test-helpers.ts';
import { ShutdownRegistry } from './shutdown.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ShutdownRegistry', () => {
  test('when shutdown is asked for twice, then every step runs once, in the reverse order of registration', async () => {
    // Arrange
    const { logger } = captureLogger();
    const registry = new ShutdownRegistry(logger, 5_000);
    const stopped: string[] = [];
    registry.add('postgres', () => { stopped.push('postgres'); });
    registry.add('rabbitmq', async () => { await sleep(20); stopped.push('rabbitmq'); });
    registry.add('http', async () => { stopped.push('http'); });

    // Act
    await Promise.all([registry.run('SIGTERM'), registry.run('SIGINT')]);
    await registry.run('again, after it finished');

    // Assert
    expect(stopped).toEqual(['http', 'rabbitmq', 'postgres']);
  });

  test('when a step fails, then the steps after it still run and the failure is logged naming the step', async () => {
    // Arrange
    const { logger, lines } = captureLogger();
    const registry = new ShutdownRegistry(logger, 5_000);
    const stopped: string[] = [];
    registry.add('postgres', () => { stopped.push('postgres'); });
    registry.add('rabbitmq', async () => { throw new Error('channel already closed'); });
    registry.add('http', () => { stopped.push('http'); });

    // Act
    await registry.run('SIGTERM');

    // Assert
    expect(stopped).toEqual(['http', 'postgres']);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'shutdown step failed', step: 'rabbitmq', err: expect.objectContaining({ message: 'channel already closed' }) }));
    expect(lines.at(-1)?.msg).toBe('shut down cleanly');
  });

  test('when a step hangs past the timeout, then the process is told to exit with 1', async () => {
    // Arrange
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const { logger, lines } = captureLogger();
    const registry = new ShutdownRegistry(logger, 50);
    registry.add('stuck consumer', () => new Promise<void>(() => {}));

    // Act
    void registry.run('SIGTERM');
    await waitFor('the exit', () => exit.mock.calls.length > 0, 2_000);

    // Assert
    expect(exit).toHaveBeenCalledWith(1);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'shutdown timed out; exiting anyway', timeoutMs: 50 }));
  });
});
