import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { backoffDelay, supervise } from './supervisor.mjs';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isRunning = (pid: number | undefined) => {
  try {
    process.kill(pid!, 0);
    return true;
  } catch {
    return false;
  }
};

/** A child that exits with code 3 the first `crashes` times, then stays up. */
function flakyChild(crashes: number) {
  let spawned = 0;
  return () => {
    spawned += 1;
    const script = spawned <= crashes ? 'process.exit(3)' : 'setInterval(() => {}, 1000)';
    return spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  };
}

describe('npm start supervision', () => {
  it('when a service exits at once twice, then it is restarted with a doubling back-off, each restart is announced, and the third start stays up', async () => {
    const lines: string[] = [];
    const supervised = supervise({ name: 'mapper', spawnChild: flakyChild(2), log: (line) => lines.push(line), initialMs: 100, maxMs: 1_000 });
    try {
      await sleep(1_500);

      expect(supervised.starts).toBe(3);
      expect(lines).toEqual([
        '[mapper] exited unexpectedly (exit code 3); restarting in 0.1 s (crash 1 in a row)',
        '[mapper] exited unexpectedly (exit code 3); restarting in 0.2 s (crash 2 in a row)',
      ]);
      expect(isRunning(supervised.child.pid)).toBe(true);
    } finally {
      await supervised.stop();
    }
  });

  it('when a service is killed by a signal, then the announcement names the signal', async () => {
    const lines: string[] = [];
    const supervised = supervise({
      name: 'dashboard', spawnChild: () => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }),
      log: (line) => lines.push(line), initialMs: 50,
    });
    try {
      await sleep(300);
      const first = supervised.child.pid;
      supervised.child.kill('SIGKILL');
      await sleep(500);

      expect(lines).toEqual(['[dashboard] exited unexpectedly (signal SIGKILL); restarting in 0.05 s (crash 1 in a row)']);
      expect(supervised.child.pid).not.toBe(first);
      expect(isRunning(supervised.child.pid)).toBe(true);
    } finally {
      await supervised.stop();
    }
  });

  it('when a service keeps crashing, then the back-off grows to its cap and stays there', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 12].map((failures) => backoffDelay(failures, { initialMs: 1_000, maxMs: 30_000 }));

    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('when supervision stops (Ctrl-C), then the running service gets SIGTERM, is waited for, and nothing restarts it', async () => {
    const lines: string[] = [];
    const supervised = supervise({
      name: 'etl', spawnChild: () => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }),
      log: (line) => lines.push(line), initialMs: 50,
    });
    await sleep(300);
    const pid = supervised.child.pid;

    await supervised.stop();
    await sleep(300);

    expect(supervised.child.signalCode).toBe('SIGTERM');
    expect(isRunning(pid)).toBe(false);
    expect(supervised.starts).toBe(1);
    expect(lines).toEqual([]);
  });

  it('when a service stayed up long enough before crashing, then its back-off starts again from the first step', async () => {
    const lines: string[] = [];
    let spawned = 0;
    const supervised = supervise({
      name: 'messages',
      spawnChild: () => {
        spawned += 1;
        // first run crashes at once, second runs 400 ms (past stableAfterMs) then crashes, third stays up
        const script = spawned === 1 ? 'process.exit(1)' : spawned === 2 ? 'setTimeout(() => process.exit(1), 400)' : 'setInterval(() => {}, 1000)';
        return spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
      },
      log: (line) => lines.push(line), initialMs: 100, stableAfterMs: 300,
    });
    try {
      await sleep(1_800);

      expect(lines).toEqual([
        '[messages] exited unexpectedly (exit code 1); restarting in 0.1 s (crash 1 in a row)',
        '[messages] exited unexpectedly (exit code 1); restarting in 0.1 s (crash 1 in a row)',
      ]);
    } finally {
      await supervised.stop();
    }
  });
});
