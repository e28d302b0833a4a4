import { promClient, type ServiceMetrics } from '@doitcrm/kit';

/** What /metrics shows of the sending path, per channel. */
export function createWorkerMetrics(registry: ServiceMetrics['registry']) {
  return {
    outcomes: new promClient.Counter({
      name: 'dispatch_messages_total',
      help: 'Messages a worker finished with, by channel and outcome (sent, duplicate, retrying, deferred, failed, skipped)',
      labelNames: ['channel', 'outcome'] as const,
      registers: [registry],
    }),
    sendSeconds: new promClient.Histogram({
      name: 'dispatch_send_duration_seconds',
      help: 'Time of one provider call, by channel and result',
      labelNames: ['channel', 'result'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    inFlight: new promClient.Gauge({
      name: 'dispatch_in_flight',
      help: 'Messages being worked on now, by channel',
      labelNames: ['channel'] as const,
      registers: [registry],
    }),
    capacity: new promClient.Gauge({
      name: 'dispatch_worker_capacity',
      help: 'Messages a channel worker of this process works on at once (workers.concurrency)',
      labelNames: ['channel'] as const,
      registers: [registry],
    }),
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
