import { describe, it } from 'vitest';
import { checkFirstVisitOnFast4G, useTestPage } from '@doitcrm/kit/testing';
import { loadDemoSchool } from '@doitcrm/demo-data';
import { createDashboardApp } from '../src/app.ts';
import { dashboardConfigShape } from '../src/config.ts';
import { refreshRollups } from '../src/domain/refresh-rollups.ts';

const t = useTestPage('dashboard', dashboardConfigShape, createDashboardApp, {
  async prepare(context) {
    await loadDemoSchool(context);
    await refreshRollups(context.pool, { full: true }, { timezone: 'Asia/Shanghai' });
  },
  timeout: 180_000,
});

describe('dashboard page on a phone network', () => {
  it('when staff open the dashboard on Chromium\'s Fast 4G profile, then the class cards show after a first visit of under 600 kB, and the next visit takes its files from the cache', async () => {
    await checkFirstVisitOnFast4G('dashboard', t, '.dash-class');
  }, 120_000);
});
