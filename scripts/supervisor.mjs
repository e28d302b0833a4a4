// Restarts what `npm start` (and `npm run faults`) started when it exits unexpectedly, as compose's
// `restart: unless-stopped` and systemd's `Restart=on-failure` do for a deployment. Plain Node with no
// dependencies, because `npm start` loads it before `npm install` has run.

/** Delay before the n-th restart in a row (n ≥ 1): initialMs doubled per failure, never more than maxMs. */
export function backoffDelay(failures, { initialMs = 1_000, maxMs = 30_000, factor = 2 } = {}) {
  return Math.min(initialMs * factor ** Math.max(0, failures - 1), maxMs);
}

const seconds = (ms) => `${Number((ms / 1000).toFixed(2))} s`;

/**
 * Runs `spawnChild()` and starts it again whenever it exits while not stopping, after a back-off that doubles with
 * each crash in a row up to a cap. A child that stayed up for `stableAfterMs` counts as healthy again: its next
 * crash starts the back-off from the beginning. Every restart is announced through `log`.
 */
export function supervise({ name, spawnChild, log = (line) => console.error(line), initialMs = 1_000, maxMs = 30_000, stableAfterMs = 30_000 }) {
  let child;
  let startedAt = 0;
  let failures = 0;
  let starts = 0;
  let timer;
  let stopping = false;

  const start = () => {
    timer = undefined;
    if (stopping) return;
    starts += 1;
    startedAt = Date.now();
    child = spawnChild();
    child.once('exit', (code, signal) => {
      if (stopping) return;
      if (Date.now() - startedAt >= stableAfterMs) failures = 0;
      failures += 1;
      const delay = backoffDelay(failures, { initialMs, maxMs });
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      log(`[${name}] exited unexpectedly (${how}); restarting in ${seconds(delay)} (crash ${failures} in a row)`);
      timer = setTimeout(start, delay);
    });
  };
  start();

  return {
    get child() { return child; },
    /** how many times a child was started, the first included */
    get starts() { return starts; },
    /** Stops supervising: no more restarts; the running child gets `signal` and is waited for. */
    async stop(signal = 'SIGTERM') {
      stopping = true;
      clearTimeout(timer);
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
  };
}
