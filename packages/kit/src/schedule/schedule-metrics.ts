import client from 'prom-client';

/** What an operator asks of a schedule: when did it run, when will it, how long did it take, does it fail, is it on. */
export function createScheduleMetrics(registry: client.Registry) {
  const labelNames = ['schedule'] as const;
  const registers = [registry];
  return {
    lastRun: new client.Gauge({ name: 'schedule_last_run_timestamp_seconds', help: 'When this instance last started a run of the schedule (Unix seconds)', labelNames, registers }),
    nextRun: new client.Gauge({ name: 'schedule_next_run_timestamp_seconds', help: 'The next tick of the schedule (Unix seconds)', labelNames, registers }),
    lastDuration: new client.Gauge({ name: 'schedule_last_duration_seconds', help: 'How long the last run on this instance took', labelNames, registers }),
    failures: new client.Counter({ name: 'schedule_failures_total', help: 'Runs whose handler threw', labelNames, registers }),
    running: new client.Gauge({ name: 'schedule_running', help: '1 while this instance runs the schedule, else 0', labelNames, registers }),
  };
}

export type ScheduleMetrics = ReturnType<typeof createScheduleMetrics>;
