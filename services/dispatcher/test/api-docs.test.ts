import { describe } from 'vitest';
import { testApiDocs, useTestApp } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';

const t = useTestApp('dispatcher', dispatcherConfigShape, createDispatcherApp, { roles: ['viewer'] });

describe('dispatcher API documentation', () => {
  testApiDocs(t, () => t.cookies.viewer);
});
