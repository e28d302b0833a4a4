import type { ChildProcess } from 'node:child_process';

export function backoffDelay(failures: number, options?: { initialMs?: number; maxMs?: number; factor?: number }): number;

export interface Supervised {
  readonly child: ChildProcess;
  readonly starts: number;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function supervise(options: {
  name: string;
  spawnChild: () => ChildProcess;
  log?: (line: string) => void;
  initialMs?: number;
  maxMs?: number;
  stableAfterMs?: number;
}): Supervised;
