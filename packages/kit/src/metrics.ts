import client from 'prom-client';
import { createScheduleMetrics } from './schedule/schedule-metrics.ts';

/**
 * One registry per service process. HTTP latency per route and queue outcomes are common to all;
 * each service adds its own counters through `registry`.
 */
export function createServiceMetrics(service: string) {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service });
  client.collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new client.Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route template',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    queueMessages: new client.Counter({
      name: 'queue_messages_total',
      help: 'Queue messages by outcome (published, acked, retried, dead-lettered)',
      labelNames: ['queue', 'outcome'] as const,
      registers: [registry],
    }),
    queueHandleSeconds: new client.Histogram({
      name: 'queue_handle_duration_seconds',
      help: 'Time a consumer spent on one message',
      labelNames: ['queue'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
      registers: [registry],
    }),
    jobs: new client.Counter({
      name: 'jobs_total',
      help: 'Jobs finished, by type and final status',
      labelNames: ['type', 'status'] as const,
      registers: [registry],
    }),
    schedules: createScheduleMetrics(registry),
    jobAttempts: new client.Counter({
      name: 'job_attempts_total',
      help: 'Runs of a job by a worker, by type and outcome (succeeded, failed, retried, skipped: already finished)',
      labelNames: ['type', 'outcome'] as const,
      registers: [registry],
    }),
    jobSeconds: new client.Histogram({
      name: 'job_duration_seconds',
      help: 'Time one run of a job took, by type and outcome',
      labelNames: ['type', 'outcome'] as const,
      buckets: [0.1, 0.5, 1, 5, 30, 120, 600, 1800, 3600],
      registers: [registry],
    }),
  };
}

export type ServiceMetrics = ReturnType<typeof createServiceMetrics>;
export { client as promClient };
