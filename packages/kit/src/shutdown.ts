import type { Logger } from './logger.ts';

type Step = { name: string; stop: () => Promise<void> | void };

/**
 * Everything a process started, stopped in reverse order on SIGTERM/SIGINT: HTTP stops accepting and finishes
 * in-flight requests, consumers stop and finish their messages, then Redis and the pool close.
 */
export class ShutdownRegistry {
  private readonly steps: Step[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly logger: Logger, private readonly timeoutMs: number) {}

  add(name: string, stop: Step['stop']): void {
    this.steps.push({ name, stop });
  }

  async run(reason: string): Promise<void> {
    this.running ??= (async () => {
      this.logger.info({ reason }, 'shutting down');
      const deadline = setTimeout(() => {
        this.logger.error({ timeoutMs: this.timeoutMs }, 'shutdown timed out; exiting anyway');
        process.exit(1);
      }, this.timeoutMs);
      deadline.unref();
      for (const step of [...this.steps].reverse()) {
        try {
          await step.stop();
        } catch (error) {
          this.logger.warn({ err: error, step: step.name }, 'shutdown step failed');
        }
      }
      clearTimeout(deadline);
      this.logger.info('shut down cleanly');
    })();
    return this.running;
  }

  /** Installs the process hooks: signals stop cleanly; unexpected errors are logged, then stop and exit 1. */
  installProcessHooks(): void {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => void this.run(signal).then(() => process.exit(0)));
    }
    process.on('unhandledRejection', (reason) => {
      this.logger.error({ err: reason }, 'unhandled promise rejection');
    });
    process.on('uncaughtException', (error) => {
      this.logger.fatal({ err: error }, 'uncaught exception; stopping');
      void this.run('uncaughtException').finally(() => process.exit(1));
    });
  }
}
