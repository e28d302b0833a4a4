import { describe, expect, it } from 'vitest';
import { describeFirstData, timeFirstDataOnFast4G, useTestPage } from '@doitcrm/kit/testing';
import { generateSchool, loadSchool } from '@doitcrm/demo-data';
import { createDashboardApp } from '../src/app.ts';
import { dashboardConfigShape } from '../src/config.ts';
import { refreshRollups } from '../src/domain/refresh-rollups.ts';

const t = useTestPage('dashboard', dashboardConfigShape, createDashboardApp, {
  async prepare(context) {
    await loadSchool(context.pool, generateSchool());
    await refreshRollups(context.pool, { full: true }, { timezone: 'Asia/Shanghai' });
  },
  timeout: 180_000,
});

describe('dashboard page on a phone network', () => {
  it('when staff open the dashboard on Chromium\'s Fast 4G profile, then the class cards show after a first visit of under 600 kB, and the next visit takes its files from the cache', async () => {
    const timing = await timeFirstDataOnFast4G(t.browser, { url: `${t.baseUrl}/`, logIn: (page) => t.logIn(page), firstData: '.dash-class' });

    console.log(describeFirstData('dashboard', timing));
    // brotli: about 560 kB where the same files were 1.4 MB plain
    expect(timing.cold.bytes).toBeLessThan(600_000);
    // the second visit takes the hashed scripts and styles from the cache without asking
    expect(timing.warm.bytes).toBeLessThan(timing.cold.bytes / 10);
  }, 120_000);
});
