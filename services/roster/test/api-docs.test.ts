import { describe } from 'vitest';
import { testApiDocs, useTestApp } from '@doitcrm/kit/testing';
import { createRosterApp } from '../src/app.ts';
import { rosterConfigShape } from '../src/config.ts';

const t = useTestApp('roster', rosterConfigShape, createRosterApp, { roles: ['viewer'] });

describe('roster API documentation', () => {
  testApiDocs(t, () => t.cookies.viewer);
});
