import { describe, expect, it, vi } from 'vitest';
import { useTestService } from '@doitcrm/kit/testing';
import { dashboardConfigShape, loadDashboardConfig } from '../src/config.ts';
import { isBuilt } from '../src/data-access/refresh-state-repository.ts';
import { startSchedule } from '../src/entry-points/schedule.ts';

const t = useTestService('dashboard', dashboardConfigShape);

async function scheduleRow() {
  const { rows } = await t.context.pool.query<{ finished_at: Date | null; failures: number }>(
    "SELECT finished_at, failures FROM ops.schedules WHERE name = 'dashboard-alerts'");
  return rows[0];
}

describe('dashboard schedule', () => {
  it('when the dashboard starts with no rollups built, then its first run builds them and evaluates the alerts', async () => {
    const { pool } = t.context;
    expect(await isBuilt(pool)).toBe(false);
    startSchedule(t.context);
    await vi.waitFor(async () => { if (!(await scheduleRow())?.finished_at) throw new Error('first run not finished'); }, { timeout: 20_000, interval: 50 });
    expect(await isBuilt(pool)).toBe(true);
    expect(await scheduleRow()).toMatchObject({ failures: 0 });
    const running = await t.context.metrics.registry.getSingleMetric('schedule_running')?.get();
    expect(running?.values).toContainEqual({ labels: { schedule: 'dashboard-alerts' }, value: 0 });
  });

  it('when ALERT_EVALUATION_CRON is not a cron expression, then the configuration is refused naming it', () => {
    expect(() => loadDashboardConfig({ ALERT_EVALUATION_CRON: '61 * * * *' })).toThrow(/ALERT_EVALUATION_CRON/);
    expect(loadDashboardConfig({ ALERT_EVALUATION_CRON: '*/10 8-22 * * *' }).ALERT_EVALUATION_CRON).toBe('*/10 8-22 * * *');
  });
});
