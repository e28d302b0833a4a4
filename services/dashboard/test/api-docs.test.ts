import { describe } from 'vitest';
import { testApiDocs, useTestApp } from '@doitcrm/kit/testing';
import { createDashboardApp } from '../src/app.ts';
import { dashboardConfigShape } from '../src/config.ts';

const t = useTestApp('dashboard', dashboardConfigShape, createDashboardApp, { roles: ['viewer'] });

describe('dashboard API documentation', () => {
  testApiDocs(t, () => t.cookies.viewer);
});
